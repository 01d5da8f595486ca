/* bitsim — job objects: creation, lookup, enumeration, references, the
 * getters and setters of the public job API (reference §1.3, §1.4, §4.3,
 * §12), the job's one timer, and retirement into a final state.
 *
 * The life-cycle methods (AddFile, Resume, Suspend, Cancel, Complete) are in
 * job_life.c. Every public call takes the engine lock, checks its
 * arguments, asks the transition table whether the call is legal in the
 * job's state (bsim__fsm_next), and traces itself with its result.
 *
 * A detached job (its manager was freed while the caller held a reference)
 * keeps answering getters from its own memory and BG_E_INVALID_STATE to
 * everything else.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

/* ---- helpers ------------------------------------------------------------ */

void bsim__trace_api(bsim_manager *mgr, const char *call, const bsim_job *job,
                     bsim_hr hr) {
  struct bsim__tr tr;
  if (mgr == NULL || !BSIM__TR_BEGIN(&tr, mgr, "api", job)) return;
  bsim__tr_str(&tr, "call", call);
  bsim__tr_hr(&tr, "hr", hr);
  bsim__tr_end(&tr);
}

bsim_manager *bsim__job_lock(bsim_job *job) {
  bsim_manager *mgr = job->mgr;
  if (mgr != NULL) bsim__lock(mgr);
  return mgr;
}

bsim_hr bsim__job_unlock(bsim_manager *mgr, const char *call,
                         const bsim_job *job, bsim_hr hr) {
  if (mgr != NULL) {
    /* Committed before the caller sees the result (docs/store.md). */
    bsim_hr stored = bsim__store_flush(mgr);
    if (BSIM_SUCCEEDED(hr) && BSIM_FAILED(stored)) hr = stored;
    bsim__trace_api(mgr, call, job, hr);
    bsim__unlock(mgr);
  }
  return hr;
}

/* The legality check shared by the setters: detached or final jobs answer
 * BG_E_INVALID_STATE (reference §4.3). */
static bsim_hr check_event(const bsim_job *job, enum bsim__fsm_event ev) {
  if (job->mgr == NULL) return BSIM_E_INVALID_STATE;
  int to = bsim__fsm_next((enum bsim_job_state)job->state, ev);
  if (to == BSIM__FSM_ILLEGAL) return bsim__fsm_illegal_hr(ev);
  return BSIM_S_OK;
}

void bsim__job_touch(bsim_job *job) {
  bsim_manager *mgr = job->mgr;
  uint64_t now = bsim__now_ms(mgr);
  job->modified_unix_ms = bsim__wall_unix_ms(mgr);
  if (job->retired) return;
  bsim__store_job_changed(job);
  job->last_activity_ms = now;
  if (mgr->lru_tail == job) return;
  /* Move to the tail: the list stays ordered by last activity. */
  if (job->lru_prev != NULL) {
    job->lru_prev->lru_next = job->lru_next;
  } else {
    mgr->lru_head = job->lru_next;
  }
  job->lru_next->lru_prev = job->lru_prev;
  job->lru_prev = mgr->lru_tail;
  job->lru_next = NULL;
  mgr->lru_tail->lru_next = job;
  mgr->lru_tail = job;
}

void bsim__job_set_error(bsim_job *job, bsim_hr hr, enum bsim_error_context ctx,
                         int32_t file_index, int http_status) {
  job->has_error = 1;
  job->net_error = hr == BSIM_E_NETWORK_DISCONNECTED;
  job->error.context = ctx;
  job->error.code = hr;
  job->error.file_index = file_index;
  job->error.http_status = http_status;
  job->error.protocol = NULL;
  if (file_index >= 0 && (uint32_t)file_index < job->file_count) {
    const char *url = job->files[file_index].remote;
    if (strncmp(url, "https://", 8) == 0) {
      job->error.protocol = "https";
    } else if (strncmp(url, "http://", 7) == 0) {
      job->error.protocol = "http";
    } else {
      job->error.protocol = "file";
    }
  }
}

uint32_t bsim__job_first_pending(const bsim_job *job) {
  uint32_t i = 0;
  while (i < job->file_count && job->files[i].transferred)
    i++;
  return i;
}

void bsim__job_temp_path(const bsim_job *job, uint32_t index, char *buf,
                         size_t cap) {
  const struct bsim__file *f = &job->files[index];
  const char *slash = strrchr(f->local, '/');
  size_t dir_len = (size_t)(slash - f->local);
  /* dir + "/BIT" + 8 hex + ".tmp" + NUL; formatted by hand (once per
   * transfer). */
  BSIM_ASSERT(dir_len + 17 <= cap);
  memcpy(buf, f->local, dir_len);
  char *p = buf + dir_len;
  memcpy(p, "/BIT", 4);
  p = bsim__hex8(p + 4, f->temp_id);
  memcpy(p, ".tmp", 5);
}

/* ---- the job's one timer ------------------------------------------------ */

static bsim_job *job_of_timer(struct bsim__timer *timer) {
  return (bsim_job *)(void *)((char *)timer - offsetof(bsim_job, timer));
}

static uint64_t noprog_deadline(const bsim_job *job) {
  if (job->noprog_since_ms == UINT64_MAX) return UINT64_MAX;
  return job->noprog_since_ms + bsim__ms_from_s(job->no_progress_timeout_s);
}

static void trace_timer(bsim_job *job, const char *which) {
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, job->mgr, "timer", job)) return;
  bsim__tr_str(&tr, "timer", which);
  bsim__tr_end(&tr);
}

/* TRANSIENT_ERROR: the no-progress deadline wins over the retry (reference
 * §4.2); active: MaximumDownloadTime ran out (§5). */
static void job_timer_cb(bsim_manager *mgr, struct bsim__timer *timer) {
  bsim_job *job = job_of_timer(timer);
  uint64_t now = bsim__now_ms(mgr);
  if (job->state == BSIM_JOB_STATE_TRANSIENT_ERROR) {
    if (now >= noprog_deadline(job)) {
      trace_timer(job, "no_progress");
      if (mgr->opts.no_progress_error_is_no_progress || !job->has_error) {
        bsim__job_set_error(job, BSIM_E_NO_PROGRESS,
                            BSIM_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, -1, 0);
      }
      job->net_error = 0;
      bsim__fsm_fire(job, BSIM__EV_NO_PROGRESS_EXPIRED);
    } else {
      trace_timer(job, "retry");
      bsim__fsm_fire(job, BSIM__EV_RETRY_DUE);
    }
    return;
  }
  BSIM_ASSERT(bsim__fsm_is_active(job->state));
  trace_timer(job, "max_download");
  bsim__job_set_error(job, BSIM_E_MAXDOWNLOAD_TIMEOUT,
                      BSIM_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, -1, 0);
  job->error_count++;
  bsim__fsm_fire(job, BSIM__EV_MAX_DOWNLOAD_EXPIRED);
}

void bsim__job_rearm(bsim_job *job) {
  bsim_manager *mgr = job->mgr;
  uint64_t deadline = UINT64_MAX;
  if (job->state == BSIM_JOB_STATE_TRANSIENT_ERROR) {
    if (!job->net_error) {
      deadline = job->te_since_ms + bsim__ms_from_s(job->min_retry_delay_s);
    }
    uint64_t np = noprog_deadline(job);
    if (np < deadline) deadline = np;
  } else if (bsim__fsm_is_active(job->state) && job->max_download_time_s) {
    uint64_t max_ms = bsim__ms_from_s(job->max_download_time_s);
    uint64_t left =
        job->active_acc_ms >= max_ms ? 0 : max_ms - job->active_acc_ms;
    deadline = job->active_since_ms + left;
  }
  if (deadline == UINT64_MAX) {
    bsim__timer_stop(mgr, &job->timer);
  } else if (!bsim__timer_armed(&job->timer) ||
             job->timer.deadline_ms != deadline) {
    bsim__timer_start(mgr, &job->timer, deadline);
  }
}

/* ---- creation ----------------------------------------------------------- */

/* Timers other than the jobs' own: the inactivity and slice timers, the
 * transports' (a few per transfer in flight) and the dispatcher's. */
#define HEAP_SLACK 4096u

static bsim_hr check_create(bsim_manager *mgr, struct bsim__user *user,
                            const char *display_name, enum bsim_job_type type) {
  if (user == NULL) return BSIM_E_ACCESSDENIED;
  int64_t chars = bsim__utf8_chars(display_name);
  /* Reference §1.3: non-NULL, at most 256 characters, else E_INVALIDARG. */
  if (chars < 0 || chars > BSIM_MAX_DISPLAY_NAME_CHARS) {
    return BSIM_E_INVALIDARG;
  }
  if ((unsigned)type >= BSIM_JOB_TYPE_COUNT) return BSIM_E_INVALIDARG;
  /* Reference §12: quotas apply to everyone but administrators. */
  if (!user->is_admin) {
    if (user->jobs >= mgr->opts.max_jobs_per_user) {
      return BSIM_E_TOO_MANY_JOBS_PER_USER;
    }
    if (mgr->jobs >= mgr->opts.max_jobs_per_machine) {
      return BSIM_E_TOO_MANY_JOBS_PER_MACHINE;
    }
  }
  if (mgr->jobs >= mgr->opts.max_jobs_total) return BSIM_E_OUTOFMEMORY;
  return BSIM_S_OK;
}

static void job_defaults(bsim_manager *mgr, bsim_job *job,
                         enum bsim_job_type type) {
  /* Reference §0, §4.2 (wine-test values). */
  job->mgr = mgr;
  atomic_init(&job->refs, 2); /* the manager's and the caller's */
  job->state = BSIM_JOB_STATE_SUSPENDED;
  job->type = (uint8_t)type;
  job->priority = BSIM_JOB_PRIORITY_NORMAL;
  job->proxy_usage = BSIM_PROXY_USAGE_PRECONFIG;
  job->notify_flags = BSIM_NOTIFY_DEFAULT;
  job->min_retry_delay_s = BSIM_DEFAULT_MIN_RETRY_DELAY_S;
  job->no_progress_timeout_s = BSIM_DEFAULT_NO_PROGRESS_TIMEOUT_S;
  job->max_download_time_s = mgr->opts.max_download_time_s;
  job->error.file_index = -1;
  job->noprog_since_ms = UINT64_MAX;
  bsim__timer_init(&job->timer, job_timer_cb);
  job->created_unix_ms = bsim__wall_unix_ms(mgr);
  job->modified_unix_ms = job->created_unix_ms;
  job->create_seq = ++mgr->create_seq;
  bsim__guid_generate(&mgr->prng, &job->id);
  /* GUIDs are random; a collision with a live job is astronomically
   * unlikely but would corrupt the index, so draw again. */
  while (bsim__index_find(mgr, &job->id) != NULL) {
    bsim__guid_generate(&mgr->prng, &job->id);
  }
  bsim_guid_format(&job->id, job->id_text);
}

static void job_link(bsim_manager *mgr, bsim_job *job,
                     struct bsim__user *user) {
  job->owner = user;
  user->refs++;
  user->jobs++;
  bsim__index_insert(mgr, job);
  job->last_activity_ms = bsim__now_ms(mgr);
  job->lru_prev = mgr->lru_tail;
  if (mgr->lru_tail != NULL) {
    mgr->lru_tail->lru_next = job;
  } else {
    mgr->lru_head = job;
  }
  mgr->lru_tail = job;
  if (!bsim__timer_armed(&mgr->inactivity)) bsim__manager_arm_inactivity(mgr);
}

static char *inline_name(bsim_job *job) {
  return (char *)(job + 1);
}

static bsim_hr create_locked(bsim_manager *mgr, const char *user_name,
                             const char *display_name, enum bsim_job_type type,
                             bsim_job **out) {
  struct bsim__user *user = bsim__user_find(mgr, user_name);
  bsim_hr hr = check_create(mgr, user, display_name, type);
  if (BSIM_FAILED(hr)) return hr;
  /* Room for the job in the index and for two timers per job in the heap
   * (its own and the dispatcher's per-job retry) plus slack for the
   * transports' timers, so arming a timer later cannot fail. */
  if (BSIM_FAILED(bsim__index_reserve(mgr, mgr->jobs + 1)) ||
      BSIM_FAILED(bsim__timer_reserve(mgr, 2 * (mgr->jobs + 1) + HEAP_SLACK))) {
    return BSIM_E_OUTOFMEMORY;
  }
  /* The display name lives in the job's own block (one allocation per
   * job); a later SetDisplayName allocates its own copy. */
  size_t name_len = strlen(display_name) + 1;
  bsim_job *job = bsim__calloc(1, sizeof *job + name_len);
  if (job == NULL) return BSIM_E_OUTOFMEMORY;
  job_defaults(mgr, job, type);
  job->display_name = inline_name(job);
  memcpy(job->display_name, display_name, name_len);
  job_link(mgr, job, user);
  bsim__job_check(job);
  *out = job;
  return BSIM_S_OK;
}

/* CreateJob names the job and its owner in the trace, so that the
 * narration and the pictures can say "job 1 'nightly update'". */
static void trace_create(bsim_manager *mgr, const bsim_job *job,
                         const char *user, const char *name,
                         enum bsim_job_type type, bsim_hr hr) {
  static const char *const types[] = {"download", "upload", "upload-reply"};
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, mgr, "api", job)) return;
  bsim__tr_str(&tr, "call", "create");
  bsim__tr_str(&tr, "name", name);
  bsim__tr_str(&tr, "user", user);
  if ((unsigned)type < 3) bsim__tr_str(&tr, "type", types[type]);
  bsim__tr_hr(&tr, "hr", hr);
  bsim__tr_end(&tr);
}

bsim_job *bsim__job_restore_new(bsim_manager *mgr, struct bsim__user *user,
                                const char *display_name,
                                enum bsim_job_type type, const bsim_guid *id) {
  if (BSIM_FAILED(bsim__index_reserve(mgr, mgr->jobs + 1)) ||
      BSIM_FAILED(bsim__timer_reserve(mgr, 2 * (mgr->jobs + 1) + HEAP_SLACK))) {
    return NULL;
  }
  size_t name_len = strlen(display_name) + 1;
  bsim_job *job = bsim__calloc(1, sizeof *job + name_len);
  if (job == NULL) return NULL;
  job_defaults(mgr, job, type);
  atomic_store(&job->refs, 1); /* the manager's only */
  job->id = *id;
  bsim_guid_format(&job->id, job->id_text);
  job->display_name = inline_name(job);
  memcpy(job->display_name, display_name, name_len);
  job_link(mgr, job, user);
  return job;
}

bsim_hr bsim_job_create(bsim_manager *mgr, const char *user,
                        const char *display_name, enum bsim_job_type type,
                        bsim_guid *id_out, bsim_job **job_out) {
  if (mgr == NULL || job_out == NULL) return BSIM_E_INVALIDARG;
  *job_out = NULL;
  if (user == NULL || display_name == NULL) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  bsim_job *job = NULL;
  bsim_hr hr = create_locked(mgr, user, display_name, type, &job);
  if (BSIM_SUCCEEDED(hr)) {
    bsim__store_job_changed(job);
    hr = bsim__store_flush(mgr);
  }
  if (BSIM_FAILED(hr) && job != NULL) {
    /* Not durable: the job never existed (reference §13). */
    bsim__fsm_fire(job, BSIM__EV_CANCEL);
    bsim__job_unref(job);
    job = NULL;
  }
  if (BSIM_SUCCEEDED(hr)) {
    if (id_out != NULL) *id_out = job->id;
    *job_out = job;
  }
  trace_create(mgr, job, user, display_name, type, hr);
  bsim__unlock(mgr);
  return hr;
}

/* ---- lookup and enumeration (reference §1.3) ---------------------------- */

bsim_hr bsim_manager_get_job(bsim_manager *mgr, const char *user,
                             const bsim_guid *id, bsim_job **job_out) {
  if (mgr == NULL || job_out == NULL) return BSIM_E_INVALIDARG;
  *job_out = NULL;
  if (user == NULL || id == NULL) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  struct bsim__user *u = bsim__user_find(mgr, user);
  bsim_job *job = u != NULL ? bsim__index_find(mgr, id) : NULL;
  bsim_hr hr = BSIM_S_OK;
  if (u == NULL) {
    hr = BSIM_E_ACCESSDENIED;
  } else if (job == NULL) {
    hr = BSIM_E_NOT_FOUND;
  } else if (job->owner != u && !u->is_admin) {
    hr = BSIM_E_ACCESSDENIED;
  } else {
    bsim__job_ref(job);
    *job_out = job;
  }
  bsim__trace_api(mgr, "get_job", job, hr);
  bsim__unlock(mgr);
  return hr;
}

static int by_creation(const void *a, const void *b) {
  const bsim_job *x = *(bsim_job *const *)a;
  const bsim_job *y = *(bsim_job *const *)b;
  return x->create_seq < y->create_seq ? -1 : x->create_seq > y->create_seq;
}

static bsim_hr enum_locked(bsim_manager *mgr, struct bsim__user *u,
                           uint32_t flags, bsim_job ***jobs_out,
                           size_t *count_out) {
  int all = (flags & BSIM_JOB_ENUM_ALL_USERS) != 0;
  size_t n = 0;
  for (bsim_job *j = mgr->lru_head; j != NULL; j = j->lru_next) {
    if (all || j->owner == u) n++;
  }
  bsim_job **jobs = NULL;
  if (n != 0) {
    jobs = bsim__malloc(n * sizeof *jobs);
    if (jobs == NULL) return BSIM_E_OUTOFMEMORY;
  }
  /* A snapshot (reference §15: recommended), in creation order so that
   * output and traces are reproducible. */
  size_t k = 0;
  for (bsim_job *j = mgr->lru_head; j != NULL; j = j->lru_next) {
    if (all || j->owner == u) jobs[k++] = j;
  }
  if (n > 1) qsort(jobs, n, sizeof *jobs, by_creation);
  for (size_t i = 0; i < n; i++)
    bsim__job_ref(jobs[i]);
  *jobs_out = jobs;
  *count_out = n;
  return BSIM_S_OK;
}

bsim_hr bsim_manager_enum_jobs(bsim_manager *mgr, const char *user,
                               uint32_t flags, bsim_job ***jobs_out,
                               size_t *count_out) {
  if (mgr == NULL || jobs_out == NULL || count_out == NULL) {
    return BSIM_E_INVALIDARG;
  }
  *jobs_out = NULL;
  *count_out = 0;
  if (user == NULL || (flags & ~BSIM_JOB_ENUM_ALL_USERS) != 0) {
    return BSIM_E_INVALIDARG;
  }
  bsim__lock(mgr);
  struct bsim__user *u = bsim__user_find(mgr, user);
  bsim_hr hr;
  if (u == NULL || ((flags & BSIM_JOB_ENUM_ALL_USERS) && !u->is_admin)) {
    hr = BSIM_E_ACCESSDENIED;
  } else {
    hr = enum_locked(mgr, u, flags, jobs_out, count_out);
  }
  bsim__trace_api(mgr, "enum_jobs", NULL, hr);
  bsim__unlock(mgr);
  return hr;
}

void bsim_job_array_free(bsim_job **jobs, size_t count) {
  for (size_t i = 0; i < count; i++)
    bsim_job_unref(jobs[i]);
  bsim__free(jobs);
}

/* ---- references --------------------------------------------------------- */

void bsim__job_ref(bsim_job *job) {
  uint32_t old = atomic_fetch_add(&job->refs, 1);
  BSIM_ASSERT(old >= 1);
}

void bsim__job_unref(bsim_job *job) {
  uint32_t old = atomic_fetch_sub(&job->refs, 1);
  BSIM_ASSERT(old >= 1);
  if (old == 1) bsim__job_destroy(job);
}

void bsim_job_ref(bsim_job *job) {
  if (job != NULL) bsim__job_ref(job);
}

void bsim_job_unref(bsim_job *job) {
  if (job == NULL) return;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim__job_unref(job);
  if (mgr != NULL) bsim__unlock(mgr);
}

void bsim__job_retire(bsim_job *job) {
  bsim_manager *mgr = job->mgr;
  BSIM_ASSERT(bsim__fsm_is_final(job->state) && !job->retired);
  bsim__timer_stop(mgr, &job->timer);
  bsim__index_remove(mgr, job);
  job->owner->jobs--;
  /* Off the inactivity list, onto the retired list (singly used as a
   * doubly linked list through the same links). */
  if (job->lru_prev != NULL) {
    job->lru_prev->lru_next = job->lru_next;
  } else {
    mgr->lru_head = job->lru_next;
  }
  if (job->lru_next != NULL) {
    job->lru_next->lru_prev = job->lru_prev;
  } else {
    mgr->lru_tail = job->lru_prev;
  }
  job->lru_prev = NULL;
  job->lru_next = mgr->retired;
  if (mgr->retired != NULL) mgr->retired->lru_prev = job;
  mgr->retired = job;
  job->retired = 1;
  bsim__job_check(job);
  bsim__job_unref(job); /* the manager's reference */
}

void bsim__job_destroy(bsim_job *job) {
  bsim_manager *mgr = job->mgr;
  BSIM_ASSERT(job->xfer == NULL && !job->in_runq && !job->in_starts);
  if (mgr != NULL) {
    BSIM_ASSERT(job->retired);
    if (job->lru_prev != NULL) {
      job->lru_prev->lru_next = job->lru_next;
    } else {
      mgr->retired = job->lru_next;
    }
    if (job->lru_next != NULL) job->lru_next->lru_prev = job->lru_prev;
    if (mgr->notify != NULL) bsim__notify_job_free(job);
  }
  bsim__user_release(job->owner);
  for (uint32_t i = 0; i < job->file_count; i++) {
    bsim__free(job->files[i].remote);
    bsim__free(job->files[i].validator);
    bsim__file_ranges_free(&job->files[i]);
  }
  if (job->files != &job->file0) bsim__free(job->files);
  if (job->display_name != inline_name(job)) bsim__free(job->display_name);
  bsim__free(job->description);
  bsim__free(job->proxy_list);
  bsim__free(job->bypass_list);
  bsim__reply_free(job);
  bsim__http_free(job);
  bsim__free(job);
}

/* ---- the bsim__ view of jobs (sim/internal.h) --------------------------- */

const bsim_guid *bsim__job_id(const bsim_job *job) {
  return &job->id;
}
const char *bsim__job_id_text(const bsim_job *job) {
  return job->id_text;
}
bsim_manager *bsim__job_manager(const bsim_job *job) {
  return job->mgr;
}
enum bsim_job_state bsim__job_state(const bsim_job *job) {
  return (enum bsim_job_state)job->state;
}
enum bsim_job_type bsim__job_type(const bsim_job *job) {
  return (enum bsim_job_type)job->type;
}
const char *bsim__job_owner(const bsim_job *job) {
  return job->owner->name;
}
uint32_t bsim__job_notify_flags(const bsim_job *job) {
  return job->notify_flags;
}
uint32_t bsim__job_min_retry_delay_s(const bsim_job *job) {
  return job->min_retry_delay_s;
}
struct bsim__job_notify **bsim__job_notify_slot(bsim_job *job) {
  return &job->notify;
}

/* ---- getters (legal in every state, reference §4.3) --------------------- */

#define GETTER_BEGIN(job, out)                                                 \
  if ((job) == NULL || (out) == NULL) return BSIM_E_INVALIDARG;                \
  bsim_manager *mgr = bsim__job_lock(job)

bsim_hr bsim_job_get_id(bsim_job *job, bsim_guid *out) {
  GETTER_BEGIN(job, out);
  *out = job->id;
  return bsim__job_unlock(mgr, "get_id", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_type(bsim_job *job, enum bsim_job_type *out) {
  GETTER_BEGIN(job, out);
  *out = (enum bsim_job_type)job->type;
  return bsim__job_unlock(mgr, "get_type", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_state(bsim_job *job, enum bsim_job_state *out) {
  GETTER_BEGIN(job, out);
  *out = (enum bsim_job_state)job->state;
  return bsim__job_unlock(mgr, "get_state", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_progress(bsim_job *job, struct bsim_job_progress *out) {
  GETTER_BEGIN(job, out);
  /* Reference §2.12: BytesTotal is unknown while any file's size is; a
   * job without files reports zeros. */
  memset(out, 0, sizeof *out);
  out->files_total = job->file_count;
  for (uint32_t i = 0; i < job->file_count; i++) {
    const struct bsim__file *f = &job->files[i];
    if (f->bytes_total == BSIM_SIZE_UNKNOWN ||
        out->bytes_total == BSIM_SIZE_UNKNOWN) {
      out->bytes_total = BSIM_SIZE_UNKNOWN;
    } else {
      out->bytes_total += f->bytes_total;
    }
    out->bytes_transferred += f->bytes_done;
    if (f->transferred) out->files_transferred++;
  }
  return bsim__job_unlock(mgr, "get_progress", job, BSIM_S_OK);
}

/* FILETIME: 100 ns ticks since 1601-01-01 (reference §2.12). */
static uint64_t filetime_of(int64_t unix_ms) {
  if (unix_ms == 0) return 0;
  return (uint64_t)(unix_ms + INT64_C(11644473600000)) * 10000u;
}

bsim_hr bsim_job_get_times(bsim_job *job, struct bsim_job_times *out) {
  GETTER_BEGIN(job, out);
  out->creation_filetime = filetime_of(job->created_unix_ms);
  out->modification_filetime = filetime_of(job->modified_unix_ms);
  out->transfer_completion_filetime = filetime_of(job->completed_unix_ms);
  return bsim__job_unlock(mgr, "get_times", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_error(bsim_job *job, struct bsim_job_error *out) {
  GETTER_BEGIN(job, out);
  int to = bsim__fsm_next((enum bsim_job_state)job->state, BSIM__EV_GET_ERROR);
  bsim_hr hr = BSIM_S_OK;
  if (to == BSIM__FSM_ILLEGAL) {
    hr = bsim__fsm_illegal_hr(BSIM__EV_GET_ERROR);
  } else {
    BSIM_ASSERT(job->has_error);
    *out = job->error;
  }
  return bsim__job_unlock(mgr, "get_error", job, hr);
}

bsim_hr bsim_job_get_error_count(bsim_job *job, uint32_t *out) {
  GETTER_BEGIN(job, out);
  *out = job->error_count;
  return bsim__job_unlock(mgr, "get_error_count", job, BSIM_S_OK);
}

static bsim_hr copy_out(const char *s, char **out) {
  *out = bsim__strdup(s != NULL ? s : "");
  return *out != NULL ? BSIM_S_OK : BSIM_E_OUTOFMEMORY;
}

bsim_hr bsim_job_get_owner(bsim_job *job, char **out) {
  GETTER_BEGIN(job, out);
  return bsim__job_unlock(mgr, "get_owner", job,
                          copy_out(job->owner->name, out));
}

bsim_hr bsim_job_get_display_name(bsim_job *job, char **out) {
  GETTER_BEGIN(job, out);
  return bsim__job_unlock(mgr, "get_display_name", job,
                          copy_out(job->display_name, out));
}

bsim_hr bsim_job_get_description(bsim_job *job, char **out) {
  GETTER_BEGIN(job, out);
  return bsim__job_unlock(mgr, "get_description", job,
                          copy_out(job->description, out));
}

bsim_hr bsim_job_get_priority(bsim_job *job, enum bsim_job_priority *out) {
  GETTER_BEGIN(job, out);
  *out = (enum bsim_job_priority)job->priority;
  return bsim__job_unlock(mgr, "get_priority", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_notify_flags(bsim_job *job, uint32_t *out) {
  GETTER_BEGIN(job, out);
  *out = job->notify_flags;
  return bsim__job_unlock(mgr, "get_notify_flags", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_minimum_retry_delay(bsim_job *job, uint32_t *seconds_out) {
  GETTER_BEGIN(job, seconds_out);
  *seconds_out = job->min_retry_delay_s;
  return bsim__job_unlock(mgr, "get_minimum_retry_delay", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_no_progress_timeout(bsim_job *job, uint32_t *seconds_out) {
  GETTER_BEGIN(job, seconds_out);
  *seconds_out = job->no_progress_timeout_s;
  return bsim__job_unlock(mgr, "get_no_progress_timeout", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_maximum_download_time(bsim_job *job,
                                           uint32_t *seconds_out) {
  GETTER_BEGIN(job, seconds_out);
  *seconds_out = job->max_download_time_s;
  return bsim__job_unlock(mgr, "get_maximum_download_time", job, BSIM_S_OK);
}

bsim_hr bsim_job_get_proxy_settings(bsim_job *job,
                                    enum bsim_proxy_usage *usage_out,
                                    char **proxy_list_out,
                                    char **bypass_list_out) {
  if (job == NULL || usage_out == NULL || proxy_list_out == NULL ||
      bypass_list_out == NULL) {
    return BSIM_E_INVALIDARG;
  }
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_OK;
  char *proxy = NULL;
  char *bypass = NULL;
  if ((job->proxy_list != NULL &&
       (proxy = bsim__strdup(job->proxy_list)) == NULL) ||
      (job->bypass_list != NULL &&
       (bypass = bsim__strdup(job->bypass_list)) == NULL)) {
    bsim__free(proxy);
    hr = BSIM_E_OUTOFMEMORY;
  } else {
    *usage_out = (enum bsim_proxy_usage)job->proxy_usage;
    *proxy_list_out = proxy;
    *bypass_list_out = bypass;
  }
  return bsim__job_unlock(mgr, "get_proxy_settings", job, hr);
}

/* ---- setters (reference §1.4; final states: BG_E_INVALID_STATE) --------- */

/* A property changed: ModificationTime and the inactivity clock move, and
 * the dispatcher hears of a modification (reference §2.12, §4.4, §6). */
static void property_changed(bsim_job *job) {
  bsim__job_touch(job);
  bsim__notify_modified(job);
}

static bsim_hr set_string(bsim_job *job, char **field, const char *value,
                          int64_t max_chars, const char *call) {
  if (job == NULL || value == NULL) return BSIM_E_INVALIDARG;
  int64_t chars = bsim__utf8_chars(value);
  if (chars < 0) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = check_event(job, BSIM__EV_SET_PROPERTY);
  char *copy = NULL;
  if (BSIM_SUCCEEDED(hr) && chars > max_chars) hr = BSIM_E_STRING_TOO_LONG;
  if (BSIM_SUCCEEDED(hr) && chars > 0 && (copy = bsim__strdup(value)) == NULL) {
    hr = BSIM_E_OUTOFMEMORY;
  }
  if (BSIM_SUCCEEDED(hr)) {
    if (*field != inline_name(job)) bsim__free(*field);
    *field = copy;
    property_changed(job);
  }
  return bsim__job_unlock(mgr, call, job, hr);
}

bsim_hr bsim_job_set_display_name(bsim_job *job, const char *name) {
  return set_string(job, &job->display_name, name, BSIM_MAX_DISPLAY_NAME_CHARS,
                    "set_display_name");
}

bsim_hr bsim_job_set_description(bsim_job *job, const char *text) {
  return set_string(job, &job->description, text, BSIM_MAX_DESCRIPTION_CHARS,
                    "set_description");
}

/* Changing the priority of a job that holds a slot of the other class
 * (foreground vs background) sends it back to the queue so the scheduler
 * places it again (reference §5). */
static void priority_changed(bsim_job *job, enum bsim_job_priority old) {
  bsim_manager *mgr = job->mgr;
  if (job->in_runq) {
    bsim__runq_remove(mgr, job);
    bsim__runq_push(mgr, job, 0);
  }
  int was_fg = old == BSIM_JOB_PRIORITY_FOREGROUND;
  int is_fg = job->priority == BSIM_JOB_PRIORITY_FOREGROUND;
  if (bsim__fsm_is_active(job->state) && was_fg != is_fg) {
    bsim__fsm_fire(job, BSIM__EV_PREEMPT);
  }
  bsim__sched_kick(mgr);
}

bsim_hr bsim_job_set_priority(bsim_job *job, enum bsim_job_priority priority) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = check_event(job, BSIM__EV_SET_PROPERTY);
  /* Reference §1.4: a value outside the enum is E_NOTIMPL. */
  if (BSIM_SUCCEEDED(hr) && (unsigned)priority >= BSIM_JOB_PRIORITY_COUNT) {
    hr = BSIM_E_NOTIMPL;
  }
  if (BSIM_SUCCEEDED(hr) && priority != job->priority) {
    enum bsim_job_priority old = (enum bsim_job_priority)job->priority;
    job->priority = (uint8_t)priority;
    priority_changed(job, old);
  }
  if (BSIM_SUCCEEDED(hr)) property_changed(job);
  return bsim__job_unlock(mgr, "set_priority", job, hr);
}

bsim_hr bsim_job_set_notify_flags(bsim_job *job, uint32_t flags) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = check_event(job, BSIM__EV_SET_PROPERTY);
  if (BSIM_SUCCEEDED(hr) && (flags & ~BSIM_NOTIFY_ALL_FLAGS) != 0) {
    hr = BSIM_E_NOTIMPL; /* reference §2.6: unknown bits */
  }
  if (BSIM_SUCCEEDED(hr)) {
    job->notify_flags = flags;
    property_changed(job);
  }
  return bsim__job_unlock(mgr, "set_notify_flags", job, hr);
}

/* The timing properties re-arm the job's timer, so a change made while the
 * job waits in TRANSIENT_ERROR or transfers takes effect at once. */
static bsim_hr set_seconds(bsim_job *job, uint32_t *field, uint32_t value,
                           const char *call) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = check_event(job, BSIM__EV_SET_PROPERTY);
  if (BSIM_SUCCEEDED(hr)) {
    *field = value;
    bsim__job_rearm(job);
    property_changed(job);
  }
  return bsim__job_unlock(mgr, call, job, hr);
}

bsim_hr bsim_job_set_minimum_retry_delay(bsim_job *job, uint32_t seconds) {
  /* Reference §1.4, §5: values below 5 are silently raised to 5. */
  if (seconds < BSIM_MIN_RETRY_DELAY_FLOOR_S) {
    seconds = BSIM_MIN_RETRY_DELAY_FLOOR_S;
  }
  return set_seconds(job, job != NULL ? &job->min_retry_delay_s : NULL, seconds,
                     "set_minimum_retry_delay");
}

bsim_hr bsim_job_set_no_progress_timeout(bsim_job *job, uint32_t seconds) {
  return set_seconds(job, job != NULL ? &job->no_progress_timeout_s : NULL,
                     seconds, "set_no_progress_timeout");
}

bsim_hr bsim_job_set_maximum_download_time(bsim_job *job, uint32_t seconds) {
  return set_seconds(job, job != NULL ? &job->max_download_time_s : NULL,
                     seconds, "set_maximum_download_time");
}

static bsim_hr check_proxy(enum bsim_proxy_usage usage, const char *proxy,
                           const char *bypass) {
  /* Reference §1.4 SetProxySettings. */
  if ((unsigned)usage >= BSIM_PROXY_USAGE_COUNT) return BSIM_E_NOTIMPL;
  if (usage != BSIM_PROXY_USAGE_OVERRIDE) {
    return proxy == NULL && bypass == NULL ? BSIM_S_OK : BSIM_E_INVALIDARG;
  }
  if (proxy == NULL || proxy[0] == '\0') return BSIM_E_INVALIDARG;
  int64_t p = bsim__utf8_chars(proxy);
  int64_t b = bypass != NULL ? bsim__utf8_chars(bypass) : 0;
  if (p < 0 || b < 0) return BSIM_E_INVALIDARG;
  if (p > BSIM_MAX_PROXY_LIST_CHARS) return BSIM_E_PROXY_LIST_TOO_LARGE;
  if (b > BSIM_MAX_PROXY_LIST_CHARS) return BSIM_E_PROXY_BYPASS_LIST_TOO_LARGE;
  return BSIM_S_OK;
}

bsim_hr bsim_job_set_proxy_settings(bsim_job *job, enum bsim_proxy_usage usage,
                                    const char *proxy_list,
                                    const char *bypass_list) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = check_event(job, BSIM__EV_SET_PROPERTY);
  if (BSIM_SUCCEEDED(hr)) hr = check_proxy(usage, proxy_list, bypass_list);
  char *p = NULL;
  char *b = NULL;
  if (BSIM_SUCCEEDED(hr) &&
      ((proxy_list != NULL && (p = bsim__strdup(proxy_list)) == NULL) ||
       (bypass_list != NULL && (b = bsim__strdup(bypass_list)) == NULL))) {
    bsim__free(p);
    hr = BSIM_E_OUTOFMEMORY;
  }
  if (BSIM_SUCCEEDED(hr)) {
    bsim__free(job->proxy_list);
    bsim__free(job->bypass_list);
    job->proxy_list = p;
    job->bypass_list = b;
    job->proxy_usage = (uint8_t)usage;
    property_changed(job);
  }
  return bsim__job_unlock(mgr, "set_proxy_settings", job, hr);
}

static void owner_changed(bsim_job *job, struct bsim__user *to) {
  struct bsim__user *from = job->owner;
  from->jobs--;
  to->jobs++;
  to->refs++;
  job->owner = to;
  bsim__user_release(from);
  bsim__notify_owner_changed(job);
  /* Reference §12: the job now runs only while the new owner is logged
   * on. */
  if (!to->logged_on && bsim__fsm_is_active(job->state)) {
    bsim__fsm_fire(job, BSIM__EV_OWNER_LOGOFF);
  }
  bsim__sched_kick(job->mgr);
}

bsim_hr bsim_job_take_ownership(bsim_job *job, const char *user) {
  if (job == NULL || user == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = check_event(job, BSIM__EV_TAKE_OWNERSHIP);
  struct bsim__user *u = NULL;
  if (BSIM_SUCCEEDED(hr)) {
    u = bsim__user_find(mgr, user);
    /* Reference §1.4, §12: administrators only. */
    if (u == NULL || !u->is_admin) hr = BSIM_E_ACCESSDENIED;
  }
  if (BSIM_SUCCEEDED(hr) && u != job->owner) {
    owner_changed(job, u);
    bsim__http_owner_changed(job); /* reference §12 */
  }
  if (BSIM_SUCCEEDED(hr)) property_changed(job);
  return bsim__job_unlock(mgr, "take_ownership", job, hr);
}
