/* port: defaults, VLAN settings and VLAN list syntax of bridge ports. */
#include "switch/port.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

void
port_init(struct port *p, const char *name, const struct port_ops *ops)
{
    memset(p, 0, sizeof *p);
    /* Drivers validate names against IF_NAMESIZE before creating the
     * device; a longer name is cut rather than overflowing. */
    snprintf(p->name, sizeof p->name, "%s", name ? name : "");
    p->ops = ops;
    p->link_up = true;
    p->vlan_mode = PORT_VLAN_ACCESS;
    p->pvid = 1;
    p->learning = true;
    p->policy_rl = (struct xlog_ratelimit) XLOG_RATELIMIT_INIT(PORT_POLICY_LOG_PER_SEC,
                                                              PORT_POLICY_LOG_BURST);
}

int
port_set_ips(struct port *p, const uint32_t *v4, unsigned n4,
             const uint8_t (*v6)[16], unsigned n6)
{
    if (n4 > PORT_IPS_MAX || n6 > PORT_IP6S_MAX) {
        return -E2BIG;
    }
    if (n4) {
        memcpy(p->ips, v4, n4 * sizeof p->ips[0]);
    }
    if (n6) {
        memcpy(p->ip6s, v6, n6 * sizeof p->ip6s[0]);
    }
    p->n_ips = n4;
    p->n_ip6s = n6;
    return 0;
}

void
port_set_access(struct port *p, uint16_t pvid)
{
    p->vlan_mode = PORT_VLAN_ACCESS;
    p->pvid = pvid;
    memset(p->allowed, 0, sizeof p->allowed);
}

void
port_set_trunk(struct port *p, const uint64_t allowed[VLAN_BITMAP_WORDS],
               uint16_t native)
{
    p->vlan_mode = PORT_VLAN_TRUNK;
    memcpy(p->allowed, allowed, sizeof p->allowed);
    /* VID 0 (priority tag) and 4095 (reserved) are never VLANs. */
    p->allowed[0] &= ~UINT64_C(1);
    p->allowed[VLAN_BITMAP_WORDS - 1] &= ~(UINT64_C(1) << 63);
    p->pvid = native;
}

static void
bitmap_set(uint64_t *bm, unsigned bit)
{
    bm[bit >> 6] |= UINT64_C(1) << (bit & 63);
}

static bool
bitmap_get(const uint64_t *bm, unsigned bit)
{
    return bm[bit >> 6] >> (bit & 63) & 1;
}

/* Parses one VLAN id: 1..4 digits, no sign, value in 1..4094.  Advances *s
 * past it. */
static int
parse_vid(const char **s, unsigned *vid)
{
    unsigned v = 0, n = 0;

    while (**s >= '0' && **s <= '9') {
        if (++n > 4) {
            return -EINVAL;
        }
        v = v * 10 + (unsigned) (**s - '0');
        (*s)++;
    }
    if (!n || v < VLAN_ID_MIN || v > VLAN_ID_MAX) {
        return -EINVAL;
    }
    *vid = v;
    return 0;
}

int
vlan_list_parse(const char *s, uint64_t bitmap[VLAN_BITMAP_WORDS])
{
    uint64_t bm[VLAN_BITMAP_WORDS] = { 0 };

    if (!s || !*s) {
        return -EINVAL;
    }
    for (;;) {
        unsigned lo, hi;

        if (parse_vid(&s, &lo)) {
            return -EINVAL;
        }
        hi = lo;
        if (*s == '-') {
            s++;
            if (parse_vid(&s, &hi) || hi < lo) {
                return -EINVAL;
            }
        }
        for (unsigned v = lo; v <= hi; v++) {
            bitmap_set(bm, v);
        }
        if (!*s) {
            break;
        }
        if (*s++ != ',') {
            return -EINVAL;
        }
    }
    memcpy(bitmap, bm, sizeof bm);
    return 0;
}

int
vlan_list_format(const uint64_t bitmap[VLAN_BITMAP_WORDS], char *buf,
                 size_t size)
{
    size_t len = 0;

    if (size) {
        buf[0] = '\0';
    }
    for (unsigned v = VLAN_ID_MIN; v <= VLAN_ID_MAX; v++) {
        unsigned end = v;
        char item[16];
        int n;

        if (!bitmap_get(bitmap, v)) {
            continue;
        }
        while (end < VLAN_ID_MAX && bitmap_get(bitmap, end + 1)) {
            end++;
        }
        n = end == v
            ? snprintf(item, sizeof item, "%s%u", len ? "," : "", v)
            : snprintf(item, sizeof item, "%s%u-%u", len ? "," : "", v, end);
        if (len + (size_t) n < size) {
            memcpy(buf + len, item, (size_t) n + 1);
        } else if (size) {
            buf[size - 1] = '\0';   /* truncated, like snprintf */
        }
        len += (size_t) n;
        v = end;
    }
    return (int) len;
}

static const char *const drop_reason_names[DROP_N_REASONS] = {
    [DROP_VLAN_INGRESS] = "vlan_ingress",
    [DROP_SPOOF_MAC] = "spoof_mac",
    [DROP_SPOOF_IP] = "spoof_ip",
    [DROP_BAD_FRAME] = "bad_frame",
    [DROP_LINK_DOWN] = "link_down",
    [DROP_QUEUE_FULL] = "queue_full",
    [DROP_RATE] = "rate",
    [DROP_MTU] = "mtu",
    [DROP_TX_ERROR] = "tx_error",
    [DROP_NO_BUFFERS] = "no_buffers",
    [DROP_RA_GUARD] = "ra_guard",
    [DROP_DHCP_GUARD] = "dhcp_guard",
};

const char *
port_drop_reason_name(enum port_drop_reason r)
{
    return (unsigned) r < DROP_N_REASONS ? drop_reason_names[r] : "unknown";
}

void
port_count_drop(struct port *p, enum port_drop_reason r)
{
    if ((unsigned) r < DROP_N_REASONS) {
        p->stats.drops[r]++;
    }
}
