/* The narration: one readable line per trace event, prefixed with virtual
 * time and the job's label. State changes and API calls get sentences of
 * their own; every other event is shown as its name and fields, so nothing
 * in the trace is hidden from a reader. */
#include <inttypes.h>
#include <string.h>

#include "render/render_internal.h"

/* Fields every line already carries, or that only a machine wants. */
static int is_header_field(const char *key) {
  return strcmp(key, "seq") == 0 || strcmp(key, "t_ms") == 0 ||
         strcmp(key, "ev") == 0 || strcmp(key, "job") == 0 ||
         strcmp(key, "at") == 0 || strcmp(key, "name") == 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s);
  size_t m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void print_fields(FILE *out, const struct bsim_trace_event *ev,
                         const char *const *skip) {
  int first = 1;
  for (size_t i = 0; i < ev->field_count; i++) {
    const struct bsim_trace_field *f = &ev->fields[i];
    if (is_header_field(f->key) || ends_with(f->key, "_hex")) continue;
    int skipped = 0;
    for (size_t k = 0; skip != NULL && skip[k] != NULL; k++) {
      skipped |= strcmp(skip[k], f->key) == 0;
    }
    if (skipped) continue;
    fprintf(out, "%s%s=%s", first ? "" : ", ", f->key, f->value);
    first = 0;
  }
}

static void narrate_state(FILE *out, const struct bsim_trace_event *ev) {
  const char *from = bsim_trace_event_get(ev, "from");
  const char *to = bsim_trace_event_get(ev, "to");
  const char *why = bsim_trace_event_get(ev, "why");
  fprintf(out, "%s -> %s", from != NULL ? from : "?", to != NULL ? to : "?");
  if (why != NULL) fprintf(out, " (%s)", why);
  static const char *const skip[] = {"from", "to", "why", NULL};
  size_t extra = 0;
  for (size_t i = 0; i < ev->field_count; i++) {
    extra += !is_header_field(ev->fields[i].key);
  }
  if (extra > 3) {
    fputs(" [", out);
    print_fields(out, ev, skip);
    fputc(']', out);
  }
}

/* The engine traces calls by its own names (add_file); people know them
 * by BITS's (AddFile). */
static void print_bits_name(FILE *out, const char *call) {
  if (strcmp(call, "create") == 0) {
    fputs("CreateJob", out);
    return;
  }
  int upper = 1;
  for (const char *p = call; *p != '\0'; p++) {
    if (*p == '_') {
      upper = 1;
      continue;
    }
    fputc(upper && *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, out);
    upper = 0;
  }
}

static void narrate_api(FILE *out, const struct bsim_trace_event *ev) {
  const char *call = bsim_trace_event_get(ev, "call");
  const char *hr = bsim_trace_event_get(ev, "hr");
  fputs("app calls ", out);
  print_bits_name(out, call != NULL ? call : "?");
  static const char *const skip[] = {"call", "hr", NULL};
  fputs("(", out);
  print_fields(out, ev, skip);
  fputs(")", out);
  if (hr != NULL) fprintf(out, " -> %s", hr);
}

/* Events that only a machine wants: clock jumps (every line carries the
 * time) and getters (they change nothing). They stay in the trace. */
static int is_noise(const struct bsim_trace_event *ev) {
  if (strcmp(ev->ev, "clock") == 0) return 1;
  const char *call = bsim_trace_event_get(ev, "call");
  return strcmp(ev->ev, "api") == 0 && call != NULL &&
         strncmp(call, "get_", 4) == 0;
}

void bsim__narrate_event(bsim_renderer *r, const struct bsim_trace_event *ev) {
  if (is_noise(ev)) return;
  char when[40];
  char who[160];
  bsim_format_virtual_time(ev->t_ms, when, sizeof when);
  bsim__render_job_label(bsim__render_job(r, ev->job), who, sizeof who);
  fprintf(r->out, "[%s] %s: ", when, who);
  if (strcmp(ev->ev, "state") == 0) {
    narrate_state(r->out, ev);
  } else if (strcmp(ev->ev, "api") == 0) {
    narrate_api(r->out, ev);
  } else {
    fprintf(r->out, "%s: ", ev->ev);
    print_fields(r->out, ev, NULL);
  }
  fputc('\n', r->out);
}
