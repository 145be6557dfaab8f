/* netif_gso: see netif_gso.h. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "lib/csum.h"
#include "netback/netif_gso.h"

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

int netif_gso_segment(const uint8_t *f, size_t len, uint16_t l4, uint16_t mss,
                      uint8_t *seg, size_t seg_size, netif_gso_emit *emit, void *ctx)
{
    size_t l3 = 14;
    if (len >= 18 && get16(f + 12) == 0x8100)
        l3 = 18;
    if (mss < NETIF_GSO_MSS_MIN || len < l3 + 20 || l4 < l3 + 20 || (size_t)l4 + 20 > len)
        return -EINVAL;
    uint16_t type = get16(f + l3 - 2);
    bool v4 = type == 0x0800;
    if (!v4 && type != 0x86dd)
        return -EINVAL;
    if (v4 ? (f[l3] >> 4 != 4 || f[l3 + 9] != 6 || l3 + (f[l3] & 0xf) * 4u != l4)
           : (f[l3] >> 4 != 6 || l4 < l3 + 40))
        return -EINVAL;
    size_t hdr = l4 + (f[l4 + 12] >> 4) * 4u;
    if (hdr < (size_t)l4 + 20 || hdr > len || seg_size < hdr + mss)
        return -EINVAL;

    size_t payload = len - hdr, done = 0;
    uint32_t seq = get32(f + l4 + 4);
    uint16_t id = v4 ? get16(f + l3 + 4) : 0;
    uint8_t flags = f[l4 + 13];
    int n = 0;
    do {
        size_t chunk = payload - done < mss ? payload - done : mss;
        bool first = done == 0, last = done + chunk == payload;
        memcpy(seg, f, hdr);
        memcpy(seg + hdr, f + hdr + done, chunk);
        uint16_t l4len = (uint16_t)(hdr - l4 + chunk);
        uint8_t *ip = seg + l3, *th = seg + l4;
        uint32_t ps;
        if (v4) {
            put16(ip + 2, (uint16_t)(l4 - l3 + l4len));
            put16(ip + 4, (uint16_t)(id + n));
            put16(ip + 10, 0);
            put16(ip + 10, (uint16_t)~csum_fold(csum_add(0, ip, l4 - l3)));
            ps = csum_pseudo_ipv4(ip, 6, l4len);
        } else {
            put16(ip + 4, (uint16_t)(l4 - l3 - 40 + l4len));
            ps = csum_pseudo_ipv6(ip, 6, l4len);
        }
        put32(th + 4, seq + (uint32_t)done);
        th[13] = (uint8_t)(flags & ~((last ? 0 : TCP_FIN | TCP_PSH) | (first ? 0 : TCP_CWR)));
        put16(th + 16, 0);
        uint16_t c = (uint16_t)~csum_fold(csum_add(ps, th, l4len));
        put16(th + 16, c);
        int e = emit(ctx, seg, hdr + chunk);
        if (e)
            return e;
        n++;
        done += chunk;
    } while (done < payload && n < NETIF_GSO_SEGS_MAX);
    return done == payload ? n : -EINVAL;
}
