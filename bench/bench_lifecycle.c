/* bitsim — the lifecycle benchmark (engine brief, style B.13).
 *
 * 1. Lifecycles per second: full BITS job lifecycles on one core — create
 *    a job, add one file, resume, transfer it on the model transport from
 *    an unlimited host (bandwidth 0, latency 0), Complete, release — with
 *    tracing off and BSIM_FS_VIRTUAL, in batches driven by
 *    bsim_manager_run_until_idle. Each job moves the file's bytes (virtual:
 *    counted, not written).
 * 2. Memory per idle job: resident set size (/proc/self/statm) before and
 *    after creating 1,000,000 jobs with one file each, left SUSPENDED, all
 *    alive at once; the difference divided by the job count (job struct,
 *    strings, file record, index and timer-heap slots, malloc overhead).
 *
 * Baseline, measured in the same run: a bare loop that per lifecycle
 * mallocs, fills and frees blocks of the same sizes as the engine's (the
 * job struct with its display name, the file's two names): the memory
 * traffic of an equivalent struct and its strings. The ratio bitsim/baseline
 * says how much the engine spends beyond it. Targets: 1,000,000 lifecycles/s, <
 * 1 KiB per idle job.
 *
 * Output: "name value unit" lines (style B.13); each timed figure is the
 * median of --runs runs (default 5), with min and max to show the noise.
 * Usage: bench_lifecycle [--jobs N] [--runs R] [--batch B] [--idle N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bitsim.h"
#include "engine/engine.h" /* sizeof(struct bsim_job) for the baseline */

#define URL "http://bench.test/file.bin"
#define FILE_BYTES 65536u

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(bsim_hr hr, const char *what) {
  if (BSIM_FAILED(hr)) {
    fprintf(stderr, "bench_lifecycle: %s: %s\n", what, bsim_hr_name(hr));
    exit(1);
  }
}

static bsim_manager *make_manager(void) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.trace_enabled = 0;
  o.fs_mode = BSIM_FS_VIRTUAL;
  o.clock_mode = BSIM_CLOCK_AUTO;
  bsim_manager *mgr = NULL;
  check(bsim_manager_new(&o, &mgr), "manager");
  check(bsim_user_add(mgr, "bench", 1), "user"); /* admin: no quotas */
  struct bsim_model_host_options ho;
  bsim_model_host_options_init(&ho);
  ho.bandwidth_bytes_per_s = 0;
  ho.latency_ms = 0;
  check(bsim_model_host_add(mgr, "bench.test", &ho), "host");
  check(bsim_model_file_add(mgr, URL, FILE_BYTES), "file");
  return mgr;
}

/* Full lifecycles, in batches; returns seconds, adds bytes moved. */
static double run_lifecycles(uint64_t jobs, uint32_t batch,
                             uint64_t *bytes_out) {
  bsim_manager *mgr = make_manager();
  bsim_job **held = malloc(sizeof *held * batch);
  uint64_t bytes = 0;
  double t0 = now_s();
  for (uint64_t done = 0; done < jobs;) {
    uint32_t n = jobs - done < batch ? (uint32_t)(jobs - done) : batch;
    for (uint32_t i = 0; i < n; i++) {
      check(bsim_job_create(mgr, "bench", "lifecycle", BSIM_JOB_TYPE_DOWNLOAD,
                            NULL, &held[i]),
            "create");
      check(bsim_job_add_file(held[i], URL, "/bench/out.bin"), "add_file");
      check(bsim_job_resume(held[i]), "resume");
    }
    check(bsim_manager_run_until_idle(mgr, 0), "run");
    for (uint32_t i = 0; i < n; i++) {
      struct bsim_job_progress p;
      check(bsim_job_get_progress(held[i], &p), "progress");
      bytes += p.bytes_transferred;
      if (bsim_job_complete(held[i]) != BSIM_S_OK) {
        fprintf(stderr, "bench_lifecycle: a job did not complete\n");
        exit(1);
      }
      bsim_job_unref(held[i]);
    }
    done += n;
  }
  double t = now_s() - t0;
  free(held);
  check(bsim_manager_free(mgr), "free");
  *bytes_out += bytes;
  return t;
}

/* The baseline: the same allocations and frees per lifecycle, touched. */
static volatile unsigned char sink;

static double run_baseline(uint64_t jobs) {
  /* The blocks a lifecycle allocates in the engine: the job (with its
   * display name inline) and the file's two names (one block). */
  const size_t sizes[] = {
      sizeof(struct bsim_job) + sizeof "lifecycle",
      sizeof URL + sizeof "/bench/out.bin",
  };
  const size_t nsizes = sizeof sizes / sizeof sizes[0];
  double t0 = now_s();
  for (uint64_t j = 0; j < jobs; j++) {
    void *blocks[2];
    for (size_t k = 0; k < nsizes; k++) {
      blocks[k] = malloc(sizes[k]);
      memset(blocks[k], (int)(j + k), sizes[k]);
    }
    for (size_t k = 0; k < nsizes; k++) {
      sink ^= ((unsigned char *)blocks[k])[0];
      free(blocks[k]);
    }
  }
  return now_s() - t0;
}

static long rss_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  if (f == NULL) return -1;
  long size = 0, resident = 0;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
  fclose(f);
  return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

/* RSS growth per idle job with count jobs alive. */
static double idle_bytes_per_job(uint64_t count) {
  bsim_manager *mgr = make_manager();
  bsim_job **jobs = malloc(sizeof *jobs * count);
  long before = rss_bytes();
  for (uint64_t i = 0; i < count; i++) {
    check(bsim_job_create(mgr, "bench", "idle job", BSIM_JOB_TYPE_DOWNLOAD,
                          NULL, &jobs[i]),
          "create");
    check(bsim_job_add_file(jobs[i], URL, "/bench/idle.bin"), "add_file");
  }
  long after = rss_bytes();
  /* The caller's array of handles is not the engine's memory. */
  double per_job =
      (double)(after - before - (long)(sizeof *jobs * count)) / (double)count;
  for (uint64_t i = 0; i < count; i++)
    bsim_job_unref(jobs[i]);
  free(jobs);
  check(bsim_manager_free(mgr), "free");
  return per_job;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  uint64_t jobs = 1000000, idle = 1000000;
  uint32_t batch = 1000, runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--jobs") == 0) jobs = strtoull(argv[i + 1], NULL, 10);
    if (strcmp(argv[i], "--idle") == 0) idle = strtoull(argv[i + 1], NULL, 10);
    if (strcmp(argv[i], "--batch") == 0) batch = (uint32_t)atoi(argv[i + 1]);
    if (strcmp(argv[i], "--runs") == 0) runs = (uint32_t)atoi(argv[i + 1]);
  }
  if (jobs == 0 || batch == 0 || runs == 0 || runs > 99) {
    fprintf(stderr, "usage: bench_lifecycle [--jobs N] [--runs R] "
                    "[--batch B] [--idle N]\n");
    return 2;
  }
  /* Memory first, on a fresh heap. */
  double per_idle = idle != 0 ? idle_bytes_per_job(idle) : 0;
  double rate[99], base[99], ratio[99];
  uint64_t bytes = 0;
  for (uint32_t r = 0; r < runs; r++) {
    double t = run_lifecycles(jobs, batch, &bytes);
    double b = run_baseline(jobs);
    rate[r] = (double)jobs / t;
    base[r] = (double)jobs / b;
    ratio[r] = t / b;
  }
  qsort(rate, runs, sizeof rate[0], cmp_double);
  qsort(base, runs, sizeof base[0], cmp_double);
  qsort(ratio, runs, sizeof ratio[0], cmp_double);
  printf("lifecycle_jobs %llu jobs\n", (unsigned long long)jobs);
  printf("lifecycle_runs %u runs\n", runs);
  printf("lifecycle_rate_median %.0f jobs/s\n", rate[runs / 2]);
  printf("lifecycle_rate_min %.0f jobs/s\n", rate[0]);
  printf("lifecycle_rate_max %.0f jobs/s\n", rate[runs - 1]);
  printf("lifecycle_bytes_per_job %.0f bytes\n",
         (double)bytes / (double)jobs / runs);
  printf("baseline_rate_median %.0f lifecycles/s\n", base[runs / 2]);
  printf("lifecycle_vs_baseline_median %.2f x\n", ratio[runs / 2]);
  printf("lifecycle_target_ratio %.2f x\n", rate[runs / 2] / 1e6);
  if (idle != 0) {
    printf("idle_jobs %llu jobs\n", (unsigned long long)idle);
    printf("idle_bytes_per_job %.0f bytes\n", per_idle);
    printf("idle_vs_1KiB_target %.2f x\n", per_idle / 1024.0);
  }
  return 0;
}
