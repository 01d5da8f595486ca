/* Complete and Cancel on real temporary files (reference §1.9, §8):
 * bytes go to BIT<hex>.tmp in the destination directory until Complete
 * renames each finished file into place (content checked against the
 * model's) and deletes the rest (BG_S_PARTIAL_COMPLETE); a rename that
 * fails (destination is a directory) returns the error, keeps files
 * already renamed and leaves the job TRANSFERRED, and a second Complete
 * after the fix succeeds; Cancel stops the transfer and deletes every
 * temporary file, and says BG_S_UNABLE_TO_DELETE_FILES when it cannot;
 * Suspend keeps the bytes and Resume continues from them; Complete called
 * from inside JobTransferred (the canonical use); BSIM_FS_VIRTUAL touches
 * no disk. Virtual time, model transport. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsim_test.h"
#include "bitsim/notify.h"
#include "bsim_engine_fixture.h"

#define DAY_MS UINT64_C(86400000)

static char dir[1024];

static bsim_manager *world(const char *name) {
  const char *d = bsim_test_tmpdir(name);
  assert_non_null(d);
  snprintf(dir, sizeof dir, "%s", d);
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  fx_host(mgr, "h.test", 100000, 0);
  fx_file(mgr, "http://h.test/a", 150000);
  fx_file(mgr, "http://h.test/b", 70000);
  fx_file(mgr, "http://h.test/big", 10000000);
  fx_file(mgr, "http://h.test/missing", 10);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, "http://h.test/missing");
  f.http_status = 404;
  f.count = 0;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  return mgr;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static char *temp_name(bsim_job *job, uint32_t i) {
  char *t = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, i, &t), BSIM_S_OK);
  return t;
}

static char *local_name(bsim_job *job, uint32_t i) {
  char *t = NULL;
  assert_int_equal(bsim_file_get_local_name(job, i, &t), BSIM_S_OK);
  return t;
}

/* The file at path holds exactly the model's content for url. */
static void assert_content(bsim_manager *mgr, const char *path, const char *url,
                           uint64_t size) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char *got = malloc(size + 1);
  unsigned char *want = malloc(size);
  assert_true(fread(got, 1, size + 1, f) == size);
  fclose(f);
  assert_int_equal(bsim_model_file_content(mgr, url, 0, want, size), BSIM_S_OK);
  assert_memory_equal(got, want, size);
  free(got);
  free(want);
}

/* §8: Complete renames every finished file into place. */
static void test_sim_complete_renames(void **state) {
  (void)state;
  bsim_manager *mgr = world("complete_renames");
  const char *urls[] = {"http://h.test/a", "http://h.test/b", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  /* §2.12: TransferCompletionTime is the moment of TRANSFERRED. */
  struct bsim_job_times times;
  assert_int_equal(bsim_job_get_times(job, &times), BSIM_S_OK);
  assert_true(times.transfer_completion_filetime ==
              times.creation_filetime + bsim_manager_now_ms(mgr) * 10000);
  char *t0 = temp_name(job, 0), *t1 = temp_name(job, 1);
  char *l0 = local_name(job, 0), *l1 = local_name(job, 1);
  /* §1.9: until Complete the bytes sit under the temporary names. */
  assert_true(exists(t0) && exists(t1));
  assert_false(exists(l0) || exists(l1));
  assert_int_equal(fx_file_progress(job, 0).completed, 0);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_ACKNOWLEDGED);
  assert_false(exists(t0) || exists(t1));
  assert_content(mgr, l0, "http://h.test/a", 150000);
  assert_content(mgr, l1, "http://h.test/b", 70000);
  /* §2.12: Completed once renamed. */
  assert_int_equal(fx_file_progress(job, 0).completed, 1);
  assert_int_equal(fx_file_progress(job, 1).completed, 1);
  assert_int_equal(bsim_job_complete(job), BSIM_E_INVALID_STATE);
  bsim_free(t0);
  bsim_free(t1);
  bsim_free(l0);
  bsim_free(l1);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §8: finished files renamed, the rest deleted: BG_S_PARTIAL_COMPLETE. */
static void test_sim_complete_partial(void **state) {
  (void)state;
  bsim_manager *mgr = world("complete_partial");
  const char *urls[] = {"http://h.test/a", "http://h.test/missing",
                        "http://h.test/b", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, DAY_MS);
  char *t1 = temp_name(job, 1);
  char *l0 = local_name(job, 0), *l1 = local_name(job, 1);
  char *l2 = local_name(job, 2);
  assert_true(exists(t1)); /* created when its transfer started */
  assert_int_equal(bsim_job_complete(job), BSIM_S_PARTIAL_COMPLETE);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_ACKNOWLEDGED);
  assert_content(mgr, l0, "http://h.test/a", 150000);
  assert_false(exists(l1) || exists(t1) || exists(l2));
  bsim_free(t1);
  bsim_free(l0);
  bsim_free(l1);
  bsim_free(l2);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.2, §8: a rename failure returns the error, keeps what was renamed
 * and leaves the job TRANSFERRED; after the fix Complete succeeds. */
static void test_sim_complete_rename_failure(void **state) {
  (void)state;
  bsim_manager *mgr = world("complete_rename_fail");
  const char *urls[] = {"http://h.test/a", "http://h.test/b", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  char *l0 = local_name(job, 0), *l1 = local_name(job, 1);
  char *t1 = temp_name(job, 1);
  /* The second destination is a non-empty directory: rename(2) fails. */
  char inner[1100];
  snprintf(inner, sizeof inner, "%s/inside", l1);
  assert_int_equal(mkdir(l1, 0755), 0);
  FILE *f = fopen(inner, "w");
  assert_non_null(f);
  fclose(f);
  bsim_hr hr = bsim_job_complete(job);
  assert_true(BSIM_FAILED(hr));
  assert_int_equal(hr, BSIM_E_ACCESSDENIED);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_content(mgr, l0, "http://h.test/a", 150000); /* stays */
  assert_int_equal(fx_file_progress(job, 0).completed, 1);
  assert_int_equal(fx_file_progress(job, 1).completed, 0);
  assert_true(exists(t1));
  /* Fix the cause and call Complete again. */
  assert_int_equal(unlink(inner), 0);
  assert_int_equal(rmdir(l1), 0);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_content(mgr, l1, "http://h.test/b", 70000);
  assert_content(mgr, l0, "http://h.test/a", 150000);
  bsim_free(l0);
  bsim_free(l1);
  bsim_free(t1);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §8: Cancel stops the transfer and deletes every temporary file. */
static void test_sim_complete_cancel_deletes(void **state) {
  (void)state;
  bsim_manager *mgr = world("complete_cancel");
  const char *urls[] = {"http://h.test/a", "http://h.test/big", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 5000), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRING);
  char *t0 = temp_name(job, 0), *t1 = temp_name(job, 1);
  assert_true(exists(t0) && exists(t1));
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_CANCELLED);
  assert_false(exists(t0) || exists(t1));
  /* Time moving on writes nothing more. */
  assert_int_equal(bsim_manager_advance(mgr, 600000), BSIM_S_OK);
  assert_false(exists(t1));
  bsim_free(t0);
  bsim_free(t1);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §8: Cancel that cannot delete a temporary file says so. */
static void test_sim_complete_unable_to_delete(void **state) {
  (void)state;
  bsim_manager *mgr = world("complete_undeletable");
  const char *urls[] = {"http://h.test/big", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 2000), BSIM_S_OK);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  char *t0 = temp_name(job, 0);
  /* Something replaced the temporary file with a non-empty directory
   * (unlink fails with EISDIR, for root too). */
  char inner[1100];
  snprintf(inner, sizeof inner, "%s/x", t0);
  assert_int_equal(unlink(t0), 0);
  assert_int_equal(mkdir(t0, 0755), 0);
  FILE *f = fopen(inner, "w");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_UNABLE_TO_DELETE_FILES);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_CANCELLED);
  assert_int_equal(unlink(inner), 0);
  assert_int_equal(rmdir(t0), 0);
  bsim_free(t0);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.2: Suspend stops the transfer and keeps the bytes; Resume continues
 * from them and the result is byte-identical. */
static void test_sim_complete_suspend_resume(void **state) {
  (void)state;
  bsim_manager *mgr = world("complete_suspend");
  const char *urls[] = {"http://h.test/a", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 700), BSIM_S_OK);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  assert_true(fx_file_progress(job, 0).bytes_transferred == 70000);
  char *t0 = temp_name(job, 0);
  struct stat st;
  assert_int_equal(stat(t0, &st), 0);
  assert_true(st.st_size == 70000);
  assert_int_equal(bsim_manager_advance(mgr, 60000), BSIM_S_OK);
  assert_true(fx_file_progress(job, 0).bytes_transferred == 70000);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 61500); /* 0.8 s more */
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  char *l0 = local_name(job, 0);
  assert_content(mgr, l0, "http://h.test/a", 150000);
  bsim_free(t0);
  bsim_free(l0);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.12, §6: the typical JobTransferred handler calls Complete. */
static bsim_hr complete_in_callback(bsim_job *job, void *user) {
  bsim_hr *out = user;
  *out = bsim_job_complete(job);
  return BSIM_S_OK;
}

static void test_sim_complete_from_callback(void **state) {
  (void)state;
  bsim_manager *mgr = world("complete_callback");
  const char *urls[] = {"http://h.test/b", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  bsim_hr seen = BSIM_E_FAIL;
  struct bsim_notify_ops ops;
  memset(&ops, 0, sizeof ops);
  ops.job_transferred = complete_in_callback;
  assert_int_equal(bsim_job_set_notify(job, &ops, &seen), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(seen, BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_ACKNOWLEDGED);
  char *l0 = local_name(job, 0);
  assert_content(mgr, l0, "http://h.test/b", 70000);
  bsim_free(l0);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* BSIM_FS_VIRTUAL: the same life cycle writes nothing to the disk. */
static void test_sim_complete_virtual_fs(void **state) {
  (void)state;
  const char *d = bsim_test_tmpdir("complete_virtual");
  assert_non_null(d);
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  fx_host(mgr, "h.test", 0, 0);
  fx_file(mgr, "http://h.test/a", UINT64_C(3) << 30); /* 3 GiB */
  char local[1100];
  snprintf(local, sizeof local, "%s/a", d);
  bsim_job *job = fx_job(mgr, "alice", "http://h.test/a", local);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  char *t0 = temp_name(job, 0);
  assert_false(exists(t0));
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_false(exists(local));
  assert_true(fx_file_progress(job, 0).bytes_transferred == UINT64_C(3) << 30);
  bsim_free(t0);
  bsim_job_unref(job);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sim_complete_renames),
      cmocka_unit_test(test_sim_complete_partial),
      cmocka_unit_test(test_sim_complete_rename_failure),
      cmocka_unit_test(test_sim_complete_cancel_deletes),
      cmocka_unit_test(test_sim_complete_unable_to_delete),
      cmocka_unit_test(test_sim_complete_suspend_resume),
      cmocka_unit_test(test_sim_complete_from_callback),
      cmocka_unit_test(test_sim_complete_virtual_fs),
  };
  return cmocka_run_group_tests_name("sim_complete", tests, NULL, NULL);
}
