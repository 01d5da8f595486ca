/* Scenario expectations: a job's state, error (code and context), error
 * count, progress, callback counts and command-line runs; a local file's
 * bytes against the content served at a URL, or its absence; the virtual
 * time. A failed expectation is reported and the run goes on. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run_internal.h"

static const char *state_name(enum bsim_job_state s) {
  static const char *const names[] = {
      "QUEUED",          "CONNECTING",  "TRANSFERRING", "SUSPENDED", "ERROR",
      "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static const char *context_word(enum bsim_error_context c) {
  static const char *const words[] = {"none",
                                      "unknown",
                                      "general-queue-manager",
                                      "queue-manager-notification",
                                      "local-file",
                                      "remote-file",
                                      "general-transport",
                                      "remote-application",
                                      "server-certificate-callback"};
  return (unsigned)c < sizeof words / sizeof words[0] ? words[c] : "?";
}

static void expect_state(struct runner *r, struct scn_job *j) {
  enum bsim_job_state s;
  const char *want = bsim__scn_pos(r->stmt, 2);
  if (BSIM_FAILED(bsim_job_get_state(j->job, &s)) ||
      strcmp(state_name(s), want) != 0) {
    bsim__scn_expect_failed(r, "job %s is %s, expected %s", j->name,
                            state_name(s), want);
  }
}

static void expect_error(struct runner *r, struct scn_job *j) {
  struct bsim_job_error e;
  bsim_hr want = 0;
  bsim_hr_parse(bsim__scn_pos(r->stmt, 2), &want);
  bsim_hr hr = bsim_job_get_error(j->job, &e);
  if (BSIM_FAILED(hr)) {
    bsim__scn_expect_failed(r,
                            "job %s has no error (GetError: %s), expected "
                            "%s",
                            j->name, bsim_hr_name(hr), bsim_hr_name(want));
    return;
  }
  if (e.code != want) {
    bsim__scn_expect_failed(r, "job %s's error is %s, expected %s", j->name,
                            bsim_hr_name(e.code), bsim_hr_name(want));
  }
  const char *ctx = bsim__scn_opt(r->stmt, "context");
  if (ctx != NULL && strcmp(ctx, context_word(e.context)) != 0) {
    bsim__scn_expect_failed(r, "job %s's error context is %s, expected %s",
                            j->name, context_word(e.context), ctx);
  }
}

static void expect_error_count(struct runner *r, struct scn_job *j) {
  uint32_t n = 0;
  uint64_t want = 0;
  bsim__scn_count(bsim__scn_pos(r->stmt, 2), &want);
  if (BSIM_FAILED(bsim_job_get_error_count(j->job, &n)) || n != want) {
    bsim__scn_expect_failed(
        r, "job %s's error count is %" PRIu32 ", expected %" PRIu64, j->name, n,
        want);
  }
}

static void expect_progress(struct runner *r, struct scn_job *j) {
  struct bsim_job_progress p;
  if (BSIM_FAILED(bsim_job_get_progress(j->job, &p))) return;
  const char *files = bsim__scn_opt(r->stmt, "files");
  const char *bytes = bsim__scn_opt(r->stmt, "bytes");
  if (files != NULL) {
    char have[48];
    snprintf(have, sizeof have, "%" PRIu32 "/%" PRIu32, p.files_transferred,
             p.files_total);
    if (strcmp(have, files) != 0) {
      bsim__scn_expect_failed(r, "job %s has %s files, expected %s", j->name,
                              have, files);
    }
  }
  uint64_t want = 0;
  if (bytes != NULL && bsim__scn_size_bytes(bytes, &want) == 0 &&
      p.bytes_transferred != want) {
    bsim__scn_expect_failed(r,
                            "job %s moved %" PRIu64 " bytes, expected %" PRIu64,
                            j->name, p.bytes_transferred, want);
  }
}

/* Compare a local file with the model's content for url, chunk by chunk. */
static void expect_same_as(struct runner *r, const char *path,
                           const char *url) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    bsim__scn_expect_failed(r, "%s does not exist", path);
    return;
  }
  static unsigned char have[65536];
  static unsigned char want[65536];
  uint64_t offset = 0;
  size_t n;
  while ((n = fread(have, 1, sizeof have, f)) > 0) {
    bsim_hr hr = bsim_model_file_content(r->mgr, url, offset, want, n);
    if (BSIM_FAILED(hr) || memcmp(have, want, n) != 0) {
      bsim__scn_expect_failed(r, "%s differs from %s near byte %" PRIu64, path,
                              url, offset);
      fclose(f);
      return;
    }
    offset += n;
  }
  fclose(f);
  /* The model file must not be longer than what we read. */
  unsigned char one;
  if (BSIM_SUCCEEDED(bsim_model_file_content(r->mgr, url, offset, &one, 1))) {
    bsim__scn_expect_failed(r, "%s is shorter than %s (%" PRIu64 " bytes)",
                            path, url, offset);
  }
}

/* Compare two local files byte for byte. */
static void expect_same_file(struct runner *r, const char *path,
                             const char *other) {
  FILE *a = fopen(path, "rb");
  FILE *b = fopen(other, "rb");
  uint64_t offset = 0;
  int same = a != NULL && b != NULL;
  while (same) {
    int ca = fgetc(a);
    int cb = fgetc(b);
    same = ca == cb;
    if (ca == EOF || cb == EOF) break;
    offset++;
  }
  if (!same) {
    bsim__scn_expect_failed(r, "%s differs from %s (at byte %" PRIu64 ")", path,
                            other, offset);
  }
  if (a != NULL) fclose(a);
  if (b != NULL) fclose(b);
}

/* same-as a modelled URL, a file served by `serve` ({serve}/PATH is
 * WORKDIR/origin/PATH), or another local file. */
static void expect_same_as_any(struct runner *r, const char *path,
                               const char *target) {
  char other[4096];
  if (strncmp(target, "{serve}/", 8) == 0) {
    snprintf(other, sizeof other, "origin/%s", target + 8);
    if (bsim__scn_local(r, other, other, sizeof other) != SCN_OK) return;
    expect_same_file(r, path, other);
  } else if (strstr(target, "://") != NULL) {
    expect_same_as(r, path, target);
  } else if (bsim__scn_local(r, target, other, sizeof other) == SCN_OK) {
    expect_same_file(r, path, other);
  }
}

static void expect_file(struct runner *r) {
  char path[4096];
  if (bsim__scn_local(r, bsim__scn_pos(r->stmt, 1), path, sizeof path)) return;
  const char *check = bsim__scn_pos(r->stmt, 2);
  FILE *f = fopen(path, "rb");
  int exists = f != NULL;
  if (f != NULL) fclose(f);
  if (strcmp(check, "exists") == 0 && !exists) {
    bsim__scn_expect_failed(r, "%s does not exist", path);
  } else if (strcmp(check, "missing") == 0 && exists) {
    bsim__scn_expect_failed(r, "%s exists, expected it missing", path);
  } else if (strcmp(check, "same-as") == 0) {
    expect_same_as_any(r, path, bsim__scn_pos(r->stmt, 3));
  }
}

/* expect JOB reply same-as TARGET: the reply file of an upload-reply job,
 * at the name GetReplyFileName gives (there after Complete, reference §9). */
static void expect_reply(struct runner *r, struct scn_job *j) {
  char *name = NULL;
  bsim_hr hr = bsim_job_get_reply_file_name(j->job, &name);
  if (BSIM_FAILED(hr) || name == NULL) {
    bsim__scn_expect_failed(r, "job %s has no reply file (%s)", j->name,
                            bsim_hr_name(hr));
  } else {
    expect_same_as_any(r, name, bsim__scn_pos(r->stmt, 3));
  }
  bsim_free(name);
}

static void expect_time(struct runner *r) {
  uint64_t want = 0;
  bsim__scn_duration_ms(bsim__scn_pos(r->stmt, 1), &want);
  uint64_t now = bsim_manager_now_ms(r->mgr);
  if (now != want) {
    char have_text[40];
    char want_text[40];
    bsim__scn_expect_failed(r, "virtual time is %s, expected %s",
                            bsim_format_virtual_time(now, have_text, 40),
                            bsim_format_virtual_time(want, want_text, 40));
  }
}

int bsim__scn_run_expect(struct runner *r) {
  const char *first = bsim__scn_pos(r->stmt, 0);
  r->result->expectations++;
  if (strcmp(first, "time") == 0) {
    expect_time(r);
    return SCN_OK;
  }
  if (strcmp(first, "file") == 0) {
    expect_file(r);
    return SCN_OK;
  }
  struct scn_job *j = bsim__scn_job(r, first);
  if (j == NULL) return SCN_STOP;
  const char *what = bsim__scn_pos(r->stmt, 1);
  if (strcmp(what, "state") == 0) {
    expect_state(r, j);
  } else if (strcmp(what, "error") == 0) {
    expect_error(r, j);
  } else if (strcmp(what, "error-count") == 0) {
    expect_error_count(r, j);
  } else if (strcmp(what, "progress") == 0) {
    expect_progress(r, j);
  } else if (strcmp(what, "reply") == 0) {
    expect_reply(r, j);
  } else {
    return bsim__scn_expect_notify(r, j);
  }
  return SCN_OK;
}
