/* bitsim — the engine's side of the durable store, loading (docs/store.md
 * "Recovery on open", reference §13): bsim__store_open reads every job the
 * store kept and puts it back as the engine had it; persist.c saves them.
 *
 * Jobs come back in the state they were in, except that CONNECTING and
 * TRANSFERRING come back QUEUED (or SUSPENDED, by option); a partial
 * temporary file is cut back to its recorded offset, so a resumed download
 * never holds bytes the store did not vouch for; a record that cannot be
 * what the engine wrote is BG_E_DATABASE_CORRUPT, naming the store.
 *
 * Time across restarts: the monotonic clock continues from the position
 * recorded at the last commit, and the wall clock from its recorded base,
 * so every deadline (retry, no-progress, inactivity) keeps the time it had
 * left and the time the process was down does not count (in REAL mode the
 * wall clock stays the real one).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/engine.h"
#include "store/store.h"

struct restore_ctx {
  bsim_manager *mgr;
  const struct bsim__store_meta *meta;
  int placed; /* time and trace continue from meta */
  char *why;
  size_t cap;
  uint32_t restored;
};

static bsim_hr bad_record(struct restore_ctx *rc, const char *id,
                          const char *what) {
  snprintf(rc->why, rc->cap, "job store %s: job %s: %s", rc->mgr->store_path,
           id, what);
  return BSIM_E_DATABASE_CORRUPT;
}

static bsim_hr check_record(struct restore_ctx *rc,
                            const struct bsim__store_job *r, bsim_guid *id) {
  if (bsim_guid_parse(r->id, id) != 0) {
    return bad_record(rc, r->id, "bad id");
  }
  if (r->state >= BSIM_JOB_STATE_COUNT || bsim__fsm_is_final((int)r->state) ||
      r->type >= BSIM_JOB_TYPE_COUNT ||
      r->priority >= BSIM_JOB_PRIORITY_COUNT || r->cur_file > r->file_count) {
    return bad_record(rc, r->id, "field out of range");
  }
  if (r->state == BSIM_JOB_STATE_TRANSFERRED) {
    for (uint32_t i = 0; i < r->file_count; i++) {
      if (!r->files[i].transferred) {
        return bad_record(rc, r->id, "TRANSFERRED with a file missing");
      }
    }
  }
  if (bsim__index_find(rc->mgr, id) != NULL) {
    return bad_record(rc, r->id, "duplicate id");
  }
  return BSIM_S_OK;
}

static bsim_hr copy_str(char **field, const char *value) {
  if (value == NULL) return BSIM_S_OK;
  *field = bsim__strdup(value);
  return *field != NULL ? BSIM_S_OK : BSIM_E_OUTOFMEMORY;
}

static void restore_fields(bsim_job *job, const struct bsim__store_job *r) {
  job->priority = (uint8_t)r->priority;
  job->proxy_usage = (uint8_t)r->proxy_usage;
  job->notify_flags = r->notify_flags;
  job->min_retry_delay_s = r->min_retry_delay_s;
  job->no_progress_timeout_s = r->no_progress_timeout_s;
  job->max_download_time_s = r->max_download_time_s;
  job->cur_file = r->cur_file;
  if (r->has_error) {
    bsim__job_set_error(job, (bsim_hr)r->err_code,
                        (enum bsim_error_context)r->err_context,
                        (int32_t)r->err_file_index, (int)r->err_http_status);
  }
  job->error_count = r->error_count;
  job->created_unix_ms = r->created_unix_ms;
  job->modified_unix_ms = r->modified_unix_ms;
  job->completed_unix_ms = r->completed_unix_ms;
  job->te_since_ms = r->te_since_ms;
  job->noprog_since_ms = r->noprog_since_ms;
  job->active_acc_ms = r->active_acc_ms;
  job->create_seq = r->create_seq;
}

/* Cut a partial temporary file back to its recorded offset; a file that
 * is shorter (or gone) resumes from what it holds. */
static void restore_temp(bsim_job *job, uint32_t index) {
  struct bsim__file *f = &job->files[index];
  if (bsim__fs_virtual(job->mgr) || f->completed || f->bytes_done == 0) {
    return;
  }
  char path[4096];
  if (strlen(f->local) + 17 > sizeof path) return;
  bsim__job_temp_path(job, index, path, sizeof path);
  struct stat st;
  uint64_t have = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
  if (have == 0 && f->transferred && stat(f->local, &st) == 0 &&
      (uint64_t)st.st_size == f->bytes_done) {
    /* Complete renamed it and stopped before its commit (reference §8):
     * the file is in place, a second Complete finishes the job. */
    f->completed = 1;
    f->temp_made = 0;
  } else if (have < f->bytes_done) {
    f->bytes_done = have;
    f->transferred = 0;
  } else if (have > f->bytes_done) {
    (void)bsim__fs_truncate(job->mgr, path, f->bytes_done);
  }
}

static bsim_hr restore_files(bsim_job *job, const struct bsim__store_job *r) {
  for (uint32_t i = 0; i < r->file_count; i++) {
    struct bsim_file_info info = {.remote_name = r->files[i].remote,
                                  .local_name = r->files[i].local};
    bsim_hr hr = bsim__job_append_files(job, 1, &info);
    if (BSIM_FAILED(hr)) return hr;
    struct bsim__file *f = &job->files[i];
    const struct bsim__store_file *s = &r->files[i];
    f->bytes_total = s->bytes_total;
    f->bytes_done = s->bytes_done;
    f->temp_id = s->temp_id;
    f->transferred = s->transferred;
    f->completed = s->completed;
    f->temp_made = s->temp_made;
    f->from_peer = s->from_peer;
    f->valid = s->valid;
    f->peer_held = s->peer_held;
    f->bytes_origin = s->bytes_origin;
    f->bytes_peers = s->bytes_peers;
    if (s->validator != NULL &&
        (f->validator = bsim__strdup(s->validator)) == NULL) {
      return BSIM_E_OUTOFMEMORY;
    }
    if (s->range_count > 0) {
      size_t size = s->range_count * sizeof *f->ranges;
      f->ranges = bsim__malloc(size);
      if (f->ranges == NULL) return BSIM_E_OUTOFMEMORY;
      memcpy(f->ranges, s->ranges, size);
      f->range_count = s->range_count;
    }
    restore_temp(job, i);
  }
  return BSIM_S_OK;
}

/* Keep the inactivity list ordered by last activity: the restored job was
 * appended at the tail; move it back past younger jobs. */
static void restore_activity(bsim_manager *mgr, bsim_job *job, uint64_t at) {
  job->last_activity_ms = at;
  while (job->lru_prev != NULL && job->lru_prev->last_activity_ms > at) {
    bsim_job *prev = job->lru_prev;
    /* swap job and prev */
    bsim_job *before = prev->lru_prev;
    bsim_job *after = job->lru_next;
    if (before != NULL)
      before->lru_next = job;
    else
      mgr->lru_head = job;
    if (after != NULL)
      after->lru_prev = prev;
    else
      mgr->lru_tail = prev;
    job->lru_prev = before;
    job->lru_next = prev;
    prev->lru_prev = job;
    prev->lru_next = after;
  }
}

/* Reference §13: CONNECTING and TRANSFERRING come back as configured
 * (QUEUED by default); every other state as it was. */
static enum bsim_job_state restart_state(bsim_manager *mgr, uint32_t state) {
  if (!bsim__fsm_is_active((int)state)) return (enum bsim_job_state)state;
  return mgr->opts.store_active_restart_state == BSIM_JOB_STATE_SUSPENDED
             ? BSIM_JOB_STATE_SUSPENDED
             : BSIM_JOB_STATE_QUEUED;
}

static void restore_clock(bsim_manager *mgr,
                          const struct bsim__store_meta *meta);

/* Unpack the command line's argv (NUL-terminated strings, the last one
 * ending the blob). */
static bsim_hr restore_cmdline(struct restore_ctx *rc, bsim_job *job,
                               const struct bsim__store_job *r) {
  if (r->cmd_program == NULL || rc->mgr->opts.store_drop_notify_cmdline) {
    return BSIM_S_OK;
  }
  size_t len = r->cmd_args_len, count = 0;
  if (len == 0 || r->cmd_args == NULL || r->cmd_args[len - 1] != '\0') {
    return bad_record(rc, r->id, "bad notify command line");
  }
  for (size_t i = 0; i < len; i++)
    count += r->cmd_args[i] == '\0';
  const char **argv = bsim__calloc(count + 1, sizeof *argv);
  if (argv == NULL) return BSIM_E_OUTOFMEMORY;
  const char *p = r->cmd_args;
  for (size_t i = 0; i < count; i++) {
    argv[i] = p;
    p += strlen(p) + 1;
  }
  bsim_hr hr = bsim__notify_restore_cmdline(job, r->cmd_program, argv);
  bsim__free(argv);
  return hr;
}

/* The reply of an upload-reply job (reference §9): its name and progress;
 * the bytes themselves wait in the temporary file. */
static bsim_hr restore_reply(bsim_job *job, const struct bsim__store_job *r) {
  if (r->reply_name == NULL && r->reply_total == BSIM_SIZE_UNKNOWN &&
      r->reply_done == 0 && !r->reply_frozen) {
    return BSIM_S_OK;
  }
  job->reply = bsim__calloc(1, sizeof *job->reply);
  if (job->reply == NULL) return BSIM_E_OUTOFMEMORY;
  job->reply->bytes_total = r->reply_total;
  job->reply->bytes_done = r->reply_done;
  job->reply->frozen = r->reply_frozen != 0;
  return copy_str(&job->reply->name, r->reply_name);
}

static bsim_hr restore_one(void *user, const struct bsim__store_job *r) {
  struct restore_ctx *rc = user;
  bsim_manager *mgr = rc->mgr;
  if (!rc->placed) {
    /* Before the first job: its timers and trace lines need the clock
     * and the trace where the store left them. */
    restore_clock(mgr, rc->meta);
    rc->placed = 1;
  }
  bsim_guid id;
  bsim_hr hr = check_record(rc, r, &id);
  if (BSIM_FAILED(hr)) return hr;
  struct bsim__user *owner = bsim__user_find(mgr, r->owner);
  if (owner == NULL) owner = bsim__user_restore(mgr, r->owner, r->owner_admin);
  if (owner == NULL) return BSIM_E_OUTOFMEMORY;
  bsim_job *job = bsim__job_restore_new(mgr, owner, r->display_name,
                                        (enum bsim_job_type)r->type, &id);
  if (job == NULL) return BSIM_E_OUTOFMEMORY;
  restore_fields(job, r);
  hr = restore_files(job, r);
  if (BSIM_SUCCEEDED(hr)) hr = copy_str(&job->description, r->description);
  if (BSIM_SUCCEEDED(hr)) hr = copy_str(&job->proxy_list, r->proxy_list);
  if (BSIM_SUCCEEDED(hr)) hr = copy_str(&job->bypass_list, r->bypass_list);
  if (BSIM_SUCCEEDED(hr)) {
    hr = bsim__notify_restore_failures(job, r->notify_failures);
  }
  if (BSIM_SUCCEEDED(hr)) hr = restore_cmdline(rc, job, r);
  if (BSIM_SUCCEEDED(hr)) hr = bsim__http_restore(job, r);
  if (hr == BSIM_E_DATABASE_CORRUPT) hr = bad_record(rc, r->id, "bad options");
  if (BSIM_SUCCEEDED(hr)) hr = restore_reply(job, r);
  restore_activity(mgr, job, r->last_activity_ms);
  /* A TRANSFERRED job whose bytes are no longer all there fetches the
   * rest again. On failure the job still goes into a consistent state, so
   * the manager's teardown frees it like any other. */
  enum bsim_job_state st = restart_state(mgr, r->state);
  if (st == BSIM_JOB_STATE_TRANSFERRED &&
      bsim__job_first_pending(job) != job->file_count) {
    st = BSIM_JOB_STATE_QUEUED;
  }
  bsim__fsm_restore(job, st);
  rc->restored++;
  return hr;
}

/* Continue time where the store left it (see the top of the file). */
static void restore_clock(bsim_manager *mgr,
                          const struct bsim__store_meta *meta) {
  if (!meta->present) return;
  if (mgr->opts.clock_mode == BSIM_CLOCK_REAL) {
    mgr->clock.wall_base_unix_ms -= (int64_t)meta->now_ms;
  } else {
    mgr->clock.wall_base_unix_ms = meta->wall_base_unix_ms;
  }
  if (meta->now_ms > mgr->clock.now_ms) {
    bsim__clock_set(&mgr->clock, meta->now_ms);
  }
  if (meta->create_seq > mgr->create_seq) mgr->create_seq = meta->create_seq;
  bsim__trace_continue(mgr->trace, meta->trace_seq);
}

static void trace_open(bsim_manager *mgr, uint32_t jobs) {
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, mgr, "store", NULL)) return;
  bsim__tr_str(&tr, "op", "open");
  bsim__tr_str(&tr, "kind", mgr->store_ops->name);
  bsim__tr_u64(&tr, "jobs", jobs);
  bsim__tr_end(&tr);
}

bsim_hr bsim__store_open(bsim_manager *mgr, const char *path, char *why,
                         size_t cap) {
  bsim__store_set_error("");
  mgr->store_ops =
      path != NULL ? &bsim__store_sqlite_ops : &bsim__store_mem_ops;
  bsim_hr hr = mgr->store_ops->open(path, &mgr->store, why, cap);
  if (BSIM_FAILED(hr)) {
    mgr->store_ops = NULL;
    bsim__store_set_error(why);
    return hr;
  }
  struct bsim__store_meta meta;
  struct restore_ctx rc = {.mgr = mgr, .meta = &meta, .why = why, .cap = cap};
  hr = mgr->store_ops->load(mgr->store, &meta, restore_one, &rc);
  if (BSIM_SUCCEEDED(hr) && !rc.placed) restore_clock(mgr, &meta);
  if (BSIM_FAILED(hr)) {
    if (why[0] == '\0') {
      snprintf(why, cap, "%s", mgr->store_ops->last_error(mgr->store));
    }
    bsim__store_set_error(why);
    return hr;
  }
  mgr->store_on = path != NULL;
  /* The inactivity timer was armed while jobs were linked, before their
   * recorded last activity was put back (§4.4, §14). */
  bsim__manager_arm_inactivity(mgr);
  trace_open(mgr, rc.restored);
  if (rc.restored > 0) bsim__sched_kick(mgr);
  return BSIM_S_OK;
}
