/* test-main: see test-main.h. */
#include "tests/unit/test-main.h"

#include <CUnit/Basic.h>
#include <stdio.h>

int
test_main_run(const char *suite, CU_InitializeFunc init, CU_CleanupFunc clean,
              const struct test_main_case *cases)
{
    CU_pSuite s;
    unsigned fails;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        return 1;
    }
    s = CU_add_suite(suite, init, clean);
    for (const struct test_main_case *c = cases; s && c->name; c++) {
        if (!CU_add_test(s, c->name, c->fn)) {
            s = NULL;
        }
    }
    if (!s) {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    if (CU_get_number_of_tests_run() == 0) {
        fprintf(stderr, "CUnit: suite %s ran no test\n", suite);
        fails++;
    }
    CU_cleanup_registry();
    return fails ? 1 : 0;
}
