/* test-xs-state: the vif backend state machine (xenstore/xenbus_state.c):
 * where each frontend state sends the backend, and the hops on the way. */
#include <CUnit/Basic.h>

#include "tests/unit/test-main.h"
#include "xenstore/xenbus_state.h"

/* Walk from `be` to `target`; the published sequence, "" if none. */
static const char *
walk(enum xb_state be, enum xb_state target)
{
    static char buf[32];
    size_t n = 0;

    for (int i = 0; i < 8 && be != target; i++) {
        be = xb_state_step(be, target);
        buf[n++] = (char) ('0' + be);
    }
    buf[n] = '\0';
    return be == target ? buf : "stuck";
}

/* The backend reaction to a frontend state, as the published sequence. */
static const char *
react(enum xb_state be, enum xb_state fe, bool online, bool *destroy)
{
    return walk(be, xb_state_target(be, fe, online, destroy));
}

static void
test_connect(void)
{
    bool d;

    CU_ASSERT_STRING_EQUAL(walk(XB_INITIALISING, XB_INITWAIT), "2");
    CU_ASSERT_STRING_EQUAL(react(XB_INITWAIT, XB_INITIALISING, true, &d), "");
    CU_ASSERT_STRING_EQUAL(react(XB_INITWAIT, XB_CONNECTED, true, &d), "4");
    CU_ASSERT_FALSE(d);
    CU_ASSERT_STRING_EQUAL(react(XB_INITWAIT, XB_INITIALISED, true, &d), "4");
    CU_ASSERT_STRING_EQUAL(react(XB_CONNECTED, XB_CONNECTED, true, &d), "");
    CU_ASSERT_TRUE(xb_state_hop_connects(XB_INITWAIT, XB_CONNECTED));
    CU_ASSERT_FALSE(xb_state_hop_connects(XB_CLOSED, XB_INITWAIT));
}

static void
test_close_and_reconnect(void)
{
    bool d;

    /* Guest reset (kexec): FE 5, 6, 1 -> BE 5, 6, 2; the device stays. */
    CU_ASSERT_STRING_EQUAL(react(XB_CONNECTED, XB_CLOSING, true, &d), "5");
    CU_ASSERT_FALSE(d);
    CU_ASSERT_TRUE(xb_state_hop_disconnects(XB_CONNECTED, XB_CLOSING));
    CU_ASSERT_STRING_EQUAL(react(XB_CLOSING, XB_CLOSED, true, &d), "6");
    CU_ASSERT_FALSE(d);
    CU_ASSERT_STRING_EQUAL(react(XB_CLOSED, XB_INITIALISING, true, &d), "2");
    CU_ASSERT_STRING_EQUAL(react(XB_INITWAIT, XB_CONNECTED, true, &d), "4");
    /* Missed intermediate states: FE already back at 1 while BE is 4. */
    CU_ASSERT_STRING_EQUAL(react(XB_CONNECTED, XB_INITIALISING, true, &d), "562");
    /* A closed frontend must reinitialise before it may connect again. */
    CU_ASSERT_STRING_EQUAL(react(XB_CLOSED, XB_CONNECTED, true, &d), "");
    /* FE closing before ever connecting. */
    CU_ASSERT_STRING_EQUAL(react(XB_INITWAIT, XB_CLOSING, true, &d), "5");
}

static void
test_teardown(void)
{
    bool d;

    /* network-detach: online=0, netfront answers with 6. */
    CU_ASSERT_STRING_EQUAL(react(XB_CONNECTED, XB_CLOSED, false, &d), "56");
    CU_ASSERT_TRUE(d);
    /* Closed but still online: stay for a reconnect. */
    CU_ASSERT_STRING_EQUAL(react(XB_CONNECTED, XB_CLOSED, true, &d), "56");
    CU_ASSERT_FALSE(d);
    /* Offline and reinitialising: no reconnect. */
    CU_ASSERT_STRING_EQUAL(react(XB_CLOSED, XB_INITIALISING, false, &d), "");
    /* Frontend gone (dir removed, domain dead): close from anywhere. */
    CU_ASSERT_STRING_EQUAL(react(XB_CONNECTED, XB_UNKNOWN, true, &d), "56");
    CU_ASSERT_TRUE(d);
    CU_ASSERT_STRING_EQUAL(react(XB_INITWAIT, XB_UNKNOWN, true, &d), "56");
    CU_ASSERT_STRING_EQUAL(react(XB_INITIALISING, XB_UNKNOWN, true, &d), "6");
    CU_ASSERT_STRING_EQUAL(react(XB_CLOSED, XB_UNKNOWN, false, &d), "");
    CU_ASSERT_TRUE(d);
}

static void
test_ignored(void)
{
    bool d;

    /* States a netfront does not use leave the backend alone. */
    for (enum xb_state be = XB_INITWAIT; be <= XB_CLOSED; be++) {
        CU_ASSERT_STRING_EQUAL(react(be, XB_INITWAIT, true, &d), "");
        CU_ASSERT_STRING_EQUAL(react(be, XB_RECONFIGURING, true, &d), "");
        CU_ASSERT_STRING_EQUAL(react(be, 42, true, &d), "");
    }
}

static void
test_always_terminates(void)
{
    /* From any state to any target the backend uses, <= 4 hops, and only
     * moves Linux netback makes (never 2 -> 6 or 6 -> 4 directly). */
    static const enum xb_state targets[] = { XB_INITWAIT, XB_CONNECTED, XB_CLOSING, XB_CLOSED };
    for (enum xb_state be = XB_UNKNOWN; be <= XB_CLOSED; be++) {
        for (unsigned t = 0; t < 4; t++) {
            enum xb_state cur = be;
            int hops = 0;
            while (cur != targets[t] && hops < 8) {
                enum xb_state next = xb_state_step(cur, targets[t]);
                CU_ASSERT_FALSE(cur == XB_INITWAIT && next == XB_CLOSED);
                CU_ASSERT_FALSE(cur == XB_CLOSED && next == XB_CONNECTED);
                CU_ASSERT_FALSE(cur == XB_CONNECTED && next == XB_INITWAIT);
                cur = next;
                hops++;
            }
            CU_ASSERT_TRUE(hops <= 4);
        }
    }
    CU_ASSERT_STRING_EQUAL(xb_state_name(4), "Connected");
    CU_ASSERT_STRING_EQUAL(xb_state_name(99), "invalid");
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "connect", test_connect },
        { "close and reconnect", test_close_and_reconnect },
        { "teardown", test_teardown },
        { "ignored states", test_ignored },
        { "always terminates", test_always_terminates },
        { NULL, NULL },
    };

    return test_main_run("xenbus state machine", NULL, NULL, cases);
}
