/* bitsim — the durable store benchmark (docs/store.md, style B.13).
 *
 * Persisted state transitions per second, each beside a plain SQLite loop
 * measured in the same run on a database with the same settings (WAL,
 * synchronous=FULL, exclusive locking) in the same directory:
 *
 * 1. Durable, one commit per change: Suspend and Resume alternate on one
 *    job of a manager with a store; every call is one state change,
 *    committed (fsync of the WAL) before the call returns. Baseline: one
 *    "UPDATE jobs SET state = ? WHERE id = ?" per transaction.
 * 2. Group commit (store_group_commit = 1): B jobs are resumed, then one
 *    bsim_manager_run_until_idle moves every one QUEUED -> CONNECTING ->
 *    TRANSFERRING -> TRANSFERRED on the model transport (3 persisted
 *    transitions per job), committed together when the driver returns;
 *    the resumes (one commit each) are outside the timed part. Baseline:
 *    3 * B UPDATEs in one transaction.
 *
 * Tracing is off and files are virtual (BSIM_FS_VIRTUAL), so what is
 * measured is the store. Output: "name value unit" lines; each figure is
 * the median of --runs runs. Target: ratio >= 0.8 of the plain loop.
 * Usage: bench_store [--dir D] [--changes N] [--batch B] [--runs R]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bitsim.h"

static const char *dir = "/tmp";
static unsigned changes = 2000, batch = 2000, runs = 5;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(bsim_hr hr, const char *what) {
  if (BSIM_FAILED(hr)) {
    fprintf(stderr, "bench_store: %s: %s %s\n", what, bsim_hr_name(hr),
            bsim_manager_store_error());
    exit(1);
  }
}

static void check_sql(int rc, sqlite3 *db, const char *what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE) {
    fprintf(stderr, "bench_store: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
  }
}

static void path_of(char *buf, size_t cap, const char *name) {
  snprintf(buf, cap, "%s/bench_store_%ld_%s.db", dir, (long)getpid(), name);
}

static void remove_db(const char *path) {
  char extra[1200];
  unlink(path);
  snprintf(extra, sizeof extra, "%s-wal", path);
  unlink(extra);
  snprintf(extra, sizeof extra, "%s-shm", path);
  unlink(extra);
}

static bsim_manager *open_manager(const char *path, int group) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.trace_enabled = 0;
  o.fs_mode = BSIM_FS_VIRTUAL;
  o.store_path = path;
  o.store_group_commit = group;
  o.max_jobs_per_machine = 1000000;
  bsim_manager *mgr = NULL;
  check(bsim_manager_new(&o, &mgr), "manager_new");
  check(bsim_user_add(mgr, "bench", 1), "user_add");
  struct bsim_model_host_options ho;
  bsim_model_host_options_init(&ho);
  check(bsim_model_host_add(mgr, "bench.test", &ho), "host_add");
  check(bsim_model_file_add(mgr, "http://bench.test/f", 4096), "file_add");
  return mgr;
}

static bsim_job *new_job(bsim_manager *mgr) {
  bsim_job *job = NULL;
  check(bsim_job_create(mgr, "bench", "bench", BSIM_JOB_TYPE_DOWNLOAD, NULL,
                        &job),
        "create");
  char local[1200];
  snprintf(local, sizeof local, "%s/bench_store_file", dir);
  check(bsim_job_add_file(job, "http://bench.test/f", local), "add_file");
  return job;
}

/* 1: Suspend/Resume, one durable commit each. Returns transitions/s. */
static double durable_run(void) {
  char path[1024];
  path_of(path, sizeof path, "durable");
  bsim_manager *mgr = open_manager(path, 0);
  bsim_job *job = new_job(mgr);
  check(bsim_job_suspend(job), "suspend");
  double t0 = now_s();
  for (unsigned i = 0; i < changes; i++) {
    /* A QUEUED job with no driver running stays QUEUED: one change per
     * call. */
    check(i % 2 == 0 ? bsim_job_resume(job) : bsim_job_suspend(job), "flip");
  }
  double dt = now_s() - t0;
  bsim_job_unref(job);
  check(bsim_manager_free(mgr), "free");
  remove_db(path);
  return changes / dt;
}

/* 2: B jobs through three engine transitions each, one group commit.
 * Returns the seconds the run took; with_store 0 runs the same work on the
 * in-memory default, to take the engine's own time out. */
static double group_run(int with_store) {
  char path[1024];
  path_of(path, sizeof path, "group");
  bsim_manager *mgr = open_manager(with_store ? path : NULL, 1);
  bsim_job **jobs = malloc(batch * sizeof *jobs);
  for (unsigned i = 0; i < batch; i++) {
    jobs[i] = new_job(mgr);
    check(bsim_job_resume(jobs[i]), "resume");
  }
  double t0 = now_s();
  check(bsim_manager_run_until_idle(mgr, 0), "run");
  double dt = now_s() - t0;
  for (unsigned i = 0; i < batch; i++) {
    enum bsim_job_state st;
    check(bsim_job_get_state(jobs[i], &st), "state");
    if (st != BSIM_JOB_STATE_TRANSFERRED) {
      fprintf(stderr, "bench_store: job not TRANSFERRED\n");
      exit(1);
    }
    bsim_job_unref(jobs[i]);
  }
  free(jobs);
  check(bsim_manager_free(mgr), "free");
  if (with_store) remove_db(path);
  return dt;
}

/* The plain loop: rows shaped like the store's, per_tx updates per
 * transaction. */
static double plain_run(unsigned updates, unsigned per_tx) {
  char path[1024];
  path_of(path, sizeof path, "plain");
  sqlite3 *db = NULL;
  check_sql(sqlite3_open(path, &db), db, "open");
  const char *setup = "PRAGMA locking_mode = EXCLUSIVE;"
                      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                      "CREATE TABLE jobs(id TEXT PRIMARY KEY, state INTEGER)"
                      " WITHOUT ROWID;"
                      "INSERT INTO jobs VALUES('{job}', 0);";
  check_sql(sqlite3_exec(db, setup, NULL, NULL, NULL), db, "setup");
  sqlite3_stmt *st = NULL;
  check_sql(sqlite3_prepare_v2(db, "UPDATE jobs SET state = ? WHERE id = ?", -1,
                               &st, NULL),
            db, "prepare");
  double t0 = now_s();
  for (unsigned i = 0; i < updates; i++) {
    if (per_tx > 1 && i % per_tx == 0) {
      check_sql(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), db, "begin");
    }
    sqlite3_bind_int(st, 1, (int)(i % 9));
    sqlite3_bind_text(st, 2, "{job}", -1, SQLITE_STATIC);
    check_sql(sqlite3_step(st), db, "update");
    sqlite3_reset(st);
    if (per_tx > 1 && (i % per_tx == per_tx - 1 || i + 1 == updates)) {
      check_sql(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
    }
  }
  double dt = now_s() - t0;
  sqlite3_finalize(st);
  sqlite3_close(db);
  remove_db(path);
  return updates / dt;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report(const char *name, double *v) {
  qsort(v, runs, sizeof *v, by_value);
  printf("%s %.0f transitions/s (min %.0f, max %.0f)\n", name, v[runs / 2],
         v[0], v[runs - 1]);
}

static void args(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
    if (strcmp(argv[i], "--changes") == 0)
      changes = (unsigned)atoi(argv[i + 1]);
    if (strcmp(argv[i], "--batch") == 0) batch = (unsigned)atoi(argv[i + 1]);
    if (strcmp(argv[i], "--runs") == 0) runs = (unsigned)atoi(argv[i + 1]);
  }
  if (changes == 0 || batch == 0 || runs == 0 || runs > 99) {
    fprintf(stderr, "usage: bench_store [--dir D] [--changes N] [--batch B] "
                    "[--runs R]\n");
    exit(2);
  }
}

int main(int argc, char **argv) {
  args(argc, argv);
  double d[99], dp[99], g[99], gp[99], gs[99];
  /* Interleaved, so both sides see the same disk weather. */
  for (unsigned r = 0; r < runs; r++) {
    d[r] = durable_run();
    dp[r] = plain_run(changes, 1);
    double with = group_run(1), without = group_run(0);
    g[r] = 3.0 * batch / with;
    /* The store's share: the same run minus the in-memory run. */
    gs[r] = with > without ? 3.0 * batch / (with - without) : 0;
    gp[r] = plain_run(3 * batch, 3 * batch);
  }
  report("store_durable", d);
  report("plain_sqlite_per_txn", dp);
  printf("durable_ratio %.2f x\n", d[runs / 2] / dp[runs / 2]);
  report("store_group_commit", g);
  report("plain_sqlite_batched", gp);
  printf("group_ratio %.2f x (engine time included)\n",
         g[runs / 2] / gp[runs / 2]);
  report("store_group_commit_store_only", gs);
  printf("group_store_only_ratio %.2f x\n", gs[runs / 2] / gp[runs / 2]);
  return 0;
}
