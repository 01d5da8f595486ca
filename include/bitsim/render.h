/* bitsim — what a person sees, rendered from the trace (design.md "Trace").
 *
 * The narration, the SVG timeline and the end-of-run report are all built
 * from trace lines (include/bitsim/trace.h), never from engine state, so
 * that a saved trace renders the same pictures later and the same seed gives
 * the same narration and SVG byte for byte.
 *
 * Each renderer is a sink: feed it lines with bsim_render_sink (usable
 * directly as a bsim_trace_cb) or one at a time, then finish it.
 *
 * Threads: a renderer belongs to one thread at a time.
 */
#ifndef BSIM_RENDER_H
#define BSIM_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- parsing one trace line ------------------------------------------- */

#define BSIM_TRACE_FIELDS_MAX 24

/** One field of a trace line: its key and its value as text (strings are
 * unescaped; numbers keep their digits). */
struct bsim_trace_field {
  const char *key;
  const char *value;
  int is_string;
};

/** A parsed trace line. Views point into storage owned by the struct. */
struct bsim_trace_event {
  uint64_t seq;
  uint64_t t_ms;
  const char *ev;  /* "state", "api", ... ("" if absent) */
  const char *job; /* "{GUID}" or NULL */
  size_t field_count;
  struct bsim_trace_field fields[BSIM_TRACE_FIELDS_MAX];
  char storage[2048];
};

/** Parse one line (a flat JSON object of strings, numbers, booleans and
 * null). Returns S_OK, or E_INVALIDARG with *err_col set to the 1-based
 * column where the line stopped making sense. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_trace_event_parse(const char *line, size_t len,
                       struct bsim_trace_event *out, size_t *err_col);

/** The value of key, or NULL. Ownership: a view into ev. */
BSIM_EXTERN const char *bsim_trace_event_get(const struct bsim_trace_event *ev,
                                             const char *key);

/** Virtual time as "d+hh:mm:ss.mmm" (e.g. "14d+00:10:00.000") into buf
 * (at least 32 bytes). Returns buf. */
BSIM_EXTERN char *bsim_format_virtual_time(uint64_t t_ms, char *buf,
                                           size_t size);

/* ---- renderers --------------------------------------------------------- */

typedef struct bsim_renderer bsim_renderer;

enum bsim_render_kind {
  /** One readable line per event, with virtual time. */
  BSIM_RENDER_NARRATION = 0,
  /** An SVG picture: a lane per job with its states over virtual time, and
   * a lane per user with its notification slots. Written at finish. */
  BSIM_RENDER_TIMELINE_SVG = 1,
  /** What users usually get wrong: jobs never completed or cancelled,
   * callbacks failing more than a few times, jobs left in ERROR, files
   * never validated. Written at finish. */
  BSIM_RENDER_REPORT = 2,
  BSIM_RENDER_KIND_COUNT /* not a value */
};

/** A renderer writing to out (not closed by bitsim).
 * Returns S_OK, E_INVALIDARG, E_OUTOFMEMORY.
 * Ownership: free with bsim_renderer_free. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_renderer_new(enum bsim_render_kind kind,
                                                     FILE *out,
                                                     bsim_renderer **r_out);

/** Feed one trace line. Lines that do not parse are counted and skipped. */
BSIM_EXTERN void bsim_renderer_line(bsim_renderer *r, const char *line,
                                    size_t len);

/** A bsim_trace_cb that feeds user (a bsim_renderer *). */
BSIM_EXTERN void bsim_render_sink(const char *line, size_t len, void *user);

/** Write what is written at the end (SVG, report). Returns S_OK, or
 * E_FAIL when writing failed. */
BSIM_EXTERN bsim_hr bsim_renderer_finish(bsim_renderer *r);

/** Lines that did not parse so far. */
BSIM_EXTERN uint64_t bsim_renderer_bad_lines(const bsim_renderer *r);

/** Free (does not finish). NULL is a no-op. */
BSIM_EXTERN void bsim_renderer_free(bsim_renderer *r);

/* ---- the state diagram ------------------------------------------------- */

/** Write the job state diagram as Graphviz DOT, generated from the engine's
 * transition table (docs/state-machine.dot is this output). Returns S_OK,
 * E_INVALIDARG, or E_FAIL when writing failed. */
BSIM_EXTERN bsim_hr bsim_state_diagram_dot(FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_RENDER_H */
