/* frame: the descriptor of one Ethernet frame crossing the switch.
 *
 * A frame is switched by its head and its payload stays where the input port
 * found it (an AF_PACKET ring slot, a TAP read buffer, or a guest's granted
 * pages) until each output port copies it, once, straight to its destination.
 *
 * Invariants:
 *   - head[0..head_len) holds the first bytes of the frame *without* any
 *     802.1Q tag: an input port that receives a tagged frame removes the tag
 *     into `tci` and sets FRAME_F_TAGGED.  head_len >= ETH_HLEN (14) and
 *     head_len >= MIN(len, FRAME_HEAD_MIN) so L2-L4 headers can be parsed.
 *   - the bytes after the head are frags[0..nfrags), in order; len ==
 *     head_len + sum(frags[i].len).
 *   - a FRAME_FRAG_GRANT fragment is (domid, gref, offset, len) with
 *     offset + len <= 4096; only a copier registered by netback can read it
 *     (frame_set_grant_copier).
 *   - all of it stays valid only until the output() call returns: an output
 *     port that queues a frame must copy it (frame_gather()).
 */
#ifndef XVS_FRAME_H
#define XVS_FRAME_H 1

#include <stddef.h>
#include <stdint.h>

#define ETH_HLEN_ 14
#define VLAN_HLEN_ 4
#define FRAME_HEAD_MIN 128          /* bytes always in head when len allows */
#define FRAME_HEAD_MAX 256          /* head buffer size of copying ports */
#define FRAME_FRAGS_MAX 20          /* > XEN_NETIF_NR_SLOTS_MIN (18) + slack */
#define FRAME_LEN_MAX 65535         /* GSO frames; netif size is a u16 */
#define XVS_BURST_MAX 64            /* frames per bridge_input() call */

enum frame_frag_kind { FRAME_FRAG_LOCAL, FRAME_FRAG_GRANT };

struct frame_frag {
    uint16_t kind;                  /* enum frame_frag_kind */
    uint16_t len;
    union {
        const uint8_t *ptr;         /* FRAME_FRAG_LOCAL */
        struct {                    /* FRAME_FRAG_GRANT */
            uint32_t gref;
            uint16_t domid;
            uint16_t offset;
        } gnt;
    } u;
};

/* frame.flags */
#define FRAME_F_TAGGED       0x01   /* arrived with an 802.1Q tag (in tci) */
#define FRAME_F_CSUM_PARTIAL 0x02   /* L4 csum to be completed (csum_start/offset valid) */
#define FRAME_F_CSUM_VALID   0x04   /* checksum known good */
#define FRAME_F_GSO          0x08   /* gso_type/gso_size valid; len may exceed MTU */

enum frame_gso_type { FRAME_GSO_NONE, FRAME_GSO_TCPV4, FRAME_GSO_TCPV6 };

struct port;

struct frame {
    uint8_t *head;
    uint16_t head_len;
    uint16_t flags;                 /* FRAME_F_* */
    uint32_t len;                   /* total length, untagged */
    uint16_t tci;                   /* 802.1Q TCI as received (if TAGGED) */
    uint16_t vlan;                  /* VLAN the bridge classified it into (1..4094) */
    uint16_t csum_start, csum_offset;
    uint16_t gso_type, gso_size;    /* enum frame_gso_type, MSS */
    uint16_t nfrags;
    struct port *in_port;           /* set by the bridge */
    struct frame_frag frags[FRAME_FRAGS_MAX];
};

static inline const uint8_t *frame_dst(const struct frame *f) { return f->head; }
static inline const uint8_t *frame_src(const struct frame *f) { return f->head + 6; }
static inline uint16_t frame_ethertype(const struct frame *f)
{ return (uint16_t)(f->head[12] << 8 | f->head[13]); }

/* Initialise a frame whose bytes are all in one local buffer (uplink, TAP).
 * If the buffer holds an 802.1Q tag, it is removed from the head in place
 * (the 12 address bytes are moved forward by 4: `buf` must be writable) and
 * recorded in tci.  Returns 0, or -EINVAL if len < 14. */
int frame_init_local(struct frame *, uint8_t *buf, uint32_t len);

/* Copy the whole untagged frame into dst (dst_size >= f->len), reading
 * grant fragments through the registered copier.  Returns bytes copied or a
 * negative errno (-EIO if a grant copy failed, -ENOSPC if dst is short). */
int frame_gather(const struct frame *, uint8_t *dst, size_t dst_size);

/* Same, but writes an 802.1Q tag with `tci` after the addresses when
 * tci != 0 (dst_size >= len + 4).  */
int frame_gather_tagged(const struct frame *, uint16_t tci, uint8_t *dst, size_t dst_size);

/* netback registers how to read FRAME_FRAG_GRANT fragments: copy `n`
 * fragments into consecutive bytes of dst, return 0 or -EIO. */
typedef int frame_grant_copier(void *ctx, const struct frame_frag *frags,
                               unsigned n, uint8_t *dst);
void frame_set_grant_copier(frame_grant_copier *, void *ctx);

/* Complete a CHECKSUM_PARTIAL frame's L4 checksum in a linear buffer
 * (what an output that cannot pass the hint on must do). */
void frame_csum_complete(uint8_t *buf, size_t len, uint16_t csum_start, uint16_t csum_offset);

#endif
