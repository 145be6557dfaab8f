/* libFuzzer target: the xvs.conf parser (daemon/conf.c).  Any input must
 * give either a configuration or at least one error, never both, never a
 * crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool quiet;
    struct conf_errors errs;
    char *text = malloc(size + 1);

    if (!quiet) {
        xlog_init(XLOG_TO_STDERR, XLOG_ERR);
        quiet = true;
    }
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct conf *c = conf_parse_string(text, "fuzz.conf", &errs);
    if (!c == !errs.n)
        abort();
    for (size_t i = 0; i < errs.n; i++)
        if (strncmp(errs.msgs[i], "fuzz.conf", 9))
            abort();                    /* every message names the file */
    conf_free(c);
    conf_errors_free(&errs);
    free(text);
    return 0;
}
