/* apply: configuration -> running bridges (rules in apply.h). */
#include "daemon/apply.h"

#include <string.h>

#include "daemon/brmgr.h"
#include "lib/log.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "switch/port.h"

#define LOG_INFO(...) xlog(XLOG_MOD_CONFIG, XLOG_INFO, __VA_ARGS__)
#define LOG_ERR(...) xlog(XLOG_MOD_CONFIG, XLOG_ERR, __VA_ARGS__)

static int remove_stale(const struct conf *conf)
{
    char names[BRMGR_BRIDGES_MAX][BRIDGE_NAME_MAX], why[BRMGR_ERR_MAX];
    struct brmgr_bridge *rec;
    size_t n = 0;
    int failures = 0;

    for (size_t i = 0; (rec = brmgr_at(i)); i++)
        if (rec->origin == BRMGR_CONFIG && !conf_find_bridge(conf, rec->spec.name))
            strcpy(names[n++], rec->spec.name);
    for (size_t i = 0; i < n; i++) {
        if (brmgr_del_bridge(names[i], false, why, sizeof why)) {
            LOG_ERR("bridge %s is no longer in the configuration but stays: %s",
                    names[i], why);
            failures++;
        } else
            LOG_INFO("bridge %s removed (no longer in the configuration)", names[i]);
    }

    for (size_t i = 0; (rec = brmgr_at(i)); i++)
        for (size_t j = 0; j < rec->n_ports;) {
            const struct brmgr_port *bp = &rec->ports[j];
            const struct conf_port *q = conf_find_port(conf, rec->spec.name, bp->name);
            char name[IF_NAMESIZE];

            if (bp->origin != BRMGR_CONFIG || (q && q->role == CONF_PORT_EXTRA)) {
                j++;
                continue;
            }
            strcpy(name, bp->name);
            if (brmgr_del_port(rec->spec.name, name, why, sizeof why)) {
                LOG_ERR("bridge %s: port %s: %s", rec->spec.name, name, why);
                failures++;
                j++;
            } else
                LOG_INFO("bridge %s: port %s removed (no longer in the configuration)",
                         rec->spec.name, name);
        }
    return failures;
}

static int apply_bridge(const struct conf_bridge *b, const struct conf_bridge *old)
{
    struct brmgr_bridge *rec = brmgr_find(b->name);
    char why[BRMGR_ERR_MAX];
    int failures = 0;

    if (!rec) {
        if (brmgr_add_bridge(b, BRMGR_CONFIG, true, why, sizeof why)) {
            LOG_ERR("%s", why);
            return 1;
        }
        LOG_INFO("bridge %s created", b->name);
        rec = brmgr_find(b->name);      /* a missing uplink/host port: logged */
        return (strcmp(rec->spec.uplink, b->uplink) != 0)
               + (rec->spec.host_port != b->host_port);
    }
    if (rec->origin == BRMGR_RUNTIME) {
        LOG_INFO("bridge %s (made with xvsctl) now comes from the configuration",
                 b->name);
        rec->origin = BRMGR_CONFIG;
        old = NULL;
    }
    failures += brmgr_reshape_bridge(rec, b);

    struct fdb *fdb = bridge_fdb(rec->br);
    uint32_t ageing = fdb_get_ageing(fdb);
    if ((!old || old->ageing_s != b->ageing_s) && ageing != b->ageing_s) {
        fdb_set_ageing(fdb, b->ageing_s);
        LOG_INFO("bridge %s: ageing %u -> %u s", b->name, ageing, b->ageing_s);
    }
    struct fdb_stats st;
    fdb_get_stats(fdb, &st);
    if ((!old || old->fdb_max != b->fdb_max) && st.max_entries != b->fdb_max) {
        if (fdb_set_max(fdb, b->fdb_max)) {
            LOG_ERR("bridge %s: cannot set fdb-max to %u", b->name, b->fdb_max);
            failures++;
        } else
            LOG_INFO("bridge %s: fdb-max %u -> %u", b->name, st.max_entries, b->fdb_max);
    }
    return failures;
}

static bool settings_differ(const struct port *p, const struct conf_port *q)
{
    return p->vlan_mode != q->vlan_mode || p->pvid != q->pvid
           || (q->vlan_mode == PORT_VLAN_TRUNK
               && memcmp(p->allowed, q->trunk, sizeof p->allowed))
           || p->promiscuous != q->promiscuous || p->learning != q->learning;
}

static int apply_port(const struct conf_port *q)
{
    struct brmgr_bridge *rec = brmgr_find(q->bridge);
    char why[BRMGR_ERR_MAX];
    struct port *p;

    if (!rec)
        return 0;                       /* the bridge failed: logged */
    p = bridge_find_port(rec->br, q->name);
    if (q->role == CONF_PORT_EXTRA) {
        struct brmgr_port *bp = brmgr_find_port(rec, q->name);
        if (!p) {
            if (brmgr_add_port(q, BRMGR_CONFIG, why, sizeof why)) {
                LOG_ERR("%s", why);
                return 1;
            }
            LOG_INFO("bridge %s: port %s created", q->bridge, q->name);
            return 0;
        }
        if (!bp) {
            LOG_ERR("bridge %s: port %s exists and was not made by xvsd (%s)",
                    q->bridge, q->name, p->ops->kind);
            return 1;
        }
        if (bp->origin == BRMGR_RUNTIME) {
            LOG_INFO("bridge %s: port %s (made with xvsctl) now comes from the "
                     "configuration", q->bridge, q->name);
            bp->origin = BRMGR_CONFIG;
        }
    }
    if (p && settings_differ(p, q)) {
        brmgr_port_settings(p, q);
        LOG_INFO("bridge %s: port %s: settings changed", q->bridge, q->name);
    }
    return 0;                           /* a missing uplink/host port: logged */
}

int apply_conf(const struct conf *old, const struct conf *conf)
{
    int failures = remove_stale(conf);

    for (size_t i = 0; i < conf->n_bridges; i++) {
        const struct conf_bridge *b = &conf->bridges[i];
        failures += apply_bridge(b, old ? conf_find_bridge(old, b->name) : NULL);
    }
    for (size_t i = 0; i < conf->n_ports; i++)
        failures += apply_port(&conf->ports[i]);
    return failures;
}
