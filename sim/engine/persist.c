/* bitsim — the engine's side of the durable store (docs/store.md,
 * reference §12, §13).
 *
 * The engine never sees SQL: this file turns a job into a flat record for
 * the store seam (sim/store/store.h) and back. Changes arrive through two
 * call-outs: bsim__store_job_changed (a mutator or progress changed the
 * job) and bsim__store_job_state (the one state setter: a new state, or a
 * final one, and then the job leaves the queue, §13). Changed jobs wait on
 * a list, each saved once however often it changed, and bsim__store_flush
 * writes them in one transaction before the engine lock goes back to a
 * caller (an API call returning, a callback, a driving call returning).
 * Without group commit every state change is also committed at once.
 *
 * Partial files (§13 "checkpointed"): before a job's record is written,
 * the temporary file of every file with bytes is fsynced, so the offset
 * recorded never names bytes that are not on disk. On open the temporary
 * file is cut back to the recorded offset, so a resumed download never
 * holds bytes the store did not vouch for.
 *
 * Time across restarts: the monotonic clock continues from the position
 * recorded at the last commit, and the wall clock from its recorded base,
 * so every deadline (retry, no-progress, inactivity) keeps the time it had
 * left and the time the process was down does not count (in REAL mode the
 * wall clock stays the real one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "store/store.h"

static _Thread_local char store_error[600];

const char *bsim_manager_store_error(void) {
  return store_error;
}

/* ---- saving ------------------------------------------------------------- */

static void to_record(bsim_job *job, struct bsim__store_file *files,
                      struct bsim__store_job *r) {
  memset(r, 0, sizeof *r);
  r->id = job->id_text;
  r->owner = job->owner->name;
  r->owner_admin = job->owner->is_admin;
  r->state = job->state;
  r->type = job->type;
  r->priority = job->priority;
  r->proxy_usage = job->proxy_usage;
  r->notify_flags = job->notify_flags;
  r->min_retry_delay_s = job->min_retry_delay_s;
  r->no_progress_timeout_s = job->no_progress_timeout_s;
  r->max_download_time_s = job->max_download_time_s;
  r->error_count = job->error_count;
  r->cur_file = job->cur_file;
  r->display_name = job->display_name;
  r->description = job->description;
  r->proxy_list = job->proxy_list;
  r->bypass_list = job->bypass_list;
  r->has_error = job->has_error;
  r->err_code = (int64_t)job->error.code;
  r->err_context = job->error.context;
  r->err_file_index = job->error.file_index;
  r->err_http_status = job->error.http_status;
  r->created_unix_ms = job->created_unix_ms;
  r->modified_unix_ms = job->modified_unix_ms;
  r->completed_unix_ms = job->completed_unix_ms;
  r->te_since_ms = job->te_since_ms;
  r->noprog_since_ms = job->noprog_since_ms;
  r->active_acc_ms = job->active_acc_ms;
  r->last_activity_ms = job->last_activity_ms;
  r->create_seq = job->create_seq;
  r->notify_failures = bsim__notify_failures(job);
  r->reply_total = BSIM_SIZE_UNKNOWN;
  if (job->reply != NULL) {
    r->reply_name = job->reply->name;
    r->reply_total = job->reply->bytes_total;
    r->reply_done = job->reply->bytes_done;
    r->reply_frozen = job->reply->frozen;
  }
  r->file_count = job->file_count;
  for (uint32_t i = 0; i < job->file_count; i++) {
    const struct bsim__file *f = &job->files[i];
    files[i] = (struct bsim__store_file){
        .remote = f->remote,
        .local = f->local,
        .bytes_total = f->bytes_total,
        .bytes_done = f->bytes_done,
        .temp_id = f->temp_id,
        .transferred = f->transferred,
        .completed = f->completed,
        .temp_made = f->temp_made,
        .from_peer = f->from_peer,
        .valid = f->valid,
        .peer_held = f->peer_held,
        .bytes_origin = f->bytes_origin,
        .bytes_peers = f->bytes_peers,
        .ranges = f->ranges,
        .range_count = f->range_count,
        .validator = f->validator,
    };
  }
  r->files = files;
}

/* Reference §13: the offset is recorded only once the bytes before it are
 * on disk. A missing temporary file has nothing to flush. */
static bsim_hr sync_temps(const bsim_job *job) {
  if (bsim__fs_virtual(job->mgr)) return BSIM_S_OK;
  char path[4096];
  for (uint32_t i = 0; i < job->file_count; i++) {
    const struct bsim__file *f = &job->files[i];
    if (f->bytes_done == 0 || f->completed) continue;
    if (strlen(f->local) + 17 > sizeof path) continue;
    bsim__job_temp_path(job, i, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) continue;
    int rc = fdatasync(fd);
    int err = errno;
    close(fd);
    if (rc != 0) return bsim__hr_from_errno(err);
  }
  return BSIM_S_OK;
}

/* The notify command line (reference §13: "presumably persisted"): argv
 * packed as NUL-terminated strings into *args (freed by the caller). */
static bsim_hr pack_cmdline(bsim_job *job, struct bsim__store_job *rec,
                            char **args) {
  char *const *argv = NULL;
  rec->cmd_program = bsim__notify_cmdline_of(job, &argv);
  if (rec->cmd_program == NULL || argv == NULL ||
      job->mgr->opts.store_drop_notify_cmdline) {
    rec->cmd_program = NULL;
    return BSIM_S_OK;
  }
  size_t len = 0;
  for (size_t i = 0; argv[i] != NULL; i++)
    len += strlen(argv[i]) + 1;
  *args = bsim__malloc(len + 1);
  if (*args == NULL) return BSIM_E_OUTOFMEMORY;
  char *p = *args;
  for (size_t i = 0; argv[i] != NULL; i++) {
    size_t n = strlen(argv[i]) + 1;
    memcpy(p, argv[i], n);
    p += n;
  }
  rec->cmd_args = *args;
  rec->cmd_args_len = len;
  return BSIM_S_OK;
}

/* FNV-1a over the cold fields (struct bsim__store_job): a save rewrites
 * them only when this digest differs from the one last saved. NULL and ""
 * hash apart; the digest is never 0, which means "never saved". */
static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

static uint64_t mix_str(uint64_t h, const char *s) {
  if (s == NULL) return mix(h, "\1", 1);
  return mix(h, s, strlen(s) + 1);
}

static uint64_t cold_digest(const struct bsim__store_job *r) {
  uint64_t h = 0xcbf29ce484222325ull;
  const char *strs[] = {r->owner,          r->display_name, r->description,
                        r->proxy_list,     r->bypass_list,  r->cmd_program,
                        r->custom_headers, r->reply_name};
  for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
    h = mix_str(h, strs[i]);
  const uint64_t nums[] = {(uint64_t)r->owner_admin,
                           r->type,
                           (uint64_t)r->created_unix_ms,
                           r->create_seq,
                           r->security_flags,
                           r->max_bytes_per_s,
                           r->cmd_args_len,
                           r->credentials_len,
                           r->file_count};
  h = mix(h, nums, sizeof nums);
  if (r->cmd_program != NULL) h = mix(h, r->cmd_args, r->cmd_args_len);
  if (r->credentials != NULL) h = mix(h, r->credentials, r->credentials_len);
  for (uint32_t i = 0; i < r->file_count; i++) {
    h = mix_str(mix_str(h, r->files[i].remote), r->files[i].local);
    h = mix_str(h, r->files[i].validator);
    h = mix(h, &r->files[i].temp_id, sizeof r->files[i].temp_id);
    h = mix(h, &r->files[i].range_count, sizeof r->files[i].range_count);
    if (r->files[i].range_count > 0) {
      h = mix(h, r->files[i].ranges,
              r->files[i].range_count * sizeof *r->files[i].ranges);
    }
  }
  return h != 0 ? h : 1;
}

static bsim_hr save_job(bsim_manager *mgr, bsim_job *job) {
  bsim_hr hr = sync_temps(job);
  if (BSIM_FAILED(hr)) return hr;
  struct bsim__store_file one;
  struct bsim__store_file *files = &one;
  if (job->file_count > 1) {
    files = bsim__malloc(job->file_count * sizeof *files);
    if (files == NULL) return BSIM_E_OUTOFMEMORY;
  }
  struct bsim__store_job rec;
  to_record(job, files, &rec);
  char *args = NULL, *creds = NULL;
  hr = pack_cmdline(job, &rec, &args);
  if (BSIM_SUCCEEDED(hr)) hr = bsim__http_pack(job, &rec, &creds);
  uint64_t cold = cold_digest(&rec);
  rec.cold_changed = cold != job->store_cold;
  if (BSIM_SUCCEEDED(hr)) hr = mgr->store_ops->save_job(mgr->store, &rec);
  /* Until the commit, a failure rolls this back: flush forgets the
   * digests of the jobs it could not commit. */
  if (BSIM_SUCCEEDED(hr)) job->store_cold = cold;
  bsim__free(creds);
  bsim__free(args);
  if (files != &one) bsim__free(files);
  return hr;
}

static void fill_meta(bsim_manager *mgr, struct bsim__store_meta *meta) {
  memset(meta, 0, sizeof *meta);
  meta->now_ms = mgr->clock.now_ms;
  meta->wall_base_unix_ms = mgr->clock.wall_base_unix_ms;
  meta->create_seq = mgr->create_seq;
  meta->trace_seq = bsim__trace_count(mgr->trace);
}

static void trace_failure(bsim_manager *mgr, bsim_hr hr) {
  /* The caller that gets the failure can read which file and why. */
  snprintf(store_error, sizeof store_error, "%s",
           mgr->store_ops->last_error(mgr->store));
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, mgr, "store", NULL)) return;
  bsim__tr_str(&tr, "op", "commit");
  bsim__tr_hr(&tr, "hr", hr);
  bsim__tr_end(&tr);
}

/* Into the open transaction: a live job saved, a final one removed
 * (reference §13: final jobs leave the queue). A final job stays on the
 * list until a commit succeeds, so a failed commit cannot bring it back
 * after a restart. */
static bsim_hr write_job(bsim_manager *mgr, bsim_job *job) {
  if (job->mgr != mgr) return BSIM_S_OK;
  if (bsim__fsm_is_final(job->state)) {
    return mgr->store_ops->delete_job(mgr->store, job->id_text,
                                      job->create_seq);
  }
  return save_job(mgr, job);
}

bsim_hr bsim__store_flush(bsim_manager *mgr) {
  if (!mgr->store_on) return BSIM_S_OK;
  /* Nothing changed: no transaction, no fsync. */
  if (mgr->store_dirty_len == 0 && !mgr->store_pending) {
    mgr->store_due = 0;
    return BSIM_S_OK;
  }
  bsim_hr hr = BSIM_S_OK;
  for (uint32_t i = 0; i < mgr->store_dirty_len && BSIM_SUCCEEDED(hr); i++) {
    hr = write_job(mgr, mgr->store_dirty[i]);
  }
  if (BSIM_SUCCEEDED(hr)) {
    struct bsim__store_meta meta;
    fill_meta(mgr, &meta);
    hr = mgr->store_ops->commit(mgr->store, &meta);
  }
  if (BSIM_FAILED(hr)) {
    /* Everything stays pending: the next flush writes it all again, the
     * cold fields included (the rollback took them back too). */
    for (uint32_t i = 0; i < mgr->store_dirty_len; i++) {
      mgr->store_dirty[i]->store_cold = 0;
    }
    trace_failure(mgr, hr);
    return hr;
  }
  for (uint32_t i = 0; i < mgr->store_dirty_len; i++) {
    bsim_job *job = mgr->store_dirty[i];
    job->store_dirty = 0;
    bsim__job_unref(job);
  }
  mgr->store_dirty_len = 0;
  mgr->store_pending = 0;
  mgr->store_due = 0;
  mgr->store_commit_ms = mgr->clock.now_ms;
  return BSIM_S_OK;
}

void bsim__store_unlocking(bsim_manager *mgr) {
  uint64_t every = mgr->opts.store_checkpoint_ms;
  int checkpoint = every > 0 && mgr->store_dirty_len > 0 &&
                   mgr->clock.now_ms - mgr->store_commit_ms >= every;
  if (mgr->store_due || checkpoint) (void)bsim__store_flush(mgr);
}

/* Put the job on the list of jobs to save. */
static void mark(bsim_manager *mgr, bsim_job *job) {
  if (!job->store_dirty) {
    if (mgr->store_dirty_len == mgr->store_dirty_cap) {
      uint32_t cap = mgr->store_dirty_cap ? mgr->store_dirty_cap * 2 : 64;
      bsim_job **grown = bsim__realloc(mgr->store_dirty, cap * sizeof *grown);
      if (grown == NULL) {
        /* No room to wait: write it into the open transaction now. */
        (void)write_job(mgr, job);
        mgr->store_pending = 1;
        return;
      }
      mgr->store_dirty = grown;
      mgr->store_dirty_cap = cap;
    }
    bsim__job_ref(job);
    job->store_dirty = 1;
    mgr->store_dirty[mgr->store_dirty_len++] = job;
  }
}

void bsim__store_job_changed(bsim_job *job) {
  bsim_manager *mgr = job->mgr;
  if (mgr == NULL || !mgr->store_on || bsim__fsm_is_final(job->state)) {
    return;
  }
  mark(mgr, job); /* progress, a new file, a property */
}

void bsim__store_job_state(bsim_job *job, enum bsim_job_state from) {
  bsim_manager *mgr = job->mgr;
  if (mgr == NULL || !mgr->store_on) return;
  (void)from; /* every save writes the files' progress with the state */
  /* Without group commit each state change gets a transaction of its
   * own: the previous one is committed before this one is recorded, and
   * this one at the latest when the lock is released (bsim__unlock), with
   * whatever the same call changed after it (the modification time...). */
  int own = !mgr->opts.store_group_commit;
  if (own && mgr->store_due) (void)bsim__store_flush(mgr);
  mark(mgr, job); /* saved, or removed once final (write_job) */
  if (own) mgr->store_due = 1;
}

/* ---- loading ------------------------------------------------------------ */

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
  store_error[0] = '\0';
  mgr->store_ops =
      path != NULL ? &bsim__store_sqlite_ops : &bsim__store_mem_ops;
  bsim_hr hr = mgr->store_ops->open(path, &mgr->store, why, cap);
  if (BSIM_FAILED(hr)) {
    mgr->store_ops = NULL;
    snprintf(store_error, sizeof store_error, "%s", why);
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
    snprintf(store_error, sizeof store_error, "%s", why);
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

void bsim__store_close(bsim_manager *mgr) {
  if (mgr->store_ops == NULL) return;
  if (mgr->store_on) {
    /* Transfers were just stopped: keep the offsets they left. */
    for (bsim_job *j = mgr->lru_head; j != NULL; j = j->lru_next) {
      if (bsim__fsm_is_active(j->state)) bsim__store_job_changed(j);
    }
    (void)bsim__store_flush(mgr);
  }
  for (uint32_t i = 0; i < mgr->store_dirty_len; i++) {
    bsim__job_unref(mgr->store_dirty[i]);
  }
  bsim__free(mgr->store_dirty);
  mgr->store_dirty = NULL;
  mgr->store_dirty_len = mgr->store_dirty_cap = 0;
  mgr->store_ops->close(mgr->store);
  mgr->store = NULL;
  mgr->store_ops = NULL;
  mgr->store_on = 0;
}
