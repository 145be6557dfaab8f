/* fdb: the learning table of one bridge.
 *
 * Layout.  All entries live in one preallocated pool (`entries`, index 0
 * unused so that 0 means "none" in every link); entries freed again are
 * chained through `next` from `free_head`, and entries never used are
 * those past `n_used`, taken in order.  So a table touches only the memory
 * of the entries it held (the pool comes zeroed from mmap: 2 MB for the
 * default 65536 entries, whose pages a table threaded onto a free list at
 * creation would all fault in -- slow where page faults are, e.g. a PV
 * dom0, and at every restart).  A power-of-two array of bucket heads
 * (at least max_entries of them, so chains average under one entry) chains
 * used entries by hash.  An entry is 32 bytes: two per cache line, and a
 * refresh or a lookup touches one bucket word and one entry.
 *
 * Key.  MAC (48 bits) | VLAN << 48 in one uint64_t; 0 marks a free entry
 * (the zero MAC is never stored).  The hash is multiply-shift with a random
 * odd multiplier (and offset) chosen per table, after Dietzfelbinger et al.:
 * one multiply, any two keys share a bucket with probability <= 2/buckets
 * over the choice of multiplier, so a guest that cannot see the seed cannot
 * aim its MACs at one chain.
 *
 * The structures and the per-frame fast path (inline, used by the bridge's
 * burst loop) are in fdb-private.h; this file has everything else.
 *
 * Time.  `seen` is the clock in milliseconds truncated to 32 bits and is
 * compared by difference, which is exact while entries are aged (fdb_age())
 * more often than every 49 days; FDB_AGEING_MAX_S keeps ageing far below.
 * A refresh writes `seen` only when it moved by FDB_REFRESH_MS, so a busy
 * flow does not dirty its entry's cache line on every frame.
 *
 * Fair eviction.  Each port keeps its dynamic entries on an intrusive
 * doubly linked LRU list (head/tail in struct port, links in the entry):
 * the head is its least recently seen entry.  A binary max-heap of the
 * ports that own dynamic entries, keyed by port->fdb_learned, gives the
 * port with the most entries in O(1); learning changes a count by one, so
 * keeping the heap costs O(1) swaps on average, O(log ports) at worst.  A
 * scan of the ports on every eviction would instead cost O(ports) per frame
 * exactly while a guest floods random MACs, the moment it must be cheap.
 * The same lists make ageing O(expired + ports): each list is in `seen`
 * order, so fdb_age() stops at the first live entry of every port.
 *
 * Static entries are in the hash but on no list (lru_prev == FDB_STATIC)
 * and are not counted in any port's fdb_learned. */
#include "switch/fdb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "lib/util.h"
#include "switch/fdb-private.h"
#include "switch/port.h"

#define FDB_MIN_BUCKETS 16

/* ---- keys and hashing ---- */

static inline uint64_t
fdb_key(const uint8_t mac[6], uint16_t vlan)
{
    return fdb_key_make(fdb_mac48(mac), vlan);
}

static void
fdb_key_mac(uint64_t key, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        mac[i] = (uint8_t) (key >> (8 * i));
    }
}

static inline uint32_t
fdb_hash(const struct fdb *fdb, uint64_t key)
{
    return fdb_bucket(fdb, key);
}

static bool
fdb_mac_learnable(const uint8_t mac[6])
{
    return fdb_mac48_learnable(fdb_mac48(mac));
}

static uint64_t
fdb_default_clock(void *ctx)
{
    struct timespec ts;

    (void) ctx;
    /* Coarse: no system call even where the vDSO cannot read the
     * clocksource (a Xen PV dom0); read once per burst. */
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

uint64_t
fdb_now(const struct fdb *fdb)
{
    return fdb->clock(fdb->clock_ctx);
}

/* ---- eviction heap ---- */

static void
heap_set(struct fdb *fdb, uint32_t i, struct port *p)
{
    fdb->heap[i] = p;
    p->fdb_heap_pos = i + 1;
}

static void
heap_sift_up(struct fdb *fdb, uint32_t i)
{
    struct port *p = fdb->heap[i];

    while (i > 0) {
        uint32_t parent = (i - 1) / 2;

        if (fdb->heap[parent]->fdb_learned >= p->fdb_learned) {
            break;
        }
        heap_set(fdb, i, fdb->heap[parent]);
        i = parent;
    }
    heap_set(fdb, i, p);
}

static void
heap_sift_down(struct fdb *fdb, uint32_t i)
{
    struct port *p = fdb->heap[i];

    for (;;) {
        uint32_t child = 2 * i + 1;

        if (child >= fdb->heap_n) {
            break;
        }
        if (child + 1 < fdb->heap_n
            && fdb->heap[child + 1]->fdb_learned > fdb->heap[child]->fdb_learned) {
            child++;
        }
        if (fdb->heap[child]->fdb_learned <= p->fdb_learned) {
            break;
        }
        heap_set(fdb, i, fdb->heap[child]);
        i = child;
    }
    heap_set(fdb, i, p);
}

/* Makes sure a port that is not in the heap yet can join it, so that
 * fdb_attach() cannot fail half-way.  Called before changing anything. */
static int
heap_reserve(struct fdb *fdb, const struct port *p)
{
    if (!p->fdb_heap_pos && fdb->heap_n == fdb->heap_cap) {
        uint32_t cap = fdb->heap_cap ? 2 * fdb->heap_cap : 16;
        struct port **heap = realloc(fdb->heap, cap * sizeof *heap);

        if (!heap) {
            return -ENOMEM;
        }
        fdb->heap = heap;
        fdb->heap_cap = cap;
    }
    return 0;
}

/* Restores the heap after p->fdb_learned changed by one (room reserved). */
static void
heap_update(struct fdb *fdb, struct port *p)
{
    uint32_t i;

    if (!p->fdb_heap_pos) {
        if (p->fdb_learned) {
            heap_set(fdb, fdb->heap_n++, p);
            heap_sift_up(fdb, fdb->heap_n - 1);
        }
        return;
    }
    i = p->fdb_heap_pos - 1;
    if (!p->fdb_learned) {
        struct port *last = fdb->heap[--fdb->heap_n];

        p->fdb_heap_pos = 0;
        if (last != p) {
            heap_set(fdb, i, last);
            heap_sift_up(fdb, i);
            heap_sift_down(fdb, last->fdb_heap_pos - 1);
        }
        return;
    }
    heap_sift_up(fdb, i);
    heap_sift_down(fdb, p->fdb_heap_pos - 1);
}

/* ---- per-port LRU lists ---- */

static void
lru_append(struct fdb *fdb, struct port *p, uint32_t i)
{
    struct fdb_entry *e = &fdb->entries[i];

    e->lru_next = FDB_NIL;
    e->lru_prev = p->fdb_lru_tail;
    if (p->fdb_lru_tail) {
        fdb->entries[p->fdb_lru_tail].lru_next = i;
    } else {
        p->fdb_lru_head = i;
    }
    p->fdb_lru_tail = i;
}

static void
lru_unlink(struct fdb *fdb, struct port *p, uint32_t i)
{
    struct fdb_entry *e = &fdb->entries[i];

    if (e->lru_prev) {
        fdb->entries[e->lru_prev].lru_next = e->lru_next;
    } else {
        p->fdb_lru_head = e->lru_next;
    }
    if (e->lru_next) {
        fdb->entries[e->lru_next].lru_prev = e->lru_prev;
    } else {
        p->fdb_lru_tail = e->lru_prev;
    }
}

/* Makes entry i a dynamic entry of p (it is on no list; heap_reserve()
 * succeeded for p). */
static void
fdb_attach(struct fdb *fdb, uint32_t i, struct port *p)
{
    p->fdb_learned++;
    heap_update(fdb, p);
    fdb->entries[i].port = p;
    lru_append(fdb, p, i);
}

/* Takes dynamic entry i off its port's list and count. */
static void
fdb_detach(struct fdb *fdb, uint32_t i)
{
    struct port *p = fdb->entries[i].port;

    lru_unlink(fdb, p, i);
    p->fdb_learned--;
    heap_update(fdb, p);
}

/* ---- hash table ---- */

static uint32_t
fdb_find(const struct fdb *fdb, uint64_t key)
{
    return fdb_find_in(fdb, key, fdb_hash(fdb, key));
}

/* Takes a free entry and chains it into its bucket (caller checked room). */
static uint32_t
fdb_insert(struct fdb *fdb, uint64_t key)
{
    uint32_t i = fdb->free_head;
    struct fdb_entry *e;
    uint32_t *bucket = &fdb->buckets[fdb_hash(fdb, key)];

    if (i != FDB_NIL) {
        fdb->free_head = fdb->entries[i].next;
    } else {
        i = ++fdb->n_used;      /* n_entries < max_entries: n_used too */
    }
    e = &fdb->entries[i];
    e->key = key;
    e->next = *bucket;
    *bucket = i;
    fdb->n_entries++;
    return i;
}

static void
fdb_remove(struct fdb *fdb, uint32_t i)
{
    struct fdb_entry *e = &fdb->entries[i];
    uint32_t *link = &fdb->buckets[fdb_hash(fdb, e->key)];

    while (*link != i) {
        link = &fdb->entries[*link].next;
    }
    *link = e->next;
    if (fdb_entry_is_static(e)) {
        fdb->n_static--;
    } else {
        fdb_detach(fdb, i);
    }
    e->key = 0;
    e->port = NULL;
    e->lru_prev = e->lru_next = FDB_NIL;
    e->next = fdb->free_head;
    fdb->free_head = i;
    fdb->n_entries--;
}

/* Evicts the least recently seen entry of the port with the most entries.
 * Returns false if there is no dynamic entry to evict. */
static bool
fdb_evict_one(struct fdb *fdb)
{
    if (!fdb->heap_n) {
        return false;
    }
    fdb_remove(fdb, fdb->heap[0]->fdb_lru_head);
    fdb->stats.evicted++;
    return true;
}

struct fdb_table {
    struct fdb_entry *entries;
    uint32_t *buckets;
    uint32_t n_buckets;
    unsigned hash_shift;
};

/* Big tables are mapped on 2 MB boundaries and marked for transparent huge
 * pages: with 100k+ entries every lookup is a random access, and 4 kB
 * pages would add a TLB miss to most of them.  Memory comes zeroed. */
#define FDB_HUGE_PAGE (2u << 20)

static void *
fdb_mem_alloc(size_t size)
{
    size_t map_size;
    uint8_t *p, *aligned;

    if (size < FDB_HUGE_PAGE) {
        return calloc(1, size);
    }
    map_size = size + FDB_HUGE_PAGE;
    p = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    aligned = (uint8_t *) (((uintptr_t) p + FDB_HUGE_PAGE - 1)
                           & ~(uintptr_t) (FDB_HUGE_PAGE - 1));
    if (aligned > p) {
        munmap(p, (size_t) (aligned - p));
    }
    munmap(aligned + size, (size_t) (p + map_size - (aligned + size)));
    madvise(aligned, size, MADV_HUGEPAGE);  /* a hint: fine if refused */
    return aligned;
}

static void
fdb_mem_free(void *p, size_t size)
{
    if (!p) {
        return;
    }
    if (size < FDB_HUGE_PAGE) {
        free(p);
    } else {
        munmap(p, size);
    }
}

static size_t
fdb_entries_size(uint32_t max)
{
    return ((size_t) max + 1) * sizeof(struct fdb_entry);
}

static size_t
fdb_buckets_size(uint32_t n_buckets)
{
    return (size_t) n_buckets * sizeof(uint32_t);
}

/* Allocates a pool of `max` entries and at least as many buckets. */
static int
fdb_table_alloc(struct fdb_table *t, uint32_t max)
{
    unsigned bits = 4;

    t->n_buckets = FDB_MIN_BUCKETS;
    while (t->n_buckets < max) {
        t->n_buckets <<= 1;
        bits++;
    }
    t->hash_shift = 64 - bits;
    t->entries = fdb_mem_alloc(fdb_entries_size(max));
    t->buckets = fdb_mem_alloc(fdb_buckets_size(t->n_buckets));
    if (!t->entries || !t->buckets) {
        fdb_mem_free(t->entries, fdb_entries_size(max));
        fdb_mem_free(t->buckets, fdb_buckets_size(t->n_buckets));
        return -ENOMEM;
    }
    return 0;
}

/* Makes t the (empty) table of fdb, sized for max entries. */
static void
fdb_table_install(struct fdb *fdb, const struct fdb_table *t, uint32_t max)
{
    fdb->entries = t->entries;
    fdb->buckets = t->buckets;
    fdb->n_buckets = t->n_buckets;
    fdb->hash_shift = t->hash_shift;
    fdb->max_entries = max;
    fdb->n_entries = 0;
    fdb->n_static = 0;
    fdb->free_head = FDB_NIL;
    fdb->n_used = 0;
}

static void
fdb_seed(struct fdb *fdb)
{
    uint64_t seed[2];

    if (getrandom(seed, sizeof seed, GRND_NONBLOCK) != sizeof seed) {
        /* Early boot without entropy: still varies per table and run. */
        seed[0] = fdb_default_clock(NULL) * UINT64_C(0x9e3779b97f4a7c15)
                  ^ (uintptr_t) fdb;
        seed[1] = seed[0] * UINT64_C(0xbf58476d1ce4e5b9) ^ (uintptr_t) &seed;
    }
    fdb->hash_mul = seed[0] | 1;
    fdb->hash_add = seed[1];
}

struct fdb *
fdb_create(uint32_t max_entries, uint32_t ageing_s, fdb_clock_fn *clock,
           void *clock_ctx)
{
    struct fdb_table t;
    struct fdb *fdb;

    if (!max_entries || max_entries > FDB_MAX_ENTRIES_LIMIT
        || ageing_s > FDB_AGEING_MAX_S) {
        errno = EINVAL;
        return NULL;
    }
    fdb = calloc(1, sizeof *fdb);
    if (!fdb || fdb_table_alloc(&t, max_entries)) {
        free(fdb);
        errno = ENOMEM;
        return NULL;
    }
    fdb_table_install(fdb, &t, max_entries);
    fdb_seed(fdb);
    fdb->ageing_s = ageing_s;
    fdb->ageing_ms = ageing_s * 1000;
    fdb->clock = clock ? clock : fdb_default_clock;
    fdb->clock_ctx = clock ? clock_ctx : NULL;
    return fdb;
}

void
fdb_destroy(struct fdb *fdb)
{
    if (!fdb) {
        return;
    }
    /* Leave the ports as if they had never been in this table. */
    for (uint32_t k = 0; k < fdb->heap_n; k++) {
        struct port *p = fdb->heap[k];

        p->fdb_learned = 0;
        p->fdb_lru_head = p->fdb_lru_tail = FDB_NIL;
        p->fdb_heap_pos = 0;
    }
    free(fdb->heap);
    fdb_mem_free(fdb->entries, fdb_entries_size(fdb->max_entries));
    fdb_mem_free(fdb->buckets, fdb_buckets_size(fdb->n_buckets));
    free(fdb);
}

int
fdb_set_ageing(struct fdb *fdb, uint32_t ageing_s)
{
    if (ageing_s > FDB_AGEING_MAX_S) {
        return -EINVAL;
    }
    if (!ageing_s) {
        fdb_flush(fdb, NULL, 0, false);   /* a hub remembers nothing */
    }
    fdb->ageing_s = ageing_s;
    fdb->ageing_ms = ageing_s * 1000;
    return 0;
}

uint32_t
fdb_get_ageing(const struct fdb *fdb)
{
    return fdb->ageing_s;
}

/* Moves every entry of the pool `old` into fdb's new, empty table, keeping
 * each port's LRU order. */
static void
fdb_rehash(struct fdb *fdb, const struct fdb_entry *old, uint32_t old_used)
{
    for (uint32_t k = 0; k < fdb->heap_n; k++) {
        struct port *p = fdb->heap[k];
        uint32_t i = p->fdb_lru_head;

        p->fdb_lru_head = p->fdb_lru_tail = FDB_NIL;
        for (; i; i = old[i].lru_next) {
            uint32_t j = fdb_insert(fdb, old[i].key);

            fdb->entries[j].seen = old[i].seen;
            fdb->entries[j].port = p;
            lru_append(fdb, p, j);
        }
    }
    for (uint32_t i = 1; i <= old_used; i++) {
        if (old[i].key && fdb_entry_is_static(&old[i])) {
            uint32_t j = fdb_insert(fdb, old[i].key);

            fdb->entries[j].port = old[i].port;
            fdb->entries[j].lru_prev = FDB_STATIC;
            fdb->n_static++;
        }
    }
}

int
fdb_set_max(struct fdb *fdb, uint32_t max_entries)
{
    struct fdb_entry *old_entries = fdb->entries;
    uint32_t *old_buckets = fdb->buckets;
    uint32_t old_max = fdb->max_entries, old_n_buckets = fdb->n_buckets;
    uint32_t old_used = fdb->n_used;
    struct fdb_table t;

    if (!max_entries || max_entries > FDB_MAX_ENTRIES_LIMIT) {
        return -EINVAL;
    }
    if (max_entries == fdb->max_entries) {
        return 0;
    }
    if (max_entries < fdb->n_static) {
        return -ENOSPC;
    }
    if (fdb_table_alloc(&t, max_entries)) {
        return -ENOMEM;
    }
    /* Shrinking evicts, fairly, before the survivors move. */
    while (fdb->n_entries > max_entries && fdb_evict_one(fdb)) {
        continue;
    }
    fdb_table_install(fdb, &t, max_entries);
    fdb_rehash(fdb, old_entries, old_used);
    fdb_mem_free(old_entries, fdb_entries_size(old_max));
    fdb_mem_free(old_buckets, fdb_buckets_size(old_n_buckets));
    return 0;
}

void
fdb_learn_slow(struct fdb *fdb, uint64_t key, struct port *p, uint32_t now)
{
    struct fdb_entry *e;
    uint32_t i;

    if (!fdb->ageing_ms) {
        return;                 /* a hub */
    }
    i = fdb_find(fdb, key);
    if (i) {
        e = &fdb->entries[i];
        if (fdb_entry_is_static(e)) {
            return;
        }
        if (e->port == p) {
            /* Seen again: write only once a second. */
            if ((uint32_t) (now - e->seen) >= FDB_REFRESH_MS) {
                if ((uint32_t) (now - e->seen) >= fdb->ageing_ms) {
                    fdb->stats.learned++;   /* expired, not yet aged: new */
                }
                e->seen = now;
                lru_unlink(fdb, p, i);
                lru_append(fdb, p, i);
            }
            return;
        }
        if (heap_reserve(fdb, p)) {
            fdb->stats.full_drops++;
            return;
        }
        /* The MAC now sits behind p.  An expired entry was not really on
         * the old port any more: that is learning, not a move. */
        if (fdb_entry_expired(fdb, e, now)) {
            fdb->stats.learned++;
        } else {
            fdb->stats.moved++;
        }
        fdb_detach(fdb, i);
        fdb_attach(fdb, i, p);
        e->seen = now;
        return;
    }

    if (heap_reserve(fdb, p)
        || (fdb->n_entries >= fdb->max_entries && !fdb_evict_one(fdb))) {
        fdb->stats.full_drops++;
        return;
    }
    i = fdb_insert(fdb, key);
    fdb->entries[i].seen = now;
    fdb_attach(fdb, i, p);
    fdb->stats.learned++;
}

void
fdb_learn_at(struct fdb *fdb, const uint8_t mac[6], uint16_t vlan,
             struct port *p, uint64_t now_ms)
{
    uint64_t mac48 = fdb_mac48(mac);
    uint64_t key = fdb_key_make(mac48, vlan);

    if (fdb_mac48_learnable(mac48)) {
        fdb_learn_key(fdb, key, fdb_hash(fdb, key), p, (uint32_t) now_ms);
    }
}

void
fdb_learn(struct fdb *fdb, const uint8_t mac[6], uint16_t vlan, struct port *p)
{
    fdb_learn_at(fdb, mac, vlan, p, fdb_now(fdb));
}

struct port *
fdb_lookup_at(struct fdb *fdb, const uint8_t mac[6], uint16_t vlan,
              uint64_t now_ms)
{
    uint64_t key = fdb_key(mac, vlan);

    return fdb_lookup_key(fdb, key, fdb_hash(fdb, key), (uint32_t) now_ms);
}

struct port *
fdb_lookup(struct fdb *fdb, const uint8_t mac[6], uint16_t vlan)
{
    return fdb_lookup_at(fdb, mac, vlan, fdb_now(fdb));
}

int
fdb_add_static(struct fdb *fdb, const uint8_t mac[6], uint16_t vlan,
               struct port *p)
{
    uint64_t key;
    uint32_t i;

    if (!fdb_mac_learnable(mac) || vlan < VLAN_ID_MIN || vlan > VLAN_ID_MAX
        || !p) {
        return -EINVAL;
    }
    key = fdb_key(mac, vlan);
    i = fdb_find(fdb, key);
    if (!i) {
        if (fdb->n_entries >= fdb->max_entries && !fdb_evict_one(fdb)) {
            return -ENOSPC;
        }
        i = fdb_insert(fdb, key);
    } else if (fdb_entry_is_static(&fdb->entries[i])) {
        fdb->n_static--;
    } else {
        fdb_detach(fdb, i);
    }
    fdb->entries[i].port = p;
    fdb->entries[i].seen = 0;
    fdb->entries[i].lru_prev = FDB_STATIC;
    fdb->entries[i].lru_next = FDB_NIL;
    fdb->n_static++;
    return 0;
}

int
fdb_del(struct fdb *fdb, const uint8_t mac[6], uint16_t vlan)
{
    uint32_t i = fdb_find(fdb, fdb_key(mac, vlan));

    if (!i) {
        return -ENOENT;
    }
    fdb_remove(fdb, i);
    return 0;
}

unsigned
fdb_flush(struct fdb *fdb, struct port *p, uint16_t vlan, bool include_static)
{
    unsigned n = 0;

    if (p) {
        /* p's dynamic entries are all on its list. */
        uint32_t i = p->fdb_lru_head, next;

        for (; i; i = next) {
            next = fdb->entries[i].lru_next;
            if (!vlan || fdb->entries[i].key >> 48 == vlan) {
                fdb_remove(fdb, i);
                n++;
            }
        }
        if (!include_static || !fdb->n_static) {
            return n;
        }
    }
    /* Statics (of p) or everything: a scan of the pool. */
    for (uint32_t i = 1; i <= fdb->n_used; i++) {
        const struct fdb_entry *e = &fdb->entries[i];

        if (e->key
            && (!p || e->port == p)
            && (!vlan || e->key >> 48 == vlan)
            && (include_static || !fdb_entry_is_static(e))) {
            fdb_remove(fdb, i);
            n++;
        }
    }
    return n;
}

unsigned
fdb_age(struct fdb *fdb)
{
    uint32_t now = (uint32_t) fdb_now(fdb);
    unsigned n = 0;
    uint32_t n_ports = fdb->heap_n;
    struct port **ports;

    if (!n_ports) {
        return 0;
    }
    /* Removing entries reorders the heap: walk a snapshot of it. */
    ports = malloc(n_ports * sizeof *ports);
    if (!ports) {
        return 0;               /* try again on the next tick */
    }
    memcpy(ports, fdb->heap, n_ports * sizeof *ports);
    for (uint32_t k = 0; k < n_ports; k++) {
        struct port *p = ports[k];

        while (p->fdb_lru_head
               && fdb_entry_expired(fdb, &fdb->entries[p->fdb_lru_head], now)) {
            fdb_remove(fdb, p->fdb_lru_head);
            n++;
        }
    }
    free(ports);
    fdb->stats.aged += n;
    return n;
}

void
fdb_get_stats(const struct fdb *fdb, struct fdb_stats *s)
{
    *s = fdb->stats;
    s->entries = fdb->n_entries;
    s->max_entries = fdb->max_entries;
}

void
fdb_dump(struct fdb *fdb, fdb_dump_cb *cb, void *arg)
{
    uint32_t now = (uint32_t) fdb_now(fdb);
    uint32_t left = fdb->n_entries;

    /* Only entries[1..n_used] were ever used; stop after the last live one. */
    for (uint32_t i = 1; i <= fdb->n_used && left; i++) {
        const struct fdb_entry *e = &fdb->entries[i];
        struct fdb_entry_info info;

        if (!e->key) {
            continue;
        }
        left--;
        if (fdb_entry_expired(fdb, e, now)) {
            continue;
        }
        fdb_key_mac(e->key, info.mac);
        info.vlan = (uint16_t) (e->key >> 48);
        info.port = e->port;
        info.is_static = fdb_entry_is_static(e);
        info.age_s = info.is_static ? 0 : (uint32_t) (now - e->seen) / 1000;
        if (cb(&info, arg)) {
            break;
        }
    }
}
