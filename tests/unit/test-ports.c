/* Unit tests of ports/: virtio_net_hdr mapping (vnet), host port MAC,
 * argument validation of uplink_create() / hostport_create(). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "ports/frame_iov.h"
#include "ports/hostport.h"
#include "ports/uplink.h"
#include "ports/vnet.h"
#include "tests/unit/test-main.h"

static uint8_t pkt[1514];

static void
frame_setup(struct frame *f, uint32_t len)
{
    memset(f, 0, sizeof *f);
    f->head = pkt;
    f->head_len = (uint16_t) len;
    f->len = len;
}

static void
test_vnet_plain(void)
{
    struct virtio_net_hdr h = { 0 };
    struct frame f;

    frame_setup(&f, 60);
    f.flags = FRAME_F_CSUM_PARTIAL | FRAME_F_GSO;   /* stale: must be cleared */
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), 0);
    CU_ASSERT_EQUAL(f.flags, 0);

    h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), 0);
    CU_ASSERT_EQUAL(f.flags, FRAME_F_CSUM_VALID);
}

static void
test_vnet_csum(void)
{
    struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
                                .csum_start = 34, .csum_offset = 16 };
    struct frame f;

    frame_setup(&f, 100);
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), 0);
    CU_ASSERT(f.flags & FRAME_F_CSUM_PARTIAL);
    CU_ASSERT_EQUAL(f.csum_start, 34);
    CU_ASSERT_EQUAL(f.csum_offset, 16);

    /* A tag removed from the data in front: offsets shift by -4. */
    h.csum_start = 38;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, -4, &f), 0);
    CU_ASSERT_EQUAL(f.csum_start, 34);

    /* Checksum field past the end of the frame. */
    h.csum_start = 90;
    h.csum_offset = 16;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), -EINVAL);
    /* Exactly at the end is fine. */
    h.csum_start = 82;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), 0);
    /* Inside the Ethernet header. */
    h.csum_start = 6;
    h.csum_offset = 0;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), -EINVAL);
    h.csum_start = 16;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, -4, &f), -EINVAL);
    /* Huge offsets do not wrap. */
    h.csum_start = 0xffff;
    h.csum_offset = 0xffff;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), -EINVAL);
}

static void
test_vnet_gso(void)
{
    struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
                                .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1448,
                                .csum_start = 34, .csum_offset = 16, .hdr_len = 66 };
    struct frame f;

    frame_setup(&f, 1514);
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), 0);
    CU_ASSERT(f.flags & FRAME_F_GSO);
    CU_ASSERT_EQUAL(f.gso_type, FRAME_GSO_TCPV4);
    CU_ASSERT_EQUAL(f.gso_size, 1448);

    h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), 0);
    CU_ASSERT_EQUAL(f.gso_type, FRAME_GSO_TCPV6);

    h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), -EOPNOTSUPP);
    h.gso_type = 5;   /* UDP_L4 */
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), -EOPNOTSUPP);

    h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    h.gso_size = 0;
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), -EINVAL);
    h.gso_size = 1448;
    h.flags = 0;      /* GSO without a checksum request */
    CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &f), -EINVAL);
}

static void
test_vnet_from_frame(void)
{
    struct virtio_net_hdr h;
    struct frame f;

    frame_setup(&f, 1000);
    vnet_hdr_from_frame(&f, 0, 1000, &h);
    CU_ASSERT_EQUAL(h.flags, 0);
    CU_ASSERT_EQUAL(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
    CU_ASSERT_EQUAL(h.hdr_len, 1000);

    f.flags = FRAME_F_CSUM_PARTIAL;
    f.csum_start = 34;
    f.csum_offset = 6;
    vnet_hdr_from_frame(&f, 4, 0, &h);
    CU_ASSERT_EQUAL(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    CU_ASSERT_EQUAL(h.csum_start, 38);    /* the inserted tag shifts it */
    CU_ASSERT_EQUAL(h.csum_offset, 6);

    f.flags |= FRAME_F_GSO;
    f.gso_type = FRAME_GSO_TCPV6;
    f.gso_size = 1400;
    f.csum_start = 54;
    f.csum_offset = 16;
    vnet_hdr_from_frame(&f, 0, 0, &h);
    CU_ASSERT_EQUAL(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
    CU_ASSERT_EQUAL(h.gso_size, 1400);
    CU_ASSERT(h.hdr_len >= 54 + 16 + 2);

    /* GSO without CSUM_PARTIAL is not passed on as GSO. */
    f.flags = FRAME_F_GSO | FRAME_F_CSUM_VALID;
    vnet_hdr_from_frame(&f, 0, 0, &h);
    CU_ASSERT_EQUAL(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
    CU_ASSERT_EQUAL(h.flags, VIRTIO_NET_HDR_F_DATA_VALID);

    /* Round trip. */
    f.flags = FRAME_F_CSUM_PARTIAL | FRAME_F_GSO;
    f.gso_type = FRAME_GSO_TCPV4;
    f.gso_size = 1448;
    f.csum_start = 34;
    f.csum_offset = 16;
    f.len = 60000;
    vnet_hdr_from_frame(&f, 0, 0, &h);
    {
        struct frame g;

        frame_setup(&g, 60000);
        CU_ASSERT_EQUAL(vnet_hdr_to_frame(&h, 0, &g), 0);
        CU_ASSERT_EQUAL(g.flags, f.flags);
        CU_ASSERT_EQUAL(g.csum_start, 34);
        CU_ASSERT_EQUAL(g.gso_size, 1448);
        CU_ASSERT_EQUAL(g.gso_type, FRAME_GSO_TCPV4);
    }
}

static size_t
iov_len(const struct iovec *iov, unsigned n)
{
    size_t len = 0;

    while (n--) {
        len += iov[n].iov_len;
    }
    return len;
}

static void
test_frame_iov(void)
{
    static uint8_t frag[300];
    struct iovec iov[FRAME_IOV_MAX];
    uint8_t tag[4], flat[2000];
    struct frame f;
    unsigned n, i;
    size_t off;

    for (i = 0; i < sizeof pkt; i++) {
        pkt[i] = (uint8_t) i;
    }
    frame_setup(&f, 100);
    n = frame_iov(&f, 0, tag, iov);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(iov_len(iov, n), 100);

    /* Tagged: addresses, tag, rest of head; then the fragments. */
    f.frags[0].kind = FRAME_FRAG_LOCAL;
    f.frags[0].len = sizeof frag;
    f.frags[0].u.ptr = frag;
    f.nfrags = 1;
    f.len = 100 + sizeof frag;
    n = frame_iov(&f, 0x2005, tag, iov);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(iov_len(iov, n), f.len + 4);
    for (i = 0, off = 0; i < n; off += iov[i].iov_len, i++) {
        memcpy(flat + off, iov[i].iov_base, iov[i].iov_len);
    }
    CU_ASSERT_EQUAL(memcmp(flat, pkt, 12), 0);
    CU_ASSERT_EQUAL(flat[12], 0x81);
    CU_ASSERT_EQUAL(flat[13], 0x00);
    CU_ASSERT_EQUAL(flat[14], 0x20);
    CU_ASSERT_EQUAL(flat[15], 0x05);
    CU_ASSERT_EQUAL(memcmp(flat + 16, pkt + 12, 88), 0);

    /* Grant fragments cannot be read here. */
    f.frags[0].kind = FRAME_FRAG_GRANT;
    CU_ASSERT_EQUAL(frame_iov(&f, 0, tag, iov), 0);
}

static void
test_hostport_mac(void)
{
    uint8_t a[6], b[6], c[6];

    hostport_default_mac("xenbr0", a);
    hostport_default_mac("xenbr0", b);
    hostport_default_mac("xenbr1", c);
    CU_ASSERT_EQUAL(memcmp(a, b, 6), 0);      /* stable */
    CU_ASSERT_NOT_EQUAL(memcmp(a, c, 6), 0);  /* per name */
    CU_ASSERT_EQUAL(a[0] & 1, 0);             /* unicast */
    CU_ASSERT_EQUAL(a[0] & 2, 2);             /* locally administered */
}

static void
test_create_errors(void)
{
    struct evloop *loop = evloop_create();
    struct hostport_options o = { .takeover_from = NULL, .mtu = 10 };
    struct port *p = NULL;
    char err[256];

    CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
    CU_ASSERT_EQUAL(uplink_create(loop, "xvsnosuch0", &p, err, sizeof err), -ENODEV);
    CU_ASSERT_STRING_EQUAL(err, "uplink xvsnosuch0: no such device");
    CU_ASSERT_EQUAL(uplink_create(loop, "", &p, err, sizeof err), -EINVAL);
    CU_ASSERT_EQUAL(uplink_create(loop, "a-name-much-too-long", &p, err, sizeof err), -EINVAL);
    CU_ASSERT_PTR_NULL(strstr(err, "(null)"));
    CU_ASSERT_EQUAL(uplink_create(loop, "lo", &p, err, sizeof err), -EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "uplink lo: not an Ethernet device");

    CU_ASSERT_EQUAL(hostport_create(loop, "xvs/bad", NULL, &p, err, sizeof err), -EINVAL);
    CU_ASSERT_EQUAL(hostport_create(loop, "lo", NULL, &p, err, sizeof err), -EEXIST);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "host port lo:"));
    CU_ASSERT_EQUAL(hostport_create(loop, "xvsnosuch1", &o, &p, err, sizeof err), -ERANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "MTU 10"));
    o.mtu = 0;
    o.takeover_from = "xvsnosuch2";
    CU_ASSERT_EQUAL(hostport_create(loop, "xvsnosuch1", &o, &p, err, sizeof err), -ENODEV);
    CU_ASSERT_STRING_EQUAL(err, "host port xvsnosuch1: takeover from xvsnosuch2: no such device");
    CU_ASSERT_PTR_NULL(p);
    evloop_destroy(loop);
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "vnet: no offload, data valid", test_vnet_plain },
        { "vnet: checksum offsets validated", test_vnet_csum },
        { "vnet: GSO types and checks", test_vnet_gso },
        { "vnet: frame to header", test_vnet_from_frame },
        { "frame_iov: untagged, tagged, grant", test_frame_iov },
        { "hostport: default MAC", test_hostport_mac },
        { "create: argument errors name the device", test_create_errors },
        { NULL, NULL },
    };

    xlog_init(XLOG_TO_STDERR, XLOG_ERR);
    return test_main_run("ports", NULL, NULL, cases);
}
