/* bitsim — the life-cycle methods of a job: AddFile/AddFileSet, Resume,
 * Suspend, Cancel, Complete, and the per-file getters (reference §1.4,
 * §1.9, §4.2, §4.3, §8, §9, §10).
 *
 * Order of checks in every method: arguments first (NULL, malformed,
 * over-long: E_INVALIDARG and friends), then legality in the job's state
 * from the transition table (BG_E_INVALID_STATE), then quotas and the
 * local disk. A failed call changes nothing.
 *
 * Temporary files (reference §1.9, §8): a download's bytes go to
 * BIT<8 hex digits>.tmp in the destination directory until Complete
 * renames each finished file into place and deletes the rest; Cancel and
 * inactivity scavenging delete them all. The hex comes from the manager's
 * PRNG, so names are reproducible for a seed.
 */
#include <string.h>
#include <strings.h>

#include "engine/engine.h"

/* Administrators are exempt from MaxFilesPerJob (reference §12), but the
 * engine still bounds every collection (style B.8). */
#define HARD_MAX_FILES_PER_JOB 1000000u

/* The state check: detached jobs and illegal events (reference §4.3). */
static int legal(const bsim_job *job, enum bsim__fsm_event ev, int *to) {
  if (job->mgr == NULL) return 0;
  *to = bsim__fsm_next((enum bsim_job_state)job->state, ev);
  return *to != BSIM__FSM_ILLEGAL;
}

/* ---- file names (reference §1.4, §9, §10) ------------------------------- */

static int has_prefix(const char *s, const char *prefix) {
  return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bsim_hr check_remote(const char *remote, enum bsim_job_type type) {
  if (remote == NULL || remote[0] == '\0') return BSIM_E_INVALIDARG;
  int64_t chars = bsim__utf8_chars(remote);
  if (chars < 0 || chars > BSIM_MAX_URL_CHARS) return BSIM_E_INVALIDARG;
  const char *rest = NULL;
  if (has_prefix(remote, "http://")) rest = remote + 7;
  if (has_prefix(remote, "https://")) rest = remote + 8;
  if (rest != NULL) {
    /* A host must follow the scheme. */
    return rest[0] != '\0' && rest[0] != '/' ? BSIM_S_OK : BSIM_E_INVALIDARG;
  }
  /* Upload-reply jobs: HTTP(S) only (reference §9). */
  if (type == BSIM_JOB_TYPE_UPLOAD_REPLY) return BSIM_E_INVALIDARG;
  const char *path = has_prefix(remote, "file://") ? remote + 7 : remote;
  /* A local or file:// name: an absolute path, no wildcards (§10). */
  if (path[0] != '/' || strpbrk(path, "*?") != NULL) return BSIM_E_INVALIDARG;
  return BSIM_S_OK;
}

static bsim_hr check_local(const char *local) {
  if (local == NULL || local[0] == '\0') return BSIM_E_INVALIDARG;
  int64_t chars = bsim__utf8_chars(local);
  /* Absolute, at most MAX_PATH, naming a file (§1.4, §10). */
  if (chars < 0 || chars > BSIM_MAX_PATH_CHARS) return BSIM_E_INVALIDARG;
  if (local[0] != '/' || local[strlen(local) - 1] == '/') {
    return BSIM_E_INVALIDARG;
  }
  return BSIM_S_OK;
}

static bsim_hr check_files(bsim_job *job, uint32_t count,
                           const struct bsim_file_info *files) {
  for (uint32_t i = 0; i < count; i++) {
    bsim_hr hr =
        check_remote(files[i].remote_name, (enum bsim_job_type)job->type);
    if (BSIM_FAILED(hr)) return hr;
    hr = check_local(files[i].local_name);
    if (BSIM_FAILED(hr)) return hr;
  }
  return BSIM_S_OK;
}

bsim_hr bsim__job_check_names(bsim_job *job, const char *remote,
                              const char *local) {
  struct bsim_file_info info = {remote, local};
  return check_files(job, 1, &info);
}

bsim_hr bsim__job_check_add(bsim_job *job, uint32_t count,
                            const struct bsim_file_info *files) {
  int to;
  if (!legal(job, BSIM__EV_ADD_FILE, &to)) return BSIM_E_INVALID_STATE;
  /* Reference §9: an upload job holds exactly one file; nothing is added
   * when a set would pass that. */
  if (job->type != BSIM_JOB_TYPE_DOWNLOAD && job->file_count + count > 1) {
    return BSIM_E_TOO_MANY_FILES;
  }
  uint64_t total = (uint64_t)job->file_count + count;
  uint32_t max = job->owner->is_admin ? HARD_MAX_FILES_PER_JOB
                                      : job->mgr->opts.max_files_per_job;
  if (total > max) return BSIM_E_TOO_MANY_FILES_IN_JOB;
  for (uint32_t i = 0; i < count; i++) {
    /* Downloads write into the local directory; an upload reads from it. */
    if (job->type != BSIM_JOB_TYPE_DOWNLOAD) break;
    bsim_hr hr = bsim__fs_check_parent(job->mgr, files[i].local_name);
    if (BSIM_FAILED(hr)) return hr;
  }
  return BSIM_S_OK;
}

/* Allocate everything first, then commit: all or nothing. */
bsim_hr bsim__job_append_files(bsim_job *job, uint32_t count,
                               const struct bsim_file_info *files) {
  uint32_t need = job->file_count + count;
  if (need == 1 && job->file_cap == 0) {
    job->files = &job->file0; /* the inline record */
    job->file_cap = 1;
  } else if (need > job->file_cap) {
    uint32_t cap = job->file_cap < 2 ? 2 : job->file_cap;
    while (cap < need)
      cap *= 2;
    int inline_rec = job->files == &job->file0;
    struct bsim__file *grown = bsim__realloc(inline_rec ? NULL : job->files,
                                             (size_t)cap * sizeof *grown);
    if (grown == NULL) return BSIM_E_OUTOFMEMORY;
    if (inline_rec && job->file_count == 1) grown[0] = job->file0;
    job->files = grown;
    job->file_cap = cap;
  }
  uint32_t i = 0;
  for (; i < count; i++) {
    size_t rlen = strlen(files[i].remote_name) + 1;
    size_t llen = strlen(files[i].local_name) + 1;
    char *block = bsim__malloc(rlen + llen);
    if (block == NULL) break;
    memcpy(block, files[i].remote_name, rlen);
    memcpy(block + rlen, files[i].local_name, llen);
    struct bsim__file *f = &job->files[job->file_count + i];
    memset(f, 0, sizeof *f);
    f->remote = block;
    f->local = block + rlen;
    f->bytes_total = BSIM_SIZE_UNKNOWN;
  }
  if (i < count) {
    while (i-- > 0)
      bsim__free(job->files[job->file_count + i].remote);
    return BSIM_E_OUTOFMEMORY;
  }
  for (i = 0; i < count; i++) {
    job->files[job->file_count + i].temp_id =
        (uint32_t)bsim__prng_next(&job->mgr->prng);
  }
  job->file_count = need;
  return BSIM_S_OK;
}

static bsim_hr add_files(bsim_job *job, uint32_t count,
                         const struct bsim_file_info *files, const char *call) {
  bsim_hr hr = check_files(job, count, files);
  if (BSIM_FAILED(hr)) return hr;
  bsim_manager *mgr = bsim__job_lock(job);
  hr = job->mgr == NULL ? BSIM_E_INVALID_STATE
                        : bsim__job_check_add(job, count, files);
  if (BSIM_SUCCEEDED(hr)) hr = bsim__job_append_files(job, count, files);
  if (BSIM_SUCCEEDED(hr)) {
    /* A TRANSFERRED job stays TRANSFERRED until Resume (reference §4.2;
     * the state after AddFile alone is unconfirmed, §15). An active job
     * picks the new files up after its current one. */
    bsim__job_touch(job);
    bsim__notify_modified(job);
  }
  return bsim__job_unlock(mgr, call, job, hr);
}

bsim_hr bsim_job_add_file(bsim_job *job, const char *remote_name,
                          const char *local_name) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  struct bsim_file_info info = {remote_name, local_name};
  return add_files(job, 1, &info, "add_file");
}

bsim_hr bsim_job_add_file_set(bsim_job *job, uint32_t count,
                              const struct bsim_file_info *files) {
  if (job == NULL || count == 0 || files == NULL) return BSIM_E_INVALIDARG;
  return add_files(job, count, files, "add_file_set");
}

/* ---- per-file getters --------------------------------------------------- */

uint32_t bsim_job_file_count(bsim_job *job) {
  if (job == NULL) return 0;
  bsim_manager *mgr = bsim__job_lock(job);
  uint32_t n = job->file_count;
  if (mgr != NULL) bsim__unlock(mgr);
  return n;
}

static bsim_hr file_string(bsim_job *job, uint32_t index, char **out, int which,
                           const char *call) {
  if (job == NULL || out == NULL) return BSIM_E_INVALIDARG;
  *out = NULL;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_OK;
  if (index >= job->file_count) {
    hr = BSIM_E_INVALIDARG;
  } else if (which == 2) {
    char path[BSIM_MAX_PATH_CHARS * 4 + 32];
    bsim__job_temp_path(job, index, path, sizeof path);
    *out = bsim__strdup(path);
  } else {
    const struct bsim__file *f = &job->files[index];
    *out = bsim__strdup(which == 0 ? f->remote : f->local);
  }
  if (BSIM_SUCCEEDED(hr) && *out == NULL) hr = BSIM_E_OUTOFMEMORY;
  return bsim__job_unlock(mgr, call, job, hr);
}

bsim_hr bsim_file_get_remote_name(bsim_job *job, uint32_t index, char **out) {
  return file_string(job, index, out, 0, "file_get_remote_name");
}

bsim_hr bsim_file_get_local_name(bsim_job *job, uint32_t index, char **out) {
  return file_string(job, index, out, 1, "file_get_local_name");
}

bsim_hr bsim_file_get_temporary_name(bsim_job *job, uint32_t index,
                                     char **out) {
  return file_string(job, index, out, 2, "file_get_temporary_name");
}

bsim_hr bsim_file_get_progress(bsim_job *job, uint32_t index,
                               struct bsim_file_progress *out) {
  if (job == NULL || out == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_OK;
  if (index >= job->file_count) {
    hr = BSIM_E_INVALIDARG;
  } else {
    const struct bsim__file *f = &job->files[index];
    out->bytes_total = f->bytes_total;
    out->bytes_transferred = f->bytes_done;
    /* Reference §2.12: a download is Completed once Complete renamed it;
     * an upload once it finished. */
    out->completed =
        job->type == BSIM_JOB_TYPE_DOWNLOAD ? f->completed : f->transferred;
  }
  return bsim__job_unlock(mgr, "file_get_progress", job, hr);
}

/* ---- Resume and Suspend (reference §4.2, §4.3) -------------------------- */

static bsim_hr resume_locked(bsim_job *job) {
  int to;
  if (!legal(job, BSIM__EV_RESUME, &to)) return BSIM_E_INVALID_STATE;
  if (to == BSIM__FSM_SAME) return BSIM_S_OK;
  if (job->state == BSIM_JOB_STATE_SUSPENDED && job->file_count == 0) {
    return BSIM_E_EMPTY; /* stays SUSPENDED [wine-test] */
  }
  if (job->state == BSIM_JOB_STATE_TRANSFERRED &&
      bsim__job_first_pending(job) == job->file_count) {
    /* Nothing new to transfer (reference §4.3 note 3, unconfirmed). */
    return job->mgr->opts.resume_transferred_returns_empty ? BSIM_E_EMPTY
                                                           : BSIM_S_OK;
  }
  /* "Retry immediately (error cleared)"; Resume also restarts the
   * no-progress clock and the MaximumDownloadTime accumulator (§5). */
  job->has_error = 0;
  job->net_error = 0;
  job->noprog_since_ms = UINT64_MAX;
  job->active_acc_ms = 0;
  if (job->type == BSIM_JOB_TYPE_UPLOAD_REPLY) bsim__reply_resumed(job);
  bsim__fsm_fire(job, BSIM__EV_RESUME);
  bsim__job_touch(job);
  bsim__sched_kick(job->mgr);
  return BSIM_S_OK;
}

bsim_hr bsim_job_resume(bsim_job *job) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  return bsim__job_unlock(mgr, "resume", job, resume_locked(job));
}

static bsim_hr suspend_locked(bsim_job *job) {
  int to;
  if (!legal(job, BSIM__EV_SUSPEND, &to)) return BSIM_E_INVALID_STATE;
  if (to == BSIM__FSM_SAME) return BSIM_S_OK;
  if ((job->state == BSIM_JOB_STATE_ERROR ||
       job->state == BSIM_JOB_STATE_TRANSFERRED) &&
      job->mgr->opts.suspend_keeps_stopped) {
    return BSIM_S_OK; /* reference §4.3 note 4, unconfirmed */
  }
  bsim__fsm_fire(job, BSIM__EV_SUSPEND);
  bsim__job_touch(job);
  return BSIM_S_OK;
}

bsim_hr bsim_job_suspend(bsim_job *job) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  return bsim__job_unlock(mgr, "suspend", job, suspend_locked(job));
}

/* ---- Cancel and Complete (reference §8) --------------------------------- */

static void trace_file_op(bsim_job *job, const char *op, uint32_t index,
                          bsim_hr hr) {
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, job->mgr, "file", job)) return;
  bsim__tr_str(&tr, "op", op);
  bsim__tr_u64(&tr, "file", index);
  bsim__tr_hr(&tr, "hr", hr);
  bsim__tr_end(&tr);
}

int bsim__job_delete_temps(bsim_job *job) {
  int failed = 0;
  /* Uploads leave the source alone; upload-reply drops the reply (§8). */
  if (job->type == BSIM_JOB_TYPE_UPLOAD_REPLY) {
    return bsim__reply_delete_temp(job);
  }
  if (job->type != BSIM_JOB_TYPE_DOWNLOAD) return 0;
  for (uint32_t i = 0; i < job->file_count; i++) {
    struct bsim__file *f = &job->files[i];
    if (!f->temp_made || f->completed) continue;
    char path[BSIM_MAX_PATH_CHARS * 4 + 32];
    bsim__job_temp_path(job, i, path, sizeof path);
    bsim_hr hr = bsim__fs_unlink(job->mgr, path);
    trace_file_op(job, "delete", i, hr);
    if (BSIM_FAILED(hr)) {
      failed = 1;
    } else {
      f->temp_made = 0;
    }
  }
  return failed ? -1 : 0;
}

/* The transports forget what they kept for the job's files (download
 * validators, upload sessions); an unfinished upload sends Cancel-Session
 * (reference §8, §9.1). After the exit hooks stopped the transfer. */
void bsim__job_forget_files(bsim_job *job) {
  for (uint32_t i = 0; i < job->file_count; i++) {
    const char *url = job->files[i].remote;
    const struct bsim__transport *t = bsim__transport_for(job->mgr, url);
    if (t != NULL && t->ops->forget != NULL) {
      t->ops->forget(t->ctx, job, i, url);
    }
  }
}

static bsim_hr cancel_locked(bsim_job *job) {
  int to;
  if (!legal(job, BSIM__EV_CANCEL, &to)) return BSIM_E_INVALID_STATE;
  /* The caller's reference keeps the job alive past the final state. The
   * exit hooks stop any transfer in flight before files go. */
  bsim__fsm_fire(job, BSIM__EV_CANCEL);
  bsim__job_forget_files(job);
  return bsim__job_delete_temps(job) != 0 ? BSIM_S_UNABLE_TO_DELETE_FILES
                                          : BSIM_S_OK;
}

bsim_hr bsim_job_cancel(bsim_job *job) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  return bsim__job_unlock(mgr, "cancel", job, cancel_locked(job));
}

/* Rename every finished file not yet in place. On the first failure stop
 * and return it; files renamed so far stay completed (reference §8). */
static bsim_hr rename_finished(bsim_job *job) {
  for (uint32_t i = 0; i < job->file_count; i++) {
    struct bsim__file *f = &job->files[i];
    if (!f->transferred || f->completed) continue;
    if (bsim__fs_virtual(job->mgr)) {
      trace_file_op(job, "rename", i, BSIM_S_OK);
      f->completed = 1;
      continue;
    }
    char path[BSIM_MAX_PATH_CHARS * 4 + 32];
    bsim__job_temp_path(job, i, path, sizeof path);
    if (!f->temp_made) {
      /* A file whose transfer wrote nothing (size 0) still exists. */
      bsim_hr hr = bsim__fs_create(job->mgr, path);
      if (BSIM_FAILED(hr)) return hr;
      f->temp_made = 1;
    }
    bsim_hr hr = bsim__fs_rename(job->mgr, path, f->local);
    trace_file_op(job, "rename", i, hr);
    if (BSIM_FAILED(hr)) return hr;
    f->completed = 1;
    f->temp_made = 0;
  }
  return BSIM_S_OK;
}

static bsim_hr complete_download(bsim_job *job) {
  /* Bytes in flight are not part of any finished file; stop the transfer
   * so its temporary file is quiet before we touch it. If a rename fails
   * the job stays where it was and an active one starts its file again
   * from the bytes it kept. */
  bsim__sched_stop_xfer(job);
  bsim_hr hr = rename_finished(job);
  if (BSIM_FAILED(hr)) return hr;
  int partial = bsim__job_first_pending(job) != job->file_count;
  bsim__fsm_fire(job, BSIM__EV_COMPLETE);
  if (bsim__job_delete_temps(job) != 0) return BSIM_S_UNABLE_TO_DELETE_FILES;
  return partial ? BSIM_S_PARTIAL_COMPLETE : BSIM_S_OK;
}

static bsim_hr complete_locked(bsim_job *job) {
  int to;
  if (job->type != BSIM_JOB_TYPE_DOWNLOAD) {
    /* Upload and upload-reply: only from TRANSFERRED (reference §4.3). */
    if (!legal(job, BSIM__EV_COMPLETE_UPLOAD, &to)) {
      return BSIM_E_INVALID_STATE;
    }
    if (job->type == BSIM_JOB_TYPE_UPLOAD_REPLY) {
      /* The reply file becomes available (§8); on failure stay. */
      bsim_hr hr = bsim__reply_complete(job);
      if (BSIM_FAILED(hr)) return hr;
    }
    bsim__fsm_fire(job, BSIM__EV_COMPLETE_UPLOAD);
    return BSIM_S_OK;
  }
  if (!legal(job, BSIM__EV_COMPLETE, &to)) return BSIM_E_INVALID_STATE;
  return complete_download(job);
}

bsim_hr bsim_job_complete(bsim_job *job) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  return bsim__job_unlock(mgr, "complete", job, complete_locked(job));
}
