/* bitsim — the service thread and time of the Windows binding
 * (design.md "Time", docs/compat.md "Time").
 *
 * The engine runs on its own thread, as the BITS service does. The engine
 * itself is in MANUAL mode (REAL for BITSIM_CLOCK=real): this thread alone
 * decides when virtual time moves. In auto mode it jumps only when every
 * thread that called CoInitializeEx is blocked in Sleep or
 * WaitForSingleObject and the engine has nothing in flight (no transfer,
 * no callback, no runnable work), and then to the earliest of the engine's
 * timers and those waits' timeouts; while a real (curl) transfer is in
 * flight it flows at the real rate instead, as design.md's auto mode does
 * for native drivers. Threads blocked on virtual time are
 * wait records in one list; SetEvent and the jumps wake them. In manual
 * mode time moves only through <bitsim/win32ext.h>.
 */
#include "compat/compat.h"

#include <time.h>

#include "internal.h"

/* How often the thread looks for work when nothing woke it (real ms):
 * application threads call the engine directly and do not wake us. */
#define POLL_MS 1u

static int thread_started;

/* The service thread's driving calls: a failure (E_WAIT_TIMEOUT, a
 * liveness bound) is traced by the engine and the loop goes on. */
static void drive_result(bsim_hr hr) {
  (void)hr;
}

uint64_t bsim__cw_now_ms_locked(void) {
  if (bsim__cw.clock == CW_CLOCK_REAL) return bsim__clock_real_ns() / 1000000u;
  uint64_t engine =
      bsim__cw.mgr != NULL ? bsim_manager_now_ms(bsim__cw.mgr) : 0;
  return bsim__cw.pre_ms + engine;
}

void bsim__cw_expire_waits(uint64_t now_ms) {
  for (struct bsim__cw_wait *w = bsim__cw.waits; w != NULL; w = w->next) {
    if (!w->woken && w->deadline_ms <= now_ms) {
      w->woken = 1;
      if (w->counted) bsim__cw.blocked--;
    }
  }
  pthread_cond_broadcast(&bsim__cw.cond);
}

static uint64_t earliest_wait_ms(void) {
  uint64_t best = UINT64_MAX;
  for (struct bsim__cw_wait *w = bsim__cw.waits; w != NULL; w = w->next) {
    if (!w->woken && w->deadline_ms < best) best = w->deadline_ms;
  }
  return best;
}

/* Auto mode, mu held: jump when every CoInitializeEx thread is blocked
 * and the engine is quiet. Returns 1 when time moved (or may have). */
static int try_jump(bsim_manager *mgr) {
  if (bsim__cw.co_threads == 0 || bsim__cw.blocked < bsim__cw.co_threads) {
    return 0;
  }
  uint64_t next_ms = UINT64_MAX;
  int in_flight = 0;
  if (bsim_manager_pending(mgr, &next_ms, &in_flight) != BSIM_S_OK ||
      in_flight) {
    return 0;
  }
  uint64_t wait_ms = earliest_wait_ms();
  if (wait_ms != UINT64_MAX) wait_ms -= bsim__cw.pre_ms; /* engine time */
  uint64_t target = next_ms < wait_ms ? next_ms : wait_ms;
  if (target == UINT64_MAX) return 0; /* everyone waits forever */
  pthread_mutex_unlock(&bsim__cw.mu);
  /* Work that became runnable since the last pass (a callback finished
   * on a worker) runs at the present instant first. */
  uint64_t before = bsim_trace_count(mgr);
  drive_result(bsim_manager_run_until_idle(mgr, 0));
  if (bsim_trace_count(mgr) == before)
    drive_result(bsim_manager_run_until(mgr, target));
  pthread_mutex_lock(&bsim__cw.mu);
  bsim__cw_expire_waits(bsim__cw_now_ms_locked());
  return 1;
}

/* Auto mode: while real I/O is in flight, virtual time flows at the real
 * rate (design.md "Time"): the engine is advanced by the real time passed
 * since the last pass, so Sleep and timed waits of the application end,
 * and the engine's timers (NoProgressTimeout...) fire, as they would on
 * the real clock. *last_ns is the real time already accounted for. */
static void flow_with_transfers(bsim_manager *mgr, uint64_t *last_ns) {
  uint64_t now_ns = bsim__clock_real_ns();
  if (!bsim__manager_transfers_busy(mgr)) {
    *last_ns = now_ns;
    return;
  }
  uint64_t ms = (now_ns - *last_ns) / 1000000u;
  if (ms == 0) return;
  *last_ns += ms * 1000000u;
  drive_result(bsim_manager_advance(mgr, ms));
}

/* A request from win32ext.h, mu held. */
static void run_request(bsim_manager *mgr) {
  int kind = bsim__cw.req_kind;
  uint64_t ms = bsim__cw.req_ms;
  pthread_mutex_unlock(&bsim__cw.mu);
  bsim_hr hr = kind == CW_REQ_ADVANCE ? bsim_manager_advance(mgr, ms)
                                      : bsim_manager_run_until_idle(mgr, 0);
  pthread_mutex_lock(&bsim__cw.mu);
  bsim__cw_expire_waits(bsim__cw_now_ms_locked());
  bsim__cw.req_hr = hr;
  bsim__cw.req_kind = CW_REQ_NONE;
  bsim__cw.done_seq = bsim__cw.req_seq;
  pthread_cond_broadcast(&bsim__cw.cond);
}

static void timed_wait_real(uint64_t deadline_ns) {
  struct timespec ts;
  ts.tv_sec = (time_t)(deadline_ns / 1000000000u);
  ts.tv_nsec = (long)(deadline_ns % 1000000000u);
  (void)pthread_cond_timedwait(&bsim__cw.cond, &bsim__cw.mu, &ts);
}

static void *service_main(void *arg) {
  bsim_manager *mgr = arg;
  uint64_t flowed_ns = bsim__clock_real_ns();
  pthread_mutex_lock(&bsim__cw.mu);
  while (!bsim__cw.stop) {
    if (bsim__cw.req_kind != CW_REQ_NONE) {
      run_request(mgr);
      continue;
    }
    pthread_mutex_unlock(&bsim__cw.mu);
    if (bsim__cw.clock == CW_CLOCK_REAL) {
      drive_result(bsim_manager_run_until(mgr, bsim_manager_now_ms(mgr) + 10u));
    } else {
      drive_result(bsim_manager_run_until_idle(mgr, 0));
      if (bsim__cw.clock == CW_CLOCK_AUTO) flow_with_transfers(mgr, &flowed_ns);
    }
    pthread_mutex_lock(&bsim__cw.mu);
    if (bsim__cw.clock != CW_CLOCK_REAL) {
      bsim__cw_expire_waits(bsim__cw_now_ms_locked());
    }
    if (bsim__cw.clock == CW_CLOCK_AUTO && try_jump(mgr)) continue;
    if (bsim__cw.stop || bsim__cw.req_kind != CW_REQ_NONE) continue;
    timed_wait_real(bsim__clock_real_ns() + POLL_MS * 1000000u);
  }
  pthread_mutex_unlock(&bsim__cw.mu);
  return NULL;
}

int bsim__cw_service_start(void) {
  bsim__cw.stop = 0;
  if (pthread_create(&bsim__cw.thread, NULL, service_main, bsim__cw.mgr) != 0) {
    return -1;
  }
  thread_started = 1;
  return 0;
}

void bsim__cw_service_stop(void) {
  if (!thread_started) return;
  bsim__cw.stop = 1;
  pthread_cond_broadcast(&bsim__cw.cond);
  pthread_mutex_unlock(&bsim__cw.mu);
  pthread_join(bsim__cw.thread, NULL);
  pthread_mutex_lock(&bsim__cw.mu);
  thread_started = 0;
  /* Virtual waits can no longer be timed out by anyone: end them. */
  bsim__cw.pre_ms = bsim__cw_now_ms_locked();
  bsim__cw_expire_waits(UINT64_MAX);
}

bsim_hr bsim__cw_request(int kind, uint64_t ms) {
  pthread_mutex_lock(&bsim__cw.mu);
  if (bsim__cw.mgr == NULL || !thread_started) {
    pthread_mutex_unlock(&bsim__cw.mu);
    return BSIM_E_INVALID_STATE;
  }
  while (bsim__cw.req_kind != CW_REQ_NONE) {
    pthread_cond_wait(&bsim__cw.cond, &bsim__cw.mu);
  }
  uint64_t seq = ++bsim__cw.req_seq;
  bsim__cw.req_kind = kind;
  bsim__cw.req_ms = ms;
  pthread_cond_broadcast(&bsim__cw.cond);
  while (bsim__cw.done_seq < seq && bsim__cw.mgr != NULL) {
    pthread_cond_wait(&bsim__cw.cond, &bsim__cw.mu);
  }
  bsim_hr hr =
      bsim__cw.done_seq >= seq ? bsim__cw.req_hr : BSIM_E_INVALID_STATE;
  pthread_mutex_unlock(&bsim__cw.mu);
  return hr;
}
