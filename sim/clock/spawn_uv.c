/* bitsim — the process spawner seam on libuv (design.md "Notifications").
 *
 * Runs a notify command line with uv_spawn on the manager's loop: straight
 * from the argv (execvp of an absolute path, no shell, no search path), with
 * stdin, stdout and stderr on /dev/null. The loop runs with the engine lock
 * released, so the exit callback takes the lock before telling the
 * dispatcher, and the driver is woken to deliver what follows.
 */
#include <errno.h>
#include <uv.h>

#include "internal.h"

struct bsim__spawn {
  uv_process_t process;
  bsim_manager *mgr;
  bsim__spawn_exit_cb exit_cb;
  void *user;
};

static void closed(uv_handle_t *handle) {
  bsim__free(handle->data);
}

static void exited(uv_process_t *process, int64_t exit_status,
                   int term_signal) {
  struct bsim__spawn *sp = process->data;
  bsim__lock(sp->mgr);
  sp->exit_cb(sp->mgr, sp->user, exit_status, term_signal);
  bsim__unlock(sp->mgr);
  bsim__wake(sp->mgr);
  uv_close((uv_handle_t *)process, closed);
}

static bsim_hr spawn_error(int uv_err) {
  switch (uv_err) {
  case UV_ENOENT:
    return BSIM_E_WIN32_FILE_NOT_FOUND;
  case UV_ENOTDIR:
    return BSIM_E_WIN32_PATH_NOT_FOUND;
  case UV_EACCES:
  case UV_EPERM:
    return BSIM_E_ACCESSDENIED;
  case UV_ENOMEM:
    return BSIM_E_OUTOFMEMORY;
  default:
    return BSIM_E_FAIL;
  }
}

bsim_hr bsim__spawn(bsim_manager *mgr, const char *program,
                    const char *const *argv, bsim__spawn_exit_cb exit_cb,
                    void *user) {
  uv_loop_t *loop = bsim__mgr_loop(mgr);
  struct bsim__spawn *sp = bsim__calloc(1, sizeof(*sp));
  if (sp == NULL) return BSIM_E_OUTOFMEMORY;
  sp->mgr = mgr;
  sp->exit_cb = exit_cb;
  sp->user = user;
  sp->process.data = sp;
  uv_process_options_t opts = {0};
  opts.file = program;
  /* libuv's args are not const-qualified but are only read. */
  opts.args = (char **)(uintptr_t)argv;
  opts.exit_cb = exited;
  opts.stdio_count = 0; /* libuv opens /dev/null for 0, 1 and 2 */
  int rc = uv_spawn(loop, &sp->process, &opts);
  if (rc != 0) {
    /* A failed uv_spawn still initialised the handle: close it. */
    uv_close((uv_handle_t *)&sp->process, closed);
    return spawn_error(rc);
  }
  return BSIM_S_OK;
}
