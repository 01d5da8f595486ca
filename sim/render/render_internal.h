/* bitsim — renderer internals shared by narrate.c, timeline_svg.c and
 * report.c. */
#ifndef BSIM_RENDER_INTERNAL_H
#define BSIM_RENDER_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "bitsim/render.h"

/* A stretch of virtual time: a job in one state, or one callback in
 * flight in a user's notification slot. */
struct render_span {
  uint64_t start_ms;
  uint64_t end_ms;
  const char *label; /* state name, or callback method */
  unsigned slot;     /* notification slot (user lanes) */
};

struct render_job {
  char id[48];
  unsigned number;
  char *name;
  char owner[64];
  const char *state; /* interned (bsim__render_state_name) */
  uint64_t state_since_ms;
  int seen; /* its first event was read: the lane starts there */
  struct render_span *spans;
  size_t span_count;
  size_t span_cap;
  /* Facts for the report. */
  unsigned callback_failures;
  unsigned files_transferred;
  unsigned files_validated;
  int cmdline_set;
};

struct render_user {
  char name[64];
  uint64_t slot_busy_since_ms[64];
  const char *slot_label[64];
  unsigned slots_max; /* highest slot index seen + 1 */
  struct render_span *spans;
  size_t span_count;
  size_t span_cap;
};

struct bsim_renderer {
  enum bsim_render_kind kind;
  FILE *out;
  struct render_job *jobs;
  size_t job_count;
  size_t job_cap;
  struct render_user *users;
  size_t user_count;
  size_t user_cap;
  uint64_t last_t_ms;
  uint64_t bad_lines;
};

struct render_job *bsim__render_job(bsim_renderer *r, const char *id);
void bsim__render_job_label(const struct render_job *j, char *buf, size_t size);
const char *bsim__render_state_name(const char *name);
int bsim__render_span_add(struct render_span **spans, size_t *count,
                          size_t *cap, const struct render_span *span);

void bsim__narrate_event(bsim_renderer *r, const struct bsim_trace_event *ev);
void bsim__timeline_event(bsim_renderer *r, const struct bsim_trace_event *ev);
void bsim__timeline_finish(bsim_renderer *r);
void bsim__report_event(bsim_renderer *r, const struct bsim_trace_event *ev);
void bsim__report_finish(bsim_renderer *r);

#endif /* BSIM_RENDER_INTERNAL_H */
