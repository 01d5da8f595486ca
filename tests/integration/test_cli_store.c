/* The job commands across invocations: jobs live in the durable store
 * (manager option store_path) between runs of `bitsim`, as BITS keeps its
 * queue across reboots (design.md "Durable store"). One job is created,
 * given a file, resumed and waited for, and completed by four separate
 * processes; the default store is ~/.bitsim/jobs.db or $BITSIM_STORE; a
 * command that fails (BG_E_EMPTY, an unknown verb in a chain) leaves the
 * store as it was; names stay ambiguous across runs.
 *
 * A store that cannot be read fails the command with exit 1, names the
 * file and the HRESULT, and is left untouched.
 *
 * In an engine build without the store (bsim_manager_new answering
 * E_NOTIMPL to store_path) every test here skips with a message. */
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

static void test_unreadable_store_fails_changing_nothing(void **s) {
  (void)s;
  NEED_STORE();
  FILE *f = fopen(store, "w");
  assert_non_null(f);
  fputs("this is not a job store\n", f);
  fclose(f);
  assert_int_equal(RUNS("/create", "A"), 1);
  assert_string_equal(r.out, "");
  assert_non_null(strstr(r.err, "bitsim: cannot open the job store '"));
  assert_non_null(strstr(r.err, "(BG_E_DATABASE_CORRUPT)"));
  assert_non_null(strstr(r.err, "\nhint: "));
  /* Left untouched. */
  f = fopen(store, "r");
  assert_non_null(f);
  char line[64] = "";
  assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  assert_string_equal(line, "this is not a job store\n");
  /* --memory needs no store at all. */
  assert_int_equal(RUNS("--memory", "/create", "A"), 0);
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

/* Users see their own jobs; /allusers needs an administrator (reference
 * §12). */
static void test_users_and_allusers(void **s) {
  (void)s;
  NEED_STORE();
  assert_int_equal(RUNS("--user", "alice", "/create", "A"), 0);
  assert_int_equal(RUNS("--user", "bob", "/list"), 0);
  assert_non_null(strstr(r.out, "Listed 0 job(s).\n"));
  assert_int_equal(RUNS("--user", "bob", "/info", "A"), 1);
  assert_int_equal(RUNS("--user", "bob", "/list", "/allusers"), 1);
  assert_non_null(strstr(r.err, "(E_ACCESSDENIED)"));
  assert_int_equal(
      RUNS("--user", "root", "--admin", "/list", "/allusers", "/verbose"), 0);
  assert_non_null(strstr(r.out, "OWNER: alice\n"));
  assert_non_null(strstr(r.out, "Listed 1 job(s).\n"));
}

int main(void) {
  store_works = probe_store();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_unreadable_store_fails_changing_nothing,
                             setup),
      cmocka_unit_test_setup(test_job_lives_across_four_invocations, setup),
      cmocka_unit_test_setup(test_default_store_and_env, setup),
      cmocka_unit_test_setup(test_failures_leave_store_unchanged, setup),
      cmocka_unit_test_setup(test_ambiguous_across_invocations, setup),
      cmocka_unit_test_setup(test_users_and_allusers, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
