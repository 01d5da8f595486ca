/* bitsim job commands — finding the job a command names. As in bitsadmin
 * (users.md §3.1), JOB is a {GUID} or a display name; names need not be
 * unique, and a name that matches more than one job is an error that lists
 * the candidates' GUIDs, so the user can pick one. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd_jobs.h"

bsim_hr bsim__cli_enum(struct bsim__cli_ctx *ctx, int allusers,
                       bsim_job ***jobs, size_t *count) {
  return bsim_manager_enum_jobs(ctx->mgr, ctx->g->user,
                                allusers ? BSIM_JOB_ENUM_ALL_USERS : 0u, jobs,
                                count);
}

static bsim_job *by_guid(struct bsim__cli_ctx *ctx, const char *text,
                         const bsim_guid *id) {
  bsim_job *job = NULL;
  bsim_hr hr = bsim_manager_get_job(ctx->mgr, ctx->g->user, id, &job);
  if (BSIM_FAILED(hr)) {
    fprintf(stderr,
            "Unable to find job %s - 0x%08X (%s)\nhint: 'bitsim /list' "
            "shows your jobs\n",
            text, (unsigned)hr, bsim_hr_name(hr));
    return NULL;
  }
  return job;
}

static void ambiguous(const char *text, bsim_job **jobs, size_t count) {
  fprintf(stderr, "Unable to find job '%s' - the name is ambiguous (", text);
  size_t shown = 0;
  for (size_t i = 0; i < count; i++) {
    char *name = NULL;
    if (BSIM_FAILED(bsim_job_get_display_name(jobs[i], &name))) continue;
    if (strcmp(name, text) == 0) {
      bsim_guid id;
      char buf[BSIM_GUID_STRING_LEN];
      if (BSIM_SUCCEEDED(bsim_job_get_id(jobs[i], &id))) {
        fprintf(stderr, "%s%s", shown++ ? " " : "", bsim_guid_format(&id, buf));
      }
    }
    bsim_free(name);
  }
  fputs(")\nhint: name the job by its {GUID}\n", stderr);
}

bsim_job *bsim__cli_find_job(struct bsim__cli_ctx *ctx, const char *text) {
  bsim_guid id;
  if (text[0] == '{' && bsim_guid_parse(text, &id) == 0) {
    return by_guid(ctx, text, &id);
  }
  bsim_job **jobs = NULL;
  size_t count = 0;
  int all = (ctx->cmd->switches & BSIM__CLI_SW_ALLUSERS) != 0;
  bsim_hr hr = bsim__cli_enum(ctx, all, &jobs, &count);
  if (BSIM_FAILED(hr)) {
    fprintf(stderr, "Unable to enumerate jobs - 0x%08X (%s)\n", (unsigned)hr,
            bsim_hr_name(hr));
    return NULL;
  }
  bsim_job *found = NULL;
  size_t matches = 0;
  for (size_t i = 0; i < count; i++) {
    char *name = NULL;
    if (BSIM_FAILED(bsim_job_get_display_name(jobs[i], &name))) continue;
    if (strcmp(name, text) == 0 && matches++ == 0) found = jobs[i];
    bsim_free(name);
  }
  if (matches == 1) bsim_job_ref(found);
  if (matches > 1) ambiguous(text, jobs, count);
  if (matches == 0) {
    fprintf(stderr,
            "Unable to find job '%s' - 0x%08X (BG_E_NOT_FOUND)\nhint: "
            "'bitsim /list' shows your jobs\n",
            text, (unsigned)BSIM_E_NOT_FOUND);
  }
  bsim_job_array_free(jobs, count);
  return matches == 1 ? found : NULL;
}
