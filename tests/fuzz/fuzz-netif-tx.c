/* libFuzzer target: the TX ring parser (netif_tx) on an arbitrary ring.
 *
 * Input: u32 req_prod offset, u32 start index, then ring slots (12 bytes
 * each, as a guest would write them; missing bytes are zero).  The target
 * parses and answers frames as netback does until the ring is empty, a frame
 * is incomplete or the guest is declared fatal, and aborts on any broken
 * invariant of a parsed frame: segments inside their page, sizes adding up
 * to the length, slot counts within the named limits, responses never past
 * the consumed requests. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netback/netif_tx.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static _Alignas(4096) uint8_t page[4096];
    netif_tx_sring_t *s = (netif_tx_sring_t *)page;
    netif_tx_back_ring_t r;
    uint32_t prod_off = 0, start = 0;

    if (size >= 8) {
        memcpy(&prod_off, data, 4);
        memcpy(&start, data + 4, 4);
        data += 8;
        size -= 8;
    }
    memset(page, 0, sizeof page);
    BACK_RING_ATTACH(&r, s, start, 4096);
    size_t ring_bytes = 4096 - offsetof(netif_tx_sring_t, ring);
    if (size > ring_bytes)
        size = ring_bytes;
    /* Slots are laid out from the start index's position on. */
    for (size_t i = 0; i < size; i++) {
        size_t slot = (start + i / 12) & (r.nr_ents - 1);
        ((uint8_t *)&s->ring[slot])[i % 12] = data[i];
    }
    s->req_prod = start + (prod_off & 0x80000000u ? prod_off : prod_off % 300);
    s->rsp_prod = start;
    s->req_event = s->rsp_event = start + 1;

    struct netif_tx_pkt pkt;
    for (unsigned iter = 0; iter < 2 * 256; iter++) {
        RING_IDX cons0 = r.req_cons;
        enum netif_tx_result res = netif_tx_parse(&r, &pkt);
        if (res == NETIF_TX_EMPTY || res == NETIF_TX_FATAL) {
            CHECK(r.req_cons == cons0);
            if (res == NETIF_TX_EMPTY)
                netif_tx_final_check(&r);
            CHECK(res != NETIF_TX_FATAL || pkt.reason >= NETIF_TX_R_IMPOSSIBLE_REQS);
            break;
        }
        if (res == NETIF_TX_NEED_MORE) {
            CHECK(r.req_cons == cons0);
            CHECK(pkt.nslots >= 2 && pkt.nslots <= NETIF_TX_PKT_SLOTS_MAX);
            netif_tx_wait_more(&r, &pkt);
            break;
        }
        CHECK(pkt.first == cons0);
        CHECK(r.req_cons - cons0 == pkt.nslots);
        CHECK(pkt.nslots >= 1 && pkt.nslots <= NETIF_TX_PKT_SLOTS_MAX);
        CHECK(r.req_cons - r.rsp_prod_pvt <= r.nr_ents);
        if (res == NETIF_TX_FRAME) {
            uint32_t sum = 0;
            CHECK(pkt.nsegs >= 1 && pkt.nsegs <= NETIF_TX_SEGS_MAX);
            CHECK(pkt.nsegs <= pkt.nslots);
            for (unsigned i = 0; i < pkt.nsegs; i++) {
                CHECK((unsigned)pkt.segs[i].offset + pkt.segs[i].size <= NETIF_PAGE_SIZE);
                sum += pkt.segs[i].size;
            }
            CHECK(sum == pkt.len);
            CHECK(pkt.len >= NETIF_ETH_HLEN && pkt.len <= 0xffff);
            CHECK(!(pkt.flags & NETIF_TX_F_GSO) || pkt.gso_size != 0);
        } else if (res == NETIF_TX_DROP) {
            CHECK(pkt.reason >= NETIF_TX_R_RUNT && pkt.reason <= NETIF_TX_R_TOO_MANY_SLOTS);
        } else {
            CHECK(res == NETIF_TX_CONTROL);
            CHECK(pkt.flags & (NETIF_TX_F_MCAST_ADD | NETIF_TX_F_MCAST_DEL));
        }
        int16_t st = res == NETIF_TX_DROP ? NETIF_RSP_ERROR : NETIF_RSP_OKAY;
        CHECK(netif_tx_respond(&r, &pkt, st) == 0);
        CHECK(r.rsp_prod_pvt == r.req_cons);
        netif_tx_push(&r);
    }
    return 0;
}
