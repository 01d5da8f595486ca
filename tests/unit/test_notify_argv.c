/* The pure parts of SetNotifyCmdLine (sim/notify/argv.c): which program and
 * argv pairs are accepted and with which HRESULT (reference §1.5: full path,
 * Program ≤ MAX_PATH, Parameters ≤ 4,000 characters, NULL program with
 * parameters refused, NULL/NULL clears), and string vectors copied verbatim
 * (spaces, quotes, empty strings) with no leak when memory runs out. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bsim_test.h"
#include "notify/notify_priv.h"
#include "util/alloc.h"

static void test_check_clear_and_null_program(void **state) {
  (void)state;
  const char *argv[] = {"/bin/true", NULL};
  assert_int_equal(bsim__notify_cmdline_check(NULL, NULL), BSIM_S_OK);
  assert_int_equal(bsim__notify_cmdline_check(NULL, argv), BSIM_E_INVALIDARG);
}

static void test_check_program_must_be_absolute(void **state) {
  (void)state;
  assert_int_equal(bsim__notify_cmdline_check("/bin/true", NULL), BSIM_S_OK);
  assert_int_equal(bsim__notify_cmdline_check("true", NULL), BSIM_E_INVALIDARG);
  assert_int_equal(bsim__notify_cmdline_check("./true", NULL),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim__notify_cmdline_check("", NULL), BSIM_E_INVALIDARG);
}

static void test_check_program_max_path(void **state) {
  (void)state;
  char path[BSIM_MAX_PATH_CHARS + 2];
  memset(path, 'a', sizeof(path));
  path[0] = '/';
  path[BSIM_MAX_PATH_CHARS] = '\0'; /* exactly 260: accepted */
  assert_int_equal(bsim__notify_cmdline_check(path, NULL), BSIM_S_OK);
  path[BSIM_MAX_PATH_CHARS] = 'a';
  path[BSIM_MAX_PATH_CHARS + 1] = '\0'; /* 261 */
  assert_int_equal(bsim__notify_cmdline_check(path, NULL),
                   BSIM_E_STRING_TOO_LONG);
}

static void test_check_argv_rules(void **state) {
  (void)state;
  const char *empty[] = {NULL};
  assert_int_equal(bsim__notify_cmdline_check("/bin/echo", empty),
                   BSIM_E_INVALIDARG);
  /* 4,000 characters joined by spaces is the limit: "x" + " " + 3998. */
  static char big[4001];
  memset(big, 'b', sizeof(big));
  big[3998] = '\0';
  const char *at_limit[] = {"x", big, NULL};
  assert_int_equal(bsim__notify_cmdline_check("/bin/echo", at_limit),
                   BSIM_S_OK);
  big[3998] = 'b';
  big[3999] = '\0';
  const char *over[] = {"x", big, NULL};
  assert_int_equal(bsim__notify_cmdline_check("/bin/echo", over),
                   BSIM_E_STRING_TOO_LONG);
}

static void test_strv_dup_verbatim(void **state) {
  (void)state;
  const char *argv[] = {"/bin/echo", "two words", "\"quoted\"",
                        "",          "'$HOME'",   NULL};
  char **copy = bsim__notify_strv_dup(argv);
  assert_non_null(copy);
  for (size_t i = 0; argv[i] != NULL; i++) {
    assert_string_equal(copy[i], argv[i]);
    assert_ptr_not_equal(copy[i], argv[i]);
  }
  assert_null(copy[5]);
  bsim_strv_free(copy);
  bsim_strv_free(NULL);
}

static void test_strv_dup_out_of_memory(void **state) {
  (void)state;
  const char *argv[] = {"/bin/echo", "a", "b", NULL};
  /* Fail each allocation in turn: NULL back, nothing leaked (ASan). */
  for (uint64_t nth = 1; nth <= 4; nth++) {
    bsim__alloc_fail_after(nth);
    char **copy = bsim__notify_strv_dup(argv);
    bsim__alloc_fail_reset();
    assert_null(copy);
  }
  char **copy = bsim__notify_strv_dup(argv);
  assert_non_null(copy);
  bsim_strv_free(copy);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check_clear_and_null_program),
      cmocka_unit_test(test_check_program_must_be_absolute),
      cmocka_unit_test(test_check_program_max_path),
      cmocka_unit_test(test_check_argv_rules),
      cmocka_unit_test(test_strv_dup_verbatim),
      cmocka_unit_test(test_strv_dup_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
