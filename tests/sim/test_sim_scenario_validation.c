/* The scenario language's validation and peer lines (reference §7, §11;
 * docs/scenarios.md): `callback validate=` lists (reject then accept of
 * origin content: ERROR with BG_E_VALIDATION_FAILED, then Resume fetches
 * it again), `validate JOB INDEX accept|reject` with "-> CODE" checks
 * (E_PENDING before the file finished), `peer` lines, `host peer=yes`,
 * `fault ... source=peer`, `option peer-reject=suspend`, and
 * `expect JOB validation INDEX` holding and failing; malformed validate
 * lists and validation forms do not parse. Scenarios run through
 * bsim_scenario_run on the virtual clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "bsim_test.h"
#include "bitsim.h"
#include "bitsim/scenario.h"

static struct bsim_scenario_result run_text(const char *name,
                                            const char *text) {
  bsim_scenario *s = NULL;
  struct bsim_scenario_error err;
  memset(&err, 0, sizeof err);
  bsim_hr hr = bsim_scenario_parse(name, text, strlen(text), &s, &err);
  if (BSIM_FAILED(hr)) print_error("%s\n", err.message);
  assert_int_equal(hr, BSIM_S_OK);
  struct bsim_scenario_run_options o;
  memset(&o, 0, sizeof o);
  o.workdir = bsim_test_tmpdir(name);
  o.seed = bsim_test_seed();
  struct bsim_scenario_result res;
  memset(&res, 0, sizeof res);
  hr = bsim_scenario_run(s, &o, &res);
  if (BSIM_FAILED(hr) || res.failures != 0) {
    print_error("%s: %s\n", bsim_hr_name(hr), res.first_failure);
  }
  assert_int_equal(hr, BSIM_S_OK);
  bsim_scenario_free(s);
  return res;
}

static const char origin_reject[] =
    "user alice\n"
    "host h.test bandwidth=1MiB/s\n"
    "publish http://h.test/a size=1MiB\n"
    "job j1 download \"origin\"\n"
    "add j1 http://h.test/a a.bin\n"
    "set j1 notify-flags=19\n"
    "callback j1 validate=reject,accept\n"
    "validate j1 0 reject -> E_PENDING\n"
    "validate j1 1 reject -> E_INVALIDARG\n"
    "resume j1\n"
    "wait j1 ERROR within=1h\n"
    "expect j1 error BG_E_VALIDATION_FAILED context=remote-file\n"
    "expect j1 progress bytes=0\n"
    "expect j1 validation 0 valid=no peer=no origin=1MiB peers=0\n"
    "resume j1\n"
    "wait j1 TRANSFERRED within=1h\n"
    "run for=1s\n"
    "expect j1 callback FileTransferred calls=2\n"
    "expect j1 validation 0 valid=yes origin=2MiB\n"
    "complete j1\n"
    "validate j1 0 accept -> BG_E_INVALID_STATE\n"
    "expect file a.bin same-as http://h.test/a\n";

/* §7 origin content rejected from the callback; the command form. */
static void test_scn_origin_reject(void **state) {
  (void)state;
  struct bsim_scenario_result r = run_text("scn_origin_reject", origin_reject);
  assert_int_equal(r.failures, 0);
  assert_true(r.expectations >= 10);
}

static const char peer_suspend[] =
    "option peer-reject=suspend\n"
    "user alice\n"
    "host o.test bandwidth=1MiB/s\n"
    "host p.test bandwidth=8MiB/s peer=yes\n"
    "publish http://o.test/a size=1MiB\n"
    "peer p.test http://o.test/a\n"
    "fault http://o.test/a corrupt source=peer\n"
    "job j1 download \"peer\"\n"
    "add j1 http://o.test/a a.bin\n"
    "resume j1\n"
    "wait j1 TRANSFERRED within=1h\n"
    "expect j1 validation 0 valid=no peer=yes origin=0 peers=1MiB\n"
    "validate j1 0 reject\n"
    "expect j1 state SUSPENDED\n"
    "expect j1 validation 0 peer=no\n"
    "resume j1\n"
    "wait j1 TRANSFERRED within=1h\n"
    "validate j1 0 accept\n"
    "expect j1 validation 0 valid=yes peer=no origin=1MiB peers=1MiB\n"
    "complete j1\n"
    "expect file a.bin same-as http://o.test/a\n";

/* §7, §11 peer content rejected with the command, peer-reject=suspend. */
static void test_scn_peer_suspend(void **state) {
  (void)state;
  struct bsim_scenario_result r = run_text("scn_peer_suspend", peer_suspend);
  assert_int_equal(r.failures, 0);
}

/* An expectation that does not hold is counted as failed. */
static void test_scn_validation_expect_fails(void **state) {
  (void)state;
  static const char text[] = "user alice\n"
                             "host h.test\n"
                             "publish http://h.test/a size=10KiB\n"
                             "job j1 download \"x\"\n"
                             "add j1 http://h.test/a a.bin\n"
                             "resume j1\n"
                             "wait j1 TRANSFERRED within=1h\n"
                             "expect j1 validation 0 valid=yes\n"
                             "expect j1 validation 0 peer=yes\n"
                             "expect j1 validation 0 peers=1KiB\n";
  bsim_scenario *s = NULL;
  struct bsim_scenario_error err;
  assert_int_equal(bsim_scenario_parse("fails", text, strlen(text), &s, &err),
                   BSIM_S_OK);
  struct bsim_scenario_run_options o;
  memset(&o, 0, sizeof o);
  o.workdir = bsim_test_tmpdir("scn_validation_fails");
  struct bsim_scenario_result res;
  assert_int_equal(bsim_scenario_run(s, &o, &res), BSIM_S_OK);
  assert_int_equal(res.failures, 3);
  assert_non_null(strstr(res.first_failure, "valid=no, expected yes"));
  bsim_scenario_free(s);
}

/* Malformed lines stop at parse time. */
static void test_scn_validation_parse_errors(void **state) {
  (void)state;
  static const char *const bad[] = {
      "callback j1 validate=maybe\n",
      "callback j1 validate=accept,,reject\n",
      "expect j1 validation\n",
      "expect j1 validation zero\n",
      "fault http://h.test/a corrupt source=cache\n",
      "host h.test peer=maybe\n",
      "peer h.test\n",
      "option peer-reject=later\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    bsim_scenario *s = NULL;
    struct bsim_scenario_error err;
    bsim_hr hr = bsim_scenario_parse("bad", bad[i], strlen(bad[i]), &s, &err);
    if (hr == BSIM_S_OK) print_error("parsed: %s", bad[i]);
    assert_int_not_equal(hr, BSIM_S_OK);
    assert_null(s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scn_origin_reject),
      cmocka_unit_test(test_scn_peer_suspend),
      cmocka_unit_test(test_scn_validation_expect_fails),
      cmocka_unit_test(test_scn_validation_parse_errors),
  };
  return cmocka_run_group_tests_name("sim_scenario_validation", tests, NULL,
                                     NULL);
}
