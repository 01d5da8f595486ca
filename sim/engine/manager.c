/* bitsim — the manager: options, creation and teardown, the engine lock,
 * users, the machine's network, transports, and the inactivity scavenger
 * (reference §1.3, §4.2, §4.4, §5, §8, §12, §14).
 *
 * The lock is one non-recursive pthread mutex per manager (design.md
 * "Thread safety"). Public calls take it; internal bsim__ functions expect
 * it held; callbacks run without it (sim/notify releases it around them).
 *
 * Teardown (bsim_manager_free) stops every transfer, frees the transports,
 * lets the dispatcher drop its per-job state and its references, then
 * detaches every job the caller still holds: such a job keeps its data and
 * answers BG_E_INVALID_STATE to mutations until its last unref.
 *
 * The inactivity scavenger (reference §4.2, §4.4, §8, §14): every
 * non-final job sits on one list ordered by its last activity, so one
 * timer at the oldest job's deadline serves a million jobs. Touching a job
 * moves it to the tail without re-arming the timer; the timer, when it
 * fires early, re-arms itself for the real head.
 */
#include <string.h>

#include "engine/engine.h"

void bsim_manager_options_init(struct bsim_manager_options *opts) {
  if (opts == NULL) return;
  memset(opts, 0, sizeof *opts);
  opts->struct_size = (uint32_t)sizeof *opts;
  opts->clock_mode = BSIM_CLOCK_AUTO;
  opts->real_time_scale = 1.0;
  opts->seed = 1;
  opts->start_wall_unix_ms = INT64_C(1767225600000); /* 2026-01-01 UTC */
  opts->fs_mode = BSIM_FS_REAL;
  opts->max_jobs_per_user = BSIM_DEFAULT_MAX_JOBS_PER_USER;
  opts->max_jobs_per_machine = BSIM_DEFAULT_MAX_JOBS_PER_MACHINE;
  opts->max_files_per_job = BSIM_DEFAULT_MAX_FILES_PER_JOB;
  opts->max_ranges_per_file = BSIM_DEFAULT_MAX_RANGES_PER_FILE;
  opts->max_jobs_total = 16000000u;
  opts->job_inactivity_timeout_s = BSIM_DEFAULT_JOB_INACTIVITY_TIMEOUT_S;
  opts->max_download_time_s = BSIM_DEFAULT_MAX_DOWNLOAD_TIME_S;
  opts->time_slice_ms = 600000u;
  opts->notify_in_flight_per_user = BSIM_DEFAULT_NOTIFY_IN_FLIGHT_PER_USER;
  opts->renotify_interval_ms = 60000u;
  opts->delivery = BSIM_DELIVERY_INLINE;
  opts->delivery_threads = 4;
  opts->trace_enabled = 1;
  opts->real_transport = 1;
  opts->store_checkpoint_ms = 1000u;
}

static bsim_hr copy_options(const struct bsim_manager_options *in,
                            struct bsim_manager_options *out) {
  bsim_manager_options_init(out);
  if (in == NULL) return BSIM_S_OK;
  /* The struct only grows at the end: take what the caller knows. */
  if (in->struct_size < offsetof(struct bsim_manager_options, seed) ||
      in->struct_size > sizeof *out) {
    return BSIM_E_INVALIDARG;
  }
  memcpy(out, in, in->struct_size);
  out->struct_size = (uint32_t)sizeof *out;
  return BSIM_S_OK;
}

static bsim_hr check_options(const struct bsim_manager_options *o) {
  if ((unsigned)o->clock_mode >= BSIM_CLOCK_MODE_COUNT ||
      (unsigned)o->fs_mode >= BSIM_FS_MODE_COUNT ||
      (unsigned)o->delivery >= BSIM_DELIVERY_MODE_COUNT) {
    return BSIM_E_INVALIDARG;
  }
  if (!(o->real_time_scale > 0) || o->time_slice_ms == 0 ||
      o->max_jobs_total == 0 || o->notify_in_flight_per_user == 0 ||
      (o->delivery == BSIM_DELIVERY_THREADED && o->delivery_threads == 0)) {
    return BSIM_E_INVALIDARG;
  }
  /* Policy range 0-999 days (reference §14). */
  if (o->job_inactivity_timeout_s > 999u * 86400u) return BSIM_E_INVALIDARG;
  /* Reference §13: where an interrupted transfer comes back. */
  if (o->store_active_restart_state != BSIM_JOB_STATE_QUEUED &&
      o->store_active_restart_state != BSIM_JOB_STATE_SUSPENDED) {
    return BSIM_E_INVALIDARG;
  }
  return BSIM_S_OK;
}

static void inactivity_cb(bsim_manager *mgr, struct bsim__timer *timer);

static bsim_hr init_parts(bsim_manager *mgr) {
  uint64_t seed = mgr->opts.seed;
  if (seed == 0) seed = bsim__mix64(bsim__clock_real_ns());
  mgr->seed = seed;
  bsim__prng_seed(&mgr->prng, seed);
  bsim__clock_init(&mgr->clock, mgr->opts.clock_mode, mgr->opts.real_time_scale,
                   mgr->opts.start_wall_unix_ms);
  bsim__timer_init(&mgr->inactivity, inactivity_cb);
  bsim__timer_init(&mgr->slice, bsim__sched_slice_cb);
  mgr->network_up = 1;
  if (mgr->opts.trace_enabled && (mgr->trace = bsim__trace_new()) == NULL) {
    return BSIM_E_OUTOFMEMORY;
  }
  bsim_hr hr = bsim__timer_reserve(mgr, 4096);
  if (BSIM_FAILED(hr)) return hr;
  hr = bsim__loop_new(&mgr->loop);
  if (BSIM_FAILED(hr)) return hr;
  hr = bsim__xfer_model_new(mgr, &mgr->transports[0]);
  if (BSIM_FAILED(hr)) return hr;
  mgr->transport_count = 1;
  if (mgr->opts.real_transport) {
    /* After the model: a modelled host always wins its URLs. */
    struct bsim__transport curl;
    hr = bsim__xfer_curl_new(mgr, &curl);
    if (BSIM_FAILED(hr)) return hr;
    hr = bsim__manager_add_transport(mgr, &curl);
    if (BSIM_FAILED(hr)) {
      curl.ops->free(curl.ctx);
      return hr;
    }
  }
  hr = bsim__notify_new(mgr, &mgr->notify);
  if (BSIM_FAILED(hr)) return hr;
  return bsim__notify_configure(mgr->notify, &mgr->opts);
}

static void free_parts(bsim_manager *mgr) {
  for (uint32_t i = 0; i < mgr->transport_count; i++) {
    const struct bsim__transport *t = &mgr->transports[i];
    if (t->ops->free != NULL) t->ops->free(t->ctx);
  }
  mgr->transport_count = 0;
  if (mgr->notify != NULL) {
    struct bsim__notify *notify = mgr->notify;
    mgr->notify = NULL; /* jobs it releases now skip bsim__notify_job_free */
    bsim__notify_free(notify);
  }
  bsim__timers_free(mgr);
  bsim__xfer_pool_free(mgr);
  bsim__loop_free(mgr->loop);
  bsim__trace_free(mgr->trace);
  bsim__free(mgr->store_path);
  bsim__free(mgr->index);
  for (struct bsim__user *u = mgr->users; u != NULL;) {
    struct bsim__user *next = u->next;
    u->orphaned = 1;
    if (u->refs == 0) {
      bsim__free(u->name);
      bsim__free(u);
    }
    u = next;
  }
  pthread_mutex_destroy(&mgr->lock);
  bsim__free(mgr);
}

bsim_hr bsim_manager_new(const struct bsim_manager_options *opts,
                         bsim_manager **out) {
  if (out == NULL) return BSIM_E_INVALIDARG;
  *out = NULL;
  struct bsim_manager_options o;
  bsim_hr hr = copy_options(opts, &o);
  if (BSIM_SUCCEEDED(hr)) hr = check_options(&o);
  if (BSIM_FAILED(hr)) return hr;
  bsim_manager *mgr = bsim__calloc(1, sizeof *mgr);
  if (mgr == NULL) return BSIM_E_OUTOFMEMORY;
  if (pthread_mutex_init(&mgr->lock, NULL) != 0) {
    bsim__free(mgr);
    return BSIM_E_OUTOFMEMORY;
  }
  mgr->opts = o;
  mgr->opts.store_path = NULL;
  atomic_init(&mgr->wake_flag, 0);
  hr = init_parts(mgr);
  if (BSIM_SUCCEEDED(hr) && o.store_path != NULL &&
      (mgr->store_path = bsim__strdup(o.store_path)) == NULL) {
    hr = BSIM_E_OUTOFMEMORY;
  }
  if (BSIM_FAILED(hr)) {
    free_parts(mgr);
    return hr;
  }
  char why[600] = "";
  hr = bsim__store_open(mgr, mgr->store_path, why, sizeof why);
  if (BSIM_FAILED(hr)) {
    /* Jobs may have been restored before the failure: full teardown. */
    (void)bsim_manager_free(mgr);
    return hr;
  }
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, mgr, "manager", NULL)) {
    bsim__tr_str(&tr, "op", "new");
    bsim__tr_u64(&tr, "seed", mgr->seed);
    bsim__tr_end(&tr);
  }
  *out = mgr;
  return BSIM_S_OK;
}

/* Detach a job from the dying manager: it keeps its data, loses its
 * engine links. */
static void detach(bsim_manager *mgr, bsim_job *job) {
  bsim__timer_stop(mgr, &job->timer);
  job->in_runq = job->in_starts = 0;
  job->q_prev = job->q_next = job->lru_prev = job->lru_next = NULL;
  job->slot = SLOT_NONE;
  job->mgr = NULL;
}

static void stop_everything(bsim_manager *mgr) {
  bsim__notify_release_held(mgr); /* may drop the last refs of some jobs */
  for (bsim_job *j = mgr->lru_head; j != NULL; j = j->lru_next) {
    bsim__sched_stop_xfer(j);
  }
  for (bsim_job *j = mgr->lru_head; j != NULL; j = j->lru_next) {
    if (j->in_starts) bsim__starts_remove(mgr, j);
  }
  for (bsim_job *j = mgr->lru_head; j != NULL; j = j->lru_next) {
    if (mgr->notify != NULL) bsim__notify_job_free(j);
  }
  for (bsim_job *j = mgr->retired; j != NULL; j = j->lru_next) {
    if (mgr->notify != NULL) bsim__notify_job_free(j);
  }
}

bsim_hr bsim_manager_free(bsim_manager *mgr) {
  if (mgr == NULL) return BSIM_S_OK;
  bsim__lock(mgr);
  /* From a callback, or while one runs on a worker: nothing is freed
   * (style B.7, "Destroying the manager from a callback"). */
  if (mgr->driving || bsim__notify_running(mgr)) {
    bsim__unlock(mgr);
    return BSIM_E_BUSY;
  }
  stop_everything(mgr);
  bsim__store_close(mgr); /* the offsets the stops left, then close */
  for (uint32_t i = 0; i < mgr->transport_count; i++) {
    const struct bsim__transport *t = &mgr->transports[i];
    if (t->ops->free != NULL) t->ops->free(t->ctx);
  }
  mgr->transport_count = 0;
  struct bsim__notify *notify = mgr->notify;
  mgr->notify = NULL;
  bsim__notify_free(notify); /* may release the last refs of final jobs */
  for (bsim_job *j = mgr->retired; j != NULL;) {
    bsim_job *next = j->lru_next;
    detach(mgr, j);
    j = next;
  }
  for (bsim_job *j = mgr->lru_head; j != NULL;) {
    bsim_job *next = j->lru_next;
    j->owner->jobs--;
    detach(mgr, j);
    bsim__job_unref(j); /* the manager's reference */
    j = next;
  }
  mgr->lru_head = mgr->lru_tail = mgr->retired = NULL;
  bsim__unlock(mgr);
  free_parts(mgr);
  return BSIM_S_OK;
}

uint64_t bsim_manager_seed(const bsim_manager *mgr) {
  return mgr != NULL ? mgr->seed : 0;
}

/* ---- the lock and the bsim__ accessors ---------------------------------- */

void bsim__lock(bsim_manager *mgr) {
  int rc = pthread_mutex_lock(&mgr->lock);
  BSIM_ASSERT(rc == 0);
}

void bsim__unlock(bsim_manager *mgr) {
  /* A state change is durable before anyone else can take the lock and
   * see it; progress is checkpointed now and then (docs/store.md). */
  if (mgr->store_on) bsim__store_unlocking(mgr);
  int rc = pthread_mutex_unlock(&mgr->lock);
  BSIM_ASSERT(rc == 0);
}

struct bsim__prng *bsim__mgr_prng(bsim_manager *mgr) {
  return &mgr->prng;
}
struct bsim__trace *bsim__mgr_trace(bsim_manager *mgr) {
  return mgr->trace;
}
struct bsim__notify *bsim__mgr_notify(bsim_manager *mgr) {
  return mgr->notify;
}
struct bsim__transport *bsim__mgr_model(bsim_manager *mgr) {
  return mgr->transport_count > 0 ? &mgr->transports[0] : NULL;
}
void *bsim__mgr_loop(bsim_manager *mgr) {
  return bsim__loop_uv(mgr->loop);
}

bsim_hr bsim__manager_add_transport(bsim_manager *mgr,
                                    const struct bsim__transport *transport) {
  if (mgr == NULL || transport == NULL || transport->ops == NULL ||
      transport->ops->claims == NULL || transport->ops->start == NULL ||
      transport->ops->stop == NULL) {
    return BSIM_E_INVALIDARG;
  }
  if (mgr->transport_count == BSIM__MAX_TRANSPORTS) return BSIM_E_OUTOFMEMORY;
  mgr->transports[mgr->transport_count++] = *transport;
  return BSIM_S_OK;
}

/* ---- users (reference §12) ---------------------------------------------- */

struct bsim__user *bsim__user_find(bsim_manager *mgr, const char *name) {
  if (name == NULL) return NULL;
  for (struct bsim__user *u = mgr->users; u != NULL; u = u->next) {
    if (strcmp(u->name, name) == 0) return u;
  }
  return NULL;
}

void bsim__user_release(struct bsim__user *user) {
  BSIM_ASSERT(user->refs > 0);
  if (--user->refs == 0 && user->orphaned) {
    bsim__free(user->name);
    bsim__free(user);
  }
}

static void trace_user(bsim_manager *mgr, const char *op, const char *name,
                       bsim_hr hr) {
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, mgr, "user", NULL)) return;
  bsim__tr_str(&tr, "op", op);
  bsim__tr_str(&tr, "user", name);
  bsim__tr_hr(&tr, "hr", hr);
  bsim__tr_end(&tr);
}

static bsim_hr add_user_locked(bsim_manager *mgr, const char *name,
                               int is_admin) {
  struct bsim__user *found = bsim__user_find(mgr, name);
  if (found != NULL) {
    /* A user brought back by the store is claimed once, as it was. */
    if (!found->restored || found->is_admin != (is_admin != 0)) {
      return BSIM_E_INVALIDARG;
    }
    found->restored = 0;
    return BSIM_S_OK;
  }
  struct bsim__user *u = bsim__calloc(1, sizeof *u);
  char *copy = bsim__strdup(name);
  if (u == NULL || copy == NULL) {
    bsim__free(u);
    bsim__free(copy);
    return BSIM_E_OUTOFMEMORY;
  }
  u->name = copy;
  u->is_admin = is_admin != 0;
  u->logged_on = 1;
  struct bsim__user **tail = &mgr->users;
  while (*tail != NULL)
    tail = &(*tail)->next;
  *tail = u;
  return BSIM_S_OK;
}

struct bsim__user *bsim__user_restore(bsim_manager *mgr, const char *name,
                                      int is_admin) {
  if (BSIM_FAILED(add_user_locked(mgr, name, is_admin))) return NULL;
  struct bsim__user *u = bsim__user_find(mgr, name);
  u->restored = 1;
  return u;
}

bsim_hr bsim_user_add(bsim_manager *mgr, const char *name, int is_admin) {
  if (mgr == NULL || name == NULL) return BSIM_E_INVALIDARG;
  size_t len = strlen(name);
  if (len == 0 || len > 256 || bsim__utf8_chars(name) < 0) {
    return BSIM_E_INVALIDARG;
  }
  bsim__lock(mgr);
  bsim_hr hr = add_user_locked(mgr, name, is_admin);
  trace_user(mgr, is_admin ? "add_admin" : "add", name, hr);
  bsim__unlock(mgr);
  return hr;
}

bsim_hr bsim_user_set_logged_on(bsim_manager *mgr, const char *name,
                                int logged_on) {
  if (mgr == NULL || name == NULL) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  struct bsim__user *u = bsim__user_find(mgr, name);
  bsim_hr hr = u != NULL ? BSIM_S_OK : BSIM_E_NOT_FOUND;
  if (u != NULL && (u->logged_on != 0) != (logged_on != 0)) {
    u->logged_on = logged_on != 0;
    /* Reference §4.2, §12: a transferring job goes back to QUEUED and
     * waits for its owner; logon lets the scheduler pick it again. */
    if (!logged_on) bsim__sched_owner_logoff(mgr, u);
    bsim__sched_kick(mgr);
  }
  trace_user(mgr, logged_on ? "logon" : "logoff", name, hr);
  bsim__unlock(mgr);
  return hr;
}

/* ---- the network (reference §4.2, §13) ---------------------------------- */

bsim_hr bsim_manager_set_network(bsim_manager *mgr, int connected) {
  if (mgr == NULL) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  connected = connected != 0;
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, mgr, "network", NULL)) {
    bsim__tr_str(&tr, "op", connected ? "up" : "down");
    bsim__tr_end(&tr);
  }
  if (connected != mgr->network_up) {
    mgr->network_up = connected;
    bsim__sched_network(mgr, connected);
    bsim__sched_kick(mgr);
  }
  bsim__unlock(mgr);
  return BSIM_S_OK;
}

/* ---- inactivity (reference §4.2, §4.4, §8, §14) ------------------------- */

void bsim__manager_arm_inactivity(bsim_manager *mgr) {
  bsim_job *head = mgr->lru_head;
  if (head == NULL || mgr->opts.job_inactivity_timeout_s == 0) {
    bsim__timer_stop(mgr, &mgr->inactivity);
    return;
  }
  uint64_t deadline = head->last_activity_ms +
                      bsim__ms_from_s(mgr->opts.job_inactivity_timeout_s);
  if (!bsim__timer_armed(&mgr->inactivity) ||
      mgr->inactivity.deadline_ms != deadline) {
    bsim__timer_start(mgr, &mgr->inactivity, deadline);
  }
}

/* Scavenging is Cancel by the service: the job becomes CANCELLED and its
 * downloaded and temporary files are deleted (reference §8). */
static void scavenge(bsim_manager *mgr, bsim_job *job) {
  bsim__job_ref(job);
  bsim__fsm_fire(job, BSIM__EV_INACTIVITY_EXPIRED);
  bsim__job_forget_files(job);
  int failed = bsim__job_delete_temps(job);
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, mgr, "scavenged", job)) {
    bsim__tr_u64(&tr, "delete_failed", failed != 0);
    bsim__tr_end(&tr);
  }
  bsim__job_unref(job);
}

static void inactivity_cb(bsim_manager *mgr, struct bsim__timer *timer) {
  (void)timer;
  uint64_t now = bsim__now_ms(mgr);
  uint64_t timeout_ms = bsim__ms_from_s(mgr->opts.job_inactivity_timeout_s);
  while (mgr->lru_head != NULL &&
         mgr->lru_head->last_activity_ms + timeout_ms <= now) {
    scavenge(mgr, mgr->lru_head);
  }
  bsim__manager_arm_inactivity(mgr);
}
