/* util: MAC address and number parsing, bounded string copies. */
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int
eth_addr_parse(const char *s, uint8_t mac[ETH_ADDR_LEN])
{
    uint8_t out[ETH_ADDR_LEN];

    if (!s) {
        return -EINVAL;
    }
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        int hi = hex_digit(s[0]);
        int lo = hi < 0 ? -1 : hex_digit(s[1]);

        if (lo < 0) {
            return -EINVAL;
        }
        out[i] = (uint8_t) (hi << 4 | lo);
        s += 2;
        if (i < ETH_ADDR_LEN - 1 && *s++ != ':') {
            return -EINVAL;
        }
    }
    if (*s) {
        return -EINVAL;
    }
    memcpy(mac, out, ETH_ADDR_LEN);
    return 0;
}

void
eth_addr_format(const uint8_t mac[ETH_ADDR_LEN], char buf[ETH_ADDR_STRLEN])
{
    snprintf(buf, ETH_ADDR_STRLEN, ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
}

int
parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;

    if (!s || !*s) {
        return -EINVAL;
    }
    for (; *s; s++) {
        unsigned d;

        if (*s < '0' || *s > '9') {
            return -EINVAL;
        }
        d = (unsigned) (*s - '0');
        if (d > max || v > (max - d) / 10) {
            /* Keep scanning: "12x" with a small max is a syntax error, not
             * a range error. */
            for (s++; *s; s++) {
                if (*s < '0' || *s > '9') {
                    return -EINVAL;
                }
            }
            return -ERANGE;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int
str_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (!size) {
        return -ENAMETOOLONG;
    }
    if (n >= size) {
        dst[0] = '\0';
        return -ENAMETOOLONG;
    }
    memcpy(dst, src, n + 1);
    return 0;
}
