// xvs-guest-libs: -lxengnttab -lxentoollog -lxentoolcore -lpthread
/* dom0-copycost: what it costs dom0 to move 64 KiB into a guest's pages,
 * each way a backend can (tests/xen/debug-copycost.sh, run.sh -D):
 *
 *   dom0-copycost [-i ITER] [-d DOMID]
 *
 *   memcpy      a CPU copy of 64 KiB in dom0 (what xvsd's TAP read() or
 *               write() costs on top of the grant copy: the second copy)
 *   gcopy       one GNTTABOP_copy of 16 grant-referenced pages (4 KiB each)
 *               into a local buffer: xvsd's and netback's copy today
 *   map_unmap   map the 16 grants into dom0 (gntdev) and unmap them: the
 *               price of letting the kernel read() into the guest's pages
 *   map_copy    map, memcpy 64 KiB into them, unmap: that path whole
 *   syscall     getppid(): one user/kernel crossing (through Xen in PV)
 *
 * The 16 pages are dom0's own, shared with DOMID (default 0, itself) by
 * gntshr: Xen does the same work for a self grant as for a guest's (QEMU's
 * qdisk maps dom0's own blkfront grants the same way).  Each figure is the
 * best of 3 runs of ITER operations, in microseconds per operation; the
 * first line checks that a mapped page shows what the sharer wrote.
 * Exit 0 with every figure printed, 1 if a step failed (named on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <xengnttab.h>
#include <xen/xen.h>

#define CC_PAGES 16
#define CC_PAGE 4096
#define CC_BYTES (CC_PAGES * CC_PAGE)
#define CC_RUNS 3

static xengnttab_handle *cc_gt;
static uint32_t cc_refs[CC_PAGES];
static uint32_t cc_domid;
static unsigned char *cc_local, *cc_src;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int op_memcpy(void)
{
    memcpy(cc_local, cc_src, CC_BYTES);
    __asm__ volatile("" : : "r"(cc_local) : "memory");
    return 0;
}

static int op_syscall(void)
{
    return syscall(SYS_getppid) > 0 ? 0 : -1;
}

static int op_gcopy(void)
{
    xengnttab_grant_copy_segment_t seg[CC_PAGES];
    for (int i = 0; i < CC_PAGES; i++) {
        memset(&seg[i], 0, sizeof seg[i]);
        seg[i].source.foreign.ref = cc_refs[i];
        seg[i].source.foreign.domid = (uint16_t) cc_domid;
        seg[i].source.foreign.offset = 0;
        seg[i].dest.virt = cc_local + i * CC_PAGE;
        seg[i].len = CC_PAGE;
        seg[i].flags = GNTCOPY_source_gref;
    }
    if (xengnttab_grant_copy(cc_gt, CC_PAGES, seg))
        return -1;
    for (int i = 0; i < CC_PAGES; i++)
        if (seg[i].status != GNTST_okay)
            return -1;
    return 0;
}

static int map_and(int copy)
{
    unsigned char *p = xengnttab_map_domain_grant_refs(cc_gt, CC_PAGES, cc_domid, cc_refs,
                                                       PROT_READ | PROT_WRITE);
    if (!p)
        return -1;
    if (copy) {
        memcpy(p, cc_src, CC_BYTES);
        __asm__ volatile("" : : "r"(p) : "memory");
    }
    return xengnttab_unmap(cc_gt, p, CC_PAGES);
}

static int op_map_unmap(void) { return map_and(0); }
static int op_map_copy(void) { return map_and(1); }

/* best of CC_RUNS runs of ITER calls of OP, us per call; < 0 on failure */
static double measure(int (*op)(void), int iter)
{
    double best = -1;
    for (int r = 0; r < CC_RUNS; r++) {
        double t0 = now_us();
        for (int i = 0; i < iter; i++)
            if (op())
                return -1;
        double per = (now_us() - t0) / iter;
        if (best < 0 || per < best)
            best = per;
    }
    return best;
}

int main(int argc, char **argv)
{
    int iter = 200, o;
    while ((o = getopt(argc, argv, "i:d:")) != -1) {
        char *end = NULL;
        unsigned long v = o == '?' ? 0 : strtoul(optarg, &end, 10);
        if (o == '?' || *optarg == '-' || *end || end == optarg
            || (o == 'i' && (v < 1 || v > 1000000)) || (o == 'd' && v >= DOMID_FIRST_RESERVED)) {
            if (o != '?')
                fprintf(stderr, "dom0-copycost: bad -%c '%s' (ITER 1..1000000, DOMID below %u)\n",
                        o, optarg, DOMID_FIRST_RESERVED);
            fprintf(stderr, "usage: dom0-copycost [-i ITER] [-d DOMID]\n");
            return 1;
        }
        if (o == 'i')
            iter = (int) v;
        else
            cc_domid = (uint32_t) v;
    }
    xengntshr_handle *gs = xengntshr_open(NULL, 0);
    cc_gt = xengnttab_open(NULL, 0);
    if (!gs || !cc_gt) {
        fprintf(stderr, "dom0-copycost: open gntshr/gnttab: %s\n", strerror(errno));
        return 1;
    }
    xengnttab_set_max_grants(cc_gt, 4 * CC_PAGES);
    cc_src = xengntshr_share_pages(gs, cc_domid, CC_PAGES, cc_refs, 1);
    cc_local = aligned_alloc(CC_PAGE, CC_BYTES);
    if (!cc_src || !cc_local) {
        fprintf(stderr, "dom0-copycost: share %d pages with domain %u: %s\n",
                CC_PAGES, cc_domid, strerror(errno));
        return 1;
    }
    for (int i = 0; i < CC_BYTES; i++)
        cc_src[i] = (unsigned char) (i * 7 + 1);
    /* the mapped and the copied pages must show what was shared */
    unsigned char *p = xengnttab_map_domain_grant_refs(cc_gt, CC_PAGES, cc_domid, cc_refs, PROT_READ);
    int mapped_ok = p && !memcmp(p, cc_src, CC_BYTES);
    if (p)
        xengnttab_unmap(cc_gt, p, CC_PAGES);
    memset(cc_local, 0, CC_BYTES);
    int copied_ok = !op_gcopy() && !memcmp(cc_local, cc_src, CC_BYTES);
    printf("check mapped=%s copied=%s\n", mapped_ok ? "ok" : "BAD", copied_ok ? "ok" : "BAD");
    if (!mapped_ok || !copied_ok) {
        fprintf(stderr, "dom0-copycost: %s of domain %u's grants does not show the shared data\n",
                !mapped_ok ? "a mapping" : "a grant copy", cc_domid);
        return 1;
    }
    static const struct { const char *name; int (*op)(void); } ops[] = {
        { "syscall", op_syscall }, { "memcpy", op_memcpy }, { "gcopy", op_gcopy },
        { "map_unmap", op_map_unmap }, { "map_copy", op_map_copy },
    };
    int rc = 0;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        double us = measure(ops[k].op, iter);
        if (us < 0) {
            fprintf(stderr, "dom0-copycost: %s failed: %s\n", ops[k].name, strerror(errno));
            rc = 1;
            continue;
        }
        printf("%s_us=%.1f\n", ops[k].name, us);
    }
    printf("pages=%d iter=%d domid=%u\n", CC_PAGES, iter, cc_domid);
    xengntshr_unshare(gs, cc_src, CC_PAGES);
    xengntshr_close(gs);
    xengnttab_close(cc_gt);
    return rc;
}
