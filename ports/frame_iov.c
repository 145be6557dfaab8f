/* frame_iov: a frame as an iovec (see frame_iov.h). */
#include "ports/frame_iov.h"

unsigned
frame_iov(const struct frame *f, uint16_t tci, uint8_t tag[4], struct iovec iov[FRAME_IOV_MAX])
{
    unsigned n = 0, i;

    for (i = 0; i < f->nfrags; i++) {
        if (f->frags[i].kind != FRAME_FRAG_LOCAL) {
            return 0;
        }
    }
    if (tci) {
        tag[0] = 0x81;
        tag[1] = 0x00;
        tag[2] = (uint8_t) (tci >> 8);
        tag[3] = (uint8_t) tci;
        iov[n++] = (struct iovec) { f->head, 12 };
        iov[n++] = (struct iovec) { tag, 4 };
        iov[n++] = (struct iovec) { f->head + 12, f->head_len - 12u };
    } else {
        iov[n++] = (struct iovec) { f->head, f->head_len };
    }
    for (i = 0; i < f->nfrags; i++) {
        iov[n++] = (struct iovec) { (void *) f->frags[i].u.ptr, f->frags[i].len };
    }
    return n;
}
