/* fdb-private: the FDB's layout and its per-frame fast path, for fdb.c and
 * bridge.c only (other modules use fdb.h).
 *
 * bridge_input() switches a burst in passes: it computes every frame's
 * keys and buckets first and prefetches them, so that the cache misses of
 * a burst overlap, then learns and looks up with these inline functions,
 * which leave only the rare cases (new MAC, move, a refresh that must
 * write) to fdb_learn_slow().  See fdb.c for the data structure. */
#ifndef XVS_FDB_PRIVATE_H
#define XVS_FDB_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "switch/fdb.h"

#define FDB_NIL 0
#define FDB_STATIC UINT32_MAX     /* lru_prev of a static entry */
#define FDB_REFRESH_MS 1000       /* `seen` is written at most this often */
/* Below this many entries the table stays in L1/L2: prefetching only costs. */
#define FDB_PREFETCH_MIN_ENTRIES 4096
#define FDB_MAC_MASK UINT64_C(0xffffffffffff)

struct fdb_entry {
    uint64_t key;                 /* fdb_key(); 0: free */
    uint32_t next;                /* hash chain, or free list */
    uint32_t seen;                /* ms, truncated to 32 bits */
    struct port *port;
    uint32_t lru_prev, lru_next;  /* in port's list; FDB_STATIC if static */
};

struct fdb {
    struct fdb_entry *entries;    /* [1..max_entries] */
    uint32_t *buckets;
    uint32_t n_buckets;
    unsigned hash_shift;          /* 64 - log2(n_buckets) */
    uint64_t hash_mul, hash_add;

    uint32_t free_head;           /* entries freed again; then those past n_used */
    uint32_t n_used;              /* entries[1..n_used] have been used */
    uint32_t n_entries, n_static, max_entries;
    uint32_t ageing_s, ageing_ms;

    fdb_clock_fn *clock;
    void *clock_ctx;

    struct port **heap;           /* max-heap by fdb_learned */
    uint32_t heap_n, heap_cap;

    struct fdb_stats stats;       /* counters; entries/max filled on read */
};

/* A MAC as a 48-bit number whose low byte is mac[0] (so bit 0 is the
 * group bit), the same on any byte order. */
static inline uint64_t
fdb_mac48(const uint8_t mac[6])
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t lo;
    uint16_t hi;

    memcpy(&lo, mac, 4);
    memcpy(&hi, mac + 4, 2);
    return lo | (uint64_t) hi << 32;
#else
    return (uint64_t) mac[0] | (uint64_t) mac[1] << 8 | (uint64_t) mac[2] << 16
           | (uint64_t) mac[3] << 24 | (uint64_t) mac[4] << 32
           | (uint64_t) mac[5] << 40;
#endif
}

/* The same for a MAC followed by at least two readable bytes (in a frame
 * head): one load instead of two. */
static inline uint64_t
fdb_mac48_wide(const uint8_t *mac)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;

    memcpy(&v, mac, 8);
    return v & FDB_MAC_MASK;
#else
    return fdb_mac48(mac);
#endif
}

static inline bool
fdb_mac48_learnable(uint64_t mac48)
{
    return mac48 && !(mac48 & 1);
}

static inline uint64_t
fdb_key_make(uint64_t mac48, uint16_t vlan)
{
    return mac48 | (uint64_t) (vlan & 0xfff) << 48;
}

static inline uint32_t
fdb_bucket(const struct fdb *fdb, uint64_t key)
{
    return (uint32_t) ((key * fdb->hash_mul + fdb->hash_add) >> fdb->hash_shift);
}

static inline bool
fdb_wants_prefetch(const struct fdb *fdb)
{
    return fdb->n_entries >= FDB_PREFETCH_MIN_ENTRIES;
}

static inline void
fdb_prefetch_bucket(const struct fdb *fdb, uint32_t bucket)
{
    __builtin_prefetch(&fdb->buckets[bucket]);
}

/* After fdb_prefetch_bucket(): the first entry of the chain. */
static inline void
fdb_prefetch_entry(const struct fdb *fdb, uint32_t bucket)
{
    __builtin_prefetch(&fdb->entries[fdb->buckets[bucket]]);
}

static inline uint32_t
fdb_find_in(const struct fdb *fdb, uint64_t key, uint32_t bucket)
{
    uint32_t i = fdb->buckets[bucket];

    while (i && fdb->entries[i].key != key) {
        i = fdb->entries[i].next;
    }
    return i;
}

static inline bool
fdb_entry_is_static(const struct fdb_entry *e)
{
    return e->lru_prev == FDB_STATIC;
}

static inline bool
fdb_entry_expired(const struct fdb *fdb, const struct fdb_entry *e,
                  uint32_t now)
{
    return !fdb_entry_is_static(e) && (uint32_t) (now - e->seen) >= fdb->ageing_ms;
}

/* Learning beyond a plain "seen again within the second" (fdb.c). */
void fdb_learn_slow(struct fdb *, uint64_t key, struct port *, uint32_t now);

/* Learns a key whose MAC is learnable (fdb_mac48_learnable()). */
static inline void
fdb_learn_key(struct fdb *fdb, uint64_t key, uint32_t bucket, struct port *p,
              uint32_t now)
{
    uint32_t i = fdb_find_in(fdb, key, bucket);

    /* The common case writes nothing.  A static entry of p lands here
     * too: it is never refreshed, which is right. */
    if (i && fdb->entries[i].port == p
        && (uint32_t) (now - fdb->entries[i].seen) < FDB_REFRESH_MS) {
        return;
    }
    fdb_learn_slow(fdb, key, p, now);
}

static inline struct port *
fdb_lookup_key(const struct fdb *fdb, uint64_t key, uint32_t bucket,
               uint32_t now)
{
    uint32_t i = fdb_find_in(fdb, key, bucket);

    if (!i || fdb_entry_expired(fdb, &fdb->entries[i], now)) {
        return NULL;
    }
    return fdb->entries[i].port;
}

#endif
