/* nl: synchronous rtnetlink requests and dumps (libmnl), for the
 * configuration work of ports (address takeover, uplink isolation).  Not
 * for the datapath: every call blocks until the kernel answers. */
#ifndef XVS_PORTS_NL_H
#define XVS_PORTS_NL_H 1

#include <libmnl/libmnl.h>

#define NL_BUF_SIZE 32768

/* NETLINK_ROUTE socket; NULL with errno set on failure. */
struct mnl_socket *nl_open(void);

/* Send nlh (NLM_F_REQUEST|NLM_F_ACK added) and wait for the ack.
 * Returns 0 or the kernel's negative errno. */
int nl_request(struct mnl_socket *, struct nlmsghdr *);

/* Send a dump request (NLM_F_REQUEST|NLM_F_DUMP added) and call cb for
 * each message of the answer.  Returns 0 or a negative errno. */
int nl_dump(struct mnl_socket *, struct nlmsghdr *, mnl_cb_t cb, void *data);

#endif
