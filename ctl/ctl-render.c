/* ctl-render: text output of the read commands.
 *
 * Each renderer checks the shape of what it prints before printing anything
 * and returns -1 on a surprise, so the caller can fall back to raw JSON.
 * Keys a renderer does not know (added by newer daemons or by port kinds,
 * e.g. a vif's ring state) are still printed, as "key: value". */
#include "ctl/ctl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void
ctl_print_json(FILE *out, const json_t *j, bool pretty)
{
    char *s = json_dumps(j, JSON_ENCODE_ANY | (pretty ? JSON_INDENT(2) : JSON_COMPACT));
    if (s) {
        fprintf(out, "%s\n", s);
        free(s);
    }
}

/* A scalar as text; containers as compact JSON.  Returns a malloc'd string. */
static char *
value_text(const json_t *v)
{
    char *s = NULL;
    if (json_is_string(v)) {
        s = strdup(json_string_value(v));
    } else if (json_is_true(v)) {
        s = strdup("yes");
    } else if (json_is_false(v)) {
        s = strdup("no");
    } else if (json_is_null(v)) {
        s = strdup("none");
    } else {
        s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    }
    return s ? s : strdup("?");
}

static bool
key_in(const char *key, const char *const *keys)
{
    for (; *keys; keys++) {
        if (!strcmp(key, *keys)) {
            return true;
        }
    }
    return false;
}

/* Prints "key: value" for every member of obj not in `known`. */
static void
print_other_keys(FILE *out, const json_t *obj, const char *const *known,
                 const char *indent)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *) obj, key, v) {
        if (!key_in(key, known)) {
            char *s = value_text(v);
            fprintf(out, "%s%s: %s\n", indent, key, s);
            free(s);
        }
    }
}

static const char *
str_or(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : dflt;
}

static long long
int_or(const json_t *obj, const char *key, long long dflt)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* ---- show ---- */

static void
print_port(FILE *out, const json_t *p)
{
    static const char *const known[] = {
        "name", "kind", "ofport", "link_up", "vlan_mode", "pvid", "trunks",
        "promiscuous", "mac_locked", "mac", "learning", "origin", "vif", "ra_guard",
        "dhcp_guard", NULL
    };
    const char *origin = str_or(p, "origin", NULL);
    const char *vif = str_or(p, "vif", NULL);       /* a tap: its vif */
    fprintf(out, "    Port %s\n", str_or(p, "name", "?"));
    fprintf(out, "        kind: %s%s%s, ofport: %lld, link: %s%s%s\n", str_or(p, "kind", "?"),
            vif ? " of vif " : "", vif ? vif : "", int_or(p, "ofport", -1),
            json_is_true(json_object_get(p, "link_up")) ? "up" : "down",
            origin ? ", origin: " : "", origin ? origin : "");

    const char *mode = str_or(p, "vlan_mode", "access");
    long long pvid = int_or(p, "pvid", 0);
    if (!strcmp(mode, "trunk")) {
        const char *trunks = str_or(p, "trunks", "");
        fprintf(out, "        vlan: trunk %s", *trunks ? trunks : "(none)");
        if (pvid) {
            fprintf(out, ", native %lld", pvid);
        }
        fputc('\n', out);
    } else {
        fprintf(out, "        vlan: %s %lld\n", mode, pvid);
    }

    /* "mac: M, promiscuous, mac-locked, no learning, ra-guard, dhcp-guard"
     * (what applies). */
    const char *mac = str_or(p, "mac", NULL);
    const char *flags[] = {
        json_is_true(json_object_get(p, "promiscuous")) ? "promiscuous" : NULL,
        json_is_true(json_object_get(p, "mac_locked")) ? "mac-locked" : NULL,
        json_is_false(json_object_get(p, "learning")) ? "no learning" : NULL,
        json_is_true(json_object_get(p, "ra_guard")) ? "ra-guard" : NULL,
        json_is_true(json_object_get(p, "dhcp_guard")) ? "dhcp-guard" : NULL,
    };
    const char *sep = "";
    if (mac) {
        fprintf(out, "        mac: %s", mac);
        sep = ", ";
    }
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (flags[i]) {
            fprintf(out, "%s%s", *sep ? sep : "        ", flags[i]);
            sep = ", ";
        }
    }
    if (*sep) {
        fputc('\n', out);
    }
    print_other_keys(out, p, known, "        ");
}

int
ctl_render_show(FILE *out, const json_t *result)
{
    static const char *const known[] = {
        "name", "ageing", "fdb_max", "host_port", "uplink", "ports", "origin", NULL
    };
    json_t *bridges = json_object_get(result, "bridges");
    size_t i, j;
    json_t *b, *p;

    if (!json_is_array(bridges)) {
        return -1;
    }
    json_array_foreach(bridges, i, b) {
        if (!json_is_object(b) || !json_is_string(json_object_get(b, "name"))) {
            return -1;
        }
        json_t *ports = json_object_get(b, "ports");
        if (ports && !json_is_array(ports)) {
            return -1;
        }
        json_array_foreach(ports, j, p) {
            if (!json_is_object(p)) {
                return -1;
            }
        }
    }

    json_array_foreach(bridges, i, b) {
        fprintf(out, "Bridge %s\n", str_or(b, "name", "?"));
        char *uplink = value_text(json_object_get(b, "uplink")
                                  ? json_object_get(b, "uplink") : json_null());
        const char *origin = str_or(b, "origin", NULL);
        fprintf(out, "    ageing: %lld, fdb-max: %lld, host-port: %s, uplink: %s%s%s\n",
                int_or(b, "ageing", -1), int_or(b, "fdb_max", -1),
                json_is_true(json_object_get(b, "host_port")) ? "yes" : "no", uplink,
                origin ? ", origin: " : "", origin ? origin : "");
        free(uplink);
        print_other_keys(out, b, known, "    ");
        json_array_foreach(json_object_get(b, "ports"), j, p) {
            print_port(out, p);
        }
    }
    return 0;
}

/* ---- simple lists ---- */

int
ctl_render_names(FILE *out, const json_t *result)
{
    size_t i;
    json_t *v;
    if (!json_is_array(result)) {
        return -1;
    }
    json_array_foreach(result, i, v) {
        if (!json_is_string(v)) {
            return -1;
        }
    }
    json_array_foreach(result, i, v) {
        fprintf(out, "%s\n", json_string_value(v));
    }
    return 0;
}

int
ctl_render_br_to_vlan(FILE *out, const json_t *result)
{
    json_t *vlan = json_object_get(result, "vlan");
    if (!json_is_integer(vlan)) {
        return -1;
    }
    fprintf(out, "%lld\n", (long long) json_integer_value(vlan));
    return 0;
}

/* ---- fdb ---- */

int
ctl_render_fdb_show(FILE *out, const json_t *result)
{
    size_t i;
    json_t *e;
    int w = 4;

    if (!json_is_array(result)) {
        return -1;
    }
    json_array_foreach(result, i, e) {
        const char *port = json_string_value(json_object_get(e, "port"));
        if (!port || !json_is_string(json_object_get(e, "mac"))) {
            return -1;
        }
        if ((int) strlen(port) > w) {
            w = strlen(port);
        }
    }

    fprintf(out, "%-*s  VLAN  MAC                Age\n", w, "port");
    json_array_foreach(result, i, e) {
        fprintf(out, "%-*s  %4lld  %-17s  ", w, str_or(e, "port", "?"),
                int_or(e, "vlan", 0), str_or(e, "mac", "?"));
        if (json_is_true(json_object_get(e, "static"))) {
            fprintf(out, "static\n");
        } else {
            fprintf(out, "%lld\n", int_or(e, "age", 0));
        }
    }
    return 0;
}

int
ctl_render_fdb_stats(FILE *out, const json_t *result)
{
    static const char *const known[] = {
        "entries", "max", "ageing", "learned", "aged", "evicted", "moved",
        "full_drops", NULL
    };
    if (!json_is_object(result)) {
        return -1;
    }
    for (const char *const *k = known; *k; k++) {
        json_t *v = json_object_get(result, *k);
        if (v) {
            char *s = value_text(v);
            fprintf(out, "%-11s %s\n", *k, s);
            free(s);
        }
    }
    print_other_keys(out, result, known, "");
    return 0;
}

int
ctl_render_fdb_flush(FILE *out, const json_t *result)
{
    json_t *n = json_object_get(result, "flushed");
    if (!json_is_integer(n)) {
        return -1;
    }
    fprintf(out, "%lld entries flushed\n", (long long) json_integer_value(n));
    return 0;
}

/* ---- port-stats ---- */

static unsigned long long
u64_or0(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) && json_integer_value(v) > 0
        ? (unsigned long long) json_integer_value(v) : 0;
}

int
ctl_render_port_stats(FILE *out, const json_t *result)
{
    size_t i;
    json_t *s;
    int wb = 6, wp = 4;

    if (!json_is_array(result)) {
        return -1;
    }
    json_array_foreach(result, i, s) {
        const char *br = json_string_value(json_object_get(s, "bridge"));
        const char *port = json_string_value(json_object_get(s, "port"));
        json_t *drops = json_object_get(s, "drops");
        if (!br || !port || (drops && !json_is_object(drops))) {
            return -1;
        }
        wb = (int) strlen(br) > wb ? (int) strlen(br) : wb;
        wp = (int) strlen(port) > wp ? (int) strlen(port) : wp;
    }

    fprintf(out, "%-*s  %-*s  %12s %14s %12s %14s  %s\n", wb, "BRIDGE", wp, "PORT",
            "RX-PACKETS", "RX-BYTES", "TX-PACKETS", "TX-BYTES", "DROPS");
    json_array_foreach(result, i, s) {
        fprintf(out, "%-*s  %-*s  %12llu %14llu %12llu %14llu  ", wb,
                str_or(s, "bridge", "?"), wp, str_or(s, "port", "?"),
                u64_or0(s, "rx_packets"), u64_or0(s, "rx_bytes"),
                u64_or0(s, "tx_packets"), u64_or0(s, "tx_bytes"));

        /* Total, then the non-zero reasons: "5 (vlan-ingress 3, mtu 2)". */
        json_t *drops = json_object_get(s, "drops");
        unsigned long long total = 0;
        const char *reason;
        json_t *n;
        json_object_foreach(drops, reason, n) {
            total += json_is_integer(n) && json_integer_value(n) > 0
                     ? (unsigned long long) json_integer_value(n) : 0;
        }
        fprintf(out, "%llu", total);
        if (total) {
            const char *sep = " (";
            json_object_foreach(drops, reason, n) {
                if (json_is_integer(n) && json_integer_value(n) > 0) {
                    fprintf(out, "%s%s %lld", sep, reason,
                            (long long) json_integer_value(n));
                    sep = ", ";
                }
            }
            fputc(')', out);
        }
        fputc('\n', out);
    }
    return 0;
}

/* ---- log-level ---- */

int
ctl_render_log_level(FILE *out, const json_t *result)
{
    const char *module;
    json_t *level;

    if (!json_is_object(result)) {
        return -1;
    }
    json_object_foreach((json_t *) result, module, level) {
        if (!json_is_string(level)) {
            return -1;
        }
    }
    json_object_foreach((json_t *) result, module, level) {
        fprintf(out, "%-10s %s\n", module, json_string_value(level));
    }
    return 0;
}

/* ---- version ---- */

int
ctl_render_version(FILE *out, const json_t *result)
{
    const char *v = json_string_value(json_object_get(result, "version"));
    if (!v) {
        return ctl_render_generic(out, result);
    }
    fprintf(out, "xvsd %s\n", v);
    return 0;
}

/* ---- anything else ---- */

int
ctl_render_generic(FILE *out, const json_t *result)
{
    if (!result || json_is_null(result) || json_is_true(result)
        || (json_is_object(result) && !json_object_size(result))) {
        return 0;
    }
    if (json_is_string(result)) {
        fprintf(out, "%s\n", json_string_value(result));
        return 0;
    }
    ctl_print_json(out, result, true);
    return 0;
}
