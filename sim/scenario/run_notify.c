/* Scenario callbacks and command lines: `callback` registers a scripted
 * callback table (reference §6) whose methods return the listed codes in
 * turn, optionally complete, cancel or resume the job, hold their slot for
 * virtual time, and count their calls; `cmdline` sets the notify command
 * line; `expect JOB callback` and `expect JOB cmdline` check the counts. */
#include <stdlib.h>
#include <string.h>

#include "scenario/run_internal.h"

enum { M_TRANSFERRED, M_ERROR, M_MODIFICATION, M_FILE, M_COUNT };

struct scn_method {
  bsim_hr codes[16];
  size_t code_count;
  uint32_t calls;
  uint32_t failures;
};

struct scn_callback {
  struct scn_method m[M_COUNT];
  char then[16];
  char on_error[16];
  uint64_t block_ms;
  bsim_hr action_hr; /* of the last then/on-error action */
};

static bsim_hr next_code(struct scn_method *m) {
  bsim_hr hr = BSIM_S_OK;
  if (m->code_count > 0) {
    size_t i = m->calls < m->code_count ? m->calls : m->code_count - 1;
    hr = m->codes[i];
  }
  m->calls++;
  m->failures += hr != BSIM_S_OK;
  return hr;
}

static bsim_hr called(bsim_job *job, struct scn_callback *cb, int method) {
  bsim_hr hr = next_code(&cb->m[method]);
  if (cb->block_ms > 0) (void)bsim_notify_hold(job, cb->block_ms);
  return hr;
}

static bsim_hr on_transferred(bsim_job *job, void *user) {
  struct scn_callback *cb = user;
  bsim_hr hr = called(job, cb, M_TRANSFERRED);
  /* A callback that fails has not done its work (users reference §1.2). */
  if (hr == BSIM_S_OK && strcmp(cb->then, "complete") == 0) {
    cb->action_hr = bsim_job_complete(job); /* traced as an API call */
  } else if (hr == BSIM_S_OK && strcmp(cb->then, "cancel") == 0) {
    cb->action_hr = bsim_job_cancel(job); /* traced as an API call */
  }
  return hr;
}

static bsim_hr on_error(bsim_job *job, const struct bsim_job_error *err,
                        void *user) {
  struct scn_callback *cb = user;
  (void)err;
  bsim_hr hr = called(job, cb, M_ERROR);
  if (hr == BSIM_S_OK && strcmp(cb->on_error, "cancel") == 0) {
    cb->action_hr = bsim_job_cancel(job); /* traced as an API call */
  } else if (hr == BSIM_S_OK && strcmp(cb->on_error, "resume") == 0) {
    cb->action_hr = bsim_job_resume(job); /* traced as an API call */
  }
  return hr;
}

static bsim_hr on_modification(bsim_job *job, void *user) {
  (void)job;
  return next_code(&((struct scn_callback *)user)->m[M_MODIFICATION]);
}

static bsim_hr on_file(bsim_job *job, uint32_t index, void *user) {
  (void)index;
  return called(job, user, M_FILE);
}

static void parse_codes(const char *text, struct scn_method *m) {
  char one[96];
  m->code_count = 0;
  for (const char *p = text; p != NULL && *p != '\0' && m->code_count < 16;) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    snprintf(one, sizeof one, "%.*s", (int)len, p);
    bsim_hr_parse(one, &m->codes[m->code_count++]); /* checked at parse */
    p = comma != NULL ? comma + 1 : NULL;
  }
}

static int run_callback(struct runner *r, struct scn_job *j) {
  const struct scn_stmt *st = r->stmt;
  struct scn_callback *cb = calloc(1, sizeof *cb);
  if (cb == NULL) return bsim__scn_stop(r, BSIM_E_OUTOFMEMORY, "callback");
  static const char *const keys[M_COUNT] = {"transferred", "error",
                                            "modification", "file"};
  for (int i = 0; i < M_COUNT; i++)
    parse_codes(bsim__scn_opt(st, keys[i]), &cb->m[i]);
  const char *v = bsim__scn_opt(st, "then");
  snprintf(cb->then, sizeof cb->then, "%s", v != NULL ? v : "none");
  v = bsim__scn_opt(st, "on-error");
  snprintf(cb->on_error, sizeof cb->on_error, "%s", v != NULL ? v : "none");
  if ((v = bsim__scn_opt(st, "block")) != NULL) {
    bsim__scn_duration_ms(v, &cb->block_ms);
  }
  if (bsim__scn_opt(st, "validate") != NULL &&
      strcmp(bsim__scn_opt(st, "validate"), "none") != 0) {
    free(cb);
    return bsim__scn_stop(r, BSIM_E_NOTIMPL,
                          "validate= needs SetValidationState, which this "
                          "build does not have");
  }
  struct bsim_notify_ops ops = {on_transferred, on_error, on_modification,
                                on_file,        NULL,     NULL};
  bsim_hr hr = bsim_job_set_notify(j->job, &ops, cb);
  if (BSIM_FAILED(hr)) {
    free(cb);
    return bsim__scn_result(r, "SetNotifyInterface", hr);
  }
  /* The old table stays alive until the runner ends: the dispatcher may
   * still be finishing a call into it. */
  if (j->callback != NULL) {
    struct scn_callback **keep =
        realloc(r->retired, (r->retired_count + 1) * sizeof *keep);
    if (keep == NULL) return bsim__scn_stop(r, BSIM_E_OUTOFMEMORY, "callback");
    r->retired = keep;
    r->retired[r->retired_count++] = j->callback;
  }
  j->callback = cb;
  return bsim__scn_result(r, "SetNotifyInterface", hr);
}

static int run_cmdline(struct runner *r, struct scn_job *j) {
  const char *argv[SCN_ARGS_MAX + 1];
  size_t n = 0;
  for (size_t p = 1; bsim__scn_pos(r->stmt, p) != NULL; p++) {
    argv[n++] = bsim__scn_pos(r->stmt, p);
  }
  argv[n] = NULL;
  return bsim__scn_result(r, "SetNotifyCmdLine",
                          bsim_job_set_notify_cmdline(j->job, argv[0], argv));
}

int bsim__scn_run_notify_cmd(struct runner *r) {
  struct scn_job *j = bsim__scn_job(r, bsim__scn_pos(r->stmt, 0));
  if (j == NULL) return SCN_STOP;
  const char *name = r->stmt->cmd->name;
  if (strcmp(name, "callback") == 0) return run_callback(r, j);
  if (strcmp(name, "cmdline") == 0) return run_cmdline(r, j);
  return bsim__scn_stop(r, BSIM_E_NOTIMPL,
                        "validate needs SetValidationState, "
                        "which this build does not have");
}

static int method_index(const char *name) {
  static const char *const names[M_COUNT] = {
      "JobTransferred", "JobError", "JobModification", "FileTransferred"};
  for (int i = 0; i < M_COUNT; i++) {
    if (strcmp(names[i], name) == 0) return i;
  }
  return -1;
}

static void expect_count(struct runner *r, const char *what, const char *key,
                         uint64_t have) {
  const char *v = bsim__scn_opt(r->stmt, key);
  uint64_t want = 0;
  if (v != NULL && bsim__scn_count(v, &want) == 0 && want != have) {
    bsim__scn_expect_failed(r, "%s: %s=%llu, expected %llu", what, key,
                            (unsigned long long)have, (unsigned long long)want);
  }
}

static uint64_t cmdline_runs(struct runner *r, struct scn_job *j) {
  struct bsim_cmdline_run *runs = NULL;
  size_t count = 0;
  bsim_guid id;
  uint64_t n = 0;
  if (BSIM_FAILED(bsim_job_get_id(j->job, &id)) ||
      BSIM_FAILED(bsim_manager_get_cmdline_runs(r->mgr, &runs, &count))) {
    return 0;
  }
  for (size_t i = 0; i < count; i++) {
    n += memcmp(&runs[i].job_id, &id, sizeof id) == 0;
  }
  bsim_cmdline_runs_free(runs, count);
  return n;
}

int bsim__scn_expect_notify(struct runner *r, struct scn_job *j) {
  const char *what = bsim__scn_pos(r->stmt, 1);
  if (strcmp(what, "cmdline") == 0) {
    expect_count(r, "command line", "runs", cmdline_runs(r, j));
    return SCN_OK;
  }
  const char *method = bsim__scn_pos(r->stmt, 2);
  int m = method_index(method);
  if (j->callback == NULL || m < 0) {
    bsim__scn_expect_failed(r, "job %s has no scripted callback", j->name);
    return SCN_OK;
  }
  expect_count(r, method, "calls", j->callback->m[m].calls);
  expect_count(r, method, "failures", j->callback->m[m].failures);
  return SCN_OK;
}

void bsim__scn_notify_free(struct runner *r) {
  for (size_t i = 0; i < r->job_count; i++)
    free(r->jobs[i].callback);
  for (size_t i = 0; i < r->retired_count; i++)
    free(r->retired[i]);
  free(r->retired);
}
