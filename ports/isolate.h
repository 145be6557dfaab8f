/* isolate: cut a netdev's own IP stack off from the frames it receives,
 * while AF_PACKET sockets bound to it still see every frame (packet taps
 * run before the ingress hook).  Implemented as a two-instruction BPF
 * program ("return TC_ACT_SHOT") attached in direct-action mode to the
 * clsact ingress hook, because cls_bpf is the classifier a stock kernel
 * config ships (matchall/gact often are not built). */
#ifndef XVS_PORTS_ISOLATE_H
#define XVS_PORTS_ISOLATE_H 1

#include <stdbool.h>

struct mnl_socket;

#define ISOLATE_PRIO 1          /* tc filter priority: before anything else */
#define ISOLATE_HANDLE 0x7876   /* tc filter handle ("xv") */

/* Returns 0 or a negative errno.  *created_qdisc: whether this call
 * created the clsact qdisc (so isolate_remove() may delete it). */
int isolate_ingress(struct mnl_socket *, int ifindex, bool *created_qdisc);
void isolate_remove(struct mnl_socket *, int ifindex, bool created_qdisc);

#endif
