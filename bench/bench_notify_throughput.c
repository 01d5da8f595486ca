/* bitsim — notification throughput (design.md use 2, style B.13).
 *
 * How many notifications per second reach callbacks under the
 * four-in-flight-per-user limit, in both delivery modes, over users x jobs
 * x callback cost, with latency from event to callback and slot occupancy.
 *
 * Workload, per configuration: users x jobs_per_user jobs, each registered
 * for JobModification only (flags 0x8). One round changes a property of
 * every job through the public API (bsim_job_set_priority: one merged
 * modification each; the time of that call is the event time), then drives
 * the engine until idle, which delivers one callback per job. Rounds repeat;
 * each configuration runs `reps` times and the medians are printed.
 *   deliver_per_s  notifications / time spent in bsim_manager_run_until_idle
 *   e2e_per_s      notifications / (API calls + delivery)
 *   latency        event (the API call) to callback entry, p50/p99/max
 *   occupancy      callbacks of the same user running at callback entry,
 *                  mean and max, and mean / notify_in_flight_per_user
 * Callback costs: zero; fixed (spins 1 us); blocking (1 call in 100 sleeps
 * 200 us, the rest zero).
 *
 * Baselines, measured in the same run on the same machine:
 *   inline   a bare libuv loop running one uv_idle callback per turn;
 *   threaded uv_queue_work with four round trips in flight (each
 *            completion queues the next), libuv's own pool.
 * The ratio compares delivery throughput with zero-cost callbacks (the
 * reference configuration: 16 users x 64 jobs) with its baseline.
 *
 * Output: one JSON object on stdout. Usage:
 *   bench_notify_throughput [--quick] [--reps N]
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "bitsim.h"
#include "internal.h"

#define MAX_REPS 15
#define HIST_SUB 64 /* sub-buckets per power of two: ~1.6% precision */
#define HIST_BUCKETS (64 * HIST_SUB)

enum cost { COST_ZERO, COST_FIXED, COST_BLOCKING, COST_COUNT };
static const char *const cost_names[COST_COUNT] = {"zero", "fixed_1us",
                                                   "blocking_1pct_200us"};

struct cfg {
  enum bsim_delivery_mode mode;
  uint32_t users;
  uint32_t jobs_per_user;
  enum cost cost;
  uint32_t rounds;
};

struct result {
  double deliver_per_s, e2e_per_s;
  double p50_us, p99_us, max_us;
  double occ_mean, occ_max;
  uint64_t count;
  int off_driver; /* callbacks ran on another thread than the driver */
};

struct job_slot {
  struct bench *b;
  uint32_t user;
  uint64_t event_ns;
};

struct bench {
  enum cost cost;
  _Atomic uint64_t calls;
  _Atomic uint64_t hist[HIST_BUCKETS];
  _Atomic uint64_t max_ns;
  _Atomic uint64_t occ_sum;
  _Atomic uint32_t occ_max;
  _Atomic uint32_t *running; /* per user */
  _Atomic int off_driver;
  pthread_t driver;
};

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Log-linear bucket of a latency in ns. */
static uint32_t hist_bucket(uint64_t ns) {
  if (ns < HIST_SUB) return (uint32_t)ns;
  uint32_t log2 = 63u - (uint32_t)__builtin_clzll(ns);
  uint32_t shift = log2 - 6u; /* HIST_SUB = 2^6 */
  uint32_t sub = (uint32_t)(ns >> shift) - HIST_SUB;
  uint32_t b = (shift + 1u) * HIST_SUB + sub;
  return b < HIST_BUCKETS ? b : HIST_BUCKETS - 1;
}

static uint64_t hist_value(uint32_t b) {
  if (b < HIST_SUB) return b;
  uint32_t shift = b / HIST_SUB - 1u;
  uint64_t sub = b % HIST_SUB;
  return (HIST_SUB + sub) << shift;
}

static double hist_quantile(struct bench *b, double q) {
  uint64_t total = atomic_load(&b->calls), seen = 0;
  uint64_t want = (uint64_t)(q * (double)total);
  for (uint32_t i = 0; i < HIST_BUCKETS; i++) {
    seen += atomic_load(&b->hist[i]);
    if (seen > want) return (double)hist_value(i) / 1000.0;
  }
  return 0;
}

static void spin_ns(uint64_t ns) {
  uint64_t end = now_ns() + ns;
  while (now_ns() < end) {
  }
}

static bsim_hr on_modification(bsim_job *job, void *user) {
  (void)job;
  struct job_slot *slot = user;
  struct bench *b = slot->b;
  uint64_t t = now_ns();
  uint64_t lat = t - slot->event_ns;
  uint32_t occ = atomic_fetch_add(&b->running[slot->user], 1) + 1;
  uint64_t n = atomic_fetch_add_explicit(&b->calls, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&b->hist[hist_bucket(lat)], 1,
                            memory_order_relaxed);
  atomic_fetch_add_explicit(&b->occ_sum, occ, memory_order_relaxed);
  uint32_t om = atomic_load(&b->occ_max);
  while (occ > om && !atomic_compare_exchange_weak(&b->occ_max, &om, occ)) {
  }
  uint64_t mx = atomic_load(&b->max_ns);
  while (lat > mx && !atomic_compare_exchange_weak(&b->max_ns, &mx, lat)) {
  }
  if (!pthread_equal(pthread_self(), b->driver))
    atomic_store(&b->off_driver, 1);
  if (b->cost == COST_FIXED) spin_ns(1000);
  if (b->cost == COST_BLOCKING && n % 100 == 0) {
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
  }
  atomic_fetch_sub(&b->running[slot->user], 1);
  return BSIM_S_OK;
}

static void check(bsim_hr hr, const char *what) {
  if (hr == BSIM_S_OK) return;
  fprintf(stderr, "bench: %s: %s\n", what, bsim_hr_name(hr));
  exit(1);
}

static bsim_manager *make_manager(const struct cfg *c) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.fs_mode = BSIM_FS_VIRTUAL;
  o.trace_enabled = 0;
  o.delivery = c->mode;
  o.delivery_threads = 4;
  o.max_jobs_per_user = c->jobs_per_user;
  o.max_jobs_per_machine = c->users * c->jobs_per_user;
  bsim_manager *mgr = NULL;
  check(bsim_manager_new(&o, &mgr), "manager_new");
  /* Apply the notification options again (idempotent), in case the
   * manager does not pass them on yet; off_driver_thread in the output
   * shows which mode really ran. */
  check(bsim__notify_configure(bsim__mgr_notify(mgr), &o), "configure");
  for (uint32_t u = 0; u < c->users; u++) {
    char name[32];
    snprintf(name, sizeof(name), "user%u", u);
    check(bsim_user_add(mgr, name, 0), "user_add");
  }
  return mgr;
}

static const struct bsim_notify_ops bench_ops = {.job_modification =
                                                     on_modification};

static void run_rounds(bsim_manager *mgr, const struct cfg *c, bsim_job **jobs,
                       struct job_slot *slots, uint64_t *gen_ns,
                       uint64_t *deliver_ns) {
  uint32_t total = c->users * c->jobs_per_user;
  for (uint32_t r = 0; r < c->rounds; r++) {
    uint64_t t0 = now_ns();
    for (uint32_t i = 0; i < total; i++) {
      slots[i].event_ns = now_ns();
      check(bsim_job_set_priority(jobs[i], BSIM_JOB_PRIORITY_NORMAL), "set");
    }
    uint64_t t1 = now_ns();
    check(bsim_manager_run_until_idle(mgr, 0), "run_until_idle");
    uint64_t t2 = now_ns();
    *gen_ns += t1 - t0;
    *deliver_ns += t2 - t1;
  }
}

static void run_one(const struct cfg *c, struct result *out) {
  struct bench *b = calloc(1, sizeof(*b));
  uint32_t total = c->users * c->jobs_per_user;
  bsim_job **jobs = calloc(total, sizeof(*jobs));
  struct job_slot *slots = calloc(total, sizeof(*slots));
  b->running = calloc(c->users, sizeof(*b->running));
  if (b == NULL || jobs == NULL || slots == NULL || b->running == NULL) exit(1);
  b->cost = c->cost;
  b->driver = pthread_self();
  bsim_manager *mgr = make_manager(c);
  for (uint32_t i = 0; i < total; i++) {
    char name[32];
    slots[i].b = b;
    slots[i].user = i % c->users; /* users interleaved in creation order */
    snprintf(name, sizeof(name), "user%u", slots[i].user);
    check(bsim_job_create(mgr, name, "bench", BSIM_JOB_TYPE_DOWNLOAD, NULL,
                          &jobs[i]),
          "job_create");
    check(bsim_job_set_notify(jobs[i], &bench_ops, &slots[i]), "set_notify");
    check(bsim_job_set_notify_flags(jobs[i], BSIM_NOTIFY_JOB_MODIFICATION),
          "flags");
  }
  check(bsim_manager_run_until_idle(mgr, 0), "warm-up");
  memset(b->hist, 0, sizeof(b->hist)); /* forget the warm-up calls */
  atomic_store(&b->calls, 0);
  atomic_store(&b->max_ns, 0);
  atomic_store(&b->occ_sum, 0);
  atomic_store(&b->occ_max, 0);
  uint64_t gen_ns = 0, deliver_ns = 0;
  run_rounds(mgr, c, jobs, slots, &gen_ns, &deliver_ns);
  uint64_t n = atomic_load(&b->calls);
  out->count = n;
  out->deliver_per_s = (double)n * 1e9 / (double)deliver_ns;
  out->e2e_per_s = (double)n * 1e9 / (double)(gen_ns + deliver_ns);
  out->p50_us = hist_quantile(b, 0.50);
  out->p99_us = hist_quantile(b, 0.99);
  out->max_us = (double)atomic_load(&b->max_ns) / 1000.0;
  out->occ_mean = n ? (double)atomic_load(&b->occ_sum) / (double)n : 0;
  out->occ_max = atomic_load(&b->occ_max);
  out->off_driver = atomic_load(&b->off_driver);
  for (uint32_t i = 0; i < total; i++)
    bsim_job_unref(jobs[i]);
  check(bsim_manager_free(mgr), "manager_free");
  free(b->running);
  free(slots);
  free(jobs);
  free(b);
}

/* ---- baselines ----------------------------------------------------------*/

struct idle_ctx {
  uint64_t n, target;
};

static void idle_cb(uv_idle_t *h) {
  struct idle_ctx *ctx = h->data;
  if (++ctx->n >= ctx->target) uv_idle_stop(h);
}

static double baseline_idle(uint64_t target) {
  uv_loop_t loop;
  uv_idle_t idle;
  struct idle_ctx ctx = {0, target};
  uv_loop_init(&loop);
  uv_idle_init(&loop, &idle);
  idle.data = &ctx;
  uv_idle_start(&idle, idle_cb);
  uint64_t t0 = now_ns();
  uv_run(&loop, UV_RUN_DEFAULT);
  uint64_t t1 = now_ns();
  uv_close((uv_handle_t *)&idle, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return (double)ctx.n * 1e9 / (double)(t1 - t0);
}

struct work_ctx {
  uv_loop_t *loop;
  uint64_t done, started, target;
  uv_work_t reqs[4];
};

static void work_cb(uv_work_t *req) {
  (void)req;
}

static void after_work_cb(uv_work_t *req, int status) {
  (void)status;
  struct work_ctx *ctx = req->data;
  ctx->done++;
  if (ctx->started < ctx->target) {
    ctx->started++;
    uv_queue_work(ctx->loop, req, work_cb, after_work_cb);
  }
}

static double baseline_queue_work(uint64_t target) {
  uv_loop_t loop;
  struct work_ctx ctx;
  memset(&ctx, 0, sizeof(ctx));
  uv_loop_init(&loop);
  ctx.loop = &loop;
  ctx.target = target;
  uint64_t t0 = now_ns();
  for (int i = 0; i < 4; i++) {
    ctx.reqs[i].data = &ctx;
    ctx.started++;
    uv_queue_work(&loop, &ctx.reqs[i], work_cb, after_work_cb);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  uint64_t t1 = now_ns();
  uv_loop_close(&loop);
  return (double)ctx.done * 1e9 / (double)(t1 - t0);
}

/* ---- medians and output -------------------------------------------------*/

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(*v), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median of each field over reps runs. */
static void run_median(const struct cfg *c, int reps, struct result *out) {
  struct result r[MAX_REPS];
  double v[MAX_REPS];
  for (int i = 0; i < reps; i++)
    run_one(c, &r[i]);
#define MED(field)                                                             \
  do {                                                                         \
    for (int i = 0; i < reps; i++)                                             \
      v[i] = r[i].field;                                                       \
    out->field = median(v, reps);                                              \
  } while (0)
  MED(deliver_per_s);
  MED(e2e_per_s);
  MED(p50_us);
  MED(p99_us);
  MED(max_us);
  MED(occ_mean);
  MED(occ_max);
#undef MED
  out->count = r[0].count;
  out->off_driver = r[0].off_driver;
}

static double baseline_median(double (*fn)(uint64_t), uint64_t target,
                              int reps) {
  double v[MAX_REPS];
  for (int i = 0; i < reps; i++)
    v[i] = fn(target);
  return median(v, reps);
}

static void print_result(const struct cfg *c, const struct result *r,
                         int first) {
  printf("%s\n    {\"mode\":\"%s\",\"users\":%u,\"jobs_per_user\":%u,"
         "\"cost\":\"%s\",\"notifications\":%llu,"
         "\"deliver_per_s\":%.0f,\"e2e_per_s\":%.0f,"
         "\"latency_us\":{\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
         "\"occupancy\":{\"mean\":%.3f,\"max\":%.0f,\"mean_of_limit\":%.3f},"
         "\"off_driver_thread\":%s}",
         first ? "" : ",",
         c->mode == BSIM_DELIVERY_INLINE ? "inline" : "threaded", c->users,
         c->jobs_per_user, cost_names[c->cost], (unsigned long long)r->count,
         r->deliver_per_s, r->e2e_per_s, r->p50_us, r->p99_us, r->max_us,
         r->occ_mean, r->occ_max,
         r->occ_mean / BSIM_DEFAULT_NOTIFY_IN_FLIGHT_PER_USER,
         r->off_driver ? "true" : "false");
}

int main(int argc, char **argv) {
  int quick = 0, reps = 5;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) quick = 1;
    if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = atoi(argv[++i]);
  }
  if (reps < 1) reps = 1;
  if (reps > MAX_REPS) reps = MAX_REPS;
  const uint32_t users[] = {1, 16};
  const uint32_t jobs[] = {64, 1024};
  uint64_t per_cfg = quick ? 20000 : 200000; /* notifications per run */
  double idle = baseline_median(baseline_idle, quick ? 1000000 : 5000000, reps);
  double qwork =
      baseline_median(baseline_queue_work, quick ? 20000 : 200000, reps);
  printf("{\"bench\":\"notify_throughput\",\"bitsim\":\"%s\","
         "\"libuv\":\"%s\",\"reps\":%d,\n  \"baselines\":{"
         "\"uv_idle_per_s\":%.0f,\"uv_queue_work_4_in_flight_per_s\":%.0f},"
         "\n  \"runs\":[",
         bsim_version(), uv_version_string(), reps, idle, qwork);
  int first = 1;
  double ref[BSIM_DELIVERY_MODE_COUNT] = {0, 0};
  for (int m = 0; m < BSIM_DELIVERY_MODE_COUNT; m++) {
    for (int ci = 0; ci < COST_COUNT; ci++) {
      for (size_t ui = 0; ui < 2; ui++) {
        for (size_t ji = 0; ji < 2; ji++) {
          struct cfg c = {(enum bsim_delivery_mode)m, users[ui], jobs[ji],
                          (enum cost)ci, 0};
          uint64_t total = (uint64_t)c.users * c.jobs_per_user;
          uint64_t budget = ci == COST_ZERO ? per_cfg : per_cfg / 10;
          c.rounds = (uint32_t)((budget + total - 1) / total);
          struct result r;
          run_median(&c, reps, &r);
          print_result(&c, &r, first);
          first = 0;
          if (ci == COST_ZERO && c.users == 16 && c.jobs_per_user == 64)
            ref[m] = r.deliver_per_s;
        }
      }
    }
  }
  printf("\n  ],\n  \"reference\":\"16 users x 64 jobs, zero-cost callbacks, "
         "deliver_per_s\",\n  \"ratio\":{\"inline_vs_uv_idle\":%.3f,"
         "\"threaded_vs_uv_queue_work\":%.3f}}\n",
         ref[0] / idle, ref[1] / qwork);
  return 0;
}
