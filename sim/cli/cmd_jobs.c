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

int bsim__cli_apply_net(bsim_manager *mgr, const struct bsim__cli_globals *g) {
  for (unsigned i = 0; i < g->host_count; i++) {
    if (add_host(mgr, g->hosts[i]) != 0) return BSIM__CLI_EXIT_USAGE;
  }
  for (unsigned i = 0; i < g->publish_count; i++) {
    if (add_publish(mgr, g->publish[i]) != 0) return BSIM__CLI_EXIT_USAGE;
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
                 : g->host_count + g->publish_count > 0 ? BSIM_CLOCK_AUTO
                                                        : BSIM_CLOCK_REAL;
  if (!g->memory && g->store == NULL) {
    g->store = default_store(buf, sizeof buf);
    g->store_explicit = getenv("BITSIM_STORE") != NULL;
  }
  o.store_path = g->memory ? NULL : g->store;
  if (!g->seed_explicit) o.seed = o.store_path != NULL ? 0 : 1;
  bsim_hr hr = bsim_manager_new(&o, mgr);
  if (hr == BSIM_E_NOTIMPL && o.store_path != NULL && !g->store_explicit) {
    /* This build has no durable store: keep the jobs of this invocation in
     * memory and say so, rather than refuse every command. */
    fputs("bitsim: note: no durable store in this build; jobs last for this "
          "invocation only (--memory silences this)\n",
          stderr);
    o.store_path = NULL;
    if (!g->seed_explicit) o.seed = 1;
    hr = bsim_manager_new(&o, mgr);
  }
  g->store = o.store_path;
  return hr;
}

static int run_chain(struct bsim__cli_globals *g, struct bsim__cli_cmd *cmds,
                     int n) {
  bsim_manager *mgr = NULL;
  bsim_hr hr = open_manager(g, &mgr);
  if (BSIM_FAILED(hr)) {
    fprintf(stderr, "bitsim: cannot open the job store '%s' - 0x%08X\n%s\n",
            g->store != NULL ? g->store : "(memory)", (unsigned)hr,
            bsim_hr_message(hr));
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
