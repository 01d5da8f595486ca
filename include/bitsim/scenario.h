/* bitsim — scenario files: a small line-oriented language that narrates a
 * job's life on the virtual clock and, with `expect` lines, makes it a test.
 * docs/scenarios.md describes the language; docs/examples/ holds one
 * scenario for each pain point of BITS users.
 *
 * Parsing is separate from running: bsim_scenario_parse checks every line
 * (commands, argument counts, option names and value types) and reports the
 * first problem with its line and column and what was expected.
 *
 * Threads: one thread at a time per scenario.
 */
#ifndef BSIM_SCENARIO_H
#define BSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bsim_scenario bsim_scenario;

/** Where and why parsing stopped. */
struct bsim_scenario_error {
  unsigned line;   /* 1-based */
  unsigned column; /* 1-based */
  char message[256];
};

/** Parse text (len bytes; need not be NUL-terminated). name is used in
 * messages (a file name). Returns S_OK, E_INVALIDARG with *err filled, or
 * E_OUTOFMEMORY. Ownership: free *out with bsim_scenario_free. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_scenario_parse(const char *name, const char *text, size_t len,
                    bsim_scenario **out, struct bsim_scenario_error *err);

/** Read and parse a file. Returns as bsim_scenario_parse, or the HRESULT of
 * the failure to read (E_WIN32_FILE_NOT_FOUND, E_ACCESSDENIED). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_scenario_load(
    const char *path, bsim_scenario **out, struct bsim_scenario_error *err);

/** How to run a scenario. */
struct bsim_scenario_run_options {
  /** Where local file names (relative ones) live; must exist. */
  const char *workdir;
  /** Narration (one line per trace event, plus say lines and expectation
   * results); NULL for none. */
  FILE *narration;
  /** The SVG timeline is written here at the end; NULL for none. */
  FILE *timeline_svg;
  /** The report of common mistakes is written here at the end; NULL for
   * none. */
  FILE *report;
  /** The raw trace (JSON Lines) is written here; NULL for none. */
  FILE *trace;
  /** Nonzero overrides the scenario's seed line. */
  uint64_t seed;
};

/** What a run found. */
struct bsim_scenario_result {
  unsigned statements_run;
  unsigned expectations;   /* expect lines and "-> CODE" checks */
  unsigned failures;       /* of those, how many failed */
  char first_failure[320]; /* "file:line: ..." of the first one */
  uint64_t trace_digest;   /* bsim_trace_digest at the end */
  uint64_t end_time_ms;    /* virtual time at the end */
};

/** Run a parsed scenario on a fresh manager. Returns S_OK when it ran to
 * the end (check result->failures), or the HRESULT that stopped it (a
 * statement that could not be carried out: result->first_failure says
 * which). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_scenario_run(
    const bsim_scenario *s, const struct bsim_scenario_run_options *opts,
    struct bsim_scenario_result *result);

/** Number of statements (non-blank, non-comment lines). */
BSIM_EXTERN size_t bsim_scenario_statement_count(const bsim_scenario *s);

BSIM_EXTERN void bsim_scenario_free(bsim_scenario *s);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_SCENARIO_H */
