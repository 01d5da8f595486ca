/* Access rules and quotas (reference §12), each tested from the side of
 * the user who must be refused, with the default limits (60 jobs per
 * user, 300 per machine, 200 files per job; administrators exempt), and
 * again after a restart on a durable store (reference §13): restored jobs
 * keep their owner, count toward the quotas, and stay out of other users'
 * reach.
 *
 * Virtual files (BSIM_FS_VIRTUAL) on the model transport; the store test
 * writes its database under the test's tmpdir. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "bsim_engine_fixture.h"

static char db[1100];

static bsim_manager *manager(int with_store) {
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.store_path = with_store ? db : NULL;
  o.store_group_commit = 1; /* 300+ jobs: one commit per API call */
  bsim_manager *mgr = fx_manager_opts(&o);
  static const char *const extra[] = {"carol", "dave", "erin", "frank"};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(bsim_user_add(mgr, extra[i], 0), BSIM_S_OK);
  }
  assert_int_equal(bsim_user_add(mgr, "root", 1), BSIM_S_OK);
  return mgr;
}

static bsim_hr try_create(bsim_manager *mgr, const char *user) {
  bsim_job *job = NULL;
  bsim_hr hr =
      bsim_job_create(mgr, user, "q", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job);
  if (job != NULL) bsim_job_unref(job);
  return hr;
}

static void fill(bsim_manager *mgr, const char *user, int n) {
  for (int i = 0; i < n; i++)
    assert_int_equal(try_create(mgr, user), BSIM_S_OK);
}

/* With the jobs already made: alice and four more users hold 60 each (the
 * machine's 300); what each refused user sees. */
static void check_quotas(bsim_manager *mgr) {
  /* §12 MaxJobsPerUser 60: alice's 61st. */
  assert_int_equal(try_create(mgr, "alice"), BSIM_E_TOO_MANY_JOBS_PER_USER);
  /* §12 MaxJobsPerMachine 300: bob has none, the machine is full. */
  assert_int_equal(try_create(mgr, "bob"), BSIM_E_TOO_MANY_JOBS_PER_MACHINE);
  /* Administrators are exempt from both. */
  fill(mgr, "admin", 61);
}

/* §12: other users' jobs, the all-users enumeration, TakeOwnership. */
static void check_access(bsim_manager *mgr, const bsim_guid *alices) {
  bsim_job *got = NULL;
  assert_int_equal(bsim_manager_get_job(mgr, "bob", alices, &got),
                   BSIM_E_ACCESSDENIED);
  assert_null(got);
  bsim_job **jobs = NULL;
  size_t n = 0;
  assert_int_equal(
      bsim_manager_enum_jobs(mgr, "bob", BSIM_JOB_ENUM_ALL_USERS, &jobs, &n),
      BSIM_E_ACCESSDENIED);
  /* bob's own enumeration holds none of alice's jobs. */
  assert_int_equal(bsim_manager_enum_jobs(mgr, "bob", 0, &jobs, &n), BSIM_S_OK);
  for (size_t i = 0; i < n; i++) {
    char *owner = NULL;
    assert_int_equal(bsim_job_get_owner(jobs[i], &owner), BSIM_S_OK);
    assert_string_equal(owner, "bob");
    bsim_free(owner);
  }
  bsim_job_array_free(jobs, n);
  /* An administrator may open it; TakeOwnership is refused to bob. */
  assert_int_equal(bsim_manager_get_job(mgr, "root", alices, &got), BSIM_S_OK);
  assert_int_equal(bsim_job_take_ownership(got, "bob"), BSIM_E_ACCESSDENIED);
  char *owner = NULL;
  assert_int_equal(bsim_job_get_owner(got, &owner), BSIM_S_OK);
  assert_string_equal(owner, "alice");
  bsim_free(owner);
  bsim_job_unref(got);
}

/* §12 MaxFilesPerJob 200: alice's 201st file, not an administrator's. */
static void check_files(bsim_manager *mgr) {
  fx_host(mgr, "files.test", 0, 0);
  bsim_job *mine = NULL, *admins = NULL;
  assert_int_equal(bsim_job_create(mgr, "admin", "files",
                                   BSIM_JOB_TYPE_DOWNLOAD, NULL, &admins),
                   BSIM_S_OK);
  bsim_job **jobs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_enum_jobs(mgr, "alice", 0, &jobs, &n),
                   BSIM_S_OK);
  assert_true(n > 0);
  mine = jobs[0];
  bsim_job_ref(mine);
  bsim_job_array_free(jobs, n);
  uint32_t have = bsim_job_file_count(mine);
  for (uint32_t i = have; i < 200; i++) {
    char url[64];
    snprintf(url, sizeof url, "http://files.test/%u", i);
    assert_int_equal(bsim_job_add_file(mine, url, "/tmp/bitsim-access-f"),
                     BSIM_S_OK);
    assert_int_equal(bsim_job_add_file(admins, url, "/tmp/bitsim-access-f"),
                     BSIM_S_OK);
  }
  assert_int_equal(
      bsim_job_add_file(mine, "http://files.test/x", "/tmp/bitsim-access-f"),
      BSIM_E_TOO_MANY_FILES_IN_JOB);
  assert_int_equal(bsim_job_file_count(mine), 200);
  assert_int_equal(
      bsim_job_add_file(admins, "http://files.test/x", "/tmp/bitsim-access-f"),
      BSIM_S_OK);
  bsim_job_unref(mine);
  bsim_job_unref(admins);
}

static void make_jobs(bsim_manager *mgr, bsim_guid *alices) {
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "first",
                                   BSIM_JOB_TYPE_DOWNLOAD, alices, &job),
                   BSIM_S_OK);
  bsim_job_unref(job);
  fill(mgr, "alice", 59);
  fill(mgr, "carol", 60);
  fill(mgr, "dave", 60);
  fill(mgr, "erin", 60);
  fill(mgr, "frank", 60);
}

static void test_access_defaults(void **state) {
  (void)state;
  bsim_manager *mgr = manager(0);
  bsim_guid alices;
  make_jobs(mgr, &alices);
  check_quotas(mgr);
  check_access(mgr, &alices);
  check_files(mgr);
  fx_free(mgr);
}

/* The same rules hold for jobs that come back from the store. */
static void test_access_after_restart(void **state) {
  (void)state;
  snprintf(db, sizeof db, "%s/queue.db", bsim_test_tmpdir("access_store"));
  bsim_manager *mgr = manager(1);
  bsim_guid alices;
  make_jobs(mgr, &alices);
  fx_free(mgr);
  mgr = manager(1);
  check_quotas(mgr);
  check_access(mgr, &alices);
  check_files(mgr);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_access_defaults),
      cmocka_unit_test(test_access_after_restart),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
