/* fuzz-xs-keys: libFuzzer target for the vif key parsers (xenstore/keys.c).
 *
 * Input: the first byte picks the parser -- one of the keys of
 * keys_vif_set(), xl's rate syntax, or a whole vif given as "key=value"
 * lines -- and the rest is the value.  Values are bounded by the xenstore
 * payload limit, as in real use.  Any crash, sanitizer report or error
 * without a message is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore/keys.h"

#define FUZZ_VALUE_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int r, const struct keys_err *err)
{
    if (r < 0 && !err->msg[0]) {
        abort();                    /* every error must explain itself */
    }
}

static void
whole_vif(char *text)
{
    struct keys_vif v;
    struct keys_err err = { "" };
    enum port_vlan_mode mode;
    uint16_t pvid;
    uint64_t allowed[VLAN_BITMAP_WORDS];
    char *save = NULL;

    keys_vif_init(&v);
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = '\0';
            err.msg[0] = '\0';
            check(keys_vif_set(&v, line, eq + 1, &err), &err);
        }
    }
    err.msg[0] = '\0';
    if (!keys_vif_finish(&v, &err)) {
        if (v.vlan.count) {
            err.msg[0] = '\0';
            check(keys_vlan_to_port(&v.vlan, &mode, &pvid, allowed, &err), &err);
        }
    } else {
        check(-1, &err);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char value[FUZZ_VALUE_MAX + 1];
    struct keys_err err = { "" };
    unsigned which;

    if (size < 1 || size - 1 > FUZZ_VALUE_MAX) {
        return 0;
    }
    which = data[0] % (KEY_N + 2);
    memcpy(value, data + 1, size - 1);
    value[size - 1] = '\0';

    if (which < KEY_N) {
        struct keys_vif v;
        keys_vif_init(&v);
        check(keys_vif_set(&v, keys_vif_key_name(which), value, &err), &err);
    } else if (which == KEY_N) {
        struct keys_rate r;
        check(keys_parse_rate_xl(value, &r, &err), &err);
    } else {
        whole_vif(value);
    }
    return 0;
}
