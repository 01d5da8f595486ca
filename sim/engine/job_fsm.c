/* bitsim — the job state machine: the one transition table, the one setter
 * and the invariant checker (style B.6, reference §0, §4.2, §4.3).
 *
 * No other code writes job->state. Every change goes through
 * bsim__fsm_set_state(job, to, ev) (or bsim__fsm_fire(job, ev), which looks
 * the target up), which checks the table, runs the exit and entry hooks,
 * writes a "state" trace line (from, to, why, at), tells the notification
 * dispatcher and runs the invariant checker.
 *
 *                    CreateJob
 *                        |
 *                        v
 *   +--------------> SUSPENDED <----------- Suspend (any non-final state)
 *   |                    | Resume (>= 1 file)
 *   |                    v
 *   |  +-----------> QUEUED <------------------------------+
 *   |  | retry_due /     | start (slot free, owner on,     | slice_end,
 *   |  | network_back /  |        network up)             | preempt,
 *   |  | Resume          v                                 | owner_logoff
 *   |  |            CONNECTING ---connected---> TRANSFERRING-+
 *   |  |               |  |                      |  |  |
 *   |  +-- TRANSIENT_ERROR <-- fail_transient --+  |  | all_done
 *   |        |  (network_lost from QUEUED,         |  v
 *   |        |   CONNECTING, TRANSFERRING)         | TRANSFERRED --Resume
 *   |        | no_progress_expired                 |  |  (new files)-> QUEUED
 *   |        v                                     |  |
 *   +---- ERROR <-- fail_fatal, max_download ------+  | Complete
 *          Resume -> QUEUED                           v
 *                                               ACKNOWLEDGED (final)
 *   Cancel or inactivity_expired from any non-final state -> CANCELLED
 *   (final); Complete of a download from any non-final state ->
 *   ACKNOWLEDGED.
 *
 * Transitions (state --EVENT--> state [who performs it]); SAME entries
 * (legal, no change) are omitted; the list is rendered from the table by
 * bsim__fsm_render_list and docs/state-machine.md carries the same text.
 *   SUSPENDED --RESUME--> QUEUED            [job.c bsim_job_resume; BG_E_EMPTY
 *                                            without files, reference §4.2]
 *   TRANSIENT_ERROR/ERROR --RESUME--> QUEUED [job.c; error cleared]
 *   TRANSFERRED --RESUME--> QUEUED          [job.c; only with untransferred
 *                                            files, else S_OK or BG_E_EMPTY
 *                                            per resume_transferred_returns_
 *                                            empty, §15]
 *   any non-final --SUSPEND--> SUSPENDED    [job.c bsim_job_suspend; ERROR and
 *                                            TRANSFERRED follow the option
 *                                            suspend_keeps_stopped, §4.3 n.4]
 *   any non-final --CANCEL--> CANCELLED     [job_life.c bsim_job_cancel]
 *   any non-final --COMPLETE--> ACKNOWLEDGED [job_life.c, downloads]
 *   TRANSFERRED --COMPLETE_UPLOAD--> ACKNOWLEDGED [job_life.c, uploads]
 *   QUEUED --START--> CONNECTING            [scheduler.c start_job]
 *   CONNECTING --CONNECTED--> TRANSFERRING  [scheduler.c bsim__xfer_connected]
 *   TRANSFERRING --ALL_DONE--> TRANSFERRED  [scheduler.c bsim__xfer_done]
 *   CONNECTING/TRANSFERRING --FAIL_TRANSIENT--> TRANSIENT_ERROR
 *                                           [scheduler.c bsim__sched_fail]
 *   CONNECTING/TRANSFERRING --FAIL_FATAL--> ERROR [scheduler.c]
 *   CONNECTING/TRANSFERRING --SLICE_END/PREEMPT--> QUEUED [scheduler.c]
 *   TRANSIENT_ERROR --RETRY_DUE--> QUEUED   [job.c job_timer_cb]
 *   TRANSIENT_ERROR --NO_PROGRESS_EXPIRED--> ERROR [job.c job_timer_cb]
 *   CONNECTING/TRANSFERRING --MAX_DOWNLOAD_EXPIRED--> ERROR [job.c]
 *   any non-final --INACTIVITY_EXPIRED--> CANCELLED [manager.c scavenger]
 *   QUEUED/CONNECTING/TRANSFERRING --NETWORK_LOST--> TRANSIENT_ERROR
 *                                           [scheduler.c network gate]
 *   TRANSIENT_ERROR --NETWORK_BACK--> QUEUED [manager.c set_network]
 *   CONNECTING/TRANSFERRING --OWNER_LOGOFF--> QUEUED [manager.c]
 *   any non-final but ERROR --VALIDATE_REJECT--> ERROR [validation.c;
 *                                            origin content rejected,
 *                                            BG_E_VALIDATION_FAILED, §7]
 *   TRANSFERRED --VALIDATE_REJECT_PEER--> QUEUED [validation.c; peer
 *                                            content rejected, fetched
 *                                            again from the origin (§7,
 *                                            state unconfirmed, §15);
 *                                            other states keep theirs]
 *
 * Invariants per state (bsim__job_check):
 *   QUEUED: on its priority's run queue, holds no slot, no transfer in
 *     flight, timer not armed.
 *   CONNECTING, TRANSFERRING: holds a slot (foreground, or the one
 *     background slot), not on a run queue; exactly one of "a transfer is
 *     in flight" and "on the start list" holds; the timer is armed iff a
 *     MaximumDownloadTime is set.
 *   SUSPENDED, ERROR, TRANSFERRED: no slot, no queue, no transfer, timer
 *     not armed. ERROR has an error record. TRANSFERRED: every file
 *     transferred.
 *   TRANSIENT_ERROR: no slot, no queue, no transfer, an error record; the
 *     timer is armed unless the error is a network disconnect with no
 *     no-progress clock running.
 *   ACKNOWLEDGED, CANCELLED: out of the index and the queues, no slot, no
 *     transfer, no timer; the manager holds no reference.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"

#define sQ BSIM_JOB_STATE_QUEUED
#define sC BSIM_JOB_STATE_CONNECTING
#define sT BSIM_JOB_STATE_TRANSFERRING
#define sS BSIM_JOB_STATE_SUSPENDED
#define sE BSIM_JOB_STATE_ERROR
#define sTE BSIM_JOB_STATE_TRANSIENT_ERROR
#define sTD BSIM_JOB_STATE_TRANSFERRED
#define sA BSIM_JOB_STATE_ACKNOWLEDGED
#define sX BSIM_JOB_STATE_CANCELLED
#define eq BSIM__FSM_SAME
#define no BSIM__FSM_ILLEGAL

/* The table: one row per event, one column per state, in the enum order
 *   QUEUED CONNECTING TRANSFERRING SUSPENDED ERROR TRANSIENT_ERROR
 *   TRANSFERRED ACKNOWLEDGED CANCELLED. */
static const unsigned char table[BSIM__EV_COUNT][BSIM_JOB_STATE_COUNT] = {
    /*                       Q   C   T   S   E   TE  TD  A   X */
    [BSIM__EV_RESUME] = {eq, eq, eq, sQ, sQ, sQ, sQ, no, no},
    [BSIM__EV_SUSPEND] = {sS, sS, sS, eq, sS, sS, sS, no, no},
    [BSIM__EV_CANCEL] = {sX, sX, sX, sX, sX, sX, sX, no, no},
    [BSIM__EV_COMPLETE] = {sA, sA, sA, sA, sA, sA, sA, no, no},
    [BSIM__EV_COMPLETE_UPLOAD] = {no, no, no, no, no, no, sA, no, no},
    [BSIM__EV_ADD_FILE] = {eq, eq, eq, eq, eq, eq, eq, no, no},
    [BSIM__EV_SET_PROPERTY] = {eq, eq, eq, eq, eq, eq, eq, no, no},
    [BSIM__EV_TAKE_OWNERSHIP] = {eq, eq, eq, eq, eq, eq, eq, no, no},
    [BSIM__EV_GET_ERROR] = {no, no, no, no, eq, eq, no, no, no},
    [BSIM__EV_START] = {sC, no, no, no, no, no, no, no, no},
    [BSIM__EV_CONNECTED] = {no, sT, eq, no, no, no, no, no, no},
    [BSIM__EV_PROGRESS] = {no, no, eq, no, no, no, no, no, no},
    [BSIM__EV_FILE_DONE] = {no, no, eq, no, no, no, no, no, no},
    [BSIM__EV_ALL_DONE] = {no, no, sTD, no, no, no, no, no, no},
    [BSIM__EV_FAIL_TRANSIENT] = {no, sTE, sTE, no, no, no, no, no, no},
    [BSIM__EV_FAIL_FATAL] = {no, sE, sE, no, no, no, no, no, no},
    [BSIM__EV_SLICE_END] = {no, sQ, sQ, no, no, no, no, no, no},
    [BSIM__EV_PREEMPT] = {no, sQ, sQ, no, no, no, no, no, no},
    [BSIM__EV_RETRY_DUE] = {no, no, no, no, no, sQ, no, no, no},
    [BSIM__EV_NO_PROGRESS_EXPIRED] = {no, no, no, no, no, sE, no, no, no},
    [BSIM__EV_MAX_DOWNLOAD_EXPIRED] = {no, sE, sE, no, no, no, no, no, no},
    [BSIM__EV_INACTIVITY_EXPIRED] = {sX, sX, sX, sX, sX, sX, sX, no, no},
    [BSIM__EV_NETWORK_LOST] = {sTE, sTE, sTE, no, no, eq, no, no, no},
    [BSIM__EV_NETWORK_BACK] = {no, no, no, no, no, sQ, no, no, no},
    [BSIM__EV_OWNER_LOGOFF] = {eq, sQ, sQ, no, no, no, no, no, no},
    [BSIM__EV_VALIDATE_REJECT] = {sE, sE, sE, sE, eq, sE, sE, no, no},
    [BSIM__EV_VALIDATE_REJECT_PEER] = {eq, eq, eq, eq, eq, eq, sQ, no, no},
};

static const char *const state_names[] = {
    "QUEUED",          "CONNECTING",  "TRANSFERRING", "SUSPENDED", "ERROR",
    "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
_Static_assert(sizeof state_names / sizeof state_names[0] ==
                   BSIM_JOB_STATE_COUNT,
               "one name per state");

static const char *const event_names[] = {
#define EV_NAME(name, api) #name,
    BSIM__FSM_EVENTS(EV_NAME)
#undef EV_NAME
};
_Static_assert(sizeof event_names / sizeof event_names[0] == BSIM__EV_COUNT,
               "one name per event");

static const unsigned char event_is_api[] = {
#define EV_API(name, api) api,
    BSIM__FSM_EVENTS(EV_API)
#undef EV_API
};

int bsim__fsm_next(enum bsim_job_state state, enum bsim__fsm_event ev) {
  BSIM_ASSERT((unsigned)state < BSIM_JOB_STATE_COUNT);
  BSIM_ASSERT((unsigned)ev < BSIM__EV_COUNT);
  return table[ev][state];
}

int bsim__fsm_is_api(enum bsim__fsm_event ev) {
  BSIM_ASSERT((unsigned)ev < BSIM__EV_COUNT);
  return event_is_api[ev];
}

bsim_hr bsim__fsm_illegal_hr(enum bsim__fsm_event ev) {
  /* Reference §4.3 note 1: GetError outside ERROR/TRANSIENT_ERROR. */
  if (ev == BSIM__EV_GET_ERROR) return BSIM_E_ERROR_INFORMATION_UNAVAILABLE;
  return BSIM_E_INVALID_STATE;
}

const char *bsim__fsm_event_name(enum bsim__fsm_event ev) {
  return (unsigned)ev < BSIM__EV_COUNT ? event_names[ev] : "?";
}

const char *bsim__fsm_state_name(int state) {
  return (unsigned)state < BSIM_JOB_STATE_COUNT ? state_names[state] : "?";
}

int bsim__fsm_is_final(int state) {
  return state == sA || state == sX;
}

int bsim__fsm_is_active(int state) {
  return state == sC || state == sT;
}

size_t bsim__fsm_render_list(char *buf, size_t cap) {
  size_t len = 0;
  for (int ev = 0; ev < BSIM__EV_COUNT; ev++) {
    for (int s = 0; s < BSIM_JOB_STATE_COUNT; s++) {
      int to = table[ev][s];
      if (to == eq || to == no) continue;
      char line[96];
      int n = snprintf(line, sizeof line, "%s --%s--> %s\n", state_names[s],
                       event_names[ev], state_names[to]);
      BSIM_ASSERT(n > 0 && (size_t)n < sizeof line);
      /* As snprintf: copy what fits, count everything. */
      if (cap > 0 && len < cap - 1) {
        size_t room = cap - 1 - len;
        memcpy(buf + len, line, (size_t)n < room ? (size_t)n : room);
      }
      len += (size_t)n;
    }
  }
  if (cap > 0) buf[len < cap ? len : cap - 1] = '\0';
  return len;
}

/* ---- hooks -------------------------------------------------------------- */

static void exit_hooks(bsim_job *job, int from, int to) {
  if (from == sQ && job->in_runq) bsim__runq_remove(job->mgr, job);
  if (bsim__fsm_is_active(from) && !bsim__fsm_is_active(to)) {
    bsim__sched_on_active(job, 0);
  }
}

static void entry_hooks(bsim_job *job, int from, int to,
                        enum bsim__fsm_event ev) {
  bsim_manager *mgr = job->mgr;
  uint64_t now = bsim__now_ms(mgr);
  if (bsim__fsm_is_active(to) && !bsim__fsm_is_active(from)) {
    bsim__sched_on_active(job, 1);
  }
  switch ((enum bsim_job_state)to) {
  case BSIM_JOB_STATE_QUEUED:
    /* A preempted job goes back to the front: it resumes first when its
     * priority gets time again (reference §5). */
    bsim__runq_push(mgr, job, ev == BSIM__EV_PREEMPT);
    break;
  case BSIM_JOB_STATE_TRANSIENT_ERROR:
    job->te_since_ms = now;
    /* Reference §4.4: the no-progress clock starts at the first transient
     * error. A network disconnect does not start it (it is not an error of
     * the job and is not timer-retried, §4.2). */
    if (!job->net_error && job->noprog_since_ms == UINT64_MAX) {
      job->noprog_since_ms = now;
    }
    break;
  case BSIM_JOB_STATE_TRANSFERRED:
    job->completed_unix_ms = bsim__wall_unix_ms(mgr);
    break;
  case BSIM_JOB_STATE_CONNECTING:
  case BSIM_JOB_STATE_TRANSFERRING:
  case BSIM_JOB_STATE_SUSPENDED:
  case BSIM_JOB_STATE_ERROR:
  case BSIM_JOB_STATE_ACKNOWLEDGED:
  case BSIM_JOB_STATE_CANCELLED:
  case BSIM_JOB_STATE_COUNT:
    break;
  }
  bsim__job_rearm(job);
  job->modified_unix_ms = bsim__wall_unix_ms(mgr);
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

static void trace_state(bsim_job *job, int from, int to,
                        enum bsim__fsm_event ev, const char *file, int line) {
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, job->mgr, "state", job)) return;
  bsim__tr_str(&tr, "from", state_names[from]);
  bsim__tr_str(&tr, "to", state_names[to]);
  bsim__tr_str(&tr, "why", event_names[ev]);
  /* The file's base name only, so traces do not depend on the build
   * directory. */
  char at[96];
  snprintf(at, sizeof at, "%s:%d", base_name(file), line);
  bsim__tr_str(&tr, "at", at);
  if ((to == sE || to == sTE) && job->has_error) {
    bsim__tr_hr(&tr, "error", job->error.code);
  }
  bsim__tr_end(&tr);
}

void bsim__fsm_set_state_at(bsim_job *job, enum bsim_job_state to,
                            enum bsim__fsm_event ev, const char *file,
                            int line) {
  BSIM_ASSERT(job != NULL && job->mgr != NULL);
  int from = job->state;
  BSIM_ASSERT(table[ev][from] == (unsigned char)to);
  exit_hooks(job, from, (int)to);
  job->state = (uint8_t)to;
  if (job->mgr->watch_job == job && ((job->mgr->watch_mask >> to) & 1u)) {
    /* A driver waiting for this job may be blocked in the loop while
     * another thread made the change: wake it. */
    job->mgr->watch_hit = 1;
    if (job->mgr->driver_waiting) bsim__wake(job->mgr);
  }
  entry_hooks(job, from, (int)to, ev);
  if (job->mgr->trace != NULL) trace_state(job, from, (int)to, ev, file, line);
  /* Durable before anyone hears of it (docs/store.md). */
  bsim__store_job_state(job);
  bsim__notify_state(job, (enum bsim_job_state)from, to);
  if (bsim__fsm_is_final((int)to)) {
    bsim__job_retire(job); /* may free the job */
    return;
  }
  bsim__job_check(job);
}

enum bsim_job_state bsim__fsm_fire_at(bsim_job *job, enum bsim__fsm_event ev,
                                      const char *file, int line) {
  int to = bsim__fsm_next((enum bsim_job_state)job->state, ev);
  BSIM_ASSERT(to != no);
  if (to == eq) return (enum bsim_job_state)job->state;
  bsim__fsm_set_state_at(job, (enum bsim_job_state)to, ev, file, line);
  return (enum bsim_job_state)to;
}

void bsim__fsm_restore(bsim_job *job, enum bsim_job_state state) {
  BSIM_ASSERT(!bsim__fsm_is_active((int)state) &&
              !bsim__fsm_is_final((int)state));
  job->state = (uint8_t)state;
  if (state == sQ) bsim__runq_push(job->mgr, job, 0);
  bsim__job_rearm(job);
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, job->mgr, "restore", job)) {
    bsim__tr_str(&tr, "state", state_names[state]);
    bsim__tr_end(&tr);
  }
  bsim__job_check(job);
}

/* ---- invariants --------------------------------------------------------- */

static void check_idle(const bsim_job *job) {
  BSIM_ASSERT(job->slot == SLOT_NONE);
  BSIM_ASSERT(job->xfer == NULL);
  BSIM_ASSERT(!job->in_runq && !job->in_starts);
}

void bsim__job_check(const bsim_job *job) {
  BSIM_ASSERT(job->type < BSIM_JOB_TYPE_COUNT);
  BSIM_ASSERT(job->priority < BSIM_JOB_PRIORITY_COUNT);
  BSIM_ASSERT(job->file_count <= job->file_cap);
  BSIM_ASSERT(job->cur_file <= job->file_count);
  BSIM_ASSERT(atomic_load(&job->refs) >= 1);
  switch ((enum bsim_job_state)job->state) {
  case BSIM_JOB_STATE_QUEUED:
    BSIM_ASSERT(job->in_runq && !job->in_starts);
    BSIM_ASSERT(job->slot == SLOT_NONE && job->xfer == NULL);
    BSIM_ASSERT(!bsim__timer_armed(&job->timer));
    BSIM_ASSERT(!job->retired);
    break;
  case BSIM_JOB_STATE_CONNECTING:
  case BSIM_JOB_STATE_TRANSFERRING:
    BSIM_ASSERT(job->slot != SLOT_NONE && !job->in_runq);
    BSIM_ASSERT((job->xfer != NULL) != (job->in_starts != 0));
    BSIM_ASSERT(bsim__timer_armed(&job->timer) ==
                (job->max_download_time_s != 0));
    break;
  case BSIM_JOB_STATE_SUSPENDED:
    check_idle(job);
    BSIM_ASSERT(!bsim__timer_armed(&job->timer));
    break;
  case BSIM_JOB_STATE_ERROR:
    check_idle(job);
    BSIM_ASSERT(job->has_error);
    BSIM_ASSERT(!bsim__timer_armed(&job->timer));
    break;
  case BSIM_JOB_STATE_TRANSIENT_ERROR:
    check_idle(job);
    BSIM_ASSERT(job->has_error);
    BSIM_ASSERT(bsim__timer_armed(&job->timer) ||
                (job->net_error && job->noprog_since_ms == UINT64_MAX));
    break;
  case BSIM_JOB_STATE_TRANSFERRED:
    check_idle(job);
    BSIM_ASSERT(!bsim__timer_armed(&job->timer));
    for (uint32_t i = 0; i < job->file_count; i++) {
      BSIM_ASSERT(job->files[i].transferred);
    }
    break;
  case BSIM_JOB_STATE_ACKNOWLEDGED:
  case BSIM_JOB_STATE_CANCELLED:
    check_idle(job);
    BSIM_ASSERT(job->retired);
    BSIM_ASSERT(!bsim__timer_armed(&job->timer));
    break;
  case BSIM_JOB_STATE_COUNT:
    BSIM_ASSERT(!"state out of range");
  }
}
