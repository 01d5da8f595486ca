/* bitsim — the scenario runner's state, shared by run.c (the statement
 * loop and setup commands), run_jobs.c (job commands) and run_expect.c
 * (expectations). */
#ifndef BSIM_SCENARIO_RUN_INTERNAL_H
#define BSIM_SCENARIO_RUN_INTERNAL_H

#include "bitsim.h"
#include "bitsim/render.h"
#include "scenario/scenario_internal.h"

struct scn_callback; /* run_notify.c */

struct scn_job {
  char name[64];
  bsim_job *job;
  struct scn_callback *callback;
};

struct runner {
  const bsim_scenario *scenario;
  const struct bsim_scenario_run_options *opts;
  struct bsim_scenario_result *result;
  const struct scn_stmt *stmt; /* the statement being run */
  bsim_manager *mgr;
  struct bsim_manager_options mopts;
  char first_user[64];
  struct scn_job *jobs;
  size_t job_count;
  struct scn_callback **retired; /* replaced tables, freed at the end */
  size_t retired_count;
  bsim_serve *srv;     /* `serve`: bitsim serve on loopback, or NULL */
  char serve_base[64]; /* "http://127.0.0.1:PORT", what {serve} means */
  bsim_renderer *narration;
  bsim_renderer *timeline;
  bsim_renderer *report;
};

/* Outcomes of one statement. */
enum {
  SCN_OK = 0,   /* carried out */
  SCN_STOP = -1 /* could not be carried out: the run stops */
};

/** Record a failed expectation (the run goes on). */
void bsim__scn_expect_failed(struct runner *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** Record a statement that cannot be carried out; returns SCN_STOP. */
int bsim__scn_stop(struct runner *r, bsim_hr hr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Print a line to the narration, prefixed with the virtual time. */
void bsim__scn_say(struct runner *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** Create the manager if not yet (seed and option lines come first). */
int bsim__scn_manager(struct runner *r);
/** The job named name, or NULL after reporting it unknown. */
struct scn_job *bsim__scn_job(struct runner *r, const char *name);
/** Resolve a local name against the workdir into buf. */
int bsim__scn_local(struct runner *r, const char *name, char *buf, size_t size);
/** Check an API result against the statement's "-> CODE" (or success). */
int bsim__scn_result(struct runner *r, const char *what, bsim_hr hr);

int bsim__scn_run_job_cmd(struct runner *r);
int bsim__scn_run_expect(struct runner *r);
/* bitsim serve and local files (run_serve.c). */
int bsim__scn_run_serve(struct runner *r);
int bsim__scn_run_make_file(struct runner *r);
/** Replace "{serve}" in text with the server's base URL. Returns buf, or
 * NULL after stopping the run (no server, or too long). */
const char *bsim__scn_expand(struct runner *r, const char *text, char *buf,
                             size_t size);
void bsim__scn_serve_stop(struct runner *r);

/* Callbacks, command lines and validation (run_notify.c). */
int bsim__scn_run_notify_cmd(struct runner *r);
int bsim__scn_expect_notify(struct runner *r, struct scn_job *j);
void bsim__scn_notify_free(struct runner *r);

#endif /* BSIM_SCENARIO_RUN_INTERNAL_H */
