/* bitsim — the driver: bsim_manager_run_until_idle, _advance, _run_until
 * and _run_until_job_state (design.md "Time", style B.9).
 *
 * One loop serves all of them. Each step:
 *   1. runs the runnable work: timers due now (in (deadline, seq) order),
 *      a scheduler pass, and the notifications that are ready
 *      (bsim__notify_run, which releases the lock around each callback);
 *   2. if nothing ran and real I/O is in flight (a transport is busy, or a
 *      callback runs on a worker thread), or the clock is REAL: runs one
 *      iteration of the manager's libuv loop without the lock, bounded by
 *      the next deadline, and lets time flow at the real rate (scaled in
 *      REAL mode) — no jump;
 *   3. otherwise (MANUAL, AUTO, nothing in flight) jumps the virtual clock
 *      to the next deadline, if the call's target allows it, else stops.
 * step_max bounds the steps: reaching it returns E_WAIT_TIMEOUT, a
 * liveness failure rather than a hang.
 *
 * "Idle" for run_until_idle means no runnable work, nothing in flight and
 * no timer pending other than the inactivity scavenger: the 90-day
 * JobInactivityTimeout is a background sweep that would otherwise turn
 * every run_until_idle into "jump 90 days and cancel everything". Background
 * timers (bsim__timer_set_background, e.g. Cancel-Session re-sends) are
 * left out the same way. Tests of scavenging move time with advance or
 * run_until, which fire every timer.
 *
 * run_until_job_state watches one job: the state setter latches the
 * moment the job enters a wanted state (even if it moves on within the
 * same instant), and the driver stops right after that phase.
 *
 * A driving call made from inside a callback (inline delivery runs
 * callbacks on the driving thread) or while another thread drives returns
 * E_BUSY: one driver at a time.
 */
#include "engine/engine.h"

#define DEFAULT_STEP_MAX UINT64_C(100000000)
/* Timers fired per step: a bound so that step_max also catches a timer
 * that keeps re-arming itself at the current instant. */
#define TIMERS_PER_STEP 4096u

enum drive_kind { DRIVE_IDLE, DRIVE_UNTIL, DRIVE_STATE };

struct drive {
  enum drive_kind kind;
  uint64_t until_ms;   /* UNTIL, STATE: the target time */
  int reach_target;    /* UNTIL: time ends at until_ms even when idle */
  const bsim_job *job; /* STATE */
  uint32_t mask;       /* STATE: 1 << state for each wanted state */
  uint64_t step_max;
};

static int transports_busy(bsim_manager *mgr) {
  for (uint32_t i = 0; i < mgr->transport_count; i++) {
    const struct bsim__transport *t = &mgr->transports[i];
    if (t->ops->busy != NULL && t->ops->busy(t->ctx)) return 1;
  }
  return 0;
}

/* Timers that keep run_until_idle going: all but the inactivity scavenger
 * and background timers (bsim__timer_set_background). */
static int refd_timers(bsim_manager *mgr) {
  uint32_t unrefd = mgr->heap_background;
  if (bsim__timer_armed(&mgr->inactivity) && !mgr->inactivity.background) {
    unrefd++;
  }
  return mgr->heap_len > unrefd;
}

static int reached(bsim_manager *mgr, const struct drive *d) {
  return d->kind == DRIVE_STATE && mgr->watch_hit;
}

/* Run what is runnable now. When waiting for a job's state, stop right
 * after the phase (one timer, one pass, one delivery) that put the job in
 * a wanted state, so time and the rest of the work stay at that moment. */
static int work_step(bsim_manager *mgr, const struct drive *d) {
  int did = 0;
  if (atomic_exchange(&mgr->wake_flag, 0)) did = 1;
  uint32_t batch = d->kind == DRIVE_STATE ? 1u : TIMERS_PER_STEP;
  if (bsim__timers_fire(mgr, batch) != 0) did = 1;
  if (reached(mgr, d)) return 1;
  if (bsim__sched_pass(mgr)) did = 1;
  if (reached(mgr, d)) return 1;
  if (bsim__notify_runnable(mgr)) {
    /* A callback sees only what is durable (docs/store.md). */
    (void)bsim__store_flush(mgr);
    if (bsim__notify_run(mgr) != 0) did = 1;
  }
  return did;
}

static void trace_jump(bsim_manager *mgr, uint64_t to_ms) {
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, mgr, "clock", NULL)) return;
  bsim__tr_u64(&tr, "jump_to_ms", to_ms);
  bsim__tr_end(&tr);
}

static void jump(bsim_manager *mgr, uint64_t to_ms) {
  if (to_ms <= mgr->clock.now_ms) return;
  bsim__clock_set(&mgr->clock, to_ms);
  trace_jump(mgr, to_ms);
}

/* Wait on the libuv loop (lock released) until the next deadline, the
 * target, an event or a wake; time then follows the real clock. */
static void wait_loop(bsim_manager *mgr, uint64_t wait_until_ms) {
  uint64_t wait_ms = UINT64_MAX;
  if (wait_until_ms != UINT64_MAX) {
    wait_ms = bsim__clock_real_wait_ms(&mgr->clock, wait_until_ms);
  }
  mgr->driver_waiting = 1;
  bsim__unlock(mgr);
  bsim__loop_run_once(mgr->loop, wait_ms);
  bsim__lock(mgr);
  mgr->driver_waiting = 0;
  bsim__clock_sync(&mgr->clock);
}

/* Nothing runnable now. Returns 1 to go on, 0 to stop. */
static int idle_step(bsim_manager *mgr, const struct drive *d, int *flowing) {
  struct bsim__timer *next = bsim__timer_peek(mgr);
  uint64_t next_ms = next != NULL ? next->deadline_ms : UINT64_MAX;
  uint64_t target = d->kind == DRIVE_IDLE ? UINT64_MAX : d->until_ms;
  int real = mgr->opts.clock_mode == BSIM_CLOCK_REAL;
  int busy = transports_busy(mgr) || bsim__notify_in_flight(mgr);
  if (real || busy) {
    if (!busy && d->kind == DRIVE_IDLE && !refd_timers(mgr)) return 0;
    if (!busy && d->kind != DRIVE_IDLE && next == NULL && !d->reach_target) {
      return 0;
    }
    if (mgr->clock.now_ms >= target) return 0;
    if (!real && d->kind == DRIVE_IDLE &&
        mgr->opts.clock_mode == BSIM_CLOCK_MANUAL) {
      /* MANUAL run_until_idle: look at the loop once, never wait. */
      bsim__unlock(mgr);
      bsim__loop_run_once(mgr->loop, 0);
      bsim__lock(mgr);
      return 0;
    }
    /* While real I/O (libcurl keeps its own clock) or a callback on a
     * worker thread is in flight, time flows at the real rate (scaled in
     * REAL mode) instead of jumping: work that is not blocked, such as
     * another user's transfer, goes on meanwhile. */
    if (!*flowing) bsim__clock_rebase(&mgr->clock);
    *flowing = 1;
    wait_loop(mgr, next_ms < target ? next_ms : target);
    return 1;
  }
  *flowing = 0;
  if (d->kind == DRIVE_IDLE) {
    if (mgr->opts.clock_mode == BSIM_CLOCK_MANUAL || !refd_timers(mgr)) {
      return 0;
    }
    jump(mgr, next_ms);
    return 1;
  }
  if (next_ms <= target) {
    jump(mgr, next_ms);
    return 1;
  }
  /* No timer before the target: time goes there, unless the engine is
   * idle in AUTO mode (time then stays where idleness was reached). */
  if (d->reach_target || next != NULL) jump(mgr, target);
  return 0;
}

static bsim_hr drive(bsim_manager *mgr, struct drive *d) {
  bsim__lock(mgr);
  if (mgr->driving) {
    bsim__unlock(mgr);
    return BSIM_E_BUSY;
  }
  mgr->driving = 1;
  mgr->driver = pthread_self();
  if (d->kind == DRIVE_UNTIL && d->until_ms == UINT64_MAX) d->until_ms--;
  bsim_hr hr = BSIM_S_OK;
  int flowing = 0;
  if (d->kind == DRIVE_STATE) {
    mgr->watch_job = d->job;
    mgr->watch_mask = d->mask;
    mgr->watch_hit = ((d->mask >> d->job->state) & 1u) != 0;
  }
  for (uint64_t steps = 0;; steps++) {
    if (steps >= d->step_max) {
      hr = BSIM_E_WAIT_TIMEOUT;
      break;
    }
    if (mgr->opts.clock_mode == BSIM_CLOCK_REAL) {
      bsim__clock_sync(&mgr->clock);
    }
    if (reached(mgr, d)) break;
    if (work_step(mgr, d)) continue;
    if (reached(mgr, d)) break;
    if (!idle_step(mgr, d, &flowing)) {
      if (d->kind == DRIVE_STATE && !reached(mgr, d)) hr = BSIM_S_FALSE;
      break;
    }
  }
  mgr->watch_job = NULL;
  mgr->driving = 0;
  bsim_hr stored = bsim__store_flush(mgr);
  if (BSIM_SUCCEEDED(hr) && BSIM_FAILED(stored)) hr = stored;
  bsim__unlock(mgr);
  return hr;
}

bsim_hr bsim_manager_run_until_idle(bsim_manager *mgr, uint64_t step_max) {
  if (mgr == NULL) return BSIM_E_INVALIDARG;
  struct drive d = {DRIVE_IDLE, 0, 0,
                    NULL,       0, step_max != 0 ? step_max : DEFAULT_STEP_MAX};
  return drive(mgr, &d);
}

static uint64_t add_sat(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

bsim_hr bsim_manager_advance(bsim_manager *mgr, uint64_t ms) {
  if (mgr == NULL) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  uint64_t target = add_sat(mgr->clock.now_ms, ms);
  bsim__unlock(mgr);
  struct drive d = {DRIVE_UNTIL, target, 1, NULL, 0, DEFAULT_STEP_MAX};
  return drive(mgr, &d);
}

bsim_hr bsim_manager_run_until(bsim_manager *mgr, uint64_t deadline_ms) {
  if (mgr == NULL) return BSIM_E_INVALIDARG;
  /* MANUAL: time moves only here and in advance, so it reaches the
   * deadline; AUTO stops early when fully idle. */
  int reach = mgr->opts.clock_mode == BSIM_CLOCK_MANUAL;
  struct drive d = {DRIVE_UNTIL, deadline_ms, reach, NULL, 0, DEFAULT_STEP_MAX};
  return drive(mgr, &d);
}

bsim_hr bsim_manager_run_until_job_state(bsim_manager *mgr, bsim_job *job,
                                         uint32_t state_mask,
                                         uint64_t deadline_ms) {
  if (mgr == NULL || job == NULL || job->mgr != mgr ||
      (state_mask & ~((1u << BSIM_JOB_STATE_COUNT) - 1u)) != 0 ||
      state_mask == 0) {
    return BSIM_E_INVALIDARG;
  }
  struct drive d = {DRIVE_STATE, deadline_ms, 0,
                    job,         state_mask,  DEFAULT_STEP_MAX};
  return drive(mgr, &d);
}

uint64_t bsim_manager_now_ms(bsim_manager *mgr) {
  if (mgr == NULL) return 0;
  bsim__lock(mgr);
  if (mgr->opts.clock_mode == BSIM_CLOCK_REAL) bsim__clock_sync(&mgr->clock);
  uint64_t now = mgr->clock.now_ms;
  bsim__unlock(mgr);
  return now;
}

int bsim__manager_transfers_busy(bsim_manager *mgr) {
  bsim__lock(mgr);
  int busy = transports_busy(mgr);
  bsim__unlock(mgr);
  return busy;
}

/* For a driver on another thread (the Windows binding's service thread,
 * sim/compat): what it needs to decide whether virtual time may jump. */
bsim_hr bsim_manager_pending(bsim_manager *mgr, uint64_t *deadline_ms,
                             int *in_flight) {
  if (mgr == NULL || deadline_ms == NULL || in_flight == NULL) {
    return BSIM_E_INVALIDARG;
  }
  bsim__lock(mgr);
  struct bsim__timer *next = bsim__timer_peek(mgr);
  *deadline_ms = next != NULL ? next->deadline_ms : UINT64_MAX;
  *in_flight = transports_busy(mgr) || bsim__notify_in_flight(mgr) ||
               mgr->sched_dirty || bsim__notify_runnable(mgr) ||
               atomic_load(&mgr->wake_flag) != 0;
  bsim__unlock(mgr);
  return BSIM_S_OK;
}

uint64_t bsim__now_ms(bsim_manager *mgr) {
  return mgr->clock.now_ms;
}

int64_t bsim__wall_unix_ms(bsim_manager *mgr) {
  return mgr->clock.wall_base_unix_ms + (int64_t)mgr->clock.now_ms;
}

void bsim__wake(bsim_manager *mgr) {
  atomic_store(&mgr->wake_flag, 1);
  bsim__loop_wake(mgr->loop);
}

void bsim__sched_kick(bsim_manager *mgr) {
  mgr->sched_dirty = 1;
  /* Only a driver blocked in the loop needs the async wake; a driver on
   * this thread (or none) sees the flag at its next step. */
  if (mgr->driver_waiting) bsim__loop_wake(mgr->loop);
}
