/* bitsim — `bitsim serve`: the loopback origin, BITS upload server and peer
 * cache (include/bitsim/serve.h) from the command line, for scripts, the
 * demo and people pointing their own upload code at it (docs/serve.md).
 *
 * The first line on stdout is the port and nothing else, so a script can
 * read it with `read port`; a human-readable line goes to stderr. The server
 * runs until SIGINT or SIGTERM, which are blocked before the server's
 * threads start (so they inherit the mask) and taken with sigwait: no
 * handler runs on an arbitrary thread, and stopping is an ordinary call.
 * Exit status: 0 after a clean stop, 1 when the server cannot start, 2 for
 * bad arguments.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitsim.h"
#include "cli/commands.h"

static const char usage[] =
    "usage: bitsim serve [options]\n"
    "  --root DIR          serve files from DIR (GET/HEAD with Range)\n"
    "  --upload-dir DIR    accept BITS uploads (BITS_POST) into DIR\n"
    "  --peer-dir DIR      peer-cache copies under /peer/ (default: --root)\n"
    "  --port N            listen on 127.0.0.1:N (default 0: any free port)\n"
    "  --fault SPEC        script a fault; repeatable, e.g.\n"
    "                      'path=/a.bin,status=503,count=2'\n"
    "  --fault-file FILE   one fault per line; '#' starts a comment\n"
    "  --reply MODE        upload reply: none, echo, text:STRING, file:PATH\n"
    "  --max-upload BYTES  largest upload (413 + BG_E_TOO_LARGE beyond)\n"
    "  --allow-overwrite   uploads may replace existing files\n"
    "The first line printed is the port. Runs until SIGINT or SIGTERM.\n"
    "Faults and responses: docs/serve.md.\n";

struct serve_args {
  struct bsim_serve_options opts;
  struct bsim_serve_fault *faults;
  size_t fault_count;
};

static int bad(const char *what, const char *arg) {
  fprintf(stderr, "bitsim serve: %s '%s'\n%s", what, arg, usage);
  return 2;
}

static int add_fault(struct serve_args *a, const char *spec) {
  if (a->fault_count >= BSIM_SERVE_FAULTS_MAX) {
    return bad("too many faults at", spec);
  }
  char err[256];
  if (bsim_serve_fault_parse(spec, &a->faults[a->fault_count], err,
                             sizeof err) != BSIM_S_OK) {
    fprintf(stderr, "bitsim serve: --fault '%s': %s\n", spec, err);
    return 2;
  }
  a->fault_count++;
  return 0;
}

/* One fault per line; blank lines and '#' comments are skipped. */
static int add_fault_file(struct serve_args *a, const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return bad("cannot read fault file", path);
  char line[2048];
  int r = 0;
  while (r == 0 && fgets(line, sizeof line, f) != NULL) {
    char *hash = strchr(line, '#');
    if (hash != NULL) *hash = '\0';
    char *s = line + strspn(line, " \t\r\n");
    size_t len = strlen(s);
    while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
      s[--len] = '\0';
    if (len > 0) r = add_fault(a, s);
  }
  fclose(f);
  return r;
}

static int set_reply(struct bsim_serve_options *o, const char *mode) {
  if (strcmp(mode, "none") == 0) {
    o->reply_mode = BSIM_SERVE_REPLY_NONE;
  } else if (strcmp(mode, "echo") == 0) {
    o->reply_mode = BSIM_SERVE_REPLY_ECHO;
  } else if (strncmp(mode, "text:", 5) == 0) {
    o->reply_mode = BSIM_SERVE_REPLY_FIXED;
    o->reply_body = mode + 5;
  } else if (strncmp(mode, "file:", 5) == 0 && mode[5] != '\0') {
    o->reply_mode = BSIM_SERVE_REPLY_FILE;
    o->reply_path = mode + 5;
  } else {
    return bad("unknown --reply mode", mode);
  }
  return 0;
}

static int parse_number(const char *s, unsigned long long max,
                        unsigned long long *out) {
  char *end = NULL;
  if (s[0] < '0' || s[0] > '9') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end != '\0' || v > max) return -1;
  *out = v;
  return 0;
}

/* One option with its value. Returns 0, or the exit status on error. */
static int apply_option(struct serve_args *a, const char *name,
                        const char *value) {
  unsigned long long n = 0;
  if (strcmp(name, "--root") == 0) {
    a->opts.root_dir = value;
  } else if (strcmp(name, "--upload-dir") == 0) {
    a->opts.upload_dir = value;
  } else if (strcmp(name, "--peer-dir") == 0) {
    a->opts.peer_dir = value;
  } else if (strcmp(name, "--port") == 0) {
    if (parse_number(value, 65535, &n) != 0) return bad("bad --port", value);
    a->opts.port = (uint16_t)n;
  } else if (strcmp(name, "--max-upload") == 0) {
    if (parse_number(value, UINT64_MAX, &n) != 0) {
      return bad("bad --max-upload", value);
    }
    a->opts.max_upload_bytes = n;
  } else if (strcmp(name, "--fault") == 0) {
    return add_fault(a, value);
  } else if (strcmp(name, "--fault-file") == 0) {
    return add_fault_file(a, value);
  } else if (strcmp(name, "--reply") == 0) {
    return set_reply(&a->opts, value);
  } else {
    return bad("unknown option", name);
  }
  return 0;
}

/* Returns -1 to go on, or an exit status (0 after --help). */
static int parse_args(struct serve_args *a, int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      fputs(usage, stdout);
      return 0;
    }
    if (strcmp(arg, "--allow-overwrite") == 0) {
      a->opts.allow_overwrite = 1;
      continue;
    }
    char name[32];
    const char *value = NULL;
    const char *eq = strchr(arg, '=');
    if (strncmp(arg, "--", 2) == 0 && eq != NULL &&
        (size_t)(eq - arg) < sizeof name) {
      memcpy(name, arg, (size_t)(eq - arg)); /* --name=value */
      name[eq - arg] = '\0';
      value = eq + 1;
    } else if (i + 1 < argc) {
      snprintf(name, sizeof name, "%s", arg); /* --name value */
      value = argv[++i];
    } else {
      return bad("missing value for", arg);
    }
    int r = apply_option(a, name, value);
    if (r != 0) return r;
  }
  return -1;
}

static int run_server(struct serve_args *a) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  /* Blocked before any server thread exists, so every thread inherits it. */
  pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
  bsim_serve *srv = NULL;
  bsim_hr hr = bsim_serve_start(&a->opts, &srv);
  if (BSIM_FAILED(hr)) {
    fprintf(stderr, "bitsim serve: cannot start: %s (%s)\n", bsim_hr_name(hr),
            bsim_hr_message(hr));
    return 1;
  }
  for (size_t i = 0; i < a->fault_count; i++) {
    (void)bsim_serve_fault_add(srv, &a->faults[i]); /* parsed: valid */
  }
  unsigned port = bsim_serve_port(srv);
  printf("%u\n", port);
  fflush(stdout);
  fprintf(stderr,
          "bitsim serve: http://127.0.0.1:%u/ root=%s uploads=%s faults=%zu\n",
          port, a->opts.root_dir ? a->opts.root_dir : "(none)",
          a->opts.upload_dir ? a->opts.upload_dir : "(off)", a->fault_count);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  bsim_serve_stop(srv);
  fprintf(stderr, "bitsim serve: stopped (signal %d)\n", sig);
  return 0;
}

int bsim_cli_serve(int argc, char **argv) {
  struct serve_args a;
  memset(&a, 0, sizeof a);
  bsim_serve_options_init(&a.opts);
  a.faults = calloc(BSIM_SERVE_FAULTS_MAX, sizeof *a.faults);
  if (a.faults == NULL) return 1;
  int r = parse_args(&a, argc, argv);
  if (r < 0) r = run_server(&a);
  free(a.faults);
  return r;
}
