/* Notify command lines run for real (reference §1.5, §6; sim/clock/
 * spawn_uv.c), INLINE delivery:
 * - /bin/true exits 0: delivered once, not run again;
 * - /bin/false exits 1: run again after the job's MinimumRetryDelay;
 * - a program that does not exist: the spawn fails, counted, retried;
 * - the argv reaches the program verbatim (spaces, quotes, an apostrophe,
 *   an empty string, "$HOME"): no shell in between;
 * - running command lines hold their user's notification slots: four
 *   running commands of one user hold back that user's fifth and nobody
 *   else's, and one exiting lets the fifth start.
 * The engine runs on a thread of the test; the test waits on condition
 * variables with deadlines, and releases blocked commands through FIFOs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bsim_test.h"
#include "internal.h"
#include "notify/notify_priv.h"

#define HOST "example.test"
#define URL "http://" HOST "/f"
#define DEADLINE_S 30

struct watch {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int launches;      /* "ev":"cmdline" lines */
  char fifo[8][512]; /* the FIFO named by each launch, in order */
  int bob_done;      /* bob's command line finished */
  int transferred;   /* jobs that entered TRANSFERRED */
};

static struct watch w;

static void sink(const char *line, size_t len, void *user) {
  (void)len;
  (void)user;
  pthread_mutex_lock(&w.mu);
  if (strstr(line, "\"ev\":\"cmdline\"") != NULL) {
    const char *p = strstr(line, "\"argv03\":\"");
    if (p != NULL && w.launches < 8) {
      p += strlen("\"argv03\":\"");
      size_t n = strcspn(p, "\"");
      if (n < sizeof(w.fifo[0])) {
        memcpy(w.fifo[w.launches], p, n);
        w.fifo[w.launches][n] = '\0';
      }
    }
    w.launches++;
  }
  if (strstr(line, "\"ev\":\"state\"") != NULL &&
      strstr(line, "\"to\":\"TRANSFERRED\"") != NULL)
    w.transferred++;
  if (strstr(line, "\"ev\":\"notify\"") != NULL &&
      strstr(line, "\"user\":\"bob\"") != NULL)
    w.bob_done++;
  pthread_cond_broadcast(&w.cv);
  pthread_mutex_unlock(&w.mu);
}

#define WAIT_FOR(pred)                                                         \
  do {                                                                         \
    struct timespec ts_;                                                       \
    clock_gettime(CLOCK_REALTIME, &ts_);                                       \
    ts_.tv_sec += DEADLINE_S;                                                  \
    while (!(pred)) {                                                          \
      if (pthread_cond_timedwait(&w.cv, &w.mu, &ts_) != 0) {                   \
        int l_ = w.launches, b_ = w.bob_done, t_ = w.transferred;              \
        pthread_mutex_unlock(&w.mu);                                           \
        fail_msg("timed out waiting for %s (launches %d, bob_done %d, "        \
                 "transferred %d)",                                            \
                 #pred, l_, b_, t_);                                           \
      }                                                                        \
    }                                                                          \
  } while (0)

static bsim_manager *mgr_new_mode(enum bsim_delivery_mode mode) {
  memset(&w, 0, sizeof(w));
  pthread_mutex_init(&w.mu, NULL);
  pthread_cond_init(&w.cv, NULL);
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.seed = bsim_test_seed();
  o.fs_mode = BSIM_FS_VIRTUAL;
  o.notify_cmdline_record = 0; /* run them */
  o.delivery = mode;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  assert_int_equal(bsim__notify_configure(bsim__mgr_notify(mgr), &o),
                   BSIM_S_OK);
  assert_int_equal(bsim_trace_set_sink(mgr, sink, NULL), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "bob", 0), BSIM_S_OK);
  struct bsim_model_host_options h;
  bsim_model_host_options_init(&h);
  assert_int_equal(bsim_model_host_add(mgr, HOST, &h), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(mgr, URL, 100), BSIM_S_OK);
  return mgr;
}

static bsim_manager *mgr_new(void) {
  return mgr_new_mode(BSIM_DELIVERY_INLINE);
}

static bsim_job *job_with_cmdline(bsim_manager *mgr, const char *user,
                                  const char *program,
                                  const char *const *argv) {
  bsim_job *job = NULL;
  assert_int_equal(
      bsim_job_create(mgr, user, "j", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
      BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(job, URL, "/v/f"), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_cmdline(job, program, argv), BSIM_S_OK);
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 5), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  return job;
}

static size_t runs_of(bsim_manager *mgr, struct bsim_cmdline_run **runs) {
  size_t n = 0;
  assert_int_equal(bsim_manager_get_cmdline_runs(mgr, runs, &n), BSIM_S_OK);
  return n;
}

static void test_true_runs_once(void **state) {
  (void)state;
  bsim_manager *mgr = mgr_new();
  bsim_job *job = job_with_cmdline(mgr, "alice", "/bin/true", NULL);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 3600000), BSIM_S_OK);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = runs_of(mgr, &runs);
  assert_int_equal(n, 1);
  assert_int_equal(runs[0].exit_status, 0);
  assert_int_equal(runs[0].spawn_result, BSIM_S_OK);
  bsim_cmdline_runs_free(runs, n);
  uint32_t failures = 9;
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 0);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void test_false_retried_after_min_retry_delay(void **state) {
  (void)state;
  bsim_manager *mgr = mgr_new();
  bsim_job *job = job_with_cmdline(mgr, "alice", "/bin/false", NULL);
  bsim_job *gone =
      job_with_cmdline(mgr, "alice", "/nonexistent/bitsim-notify", NULL);
  assert_int_equal(bsim_manager_run_until_job_state(
                       mgr, job, 1u << BSIM_JOB_STATE_TRANSFERRED, 60000),
                   BSIM_S_OK);
  /* Runs at t, then every MinimumRetryDelay (5 s) of virtual time. */
  assert_int_equal(bsim_manager_advance(mgr, 12000), BSIM_S_OK);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = runs_of(mgr, &runs);
  size_t false_runs = 0, missing_runs = 0;
  uint64_t first_ms = UINT64_MAX;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(runs[i].program, "/bin/false") == 0) {
      false_runs++;
      if (first_ms == UINT64_MAX) first_ms = runs[i].t_ms;
      assert_true(runs[i].t_ms >= first_ms + 5000 * (false_runs - 1));
      if (runs[i].exit_status != -1) assert_int_equal(runs[i].exit_status, 1);
    } else {
      missing_runs++;
      assert_int_equal(runs[i].spawn_result, BSIM_E_WIN32_FILE_NOT_FOUND);
    }
  }
  bsim_cmdline_runs_free(runs, n);
  assert_int_equal(false_runs, 3);
  assert_int_equal(missing_runs, 3);
  uint32_t failures = 0;
  assert_int_equal(bsim_job_get_notify_failures(gone, &failures), BSIM_S_OK);
  assert_int_equal(failures, 3);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(bsim_job_cancel(gone), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  bsim_job_unref(job);
  bsim_job_unref(gone);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void test_argv_verbatim(void **state) {
  (void)state;
  bsim_manager *mgr = mgr_new();
  const char *dir = bsim_test_tmpdir("notify_cmdline_argv");
  char out[512];
  assert_true(snprintf(out, sizeof(out), "%s/args.txt", dir) <
              (int)sizeof(out));
  /* sh only writes out what it was given, one argument per line. */
  const char *argv[] = {"/bin/sh",
                        "-c",
                        "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done "
                        "> \"$0\"",
                        out,
                        "two words",
                        "\"double\" quotes",
                        "it's",
                        "",
                        "$HOME; *",
                        NULL};
  bsim_job *job = job_with_cmdline(mgr, "alice", "/bin/sh", argv);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  FILE *f = fopen(out, "r");
  assert_non_null(f);
  char got[512];
  size_t len = fread(got, 1, sizeof(got) - 1, f);
  fclose(f);
  got[len] = '\0';
  assert_string_equal(got, "[two words]\n[\"double\" quotes]\n[it's]\n[]\n"
                           "[$HOME; *]\n");
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void *drive_main(void *arg) {
  bsim_manager *mgr = arg;
  bsim_hr hr = bsim_manager_run_until_idle(mgr, 0);
  return hr == BSIM_S_OK ? arg : NULL;
}

static void release(const char *fifo) {
  int fd = open(fifo, O_WRONLY); /* its reader is running: no wait */
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "x\n", 2), 2);
  close(fd);
}

static void test_four_running_commands_hold_back_fifth(void **state) {
  (void)state;
  bsim_manager *mgr = mgr_new();
  const char *dir = bsim_test_tmpdir("notify_cmdline_limit");
  char fifos[5][512];
  bsim_job *jobs[6];
  for (int i = 0; i < 5; i++) {
    assert_true(snprintf(fifos[i], sizeof(fifos[i]), "%s/fifo%d", dir, i) <
                (int)sizeof(fifos[i]));
    assert_int_equal(mkfifo(fifos[i], 0600), 0);
    /* Blocks until the test writes a line into its FIFO. */
    const char *argv[] = {"/bin/sh", "-c", "read x < \"$0\"", fifos[i], NULL};
    jobs[i] = job_with_cmdline(mgr, "alice", "/bin/sh", argv);
  }
  jobs[5] = job_with_cmdline(mgr, "bob", "/bin/true", NULL);
  pthread_t driver;
  assert_int_equal(pthread_create(&driver, NULL, drive_main, mgr), 0);

  pthread_mutex_lock(&w.mu);
  WAIT_FOR(w.launches == 5 && w.bob_done == 1 && w.transferred == 6);
  pthread_mutex_unlock(&w.mu);
  uint32_t in_flight = 0, queued = 0;
  bsim__lock(mgr);
  bsim__notify_user_load(mgr, "alice", &in_flight, &queued);
  bsim__unlock(mgr);
  assert_int_equal(in_flight, 4);
  assert_int_equal(queued, 1);

  pthread_mutex_lock(&w.mu);
  char first[512];
  int k = 0;
  while (w.fifo[k][0] == '\0')
    k++; /* bob's launch names no FIFO */
  memcpy(first, w.fifo[k], sizeof(first));
  pthread_mutex_unlock(&w.mu);
  release(first);
  pthread_mutex_lock(&w.mu);
  WAIT_FOR(w.launches == 6);
  pthread_mutex_unlock(&w.mu);
  for (int i = 0; i < 5; i++)
    if (strcmp(fifos[i], first) != 0) release(fifos[i]);
  void *ok = NULL;
  assert_int_equal(pthread_join(driver, &ok), 0);
  assert_ptr_equal(ok, mgr);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = runs_of(mgr, &runs);
  assert_int_equal(n, 6);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(runs[i].exit_status, 0);
  bsim_cmdline_runs_free(runs, n);
  for (int i = 0; i < 6; i++)
    bsim_job_unref(jobs[i]);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* THREADED: a worker picks the command line, the driver's loop runs it
 * (libuv is not thread-safe), the exit is delivered as inline. */
static void test_threaded_spawn(void **state) {
  (void)state;
  bsim_manager *mgr = mgr_new_mode(BSIM_DELIVERY_THREADED);
  bsim_job *ok = job_with_cmdline(mgr, "alice", "/bin/true", NULL);
  bsim_job *bad = job_with_cmdline(mgr, "bob", "/bin/false", NULL);
  assert_int_equal(bsim_manager_run_until(mgr, 7000), BSIM_S_OK);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = runs_of(mgr, &runs);
  size_t trues = 0, falses = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(runs[i].program, "/bin/true") == 0) {
      trues++;
      assert_int_equal(runs[i].exit_status, 0);
    } else {
      falses++;
    }
  }
  bsim_cmdline_runs_free(runs, n);
  assert_int_equal(trues, 1);
  assert_int_equal(falses, 2); /* at t and t + 5 s */
  assert_int_equal(bsim_job_cancel(bad), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  bsim_job_unref(ok);
  bsim_job_unref(bad);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_true_runs_once),
      cmocka_unit_test(test_false_retried_after_min_retry_delay),
      cmocka_unit_test(test_argv_verbatim),
      cmocka_unit_test(test_four_running_commands_hold_back_fifth),
      cmocka_unit_test(test_threaded_spawn),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
