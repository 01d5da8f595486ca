/* Notifications delivered THREADED on a worker pool (reference §6,
 * design.md "Notifications", "Thread safety"):
 * - the four-per-user limit: four blocked callbacks of one user hold back
 *   that user's fifth notification and nobody else's; releasing one lets it
 *   through;
 * - virtual time does not jump while a callback is in flight;
 * - callbacks on worker threads call Complete, Cancel, getters, set_notify
 *   and a driving call (E_BUSY) without deadlock, while the test thread
 *   calls the API too;
 * - retry until S_OK works on the worker pool as inline.
 * The engine is driven from a thread of the test; the test thread waits on
 * condition variables with real-time deadlines (no sleeps). Run under TSan
 * too (build-notify-tsan). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bsim_test.h"
#include "internal.h"
#include "notify/notify_priv.h"

#define HOST "example.test"
#define URL(name) "http://" HOST "/" name
#define NJOBS 8
#define DEADLINE_S 20

struct gate {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bsim_manager *mgr;
  bsim_job *jobs[NJOBS];
  int is_alice[NJOBS];
  int entered[NJOBS];  /* callback calls started */
  int released[NJOBS]; /* the test let this job's callback return */
  int returned[NJOBS];
  int order[NJOBS]; /* job index by order of entry */
  int entered_total;
  int bob_finished; /* the driver finished bob's notification */
  int busy_seen;    /* a driving call from a callback answered E_BUSY */
  int fail_first;   /* JobTransferred returns E_FAIL on the first call */
  int dave_calls;   /* JobModification calls for dave's job */
  int bad;          /* a check inside a callback failed (cmocka's asserts
                       must stay on the test thread) */
};

static struct gate g;

static void deadline_in(struct timespec *ts, int seconds) {
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_sec += seconds;
}

/* Wait (mutex held) until pred holds or the deadline passes. */
#define WAIT_FOR(pred)                                                         \
  do {                                                                         \
    struct timespec ts_;                                                       \
    deadline_in(&ts_, DEADLINE_S);                                             \
    while (!(pred)) {                                                          \
      int rc_ = pthread_cond_timedwait(&g.cv, &g.mu, &ts_);                    \
      if (rc_ != 0) {                                                          \
        pthread_mutex_unlock(&g.mu);                                           \
        fail_msg("timed out waiting for %s", #pred);                           \
      }                                                                        \
    }                                                                          \
  } while (0)

static int job_index(bsim_job *job) {
  for (int i = 0; i < NJOBS; i++)
    if (g.jobs[i] == job) return i;
  return -1;
}

static bsim_hr on_transferred(bsim_job *job, void *user) {
  (void)user;
  int i = job_index(job);
  pthread_mutex_lock(&g.mu);
  int first = g.entered[i] == 0;
  g.entered[i]++;
  g.order[g.entered_total++ % NJOBS] = i;
  pthread_cond_broadcast(&g.cv);
  while (g.is_alice[i] && !g.released[i])
    pthread_cond_wait(&g.cv, &g.mu);
  int fail = g.fail_first && first;
  pthread_mutex_unlock(&g.mu);
  if (fail) return BSIM_E_FAIL;
  /* Any job method from a worker thread, with no lock held. */
  enum bsim_job_state st;
  int bad = bsim_job_get_state(job, &st) != BSIM_S_OK ||
            st != BSIM_JOB_STATE_TRANSFERRED;
  bsim_hr drive = bsim_manager_run_until_idle(g.mgr, 1);
  if (g.is_alice[i])
    bad |= bsim_job_complete(job) != BSIM_S_OK;
  else
    bad |= bsim_job_cancel(job) != BSIM_S_OK;
  pthread_mutex_lock(&g.mu);
  g.bad += bad;
  g.returned[i] = 1;
  if (drive == BSIM_E_BUSY) g.busy_seen++;
  pthread_cond_broadcast(&g.cv);
  pthread_mutex_unlock(&g.mu);
  return BSIM_S_OK;
}

static void trace_sink(const char *line, size_t len, void *user) {
  (void)len;
  (void)user;
  /* Called by the driver under the engine lock when it finishes a
   * notification. */
  if (strstr(line, "\"ev\":\"notify\"") == NULL) return;
  if (strstr(line, "\"user\":\"bob\"") == NULL) return;
  pthread_mutex_lock(&g.mu);
  g.bob_finished++;
  pthread_cond_broadcast(&g.cv);
  pthread_mutex_unlock(&g.mu);
}

static const struct bsim_notify_ops ops = {.job_transferred = on_transferred};

static bsim_hr on_dave(bsim_job *job, void *user) {
  (void)job;
  (void)user;
  pthread_mutex_lock(&g.mu);
  g.dave_calls++;
  pthread_cond_broadcast(&g.cv);
  pthread_mutex_unlock(&g.mu);
  return BSIM_S_OK;
}

static void *drive_main(void *arg) {
  bsim_hr *hr = arg;
  *hr = bsim_manager_run_until_idle(g.mgr, 0);
  return NULL;
}

static bsim_manager *mgr_new(void) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.seed = bsim_test_seed();
  o.fs_mode = BSIM_FS_VIRTUAL;
  o.notify_cmdline_record = 1;
  o.delivery = BSIM_DELIVERY_THREADED;
  o.delivery_threads = 8; /* more workers than the limit */
  o.renotify_interval_ms = 5000;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  assert_int_equal(bsim__notify_configure(bsim__mgr_notify(mgr), &o),
                   BSIM_S_OK);
  assert_int_equal(bsim_trace_set_sink(mgr, trace_sink, NULL), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "bob", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "carol", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "dave", 0), BSIM_S_OK);
  struct bsim_model_host_options h;
  bsim_model_host_options_init(&h);
  h.latency_ms = 10;
  assert_int_equal(bsim_model_host_add(mgr, HOST, &h), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(mgr, URL("b"), 1000), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(mgr, URL("t"), 1000), BSIM_S_OK);
  return mgr;
}

static bsim_job *job_add(bsim_manager *mgr, const char *user, const char *url) {
  bsim_job *job = NULL;
  assert_int_equal(
      bsim_job_create(mgr, user, "j", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
      BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(job, url, "/v/f"), BSIM_S_OK);
  return job;
}

static void gate_init(void) {
  memset(&g, 0, sizeof(g));
  pthread_mutex_init(&g.mu, NULL);
  pthread_cond_init(&g.cv, NULL);
}

static void load_of(const char *user, uint32_t *in_flight, uint32_t *queued) {
  bsim__lock(g.mgr);
  bsim__notify_user_load(g.mgr, user, in_flight, queued);
  bsim__unlock(g.mgr);
}

/* Five jobs of alice (indices 0-4), one of bob (5), and carol's job in
 * TRANSIENT_ERROR with a 600 s retry timer: time must not jump to it while
 * callbacks are in flight. dave's job only hears modifications, caused
 * later from the test thread. Returns the time carol's wait began. */
static uint64_t four_per_user_setup(bsim_job **carol_out, bsim_job **dave_out) {
  for (int i = 0; i < 5; i++) {
    g.jobs[i] = job_add(g.mgr, "alice", URL("b"));
    g.is_alice[i] = 1;
  }
  g.jobs[5] = job_add(g.mgr, "bob", URL("b"));
  bsim_job *dave = job_add(g.mgr, "dave", URL("b"));
  struct bsim_notify_ops dave_ops = {.job_modification = on_dave};
  assert_int_equal(bsim_job_set_notify(dave, &dave_ops, NULL), BSIM_S_OK);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL("t"));
  f.http_status = 503;
  f.count = 0; /* always */
  assert_int_equal(bsim_fault_add(g.mgr, &f), BSIM_S_OK);
  bsim_job *carol = job_add(g.mgr, "carol", URL("t"));
  assert_int_equal(bsim_job_resume(carol), BSIM_S_OK);
  assert_int_equal(
      bsim_manager_run_until_job_state(
          g.mgr, carol, 1u << BSIM_JOB_STATE_TRANSIENT_ERROR, 1000),
      BSIM_S_OK);
  uint64_t t0_ms = bsim_manager_now_ms(g.mgr);
  for (int i = 0; i < 6; i++) {
    assert_int_equal(bsim_job_set_notify(g.jobs[i], &ops, NULL), BSIM_S_OK);
    assert_int_equal(bsim_job_resume(g.jobs[i]), BSIM_S_OK);
  }

  *carol_out = carol;
  *dave_out = dave;
  return t0_ms;
}

static void test_four_per_user_threaded(void **state) {
  (void)state;
  gate_init();
  g.mgr = mgr_new();
  bsim_job *carol = NULL, *dave = NULL;
  uint64_t t0_ms = four_per_user_setup(&carol, &dave);

  pthread_t driver;
  bsim_hr drive_hr = BSIM_E_FAIL;
  assert_int_equal(pthread_create(&driver, NULL, drive_main, &drive_hr), 0);

  pthread_mutex_lock(&g.mu);
  WAIT_FOR(g.entered_total == 5 && g.returned[5] && g.bob_finished >= 1);
  /* Bob's callback went through while four of alice's are blocked. */
  int alice_in = 0;
  for (int i = 0; i < 5; i++)
    alice_in += g.entered[i];
  pthread_mutex_unlock(&g.mu);
  assert_int_equal(alice_in, 4);
  uint32_t in_flight = 0, queued = 0;
  load_of("alice", &in_flight, &queued);
  assert_int_equal(in_flight, 4);
  assert_int_equal(queued, 1); /* the fifth waits in alice's FIFO */
  /* Bob's callback returned; its worker gives the slot back when it next
   * holds the engine lock, which may be a moment later. */
  for (int spin = 0; spin < 10000000; spin++) {
    load_of("bob", &in_flight, &queued);
    if (in_flight == 0) break;
    sched_yield();
  }
  assert_int_equal(in_flight, 0);
  /* The test thread uses the API while callbacks run. */
  enum bsim_job_state st;
  assert_int_equal(bsim_job_get_state(carol, &st), BSIM_S_OK);
  assert_int_equal(st, BSIM_JOB_STATE_TRANSIENT_ERROR);
  /* Time flowed at the real rate (a little), not to carol's retry. */
  assert_true(bsim_manager_now_ms(g.mgr) < t0_ms + 600000);
  /* An event caused on this thread while the driver waits in its loop
   * (four callbacks in flight) is delivered now, not when they return. */
  assert_int_equal(bsim_job_set_notify_flags(dave, 0x8), BSIM_S_OK);
  pthread_mutex_lock(&g.mu);
  WAIT_FOR(g.dave_calls >= 1);
  pthread_mutex_unlock(&g.mu);

  /* Release the first of alice's callbacks: the fifth gets through. */
  pthread_mutex_lock(&g.mu);
  int first = g.order[0] == 5 ? g.order[1] : g.order[0];
  g.released[first] = 1;
  pthread_cond_broadcast(&g.cv);
  WAIT_FOR(g.entered_total == 6);
  for (int i = 0; i < 5; i++)
    assert_int_equal(g.entered[i], 1);
  for (int i = 0; i < 5; i++)
    g.released[i] = 1;
  pthread_cond_broadcast(&g.cv);
  pthread_mutex_unlock(&g.mu);

  /* carol's job retries forever (503 always): cancel it so idle comes. */
  assert_int_equal(bsim_job_cancel(carol), BSIM_S_OK);
  assert_int_equal(pthread_join(driver, NULL), 0);
  assert_int_equal(drive_hr, BSIM_S_OK);
  for (int i = 0; i < 6; i++) {
    assert_int_equal(bsim_job_get_state(g.jobs[i], &st), BSIM_S_OK);
    assert_int_equal(st, i < 5 ? BSIM_JOB_STATE_ACKNOWLEDGED
                               : BSIM_JOB_STATE_CANCELLED);
    bsim_job_unref(g.jobs[i]);
  }
  assert_int_equal(g.busy_seen, 6); /* driving from a callback: E_BUSY */
  assert_int_equal(g.bad, 0);
  bsim_job_unref(carol);
  bsim_job_unref(dave);
  assert_int_equal(bsim_manager_free(g.mgr), BSIM_S_OK);
}

static void test_retry_threaded(void **state) {
  (void)state;
  gate_init();
  g.mgr = mgr_new();
  g.fail_first = 1;
  g.jobs[0] = job_add(g.mgr, "bob", URL("b"));
  assert_int_equal(bsim_job_set_notify(g.jobs[0], &ops, NULL), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(g.jobs[0]), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(g.mgr, 0), BSIM_S_OK);
  assert_int_equal(g.entered[0], 2); /* failed once, retried, S_OK */
  uint32_t failures = 0;
  assert_int_equal(bsim_job_get_notify_failures(g.jobs[0], &failures),
                   BSIM_S_OK);
  assert_int_equal(failures, 1);
  assert_int_equal(g.bad, 0);
  /* The retry waited the re-notify interval in virtual time (5 s), not in
   * real time. */
  assert_true(bsim_manager_now_ms(g.mgr) >= 5000);
  enum bsim_job_state st;
  assert_int_equal(bsim_job_get_state(g.jobs[0], &st), BSIM_S_OK);
  assert_int_equal(st, BSIM_JOB_STATE_CANCELLED);
  bsim_job_unref(g.jobs[0]);
  assert_int_equal(bsim_manager_free(g.mgr), BSIM_S_OK);
}

static _Atomic int finalized;
static bsim_hr seen_error_code;

static void fin(void *user) {
  (void)user;
  atomic_fetch_add(&finalized, 1);
}

static bsim_hr on_error(bsim_job *job, const struct bsim_job_error *err,
                        void *user) {
  (void)job;
  (void)user;
  pthread_mutex_lock(&g.mu);
  seen_error_code = err->code;
  pthread_cond_broadcast(&g.cv);
  pthread_mutex_unlock(&g.mu);
  return BSIM_S_OK;
}

/* A registration replaced while its callback runs on a worker is finalized
 * only after the callback returned; JobError reaches a worker with the
 * job's error; a command line (recorded) is delivered in THREADED mode. */
static void test_threaded_finalizer_error_cmdline(void **state) {
  (void)state;
  gate_init();
  atomic_store(&finalized, 0);
  seen_error_code = 0;
  g.mgr = mgr_new();
  g.jobs[0] = job_add(g.mgr, "alice", URL("b"));
  g.is_alice[0] = 1; /* blocks until released */
  struct bsim_notify_ops blocking = {.job_transferred = on_transferred,
                                     .finalize = fin};
  assert_int_equal(bsim_job_set_notify(g.jobs[0], &blocking, NULL), BSIM_S_OK);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL("t"));
  f.http_status = 404;
  assert_int_equal(bsim_fault_add(g.mgr, &f), BSIM_S_OK);
  bsim_job *failing = job_add(g.mgr, "bob", URL("t"));
  struct bsim_notify_ops err_ops = {.job_error = on_error};
  assert_int_equal(bsim_job_set_notify(failing, &err_ops, NULL), BSIM_S_OK);
  bsim_job *cmd = job_add(g.mgr, "carol", URL("b"));
  assert_int_equal(bsim_job_set_notify_cmdline(cmd, "/bin/rec", NULL),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(g.jobs[0]), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(failing), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(cmd), BSIM_S_OK);

  pthread_t driver;
  bsim_hr drive_hr = BSIM_E_FAIL;
  assert_int_equal(pthread_create(&driver, NULL, drive_main, &drive_hr), 0);
  pthread_mutex_lock(&g.mu);
  WAIT_FOR(g.entered[0] == 1 && seen_error_code != 0);
  pthread_mutex_unlock(&g.mu);
  assert_int_equal(seen_error_code, bsim_hr_from_http(404));
  /* Replace the registration while its callback is blocked. */
  assert_int_equal(bsim_job_set_notify(g.jobs[0], NULL, NULL), BSIM_S_OK);
  assert_int_equal(atomic_load(&finalized), 0);
  pthread_mutex_lock(&g.mu);
  g.released[0] = 1;
  pthread_cond_broadcast(&g.cv);
  pthread_mutex_unlock(&g.mu);
  assert_int_equal(pthread_join(driver, NULL), 0);
  assert_int_equal(drive_hr, BSIM_S_OK);
  assert_int_equal(atomic_load(&finalized), 1);
  assert_int_equal(g.bad, 0);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_get_cmdline_runs(g.mgr, &runs, &n), BSIM_S_OK);
  assert_int_equal(n, 1);
  assert_string_equal(runs[0].program, "/bin/rec");
  bsim_cmdline_runs_free(runs, n);
  bsim_job_unref(g.jobs[0]);
  bsim_job_unref(failing);
  bsim_job_unref(cmd);
  assert_int_equal(bsim_manager_free(g.mgr), BSIM_S_OK);
  assert_int_equal(atomic_load(&finalized), 1);
}

static bsim_hr count_mod(bsim_job *job, void *user) {
  (void)job;
  atomic_fetch_add((_Atomic int *)user, 1);
  return BSIM_S_OK;
}

/* bsim_manager_free right after a busy run: kicked workers may still be
 * waiting for the engine lock that bsim_manager_free holds; teardown must
 * let them finish instead of deadlocking on the join. */
static void test_threaded_teardown_after_burst(void **state) {
  (void)state;
  static _Atomic int calls;
  struct bsim_notify_ops ops_mod = {.job_modification = count_mod};
  for (int round = 0; round < 100; round++) {
    atomic_store(&calls, 0);
    gate_init();
    g.mgr = mgr_new();
    bsim_job *jobs[16];
    for (int i = 0; i < 16; i++) {
      jobs[i] = job_add(g.mgr, i % 2 ? "alice" : "bob", URL("b"));
      assert_int_equal(bsim_job_set_notify(jobs[i], &ops_mod, (void *)&calls),
                       BSIM_S_OK);
      assert_int_equal(bsim_job_set_notify_flags(jobs[i], 0x8), BSIM_S_OK);
    }
    assert_int_equal(bsim_manager_run_until_idle(g.mgr, 0), BSIM_S_OK);
    assert_int_equal(atomic_load(&calls), 16);
    for (int i = 0; i < 16; i++)
      bsim_job_unref(jobs[i]);
    assert_int_equal(bsim_manager_free(g.mgr), BSIM_S_OK);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_four_per_user_threaded),
      cmocka_unit_test(test_retry_threaded),
      cmocka_unit_test(test_threaded_finalizer_error_cmdline),
      cmocka_unit_test(test_threaded_teardown_after_burst),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
