/* evloop: see evloop.h.
 *
 * fd registrations live in a table indexed by fd; the epoll cookie carries
 * (generation << 32 | fd) so an event for an fd deleted (and perhaps reused)
 * by an earlier callback of the same turn is recognised and ignored.
 * Timers are few (one per bridge, a handful per module), so a plain list
 * scanned each turn is the simplest correct structure. */
#include "lib/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define EVLOOP_EVENTS_PER_TURN 64
#define EVLOOP_MORE_MAX 4096        /* distinct pending "more" callbacks */
#define MIN_(a, b) ((a) < (b) ? (a) : (b))

struct fd_entry {
    evloop_fd_cb *cb;
    void *arg;
    uint32_t gen;
    bool used;
};

struct evloop_timer {
    struct evloop_timer *next;
    uint64_t deadline, period;
    evloop_cb *cb;
    void *arg;
    bool dead;
};

struct more {
    evloop_cb *cb;
    void *arg;
};

struct evloop {
    int epfd;
    bool stop;
    struct fd_entry *fds;
    size_t n_fds;
    uint32_t gen;
    struct evloop_timer *timers;
    struct more *more, *more_run;
    size_t n_more;
    size_t n_run;               /* entries of more_run being run, else 0 */
};

/* The coarse clock (the last tick, a few ms of resolution) is read from the
 * vDSO page without a system call whatever the clocksource; CLOCK_MONOTONIC
 * falls back to a real system call when the vDSO cannot use the
 * clocksource, as in a Xen PV dom0 without a stable TSC, where every call
 * is a trap through the hypervisor -- and the loop reads the clock every
 * turn.  Millisecond timers need no more. */
uint64_t
evloop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

struct evloop *
evloop_create(void)
{
    struct evloop *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->more = calloc(EVLOOP_MORE_MAX, sizeof *l->more);
    l->more_run = calloc(EVLOOP_MORE_MAX, sizeof *l->more_run);
    if (l->epfd < 0 || !l->more || !l->more_run) {
        evloop_destroy(l);
        return NULL;
    }
    return l;
}

void
evloop_destroy(struct evloop *l)
{
    if (!l)
        return;
    if (l->epfd >= 0)
        close(l->epfd);
    while (l->timers) {
        struct evloop_timer *t = l->timers;
        l->timers = t->next;
        free(t);
    }
    free(l->fds);
    free(l->more);
    free(l->more_run);
    free(l);
}

static int
fd_table_reserve(struct evloop *l, int fd)
{
    if ((size_t) fd < l->n_fds)
        return 0;
    size_t n = l->n_fds ? l->n_fds : 64;
    while (n <= (size_t) fd)
        n *= 2;
    struct fd_entry *t = realloc(l->fds, n * sizeof *t);
    if (!t)
        return -ENOMEM;
    memset(t + l->n_fds, 0, (n - l->n_fds) * sizeof *t);
    l->fds = t;
    l->n_fds = n;
    return 0;
}

int
evloop_add_fd(struct evloop *l, int fd, uint32_t events, evloop_fd_cb *cb, void *arg)
{
    if (fd < 0 || !cb)
        return -EINVAL;
    int err = fd_table_reserve(l, fd);
    if (err)
        return err;
    if (l->fds[fd].used)
        return -EEXIST;
    struct fd_entry *e = &l->fds[fd];
    e->cb = cb;
    e->arg = arg;
    e->gen = ++l->gen;
    struct epoll_event ev = { .events = events, .data.u64 = (uint64_t) e->gen << 32 | (uint32_t) fd };
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        return -errno;
    e->used = true;
    return 0;
}

int
evloop_mod_fd(struct evloop *l, int fd, uint32_t events)
{
    if (fd < 0 || (size_t) fd >= l->n_fds || !l->fds[fd].used)
        return -ENOENT;
    struct epoll_event ev = { .events = events,
                              .data.u64 = (uint64_t) l->fds[fd].gen << 32 | (uint32_t) fd };
    return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void
evloop_del_fd(struct evloop *l, int fd)
{
    if (fd < 0 || (size_t) fd >= l->n_fds || !l->fds[fd].used)
        return;
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
    l->fds[fd].used = false;
}

struct evloop_timer *
evloop_timer_add(struct evloop *l, uint64_t delay_ms, uint64_t period_ms,
                 evloop_cb *cb, void *arg)
{
    struct evloop_timer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->deadline = evloop_now_ms() + delay_ms;
    t->period = period_ms;
    t->cb = cb;
    t->arg = arg;
    t->next = l->timers;
    l->timers = t;
    return t;
}

void
evloop_timer_del(struct evloop *l, struct evloop_timer *t)
{
    (void) l;
    if (t)
        t->dead = true;     /* freed by the loop, never while it may be running */
}

void
evloop_want_more(struct evloop *l, evloop_cb *cb, void *arg)
{
    for (size_t i = 0; i < l->n_more; i++)
        if (l->more[i].cb == cb && l->more[i].arg == arg)
            return;
    if (l->n_more < EVLOOP_MORE_MAX)
        l->more[l->n_more++] = (struct more) { cb, arg };
}

void
evloop_cancel_more(struct evloop *l, evloop_cb *cb, void *arg)
{
    for (size_t i = 0; i < l->n_more; i++)
        if (l->more[i].cb == cb && l->more[i].arg == arg) {
            memmove(&l->more[i], &l->more[i + 1], (l->n_more - i - 1) * sizeof l->more[0]);
            l->n_more--;
            break;
        }
    /* Cancelled from a callback of the running batch: skip it there too. */
    for (size_t i = 0; i < l->n_run; i++)
        if (l->more_run[i].cb == cb && l->more_run[i].arg == arg)
            l->more_run[i].cb = NULL;
}

void
evloop_stop(struct evloop *l)
{
    l->stop = true;
}

/* Runs due timers, reaps dead ones; returns ms until the next deadline
 * (-1 if none). */
static int
run_timers(struct evloop *l)
{
    uint64_t now = evloop_now_ms();
    int64_t next = -1;

    for (struct evloop_timer *t = l->timers; t; t = t->next) {
        if (t->dead || t->deadline > now)
            continue;
        if (t->period)
            t->deadline = now + t->period;
        else
            t->dead = true;
        t->cb(t->arg);
    }
    for (struct evloop_timer **pp = &l->timers; *pp;) {
        struct evloop_timer *t = *pp;
        if (t->dead) {
            *pp = t->next;
            free(t);
            continue;
        }
        int64_t d = (int64_t) (t->deadline - MIN_(t->deadline, now));
        if (next < 0 || d < next)
            next = d;
        pp = &t->next;
    }
    return next > 1000 ? 1000 : (int) next;
}

static void
run_more(struct evloop *l)
{
    size_t n = l->n_more;
    struct more *tmp = l->more_run;

    l->more_run = l->more;
    l->more = tmp;
    l->n_more = 0;
    l->n_run = n;
    for (size_t i = 0; i < n; i++)
        if (l->more_run[i].cb)
            l->more_run[i].cb(l->more_run[i].arg);
    l->n_run = 0;
}

int
evloop_run(struct evloop *l)
{
    struct epoll_event evs[EVLOOP_EVENTS_PER_TURN];

    l->stop = false;
    while (!l->stop) {
        int timeout = run_timers(l);
        if (l->stop)
            break;
        if (l->n_more)
            timeout = 0;
        int n = epoll_wait(l->epfd, evs, EVLOOP_EVENTS_PER_TURN, timeout);
        if (n < 0 && errno != EINTR)
            return -errno;
        for (int i = 0; i < n; i++) {
            int fd = (int) (uint32_t) evs[i].data.u64;
            uint32_t gen = (uint32_t) (evs[i].data.u64 >> 32);
            if ((size_t) fd >= l->n_fds)
                continue;
            struct fd_entry *e = &l->fds[fd];
            if (e->used && e->gen == gen)
                e->cb(fd, evs[i].events, e->arg);
        }
        run_more(l);
    }
    return 0;
}
