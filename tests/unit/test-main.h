/* test-main: the main() of a CUnit test program made of one suite.
 *
 * A test program lists its cases and calls test_main_run() from main().
 * The exit status is 0 only if tests ran, every assertion held and the
 * suite's init and cleanup succeeded (a fixture that cannot start, or
 * that finds a leak on cleanup, fails the program). */
#ifndef XVS_TEST_MAIN_H
#define XVS_TEST_MAIN_H 1

#include <CUnit/CUnit.h>

struct test_main_case {
    const char *name;
    CU_TestFunc fn;
};
/* A case named after its function. */
#define TEST_MAIN_CASE(fn) { #fn, fn }

/* Runs suite `suite` (init and clean may be NULL) with `cases`, up to one
 * with a NULL name, verbosely.  Returns main()'s exit status. */
int test_main_run(const char *suite, CU_InitializeFunc init, CU_CleanupFunc clean,
                  const struct test_main_case *cases);

#endif
