/* bitsim — the ranges form of the scenario `add` command:
 * `add JOB URL LOCAL ranges=OFFSET:LENGTH[,OFFSET:LENGTH...]`, where each
 * number is a SIZE (512, 16KiB, ...) and LENGTH may be `eof`
 * (BG_LENGTH_TO_EOF, reference §2.7). parse.c checks the form at parse time
 * (so a malformed list is a line:column error before anything runs) and
 * run_jobs.c turns it into AddFileWithRanges (reference §1.6); whether the
 * ranges are acceptable (overlaps, quotas) is the engine's to say. */
#include <string.h>

#include "scenario/scenario_internal.h"

/* One OFFSET:LENGTH item of len bytes at p. Returns 0 or -1. */
static int parse_item(const char *p, size_t len, struct bsim_file_range *out) {
  char item[80];
  if (len == 0 || len >= sizeof item) return -1;
  memcpy(item, p, len);
  item[len] = '\0';
  char *colon = strchr(item, ':');
  if (colon == NULL) return -1;
  *colon = '\0';
  const char *length = colon + 1;
  if (bsim__scn_size_bytes(item, &out->initial_offset) != 0) return -1;
  if (strcmp(length, "eof") == 0) {
    out->length = BSIM_LENGTH_TO_EOF;
    return 0;
  }
  return bsim__scn_size_bytes(length, &out->length);
}

long bsim__scn_ranges(const char *text, struct bsim_file_range *out, size_t cap,
                      size_t *bad_at) {
  long n = 0;
  const char *p = text;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    struct bsim_file_range r;
    if (parse_item(p, len, &r) != 0 || n == BSIM_SCN_RANGES_MAX) {
      *bad_at = (size_t)(p - text);
      return -1;
    }
    if (out != NULL && (size_t)n < cap) out[n] = r;
    n++;
    if (comma == NULL) return n;
    p = comma + 1;
  }
}
