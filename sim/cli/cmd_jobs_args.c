/* bitsim job commands — argument parsing: the verb table, the global
 * options (--store, --json, --host, --publish, ...), each command's
 * switches (bitsadmin's /verbose, /allusers, /download, /priority P, ...),
 * numbers and sizes, and declaring the model network. Verbs and switches
 * are case-insensitive, as in bitsadmin (users.md §3.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd_jobs.h"

#define SW_TYPE BSIM__CLI_SW_TYPE

static const struct bsim__cli_verb verbs[] = {
    {"create", 1, 1, SW_TYPE, bsim__cli_create,
     "[/download|/upload|/upload-reply] NAME"},
    {"addfile", 3, 3, 0, bsim__cli_addfile, "JOB URL LOCAL"},
    {"addfileset", 2, 2, 0, bsim__cli_addfileset, "JOB LISTFILE"},
    {"addfilewithranges", 4, 4, 0, bsim__cli_addfilewithranges,
     "JOB URL LOCAL OFFSET:LENGTH|eof,..."},
    {"listfiles", 1, 1, 0, bsim__cli_listfiles, "JOB"},
    {"resume", 1, 1, BSIM__CLI_SW_WAIT, bsim__cli_resume, "JOB [--wait]"},
    {"suspend", 1, 1, 0, bsim__cli_suspend, "JOB"},
    {"cancel", 1, 1, 0, bsim__cli_cancel, "JOB"},
    {"complete", 1, 1, 0, bsim__cli_complete, "JOB"},
    {"info", 1, 1, BSIM__CLI_SW_VERBOSE, bsim__cli_info, "JOB [/verbose]"},
    {"list", 0, 0, BSIM__CLI_SW_VERBOSE | BSIM__CLI_SW_ALLUSERS, bsim__cli_list,
     "[/allusers] [/verbose]"},
    {"monitor", 0, 0, BSIM__CLI_SW_ALLUSERS | BSIM__CLI_SW_REFRESH,
     bsim__cli_monitor, "[/allusers] [/refresh SECONDS]"},
    {"reset", 0, 0, BSIM__CLI_SW_ALLUSERS, bsim__cli_reset, "[/allusers]"},
    {"transfer", 3, -1, SW_TYPE | BSIM__CLI_SW_PRIORITY, bsim__cli_transfer,
     "NAME [/download|/upload] [/priority P] URL LOCAL [URL LOCAL...]"},
    {"getstate", 1, 1, 0, bsim__cli_get, "JOB"},
    {"geterror", 1, 1, 0, bsim__cli_geterror, "JOB"},
    {"getbytestransferred", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getbytestotal", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getfilestransferred", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getfilestotal", 1, 1, 0, bsim__cli_get, "JOB"},
    {"geterrorcount", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getdisplayname", 1, 1, 0, bsim__cli_get, "JOB"},
    {"gettype", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getpriority", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getowner", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getnotifyflags", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getnotifycmdline", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getminretrydelay", 1, 1, 0, bsim__cli_get, "JOB"},
    {"getnoprogresstimeout", 1, 1, 0, bsim__cli_get, "JOB"},
    {"setpriority", 2, 2, 0, bsim__cli_set, "JOB FOREGROUND|HIGH|NORMAL|LOW"},
    {"setminretrydelay", 2, 2, 0, bsim__cli_set, "JOB SECONDS"},
    {"setnoprogresstimeout", 2, 2, 0, bsim__cli_set, "JOB SECONDS"},
    {"setnotifyflags", 2, 2, 0, bsim__cli_set, "JOB FLAGS"},
    {"setdisplayname", 2, 2, 0, bsim__cli_set, "JOB NAME"},
    {"setdescription", 2, 2, 0, bsim__cli_set, "JOB TEXT"},
    {"setnotifycmdline", 3, 3, 0, bsim__cli_setnotifycmdline,
     "JOB PROGRAM|NULL PARAMETERS|NULL"},
};

#define VERB_COUNT (sizeof verbs / sizeof verbs[0])

int bsim__cli_ieq(const char *a, const char *b) {
  for (; *a != '\0' && *b != '\0'; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
    char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
    if (x != y) return 0;
  }
  return *a == *b;
}

const struct bsim__cli_verb *bsim__cli_verb_find(const char *name) {
  for (size_t i = 0; i < VERB_COUNT; i++) {
    if (bsim__cli_ieq(verbs[i].name, name)) return &verbs[i];
  }
  return NULL;
}

int bsim__cli_usage(const struct bsim__cli_verb *verb, const char *why) {
  if (verb != NULL) {
    fprintf(stderr, "bitsim /%s: %s\nusage: bitsim /%s %s; try 'bitsim help'\n",
            verb->name, why, verb->name, verb->usage);
  } else {
    fprintf(stderr,
            "bitsim: %s\nusage: bitsim [OPTIONS] /COMMAND ARGS [-- /COMMAND "
            "ARGS...]; try 'bitsim help'\n",
            why);
  }
  return BSIM__CLI_EXIT_USAGE;
}

int bsim__cli_parse_u64(const char *text, int sizes, uint64_t *out) {
  if (text == NULL || *text < '0' || *text > '9') return -1;
  char *end = NULL;
  /* Decimal or 0x hex; never octal (a leading 0 is just a digit). */
  int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  unsigned long long v = strtoull(hex ? text + 2 : text, &end, hex ? 16 : 10);
  if (hex && end == text + 2) return -1;
  uint64_t mul = 1;
  if (sizes && *end != '\0' && end[1] == '\0') {
    switch (*end) {
    case 'k':
    case 'K':
      mul = 1024u;
      end++;
      break;
    case 'm':
    case 'M':
      mul = 1024u * 1024u;
      end++;
      break;
    case 'g':
    case 'G':
      mul = 1024u * 1024u * 1024u;
      end++;
      break;
    default:
      break;
    }
  }
  if (*end != '\0' || (mul > 1 && v > UINT64_MAX / mul)) return -1;
  *out = (uint64_t)v * mul;
  return 0;
}

int bsim__cli_parse_u32(const char *text, uint32_t *out) {
  uint64_t v = 0;
  if (bsim__cli_parse_u64(text, 0, &v) != 0 || v > UINT32_MAX) return -1;
  *out = (uint32_t)v;
  return 0;
}

static int global_value(int argc, char **argv, int *i, const char **out) {
  const char *eq = strchr(argv[*i], '=');
  if (eq != NULL) {
    *out = eq + 1;
    return 1;
  }
  if (*i + 1 >= argc) {
    char why[160];
    snprintf(why, sizeof why, "option '%s' needs a value", argv[*i]);
    bsim__cli_usage(NULL, why);
    return -1;
  }
  *out = argv[++*i];
  return 1;
}

static int opt_is(const char *arg, const char *name) {
  size_t n = strlen(name);
  return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static int parse_value_opt(int argc, char **argv, int *i,
                           struct bsim__cli_globals *g) {
  const char *arg = argv[*i];
  const char *v = NULL;
  int net = opt_is(arg, "--host") || opt_is(arg, "--publish") ||
            opt_is(arg, "--fault");
  if (net && (g->host_count + g->publish_count >= BSIM__CLI_MAX_NET ||
              g->fault_count >= BSIM__CLI_MAX_NET)) {
    bsim__cli_usage(NULL, "too many --host/--publish/--fault options");
    return -1;
  }
  if (global_value(argc, argv, i, &v) < 0) return -1;
  if (opt_is(arg, "--store")) {
    g->store = v;
  } else if (opt_is(arg, "--user")) {
    g->user = v;
  } else if (opt_is(arg, "--host")) {
    g->hosts[g->host_count++] = v;
  } else if (opt_is(arg, "--publish")) {
    g->publish[g->publish_count++] = v;
  } else if (opt_is(arg, "--fault")) {
    g->faults[g->fault_count++] = v;
  } else if (opt_is(arg, "--seed")) {
    g->seed_explicit = 1;
    if (bsim__cli_parse_u64(v, 0, &g->seed) != 0) {
      return bsim__cli_usage(NULL, "--seed needs a number"), -1;
    }
  } else if (opt_is(arg, "--clock")) {
    g->clock = bsim__cli_ieq(v, "auto")   ? BSIM_CLOCK_AUTO
               : bsim__cli_ieq(v, "real") ? BSIM_CLOCK_REAL
                                          : -2;
    if (g->clock == -2) {
      return bsim__cli_usage(NULL, "--clock is auto or real"), -1;
    }
  } else {
    g->progress = bsim__cli_ieq(v, "bar")     ? BSIM__CLI_PROGRESS_BAR
                  : bsim__cli_ieq(v, "plain") ? BSIM__CLI_PROGRESS_PLAIN
                  : bsim__cli_ieq(v, "auto")  ? BSIM__CLI_PROGRESS_AUTO
                                              : (enum bsim__cli_progress)99;
    if ((int)g->progress == 99) {
      return bsim__cli_usage(NULL, "--progress is bar, plain or auto"), -1;
    }
  }
  return 1;
}

int bsim__cli_parse_global(int argc, char **argv, int *i,
                           struct bsim__cli_globals *g) {
  const char *arg = argv[*i];
  static const char *const valued[] = {"--store",    "--user", "--host",
                                       "--publish",  "--seed", "--clock",
                                       "--progress", "--fault"};
  if (strcmp(arg, "--json") == 0) return g->json = 1, 1;
  if (strcmp(arg, "--memory") == 0) return g->memory = 1, 1;
  if (strcmp(arg, "--admin") == 0) return g->admin = 1, 1;
  if (bsim__cli_ieq(arg, "/rawreturn")) return g->raw = 1, 1;
  /* Accepted for bitsadmin compatibility; lines are never wrapped. */
  if (bsim__cli_ieq(arg, "/wrap") || bsim__cli_ieq(arg, "/nowrap")) return 1;
  for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
    if (opt_is(arg, valued[k])) return parse_value_opt(argc, argv, i, g);
  }
  return 0;
}

/* A switch of cmd at argv[*i]: 1 taken, 0 not a switch, -1 error. */
static int parse_switch(int argc, char **argv, int *i,
                        struct bsim__cli_cmd *cmd) {
  static const struct {
    const char *name;
    unsigned bit;
  } sw[] = {{"/verbose", BSIM__CLI_SW_VERBOSE},
            {"/allusers", BSIM__CLI_SW_ALLUSERS},
            {"/download", BSIM__CLI_SW_DOWNLOAD},
            {"/upload", BSIM__CLI_SW_UPLOAD},
            {"/upload-reply", BSIM__CLI_SW_UPLOAD_REPLY},
            {"--wait", BSIM__CLI_SW_WAIT},
            {"/wait", BSIM__CLI_SW_WAIT},
            {"/priority", BSIM__CLI_SW_PRIORITY},
            {"/refresh", BSIM__CLI_SW_REFRESH}};
  const struct bsim__cli_verb *verb = cmd->verb;
  for (size_t k = 0; k < sizeof sw / sizeof sw[0]; k++) {
    if (!bsim__cli_ieq(argv[*i], sw[k].name)) continue;
    char why[160];
    if ((verb->switches & sw[k].bit) == 0) {
      snprintf(why, sizeof why, "switch '%s' does not apply here", argv[*i]);
      return bsim__cli_usage(verb, why), -1;
    }
    if ((cmd->switches & BSIM__CLI_SW_TYPE) &&
        (sw[k].bit & BSIM__CLI_SW_TYPE)) {
      return bsim__cli_usage(verb, "give at most one job type"), -1;
    }
    cmd->switches |= sw[k].bit;
    if (sw[k].bit == BSIM__CLI_SW_PRIORITY ||
        sw[k].bit == BSIM__CLI_SW_REFRESH) {
      if (*i + 1 >= argc) {
        snprintf(why, sizeof why, "switch '%s' needs a value", argv[*i]);
        return bsim__cli_usage(verb, why), -1;
      }
      const char *v = argv[++*i];
      enum bsim_job_priority p;
      if (sw[k].bit == BSIM__CLI_SW_PRIORITY) {
        if (bsim__cli_priority_parse(v, &p) != 0) {
          return bsim__cli_usage(verb, "priority is FOREGROUND, HIGH, NORMAL "
                                       "or LOW"),
                 -1;
        }
        cmd->priority = v;
      } else if (bsim__cli_parse_u32(v, &cmd->refresh_s) != 0 ||
                 cmd->refresh_s == 0) {
        return bsim__cli_usage(verb, "refresh is a number of seconds"), -1;
      }
    }
    return 1;
  }
  return 0;
}

/* Values the /set* verbs take are checked before any command of the chain
 * runs, so that a typo changes nothing. */
static int check_values(const struct bsim__cli_cmd *cmd) {
  const char *name = cmd->verb->name;
  enum bsim_job_priority p;
  uint32_t n = 0;
  if (strcmp(name, "setpriority") == 0 &&
      bsim__cli_priority_parse(cmd->args[1], &p) != 0) {
    return bsim__cli_usage(cmd->verb, "priority is FOREGROUND, HIGH, NORMAL "
                                      "or LOW");
  }
  if ((strcmp(name, "setminretrydelay") == 0 ||
       strcmp(name, "setnoprogresstimeout") == 0 ||
       strcmp(name, "setnotifyflags") == 0) &&
      bsim__cli_parse_u32(cmd->args[1], &n) != 0) {
    return bsim__cli_usage(cmd->verb, "the value must be a number (decimal "
                                      "or 0x hex)");
  }
  return 0;
}

int bsim__cli_parse_cmd(int argc, char **argv, struct bsim__cli_cmd *cmd) {
  memset(cmd, 0, sizeof *cmd);
  cmd->refresh_s = 5;
  const char *name = argv[0][0] == '/' ? argv[0] + 1 : argv[0];
  cmd->verb = argv[0][0] == '/' ? bsim__cli_verb_find(name) : NULL;
  if (cmd->verb == NULL) {
    char why[200];
    snprintf(why, sizeof why, "unknown command '%.120s'", argv[0]);
    return bsim__cli_usage(NULL, why);
  }
  cmd->args = argv + 1;
  for (int i = 1; i < argc; i++) {
    int r = parse_switch(argc, argv, &i, cmd);
    if (r < 0) return BSIM__CLI_EXIT_USAGE;
    /* Positional arguments are packed to the front, in order. */
    if (r == 0) cmd->args[cmd->argc++] = argv[i];
  }
  const struct bsim__cli_verb *v = cmd->verb;
  if (cmd->argc < v->min_args ||
      (v->max_args >= 0 && cmd->argc > v->max_args)) {
    return bsim__cli_usage(v, cmd->argc < v->min_args ? "missing arguments"
                                                      : "too many arguments");
  }
  if (v->run == bsim__cli_transfer && cmd->argc % 2 == 0) {
    return bsim__cli_usage(v, "each URL needs a LOCAL name");
  }
  return check_values(cmd);
}

const char *bsim__cli_abs_path(const char *local, char *buf, size_t size) {
  if (local[0] == '/') return local;
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == NULL) return local;
  snprintf(buf, size, "%s/%s", cwd, local);
  return buf;
}

/* `bitsim /?`, `bitsim /help`, or --help anywhere: the verbs and their
 * arguments (one verb's when one was named). Exit 0. */
int bsim__cli_help(const char *verb_name) {
  const struct bsim__cli_verb *one =
      verb_name != NULL ? bsim__cli_verb_find(verb_name) : NULL;
  puts("usage: bitsim [OPTIONS] /COMMAND ARGS [-- /COMMAND ARGS ...]\n");
  for (size_t i = 0; i < VERB_COUNT; i++) {
    if (one == NULL || one == &verbs[i])
      printf("  /%s %s\n", verbs[i].name, verbs[i].usage);
  }
  puts("\noptions: --json --store PATH --memory --user NAME --admin "
       "--seed N\n  --host NAME[:bandwidth=RATE][:latency=MS][:range=0|1] "
       "--publish URL:SIZE\n  --clock auto|real --progress bar|plain|auto "
       "/rawreturn\nsee docs/cli.md");
  return 0;
}
