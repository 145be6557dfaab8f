/* libFuzzer target: the control socket protocol -- the request parser and
 * dispatcher (daemon/ctl.c) with every command (ctl_commands.c, ctl_fdb.c)
 * against two bridges of fake ports (tests/unit/test-ctl-fake.c: "uplinks"
 * and host ports without netdevs, a foreign vif).
 *
 * Input: up to FUZZ_CTL_LINES request lines, separated by '\n', each run
 * through ctl_dispatch_line() as ctl_server runs a line (a trailing '\r'
 * dropped, blank lines skipped), from a buffer of exactly its length so
 * that reading past it is caught.  A line that starts with the byte 0x01 is
 * shorthand: "\x01set-ageing br1 abc" stands for the request
 * {"command":"set-ageing","args":["br1","abc"]} (words split at spaces),
 * so that the fuzzer spends its time on commands and arguments rather than
 * on JSON syntax (which plain lines cover).  For every line:
 *   - the reply is one line (a single '\n', at its end) holding a JSON
 *     object with a boolean "ok"; ok: a "result"; not ok: an "error"
 *     string "PREFIX: reason" with PREFIX "request" or the command's name;
 *   - a request that closes the connection (fatal) is not ok;
 *   - an error, or a read-only command, changes nothing (xvsd_state_same);
 *   - the invariants of xvsd_state_check() hold.
 * Then, if the input changed anything, every bridge is removed (no fake
 * port may survive) and the starting state rebuilt.  Leaks are found by
 * LeakSanitizer.  Harness limit: a request asking for an FDB of more than
 * FUZZ_CTL_FDB_MAX entries is skipped (each entry is allocated up front; the
 * admin may ask for 4M entries, which is not a bug but slows fuzzing). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/brmgr.h"
#include "daemon/ctl.h"
#include "daemon/ctl_commands.h"
#include "lib/log.h"
#include "lib/util.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "tests/fuzz/xvsd-state.h"
#include "tests/unit/test-ctl-fake.h"
#include "tests/fuzz/fuzz-text.h"

#define FUZZ_CTL_LINES 8
#define FUZZ_CTL_FDB_MAX 256
#define WHY 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct xvsd_state baseline;
static const uint8_t *cur_data;
static size_t cur_size;

static void fail(const char *what, const char *detail)
{
    xvsd_fail(what, detail, cur_data, cur_size);
}

static void quiet(void)
{
    for (int m = 0; m < XLOG_N_MODULES; m++)
        xlog_set_level((enum xlog_module)m, XLOG_ERR);
}

static void must(const char *req)
{
    bool fatal;
    json_t *r = ctl_dispatch(req, strlen(req), &fatal);

    if (!json_is_true(json_object_get(r, "ok"))) {
        fprintf(stderr, "fuzz-ctl setup: %s: %s\n", req,
                json_string_value(json_object_get(r, "error")));
        abort();
    }
    json_decref(r);
}

static void learn(const char *br, const char *port, const char *mac, uint16_t vlan)
{
    struct bridge *b = bridge_lookup(br);
    uint8_t m[ETH_ADDR_LEN];

    if (!b || eth_addr_parse(mac, m))
        abort();
    fdb_learn(bridge_fdb(b), m, vlan, bridge_find_port(b, port));
}

/* The state every input starts from. */
static void build(void)
{
    static const char *const setup[] = {
        "{\"command\":\"add-br\",\"args\":[\"xenbr0\",\"uplink=eth0\","
        "\"ageing=1000000\",\"fdb-max=64\"]}",
        "{\"command\":\"add-port\",\"args\":[\"xenbr0\",\"eth1\",\"vlan=10\"]}",
        "{\"command\":\"add-port\",\"args\":[\"xenbr0\",\"eth2\",\"trunk=10,20-30\","
        "\"native=1\",\"promiscuous=yes\"]}",
        "{\"command\":\"add-br\",\"args\":[\"br1\",\"host-port=no\",\"fdb-max=16\","
        "\"ageing=1000000\"]}",
        "{\"command\":\"add-port\",\"args\":[\"br1\",\"eth3\",\"learning=no\"]}",
        "{\"command\":\"fdb-add\",\"args\":[\"xenbr0\",\"eth1\",\"02:00:00:00:00:01\"]}",
        "{\"command\":\"fdb-add\",\"args\":[\"br1\",\"eth3\",\"02:00:00:00:00:03\"]}",
    };
    struct port *vif = fake_vif("vif1.0");

    quiet();
    for (size_t i = 0; i < ARRAY_SIZE(setup); i++)
        must(setup[i]);
    port_set_access(vif, 20);
    if (!vif || bridge_add_port(bridge_lookup("xenbr0"), vif))
        abort();
    learn("xenbr0", "eth0", "02:00:00:00:01:01", 1);
    learn("xenbr0", "eth0", "02:00:00:00:01:02", 10);
    learn("xenbr0", "eth2", "02:00:00:00:02:01", 20);
    learn("xenbr0", "vif1.0", "02:00:00:00:03:01", 20);
    learn("xenbr0", "xenbr0", "02:00:00:00:04:01", 1);
    xvsd_state_take(&baseline);
}

static void setup_once(void)
{
    static bool ready;

    if (ready)
        return;
    xlog_init(XLOG_TO_STDERR, XLOG_ERR);
    brmgr_init(NULL, &fake_factory);
    if (ctl_commands_register())
        abort();
    ctl_commands_set_defaults(1000000, 64);
    build();
    ready = true;
}

/* What the harness needs to know of a request before running it. */
struct peek {
    char command[64];                   /* "" if not an object with one */
    bool skip;                          /* beyond a harness limit */
    bool known;                         /* command[] is filled in */
    const char *line;                   /* else parse this when asked */
    size_t len;
};

/* Whether an argument asks for more FDB entries than the harness allows. */
static bool too_big(const char *s)
{
    unsigned long long v;

    return s && !strncmp(s, "fdb-max=", 8) && !parse_uint(s + 8, UINT32_MAX, &v)
           && v > FUZZ_CTL_FDB_MAX;
}

/* A plain JSON line, parsed (again: the dispatcher did or will). */
static void peek(const char *line, size_t len, struct peek *pk)
{
    json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *cmd = json_object_get(req, "command"), *args = json_object_get(req, "args");
    size_t i;
    json_t *a;

    pk->command[0] = '\0';
    pk->skip = false;
    if (json_is_string(cmd))
        snprintf(pk->command, sizeof pk->command, "%s", json_string_value(cmd));
    json_array_foreach(args, i, a)
        if (too_big(json_string_value(a)))
            pk->skip = true;
    json_decref(req);
    pk->known = true;
}

/* A plain JSON line before it is run: parsed only if it may ask for a big
 * FDB ("fdb-max=", or an escape that could spell it); else its command is
 * parsed only when a check needs it (most fuzzed lines are refused as
 * "request: ..." and never need it). */
static void peek_lazily(const char *line, size_t len, struct peek *pk)
{
    if (memmem(line, len, "fdb-max=", 8) || memchr(line, '\\', len)) {
        peek(line, len, pk);
        return;
    }
    pk->skip = false;
    pk->known = false;
    pk->line = line;
    pk->len = len;
}

static const char *command_of(struct peek *pk)
{
    if (!pk->known)
        peek(pk->line, pk->len, pk);
    return pk->command;
}

static bool read_only(const char *cmd)
{
    static const char *const ro[] = {
        "show", "list-br", "list-ports", "br-to-vlan", "fdb-show", "fdb-stats",
        "port-stats", "version", "list-commands",
    };
    for (size_t i = 0; i < ARRAY_SIZE(ro); i++)
        if (!strcmp(cmd, ro[i]))
            return true;
    return false;
}

/* What the parse of a reply line said, kept by the line's exact text:
 * the parse is a function of the text alone, and two thirds of the reply
 * bytes of a replay of the session-2 corpus repeat an earlier reply (the
 * same errors, `show` of the same starting state); their JSON parse was
 * a tenth of the target's time.  Direct-mapped by a hash of the text;
 * only replies that passed the parse's checks are kept. */
#define REPLY_CACHE 256
#define REPLY_CACHE_TEXT_MAX 65536

struct parsed_reply {
    char *text;                         /* the line without its '\n' */
    size_t len;
    bool ok, has_result;
    char *err;                          /* the "error" string, or NULL */
};

static struct parsed_reply reply_cache[REPLY_CACHE];

/* The parse of reply line `text` (len bytes, no '\n'), from the cache or
 * by jansson; a line that is not an object with a boolean "ok" fails. */
static const struct parsed_reply *parse_reply(const char *text, size_t len,
                                              const char *line)
{
    static struct parsed_reply fresh;
    struct parsed_reply *c = &reply_cache[text_hash(text, len) % REPLY_CACHE];

    if (c->text && c->len == len && same_text(c->text, text, len))
        return c;
    json_t *r = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *ok = json_object_get(r, "ok");
    if (!json_is_object(r) || !json_is_boolean(ok))
        fail("reply is not an object with a boolean \"ok\"", line);
    const char *err = json_string_value(json_object_get(r, "error"));
    if (len > REPLY_CACHE_TEXT_MAX)
        c = &fresh;                     /* not kept */
    free(c->text);
    free(c->err);
    c->text = c == &fresh ? NULL : malloc(len);
    if (c->text)
        memcpy(c->text, text, len);
    c->len = len;
    c->ok = json_is_true(ok);
    c->has_result = json_object_get(r, "result") != NULL;
    c->err = err ? strdup(err) : NULL;
    if (err && !c->err)
        abort();
    json_decref(r);
    return c;
}

/* Checks the reply line; returns whether it says ok. */
static bool check_reply(const char *reply, bool fatal, struct peek *pk)
{
    char why[WHY];
    size_t rlen = strlen(reply);

    if (!rlen || reply[rlen - 1] != '\n' || memchr(reply, '\n', rlen) != reply + rlen - 1)
        fail("reply is not exactly one line", reply);
    const struct parsed_reply *pr = parse_reply(reply, rlen - 1, reply);
    bool is_ok = pr->ok;
    const char *err = pr->err;
    if (is_ok && (fatal || !pr->has_result || err))
        fail("ok reply without a result, with an error, or closing", reply);
    if (!is_ok) {
        /* "request: why" or "COMMAND: why" (the name may hold ": " too) */
        bool by_request = err && !strncmp(err, "request: ", 9) && err[9];
        const char *cmd = by_request ? "" : command_of(pk);
        size_t clen = strlen(cmd);
        bool by_command = err && clen && !strncmp(err, cmd, clen)
                          && !strncmp(err + clen, ": ", 2) && err[clen + 2];
        if (!by_request && !by_command) {
            snprintf(why, sizeof why, "error without \"request: \" or \"%s: \": %s",
                     cmd, reply);
            fail("badly prefixed error", why);
        }
    }
    return is_ok;
}

/* The JSON request of a shorthand line (see the top), or NULL; *pk is what
 * peek() would say of it, known from the words without parsing the JSON. */
static char *shorthand(const uint8_t *start, size_t len, size_t *out_len,
                       struct peek *pk)
{
    json_t *args = json_array(), *req = NULL, *cmd = NULL;
    const char *p = (const char *)start + 1, *end = (const char *)start + len;
    char *text = NULL;
    bool first = true;

    pk->command[0] = '\0';
    pk->skip = false;
    pk->known = true;
    while (args && p <= end) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        const char *e = sp ? sp : end;
        json_t *w = json_stringn(p, (size_t)(e - p));
        if (!w)
            goto out;                   /* not UTF-8 */
        if (first) {
            cmd = w;
            snprintf(pk->command, sizeof pk->command, "%s", json_string_value(w));
        } else {
            pk->skip |= too_big(json_string_value(w));
            json_array_append_new(args, w);
        }
        first = false;
        p = e + 1;
    }
    req = json_object();
    if (!req || json_object_set(req, "command", cmd) || json_object_set(req, "args", args))
        goto out;
    text = json_dumps(req, JSON_COMPACT);
    if (text)
        *out_len = strlen(text);
out:
    json_decref(cmd);
    json_decref(args);
    json_decref(req);
    return text;
}

/* Pictures of the state, reused from line to line and from input to
 * input: `now` is the state before the next line when now_valid (a picture
 * is taken only when a comparison needs it: after a failed or read-only
 * request, and at the end of an input, where it becomes the next input's
 * `now`). */
static struct xvsd_state now, next;
static bool now_valid;

static void run_line(const uint8_t *start, size_t len)
{
    struct peek pk;
    char why[WHY];
    bool fatal;

    if (len && start[len - 1] == '\r')
        len--;
    size_t blank = 0;
    while (blank < len && (start[blank] == ' ' || start[blank] == '\t' || start[blank] == '\r'))
        blank++;
    if (blank == len)
        return;                         /* ctl_server skips blank lines */
    char *line;
    if (start[0] == 0x01) {
        char *json = shorthand(start, len, &len, &pk);
        if (!json)
            return;
        line = malloc(len);             /* exactly the line: no NUL after it */
        if (line)
            memcpy(line, json, len);
        free(json);
    } else {
        line = malloc(len);
        if (line)
            memcpy(line, start, len);
        if (line)
            peek_lazily(line, len, &pk);
    }
    if (!line)
        return;
    if (pk.skip) {
        free(line);
        return;
    }
    quiet();
    if (!now_valid)
        xvsd_state_take(&now);
    char *reply = ctl_dispatch_line(line, len, &fatal);
    if (!reply)
        fail("ctl_dispatch_line returned NULL", "");
    bool ok = check_reply(reply, fatal, &pk);
    free(reply);
    now_valid = false;
    bool compare = !ok || read_only(command_of(&pk));
    free(line);                         /* pk.line is gone */
    if (compare) {
        xvsd_state_take(&next);
        if (!xvsd_state_same(&now, &next, why, sizeof why))
            fail(ok ? "a read-only command changed the state" : "a failed request "
                 "changed the state", why);
        struct xvsd_state t = now;      /* next is the state before the next line */
        now = next;
        next = t;
        now_valid = true;
    }
    if (!xvsd_state_check(why, sizeof why))
        fail("invariant broken", why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[WHY];
    size_t pos = 0;

    setup_once();
    cur_data = data;
    cur_size = size;
    for (int n = 0; n < FUZZ_CTL_LINES && pos < size; n++) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
        if (len < CTL_REQUEST_MAX)      /* longer lines are refused before */
            run_line(data + pos, len);
        pos += len + 1;
    }
    quiet();
    if (!now_valid)
        xvsd_state_take(&now);
    if (!xvsd_state_same(&baseline, &now, why, sizeof why)) {
        brmgr_destroy_all();
        if (fake_live || bridge_at(0)) {
            snprintf(why, sizeof why, "%d fake ports, bridge %s left", fake_live,
                     bridge_at(0) ? bridge_name(bridge_at(0)) : "(none)");
            fail("brmgr_destroy_all left something", why);
        }
        xvsd_state_free(&baseline);
        build();
        xvsd_state_copy(&now, &baseline);
    }
    now_valid = true;                   /* `now` is the next input's start */
    return 0;
}
