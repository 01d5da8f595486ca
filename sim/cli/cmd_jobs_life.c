/* bitsim job commands — creating jobs, adding files and the life-cycle
 * verbs (/create, /addfile, /addfileset, /listfiles, /resume, /suspend,
 * /cancel, /complete, /reset, /info, /list). Each is one engine call whose
 * HRESULT decides the output: bitsadmin's confirmation line on success,
 * "Unable to <what> - 0x<hr>" and exit 1 on failure, in which case the
 * engine changed nothing (reference §4, §8; users.md §3.1). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_jobs.h"

static void json_job_result(struct bsim__cli_ctx *ctx, bsim_hr hr,
                            bsim_job *job) {
  bsim__cli_json_begin(stdout, ctx->cmd->verb->name, hr);
  fputs(",\"job\":", stdout);
  bsim__cli_json_job(stdout, job, 1);
  bsim__cli_json_end(stdout);
}

static enum bsim_job_type type_of(unsigned switches) {
  if (switches & BSIM__CLI_SW_UPLOAD) return BSIM_JOB_TYPE_UPLOAD;
  if (switches & BSIM__CLI_SW_UPLOAD_REPLY) return BSIM_JOB_TYPE_UPLOAD_REPLY;
  return BSIM_JOB_TYPE_DOWNLOAD;
}

int bsim__cli_create(struct bsim__cli_ctx *ctx) {
  bsim_guid id;
  bsim_job *job = NULL;
  bsim_hr hr = bsim_job_create(ctx->mgr, ctx->g->user, ctx->cmd->args[0],
                               type_of(ctx->cmd->switches), &id, &job);
  if (BSIM_FAILED(hr)) return bsim__cli_fail(ctx, "create job", hr);
  char buf[BSIM_GUID_STRING_LEN];
  if (ctx->g->json) {
    json_job_result(ctx, hr, job);
  } else if (ctx->g->raw) {
    printf("%s\n", bsim_guid_format(&id, buf));
  } else {
    printf("Created job %s.\n", bsim_guid_format(&id, buf));
  }
  bsim_job_unref(job);
  return 0;
}

int bsim__cli_addfile(struct bsim__cli_ctx *ctx) {
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  char buf[4096];
  const char *local = bsim__cli_abs_path(ctx->cmd->args[2], buf, sizeof buf);
  bsim_hr hr = bsim_job_add_file(job, ctx->cmd->args[1], local);
  int rc = 0;
  if (BSIM_FAILED(hr)) {
    rc = bsim__cli_fail(ctx, "add file to job", hr);
  } else if (ctx->g->json) {
    json_job_result(ctx, hr, job);
  } else {
    printf("Added %s -> %s to job.\n", ctx->cmd->args[1], local);
  }
  bsim_job_unref(job);
  return rc;
}

/* The list file: one "URL LOCAL" pair per line; blank lines and lines
 * starting with '#' are skipped. Returns the pair count or -1. */
static int read_fileset(const char *path, char *text, size_t cap,
                        struct bsim_file_info *files, int max) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  size_t len = fread(text, 1, cap - 1, f);
  int big = !feof(f);
  fclose(f);
  if (big) return -1;
  text[len] = '\0';
  int n = 0;
  for (char *line = strtok(text, "\n"); line != NULL;
       line = strtok(NULL, "\n")) {
    line += strspn(line, " \t\r");
    if (*line == '\0' || *line == '#') continue;
    char *sep = line + strcspn(line, " \t");
    if (*sep == '\0' || n == max) return -1;
    *sep++ = '\0';
    sep += strspn(sep, " \t");
    sep[strcspn(sep, " \t\r")] = '\0';
    if (*sep == '\0') return -1;
    files[n].remote_name = line;
    files[n++].local_name = sep;
  }
  return n;
}

#define FILESET_MAX 1000

int bsim__cli_addfileset(struct bsim__cli_ctx *ctx) {
  static char text[1 << 20];
  static struct bsim_file_info files[FILESET_MAX];
  static char abs_paths[FILESET_MAX][512];
  int n =
      read_fileset(ctx->cmd->args[1], text, sizeof text, files, FILESET_MAX);
  if (n <= 0) {
    return bsim__cli_usage(ctx->cmd->verb, "cannot read the list file (one "
                                           "'URL LOCAL' pair per line)");
  }
  for (int i = 0; i < n; i++) {
    files[i].local_name = bsim__cli_abs_path(files[i].local_name, abs_paths[i],
                                             sizeof abs_paths[i]);
  }
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  bsim_hr hr = bsim_job_add_file_set(job, (uint32_t)n, files);
  int rc = 0;
  if (BSIM_FAILED(hr)) {
    rc = bsim__cli_fail(ctx, "add file set to job", hr);
  } else if (ctx->g->json) {
    json_job_result(ctx, hr, job);
  } else {
    printf("Added %d file(s) to job.\n", n);
  }
  bsim_job_unref(job);
  return rc;
}

int bsim__cli_listfiles(struct bsim__cli_ctx *ctx) {
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  uint32_t n = bsim_job_file_count(job);
  if (ctx->g->json) {
    json_job_result(ctx, BSIM_S_OK, job);
  } else {
    for (uint32_t i = 0; i < n; i++)
      bsim__cli_print_file(stdout, job, i);
    printf("Listed %u file(s).\n", n);
  }
  bsim_job_unref(job);
  return 0;
}

/* One life-cycle call on the named job. */
static int life_call(struct bsim__cli_ctx *ctx, bsim_hr (*op)(bsim_job *),
                     const char *what, const char *done) {
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  bsim_hr hr = op(job);
  int rc = 0;
  if (BSIM_FAILED(hr)) {
    rc = bsim__cli_fail(ctx, what, hr);
  } else if (ctx->g->json) {
    json_job_result(ctx, hr, job);
  } else if (hr != BSIM_S_OK) {
    printf("%s - 0x%08X (%s)\n", done, (unsigned)hr, bsim_hr_name(hr));
  } else {
    printf("%s\n", done);
  }
  bsim_job_unref(job);
  return rc;
}

int bsim__cli_resume(struct bsim__cli_ctx *ctx) {
  if ((ctx->cmd->switches & BSIM__CLI_SW_WAIT) == 0) {
    return life_call(ctx, bsim_job_resume, "resume job", "Job resumed.");
  }
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  bsim_hr hr = bsim_job_resume(job);
  int rc = 0;
  if (BSIM_FAILED(hr)) {
    rc = bsim__cli_fail(ctx, "resume job", hr);
  } else {
    if (!ctx->g->json) puts("Job resumed.");
    enum bsim_job_state st = BSIM_JOB_STATE_QUEUED;
    hr = bsim__cli_wait(ctx, job, &st);
    if (BSIM_FAILED(hr)) rc = bsim__cli_fail(ctx, "run the engine", hr);
    if (rc == 0 && ctx->g->json) json_job_result(ctx, hr, job);
    if (rc == 0 && !ctx->g->json) bsim__cli_print_line(stdout, job);
    if (rc == 0 && !ctx->g->json) bsim__cli_print_error(stdout, job);
    if (rc == 0 && st == BSIM_JOB_STATE_ERROR) rc = BSIM__CLI_EXIT_FAIL;
  }
  bsim_job_unref(job);
  return rc;
}

int bsim__cli_suspend(struct bsim__cli_ctx *ctx) {
  return life_call(ctx, bsim_job_suspend, "suspend job", "Job suspended.");
}

int bsim__cli_cancel(struct bsim__cli_ctx *ctx) {
  return life_call(ctx, bsim_job_cancel, "cancel job", "Job canceled.");
}

int bsim__cli_complete(struct bsim__cli_ctx *ctx) {
  return life_call(ctx, bsim_job_complete, "complete job", "Job completed.");
}

int bsim__cli_reset(struct bsim__cli_ctx *ctx) {
  bsim_job **jobs = NULL;
  size_t count = 0;
  int all = (ctx->cmd->switches & BSIM__CLI_SW_ALLUSERS) != 0;
  bsim_hr hr = bsim__cli_enum(ctx, all, &jobs, &count);
  if (BSIM_FAILED(hr)) return bsim__cli_fail(ctx, "enumerate jobs", hr);
  size_t cancelled = 0;
  if (ctx->g->json) bsim__cli_json_begin(stdout, "reset", BSIM_S_OK);
  if (ctx->g->json) fputs(",\"cancelled\":[", stdout);
  for (size_t i = 0; i < count; i++) {
    bsim_guid id;
    char buf[BSIM_GUID_STRING_LEN];
    if (BSIM_FAILED(bsim_job_get_id(jobs[i], &id))) continue;
    if (BSIM_FAILED(bsim_job_cancel(jobs[i]))) continue;
    if (ctx->g->json) {
      printf("%s\"%s\"", cancelled ? "," : "", bsim_guid_format(&id, buf));
    } else {
      printf("%s canceled.\n", bsim_guid_format(&id, buf));
    }
    cancelled++;
  }
  if (ctx->g->json) {
    printf("],\"jobs\":%zu", count);
    bsim__cli_json_end(stdout);
  } else {
    printf("%zu out of %zu jobs canceled.\n", cancelled, count);
  }
  bsim_job_array_free(jobs, count);
  return cancelled == count ? 0 : BSIM__CLI_EXIT_FAIL;
}

int bsim__cli_info(struct bsim__cli_ctx *ctx) {
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  if (ctx->g->json) {
    json_job_result(ctx, BSIM_S_OK, job);
  } else if (ctx->cmd->switches & BSIM__CLI_SW_VERBOSE) {
    bsim__cli_print_verbose(stdout, job);
  } else {
    bsim__cli_print_line(stdout, job);
  }
  bsim_job_unref(job);
  return 0;
}

int bsim__cli_list(struct bsim__cli_ctx *ctx) {
  bsim_job **jobs = NULL;
  size_t count = 0;
  int all = (ctx->cmd->switches & BSIM__CLI_SW_ALLUSERS) != 0;
  bsim_hr hr = bsim__cli_enum(ctx, all, &jobs, &count);
  if (BSIM_FAILED(hr)) return bsim__cli_fail(ctx, "enumerate jobs", hr);
  int verbose = (ctx->cmd->switches & BSIM__CLI_SW_VERBOSE) != 0;
  if (ctx->g->json) {
    bsim__cli_json_begin(stdout, "list", BSIM_S_OK);
    fputs(",\"jobs\":[", stdout);
  }
  for (size_t i = 0; i < count; i++) {
    if (ctx->g->json) {
      if (i > 0) fputc(',', stdout);
      bsim__cli_json_job(stdout, jobs[i], verbose);
    } else if (verbose) {
      bsim__cli_print_verbose(stdout, jobs[i]);
      fputc('\n', stdout);
    } else {
      bsim__cli_print_line(stdout, jobs[i]);
    }
  }
  if (ctx->g->json) {
    fputc(']', stdout);
    bsim__cli_json_end(stdout);
  } else {
    printf("Listed %zu job(s).\n", count);
  }
  bsim_job_array_free(jobs, count);
  return 0;
}
