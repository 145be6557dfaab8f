/* test-vif-harness: what test-vif and test-vif-dest share -- a real netback
 * over the sim hypervisor in a temporary directory, an event loop to spin,
 * in-process sim guests attached as vifs, and a CUnit main() that sets it
 * up, runs one suite and tears it down.  Test programs only (static
 * definitions in a header, one includer per program). */
#ifndef XVS_TEST_VIF_HARNESS_H
#define XVS_TEST_VIF_HARNESS_H 1

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "netback/netback.h"
#include "netback/vif.h"
#include "netback/xenif.h"
#include "tests/sim/simfront.h"

static char dir[64];
static struct evloop *loop;
static struct xenif *xif;
static struct netback *nb;

static void stop_loop(void *arg) { evloop_stop(arg); }

/* Run the loop for ms milliseconds. */
static void spin(unsigned ms)
{
    if (evloop_timer_add(loop, ms, 0, stop_loop, loop))
        evloop_run(loop);
}

/* A guest on its own domid, attached as a vif; rx_buffers < 0: all;
 * mac NULL: simfront's default. */
static struct vif *harness_attach(uint16_t domid, struct nf **nfp, int rx_buffers,
                                  const uint8_t *mac)
{
    struct nf_options o = { .dir = dir, .domid = domid, .rx_limit = rx_buffers >= 0,
                            .rx_buffers = rx_buffers >= 0 ? (unsigned)rx_buffers : 0 };
    struct vif_frontend fe;
    char err[256];

    vif_frontend_linux_defaults(&o.features);
    struct nf *nf = nf_create(&o, err, sizeof err);
    if (!nf)
        return NULL;
    if (mac)
        nf_set_mac(nf, mac);
    struct vif *v = nf_publish(nf, &fe) ? NULL
                  : vif_attach(nb, domid, 0, NULL, &fe, err, sizeof err);
    if (!v) {
        fprintf(stderr, "attach dom%u: %s\n", domid, err);
        nf_destroy(nf);
        return NULL;
    }
    *nfp = nf;
    return v;
}

struct harness_test {
    const char *name;
    CU_TestFunc fn;
};
#define HARNESS_TEST(fn) { #fn, fn }

/* main() of a test program: netback over sim:/tmp/xvs-PROG.XXXXXX, the
 * tests as one suite, everything removed after. */
static int harness_main(const char *prog, const char *suite_name,
                        const struct harness_test *tests, unsigned n)
{
    char err[256], spec[96];
    xlog_init(XLOG_TO_STDERR, XLOG_ERR);
    snprintf(dir, sizeof dir, "/tmp/xvs-%s.XXXXXX", prog);
    if (!mkdtemp(dir) || !(loop = evloop_create()))
        return 1;
    snprintf(spec, sizeof spec, "sim:%s", dir);
    if (!(xif = xenif_open(spec, err, sizeof err))
        || !(nb = netback_create(loop, xif, NULL, err, sizeof err))) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return 1;
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite(suite_name, NULL, NULL);
    if (!s)
        return 1;
    for (unsigned i = 0; i < n; i++)
        if (!CU_add_test(s, tests[i].name, tests[i].fn))
            return 1;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    netback_destroy(nb);
    xenif_close(xif);
    evloop_destroy(loop);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd))
        return 1;
    return failed ? 1 : 0;
}

#endif
