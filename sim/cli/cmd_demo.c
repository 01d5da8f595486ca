/* `bitsim demo`: the README's main job. It starts `bitsim serve` on
 * loopback and narrates three short acts on the virtual clock:
 *   1. a real download (libcurl) that meets a 503, waits the 600 s retry
 *      (reference §5), transfers, and whose JobTransferred callback fails
 *      twice before it calls Complete and returns S_OK (§6, §8);
 *   2. the four-notification limit: five of alice's jobs finish at once,
 *      their callbacks each keep a slot for 30 minutes, so her fifth waits
 *      while bob's goes straight through (§6);
 *   3. a modelled server that stays down until the job's NoProgressTimeout
 *      puts it in ERROR, which the application reads and cancels (§4.2).
 * It ends with the report of common mistakes and writes an SVG timeline
 * beside the downloaded files. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bitsim.h"
#include "cli/commands.h"

#define ALL_DONE_MASK                                                          \
  ((1u << BSIM_JOB_STATE_ACKNOWLEDGED) | (1u << BSIM_JOB_STATE_CANCELLED))

struct demo {
  bsim_manager *mgr;
  bsim_serve *srv;
  bsim_renderer *narration;
  bsim_renderer *timeline;
  bsim_renderer *report;
  char dir[512];
  char root[600];
  char svg_path[600];
  FILE *svg;
  uint64_t seed;
};

static void fan_out(const char *line, size_t len, void *user) {
  struct demo *d = user;
  bsim_renderer_line(d->narration, line, len);
  bsim_renderer_line(d->timeline, line, len);
  bsim_renderer_line(d->report, line, len);
}

static int check(bsim_hr hr, const char *what) {
  if (BSIM_SUCCEEDED(hr)) return 0;
  fprintf(stderr, "bitsim demo: %s failed: %s (0x%08" PRIX32 ")\n", what,
          bsim_hr_name(hr), (uint32_t)hr);
  return -1;
}

/* Drive virtual time until the job is in one of the wanted states; time
 * stops at the moment it got there. */
static int run_until_state(struct demo *d, bsim_job *job, unsigned want_mask,
                           uint64_t limit_ms) {
  uint64_t deadline = bsim_manager_now_ms(d->mgr) + limit_ms;
  bsim_hr hr =
      bsim_manager_run_until_job_state(d->mgr, job, want_mask, deadline);
  if (hr == BSIM_S_OK) return 0;
  if (hr == BSIM_S_FALSE) {
    fprintf(stderr, "bitsim demo: the job did not settle in time\n");
    return -1;
  }
  return check(hr, "running the engine");
}

static int path_in(const char *dir, const char *name, char *buf, size_t size) {
  int n = snprintf(buf, size, "%s/%s", dir, name);
  return n > 0 && (size_t)n < size ? 0 : -1;
}

/* ---- the origin: files made from the seed, served on loopback --------- */

static int write_source(struct demo *d, const char *name, size_t size) {
  char path[700];
  if (path_in(d->root, name, path, sizeof path) != 0) return -1;
  FILE *f = fopen(path, "wb");
  if (f == NULL) return -1;
  uint64_t x = d->seed * 0x9E3779B97F4A7C15ull + size;
  for (size_t i = 0; i < size; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    fputc((int)(x >> 56), f);
  }
  return fclose(f) == 0 ? 0 : -1;
}

static int start_server(struct demo *d) {
  if (path_in(d->dir, "origin", d->root, sizeof d->root) != 0 ||
      (mkdir(d->root, 0755) != 0 && access(d->root, W_OK) != 0) ||
      write_source(d, "app.bin", 3u << 20) ||
      write_source(d, "notes.txt", 16u << 10) ||
      write_source(d, "tiny.bin", 4096)) {
    fprintf(stderr, "bitsim demo: cannot write the origin files\n");
    return -1;
  }
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  o.root_dir = d->root;
  o.seed = d->seed;
  if (check(bsim_serve_start(&o, &d->srv), "starting bitsim serve")) return -1;
  struct bsim_serve_fault f;
  bsim_serve_fault_init(&f, BSIM_SERVE_FAULT_STATUS);
  snprintf(f.path, sizeof f.path, "/app.bin");
  f.method[0] = '\0';
  f.status = 503;
  f.count = 1;
  printf("bitsim serve listens on 127.0.0.1:%u (files in %s)\n",
         (unsigned)bsim_serve_port(d->srv), d->root);
  return check(bsim_serve_fault_add(d->srv, &f), "scripting the 503");
}

static int same_bytes(const char *a, const char *b) {
  FILE *fa = fopen(a, "rb");
  FILE *fb = fopen(b, "rb");
  int same = fa != NULL && fb != NULL;
  while (same) {
    int ca = fgetc(fa);
    int cb = fgetc(fb);
    same = ca == cb;
    if (ca == EOF || cb == EOF) break;
  }
  if (fa != NULL) fclose(fa);
  if (fb != NULL) fclose(fb);
  return same;
}

/* ---- act one: a real download, a 503, a callback that fails twice ------ */

struct flaky_callback {
  unsigned calls;
};

static bsim_hr flaky_transferred(bsim_job *job, void *user) {
  struct flaky_callback *cb = user;
  if (++cb->calls <= 2) return BSIM_E_FAIL; /* BITS calls it again later */
  return bsim_job_complete(job) == BSIM_S_OK ? BSIM_S_OK : BSIM_E_FAIL;
}

static int add_served(struct demo *d, bsim_job *job, const char *name) {
  char url[256];
  char path[256];
  char local[700];
  snprintf(path, sizeof path, "/%s", name);
  if (check(bsim_serve_url(d->srv, path, url, sizeof url), "making a URL") ||
      path_in(d->dir, name, local, sizeof local) != 0) {
    return -1;
  }
  return check(bsim_job_add_file(job, url, local), "AddFile");
}

static int verify_served(struct demo *d, const char *name) {
  char local[700];
  char source[700];
  if (path_in(d->dir, name, local, sizeof local) ||
      path_in(d->root, name, source, sizeof source) ||
      !same_bytes(local, source)) {
    fprintf(stderr, "bitsim demo: %s differs from its source\n", name);
    return -1;
  }
  printf("-> %s is in place, byte-identical to the server's copy\n", local);
  return 0;
}

static int act_one(struct demo *d) {
  printf("\n== Act one: a real download meets a 503; the callback fails "
         "twice ==\n");
  static struct flaky_callback cb;
  struct bsim_notify_ops ops = {.job_transferred = flaky_transferred};
  bsim_job *job = NULL;
  if (check(bsim_job_create(d->mgr, "alice", "nightly update",
                            BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
            "CreateJob")) {
    return -1;
  }
  int rc = add_served(d, job, "app.bin") || add_served(d, job, "notes.txt") ||
           check(bsim_job_set_notify(job, &ops, &cb), "SetNotifyInterface") ||
           check(bsim_job_resume(job), "Resume") ||
           run_until_state(d, job, ALL_DONE_MASK, 86400000);
  bsim_job_unref(job);
  if (rc != 0) return -1;
  printf("-> JobTransferred was called %u times\n", cb.calls);
  return verify_served(d, "app.bin") || verify_served(d, "notes.txt");
}

/* ---- act two: the four-notification limit ----------------------------- */

static bsim_hr slow_transferred(bsim_job *job, void *user) {
  (void)user;
  /* The callback keeps its slot for 30 minutes of virtual time. */
  (void)bsim_notify_hold(job, 30 * 60000);
  return bsim_job_complete(job) == BSIM_S_OK ? BSIM_S_OK : BSIM_E_FAIL;
}

static int make_small_job(struct demo *d, const char *user, const char *name,
                          bsim_job **out) {
  static const struct bsim_notify_ops ops = {.job_transferred =
                                                 slow_transferred};
  char local[64];
  snprintf(local, sizeof local, "%s.bin", name);
  char url[256];
  char path[700];
  if (check(bsim_job_create(d->mgr, user, name, BSIM_JOB_TYPE_DOWNLOAD, NULL,
                            out),
            "CreateJob") ||
      check(bsim_serve_url(d->srv, "/tiny.bin", url, sizeof url), "URL") ||
      path_in(d->dir, local, path, sizeof path)) {
    return -1;
  }
  return check(bsim_job_add_file(*out, url, path), "AddFile") ||
         check(bsim_job_set_notify(*out, &ops, NULL), "SetNotifyInterface") ||
         check(bsim_job_resume(*out), "Resume");
}

static int act_two(struct demo *d) {
  printf("\n== Act two: four callbacks per user at a time ==\n");
  static const char *const names[6] = {"a1", "a2", "a3", "a4", "a5", "b1"};
  bsim_job *jobs[6] = {NULL};
  int rc = 0;
  for (int i = 0; i < 6 && rc == 0; i++) {
    rc = make_small_job(d, i < 5 ? "alice" : "bob", names[i], &jobs[i]);
  }
  uint64_t start = bsim_manager_now_ms(d->mgr);
  rc = rc || run_until_state(d, jobs[5], ALL_DONE_MASK, 3600000);
  uint64_t bob_ms = bsim_manager_now_ms(d->mgr) - start;
  rc = rc || run_until_state(d, jobs[4], ALL_DONE_MASK, 3 * 3600000);
  uint64_t fifth_ms = bsim_manager_now_ms(d->mgr) - start;
  for (int i = 0; i < 6; i++)
    bsim_job_unref(jobs[i]);
  if (rc == 0) {
    printf("-> bob's callback ran after %" PRIu64 " ms; alice's fifth waited "
           "%" PRIu64 " s for a free slot\n",
           bob_ms, fifth_ms / 1000);
  }
  return rc;
}

/* ---- act three: NoProgressTimeout ------------------------------------- */

static int read_error_and_cancel(bsim_job *job) {
  struct bsim_job_error err;
  if (check(bsim_job_get_error(job, &err), "GetError")) return -1;
  printf("-> GetError: context %d, %s (0x%08" PRIX32 "): %s\n",
         (int)err.context, bsim_hr_name(err.code), (uint32_t)err.code,
         bsim_hr_message(err.code));
  return check(bsim_job_cancel(job), "Cancel");
}

static int act_three(struct demo *d) {
  const char *url = "http://mirror.example.test/big.iso";
  struct bsim_model_host_options h;
  bsim_model_host_options_init(&h);
  h.bandwidth_bytes_per_s = 1u << 20;
  h.latency_ms = 80;
  printf("\n== Act three: a (modelled) server that stays down past "
         "NoProgressTimeout ==\n");
  if (check(bsim_model_host_add(d->mgr, "mirror.example.test", &h), "host") ||
      check(bsim_model_file_add(d->mgr, url, 32u << 20), "publishing") ||
      check(bsim_model_host_outage(d->mgr, "mirror.example.test",
                                   bsim_manager_now_ms(d->mgr),
                                   2 * 86400000ull),
            "scheduling an outage")) {
    return -1;
  }
  bsim_job *job = NULL;
  char local[700];
  if (path_in(d->dir, "big.iso", local, sizeof local) ||
      check(bsim_job_create(d->mgr, "alice", "mirror sync",
                            BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
            "CreateJob")) {
    return -1;
  }
  int rc = check(bsim_job_add_file(job, url, local), "AddFile") ||
           check(bsim_job_set_minimum_retry_delay(job, 1800), "retry delay") ||
           check(bsim_job_set_no_progress_timeout(job, 6 * 3600), "timeout") ||
           check(bsim_job_resume(job), "Resume") ||
           run_until_state(d, job, 1u << BSIM_JOB_STATE_ERROR, 86400000) ||
           read_error_and_cancel(job);
  bsim_job_unref(job);
  return rc ? -1 : 0;
}

/* ---- set-up and tear-down --------------------------------------------- */

static int parse_args(int argc, char **argv, uint64_t *seed, const char **dir) {
  const char *env = getenv("BSIM_SEED");
  *seed = env != NULL ? strtoull(env, NULL, 10) : 1;
  *dir = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      *seed = strtoull(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      *dir = argv[++i];
    } else {
      fprintf(stderr,
              "bitsim demo: unknown option '%s'\n"
              "usage: bitsim demo [--seed N] [--dir DIR]\n",
              argv[i]);
      return -1;
    }
  }
  return 0;
}

static int prepare_dir(struct demo *d, const char *dir) {
  if (dir != NULL) {
    snprintf(d->dir, sizeof d->dir, "%s", dir);
    if (mkdir(d->dir, 0755) != 0 && access(d->dir, W_OK) != 0) {
      perror("bitsim demo: making the directory");
      return -1;
    }
  } else {
    snprintf(d->dir, sizeof d->dir, "/tmp/bitsim-demo-XXXXXX");
    if (mkdtemp(d->dir) == NULL) {
      perror("bitsim demo: mkdtemp");
      return -1;
    }
  }
  if (path_in(d->dir, "timeline.svg", d->svg_path, sizeof d->svg_path)) {
    return -1;
  }
  d->svg = fopen(d->svg_path, "w");
  if (d->svg == NULL) {
    perror("bitsim demo: opening the timeline file");
    return -1;
  }
  return 0;
}

static int setup(struct demo *d) {
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.seed = d->seed;
  if (check(bsim_manager_new(&opts, &d->mgr), "creating the manager")) {
    return -1;
  }
  if (bsim_renderer_new(BSIM_RENDER_NARRATION, stdout, &d->narration) ||
      bsim_renderer_new(BSIM_RENDER_TIMELINE_SVG, d->svg, &d->timeline) ||
      bsim_renderer_new(BSIM_RENDER_REPORT, stdout, &d->report)) {
    return -1;
  }
  bsim_trace_set_sink(d->mgr, fan_out, d);
  return check(bsim_user_add(d->mgr, "alice", 0), "adding user alice") ||
         check(bsim_user_add(d->mgr, "bob", 0), "adding user bob");
}

static void teardown(struct demo *d) {
  if (d->mgr != NULL && bsim_manager_free(d->mgr) != BSIM_S_OK) {
    fprintf(stderr, "bitsim demo: the manager did not shut down cleanly\n");
  }
  bsim_serve_stop(d->srv);
  bsim_renderer_free(d->narration);
  bsim_renderer_free(d->timeline);
  bsim_renderer_free(d->report);
  if (d->svg != NULL) fclose(d->svg);
}

int bsim_cli_demo(int argc, char **argv) {
  struct demo d;
  memset(&d, 0, sizeof d);
  const char *dir = NULL;
  if (parse_args(argc, argv, &d.seed, &dir) || prepare_dir(&d, dir)) return 2;
  int rc = setup(&d) || start_server(&d) || act_one(&d) || act_two(&d) ||
           act_three(&d);
  if (rc == 0) {
    printf("\n");
    rc = bsim_renderer_finish(d.report) != BSIM_S_OK ||
         bsim_renderer_finish(d.timeline) != BSIM_S_OK;
    printf("\nTimeline picture: %s\nTrace digest: %016" PRIx64 " (seed %" PRIu64
           "; real transfers make it vary from run to run)\n",
           d.svg_path, bsim_trace_digest(d.mgr), d.seed);
  }
  teardown(&d);
  return rc ? 1 : 0;
}
