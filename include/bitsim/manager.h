/* bitsim — the manager: options, lifecycle, users, network, and driving time.
 *
 * A manager is one simulated BITS service: its users, its job queue, its
 * clock, its transports and its trace. Everything else hangs off it.
 *
 * Threads: every function here and in job.h may be called from any thread;
 * one engine lock guards the state (design.md "Thread safety"). The driving
 * calls (bsim_manager_run_until_idle, _advance, _run_until) run the engine on
 * the calling thread and must not be called from inside a callback, nor from
 * two threads at once (BSIM_E_BUSY).
 */
#ifndef BSIM_MANAGER_H
#define BSIM_MANAGER_H

#include <stddef.h>
#include <stdint.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"
#include "bitsim/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bsim_manager bsim_manager;
typedef struct bsim_job bsim_job;

/** How time moves (design.md "Time"). */
enum bsim_clock_mode {
  /** Time moves only in bsim_manager_advance / bsim_manager_run_until. */
  BSIM_CLOCK_MANUAL = 0,
  /** When nothing is runnable and no real I/O or callback is in flight, time
   * jumps to the next deadline (Tokio's paused clock). The default. */
  BSIM_CLOCK_AUTO = 1,
  /** Wall time through libuv, scaled by real_time_scale. */
  BSIM_CLOCK_REAL = 2,
  BSIM_CLOCK_MODE_COUNT /* not a value */
};

/** Where callbacks run (design.md "Notifications"). */
enum bsim_delivery_mode {
  /** On the thread that drives the engine, in a deterministic order. */
  BSIM_DELIVERY_INLINE = 0,
  /** On a worker pool: real concurrency for blocking callbacks. */
  BSIM_DELIVERY_THREADED = 1,
  BSIM_DELIVERY_MODE_COUNT /* not a value */
};

/** Whether job files touch the disk. */
enum bsim_fs_mode {
  /** Temporary files are written, renamed by Complete, deleted by Cancel. */
  BSIM_FS_REAL = 0,
  /** Files exist only as sizes and progress: for benchmarks and for
   * simulating gigabytes without writing them. */
  BSIM_FS_VIRTUAL = 1,
  BSIM_FS_MODE_COUNT /* not a value */
};

/** Manager options. Fill with bsim_manager_options_init(), then change what
 * you need. The struct only grows at the end; struct_size says how much of
 * it the caller knows (the SQLite VFS iVersion rule). */
struct bsim_manager_options {
  uint32_t struct_size;

  /* Time and randomness. */
  enum bsim_clock_mode clock_mode; /* BSIM_CLOCK_AUTO */
  double real_time_scale;          /* REAL: simulated ms per real ms; 1.0 */
  uint64_t seed;                   /* 1; 0 = derive one from the real clock (see
                                      bsim_manager_seed) */
  int64_t start_wall_unix_ms;      /* virtual wall clock at time 0:
                                      2026-01-01T00:00:00Z */
  enum bsim_fs_mode fs_mode;       /* BSIM_FS_REAL */

  /* Group-policy quotas (reference §12, §14); administrators are exempt. */
  uint32_t max_jobs_per_user;    /* 60 */
  uint32_t max_jobs_per_machine; /* 300 */
  uint32_t max_files_per_job;    /* 200 */
  uint32_t max_ranges_per_file;  /* 500 */
  /** Hard capacity of the engine, administrators included; CreateJob past
   * it returns BSIM_E_OUTOFMEMORY. Sized for millions of jobs. */
  uint32_t max_jobs_total; /* 16,000,000 */

  /* Policy (reference §5, §14). */
  uint32_t job_inactivity_timeout_s; /* 7,776,000 (90 days) */
  uint32_t max_download_time_s;      /* default for new jobs: 7,776,000 */

  /* Scheduler (reference §5). The slice length is unconfirmed. */
  uint32_t time_slice_ms; /* 600,000 (10 minutes) */

  /* Notifications (reference §6). */
  uint32_t notify_in_flight_per_user; /* 4 */
  uint32_t renotify_interval_ms;      /* 60,000; the docs call it arbitrary */
  enum bsim_delivery_mode delivery;   /* BSIM_DELIVERY_INLINE */
  uint32_t delivery_threads;          /* THREADED: worker count; 4 */
  /** Nonzero: SetNotifyCmdLine programs are recorded, not run. */
  int notify_cmdline_record; /* 0 */

  /* Behaviours the reference marks unconfirmed (§15), with our defaults. */
  /** Resume of a TRANSFERRED job with no new files: 0 = S_OK and the job
   * stays TRANSFERRED; 1 = BG_E_EMPTY (what Wine does). */
  int resume_transferred_returns_empty; /* 0 */

  /* Trace (design.md "Trace"). */
  int trace_enabled; /* 1: every event is formatted and digested */

  /** Durable store path (SQLite, WAL); NULL keeps jobs in memory. */
  const char *store_path; /* NULL */

  /* More behaviours the reference marks unconfirmed (§15), appended. */
  /** Suspend of an ERROR or TRANSFERRED job: 0 = it becomes SUSPENDED (the
   * literal reading of reference §4.3 note 4); 1 = S_OK and it stays. */
  int suspend_keeps_stopped; /* 0 */
  /** A higher-priority background job: 0 = preempts the running lower one
   * at once; 1 = waits for the end of its time slice (§5, §15). */
  int preempt_at_slice_end; /* 0 */
  /** NoProgressTimeout expiry: 0 = the job's error stays the last
   * transient error (GetError still says what failed); 1 = it becomes
   * BG_E_NO_PROGRESS with context GENERAL_QUEUE_MANAGER. */
  int no_progress_error_is_no_progress; /* 0 */
  /** SetValidationState(FALSE) on a TRANSFERRED file whose bytes came from
   * a peer (reference §7; the state is unconfirmed, §15): 0 = the job goes
   * back to QUEUED and fetches the file again from the origin at once;
   * 1 = it becomes SUSPENDED and fetches it at the next Resume. */
  int peer_reject_suspends; /* 0 */

  /* Durable store (docs/store.md, reference §13), appended. */
  /** 0: every change is committed on its own before the engine goes on;
   * 1 (group commit): the changes made while the engine lock is held are
   * committed in one transaction before the lock goes back to a caller (an
   * API call returning, a callback, the end of a driving call). Either
   * way a change is durable before any caller can see it. */
  int store_group_commit; /* 0 */
  /** The state a job that was CONNECTING or TRANSFERRING when the store
   * was last written comes back in: BSIM_JOB_STATE_QUEUED (reference §13
   * calls it the consistent choice, unconfirmed) or
   * BSIM_JOB_STATE_SUSPENDED. */
  enum bsim_job_state store_active_restart_state; /* QUEUED */
  /** The notify command line is kept by the store (reference §13:
   * "presumably persisted", unconfirmed): 0 = kept; 1 = dropped, a
   * restored job has none. */
  int store_drop_notify_cmdline; /* 0 */

  /* Real transfers, appended. */
  /** 1: http, https and file URLs that no modelled host claims go to the
   * libcurl transport on the manager's libuv loop (docs/transport.md);
   * 0: only modelled hosts are reachable (such URLs end in ERROR with
   * BG_E_CONNECT_FAILURE), for simulations that must never touch a real
   * network. */
  int real_transport; /* 1 */

  /* Durable store, appended. */
  /** Reference §13: "transfer progress is checkpointed periodically" (the
   * period is not documented). Progress is committed at state changes,
   * API calls and callbacks, and besides at most this many ms of the
   * manager's clock after it moved, when the engine lock is released
   * (during a long transfer, so that a crash loses at most about this
   * much). 0: only at those points. */
  uint32_t store_checkpoint_ms; /* 1000 */
};

/** Fill opts with the defaults listed beside each field. */
BSIM_EXTERN void bsim_manager_options_init(struct bsim_manager_options *opts);

/** Create a manager. opts may be NULL for all defaults.
 * Returns S_OK, E_INVALIDARG (an option out of range), E_OUTOFMEMORY, or
 * a store error (bsim_manager_store_error says which file and why):
 * BG_E_DATABASE_CORRUPT (unreadable, damaged, or written by a newer
 * version; left untouched), E_WIN32_SHARING_VIOLATION (another process
 * has it open), E_WIN32_DISK_FULL, E_ACCESSDENIED.
 * Ownership: the caller frees *out with bsim_manager_free. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_manager_new(const struct bsim_manager_options *opts, bsim_manager **out);

/** Why the last store failure on this thread happened (bsim_manager_new
 * failing to open its store, or a call whose commit failed, e.g. with
 * E_WIN32_DISK_FULL): a sentence naming the file; "" after a
 * bsim_manager_new that opened its store. */
BSIM_EXTERN const char *bsim_manager_store_error(void);

/** Free a manager. Jobs still referenced by the caller stay valid objects
 * that answer BG_E_INVALID_STATE until their last bsim_job_unref.
 * Returns S_OK, or E_BUSY (nothing freed) when called from a callback or
 * while another thread drives the engine. NULL is a no-op. */
BSIM_EXTERN bsim_hr bsim_manager_free(bsim_manager *mgr);

/** The seed in use (the drawn one when options asked for 0). */
BSIM_EXTERN uint64_t bsim_manager_seed(const bsim_manager *mgr);

/* ---- users (reference §12) -------------------------------------------- */

/** Add a user, logged on. Names are 1..256 bytes of UTF-8.
 * Returns S_OK, E_INVALIDARG (bad name, or already present), E_OUTOFMEMORY. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_user_add(bsim_manager *mgr,
                                                 const char *name,
                                                 int is_admin);

/** Log a user on or off. A job transfers only while its owner is logged on;
 * logoff sends transferring jobs back to QUEUED (reference §4.2, §12).
 * Returns S_OK or BG_E_NOT_FOUND (unknown user). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_user_set_logged_on(bsim_manager *mgr,
                                                           const char *name,
                                                           int logged_on);

/* ---- the machine's network (reference §4.2) ---------------------------- */

/** Take the network down (connected = 0) or bring it back. Down: active jobs
 * go to TRANSIENT_ERROR with BG_E_NETWORK_DISCONNECTED; back: every
 * TRANSIENT_ERROR job is queued again. Returns S_OK. */
BSIM_EXTERN bsim_hr bsim_manager_set_network(bsim_manager *mgr, int connected);

/* ---- driving the engine (design.md "Time") ----------------------------- */

/** Virtual (or scaled real) monotonic time in ms since the manager began. */
BSIM_EXTERN uint64_t bsim_manager_now_ms(bsim_manager *mgr);

/** Run until nothing is left to do. AUTO: time jumps from deadline to
 * deadline. MANUAL: runs what is runnable now and returns. REAL: waits in
 * real time for timers and I/O. The JobInactivityTimeout sweep does not
 * count as something to do (it would otherwise make every call jump 90
 * days and cancel every job), nor do the curl transport's Cancel-Session
 * re-sends (up to 24 h); advance and run_until fire them. While real
 * I/O or a callback on a worker thread is in flight, time flows at the
 * real rate instead of jumping. step_max bounds the number of steps (0 =
 * a default of 100,000,000).
 * Returns S_OK when idle, E_WAIT_TIMEOUT when step_max was reached (a
 * liveness failure), E_BUSY from a callback or a second driver.
 * Callbacks: delivers every notification that becomes due. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_manager_run_until_idle(bsim_manager *mgr, uint64_t step_max);

/** Move time forward by ms (MANUAL and AUTO), firing every timer that falls
 * due, in (deadline, insertion) order, and running the work it causes.
 * REAL: runs the loop for ms of scaled time. Returns as run_until_idle. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_manager_advance(bsim_manager *mgr,
                                                        uint64_t ms);

/** Run until virtual time deadline_ms, or until idle if that comes first
 * (time then stays where idleness was reached). Every timer due by then
 * fires, the inactivity sweep included. "Idle" here means no timer at all
 * and nothing in flight; MANUAL always reaches the deadline. Returns as
 * run_until_idle. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_manager_run_until(bsim_manager *mgr,
                                                          uint64_t deadline_ms);

/** Run until job is in one of the states of state_mask (bit 1 << state)
 * or virtual time reaches deadline_ms, whichever comes first; time stops
 * at the moment the job got there. Works as bsim_manager_run_until
 * otherwise (every timer up to the deadline fires).
 * Returns S_OK when the job reached a wanted state, S_FALSE when the
 * deadline (or idleness) came first, E_INVALIDARG (NULL, a job of another
 * manager, an empty or out-of-range mask), E_WAIT_TIMEOUT, E_BUSY. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_manager_run_until_job_state(bsim_manager *mgr, bsim_job *job,
                                 uint32_t state_mask, uint64_t deadline_ms);

/** For a driver that runs the engine on its own thread and decides itself
 * when virtual time may jump (the Windows binding, docs/compat.md "Time"):
 * the earliest armed timer deadline, the JobInactivityTimeout sweep
 * included, in *deadline_ms (UINT64_MAX when none), and in *in_flight
 * nonzero while real I/O or a callback is in flight or work is already
 * runnable (a jump must wait). Returns S_OK, E_INVALIDARG (NULL). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_manager_pending(bsim_manager *mgr,
                                                        uint64_t *deadline_ms,
                                                        int *in_flight);

/** Free memory returned by bitsim (strings, arrays). NULL is a no-op. */
BSIM_EXTERN void bsim_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_MANAGER_H */
