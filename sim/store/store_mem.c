/* bitsim — the in-memory store: the default when no store_path is given.
 *
 * The job queue then lives and dies with the manager (manual and auto
 * modes, benchmarks): every operation succeeds and keeps nothing, so the
 * engine runs one code path with or without durability.
 */
#include <stdio.h>

#include "internal.h"
#include "store/store.h"

static bsim_hr mem_open(const char *path, void **ctx_out, char *why,
                        size_t cap) {
  (void)path;
  if (cap > 0) why[0] = '\0';
  *ctx_out = NULL;
  return BSIM_S_OK;
}

static bsim_hr mem_load(void *ctx, struct bsim__store_meta *meta,
                        bsim__store_job_cb cb, void *user) {
  (void)ctx;
  (void)cb;
  (void)user;
  meta->present = 0;
  return BSIM_S_OK;
}

static bsim_hr mem_save_job(void *ctx, const struct bsim__store_job *rec) {
  (void)ctx;
  (void)rec;
  return BSIM_S_OK;
}

static bsim_hr mem_delete_job(void *ctx, const char *id, uint64_t seq) {
  (void)ctx;
  (void)id;
  (void)seq;
  return BSIM_S_OK;
}

static bsim_hr mem_commit(void *ctx, const struct bsim__store_meta *meta) {
  (void)ctx;
  (void)meta;
  return BSIM_S_OK;
}

static const char *mem_last_error(void *ctx) {
  (void)ctx;
  return "";
}

static void mem_close(void *ctx) {
  (void)ctx;
}

const struct bsim__store_ops bsim__store_mem_ops = {
    .name = "memory",
    .open = mem_open,
    .load = mem_load,
    .save_job = mem_save_job,
    .delete_job = mem_delete_job,
    .commit = mem_commit,
    .last_error = mem_last_error,
    .close = mem_close,
};
