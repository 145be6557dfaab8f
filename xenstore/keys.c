/* keys: parsers for a vif's backend keys.  See keys.h; the accepted syntax
 * is documented for administrators in man/xvs-xenstore.7. */
#include "xenstore/keys.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

/* Fill `err` with  key "value": reason  and return -EINVAL. */
static int __attribute__((format(printf, 4, 5)))
fail(struct keys_err *err, const char *key, const char *value, const char *fmt, ...)
{
    char shown[KEYS_VALUE_SHOWN + 4];
    size_t i, len = strlen(value);
    va_list ap;
    int n;

    for (i = 0; i < len && i < KEYS_VALUE_SHOWN; i++) {
        unsigned char c = (unsigned char) value[i];
        shown[i] = isprint(c) && c != '"' && c != '\\' ? (char) c : '?';
    }
    if (len > KEYS_VALUE_SHOWN) {
        memcpy(shown + i, "...", 3);
        i += 3;
    }
    shown[i] = '\0';
    n = snprintf(err->msg, sizeof err->msg, "%s \"%s\": ", key, shown);
    if (n > 0 && (size_t) n < sizeof err->msg) {
        va_start(ap, fmt);
        vsnprintf(err->msg + n, sizeof err->msg - (size_t) n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* Digits at *p (at least one), value <= max; advances *p. */
static int
digits(const char **p, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;
    const char *s = *p;

    if (*s < '0' || *s > '9') {
        return -EINVAL;
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned) (*s - '0');
        if (v > max / 10 || (v == max / 10 && d > max % 10)) {
            return -ERANGE;
        }
        v = v * 10 + d;
    }
    *p = s;
    *out = v;
    return 0;
}

static inline bool
bit_test(const uint64_t *bm, unsigned b)
{
    return bm[b >> 6] >> (b & 63) & 1;
}

static inline void
bit_set(uint64_t *bm, unsigned b)
{
    bm[b >> 6] |= 1ULL << (b & 63);
}

/* Bits lo..hi (lo <= hi < 4096) of word w, as a mask. */
static inline uint64_t
word_mask(unsigned w, unsigned lo, unsigned hi)
{
    uint64_t m = ~0ULL;

    if (w == lo >> 6) {
        m &= ~0ULL << (lo & 63);
    }
    if (w == hi >> 6 && (hi & 63) != 63) {
        m &= (1ULL << ((hi & 63) + 1)) - 1;
    }
    return m;
}

/* The lowest bit set in lo..hi, or hi + 1: a word at a time (a range term
 * or a check covers up to 4094 VLANs; bit by bit made them the fuzzer's
 * hot spot). */
static unsigned
bits_first(const uint64_t *bm, unsigned lo, unsigned hi)
{
    for (unsigned w = lo >> 6; w <= hi >> 6; w++) {
        uint64_t m = bm[w] & word_mask(w, lo, hi);
        if (m) {
            return w * 64 + (unsigned) __builtin_ctzll(m);
        }
    }
    return hi + 1;
}

static void
bits_set(uint64_t *bm, unsigned lo, unsigned hi)
{
    for (unsigned w = lo >> 6; w <= hi >> 6; w++) {
        bm[w] |= word_mask(w, lo, hi);
    }
}

/* ---- mac ---------------------------------------------------------------- */

int
keys_parse_mac(const char *s, uint8_t mac[6], struct keys_err *err)
{
    if (eth_addr_parse(s, mac)) {
        return fail(err, "mac", s, "expected six hex bytes like 00:16:3e:12:34:56");
    }
    if (eth_addr_is_multicast(mac)) {
        return fail(err, "mac", s, "multicast address (low bit of the first byte set)");
    }
    if (eth_addr_is_zero(mac)) {
        return fail(err, "mac", s, "all-zero address");
    }
    return 0;
}

/* ---- vlan (xl syntax) ----------------------------------------------------- */

static int
vlan_add(struct keys_vlan *v, unsigned long long vid, char flag,
         const char *key, const char *s, struct keys_err *err)
{
    if (vid < VLAN_ID_MIN || vid > VLAN_ID_MAX) {
        return fail(err, key, s, "VLAN %llu not in %d..%d", vid, VLAN_ID_MIN, VLAN_ID_MAX);
    }
    if (bit_test(v->member, (unsigned) vid)) {
        return fail(err, key, s, "VLAN %llu given more than once", vid);
    }
    if (flag == 'p') {
        if (v->pvid) {
            return fail(err, key, s, "more than one PVID (%u and %llu)", v->pvid, vid);
        }
        v->pvid = (uint16_t) vid;
    }
    bit_set(v->member, (unsigned) vid);
    if (flag == 'p' || flag == 'u') {
        bit_set(v->untagged, (unsigned) vid);
    }
    v->count++;
    return 0;
}

/* VLANs a..b (a <= b, flag 0 or 'u'), as vlan_add() of each in turn would
 * add them: on the first that fails (given before, or past VLAN_ID_MAX),
 * those before it are added and its error is returned. */
static int
vlan_add_range(struct keys_vlan *v, unsigned long long a, unsigned long long b, char flag,
               const char *s, struct keys_err *err)
{
    unsigned last, end;

    if (a < VLAN_ID_MIN || a > VLAN_ID_MAX) {
        return vlan_add(v, a, flag, "vlan", s, err);
    }
    last = (unsigned) (b < VLAN_ID_MAX ? b : VLAN_ID_MAX);
    end = bits_first(v->member, (unsigned) a, last);        /* first not to add */
    if (end > a) {
        bits_set(v->member, (unsigned) a, end - 1);
        if (flag == 'u') {
            bits_set(v->untagged, (unsigned) a, end - 1);
        }
        v->count += end - (unsigned) a;
    }
    return end <= b ? vlan_add(v, end, flag, "vlan", s, err) : 0;
}

/* One term: N[p|u], A-B[u] or N+IxC[u]. */
static int
vlan_term(struct keys_vlan *v, const char *t, const char *s, struct keys_err *err)
{
    const char *p = t;
    unsigned long long a, b, inc, cnt;
    char flag = 0;
    int r;

    if (digits(&p, 100000, &a)) {
        return fail(err, "vlan", s, "term \"%s\" does not start with a VLAN number", t);
    }
    if (*p == '-') {
        p++;
        if (digits(&p, 100000, &b)) {
            return fail(err, "vlan", s, "bad range \"%s\"", t);
        }
        if (*p == 'u') {
            flag = *p++;
        }
        if (*p) {
            return fail(err, "vlan", s, "bad range \"%s\" (only a 'u' suffix is allowed)", t);
        }
        if (b < a) {
            return fail(err, "vlan", s, "range %llu-%llu is reversed", a, b);
        }
        return vlan_add_range(v, a, b, flag, s, err);
    }
    if (*p == '+') {
        p++;
        if (digits(&p, 100000, &inc) || *p++ != 'x' || digits(&p, 100000, &cnt)) {
            return fail(err, "vlan", s, "bad sequence \"%s\" (expected BASE+STEPxCOUNT)", t);
        }
        if (*p == 'u') {
            flag = *p++;
        }
        if (*p) {
            return fail(err, "vlan", s, "bad sequence \"%s\" (only a 'u' suffix is allowed)", t);
        }
        if (cnt == 0) {
            return fail(err, "vlan", s, "sequence \"%s\" has a count of 0", t);
        }
        for (unsigned long long i = 0; i < cnt; i++, a += inc) {
            if ((r = vlan_add(v, a, flag, "vlan", s, err))) {
                return r;
            }
        }
        return 0;
    }
    if (*p == 'p' || *p == 'u') {
        flag = *p++;
    }
    if (*p) {
        return fail(err, "vlan", s, "bad term \"%s\"", t);
    }
    return vlan_add(v, a, flag, "vlan", s, err);
}

/* After all terms: one PVID is required, except for a single VLAN, which
 * becomes the PVID (as Xen's vif-bridge does). */
static int
vlan_check_pvid(struct keys_vlan *v, const char *key, const char *s, struct keys_err *err)
{
    if (v->pvid) {
        return 0;
    }
    if (v->count != 1) {
        return fail(err, key, s, "%u VLANs but no PVID (mark one with 'p', e.g. 10p/20)",
                    v->count);
    }
    unsigned vid = bits_first(v->member, VLAN_ID_MIN, VLAN_ID_MAX);   /* the only one */
    if (vid <= VLAN_ID_MAX) {
        v->pvid = (uint16_t) vid;
        bit_set(v->untagged, vid);
    }
    return 0;
}

#define VLAN_TERM_MAX 32

int
keys_parse_vlan(const char *s, struct keys_vlan *v, struct keys_err *err)
{
    const char *p = s;
    int r;

    memset(v, 0, sizeof *v);
    if (!*s) {
        return fail(err, "vlan", s, "empty");
    }
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t) (slash - p) : strlen(p);
        char term[VLAN_TERM_MAX + 1];

        if (len == 0) {
            return fail(err, "vlan", s, "empty term");
        }
        if (len > VLAN_TERM_MAX) {
            return fail(err, "vlan", s, "term longer than %d characters", VLAN_TERM_MAX);
        }
        memcpy(term, p, len);
        term[len] = '\0';
        if ((r = vlan_term(v, term, s, err))) {
            return r;
        }
        if (!slash) {
            break;
        }
        p = slash + 1;
    }
    return vlan_check_pvid(v, "vlan", s, err);
}

int
keys_vlan_to_port(const struct keys_vlan *v, enum port_vlan_mode *mode, uint16_t *pvid,
                  uint64_t allowed[VLAN_BITMAP_WORDS], struct keys_err *err)
{
    unsigned vid = bits_first(v->untagged, VLAN_ID_MIN, VLAN_ID_MAX);

    if (vid == v->pvid) {
        vid = vid < VLAN_ID_MAX ? bits_first(v->untagged, vid + 1, VLAN_ID_MAX) : vid + 1;
    }
    if (vid <= VLAN_ID_MAX) {
        snprintf(err->msg, sizeof err->msg,
                 "vlan: VLAN %u is marked untagged ('u') but only the PVID (%u) "
                 "can be untagged on an xvs port", vid, v->pvid);
        return -EINVAL;
    }
    memcpy(allowed, v->member, sizeof v->member);
    *pvid = v->pvid;
    *mode = v->count == 1 && v->pvid ? PORT_VLAN_ACCESS : PORT_VLAN_TRUNK;
    return 0;
}

/* ---- bridge ------------------------------------------------------------- */

static bool
name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '_' || c == '-';
}

/* NAME[.TAG][:TRUNK[:TRUNK]...], the Open vSwitch vif script's syntax:
 * TAG is the access (native, untagged) VLAN, TRUNKs are tagged VLANs. */
int
keys_parse_bridge(const char *s, struct keys_bridge *b, struct keys_err *err)
{
    const char *p = s;
    size_t len = 0;
    unsigned long long vid;
    int r;

    memset(b, 0, sizeof *b);
    while (name_char_ok(p[len])) {
        len++;
    }
    if (len == 0) {
        return fail(err, "bridge", s, "expected a bridge name ([A-Za-z0-9_-])");
    }
    if (len > KEYS_NAME_MAX) {
        return fail(err, "bridge", s, "bridge name longer than %d characters", KEYS_NAME_MAX);
    }
    memcpy(b->name, p, len);
    p += len;
    if (*p == '.') {
        p++;
        if (digits(&p, 100000, &vid)) {
            return fail(err, "bridge", s, "expected a VLAN number after '.'");
        }
        if ((r = vlan_add(&b->vlan, vid, 'p', "bridge", s, err))) {
            return r;
        }
        b->has_vlan = true;
    }
    while (*p == ':') {
        p++;
        if (digits(&p, 100000, &vid)) {
            return fail(err, "bridge", s, "expected a VLAN number after ':'");
        }
        if ((r = vlan_add(&b->vlan, vid, 0, "bridge", s, err))) {
            return r;
        }
        b->has_vlan = true;
    }
    if (*p) {
        return fail(err, "bridge", s, "unexpected '%c' (syntax: NAME[.VLAN][:VLAN]...)", *p);
    }
    return 0;
}

/* ---- rate ---------------------------------------------------------------- */

int
keys_parse_rate(const char *s, struct keys_rate *rate, struct keys_err *err)
{
    const char *p = s;
    unsigned long long bytes, us;

    if (digits(&p, UINT64_MAX, &bytes) || *p++ != ',' || digits(&p, UINT32_MAX, &us) || *p) {
        return fail(err, "rate", s, "expected BYTES,MICROSECONDS (e.g. 62500,50000)");
    }
    if (bytes == 0) {
        return fail(err, "rate", s, "zero bytes per interval");
    }
    if (us == 0) {
        return fail(err, "rate", s, "zero-length interval");
    }
    rate->bytes = bytes;
    rate->interval_us = (uint32_t) us;
    return 0;
}

/* xl's rate= syntax (libxlutil's rules): RATE[@INTERVAL], RATE = N[GMK]{B,b}/s
 * (b: bits), INTERVAL = N[m|u][s] (bare N: seconds), default 50ms. */
int
keys_parse_rate_xl(const char *s, struct keys_rate *rate, struct keys_err *err)
{
    const char *p = s;
    unsigned long long n, bps, us = 50000;

    if (digits(&p, UINT64_MAX, &n) || n == 0 || n > UINT32_MAX) {
        return fail(err, "rate", s, "expected a rate from 1 to %u", UINT32_MAX);
    }
    bps = n;
    if (*p == 'G' || *p == 'M' || *p == 'K') {
        bps *= *p == 'G' ? 1000000000ULL : *p == 'M' ? 1000000ULL : 1000ULL;
        p++;
    }
    if ((*p != 'B' && *p != 'b') || p[1] != '/' || p[2] != 's') {
        return fail(err, "rate", s, "expected a unit like B/s, Kb/s, MB/s or Gb/s");
    }
    if (*p == 'b') {
        bps /= 8;
    }
    p += 3;
    if (*p == '@') {
        p++;
        if (digits(&p, UINT64_MAX, &us) || us == 0 || us > UINT32_MAX) {
            return fail(err, "rate", s, "bad interval (expected e.g. 50ms)");
        }
        if (*p == 'm') {
            us *= 1000;
            p++;
        } else if (*p == 'u') {
            p++;
        } else {
            us *= 1000000;
        }
        if (*p == 's') {
            p++;
        }
        if (*p || us > UINT32_MAX) {
            return fail(err, "rate", s, "bad interval (expected e.g. 50ms, at most %u us)",
                        UINT32_MAX);
        }
    } else if (*p) {
        return fail(err, "rate", s, "unexpected text after the unit");
    }
    if (bps > UINT64_MAX / us) {
        return fail(err, "rate", s, "rate times interval overflows");
    }
    rate->bytes = bps * us / 1000000;
    rate->interval_us = (uint32_t) us;
    if (rate->bytes == 0) {
        return fail(err, "rate", s, "less than one byte per interval");
    }
    return 0;
}

/* ---- small keys ----------------------------------------------------------- */

int
keys_parse_mtu(const char *s, unsigned *mtu, struct keys_err *err)
{
    unsigned long long v;

    if (parse_uint(s, KEYS_MTU_MAX, &v) || v < KEYS_MTU_MIN) {
        return fail(err, "mtu", s, "expected a number from %d to %d", KEYS_MTU_MIN, KEYS_MTU_MAX);
    }
    *mtu = (unsigned) v;
    return 0;
}

int
keys_parse_ip(const char *s, struct keys_ip *ip, struct keys_err *err)
{
    const char *p = s;

    memset(ip, 0, sizeof *ip);
    for (;;) {
        char a[INET6_ADDRSTRLEN + 1];
        size_t len;

        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (!*p) {
            return 0;
        }
        len = strcspn(p, " \t");
        if (ip->n4 + ip->n6 == KEYS_IP_MAX) {
            return fail(err, "ip", s, "more than %d addresses", KEYS_IP_MAX);
        }
        if (len >= sizeof a) {
            return fail(err, "ip", s, "\"%.*s...\" is not an IPv4 or IPv6 address", 16, p);
        }
        memcpy(a, p, len);
        a[len] = '\0';
        if (inet_pton(AF_INET, a, &ip->v4[ip->n4]) == 1) {
            ip->n4++;
        } else if (inet_pton(AF_INET6, a, ip->v6[ip->n6]) == 1) {
            ip->n6++;
        } else {
            return fail(err, "ip", s, "\"%s\" is not an IPv4 or IPv6 address", a);
        }
        p += len;
    }
}

int
keys_parse_vifname(const char *s, char name[KEYS_NAME_MAX + 1], struct keys_err *err)
{
    size_t len = strlen(s);

    if (len == 0 || len > KEYS_NAME_MAX) {
        return fail(err, "vifname", s, "length must be 1 to %d characters", KEYS_NAME_MAX);
    }
    if (!strcmp(s, ".") || !strcmp(s, "..")) {
        return fail(err, "vifname", s, "not a valid interface name");
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];
        if (!isgraph(c) || c == '/' || c == ':' || c > 127) {
            return fail(err, "vifname", s, "character %zu is not allowed in an interface name",
                        i + 1);
        }
    }
    memcpy(name, s, len + 1);
    return 0;
}

int
keys_parse_type(const char *s, enum keys_vif_type *type, struct keys_err *err)
{
    if (!strcmp(s, "vif")) {
        *type = KEYS_TYPE_VIF;
    } else if (!strcmp(s, "vif_ioemu")) {
        *type = KEYS_TYPE_VIF_IOEMU;
    } else {
        return fail(err, "type", s, "expected vif or vif_ioemu");
    }
    return 0;
}

int
keys_parse_handle(const char *s, unsigned *handle, struct keys_err *err)
{
    unsigned long long v;

    if (parse_uint(s, KEYS_HANDLE_MAX, &v)) {
        return fail(err, "handle", s, "expected a device number from 0 to %d", KEYS_HANDLE_MAX);
    }
    *handle = (unsigned) v;
    return 0;
}

int
keys_parse_domid(const char *key, const char *s, unsigned *domid, struct keys_err *err)
{
    unsigned long long v;

    if (parse_uint(s, KEYS_DOMID_MAX, &v)) {
        return fail(err, key, s, "expected a domain id from 0 to %d", KEYS_DOMID_MAX);
    }
    *domid = (unsigned) v;
    return 0;
}

int
keys_parse_online(const char *s, bool *online, struct keys_err *err)
{
    if (strcmp(s, "0") && strcmp(s, "1")) {
        return fail(err, "online", s, "expected 0 or 1");
    }
    *online = s[0] == '1';
    return 0;
}

int
keys_parse_switch(const char *key, const char *s, bool *on, struct keys_err *err)
{
    static const char *const yes[] = { "accept", "on", "yes", "true", "1" };
    static const char *const no[] = { "reject", "off", "no", "false", "0" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcasecmp(s, yes[i])) {
            *on = true;
            return 0;
        }
        if (!strcasecmp(s, no[i])) {
            *on = false;
            return 0;
        }
    }
    return fail(err, key, s, "expected accept or reject (also on/off, yes/no, true/false, 1/0)");
}

int
keys_parse_state(const char *key, const char *s, unsigned *state, struct keys_err *err)
{
    unsigned long long v;

    if (parse_uint(s, 8, &v)) {
        return fail(err, key, s, "expected a XenbusState from 0 to 8");
    }
    *state = (unsigned) v;
    return 0;
}

/* ---- a vif's whole configuration ---------------------------------------- */

static const char *const key_names[KEY_N] = {
    [KEY_MAC] = "mac", [KEY_BRIDGE] = "bridge", [KEY_VLAN] = "vlan",
    [KEY_RATE] = "rate", [KEY_MTU] = "mtu", [KEY_IP] = "ip",
    [KEY_VIFNAME] = "vifname", [KEY_TYPE] = "type", [KEY_HANDLE] = "handle",
    [KEY_ONLINE] = "online", [KEY_PROMISCUOUS] = "promiscuous",
    [KEY_FORGED_TRANSMITS] = "forged-transmits", [KEY_MAC_CHANGES] = "mac-changes",
    [KEY_ROUTER_ADVERTISEMENTS] = "router-advertisements", [KEY_DHCP_SERVER] = "dhcp-server",
};

void
keys_vif_init(struct keys_vif *v)
{
    memset(v, 0, sizeof *v);
    v->forged_transmits = true;
    v->mac_changes = true;
}

const char *
keys_vif_key_name(enum keys_vif_key k)
{
    return (unsigned) k < KEY_N ? key_names[k] : NULL;
}

int
keys_vif_set(struct keys_vif *v, const char *key, const char *s, struct keys_err *err)
{
    unsigned k;
    int r;

    for (k = 0; k < KEY_N; k++) {
        if (!strcmp(key, key_names[k])) {
            break;
        }
    }
    switch (k) {
    case KEY_MAC:      r = keys_parse_mac(s, v->mac, err); break;
    case KEY_BRIDGE:   r = keys_parse_bridge(s, &v->bridge, err); break;
    case KEY_VLAN:     r = keys_parse_vlan(s, &v->vlan, err); break;
    case KEY_RATE:     r = keys_parse_rate(s, &v->rate, err); break;
    case KEY_MTU:      r = keys_parse_mtu(s, &v->mtu, err); break;
    case KEY_IP:       r = keys_parse_ip(s, &v->ip, err); break;
    case KEY_VIFNAME:  r = keys_parse_vifname(s, v->vifname, err); break;
    case KEY_TYPE:     r = keys_parse_type(s, &v->type, err); break;
    case KEY_HANDLE:   r = keys_parse_handle(s, &v->handle, err); break;
    case KEY_ONLINE:   r = keys_parse_online(s, &v->online, err); break;
    case KEY_PROMISCUOUS:
        r = keys_parse_switch(key, s, &v->promiscuous, err);
        break;
    case KEY_FORGED_TRANSMITS:
        r = keys_parse_switch(key, s, &v->forged_transmits, err);
        break;
    case KEY_MAC_CHANGES:
        r = keys_parse_switch(key, s, &v->mac_changes, err);
        break;
    case KEY_ROUTER_ADVERTISEMENTS:
        r = keys_parse_switch(key, s, &v->router_advertisements, err);
        break;
    case KEY_DHCP_SERVER:
        r = keys_parse_switch(key, s, &v->dhcp_server, err);
        break;
    default:
        return 1;
    }
    if (!r) {
        v->set |= 1u << k;
    }
    return r;
}

enum port_guard
keys_vif_guard(const struct keys_vif *v, enum keys_vif_key k)
{
    bool accept = k == KEY_DHCP_SERVER ? v->dhcp_server : v->router_advertisements;

    if (!(v->set & (1u << k))) {
        return PORT_GUARD_AUTO;
    }
    return accept ? PORT_GUARD_OFF : PORT_GUARD_ON;
}

int
keys_vif_finish(struct keys_vif *v, struct keys_err *err)
{
    if (v->bridge.has_vlan && (v->set & (1u << KEY_VLAN))) {
        snprintf(err->msg, sizeof err->msg,
                 "vlan: given both by bridge=%s.../:... and by vlan=; use one of them",
                 v->bridge.name);
        return -EINVAL;
    }
    if (v->bridge.has_vlan) {
        v->vlan = v->bridge.vlan;     /* no PVID rule: B:20:30 is a pure trunk */
    }
    return 0;
}
