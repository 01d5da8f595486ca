/* bitsim — the scheduler: which jobs transfer, and the handling of what
 * transports report (reference §4.1, §4.2, §5, §10, §12).
 *
 * Rules (reference §5):
 * - every FOREGROUND job runs at once, beside exactly one background job;
 * - background jobs go by priority HIGH > NORMAL > LOW; a higher-priority
 *   job preempts a running lower one (at once by default; the option
 *   preempt_at_slice_end makes it wait for the end of the slice, §15);
 * - equal priorities share the slot in time slices of time_slice_ms
 *   (unconfirmed length, default 10 min): when a slice ends and another job
 *   of the same (or a higher) priority waits, the running job goes back to
 *   QUEUED (tail of its queue) and must reconnect when its turn comes; if
 *   nobody waits it keeps the slot and a new slice starts;
 * - a job runs only while its owner is logged on (§12) and the network is
 *   up (§4.2: network loss sends QUEUED and active jobs to TRANSIENT_ERROR
 *   with BG_E_NETWORK_DISCONNECTED);
 * - within a job files go one at a time, in order (§4.1); an error on file
 *   k stops the job there.
 *
 * Nothing here starts a transfer from inside a transport's report: a job
 * that needs its next file goes on the start list, and the next scheduler
 * pass (run by the driver) starts it. Transports are tried in order, the
 * model first (it claims only the hosts it models).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

/* ---- queues ------------------------------------------------------------- */

static void q_push(struct bsim__jobq *q, bsim_job *job, int at_front) {
  job->q_prev = job->q_next = NULL;
  if (q->head == NULL) {
    q->head = q->tail = job;
  } else if (at_front) {
    job->q_next = q->head;
    q->head->q_prev = job;
    q->head = job;
  } else {
    job->q_prev = q->tail;
    q->tail->q_next = job;
    q->tail = job;
  }
}

static void q_remove(struct bsim__jobq *q, bsim_job *job) {
  if (job->q_prev != NULL) {
    job->q_prev->q_next = job->q_next;
  } else {
    q->head = job->q_next;
  }
  if (job->q_next != NULL) {
    job->q_next->q_prev = job->q_prev;
  } else {
    q->tail = job->q_prev;
  }
  job->q_prev = job->q_next = NULL;
}

void bsim__runq_push(bsim_manager *mgr, bsim_job *job, int at_front) {
  BSIM_ASSERT(!job->in_runq && !job->in_starts);
  q_push(&mgr->runq[job->priority], job, at_front);
  job->in_runq = 1;
  bsim__sched_kick(mgr);
}

void bsim__runq_remove(bsim_manager *mgr, bsim_job *job) {
  BSIM_ASSERT(job->in_runq);
  q_remove(&mgr->runq[job->priority], job);
  job->in_runq = 0;
}

static void starts_push(bsim_manager *mgr, bsim_job *job) {
  BSIM_ASSERT(!job->in_runq && !job->in_starts && job->xfer == NULL);
  q_push(&mgr->starts, job, 0);
  job->in_starts = 1;
  bsim__sched_kick(mgr);
}

void bsim__starts_remove(bsim_manager *mgr, bsim_job *job) {
  BSIM_ASSERT(job->in_starts);
  q_remove(&mgr->starts, job);
  job->in_starts = 0;
}

/* ---- transfers ---------------------------------------------------------- */

static void trace_xfer(bsim_job *job, const char *ev, uint32_t index,
                       const char *key, uint64_t value) {
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, job->mgr, ev, job)) return;
  bsim__tr_u64(&tr, "file", index);
  if (key != NULL) bsim__tr_u64(&tr, key, value);
  bsim__tr_end(&tr);
}

const struct bsim__transport *bsim__transport_for(bsim_manager *mgr,
                                                  const char *url) {
  for (uint32_t i = 0; i < mgr->transport_count; i++) {
    const struct bsim__transport *t = &mgr->transports[i];
    if (t->ops->claims(t->ctx, url)) return t;
  }
  return NULL;
}

/* A transfer record and its temporary path share one allocation. Records
 * whose path fits POOL_PATH bytes are recycled through a small pool (a
 * lifecycle then allocates no transfer record); longer ones are
 * allocated to size. */
#define POOL_PATH 200u
#define POOL_MAX 64u

struct bsim__xfer_rec {
  struct bsim__xfer xfer; /* first: the record is found from the xfer */
  struct bsim__xfer_rec *next;
  size_t path_cap;
  char path[];
};

static struct bsim__xfer_rec *rec_get(bsim_manager *mgr, size_t len) {
  struct bsim__xfer_rec *rec = mgr->xfer_pool;
  if (len <= POOL_PATH && rec != NULL) {
    mgr->xfer_pool = rec->next;
    mgr->xfer_pooled--;
    return rec;
  }
  size_t cap = len <= POOL_PATH ? POOL_PATH : len;
  rec = bsim__malloc(sizeof *rec + cap);
  if (rec != NULL) rec->path_cap = cap;
  return rec;
}

static void rec_put(bsim_manager *mgr, struct bsim__xfer_rec *rec) {
  if (rec->path_cap != POOL_PATH || mgr->xfer_pooled >= POOL_MAX) {
    bsim__free(rec);
    return;
  }
  rec->next = mgr->xfer_pool;
  mgr->xfer_pool = rec;
  mgr->xfer_pooled++;
}

void bsim__xfer_pool_free(bsim_manager *mgr) {
  while (mgr->xfer_pool != NULL) {
    struct bsim__xfer_rec *rec = mgr->xfer_pool;
    mgr->xfer_pool = rec->next;
    bsim__free(rec);
  }
  mgr->xfer_pooled = 0;
}

static struct bsim__xfer *xfer_new(bsim_job *job, uint32_t index) {
  char path[BSIM_MAX_PATH_CHARS * 4 + 32];
  bsim__job_temp_path(job, index, path, sizeof path);
  size_t len = strlen(path) + 1;
  struct bsim__xfer_rec *rec = rec_get(job->mgr, len);
  if (rec == NULL) return NULL;
  memcpy(rec->path, path, len);
  struct bsim__xfer *xfer = &rec->xfer;
  const struct bsim__file *f = &job->files[index];
  memset(xfer, 0, sizeof *xfer);
  xfer->mgr = job->mgr;
  xfer->job = job;
  xfer->file_index = index;
  xfer->type = (enum bsim_job_type)job->type;
  xfer->remote_url = f->remote;
  xfer->temp_path = rec->path;
  xfer->local_path = f->local;
  xfer->offset = f->bytes_done;
  xfer->ranges = f->ranges;
  xfer->range_count = f->range_count;
  xfer->validator = f->validator;
  xfer->fs_virtual = bsim__fs_virtual(job->mgr);
  return xfer;
}

static void xfer_release(bsim_job *job, struct bsim__xfer *xfer) {
  BSIM_ASSERT(job->xfer == xfer);
  job->xfer = NULL;
  rec_put(job->mgr, (struct bsim__xfer_rec *)xfer);
  bsim__job_unref(job); /* the transfer's reference; never the last */
}

/* Stop the transfer in flight; the bytes it wrote stay (the resume
 * offset). */
static void xfer_stop_keep(bsim_job *job) {
  struct bsim__xfer *xfer = job->xfer;
  uint64_t kept = xfer->transport->ops->stop(xfer->transport->ctx, xfer);
  job->files[xfer->file_index].bytes_done = kept;
  trace_xfer(job, "xfer_stop", xfer->file_index, "bytes", kept);
  xfer_release(job, xfer);
}

void bsim__sched_stop_xfer(bsim_job *job) {
  if (job->xfer == NULL) return;
  xfer_stop_keep(job);
  /* Still active (e.g. a Complete whose rename failed): start again. */
  if (bsim__fsm_is_active(job->state)) starts_push(job->mgr, job);
}

/* All files are in: CONNECTING passes through TRANSFERRING on its way
 * (the table has one road to TRANSFERRED). */
static void finish_job(bsim_job *job) {
  if (job->state == BSIM_JOB_STATE_CONNECTING) {
    /* An active job has a transfer or a pending start (the TRANSFERRING
     * invariant). A job with nothing left to fetch (a TRANSFERRED job
     * suspended and resumed) has neither, so it passes through
     * TRANSFERRING with its start still pending. */
    int pending = job->in_starts;
    if (!pending && job->xfer == NULL) starts_push(job->mgr, job);
    bsim__fsm_fire(job, BSIM__EV_CONNECTED);
    if (!pending && job->in_starts) bsim__starts_remove(job->mgr, job);
  }
  bsim__fsm_fire(job, BSIM__EV_ALL_DONE);
}

static void start_file(bsim_job *job) {
  bsim_manager *mgr = job->mgr;
  bsim__starts_remove(mgr, job);
  uint32_t index = bsim__job_first_pending(job);
  job->cur_file = index;
  if (index == job->file_count) {
    finish_job(job);
    return;
  }
  struct bsim__file *f = &job->files[index];
  const struct bsim__transport *t = bsim__transport_for(mgr, f->remote);
  if (t == NULL) {
    /* No transport serves the URL (e.g. the curl transport is not
     * registered): the remote cannot be reached at all. */
    bsim__sched_fail(job, BSIM__XFER_FATAL, BSIM_E_CONNECT_FAILURE,
                     BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT, (int32_t)index, 0);
    return;
  }
  if (job->type == BSIM_JOB_TYPE_DOWNLOAD && !f->temp_made &&
      !bsim__fs_virtual(mgr)) {
    char path[BSIM_MAX_PATH_CHARS * 4 + 32];
    bsim__job_temp_path(job, index, path, sizeof path);
    bsim_hr hr = bsim__fs_create(mgr, path);
    if (BSIM_FAILED(hr)) {
      bsim__sched_fail(job, BSIM__XFER_FATAL, hr, BSIM_ERROR_CONTEXT_LOCAL_FILE,
                       (int32_t)index, 0);
      return;
    }
    f->temp_made = 1;
  }
  struct bsim__xfer *xfer = xfer_new(job, index);
  if (xfer == NULL) {
    bsim__sched_fail(job, BSIM__XFER_TRANSIENT, BSIM_E_OUTOFMEMORY,
                     BSIM_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, (int32_t)index,
                     0);
    return;
  }
  xfer->transport = t;
  bsim__job_ref(job);
  job->xfer = xfer;
  trace_xfer(job, "xfer_start", index, "offset", xfer->offset);
  bsim_hr hr = t->ops->start(t->ctx, xfer);
  if (BSIM_FAILED(hr)) {
    xfer_release(job, xfer);
    bsim__sched_fail(job, BSIM__XFER_TRANSIENT, hr,
                     BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT, (int32_t)index, 0);
  }
}

/* ---- slots -------------------------------------------------------------- */

void bsim__sched_on_active(bsim_job *job, int active) {
  bsim_manager *mgr = job->mgr;
  uint64_t now = bsim__now_ms(mgr);
  if (active) {
    BSIM_ASSERT(job->slot == SLOT_NONE);
    if (job->priority == BSIM_JOB_PRIORITY_FOREGROUND) {
      job->slot = SLOT_FG;
      mgr->fg_active++;
    } else {
      BSIM_ASSERT(mgr->bg_active == NULL);
      job->slot = SLOT_BG;
      mgr->bg_active = job;
      bsim__timer_start(mgr, &mgr->slice, now + mgr->opts.time_slice_ms);
    }
    job->active_since_ms = now;
    starts_push(mgr, job);
    return;
  }
  if (job->xfer != NULL) xfer_stop_keep(job);
  if (job->in_starts) bsim__starts_remove(mgr, job);
  if (job->slot == SLOT_BG) {
    mgr->bg_active = NULL;
    bsim__timer_stop(mgr, &mgr->slice);
  } else {
    BSIM_ASSERT(job->slot == SLOT_FG && mgr->fg_active > 0);
    mgr->fg_active--;
  }
  job->slot = SLOT_NONE;
  job->active_acc_ms += now - job->active_since_ms;
  bsim__sched_kick(mgr);
}

/* ---- failures (reference §4.2, §5, §1.4 ErrorCount) --------------------- */

void bsim__sched_fail(bsim_job *job, enum bsim__xfer_outcome outcome,
                      bsim_hr hr, enum bsim_error_context ctx,
                      int32_t file_index, int http_status) {
  BSIM_ASSERT(bsim__fsm_is_active(job->state));
  bsim__job_set_error(job, hr, ctx, file_index, http_status);
  job->error_count++; /* every failed attempt counts (reference §1.4) */
  if (outcome == BSIM__XFER_TRANSIENT) {
    /* Reference §5: NoProgressTimeout 0 makes every error fatal, and a
     * retry delay longer than the no-progress timeout means no retry. */
    if (job->no_progress_timeout_s == 0 ||
        job->min_retry_delay_s > job->no_progress_timeout_s) {
      outcome = BSIM__XFER_FATAL;
    }
  }
  bsim__fsm_fire(job, outcome == BSIM__XFER_TRANSIENT ? BSIM__EV_FAIL_TRANSIENT
                                                      : BSIM__EV_FAIL_FATAL);
}

/* Network down: the job waits in TRANSIENT_ERROR, not timer-retried and
 * not counted as an error (reference §1.4, §4.2). */
static void network_lost(bsim_job *job) {
  bsim__job_set_error(job, BSIM_E_NETWORK_DISCONNECTED,
                      BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT, -1, 0);
  bsim__fsm_fire(job, BSIM__EV_NETWORK_LOST);
}

void bsim__sched_network(bsim_manager *mgr, int up) {
  if (!up) {
    /* Active jobs first; queued ones follow in the next pass. */
    for (bsim_job *j = mgr->lru_head; j != NULL;) {
      bsim_job *next = j->lru_next;
      if (bsim__fsm_is_active(j->state)) network_lost(j);
      j = next;
    }
    bsim__sched_kick(mgr);
    return;
  }
  /* Reference §4.2: every TRANSIENT_ERROR job, whatever its error, is
   * queued again when the network comes back. */
  for (bsim_job *j = mgr->lru_head; j != NULL;) {
    bsim_job *next = j->lru_next;
    if (j->state == BSIM_JOB_STATE_TRANSIENT_ERROR) {
      bsim__fsm_fire(j, BSIM__EV_NETWORK_BACK);
    }
    j = next;
  }
}

void bsim__sched_owner_logoff(bsim_manager *mgr, struct bsim__user *user) {
  for (bsim_job *j = mgr->lru_head; j != NULL;) {
    bsim_job *next = j->lru_next;
    if (j->owner == user && bsim__fsm_is_active(j->state)) {
      bsim__fsm_fire(j, BSIM__EV_OWNER_LOGOFF);
    }
    j = next;
  }
}

/* ---- the pass ----------------------------------------------------------- */

static int eligible(const bsim_job *job) {
  return job->owner->logged_on;
}

/* The first eligible job of the best background priority, or NULL. */
static bsim_job *best_background(bsim_manager *mgr) {
  for (int p = BSIM_JOB_PRIORITY_HIGH; p < BSIM_JOB_PRIORITY_COUNT; p++) {
    for (bsim_job *j = mgr->runq[p].head; j != NULL; j = j->q_next) {
      if (eligible(j)) return j;
    }
  }
  return NULL;
}

static int gate_network(bsim_manager *mgr) {
  int did = 0;
  for (int p = 0; p < BSIM_JOB_PRIORITY_COUNT; p++) {
    while (mgr->runq[p].head != NULL) {
      network_lost(mgr->runq[p].head);
      did = 1;
    }
  }
  return did;
}

static int start_jobs(bsim_manager *mgr) {
  int did = 0;
  for (bsim_job *j = mgr->runq[BSIM_JOB_PRIORITY_FOREGROUND].head; j != NULL;) {
    bsim_job *next = j->q_next;
    if (eligible(j)) {
      bsim__fsm_fire(j, BSIM__EV_START);
      did = 1;
    }
    j = next;
  }
  bsim_job *cand = best_background(mgr);
  if (cand == NULL) return did;
  bsim_job *bg = mgr->bg_active;
  if (bg != NULL && cand->priority < bg->priority &&
      !mgr->opts.preempt_at_slice_end) {
    bsim__fsm_fire(bg, BSIM__EV_PREEMPT); /* reference §5 */
    bg = NULL;
  }
  if (bg == NULL) {
    bsim__fsm_fire(cand, BSIM__EV_START);
    did = 1;
  }
  return did;
}

int bsim__sched_pass(bsim_manager *mgr) {
  if (!mgr->sched_dirty) return 0;
  mgr->sched_dirty = 0;
  int did = 0;
  if (!mgr->network_up) {
    did |= gate_network(mgr);
  } else {
    did |= start_jobs(mgr);
  }
  while (mgr->starts.head != NULL) {
    start_file(mgr->starts.head);
    did = 1;
  }
  return did;
}

void bsim__sched_slice_cb(bsim_manager *mgr, struct bsim__timer *timer) {
  (void)timer;
  bsim_job *bg = mgr->bg_active;
  BSIM_ASSERT(bg != NULL);
  bsim_job *cand = best_background(mgr);
  if (cand != NULL && cand->priority <= bg->priority) {
    struct bsim__tr tr;
    if (BSIM__TR_BEGIN(&tr, mgr, "timer", bg)) {
      bsim__tr_str(&tr, "timer", "slice");
      bsim__tr_end(&tr);
    }
    bsim__fsm_fire(bg, BSIM__EV_SLICE_END);
    return;
  }
  /* Nobody waits: keep the slot for another slice. */
  bsim__timer_start(mgr, &mgr->slice,
                    bsim__now_ms(mgr) + mgr->opts.time_slice_ms);
}

/* ---- reports from transports (sim/internal.h) --------------------------- */

static bsim_job *report_job(struct bsim__xfer *xfer) {
  bsim_job *job = xfer->job;
  BSIM_ASSERT(job != NULL && job->xfer == xfer);
  BSIM_ASSERT(bsim__fsm_is_active(job->state));
  return job;
}

void bsim__xfer_connected(struct bsim__xfer *xfer, uint64_t bytes_total,
                          int from_peer) {
  bsim_job *job = report_job(xfer);
  struct bsim__file *f = &job->files[xfer->file_index];
  f->bytes_total = bytes_total;
  f->from_peer = from_peer != 0;
  trace_xfer(job, "xfer_connected", xfer->file_index, "bytes_total",
             bytes_total);
  if (job->state == BSIM_JOB_STATE_CONNECTING) {
    bsim__fsm_fire(job, BSIM__EV_CONNECTED);
  }
}

void bsim__xfer_validator(struct bsim__xfer *xfer, const char *validator) {
  bsim_job *job = report_job(xfer);
  struct bsim__file *f = &job->files[xfer->file_index];
  if (validator == NULL
          ? f->validator == NULL
          : f->validator != NULL && strcmp(f->validator, validator) == 0) {
    return;
  }
  char *copy = NULL;
  if (validator != NULL && (copy = bsim__strdup(validator)) == NULL) return;
  bsim__free(f->validator);
  f->validator = copy; /* a failed copy keeps the old one: no worse */
  xfer->validator = copy;
  bsim__store_job_changed(job);
}

void bsim__xfer_progress(struct bsim__xfer *xfer, uint64_t bytes_done) {
  bsim_job *job = report_job(xfer);
  if (job->state == BSIM_JOB_STATE_CONNECTING) {
    bsim__fsm_fire(job, BSIM__EV_CONNECTED); /* data implies a connection */
  }
  struct bsim__file *f = &job->files[xfer->file_index];
  uint64_t before = f->bytes_done;
  f->bytes_done = bytes_done; /* may go back: a restart without Range */
  bsim__valid_on_progress(f, before, bytes_done);
  if (bytes_done > before) {
    /* Bytes moved: the no-progress clock stops (reference §4.4) and the
     * inactivity clock restarts. */
    job->noprog_since_ms = UINT64_MAX;
    bsim__job_touch(job);
    bsim__notify_modified(job);
  }
  trace_xfer(job, "progress", xfer->file_index, "bytes", bytes_done);
}

/* ALLOW_REPORT (reference §2.7, §10): the stored remote name becomes the
 * URL the redirect led to. The name shares one block with the local name,
 * so both move to a new block; the transfer's borrowed pointers follow. */
bsim_hr bsim__xfer_redirected(struct bsim__xfer *xfer, const char *final_url) {
  bsim_job *job = report_job(xfer);
  size_t rlen = final_url != NULL ? strlen(final_url) : 0;
  if (rlen == 0 || rlen > BSIM_MAX_URL_CHARS) return BSIM_E_INVALIDARG;
  struct bsim__file *f = &job->files[xfer->file_index];
  if (strcmp(f->remote, final_url) == 0) return BSIM_S_OK;
  size_t llen = strlen(f->local) + 1;
  char *block = bsim__malloc(rlen + 1 + llen);
  if (block == NULL) return BSIM_E_OUTOFMEMORY;
  memcpy(block, final_url, rlen + 1);
  memcpy(block + rlen + 1, f->local, llen);
  bsim__free(f->remote);
  f->remote = block;
  f->local = block + rlen + 1;
  xfer->remote_url = f->remote;
  xfer->local_path = f->local;
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, job->mgr, "xfer_redirected", job)) {
    bsim__tr_u64(&tr, "file", xfer->file_index);
    bsim__tr_str(&tr, "url", final_url);
    bsim__tr_end(&tr);
  }
  bsim__job_touch(job); /* the store keeps the new name */
  bsim__notify_modified(job);
  return BSIM_S_OK;
}

static void file_done(bsim_job *job, uint32_t index) {
  struct bsim__file *f = &job->files[index];
  f->transferred = 1;
  if (f->bytes_total == BSIM_SIZE_UNKNOWN) f->bytes_total = f->bytes_done;
  job->noprog_since_ms = UINT64_MAX;
  bsim__job_touch(job);
  bsim__notify_file_transferred(job, index);
  if (bsim__job_first_pending(job) == job->file_count) {
    finish_job(job);
  } else {
    starts_push(job->mgr, job);
  }
}

void bsim__xfer_done(struct bsim__xfer *xfer,
                     const struct bsim__xfer_result *result) {
  bsim_job *job = report_job(xfer);
  uint32_t index = xfer->file_index;
  BSIM_ASSERT((unsigned)result->outcome < BSIM__XFER_OUTCOME_COUNT);
  /* Keep the job alive past the release of the transfer's reference. */
  bsim__job_ref(job);
  xfer_release(job, xfer);
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, job->mgr, "xfer_done", job)) {
    bsim__tr_u64(&tr, "file", index);
    bsim__tr_u64(&tr, "outcome", (uint64_t)result->outcome);
    bsim__tr_hr(&tr, "hr", result->hr);
    if (result->http_status != 0) {
      bsim__tr_u64(&tr, "http", (uint64_t)result->http_status);
    }
    bsim__tr_end(&tr);
  }
  if (result->outcome == BSIM__XFER_OK) {
    if (job->state == BSIM_JOB_STATE_CONNECTING) {
      bsim__fsm_fire(job, BSIM__EV_CONNECTED);
    }
    file_done(job, index);
  } else {
    bsim__sched_fail(job, result->outcome, result->hr, result->context,
                     (int32_t)index, result->http_status);
  }
  bsim__job_unref(job);
}
