/* bitsim — the engine's clock and its libuv loop, as the engine sees them
 * (design.md "Time", style B.9). Nothing here includes <uv.h>: the loop is
 * opaque, and only sim/clock/loop_uv.c knows it is a uv_loop_t.
 *
 * The clock keeps one cached "now" (monotonic ms since the manager began)
 * that moves only at defined points of the driver loop:
 * - MANUAL and AUTO: only bsim__clock_set (advance, run_until, auto-jump);
 * - REAL (and AUTO/MANUAL while real I/O is in flight): bsim__clock_sync
 *   reads the monotonic clock, scaled by real_time_scale.
 * The wall clock (job times, reference §2.12) is wall_base + now, so it is
 * virtual in MANUAL and AUTO modes.
 */
#ifndef BSIM_CLOCK_CLOCK_H
#define BSIM_CLOCK_CLOCK_H

#include <stdint.h>

#include "bitsim/manager.h"

struct bsim__clock {
  enum bsim_clock_mode mode;
  double scale;              /* simulated ms per real ms (REAL) */
  uint64_t now_ms;           /* the cached monotonic "now" */
  int64_t wall_base_unix_ms; /* wall clock at now_ms == 0 */
  uint64_t real_base_ns;     /* real monotonic clock at the last sync */
  uint64_t real_base_ms;     /* now_ms at the last sync */
};

/** Start a clock at 0. wall_unix_ms: the wall clock at time 0; in REAL
 * mode the real wall clock is used instead when wall_unix_ms is 0. */
void bsim__clock_init(struct bsim__clock *clock, enum bsim_clock_mode mode,
                      double scale, int64_t wall_unix_ms);
/** Move now forward to ms (never backwards: asserts). */
void bsim__clock_set(struct bsim__clock *clock, uint64_t ms);
/** Take the real clock's elapsed time into now (REAL mode, or while real
 * I/O is in flight in the others: time then flows at the real rate,
 * scaled in REAL mode, 1:1 otherwise). Returns the new now. */
uint64_t bsim__clock_sync(struct bsim__clock *clock);
/** Forget real time that passed until now (call before a period during
 * which real time must not count, e.g. after a virtual jump). */
void bsim__clock_rebase(struct bsim__clock *clock);
/** Real milliseconds until virtual deadline_ms (0 if due). */
uint64_t bsim__clock_real_wait_ms(const struct bsim__clock *clock,
                                  uint64_t deadline_ms);
/** The real monotonic clock in ns (CLOCK_MONOTONIC). Exported for
 * libbitsim_win32 (its real-time waits), not part of the public API. */
BSIM_EXTERN uint64_t bsim__clock_real_ns(void);

/* ---- the manager's libuv loop (loop_uv.c) ------------------------------ */
struct bsim__loop;
bsim_hr bsim__loop_new(struct bsim__loop **out);
/** Close every handle and the loop. */
void bsim__loop_free(struct bsim__loop *loop);
/** The uv_loop_t * (as void *), for files allowed to include <uv.h>. */
void *bsim__loop_uv(struct bsim__loop *loop);
/** Make a blocked bsim__loop_run_once return. Any thread, no lock. */
void bsim__loop_wake(struct bsim__loop *loop);
/** Run one iteration of the loop, blocking for at most timeout_ms of real
 * time (UINT64_MAX: until an event or a wake). Call without the engine
 * lock. */
void bsim__loop_run_once(struct bsim__loop *loop, uint64_t timeout_ms);

#endif /* BSIM_CLOCK_CLOCK_H */
