/* xenstored-netfront: netfront's xenstore behaviour.  See the header. */
#include "tests/sim/xenstored-netfront.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
nf_init(struct nf *nf, struct xs_handle *h, unsigned devid)
{
    char p[96];
    char *be;

    memset(nf, 0, sizeof *nf);
    nf->h = h;
    snprintf(nf->fe, sizeof nf->fe, "device/vif/%u", devid);
    snprintf(p, sizeof p, "%s/backend", nf->fe);
    be = xs_read(h, XBT_NULL, p, NULL);
    if (!be) {
        return -errno;
    }
    snprintf(nf->be, sizeof nf->be, "%s", be);
    free(be);
    nf->tx_ref = 520 + 2 * devid;
    nf->rx_ref = 521 + 2 * devid;
    nf->evtchn = 8 + devid;
    return 0;
}

int
nf_be_state(struct nf *nf)
{
    char p[128];
    char *v;
    int s;

    snprintf(p, sizeof p, "%s/state", nf->be);
    v = xs_read(nf->h, XBT_NULL, p, NULL);
    s = v ? atoi(v) : -1;
    free(v);
    return s;
}

static int
wait_be(struct nf *nf, unsigned want, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    while (want) {
        int s = nf_be_state(nf);
        if (s >= 0 && (want >> s & 1)) {
            return 0;
        }
        if (now_ms() > deadline) {
            return -ETIMEDOUT;
        }
        usleep(200);
    }
    return 0;
}

int
nf_switch(struct nf *nf, unsigned s, unsigned want, int timeout_ms)
{
    char p[96], v[8];

    snprintf(p, sizeof p, "%s/state", nf->fe);
    snprintf(v, sizeof v, "%u", s);
    if (!xs_write(nf->h, XBT_NULL, p, v, (unsigned) strlen(v))) {
        return -errno;
    }
    return wait_be(nf, want, timeout_ms);
}

static bool
put(struct nf *nf, xs_transaction_t t, const char *key, unsigned val)
{
    char p[128], v[16];
    snprintf(p, sizeof p, "%s/%s", nf->fe, key);
    snprintf(v, sizeof v, "%u", val);
    return xs_write(nf->h, t, p, v, (unsigned) strlen(v));
}

int
nf_connect(struct nf *nf, int timeout_ms)
{
    char p[128];
    char *v;
    xs_transaction_t t;
    int r = wait_be(nf, 1u << 2, timeout_ms);

    if (r) {
        return r;
    }
    snprintf(p, sizeof p, "%s/feature-rx-copy", nf->be);
    v = xs_read(nf->h, XBT_NULL, p, NULL);
    r = v && !strcmp(v, "1") ? 0 : -EPROTO;
    free(v);
    if (r) {
        return r;
    }
again:
    t = xs_transaction_start(nf->h);
    if (t == XBT_NULL) {
        return -errno;
    }
    put(nf, t, "tx-ring-ref", nf->tx_ref);
    put(nf, t, "rx-ring-ref", nf->rx_ref);
    if (nf->evtchn_rx) {
        put(nf, t, "event-channel-tx", nf->evtchn);
        put(nf, t, "event-channel-rx", nf->evtchn_rx);
    } else {
        put(nf, t, "event-channel", nf->evtchn);
    }
    put(nf, t, "request-rx-copy", 1);
    put(nf, t, "feature-rx-notify", 1);
    put(nf, t, "feature-sg", 1);
    put(nf, t, "feature-gso-tcpv4", 1);
    put(nf, t, "feature-gso-tcpv6", 1);
    put(nf, t, "feature-ipv6-csum-offload", 1);
    if (!xs_transaction_end(nf->h, t, false)) {
        if (errno == EAGAIN) {
            goto again;
        }
        return -errno;
    }
    return nf_switch(nf, 4, 0, 0);
}
