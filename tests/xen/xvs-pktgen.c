/* xvs-pktgen: send small Ethernet frames as fast as one guest CPU can, for
 * the real-Xen tests (tests/xen).  It runs inside a PV domU, so that the
 * network backend (xvsd or the kernel's xen-netback), not the guest's
 * socket layer, is what limits the frame rate: frames go out of an
 * AF_PACKET socket in batches of up to 64 (sendmmsg).  By default they go
 * through the interface's qdisc, which hands them to netfront in bursts
 * (xmit_more: one notification of the backend per burst, as for any
 * busy sender), and the socket blocks while the qdisc is full, so the
 * sender runs exactly as fast as the backend drains the ring.  -B sends
 * with PACKET_QDISC_BYPASS instead (one driver call per frame).
 *
 *   xvs-pktgen -i IF -d DSTMAC [-s SRCMAC] [-l LEN] [-t SECS] [-n COUNT]
 *              [-e ETHERTYPE] [-q VLAN] [-B] [-r RATE]
 *
 * Frames are LEN bytes (default 60: a 64-byte frame on the wire with its
 * FCS) from SRCMAC (default: the interface's own address) to DSTMAC with
 * ETHERTYPE (default 0x88b5, IEEE "local experimental": no receiving stack
 * answers it, so nothing flows back).  -q adds an 802.1Q tag.  It stops
 * after SECS seconds (default 10) or COUNT frames, whichever comes first.
 * -r paces it at RATE frames/s (small batches, sleeping in between; frames
 * it fell behind with are sent at once), for tests that compare what a
 * backend delivers of a fixed offered load.  It prints one line:
 *
 *   pktgen: sent N frames in S s (R frames/s), M busy retries
 *
 * "busy" counts the sends refused with ENOBUFS (queue full): those frames
 * are sent again; N counts only frames the kernel took. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PKTGEN_BATCH     64       /* frames per sendmmsg() */
#define PKTGEN_LEN_MIN   60       /* Ethernet minimum without FCS */
#define PKTGEN_LEN_MAX   1514
#define PKTGEN_PACE_HZ   100      /* -r: batches per second at most */

static int
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char end;

    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6) {
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        if (v[i] > 255) {
            return -1;
        }
        mac[i] = (uint8_t) v[i];
    }
    return 0;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
usage(void)
{
    fprintf(stderr, "usage: xvs-pktgen -i IF -d DSTMAC [-s SRCMAC] [-l LEN] [-t SECS] "
            "[-n COUNT] [-e ETHERTYPE] [-q VLAN] [-B] [-r RATE]\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    const char *ifname = NULL;
    uint8_t dst[6], src[6];
    int have_dst = 0, have_src = 0, vlan = 0, bypass = 0, o;
    unsigned len = PKTGEN_LEN_MIN, ethertype = 0x88b5;
    double secs = 10, rate = 0;
    unsigned long long count = 0;

    while ((o = getopt(argc, argv, "i:d:s:l:t:n:e:q:Br:")) != -1) {
        switch (o) {
        case 'i': ifname = optarg; break;
        case 'd': if (parse_mac(optarg, dst)) usage(); have_dst = 1; break;
        case 's': if (parse_mac(optarg, src)) usage(); have_src = 1; break;
        case 'l': len = strtoul(optarg, NULL, 0); break;
        case 't': secs = strtod(optarg, NULL); break;
        case 'n': count = strtoull(optarg, NULL, 0); break;
        case 'e': ethertype = strtoul(optarg, NULL, 0); break;
        case 'q': vlan = atoi(optarg); break;
        case 'B': bypass = 1; break;
        case 'r': rate = strtod(optarg, NULL); break;
        default: usage();
        }
    }
    if (!ifname || !have_dst || len < PKTGEN_LEN_MIN || len > PKTGEN_LEN_MAX
        || secs <= 0 || rate < 0 || vlan < 0 || vlan > 4094 || ethertype > 0xffff) {
        usage();
    }

    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) {
        perror("pktgen: socket");
        return 1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
        fprintf(stderr, "pktgen: %s: %s\n", ifname, strerror(errno));
        return 1;
    }
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET, .sll_ifindex = ifr.ifr_ifindex, .sll_protocol = 0,
    };
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        perror("pktgen: bind");
        return 1;
    }
    if (!have_src) {
        if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
            perror("pktgen: SIOCGIFHWADDR");
            return 1;
        }
        memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
    }
    int one = 1;
    if (bypass && setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0) {
        perror("pktgen: PACKET_QDISC_BYPASS");
        return 1;
    }

    uint8_t frame[PKTGEN_LEN_MAX];
    memset(frame, 0, sizeof frame);
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    size_t off = 12;
    if (vlan) {
        frame[off++] = 0x81;
        frame[off++] = 0x00;
        frame[off++] = (uint8_t) (vlan >> 8);
        frame[off++] = (uint8_t) vlan;
    }
    frame[off++] = (uint8_t) (ethertype >> 8);
    frame[off++] = (uint8_t) ethertype;
    memcpy(frame + off, "xvs-pktgen", 10);

    struct iovec iov = { .iov_base = frame, .iov_len = len };
    struct mmsghdr msgs[PKTGEN_BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < PKTGEN_BATCH; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    unsigned long long sent = 0, busy = 0;
    double t0 = now_s(), t = t0;
    while (t - t0 < secs && (!count || sent < count)) {
        unsigned n = PKTGEN_BATCH;
        if (count && count - sent < n) {
            n = (unsigned) (count - sent);
        }
        if (rate > 0) {
            /* frames due by now; wait (at most a pace period) for the next */
            double due = rate * (t - t0) - (double) sent;
            if (due < 1) {
                struct timespec ts = { 0, (long) (1e9 / PKTGEN_PACE_HZ) };
                if ((1 - due) / rate < 1.0 / PKTGEN_PACE_HZ) {
                    ts.tv_nsec = (long) ((1 - due) / rate * 1e9);
                }
                nanosleep(&ts, NULL);
                t = now_s();
                continue;
            }
            if (due < n) {
                n = (unsigned) due;
            }
        }
        int r = sendmmsg(fd, msgs, n, 0);
        if (r > 0) {
            sent += (unsigned) r;
        } else if (r < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EBUSY)) {
            busy++;
            sched_yield();
        } else if (r < 0 && errno != EINTR) {
            fprintf(stderr, "pktgen: sendmmsg: %s\n", strerror(errno));
            return 1;
        }
        t = now_s();
    }
    double el = t - t0;
    printf("pktgen: sent %llu frames in %.3f s (%.0f frames/s), %llu busy retries\n",
           sent, el, el > 0 ? sent / el : 0.0, busy);
    return 0;
}
