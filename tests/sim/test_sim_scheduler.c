/* The scheduler in virtual time (reference §4.1, §4.2, §5): one background
 * job at a time beside every FOREGROUND job; HIGH > NORMAL > LOW with a
 * higher-priority job preempting a running lower one (at once by default,
 * at the end of the slice with preempt_at_slice_end); equal priorities
 * round-robin in time slices, the job whose slice ended going back to
 * QUEUED and reconnecting; a job alone keeps its slot; files within a job
 * one at a time and in order; an error on file k stops the job there.
 * Transfers run on the model transport with BSIM_FS_VIRTUAL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bsim_test.h"
#include "bsim_engine_fixture.h"

#define SLICE_MS UINT64_C(600000)
#define DAY_MS UINT64_C(86400000)

/* 1,000 B/s: a 10,000,000-byte file takes 10,000 s (many slices). */
static bsim_manager *world(void) {
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  fx_host(mgr, "h.test", 1000, 0);
  fx_file(mgr, "http://h.test/big1", 10000000);
  fx_file(mgr, "http://h.test/big2", 10000000);
  fx_file(mgr, "http://h.test/big3", 10000000);
  fx_file(mgr, "http://h.test/small", 100000);
  return mgr;
}

static bsim_job *job_p(bsim_manager *mgr, const char *url,
                       enum bsim_job_priority p) {
  bsim_job *job = fx_job(mgr, "alice", url, "/v/f");
  assert_int_equal(bsim_job_set_priority(job, p), BSIM_S_OK);
  return job;
}

static uint64_t bytes(bsim_job *job) {
  struct bsim_job_progress p;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  return p.bytes_transferred;
}

static int active(bsim_job *job) {
  enum bsim_job_state s = fx_state(job);
  return s == BSIM_JOB_STATE_CONNECTING || s == BSIM_JOB_STATE_TRANSFERRING;
}

/* §5: exactly one background job at a time. */
static void test_sim_scheduler_one_background_job(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *a = job_p(mgr, "http://h.test/big1", BSIM_JOB_PRIORITY_NORMAL);
  bsim_job *b = job_p(mgr, "http://h.test/big2", BSIM_JOB_PRIORITY_NORMAL);
  bsim_job *c = job_p(mgr, "http://h.test/big3", BSIM_JOB_PRIORITY_LOW);
  assert_int_equal(bsim_job_resume(a), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(b), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(c), BSIM_S_OK);
  for (int i = 0; i < 40; i++) {
    assert_int_equal(bsim_manager_advance(mgr, 100000), BSIM_S_OK);
    assert_int_equal(active(a) + active(b) + active(c), 1);
    /* §5: the LOW job gets no time while NORMAL ones wait. */
    assert_true(bytes(c) == 0);
  }
  bsim_job_unref(a);
  bsim_job_unref(b);
  bsim_job_unref(c);
  fx_free(mgr);
}

/* §5 round robin: A runs the first slice, B the second, A the third; A
 * keeps the bytes of its first slice and reconnects (CONNECTING) when its
 * turn comes back. */
static void test_sim_scheduler_round_robin(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *a = job_p(mgr, "http://h.test/big1", BSIM_JOB_PRIORITY_NORMAL);
  bsim_job *b = job_p(mgr, "http://h.test/big2", BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_resume(a), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(b), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(mgr, SLICE_MS - 1), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_TRANSFERRING);
  assert_int_equal(fx_state(b), BSIM_JOB_STATE_QUEUED);
  /* At the end of the slice A goes back to QUEUED and B starts. */
  fx_run_to(mgr, a, BSIM_JOB_STATE_QUEUED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == SLICE_MS);
  uint64_t a_bytes = bytes(a);
  assert_true(a_bytes == 600000);
  assert_int_equal(bsim_manager_run_until(mgr, 2 * SLICE_MS - 1), BSIM_S_OK);
  assert_int_equal(fx_state(b), BSIM_JOB_STATE_TRANSFERRING);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_QUEUED);
  assert_true(bytes(a) == a_bytes);
  fx_run_to(mgr, a, BSIM_JOB_STATE_CONNECTING, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 2 * SLICE_MS);
  assert_int_equal(fx_state(b), BSIM_JOB_STATE_QUEUED);
  /* Resumed where it stopped (Range, §10), not from 0: at the end of its
   * second slice it holds exactly two slices of bytes. */
  fx_run_to(mgr, a, BSIM_JOB_STATE_QUEUED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 3 * SLICE_MS);
  assert_true(bytes(a) == 2 * a_bytes);
  bsim_job_unref(a);
  bsim_job_unref(b);
  fx_free(mgr);
}

/* A job alone keeps the slot: no reconnect at the end of its slice. */
static void test_sim_scheduler_alone_keeps_slot(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *a = job_p(mgr, "http://h.test/big1", BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_resume(a), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1), BSIM_S_OK);
  bsim_hr hr = bsim_manager_run_until_job_state(
      mgr, a, 1u << BSIM_JOB_STATE_QUEUED, 5 * SLICE_MS);
  assert_int_equal(hr, BSIM_S_FALSE);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_TRANSFERRING);
  fx_run_to(mgr, a, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 10000000);
  bsim_job_unref(a);
  fx_free(mgr);
}

/* §5: HIGH preempts a running NORMAL job at once; NORMAL resumes when
 * HIGH is done, with the bytes it had. */
static void test_sim_scheduler_preemption(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *n = job_p(mgr, "http://h.test/big1", BSIM_JOB_PRIORITY_NORMAL);
  bsim_job *h = job_p(mgr, "http://h.test/small", BSIM_JOB_PRIORITY_HIGH);
  assert_int_equal(bsim_job_resume(n), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 100000), BSIM_S_OK);
  assert_int_equal(fx_state(n), BSIM_JOB_STATE_TRANSFERRING);
  assert_int_equal(bsim_job_resume(h), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1), BSIM_S_OK);
  assert_int_equal(fx_state(n), BSIM_JOB_STATE_QUEUED);
  assert_true(active(h));
  uint64_t kept = bytes(n);
  assert_true(kept == 100000);
  fx_run_to(mgr, h, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 200000);
  assert_true(bytes(n) == kept);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  assert_int_equal(fx_state(n), BSIM_JOB_STATE_TRANSFERRING);
  /* Suspend stops the transfer and keeps the exact byte count. */
  assert_int_equal(bsim_job_suspend(n), BSIM_S_OK);
  assert_true(bytes(n) == kept + 1000);
  bsim_job_unref(n);
  bsim_job_unref(h);
  fx_free(mgr);
}

/* §15 option: preempt_at_slice_end makes HIGH wait for the slice end. */
static void test_sim_scheduler_preempt_at_slice_end(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.preempt_at_slice_end = 1;
  bsim_manager *mgr = fx_manager_opts(&o);
  fx_host(mgr, "h.test", 1000, 0);
  fx_file(mgr, "http://h.test/big1", 10000000);
  fx_file(mgr, "http://h.test/small", 100000);
  bsim_job *n = job_p(mgr, "http://h.test/big1", BSIM_JOB_PRIORITY_NORMAL);
  bsim_job *h = job_p(mgr, "http://h.test/small", BSIM_JOB_PRIORITY_HIGH);
  assert_int_equal(bsim_job_resume(n), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 100000), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(h), BSIM_S_OK);
  fx_run_to(mgr, h, BSIM_JOB_STATE_CONNECTING, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == SLICE_MS);
  assert_int_equal(fx_state(n), BSIM_JOB_STATE_QUEUED);
  bsim_job_unref(n);
  bsim_job_unref(h);
  fx_free(mgr);
}

/* §5: every FOREGROUND job runs at once, beside one background job. */
static void test_sim_scheduler_foreground_concurrent(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *f1 = job_p(mgr, "http://h.test/big1", BSIM_JOB_PRIORITY_FOREGROUND);
  bsim_job *f2 = job_p(mgr, "http://h.test/big2", BSIM_JOB_PRIORITY_FOREGROUND);
  bsim_job *f3 = job_p(mgr, "http://h.test/big3", BSIM_JOB_PRIORITY_FOREGROUND);
  bsim_job *bg = job_p(mgr, "http://h.test/small", BSIM_JOB_PRIORITY_LOW);
  bsim_job *bg2 = job_p(mgr, "http://h.test/small", BSIM_JOB_PRIORITY_LOW);
  bsim_job *all[5] = {f1, f2, f3, bg, bg2};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(bsim_job_resume(all[i]), BSIM_S_OK);
  }
  assert_int_equal(bsim_manager_advance(mgr, 50000), BSIM_S_OK);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(fx_state(all[i]), BSIM_JOB_STATE_TRANSFERRING);
  }
  assert_int_equal(fx_state(bg2), BSIM_JOB_STATE_QUEUED);
  /* Stopped, each holds exactly 50 s of bytes: they ran side by side. */
  for (int i = 0; i < 5; i++) {
    assert_int_equal(bsim_job_suspend(all[i]), BSIM_S_OK);
  }
  for (int i = 0; i < 4; i++)
    assert_true(bytes(all[i]) == 50000);
  assert_true(bytes(bg2) == 0);
  for (int i = 0; i < 5; i++)
    bsim_job_unref(all[i]);
  fx_free(mgr);
}

/* Changing a running job to FOREGROUND frees the background slot. */
static void test_sim_scheduler_priority_change(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *a = job_p(mgr, "http://h.test/big1", BSIM_JOB_PRIORITY_NORMAL);
  bsim_job *b = job_p(mgr, "http://h.test/big2", BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_resume(a), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(b), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  assert_true(active(a) && !active(b));
  assert_int_equal(bsim_job_set_priority(a, BSIM_JOB_PRIORITY_FOREGROUND),
                   BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  assert_true(active(a) && active(b));
  bsim_job_unref(a);
  bsim_job_unref(b);
  fx_free(mgr);
}

/* §4.1: files one at a time, in order. */
static void test_sim_scheduler_files_in_order(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  const char *urls[] = {"http://h.test/small", "http://h.test/small",
                        "http://h.test/small", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", "/v", urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  /* At every second: a file has bytes only once every earlier file is
   * complete. */
  int seen_second = 0;
  for (int t = 0; t < 320; t++) {
    assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
    for (uint32_t j = 1; j < 3; j++) {
      if (fx_file_progress(job, j).bytes_transferred == 0) continue;
      seen_second = 1;
      for (uint32_t i = 0; i < j; i++) {
        assert_true(fx_file_progress(job, i).bytes_transferred == 100000);
      }
    }
  }
  assert_true(seen_second);
  assert_true(fx_file_progress(job, 2).bytes_transferred == 100000);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.1: an error on file k stops the job; later files are not tried. */
static void test_sim_scheduler_error_stops_at_file(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  fx_file(mgr, "http://h.test/missing", 10);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, "http://h.test/missing");
  f.http_status = 404;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  const char *urls[] = {"http://h.test/small", "http://h.test/missing",
                        "http://h.test/small", NULL};
  bsim_job *job = fx_job_files(mgr, "alice", "/v", urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, DAY_MS);
  struct bsim_job_error e = fx_error(job);
  assert_int_equal(e.file_index, 1);
  assert_int_equal(e.code, bsim_hr_from_http(404));
  assert_string_equal(e.protocol, "http");
  assert_int_equal(fx_file_progress(job, 0).bytes_transferred, 100000);
  assert_true(fx_file_progress(job, 2).bytes_transferred == 0);
  assert_true(fx_file_progress(job, 2).bytes_total == BSIM_SIZE_UNKNOWN);
  struct bsim_job_progress p;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  assert_int_equal(p.files_transferred, 1);
  assert_int_equal(p.files_total, 3);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* No transport claims the URL (the curl transport is not registered in
 * this build of the test): a fatal error, context GENERAL_TRANSPORT. */
static void test_sim_scheduler_no_transport(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", "http://unmodelled.test/a", "/v/a");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, DAY_MS);
  struct bsim_job_error e = fx_error(job);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT);
  assert_int_equal(e.code, BSIM_E_CONNECT_FAILURE);
  bsim_job_unref(job);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sim_scheduler_one_background_job),
      cmocka_unit_test(test_sim_scheduler_round_robin),
      cmocka_unit_test(test_sim_scheduler_alone_keeps_slot),
      cmocka_unit_test(test_sim_scheduler_preemption),
      cmocka_unit_test(test_sim_scheduler_preempt_at_slice_end),
      cmocka_unit_test(test_sim_scheduler_foreground_concurrent),
      cmocka_unit_test(test_sim_scheduler_priority_change),
      cmocka_unit_test(test_sim_scheduler_files_in_order),
      cmocka_unit_test(test_sim_scheduler_error_stops_at_file),
      cmocka_unit_test(test_sim_scheduler_no_transport),
  };
  return cmocka_run_group_tests_name("sim_scheduler", tests, NULL, NULL);
}
