/* bitsim job commands — `/addfilewithranges JOB URL LOCAL RANGELIST`, as
 * bitsadmin's: RANGELIST is comma-separated OFFSET:LENGTH pairs in bytes,
 * LENGTH `eof` meaning "to the end of the file" (BG_LENGTH_TO_EOF,
 * reference §2.7), e.g. `0:100,2000:100,5000:eof`. The engine makes every
 * check of AddFileWithRanges (reference §1.6); a RANGELIST that does not
 * parse is a usage error (exit 2) before any engine call. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cmd_jobs.h"
#include "internal.h"

#define RANGES_MAX 100000

/* A decimal number running up to end; 0 or -1. */
static int parse_u64(const char *p, const char *end, uint64_t *out) {
  if (p == end) return -1;
  uint64_t v = 0;
  for (; p < end; p++) {
    if (!isdigit((unsigned char)*p)) return -1;
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

/* One OFFSET:LENGTH item in [p, end). */
static int parse_item(const char *p, const char *end,
                      struct bsim_file_range *out) {
  const char *colon = memchr(p, ':', (size_t)(end - p));
  if (colon == NULL || parse_u64(p, colon, &out->initial_offset) != 0) {
    return -1;
  }
  const char *len = colon + 1;
  if (end - len == 3 && strncasecmp(len, "eof", 3) == 0) {
    out->length = BSIM_LENGTH_TO_EOF;
    return 0;
  }
  return parse_u64(len, end, &out->length);
}

/* Parse text into a new array (bsim__free); the count, or -1. */
static long parse_list(const char *text, struct bsim_file_range **out) {
  size_t n = 1;
  for (const char *c = text; *c != '\0'; c++)
    n += *c == ',';
  if (n > RANGES_MAX) return -1;
  struct bsim_file_range *r = bsim__calloc(n, sizeof *r);
  if (r == NULL) return -1;
  const char *p = text;
  for (size_t i = 0; i < n; i++) {
    const char *end = strchr(p, ',');
    if (end == NULL) end = p + strlen(p);
    if (parse_item(p, end, &r[i]) != 0) {
      bsim__free(r);
      return -1;
    }
    p = end + 1;
  }
  *out = r;
  return (long)n;
}

int bsim__cli_addfilewithranges(struct bsim__cli_ctx *ctx) {
  struct bsim_file_range *ranges = NULL;
  long n = parse_list(ctx->cmd->args[3], &ranges);
  if (n < 0) {
    fprintf(stderr,
            "bitsim: bad range list '%s': expected OFFSET:LENGTH pairs "
            "separated by commas, LENGTH a number of bytes or eof "
            "(e.g. 0:100,5000:eof)\n",
            ctx->cmd->args[3]);
    return BSIM__CLI_EXIT_USAGE;
  }
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) {
    bsim__free(ranges);
    return BSIM__CLI_EXIT_FAIL;
  }
  char buf[4096];
  const char *local = bsim__cli_abs_path(ctx->cmd->args[2], buf, sizeof buf);
  bsim_hr hr = bsim_job_add_file_with_ranges(job, ctx->cmd->args[1], local,
                                             (uint32_t)n, ranges);
  bsim__free(ranges);
  int rc = 0;
  if (BSIM_FAILED(hr)) {
    rc = bsim__cli_fail(ctx, "add file with ranges to job", hr);
  } else if (ctx->g->json) {
    bsim__cli_json_begin(stdout, ctx->cmd->verb->name, hr);
    fputs(",\"job\":", stdout);
    bsim__cli_json_job(stdout, job, 1);
    bsim__cli_json_end(stdout);
  } else {
    printf("Added %s -> %s (%ld range(s)) to job.\n", ctx->cmd->args[1], local,
           n);
  }
  bsim_job_unref(job);
  return rc;
}
