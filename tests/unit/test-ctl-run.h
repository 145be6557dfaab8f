/* test-ctl-run: driving the daemon's control commands in-process for CUnit
 * tests (ctl_dispatch() of daemon/ctl.h, no socket), and the fixture most
 * of those tests share: fake port makers (test-ctl-fake.h) and the
 * built-in commands registered.
 *
 * tctl_run() keeps the last reply (tctl_last, freed by the next run or by
 * tctl_teardown()), so tests may chain result(run(...)) without freeing. */
#ifndef XVS_TEST_CTL_RUN_H
#define XVS_TEST_CTL_RUN_H 1

#include <CUnit/Basic.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct evloop;

extern json_t *tctl_last;               /* reply of the last run */
extern bool tctl_last_fatal;            /* ... and whether it closed the connection */

/* Runs command `cmd` with the NULL-terminated string arguments. */
json_t *tctl_run(const char *cmd, ...);
/* The same with a NULL-terminated argument vector. */
json_t *tctl_runv(const char *cmd, const char *const *argv);
/* Dispatches a raw request line. */
json_t *tctl_raw(const char *text);
/* The "result" of a reply that must be ok (a CUnit failure otherwise). */
json_t *tctl_result(json_t *reply);
/* The "error" of a reply that must have failed. */
const char *tctl_error(json_t *reply);

#define TCTL_ASSERT_ERROR(reply, want) do {                              \
        const char *e_ = tctl_error(reply);                              \
        if (strcmp(e_, want))                                            \
            fprintf(stderr, "\n  got:  %s\n  want: %s\n", e_, want);     \
        CU_ASSERT_STRING_EQUAL(e_, want);                                \
    } while (0)

/* Suite fixture: errors-only logging, brmgr with the fake factory on
 * `loop` (may be NULL), the built-in commands registered.  Returns 0. */
int tctl_setup(struct evloop *loop);
/* Removes every bridge and command, frees the last reply; nonzero (a
 * suite cleanup failure) if a fake port is still alive. */
int tctl_teardown(void);

#endif
