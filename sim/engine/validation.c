/* bitsim — content validation and the source of a file's bytes
 * (IBackgroundCopyFile3/4, reference §1.9, §7, §11).
 *
 * An application checks a finished file (FileTransferred, then
 * GetTemporaryName) and says whether its content is good. Accepting marks
 * it validated. Rejecting depends on where the bytes came from:
 *   - the origin: the job goes to ERROR with BG_E_VALIDATION_FAILED and the
 *     file's progress goes back to 0; Resume fetches it again (event
 *     VALIDATE_REJECT);
 *   - a peer: the peer's copy is dropped (bsim__model_peer_drop), the
 *     progress goes back to 0 and the file is fetched again from the
 *     origin, FileTransferred firing again when it finishes. A TRANSFERRED
 *     job goes back to QUEUED (event VALIDATE_REJECT_PEER), or to
 *     SUSPENDED with the option peer_reject_suspends: the reference leaves
 *     the state unconfirmed (§15). In any other state the file simply waits
 *     for the job's next transfer.
 * Complete validates implicitly: a file Complete renamed into place reads
 * as validated. GetValidationState 0 may mean "never set" (§7).
 *
 * "From a peer" means that a byte now in the temporary file came from a
 * peer (IsDownloadedFromPeer, §7). The byte counters behind
 * GetPeerDownloadStats count every byte fetched over the file's life, a
 * rejected content included, so after a rejected peer copy they show both
 * sources. The error of an origin rejection carries context REMOTE_FILE and
 * the file's index; which context BITS reports is not documented.
 */
#include <stddef.h>

#include "engine/engine.h"

void bsim__valid_on_progress(struct bsim__file *f, uint64_t before,
                             uint64_t after) {
  if (after == 0) f->peer_held = 0; /* started again from byte 0 */
  if (after <= before) return;
  if (f->from_peer) {
    f->bytes_peers += after - before;
    f->peer_held = 1;
  } else {
    f->bytes_origin += after - before;
  }
}

static void trace_validate(bsim_job *job, uint32_t index, int valid,
                           int from_peer) {
  struct bsim__tr tr;
  if (!BSIM__TR_BEGIN(&tr, job->mgr, "validate", job)) return;
  bsim__tr_u64(&tr, "file", index);
  bsim__tr_u64(&tr, "valid", valid != 0);
  bsim__tr_str(&tr, "source", from_peer ? "peer" : "origin");
  bsim__tr_end(&tr);
}

/* The file's content is gone: nothing transferred, nothing held. */
static void reset_file(bsim_job *job, uint32_t index) {
  struct bsim__file *f = &job->files[index];
  f->transferred = 0;
  f->bytes_done = 0;
  f->valid = 0;
  f->peer_held = 0;
  if (f->temp_made && !bsim__fs_virtual(job->mgr)) {
    char path[BSIM_MAX_PATH_CHARS * 4 + 32];
    bsim__job_temp_path(job, index, path, sizeof path);
    /* A failure leaves stale bytes that the next transfer overwrites from
     * offset 0; nothing depends on the cut. */
    (void)bsim__fs_truncate(job->mgr, path, 0);
  }
}

static void reject_origin(bsim_job *job, uint32_t index) {
  bsim__job_set_error(job, BSIM_E_VALIDATION_FAILED,
                      BSIM_ERROR_CONTEXT_REMOTE_FILE, (int32_t)index, 0);
  reset_file(job, index);
  if (bsim__fsm_next((enum bsim_job_state)job->state,
                     BSIM__EV_VALIDATE_REJECT) == BSIM__FSM_SAME) {
    bsim__job_touch(job);
    bsim__notify_modified(job);
    return;
  }
  bsim__fsm_fire(job, BSIM__EV_VALIDATE_REJECT);
}

static void reject_peer(bsim_job *job, uint32_t index) {
  bsim__model_peer_drop(job->mgr, job->files[index].remote);
  reset_file(job, index);
  bsim__job_touch(job);
  if (job->state != BSIM_JOB_STATE_TRANSFERRED) {
    /* The file waits for the job's next transfer (the pending file after
     * the current one, or the next Resume). */
    bsim__notify_modified(job);
    return;
  }
  bsim__fsm_fire(job, job->mgr->opts.peer_reject_suspends
                          ? BSIM__EV_SUSPEND
                          : BSIM__EV_VALIDATE_REJECT_PEER);
}

static bsim_hr set_locked(bsim_job *job, uint32_t index, int valid) {
  if (job->mgr == NULL || bsim__fsm_is_final(job->state)) {
    return BSIM_E_INVALID_STATE;
  }
  if (index >= job->file_count) return BSIM_E_INVALIDARG;
  struct bsim__file *f = &job->files[index];
  if (!f->transferred) return BSIM_E_PENDING; /* §7 */
  int from_peer = f->peer_held;
  trace_validate(job, index, valid, from_peer);
  if (valid) {
    f->valid = 1;
    return BSIM_S_OK;
  }
  /* The caller's reference keeps the job alive across the change. */
  if (from_peer) {
    reject_peer(job, index);
  } else {
    reject_origin(job, index);
  }
  return BSIM_S_OK;
}

bsim_hr bsim_file_set_validation_state(bsim_job *job, uint32_t index,
                                       int valid) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr =
      mgr == NULL ? BSIM_E_INVALID_STATE : set_locked(job, index, valid);
  return bsim__job_unlock(mgr, "file_set_validation_state", job, hr);
}

/* What the getters read, under the lock. */
enum file_fact { FACT_VALID, FACT_FROM_PEER };

static bsim_hr get_fact(bsim_job *job, uint32_t index, int *out,
                        enum file_fact fact, const char *call) {
  if (job == NULL || out == NULL) return BSIM_E_INVALIDARG;
  *out = 0;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_OK;
  if (index >= job->file_count) {
    hr = BSIM_E_INVALIDARG;
  } else {
    const struct bsim__file *f = &job->files[index];
    /* Complete validates every file it renames into place (§7). */
    *out = fact == FACT_VALID ? (f->valid || f->completed) : f->peer_held;
  }
  return bsim__job_unlock(mgr, call, job, hr);
}

bsim_hr bsim_file_get_validation_state(bsim_job *job, uint32_t index,
                                       int *out) {
  return get_fact(job, index, out, FACT_VALID, "file_get_validation_state");
}

bsim_hr bsim_file_is_downloaded_from_peer(bsim_job *job, uint32_t index,
                                          int *out) {
  return get_fact(job, index, out, FACT_FROM_PEER,
                  "file_is_downloaded_from_peer");
}

bsim_hr bsim_file_get_peer_download_stats(bsim_job *job, uint32_t index,
                                          uint64_t *from_origin,
                                          uint64_t *from_peers) {
  if (job == NULL || (from_origin == NULL && from_peers == NULL)) {
    return BSIM_E_INVALIDARG;
  }
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_OK;
  if (index >= job->file_count) {
    hr = BSIM_E_INVALIDARG;
  } else {
    const struct bsim__file *f = &job->files[index];
    if (from_origin != NULL) *from_origin = f->bytes_origin;
    if (from_peers != NULL) *from_peers = f->bytes_peers;
  }
  return bsim__job_unlock(mgr, "file_get_peer_download_stats", job, hr);
}
