/* Unit tests of ports/hpstate: record text, the adopt-or-refuse decision,
 * tun_flags, and the record files in a temporary state directory. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "ports/hpstate.h"
#include "tests/unit/test-main.h"

static char dir[] = "/tmp/xvs-hp4-unit.XXXXXX";

static void
test_decide(void)
{
    struct hpstate_rec rec = { .ifindex = 7 };

    CU_ASSERT_EQUAL(hpstate_decide(0, false, NULL), HPSTATE_CREATE);
    CU_ASSERT_EQUAL(hpstate_decide(0, false, &rec), HPSTATE_CREATE);   /* stale record */
    CU_ASSERT_EQUAL(hpstate_decide(7, true, &rec), HPSTATE_ADOPT);
    CU_ASSERT_EQUAL(hpstate_decide(7, true, NULL), HPSTATE_FOREIGN);   /* no record */
    CU_ASSERT_EQUAL(hpstate_decide(8, true, &rec), HPSTATE_FOREIGN);   /* other ifindex */
    CU_ASSERT_EQUAL(hpstate_decide(7, false, &rec), HPSTATE_FOREIGN);  /* not a TAP */
}

static void
test_parse_good(void)
{
    struct hpstate_rec rec;

    CU_ASSERT_EQUAL(hpstate_parse("ifindex 12\n", &rec), 0);
    CU_ASSERT_EQUAL(rec.ifindex, 12);
    CU_ASSERT_STRING_EQUAL(rec.takeover, "");
    CU_ASSERT_EQUAL(hpstate_parse("takeover eth0\nifindex 3\n", &rec), 0);
    CU_ASSERT_EQUAL(rec.ifindex, 3);
    CU_ASSERT_STRING_EQUAL(rec.takeover, "eth0");
    CU_ASSERT_EQUAL(hpstate_parse("ifindex 2147483647", &rec), 0);
}

static void
test_parse_bad(void)
{
    static const char *const bad[] = {
        "", "\n", "ifindex\n", "ifindex 0\n", "ifindex -1\n", "ifindex 12x\n",
        "ifindex 2147483648\n", "ifindex 1\nifindex 2\n", "takeover eth0\n",
        "ifindex 1\ntakeover \n", "ifindex 1\ntakeover a/b\n",
        "ifindex 1\ntakeover 0123456789abcdef\n", "ifindex 1\ntakeover ..\n",
        "ifindex 1\ntakeover a\ntakeover b\n", "ifindex 1\nfoo bar\n", "ifindex  1\n",
    };
    struct hpstate_rec rec;
    char big[HPSTATE_TEXT_MAX + 20];
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (hpstate_parse(bad[i], &rec) != -EINVAL) {
            fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
            CU_FAIL("a bad record was accepted");
        }
    }
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "ifindex ", 8);
    CU_ASSERT_EQUAL(hpstate_parse(big, &rec), -EINVAL);
}

static void
test_format_roundtrip(void)
{
    struct hpstate_rec rec = { .ifindex = 42, .takeover = "eth1" }, back;
    char buf[HPSTATE_TEXT_MAX];

    CU_ASSERT_EQUAL(hpstate_format(&rec, buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "ifindex 42\ntakeover eth1\n");
    CU_ASSERT_EQUAL(hpstate_parse(buf, &back), 0);
    CU_ASSERT_EQUAL(back.ifindex, 42);
    CU_ASSERT_STRING_EQUAL(back.takeover, "eth1");
    rec.takeover[0] = '\0';
    CU_ASSERT_EQUAL(hpstate_format(&rec, buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "ifindex 42\n");
    CU_ASSERT_EQUAL(hpstate_format(&rec, buf, 5), -ENOSPC);
    rec.ifindex = 0;
    CU_ASSERT_EQUAL(hpstate_format(&rec, buf, sizeof buf), -EINVAL);
}

static void
test_tun_flags(void)
{
    CU_ASSERT_TRUE(hpstate_flags_are_tap("0x1002\n"));     /* TAP | NO_PI */
    CU_ASSERT_TRUE(hpstate_flags_are_tap("0x5002"));       /* + VNET_HDR */
    CU_ASSERT_FALSE(hpstate_flags_are_tap("0x1001\n"));    /* TUN */
    CU_ASSERT_FALSE(hpstate_flags_are_tap(""));
    CU_ASSERT_FALSE(hpstate_flags_are_tap("tap"));
    CU_ASSERT_FALSE(hpstate_flags_are_tap("0x2 junk"));
    CU_ASSERT_FALSE(hpstate_dev_is_tap("lo"));
    CU_ASSERT_FALSE(hpstate_dev_is_tap("../lo"));
}

static void
test_files(void)
{
    struct hpstate_rec rec = { .ifindex = 5, .takeover = "eth0" }, back;
    char path[256];
    FILE *f;

    CU_ASSERT_EQUAL(hpstate_load(dir, "xvsu0", &back), -ENOENT);
    CU_ASSERT_EQUAL(hpstate_save(dir, "xvsu0", &rec), 0);
    CU_ASSERT_EQUAL(hpstate_load(dir, "xvsu0", &back), 0);
    CU_ASSERT_EQUAL(back.ifindex, 5);
    CU_ASSERT_STRING_EQUAL(back.takeover, "eth0");
    CU_ASSERT_EQUAL(hpstate_save(dir, "a/b", &rec), -EINVAL);
    hpstate_remove(dir, "xvsu0");
    CU_ASSERT_EQUAL(hpstate_load(dir, "xvsu0", &back), -ENOENT);
    hpstate_remove(dir, "xvsu0");                   /* missing: no error */

    snprintf(path, sizeof path, "%s/" HPSTATE_PREFIX "xvsu1", dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("garbage\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(hpstate_load(dir, "xvsu1", &back), -EINVAL);
    unlink(path);
}

static bool
keep_kept(const char *name, void *arg)
{
    (void) arg;
    return !strcmp(name, "xvsukept");
}

static void
test_leftovers(void)
{
    struct hpstate_rec rec = { .ifindex = 99999 }, back;

    /* No device of that name; "lo" exists but is no TAP: both records go,
     * lo stays; a configured one stays. */
    CU_ASSERT_EQUAL(hpstate_save(dir, "xvsugone", &rec), 0);
    CU_ASSERT_EQUAL(hpstate_save(dir, "lo", &rec), 0);
    CU_ASSERT_EQUAL(hpstate_save(dir, "xvsukept", &rec), 0);
    CU_ASSERT_EQUAL(hpstate_remove_leftovers(dir, keep_kept, NULL), 2);
    CU_ASSERT_EQUAL(hpstate_load(dir, "xvsugone", &back), -ENOENT);
    CU_ASSERT_EQUAL(hpstate_load(dir, "lo", &back), -ENOENT);
    CU_ASSERT_EQUAL(hpstate_load(dir, "xvsukept", &back), 0);
    CU_ASSERT_NOT_EQUAL(if_nametoindex("lo"), 0);
    hpstate_remove(dir, "xvsukept");
    CU_ASSERT_EQUAL(hpstate_remove_leftovers("/nonexistent-xvs", keep_kept, NULL), 0);
}

static int
setup(void)
{
    return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void)
{
    return rmdir(dir);      /* fails (and so the suite) if a file is left */
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        TEST_MAIN_CASE(test_decide),
        TEST_MAIN_CASE(test_parse_good),
        TEST_MAIN_CASE(test_parse_bad),
        TEST_MAIN_CASE(test_format_roundtrip),
        TEST_MAIN_CASE(test_tun_flags),
        TEST_MAIN_CASE(test_files),
        TEST_MAIN_CASE(test_leftovers),
        { NULL, NULL },
    };

    return test_main_run("hpstate", setup, teardown, cases);
}
