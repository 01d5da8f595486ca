/* Users, the network and determinism in virtual time (reference §4.2,
 * §12, §13; design.md "Seeds", "Trace"): a job transfers only while its
 * owner is logged on, logoff sends a transferring job back to QUEUED and
 * another user's job takes the slot; network loss sends QUEUED and active
 * jobs to TRANSIENT_ERROR with BG_E_NETWORK_DISCONNECTED, not counted as an
 * error and not timer-retried, leaves SUSPENDED jobs alone, and network
 * return queues every TRANSIENT_ERROR job at once; TakeOwnership makes the
 * job depend on the new owner's logon. Determinism: two runs of one busy
 * seeded scenario give the same trace digest and line count, and a
 * different seed a different digest. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"
#include "bsim_engine_fixture.h"

#define DAY_MS UINT64_C(86400000)

static bsim_manager *world(void) {
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  fx_host(mgr, "h.test", 1000, 0);
  fx_file(mgr, "http://h.test/a", 100000);
  fx_file(mgr, "http://h.test/b", 100000);
  return mgr;
}

/* §4.2, §12, §13: logoff -> QUEUED, waits; logon -> runs to the end. */
static void test_sim_users_logoff_logon(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *a = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  bsim_job *b = fx_job(mgr, "bob", "http://h.test/b", "/v/b");
  assert_int_equal(bsim_job_resume(a), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(b), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 10000), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_TRANSFERRING);
  assert_int_equal(fx_state(b), BSIM_JOB_STATE_QUEUED);
  assert_int_equal(bsim_user_set_logged_on(mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_QUEUED);
  assert_true(fx_file_progress(a, 0).bytes_transferred == 10000);
  /* bob's job takes the background slot; alice's waits a whole day. */
  assert_int_equal(bsim_manager_advance(mgr, 1), BSIM_S_OK);
  assert_int_equal(fx_state(b), BSIM_JOB_STATE_TRANSFERRING);
  fx_run_to(mgr, b, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(bsim_manager_advance(mgr, DAY_MS), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_QUEUED);
  uint64_t t_logon = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_user_set_logged_on(mgr, "alice", 1), BSIM_S_OK);
  fx_run_to(mgr, a, BSIM_JOB_STATE_TRANSFERRED, 3 * DAY_MS);
  /* 90,000 bytes were left at 1,000 B/s. */
  assert_true(bsim_manager_now_ms(mgr) == t_logon + 90000);
  /* Logging on twice or off twice is harmless. */
  assert_int_equal(bsim_user_set_logged_on(mgr, "alice", 1), BSIM_S_OK);
  bsim_job_unref(a);
  bsim_job_unref(b);
  fx_free(mgr);
}

/* A job resumed while its owner is logged off never starts. */
static void test_sim_users_logged_off_never_starts(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  assert_int_equal(bsim_user_set_logged_on(mgr, "alice", 0), BSIM_S_OK);
  bsim_job *a = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  assert_int_equal(bsim_job_resume(a), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, DAY_MS), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_QUEUED);
  assert_true(fx_file_progress(a, 0).bytes_transferred == 0);
  /* §12: after TakeOwnership by a logged-on admin it runs. */
  assert_int_equal(bsim_job_take_ownership(a, "admin"), BSIM_S_OK);
  fx_run_to(mgr, a, BSIM_JOB_STATE_TRANSFERRED, 3 * DAY_MS);
  bsim_job_unref(a);
  fx_free(mgr);
}

/* §4.2: network loss and return. */
static void test_sim_network_loss_and_return(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *a = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  bsim_job *b = fx_job(mgr, "bob", "http://h.test/b", "/v/b");
  bsim_job *s = fx_job(mgr, "bob", "http://h.test/b", "/v/s");
  assert_int_equal(bsim_job_resume(a), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(b), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 10000), BSIM_S_OK);
  assert_int_equal(bsim_manager_set_network(mgr, 0), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_true(fx_file_progress(a, 0).bytes_transferred == 10000);
  /* Queued jobs follow at the next step; suspended ones are untouched. */
  assert_int_equal(bsim_manager_advance(mgr, 1), BSIM_S_OK);
  assert_int_equal(fx_state(b), BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_int_equal(fx_state(s), BSIM_JOB_STATE_SUSPENDED);
  struct bsim_job_error e = fx_error(a);
  assert_int_equal(e.code, BSIM_E_NETWORK_DISCONNECTED);
  assert_int_equal(e.file_index, -1);
  assert_int_equal(fx_error_count(a), 0); /* §1.4: not counted */
  /* Not retried by the timer: still waiting ten days later. */
  assert_int_equal(bsim_manager_advance(mgr, 10 * DAY_MS), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_TRANSIENT_ERROR);
  /* Resume while the network is down goes back to waiting. */
  assert_int_equal(bsim_job_resume(s), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1), BSIM_S_OK);
  assert_int_equal(fx_state(s), BSIM_JOB_STATE_TRANSIENT_ERROR);
  uint64_t t_back = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_manager_set_network(mgr, 1), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_QUEUED);
  assert_int_equal(fx_state(b), BSIM_JOB_STATE_QUEUED);
  /* One background job at a time: 90,000 + 100,000 + 100,000 bytes left
   * at 1,000 B/s, whatever the order; a resumes from its 10,000 bytes. */
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_true(bsim_manager_now_ms(mgr) == t_back + 290000);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(fx_state(b), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(fx_state(s), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(fx_error_count(a), 0);
  bsim_job_unref(a);
  bsim_job_unref(b);
  bsim_job_unref(s);
  fx_free(mgr);
}

/* §4.2: "TRANSIENT_ERROR (any code) | network comes back | QUEUED": a job
 * waiting out a 503 retry is queued at once when the network returns. */
static void test_sim_network_back_requeues_any_error(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, "http://h.test/a");
  f.http_status = 503;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  bsim_job *a = fx_job(mgr, "alice", "http://h.test/a", "/v/a");
  assert_int_equal(bsim_job_resume(a), BSIM_S_OK);
  fx_run_to(mgr, a, BSIM_JOB_STATE_TRANSIENT_ERROR, DAY_MS);
  assert_int_equal(bsim_manager_advance(mgr, 60000), BSIM_S_OK);
  assert_int_equal(bsim_manager_set_network(mgr, 0), BSIM_S_OK);
  assert_int_equal(fx_error(a).code, bsim_hr_from_http(503));
  assert_int_equal(bsim_manager_set_network(mgr, 1), BSIM_S_OK);
  assert_int_equal(fx_state(a), BSIM_JOB_STATE_QUEUED);
  fx_run_to(mgr, a, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) < 600000);
  bsim_job_unref(a);
  fx_free(mgr);
}

/* ---- determinism (design.md "Seeds"; style B.11) ------------------------ */

struct run_result {
  uint64_t digest;
  uint64_t lines;
  uint64_t end_ms;
};

/* A busy scenario: users, priorities, faults drawn from the seed, an
 * outage, logoff and network loss, Complete and Cancel. */
static struct run_result scenario(uint64_t seed) {
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.seed = seed;
  bsim_manager *mgr = fx_manager_opts(&o);
  struct bsim__prng prng;
  bsim__prng_seed(&prng, seed);
  fx_host(mgr, "h.test", 5000, 20);
  fx_host(mgr, "fast.test", 0, 0);
  assert_int_equal(bsim_model_host_outage(mgr, "h.test", 300000, 900000),
                   BSIM_S_OK);
  bsim_job *jobs[24];
  const char *users[3] = {"alice", "bob", "admin"};
  for (int i = 0; i < 24; i++) {
    char url[64];
    snprintf(url, sizeof url, "http://%s/f%d", i % 3 ? "h.test" : "fast.test",
             i);
    fx_file(mgr, url, 1000 + bsim__prng_below(&prng, 2000000));
    if (bsim__prng_below(&prng, 4) == 0) {
      struct bsim_fault f;
      bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, url);
      f.http_status = bsim__prng_below(&prng, 2) ? 503 : 404;
      assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
    }
    jobs[i] = fx_job(mgr, users[i % 3], url, "/v/f");
    enum bsim_job_priority p =
        (enum bsim_job_priority)bsim__prng_below(&prng, 4);
    assert_int_equal(bsim_job_set_priority(jobs[i], p), BSIM_S_OK);
    assert_int_equal(bsim_job_resume(jobs[i]), BSIM_S_OK);
  }
  assert_int_equal(bsim_manager_advance(mgr, 200000), BSIM_S_OK);
  assert_int_equal(bsim_user_set_logged_on(mgr, "bob", 0), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 400000), BSIM_S_OK);
  assert_int_equal(bsim_manager_set_network(mgr, 0), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 100000), BSIM_S_OK);
  assert_int_equal(bsim_manager_set_network(mgr, 1), BSIM_S_OK);
  assert_int_equal(bsim_user_set_logged_on(mgr, "bob", 1), BSIM_S_OK);
  assert_int_equal(bsim_job_cancel(jobs[5]), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(mgr, 20 * DAY_MS), BSIM_S_OK);
  for (int i = 0; i < 24; i++) {
    enum bsim_job_state st = fx_state(jobs[i]);
    if (st == BSIM_JOB_STATE_TRANSFERRED || st == BSIM_JOB_STATE_ERROR) {
      bsim_hr hr = bsim_job_complete(jobs[i]);
      assert_true(BSIM_SUCCEEDED(hr));
    }
    bsim_job_unref(jobs[i]);
  }
  struct run_result r = {bsim_trace_digest(mgr), bsim_trace_count(mgr),
                         bsim_manager_now_ms(mgr)};
  fx_free(mgr);
  return r;
}

static void test_sim_determinism(void **state) {
  (void)state;
  uint64_t seed = bsim_test_seed();
  struct run_result a = scenario(seed);
  struct run_result b = scenario(seed);
  assert_true(a.lines > 500);
  assert_true(a.digest == b.digest);
  assert_true(a.lines == b.lines);
  assert_true(a.end_ms == b.end_ms);
  struct run_result c = scenario(seed + 1);
  assert_true(c.digest != a.digest);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sim_users_logoff_logon),
      cmocka_unit_test(test_sim_users_logged_off_never_starts),
      cmocka_unit_test(test_sim_network_loss_and_return),
      cmocka_unit_test(test_sim_network_back_requeues_any_error),
      cmocka_unit_test(test_sim_determinism),
  };
  return cmocka_run_group_tests_name("sim_users_network", tests, NULL, NULL);
}
