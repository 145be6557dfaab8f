/* Unit tests of the netback xvsd module: idle without Xen, up on the sim,
 * and a clear error for a bad $XVS_XENIF. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "netback/netback.h"

#define ADD_TEST(suite, fn) \
    do { if (!CU_add_test(suite, #fn, fn)) return 1; } while (0)

static void test_idle_without_xen(void)
{
    struct evloop *l = evloop_create();
    char err[256] = "";
    setenv("XVS_XENIF", "xen", 1);
    CU_ASSERT_EQUAL(netback_module_start(l, err, sizeof err), 0);
    if (access("/dev/xen/gntdev", F_OK))
        CU_ASSERT_PTR_NULL(netback_instance());
    netback_module_stop();
    CU_ASSERT_PTR_NULL(netback_instance());
    evloop_destroy(l);
}

static void test_sim(void)
{
    struct evloop *l = evloop_create();
    char err[256] = "";
    setenv("XVS_XENIF", "sim:/tmp/xvs-netback-module-test", 1);
    CU_ASSERT_EQUAL(netback_module_start(l, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(netback_instance());
    netback_module_stop();
    CU_ASSERT_PTR_NULL(netback_instance());
    evloop_destroy(l);
}

static void test_bad_kind(void)
{
    struct evloop *l = evloop_create();
    char err[256] = "";
    setenv("XVS_XENIF", "kvm", 1);
    CU_ASSERT(netback_module_start(l, err, sizeof err) < 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "kvm"));
    CU_ASSERT_PTR_NULL(netback_instance());
    evloop_destroy(l);
}

int main(void)
{
    xlog_init(XLOG_TO_STDERR, XLOG_WARN);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("netback_module", NULL, NULL);
    if (!s)
        return 1;
    ADD_TEST(s, test_idle_without_xen);
    ADD_TEST(s, test_sim);
    ADD_TEST(s, test_bad_kind);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
