/* xenif_simcom: what both sides of the simulated hypervisor share: message
 * passing with fds over the domain socket, and ONESHOT epoll sets that give
 * event channels their mask/unmask semantics. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netback/xenif_sim.h"

#define XSIM_FDS_MAX 4

int xsim_send(int sock, const struct xsim_msg *m, const int *fds, unsigned nfds)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int) * XSIM_FDS_MAX)];
    } c;
    struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof *m };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

    if (nfds > XSIM_FDS_MAX)
        return -EINVAL;
    if (nfds) {
        memset(&c, 0, sizeof c);
        mh.msg_control = c.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
    }
    ssize_t r;
    do {
        r = sendmsg(sock, &mh, MSG_NOSIGNAL);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    return r == (ssize_t)sizeof *m ? 0 : -EIO;
}

int xsim_recv(int sock, struct xsim_msg *m, int *fds, unsigned *nfds)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int) * XSIM_FDS_MAX)];
    } c;
    struct iovec iov = { .iov_base = m, .iov_len = sizeof *m };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = c.buf, .msg_controllen = sizeof c.buf,
    };
    unsigned want = nfds ? *nfds : 0, got = 0;
    ssize_t r;

    do {
        r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        unsigned n = (unsigned)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int tmp[XSIM_FDS_MAX];
        if (n > XSIM_FDS_MAX)
            n = XSIM_FDS_MAX;
        memcpy(tmp, CMSG_DATA(cm), sizeof(int) * n);
        for (unsigned i = 0; i < n; i++) {
            if (got < want)
                fds[got++] = tmp[i];
            else
                close(tmp[i]);
        }
    }
    if (nfds)
        *nfds = got;
    if (r == 0 || (size_t)r != sizeof *m || m->magic != XSIM_MAGIC) {
        for (unsigned i = 0; i < got; i++)
            close(fds[i]);
        if (nfds)
            *nfds = 0;
        return r == 0 ? -ECONNRESET : -EPROTO;
    }
    return 0;
}

int xsim_sock_path(const char *dir, uint16_t domid, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/dom%u.sock", dir, (unsigned)domid);
    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int xsim_evset_create(void)
{
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int xsim_evset_arm(int epfd, int fd, uint64_t tag, bool add)
{
    struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = tag };
    return epoll_ctl(epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

int xsim_evset_next(int epfd, uint64_t *tag)
{
    struct epoll_event ev;
    int n = epoll_wait(epfd, &ev, 1, 0);
    if (n < 0)
        return errno == EINTR ? 0 : -errno;
    if (n == 0)
        return 0;
    *tag = ev.data.u64;
    return 1;
}
