/* bitsim — the bitsadmin-style job commands (`bitsim /create NAME`,
 * `/addfile`, `/info`, `/transfer`, ...): what the files of sim/cli/cmd_jobs*
 * share. One invocation parses its global options (--store, --json, --host,
 * --publish, ...), splits its arguments into commands at `--`, checks every
 * command's syntax before running any, opens one manager and runs the
 * commands in order on it (users.md §3.1 for the grammar and output shapes).
 *
 * Files: cmd_jobs.c (entry, manager), cmd_jobs_args.c (parsing),
 * cmd_jobs_lookup.c (name or GUID), cmd_jobs_output.c (bitsadmin and JSON
 * shapes), cmd_jobs_life.c (create, files, life cycle), cmd_jobs_props.c
 * (get and set), cmd_jobs_wait.c (transfer, monitor, resume --wait). */
#ifndef BSIM_CLI_CMD_JOBS_H
#define BSIM_CLI_CMD_JOBS_H

#include <stdint.h>
#include <stdio.h>

#include "bitsim.h"

/* Switches a command may take (bitsadmin's /VERB-style modifiers). */
#define BSIM__CLI_SW_VERBOSE 0x0001u
#define BSIM__CLI_SW_ALLUSERS 0x0002u
#define BSIM__CLI_SW_DOWNLOAD 0x0004u
#define BSIM__CLI_SW_UPLOAD 0x0008u
#define BSIM__CLI_SW_UPLOAD_REPLY 0x0010u
#define BSIM__CLI_SW_WAIT 0x0020u
#define BSIM__CLI_SW_PRIORITY 0x0040u /* takes a value */
#define BSIM__CLI_SW_REFRESH 0x0080u  /* takes a value */
#define BSIM__CLI_SW_TYPE                                                      \
  (BSIM__CLI_SW_DOWNLOAD | BSIM__CLI_SW_UPLOAD | BSIM__CLI_SW_UPLOAD_REPLY)

/* Exit statuses: 0 success, 1 the operation failed (a BITS error, a missing
 * or ambiguous job), 2 the command line was wrong. */
#define BSIM__CLI_EXIT_FAIL 1
#define BSIM__CLI_EXIT_USAGE 2

enum bsim__cli_progress {
  BSIM__CLI_PROGRESS_AUTO,
  BSIM__CLI_PROGRESS_BAR,
  BSIM__CLI_PROGRESS_PLAIN
};

#define BSIM__CLI_MAX_NET 32

/* Options that apply to every command of the invocation. */
struct bsim__cli_globals {
  const char *store; /* --store, else $BITSIM_STORE, else ~/.bitsim/... */
  int memory;        /* --memory: no store */
  int json;          /* --json */
  int raw;           /* /rawreturn */
  const char *user;  /* --user, else $USER, else "user" */
  int admin;         /* --admin */
  uint64_t seed;     /* --seed; else 1 in memory, drawn with a store */
  int seed_explicit;
  int clock; /* --clock: -1 choose, else enum bsim_clock_mode */
  enum bsim__cli_progress progress; /* --progress=bar|plain */
  const char *hosts[BSIM__CLI_MAX_NET];
  unsigned host_count;
  const char *publish[BSIM__CLI_MAX_NET];
  unsigned publish_count;
  const char *faults[BSIM__CLI_MAX_NET];
  unsigned fault_count;
};

struct bsim__cli_verb;

/* One parsed command of the chain. */
struct bsim__cli_cmd {
  const struct bsim__cli_verb *verb;
  char **args; /* positional arguments (switches removed) */
  int argc;
  unsigned switches;
  const char *priority; /* /priority P */
  uint32_t refresh_s;   /* /refresh S (monitor), 5 */
};

/* The state a running command sees. */
struct bsim__cli_ctx {
  bsim_manager *mgr;
  const struct bsim__cli_globals *g;
  const struct bsim__cli_cmd *cmd;
  int bars; /* draw progress bars (a terminal, or --progress=bar) */
};

struct bsim__cli_verb {
  const char *name; /* lower case, without the slash */
  int min_args;
  int max_args; /* -1: any number */
  unsigned switches;
  int (*run)(struct bsim__cli_ctx *ctx);
  const char *usage; /* arguments after the verb */
};

/* Drop an HRESULT on purpose (a best-effort read or a cleanup whose
 * failure changes nothing the user needs to know). */
static inline void bsim__cli_ignore(bsim_hr hr) {
  (void)hr;
}

/* ---- cmd_jobs_args.c ---------------------------------------------------- */
/* Find a verb by name (without the slash, any case); NULL if unknown. */
const struct bsim__cli_verb *bsim__cli_verb_find(const char *name);
/* Parse a global option at argv[*i] (advancing *i past its value). Returns
 * 1 when it was one, 0 when it is not a global option, -1 after printing a
 * usage error. */
int bsim__cli_parse_global(int argc, char **argv, int *i,
                           struct bsim__cli_globals *g);
/* Parse one command (argv[0] is its /verb). Returns 0, or an exit status
 * after printing a one-line error and a usage hint. */
int bsim__cli_parse_cmd(int argc, char **argv, struct bsim__cli_cmd *cmd);
/* Print the verbs' usage (only verb_name's when it names one); returns 0. */
int bsim__cli_help(const char *verb_name);
/* Print "bitsim /verb: why" and the verb's usage line; returns 2. */
int bsim__cli_usage(const struct bsim__cli_verb *verb, const char *why);
/* Numbers: decimal or 0x hex, with an optional K/M/G (1024) suffix when
 * sizes is nonzero. Returns 0 or -1. */
int bsim__cli_parse_u64(const char *text, int sizes, uint64_t *out);
int bsim__cli_parse_u32(const char *text, uint32_t *out);
/* Declare the --host and --publish network on mgr. Returns 0, or 2 after
 * printing why. */
int bsim__cli_apply_net(bsim_manager *mgr, const struct bsim__cli_globals *g);
/* Make local an absolute path (relative to the working directory) in buf. */
const char *bsim__cli_abs_path(const char *local, char *buf, size_t size);
int bsim__cli_ieq(const char *a, const char *b);

/* ---- cmd_jobs_lookup.c -------------------------------------------------- */
/* Find a job by "{GUID}" or display name among the jobs the user sees (all
 * users' with /allusers). Prints a one-line error and returns NULL when it
 * is missing or the name is ambiguous. Ownership: a new reference. */
bsim_job *bsim__cli_find_job(struct bsim__cli_ctx *ctx, const char *text);
/* The jobs of the user (or all users with allusers), as enum_jobs. */
bsim_hr bsim__cli_enum(struct bsim__cli_ctx *ctx, int allusers,
                       bsim_job ***jobs, size_t *count);

/* ---- cmd_jobs_output.c -------------------------------------------------- */
const char *bsim__cli_state_name(enum bsim_job_state s);
const char *bsim__cli_type_name(enum bsim_job_type t);
const char *bsim__cli_priority_name(enum bsim_job_priority p);
const char *bsim__cli_context_name(enum bsim_error_context c);
int bsim__cli_priority_parse(const char *text, enum bsim_job_priority *out);
/* "{GUID} 'name' STATE a / b x / y" (the /list and /info shape). */
void bsim__cli_print_line(FILE *out, bsim_job *job);
/* The /info /verbose block. */
void bsim__cli_print_verbose(FILE *out, bsim_job *job);
/* The ERROR FILE / ERROR CODE / ERROR CONTEXT lines; nothing outside ERROR
 * and TRANSIENT_ERROR. */
void bsim__cli_print_error(FILE *out, bsim_job *job);
/* One file line: "done / total WORKING|TRANSFERRED url -> local". */
void bsim__cli_print_file(FILE *out, bsim_job *job, uint32_t index);
/* The job as one JSON object (no newline). */
void bsim__cli_json_job(FILE *out, bsim_job *job, int with_files);
void bsim__cli_json_str(FILE *out, const char *s);
/* {"command":"verb","hr":"0x...","result":"NAME"} prefix, left open for
 * more members; close with bsim__cli_json_end. */
void bsim__cli_json_begin(FILE *out, const char *verb, bsim_hr hr);
void bsim__cli_json_end(FILE *out);
/* Report a failed call in bitsadmin's shape ("Unable to <what> - 0x...",
 * then the message), or as JSON; returns 1. */
int bsim__cli_fail(struct bsim__cli_ctx *ctx, const char *what, bsim_hr hr);

/* ---- commands (cmd_jobs_life.c, cmd_jobs_props.c, cmd_jobs_wait.c) ------ */
int bsim__cli_create(struct bsim__cli_ctx *ctx);
int bsim__cli_addfile(struct bsim__cli_ctx *ctx);
int bsim__cli_addfileset(struct bsim__cli_ctx *ctx);
/* cmd_jobs_ranges.c: bitsadmin's /addfilewithranges (reference §1.6). */
int bsim__cli_addfilewithranges(struct bsim__cli_ctx *ctx);
int bsim__cli_resume(struct bsim__cli_ctx *ctx);
int bsim__cli_suspend(struct bsim__cli_ctx *ctx);
int bsim__cli_cancel(struct bsim__cli_ctx *ctx);
int bsim__cli_complete(struct bsim__cli_ctx *ctx);
int bsim__cli_reset(struct bsim__cli_ctx *ctx);
int bsim__cli_info(struct bsim__cli_ctx *ctx);
int bsim__cli_list(struct bsim__cli_ctx *ctx);
int bsim__cli_listfiles(struct bsim__cli_ctx *ctx);
int bsim__cli_get(struct bsim__cli_ctx *ctx);
int bsim__cli_geterror(struct bsim__cli_ctx *ctx);
int bsim__cli_set(struct bsim__cli_ctx *ctx);
int bsim__cli_setnotifycmdline(struct bsim__cli_ctx *ctx);
int bsim__cli_transfer(struct bsim__cli_ctx *ctx);
int bsim__cli_monitor(struct bsim__cli_ctx *ctx);
/* Run the engine until job settles (SUSPENDED, ERROR, TRANSFERRED or a
 * final state), printing progress. Returns the settled state through
 * state_out; S_OK, S_FALSE (the engine went idle first), or a driving
 * error. */
bsim_hr bsim__cli_wait(struct bsim__cli_ctx *ctx, bsim_job *job,
                       enum bsim_job_state *state_out);

#endif /* BSIM_CLI_CMD_JOBS_H */
