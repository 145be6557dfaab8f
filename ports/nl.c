/* nl: synchronous rtnetlink helpers (see nl.h). */
#include "ports/nl.h"

#include <errno.h>
#include <stdint.h>
#include <time.h>

static unsigned nl_seq;

struct mnl_socket *
nl_open(void)
{
    struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

    if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;

        mnl_socket_close(nl);
        errno = e;
        return NULL;
    }
    if (!nl_seq) {
        nl_seq = (unsigned) time(NULL);
    }
    return nl;
}

static int
nl_run(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
    uint8_t buf[NL_BUF_SIZE];
    unsigned seq = ++nl_seq, portid = mnl_socket_get_portid(nl);
    int r;

    nlh->nlmsg_seq = seq;
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
        return -errno;
    }
    do {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);

        if (n < 0) {
            return -errno;
        }
        r = mnl_cb_run(buf, (size_t) n, seq, portid, cb, data);
    } while (r > 0);   /* MNL_CB_OK: more to come (dump parts) */
    return r < 0 ? -errno : 0;
}

int
nl_request(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
    nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    return nl_run(nl, nlh, NULL, NULL);
}

int
nl_dump(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
    nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
    return nl_run(nl, nlh, cb, data);
}
