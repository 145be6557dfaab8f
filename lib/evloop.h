/* evloop: the single-threaded event loop of xvsd (epoll + timers).
 *
 * Everything in xvsd runs on this loop: port fds (AF_PACKET, TAP), the event
 * channel fd, the xenstore watch fd, the control socket, signals (signalfd).
 * Fairness: a source that still has work after its budget calls
 * evloop_want_more(), which makes the next epoll_wait non-blocking and runs
 * the "more" callbacks once per turn, so no source can starve the others. */
#ifndef XVS_EVLOOP_H
#define XVS_EVLOOP_H 1

#include <stdbool.h>
#include <stdint.h>

struct evloop;
struct evloop_timer;

typedef void evloop_fd_cb(int fd, uint32_t events, void *arg);
typedef void evloop_cb(void *arg);

struct evloop *evloop_create(void);
void evloop_destroy(struct evloop *);

/* events: EPOLLIN/EPOLLOUT.  One registration per fd. */
int evloop_add_fd(struct evloop *, int fd, uint32_t events, evloop_fd_cb *, void *arg);
int evloop_mod_fd(struct evloop *, int fd, uint32_t events);
void evloop_del_fd(struct evloop *, int fd);

/* Timers fire on the loop; period_ms == 0 means one-shot. */
struct evloop_timer *evloop_timer_add(struct evloop *, uint64_t delay_ms,
                                      uint64_t period_ms, evloop_cb *, void *arg);
void evloop_timer_del(struct evloop *, struct evloop_timer *);

/* Ask for `cb(arg)` to be called on the next loop turn (once per call;
 * calling it again for the same cb/arg before it ran is a no-op). */
void evloop_want_more(struct evloop *, evloop_cb *, void *arg);
/* Undo evloop_want_more(cb, arg) if it has not run yet (before freeing
 * arg); safe from inside a callback. */
void evloop_cancel_more(struct evloop *, evloop_cb *, void *arg);

int evloop_run(struct evloop *);   /* until evloop_stop(); returns 0 */
void evloop_stop(struct evloop *);

uint64_t evloop_now_ms(void);       /* CLOCK_MONOTONIC_COARSE in ms */

#endif
