/* fake-qemu-tap: what QEMU does with an HVM guest's emulated NIC, for
 * tests: the tap netdev in dom0 (-netdev tap,ifname=vif<D>.<N>-emu) and
 * the emulated NIC, here a second tap in the guest's network namespace so
 * that a real IP stack (ping) sits behind it, with frames copied between
 * the two as QEMU copies them between its netdev and the NIC model.
 *
 *   fake-qemu-tap TAP GUEST_NETNS GUEST_IF [SECONDS]
 *
 * TAP is made in the current network namespace, GUEST_IF in GUEST_NETNS
 * (a name in /run/netns, or a path).  Prints "ready" once both exist.
 * Exits after SECONDS (default 300), on SIGTERM/SIGINT, or when either
 * device goes away (QEMU exiting); both taps are not persistent, so they
 * go with it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define FQ_FRAME_MAX 65536
#define FQ_BURST 64                 /* frames per direction per wake-up */

static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void) sig; stop = 1; }

static int
tap_open(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) {
        fprintf(stderr, "fake-qemu-tap: /dev/net/tun: %s\n", strerror(errno));
        exit(2);
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr)) {
        fprintf(stderr, "fake-qemu-tap: tap %s: %s\n", name, strerror(errno));
        exit(2);
    }
    return fd;
}

/* Up to FQ_BURST frames from one tap to the other; -1 if `from` is gone. */
static int
relay(int from, int to, unsigned char *buf)
{
    for (int i = 0; i < FQ_BURST; i++) {
        ssize_t n = read(from, buf, FQ_FRAME_MAX);
        if (n < 0) {
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        }
        if (n == 0) {
            return -1;
        }
        /* Refused (the peer is down: EIO; its queue is full) drops the
         * frame, as QEMU does; a tap that is gone shows on the read side. */
        (void) !write(to, buf, (size_t) n);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static unsigned char buf[FQ_FRAME_MAX];
    char path[256];
    struct pollfd pf[2];
    int dom0, guest, ns;
    long seconds = argc > 4 ? strtol(argv[4], NULL, 10) : 300;
    time_t end;

    if (argc < 4 || argc > 5 || seconds <= 0) {
        fputs("usage: fake-qemu-tap TAP GUEST_NETNS GUEST_IF [SECONDS]\n", stderr);
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    dom0 = tap_open(argv[1]);
    if (strchr(argv[2], '/')) {
        snprintf(path, sizeof path, "%s", argv[2]);
    } else {
        snprintf(path, sizeof path, "/run/netns/%s", argv[2]);
    }
    ns = open(path, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET)) {
        fprintf(stderr, "fake-qemu-tap: netns %s: %s\n", path, strerror(errno));
        return 2;
    }
    close(ns);
    guest = tap_open(argv[3]);      /* made in the namespace we are in now */
    printf("ready\n");
    fflush(stdout);

    end = time(NULL) + seconds;
    pf[0] = (struct pollfd) { .fd = dom0, .events = POLLIN };
    pf[1] = (struct pollfd) { .fd = guest, .events = POLLIN };
    while (!stop && time(NULL) < end) {
        int r = poll(pf, 2, 200);
        if (r < 0 && errno != EINTR) {
            break;
        }
        if (r <= 0) {
            continue;
        }
        if ((pf[0].revents & (POLLERR | POLLHUP | POLLNVAL))
            || (pf[1].revents & (POLLERR | POLLHUP | POLLNVAL))) {
            fprintf(stderr, "fake-qemu-tap: a tap is gone\n");
            break;
        }
        if (((pf[0].revents & POLLIN) && relay(dom0, guest, buf))
            || ((pf[1].revents & POLLIN) && relay(guest, dom0, buf))) {
            fprintf(stderr, "fake-qemu-tap: a tap is gone\n");
            break;
        }
    }
    close(dom0);
    close(guest);
    return 0;
}
