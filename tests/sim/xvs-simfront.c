/* xvs-simfront: a simulated guest with a netfront, for tests and benchmarks.
 *
 * Modes:
 *   --tap NAME   bridge the vif to a TAP device (create it in a network
 *                namespace with `ip netns exec NS xvs-simfront ...`) so real
 *                traffic (ping, iperf3) flows; offloads go through the TAP's
 *                virtio_net_hdr (checksum, TSO4/6 <-> GSO extras)
 *   --gen        send --count frames of --size bytes to --dst as fast as the
 *                ring allows (--gso: TCP GSO frames with csum_blank)
 *   (default)    sink: count what arrives
 * Misbehaviour for the hostile-guest tests: --evil MODE (see usage());
 * --repeat sends a misbehaving frame again and again (at --rate per
 * second, else as fast as the ring allows) until --duration, --forge-mac
 * and --src-ip put other sources in generated frames.
 * The connection details are written to --info (default
 * DIR/dom<D>.vif<N>) for tests/sim/xvs-simback; a JSON line of counters is
 * printed on exit. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lib/csum.h"
#include "netback/netif_csum.h"
#include "netback/xenif_sim.h"
#include "tests/sim/simfront.h"

#define GSO_FRAME_LEN 65000
#define GSO_MSS 1448
#define STORM_MAX 100000000u

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
    fprintf(stderr,
"usage: xvs-simfront --domid D [--devid N] [--dir DIR] [--info FILE]\n"
"         [--split] [--no-sg] [--no-gso] [--no-csum-offload] [--no-ipv6-csum]\n"
"         [--no-rx-notify] [--mcast-control] [--mac MAC] [--duration SEC]\n"
"         [--idle SEC: exit SEC after the last frame received]\n"
"         [--from MAC: count (and hand to the TAP) only frames from MAC]\n"
"         [--rx-buffers N: keep at most N receive buffers posted (256)]\n"
"         [--mcast-join MAC: ask the backend's filter for MAC (with --mcast-control)]\n"
"         [--delay SEC: generate / misbehave SEC after the backend attached]\n"
"         [--bench: no per-frame copies in the guest (same frame sent, frames\n"
"          not copied out of receive buffers unless needed)]\n"
"         [--tap NAME | --gen --dst MAC [--size B] [--count N] [--gso] [--csum]\n"
"          | --count N]\n"
"         [--rate FPS: generate (or --repeat) at most FPS frames per second]\n"
"         [--forge-mac MAC: generated frames come from MAC, not the guest's]\n"
"         [--src-ip ADDR: IPv4 (10.0.0.1) or IPv6 source of generated frames;\n"
"          IPv6: UDP to 2001:db8::2, not with --gso]\n"
"         [--udp-sport N: UDP source port of generated frames (1000)]\n"
"         [--arp-sha MAC: generated frames are ARP replies from --src-ip (IPv4)\n"
"          with sender hardware address MAC]\n"
"         [--evil MODE [--repeat]] [--verify]\n"
"evil modes: prod-jump, slots:N, bad-offset, zero-size, zero-frags, first-smaller,\n"
"            bad-gref, revoked-mid, revoked-late,\n"
"            storm:N, no-rx, rx-pause:MS, one-slot, tiny-head, random-mac, gso-zero\n"
"            (--repeat: the frame modes again and again)\n");
}

struct app {
    struct nf *nf;
    int tap;
    uint64_t sink_frames, sink_bytes, want;
    double first_rx, last_rx;
    /* generator */
    uint8_t dst[6], mac[6];
    uint8_t src[6];                     /* source of generated frames */
    uint8_t src_ip[4];
    uint8_t src_ip6[16];
    bool ip6;                           /* --src-ip was IPv6: UDP over IPv6 */
    uint16_t udp_sport;                 /* --udp-sport */
    bool arp;                           /* --arp-sha: ARP replies */
    uint8_t arp_sha[6];
    double rate;                        /* frames per second, 0: no limit */
    double tokens, tokens_at;           /* the rate's token bucket */
    uint64_t evil_sent;                 /* misbehaving frames or kicks sent */
    uint32_t size;
    bool gso, random_mac, verify, csum;
    double rx_resume_at;
    bool from_set;
    uint8_t from[6];                    /* sink: count only frames from it */
    uint64_t rx_other;
    uint64_t csum_ok, csum_partial;
    uint64_t verify_errors;
};

#define PATTERN_AT 54                   /* after Ethernet + IPv4 + TCP */
static uint8_t pattern(uint32_t i) { return (uint8_t)(i * 7 + 3); }

/* ---- TAP ---- */

static int tap_open(const char *name, const uint8_t mac[6])
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -errno;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    int hdr = sizeof(struct virtio_net_hdr);
    if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETVNETHDRSZ, &hdr)
        || ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) {
        int e = -errno;
        close(fd);
        return e;
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s >= 0) {
        ifr.ifr_hwaddr.sa_family = 1;       /* ARPHRD_ETHER */
        memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
        if (ioctl(s, SIOCSIFHWADDR, &ifr))
            perror("xvs-simfront: set tap mac");
        close(s);
    }
    return fd;
}

/* Guest RX -> TAP, with the offload state in the virtio header. */
static void to_tap(void *ctx, const uint8_t *frame, uint32_t len, const struct nf_offload *o)
{
    struct app *a = ctx;
    struct virtio_net_hdr h = { 0 };
    struct netif_csum c;

    if (a->from_set && (len < 12 || memcmp(frame + 6, a->from, 6))) {
        a->rx_other++;
        return;
    }
    a->sink_frames++;
    a->sink_bytes += len;
    bool tcp = len >= PATTERN_AT && frame[23] == 6;
    if (a->verify) {
        /* a TCP segment of a generated GSO frame starts `seq` bytes in */
        uint32_t seq = tcp ? (uint32_t)frame[38] << 24 | (uint32_t)frame[39] << 16
                             | (uint32_t)frame[40] << 8 | frame[41] : 0;
        for (uint32_t i = PATTERN_AT; i < len; i++)
            if (frame[i] != pattern(i + seq)) {
                a->verify_errors++;
                break;
            }
    }
    if (a->verify && len >= 42 && (frame[23] == 17 || tcp) && !o->csum_blank) {
        /* a complete UDP / TCP checksum must sum to 0xffff */
        uint16_t l4 = (uint16_t)(len - 34);
        if (csum_fold(csum_add(csum_pseudo_ipv4(frame + 14, frame[23], l4), frame + 34, l4)) == 0xffff)
            a->csum_ok++;
        else
            a->verify_errors++;
    } else if (o->csum_blank) {
        a->csum_partial++;
    }
    double t = now_s();
    if (!a->first_rx)
        a->first_rx = t;
    a->last_rx = t;
    if (a->tap < 0)
        return;
    if (o->csum_blank && !netif_csum_setup(frame, len, &c)) {
        h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h.csum_start = c.start;
        h.csum_offset = c.offset;
        if (o->gso_type && c.proto == 6 && (size_t)c.start + 13 < len) {
            h.gso_type = o->gso_type == XEN_NETIF_GSO_TYPE_TCPV4 ? VIRTIO_NET_HDR_GSO_TCPV4
                                                                 : VIRTIO_NET_HDR_GSO_TCPV6;
            h.gso_size = o->gso_size;
            h.hdr_len = (uint16_t)(c.start + (frame[c.start + 12] >> 4) * 4);
        }
    } else if (o->data_validated) {
        h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
    }
    struct iovec iov[2] = { { &h, sizeof h }, { (void *)frame, len } };
    if (writev(a->tap, iov, 2) < 0 && errno != EAGAIN)
        perror("xvs-simfront: tap write");
}

/* TAP -> guest TX while the ring has room for a largest frame. */
static void from_tap(struct app *a)
{
    static uint8_t buf[sizeof(struct virtio_net_hdr) + NF_FRAME_MAX];
    while (nf_tx_fits(a->nf, NF_FRAME_MAX, true)) {
        ssize_t n = read(a->tap, buf, sizeof buf);
        if (n < (ssize_t)sizeof(struct virtio_net_hdr))
            break;
        struct virtio_net_hdr *h = (void *)buf;
        struct nf_offload o = { 0 };
        o.csum_blank = h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
        o.data_validated = h->flags & VIRTIO_NET_HDR_F_DATA_VALID;
        uint8_t g = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
        if (g == VIRTIO_NET_HDR_GSO_TCPV4 || g == VIRTIO_NET_HDR_GSO_TCPV6) {
            o.gso_type = g == VIRTIO_NET_HDR_GSO_TCPV4 ? XEN_NETIF_GSO_TYPE_TCPV4
                                                       : XEN_NETIF_GSO_TYPE_TCPV6;
            o.gso_size = h->gso_size;
        }
        nf_send(a->nf, buf + sizeof *h, (uint32_t)(n - (ssize_t)sizeof *h), &o);
    }
    nf_flush(a->nf);
}

/* ---- generator ---- */

/* UDP udp_sport (1000) -> 2000 at uh, l4 bytes, over IPv6 (header ip6) or IPv4 (ip). */
static void build_udp(struct app *a, uint8_t *uh, uint16_t l4, uint32_t pseudo,
                      struct nf_offload *o)
{
    uh[0] = (uint8_t)(a->udp_sport >> 8);
    uh[1] = (uint8_t)a->udp_sport;
    memcpy(uh + 2, "\x07\xd0", 2);
    uh[4] = (uint8_t)(l4 >> 8);
    uh[5] = (uint8_t)l4;
    uh[6] = uh[7] = 0;
    if (a->csum) {
        /* CHECKSUM_PARTIAL: the field holds the pseudo-header sum */
        uint16_t ps = csum_fold(pseudo);
        uh[6] = (uint8_t)(ps >> 8);
        uh[7] = (uint8_t)ps;
        o->csum_blank = true;
    } else {
        uint16_t c = (uint16_t)~csum_fold(csum_add(pseudo, uh, l4));
        uh[6] = (uint8_t)(c >> 8);
        uh[7] = (uint8_t)c;
        o->data_validated = true;
    }
}

/* UDP over IPv6 from src_ip6 (the anti-spoofing tests). */
static uint32_t build_frame6(struct app *a, uint8_t *f, struct nf_offload *o)
{
    uint32_t len = a->size;
    uint16_t l4 = (uint16_t)(len - 54);
    uint8_t *ip = f + 14;

    f[12] = 0x86;
    f[13] = 0xdd;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    ip[4] = (uint8_t)(l4 >> 8);
    ip[5] = (uint8_t)l4;
    ip[6] = 17;
    ip[7] = 64;
    memcpy(ip + 8, a->src_ip6, 16);
    memcpy(ip + 24, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
    for (uint32_t i = PATTERN_AT; i < len; i++)
        f[i] = pattern(i);
    build_udp(a, ip + 40, l4, csum_pseudo_ipv6(ip, 17, l4), o);
    return len;
}

static uint32_t build_frame(struct app *a, uint8_t *f, struct nf_offload *o)
{
    uint32_t len = a->gso ? GSO_FRAME_LEN : a->size;
    memset(o, 0, sizeof *o);
    memcpy(f, a->dst, 6);
    memcpy(f + 6, a->src, 6);
    if (a->random_mac) {
        uint32_t r = (uint32_t)random();
        f[6] = 0x02;                            /* unicast, locally administered */
        memcpy(f + 8, &r, 4);
    }
    if (a->ip6)
        return build_frame6(a, f, o);
    if (a->arp) {
        /* ARP reply "src_ip is at arp_sha" to 10.0.0.2 (the spoofing tests) */
        memcpy(f + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x02", 10);
        memcpy(f + 22, a->arp_sha, 6);
        memcpy(f + 28, a->src_ip, 4);
        memcpy(f + 32, a->dst, 6);
        memcpy(f + 38, "\x0a\x00\x00\x02", 4);
        for (uint32_t i = 42; i < len; i++)
            f[i] = pattern(i);
        return len;
    }
    f[12] = 0x08;                               /* IPv4 */
    f[13] = 0x00;
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)((len - 14) >> 8);
    ip[3] = (uint8_t)(len - 14);
    ip[8] = 64;
    ip[9] = a->gso ? 6 : 17;
    memcpy(ip + 12, a->src_ip, 4);
    memcpy(ip + 16, "\x0a\x00\x00\x02", 4);
    for (uint32_t i = PATTERN_AT; i < len; i++)
        f[i] = pattern(i);
    if (!a->gso) {
        uint16_t l4 = (uint16_t)(len - 34);
        build_udp(a, ip + 20, l4, csum_pseudo_ipv4(ip, 17, l4), o);
    }
    if (a->gso) {
        uint8_t *th = ip + 20;
        memset(th, 0, 20);
        th[12] = 5 << 4;
        o->csum_blank = true;
        o->gso_type = XEN_NETIF_GSO_TYPE_TCPV4;
        o->gso_size = GSO_MSS;
    }
    return len;
}

/* Frames --rate allows now: a token bucket of RATE_BURST_S worth of
 * frames, so time the sender could not use (ring full, not scheduled) is
 * lost, not made up later by a burst. */
#define RATE_BURST_S 0.1
static uint64_t rate_allows(struct app *a)
{
    if (a->rate <= 0)
        return UINT64_MAX;
    double now = now_s(), burst = a->rate * RATE_BURST_S;
    if (!a->tokens_at)
        a->tokens_at = now;
    a->tokens += (now - a->tokens_at) * a->rate;
    a->tokens_at = now;
    if (a->tokens > (burst > 1 ? burst : 1))
        a->tokens = burst > 1 ? burst : 1;
    return (uint64_t)a->tokens;
}

static void rate_spend(struct app *a, uint64_t n)
{
    if (a->rate > 0)
        a->tokens -= (double)n;
}

static void gen_fill(struct app *a, uint64_t *left)
{
    static uint8_t f[NF_FRAME_MAX];
    static uint32_t len;
    static struct nf_offload o;
    uint64_t allow = rate_allows(a), sent = 0;

    if (!len)
        len = build_frame(a, f, &o);
    while (*left && allow && nf_tx_fits(a->nf, len, a->gso)) {
        if (a->random_mac)
            build_frame(a, f, &o);
        if (nf_send(a->nf, f, len, &o))
            break;
        (*left)--;
        allow--;
        sent++;
    }
    rate_spend(a, sent);
    nf_flush(a->nf);
}

/* ---- misbehaviour ---- */

static int evil(struct app *a, const char *mode)
{
    struct nf *nf = a->nf;
    static struct nf_raw_slot s[1100];
    uint8_t fill[128];
    unsigned n = 0;
    memset(fill, 0, sizeof fill);
    memcpy(fill, a->dst, 6);
    memcpy(fill + 6, a->mac, 6);
    memset(s, 0, sizeof s);

    if (!strcmp(mode, "prod-jump")) {
        nf_jump_tx_req_prod(nf, 1000);
        nf_kick(nf);
        return 0;
    } else if (!strncmp(mode, "slots:", 6)) {
        unsigned k = (unsigned)atoi(mode + 6);
        if (k < 1 || k > 1000)
            return -EINVAL;
        s[0] = (struct nf_raw_slot){ .size = (uint16_t)(60 + k - 1),
                                     .flags = k > 1 ? NETTXF_more_data : 0 };
        for (unsigned i = 1; i < k; i++)
            s[i] = (struct nf_raw_slot){ .size = 1,
                                         .flags = i + 1 < k ? NETTXF_more_data : 0 };
        n = k;
    } else if (!strcmp(mode, "bad-offset")) {
        s[n++] = (struct nf_raw_slot){ .offset = 4000, .size = 200 };
    } else if (!strcmp(mode, "zero-size")) {
        /* sizes all zero: a frame of no bytes */
        s[n++] = (struct nf_raw_slot){ .size = 0, .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 0 };
    } else if (!strcmp(mode, "zero-frags")) {
        /* legal: empty slots inside a frame */
        s[n++] = (struct nf_raw_slot){ .size = 100, .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 0, .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 0, .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 40, .offset = 60 };
    } else if (!strcmp(mode, "first-smaller")) {
        s[n++] = (struct nf_raw_slot){ .size = 100, .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 200 };
    } else if (!strcmp(mode, "bad-gref")) {
        s[n++] = (struct nf_raw_slot){ .gref_kind = NF_GREF_BAD, .size = 60 };
    } else if (!strcmp(mode, "revoked-mid")) {
        s[n++] = (struct nf_raw_slot){ .size = 300, .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .gref_kind = NF_GREF_REVOKED, .size = 100,
                                       .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 100 };
    } else if (!strcmp(mode, "revoked-late")) {
        /* revoked past the first 300 bytes: after the backend's head copy */
        s[n++] = (struct nf_raw_slot){ .size = 500, .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .gref_kind = NF_GREF_REVOKED, .size = 100,
                                       .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 100 };
    } else if (!strcmp(mode, "tiny-head")) {
        /* 18 one-byte slots carry the headers, the payload follows */
        s[n++] = (struct nf_raw_slot){ .size = 18 + 100, .flags = NETTXF_more_data };
        s[0].size = 118;
        s[0].offset = 0;
        for (unsigned i = 0; i < 17; i++)
            s[n++] = (struct nf_raw_slot){ .size = 1, .offset = (uint16_t)(i + 1),
                                           .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 100, .offset = 18 };
        s[0].size = 1 + 17 + 100;
    } else if (!strcmp(mode, "gso-zero")) {
        s[n++] = (struct nf_raw_slot){ .size = 60, .flags = NETTXF_extra_info };
        s[n++] = (struct nf_raw_slot){ .extra = true, .extra_type = XEN_NETIF_EXTRA_TYPE_GSO,
                                       .gso_type = XEN_NETIF_GSO_TYPE_TCPV4, .gso_size = 0 };
    } else if (!strncmp(mode, "storm:", 6)) {
        unsigned long k = strtoul(mode + 6, NULL, 10);
        if (k > STORM_MAX)
            k = STORM_MAX;
        for (unsigned long i = 0; i < k && !stop; i++, a->evil_sent++)
            nf_kick(nf);
        return 0;
    } else if (!strcmp(mode, "no-rx")) {
        nf_set_rx_posting(nf, 0);
        return 0;
    } else if (!strncmp(mode, "rx-pause:", 9)) {
        nf_set_rx_posting(nf, 0);
        a->rx_resume_at = now_s() + atof(mode + 9) / 1000;
        return 0;
    } else if (!strcmp(mode, "one-slot")) {
        nf_set_rx_posting(nf, 1);
        return 0;
    } else if (!strcmp(mode, "random-mac")) {
        a->random_mac = true;
        nf_set_tx_same_frame(nf, false);    /* every frame differs */
        return 0;
    } else {
        return -EINVAL;
    }
    if (nf_tx_free(nf) < (n < NF_TX_IDS ? n : NF_TX_IDS))
        return -EAGAIN;                     /* --repeat: ring full, later */
    nf_send_raw(nf, s, n, fill, sizeof fill);
    nf_flush(nf);
    nf_kick(nf);
    a->evil_sent++;
    return 0;
}

/* Modes that put a frame on the ring (the ones --repeat repeats). */
static bool evil_is_frame(const char *mode)
{
    static const char *const frames[] = { "slots:", "bad-offset", "first-smaller",
        "zero-size", "zero-frags",
        "bad-gref", "revoked-mid", "revoked-late", "tiny-head", "gso-zero", NULL };
    for (unsigned i = 0; frames[i]; i++)
        if (!strncmp(mode, frames[i], strlen(frames[i])))
            return true;
    return false;
}

/* ---- main ---- */

static int parse_mac(const char *s, uint8_t m[6])
{
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        return -EINVAL;
    for (int i = 0; i < 6; i++)
        m[i] = (uint8_t)v[i];
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "domid", 1, 0, 'd' }, { "devid", 1, 0, 'n' }, { "dir", 1, 0, 'D' },
        { "info", 1, 0, 'i' }, { "split", 0, 0, 's' }, { "no-sg", 0, 0, 'S' },
        { "no-gso", 0, 0, 'G' }, { "no-csum-offload", 0, 0, 'C' },
        { "no-ipv6-csum", 0, 0, '6' }, { "no-rx-notify", 0, 0, 'R' },
        { "mcast-control", 0, 0, 'M' }, { "mac", 1, 0, 'm' }, { "duration", 1, 0, 't' },
        { "tap", 1, 0, 'T' }, { "gen", 0, 0, 'g' }, { "dst", 1, 0, 'a' },
        { "size", 1, 0, 'z' }, { "count", 1, 0, 'c' }, { "gso", 0, 0, 'o' },
        { "rate", 1, 0, 'r' }, { "forge-mac", 1, 0, 'f' }, { "src-ip", 1, 0, 'p' },
        { "repeat", 0, 0, 'E' }, { "udp-sport", 1, 0, 'u' }, { "arp-sha", 1, 0, 'A' },
        { "idle", 1, 0, 'I' }, { "mcast-join", 1, 0, 'J' }, { "delay", 1, 0, 'y' }, { "bench", 0, 0, 'b' }, { "rx-buffers", 1, 0, 'P' }, { "from", 1, 0, 'F' }, { "evil", 1, 0, 'e' }, { "verify", 0, 0, 'V' }, { "csum", 0, 0, 'x' }, { "help", 0, 0, 'h' }, { 0 },
    };
    struct nf_options o = { .dir = NULL };
    struct app a = { .tap = -1, .size = 64, .src_ip = { 10, 0, 0, 1 }, .udp_sport = 1000 };
    const char *info = NULL, *tap = NULL, *evil_mode = NULL;
    char infobuf[256], err[256];
    double duration = 0, idle = 0, delay = 0, attached_at = 0;
    uint8_t join[6];
    bool have_join = false;
    bool bench = false;
    bool gen = false, have_mac = false, have_src = false, repeat = false;
    int c;

    vif_frontend_linux_defaults(&o.features);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o.domid = (uint16_t)atoi(optarg); break;
        case 'n': o.devid = (uint32_t)atoi(optarg); break;
        case 'D': o.dir = optarg; break;
        case 'i': info = optarg; break;
        case 's': o.split = true; break;
        case 'S': o.features.rx.sg = false; break;
        case 'G': o.features.rx.gso_tcpv4 = o.features.rx.gso_tcpv6 = false; break;
        case 'C': o.features.rx.csum_v4 = false; break;
        case '6': o.features.rx.csum_v6 = false; break;
        case 'R': o.features.rx_notify = false; break;
        case 'M': o.features.mcast_control = true; break;
        case 'm': if (parse_mac(optarg, a.mac)) { usage(); return 2; } have_mac = true; break;
        case 't': duration = atof(optarg); break;
        case 'I': idle = atof(optarg); break;
        case 'J': if (parse_mac(optarg, join)) { usage(); return 2; } have_join = true; break;
        case 'y': delay = atof(optarg); break;
        case 'b': bench = true; break;
        case 'P': o.rx_limit = true; o.rx_buffers = (unsigned)atoi(optarg); break;
        case 'F': if (parse_mac(optarg, a.from)) { usage(); return 2; } a.from_set = true; break;
        case 'T': tap = optarg; break;
        case 'g': gen = true; break;
        case 'a': if (parse_mac(optarg, a.dst)) { usage(); return 2; } break;
        case 'z': a.size = (uint32_t)atoi(optarg); break;
        case 'c': a.want = strtoull(optarg, NULL, 10); break;
        case 'o': a.gso = true; break;
        case 'e': evil_mode = optarg; break;
        case 'V': a.verify = true; break;
        case 'x': a.csum = true; break;
        case 'r': a.rate = atof(optarg); break;
        case 'f': if (parse_mac(optarg, a.src)) { usage(); return 2; } have_src = true; break;
        case 'p':
            if (inet_pton(AF_INET, optarg, a.src_ip) == 1)
                a.ip6 = false;
            else if (inet_pton(AF_INET6, optarg, a.src_ip6) == 1)
                a.ip6 = true;
            else {
                usage();
                return 2;
            }
            break;
        case 'E': repeat = true; break;
        case 'u': a.udp_sport = (uint16_t)atoi(optarg); break;
        case 'A': if (parse_mac(optarg, a.arp_sha)) { usage(); return 2; } a.arp = true; break;
        default: usage(); return 2;
        }
    }
    if (!o.domid || a.size < 14 || a.size > NF_FRAME_MAX) {
        usage();
        return 2;
    }
    if (a.arp && (a.ip6 || a.gso || a.size < 60)) {
        fprintf(stderr, "xvs-simfront: --arp-sha needs an IPv4 --src-ip, --size 60 or "
                "more and no --gso\n");
        return 2;
    }
    if (a.ip6 && (a.gso || a.size < 62)) {
        fprintf(stderr, "xvs-simfront: an IPv6 --src-ip needs --size 62 or more "
                "and no --gso\n");
        return 2;
    }
    if (!o.dir)
        o.dir = getenv("XVS_SIM_DIR") ? getenv("XVS_SIM_DIR") : XSIM_DEFAULT_DIR;
    if (!info) {
        snprintf(infobuf, sizeof infobuf, "%s/dom%u.vif%u", o.dir, o.domid, o.devid);
        info = infobuf;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    srandom((unsigned)o.domid);

    a.nf = nf_create(&o, err, sizeof err);
    if (!a.nf) {
        fprintf(stderr, "xvs-simfront: %s\n", err);
        return 1;
    }
    if (!have_mac) {
        uint8_t m[6] = { 0x00, 0x16, 0x3e, 0x5c, (uint8_t)(o.domid >> 8), (uint8_t)o.domid };
        memcpy(a.mac, m, 6);
    }
    if (!have_src)
        memcpy(a.src, a.mac, 6);
    nf_set_mac(a.nf, a.mac);
    if (bench) {
        /* the guests must not be the bottleneck: no per-frame memcpy */
        nf_set_tx_same_frame(a.nf, !a.random_mac);
        nf_set_rx_copy(a.nf, a.verify || tap);
    }
    nf_set_rx_cb(a.nf, to_tap, &a);
    if (tap && (a.tap = tap_open(tap, a.mac)) < 0) {
        fprintf(stderr, "xvs-simfront: tap %s: %s\n", tap, strerror(-a.tap));
        return 1;
    }
    int e = nf_write_info(a.nf, info);
    if (e) {
        fprintf(stderr, "xvs-simfront: %s: %s\n", info, strerror(-e));
        return 1;
    }

    double start = now_s(), deadline = duration > 0 ? start + duration : 0;
    uint64_t left = gen ? (a.want ? a.want : 1000000) : 0;
    bool evil_done = !evil_mode;
    if (repeat && (!evil_mode || !evil_is_frame(evil_mode))) {
        fprintf(stderr, "xvs-simfront: --repeat needs a frame --evil mode\n");
        return 2;
    }
    double gen_start = 0, gen_end = 0;
    /* A paced sender wakes often enough to keep its pace. */
    int poll_ms = a.rate > 0 ? 2 : 20;
    while (!stop) {
        struct pollfd pf[2] = { { nf_fd(a.nf), POLLIN, 0 }, { a.tap, POLLIN, 0 } };
        int npf = a.tap >= 0 && nf_tx_fits(a.nf, NF_FRAME_MAX, true) ? 2 : 1;
        if (poll(pf, (nfds_t)npf, poll_ms) < 0 && errno != EINTR)
            break;
        nf_poll(a.nf);
        /* Misbehave and generate once the backend has attached. */
        bool attached = nf_backend_attached(a.nf);
        if (attached && !attached_at) {
            attached_at = now_s();
            if (have_join) {
                /* a filter update: a dummy request + MCAST_ADD extra */
                struct nf_raw_slot j[2] = {
                    { .flags = NETTXF_extra_info, .size = 0 },
                    { .extra = true, .extra_type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD },
                };
                memcpy(j[1].mcast, join, 6);
                nf_send_raw(a.nf, j, 2, NULL, 0);
                nf_flush(a.nf);
            }
        }
        if (attached && now_s() < attached_at + delay)
            attached = false;
        if (!evil_done && attached) {
            if (evil(&a, evil_mode) == -EINVAL)
                fprintf(stderr, "xvs-simfront: unknown --evil %s\n", evil_mode);
            evil_done = true;
        } else if (repeat && attached) {
            /* again, as the pace allows, while the ring has room */
            for (uint64_t n = rate_allows(&a); n && !stop; n--) {
                if (evil(&a, evil_mode))
                    break;
                rate_spend(&a, 1);
            }
        }
        if (a.rx_resume_at && now_s() >= a.rx_resume_at) {
            a.rx_resume_at = 0;
            nf_set_rx_posting(a.nf, NF_RX_BUFS);
        }
        if (npf == 2 && (pf[1].revents & POLLIN))
            from_tap(&a);
        if (gen && left && attached) {
            if (!gen_start)
                gen_start = now_s();
            gen_fill(&a, &left);
            if (!left)
                gen_end = now_s();
        }
        if (gen && !left && nf_tx_outstanding(a.nf) == 0)
            break;
        if (!gen && a.want && a.sink_frames >= a.want)
            break;
        if (deadline && now_s() >= deadline)
            break;
        if (idle > 0 && a.last_rx && now_s() - a.last_rx >= idle)
            break;
    }
    const struct nf_stats *s = nf_get_stats(a.nf);
    double span = gen ? (gen_end ? gen_end : now_s()) - gen_start : a.last_rx - a.first_rx;
    printf("{\"domid\":%u,\"tx_frames\":%llu,\"tx_bytes\":%llu,\"tx_errors\":%llu,"
           "\"rx_frames\":%llu,\"rx_bytes\":%llu,\"rx_errors\":%llu,\"events\":%llu,"
           "\"kicks\":%llu,\"verify_errors\":%llu,\"csum_ok\":%llu,\"csum_partial\":%llu,"
           "\"rx_other\":%llu,\"evil_sent\":%llu,\"seconds\":%.6f}\n", o.domid,
           (unsigned long long)s->tx_frames, (unsigned long long)s->tx_bytes,
           (unsigned long long)s->tx_errors, (unsigned long long)a.sink_frames,
           (unsigned long long)s->rx_bytes, (unsigned long long)s->rx_errors,
           (unsigned long long)s->events, (unsigned long long)s->kicks_sent,
           (unsigned long long)a.verify_errors, (unsigned long long)a.csum_ok,
           (unsigned long long)a.csum_partial, (unsigned long long)a.rx_other,
           (unsigned long long)a.evil_sent, span);
    fflush(stdout);
    unlink(info);
    if (a.tap >= 0)
        close(a.tap);
    nf_destroy(a.nf);
    return 0;
}
