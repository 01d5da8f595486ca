/* bitsim — the engine's side of the durable store, saving (docs/store.md,
 * reference §12, §13); persist_load.c brings the jobs back on open.
 *
 * The engine never sees SQL: this file turns a job into a flat record for
 * the store seam (sim/store/store.h). Changes arrive through two
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
 * recorded never names bytes that are not on disk (persist_load.c cuts
 * the file back to it on open).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "store/store.h"

static _Thread_local char store_error[600];

const char *bsim_manager_store_error(void) {
  return store_error;
}

void bsim__store_set_error(const char *why) {
  snprintf(store_error, sizeof store_error, "%s", why);
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
  bsim__store_set_error(mgr->store_ops->last_error(mgr->store));
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

void bsim__store_job_state(bsim_job *job) {
  bsim_manager *mgr = job->mgr;
  if (mgr == NULL || !mgr->store_on) return;
  /* Without group commit each state change gets a transaction of its
   * own: the previous one is committed before this one is recorded, and
   * this one at the latest when the lock is released (bsim__unlock), with
   * whatever the same call changed after it (the modification time...). */
  int own = !mgr->opts.store_group_commit;
  if (own && mgr->store_due) (void)bsim__store_flush(mgr);
  mark(mgr, job); /* saved, or removed once final (write_job) */
  if (own) mgr->store_due = 1;
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
