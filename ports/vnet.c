/* vnet: virtio_net_hdr <-> frame offload fields (see vnet.h). */
#include "ports/vnet.h"

#include <errno.h>
#include <string.h>

int
vnet_hdr_to_frame(const struct virtio_net_hdr *h, int adjust, struct frame *f)
{
    uint8_t gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

    f->flags &= ~(FRAME_F_CSUM_PARTIAL | FRAME_F_CSUM_VALID | FRAME_F_GSO);
    if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        int start = (int) h->csum_start + adjust;

        /* The checksum field must lie after the Ethernet header and inside
         * the frame. */
        if (start < ETH_HLEN_ || (uint32_t) start + h->csum_offset + 2 > f->len) {
            return -EINVAL;
        }
        f->csum_start = (uint16_t) start;
        f->csum_offset = h->csum_offset;
        f->flags |= FRAME_F_CSUM_PARTIAL;
    } else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
        f->flags |= FRAME_F_CSUM_VALID;
    }

    switch (gso) {
    case VIRTIO_NET_HDR_GSO_NONE:
        /* The ECN bit alone (no type) means nothing. */
        return 0;
    case VIRTIO_NET_HDR_GSO_TCPV4:
    case VIRTIO_NET_HDR_GSO_TCPV6:
        /* Segmenting needs the checksum request and a segment size; the
         * ECN bit (CWR set in the first segment) is dropped: segments then
         * all carry CWR, which TCP tolerates. */
        if (!(f->flags & FRAME_F_CSUM_PARTIAL) || h->gso_size == 0) {
            return -EINVAL;
        }
        f->gso_type = gso == VIRTIO_NET_HDR_GSO_TCPV4 ? FRAME_GSO_TCPV4 : FRAME_GSO_TCPV6;
        f->gso_size = h->gso_size;
        f->flags |= FRAME_F_GSO;
        return 0;
    default:
        return -EOPNOTSUPP;
    }
}

void
vnet_hdr_from_frame(const struct frame *f, unsigned tag_len, unsigned copy_len,
                    struct virtio_net_hdr *h)
{
    memset(h, 0, sizeof *h);
    if (f->flags & FRAME_F_CSUM_PARTIAL) {
        h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h->csum_start = (uint16_t) (f->csum_start + tag_len);
        h->csum_offset = f->csum_offset;
    } else if (f->flags & FRAME_F_CSUM_VALID) {
        h->flags = VIRTIO_NET_HDR_F_DATA_VALID;
    }
    if ((f->flags & FRAME_F_GSO) && (f->flags & FRAME_F_CSUM_PARTIAL)) {
        h->gso_type = f->gso_type == FRAME_GSO_TCPV6 ? VIRTIO_NET_HDR_GSO_TCPV6
                                                     : VIRTIO_NET_HDR_GSO_TCPV4;
        h->gso_size = f->gso_size;
        /* hdr_len: L2..L4 headers; the TCP header length is not known
         * here, so give the checksum end and let the kernel pull more. */
        h->hdr_len = (uint16_t) (h->csum_start + h->csum_offset + 2);
    } else {
        h->hdr_len = (uint16_t) copy_len;
    }
}
