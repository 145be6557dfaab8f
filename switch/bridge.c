/* bridge: ports, VLAN classification, policy, learning and forwarding.
 *
 * A burst is switched in three steps.  Admission checks every frame's
 * VLAN and input policy (nothing there depends on the FDB), computes the
 * FDB keys and buckets of the admitted ones and prefetches them (see
 * fdb-private.h), so that a burst waits for memory about once instead of
 * twice per frame.  Forwarding then
 * learns, looks up and stages each admitted frame, in order (a source
 * learned from frame i is known to the lookup of frame i+1), in its output
 * ports' `pending` arrays: a port is staged at most once per frame and a
 * burst is at most XVS_BURST_MAX frames, so `pending` cannot overflow; the
 * ports touched are remembered in `touched`.  Last, every touched port gets
 * one output() call with its share.
 *
 * Counting: rx_packets/rx_bytes of the input port count the frames the
 * bridge accepted (VLAN and policy passed); rejected frames are counted
 * only as drops, by reason, on the input port.  Output ports count their
 * own tx_* (port.h); the bridge counts DROP_LINK_DOWN on an output port
 * whose link is down.  A unicast frame whose destination sits behind the
 * input port (hairpin) is not forwarded and not counted as a drop: it is
 * not an error, the destination already has it.
 *
 * The clock is read once per burst.  The registry of bridges by name is in
 * bridge-registry.c. */
#include "switch/bridge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"
#include "switch/antispoof.h"
#include "switch/fdb-private.h"

#define VLAN_VID_MASK 0x0fff
#define VLAN_PCP_DEI_MASK 0xf000
#define OFPORT_WORDS ((BRIDGE_PORTS_MAX + 1 + 63) / 64)

struct bridge {
    char name[BRIDGE_NAME_MAX];
    struct fdb *fdb;

    /* Ports in the order they were added. */
    struct port *ports[BRIDGE_PORTS_MAX];
    unsigned n_ports;
    uint64_t ofport_used[OFPORT_WORDS];     /* bit n: ofport n taken */

    /* Promiscuous ports, found by a scan of `ports` at most once per
     * millisecond of the clock (or at once when promisc_stale), so that a
     * burst does not cost O(ports) when only unicast is known. */
    struct port *promisc[BRIDGE_PORTS_MAX];
    unsigned n_promisc;
    uint32_t promisc_scan_ms;
    bool promisc_stale;

    /* Scratch of bridge_input(). */
    struct port *touched[BRIDGE_PORTS_MAX];
    unsigned n_touched;
    bool busy;                  /* in bridge_input() */
};

/* ---- names ---- */

/* The rules of the kernel's dev_valid_name(): the host port is a netdev
 * with the bridge's name. */
static bool
bridge_name_valid(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    if (!len || len >= BRIDGE_NAME_MAX || !strcmp(name, ".")
        || !strcmp(name, "..")) {
        return false;
    }
    for (const char *c = name; *c; c++) {
        if (*c == '/' || *c == ':' || *c == ' ' || (*c >= '\t' && *c <= '\r')) {
            return false;
        }
    }
    return true;
}

struct bridge *
bridge_create(const char *name, const struct bridge_config *cfg,
              fdb_clock_fn *clock, void *clock_ctx)
{
    struct bridge_config def = {
        .ageing_s = FDB_DEFAULT_AGEING_S, .fdb_max = FDB_DEFAULT_MAX,
    };
    struct bridge *b;

    if (!cfg) {
        cfg = &def;
    }
    if (!bridge_name_valid(name)) {
        XLOG_ERR_(XLOG_MOD_BRIDGE, "bridge %s: invalid name (1..%d characters, "
                  "no '/', ':' or spaces)", name ? name : "(null)",
                  BRIDGE_NAME_MAX - 1);
        errno = EINVAL;
        return NULL;
    }
    b = calloc(1, sizeof *b);
    if (!b) {
        errno = ENOMEM;
        return NULL;
    }
    str_copy(b->name, sizeof b->name, name);
    b->fdb = fdb_create(cfg->fdb_max, cfg->ageing_s, clock, clock_ctx);
    if (!b->fdb) {
        int error = errno;

        XLOG_ERR_(XLOG_MOD_BRIDGE, "bridge %s: cannot create FDB (max %u "
                  "entries, ageing %u s): %s", name, cfg->fdb_max,
                  cfg->ageing_s, error == EINVAL ? "value out of range"
                  : "out of memory");
        free(b);
        errno = error;
        return NULL;
    }
    b->ofport_used[0] = 1;      /* ofport 0 is never used */
    return b;
}

void
bridge_destroy(struct bridge *b)
{
    if (!b) {
        return;
    }
    bridge_unregister(b);
    while (b->n_ports) {
        bridge_del_port(b, b->ports[b->n_ports - 1]);
    }
    fdb_destroy(b->fdb);
    free(b);
}

const char *
bridge_name(const struct bridge *b)
{
    return b->name;
}

struct fdb *
bridge_fdb(struct bridge *b)
{
    return b->fdb;
}

/* ---- ports ---- */

static uint32_t
ofport_alloc(struct bridge *b)
{
    for (unsigned w = 0; w < OFPORT_WORDS; w++) {
        if (~b->ofport_used[w]) {
            unsigned bit = (unsigned) __builtin_ctzll(~b->ofport_used[w]);
            uint32_t n = w * 64 + bit;

            if (n > BRIDGE_PORTS_MAX) {
                break;
            }
            b->ofport_used[w] |= UINT64_C(1) << bit;
            return n;
        }
    }
    return 0;
}

static void
ofport_free(struct bridge *b, uint32_t n)
{
    if (n && n <= BRIDGE_PORTS_MAX) {
        b->ofport_used[n / 64] &= ~(UINT64_C(1) << (n % 64));
    }
}

int
bridge_add_port(struct bridge *b, struct port *p)
{
    if (!p->name[0] || !p->ops || !p->ops->output) {
        XLOG_ERR_(XLOG_MOD_BRIDGE, "bridge %s: port %s: no name or no output "
                  "operation", b->name, p->name);
        return -EINVAL;
    }
    if (p->bridge) {
        XLOG_ERR_(XLOG_MOD_BRIDGE, "bridge %s: port %s: already in bridge %s",
                  b->name, p->name, p->bridge->name);
        return -EBUSY;
    }
    if (bridge_find_port(b, p->name)) {
        XLOG_ERR_(XLOG_MOD_BRIDGE, "bridge %s: port %s: name already in use",
                  b->name, p->name);
        return -EEXIST;
    }
    if (b->n_ports >= BRIDGE_PORTS_MAX) {
        XLOG_ERR_(XLOG_MOD_BRIDGE, "bridge %s: port %s: bridge has the "
                  "maximum of %d ports", b->name, p->name, BRIDGE_PORTS_MAX);
        return -ENOSPC;
    }
    p->ofport = ofport_alloc(b);
    p->bridge = b;
    p->n_pending = 0;
    b->ports[b->n_ports++] = p;
    b->promisc_stale = true;
    XLOG_INFO_(XLOG_MOD_BRIDGE, "bridge %s: added %s port %s (ofport %u)",
               b->name, p->ops->kind ? p->ops->kind : "?", p->name, p->ofport);
    return 0;
}

bool
bridge_remove_port(struct bridge *b, struct port *p)
{
    unsigned i;

    for (i = 0; i < b->n_ports && b->ports[i] != p; i++) {
        continue;
    }
    if (i == b->n_ports) {
        return false;
    }
    memmove(&b->ports[i], &b->ports[i + 1],
            (b->n_ports - i - 1) * sizeof b->ports[0]);
    b->n_ports--;
    b->promisc_stale = true;    /* never stage on a port that left */
    /* Static entries too: nothing may point at a port that left. */
    fdb_flush(b->fdb, p, 0, true);
    ofport_free(b, p->ofport);
    XLOG_INFO_(XLOG_MOD_BRIDGE, "bridge %s: removed port %s (ofport %u)",
               b->name, p->name, p->ofport);
    p->ofport = 0;
    p->bridge = NULL;
    return true;
}

void
bridge_del_port(struct bridge *b, struct port *p)
{
    if (bridge_remove_port(b, p) && p->ops->destroy) {
        p->ops->destroy(p);
    }
}

struct port *
bridge_find_port(struct bridge *b, const char *name)
{
    for (unsigned i = 0; i < b->n_ports; i++) {
        if (!strcmp(b->ports[i]->name, name)) {
            return b->ports[i];
        }
    }
    return NULL;
}

struct port *
bridge_port_at(struct bridge *b, unsigned idx)
{
    return idx < b->n_ports ? b->ports[idx] : NULL;
}

unsigned
bridge_n_ports(const struct bridge *b)
{
    return b->n_ports;
}

/* ---- forwarding ---- */

/* VLAN of a frame arriving on p, or 0 if p does not take it. */
static inline uint16_t
bridge_classify(const struct port *p, const struct frame *f)
{
    uint16_t vid = f->flags & FRAME_F_TAGGED ? f->tci & VLAN_VID_MASK : 0;

    if (vid) {
        /* Tagged: access ports never take it; trunks if the VLAN is on. */
        return p->vlan_mode == PORT_VLAN_TRUNK && vid <= VLAN_ID_MAX
               && port_vlan_allowed(p, vid) ? vid : 0;
    }
    /* Untagged or priority-tagged (VID 0): the access VLAN, or the native
     * VLAN of a trunk (pvid 0: none). */
    return p->pvid <= VLAN_ID_MAX ? p->pvid : 0;
}

static inline void
bridge_stage(struct bridge *b, struct port *out, struct frame *f,
             uint16_t vid, uint16_t prio)
{
    uint16_t tci;

    if (!out->link_up) {
        out->stats.drops[DROP_LINK_DOWN]++;
        return;
    }
    tci = out->vlan_mode == PORT_VLAN_ACCESS || vid == out->pvid ? 0 : prio | vid;
    if (!out->n_pending) {
        b->touched[b->n_touched++] = out;
    }
    out->pending[out->n_pending] = f;
    out->pending_tci[out->n_pending++] = tci;
}

static void
bridge_flood(struct bridge *b, const struct port *in, struct frame *f,
             uint16_t vid, uint16_t prio)
{
    for (unsigned i = 0; i < b->n_ports; i++) {
        struct port *p = b->ports[i];

        if (p != in && port_vlan_allowed(p, vid)) {
            bridge_stage(b, p, f, vid, prio);
        }
    }
}

/* Promiscuous ports get what they would not get anyway (skip1, skip2;
 * the input port is always one of them). */
static void
bridge_stage_promisc(struct bridge *b, const struct port *skip1,
                     const struct port *skip2, struct frame *f, uint16_t vid,
                     uint16_t prio)
{
    for (unsigned i = 0; i < b->n_promisc; i++) {
        struct port *p = b->promisc[i];

        if (p != skip1 && p != skip2 && port_vlan_allowed(p, vid)) {
            bridge_stage(b, p, f, vid, prio);
        }
    }
}

/* A frame port security refused: counted, and logged at the port's own
 * rate (a guest triggers this at will). */
static void
policy_drop(struct port *in, const struct frame *f, int reason, const char *why)
{
    const uint8_t *m = frame_src(f);

    in->stats.drops[reason]++;
    if (xlog_ratelimit(&in->policy_rl)) {
        XLOG_WARN_(XLOG_MOD_BRIDGE, "bridge %s: port %s: dropped (%s): %s, from "
                   "%02x:%02x:%02x:%02x:%02x:%02x", in->bridge ? in->bridge->name : "-",
                   in->name, port_drop_reason_name(reason), why,
                   m[0], m[1], m[2], m[3], m[4], m[5]);
    }
}

/* Admission of one frame: VLAN and input policy.  Returns the frame's
 * VLAN and its source as fdb_mac48(), or 0 if it was dropped (counted). */
static inline uint16_t
bridge_admit(struct port *in, struct frame *f, uint64_t *src48)
{
    uint16_t vid;

    f->in_port = in;
    if (f->head_len < ETH_HLEN_ || f->len < f->head_len) {
        in->stats.drops[DROP_BAD_FRAME]++;
        return 0;
    }
    vid = bridge_classify(in, f);
    if (!vid) {
        in->stats.drops[DROP_VLAN_INGRESS]++;
        return 0;
    }
    *src48 = fdb_mac48_wide(frame_src(f));      /* 14-byte head: safe */
    if (!fdb_mac48_learnable(*src48)) {         /* group or zero source */
        in->stats.drops[DROP_BAD_FRAME]++;
        return 0;
    }
    if (in->mac_locked && memcmp(frame_src(f), in->mac, 6)) {
        policy_drop(in, f, DROP_SPOOF_MAC, "source MAC is not the port's MAC");
        return 0;
    }
    if (antispoof_active(in)) {
        const char *why = "";
        int reason = antispoof_check(in, f, &why);

        if (reason) {
            policy_drop(in, f, reason, why);
            return 0;
        }
    }
    return vid;
}

/* Where one admitted frame goes: its destination's port, or a flood.
 * dkey == 0: a group destination. */
static inline void
bridge_forward(struct bridge *b, struct port *in, struct frame *f,
               uint64_t dkey, uint32_t dbucket, uint32_t now)
{
    uint16_t vid = f->vlan;
    uint16_t prio = f->flags & FRAME_F_TAGGED ? f->tci & VLAN_PCP_DEI_MASK : 0;

    if (dkey) {
        struct port *out = fdb_lookup_key(b->fdb, dkey, dbucket, now);

        if (out == in) {
            if (b->n_promisc) {
                bridge_stage_promisc(b, in, NULL, f, vid, prio);
            }
            return;             /* hairpin */
        }
        if (out && port_vlan_allowed(out, vid)) {
            bridge_stage(b, out, f, vid, prio);
            if (b->n_promisc) {
                bridge_stage_promisc(b, in, out, f, vid, prio);
            }
            return;
        }
        /* Unknown, or its port left the VLAN since: a miss. */
    }
    bridge_flood(b, in, f, vid, prio);
}

static void
bridge_scan_promisc(struct bridge *b, uint32_t now)
{
    b->n_promisc = 0;
    for (unsigned i = 0; i < b->n_ports; i++) {
        if (b->ports[i]->promiscuous) {
            b->promisc[b->n_promisc++] = b->ports[i];
        }
    }
    b->promisc_scan_ms = now;
    b->promisc_stale = false;
}

void
bridge_port_changed(struct bridge *b, struct port *p)
{
    (void) p;
    b->promisc_stale = true;
}

static void
bridge_input_burst(struct bridge *b, struct port *in, struct frame **frames,
                   unsigned n)
{
    uint64_t skey[XVS_BURST_MAX], dkey[XVS_BURST_MAX];
    uint32_t sbucket[XVS_BURST_MAX], dbucket[XVS_BURST_MAX];
    struct fdb *fdb = b->fdb;
    bool learn = in->learning && fdb->ageing_ms;
    bool prefetch = fdb_wants_prefetch(fdb);
    uint64_t rx_bytes = 0;
    unsigned rx_packets = 0;
    uint32_t now;

    now = (uint32_t) fdb_now(fdb);
    if (b->promisc_stale || now != b->promisc_scan_ms) {
        bridge_scan_promisc(b, now);
    }

    /* Admission, which never depends on the FDB; the FDB keys of the
     * admitted frames, with their buckets fetched all at once. */
    for (unsigned i = 0; i < n; i++) {
        struct frame *f = frames[i];
        uint64_t src48 = 0, dst48;

        f->vlan = bridge_admit(in, f, &src48);
        if (!f->vlan) {
            continue;
        }
        rx_packets++;
        rx_bytes += f->len;
        if (learn) {
            skey[i] = fdb_key_make(src48, f->vlan);
            sbucket[i] = fdb_bucket(fdb, skey[i]);
            if (prefetch) {
                fdb_prefetch_bucket(fdb, sbucket[i]);
            }
        }
        dst48 = fdb_mac48_wide(frame_dst(f));
        if (dst48 & 1) {
            dkey[i] = 0;        /* broadcast, multicast: flood */
            dbucket[i] = 0;
        } else {
            dkey[i] = fdb_key_make(dst48, f->vlan);
            dbucket[i] = fdb_bucket(fdb, dkey[i]);
            if (prefetch) {
                fdb_prefetch_bucket(fdb, dbucket[i]);
            }
        }
    }
    in->stats.rx_packets += rx_packets;
    in->stats.rx_bytes += rx_bytes;
    if (prefetch) {
        for (unsigned i = 0; i < n; i++) {
            if (frames[i]->vlan) {
                if (learn) {
                    fdb_prefetch_entry(fdb, sbucket[i]);
                }
                if (dkey[i]) {
                    fdb_prefetch_entry(fdb, dbucket[i]);
                }
            }
        }
    }

    /* Learn and forward in order: frame i's source is known to frame
     * i+1's lookup. */
    for (unsigned i = 0; i < n; i++) {
        struct frame *f = frames[i];

        if (!f->vlan) {
            continue;
        }
        if (learn) {
            fdb_learn_key(fdb, skey[i], sbucket[i], in, now);
        }
        bridge_forward(b, in, f, dkey[i], dbucket[i], now);
    }

    for (unsigned k = 0; k < b->n_touched; k++) {
        struct port *p = b->touched[k];

        p->ops->output(p, p->pending, p->pending_tci, p->n_pending);
        p->n_pending = 0;
    }
    b->n_touched = 0;
}

struct port *
bridge_peek_output(struct bridge *b, struct port *in, const struct frame *f)
{
    struct port *out;
    uint16_t vid;

    if (in->bridge != b || f->head_len < ETH_HLEN_ || b->n_promisc || b->promisc_stale
        || (frame_dst(f)[0] & 1)) {
        return NULL;
    }
    vid = bridge_classify(in, f);
    if (!vid) {
        return NULL;
    }
    out = fdb_lookup(b->fdb, frame_dst(f), vid);
    return out && out != in && out->link_up && port_vlan_allowed(out, vid) ? out : NULL;
}

void
bridge_input(struct bridge *b, struct port *in, struct frame **frames,
             unsigned n)
{
    static struct xlog_ratelimit rl = XLOG_RATELIMIT_INIT(1, 5);

    if (in->bridge != b) {
        return;                 /* detached meanwhile: nowhere to go */
    }
    if (b->busy) {
        /* An output() fed its frames straight back into this bridge: the
         * staging arrays are in use, and this would loop anyway. */
        in->stats.drops[DROP_TX_ERROR] += n;
        if (xlog_ratelimit(&rl)) {
            XLOG_ERR_(XLOG_MOD_BRIDGE, "bridge %s: port %s: input from within "
                      "an output call dropped (forwarding loop)", b->name,
                      in->name);
        }
        return;
    }
    b->busy = true;
    while (n) {
        unsigned burst = MIN(n, XVS_BURST_MAX);

        bridge_input_burst(b, in, frames, burst);
        frames += burst;
        n -= burst;
    }
    b->busy = false;
}

void
bridge_run(struct bridge *b)
{
    unsigned n = fdb_age(b->fdb);

    if (n) {
        XLOG_DBG_(XLOG_MOD_FDB, "bridge %s: %u entries aged out", b->name, n);
    }
}
