/* The job commands across invocations: jobs live in the durable store
 * (manager option store_path) between runs of `bitsim`, as BITS keeps its
 * queue across reboots (design.md "Durable store"). One job is created,
 * given a file, resumed and waited for, and completed by four separate
 * processes; the default store is ~/.bitsim/jobs.db or $BITSIM_STORE; a
 * command that fails (BG_E_EMPTY, an unknown verb in a chain) leaves the
 * store as it was; names stay ambiguous across runs.
 *
 * While the engine has no store (bsim_manager_new answers E_NOTIMPL to
 * store_path) the cross-invocation tests skip with a message, and what is
 * checked instead is how the command behaves meanwhile: an explicit
 * --store or $BITSIM_STORE fails with exit 1, the default store falls
 * back to memory with a note on stderr. */
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
static char store[4200];
static int store_works;

#define RUN(...) cli_run(dir, (const char *const[]){__VA_ARGS__, NULL}, &r)
#define RUNS(...)                                                              \
  cli_run(dir, (const char *const[]){"--store", store, __VA_ARGS__, NULL}, &r)

/* Does this engine build open a store? */
static int probe_store(void) {
  char path[4200];
  snprintf(path, sizeof path, "%s/probe.db", bsim_test_tmpdir("cli_probe"));
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.store_path = path;
  bsim_manager *mgr = NULL;
  bsim_hr hr = bsim_manager_new(&o, &mgr);
  if (BSIM_SUCCEEDED(hr)) assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
  assert_true(BSIM_SUCCEEDED(hr) || hr == BSIM_E_NOTIMPL);
  return BSIM_SUCCEEDED(hr);
}

static int setup(void **state) {
  (void)state;
  static int n;
  char name[64];
  snprintf(name, sizeof name, "cli_store_%d", n++);
  dir = bsim_test_tmpdir(name);
  snprintf(store, sizeof store, "%s/jobs.db", dir);
  cli_env_store = NULL;
  return 0;
}

#define NEED_STORE()                                                           \
  do {                                                                         \
    if (!store_works) {                                                        \
      print_message("skipped: bsim_manager_new answers E_NOTIMPL to "          \
                    "store_path (no durable store in this build)\n");          \
      skip();                                                                  \
    }                                                                          \
  } while (0)

static void test_without_store_explicit_fails_default_falls_back(void **s) {
  (void)s;
  if (store_works) {
    print_message("skipped: the store works; the fallback is not used\n");
    skip();
  }
  assert_int_equal(RUNS("/create", "A"), 1);
  assert_non_null(strstr(r.err, "cannot open the job store"));
  assert_non_null(strstr(r.err, "0x80004001"));
  assert_string_equal(r.out, "");
  cli_env_store = store;
  assert_int_equal(RUN("/create", "A"), 1);
  cli_env_store = NULL;
  assert_int_equal(RUN("/create", "A", "--", "/list"), 0);
  assert_non_null(strstr(r.err, "no durable store in this build"));
  assert_non_null(strstr(r.out, "Listed 1 job(s)."));
  assert_int_equal(RUN("--memory", "/list"), 0);
  assert_string_equal(r.err, "");
}

static void test_job_lives_across_four_invocations(void **s) {
  (void)s;
  NEED_STORE();
  assert_int_equal(RUNS("/rawreturn", "/create", "A"), 0);
  char guid[BSIM_GUID_STRING_LEN];
  snprintf(guid, sizeof guid, "%.38s", r.out);
  assert_int_equal(RUNS("/addfile", "A", "http://files.test/a.bin", "a.bin"),
                   0);
  assert_int_equal(RUNS("/info", guid), 0);
  assert_non_null(strstr(r.out, "'A' SUSPENDED 0 / 1 0 / UNKNOWN\n"));
  assert_int_equal(
      RUNS("--publish", "http://files.test/a.bin:1M", "/resume", "A", "--wait"),
      0);
  assert_non_null(strstr(r.out, "'A' TRANSFERRED 1 / 1 1048576 / 1048576\n"));
  assert_int_equal(RUNS("/getstate", "A"), 0);
  assert_string_equal(r.out, "TRANSFERRED\n");
  assert_int_equal(RUNS("/complete", "A"), 0);
  assert_int_equal(RUNS("/list"), 0);
  assert_non_null(strstr(r.out, "Listed 0 job(s).\n"));
  char path[4400];
  struct stat st;
  snprintf(path, sizeof path, "%s/a.bin", dir);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_size, 1048576);
}

static void test_default_store_and_env(void **s) {
  (void)s;
  NEED_STORE();
  assert_int_equal(RUN("/create", "A"), 0);
  assert_int_equal(RUN("/list"), 0);
  assert_non_null(strstr(r.out, "Listed 1 job(s).\n"));
  char path[4400];
  struct stat st;
  snprintf(path, sizeof path, "%s/.bitsim/jobs.db", dir);
  assert_int_equal(stat(path, &st), 0);
  cli_env_store = store;
  assert_int_equal(RUN("/list"), 0);
  assert_non_null(strstr(r.out, "Listed 0 job(s).\n"));
  assert_int_equal(stat(store, &st), 0);
}

static void test_failures_leave_store_unchanged(void **s) {
  (void)s;
  NEED_STORE();
  assert_int_equal(RUNS("/create", "A"), 0);
  assert_int_equal(RUNS("/resume", "A"), 1);
  assert_non_null(strstr(r.err, "BG_E_EMPTY"));
  assert_int_equal(RUNS("/getstate", "A"), 0);
  assert_string_equal(r.out, "SUSPENDED\n");
  assert_int_equal(RUNS("/create", "B", "--", "/frob"), 2);
  assert_int_equal(RUNS("/list"), 0);
  assert_non_null(strstr(r.out, "Listed 1 job(s).\n"));
  assert_null(strstr(r.out, "'B'"));
}

static void test_ambiguous_across_invocations(void **s) {
  (void)s;
  NEED_STORE();
  assert_int_equal(RUNS("/create", "A"), 0);
  assert_int_equal(RUNS("/create", "A"), 0);
  assert_int_equal(RUNS("/info", "A"), 1);
  assert_non_null(strstr(r.err, "the name is ambiguous"));
}

int main(void) {
  store_works = probe_store();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(
          test_without_store_explicit_fails_default_falls_back, setup),
      cmocka_unit_test_setup(test_job_lives_across_four_invocations, setup),
      cmocka_unit_test_setup(test_default_store_and_env, setup),
      cmocka_unit_test_setup(test_failures_leave_store_unchanged, setup),
      cmocka_unit_test_setup(test_ambiguous_across_invocations, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
