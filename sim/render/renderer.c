/* The renderer object: parses each trace line once and hands the event to
 * the kind-specific renderer (narration, SVG timeline, report). Job ids are
 * given short stable labels ("job 1 'name'") in order of first appearance, so
 * that the same trace always renders the same text. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "render/render_internal.h"

bsim_hr bsim_renderer_new(enum bsim_render_kind kind, FILE *out,
                          bsim_renderer **r_out) {
  if (out == NULL || r_out == NULL ||
      (unsigned)kind >= BSIM_RENDER_KIND_COUNT) {
    return BSIM_E_INVALIDARG;
  }
  bsim_renderer *r = bsim__calloc(1, sizeof *r);
  if (r == NULL) return BSIM_E_OUTOFMEMORY;
  r->kind = kind;
  r->out = out;
  *r_out = r;
  return BSIM_S_OK;
}

void bsim_renderer_free(bsim_renderer *r) {
  if (r == NULL) return;
  for (size_t i = 0; i < r->job_count; i++) {
    bsim__free(r->jobs[i].spans);
    bsim__free(r->jobs[i].name);
  }
  bsim__free(r->jobs);
  for (size_t i = 0; i < r->user_count; i++)
    bsim__free(r->users[i].spans);
  bsim__free(r->users);
  bsim__free(r);
}

struct render_job *bsim__render_job(bsim_renderer *r, const char *id) {
  if (id == NULL) return NULL;
  for (size_t i = 0; i < r->job_count; i++) {
    if (strcmp(r->jobs[i].id, id) == 0) return &r->jobs[i];
  }
  if (r->job_count == r->job_cap) {
    size_t cap = r->job_cap ? r->job_cap * 2 : 16;
    struct render_job *grown = bsim__realloc(r->jobs, cap * sizeof *grown);
    if (grown == NULL) return NULL;
    r->jobs = grown;
    r->job_cap = cap;
  }
  struct render_job *j = &r->jobs[r->job_count];
  memset(j, 0, sizeof *j);
  snprintf(j->id, sizeof j->id, "%s", id);
  j->number = (unsigned)++r->job_count;
  j->state = "SUSPENDED";
  return j;
}

void bsim__render_job_label(const struct render_job *j, char *buf,
                            size_t size) {
  if (j == NULL) {
    snprintf(buf, size, "manager");
  } else if (j->name != NULL && j->name[0] != '\0') {
    snprintf(buf, size, "job %u '%s'", j->number, j->name);
  } else {
    snprintf(buf, size, "job %u", j->number);
  }
}

/* Facts every renderer wants: names from create/set calls and the current
 * state of each job. */
static void note_common(bsim_renderer *r, const struct bsim_trace_event *ev) {
  struct render_job *j = bsim__render_job(r, ev->job);
  if (j == NULL) return;
  if (!j->seen) {
    j->seen = 1;
    j->state_since_ms = ev->t_ms; /* the job did not exist before */
  }
  const char *name = bsim_trace_event_get(ev, "name");
  if (name == NULL) name = bsim_trace_event_get(ev, "display_name");
  if (name != NULL && (j->name == NULL || strcmp(j->name, name) != 0)) {
    char *copy = bsim__strdup(name);
    if (copy != NULL) {
      bsim__free(j->name);
      j->name = copy;
    }
  }
  const char *owner = bsim_trace_event_get(ev, "user");
  if (owner != NULL && j->owner[0] == '\0') {
    snprintf(j->owner, sizeof j->owner, "%s", owner);
  }
}

void bsim_renderer_line(bsim_renderer *r, const char *line, size_t len) {
  if (r == NULL || line == NULL) return;
  struct bsim_trace_event ev;
  if (bsim_trace_event_parse(line, len, &ev, NULL) != BSIM_S_OK) {
    r->bad_lines++;
    return;
  }
  if (ev.t_ms > r->last_t_ms) r->last_t_ms = ev.t_ms;
  note_common(r, &ev);
  switch (r->kind) {
  case BSIM_RENDER_NARRATION:
    bsim__narrate_event(r, &ev);
    break;
  case BSIM_RENDER_TIMELINE_SVG:
    bsim__timeline_event(r, &ev);
    break;
  case BSIM_RENDER_REPORT:
    bsim__report_event(r, &ev);
    break;
  case BSIM_RENDER_KIND_COUNT:
    break;
  }
  /* The state is updated after the renderer saw the event, so it can
   * still read the previous one. */
  const char *to = bsim_trace_event_get(&ev, "to");
  struct render_job *j = bsim__render_job(r, ev.job);
  if (j != NULL && strcmp(ev.ev, "state") == 0 && to != NULL) {
    j->state = bsim__render_state_name(to);
  }
}

void bsim_render_sink(const char *line, size_t len, void *user) {
  bsim_renderer_line((bsim_renderer *)user, line, len);
}

bsim_hr bsim_renderer_finish(bsim_renderer *r) {
  if (r == NULL) return BSIM_E_INVALIDARG;
  switch (r->kind) {
  case BSIM_RENDER_NARRATION:
    break;
  case BSIM_RENDER_TIMELINE_SVG:
    bsim__timeline_finish(r);
    break;
  case BSIM_RENDER_REPORT:
    bsim__report_finish(r);
    break;
  case BSIM_RENDER_KIND_COUNT:
    break;
  }
  return fflush(r->out) == 0 && !ferror(r->out) ? BSIM_S_OK : BSIM_E_FAIL;
}

uint64_t bsim_renderer_bad_lines(const bsim_renderer *r) {
  return r != NULL ? r->bad_lines : 0;
}

/* State names are interned to static strings so spans can point at them. */
const char *bsim__render_state_name(const char *name) {
  static const char *const names[] = {
      "QUEUED",          "CONNECTING",  "TRANSFERRING", "SUSPENDED", "ERROR",
      "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcmp(names[i], name) == 0) return names[i];
  }
  return "UNKNOWN";
}

char *bsim_format_virtual_time(uint64_t t_ms, char *buf, size_t size) {
  uint64_t days = t_ms / 86400000u;
  uint64_t rest = t_ms % 86400000u;
  snprintf(buf, size, "%llud+%02u:%02u:%02u.%03u", (unsigned long long)days,
           (unsigned)(rest / 3600000u), (unsigned)(rest / 60000u % 60u),
           (unsigned)(rest / 1000u % 60u), (unsigned)(rest % 1000u));
  return buf;
}
