/* Cancel-Session retries (reference §9.1: Close/Cancel-Session are re-sent
 * on 5xx; BITS keeps trying for up to 24 h) on the engine's clock: the
 * manager runs in AUTO mode, so between tries, with nothing in flight,
 * virtual time jumps to the next one and a day passes in well under a
 * second of real time. `bitsim serve` answers the Cancel-Session packets
 * with scripted 503s. The retry interval is one hour here.
 *   - a passing error: the immediate re-sends (cancel_session_retries, 3)
 *     close the session with no time passing;
 *   - five 503s with no immediate re-sends: the sixth try, 5 hours after
 *     the first, closes the session;
 *   - a server that always answers 503 gets one try per hour for 24 h (25
 *     in all), then no more, however long time runs on;
 *   - the re-sends wait on a background timer: run_until_idle returns
 *     without jumping to them;
 *   - a window of 0 sends it once; a 404 (a 4xx) is not re-sent.
 * Every wait has a deadline; nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "curl_world.h"

#define HOUR_MS UINT64_C(3600000)

struct cancel_world {
  struct world w;
  char src[1300];
  uint64_t posts_before; /* BITS_POSTs to the path before the Cancel */
  uint64_t cancelled_ms; /* engine time of the Cancel */
  uint64_t idle_ms;      /* engine time run_until_idle took after it */
  uint64_t idle_posts;   /* Cancel-Sessions sent by then */
  uint64_t mid_posts;    /* Cancel-Sessions sent by mid_ms after it */
};

static uint64_t cancel_posts(struct cancel_world *cw) {
  return world_stats(&cw->w, "/u/c.bin").bits_posts - cw->posts_before;
}

/* An upload of 3 fragments whose second fragment gets a 503: the job waits
 * in TRANSIENT_ERROR with its session open on the server. */
static void open_with_session(struct cancel_world *cw, const char *name,
                              uint32_t quick, uint64_t window_ms) {
  struct world *w = &cw->w;
  world_open(w, name, NULL);
  struct bsim__curl_config c;
  world_default_config(&c);
  c.fragment_bytes = 65536;
  c.cancel_session_retries = quick;
  c.cancel_session_retry_ms = HOUR_MS;
  c.cancel_session_window_ms = window_ms;
  world_config(w, &c);
  char u[1200];
  assert_int_equal(mkdir(world_path(u, sizeof u, w->up, "u"), 0755), 0);
  world_make_file(world_path(cw->src, sizeof cw->src, w->dir, "src.bin"),
                  3 * 65536, 21);
  world_fault(w, "path=/u/c.bin,method=BITS_POST,nth=3,count=1,status=503");
}

/* Cancel the job (the transport sends Cancel-Session, detached); run until
 * idle (which leaves background re-sends pending), to mid_ms after the
 * Cancel, then on to 30 hours, by when every re-send is over. */
static void cancel_and_settle(struct cancel_world *cw, const char *fault,
                              uint64_t mid_ms) {
  struct world *w = &cw->w;
  bsim_job *job = world_job(w, BSIM_JOB_TYPE_UPLOAD, BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_add_file(job, world_url(w, "/u/c.bin"), cw->src),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_int_equal(bsim_serve_session_count(w->srv), 1);
  cw->posts_before = world_stats(w, "/u/c.bin").bits_posts;
  if (fault != NULL) world_fault(w, fault);
  cw->cancelled_ms = bsim_manager_now_ms(w->mgr);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_run_until_idle(w->mgr, 0), BSIM_S_OK);
  assert_int_equal(world_curl_stats(w).active, 0);
  cw->idle_ms = bsim_manager_now_ms(w->mgr) - cw->cancelled_ms;
  cw->idle_posts = cancel_posts(cw);
  assert_int_equal(bsim_manager_run_until(w->mgr, cw->cancelled_ms + mid_ms),
                   BSIM_S_OK);
  cw->mid_posts = cancel_posts(cw);
  uint64_t until = cw->cancelled_ms + 30 * HOUR_MS;
  assert_int_equal(bsim_manager_run_until(w->mgr, until), BSIM_S_OK);
  assert_int_equal(world_curl_stats(w).active, 0);
}

static void test_cancel_session_quick_resends(void **state) {
  (void)state;
  static struct cancel_world cw;
  open_with_session(&cw, "curl-cancel-quick", 3, 24 * HOUR_MS);
  cancel_and_settle(&cw, "path=/u/c.bin,method=BITS_POST,count=2,status=503",
                    HOUR_MS);
  assert_int_equal(cw.idle_posts, 3);
  assert_true(cw.idle_ms < HOUR_MS);
  assert_int_equal(cancel_posts(&cw), 3);
  assert_int_equal(bsim_serve_session_count(cw.w.srv), 0);
  world_close(&cw.w);
}

static void test_cancel_session_retried_until_accepted(void **state) {
  (void)state;
  static struct cancel_world cw;
  open_with_session(&cw, "curl-cancel-5", 0, 24 * HOUR_MS);
  cancel_and_settle(&cw, "path=/u/c.bin,method=BITS_POST,count=5,status=503",
                    4 * HOUR_MS + HOUR_MS / 2);
  /* run_until_idle did not wait for the background re-send. */
  assert_int_equal(cw.idle_posts, 1);
  assert_true(cw.idle_ms < HOUR_MS);
  assert_int_equal(cw.mid_posts, 5); /* at 0, 1, 2, 3 and 4 h */
  assert_int_equal(cancel_posts(&cw), 6);
  assert_int_equal(bsim_serve_session_count(cw.w.srv), 0);
  world_close(&cw.w);
}

/* Tries at 0 h, 1 h, ..., 24 h: by 23 h 30 min 24 have gone out, by 30 h
 * 25, and two more days add none. */
static void test_cancel_session_gives_up_after_window(void **state) {
  (void)state;
  static struct cancel_world cw;
  open_with_session(&cw, "curl-cancel-24h", 0, 24 * HOUR_MS);
  cancel_and_settle(&cw, "path=/u/c.bin,method=BITS_POST,status=503",
                    23 * HOUR_MS + HOUR_MS / 2);
  assert_int_equal(cw.mid_posts, 24);
  assert_int_equal(cancel_posts(&cw), 25);
  assert_int_equal(bsim_serve_session_count(cw.w.srv), 1);
  uint64_t until = bsim_manager_now_ms(cw.w.mgr) + 48 * HOUR_MS;
  assert_int_equal(bsim_manager_run_until(cw.w.mgr, until), BSIM_S_OK);
  assert_int_equal(cancel_posts(&cw), 25);
  world_close(&cw.w);
}

static void test_cancel_session_window_zero_sends_once(void **state) {
  (void)state;
  static struct cancel_world cw;
  open_with_session(&cw, "curl-cancel-once", 0, 0);
  cancel_and_settle(&cw, "path=/u/c.bin,method=BITS_POST,status=503", HOUR_MS);
  assert_int_equal(cancel_posts(&cw), 1);
  world_close(&cw.w);
}

static void test_cancel_session_4xx_not_resent(void **state) {
  (void)state;
  static struct cancel_world cw;
  open_with_session(&cw, "curl-cancel-404", 3, 24 * HOUR_MS);
  cancel_and_settle(&cw, "path=/u/c.bin,method=BITS_POST,status=404", HOUR_MS);
  assert_int_equal(cancel_posts(&cw), 1);
  world_close(&cw.w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cancel_session_quick_resends),
      cmocka_unit_test(test_cancel_session_retried_until_accepted),
      cmocka_unit_test(test_cancel_session_gives_up_after_window),
      cmocka_unit_test(test_cancel_session_window_zero_sends_once),
      cmocka_unit_test(test_cancel_session_4xx_not_resent),
  };
  return cmocka_run_group_tests_name("curl_cancel_session", tests, NULL, NULL);
}
