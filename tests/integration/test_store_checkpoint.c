/* Progress is checkpointed during a long transfer (reference §13: "transfer
 * progress is checkpointed periodically; after a crash the download
 * resumes from the last checkpoint via a range request"; the period is
 * store_checkpoint_ms, docs/store.md).
 *
 * A child process (fork) downloads a file that bitsim serve drips at about
 * 400 KB/s onto a durable store, inside one driving call. The parent waits
 * (with a deadline) until the child's temporary file holds 512 KiB, kills
 * the child with SIGKILL, opens the store itself and finds the job with a
 * recorded offset above zero, and the bytes up to it in the temporary file;
 * it then finishes the download with a Range request (counted by serve)
 * and the file is byte-identical. With checkpoints off the same kill finds
 * the offset at zero: nothing was committed during the driving call. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bitsim.h"
#include "bitsim/serve.h"
#include "bsim_test.h"

#define SIZE 800000u
/* The sink writes 256 KiB at a time (docs/transport.md): the kill waits
 * for the second write, a write cycle (about 0.65 s) after the first one,
 * whose checkpoint is then long made when checkpoints are on. */
#define KILL_AT (2u * 262144u)

static char root[600], out[700], db[700], local[800], url[128];
static bsim_serve *srv;

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static unsigned char byte_at(uint32_t i) {
  return (unsigned char)((i * 2654435761u) >> 24);
}

/* The served file and the paths. No thread may exist yet: the child is
 * forked after this and before the server starts (a fork copies no
 * thread, and a lock another thread held would stay held in the child). */
static void setup_files(const char *name) {
  snprintf(root, sizeof root, "%s", bsim_test_tmpdir(name));
  snprintf(out, sizeof out, "%s/out", root);
  assert_int_equal(mkdir(out, 0755), 0);
  snprintf(db, sizeof db, "%s/queue.db", root);
  snprintf(local, sizeof local, "%s/f.bin", out);
  char path[700];
  snprintf(path, sizeof path, "%s/f.bin", root);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  for (uint32_t i = 0; i < SIZE; i++)
    fputc(byte_at(i), f);
  fclose(f);
}

static void start_server(void) {
  struct bsim_serve_options so;
  bsim_serve_options_init(&so);
  so.root_dir = root;
  assert_int_equal(bsim_serve_start(&so, &srv), BSIM_S_OK);
  struct bsim_serve_fault fault;
  assert_int_equal(bsim_serve_fault_parse("path=/f.bin,drip=4000/10,count=1",
                                          &fault, NULL, 0),
                   BSIM_S_OK);
  assert_int_equal(bsim_serve_fault_add(srv, &fault), BSIM_S_OK);
  assert_int_equal(bsim_serve_url(srv, "/f.bin", url, sizeof url), BSIM_S_OK);
}

static bsim_manager *open_store(uint32_t checkpoint_ms) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.store_path = db;
  o.store_checkpoint_ms = checkpoint_ms;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "alice", 0), BSIM_S_OK);
  return mgr;
}

/* The child: reads the URL from fd, then one job and one driving call
 * until it is killed. */
static void child_main(int fd, uint32_t checkpoint_ms) {
  size_t got = 0;
  ssize_t n;
  while (got + 1 < sizeof url &&
         (n = read(fd, url + got, sizeof url - 1 - got)) > 0) {
    got += (size_t)n;
  }
  url[got] = '\0';
  close(fd);
  bsim_manager *mgr = open_store(checkpoint_ms);
  bsim_job *job = NULL;
  if (got == 0 ||
      bsim_job_create(mgr, "alice", "slow", BSIM_JOB_TYPE_DOWNLOAD, NULL,
                      &job) != BSIM_S_OK ||
      bsim_job_set_priority(job, BSIM_JOB_PRIORITY_FOREGROUND) != BSIM_S_OK ||
      bsim_job_add_file(job, url, local) != BSIM_S_OK ||
      bsim_job_resume(job) != BSIM_S_OK) {
    _exit(3);
  }
  bsim_hr hr = bsim_manager_run_until_job_state(
      mgr, job, 1u << BSIM_JOB_STATE_TRANSFERRED, UINT64_MAX / 2);
  _exit(hr == BSIM_S_OK ? 4 : 5); /* never reached before the kill */
}

/* The size of the one BIT*.tmp file in out, or 0. */
static uint64_t temp_size(void) {
  DIR *d = opendir(out);
  assert_non_null(d);
  uint64_t size = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, "BIT", 3) != 0) continue;
    char path[1000];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", out, e->d_name);
    if (stat(path, &st) == 0) size = (uint64_t)st.st_size;
  }
  closedir(d);
  return size;
}

/* Wait, with a deadline, until the child's temporary file holds KILL_AT
 * bytes: each write to it is an inotify event, no polling by the clock.
 * Returns 1, or 0 at the deadline. */
static int wait_for_bytes(void) {
  int in = inotify_init1(IN_CLOEXEC);
  assert_true(in >= 0);
  assert_true(inotify_add_watch(in, out, IN_MODIFY | IN_CREATE) >= 0);
  uint64_t deadline = mono_ms() + 30000;
  while (temp_size() < KILL_AT && mono_ms() < deadline) {
    struct pollfd pfd = {.fd = in, .events = POLLIN};
    if (poll(&pfd, 1, (int)(deadline - mono_ms())) > 0) {
      char events[4096];
      (void)read(in, events, sizeof events);
    }
  }
  close(in);
  return temp_size() >= KILL_AT;
}

/* Fork the child, start the server, hand the child its URL, kill it once
 * it wrote KILL_AT bytes (or at the deadline: the child never outlives the
 * test). Returns the size of the temporary file it left. */
static uint64_t run_and_kill(uint32_t checkpoint_ms) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(p[1]);
    child_main(p[0], checkpoint_ms);
  }
  close(p[0]);
  start_server();
  assert_int_equal(write(p[1], url, strlen(url)), (ssize_t)strlen(url));
  close(p[1]);
  int wrote = wait_for_bytes();
  assert_int_equal(kill(pid, SIGKILL), 0);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(wrote);
  assert_true(WIFSIGNALED(status));
  return temp_size();
}

static bsim_job *the_job(bsim_manager *mgr) {
  bsim_job **jobs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_enum_jobs(mgr, "alice", 0, &jobs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 1);
  bsim_job *job = jobs[0];
  bsim_job_ref(job);
  bsim_job_array_free(jobs, n);
  return job;
}

static void test_checkpoint_then_range_resume(void **state) {
  (void)state;
  setup_files("store_checkpoint");
  uint64_t left = run_and_kill(100);
  bsim_manager *mgr = open_store(100);
  bsim_job *job = the_job(mgr);
  struct bsim_file_progress p;
  assert_int_equal(bsim_file_get_progress(job, 0, &p), BSIM_S_OK);
  assert_true(p.bytes_transferred > 0);
  assert_true(p.bytes_transferred <= left);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_job_state(
                       mgr, job, 1u << BSIM_JOB_STATE_TRANSFERRED, 600000),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(srv, "/f.bin", &st), BSIM_S_OK);
  assert_true(st.ranged >= 1);
  FILE *f = fopen(local, "rb");
  assert_non_null(f);
  for (uint32_t i = 0; i < SIZE; i++)
    assert_int_equal(fgetc(f), byte_at(i));
  assert_int_equal(fgetc(f), EOF);
  fclose(f);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
  bsim_serve_stop(srv);
}

static void test_no_checkpoint_inside_a_drive(void **state) {
  (void)state;
  setup_files("store_no_checkpoint");
  assert_true(run_and_kill(0) > 0);
  bsim_manager *mgr = open_store(0);
  bsim_job *job = the_job(mgr);
  struct bsim_file_progress p;
  assert_int_equal(bsim_file_get_progress(job, 0, &p), BSIM_S_OK);
  assert_int_equal(p.bytes_transferred, 0);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
  bsim_serve_stop(srv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_checkpoint_then_range_resume),
      cmocka_unit_test(test_no_checkpoint_inside_a_drive),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
