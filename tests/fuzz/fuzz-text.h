/* fuzz-text: text hashing and comparison shared by the fuzz harnesses'
 * reply caches (fuzz-ctl, fuzz-ctl-server). */
#ifndef XVS_FUZZ_TEXT_H
#define XVS_FUZZ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint32_t text_hash(const char *t, size_t len)
{
    uint32_t h = 2166136261u;           /* FNV-1a */

    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)t[i]) * 16777619u;
    return h;
}

/* Byte equality without memcmp(), whose libFuzzer hook would file the
 * harness's comparisons among the fuzzer's compare operands. */
static inline bool same_text(const char *a, const char *b, size_t len)
{
    size_t i = 0;

    while (i < len && a[i] == b[i])
        i++;
    return i == len;
}

#endif
