/* The SVG timeline: one lane per job showing its states over virtual time,
 * and one lane per notification slot of each user showing which callback
 * held it. Everything is computed with integers from the trace, so one seed
 * gives the same picture byte for byte. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "render/render_internal.h"

enum {
  LABEL_W = 220,
  PLOT_W = 900,
  LANE_H = 22,
  TOP = 40,
};

int bsim__render_span_add(struct render_span **spans, size_t *count,
                          size_t *cap, const struct render_span *span) {
  if (*count == *cap) {
    size_t grown_cap = *cap ? *cap * 2 : 8;
    struct render_span *grown =
        bsim__realloc(*spans, grown_cap * sizeof *grown);
    if (grown == NULL) return -1;
    *spans = grown;
    *cap = grown_cap;
  }
  (*spans)[(*count)++] = *span;
  return 0;
}

static struct render_user *find_user(bsim_renderer *r, const char *name) {
  for (size_t i = 0; i < r->user_count; i++) {
    if (strcmp(r->users[i].name, name) == 0) return &r->users[i];
  }
  if (r->user_count == r->user_cap) {
    size_t cap = r->user_cap ? r->user_cap * 2 : 4;
    struct render_user *grown = bsim__realloc(r->users, cap * sizeof *grown);
    if (grown == NULL) return NULL;
    r->users = grown;
    r->user_cap = cap;
  }
  struct render_user *u = &r->users[r->user_count++];
  memset(u, 0, sizeof *u);
  snprintf(u->name, sizeof u->name, "%s", name);
  return u;
}

static void close_job_span(struct render_job *j, uint64_t t_ms) {
  struct render_span span = {j->state_since_ms, t_ms, j->state, 0};
  if (t_ms > j->state_since_ms || j->span_count == 0) {
    bsim__render_span_add(&j->spans, &j->span_count, &j->span_cap, &span);
  }
  j->state_since_ms = t_ms;
}

/* A callback takes a slot ("phase":"begin") and gives it back ("end"). */
static void note_slot(bsim_renderer *r, const struct bsim_trace_event *ev) {
  const char *user = bsim_trace_event_get(ev, "user");
  const char *slot = bsim_trace_event_get(ev, "slot");
  const char *phase = bsim_trace_event_get(ev, "phase");
  if (user == NULL || slot == NULL || phase == NULL) return;
  struct render_user *u = find_user(r, user);
  unsigned s = (unsigned)strtoul(slot, NULL, 10);
  if (u == NULL || s >= 64) return;
  if (s + 1 > u->slots_max) u->slots_max = s + 1;
  if (strcmp(phase, "begin") == 0) {
    u->slot_busy_since_ms[s] = ev->t_ms;
    const char *method = bsim_trace_event_get(ev, "method");
    u->slot_label[s] = method != NULL && strcmp(method, "JobTransferred") == 0
                           ? "JobTransferred"
                       : method != NULL && strcmp(method, "JobError") == 0
                           ? "JobError"
                           : "callback";
  } else if (strcmp(phase, "end") == 0) {
    struct render_span span = {u->slot_busy_since_ms[s], ev->t_ms,
                               u->slot_label[s], s};
    bsim__render_span_add(&u->spans, &u->span_count, &u->span_cap, &span);
  }
}

void bsim__timeline_event(bsim_renderer *r, const struct bsim_trace_event *ev) {
  struct render_job *j = bsim__render_job(r, ev->job);
  if (j != NULL && strcmp(ev->ev, "state") == 0) {
    close_job_span(j, ev->t_ms);
  } else if (strcmp(ev->ev, "notify") == 0) {
    note_slot(r, ev);
  }
}

static const char *state_colour(const char *state) {
  static const struct {
    const char *state;
    const char *colour;
  } colours[] = {
      {"SUSPENDED", "#c8c8c8"},       {"QUEUED", "#9ecae1"},
      {"CONNECTING", "#6baed6"},      {"TRANSFERRING", "#2171b5"},
      {"TRANSIENT_ERROR", "#fdae6b"}, {"ERROR", "#d62728"},
      {"TRANSFERRED", "#74c476"},     {"ACKNOWLEDGED", "#238b45"},
      {"CANCELLED", "#636363"},
  };
  for (size_t i = 0; i < sizeof colours / sizeof colours[0]; i++) {
    if (strcmp(colours[i].state, state) == 0) return colours[i].colour;
  }
  return "#ffffff";
}

static unsigned x_of(uint64_t t_ms, uint64_t end_ms) {
  if (end_ms == 0) return LABEL_W;
  return (unsigned)(LABEL_W + (t_ms * PLOT_W) / end_ms);
}

static void write_escaped(FILE *out, const char *s) {
  for (; *s != '\0'; s++) {
    switch (*s) {
    case '<':
      fputs("&lt;", out);
      break;
    case '>':
      fputs("&gt;", out);
      break;
    case '&':
      fputs("&amp;", out);
      break;
    case '"':
      fputs("&quot;", out);
      break;
    default:
      fputc(*s, out);
    }
  }
}

static void write_span(FILE *out, unsigned y, uint64_t end_ms,
                       const struct render_span *s, const char *fill) {
  unsigned x0 = x_of(s->start_ms, end_ms);
  unsigned x1 = x_of(s->end_ms, end_ms);
  unsigned w = x1 > x0 ? x1 - x0 : 1;
  char from[40];
  char to[40];
  bsim_format_virtual_time(s->start_ms, from, sizeof from);
  bsim_format_virtual_time(s->end_ms, to, sizeof to);
  fprintf(out,
          "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%d\" fill=\"%s\">"
          "<title>%s %s .. %s</title></rect>\n",
          x0, y, w, LANE_H - 4, fill, s->label, from, to);
}

static void write_axis(FILE *out, uint64_t end_ms, unsigned y) {
  char label[40];
  for (unsigned i = 0; i <= 4; i++) {
    uint64_t t = end_ms * i / 4;
    unsigned x = x_of(t, end_ms);
    bsim_format_virtual_time(t, label, sizeof label);
    fprintf(out,
            "<line x1=\"%u\" y1=\"%d\" x2=\"%u\" y2=\"%u\" stroke=\"#ddd\"/>"
            "<text x=\"%u\" y=\"%u\" font-size=\"10\" text-anchor=\"middle\">"
            "%s</text>\n",
            x, TOP - 10, x, y, x, y + 14, label);
  }
}

static unsigned write_job_lanes(bsim_renderer *r, uint64_t end_ms) {
  unsigned y = TOP;
  char label[160];
  for (size_t i = 0; i < r->job_count; i++, y += LANE_H) {
    struct render_job *j = &r->jobs[i];
    bsim__render_job_label(j, label, sizeof label);
    fprintf(r->out, "<text x=\"4\" y=\"%u\" font-size=\"12\">", y + 14);
    write_escaped(r->out, label);
    fputs("</text>\n", r->out);
    for (size_t k = 0; k < j->span_count; k++) {
      write_span(r->out, y, end_ms, &j->spans[k],
                 state_colour(j->spans[k].label));
    }
  }
  return y;
}

static unsigned write_user_lanes(bsim_renderer *r, uint64_t end_ms,
                                 unsigned y) {
  for (size_t i = 0; i < r->user_count; i++) {
    struct render_user *u = &r->users[i];
    for (unsigned s = 0; s < u->slots_max; s++, y += LANE_H) {
      fprintf(r->out, "<text x=\"4\" y=\"%u\" font-size=\"12\">", y + 14);
      write_escaped(r->out, u->name);
      fprintf(r->out, " slot %u</text>\n", s + 1);
      for (size_t k = 0; k < u->span_count; k++) {
        if (u->spans[k].slot != s) continue;
        write_span(r->out, y, end_ms, &u->spans[k],
                   strcmp(u->spans[k].label, "JobError") == 0 ? "#e377c2"
                                                              : "#9467bd");
      }
    }
  }
  return y;
}

/* One swatch per state, so the colours need no guessing. */
static void write_legend(FILE *out, unsigned y) {
  static const char *const states[] = {
      "SUSPENDED",    "QUEUED",          "CONNECTING",
      "TRANSFERRING", "TRANSIENT_ERROR", "ERROR",
      "TRANSFERRED",  "ACKNOWLEDGED",    "CANCELLED"};
  unsigned x = 4;
  for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
    fprintf(out,
            "<rect x=\"%u\" y=\"%u\" width=\"10\" height=\"10\" "
            "fill=\"%s\"/><text x=\"%u\" y=\"%u\" font-size=\"10\">%s"
            "</text>\n",
            x, y, state_colour(states[i]), x + 13, y + 9, states[i]);
    x += 14 + 7 * (unsigned)strlen(states[i]) + 10;
  }
}

void bsim__timeline_finish(bsim_renderer *r) {
  uint64_t end_ms = r->last_t_ms > 0 ? r->last_t_ms : 1;
  for (size_t i = 0; i < r->job_count; i++) {
    close_job_span(&r->jobs[i], end_ms);
  }
  size_t lanes = r->job_count;
  for (size_t i = 0; i < r->user_count; i++)
    lanes += r->users[i].slots_max;
  unsigned height = (unsigned)(TOP + lanes * LANE_H + 52);
  fprintf(r->out,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
          "height=\"%u\" font-family=\"sans-serif\">\n"
          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
          "<text x=\"4\" y=\"16\" font-size=\"14\">bitsim timeline (virtual "
          "time)</text>\n",
          LABEL_W + PLOT_W + 20, height);
  unsigned y = write_job_lanes(r, end_ms);
  y = write_user_lanes(r, end_ms, y);
  write_axis(r->out, end_ms, y);
  write_legend(r->out, y + 24);
  fputs("</svg>\n", r->out);
}
