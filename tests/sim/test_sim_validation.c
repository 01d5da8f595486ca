/* Content validation of files from the origin (reference §1.9, §4.2,
 * §7): SetValidationState is E_PENDING until the file finished and
 * BG_E_INVALID_STATE in final states; TRUE marks the file validated and
 * changes nothing else; FALSE on origin content puts the job in ERROR with
 * BG_E_VALIDATION_FAILED and the file's progress back to 0, and Resume
 * fetches it again (the content on disk then matches the model's); a
 * rejection in ERROR keeps ERROR; Complete validates every file it renames
 * (GetValidationState 0 before, "never set"); validation from inside the
 * FileTransferred callback, accepting and rejecting; argument errors.
 * Virtual time, model transport, real temporary files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim_test.h"
#include "bitsim/notify.h"
#include "bsim_engine_fixture.h"

#define DAY_MS UINT64_C(86400000)
#define URL_A "http://h.test/a"
#define URL_B "http://h.test/b"
#define SIZE_A UINT64_C(150000)
#define SIZE_B UINT64_C(70000)

static char dir[1024];

static bsim_manager *world(const char *name) {
  const char *d = bsim_test_tmpdir(name);
  assert_non_null(d);
  snprintf(dir, sizeof dir, "%s", d);
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  fx_host(mgr, "h.test", 100000, 0);
  fx_file(mgr, URL_A, SIZE_A);
  fx_file(mgr, URL_B, SIZE_B);
  return mgr;
}

static int valid_state(bsim_job *job, uint32_t i) {
  int v = -1;
  assert_int_equal(bsim_file_get_validation_state(job, i, &v), BSIM_S_OK);
  return v;
}

static void stats(bsim_job *job, uint32_t i, uint64_t *origin,
                  uint64_t *peers) {
  assert_int_equal(bsim_file_get_peer_download_stats(job, i, origin, peers),
                   BSIM_S_OK);
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

/* §7 "Allowed only after that file finished; earlier -> E_PENDING", in
 * SUSPENDED before any byte and while the file is half way. */
static void test_validation_pending(void **state) {
  (void)state;
  bsim_manager *mgr = world("valid_pending");
  const char *urls[] = {URL_A, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_file_set_validation_state(job, 0, 1), BSIM_E_PENDING);
  assert_int_equal(bsim_file_set_validation_state(job, 0, 0), BSIM_E_PENDING);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  /* 150,000 bytes at 100,000 B/s: half way after about 0.75 s. */
  assert_int_equal(bsim_manager_run_until(mgr, 1000), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRING);
  assert_true(fx_file_progress(job, 0).bytes_transferred > 0);
  assert_int_equal(bsim_file_set_validation_state(job, 0, 0), BSIM_E_PENDING);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRING);
  assert_int_equal(valid_state(job, 0), 0);
  /* Argument errors change nothing. */
  assert_int_equal(bsim_file_set_validation_state(job, 1, 1),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_file_set_validation_state(NULL, 0, 1),
                   BSIM_E_INVALIDARG);
  int v;
  assert_int_equal(bsim_file_get_validation_state(job, 1, &v),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_file_get_validation_state(job, 0, NULL),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_file_is_downloaded_from_peer(job, 1, &v),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_file_get_peer_download_stats(job, 0, NULL, NULL),
                   BSIM_E_INVALIDARG);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §7: TRUE marks the file validated; the job stays TRANSFERRED. */
static void test_validation_accept(void **state) {
  (void)state;
  bsim_manager *mgr = world("valid_accept");
  const char *urls[] = {URL_A, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(valid_state(job, 0), 0); /* §7: FALSE = never set */
  assert_int_equal(bsim_file_set_validation_state(job, 0, 1), BSIM_S_OK);
  assert_int_equal(valid_state(job, 0), 1);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_true(fx_file_progress(job, 0).bytes_transferred == SIZE_A);
  int peer = -1;
  assert_int_equal(bsim_file_is_downloaded_from_peer(job, 0, &peer), BSIM_S_OK);
  assert_int_equal(peer, 0);
  uint64_t o = 0, p = 1;
  stats(job, 0, &o, &p);
  assert_true(o == SIZE_A && p == 0);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.2, §7: FALSE on origin content: ERROR with BG_E_VALIDATION_FAILED,
 * progress 0; Resume downloads it again and the job finishes with the
 * right bytes. */
static void test_validation_reject_origin(void **state) {
  (void)state;
  bsim_manager *mgr = world("valid_reject_origin");
  const char *urls[] = {URL_A, URL_B, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(bsim_file_set_validation_state(job, 1, 1), BSIM_S_OK);
  assert_int_equal(bsim_file_set_validation_state(job, 0, 0), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = fx_error(job);
  assert_int_equal(e.code, BSIM_E_VALIDATION_FAILED);
  assert_int_equal((uint32_t)e.code, 0x80200053u);
  assert_int_equal(e.file_index, 0);
  assert_true(fx_file_progress(job, 0).bytes_transferred == 0);
  assert_true(fx_file_progress(job, 1).bytes_transferred == SIZE_B);
  assert_int_equal(valid_state(job, 0), 0);
  assert_int_equal(valid_state(job, 1), 1);
  /* The file is no longer finished: validating it again must wait. */
  assert_int_equal(bsim_file_set_validation_state(job, 0, 1), BSIM_E_PENDING);
  /* A second rejection of another file keeps ERROR. */
  assert_int_equal(bsim_file_set_validation_state(job, 1, 0), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_ERROR);
  assert_int_equal(fx_error(job).file_index, 1);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 2 * DAY_MS);
  uint64_t o = 0, p = 1;
  stats(job, 0, &o, &p);
  assert_true(o == 2 * SIZE_A && p == 0); /* fetched twice, both origin */
  struct bsim_model_file_stats ms;
  assert_int_equal(bsim_model_file_stats(mgr, URL_A, &ms), BSIM_S_OK);
  assert_true(ms.requests == 2);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  char local[1100];
  snprintf(local, sizeof local, "%s/f0", dir);
  assert_content(mgr, local, URL_A, SIZE_A);
  snprintf(local, sizeof local, "%s/f1", dir);
  assert_content(mgr, local, URL_B, SIZE_B);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §7 "Complete() implicitly validates every file"; afterwards the job is
 * final and SetValidationState is BG_E_INVALID_STATE. */
static void test_validation_complete_implicit(void **state) {
  (void)state;
  bsim_manager *mgr = world("valid_complete");
  const char *urls[] = {URL_A, URL_B, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(valid_state(job, 0), 0);
  assert_int_equal(valid_state(job, 1), 0);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_int_equal(valid_state(job, 0), 1);
  assert_int_equal(valid_state(job, 1), 1);
  assert_int_equal(bsim_file_set_validation_state(job, 0, 0),
                   BSIM_E_INVALID_STATE);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_ACKNOWLEDGED);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §7 flow: FileTransferred -> GetTemporaryName -> SetValidationState,
 * from inside the callback (notify.h). */
struct cb_ctx {
  int verdict; /* what the callback says about the first delivery */
  int calls;
  bsim_hr hr; /* SetValidationState's answer on the first call */
  int read_back;
};

static bsim_hr on_file(bsim_job *job, uint32_t index, void *user) {
  struct cb_ctx *c = user;
  char *tmp = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, index, &tmp), BSIM_S_OK);
  assert_non_null(tmp);
  bsim_free(tmp);
  int verdict = c->calls == 0 ? c->verdict : 1;
  bsim_hr hr = bsim_file_set_validation_state(job, index, verdict);
  if (c->calls == 0) {
    c->hr = hr;
    assert_int_equal(bsim_file_get_validation_state(job, index, &c->read_back),
                     BSIM_S_OK);
  }
  c->calls++;
  return BSIM_S_OK;
}

static void test_validation_in_callback(void **state) {
  (void)state;
  for (int verdict = 1; verdict >= 0; verdict--) {
    bsim_manager *mgr = world(verdict ? "valid_cb_accept" : "valid_cb_reject");
    const char *urls[] = {URL_B, NULL};
    bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
    struct cb_ctx c = {verdict, 0, BSIM_E_FAIL, -1};
    struct bsim_notify_ops ops;
    memset(&ops, 0, sizeof ops);
    ops.file_transferred = on_file;
    assert_int_equal(bsim_job_set_notify(job, &ops, &c), BSIM_S_OK);
    assert_int_equal(
        bsim_job_set_notify_flags(job, BSIM_NOTIFY_JOB_TRANSFERRED |
                                           BSIM_NOTIFY_JOB_ERROR |
                                           BSIM_NOTIFY_FILE_TRANSFERRED),
        BSIM_S_OK);
    assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
    assert_int_equal(bsim_manager_run_until_idle(mgr, DAY_MS), BSIM_S_OK);
    assert_int_equal(c.hr, BSIM_S_OK);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.read_back, verdict);
    if (verdict) {
      assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
    } else {
      assert_int_equal(fx_state(job), BSIM_JOB_STATE_ERROR);
      assert_int_equal(fx_error(job).code, BSIM_E_VALIDATION_FAILED);
      assert_true(fx_file_progress(job, 0).bytes_transferred == 0);
      /* Resume: the file comes again and FileTransferred fires again. */
      assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
      assert_int_equal(bsim_manager_run_until_idle(mgr, 2 * DAY_MS), BSIM_S_OK);
      assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
      assert_int_equal(c.calls, 2);
      assert_int_equal(valid_state(job, 0), 1);
    }
    assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
    bsim_job_unref(job);
    fx_free(mgr);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_validation_pending),
      cmocka_unit_test(test_validation_accept),
      cmocka_unit_test(test_validation_reject_origin),
      cmocka_unit_test(test_validation_complete_implicit),
      cmocka_unit_test(test_validation_in_callback),
  };
  return cmocka_run_group_tests_name("sim_validation", tests, NULL, NULL);
}
