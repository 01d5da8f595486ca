/* The end-of-run report: the mistakes BITS users make most often
 * (users reference §1.2, §1.3, §1.4, §1.12), found in the trace.
 *   - a job never completed or cancelled (files never appear: §1.3);
 *   - a callback that returned non-S_OK more than a few times (§1.2);
 *   - a job left in ERROR (§1.4);
 *   - files delivered through FileTransferred but never validated (§1.12).
 */
#include <stdlib.h>
#include <string.h>

#include "render/render_internal.h"

/* More failures than this is "more than a few" (users reference §1.2). */
#define REPORT_CALLBACK_FAILURES_MAX 2u

static int is_failure_result(const char *result) {
  return result != NULL && strcmp(result, "S_OK") != 0;
}

void bsim__report_event(bsim_renderer *r, const struct bsim_trace_event *ev) {
  struct render_job *j = bsim__render_job(r, ev->job);
  if (j == NULL) return;
  if (strcmp(ev->ev, "notify") == 0) {
    const char *method = bsim_trace_event_get(ev, "method");
    const char *result = bsim_trace_event_get(ev, "result");
    int job_level = method != NULL && (strcmp(method, "JobTransferred") == 0 ||
                                       strcmp(method, "JobError") == 0);
    if (job_level && is_failure_result(result)) j->callback_failures++;
    if (method != NULL && strcmp(method, "FileTransferred") == 0 &&
        result != NULL) {
      j->files_transferred++;
    }
  } else if (strcmp(ev->ev, "api") == 0) {
    const char *call = bsim_trace_event_get(ev, "call");
    const char *hr = bsim_trace_event_get(ev, "hr");
    if (call != NULL && strcmp(call, "SetValidationState") == 0 &&
        !is_failure_result(hr)) {
      j->files_validated++;
    }
  }
}

static int is_final(const char *state) {
  return strcmp(state, "ACKNOWLEDGED") == 0 || strcmp(state, "CANCELLED") == 0;
}

static unsigned report_job(bsim_renderer *r, const struct render_job *j) {
  char who[160];
  unsigned findings = 0;
  bsim__render_job_label(j, who, sizeof who);
  if (strcmp(j->state, "ERROR") == 0) {
    fprintf(r->out,
            "- %s is left in ERROR: read GetError, fix the cause and "
            "Resume, or Cancel it.\n",
            who);
    findings++;
  } else if (!is_final(j->state)) {
    fprintf(r->out,
            "- %s was never completed or cancelled (it is %s): its "
            "files stay invisible until Complete.\n",
            who, j->state);
    findings++;
  }
  if (j->callback_failures > REPORT_CALLBACK_FAILURES_MAX) {
    fprintf(r->out,
            "- %s: your callback failed %u times (BITS calls it "
            "again until it returns S_OK).\n",
            who, j->callback_failures);
    findings++;
  }
  if (j->files_transferred > j->files_validated) {
    fprintf(r->out,
            "- %s: %u file(s) reached FileTransferred but were never "
            "validated with SetValidationState.\n",
            who, j->files_transferred - j->files_validated);
    findings++;
  }
  return findings;
}

void bsim__report_finish(bsim_renderer *r) {
  unsigned findings = 0;
  fputs("Report: what BITS code usually gets wrong\n", r->out);
  for (size_t i = 0; i < r->job_count; i++) {
    findings += report_job(r, &r->jobs[i]);
  }
  if (findings == 0) fputs("- nothing: every job was settled.\n", r->out);
}
