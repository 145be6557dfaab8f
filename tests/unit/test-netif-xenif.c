/* Unit tests of the simulated hypervisor: a guest domain (xsim_dom, served
 * by its own thread) and the backend's sim xenif in one process, talking
 * over the real unix socket protocol.  Checks the Xen semantics netback
 * relies on: per-segment grant copy status, ring mapping, event channel
 * bind / notify / mask / unmask / pending, guest death, backend restart. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "netback/xenif.h"
#include "netback/xenif_sim.h"

#define ADD_TEST(suite, fn) \
    do { if (!CU_add_test(suite, #fn, fn)) return 1; } while (0)

static char dir[64];
static char err[256];
static struct xsim_dom *G1, *G2;
static struct xenif *X;

static void setup(void)
{
    G1 = xsim_dom_create(dir, 1, 64, 128, err, sizeof err);
    G2 = xsim_dom_create(dir, 2, 64, 128, err, sizeof err);
    X = xenif_sim_open(dir, 0, err, sizeof err);
    if (!G1 || !G2 || !X)
        fprintf(stderr, "setup: %s\n", err);
}

static void teardown(void)
{
    xenif_close(X);
    xsim_dom_destroy(G1);
    xsim_dom_destroy(G2);
    X = NULL;
    G1 = G2 = NULL;
}

static struct xenif_copy_seg to_guest(void *src, uint16_t dom, uint32_t ref,
                                      uint16_t off, uint16_t len)
{
    struct xenif_copy_seg s = { .len = len, .flags = GNTCOPY_dest_gref };
    s.source.virt = src;
    s.dest.foreign.ref = ref;
    s.dest.foreign.offset = off;
    s.dest.foreign.domid = dom;
    return s;
}

static struct xenif_copy_seg from_guest(uint16_t dom, uint32_t ref, uint16_t off,
                                        uint16_t len, void *dst)
{
    struct xenif_copy_seg s = { .len = len, .flags = GNTCOPY_source_gref };
    s.source.foreign.ref = ref;
    s.source.foreign.offset = off;
    s.source.foreign.domid = dom;
    s.dest.virt = dst;
    return s;
}

/* ---- grant copy ---- */

static void test_copy_both_directions(void)
{
    int pfn = xsim_dom_alloc_page(G1);
    int ref = xsim_gnt_grant(G1, (uint32_t)pfn, 0, false);
    CU_ASSERT_FATAL(ref >= (int)XSIM_GREF_FIRST);
    char out[100] = "hello guest", in[100] = { 0 };
    struct xenif_copy_seg s[2] = {
        to_guest(out, 1, (uint32_t)ref, 4000, 12),
        from_guest(1, (uint32_t)ref, 4000, 12, in),
    };
    CU_ASSERT_EQUAL(xenif_copy(X, s, 2), 0);
    CU_ASSERT_EQUAL(s[0].status, GNTST_okay);
    CU_ASSERT_EQUAL(s[1].status, GNTST_okay);
    CU_ASSERT_STRING_EQUAL(in, "hello guest");
    CU_ASSERT_STRING_EQUAL((char *)xsim_dom_page(G1, (uint32_t)pfn) + 4000, "hello guest");
}

static void test_copy_bad_refs_per_segment(void)
{
    int pfn = xsim_dom_alloc_page(G1);
    int good = xsim_gnt_grant(G1, (uint32_t)pfn, 0, false);
    int revoked = xsim_gnt_grant(G1, (uint32_t)pfn, 0, false);
    CU_ASSERT_EQUAL(xsim_gnt_end(G1, (uint32_t)revoked), 0);
    char buf[8] = "abcdefg";
    struct xenif_copy_seg s[5] = {
        to_guest(buf, 1, 0, 0, 8),                       /* reserved ref */
        to_guest(buf, 1, 1000000, 0, 8),                 /* past the table */
        to_guest(buf, 1, (uint32_t)revoked, 0, 8),       /* revoked */
        to_guest(buf, 1, 100, 0, 8),                     /* never granted */
        to_guest(buf, 1, (uint32_t)good, 0, 8),          /* still works */
    };
    CU_ASSERT_EQUAL(xenif_copy(X, s, 5), 0);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(s[i].status, GNTST_bad_gntref);
    CU_ASSERT_EQUAL(s[4].status, GNTST_okay);
    CU_ASSERT_STRING_EQUAL(xenif_gntst_name(GNTST_bad_gntref), "bad_gntref");
}

static void test_copy_offset_len_past_page(void)
{
    int ref = xsim_gnt_grant(G1, (uint32_t)xsim_dom_alloc_page(G1), 0, false);
    char buf[4096] = { 0 };
    struct xenif_copy_seg s[3] = {
        to_guest(buf, 1, (uint32_t)ref, 4095, 2),
        from_guest(1, (uint32_t)ref, 1, 4096, buf),
        to_guest(buf, 1, (uint32_t)ref, 0, 4096),
    };
    CU_ASSERT_EQUAL(xenif_copy(X, s, 3), 0);
    CU_ASSERT_EQUAL(s[0].status, GNTST_bad_copy_arg);
    CU_ASSERT_EQUAL(s[1].status, GNTST_bad_copy_arg);
    CU_ASSERT_EQUAL(s[2].status, GNTST_okay);
}

static void test_copy_readonly_grant(void)
{
    int pfn = xsim_dom_alloc_page(G1);
    int ro = xsim_gnt_grant(G1, (uint32_t)pfn, 0, true);
    memcpy(xsim_dom_page(G1, (uint32_t)pfn), "ro!", 4);
    char buf[4] = "xxx";
    struct xenif_copy_seg s[2] = {
        to_guest(buf, 1, (uint32_t)ro, 0, 4),
        from_guest(1, (uint32_t)ro, 0, 4, buf),
    };
    CU_ASSERT_EQUAL(xenif_copy(X, s, 2), 0);
    CU_ASSERT_EQUAL(s[0].status, GNTST_permission_denied);
    CU_ASSERT_EQUAL(s[1].status, GNTST_okay);
    CU_ASSERT_STRING_EQUAL(buf, "ro!");
}

static void test_copy_grant_to_other_domain(void)
{
    int ref = xsim_gnt_grant(G1, (uint32_t)xsim_dom_alloc_page(G1), 7, false);
    char buf[4];
    struct xenif_copy_seg s = from_guest(1, (uint32_t)ref, 0, 4, buf);
    CU_ASSERT_EQUAL(xenif_copy(X, &s, 1), 0);
    CU_ASSERT_EQUAL(s.status, GNTST_permission_denied);
}

static void test_copy_dangling_pfn(void)
{
    char buf[4];
    xsim_gnt_set_raw(G1, 50, XSIM_GNT_VALID | 0xffffffu);     /* pfn past memory */
    struct xenif_copy_seg s = from_guest(1, 50, 0, 4, buf);
    CU_ASSERT_EQUAL(xenif_copy(X, &s, 1), 0);
    CU_ASSERT_EQUAL(s.status, GNTST_bad_page);
}

static void test_copy_unknown_domain(void)
{
    char buf[4];
    struct xenif_copy_seg s = from_guest(99, 10, 0, 4, buf);
    CU_ASSERT_EQUAL(xenif_copy(X, &s, 1), 0);
    CU_ASSERT_EQUAL(s.status, GNTST_bad_domain);
}

static void test_copy_local_to_local_rejected(void)
{
    char a[4], b[4];
    struct xenif_copy_seg s = { .len = 4, .flags = 0 };
    s.source.virt = a;
    s.dest.virt = b;
    CU_ASSERT_EQUAL(xenif_copy(X, &s, 1), -EINVAL);
}

static void test_copy_foreign_to_foreign(void)
{
    int p1 = xsim_dom_alloc_page(G1), p2 = xsim_dom_alloc_page(G2);
    int r1 = xsim_gnt_grant(G1, (uint32_t)p1, 0, true);
    int r2 = xsim_gnt_grant(G2, (uint32_t)p2, 0, false);
    memcpy((char *)xsim_dom_page(G1, (uint32_t)p1) + 100, "vif to vif", 11);
    struct xenif_copy_seg s = { .len = 11, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref };
    s.source.foreign.ref = (uint32_t)r1;
    s.source.foreign.offset = 100;
    s.source.foreign.domid = 1;
    s.dest.foreign.ref = (uint32_t)r2;
    s.dest.foreign.offset = 3000;
    s.dest.foreign.domid = 2;
    CU_ASSERT_EQUAL(xenif_copy(X, &s, 1), 0);
    CU_ASSERT_EQUAL(s.status, GNTST_okay);
    CU_ASSERT_STRING_EQUAL((char *)xsim_dom_page(G2, (uint32_t)p2) + 3000, "vif to vif");
}

/* ---- ring mapping ---- */

static void test_map_ring_page(void)
{
    int pfn = xsim_dom_alloc_page(G1);
    int ref = xsim_gnt_grant(G1, (uint32_t)pfn, 0, false);
    char *p = xenif_map_page(X, 1, (uint32_t)ref);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    strcpy(p + 10, "shared");
    CU_ASSERT_STRING_EQUAL((char *)xsim_dom_page(G1, (uint32_t)pfn) + 10, "shared");
    CU_ASSERT_EQUAL(xenif_unmap_page(X, p), 0);
}

static void test_map_bad_grants(void)
{
    int ro = xsim_gnt_grant(G1, (uint32_t)xsim_dom_alloc_page(G1), 0, true);
    CU_ASSERT_PTR_NULL(xenif_map_page(X, 1, (uint32_t)ro));
    CU_ASSERT_PTR_NULL(xenif_map_page(X, 1, 77));
    CU_ASSERT_PTR_NULL(xenif_map_page(X, 42, 8));
}

/* ---- event channels ---- */

static void test_bind_notify_pending(void)
{
    int gp = xsim_evtchn_alloc_unbound(G1, 0);
    CU_ASSERT_FATAL(gp > 0);
    int lp = xenif_bind(X, 1, (uint32_t)gp);
    CU_ASSERT_FATAL(lp > 0);
    CU_ASSERT_TRUE(xsim_evtchn_is_bound(G1, (uint32_t)gp));
    CU_ASSERT_EQUAL(xenif_pending(X), -EAGAIN);

    /* guest -> backend, visible on the pollable fd */
    CU_ASSERT_EQUAL(xsim_evtchn_notify(G1, (uint32_t)gp), 0);
    struct pollfd pf = { .fd = xenif_fd(X), .events = POLLIN };
    CU_ASSERT_EQUAL(poll(&pf, 1, 1000), 1);
    CU_ASSERT_EQUAL(xenif_pending(X), lp);

    /* backend -> guest */
    CU_ASSERT_EQUAL(xsim_evtchn_pending(G1), -EAGAIN);
    CU_ASSERT_EQUAL(xenif_notify(X, (uint32_t)lp), 0);
    CU_ASSERT_EQUAL(xsim_evtchn_pending(G1), gp);
}

static void test_masked_until_unmask_coalesced(void)
{
    int gp = xsim_evtchn_alloc_unbound(G1, 0);
    int lp = xenif_bind(X, 1, (uint32_t)gp);
    xsim_evtchn_notify(G1, (uint32_t)gp);
    CU_ASSERT_EQUAL(xenif_pending(X), lp);
    /* while masked: events are kept, not delivered */
    for (int i = 0; i < 1000; i++)
        xsim_evtchn_notify(G1, (uint32_t)gp);
    CU_ASSERT_EQUAL(xenif_pending(X), -EAGAIN);
    CU_ASSERT_EQUAL(xenif_unmask(X, (uint32_t)lp), 0);
    CU_ASSERT_EQUAL(xenif_pending(X), lp);          /* once, coalesced */
    CU_ASSERT_EQUAL(xenif_unmask(X, (uint32_t)lp), 0);
    CU_ASSERT_EQUAL(xenif_pending(X), -EAGAIN);
}

static void test_bind_errors(void)
{
    int gp = xsim_evtchn_alloc_unbound(G1, 5);       /* for another domain */
    CU_ASSERT_EQUAL(xenif_bind(X, 1, (uint32_t)gp), -EINVAL);
    CU_ASSERT_EQUAL(xenif_bind(X, 1, 999), -EINVAL);
    CU_ASSERT_EQUAL(xenif_bind(X, 1, 0), -EINVAL);
    CU_ASSERT(xenif_bind(X, 77, 1) < 0);             /* no such domain */
    gp = xsim_evtchn_alloc_unbound(G1, 0);
    CU_ASSERT(xenif_bind(X, 1, (uint32_t)gp) > 0);
    CU_ASSERT_EQUAL(xenif_bind(X, 1, (uint32_t)gp), -EBUSY);
    CU_ASSERT_EQUAL(xenif_notify(X, 4000), -EINVAL);
    CU_ASSERT_EQUAL(xenif_unmask(X, 0), -EINVAL);
}

static void test_unbind_and_rebind(void)
{
    int gp = xsim_evtchn_alloc_unbound(G1, 0);
    int lp = xenif_bind(X, 1, (uint32_t)gp);
    CU_ASSERT_EQUAL(xenif_unbind(X, (uint32_t)lp), 0);
    CU_ASSERT_FALSE(xsim_evtchn_is_bound(G1, (uint32_t)gp));
    CU_ASSERT_EQUAL(xenif_unbind(X, (uint32_t)lp), -EINVAL);
    CU_ASSERT(xenif_bind(X, 1, (uint32_t)gp) > 0);
}

static void test_backend_restart_rebinds(void)
{
    /* kill -9 of the backend = its connection closes: ports come free */
    int gp = xsim_evtchn_alloc_unbound(G1, 0);
    CU_ASSERT(xenif_bind(X, 1, (uint32_t)gp) > 0);
    xenif_close(X);
    X = xenif_sim_open(dir, 0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(X);
    int lp = -1;
    for (int i = 0; i < 200 && lp < 0; i++) {        /* guest thread notices EOF */
        lp = xenif_bind(X, 1, (uint32_t)gp);
        if (lp < 0)
            usleep(5000);
    }
    CU_ASSERT(lp > 0);
    xsim_evtchn_notify(G1, (uint32_t)gp);
    CU_ASSERT_EQUAL(xenif_pending(X), lp);
}

/* Mappings of guest memory in this process (guests and backend alike). */
static int guest_mem_maps(void)
{
    char line[512];
    int n = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        n += strstr(line, "memfd:xsim-mem") != NULL;
    fclose(f);
    return n;
}

static void test_guest_death(void)
{
    int pfn = xsim_dom_alloc_page(G1);
    int ref = xsim_gnt_grant(G1, (uint32_t)pfn, 0, false);
    int gp = xsim_evtchn_alloc_unbound(G1, 0);
    int lp = xenif_bind(X, 1, (uint32_t)gp);
    char *ring = xenif_map_page(X, 1, (uint32_t)ref);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    int maps = guest_mem_maps();
    xsim_dom_destroy(G1);
    G1 = NULL;
    /* the port is kicked once so its owner looks */
    struct pollfd pf = { .fd = xenif_fd(X), .events = POLLIN };
    CU_ASSERT_EQUAL(poll(&pf, 1, 1000), 1);
    int p = xenif_pending(X);
    CU_ASSERT_EQUAL(p, lp);
    /* the guest's own mapping and the backend's one of all its memory are
     * gone; only the ring page the vif still holds stays until unmapped */
    CU_ASSERT_EQUAL(guest_mem_maps(), maps - 2);
    char buf[4];
    struct xenif_copy_seg s = from_guest(1, (uint32_t)ref, 0, 4, buf);
    CU_ASSERT_EQUAL(xenif_copy(X, &s, 1), 0);
    CU_ASSERT_EQUAL(s.status, GNTST_bad_domain);
    CU_ASSERT_EQUAL(xenif_notify(X, (uint32_t)lp), 0);
    ring[0] = 1;                                      /* mapping still safe */
    CU_ASSERT_EQUAL(xenif_unmap_page(X, ring), 0);
    CU_ASSERT_EQUAL(guest_mem_maps(), maps - 3);
    CU_ASSERT_EQUAL(xenif_unbind(X, (uint32_t)lp), 0);
}

static void test_guest_reincarnation(void)
{
    /* same domid, new guest process: map/bind reconnect to it */
    char buf[4] = "new";
    xsim_dom_destroy(G1);
    G1 = xsim_dom_create(dir, 1, 16, 64, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(G1);
    int pfn = xsim_dom_alloc_page(G1);
    int ref = xsim_gnt_grant(G1, (uint32_t)pfn, 0, false);
    void *p = xenif_map_page(X, 1, (uint32_t)ref);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    struct xenif_copy_seg s = to_guest(buf, 1, (uint32_t)ref, 0, 4);
    CU_ASSERT_EQUAL(xenif_copy(X, &s, 1), 0);
    CU_ASSERT_EQUAL(s.status, GNTST_okay);
    xenif_unmap_page(X, p);
}

static void test_open_spec(void)
{
    struct xenif *x = xenif_open("bogus", err, sizeof err);
    CU_ASSERT_PTR_NULL(x);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "bogus"));
    char spec[80];
    snprintf(spec, sizeof spec, "sim:%s", dir);
    x = xenif_open(spec, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_STRING_EQUAL(x->ops->kind, "sim");
    xenif_close(x);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/xvs-netback-xsim.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite_with_setup_and_teardown("xenif_sim", NULL, NULL,
                                                       setup, teardown);
    if (!s)
        return 1;
    ADD_TEST(s, test_copy_both_directions);
    ADD_TEST(s, test_copy_bad_refs_per_segment);
    ADD_TEST(s, test_copy_offset_len_past_page);
    ADD_TEST(s, test_copy_readonly_grant);
    ADD_TEST(s, test_copy_grant_to_other_domain);
    ADD_TEST(s, test_copy_dangling_pfn);
    ADD_TEST(s, test_copy_unknown_domain);
    ADD_TEST(s, test_copy_local_to_local_rejected);
    ADD_TEST(s, test_copy_foreign_to_foreign);
    ADD_TEST(s, test_map_ring_page);
    ADD_TEST(s, test_map_bad_grants);
    ADD_TEST(s, test_bind_notify_pending);
    ADD_TEST(s, test_masked_until_unmask_coalesced);
    ADD_TEST(s, test_bind_errors);
    ADD_TEST(s, test_unbind_and_rebind);
    ADD_TEST(s, test_backend_restart_rebinds);
    ADD_TEST(s, test_guest_death);
    ADD_TEST(s, test_guest_reincarnation);
    ADD_TEST(s, test_open_spec);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    rmdir(dir);
    return failed ? 1 : 0;
}
