/* bitsim — the manager's libuv loop (design.md "Time", style B.9).
 *
 * Every manager owns one loop. The driver runs it one iteration at a time
 * (bsim__loop_run_once) with the engine lock released: always in REAL
 * mode, and in AUTO/MANUAL mode while a transport has real I/O in flight
 * or a callback runs on a worker thread. A uv_timer_t bounds each
 * iteration by the engine's next deadline, and a uv_async_t lets any
 * thread (a notification worker, an API call from another thread) make a
 * blocked iteration return at once: bsim__loop_wake is uv_async_send,
 * which libuv documents as safe from any thread.
 *
 * Transports and the process spawner put their own handles on this loop
 * (bsim__mgr_loop) and must close them before the manager frees it; any
 * handle still open then is closed here so the loop can close cleanly.
 */
#include <uv.h>

#include "internal.h"
#include "clock/clock.h"

struct bsim__loop {
  uv_loop_t loop;
  uv_async_t wake;
  uv_timer_t timer;
};

static void wake_cb(uv_async_t *handle) {
  (void)handle; /* returning from uv_run is all a wake has to do */
}

static void timer_cb(uv_timer_t *handle) {
  (void)handle;
}

bsim_hr bsim__loop_new(struct bsim__loop **out) {
  struct bsim__loop *loop = bsim__calloc(1, sizeof *loop);
  if (loop == NULL) return BSIM_E_OUTOFMEMORY;
  if (uv_loop_init(&loop->loop) != 0) {
    bsim__free(loop);
    return BSIM_E_OUTOFMEMORY;
  }
  if (uv_async_init(&loop->loop, &loop->wake, wake_cb) != 0 ||
      uv_timer_init(&loop->loop, &loop->timer) != 0) {
    bsim__loop_free(loop);
    return BSIM_E_OUTOFMEMORY;
  }
  /* Neither handle alone should keep uv_run(UV_RUN_DEFAULT) alive. */
  uv_unref((uv_handle_t *)&loop->wake);
  uv_unref((uv_handle_t *)&loop->timer);
  *out = loop;
  return BSIM_S_OK;
}

static void close_any(uv_handle_t *handle, void *arg) {
  (void)arg;
  if (!uv_is_closing(handle)) uv_close(handle, NULL);
}

void bsim__loop_free(struct bsim__loop *loop) {
  if (loop == NULL) return;
  uv_walk(&loop->loop, close_any, NULL);
  while (uv_run(&loop->loop, UV_RUN_NOWAIT) != 0) {
  }
  int rc = uv_loop_close(&loop->loop);
  BSIM_ASSERT(rc == 0);
  bsim__free(loop);
}

void *bsim__loop_uv(struct bsim__loop *loop) {
  return &loop->loop;
}

void bsim__loop_wake(struct bsim__loop *loop) {
  uv_async_send(&loop->wake);
}

void bsim__loop_run_once(struct bsim__loop *loop, uint64_t timeout_ms) {
  /* libuv caches "now"; refresh it before arming a relative timeout
   * (libuv issue #1068). */
  uv_update_time(&loop->loop);
  if (timeout_ms != UINT64_MAX) {
    uv_timer_start(&loop->timer, timer_cb, timeout_ms, 0);
    uv_ref((uv_handle_t *)&loop->timer);
  }
  /* The async handle is referenced for the wait so that UV_RUN_ONCE
   * blocks until a wake even when nothing else is pending. */
  uv_ref((uv_handle_t *)&loop->wake);
  /* A zero timeout must not block: UV_RUN_ONCE fires the due timer before
   * polling and then polls without a timeout (until a wake that may never
   * come, e.g. MANUAL run_until_idle with a callback on a worker). */
  uv_run(&loop->loop, timeout_ms == 0 ? UV_RUN_NOWAIT : UV_RUN_ONCE);
  uv_unref((uv_handle_t *)&loop->wake);
  uv_timer_stop(&loop->timer);
  uv_unref((uv_handle_t *)&loop->timer);
}
