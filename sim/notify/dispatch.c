/* bitsim — the notification dispatcher: what each job owes, the per-user
 * FIFOs and the four-per-user limit, retries until S_OK, and delivery
 * (reference §6; docs/notifications.md).
 *
 * The engine reports events through the bsim__notify_* hooks with the lock
 * held; the hooks only record what is owed and queue the job in its owner's
 * FIFO. Delivery happens only in bsim__notify_run, which the driver calls
 * once per step: inline callbacks run there with the lock released, threaded
 * ones are handed to the worker pool and finished there on a later step.
 *
 * Rules kept here (reference §6):
 *   - JobTransferred/JobError are owed from entry into TRANSFERRED/ERROR
 *     until a callback returns S_OK or a command line exits 0, or the job
 *     leaves the state; a failure retries after renotify_interval_ms (a
 *     command line after the job's MinimumRetryDelay).
 *   - JobModification: at most one pending per job (later events merge into
 *     it); never for entry into TRANSFERRED or ERROR; never retried.
 *   - FileTransferred: FIFO per job, all before the owed JobTransferred or
 *     JobError; a negative result retries the same file after
 *     renotify_interval_ms, holding the rest back.
 */
#include <stddef.h>
#include <string.h>

#include "notify/notify_priv.h"

#define BSIM__OWED_NONE BSIM_JOB_STATE_COUNT

/* ---- users --------------------------------------------------------------*/

static uint64_t user_hash(const char *name) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    h ^= *p;
    h *= 1099511628211ull;
  }
  return h;
}

static int users_grow(struct bsim__notify *n) {
  size_t cap = n->user_cap ? n->user_cap * 2 : 16;
  struct bsim__notify_user **slots = bsim__calloc(cap, sizeof(*slots));
  if (slots == NULL) return -1;
  for (size_t i = 0; i < n->user_cap; i++) {
    struct bsim__notify_user *u = n->user_slots[i];
    if (u == NULL) continue;
    size_t j = (size_t)user_hash(u->name) & (cap - 1);
    while (slots[j] != NULL)
      j = (j + 1) & (cap - 1);
    slots[j] = u;
  }
  bsim__free(n->user_slots);
  n->user_slots = slots;
  n->user_cap = cap;
  return 0;
}

/* The user record for name, created on first use. NULL only when memory
 * runs out; the caller then drops the event (nothing else can be done from a
 * hook). */
static struct bsim__notify_user *user_get(struct bsim__notify *n,
                                          const char *name) {
  if (name == NULL) name = "";
  if ((n->user_count + 1) * 2 > n->user_cap && users_grow(n) != 0) return NULL;
  size_t j = (size_t)user_hash(name) & (n->user_cap - 1);
  for (; n->user_slots[j] != NULL; j = (j + 1) & (n->user_cap - 1)) {
    if (strcmp(n->user_slots[j]->name, name) == 0) return n->user_slots[j];
  }
  struct bsim__notify_user *u = bsim__calloc(1, sizeof(*u));
  if (u == NULL) return NULL;
  u->name = bsim__strdup(name);
  if (u->name == NULL) {
    bsim__free(u);
    return NULL;
  }
  n->user_slots[j] = u;
  n->user_count++;
  return u;
}

/* Put u in the ready ring if it can take another callback now. */
static void user_update_ready(struct bsim__notify *n,
                              struct bsim__notify_user *u) {
  if (u->in_ready || u->head == NULL || u->in_flight >= n->in_flight_per_user)
    return;
  u->in_ready = 1;
  u->ready_next = NULL;
  if (n->ready_tail != NULL) {
    n->ready_tail->ready_next = u;
  } else {
    n->ready_head = u;
    /* Work appeared: a driver waiting in its loop (REAL mode, callbacks in
     * flight) must step to deliver it, whichever thread caused it. */
    bsim__wake(n->mgr);
  }
  n->ready_tail = u;
}

static struct bsim__notify_user *ready_pop(struct bsim__notify *n) {
  struct bsim__notify_user *u = n->ready_head;
  if (u == NULL) return NULL;
  n->ready_head = u->ready_next;
  if (n->ready_head == NULL) n->ready_tail = NULL;
  u->in_ready = 0;
  u->ready_next = NULL;
  return u;
}

void bsim__notify_user_load(bsim_manager *mgr, const char *name,
                            uint32_t *in_flight, uint32_t *queued) {
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  *in_flight = *queued = 0;
  if (n == NULL || n->user_cap == 0) return;
  size_t j = (size_t)user_hash(name) & (n->user_cap - 1);
  for (; n->user_slots[j] != NULL; j = (j + 1) & (n->user_cap - 1)) {
    if (strcmp(n->user_slots[j]->name, name) != 0) continue;
    *in_flight = n->user_slots[j]->in_flight;
    *queued = n->user_slots[j]->queued;
    return;
  }
}

/* ---- per-user FIFO of jobs ----------------------------------------------*/

static void fifo_push(struct bsim__notify *n, struct bsim__job_notify *jn) {
  struct bsim__notify_user *u = jn->user;
  jn->q_next = NULL;
  jn->q_prev = u->tail;
  if (u->tail != NULL)
    u->tail->q_next = jn;
  else
    u->head = jn;
  u->tail = jn;
  u->queued++;
  jn->queued = 1;
  n->queued_jobs++;
  user_update_ready(n, u);
}

/* Unlink jn from its user's FIFO. A user left in the ready ring with an
 * empty FIFO is skipped when popped. */
static void fifo_remove(struct bsim__notify *n, struct bsim__job_notify *jn) {
  struct bsim__notify_user *u = jn->user;
  if (!jn->queued) return;
  if (jn->q_prev != NULL)
    jn->q_prev->q_next = jn->q_next;
  else
    u->head = jn->q_next;
  if (jn->q_next != NULL)
    jn->q_next->q_prev = jn->q_prev;
  else
    u->tail = jn->q_prev;
  jn->q_prev = jn->q_next = NULL;
  jn->queued = 0;
  u->queued--;
  n->queued_jobs--;
}

/* ---- what a job owes ----------------------------------------------------*/

static int has_method(const struct bsim__notify_reg *reg, enum bsim__nk k) {
  if (reg == NULL) return 0;
  switch (k) {
  case BSIM__NK_FILE:
    return reg->ops.file_transferred != NULL;
  case BSIM__NK_MODIFICATION:
    return reg->ops.job_modification != NULL;
  case BSIM__NK_TRANSFERRED:
    return reg->ops.job_transferred != NULL;
  case BSIM__NK_ERROR:
    return reg->ops.job_error != NULL;
  case BSIM__NK_NONE:
  case BSIM__NK_CMDLINE:
  case BSIM__NK_COUNT:
    break;
  }
  return 0;
}

/* The owed TRANSFERRED/ERROR event, as the route that carries it now:
 * the method, else the command line (after the method failed, or when no
 * method is registered), else nothing until someone registers. */
static enum bsim__nk owed_route(const struct bsim__job_notify *jn,
                                uint32_t flags) {
  enum bsim__nk k;
  if (jn->owed == BSIM_JOB_STATE_TRANSFERRED &&
      (flags & BSIM_NOTIFY_JOB_TRANSFERRED))
    k = BSIM__NK_TRANSFERRED;
  else if (jn->owed == BSIM_JOB_STATE_ERROR && (flags & BSIM_NOTIFY_JOB_ERROR))
    k = BSIM__NK_ERROR;
  else
    return BSIM__NK_NONE;
  int method = has_method(jn->reg, k);
  if (method && !jn->cmd_route) return k;
  if (jn->cmd_program != NULL) return BSIM__NK_CMDLINE;
  return method ? k : BSIM__NK_NONE;
}

/* The next thing to deliver for jn, honouring the notify flags now (so a
 * flag cleared after the event silences it, reference §2.6). Files first,
 * then the merged modification, then the owed state event. */
static enum bsim__nk next_kind(const struct bsim__job_notify *jn) {
  uint32_t flags = bsim__job_notify_flags(jn->job);
  if (flags & BSIM_NOTIFY_DISABLE) return BSIM__NK_NONE;
  int files_left = jn->files_len > jn->files_head;
  if (files_left && !jn->waiting && (flags & BSIM_NOTIFY_FILE_TRANSFERRED) &&
      has_method(jn->reg, BSIM__NK_FILE))
    return BSIM__NK_FILE;
  if (jn->mod_pending && (flags & BSIM_NOTIFY_JOB_MODIFICATION) &&
      has_method(jn->reg, BSIM__NK_MODIFICATION))
    return BSIM__NK_MODIFICATION;
  if (jn->waiting) return BSIM__NK_NONE;
  /* Files still owed here have no method to go to (no registration): the
   * command line, which never sees file events, may pass them. */
  return owed_route(jn, flags);
}

void bsim__notify_schedule(struct bsim__job_notify *jn) {
  if (jn->queued || jn->busy || jn->user == NULL) return;
  if (next_kind(jn) == BSIM__NK_NONE) return;
  fifo_push(jn->n, jn);
}

/* ---- per-job state ------------------------------------------------------*/

static void hold_fired(bsim_manager *mgr, struct bsim__timer *timer);

static void retry_fired(bsim_manager *mgr, struct bsim__timer *timer) {
  (void)mgr;
  struct bsim__job_notify *jn =
      (struct bsim__job_notify *)(void *)((char *)timer -
                                          offsetof(struct bsim__job_notify,
                                                   retry_timer));
  jn->waiting = 0;
  bsim__notify_schedule(jn);
}

struct bsim__job_notify *bsim__notify_jn(bsim_job *job, int create) {
  struct bsim__job_notify **slot = bsim__job_notify_slot(job);
  if (*slot != NULL || !create) return *slot;
  struct bsim__notify *n = bsim__mgr_notify(bsim__job_manager(job));
  if (n == NULL) return NULL;
  struct bsim__job_notify *jn = bsim__calloc(1, sizeof(*jn));
  if (jn == NULL) return NULL;
  jn->job = job;
  jn->n = n;
  /* A job without this state never delivered anything: if it sits in
   * TRANSFERRED or ERROR now, it still owes that event (reference §6, at
   * least once), however long ago it got there. */
  enum bsim_job_state state = bsim__job_state(job);
  int owing =
      state == BSIM_JOB_STATE_TRANSFERRED || state == BSIM_JOB_STATE_ERROR;
  jn->owed = owing ? state : BSIM__OWED_NONE;
  jn->owed_gen = 1;
  jn->user = user_get(n, bsim__job_owner(job));
  if (jn->user == NULL) {
    bsim__free(jn);
    return NULL;
  }
  bsim__timer_init(&jn->retry_timer, retry_fired);
  bsim__timer_init(&jn->hold_timer, hold_fired);
  jn->all_next = n->all_head;
  if (n->all_head != NULL) n->all_head->all_prev = jn;
  n->all_head = jn;
  *slot = jn;
  return jn;
}

void bsim__notify_rearm(struct bsim__job_notify *jn) {
  if (jn->waiting) bsim__timer_stop(jn->n->mgr, &jn->retry_timer);
  jn->waiting = 0;
  jn->cmd_route = 0;
}

static void wait_retry(struct bsim__job_notify *jn, uint64_t delay_ms) {
  struct bsim__notify *n = jn->n;
  jn->waiting = 1;
  bsim__timer_start(n->mgr, &jn->retry_timer, bsim__now_ms(n->mgr) + delay_ms);
}

/* ---- registrations ------------------------------------------------------*/

void bsim__notify_reg_release(struct bsim__notify *n,
                              struct bsim__notify_reg *reg) {
  if (reg == NULL) return;
  BSIM_ASSERT(reg->refs > 0);
  if (--reg->refs > 0) return;
  reg->next_dead = n->dead_head;
  n->dead_head = reg;
}

struct bsim__notify_reg *bsim__notify_take_dead(struct bsim__notify *n) {
  struct bsim__notify_reg *dead = n->dead_head;
  n->dead_head = NULL;
  return dead;
}

void bsim__notify_run_finalizers(struct bsim__notify_reg *dead) {
  while (dead != NULL) {
    struct bsim__notify_reg *next = dead->next_dead;
    if (dead->ops.finalize != NULL) dead->ops.finalize(dead->user);
    bsim__free(dead);
    dead = next;
  }
}

/* ---- hooks from the engine ----------------------------------------------*/

static void drop_all(struct bsim__job_notify *jn) {
  bsim__notify_rearm(jn);
  fifo_remove(jn->n, jn);
  jn->owed = BSIM__OWED_NONE;
  jn->mod_pending = 0;
  jn->files_head = jn->files_len = 0;
}

void bsim__notify_state(bsim_job *job, enum bsim_job_state from,
                        enum bsim_job_state to) {
  int final =
      to == BSIM_JOB_STATE_ACKNOWLEDGED || to == BSIM_JOB_STATE_CANCELLED;
  int owing = to == BSIM_JOB_STATE_TRANSFERRED || to == BSIM_JOB_STATE_ERROR;
  /* No state yet: no registration, command line or file event ever, so
   * nothing to tell; what the job owes is read from its state when the
   * state is created (bsim__notify_jn). Most jobs never need any. */
  struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
  if (jn == NULL) return;
  if (final) {
    drop_all(jn);
    return;
  }
  if (from == BSIM_JOB_STATE_TRANSFERRED || from == BSIM_JOB_STATE_ERROR) {
    /* Leaving the state ends the owed event and its retries (§6). */
    bsim__notify_rearm(jn);
    jn->owed = BSIM__OWED_NONE;
  }
  if (owing) {
    jn->owed = to;
    jn->owed_gen++; /* no JobModification for this entry (§6 table) */
    bsim__notify_schedule(jn);
  } else {
    bsim__notify_modified(job);
  }
}

void bsim__notify_file_transferred(bsim_job *job, uint32_t index) {
  uint32_t flags = bsim__job_notify_flags(job);
  if ((flags & BSIM_NOTIFY_DISABLE) || !(flags & BSIM_NOTIFY_FILE_TRANSFERRED))
    return;
  struct bsim__job_notify *jn = bsim__notify_jn(job, 1);
  if (jn == NULL) return;
  if (jn->reg != NULL && jn->reg->ops.file_transferred == NULL) return;
  if (jn->files_head > 0 && jn->files_head == jn->files_len)
    jn->files_head = jn->files_len = 0;
  if (jn->files_len == jn->files_cap) {
    uint32_t cap = jn->files_cap ? jn->files_cap * 2 : 4;
    uint32_t *files = bsim__realloc(jn->files, cap * sizeof(*files));
    if (files == NULL) return;
    jn->files = files;
    jn->files_cap = cap;
  }
  jn->files[jn->files_len++] = index;
  bsim__notify_schedule(jn);
}

void bsim__notify_modified(bsim_job *job) {
  uint32_t flags = bsim__job_notify_flags(job);
  struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
  if (jn == NULL) return; /* nobody registered: nothing to tell */
  /* Even without the flag: a flags change may make an owed event
   * deliverable (bsim_job_set_notify_flags reports a property change). */
  if (!(flags & BSIM_NOTIFY_DISABLE) &&
      (flags & BSIM_NOTIFY_JOB_MODIFICATION) && jn->reg != NULL &&
      jn->reg->ops.job_modification != NULL)
    jn->mod_pending = 1;
  bsim__notify_schedule(jn);
}

void bsim__notify_owner_changed(bsim_job *job) {
  struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
  if (jn == NULL) return;
  bsim__notify_cmdline_clear(jn); /* reference §6, §12 */
  struct bsim__notify_user *u = user_get(jn->n, bsim__job_owner(job));
  if (u == NULL || u == jn->user) return;
  int was_queued = jn->queued;
  fifo_remove(jn->n, jn);
  jn->user = u;
  if (was_queued) bsim__notify_schedule(jn);
}

void bsim__notify_job_free(bsim_job *job) {
  struct bsim__job_notify **slot = bsim__job_notify_slot(job);
  struct bsim__job_notify *jn = *slot;
  if (jn == NULL) return;
  BSIM_ASSERT(!jn->busy); /* a callback in flight holds a reference */
  struct bsim__notify *n = jn->n;
  drop_all(jn);
  bsim__notify_cmdline_clear(jn);
  bsim__notify_reg_release(n, jn->reg);
  if (jn->all_prev != NULL)
    jn->all_prev->all_next = jn->all_next;
  else
    n->all_head = jn->all_next;
  if (jn->all_next != NULL) jn->all_next->all_prev = jn->all_prev;
  bsim__free(jn->files);
  bsim__free(jn);
  *slot = NULL;
}

/* ---- delivery -----------------------------------------------------------*/

static const char *kind_name(enum bsim__nk kind) {
  switch (kind) {
  case BSIM__NK_FILE:
    return "FileTransferred";
  case BSIM__NK_MODIFICATION:
    return "JobModification";
  case BSIM__NK_TRANSFERRED:
    return "JobTransferred";
  case BSIM__NK_ERROR:
    return "JobError";
  case BSIM__NK_CMDLINE:
    return "cmdline";
  case BSIM__NK_NONE:
  case BSIM__NK_COUNT:
    break;
  }
  return "none";
}

void bsim__notify_call(struct bsim__notify_work *w) {
  const struct bsim_notify_ops *ops = &w->reg->ops;
  void *user = w->reg->user;
  struct bsim_job_error err;
  switch (w->kind) {
  case BSIM__NK_FILE:
    w->result = ops->file_transferred(w->job, w->file_index, user);
    break;
  case BSIM__NK_MODIFICATION:
    w->result = ops->job_modification(w->job, user);
    break;
  case BSIM__NK_TRANSFERRED:
    w->result = ops->job_transferred(w->job, user);
    break;
  case BSIM__NK_ERROR:
    /* Read without the lock, as the callback would: if the job left
     * ERROR meanwhile there is nothing to report. */
    if (bsim_job_get_error(w->job, &err) != BSIM_S_OK) {
      w->skipped = 1;
      w->result = BSIM_S_OK;
      break;
    }
    w->result = ops->job_error(w->job, &err, user);
    break;
  case BSIM__NK_NONE:
  case BSIM__NK_CMDLINE:
  case BSIM__NK_COUNT:
    BSIM_ASSERT(0 && "not a callback");
  }
}

static void trace_result(struct bsim__job_notify *jn,
                         const struct bsim__notify_work *w) {
  struct bsim__tr tr;
  if (!bsim__tr_begin(&tr, jn->n->mgr, "notify", jn->job)) return;
  bsim__tr_str(&tr, "method", kind_name(w->kind));
  if (w->kind == BSIM__NK_FILE) bsim__tr_u64(&tr, "file", w->file_index);
  bsim__tr_hr(&tr, "result", w->result);
  bsim__tr_u64(&tr, "count", jn->failures);
  bsim__tr_str(&tr, "user", w->slot_user->name);
  bsim__tr_str(&tr, "phase", "end");
  bsim__tr_u64(&tr, "slot", w->slot);
  bsim__tr_end(&tr);
}

/* The slot a callback takes, traced so the timeline can draw the user's
 * slots (issue "bitsim command", SVG timeline). */
static void take_slot(struct bsim__job_notify *jn,
                      struct bsim__notify_work *w) {
  struct bsim__notify_user *u = w->slot_user;
  uint32_t slot = 0;
  while (slot < 63 && (u->slot_mask & (1ull << slot)))
    slot++;
  u->slot_mask |= 1ull << slot;
  w->slot = slot;
  struct bsim__tr tr;
  if (!bsim__tr_begin(&tr, jn->n->mgr, "notify", jn->job)) return;
  bsim__tr_str(&tr, "method", kind_name(w->kind));
  bsim__tr_str(&tr, "user", u->name);
  bsim__tr_str(&tr, "phase", "begin");
  bsim__tr_u64(&tr, "slot", slot);
  bsim__tr_end(&tr);
}

/* What a result means for what the job still owes (reference §6). */
static void apply_result(struct bsim__job_notify *jn,
                         const struct bsim__notify_work *w) {
  struct bsim__notify *n = jn->n;
  int still_owed = jn->owed != BSIM__OWED_NONE && jn->owed_gen == w->owed_gen;
  switch (w->kind) {
  case BSIM__NK_FILE:
    if (jn->files_len <= jn->files_head) return; /* dropped meanwhile */
    if (w->result < 0)
      wait_retry(jn, n->renotify_interval_ms); /* same file again */
    else
      jn->files_head++; /* positive results are not retried */
    return;
  case BSIM__NK_TRANSFERRED:
  case BSIM__NK_ERROR:
    if (!still_owed || jn->waiting) return;
    if (w->result == BSIM_S_OK)
      jn->owed = BSIM__OWED_NONE;
    else if (jn->cmd_program != NULL)
      jn->cmd_route = 1; /* the command line runs next, the method no more */
    else
      wait_retry(jn, n->renotify_interval_ms);
    return;
  case BSIM__NK_CMDLINE:
    if (!still_owed || jn->waiting) return;
    if (w->result == BSIM_S_OK)
      jn->owed = BSIM__OWED_NONE;
    else
      wait_retry(jn, (uint64_t)bsim__job_min_retry_delay_s(jn->job) * 1000u);
    return;
  case BSIM__NK_MODIFICATION: /* never retried */
  case BSIM__NK_NONE:
  case BSIM__NK_COUNT:
    return;
  }
}

void bsim__notify_finish(struct bsim__notify *n, struct bsim__notify_work *w) {
  struct bsim__job_notify *jn = w->jn;
  bsim_job *job = w->job;
  jn->busy = 0;
  w->slot_user->in_flight--;
  w->slot_user->slot_mask &= ~(1ull << w->slot);
  n->in_flight--;
  if (!w->skipped) {
    w->slot_user->delivered++;
    if (w->result != BSIM_S_OK) {
      jn->failures++;
      bsim__store_job_changed(job); /* the count is kept (docs/store.md) */
    }
    trace_result(jn, w);
    apply_result(jn, w);
  }
  if (w->reg != NULL) bsim__notify_reg_release(n, w->reg);
  w->reg = NULL;
  user_update_ready(n, w->slot_user);
  bsim__notify_schedule(jn);
  bsim__job_unref(job); /* the borrowed job's hold; may free jn */
}

/* Take the slot and the references a callback in flight holds. */
static void start(struct bsim__notify *n, struct bsim__job_notify *jn,
                  enum bsim__nk kind) {
  struct bsim__notify_work *w = &jn->work;
  w->jn = jn;
  w->job = jn->job;
  w->kind = kind;
  w->skipped = 0;
  w->result = BSIM_S_OK;
  w->slot_user = jn->user;
  w->owed_gen = jn->owed_gen;
  w->reg = NULL;
  w->queued_ms = bsim__now_ms(n->mgr);
  jn->busy = 1;
  jn->user->in_flight++;
  n->in_flight++;
  bsim__job_ref(jn->job);
  if (kind == BSIM__NK_FILE) w->file_index = jn->files[jn->files_head];
  if (kind == BSIM__NK_MODIFICATION) jn->mod_pending = 0;
  if (kind != BSIM__NK_CMDLINE) {
    w->reg = jn->reg;
    w->reg->refs++;
  }
  w->hold_ms = 0;
  take_slot(jn, w);
}

static void hold_fired(bsim_manager *mgr, struct bsim__timer *timer) {
  struct bsim__job_notify *jn =
      (struct bsim__job_notify *)((char *)timer -
                                  offsetof(struct bsim__job_notify,
                                           hold_timer));
  (void)mgr;
  jn->n->held--;
  jn->work.hold_ms = 0;
  bsim__notify_finish(jn->n, &jn->work);
}

/* A callback that called bsim_notify_hold keeps its slot for that much
 * virtual time after it returned, as a callback that takes that long on
 * Windows would; meanwhile time may jump (it is not running). */
void bsim__notify_returned(struct bsim__notify *n,
                           struct bsim__notify_work *w) {
  if (w->hold_ms == 0 || w->kind == BSIM__NK_CMDLINE) {
    bsim__notify_finish(n, w);
    return;
  }
  n->held++;
  bsim__timer_start(n->mgr, &w->jn->hold_timer,
                    bsim__now_ms(n->mgr) + w->hold_ms);
}

bsim_hr bsim_notify_hold(bsim_job *job, uint64_t ms) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_manager(job);
  if (mgr == NULL) return BSIM_E_INVALID_STATE;
  bsim__lock(mgr);
  struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
  bsim_hr hr = BSIM_E_INVALID_STATE;
  if (jn != NULL && jn->busy && jn->work.kind != BSIM__NK_CMDLINE) {
    jn->work.hold_ms = ms;
    hr = BSIM_S_OK;
  }
  bsim__unlock(mgr);
  return hr;
}

static void flush_finalizers(struct bsim__notify *n) {
  struct bsim__notify_reg *dead = bsim__notify_take_dead(n);
  if (dead == NULL) return;
  bsim__unlock(n->mgr);
  bsim__notify_run_finalizers(dead);
  bsim__lock(n->mgr);
}

/* Take the next job whose turn it is (users round-robin, each user's jobs
 * FIFO, users at their limit skipped) and start what it owes. *popped counts
 * jobs taken off FIFOs. NULL when no user can take another now. */
static struct bsim__job_notify *pick(struct bsim__notify *n, size_t *popped) {
  for (;;) {
    struct bsim__notify_user *u = ready_pop(n);
    if (u == NULL) return NULL;
    struct bsim__job_notify *jn = u->head;
    if (jn == NULL || u->in_flight >= n->in_flight_per_user) continue;
    fifo_remove(n, jn);
    (*popped)++;
    enum bsim__nk kind = next_kind(jn);
    if (kind != BSIM__NK_NONE) start(n, jn, kind);
    user_update_ready(n, u); /* round-robin: back of the ring */
    if (kind != BSIM__NK_NONE) return jn;
  }
}

/* INLINE: on the driving thread, never with the lock held. Only what was
 * queued on entry: work queued by callbacks now waits for the next step,
 * so a callback that keeps causing events cannot starve the engine. */
static size_t run_inline(struct bsim__notify *n) {
  size_t budget = n->queued_jobs, popped = 0, count = 0;
  struct bsim__job_notify *jn;
  while (popped < budget && (jn = pick(n, &popped)) != NULL) {
    count++;
    if (jn->work.kind == BSIM__NK_CMDLINE) {
      bsim__notify_cmdline_start(jn);
      continue;
    }
    bsim__unlock(n->mgr);
    bsim__notify_call(&jn->work);
    bsim__lock(n->mgr);
    bsim__notify_returned(n, &jn->work);
  }
  return count;
}

void bsim__notify_serve(struct bsim__notify *n) {
  size_t popped = 0;
  struct bsim__job_notify *jn;
  while ((jn = pick(n, &popped)) != NULL) {
    struct bsim__notify_work *w = &jn->work;
    if (w->kind == BSIM__NK_CMDLINE && !n->cmdline_record) {
      /* libuv belongs to the driver's thread: hand the spawn over. */
      w->next = NULL;
      if (n->spawn_tail != NULL)
        n->spawn_tail->next = w;
      else
        n->spawn_head = w;
      n->spawn_tail = w;
      continue;
    }
    if (w->kind == BSIM__NK_CMDLINE) {
      bsim__notify_cmdline_start(jn); /* recording: completes at once */
      continue;
    }
    if (n->ready_head != NULL) bsim__notify_pool_kick_idle(n->pool);
    bsim__unlock(n->mgr);
    bsim__notify_call(w);
    bsim__lock(n->mgr);
    bsim__notify_returned(n, w);
  }
}

/* THREADED, on the driver: start the spawns workers handed over and wake
 * workers for the queued work; the workers deliver. */
static size_t run_threaded(struct bsim__notify *n) {
  size_t count = 0;
  while (n->spawn_head != NULL) {
    struct bsim__notify_work *w = n->spawn_head;
    n->spawn_head = w->next;
    if (n->spawn_head == NULL) n->spawn_tail = NULL;
    bsim__notify_cmdline_start(w->jn);
    count++;
  }
  if (n->ready_head != NULL) bsim__notify_pool_kick(n->pool);
  return count;
}

size_t bsim__notify_run(bsim_manager *mgr) {
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  if (n == NULL || n->running) return 0; /* never nested */
  n->running = 1;
  flush_finalizers(n);
  size_t count = n->pool != NULL ? run_threaded(n) : run_inline(n);
  flush_finalizers(n);
  n->running = 0;
  return count;
}

int bsim__notify_runnable(bsim_manager *mgr) {
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  if (n == NULL) return 0;
  return n->ready_head != NULL || n->dead_head != NULL || n->spawn_head != NULL;
}

int bsim__notify_running(bsim_manager *mgr) {
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  return n != NULL && n->in_flight > n->held;
}

int bsim__notify_in_flight(bsim_manager *mgr) {
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  if (n == NULL) return 0;
  /* THREADED: queued work is about to be taken by a worker, and a user at
   * its limit has callbacks running: either way time must not jump. */
  return n->in_flight > n->held || (n->pool != NULL && n->queued_jobs > 0);
}

/* ---- the dispatcher itself ----------------------------------------------*/

bsim_hr bsim__notify_new(bsim_manager *mgr, struct bsim__notify **out) {
  struct bsim__notify *n = bsim__calloc(1, sizeof(*n));
  if (n == NULL) return BSIM_E_OUTOFMEMORY;
  n->mgr = mgr;
  n->in_flight_per_user = BSIM_DEFAULT_NOTIFY_IN_FLIGHT_PER_USER;
  n->renotify_interval_ms = 60000u;
  n->delivery = BSIM_DELIVERY_INLINE;
  n->delivery_threads = 4;
  *out = n;
  return BSIM_S_OK;
}

bsim_hr bsim__notify_configure(struct bsim__notify *n,
                               const struct bsim_manager_options *opts) {
  if (opts->notify_in_flight_per_user == 0 || opts->renotify_interval_ms == 0 ||
      (unsigned)opts->delivery >= BSIM_DELIVERY_MODE_COUNT ||
      (opts->delivery == BSIM_DELIVERY_THREADED &&
       (opts->delivery_threads == 0 || opts->delivery_threads > 1024)))
    return BSIM_E_INVALIDARG;
  n->in_flight_per_user = opts->notify_in_flight_per_user;
  n->renotify_interval_ms = opts->renotify_interval_ms;
  n->delivery = opts->delivery;
  n->delivery_threads = opts->delivery_threads;
  n->cmdline_record = opts->notify_cmdline_record;
  if (n->delivery == BSIM_DELIVERY_THREADED && n->pool == NULL)
    return bsim__notify_pool_new(n, n->delivery_threads, &n->pool);
  return BSIM_S_OK;
}

/* Detach a job's state at manager teardown: the job object may outlive the
 * manager, and then has no notifications. */
static void detach(struct bsim__notify *n, struct bsim__job_notify *jn) {
  fifo_remove(n, jn);
  bsim__timer_stop(n->mgr, &jn->retry_timer);
  bsim__notify_cmdline_clear(jn);
  bsim__notify_reg_release(n, jn->reg);
  *bsim__job_notify_slot(jn->job) = NULL;
  bsim__free(jn->files);
  bsim__free(jn);
}

/* Slots still held in virtual time are given back at teardown. */
void bsim__notify_release_held(bsim_manager *mgr) {
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  if (n == NULL) return;
  for (struct bsim__job_notify *jn = n->all_head; jn != NULL && n->held > 0;) {
    struct bsim__job_notify *next = jn->all_next;
    if (bsim__timer_armed(&jn->hold_timer)) {
      bsim__timer_stop(n->mgr, &jn->hold_timer);
      n->held--;
      bsim__notify_finish(n, &jn->work); /* may free jn */
    }
    jn = next;
  }
}

void bsim__notify_free(struct bsim__notify *n) {
  if (n == NULL) return;
  BSIM_ASSERT(n->held == 0);      /* bsim__notify_release_held ran first */
  BSIM_ASSERT(n->in_flight == 0); /* the manager refuses to die before */
  while (n->all_head != NULL) {
    struct bsim__job_notify *jn = n->all_head;
    n->all_head = jn->all_next;
    detach(n, jn);
  }
  struct bsim__notify_reg *dead = bsim__notify_take_dead(n);
  if (n->pool != NULL || dead != NULL) {
    /* bsim_manager_free holds the engine lock. Release it: a kicked worker
     * may be waiting for it (it finds nothing to do) while the workers
     * stop, and finalizers never run with the lock held. */
    bsim__unlock(n->mgr);
    bsim__notify_pool_free(n->pool);
    bsim__notify_run_finalizers(dead);
    bsim__lock(n->mgr);
    n->pool = NULL;
    bsim__notify_run_finalizers(bsim__notify_take_dead(n));
  }
  for (size_t i = 0; i < n->user_cap; i++) {
    if (n->user_slots[i] == NULL) continue;
    bsim__free(n->user_slots[i]->name);
    bsim__free(n->user_slots[i]);
  }
  bsim__free(n->user_slots);
  bsim__notify_runs_free(n);
  bsim__free(n);
}
