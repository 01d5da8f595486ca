/* `bitsim run SCENARIO`: parse a scenario file, run it on the virtual clock
 * and narrate it. Exit status: 0 when every expectation held, 1 when one
 * failed or a statement could not be carried out, 2 for a bad command line
 * or a scenario that does not parse (the message points at line and
 * column). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bitsim.h"
#include "bitsim/render.h"
#include "bitsim/scenario.h"
#include "cli/commands.h"

struct run_args {
  const char *path;
  const char *workdir;
  const char *svg;
  const char *trace;
  uint64_t seed;
  int quiet;
  int report;
};

static int usage(const char *why) {
  fprintf(stderr,
          "bitsim run: %s\nusage: bitsim run SCENARIO [--workdir DIR] "
          "[--svg FILE] [--trace FILE] [--seed N] [--quiet] "
          "[--no-report]\n",
          why);
  return 2;
}

static int parse_run_args(int argc, char **argv, struct run_args *a) {
  memset(a, 0, sizeof *a);
  a->report = 1;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(arg, "--workdir") == 0 && next != NULL) {
      a->workdir = argv[++i];
    } else if (strcmp(arg, "--svg") == 0 && next != NULL) {
      a->svg = argv[++i];
    } else if (strcmp(arg, "--trace") == 0 && next != NULL) {
      a->trace = argv[++i];
    } else if (strcmp(arg, "--seed") == 0 && next != NULL) {
      a->seed = strtoull(argv[++i], NULL, 10);
    } else if (strcmp(arg, "--quiet") == 0) {
      a->quiet = 1;
    } else if (strcmp(arg, "--no-report") == 0) {
      a->report = 0;
    } else if (arg[0] != '-' && a->path == NULL) {
      a->path = arg;
    } else {
      char why[200];
      snprintf(why, sizeof why, "unexpected argument '%s'", arg);
      return usage(why);
    }
  }
  return a->path != NULL ? 0 : usage("no scenario file given");
}

static int make_workdir(struct run_args *a, char *buf, size_t size) {
  if (a->workdir != NULL) {
    snprintf(buf, size, "%s", a->workdir);
    if (mkdir(buf, 0755) != 0) {
      struct stat st;
      if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) return -1;
    }
    return 0;
  }
  snprintf(buf, size, "/tmp/bitsim-run-XXXXXX");
  return mkdtemp(buf) != NULL ? 0 : -1;
}

static FILE *open_out(const char *path) {
  if (path == NULL) return NULL;
  return strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
}

static void close_out(FILE *f) {
  if (f != NULL && f != stdout) fclose(f);
}

static int report_result(const struct run_args *a, bsim_hr hr,
                         const struct bsim_scenario_result *res) {
  char when[40];
  bsim_format_virtual_time(res->end_time_ms, when, sizeof when);
  printf("\n%s: %u statements, %u expectations, %u failed; virtual time %s; "
         "trace digest %016" PRIx64 "\n",
         a->path, res->statements_run, res->expectations, res->failures, when,
         res->trace_digest);
  if (BSIM_FAILED(hr) || res->failures > 0) {
    fprintf(stderr, "bitsim run: %s\n", res->first_failure);
    return 1;
  }
  return 0;
}

int bsim_cli_run(int argc, char **argv) {
  struct run_args a;
  if (parse_run_args(argc, argv, &a) != 0) return 2;
  bsim_scenario *s = NULL;
  struct bsim_scenario_error err = {0};
  bsim_hr hr = bsim_scenario_load(a.path, &s, &err);
  if (BSIM_FAILED(hr)) {
    if (err.message[0] != '\0') {
      fprintf(stderr, "bitsim run: %s\n", err.message);
    } else {
      fprintf(stderr, "bitsim run: cannot read %s: %s\n", a.path,
              bsim_hr_name(hr));
    }
    return 2;
  }
  char workdir[512];
  if (make_workdir(&a, workdir, sizeof workdir) != 0) {
    bsim_scenario_free(s);
    return usage("cannot create the work directory");
  }
  struct bsim_scenario_run_options o = {
      workdir,           a.quiet ? NULL : stdout,
      open_out(a.svg),   a.report ? stdout : NULL,
      open_out(a.trace), a.seed};
  struct bsim_scenario_result res;
  hr = bsim_scenario_run(s, &o, &res);
  close_out(o.timeline_svg);
  close_out(o.trace);
  bsim_scenario_free(s);
  return report_result(&a, hr, &res);
}
