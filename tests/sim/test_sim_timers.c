/* The job timers in virtual time (reference §4.2, §4.4, §5, §8, §14):
 * MinimumRetryDelay (600 s, floor 5 s) from TRANSIENT_ERROR back to
 * QUEUED; NoProgressTimeout (14 days) from the first transient error,
 * reset when bytes move, 0 = every error fatal, retry delay longer than it
 * = no retry; MaximumDownloadTime counting only CONNECTING+TRANSFERRING
 * time, reset by Resume; JobInactivityTimeout (90 days) cancelling the job
 * and deleting its temporary files, reset by activity. Each expectation is
 * checked at the exact virtual millisecond the reference implies, on the
 * model transport. Nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsim_test.h"
#include "bsim_engine_fixture.h"

#define DAY_MS UINT64_C(86400000)
#define URL "http://h.test/f"

static void add_fault(bsim_manager *mgr, enum bsim_fault_kind kind, int status,
                      uint64_t bytes, uint32_t count) {
  struct bsim_fault f;
  bsim_fault_init(&f, kind, URL);
  f.http_status = status;
  f.bytes = bytes;
  f.count = count;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
}

static bsim_manager *world(uint64_t bandwidth, uint64_t size) {
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  fx_host(mgr, "h.test", bandwidth, 0);
  fx_file(mgr, URL, size);
  return mgr;
}

/* §4.2, §5: one 503 -> TRANSIENT_ERROR -> QUEUED exactly 600 s later. */
static void test_sim_timers_retry_600s(void **state) {
  (void)state;
  bsim_manager *mgr = world(0, 100);
  add_fault(mgr, BSIM_FAULT_HTTP_STATUS, 503, 0, 1);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR, DAY_MS);
  uint64_t t_err = bsim_manager_now_ms(mgr);
  struct bsim_job_error e = fx_error(job);
  assert_int_equal(e.code, bsim_hr_from_http(503)); /* 0x801901F7 */
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(e.file_index, 0);
  assert_int_equal(fx_error_count(job), 1); /* §1.4 */
  fx_run_to(mgr, job, BSIM_JOB_STATE_QUEUED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == t_err + 600000);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(fx_error_count(job), 1);
  /* §4.3: no error information once transferred. */
  struct bsim_job_error none;
  assert_int_equal(bsim_job_get_error(job, &none),
                   BSIM_E_ERROR_INFORMATION_UNAVAILABLE);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.4, §5: a retry delay below 5 s is 5 s. */
static void test_sim_timers_retry_floor(void **state) {
  (void)state;
  bsim_manager *mgr = world(0, 100);
  add_fault(mgr, BSIM_FAULT_HTTP_STATUS, 503, 0, 1);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 1), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR, DAY_MS);
  uint64_t t_err = bsim_manager_now_ms(mgr);
  fx_run_to(mgr, job, BSIM_JOB_STATE_QUEUED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == t_err + 5000);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.3: Resume in TRANSIENT_ERROR retries at once. */
static void test_sim_timers_resume_skips_wait(void **state) {
  (void)state;
  bsim_manager *mgr = world(0, 100);
  add_fault(mgr, BSIM_FAULT_HTTP_STATUS, 503, 0, 1);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR, DAY_MS);
  uint64_t t_err = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_QUEUED);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == t_err);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.2, §5: a server that always answers 503 -> ERROR exactly 14 days
 * after the first transient error, with one error per failed attempt
 * (attempts at 0, 600, ..., 1,209,000 s: 2,016 of them). */
static void test_sim_timers_no_progress_14_days(void **state) {
  (void)state;
  bsim_manager *mgr = world(0, 100);
  add_fault(mgr, BSIM_FAULT_HTTP_STATUS, 503, 0, 0);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR, DAY_MS);
  uint64_t t0 = bsim_manager_now_ms(mgr);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, 30 * DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == t0 + UINT64_C(1209600000));
  assert_int_equal(fx_error_count(job), 2016);
  /* Our reading (documented): the error stays the last transient one. */
  struct bsim_job_error e = fx_error(job);
  assert_int_equal(e.code, bsim_hr_from_http(503));
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_sim_timers_no_progress_code_option(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.no_progress_error_is_no_progress = 1;
  bsim_manager *mgr = fx_manager_opts(&o);
  fx_host(mgr, "h.test", 0, 0);
  fx_file(mgr, URL, 100);
  add_fault(mgr, BSIM_FAULT_HTTP_STATUS, 503, 0, 0);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_set_no_progress_timeout(job, 1000), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 1000000);
  struct bsim_job_error e = fx_error(job);
  assert_int_equal(e.code, BSIM_E_NO_PROGRESS);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.4: bytes moving reset the no-progress clock. Every attempt breaks
 * after 500 bytes and resumes with Range, so progress never stops for
 * 1,000 s although the download takes 20 attempts, 600 s apart. */
static void test_sim_timers_no_progress_reset_by_bytes(void **state) {
  (void)state;
  bsim_manager *mgr = world(1000, 10000);
  add_fault(mgr, BSIM_FAULT_RESET_AFTER_BYTES, 0, 500, 0);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_set_no_progress_timeout(job, 1000), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  bsim_hr hr = bsim_manager_run_until_job_state(
      mgr, job,
      (1u << BSIM_JOB_STATE_TRANSFERRED) | (1u << BSIM_JOB_STATE_ERROR),
      DAY_MS);
  assert_int_equal(hr, BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_true(bsim_manager_now_ms(mgr) > 1000000);
  assert_true(fx_error_count(job) >= 19);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §5: NoProgressTimeout 0 makes the first error fatal; a retry delay
 * longer than the no-progress timeout means no retry. */
static void test_sim_timers_errors_fatal_at_once(void **state) {
  (void)state;
  for (int variant = 0; variant < 2; variant++) {
    bsim_manager *mgr = world(0, 100);
    add_fault(mgr, BSIM_FAULT_HTTP_STATUS, 503, 0, 1);
    bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
    if (variant == 0) {
      assert_int_equal(bsim_job_set_no_progress_timeout(job, 0), BSIM_S_OK);
    } else {
      assert_int_equal(bsim_job_set_no_progress_timeout(job, 60), BSIM_S_OK);
      assert_int_equal(bsim_job_set_minimum_retry_delay(job, 61), BSIM_S_OK);
    }
    assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
    bsim_hr hr = bsim_manager_run_until_job_state(
        mgr, job,
        (1u << BSIM_JOB_STATE_ERROR) | (1u << BSIM_JOB_STATE_TRANSIENT_ERROR),
        DAY_MS);
    assert_int_equal(hr, BSIM_S_OK);
    assert_int_equal(fx_state(job), BSIM_JOB_STATE_ERROR);
    assert_true(bsim_manager_now_ms(mgr) == 0);
    assert_int_equal(fx_error(job).code, bsim_hr_from_http(503));
    assert_int_equal(fx_error_count(job), 1);
    bsim_job_unref(job);
    fx_free(mgr);
  }
}

/* §5: MaximumDownloadTime counts CONNECTING+TRANSFERRING only. A 10 B/s
 * download of 10,000 bytes would take 1,000 s; capped at 100 s of active
 * time after a 600 s wait in TRANSIENT_ERROR, it fails at 700 s. */
static void test_sim_timers_max_download_time(void **state) {
  (void)state;
  bsim_manager *mgr = world(10, 10000);
  add_fault(mgr, BSIM_FAULT_HTTP_STATUS, 503, 0, 1);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_set_maximum_download_time(job, 100), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 700000);
  struct bsim_job_error e = fx_error(job);
  assert_int_equal(e.code, BSIM_E_MAXDOWNLOAD_TIMEOUT);
  struct bsim_file_progress fp = fx_file_progress(job, 0);
  assert_true(fp.bytes_transferred == 1000); /* 100 s at 10 B/s */
  /* Resume resets the accumulator: another 100 s of transfer. */
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 800000);
  fp = fx_file_progress(job, 0);
  assert_true(fp.bytes_transferred == 2000);
  /* 0 means no limit. */
  assert_int_equal(bsim_job_set_maximum_download_time(job, 0), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 1600000);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §5: time in SUSPENDED does not count either; the accumulator survives a
 * time-slice change of owner-ship of the slot. */
static void test_sim_timers_max_download_pauses(void **state) {
  (void)state;
  bsim_manager *mgr = world(10, 10000);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_set_maximum_download_time(job, 100), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 40000), BSIM_S_OK);
  /* Logoff sends it back to QUEUED (§4.2): that time does not count. */
  assert_int_equal(bsim_user_set_logged_on(mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_QUEUED);
  assert_int_equal(bsim_manager_advance(mgr, 500000), BSIM_S_OK);
  assert_int_equal(bsim_user_set_logged_on(mgr, "alice", 1), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 600000); /* 40 + 500 + 60 s */
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.2, §8, §14: 90 days without activity -> CANCELLED and the temporary
 * file deleted; activity (a property change at day 50) restarts the
 * clock. */
static void test_sim_timers_inactivity_90_days(void **state) {
  (void)state;
  const char *dir = bsim_test_tmpdir("sim_timers_inactivity");
  assert_non_null(dir);
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  fx_host(mgr, "h.test", 100, 0);
  fx_file(mgr, URL, 1000);
  char local[512];
  snprintf(local, sizeof local, "%s/f", dir);
  bsim_job *job = fx_job(mgr, "alice", URL, local);
  snprintf(local, sizeof local, "%s/g", dir);
  bsim_job *other = fx_job(mgr, "bob", URL, local);
  snprintf(local, sizeof local, "%s/f", dir);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 5000), BSIM_S_OK);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  char *temp = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, 0, &temp), BSIM_S_OK);
  struct stat st;
  assert_int_equal(stat(temp, &st), 0);
  assert_true(st.st_size == 500);
  uint64_t last = bsim_manager_now_ms(mgr);
  /* Day 50: activity on job (not on other). */
  assert_int_equal(bsim_manager_run_until(mgr, 50 * DAY_MS), BSIM_S_OK);
  assert_int_equal(bsim_job_set_description(job, "still wanted"), BSIM_S_OK);
  /* other was created at 0 and never touched: gone at exactly 90 days. */
  fx_run_to(mgr, other, BSIM_JOB_STATE_CANCELLED, 200 * DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 90 * DAY_MS);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_SUSPENDED);
  (void)last;
  fx_run_to(mgr, job, BSIM_JOB_STATE_CANCELLED, 200 * DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 140 * DAY_MS);
  assert_int_equal(stat(temp, &st), -1); /* deleted (§8) */
  bsim_free(temp);
  bsim_job_unref(job);
  bsim_job_unref(other);
  fx_free(mgr);
}

/* §14: the timeout is a policy (manager option); 0 disables the sweep. */
static void test_sim_timers_inactivity_option(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.job_inactivity_timeout_s = 3600;
  bsim_manager *mgr = fx_manager_opts(&o);
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  fx_run_to(mgr, job, BSIM_JOB_STATE_CANCELLED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 3600000);
  bsim_job_unref(job);
  fx_free(mgr);
  o.job_inactivity_timeout_s = 0;
  mgr = fx_manager_opts(&o);
  job = fx_job(mgr, "alice", NULL, NULL);
  assert_int_equal(bsim_manager_advance(mgr, 1000 * DAY_MS), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_SUSPENDED);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* A retry delay changed while the job waits takes effect at once. */
static void test_sim_timers_rearm_on_set(void **state) {
  (void)state;
  bsim_manager *mgr = world(0, 100);
  add_fault(mgr, BSIM_FAULT_HTTP_STATUS, 503, 0, 1);
  bsim_job *job = fx_job(mgr, "alice", URL, "/v/f");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR, DAY_MS);
  uint64_t t_err = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 30), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_QUEUED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == t_err + 30000);
  bsim_job_unref(job);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sim_timers_retry_600s),
      cmocka_unit_test(test_sim_timers_retry_floor),
      cmocka_unit_test(test_sim_timers_resume_skips_wait),
      cmocka_unit_test(test_sim_timers_no_progress_14_days),
      cmocka_unit_test(test_sim_timers_no_progress_code_option),
      cmocka_unit_test(test_sim_timers_no_progress_reset_by_bytes),
      cmocka_unit_test(test_sim_timers_errors_fatal_at_once),
      cmocka_unit_test(test_sim_timers_max_download_time),
      cmocka_unit_test(test_sim_timers_max_download_pauses),
      cmocka_unit_test(test_sim_timers_inactivity_90_days),
      cmocka_unit_test(test_sim_timers_inactivity_option),
      cmocka_unit_test(test_sim_timers_rearm_on_set),
  };
  return cmocka_run_group_tests_name("sim_timers", tests, NULL, NULL);
}
