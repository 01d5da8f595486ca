/* bitsim — notify command lines (SetNotifyCmdLine, reference §1.5, §6).
 *
 * A job may name a program to run when it enters TRANSFERRED or ERROR and
 * its callback failed or none is registered. The program runs from an argv
 * through bsim__spawn, never through a shell, so arguments with spaces and
 * quotes arrive verbatim. Exit status 0 means delivered; anything else (or a
 * spawn that fails) retries after the job's MinimumRetryDelay. In recording
 * mode (manager option notify_cmdline_record) nothing runs: the argv is
 * recorded and traced, and the run "exits" with the status set by
 * bsim_manager_set_cmdline_record_exit (0 by default).
 */
#include <string.h>

#include "notify/notify_priv.h"

/* ---- the job's command line ---------------------------------------------*/

void bsim__notify_cmdline_clear(struct bsim__job_notify *jn) {
  bsim__free(jn->cmd_program);
  bsim_strv_free(jn->cmd_argv);
  jn->cmd_program = NULL;
  jn->cmd_argv = NULL;
}

const char *bsim__notify_cmdline_of(bsim_job *job, char *const **argv_out) {
  struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
  *argv_out = jn != NULL ? jn->cmd_argv : NULL;
  return jn != NULL ? jn->cmd_program : NULL;
}

bsim_hr bsim__notify_restore_cmdline(bsim_job *job, const char *program,
                                     const char *const *argv) {
  if (program == NULL) return BSIM_S_OK;
  struct bsim__job_notify *jn = bsim__notify_jn(job, 1);
  char *prog_copy = bsim__strdup(program);
  char **argv_copy = bsim__notify_strv_dup(argv);
  if (jn == NULL || prog_copy == NULL || argv_copy == NULL) {
    bsim__free(prog_copy);
    bsim_strv_free(argv_copy);
    return BSIM_E_OUTOFMEMORY;
  }
  bsim__notify_cmdline_clear(jn);
  jn->cmd_program = prog_copy;
  jn->cmd_argv = argv_copy;
  return BSIM_S_OK;
}

bsim_hr bsim_job_set_notify_cmdline(bsim_job *job, const char *program,
                                    const char *const *argv) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_hr hr = bsim__notify_cmdline_check(program, argv);
  if (hr != BSIM_S_OK) return hr;
  const char *just_program[2] = {program, NULL};
  char *prog_copy = bsim__strdup(program);
  char **argv_copy = NULL;
  if (program != NULL)
    argv_copy = bsim__notify_strv_dup(argv != NULL ? argv : just_program);
  if (program != NULL && (prog_copy == NULL || argv_copy == NULL)) {
    bsim__free(prog_copy);
    bsim_strv_free(argv_copy);
    return BSIM_E_OUTOFMEMORY;
  }
  bsim_manager *mgr = bsim__job_manager(job);
  if (mgr == NULL) hr = BSIM_E_INVALID_STATE;
  if (mgr != NULL) bsim__lock(mgr);
  enum bsim_job_state state = mgr ? bsim__job_state(job) : BSIM_JOB_STATE_COUNT;
  if (state == BSIM_JOB_STATE_ACKNOWLEDGED || state == BSIM_JOB_STATE_CANCELLED)
    hr = BSIM_E_INVALID_STATE; /* reference §4.3 */
  struct bsim__job_notify *jn = NULL;
  if (hr == BSIM_S_OK) {
    jn = bsim__notify_jn(job, 1);
    if (jn == NULL) hr = BSIM_E_OUTOFMEMORY;
  }
  if (hr == BSIM_S_OK) {
    bsim__notify_cmdline_clear(jn);
    jn->cmd_program = prog_copy;
    jn->cmd_argv = argv_copy;
    prog_copy = NULL;
    argv_copy = NULL;
    /* "Runs even if registered after the event" (reference §6). */
    bsim__notify_schedule(jn);
    /* Kept by the durable store (reference §13, docs/store.md). */
    bsim__store_job_changed(job);
    hr = bsim__store_flush(mgr);
  }
  if (mgr != NULL) bsim__unlock(mgr);
  bsim__free(prog_copy);
  bsim_strv_free(argv_copy);
  return hr;
}

bsim_hr bsim_job_get_notify_cmdline(bsim_job *job, char **program_out,
                                    char ***argv_out) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_manager(job);
  char *program = NULL;
  char **argv = NULL;
  bsim_hr hr = BSIM_S_OK;
  if (mgr != NULL) {
    bsim__lock(mgr);
    struct bsim__job_notify *jn = bsim__notify_jn(job, 0);
    if (jn != NULL && jn->cmd_program != NULL) {
      program = bsim__strdup(jn->cmd_program);
      argv = bsim__notify_strv_dup((const char *const *)jn->cmd_argv);
      if (program == NULL || argv == NULL) hr = BSIM_E_OUTOFMEMORY;
    }
    bsim__unlock(mgr);
  }
  if (hr != BSIM_S_OK || program_out == NULL) bsim__free(program);
  if (hr != BSIM_S_OK || argv_out == NULL) bsim_strv_free(argv);
  if (hr != BSIM_S_OK) return hr;
  if (program_out != NULL) *program_out = program;
  if (argv_out != NULL) *argv_out = argv;
  return BSIM_S_OK;
}

/* ---- running it -------------------------------------------------------- */

static struct bsim_cmdline_run *run_append(struct bsim__notify *n,
                                           struct bsim__job_notify *jn) {
  if (n->runs_len == n->runs_cap) {
    size_t cap = n->runs_cap ? n->runs_cap * 2 : 8;
    struct bsim_cmdline_run *runs = bsim__realloc(n->runs, cap * sizeof(*runs));
    if (runs == NULL) return NULL;
    n->runs = runs;
    n->runs_cap = cap;
  }
  struct bsim_cmdline_run *run = &n->runs[n->runs_len];
  memset(run, 0, sizeof(*run));
  run->program = bsim__strdup(jn->cmd_program);
  run->argv = bsim__notify_strv_dup((const char *const *)jn->cmd_argv);
  if (run->program == NULL || run->argv == NULL) {
    bsim__free(run->program);
    bsim_strv_free(run->argv);
    return NULL;
  }
  run->job_id = *bsim__job_id(jn->job);
  run->event = jn->owed;
  run->t_ms = bsim__now_ms(n->mgr);
  run->exit_status = -1;
  n->runs_len++;
  return run;
}

static void trace_launch(struct bsim__job_notify *jn, int recorded) {
  struct bsim__tr tr;
  if (!bsim__tr_begin(&tr, jn->n->mgr, "cmdline", jn->job)) return;
  bsim__tr_str(&tr, "program", jn->cmd_program);
  for (size_t i = 0; jn->cmd_argv[i] != NULL && i < 16; i++) {
    char key[16] = "argv";
    key[4] = (char)('0' + i / 10);
    key[5] = (char)('0' + i % 10);
    key[6] = '\0';
    bsim__tr_str(&tr, key, jn->cmd_argv[i]);
  }
  bsim__tr_u64(&tr, "recorded", (uint64_t)recorded);
  bsim__tr_end(&tr);
}

struct spawn_ctx {
  struct bsim__job_notify *jn;
  size_t run_index; /* SIZE_MAX when the record could not be kept */
};

static void spawn_exited(bsim_manager *mgr, void *user, int64_t exit_status,
                         int term_signal) {
  struct spawn_ctx *ctx = user;
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  struct bsim__job_notify *jn = ctx->jn;
  int64_t status = term_signal != 0 ? 128 + term_signal : exit_status;
  if (ctx->run_index < n->runs_len)
    n->runs[ctx->run_index].exit_status = status;
  bsim__free(ctx);
  n->spawns--;
  bsim__notify_cmdline_done(jn, status, BSIM_S_OK);
}

void bsim__notify_cmdline_start(struct bsim__job_notify *jn) {
  struct bsim__notify *n = jn->n;
  struct bsim_cmdline_run *run = run_append(n, jn);
  trace_launch(jn, n->cmdline_record);
  if (n->cmdline_record) {
    if (run != NULL) run->exit_status = n->record_exit_status;
    bsim__notify_cmdline_done(jn, n->record_exit_status, BSIM_S_OK);
    return;
  }
  struct spawn_ctx *ctx = bsim__malloc(sizeof(*ctx));
  if (ctx == NULL) {
    bsim__notify_cmdline_done(jn, -1, BSIM_E_OUTOFMEMORY);
    return;
  }
  ctx->jn = jn;
  ctx->run_index = run != NULL ? (size_t)(run - n->runs) : SIZE_MAX;
  bsim_hr hr =
      bsim__spawn(n->mgr, jn->cmd_program, (const char *const *)jn->cmd_argv,
                  spawn_exited, ctx);
  if (hr != BSIM_S_OK) {
    if (run != NULL) run->spawn_result = hr;
    bsim__free(ctx);
    bsim__notify_cmdline_done(jn, -1, hr);
    return;
  }
  n->spawns++;
}

void bsim__notify_cmdline_done(struct bsim__job_notify *jn, int64_t exit_status,
                               bsim_hr spawn_result) {
  struct bsim__notify_work *w = &jn->work;
  if (spawn_result != BSIM_S_OK)
    w->result = spawn_result;
  else
    w->result = exit_status == 0 ? BSIM_S_OK : BSIM_E_FAIL;
  bsim__notify_finish(jn->n, w);
}

/* ---- recorded runs ------------------------------------------------------*/

static void run_clear(struct bsim_cmdline_run *run) {
  bsim__free(run->program);
  bsim_strv_free(run->argv);
}

void bsim__notify_runs_free(struct bsim__notify *n) {
  for (size_t i = 0; i < n->runs_len; i++)
    run_clear(&n->runs[i]);
  bsim__free(n->runs);
  n->runs = NULL;
  n->runs_len = n->runs_cap = 0;
}

void bsim_cmdline_runs_free(struct bsim_cmdline_run *runs, size_t count) {
  if (runs == NULL) return;
  for (size_t i = 0; i < count; i++)
    run_clear(&runs[i]);
  bsim__free(runs);
}

static bsim_hr runs_copy(const struct bsim__notify *n,
                         struct bsim_cmdline_run **out) {
  *out = NULL;
  if (n->runs_len == 0) return BSIM_S_OK;
  struct bsim_cmdline_run *copy = bsim__calloc(n->runs_len, sizeof(*copy));
  if (copy == NULL) return BSIM_E_OUTOFMEMORY;
  for (size_t i = 0; i < n->runs_len; i++) {
    copy[i] = n->runs[i];
    copy[i].program = bsim__strdup(n->runs[i].program);
    copy[i].argv = bsim__notify_strv_dup((const char *const *)n->runs[i].argv);
    if (copy[i].program == NULL || copy[i].argv == NULL) {
      bsim_cmdline_runs_free(copy, i + 1);
      return BSIM_E_OUTOFMEMORY;
    }
  }
  *out = copy;
  return BSIM_S_OK;
}

bsim_hr bsim_manager_get_cmdline_runs(bsim_manager *mgr,
                                      struct bsim_cmdline_run **runs_out,
                                      size_t *count_out) {
  if (mgr == NULL || runs_out == NULL || count_out == NULL)
    return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  size_t count = n != NULL ? n->runs_len : 0;
  bsim_hr hr = n != NULL ? runs_copy(n, runs_out) : BSIM_S_OK;
  if (n == NULL) *runs_out = NULL;
  bsim__unlock(mgr);
  *count_out = hr == BSIM_S_OK ? count : 0;
  return hr;
}

bsim_hr bsim_manager_set_cmdline_record_exit(bsim_manager *mgr,
                                             int64_t exit_status) {
  if (mgr == NULL) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  struct bsim__notify *n = bsim__mgr_notify(mgr);
  if (n != NULL) n->record_exit_status = exit_status;
  bsim__unlock(mgr);
  return BSIM_S_OK;
}
