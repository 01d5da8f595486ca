/* `bitsim demo`: the built-in demo scenario on the modelled network and the
 * virtual clock. It narrates one job's life — a 503 that BITS treats as
 * transient, the 600 s retry (reference §5), the transfer, TRANSFERRED, and
 * the Complete that makes the files appear (§8) — then a second job whose
 * server stays down until its NoProgressTimeout puts it in ERROR (§4.2),
 * which the application reads and cancels. It writes the narration to
 * stdout, an SVG timeline beside the downloaded files, and ends with the
 * report of common mistakes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bitsim.h"
#include "bitsim/render.h"
#include "cli/commands.h"

struct demo {
  bsim_manager *mgr;
  bsim_renderer *narration;
  bsim_renderer *timeline;
  bsim_renderer *report;
  char dir[512];
  char svg_path[600];
  FILE *svg;
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

static int setup(struct demo *d, uint64_t seed) {
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.seed = seed;
  if (check(bsim_manager_new(&opts, &d->mgr), "creating the manager")) {
    return -1;
  }
  if (bsim_renderer_new(BSIM_RENDER_NARRATION, stdout, &d->narration) ||
      bsim_renderer_new(BSIM_RENDER_TIMELINE_SVG, d->svg, &d->timeline) ||
      bsim_renderer_new(BSIM_RENDER_REPORT, stdout, &d->report)) {
    return -1;
  }
  bsim_trace_set_sink(d->mgr, fan_out, d);
  return check(bsim_user_add(d->mgr, "alice", 0), "adding user alice");
}

static int add_host(struct demo *d, const char *host, uint64_t bytes_per_s,
                    uint32_t latency_ms) {
  struct bsim_model_host_options h;
  bsim_model_host_options_init(&h);
  h.bandwidth_bytes_per_s = bytes_per_s;
  h.latency_ms = latency_ms;
  return check(bsim_model_host_add(d->mgr, host, &h), "adding a host");
}

static int local_path(struct demo *d, const char *name, char *buf,
                      size_t size) {
  int n = snprintf(buf, size, "%s/%s", d->dir, name);
  return n > 0 && (size_t)n < size ? 0 : -1;
}

/* Act one: a 503, the retry, the transfer, Complete. */
static int act_one(struct demo *d) {
  const char *app = "http://updates.example.test/app.bin";
  const char *notes = "http://updates.example.test/notes.txt";
  if (add_host(d, "updates.example.test", 2u << 20, 40) ||
      check(bsim_model_file_add(d->mgr, app, 6u << 20), "publishing") ||
      check(bsim_model_file_add(d->mgr, notes, 64u << 10), "publishing")) {
    return -1;
  }
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, app);
  f.http_status = 503;
  if (check(bsim_fault_add(d->mgr, &f), "adding a fault")) return -1;
  printf("== Act one: a download that meets a 503 and retries ==\n");
  bsim_job *job = NULL;
  char app_local[600];
  char notes_local[600];
  if (local_path(d, "app.bin", app_local, sizeof app_local) ||
      local_path(d, "notes.txt", notes_local, sizeof notes_local) ||
      check(bsim_job_create(d->mgr, "alice", "nightly update",
                            BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
            "CreateJob")) {
    return -1;
  }
  int rc = check(bsim_job_add_file(job, app, app_local), "AddFile") ||
           check(bsim_job_add_file(job, notes, notes_local), "AddFile") ||
           check(bsim_job_resume(job), "Resume") ||
           run_until_state(d, job, 1u << BSIM_JOB_STATE_TRANSFERRED, 3600000) ||
           check(bsim_job_complete(job), "Complete");
  bsim_job_unref(job);
  if (rc == 0)
    printf("-> files are in place: %s, %s\n", app_local, notes_local);
  return rc ? -1 : 0;
}

static int read_error_and_cancel(bsim_job *job) {
  struct bsim_job_error err;
  if (check(bsim_job_get_error(job, &err), "GetError")) return -1;
  printf("-> GetError: context %d, %s (0x%08" PRIX32 "): %s\n",
         (int)err.context, bsim_hr_name(err.code), (uint32_t)err.code,
         bsim_hr_message(err.code));
  return check(bsim_job_cancel(job), "Cancel");
}

/* Act two: the server is down for two days; the job retries every 30
 * minutes until its 6-hour NoProgressTimeout ends in ERROR. */
static int act_two(struct demo *d) {
  const char *url = "http://mirror.example.test/big.iso";
  uint64_t now = bsim_manager_now_ms(d->mgr);
  if (add_host(d, "mirror.example.test", 1u << 20, 80) ||
      check(bsim_model_file_add(d->mgr, url, 32u << 20), "publishing") ||
      check(bsim_model_host_outage(d->mgr, "mirror.example.test", now,
                                   2 * 86400000ull),
            "scheduling an outage")) {
    return -1;
  }
  printf("== Act two: a server that stays down past NoProgressTimeout ==\n");
  bsim_job *job = NULL;
  char local[600];
  if (local_path(d, "big.iso", local, sizeof local) ||
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
  } else {
    snprintf(d->dir, sizeof d->dir, "/tmp/bitsim-demo-XXXXXX");
    if (mkdtemp(d->dir) == NULL) {
      perror("bitsim demo: mkdtemp");
      return -1;
    }
  }
  snprintf(d->svg_path, sizeof d->svg_path, "%s/timeline.svg", d->dir);
  d->svg = fopen(d->svg_path, "w");
  if (d->svg == NULL) {
    perror("bitsim demo: opening the timeline file");
    return -1;
  }
  return 0;
}

static void teardown(struct demo *d) {
  bsim_renderer_free(d->narration);
  bsim_renderer_free(d->timeline);
  bsim_renderer_free(d->report);
  if (d->svg != NULL) fclose(d->svg);
}

int bsim_cli_demo(int argc, char **argv) {
  struct demo d;
  memset(&d, 0, sizeof d);
  uint64_t seed = 1;
  const char *dir = NULL;
  if (parse_args(argc, argv, &seed, &dir) || prepare_dir(&d, dir)) return 2;
  int rc = setup(&d, seed) || act_one(&d) || act_two(&d);
  if (rc == 0) {
    printf("\n");
    rc = bsim_renderer_finish(d.report) != BSIM_S_OK ||
         bsim_renderer_finish(d.timeline) != BSIM_S_OK;
    printf("\nTimeline picture: %s\nTrace digest: %016" PRIx64 " (seed %" PRIu64
           ")\n",
           d.svg_path, bsim_trace_digest(d.mgr), seed);
  }
  if (d.mgr != NULL && bsim_manager_free(d.mgr) != BSIM_S_OK) rc = 1;
  teardown(&d);
  return rc ? 1 : 0;
}
