/* test-xs-vifrec: the restart records of vifs (xenstore/vifrec.c): what is
 * written reads back the same, and every malformed record is refused
 * with the line and the reason (xvsd then removes it and adopts the vif
 * from xenstore). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/test-main.h"
#include "xenstore/vifrec.h"

static char dir[] = "/tmp/test-vifrec.XXXXXX";

static struct vifrec
sample(void)
{
    struct vifrec r;

    memset(&r, 0, sizeof r);
    r.domid = 5;
    r.devid = 1;
    snprintf(r.fe_path, sizeof r.fe_path, "/local/domain/5/device/vif/1");
    r.rings = (struct xenbus_rings) { .tx_ring_ref = 520, .rx_ring_ref = 521,
                                      .evtchn_tx = 17, .evtchn_rx = 18, .split_evtchn = true,
                                      .rx_copy = true, .sg = true, .gso_tcpv4 = true,
                                      .multicast_control = true };
    r.raw[KEY_MAC] = strdup("00:16:3e:00:00:05");
    r.raw[KEY_BRIDGE] = strdup("xenbr0");
    r.raw[KEY_IP] = strdup("192.0.2.5 192.0.2.6");     /* a space in a value */
    r.raw[KEY_ONLINE] = strdup("1");
    return r;
}

/* Write `text` as DIR/NAME; then vifrec_read's result and message. */
static int
read_bytes(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    char path[256];
    struct vifrec r;
    FILE *f;
    int e;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(text, 1, len, f), len);
    fclose(f);
    err[0] = '\0';
    e = vifrec_read(dir, name, &r, err, errlen);
    if (!e) {
        vifrec_free(&r);
    }
    unlink(path);
    return e;
}

static int
read_text(const char *name, const char *text, char *err, size_t errlen)
{
    return read_bytes(name, text, strlen(text), err, errlen);
}

static void
test_round_trip(void)
{
    struct vifrec w = sample(), r;
    char err[128];
    char **names;
    unsigned n;

    CU_ASSERT_EQUAL_FATAL(vifrec_write(dir, &w), 0);
    CU_ASSERT_EQUAL_FATAL(vifrec_read(dir, "vif-5-1", &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL(r.domid, 5);
    CU_ASSERT_EQUAL(r.devid, 1);
    CU_ASSERT_STRING_EQUAL(r.fe_path, w.fe_path);
    CU_ASSERT_TRUE(vifrec_rings_equal(&r.rings, &w.rings));
    CU_ASSERT_TRUE(r.rings.split_evtchn && r.rings.sg && r.rings.multicast_control);
    CU_ASSERT_FALSE(r.rings.gso_tcpv6 || r.rings.rx_notify || r.rings.no_csum_offload);
    for (unsigned k = 0; k < KEY_N; k++) {
        CU_ASSERT_EQUAL(!r.raw[k], !w.raw[k]);
        if (r.raw[k] && w.raw[k]) {
            CU_ASSERT_STRING_EQUAL(r.raw[k], w.raw[k]);
        }
    }
    vifrec_free(&r);

    /* Listed (its temporary file is not), then removed. */
    CU_ASSERT_EQUAL(vifrec_list(dir, &names, &n), 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_STRING_EQUAL(n ? names[0] : "", "vif-5-1");
    free(names);
    CU_ASSERT_EQUAL(vifrec_remove(dir, 5, 1), 0);
    CU_ASSERT_EQUAL(vifrec_remove(dir, 5, 1), 0);       /* already gone: fine */
    CU_ASSERT_EQUAL(vifrec_read(dir, "vif-5-1", &r, err, sizeof err), -ENOENT);
    CU_ASSERT_EQUAL(vifrec_list(dir, &names, &n), 0);
    CU_ASSERT_EQUAL(n, 0);
    free(names);
    CU_ASSERT_EQUAL(vifrec_list("/nonexistent-xvs-dir", &names, &n), 0);
    CU_ASSERT_EQUAL(n, 0);
    free(names);
    vifrec_free(&w);
}

static void
test_rings_compared(void)
{
    struct vifrec a = sample(), b = sample();

    CU_ASSERT_TRUE(vifrec_rings_equal(&a.rings, &b.rings));
    b.rings.resume = true;                      /* not part of the record */
    CU_ASSERT_TRUE(vifrec_rings_equal(&a.rings, &b.rings));
    b.rings.tx_ring_ref++;
    CU_ASSERT_FALSE(vifrec_rings_equal(&a.rings, &b.rings));
    vifrec_free(&b);
    b = sample();
    b.rings.evtchn_rx++;
    CU_ASSERT_FALSE(vifrec_rings_equal(&a.rings, &b.rings));
    vifrec_free(&b);
    b = sample();
    b.rings.gso_tcpv6 = true;
    CU_ASSERT_FALSE(vifrec_rings_equal(&a.rings, &b.rings));
    vifrec_free(&a);
    vifrec_free(&b);
}

/* A value that cannot be one line is not recorded at all. */
static void
test_unrecordable(void)
{
    struct vifrec w = sample();
    char **names;
    unsigned n;

    free(w.raw[KEY_BRIDGE]);
    w.raw[KEY_BRIDGE] = strdup("xenbr0\nkey vlan 10");
    CU_ASSERT_EQUAL(vifrec_write(dir, &w), -EINVAL);
    CU_ASSERT_EQUAL(vifrec_list(dir, &names, &n), 0);
    CU_ASSERT_EQUAL(n, 0);
    free(names);
    vifrec_free(&w);
}

#define HEAD "xvs-vifrec 1\nfrontend /local/domain/5/device/vif/1\n"
#define RINGS "rings 520 521 17 17 0 0x1\n"

static void
test_malformed(void)
{
    static const struct { const char *text, *msg; } bad[] = {
        { "xvs-vifrec 2\n", "line 1: not \"xvs-vifrec 1\"" },
        { HEAD, "rings line missing" },
        { "xvs-vifrec 1\n" RINGS, "frontend line missing" },
        { HEAD RINGS "key mac 00:16:3e:00:00:05", "truncated or not text" },
        { HEAD "rings 520 521 17\n", "line 3: rings: not" },
        { HEAD "rings 520 521 17 18 0 0x1\n", "line 3: rings: not" },  /* not split */
        { HEAD "rings 520 521 17 17 0 0x0\n", "line 3: rings: not" },  /* no rx-copy */
        { HEAD "rings 520 521 17 17 0 0x100\n", "line 3: rings: not" },
        { HEAD "rings 520 521 17 17 2 0x1\n", "line 3: rings: not" },
        { HEAD "rings 520 521 17 17 0 0x1 x\n", "line 3: rings: not" },
        { HEAD RINGS RINGS, "line 4: rings: not" },
        /* Forms sscanf would read as numbers; the writer never prints them. */
        { HEAD "rings +520 521 17 17 0 0x1\n", "line 3: rings: not" },
        { HEAD "rings 520 521 -1 -1 0 0x1\n", "line 3: rings: not" },
        { HEAD "rings 520  521 17 17 0 0x1\n", "line 3: rings: not" },
        { HEAD "rings 520 521 17 17 0 0x0x1\n", "line 3: rings: not" },
        { HEAD "rings 520 521 17 17 0 0x01\n", "line 3: rings: not" },
        { HEAD "rings 0520 521 17 17 0 0x1\n", "line 3: rings: not" },
        { "xvs-vifrec 1\nfrontend local/domain/5\n" RINGS, "line 2: frontend" },
        { HEAD RINGS "key colour red\n", "line 4: key colour: not a vif key" },
        { HEAD RINGS "key mac 1\nkey mac 2\n", "line 5: key mac: given twice" },
        { HEAD RINGS "key mac\n", "line 4: key: no value" },
        { HEAD RINGS "vlan 10\n", "line 4: unknown line" },
        { "", "truncated or not text" },
    };
    char err[128], big[VIFREC_FILE_MAX + 64];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(read_text("vif-5-1", bad[i].text, err, sizeof err), -EINVAL);
        if (strncmp(err, bad[i].msg, strlen(bad[i].msg))) {
            fprintf(stderr, "\n  case %zu: \"%s\", expected \"%s...\"\n", i, err, bad[i].msg);
            CU_FAIL("wrong reason");
        }
    }
    /* A NUL inside, and more than a record can hold. */
    static const char nul[] = HEAD RINGS "key mac a\0b\n";
    CU_ASSERT_EQUAL(read_bytes("vif-5-1", nul, sizeof nul - 1, err, sizeof err), -EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "truncated or not text");
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, HEAD, strlen(HEAD));
    CU_ASSERT_EQUAL(read_text("vif-5-1", big, err, sizeof err), -EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "longer than a record can be");
    /* Names: only vif-D-N with D and N in range. */
    CU_ASSERT_EQUAL(read_text("vif-32752-0", HEAD RINGS, err, sizeof err), -EINVAL);
    CU_ASSERT_EQUAL(read_text("vif-5-65536", HEAD RINGS, err, sizeof err), -EINVAL);
    CU_ASSERT_EQUAL(read_text("vif-5-1.tmp", HEAD RINGS, err, sizeof err), -EINVAL);
    CU_ASSERT_EQUAL(read_text("vif-05-1x", HEAD RINGS, err, sizeof err), -EINVAL);
    CU_ASSERT_EQUAL(read_text("vif-5-1", HEAD RINGS, err, sizeof err), 0);
}

static int
suite_init(void)
{
    return mkdtemp(dir) ? 0 : -1;
}

static int
suite_clean(void)
{
    return rmdir(dir);
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "write and read back", test_round_trip },
        { "rings compared", test_rings_compared },
        { "values that cannot be recorded", test_unrecordable },
        { "malformed records refused", test_malformed },
        { NULL, NULL },
    };
    return test_main_run("vif records", suite_init, suite_clean, cases);
}
