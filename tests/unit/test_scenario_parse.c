/* Scenario parsing (issue "bitsim command", Scenario files): a scenario
 * using every command parses; each kind of mistake is reported with its
 * line and column and what was expected; quoting, comments and "-> CODE"
 * work; hostile input (NUL bytes, unterminated quotes, overlong lines of
 * arguments) is refused cleanly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bitsim/scenario.h"

static const char good[] =
    "# every command once\n"
    "say \"A job's life\"\n"
    "seed 7\n"
    "option time-slice=10m renotify=1m delivery=inline cmdline=record\n"
    "user alice\n"
    "user root admin\n"
    "host updates.example.test bandwidth=1MiB/s latency=40ms range=yes\n"
    "publish http://updates.example.test/app.bin size=6MiB\n"
    "outage updates.example.test at=1h for=2d\n"
    "fault http://updates.example.test/app.bin status 503 count=1\n"
    "fault http://updates.example.test/app.bin reset 1MiB\n"
    "fault http://updates.example.test/* stall from=1h until=2h\n"
    "job j1 download \"nightly update\" user=alice priority=high "
    "retry-delay=600s\n"
    "add j1 http://updates.example.test/app.bin app.bin\n"
    "set j1 no-progress-timeout=14d description=\"a \\\"quoted\\\" text\"\n"
    "callback j1 transferred=E_FAIL,E_FAIL,S_OK then=complete block=5s\n"
    "cmdline j1 /bin/echo \"hello world\"\n"
    "resume j1 -> S_OK   # trailing comment\n"
    "   \n"
    "wait j1 TRANSFERRED ERROR within=1d\n"
    "validate j1 0 accept\n"
    "suspend j1\n"
    "cancel j1 -> BG_E_INVALID_STATE\n"
    "complete j1 -> 0x80200002\n"
    "take-ownership j1 root\n"
    "logoff alice\n"
    "logon alice\n"
    "network down\n"
    "network up\n"
    "advance 90d\n"
    "run for=1h\n"
    "expect j1 state ACKNOWLEDGED\n"
    "expect j1 error BG_E_HTTP_ERROR_404 context=remote-file\n"
    "expect j1 error-count 2\n"
    "expect j1 progress files=1/1 bytes=6MiB\n"
    "expect j1 callback JobTransferred calls=3 failures=2\n"
    "expect j1 cmdline runs=1\n"
    "expect file app.bin same-as http://updates.example.test/app.bin\n"
    "expect file other.bin missing\n"
    "expect time 90d";

static void test_scenario_parse_every_command(void **state) {
  (void)state;
  bsim_scenario *s = NULL;
  struct bsim_scenario_error err = {0};
  bsim_hr hr = bsim_scenario_parse("good.scn", good, strlen(good), &s, &err);
  if (hr != BSIM_S_OK) fail_msg("%s", err.message);
  assert_int_equal(bsim_scenario_statement_count(s), 38);
  bsim_scenario_free(s);
}

struct bad_case {
  const char *text;
  unsigned line;
  unsigned column;
  const char *says;
};

static void test_scenario_parse_errors(void **state) {
  (void)state;
  static const struct bad_case cases[] = {
      {"frobnicate j1\n", 1, 1, "unknown command 'frobnicate'"},
      {"user alice\nresume\n", 2, 1, "needs more arguments"},
      {"advance ten\n", 1, 9, "expected a duration"},
      {"host h bandwidth=fast\n", 1, 8, "bandwidth= expects a rate"},
      {"host h colour=red\n", 1, 8, "takes no option 'colour'"},
      {"say \"unterminated\n", 1, 5, "expected a closing '\"'"},
      {"resume j1 -> NOT_A_CODE\n", 1, 14, "expected an HRESULT name"},
      {"advance 1s -> S_OK\n", 1, 15, "returns no result"},
      {"job j1 fetch \"x\"\n", 1, 8, "download|upload|upload-reply"},
      {"wait j1 DONE\n", 1, 9, "expected a job state"},
      {"fault http://x/a status\n", 1, 1, "expected a whole number"},
      {"fault http://x/a stall 5\n", 1, 1, "takes no value"},
      {"expect j1 colour red\n", 1, 1, "expected state, error"},
      {"expect j1 callback Nope\n", 1, 1, "JobTransferred|JobError"},
      {"expect file a.bin\n", 1, 1, "usage: expect file"},
      {"resume j1 j2\n", 1, 11, "unexpected 'j2'"},
      {"say\"x\"\n", 1, 1, "unknown command"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    bsim_scenario *s = NULL;
    struct bsim_scenario_error err = {0};
    bsim_hr hr = bsim_scenario_parse("bad.scn", cases[i].text,
                                     strlen(cases[i].text), &s, &err);
    assert_int_equal(hr, BSIM_E_INVALIDARG);
    assert_null(s);
    if (err.line != cases[i].line || err.column != cases[i].column ||
        strstr(err.message, cases[i].says) == NULL) {
      fail_msg("case %zu: got '%s' at %u:%u", i, err.message, err.line,
               err.column);
    }
    assert_non_null(strstr(err.message, "bad.scn:"));
  }
}

static void test_scenario_parse_hostile(void **state) {
  (void)state;
  bsim_scenario *s = NULL;
  struct bsim_scenario_error err = {0};
  static const char nul[] = "user a\0lice\n";
  assert_int_equal(bsim_scenario_parse("x", nul, sizeof nul - 1, &s, &err),
                   BSIM_E_INVALIDARG);
  char many[512] = "cmdline j1 /bin/echo";
  for (int i = 0; i < 20; i++)
    strcat(many, " a");
  assert_int_equal(bsim_scenario_parse("x", many, strlen(many), &s, &err),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_scenario_parse("x", "", 0, &s, &err), BSIM_S_OK);
  assert_int_equal(bsim_scenario_statement_count(s), 0);
  bsim_scenario_free(s);
  assert_int_equal(bsim_scenario_load("/nonexistent/x.scn", &s, &err),
                   (bsim_hr)0x80070002u);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scenario_parse_every_command),
      cmocka_unit_test(test_scenario_parse_errors),
      cmocka_unit_test(test_scenario_parse_hostile),
  };
  return cmocka_run_group_tests_name("scenario_parse", tests, NULL, NULL);
}
