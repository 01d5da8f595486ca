/* The clock and the driver (sim/clock/clock.c, loop_uv.c,
 * sim/engine/run.c; design.md "Time", style B.9): the cached "now" and the
 * wall clock, real-time waits with a scale, the three modes (MANUAL moves
 * only on advance/run_until; AUTO jumps to the next deadline and treats the
 * inactivity sweep as background; REAL waits on the libuv loop), step_max
 * as a liveness failure, E_BUSY for a driving call from inside a callback,
 * and an API call from another thread waking a driver blocked in the loop.
 * REAL-mode tests wait for outcomes with deadlines; nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"
#include "clock/clock.h"
#include "bitsim/notify.h"
#include "bsim_engine_fixture.h"

static void test_clock_virtual_basics(void **state) {
  (void)state;
  struct bsim__clock c;
  bsim__clock_init(&c, BSIM_CLOCK_MANUAL, 1.0, 1000);
  assert_true(c.now_ms == 0);
  bsim__clock_set(&c, 250);
  assert_true(c.now_ms == 250);
  bsim__clock_set(&c, 250); /* standing still is fine */
  assert_true(c.wall_base_unix_ms + (int64_t)c.now_ms == 1250);
  /* Real waits: due or past deadlines wait 0. */
  assert_true(bsim__clock_real_wait_ms(&c, 100) == 0);
  assert_true(bsim__clock_real_wait_ms(&c, 260) == 10);
}

static void test_clock_real_scale(void **state) {
  (void)state;
  struct bsim__clock c;
  bsim__clock_init(&c, BSIM_CLOCK_REAL, 1000.0, 0);
  /* REAL with wall 0 takes the real wall clock (after 2020). */
  assert_true(c.wall_base_unix_ms > INT64_C(1577836800000));
  uint64_t now = c.now_ms;
  /* One simulated hour per real 3.6 s: 5,000 virtual ms is 5 real ms,
   * 1,500 is 2 (rounded up: never wake early). */
  assert_true(bsim__clock_real_wait_ms(&c, now + 5000) == 5);
  assert_true(bsim__clock_real_wait_ms(&c, now + 1500) == 2);
  /* Very long waits are capped so the loop re-checks daily. */
  bsim__clock_init(&c, BSIM_CLOCK_REAL, 1.0, 0);
  assert_true(bsim__clock_real_wait_ms(&c, UINT64_C(1) << 50) == 86400000);
  /* sync never goes backwards. */
  uint64_t last = 0;
  for (int i = 0; i < 1000; i++) {
    uint64_t t = bsim__clock_sync(&c);
    assert_true(t >= last);
    last = t;
  }
}

/* MANUAL: run_until_idle runs what is due now and never moves time;
 * advance and run_until move it exactly. */
static void test_clock_manual_mode(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  fx_host(mgr, "h.test", 0, 1000);
  fx_file(mgr, "http://h.test/a", 10);
  bsim_job *job = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_true(bsim_manager_now_ms(mgr) == 0);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_CONNECTING);
  assert_int_equal(bsim_manager_advance(mgr, 999), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_CONNECTING);
  assert_int_equal(bsim_manager_advance(mgr, 1), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_true(bsim_manager_now_ms(mgr) == 1000);
  assert_int_equal(bsim_manager_run_until(mgr, 5000), BSIM_S_OK);
  assert_true(bsim_manager_now_ms(mgr) == 5000);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* AUTO: run_until_idle jumps over the 600 s retry but stops when only the
 * 90-day inactivity sweep is left; run_until fires it. */
static void test_clock_auto_mode(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  /* Nothing at all pending: run_until stays where it is. */
  assert_int_equal(bsim_manager_run_until(mgr, 1000), BSIM_S_OK);
  assert_true(bsim_manager_now_ms(mgr) == 0);
  fx_host(mgr, "h.test", 0, 0);
  fx_file(mgr, "http://h.test/a", 10);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, "http://h.test/a");
  f.http_status = 503;
  f.count = 1;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  bsim_job *job = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_true(bsim_manager_now_ms(mgr) == 600000); /* one retry, §5 */
  /* Idle with only the inactivity sweep pending: time stays. */
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_true(bsim_manager_now_ms(mgr) == 600000);
  /* run_until to 100 days fires it (§4.2: scavenged at 90 days after
   * the last activity). */
  assert_int_equal(bsim_manager_run_until(mgr, UINT64_C(8640000000)),
                   BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_CANCELLED);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_clock_step_max(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  fx_host(mgr, "h.test", 10, 0);
  fx_file(mgr, "http://h.test/a", 1000);
  bsim_job *job = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  /* 100 s of progress steps cannot fit in 5 steps: a liveness failure. */
  assert_int_equal(bsim_manager_run_until_idle(mgr, 5), BSIM_E_WAIT_TIMEOUT);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- E_BUSY from a callback --------------------------------------------- */

struct busy_probe {
  bsim_manager *mgr;
  bsim_hr run_hr;
  bsim_hr advance_hr;
  bsim_hr free_hr;
  int calls;
};

static bsim_hr busy_transferred(bsim_job *job, void *user) {
  (void)job;
  struct busy_probe *p = user;
  p->calls++;
  p->run_hr = bsim_manager_run_until_idle(p->mgr, 0);
  p->advance_hr = bsim_manager_advance(p->mgr, 10);
  p->free_hr = bsim_manager_free(p->mgr);
  return BSIM_S_OK;
}

static void test_clock_driving_from_callback_is_busy(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  fx_host(mgr, "h.test", 0, 0);
  fx_file(mgr, "http://h.test/a", 10);
  bsim_job *job = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  struct busy_probe probe = {mgr, 0, 0, 0, 0};
  struct bsim_notify_ops ops;
  memset(&ops, 0, sizeof ops);
  ops.job_transferred = busy_transferred;
  assert_int_equal(bsim_job_set_notify(job, &ops, &probe), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(probe.calls, 1);
  assert_int_equal(probe.run_hr, BSIM_E_BUSY);
  assert_int_equal(probe.advance_hr, BSIM_E_BUSY);
  assert_int_equal(probe.free_hr, BSIM_E_BUSY);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- REAL mode ---------------------------------------------------------- */

static void test_clock_real_mode_scaled(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_REAL, BSIM_FS_VIRTUAL);
  o.real_time_scale = 1000.0; /* a virtual second per real millisecond */
  bsim_manager *mgr = fx_manager_opts(&o);
  fx_host(mgr, "h.test", 0, 20000); /* 20 virtual s to connect */
  fx_file(mgr, "http://h.test/a", 10);
  bsim_job *job = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  uint64_t real0 = bsim__clock_real_ns();
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_job_state(
                       mgr, job, 1u << BSIM_JOB_STATE_TRANSFERRED,
                       bsim_manager_now_ms(mgr) + 600000),
                   BSIM_S_OK);
  uint64_t real_ms = (bsim__clock_real_ns() - real0) / 1000000;
  assert_true(bsim_manager_now_ms(mgr) >= 20000);
  assert_true(real_ms >= 19);   /* the wait happened in real time... */
  assert_true(real_ms < 10000); /* ...scaled, not 20 real seconds */
  bsim_job_unref(job);
  fx_free(mgr);
}

struct resumer {
  bsim_job *job;
  bsim_hr hr;
};

static void *resume_thread(void *arg) {
  struct resumer *r = arg;
  r->hr = bsim_job_resume(r->job);
  return NULL;
}

/* A call from another thread wakes a driver blocked in the loop. */
static void test_clock_wake_from_other_thread(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_REAL, BSIM_FS_VIRTUAL);
  fx_host(mgr, "h.test", 0, 0);
  fx_file(mgr, "http://h.test/a", 10);
  bsim_job *job = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  struct resumer r = {job, BSIM_E_FAIL};
  pthread_t t;
  uint64_t real0 = bsim__clock_real_ns();
  assert_int_equal(pthread_create(&t, NULL, resume_thread, &r), 0);
  /* Wait up to a minute of real time; the wake must end it far sooner. */
  bsim_hr hr = bsim_manager_run_until_job_state(
      mgr, job, 1u << BSIM_JOB_STATE_TRANSFERRED,
      bsim_manager_now_ms(mgr) + 60000);
  pthread_join(t, NULL);
  uint64_t real_ms = (bsim__clock_real_ns() - real0) / 1000000;
  assert_int_equal(r.hr, BSIM_S_OK);
  assert_int_equal(hr, BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_true(real_ms < 30000);
  bsim_job_unref(job);
  fx_free(mgr);
}

struct driver_arg {
  bsim_manager *mgr;
  bsim_job *job;
  bsim_hr hr;
};

static void *drive_thread(void *arg) {
  struct driver_arg *a = arg;
  a->hr = bsim_manager_run_until_job_state(a->mgr, a->job,
                                           1u << BSIM_JOB_STATE_CANCELLED,
                                           bsim_manager_now_ms(a->mgr) + 60000);
  return NULL;
}

/* Two drivers at once: the second gets E_BUSY (manager.h). */
static void test_clock_second_driver_is_busy(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_REAL, BSIM_FS_VIRTUAL);
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  struct driver_arg a = {mgr, job, BSIM_E_FAIL};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, drive_thread, &a), 0);
  /* Until the other thread drives, this thread's own run is idle at once
   * (nothing but the inactivity sweep is pending). */
  uint64_t real0 = bsim__clock_real_ns();
  bsim_hr hr = BSIM_S_OK;
  while (hr == BSIM_S_OK &&
         bsim__clock_real_ns() - real0 < UINT64_C(20000000000)) {
    hr = bsim_manager_run_until_idle(mgr, 0);
  }
  assert_int_equal(hr, BSIM_E_BUSY);
  assert_int_equal(bsim_manager_free(mgr), BSIM_E_BUSY);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK); /* ends the wait */
  pthread_join(t, NULL);
  assert_int_equal(a.hr, BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clock_virtual_basics),
      cmocka_unit_test(test_clock_real_scale),
      cmocka_unit_test(test_clock_manual_mode),
      cmocka_unit_test(test_clock_auto_mode),
      cmocka_unit_test(test_clock_step_max),
      cmocka_unit_test(test_clock_driving_from_callback_is_busy),
      cmocka_unit_test(test_clock_real_mode_scaled),
      cmocka_unit_test(test_clock_wake_from_other_thread),
      cmocka_unit_test(test_clock_second_driver_is_busy),
  };
  return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
