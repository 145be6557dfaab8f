/* frame: building, linearising and checksumming frame descriptors.
 *
 * Grant fragments can only be read by netback, which registers a copier;
 * frame_gather() batches consecutive grant fragments into one copier call
 * so that a whole frame costs one grant-copy hypercall at most per run of
 * grant fragments. */
#include "switch/frame.h"

#include <errno.h>
#include <string.h>

#include "lib/csum.h"

#define ETH_TYPE_VLAN 0x8100

static frame_grant_copier *grant_copier;
static void *grant_copier_ctx;

void
frame_set_grant_copier(frame_grant_copier *copier, void *ctx)
{
    grant_copier = copier;
    grant_copier_ctx = ctx;
}

int
frame_init_local(struct frame *f, uint8_t *buf, uint32_t len)
{
    f->flags = 0;
    f->tci = 0;
    if (len < ETH_HLEN_) {
        return -EINVAL;
    }
    if (len >= ETH_HLEN_ + VLAN_HLEN_
        && (buf[12] << 8 | buf[13]) == ETH_TYPE_VLAN) {
        /* Slide the two addresses over the tag so the head starts 4 bytes
         * later and reads as an untagged frame. */
        f->tci = (uint16_t) (buf[14] << 8 | buf[15]);
        f->flags = FRAME_F_TAGGED;
        memmove(buf + VLAN_HLEN_, buf, 12);
        buf += VLAN_HLEN_;
        len -= VLAN_HLEN_;
    }
    if (len > FRAME_LEN_MAX) {
        return -EINVAL;
    }
    f->head = buf;
    f->head_len = (uint16_t) len;
    f->len = len;
    f->vlan = 0;
    f->csum_start = f->csum_offset = 0;
    f->gso_type = FRAME_GSO_NONE;
    f->gso_size = 0;
    f->nfrags = 0;
    f->in_port = NULL;
    return 0;
}

/* Copies the fragments of f to dst (which has room for all of them). */
static int
gather_frags(const struct frame *f, uint8_t *dst)
{
    unsigned i = 0;

    while (i < f->nfrags) {
        const struct frame_frag *fr = &f->frags[i];

        if (fr->kind == FRAME_FRAG_LOCAL) {
            memcpy(dst, fr->u.ptr, fr->len);
            dst += fr->len;
            i++;
        } else if (fr->kind == FRAME_FRAG_GRANT) {
            unsigned j = i;
            size_t run = 0;

            while (j < f->nfrags && f->frags[j].kind == FRAME_FRAG_GRANT) {
                run += f->frags[j].len;
                j++;
            }
            if (!grant_copier
                || grant_copier(grant_copier_ctx, fr, j - i, dst) != 0) {
                return -EIO;
            }
            dst += run;
            i = j;
        } else {
            return -EINVAL;
        }
    }
    return 0;
}

/* Checks the descriptor's own invariants before trusting its lengths. */
static int
frame_check(const struct frame *f)
{
    size_t total = f->head_len;

    if (f->nfrags > FRAME_FRAGS_MAX || f->head_len < ETH_HLEN_) {
        return -EINVAL;
    }
    for (unsigned i = 0; i < f->nfrags; i++) {
        total += f->frags[i].len;
    }
    return total == f->len ? 0 : -EINVAL;
}

int
frame_gather(const struct frame *f, uint8_t *dst, size_t dst_size)
{
    int error = frame_check(f);

    if (error) {
        return error;
    }
    if (dst_size < f->len) {
        return -ENOSPC;
    }
    memcpy(dst, f->head, f->head_len);
    error = gather_frags(f, dst + f->head_len);
    return error ? error : (int) f->len;
}

int
frame_gather_tagged(const struct frame *f, uint16_t tci, uint8_t *dst,
                    size_t dst_size)
{
    int error;

    if (!tci) {
        return frame_gather(f, dst, dst_size);
    }
    error = frame_check(f);
    if (error) {
        return error;
    }
    if (dst_size < (size_t) f->len + VLAN_HLEN_) {
        return -ENOSPC;
    }
    memcpy(dst, f->head, 12);
    dst[12] = ETH_TYPE_VLAN >> 8;
    dst[13] = ETH_TYPE_VLAN & 0xff;
    dst[14] = (uint8_t) (tci >> 8);
    dst[15] = (uint8_t) tci;
    memcpy(dst + 16, f->head + 12, f->head_len - 12u);
    error = gather_frags(f, dst + f->head_len + VLAN_HLEN_);
    return error ? error : (int) f->len + VLAN_HLEN_;
}

void
frame_csum_complete(uint8_t *buf, size_t len, uint16_t csum_start,
                    uint16_t csum_offset)
{
    size_t at = (size_t) csum_start + csum_offset;
    uint16_t csum;

    /* A guest or a remote host chooses these offsets: never write outside
     * the buffer. */
    if (at + 2 > len) {
        return;
    }
    /* The checksum field holds the pseudo-header sum (CHECKSUM_PARTIAL
     * convention), so summing from csum_start covers everything. */
    csum = (uint16_t) ~csum_fold(csum_add(0, buf + csum_start, len - csum_start));
    /* 0 means "no checksum" to UDP; 0xffff is the same value in
     * ones-complement arithmetic and safe for TCP too. */
    if (!csum) {
        csum = 0xffff;
    }
    buf[at] = (uint8_t) (csum >> 8);
    buf[at + 1] = (uint8_t) csum;
}
