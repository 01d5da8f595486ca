/* The HRESULT table (reference §3): numbers, names, messages, parsing. Every
 * row is checked to round-trip name -> code -> name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bitsim.h"

static void test_hr_numbers_are_bits_numbers(void **state) {
  (void)state;
  assert_int_equal(BSIM_S_OK, 0);
  assert_int_equal((uint32_t)BSIM_S_PARTIAL_COMPLETE, 0x00200017u);
  assert_int_equal((uint32_t)BSIM_S_UNABLE_TO_DELETE_FILES, 0x0020001Au);
  assert_int_equal((uint32_t)BSIM_E_INVALID_STATE, 0x80200002u);
  assert_int_equal((uint32_t)BSIM_E_EMPTY, 0x80200003u);
  assert_int_equal((uint32_t)BSIM_E_TOO_MANY_JOBS_PER_MACHINE, 0x80200050u);
  assert_int_equal((uint32_t)BSIM_E_VALIDATION_FAILED, 0x80200053u);
  assert_int_equal((uint32_t)BSIM_E_INVALIDARG, 0x80070057u);
  assert_int_equal((uint32_t)BSIM_E_NOTIMPL, 0x80004001u);
  assert_true(BSIM_FAILED(BSIM_E_INVALID_STATE));
  assert_true(BSIM_SUCCEEDED(BSIM_S_PARTIAL_COMPLETE));
}

static void test_hr_http_codes(void **state) {
  (void)state;
  assert_int_equal((uint32_t)bsim_hr_from_http(404), 0x80190194u);
  assert_string_equal(bsim_hr_name(bsim_hr_from_http(404)),
                      "BG_E_HTTP_ERROR_404");
  bsim_hr hr = 0;
  assert_int_equal(bsim_hr_parse("BG_E_HTTP_ERROR_503", &hr), 0);
  assert_int_equal((uint32_t)hr, 0x801901F7u);
}

static void test_hr_names_round_trip(void **state) {
  (void)state;
  static const bsim_hr all[] = {
#define ROW(name, value, msg) BSIM_##name,
      BSIM_HR_MAP(ROW)
#undef ROW
  };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    const char *name = bsim_hr_name(all[i]);
    bsim_hr back = 1;
    assert_int_equal(bsim_hr_parse(name, &back), 0);
    assert_int_equal(back, all[i]);
    assert_true(strlen(bsim_hr_message(all[i])) > 3);
  }
  assert_string_equal(bsim_hr_name(BSIM_E_INVALID_STATE), "BG_E_INVALID_STATE");
  assert_string_equal(bsim_hr_name(BSIM_E_BG_PENDING), "BG_E_PENDING");
  assert_string_equal(bsim_hr_name(BSIM_E_ACCESSDENIED), "E_ACCESSDENIED");
  bsim_hr hr = 0;
  assert_int_equal(bsim_hr_parse("NO_SUCH_CODE", &hr), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hr_numbers_are_bits_numbers),
      cmocka_unit_test(test_hr_http_codes),
      cmocka_unit_test(test_hr_names_round_trip),
  };
  return cmocka_run_group_tests_name("hr", tests, NULL, NULL);
}
