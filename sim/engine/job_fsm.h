/* bitsim — the job state machine's interface (the table and the one setter
 * live in job_fsm.c; its top comment is the diagram and the transition
 * list).
 *
 * Events are everything that can move a job: API calls, scheduler and
 * transport events, timers and the environment. bsim__fsm_next(state, ev)
 * answers from the one transition table:
 *   - a state (0..8): the job moves there;
 *   - BSIM__FSM_SAME: legal, the state does not change;
 *   - BSIM__FSM_ILLEGAL: an API event returns bsim__fsm_illegal_hr(ev)
 *     (BG_E_INVALID_STATE, or BG_E_ERROR_INFORMATION_UNAVAILABLE for
 *     GetError); an internal event there is a bug (BSIM_ASSERT).
 */
#ifndef BSIM_ENGINE_JOB_FSM_H
#define BSIM_ENGINE_JOB_FSM_H

#include "bitsim.h"

/* X(name, is_api) in a fixed order; never reorder (the doc test renders
 * the list from it). */
#define BSIM__FSM_EVENTS(X)                                                    \
  X(RESUME, 1)                                                                 \
  X(SUSPEND, 1)                                                                \
  X(CANCEL, 1)                                                                 \
  X(COMPLETE, 1)                                                               \
  X(COMPLETE_UPLOAD, 1)                                                        \
  X(ADD_FILE, 1)                                                               \
  X(SET_PROPERTY, 1)                                                           \
  X(TAKE_OWNERSHIP, 1)                                                         \
  X(GET_ERROR, 1)                                                              \
  X(START, 0)                                                                  \
  X(CONNECTED, 0)                                                              \
  X(PROGRESS, 0)                                                               \
  X(FILE_DONE, 0)                                                              \
  X(ALL_DONE, 0)                                                               \
  X(FAIL_TRANSIENT, 0)                                                         \
  X(FAIL_FATAL, 0)                                                             \
  X(SLICE_END, 0)                                                              \
  X(PREEMPT, 0)                                                                \
  X(RETRY_DUE, 0)                                                              \
  X(NO_PROGRESS_EXPIRED, 0)                                                    \
  X(MAX_DOWNLOAD_EXPIRED, 0)                                                   \
  X(INACTIVITY_EXPIRED, 0)                                                     \
  X(NETWORK_LOST, 0)                                                           \
  X(NETWORK_BACK, 0)                                                           \
  X(OWNER_LOGOFF, 0)                                                           \
  X(VALIDATE_REJECT, 1)                                                        \
  X(VALIDATE_REJECT_PEER, 1)

enum bsim__fsm_event {
#define BSIM__FSM_EV_ENUM(name, api) BSIM__EV_##name,
  BSIM__FSM_EVENTS(BSIM__FSM_EV_ENUM)
#undef BSIM__FSM_EV_ENUM
      BSIM__EV_COUNT /* not a value */
};

#define BSIM__FSM_SAME 9
#define BSIM__FSM_ILLEGAL 10

/** The outcome of event ev in state (a state, SAME or ILLEGAL). */
int bsim__fsm_next(enum bsim_job_state state, enum bsim__fsm_event ev);
/** Nonzero for API events (illegal ones return a code, not an assert). */
int bsim__fsm_is_api(enum bsim__fsm_event ev);
/** The code an illegal API event returns. */
bsim_hr bsim__fsm_illegal_hr(enum bsim__fsm_event ev);
/** "RESUME", "NO_PROGRESS_EXPIRED", ... */
const char *bsim__fsm_event_name(enum bsim__fsm_event ev);
/** "QUEUED", "TRANSIENT_ERROR", ... ("?" outside the enum). */
const char *bsim__fsm_state_name(int state);
/** Nonzero for ACKNOWLEDGED and CANCELLED. */
int bsim__fsm_is_final(int state);
/** Nonzero for CONNECTING and TRANSFERRING. */
int bsim__fsm_is_active(int state);

/** Render the transition list ("FROM --EVENT--> TO", one per line, in table
 * order, SAME entries skipped) into buf. Returns the length it needs (as
 * snprintf does). docs/state-machine.md holds the same text. */
size_t bsim__fsm_render_list(char *buf, size_t cap);

/** The one setter (style B.6): checks the table for (state, ev) -> to,
 * runs exit and entry hooks, traces, notifies, checks invariants. A move
 * into a final state drops the manager's reference: the caller must hold
 * its own if it touches the job afterwards. */
#define bsim__fsm_set_state(job, to, ev)                                       \
  bsim__fsm_set_state_at((job), (to), (ev), __FILE__, __LINE__)
void bsim__fsm_set_state_at(bsim_job *job, enum bsim_job_state to,
                            enum bsim__fsm_event ev, const char *file,
                            int line);
/** Move by event: the table names the target. Returns the new state. */
#define bsim__fsm_fire(job, ev)                                                \
  bsim__fsm_fire_at((job), (ev), __FILE__, __LINE__)
enum bsim_job_state bsim__fsm_fire_at(bsim_job *job, enum bsim__fsm_event ev,
                                      const char *file, int line);

/** Put a job rebuilt from the store (persist.c) into state, which must
 * not be active or final: the only other writer of job->state, with the
 * entry work a restored job needs (run queue, timer) and no event. */
void bsim__fsm_restore(bsim_job *job, enum bsim_job_state state);

/** Assert what must hold in the job's state (SQLite's assert_pager_state).
 */
void bsim__job_check(const bsim_job *job);

#endif /* BSIM_ENGINE_JOB_FSM_H */
