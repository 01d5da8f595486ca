/* bitsim job commands — the entry point: `bitsim [OPTIONS] /VERB ARGS
 * [-- /VERB ARGS ...]`. It reads the global options, splits the chain at
 * `--`, checks every command's syntax before running any (so a typo late in
 * a chain changes nothing), opens the manager on the durable store (or in
 * memory), declares the model network from --host and --publish, and runs
 * the commands in order, stopping at the first that fails. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmd_jobs.h"
#include "cli/commands.h"

#define MAX_CHAIN 64

static void globals_init(struct bsim__cli_globals *g) {
  memset(g, 0, sizeof *g);
  g->seed = 1;
  g->clock = -1;
  g->progress = BSIM__CLI_PROGRESS_AUTO;
}

/* Model host spec: NAME[:OPT=VALUE...], where NAME may carry a :PORT and
 * the options are bandwidth=RATE (bytes/s, K/M/G suffixes), latency=MS,
 * range=0|1. */
static int add_host(bsim_manager *mgr, const char *spec) {
  char name[512];
  snprintf(name, sizeof name, "%s", spec);
  struct bsim_model_host_options o;
  bsim_model_host_options_init(&o);
  char *opt = strchr(name, '=') != NULL ? strchr(name, ':') : NULL;
  /* Skip a :PORT, which has no '='. */
  while (opt != NULL && strchr(opt + 1, ':') != NULL &&
         memchr(opt + 1, '=', (size_t)(strchr(opt + 1, ':') - opt - 1)) == NULL)
    opt = strchr(opt + 1, ':');
  int bad = 0;
  for (char *p = opt; p != NULL && !bad;) {
    *p++ = '\0';
    char *next = strchr(p, ':');
    if (next != NULL) *next = '\0';
    uint64_t v = 0;
    const char *eq = strchr(p, '=');
    bad = eq == NULL || bsim__cli_parse_u64(eq + 1, 1, &v) != 0;
    if (!bad && strncmp(p, "bandwidth=", 10) == 0) {
      o.bandwidth_bytes_per_s = v;
    } else if (!bad && strncmp(p, "latency=", 8) == 0 && v <= UINT32_MAX) {
      o.latency_ms = (uint32_t)v;
    } else if (!bad && strncmp(p, "range=", 6) == 0) {
      o.range_support = v != 0;
    } else {
      bad = 1;
    }
    if (next != NULL) *next = ':';
    p = next;
  }
  if (bad || BSIM_FAILED(bsim_model_host_add(mgr, name, &o))) {
    char why[600];
    snprintf(why, sizeof why,
             "bad --host '%s' (NAME[:bandwidth=RATE]"
             "[:latency=MS][:range=0|1])",
             spec);
    return bsim__cli_usage(NULL, why);
  }
  return 0;
}

/* --publish URL:SIZE; the URL's host is declared with defaults if needed. */
static int add_publish(bsim_manager *mgr, const char *spec) {
  char url[2300];
  snprintf(url, sizeof url, "%s", spec);
  char *colon = strrchr(url, ':');
  uint64_t size = 0;
  const char *hs = strstr(url, "://");
  int bad = colon == NULL || hs == NULL || colon < hs + 3 ||
            bsim__cli_parse_u64(colon + 1, 1, &size) != 0;
  if (!bad) {
    *colon = '\0';
    bsim_hr hr = bsim_model_file_add(mgr, url, size);
    if (hr == BSIM_E_NOT_FOUND) {
      char host[512];
      snprintf(host, sizeof host, "%.*s", (int)strcspn(hs + 3, "/"), hs + 3);
      struct bsim_model_host_options o;
      bsim_model_host_options_init(&o);
      hr = bsim_model_host_add(mgr, host, &o);
      if (BSIM_SUCCEEDED(hr)) hr = bsim_model_file_add(mgr, url, size);
    }
    bad = BSIM_FAILED(hr);
  }
  if (bad) {
    char why[600];
    snprintf(why, sizeof why,
             "bad --publish '%.400s' (URL:SIZE, e.g. "
             "http://files.test/a.bin:10M)",
             spec);
    return bsim__cli_usage(NULL, why);
  }
  return 0;
}

/* One key=value of a --fault spec; returns 0, or -1 if unknown or bad. */
static int fault_key(struct bsim_fault *f, const char *key, const char *val,
                     int *kinds) {
  static const struct {
    const char *key;
    enum bsim_fault_kind kind;
  } kinds_by_key[] = {{"status", BSIM_FAULT_HTTP_STATUS},
                      {"reset", BSIM_FAULT_RESET_AFTER_BYTES},
                      {"stall", BSIM_FAULT_STALL},
                      {"norange", BSIM_FAULT_NO_RANGE},
                      {"connect", BSIM_FAULT_CONNECT_FAIL},
                      {"corrupt", BSIM_FAULT_CORRUPT}};
  uint64_t v = 0;
  if (strcmp(key, "url") == 0) return f->url = val, 0;
  if (bsim__cli_parse_u64(val, 1, &v) != 0) return -1;
  if (strcmp(key, "count") == 0)
    return v > UINT32_MAX ? -1 : (f->count = (uint32_t)v, 0);
  if (strcmp(key, "from") == 0) return f->from_ms = v, 0;
  if (strcmp(key, "until") == 0) return f->until_ms = v, 0;
  for (size_t i = 0; i < sizeof kinds_by_key / sizeof kinds_by_key[0]; i++) {
    if (strcmp(key, kinds_by_key[i].key) != 0) continue;
    f->kind = kinds_by_key[i].kind;
    if (f->kind == BSIM_FAULT_HTTP_STATUS) f->http_status = (int)(v % 1000u);
    f->bytes = v;
    (*kinds)++;
    return 0;
  }
  return -1;
}

/* --fault url=URL,KIND=VALUE[,count=N][,from=MS][,until=MS] with KIND one
 * of status, reset, stall, norange, connect, corrupt (docs/model.md). */
static int add_fault(bsim_manager *mgr, const char *spec) {
  char text[2400];
  snprintf(text, sizeof text, "%s", spec);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, NULL);
  int kinds = 0;
  int bad = 0;
  for (char *p = text; p != NULL && !bad;) {
    char *next = strchr(p, ',');
    if (next != NULL) *next++ = '\0';
    char *eq = strchr(p, '=');
    if (eq != NULL) *eq = '\0';
    bad = fault_key(&f, p, eq != NULL ? eq + 1 : "1", &kinds) != 0;
    p = next;
  }
  if (bad || kinds != 1 || f.url == NULL ||
      BSIM_FAILED(bsim_fault_add(mgr, &f))) {
    char why[600];
    snprintf(why, sizeof why,
             "bad --fault '%.400s' (url=URL,status=N|"
             "reset=B|stall=B|norange|connect|corrupt=B[,count=N][,from=MS]"
             "[,until=MS])",
             spec);
    return bsim__cli_usage(NULL, why);
  }
  return 0;
}

int bsim__cli_apply_net(bsim_manager *mgr, const struct bsim__cli_globals *g) {
  for (unsigned i = 0; i < g->host_count; i++) {
    if (add_host(mgr, g->hosts[i]) != 0) return BSIM__CLI_EXIT_USAGE;
  }
  for (unsigned i = 0; i < g->publish_count; i++) {
    if (add_publish(mgr, g->publish[i]) != 0) return BSIM__CLI_EXIT_USAGE;
  }
  for (unsigned i = 0; i < g->fault_count; i++) {
    if (add_fault(mgr, g->faults[i]) != 0) return BSIM__CLI_EXIT_USAGE;
  }
  return 0;
}

/* The default store: $BITSIM_STORE, else ~/.bitsim/jobs.db (its directory
 * made on demand). */
static const char *default_store(char *buf, size_t size) {
  const char *env = getenv("BITSIM_STORE");
  if (env != NULL && env[0] != '\0') return env;
  const char *home = getenv("HOME");
  if (home == NULL || home[0] == '\0') return NULL;
  snprintf(buf, size, "%s/.bitsim", home);
  if (mkdir(buf, 0700) != 0 && errno != EEXIST) return NULL;
  snprintf(buf, size, "%s/.bitsim/jobs.db", home);
  return buf;
}

/* One invocation of many over a store must not mint the GUIDs of the last
 * one: with a store the seed is drawn unless --seed names one; in memory
 * it is 1, so that a run is reproducible. */
static bsim_hr open_manager(struct bsim__cli_globals *g, bsim_manager **mgr) {
  static char buf[4096];
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.seed = g->seed;
  /* Model hosts run on the virtual clock; without any, URLs go to the real
   * network and time is wall time. */
  o.clock_mode = g->clock >= 0 ? (enum bsim_clock_mode)g->clock
                 : g->host_count + g->publish_count + g->fault_count > 0
                     ? BSIM_CLOCK_AUTO
                     : BSIM_CLOCK_REAL;
  if (!g->memory && g->store == NULL) {
    g->store = default_store(buf, sizeof buf);
  }
  o.store_path = g->memory ? NULL : g->store;
  if (!g->seed_explicit) o.seed = o.store_path != NULL ? 0 : 1;
  bsim_hr hr = bsim_manager_new(&o, mgr);
  g->store = o.store_path;
  return hr;
}

static int run_chain(struct bsim__cli_globals *g, struct bsim__cli_cmd *cmds,
                     int n) {
  bsim_manager *mgr = NULL;
  bsim_hr hr = open_manager(g, &mgr);
  if (BSIM_FAILED(hr)) {
    const char *why = bsim_manager_store_error();
    fprintf(stderr,
            "bitsim: cannot open the job store '%s' - 0x%08X (%s): %s\n"
            "hint: --store PATH picks another store, --memory uses none\n",
            g->store != NULL ? g->store : "(memory)", (unsigned)hr,
            bsim_hr_name(hr), why[0] != '\0' ? why : bsim_hr_message(hr));
    return BSIM__CLI_EXIT_FAIL;
  }
  const char *user = g->user;
  /* Users may already exist in the store: E_INVALIDARG then is fine. */
  bsim__cli_ignore(bsim_user_add(mgr, user, g->admin));
  int rc = bsim__cli_apply_net(mgr, g);
  int bars = g->progress == BSIM__CLI_PROGRESS_BAR ||
             (g->progress == BSIM__CLI_PROGRESS_AUTO && isatty(1) && !g->json);
  for (int i = 0; i < n && rc == 0; i++) {
    struct bsim__cli_ctx ctx = {mgr, g, &cmds[i], bars};
    rc = cmds[i].verb->run(&ctx);
    fflush(stdout);
  }
  if (BSIM_FAILED(bsim_manager_free(mgr))) rc = BSIM__CLI_EXIT_FAIL;
  return rc;
}

/* Split words (global options removed) at "--" into commands, checking
 * each one's syntax. Returns 0 or an exit status. */
static int split_chain(int nw, char **words, struct bsim__cli_cmd *cmds,
                       int *n) {
  int start = 0;
  for (int i = 0; i <= nw; i++) {
    if (i < nw && strcmp(words[i], "--") != 0) continue;
    if (i > start) {
      if (words[start][0] != '/') {
        char why[200];
        snprintf(why, sizeof why, "unexpected argument '%.120s'", words[start]);
        return bsim__cli_usage(NULL, why);
      }
      if (*n == MAX_CHAIN) return bsim__cli_usage(NULL, "too many commands");
      int rc = bsim__cli_parse_cmd(i - start, words + start, &cmds[(*n)++]);
      if (rc != 0) return rc;
    }
    start = i + 1;
  }
  return *n == 0 ? bsim__cli_usage(NULL, "no command given") : 0;
}

int bsim_cli_jobs(int argc, char **argv) {
  struct bsim__cli_globals g;
  globals_init(&g);
  static struct bsim__cli_cmd cmds[MAX_CHAIN];
  char **words = calloc((size_t)argc + 1, sizeof *words);
  if (words == NULL) return BSIM__CLI_EXIT_FAIL;
  int nw = 0;
  int rc = 0;
  for (int i = 0; i < argc && rc == 0; i++) {
    int r = bsim__cli_parse_global(argc, argv, &i, &g);
    if (r < 0) rc = BSIM__CLI_EXIT_USAGE;
    if (r == 0) words[nw++] = argv[i];
  }
  for (int i = 0; i < nw && rc == 0; i++) {
    if (strcmp(words[i], "--help") == 0 || strcmp(words[i], "-h") == 0 ||
        strcmp(words[i], "/?") == 0 || bsim__cli_ieq(words[i], "/help")) {
      const char *verb = i > 0 && words[0][0] == '/' ? words[0] + 1 : NULL;
      free(words);
      return bsim__cli_help(verb);
    }
  }
  int n = 0;
  if (rc == 0) rc = split_chain(nw, words, cmds, &n);
  if (g.user == NULL) g.user = getenv("USER");
  if (g.user == NULL || g.user[0] == '\0') g.user = "user";
  if (rc == 0) rc = run_chain(&g, cmds, n);
  free(words);
  return rc;
}

int bsim_cli_jobs_claims(const char *word) {
  static const char *const opts[] = {
      "--store", "--json",  "--memory", "--host",  "--publish",
      "--user",  "--admin", "--seed",   "--clock", "--progress"};
  if (word[0] == '/') return 1;
  for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
    size_t n = strlen(opts[i]);
    if (strncmp(word, opts[i], n) == 0 && (word[n] == '\0' || word[n] == '='))
      return 1;
  }
  return 0;
}
