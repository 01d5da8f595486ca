/* bitsim — per-job callback registration (SetNotifyInterface, reference
 * §1.4, §6) and the per-job failure counter.
 *
 * A registration is a copied ops table, a user pointer and a reference
 * count: the job holds one reference and each callback in flight another,
 * so a registration replaced while its callback runs on a worker is
 * finalized only after that callback returned. Finalizers never run with
 * the engine lock held: the ones this file releases run before it returns,
 * the ones released elsewhere at the next engine step.
 */
#include <string.h>

#include "notify/notify_priv.h"

static int is_final(enum bsim_job_state state) {
  return state == BSIM_JOB_STATE_ACKNOWLEDGED ||
         state == BSIM_JOB_STATE_CANCELLED;
}

/* Install reg (may be NULL) under the lock. Files owed to a registration
 * without a FileTransferred method are dropped: it cannot take them. */
static bsim_hr install(bsim_job *job, struct bsim__notify_reg *reg) {
  struct bsim__job_notify *jn = bsim__notify_jn(job, reg != NULL);
  if (jn == NULL) return reg != NULL ? BSIM_E_OUTOFMEMORY : BSIM_S_OK;
  bsim__notify_reg_release(jn->n, jn->reg);
  jn->reg = reg;
  if (reg == NULL) {
    jn->mod_pending = 0;
    return BSIM_S_OK;
  }
  if (reg->ops.file_transferred == NULL) jn->files_head = jn->files_len = 0;
  /* At least once (reference §6): a new registration gets the owed
   * JobTransferred/JobError now, whatever happened to earlier attempts. */
  if (jn->owed != BSIM_JOB_STATE_COUNT) bsim__notify_rearm(jn);
  bsim__notify_schedule(jn);
  return BSIM_S_OK;
}

bsim_hr bsim_job_set_notify(bsim_job *job, const struct bsim_notify_ops *ops,
                            void *user) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_manager(job);
  if (mgr == NULL) return BSIM_E_INVALID_STATE;
  struct bsim__notify_reg *reg = NULL;
  if (ops != NULL) {
    reg = bsim__calloc(1, sizeof(*reg));
    if (reg == NULL) return BSIM_E_OUTOFMEMORY;
    reg->ops = *ops;
    reg->user = user;
    reg->refs = 1;
  }
  bsim__lock(mgr);
  bsim_hr hr = BSIM_E_INVALID_STATE;
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  if (n != NULL && !is_final(bsim__job_state(job))) hr = install(job, reg);
  struct bsim__notify_reg *dead = n != NULL ? bsim__notify_take_dead(n) : NULL;
  if (n != NULL && n->ready_head != NULL) bsim__wake(mgr);
  bsim__unlock(mgr);
  if (hr != BSIM_S_OK) bsim__free(reg); /* not taken: no finalizer */
  bsim__notify_run_finalizers(dead);
  return hr;
}

bsim_hr bsim_job_get_notify(bsim_job *job, struct bsim_notify_ops *ops_out,
                            void **user_out) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_manager(job);
  struct bsim__notify_reg *reg = NULL;
  struct bsim_notify_ops ops;
  void *user = NULL;
  memset(&ops, 0, sizeof(ops));
  if (mgr != NULL) {
    bsim__lock(mgr);
    struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
    reg = jn != NULL ? jn->reg : NULL;
    if (reg != NULL) {
      ops = reg->ops;
      user = reg->user;
    }
    bsim__unlock(mgr);
  }
  if (ops_out != NULL) *ops_out = ops;
  if (user_out != NULL) *user_out = user;
  return reg != NULL ? BSIM_S_OK : BSIM_S_FALSE;
}

uint32_t bsim__notify_failures(bsim_job *job) {
  struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
  return jn != NULL ? jn->failures : 0;
}

bsim_hr bsim__notify_restore_failures(bsim_job *job, uint32_t failures) {
  if (failures == 0) return BSIM_S_OK;
  struct bsim__job_notify *jn = bsim__notify_jn(job, 1);
  if (jn == NULL) return BSIM_E_OUTOFMEMORY;
  jn->failures = failures;
  return BSIM_S_OK;
}

bsim_hr bsim_job_get_notify_failures(bsim_job *job, uint32_t *out) {
  if (job == NULL || out == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_manager(job);
  *out = 0;
  if (mgr == NULL) return BSIM_S_OK;
  bsim__lock(mgr);
  struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
  if (jn != NULL) *out = jn->failures;
  bsim__unlock(mgr);
  return BSIM_S_OK;
}
