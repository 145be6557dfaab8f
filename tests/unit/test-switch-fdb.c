/* FDB: learning, ageing, eviction fairness, limits, moves, statics,
 * flushes, hub mode. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "switch/fdb.h"
#include "switch/port.h"
#include "tests/unit/test-switch-common.h"

static uint64_t now;
static struct test_port pa, pb, pc;
static struct port *A = &pa.port, *B = &pb.port, *C = &pc.port;

static struct fdb *
setup(uint32_t max, uint32_t ageing_s)
{
    struct fdb *fdb;

    now = 1000000;
    test_port_init(&pa, "a");
    test_port_init(&pb, "b");
    test_port_init(&pc, "c");
    fdb = fdb_create(max, ageing_s, test_clock, &now);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fdb);
    return fdb;
}

static struct fdb_stats
stats(const struct fdb *fdb)
{
    struct fdb_stats s;

    fdb_get_stats(fdb, &s);
    return s;
}

static void
learn_n(struct fdb *fdb, uint32_t n, uint16_t vlan, struct port *p)
{
    uint8_t mac[6];

    test_mac_n(n, mac);
    fdb_learn(fdb, mac, vlan, p);
}

static struct port *
lookup_n(struct fdb *fdb, uint32_t n, uint16_t vlan)
{
    uint8_t mac[6];

    test_mac_n(n, mac);
    return fdb_lookup(fdb, mac, vlan);
}

static void
test_learn_lookup(void)
{
    struct fdb *fdb = setup(16, 300);
    uint8_t m[6], other[6];

    test_mac("00:16:3e:00:00:01", m);
    test_mac("00:16:3e:00:00:02", other);
    fdb_learn(fdb, m, 1, A);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 1), A);
    CU_ASSERT_PTR_NULL(fdb_lookup(fdb, m, 2));       /* other VLAN */
    CU_ASSERT_PTR_NULL(fdb_lookup(fdb, other, 1));
    CU_ASSERT_EQUAL(stats(fdb).entries, 1);
    CU_ASSERT_EQUAL(stats(fdb).learned, 1);
    CU_ASSERT_EQUAL(A->fdb_learned, 1);

    /* Same MAC, other VLAN, other port: a separate entry, not a move. */
    fdb_learn(fdb, m, 2, B);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 1), A);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 2), B);
    CU_ASSERT_EQUAL(stats(fdb).moved, 0);
    CU_ASSERT_EQUAL(stats(fdb).entries, 2);
    fdb_destroy(fdb);
}

static void
test_refresh_counts_once(void)
{
    struct fdb *fdb = setup(16, 300);

    for (int i = 0; i < 5; i++) {
        learn_n(fdb, 7, 1, A);
        now += 2000;
    }
    CU_ASSERT_EQUAL(stats(fdb).entries, 1);
    CU_ASSERT_EQUAL(stats(fdb).learned, 1);
    CU_ASSERT_EQUAL(A->fdb_learned, 1);
    fdb_destroy(fdb);
}

static void
test_never_learn_group_or_zero(void)
{
    struct fdb *fdb = setup(16, 300);
    const char *bad[] = {
        "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01",
        "00:00:00:00:00:00", "03:00:00:00:00:00",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        uint8_t m[6];

        test_mac(bad[i], m);
        fdb_learn(fdb, m, 1, A);
        CU_ASSERT_PTR_NULL(fdb_lookup(fdb, m, 1));
        CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, A), -EINVAL);
    }
    CU_ASSERT_EQUAL(stats(fdb).entries, 0);
    CU_ASSERT_EQUAL(stats(fdb).learned, 0);
    CU_ASSERT_EQUAL(A->fdb_learned, 0);
    fdb_destroy(fdb);
}

static void
test_ageing(void)
{
    struct fdb *fdb = setup(16, 300);

    learn_n(fdb, 1, 1, A);
    now += 299999;
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 1, 1), A);
    CU_ASSERT_EQUAL(fdb_age(fdb), 0);
    now += 1;
    /* Expired entries miss even before fdb_age() removes them. */
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 1, 1));
    CU_ASSERT_EQUAL(fdb_age(fdb), 1);
    CU_ASSERT_EQUAL(stats(fdb).aged, 1);
    CU_ASSERT_EQUAL(stats(fdb).entries, 0);
    CU_ASSERT_EQUAL(A->fdb_learned, 0);
    fdb_destroy(fdb);
}

static void
test_ageing_refresh_extends(void)
{
    struct fdb *fdb = setup(16, 300);

    learn_n(fdb, 1, 1, A);
    learn_n(fdb, 2, 1, A);
    now += 200000;
    learn_n(fdb, 1, 1, A);           /* seen again */
    now += 150000;                   /* t = 350 s */
    CU_ASSERT_EQUAL(fdb_age(fdb), 1);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 1, 1), A);
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 2, 1));
    now += 150000;                   /* t = 500 s */
    CU_ASSERT_EQUAL(fdb_age(fdb), 1);
    CU_ASSERT_EQUAL(stats(fdb).entries, 0);
    fdb_destroy(fdb);
}

static void
test_ageing_many_ports(void)
{
    struct fdb *fdb = setup(256, 10);

    for (uint32_t i = 0; i < 30; i++) {
        learn_n(fdb, i, 1, i % 3 == 0 ? A : i % 3 == 1 ? B : C);
        now += 1000;
    }
    /* Entry i was seen at i s and now is 30 s: i <= 20 are >= 10 s old. */
    CU_ASSERT_EQUAL(fdb_age(fdb), 21);            /* i = 0..20 */
    CU_ASSERT_EQUAL(stats(fdb).entries, 9);
    CU_ASSERT_EQUAL(A->fdb_learned + B->fdb_learned + C->fdb_learned, 9);
    for (uint32_t i = 21; i < 30; i++) {
        CU_ASSERT_PTR_NOT_NULL(lookup_n(fdb, i, 1));
    }
    fdb_destroy(fdb);
}

static void
test_set_ageing(void)
{
    struct fdb *fdb = setup(16, 300);

    CU_ASSERT_EQUAL(fdb_get_ageing(fdb), 300);
    CU_ASSERT_EQUAL(fdb_set_ageing(fdb, 10), 0);
    CU_ASSERT_EQUAL(fdb_get_ageing(fdb), 10);
    CU_ASSERT_EQUAL(fdb_set_ageing(fdb, FDB_AGEING_MAX_S + 1), -EINVAL);
    CU_ASSERT_EQUAL(fdb_get_ageing(fdb), 10);
    learn_n(fdb, 1, 1, A);
    now += 10000;
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 1, 1));
    fdb_destroy(fdb);
}

static void
test_hub_mode(void)
{
    struct fdb *fdb = setup(16, 300);
    uint8_t s[6];

    learn_n(fdb, 1, 1, A);
    test_mac_n(99, s);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, s, 1, B), 0);
    CU_ASSERT_EQUAL(fdb_set_ageing(fdb, 0), 0);
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 1, 1));          /* forgotten */
    CU_ASSERT_EQUAL(A->fdb_learned, 0);
    learn_n(fdb, 2, 1, A);
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 2, 1));          /* not learned */
    CU_ASSERT_EQUAL(stats(fdb).entries, 1);           /* the static one */
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, s, 1), B);    /* configured */
    /* Back to learning. */
    CU_ASSERT_EQUAL(fdb_set_ageing(fdb, 300), 0);
    learn_n(fdb, 2, 1, A);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 2, 1), A);
    fdb_destroy(fdb);

    /* Created as a hub. */
    fdb = fdb_create(16, 0, test_clock, &now);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fdb);
    learn_n(fdb, 3, 1, A);
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 3, 1));
    CU_ASSERT_EQUAL(stats(fdb).learned, 0);
    fdb_destroy(fdb);
}

static void
test_move_counted(void)
{
    struct fdb *fdb = setup(16, 300);

    learn_n(fdb, 1, 1, A);
    learn_n(fdb, 1, 1, B);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 1, 1), B);
    CU_ASSERT_EQUAL(stats(fdb).moved, 1);
    CU_ASSERT_EQUAL(stats(fdb).entries, 1);
    CU_ASSERT_EQUAL(A->fdb_learned, 0);
    CU_ASSERT_EQUAL(B->fdb_learned, 1);
    learn_n(fdb, 1, 1, A);
    CU_ASSERT_EQUAL(stats(fdb).moved, 2);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 1, 1), A);
    fdb_destroy(fdb);
}

static void
test_move_after_expiry_is_not_a_move(void)
{
    struct fdb *fdb = setup(16, 300);

    learn_n(fdb, 1, 1, A);
    now += 400000;                    /* expired, not yet aged out */
    learn_n(fdb, 1, 1, B);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 1, 1), B);
    CU_ASSERT_EQUAL(stats(fdb).moved, 0);
    CU_ASSERT_EQUAL(stats(fdb).learned, 2);
    CU_ASSERT_EQUAL(fdb_age(fdb), 0);
    fdb_destroy(fdb);
}

static void
test_static_entries(void)
{
    struct fdb *fdb = setup(16, 300);
    uint8_t m[6];

    test_mac_n(5, m);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, A), 0);
    CU_ASSERT_EQUAL(A->fdb_learned, 0);               /* not "learned" */
    fdb_learn(fdb, m, 1, B);                          /* never moves */
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 1), A);
    CU_ASSERT_EQUAL(stats(fdb).moved, 0);
    now += 10ull * FDB_AGEING_MAX_S * 1000;           /* never ages */
    CU_ASSERT_EQUAL(fdb_age(fdb), 0);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 1), A);
    CU_ASSERT_EQUAL(fdb_flush(fdb, NULL, 0, false), 0);
    CU_ASSERT_EQUAL(fdb_flush(fdb, A, 0, false), 0);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 1), A);
    CU_ASSERT_EQUAL(fdb_del(fdb, m, 1), 0);
    CU_ASSERT_PTR_NULL(fdb_lookup(fdb, m, 1));
    CU_ASSERT_EQUAL(fdb_del(fdb, m, 1), -ENOENT);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, A), 0);
    CU_ASSERT_EQUAL(fdb_flush(fdb, NULL, 0, true), 1);
    CU_ASSERT_EQUAL(stats(fdb).entries, 0);
    fdb_destroy(fdb);
}

static void
test_static_bad_args(void)
{
    struct fdb *fdb = setup(16, 300);
    uint8_t m[6];

    test_mac_n(5, m);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 0, A), -EINVAL);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 4095, A), -EINVAL);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, NULL), -EINVAL);
    CU_ASSERT_EQUAL(stats(fdb).entries, 0);
    fdb_destroy(fdb);
}

static void
test_static_replaces_dynamic(void)
{
    struct fdb *fdb = setup(16, 300);
    uint8_t m[6];

    test_mac_n(5, m);
    fdb_learn(fdb, m, 1, A);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, B), 0);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 1), B);
    CU_ASSERT_EQUAL(A->fdb_learned, 0);
    CU_ASSERT_EQUAL(stats(fdb).entries, 1);
    /* And a static entry can be re-pointed by the administrator. */
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, C), 0);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 1), C);
    CU_ASSERT_EQUAL(stats(fdb).entries, 1);
    fdb_destroy(fdb);
}

static void
test_full_of_statics(void)
{
    struct fdb *fdb = setup(4, 300);
    uint8_t m[6];

    for (uint32_t i = 0; i < 4; i++) {
        test_mac_n(i, m);
        CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, A), 0);
    }
    test_mac_n(4, m);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, A), -ENOSPC);
    learn_n(fdb, 5, 1, B);
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 5, 1));
    CU_ASSERT_EQUAL(stats(fdb).full_drops, 1);
    CU_ASSERT_EQUAL(stats(fdb).evicted, 0);
    CU_ASSERT_EQUAL(stats(fdb).entries, 4);
    fdb_destroy(fdb);
}

static void
test_static_not_evicted(void)
{
    struct fdb *fdb = setup(4, 300);
    uint8_t m[6];

    test_mac_n(100, m);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, A), 0);
    for (uint32_t i = 0; i < 50; i++) {
        learn_n(fdb, i, 1, A);
    }
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, m, 1), A);
    CU_ASSERT_EQUAL(stats(fdb).entries, 4);
    CU_ASSERT_EQUAL(A->fdb_learned, 3);
    fdb_destroy(fdb);
}

static void
test_max_size_evicts_oldest(void)
{
    struct fdb *fdb = setup(4, 300);

    for (uint32_t i = 0; i < 5; i++) {
        learn_n(fdb, i, 1, A);
        now += 1000;
    }
    CU_ASSERT_EQUAL(stats(fdb).entries, 4);
    CU_ASSERT_EQUAL(stats(fdb).evicted, 1);
    CU_ASSERT_EQUAL(A->fdb_learned, 4);
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 0, 1));
    for (uint32_t i = 1; i < 5; i++) {
        CU_ASSERT_PTR_EQUAL(lookup_n(fdb, i, 1), A);
    }
    fdb_destroy(fdb);
}

static void
test_eviction_is_lru(void)
{
    struct fdb *fdb = setup(3, 300);

    learn_n(fdb, 1, 1, A);
    now += 1000;
    learn_n(fdb, 2, 1, A);
    now += 1000;
    learn_n(fdb, 3, 1, A);
    now += 1000;
    learn_n(fdb, 1, 1, A);            /* 1 seen again: 2 is now the oldest */
    learn_n(fdb, 4, 1, A);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 1, 1), A);
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 2, 1));
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 3, 1), A);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 4, 1), A);
    fdb_destroy(fdb);
}

static void
test_eviction_fairness(void)
{
    struct fdb *fdb = setup(1000, 300);
    unsigned kept = 0;

    for (uint32_t i = 0; i < 10; i++) {
        learn_n(fdb, 0x100000 + i, 1, B);
    }
    srand(42);
    for (uint32_t i = 0; i < 10000; i++) {
        uint8_t m[6];

        test_mac_n((uint32_t) rand() & 0xfffff, m);
        fdb_learn(fdb, m, 1, A);
        if (i % 100 == 0) {
            now += 1000;
        }
    }
    for (uint32_t i = 0; i < 10; i++) {
        kept += lookup_n(fdb, 0x100000 + i, 1) == B;
    }
    CU_ASSERT_EQUAL(kept, 10);
    CU_ASSERT_EQUAL(B->fdb_learned, 10);
    CU_ASSERT_EQUAL(A->fdb_learned, 990);
    CU_ASSERT_EQUAL(stats(fdb).entries, 1000);
    CU_ASSERT(stats(fdb).evicted >= 8000);
    CU_ASSERT_EQUAL(stats(fdb).learned - stats(fdb).evicted, 1000);
    fdb_destroy(fdb);
}

static void
test_eviction_takes_from_biggest(void)
{
    struct fdb *fdb = setup(100, 300);
    uint32_t n = 0;

    for (int i = 0; i < 50; i++) {
        learn_n(fdb, n++, 1, A);
    }
    for (int i = 0; i < 30; i++) {
        learn_n(fdb, n++, 1, B);
    }
    for (int i = 0; i < 20; i++) {
        learn_n(fdb, n++, 1, C);
    }
    /* C learns 25 more: A (the biggest) pays until C is level with it,
     * then A and C take turns; B, never the biggest, keeps all. */
    for (int i = 0; i < 25; i++) {
        learn_n(fdb, n++, 1, C);
    }
    CU_ASSERT_EQUAL(B->fdb_learned, 30);
    CU_ASSERT_EQUAL(A->fdb_learned + C->fdb_learned, 70);
    CU_ASSERT(A->fdb_learned >= 34 && A->fdb_learned <= 36);
    CU_ASSERT_EQUAL(stats(fdb).evicted, 25);
    /* The oldest of A went first: A's first 15 MACs are gone. */
    for (uint32_t i = 0; i < 15; i++) {
        CU_ASSERT_PTR_NULL(lookup_n(fdb, i, 1));
    }
    for (uint32_t i = 50; i < 80; i++) {
        CU_ASSERT_PTR_EQUAL(lookup_n(fdb, i, 1), B);
    }
    /* B learning now evicts from A or C, never from itself. */
    learn_n(fdb, n++, 1, B);
    CU_ASSERT_EQUAL(B->fdb_learned, 31);
    CU_ASSERT_EQUAL(A->fdb_learned + C->fdb_learned, 69);
    fdb_destroy(fdb);
}

static int
count_cb(const struct fdb_entry_info *e, void *arg)
{
    unsigned *n = arg;

    (void) e;
    (*n)++;
    return 0;
}

static void
test_set_max(void)
{
    struct fdb *fdb = setup(128, 300);
    uint8_t s[6];
    unsigned found = 0, dumped = 0;

    for (uint32_t i = 0; i < 60; i++) {
        learn_n(fdb, i, 1, A);
    }
    for (uint32_t i = 60; i < 100; i++) {
        learn_n(fdb, i, 1, B);
    }
    test_mac_n(1000, s);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, s, 1, C), 0);

    CU_ASSERT_EQUAL(fdb_set_max(fdb, 51), 0);
    CU_ASSERT_EQUAL(stats(fdb).max_entries, 51);
    CU_ASSERT_EQUAL(stats(fdb).entries, 51);
    CU_ASSERT_EQUAL(A->fdb_learned + B->fdb_learned, 50);
    CU_ASSERT_EQUAL(A->fdb_learned, 25);
    CU_ASSERT_EQUAL(B->fdb_learned, 25);
    CU_ASSERT_EQUAL(stats(fdb).evicted, 50);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, s, 1), C);
    for (uint32_t i = 0; i < 100; i++) {
        struct port *p = lookup_n(fdb, i, 1);

        if (p) {
            found++;
            CU_ASSERT_PTR_EQUAL(p, i < 60 ? A : B);
        }
    }
    CU_ASSERT_EQUAL(found, 50);
    /* The oldest went: A keeps 35..59, B keeps 75..99. */
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 34, 1));
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 35, 1), A);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 75, 1), B);
    fdb_dump(fdb, count_cb, &dumped);
    CU_ASSERT_EQUAL(dumped, 51);

    /* Growing keeps everything and makes room. */
    CU_ASSERT_EQUAL(fdb_set_max(fdb, 4096), 0);
    CU_ASSERT_EQUAL(stats(fdb).entries, 51);
    for (uint32_t i = 2000; i < 3000; i++) {
        learn_n(fdb, i, 1, C);
    }
    CU_ASSERT_EQUAL(stats(fdb).entries, 1051);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 35, 1), A);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, s, 1), C);
    /* Ageing still works on the moved entries (their lists survived). */
    now += 301000;
    CU_ASSERT_EQUAL(fdb_age(fdb), 1050);
    CU_ASSERT_EQUAL(stats(fdb).entries, 1);
    fdb_destroy(fdb);
}

static void
test_limits_bad_args(void)
{
    struct fdb *fdb;
    uint8_t s[6];

    errno = 0;
    CU_ASSERT_PTR_NULL(fdb_create(0, 300, NULL, NULL));
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_PTR_NULL(fdb_create(FDB_MAX_ENTRIES_LIMIT + 1, 300, NULL, NULL));
    CU_ASSERT_PTR_NULL(fdb_create(16, FDB_AGEING_MAX_S + 1, NULL, NULL));

    fdb = setup(8, 300);
    CU_ASSERT_EQUAL(fdb_set_max(fdb, 0), -EINVAL);
    CU_ASSERT_EQUAL(fdb_set_max(fdb, FDB_MAX_ENTRIES_LIMIT + 1), -EINVAL);
    for (uint32_t i = 0; i < 3; i++) {
        test_mac_n(i, s);
        CU_ASSERT_EQUAL(fdb_add_static(fdb, s, 1, A), 0);
    }
    CU_ASSERT_EQUAL(fdb_set_max(fdb, 2), -ENOSPC);
    CU_ASSERT_EQUAL(stats(fdb).max_entries, 8);
    CU_ASSERT_EQUAL(fdb_set_max(fdb, 3), 0);
    CU_ASSERT_EQUAL(stats(fdb).entries, 3);
    fdb_destroy(fdb);

    /* Default clock works (no injected one). */
    fdb = fdb_create(8, 300, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fdb);
    learn_n(fdb, 1, 1, A);
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 1, 1), A);
    fdb_destroy(fdb);
    CU_ASSERT_EQUAL(A->fdb_learned, 0);   /* destroy resets the port */
}

static void
test_flush(void)
{
    struct fdb *fdb = setup(64, 300);
    uint8_t s[6];

    for (uint32_t i = 0; i < 3; i++) {
        learn_n(fdb, i, 10, A);
        learn_n(fdb, i, 20, A);
    }
    for (uint32_t i = 10; i < 12; i++) {
        learn_n(fdb, i, 10, B);
        learn_n(fdb, i, 20, B);
    }
    test_mac_n(50, s);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, s, 10, B), 0);
    CU_ASSERT_EQUAL(stats(fdb).entries, 11);

    CU_ASSERT_EQUAL(fdb_flush(fdb, A, 20, false), 3);     /* port + VLAN */
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 0, 10), A);
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 0, 20));
    CU_ASSERT_EQUAL(fdb_flush(fdb, NULL, 10, false), 5);  /* VLAN */
    CU_ASSERT_PTR_NULL(lookup_n(fdb, 0, 10));
    CU_ASSERT_PTR_EQUAL(lookup_n(fdb, 10, 20), B);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(fdb, s, 10), B);       /* static kept */
    CU_ASSERT_EQUAL(fdb_flush(fdb, B, 0, false), 2);      /* port */
    CU_ASSERT_EQUAL(stats(fdb).entries, 1);
    CU_ASSERT_EQUAL(fdb_flush(fdb, B, 0, true), 1);
    CU_ASSERT_EQUAL(stats(fdb).entries, 0);
    CU_ASSERT_EQUAL(A->fdb_learned + B->fdb_learned, 0);

    learn_n(fdb, 1, 1, A);
    learn_n(fdb, 2, 1, B);
    CU_ASSERT_EQUAL(fdb_flush(fdb, NULL, 0, false), 2);   /* bridge */
    CU_ASSERT_EQUAL(stats(fdb).entries, 0);
    fdb_destroy(fdb);
}

struct dump_ctx {
    unsigned n, n_static, stop_after;
    uint32_t max_age;
    bool saw_mac;
};

static int
dump_cb(const struct fdb_entry_info *e, void *arg)
{
    struct dump_ctx *c = arg;
    uint8_t m[6];

    test_mac_n(3, m);
    c->n++;
    c->n_static += e->is_static;
    c->max_age = MAX(c->max_age, e->age_s);
    if (!memcmp(e->mac, m, 6) && e->vlan == 7 && e->port == A) {
        c->saw_mac = true;
    }
    return c->stop_after && c->n >= c->stop_after;
}

static void
test_dump(void)
{
    struct fdb *fdb = setup(64, 300);
    struct dump_ctx c = { 0 };
    uint8_t s[6];

    learn_n(fdb, 3, 7, A);
    now += 42000;
    learn_n(fdb, 4, 7, B);
    test_mac_n(5, s);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, s, 7, B), 0);
    fdb_dump(fdb, dump_cb, &c);
    CU_ASSERT_EQUAL(c.n, 3);
    CU_ASSERT_EQUAL(c.n_static, 1);
    CU_ASSERT_EQUAL(c.max_age, 42);
    CU_ASSERT(c.saw_mac);

    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    fdb_dump(fdb, dump_cb, &c);
    CU_ASSERT_EQUAL(c.n, 2);

    now += 300000;                   /* expired entries are not shown */
    memset(&c, 0, sizeof c);
    fdb_dump(fdb, dump_cb, &c);
    CU_ASSERT_EQUAL(c.n, 1);
    fdb_destroy(fdb);
}

/* A dump stops after the last used entry: entries left at the start, the
 * middle and the end of a big table after most were deleted, expired ones
 * (not yet aged out: still used) before live ones, a static at the end. */
struct mark_ctx {
    uint32_t n;
    bool seen[1000];
};

static int
mark_cb(const struct fdb_entry_info *e, void *arg)
{
    struct mark_ctx *c = arg;
    uint8_t m[6];

    for (uint32_t i = 0; i < 1000; i++) {
        test_mac_n(i, m);
        if (!memcmp(e->mac, m, 6)) {
            c->seen[i] = true;
        }
    }
    c->n++;
    return 0;
}

static void
test_dump_sparse(void)
{
    static const uint32_t keep[] = { 0, 1, 500, 997, 998 };
    struct fdb *fdb = setup(1000, 300);
    struct mark_ctx *c = calloc(1, sizeof *c);
    uint8_t m[6];

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    for (uint32_t i = 0; i < 999; i++) {
        learn_n(fdb, i, 1, i == 1 ? B : A);
        if (i == 1) {
            now += 200000;                  /* 0 and 1 expire first */
        }
    }
    for (uint32_t i = 0, k = 0; i < 999; i++) {
        if (k < ARRAY_SIZE(keep) && keep[k] == i) {
            k++;
            continue;
        }
        test_mac_n(i, m);
        CU_ASSERT_EQUAL(fdb_del(fdb, m, 1), 0);
    }
    test_mac_n(999, m);
    CU_ASSERT_EQUAL(fdb_add_static(fdb, m, 1, C), 0);
    CU_ASSERT_EQUAL(stats(fdb).entries, 6);
    fdb_dump(fdb, mark_cb, c);
    CU_ASSERT_EQUAL(c->n, 6);
    for (uint32_t k = 0; k < ARRAY_SIZE(keep); k++) {
        CU_ASSERT(c->seen[keep[k]]);
    }
    CU_ASSERT(c->seen[999]);

    now += 150000;                          /* 0 and 1 expired, not aged */
    memset(c, 0, sizeof *c);
    fdb_dump(fdb, mark_cb, c);
    CU_ASSERT_EQUAL(c->n, 4);
    CU_ASSERT(!c->seen[0] && !c->seen[1]);
    CU_ASSERT(c->seen[500] && c->seen[997] && c->seen[998] && c->seen[999]);
    free(c);
    fdb_destroy(fdb);
}

/* Random operations against the invariants of fdb.h. */
struct check_ctx {
    unsigned per_port[3], n_static, n;
    struct fdb *fdb;
    bool lookups_agree;
};

static int
check_cb(const struct fdb_entry_info *e, void *arg)
{
    struct check_ctx *c = arg;

    c->n++;
    if (e->is_static) {
        c->n_static++;
    } else {
        c->per_port[e->port == A ? 0 : e->port == B ? 1 : 2]++;
    }
    if (fdb_lookup(c->fdb, e->mac, e->vlan) != e->port) {
        c->lookups_agree = false;
    }
    return 0;
}

static void
test_random_invariants(void)
{
    struct fdb *fdb = setup(64, 30);
    struct port *ports[3] = { A, B, C };

    srand(7);
    for (int step = 0; step < 20000; step++) {
        uint8_t m[6];
        int op = rand() % 100;

        test_mac_n((uint32_t) rand() % 200, m);
        uint16_t vlan = (uint16_t) (1 + rand() % 3);
        struct port *p = ports[rand() % 3];

        if (op < 70) {
            fdb_learn(fdb, m, vlan, p);
        } else if (op < 75) {
            fdb_add_static(fdb, m, vlan, p);
        } else if (op < 85) {
            fdb_del(fdb, m, vlan);
        } else if (op < 88) {
            fdb_flush(fdb, rand() % 2 ? p : NULL, rand() % 2 ? vlan : 0,
                      rand() % 4 == 0);
        } else if (op < 90) {
            fdb_set_max(fdb, (uint32_t) (8 + rand() % 100));
        } else {
            now += (uint64_t) (rand() % 3000);
            if (op < 93) {
                fdb_age(fdb);
            }
        }
        if (step % 50 == 0) {
            struct check_ctx c = { .fdb = fdb, .lookups_agree = true };
            struct fdb_stats s = stats(fdb);

            fdb_age(fdb);
            s = stats(fdb);
            fdb_dump(fdb, check_cb, &c);
            CU_ASSERT_EQUAL(c.n, s.entries);
            CU_ASSERT(s.entries <= s.max_entries);
            CU_ASSERT_EQUAL(c.per_port[0], A->fdb_learned);
            CU_ASSERT_EQUAL(c.per_port[1], B->fdb_learned);
            CU_ASSERT_EQUAL(c.per_port[2], C->fdb_learned);
            CU_ASSERT(c.lookups_agree);
        }
    }
    fdb_destroy(fdb);
}

int
main(void)
{
    static const test_case cases[] = {
        { "learn and lookup", test_learn_lookup },
        { "refresh counts once", test_refresh_counts_once },
        { "never learn group or zero MACs", test_never_learn_group_or_zero },
        { "ageing", test_ageing },
        { "ageing: refresh extends", test_ageing_refresh_extends },
        { "ageing: many ports", test_ageing_many_ports },
        { "set ageing", test_set_ageing },
        { "hub mode (ageing 0)", test_hub_mode },
        { "moves counted", test_move_counted },
        { "move after expiry is not a move", test_move_after_expiry_is_not_a_move },
        { "static entries", test_static_entries },
        { "static: bad args", test_static_bad_args },
        { "static replaces dynamic", test_static_replaces_dynamic },
        { "full of statics", test_full_of_statics },
        { "statics not evicted", test_static_not_evicted },
        { "max size evicts oldest", test_max_size_evicts_oldest },
        { "eviction is LRU", test_eviction_is_lru },
        { "eviction fairness (flooder vs 10 MACs)", test_eviction_fairness },
        { "eviction takes from biggest port", test_eviction_takes_from_biggest },
        { "set max: shrink fairly, grow", test_set_max },
        { "limits and bad args", test_limits_bad_args },
        { "flush by bridge/port/VLAN", test_flush },
        { "dump", test_dump },
        { "dump of a sparse table with expired entries", test_dump_sparse },
        { "random operations keep invariants", test_random_invariants },
        { NULL, NULL },
    };

    return test_run_suite("fdb", cases);
}
