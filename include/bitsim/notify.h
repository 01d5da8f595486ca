/* bitsim — notifications: callbacks and notify command lines (reference §6).
 *
 * A job calls back through one registration: a table of callbacks, one user
 * pointer and an optional finalizer, in the curl/libcbor shape (the COM
 * binding builds IBackgroundCopyCallback on top of it). What is delivered is
 * chosen by the job's notify flags (bsim_job_set_notify_flags, default 0x3);
 * when it is delivered is up to the dispatcher: never from inside the API
 * call that caused it, never with the engine lock held, never nested, at
 * most notify_in_flight_per_user callbacks in flight per user (default 4),
 * the rest waiting in a per-user FIFO. docs/notifications.md has the rules.
 *
 * Threads: any thread, including from inside a callback. Callbacks run on
 * the thread driving the engine (BSIM_DELIVERY_INLINE) or on a worker
 * (BSIM_DELIVERY_THREADED) and may call any job function.
 */
#ifndef BSIM_NOTIFY_H
#define BSIM_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"
#include "bitsim/manager.h"
#include "bitsim/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The callbacks of one registration (reference §1.12). Any member may be
 * NULL: that event is then not delivered to this registration (a NULL
 * job_transferred or job_error lets the command line run instead). The job
 * is borrowed: valid during the call, not to be released. Return S_OK when
 * the event was handled; anything else is retried (reference §6):
 * job_transferred and job_error after renotify_interval_ms,
 * file_transferred only for negative results. job_modification should
 * return S_OK; other results are counted but never retried. */
struct bsim_notify_ops {
  bsim_hr (*job_transferred)(bsim_job *job, void *user);
  bsim_hr (*job_error)(bsim_job *job, const struct bsim_job_error *error,
                       void *user);
  bsim_hr (*job_modification)(bsim_job *job, void *user);
  bsim_hr (*file_transferred)(bsim_job *job, uint32_t file_index, void *user);
  /** Reserved for on-demand jobs (reference §6, 0x20): the engine has no
   * range source yet, so it is never called. */
  bsim_hr (*file_ranges_transferred)(bsim_job *job, uint32_t file_index,
                                     uint32_t range_count,
                                     const struct bsim_file_range *ranges,
                                     void *user);
  /** Runs once when the registration dies: replaced, cleared, or the job
   * freed (then at the next engine step or at bsim_manager_free), and only
   * after every callback in flight with this user pointer has returned.
   * Never with the engine lock held. */
  void (*finalize)(void *user);
};

/** SetNotifyInterface. ops is copied; NULL clears. Replaces (and finalizes)
 * the previous registration: last caller wins. A job owing a JobTransferred
 * or JobError (reference §6 "at least once") delivers it to the new
 * registration at once, even after earlier failures.
 * Returns S_OK, BG_E_INVALID_STATE in final states (the registration is not
 * taken and ops->finalize is not called). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_set_notify(
    bsim_job *job, const struct bsim_notify_ops *ops, void *user);

/** GetNotifyInterface: copies the current table into *ops_out (zeroed when
 * none) and the user pointer into *user_out. Either may be NULL.
 * Returns S_OK, or S_FALSE when no registration is set. */
BSIM_EXTERN bsim_hr bsim_job_get_notify(bsim_job *job,
                                        struct bsim_notify_ops *ops_out,
                                        void **user_out);

/** Number of times a callback or command line of this job did not deliver
 * (a result other than S_OK, a failed spawn, a nonzero exit) since the job
 * was created. Each one is also traced as "ev":"notify". Returns S_OK, or
 * E_INVALIDARG for NULL out. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_notify_failures(bsim_job *job,
                                                                uint32_t *out);

/** SetNotifyCmdLine (reference §1.5, §6): program is an absolute path
 * (no search path, no variable expansion), argv its NULL-terminated
 * argument vector starting with the program name (NULL = just program).
 * The command runs, from the argv and never through a shell, when the job
 * enters TRANSFERRED or ERROR (as the flags allow) and the callback failed
 * or none is set; exit status 0 means delivered, anything else retries after
 * the job's MinimumRetryDelay. NULL, NULL clears.
 * Returns S_OK, E_INVALIDARG (program NULL but argv not, relative program,
 * empty argv), BG_E_STRING_TOO_LONG (program over MAX_PATH = 260 bytes,
 * arguments joined by spaces over 4,000 bytes), E_OUTOFMEMORY,
 * BG_E_INVALID_STATE (final states). TakeOwnership clears it. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_set_notify_cmdline(
    bsim_job *job, const char *program, const char *const *argv);

/** GetNotifyCmdLine: copies of program and argv (both NULL when none).
 * Free *program_out with bsim_free and *argv_out with bsim_strv_free.
 * Either out may be NULL. Returns S_OK, E_OUTOFMEMORY. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_notify_cmdline(
    bsim_job *job, char **program_out, char ***argv_out);

/** Free a NULL-terminated string vector returned by bitsim. NULL is a
 * no-op. */
BSIM_EXTERN void bsim_strv_free(char **strv);

/** One command line the dispatcher ran or, in recording mode
 * (notify_cmdline_record), recorded instead of running. */
struct bsim_cmdline_run {
  bsim_guid job_id;
  enum bsim_job_state event; /* TRANSFERRED or ERROR */
  uint64_t t_ms;             /* virtual time of the launch */
  char *program;
  char **argv;          /* NULL-terminated */
  int64_t exit_status;  /* -1 until it exited (real runs) */
  bsim_hr spawn_result; /* S_OK, or why it could not start */
};

/** Every command line run so far, oldest first.
 * Ownership: free with bsim_cmdline_runs_free. Returns S_OK,
 * E_OUTOFMEMORY. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_manager_get_cmdline_runs(
    bsim_manager *mgr, struct bsim_cmdline_run **runs_out, size_t *count_out);
BSIM_EXTERN void bsim_cmdline_runs_free(struct bsim_cmdline_run *runs,
                                        size_t count);

/** Recording mode only: the exit status later recorded runs pretend to
 * have (default 0 = delivered). Nonzero makes the dispatcher retry after
 * MinimumRetryDelay as if the program had failed. Returns S_OK. */
BSIM_EXTERN bsim_hr bsim_manager_set_cmdline_record_exit(bsim_manager *mgr,
                                                         int64_t exit_status);

/** From inside a callback: after it returns, keep its notification slot for
 * ms of virtual time, as a callback that takes that long would on Windows
 * (the four-per-user limit, reference §6). Its result counts when the time
 * is up; meanwhile no other notification of this job is delivered, and
 * virtual time may jump (the callback is not running). A simulator
 * facility with no BITS counterpart, for scenarios and teaching.
 * Returns S_OK, E_INVALIDARG, or BG_E_INVALID_STATE when no callback of
 * this job is running. */
BSIM_EXTERN bsim_hr bsim_notify_hold(bsim_job *job, uint64_t ms);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_NOTIFY_H */
