/* csum: see csum.h. */
#include "lib/csum.h"

uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    /* 64 bits hold the sum of any frame (< 2^48 bytes) without carry. */
    uint64_t s = sum;

    for (; n > 1; p += 2, n -= 2) {
        s += (uint32_t) (p[0] << 8 | p[1]);
    }
    if (n) {
        s += (uint32_t) p[0] << 8;
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return (uint32_t) s;
}

uint16_t
csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) sum;
}

uint32_t
csum_pseudo_ipv4(const uint8_t *ip, uint8_t proto, uint16_t l4len)
{
    return csum_fold(csum_add(0, ip + 12, 8) + proto + l4len);
}

uint32_t
csum_pseudo_ipv6(const uint8_t *ip6, uint8_t proto, uint32_t l4len)
{
    return csum_fold(csum_add(0, ip6 + 8, 32) + proto + (l4len >> 16) + (l4len & 0xffff));
}
