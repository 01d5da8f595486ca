/* Scenario job commands: job, add, set, resume, suspend, cancel, complete,
 * take-ownership and wait. Each API call's HRESULT is checked against the
 * statement's "-> CODE", or must succeed when there is none. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scenario/run_internal.h"

struct scn_job *bsim__scn_job(struct runner *r, const char *name) {
  for (size_t i = 0; i < r->job_count; i++) {
    if (strcmp(r->jobs[i].name, name) == 0) return &r->jobs[i];
  }
  bsim__scn_stop(r, BSIM_E_NOT_FOUND,
                 "no job named '%s' (declare it with a "
                 "'job' line first)",
                 name);
  return NULL;
}

static int parse_priority(const char *v, enum bsim_job_priority *out) {
  static const char *const names[] = {"foreground", "high", "normal", "low"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcmp(names[i], v) == 0) {
      *out = (enum bsim_job_priority)i;
      return 0;
    }
  }
  return -1;
}

static uint32_t seconds_of(const char *v) {
  uint64_t ms = 0;
  bsim__scn_duration_ms(v, &ms);
  return (uint32_t)(ms / 1000);
}

/* Apply the job options of a job or set line, in the order written. */
static int apply_job_options(struct runner *r, bsim_job *job) {
  const struct scn_stmt *st = r->stmt;
  for (size_t i = 0; i < st->arg_count; i++) {
    const char *k = st->args[i].key;
    const char *v = st->args[i].value;
    bsim_hr hr = BSIM_S_OK;
    uint64_t n = 0;
    enum bsim_job_priority p = BSIM_JOB_PRIORITY_NORMAL;
    if (k == NULL || strcmp(k, "user") == 0) continue;
    if (strcmp(k, "priority") == 0 && parse_priority(v, &p) == 0) {
      hr = bsim_job_set_priority(job, p);
    } else if (strcmp(k, "retry-delay") == 0) {
      hr = bsim_job_set_minimum_retry_delay(job, seconds_of(v));
    } else if (strcmp(k, "no-progress-timeout") == 0) {
      hr = bsim_job_set_no_progress_timeout(job, seconds_of(v));
    } else if (strcmp(k, "max-download-time") == 0) {
      hr = bsim_job_set_maximum_download_time(job, seconds_of(v));
    } else if (strcmp(k, "notify-flags") == 0 && bsim__scn_count(v, &n) == 0) {
      hr = bsim_job_set_notify_flags(job, (uint32_t)n);
    } else if (strcmp(k, "description") == 0) {
      hr = bsim_job_set_description(job, v);
    } else if (strcmp(k, "display-name") == 0) {
      hr = bsim_job_set_display_name(job, v);
    }
    if (bsim__scn_result(r, k, hr) != SCN_OK) return SCN_STOP;
  }
  return SCN_OK;
}

static int run_job(struct runner *r) {
  const struct scn_stmt *st = r->stmt;
  const char *name = bsim__scn_pos(st, 0);
  const char *type_word = bsim__scn_pos(st, 1);
  enum bsim_job_type type =
      strcmp(type_word, "upload") == 0         ? BSIM_JOB_TYPE_UPLOAD
      : strcmp(type_word, "upload-reply") == 0 ? BSIM_JOB_TYPE_UPLOAD_REPLY
                                               : BSIM_JOB_TYPE_DOWNLOAD;
  const char *user = bsim__scn_opt(st, "user");
  if (user == NULL && r->first_user[0] == '\0') {
    /* A scenario with no user line runs as one ordinary user. */
    snprintf(r->first_user, sizeof r->first_user, "user");
    if (BSIM_FAILED(bsim_user_add(r->mgr, "user", 0))) {
      return bsim__scn_stop(r, BSIM_E_FAIL, "adding the default user");
    }
  }
  struct scn_job *grown =
      bsim__realloc(r->jobs, (r->job_count + 1) * sizeof *r->jobs);
  if (grown == NULL) return bsim__scn_stop(r, BSIM_E_OUTOFMEMORY, "job");
  r->jobs = grown;
  struct scn_job *j = &r->jobs[r->job_count];
  memset(j, 0, sizeof *j);
  snprintf(j->name, sizeof j->name, "%s", name);
  bsim_hr hr = bsim_job_create(r->mgr, user != NULL ? user : r->first_user,
                               bsim__scn_pos(st, 2), type, NULL, &j->job);
  bsim__scn_result(r, "CreateJob", hr);
  if (BSIM_FAILED(hr)) return SCN_OK;
  r->job_count++;
  return apply_job_options(r, j->job);
}

/* add ... ranges=LIST: AddFileWithRanges (reference §1.6); the list was
 * checked at parse time. */
static int add_with_ranges(struct runner *r, struct scn_job *j,
                           const char *remote, const char *local,
                           const char *list) {
  size_t bad = 0;
  long n = bsim__scn_ranges(list, NULL, 0, &bad);
  BSIM_ASSERT(n > 0);
  struct bsim_file_range *ranges = bsim__malloc((size_t)n * sizeof *ranges);
  if (ranges == NULL) {
    return bsim__scn_stop(r, BSIM_E_OUTOFMEMORY, "reading ranges=");
  }
  (void)bsim__scn_ranges(list, ranges, (size_t)n, &bad);
  bsim_hr hr =
      bsim_job_add_file_with_ranges(j->job, remote, local, (uint32_t)n, ranges);
  bsim__free(ranges);
  return bsim__scn_result(r, "AddFileWithRanges", hr);
}

static int run_add(struct runner *r) {
  struct scn_job *j = bsim__scn_job(r, bsim__scn_pos(r->stmt, 0));
  char local[4096];
  if (j == NULL ||
      bsim__scn_local(r, bsim__scn_pos(r->stmt, 2), local, sizeof local)) {
    return SCN_STOP;
  }
  char url[4096];
  const char *remote =
      bsim__scn_expand(r, bsim__scn_pos(r->stmt, 1), url, sizeof url);
  if (remote == NULL) return SCN_STOP;
  const char *list = bsim__scn_opt(r->stmt, "ranges");
  if (list == NULL) {
    return bsim__scn_result(r, "AddFile",
                            bsim_job_add_file(j->job, remote, local));
  }
  return add_with_ranges(r, j, remote, local, list);
}

static int run_lifecycle(struct runner *r) {
  const char *name = r->stmt->cmd->name;
  struct scn_job *j = bsim__scn_job(r, bsim__scn_pos(r->stmt, 0));
  if (j == NULL) return SCN_STOP;
  bsim_hr hr = BSIM_E_FAIL;
  if (strcmp(name, "resume") == 0) {
    hr = bsim_job_resume(j->job);
  } else if (strcmp(name, "suspend") == 0) {
    hr = bsim_job_suspend(j->job);
  } else if (strcmp(name, "cancel") == 0) {
    hr = bsim_job_cancel(j->job);
  } else if (strcmp(name, "complete") == 0) {
    hr = bsim_job_complete(j->job);
  } else if (strcmp(name, "set") == 0) {
    return apply_job_options(r, j->job);
  } else if (strcmp(name, "take-ownership") == 0) {
    hr = bsim_job_take_ownership(j->job, bsim__scn_pos(r->stmt, 1));
  }
  return bsim__scn_result(r, name, hr);
}

static unsigned wanted_states(const struct scn_stmt *st) {
  static const char *const names[] = {
      "QUEUED",          "CONNECTING",  "TRANSFERRING", "SUSPENDED", "ERROR",
      "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
  unsigned mask = 0;
  for (size_t p = 1; bsim__scn_pos(st, p) != NULL; p++) {
    for (unsigned s = 0; s < sizeof names / sizeof names[0]; s++) {
      if (strcmp(names[s], bsim__scn_pos(st, p)) == 0) mask |= 1u << s;
    }
  }
  return mask;
}

/* wait JOB STATE... [within=D]: run until the job is in one of the states;
 * time stops at the moment it got there. Not getting there in time is a
 * failed expectation. */
static int run_wait(struct runner *r) {
  struct scn_job *j = bsim__scn_job(r, bsim__scn_pos(r->stmt, 0));
  if (j == NULL) return SCN_STOP;
  uint64_t within = 90ull * 86400000;
  const char *v = bsim__scn_opt(r->stmt, "within");
  if (v != NULL) bsim__scn_duration_ms(v, &within);
  uint64_t deadline = bsim_manager_now_ms(r->mgr) + within;
  unsigned mask = wanted_states(r->stmt);
  bsim_hr hr = bsim_manager_run_until_job_state(r->mgr, j->job, mask, deadline);
  r->result->expectations++;
  enum bsim_job_state state = BSIM_JOB_STATE_COUNT;
  if (BSIM_FAILED(bsim_job_get_state(j->job, &state))) return SCN_STOP;
  if (!(mask & (1u << state))) {
    bsim__scn_expect_failed(r,
                            "job %s did not reach the awaited state "
                            "within the time given (%s)",
                            j->name, bsim_hr_name(hr));
  }
  return SCN_OK;
}

int bsim__scn_run_job_cmd(struct runner *r) {
  const char *name = r->stmt->cmd->name;
  if (strcmp(name, "job") == 0) return run_job(r);
  if (strcmp(name, "add") == 0) return run_add(r);
  if (strcmp(name, "wait") == 0) return run_wait(r);
  if (strcmp(name, "callback") == 0 || strcmp(name, "cmdline") == 0 ||
      strcmp(name, "validate") == 0) {
    return bsim__scn_run_notify_cmd(r);
  }
  return run_lifecycle(r);
}
