/* The child of tests/integration/test_store_crash.c: a client that runs
 * JOBS download jobs on a durable store (reference §13) and may be killed
 * with SIGKILL at any moment; started again on the same store it carries
 * on where the store says it was.
 *
 *   store_crash_child STORE DIR SEED JOBS GROUP [BASE_URL]
 *
 * Job i downloads http://crash.test/f<i> (the model transport; size and
 * content from the seed), or BASE_URL/f<i> when given (the curl transport,
 * e.g. against bitsim serve), to DIR/f<i>. On start the child claims its user,
 * re-publishes the model files (a server outlives its clients), registers a
 * callback on every job the store gave back, creates the jobs that are neither
 * in the store nor completed (DIR/f<i> exists), and runs the engine until idle.
 * JobTransferred completes the job. Every step is a line on stdout,
 * flushed at once, so the parent can pick its kill points:
 *   R <restored>   store opened, jobs restored
 *   S <i>          job i created and resumed
 *   M <i>          JobModification for job i (bytes moved, a change)
 *   N <i>          JobTransferred delivered for job i
 *   C <i>          job i completed (its file is in place)
 *   DONE           every job completed
 * Exit status: 0 when done, 2 on a usage error, 3 on an engine failure
 * (the failing call is printed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bitsim.h"
#include "bitsim/notify.h"

#define HOST "crash.test"
#define FLAGS                                                                  \
  (BSIM_NOTIFY_JOB_TRANSFERRED | BSIM_NOTIFY_JOB_ERROR |                       \
   BSIM_NOTIFY_JOB_MODIFICATION)

static const char *dir;
static const char *base_url; /* NULL: the model transport */
static uint64_t seed;
static unsigned jobs_total;

static void fail(const char *what, bsim_hr hr) {
  printf("FAIL %s %s\n", what, bsim_hr_name(hr));
  fflush(stdout);
  exit(3);
}

static void check(const char *what, bsim_hr hr) {
  if (BSIM_FAILED(hr)) fail(what, hr);
}

static void line(const char *tag, unsigned i) {
  printf("%s %u\n", tag, i);
  fflush(stdout);
}

/* The size of file i: 1 byte to 96 KiB, from the seed. */
static uint64_t size_of(unsigned i) {
  uint64_t x = seed * 0x9E3779B97F4A7C15u + i * 0xBF58476D1CE4E5B9u;
  x ^= x >> 31;
  return 1 + x % (96 * 1024);
}

static void url_of(unsigned i, char *buf, size_t cap) {
  if (base_url != NULL) {
    snprintf(buf, cap, "%s/f%u", base_url, i);
  } else {
    snprintf(buf, cap, "http://" HOST "/f%u", i);
  }
}

static void local_of(unsigned i, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/f%u", dir, i);
}

static int index_of(bsim_job *job) {
  char *name = NULL;
  if (BSIM_FAILED(bsim_job_get_display_name(job, &name))) return -1;
  unsigned i = 0;
  int ok = sscanf(name, "job%u", &i) == 1 && i < jobs_total;
  bsim_free(name);
  return ok ? (int)i : -1;
}

static bsim_hr on_transferred(bsim_job *job, void *user) {
  (void)user;
  int i = index_of(job);
  if (i < 0) return BSIM_E_FAIL;
  line("N", (unsigned)i);
  bsim_hr hr = bsim_job_complete(job);
  if (hr == BSIM_S_OK) line("C", (unsigned)i);
  return hr == BSIM_S_OK ? BSIM_S_OK : BSIM_E_FAIL;
}

/* Bytes moved: a line, so kill points fall inside transfers too (and the
 * store commits before each callback, checkpointing the offset). */
static bsim_hr on_modified(bsim_job *job, void *user) {
  (void)user;
  int i = index_of(job);
  if (i >= 0) line("M", (unsigned)i);
  return BSIM_S_OK;
}

static const struct bsim_notify_ops ops = {.job_transferred = on_transferred,
                                           .job_modification = on_modified};

static int completed(unsigned i) {
  char local[4096];
  local_of(i, local, sizeof local);
  struct stat st;
  return stat(local, &st) == 0;
}

/* A job the store gave back: finish what its creation left undone. */
static void adopt(bsim_job *job, unsigned char *known) {
  int i = index_of(job);
  if (i < 0) fail("restored job without a name", BSIM_E_FAIL);
  known[i] = 1;
  check("set_notify", bsim_job_set_notify(job, &ops, NULL));
  check("notify_flags", bsim_job_set_notify_flags(job, FLAGS));
  if (bsim_job_file_count(job) == 0) {
    char url[256], local[4096];
    url_of((unsigned)i, url, sizeof url);
    local_of((unsigned)i, local, sizeof local);
    check("add_file", bsim_job_add_file(job, url, local));
  }
  enum bsim_job_state st;
  check("get_state", bsim_job_get_state(job, &st));
  if (st == BSIM_JOB_STATE_SUSPENDED || st == BSIM_JOB_STATE_ERROR) {
    check("resume", bsim_job_resume(job));
  }
}

static void create(bsim_manager *mgr, unsigned i) {
  char name[32], url[256], local[4096];
  snprintf(name, sizeof name, "job%u", i);
  url_of(i, url, sizeof url);
  local_of(i, local, sizeof local);
  bsim_job *job = NULL;
  check("create", bsim_job_create(mgr, "alice", name, BSIM_JOB_TYPE_DOWNLOAD,
                                  NULL, &job));
  check("set_notify", bsim_job_set_notify(job, &ops, NULL));
  check("notify_flags", bsim_job_set_notify_flags(job, FLAGS));
  check("add_file", bsim_job_add_file(job, url, local));
  check("resume", bsim_job_resume(job));
  line("S", i);
  bsim_job_unref(job);
}

static bsim_manager *open_manager(const char *store, int group) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.seed = seed;
  o.store_path = store;
  o.store_group_commit = group;
  bsim_manager *mgr = NULL;
  bsim_hr hr = bsim_manager_new(&o, &mgr);
  if (BSIM_FAILED(hr)) {
    printf("FAIL open %s: %s\n", bsim_hr_name(hr), bsim_manager_store_error());
    fflush(stdout);
    exit(3);
  }
  check("user_add", bsim_user_add(mgr, "alice", 1));
  if (base_url != NULL) return mgr;
  struct bsim_model_host_options ho;
  bsim_model_host_options_init(&ho);
  ho.bandwidth_bytes_per_s = 16 * 1024; /* several progress steps a file */
  check("host_add", bsim_model_host_add(mgr, HOST, &ho));
  for (unsigned i = 0; i < jobs_total; i++) {
    char url[256];
    url_of(i, url, sizeof url);
    check("file_add", bsim_model_file_add(mgr, url, size_of(i)));
  }
  return mgr;
}

int main(int argc, char **argv) {
  if (argc != 6 && argc != 7) {
    fprintf(stderr, "usage: %s STORE DIR SEED JOBS GROUP [BASE_URL]\n",
            argv[0]);
    return 2;
  }
  if (argc == 7) base_url = argv[6];
  dir = argv[2];
  seed = strtoull(argv[3], NULL, 10);
  jobs_total = (unsigned)strtoul(argv[4], NULL, 10);
  if (jobs_total == 0 || jobs_total > 1000) return 2;
  bsim_manager *mgr = open_manager(argv[1], atoi(argv[5]));
  unsigned char *known = calloc(jobs_total, 1);
  bsim_job **jobs = NULL;
  size_t n = 0;
  check("enum", bsim_manager_enum_jobs(mgr, "alice", 0, &jobs, &n));
  line("R", (unsigned)n);
  for (size_t k = 0; k < n; k++)
    adopt(jobs[k], known);
  bsim_job_array_free(jobs, n);
  for (unsigned i = 0; i < jobs_total; i++) {
    if (!known[i] && !completed(i)) create(mgr, i);
  }
  check("run", bsim_manager_run_until_idle(mgr, 0));
  for (unsigned i = 0; i < jobs_total; i++) {
    if (!completed(i)) fail("job not completed", BSIM_E_FAIL);
  }
  printf("DONE\n");
  fflush(stdout);
  free(known);
  check("free", bsim_manager_free(mgr));
  return 0;
}
