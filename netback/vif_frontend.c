/* vif_frontend: the xenstore contract of a vif, as data: what the backend
 * advertises, and the validated reading of what the frontend wrote. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "netback/vif.h"

/* Linux netback's set without multi-queue, control ring or XDP. */
static const struct {
    const char *key, *value;
} vif_backend_features[] = {
    { "feature-rx-copy", "1" },
    { "feature-rx-flip", "0" },
    { "feature-sg", "1" },
    { "feature-gso-tcpv4", "1" },
    { "feature-gso-tcpv6", "1" },
    { "feature-ipv6-csum-offload", "1" },
    { "feature-split-event-channels", "1" },
    { "feature-multicast-control", "1" },
    { "feature-dynamic-multicast-control", "1" },
};

bool vif_feature_at(unsigned i, const char **key, const char **value)
{
    if (i >= ARRAY_SIZE(vif_backend_features))
        return false;
    *key = vif_backend_features[i].key;
    *value = vif_backend_features[i].value;
    return true;
}

static int get_u32(vif_key_getter *get, void *ctx, const char *key, bool required,
                   uint32_t *out, char *err, size_t errlen)
{
    const char *s = get(ctx, key);
    unsigned long long v;
    if (!s) {
        if (!required)
            return 1;
        snprintf(err, errlen, "frontend key %s missing", key);
        return -EINVAL;
    }
    if (parse_uint(s, UINT32_MAX, &v)) {
        snprintf(err, errlen, "frontend key %s: bad value \"%.32s\"", key, s);
        return -EINVAL;
    }
    *out = (uint32_t)v;
    return 0;
}

static int get_flag(vif_key_getter *get, void *ctx, const char *key, bool dflt, bool *out,
                    char *err, size_t errlen)
{
    uint32_t v;
    int e = get_u32(get, ctx, key, false, &v, err, errlen);
    if (e < 0)
        return e;
    if (e == 0 && v > 1) {
        snprintf(err, errlen, "frontend key %s: bad value %u (want 0 or 1)", key, v);
        return -EINVAL;
    }
    *out = e ? dflt : v == 1;
    return 0;
}

int vif_frontend_parse(struct vif_frontend *fe, vif_key_getter *get, void *ctx,
                       char *err, size_t errlen)
{
    bool rx_copy = false, no_csum = false;
    uint32_t queues = 1;
    int e;

    memset(fe, 0, sizeof *fe);
    if ((e = get_u32(get, ctx, "multi-queue-num-queues", false, &queues, err, errlen)) < 0)
        return e;
    if (queues != 1) {
        snprintf(err, errlen, "frontend asks for %u queues; only 1 is supported", queues);
        return -EOPNOTSUPP;
    }
    if ((e = get_flag(get, ctx, "request-rx-copy", false, &rx_copy, err, errlen)))
        return e;
    if (!rx_copy) {
        snprintf(err, errlen, "frontend does not support rx-copy (request-rx-copy)");
        return -EOPNOTSUPP;
    }
    if ((e = get_u32(get, ctx, "tx-ring-ref", true, &fe->tx_ring_ref, err, errlen))
        || (e = get_u32(get, ctx, "rx-ring-ref", true, &fe->rx_ring_ref, err, errlen)))
        return e;
    e = get_u32(get, ctx, "event-channel-tx", false, &fe->evtchn_tx, err, errlen);
    if (e < 0)
        return e;
    if (e == 0) {
        fe->split = true;
        if ((e = get_u32(get, ctx, "event-channel-rx", true, &fe->evtchn_rx, err, errlen)))
            return e;
    } else {
        if ((e = get_u32(get, ctx, "event-channel", true, &fe->evtchn_tx, err, errlen)))
            return e;
        fe->evtchn_rx = fe->evtchn_tx;
    }
    if ((e = get_flag(get, ctx, "feature-rx-notify", false, &fe->rx_notify, err, errlen))
        || (e = get_flag(get, ctx, "feature-sg", false, &fe->rx.sg, err, errlen))
        || (e = get_flag(get, ctx, "feature-gso-tcpv4", false, &fe->rx.gso_tcpv4, err, errlen))
        || (e = get_flag(get, ctx, "feature-gso-tcpv6", false, &fe->rx.gso_tcpv6, err, errlen))
        || (e = get_flag(get, ctx, "feature-no-csum-offload", false, &no_csum, err, errlen))
        || (e = get_flag(get, ctx, "feature-ipv6-csum-offload", false, &fe->rx.csum_v6,
                         err, errlen))
        || (e = get_flag(get, ctx, "request-multicast-control", false, &fe->mcast_control,
                         err, errlen)))
        return e;
    fe->rx.csum_v4 = !no_csum;
    return 0;
}
