/* bitsim — the engine's clock: a cached monotonic "now" that moves only
 * when the driver says so (MANUAL, AUTO) or follows the real monotonic
 * clock, optionally scaled (REAL). See clock.h and design.md "Time".
 *
 * This file and loop_uv.c are the only places in the engine that read a
 * real clock. The monotonic guard of style B.9 is an assertion: time never
 * goes backwards.
 */
#include <time.h>

#include "internal.h"
#include "clock/clock.h"

uint64_t bsim__clock_real_ns(void) {
  struct timespec ts;
  int rc = clock_gettime(CLOCK_MONOTONIC, &ts);
  BSIM_ASSERT(rc == 0);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int64_t real_wall_unix_ms(void) {
  struct timespec ts;
  int rc = clock_gettime(CLOCK_REALTIME, &ts);
  BSIM_ASSERT(rc == 0);
  return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

void bsim__clock_init(struct bsim__clock *clock, enum bsim_clock_mode mode,
                      double scale, int64_t wall_unix_ms) {
  clock->mode = mode;
  clock->scale = scale > 0 ? scale : 1.0;
  clock->now_ms = 0;
  clock->wall_base_unix_ms = wall_unix_ms;
  if (mode == BSIM_CLOCK_REAL && wall_unix_ms == 0) {
    clock->wall_base_unix_ms = real_wall_unix_ms();
  }
  clock->real_base_ns = bsim__clock_real_ns();
  clock->real_base_ms = 0;
}

void bsim__clock_set(struct bsim__clock *clock, uint64_t ms) {
  BSIM_ASSERT(ms >= clock->now_ms); /* the monotonic guard */
  clock->now_ms = ms;
  bsim__clock_rebase(clock);
}

void bsim__clock_rebase(struct bsim__clock *clock) {
  clock->real_base_ns = bsim__clock_real_ns();
  clock->real_base_ms = clock->now_ms;
}

uint64_t bsim__clock_sync(struct bsim__clock *clock) {
  uint64_t ns = bsim__clock_real_ns();
  BSIM_ASSERT(ns >= clock->real_base_ns);
  double scale = clock->mode == BSIM_CLOCK_REAL ? clock->scale : 1.0;
  double elapsed_ms = (double)(ns - clock->real_base_ns) / 1e6 * scale;
  uint64_t now = clock->real_base_ms + (uint64_t)elapsed_ms;
  if (now > clock->now_ms) clock->now_ms = now;
  return clock->now_ms;
}

uint64_t bsim__clock_real_wait_ms(const struct bsim__clock *clock,
                                  uint64_t deadline_ms) {
  if (deadline_ms <= clock->now_ms) return 0;
  double scale = clock->mode == BSIM_CLOCK_REAL ? clock->scale : 1.0;
  double wait = (double)(deadline_ms - clock->now_ms) / scale;
  if (wait > 86400000.0) return 86400000u; /* re-check at least daily */
  uint64_t ms = (uint64_t)wait;
  return (double)ms < wait ? ms + 1 : ms; /* round up: never wake early */
}
