/* The scenario form `add JOB URL LOCAL ranges=OFFSET:LENGTH|eof,...`
 * (docs/scenarios.md; reference §1.6, §1.9, §2.12): a ranged file
 * transfers on the model with BytesTotal the requested bytes and a local
 * file of that size; the engine's refusals come back as "-> CODE"
 * results (overlap, BG_LENGTH_TO_EOF as an offset, upload job); a host
 * without Range support ends in ERROR; malformed lists do not parse and
 * the error names the line and the column of the bad item. Scenarios run
 * through bsim_scenario_run on the virtual clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bsim_test.h"
#include "bitsim.h"
#include "bitsim/scenario.h"

static char g_workdir[1024];

static bsim_hr parse(const char *text, bsim_scenario **s,
                     struct bsim_scenario_error *err) {
  memset(err, 0, sizeof *err);
  return bsim_scenario_parse("r.scn", text, strlen(text), s, err);
}

static struct bsim_scenario_result run_text(const char *name,
                                            const char *text) {
  bsim_scenario *s = NULL;
  struct bsim_scenario_error err;
  bsim_hr hr = parse(text, &s, &err);
  if (BSIM_FAILED(hr)) print_error("%s\n", err.message);
  assert_int_equal(hr, BSIM_S_OK);
  struct bsim_scenario_run_options o;
  memset(&o, 0, sizeof o);
  snprintf(g_workdir, sizeof g_workdir, "%s", bsim_test_tmpdir(name));
  o.workdir = g_workdir;
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

/* 4 KiB open-ended at 60 KiB, 100 bytes, 1 KiB: 5,220 bytes requested. */
static const char ranged[] =
    "option fs=real\n"
    "user alice\n"
    "host h.test bandwidth=1KiB/s\n"
    "publish http://h.test/a size=64KiB\n"
    "job j1 download \"ranged\" priority=foreground\n"
    "add j1 http://h.test/a r.bin ranges=10:5,0:11 -> "
    "BG_E_OVERLAPPING_RANGES\n"
    "add j1 http://h.test/a r.bin ranges=18446744073709551615:1 -> "
    "BG_E_INVALID_RANGE\n"
    "add j1 http://h.test/a r.bin ranges=60KiB:eof,0:100,1KiB:1KiB -> S_OK\n"
    "expect j1 progress files=0/1\n"
    "resume j1\n"
    "wait j1 TRANSFERRED within=1h\n"
    "expect j1 progress files=1/1 bytes=5220\n"
    "complete j1\n"
    "job j2 upload \"up\"\n"
    "add j2 http://h.test/a u.bin ranges=0:1 -> E_NOTIMPL\n";

/* §1.6, §2.12: the refusals as results, then the ranged file arrives and
 * the local file holds exactly the requested bytes. */
static void test_scn_ranges_run(void **state) {
  (void)state;
  struct bsim_scenario_result res = run_text("scn_ranges_run", ranged);
  assert_int_equal(res.failures, 0);
  assert_int_equal(res.expectations, 7); /* 4 results, 2 expect, 1 wait */
  char path[1200];
  snprintf(path, sizeof path, "%s/r.bin", g_workdir);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_size, 5220);
}

/* §1.6, §10: a host without Range support: ERROR. */
static const char no_range[] =
    "user alice\n"
    "host h.test range=no\n"
    "publish http://h.test/a size=1KiB\n"
    "job j1 download \"ranged\"\n"
    "add j1 http://h.test/a r.bin ranges=0:10\n"
    "resume j1\n"
    "wait j1 ERROR within=1h\n"
    "expect j1 error BG_E_INSUFFICIENT_RANGE_SUPPORT context=remote-file\n";

static void test_scn_ranges_no_range_host(void **state) {
  (void)state;
  struct bsim_scenario_result res = run_text("scn_ranges_norange", no_range);
  assert_int_equal(res.failures, 0);
  assert_int_equal(res.expectations, 2); /* wait and expect */
}

/* Malformed lists: line and column of the bad item. */
static void test_scn_ranges_parse_errors(void **state) {
  (void)state;
  static const struct {
    const char *text;
    unsigned line;
    unsigned column;
  } cases[] = {
      {"job j download \"x\"\nadd j http://h/a f ranges=\n", 2, 27},
      {"job j download \"x\"\nadd j http://h/a f ranges=0:10,5\n", 2, 32},
      {"job j download \"x\"\nadd j http://h/a f ranges=0:10,,1:1\n", 2, 32},
      {"job j download \"x\"\nadd j http://h/a f ranges=eof:1\n", 2, 27},
      {"job j download \"x\"\nadd j http://h/a f ranges=1:x\n", 2, 27},
      {"job j download \"x\"\nadd j http://h/a f ranges=1:1,\n", 2, 31},
      {"job j download \"x\"\nadd j http://h/a f ranges=-1:1\n", 2, 27},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    bsim_scenario *s = NULL;
    struct bsim_scenario_error err;
    assert_int_equal(parse(cases[i].text, &s, &err), BSIM_E_INVALIDARG);
    if (err.line != cases[i].line || err.column != cases[i].column ||
        strstr(err.message, "ranges=") == NULL) {
      print_error("case %zu: %u:%u %s\n", i, err.line, err.column, err.message);
      fail();
    }
    assert_null(s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scn_ranges_run),
      cmocka_unit_test(test_scn_ranges_no_range_host),
      cmocka_unit_test(test_scn_ranges_parse_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
