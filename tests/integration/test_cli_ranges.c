/* `bitsim /addfilewithranges JOB URL LOCAL RANGELIST` (bitsadmin's verb;
 * reference §1.6, §2.7): the ranges arrive back to back in the local file
 * in the order given (bytes compared with the model's content for seed 1),
 * `eof` reaching the end of the file; BytesTotal counts only the requested
 * bytes; the engine's refusals (overlap, upload job) are reported with
 * their HRESULT and exit 1; a RANGELIST that does not parse is a usage
 * error (exit 2) that adds nothing; with --store the ranges are still
 * there for a later invocation. The CLI runs as a child process
 * (cli_run.h) waited for with deadlines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "cli_run.h"

static struct cli_result r;
static const char *dir;

#define RUN(...) cli_run(dir, (const char *const[]){__VA_ARGS__, NULL}, &r)
#define URL "http://files.test/a.bin"

static int setup(void **state) {
  (void)state;
  static int n;
  char name[64];
  snprintf(name, sizeof name, "cli_ranges_%d", n++);
  dir = bsim_test_tmpdir(name);
  return 0;
}

/* The bytes the model serves for URL (size bytes) with seed 1. */
static void model_bytes(uint64_t size, unsigned char *buf) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.seed = 1;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  assert_int_equal(bsim_model_host_add(mgr, "files.test", NULL), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(mgr, URL, size), BSIM_S_OK);
  assert_int_equal(bsim_model_file_content(mgr, URL, 0, buf, size), BSIM_S_OK);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void check_local(const char *name, const unsigned char *want,
                        size_t len) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char got[16384];
  size_t n = fread(got, 1, sizeof got, f);
  fclose(f);
  assert_int_equal(n, len);
  assert_memory_equal(got, want, len);
}

/* §1.6: 5000:eof then 0:100 of a 10 KiB file: 5,240 + 100 bytes. */
static void test_cli_ranges_download(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "--publish", URL ":10K", "/create", "A",
                       "--", "/addfilewithranges", "A", URL, "r.bin",
                       "5000:EOF,0:100", "--", "/resume", "A", "--wait", "--",
                       "/complete", "A"),
                   0);
  assert_non_null(strstr(r.out, "(2 range(s)) to job."));
  assert_non_null(strstr(r.out, "BYTES: 5340 / 5340 (100%)"));
  static unsigned char src[10240];
  static unsigned char want[5340];
  model_bytes(sizeof src, src);
  memcpy(want, src + 5000, 5240);
  memcpy(want + 5240, src, 100);
  check_local("r.bin", want, sizeof want);
}

/* Refusals: the engine's code and exit 1; a bad list is exit 2 and the
 * job keeps no file. */
static void test_cli_ranges_refused(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/addfilewithranges",
                       "A", URL, "r.bin", "0:100,50:10"),
                   1);
  assert_non_null(strstr(r.err, "0x8020002C (BG_E_OVERLAPPING_RANGES)"));
  assert_int_equal(RUN("--memory", "/create", "/upload", "U", "--",
                       "/addfilewithranges", "U", URL, "r.bin", "0:1"),
                   1);
  assert_non_null(strstr(r.err, "0x80004001 (E_NOTIMPL)"));
  static const char *const bad[] = {
      "",    "0:",  ":5",        "0:100,",
      "1:x", "a:1", "0:100;5:1", "99999999999999999999:1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(RUN("--memory", "/create", "A", "--", "/addfilewithranges",
                         "A", URL, "r.bin", bad[i], "--", "/listfiles", "A"),
                     2);
    assert_non_null(strstr(r.err, "bad range list"));
    assert_null(strstr(r.out, "Listed"));
  }
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/addfilewithranges",
                       "A", URL, "r.bin"),
                   2);
}

/* §13: with --store, a later invocation finds the ranged file and
 * downloads only its ranges (--seed 1: with a store the seed is drawn per
 * invocation, docs/cli.md). */
static void test_cli_ranges_store(void **state) {
  (void)state;
  assert_int_equal(RUN("--store", "q.db", "/create", "A", "--",
                       "/addfilewithranges", "A", URL, "s.bin", "10:20"),
                   0);
  assert_int_equal(RUN("--store", "q.db", "--seed", "1", "--publish", URL ":1K",
                       "/resume", "A", "--wait", "--", "/complete", "A"),
                   0);
  static unsigned char src[1024];
  model_bytes(sizeof src, src);
  check_local("s.bin", src + 10, 20);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_cli_ranges_download, setup),
      cmocka_unit_test_setup(test_cli_ranges_refused, setup),
      cmocka_unit_test_setup(test_cli_ranges_store, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
