/* frame_iov: a frame as an iovec, for ports that hand frames to the kernel
 * with writev()/sendmsg() (TAP, the uplink's second socket) without first
 * copying them into a linear buffer.
 *
 * Possible when every fragment is local memory (uplink slots, TAP reads);
 * a frame with grant fragments (from a guest) must be gathered instead
 * (frame_gather_tagged), since only netback's copier can read those. */
#ifndef XVS_PORTS_FRAME_IOV_H
#define XVS_PORTS_FRAME_IOV_H 1

#include <stdint.h>
#include <sys/uio.h>

#include "switch/frame.h"

/* head (split around the tag), tag, fragments */
#define FRAME_IOV_MAX (3 + FRAME_FRAGS_MAX)

/* Fill iov with the frame's bytes, an 802.1Q tag with `tci` written into
 * tag[4] and inserted after the MAC addresses when tci != 0.  Returns the
 * number of iovec entries, or 0 if the frame has grant fragments. */
unsigned frame_iov(const struct frame *, uint16_t tci, uint8_t tag[4],
                   struct iovec iov[FRAME_IOV_MAX]);

#endif
