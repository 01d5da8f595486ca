/* bitsim — the notification dispatcher's private structures, shared by the
 * files of sim/notify/ only.
 *
 * The dispatcher keeps no queue of discrete events. Each job carries what it
 * owes (a FileTransferred list, one merged modification flag, and the
 * TRANSFERRED/ERROR event it owes until acknowledged), and a job that owes
 * something deliverable sits once in its owner's FIFO. A user with a free
 * slot and a non-empty FIFO sits in the manager's ready ring; delivery pops
 * users round-robin and jobs FIFO. Every operation is O(1) per event, and the
 * queue is bounded by the number of jobs (style B.7 "Bounded").
 *
 * One callback per job is in flight at a time, which is what serializes
 * FileTransferred per job and keeps them ahead of JobTransferred/JobError
 * (reference §6). No bitfields: a worker thread writes the work item while
 * the driver writes other fields of the same struct under the engine lock.
 */
#ifndef BSIM_NOTIFY_PRIV_H
#define BSIM_NOTIFY_PRIV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/** What a job owes next, in delivery order within the job. */
enum bsim__nk {
  BSIM__NK_NONE = 0,
  BSIM__NK_FILE = 1, /* FileTransferred for files[head] */
  BSIM__NK_MODIFICATION = 2,
  BSIM__NK_TRANSFERRED = 3, /* JobTransferred */
  BSIM__NK_ERROR = 4,       /* JobError */
  BSIM__NK_CMDLINE = 5,     /* the notify command line, for the owed event */
  BSIM__NK_COUNT            /* not a value */
};

/** One registration: the copied table and user pointer. refs counts the
 * job's hold plus one per callback in flight; the finalizer runs when it
 * reaches 0, outside the lock. */
struct bsim__notify_reg {
  struct bsim_notify_ops ops;
  void *user;
  uint32_t refs;
  struct bsim__notify_reg *next_dead;
};

/** A user's share of the four-per-user limit and its FIFO of jobs. */
struct bsim__notify_user {
  char *name;
  uint32_t in_flight;
  uint32_t queued;
  struct bsim__job_notify *head, *tail;
  struct bsim__notify_user *ready_next;
  int in_ready;
  uint64_t delivered;
  uint64_t slot_mask; /* slots in use, for the trace's slot numbers */
};

/** The one piece of work a job may have in flight. Without the lock, a
 * worker reads and writes only this (and calls the user's code with the
 * job). */
struct bsim__notify_work {
  struct bsim__job_notify *jn;
  bsim_job *job;
  struct bsim__notify_reg *reg;
  struct bsim__notify_user *slot_user;
  enum bsim__nk kind;
  uint32_t file_index;
  uint32_t owed_gen; /* which entry into TRANSFERRED/ERROR it answers */
  bsim_hr result;
  int skipped; /* the event vanished before the call (job left ERROR) */
  uint64_t queued_ms;
  uint64_t hold_ms; /* bsim_notify_hold: keep the slot this long after */
  uint32_t slot;    /* which of the user's slots it occupies (for the trace) */
  struct bsim__notify_work *next;
};

struct bsim__job_notify {
  bsim_job *job;
  struct bsim__notify *n;
  struct bsim__notify_reg *reg;
  struct bsim__notify_user *user; /* queue this job goes in (its owner) */
  struct bsim__job_notify *q_prev, *q_next;
  struct bsim__job_notify *all_prev, *all_next;
  int queued;
  int busy;
  int mod_pending;
  enum bsim_job_state owed; /* TRANSFERRED, ERROR, or COUNT for none */
  uint32_t owed_gen;        /* bumped on every entry into either */
  int cmd_route;            /* the method failed: the command line carries
                               the owed event from now on (reference §6) */
  int waiting;              /* a retry timer holds files and owed back */
  uint32_t *files;
  uint32_t files_head, files_len, files_cap;
  struct bsim__timer retry_timer;
  struct bsim__timer hold_timer; /* a held slot is given back when it fires */
  uint32_t failures;
  char *cmd_program;
  char **cmd_argv;
  struct bsim__notify_work work;
};

struct bsim__notify_pool; /* workers.c */

struct bsim__notify {
  bsim_manager *mgr;
  uint32_t in_flight_per_user;
  uint32_t renotify_interval_ms;
  enum bsim_delivery_mode delivery;
  uint32_t delivery_threads;
  int cmdline_record;
  int64_t record_exit_status;

  /* Users by name: open addressing over users[], power-of-two size. */
  struct bsim__notify_user **user_slots;
  size_t user_cap, user_count;

  struct bsim__notify_user *ready_head, *ready_tail;
  size_t queued_jobs;
  uint32_t in_flight; /* callbacks and command lines, all users */
  uint32_t held;      /* of those, returned but holding their slot in
                         virtual time (bsim_notify_hold): time may jump */
  uint32_t spawns;    /* real command lines running */
  int running;        /* inside bsim__notify_run: no nesting */

  struct bsim__job_notify *all_head;
  struct bsim__notify_reg *dead_head; /* finalizers owed, run unlocked */

  struct bsim_cmdline_run *runs;
  size_t runs_len, runs_cap;

  struct bsim__notify_pool *pool;
  /* THREADED: command lines a worker picked, for the driver to spawn. */
  struct bsim__notify_work *spawn_head, *spawn_tail;
};

/* dispatch.c */
struct bsim__job_notify *bsim__notify_jn(bsim_job *job, int create);
void bsim__notify_schedule(struct bsim__job_notify *jn);
void bsim__notify_reg_release(struct bsim__notify *n,
                              struct bsim__notify_reg *reg);
/** Take the finalizers owed (lock held); run them with
 * bsim__notify_run_finalizers after unlocking. */
struct bsim__notify_reg *bsim__notify_take_dead(struct bsim__notify *n);
void bsim__notify_run_finalizers(struct bsim__notify_reg *dead);
/** Clear a job's retry wait (a new registration gets the owed event now). */
void bsim__notify_rearm(struct bsim__job_notify *jn);

/** For tests and the benchmark (lock held): the user's callbacks in flight
 * and jobs waiting in its FIFO (0, 0 for a user never seen). */
void bsim__notify_user_load(bsim_manager *mgr, const char *name,
                            uint32_t *in_flight, uint32_t *queued);

/* cmdline.c */
void bsim__notify_cmdline_clear(struct bsim__job_notify *jn);
/** Start the owed command line of a busy job; completes through
 * bsim__notify_cmdline_done (now in recording mode, at exit otherwise). */
void bsim__notify_cmdline_start(struct bsim__job_notify *jn);
void bsim__notify_cmdline_done(struct bsim__job_notify *jn, int64_t exit_status,
                               bsim_hr spawn_result);
void bsim__notify_runs_free(struct bsim__notify *n);
/** Pure helpers (unit-tested). */
bsim_hr bsim__notify_cmdline_check(const char *program,
                                   const char *const *argv);
char **bsim__notify_strv_dup(const char *const *strv);

/* workers.c */
bsim_hr bsim__notify_pool_new(struct bsim__notify *n, uint32_t threads,
                              struct bsim__notify_pool **out);
/** Stops and joins the workers (nothing may be in flight). */
void bsim__notify_pool_free(struct bsim__notify_pool *pool);
/** Give the workers a turn: work is queued. Safe with the engine lock
 * held. */
void bsim__notify_pool_kick(struct bsim__notify_pool *pool);
/** The same, only if a worker sleeps (for a worker that has work in hand
 * and wants company). */
void bsim__notify_pool_kick_idle(struct bsim__notify_pool *pool);

/** A worker's turn (lock held): deliver queued work until no user can take
 * more, releasing the lock around each callback. */
void bsim__notify_serve(struct bsim__notify *n);

/* Calls the user's code for one work item; no lock held. */
void bsim__notify_call(struct bsim__notify_work *work);
/* A callback returned (lock held): finish it now, or hold its slot. */
void bsim__notify_returned(struct bsim__notify *n,
                           struct bsim__notify_work *work);
/* Finishes one work item (lock held): slot, result, retry, references. */
void bsim__notify_finish(struct bsim__notify *n,
                         struct bsim__notify_work *work);

#endif /* BSIM_NOTIFY_PRIV_H */
