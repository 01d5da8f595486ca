/* Scenario callbacks, command lines and validation: `callback` registers
 * a scripted callback table (reference §6) whose methods return the listed
 * codes in turn, optionally complete, cancel or resume the job, hold their
 * slot for virtual time, validate each finished file from FileTransferred
 * (§7: accept, reject, or check its bytes against the model's), and count
 * their calls; `cmdline` sets the notify command line; `validate` calls
 * SetValidationState; `expect JOB callback`, `expect JOB cmdline` and
 * `expect JOB validation` check the counts, the validation state and where
 * a file's bytes came from (§11). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scenario/run_internal.h"

enum { M_TRANSFERRED, M_ERROR, M_MODIFICATION, M_FILE, M_COUNT };

/* What FileTransferred says about a file (validate=). */
enum verdict { V_NONE, V_ACCEPT, V_REJECT, V_CHECK };

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
  bsim_manager *mgr; /* for validate=check */
  enum verdict verdicts[16];
  size_t verdict_count;
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

/* validate=check: the application's own test of the temporary file
 * (reference §7 flow): accept when its bytes are the model's for the
 * file's URL. */
static int bytes_match(bsim_manager *mgr, bsim_job *job, uint32_t index) {
  char *tmp = NULL;
  char *url = NULL;
  int same = 0;
  if (BSIM_SUCCEEDED(bsim_file_get_temporary_name(job, index, &tmp)) &&
      BSIM_SUCCEEDED(bsim_file_get_remote_name(job, index, &url))) {
    FILE *f = fopen(tmp, "rb");
    if (f != NULL) {
      unsigned char have[8192];
      unsigned char want[8192];
      uint64_t offset = 0;
      size_t n;
      same = 1;
      while (same && (n = fread(have, 1, sizeof have, f)) > 0) {
        same = BSIM_SUCCEEDED(
                   bsim_model_file_content(mgr, url, offset, want, n)) &&
               memcmp(have, want, n) == 0;
        offset += n;
      }
      fclose(f);
    }
  }
  bsim_free(tmp);
  bsim_free(url);
  return same;
}

static bsim_hr on_file(bsim_job *job, uint32_t index, void *user) {
  struct scn_callback *cb = user;
  uint32_t nth = cb->m[M_FILE].calls;
  bsim_hr hr = called(job, cb, M_FILE);
  if (hr != BSIM_S_OK || cb->verdict_count == 0) return hr;
  size_t i = nth < cb->verdict_count ? nth : cb->verdict_count - 1;
  enum verdict v = cb->verdicts[i];
  if (v == V_CHECK) v = bytes_match(cb->mgr, job, index) ? V_ACCEPT : V_REJECT;
  if (v != V_NONE) {
    /* traced as an API call */
    cb->action_hr = bsim_file_set_validation_state(job, index, v == V_ACCEPT);
  }
  return hr;
}

static void parse_verdicts(const char *text, struct scn_callback *cb) {
  static const char *const words[] = {"none", "accept", "reject", "check"};
  cb->verdict_count = 0;
  for (const char *p = text;
       p != NULL && *p != '\0' && cb->verdict_count < 16;) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    enum verdict v = V_NONE; /* words are checked at parse */
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
      if (strlen(words[w]) == len && strncmp(words[w], p, len) == 0) {
        v = (enum verdict)w;
      }
    }
    cb->verdicts[cb->verdict_count++] = v;
    p = comma != NULL ? comma + 1 : NULL;
  }
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
  struct scn_callback *cb = bsim__calloc(1, sizeof *cb);
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
  parse_verdicts(bsim__scn_opt(st, "validate"), cb);
  cb->mgr = r->mgr;
  struct bsim_notify_ops ops = {on_transferred, on_error, on_modification,
                                on_file,        NULL,     NULL};
  bsim_hr hr = bsim_job_set_notify(j->job, &ops, cb);
  if (BSIM_FAILED(hr)) {
    bsim__free(cb);
    return bsim__scn_result(r, "SetNotifyInterface", hr);
  }
  /* The old table stays alive until the runner ends: the dispatcher may
   * still be finishing a call into it. */
  if (j->callback != NULL) {
    struct scn_callback **keep =
        bsim__realloc(r->retired, (r->retired_count + 1) * sizeof *keep);
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
  uint64_t index = 0;
  bsim__scn_count(bsim__scn_pos(r->stmt, 1), &index); /* checked at parse */
  int accept = strcmp(bsim__scn_pos(r->stmt, 2), "accept") == 0;
  return bsim__scn_result(
      r, "SetValidationState",
      bsim_file_set_validation_state(j->job, (uint32_t)index, accept));
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

static void expect_yes_no(struct runner *r, const char *what, const char *key,
                          int have) {
  const char *v = bsim__scn_opt(r->stmt, key);
  if (v != NULL && (strcmp(v, "yes") == 0) != (have != 0)) {
    bsim__scn_expect_failed(r, "%s: %s=%s, expected %s", what, key,
                            have ? "yes" : "no", v);
  }
}

static void expect_size(struct runner *r, const char *what, const char *key,
                        uint64_t have) {
  const char *v = bsim__scn_opt(r->stmt, key);
  uint64_t want = 0;
  if (v != NULL && bsim__scn_size_bytes(v, &want) == 0 && want != have) {
    bsim__scn_expect_failed(r, "%s: %s=%llu bytes, expected %llu", what, key,
                            (unsigned long long)have, (unsigned long long)want);
  }
}

/* expect JOB validation INDEX [valid=yes|no] [peer=yes|no] [origin=SIZE]
 * [peers=SIZE] (reference §1.9, §7, §11). */
static void expect_validation(struct runner *r, struct scn_job *j) {
  uint64_t index = 0;
  bsim__scn_count(bsim__scn_pos(r->stmt, 2), &index); /* checked at parse */
  uint32_t i = (uint32_t)index;
  int valid = 0;
  int peer = 0;
  uint64_t origin = 0;
  uint64_t peers = 0;
  bsim_hr hr = bsim_file_get_validation_state(j->job, i, &valid);
  if (BSIM_SUCCEEDED(hr))
    hr = bsim_file_is_downloaded_from_peer(j->job, i, &peer);
  if (BSIM_SUCCEEDED(hr)) {
    hr = bsim_file_get_peer_download_stats(j->job, i, &origin, &peers);
  }
  if (BSIM_FAILED(hr)) {
    bsim__scn_expect_failed(r, "file %u of job %s: %s", i, j->name,
                            bsim_hr_name(hr));
    return;
  }
  char what[128];
  snprintf(what, sizeof what, "file %u of job %.64s", i, j->name);
  expect_yes_no(r, what, "valid", valid);
  expect_yes_no(r, what, "peer", peer);
  expect_size(r, what, "origin", origin);
  expect_size(r, what, "peers", peers);
}

int bsim__scn_expect_notify(struct runner *r, struct scn_job *j) {
  const char *what = bsim__scn_pos(r->stmt, 1);
  if (strcmp(what, "validation") == 0) {
    expect_validation(r, j);
    return SCN_OK;
  }
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
    bsim__free(r->jobs[i].callback);
  for (size_t i = 0; i < r->retired_count; i++)
    bsim__free(r->retired[i]);
  bsim__free(r->retired);
}
