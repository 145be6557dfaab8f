/* fdb: the learning table of one bridge, keyed by (MAC, VLAN).
 *
 * An open-addressing / chained hash table (implementation's choice) of at
 * most `max_entries` entries.  Invariants:
 *   - broadcast, multicast and all-zero source MACs are never learned;
 *   - a dynamic entry is aged out `ageing_s` seconds after it was last seen
 *     (ageing_s == 0: nothing is remembered, the bridge is a hub);
 *   - static entries never age and are never evicted or moved by learning;
 *   - when full, learning a new entry evicts one dynamic entry of the port
 *     that holds the most learned entries (so one port flooding random MACs
 *     can only crowd itself out); if there is no dynamic entry the new one is
 *     not learned (counted in `full_drops`);
 *   - port->fdb_learned == number of dynamic entries pointing at the port.
 * Time comes from an injected clock so tests can age entries at will. */
#ifndef XVS_FDB_H
#define XVS_FDB_H 1

#include <stdbool.h>
#include <stdint.h>

struct port;
struct fdb;

#define FDB_DEFAULT_AGEING_S 300
#define FDB_DEFAULT_MAX 65536
#define FDB_MAX_ENTRIES_LIMIT (1u << 22)   /* upper bound of max_entries */
#define FDB_AGEING_MAX_S 1000000           /* ~11.6 days; -EINVAL above */

typedef uint64_t fdb_clock_fn(void *ctx);  /* monotonic milliseconds */

struct fdb_stats {
    uint32_t entries, max_entries;
    uint64_t learned, aged, evicted, moved, full_drops;
};

struct fdb_entry_info {           /* for dumps */
    uint8_t mac[6];
    uint16_t vlan;
    struct port *port;
    bool is_static;
    uint32_t age_s;               /* seconds since last seen (0 for static) */
};

/* max_entries in 1..FDB_MAX_ENTRIES_LIMIT, ageing_s <= FDB_AGEING_MAX_S;
 * clock NULL = CLOCK_MONOTONIC.  NULL with errno EINVAL or ENOMEM. */
struct fdb *fdb_create(uint32_t max_entries, uint32_t ageing_s,
                       fdb_clock_fn *clock, void *clock_ctx);
/* Ports that still have entries must still exist (their FDB fields are
 * reset). */
void fdb_destroy(struct fdb *);

/* -EINVAL above FDB_AGEING_MAX_S; 0 flushes every dynamic entry. */
int fdb_set_ageing(struct fdb *, uint32_t ageing_s);
uint32_t fdb_get_ageing(const struct fdb *);
/* Evicts (fairly) if shrinking; -EINVAL out of 1..FDB_MAX_ENTRIES_LIMIT,
 * -ENOSPC if more static entries than that, -ENOMEM. */
int fdb_set_max(struct fdb *, uint32_t max_entries);

/* Learn src on port: insert or refresh; moves (counted) if the MAC was on
 * another port.  No-op for multicast/zero MACs and when ageing is 0. */
void fdb_learn(struct fdb *, const uint8_t mac[6], uint16_t vlan, struct port *);

/* Port for (mac, vlan), or NULL if unknown or aged.  Static entries are
 * found even when ageing is 0. */
struct port *fdb_lookup(struct fdb *, const uint8_t mac[6], uint16_t vlan);

/* The same with the time passed in, for callers that read the clock once
 * for many calls (bridge_input() itself uses the inline fast path of
 * fdb-private.h).  now_ms must come from fdb_now() (the table's clock). */
uint64_t fdb_now(const struct fdb *);
void fdb_learn_at(struct fdb *, const uint8_t mac[6], uint16_t vlan,
                  struct port *, uint64_t now_ms);
struct port *fdb_lookup_at(struct fdb *, const uint8_t mac[6], uint16_t vlan,
                           uint64_t now_ms);

/* Static entries: -EINVAL for multicast/zero MAC, -ENOSPC if full of statics. */
int fdb_add_static(struct fdb *, const uint8_t mac[6], uint16_t vlan, struct port *);
int fdb_del(struct fdb *, const uint8_t mac[6], uint16_t vlan);  /* -ENOENT */

/* Flush dynamic entries (and static ones too if `include_static`).
 * port == NULL: any port; vlan == 0: any VLAN.  Returns entries removed. */
unsigned fdb_flush(struct fdb *, struct port *, uint16_t vlan, bool include_static);

/* Remove expired entries; call about once a second.  Returns entries aged. */
unsigned fdb_age(struct fdb *);

void fdb_get_stats(const struct fdb *, struct fdb_stats *);

/* Calls cb for every live entry; stops early if cb returns non-zero.  cb
 * must not change the table. */
typedef int fdb_dump_cb(const struct fdb_entry_info *, void *arg);
void fdb_dump(struct fdb *, fdb_dump_cb *, void *arg);

#endif
