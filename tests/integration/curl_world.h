/* Helpers for the curl transport's integration tests (test_curl_*.c,
 * test_nginx_interop.c): a `bitsim serve` on 127.0.0.1 with a root and an
 * upload directory under the test's temporary directory, a manager on the
 * AUTO clock with the curl transport registered (virtual time jumps over
 * retry delays while nothing is in flight, and flows at the real rate while
 * curl works), files with deterministic content, and per-job HTTP options
 * handed to the transport's options callback.
 *
 * Every wait has a deadline (bsim_manager_run_until_job_state with a
 * virtual deadline; curl's own stall and connect timeouts bound real I/O);
 * nothing sleeps. Header-only (static inline). Include after <cmocka.h>.
 */
#ifndef BSIM_CURL_WORLD_H
#define BSIM_CURL_WORLD_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "internal.h"
#include "transport/xfer_curl.h"

#define WORLD_JOBS_MAX 64
#define DAY_MS UINT64_C(86400000)

struct world_job_opts {
  bsim_job *job;
  struct bsim__curl_job_options opts;
};

struct world {
  bsim_manager *mgr;
  bsim_serve *srv;
  struct bsim__transport curl;
  char dir[1024];
  char root[1100];
  char up[1100];
  char out[1100];
  struct world_job_opts jobs[WORLD_JOBS_MAX];
  size_t job_count;
};

/* The transport's options callback: what the test set for this job. */
static inline void world_job_options(bsim_job *job,
                                     struct bsim__curl_job_options *out,
                                     void *user) {
  struct world *w = user;
  for (size_t i = 0; i < w->job_count; i++) {
    if (w->jobs[i].job == job) *out = w->jobs[i].opts;
  }
}

/* Options for job (strings must outlive the job). */
static inline void world_set_options(struct world *w, bsim_job *job,
                                     const struct bsim__curl_job_options *o) {
  assert_true(w->job_count < WORLD_JOBS_MAX);
  bsim__lock(w->mgr);
  w->jobs[w->job_count].job = job;
  w->jobs[w->job_count].opts = *o;
  w->job_count++;
  bsim__unlock(w->mgr);
}

static inline void world_mkdir(char *dst, size_t cap, const char *dir,
                               const char *leaf) {
  int n = snprintf(dst, cap, "%s/%s", dir, leaf);
  assert_true(n > 0 && (size_t)n < cap);
  assert_int_equal(mkdir(dst, 0755), 0);
}

/* Transport settings for tests: short stall and connect timeouts. */
static inline void world_config(struct world *w,
                                const struct bsim__curl_config *config) {
  bsim__lock(w->mgr);
  bsim_hr hr = bsim__xfer_curl_configure(&w->curl, config);
  bsim__unlock(w->mgr);
  assert_int_equal(hr, BSIM_S_OK);
}

static inline void world_default_config(struct bsim__curl_config *c) {
  bsim__curl_config_init(c);
  c->stall_timeout_s = 3;
  c->connect_timeout_ms = 5000;
}

static inline void world_start_manager(struct world *w,
                                       enum bsim_clock_mode mode) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.real_transport = 0; /* registered below, with the test's options */
  o.clock_mode = mode;
  o.seed = bsim_test_seed();
  assert_int_equal(bsim_manager_new(&o, &w->mgr), BSIM_S_OK);
  assert_int_equal(bsim_user_add(w->mgr, "alice", 0), BSIM_S_OK);
  bsim__lock(w->mgr);
  bsim_hr hr = bsim__xfer_curl_new(w->mgr, &w->curl);
  if (BSIM_SUCCEEDED(hr)) hr = bsim__manager_add_transport(w->mgr, &w->curl);
  if (BSIM_SUCCEEDED(hr)) {
    bsim__xfer_curl_set_job_options(&w->curl, world_job_options, w);
  }
  bsim__unlock(w->mgr);
  assert_int_equal(hr, BSIM_S_OK);
  struct bsim__curl_config c;
  world_default_config(&c);
  world_config(w, &c);
}

/* so may be NULL: root and upload directories only. */
static inline void world_open(struct world *w, const char *name,
                              struct bsim_serve_options *so) {
  memset(w, 0, sizeof *w);
  const char *d = bsim_test_tmpdir(name);
  assert_non_null(d);
  snprintf(w->dir, sizeof w->dir, "%s", d);
  world_mkdir(w->root, sizeof w->root, w->dir, "root");
  world_mkdir(w->up, sizeof w->up, w->dir, "up");
  world_mkdir(w->out, sizeof w->out, w->dir, "out");
  struct bsim_serve_options local;
  if (so == NULL) {
    bsim_serve_options_init(&local);
    so = &local;
  }
  so->root_dir = w->root;
  so->upload_dir = w->up;
  so->seed = bsim_test_seed();
  assert_int_equal(bsim_serve_start(so, &w->srv), BSIM_S_OK);
  world_start_manager(w, BSIM_CLOCK_AUTO);
}

/* A second manager, on the durable store db (reference §13), with the
 * curl transport registered with its default settings and user alice
 * (already known when the store brought her jobs back). */
static inline bsim_manager *world_store_manager(const char *db) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.clock_mode = BSIM_CLOCK_AUTO;
  o.seed = bsim_test_seed();
  o.store_path = db;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  bsim_hr hr = bsim_user_add(mgr, "alice", 0);
  assert_true(BSIM_SUCCEEDED(hr) || hr == BSIM_E_INVALIDARG);
  return mgr;
}

static inline void world_close(struct world *w) {
  assert_int_equal(bsim_manager_free(w->mgr), BSIM_S_OK);
  bsim_serve_stop(w->srv);
}

/* "http://127.0.0.1:<port><path>" in a static ring of buffers. */
static inline const char *world_url(struct world *w, const char *path) {
  static char ring[8][512];
  static unsigned next;
  char *buf = ring[next++ % 8];
  assert_int_equal(bsim_serve_url(w->srv, path, buf, 512), BSIM_S_OK);
  return buf;
}

static inline const char *world_path(char *buf, size_t cap, const char *dir,
                                     const char *leaf) {
  int n = snprintf(buf, cap, "%s/%s", dir, leaf);
  assert_true(n > 0 && (size_t)n < cap);
  return buf;
}

/* Deterministic content: byte i of a file made with tag. */
static inline unsigned char world_byte(uint64_t tag, uint64_t i) {
  uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ tag * 0xBF58476D1CE4E5B9ull;
  x ^= x >> 31;
  return (unsigned char)(x * 0x94D049BB133111EBull >> 56);
}

static inline void world_make_file(const char *path, uint64_t size,
                                   uint64_t tag) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  unsigned char buf[65536];
  for (uint64_t at = 0; at < size;) {
    size_t n = size - at < sizeof buf ? (size_t)(size - at) : sizeof buf;
    for (size_t i = 0; i < n; i++)
      buf[i] = world_byte(tag, at + i);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    at += n;
  }
  assert_int_equal(fclose(f), 0);
}

/* Nonzero when the two files have the same bytes. */
static inline int world_same(const char *a, const char *b) {
  FILE *fa = fopen(a, "rb");
  FILE *fb = fopen(b, "rb");
  int same = fa != NULL && fb != NULL;
  while (same) {
    int ca = fgetc(fa);
    int cb = fgetc(fb);
    if (ca != cb) same = 0;
    if (ca == EOF || cb == EOF) break;
  }
  if (fa != NULL) fclose(fa);
  if (fb != NULL) fclose(fb);
  return same;
}

static inline uint64_t world_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (uint64_t)st.st_size : UINT64_MAX;
}

/* A loopback port nobody listens on now (bound, then closed). */
static inline uint16_t world_free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  socklen_t len = sizeof a;
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  close(fd);
  return ntohs(a.sin_port);
}

static inline enum bsim_job_state world_state(bsim_job *job) {
  enum bsim_job_state st = BSIM_JOB_STATE_COUNT;
  assert_int_equal(bsim_job_get_state(job, &st), BSIM_S_OK);
  return st;
}

/* Drive until job is in want (failing the test otherwise), within one
 * virtual day. */
static inline void world_run_to(struct world *w, bsim_job *job,
                                enum bsim_job_state want) {
  uint64_t deadline = bsim_manager_now_ms(w->mgr) + DAY_MS;
  bsim_hr hr =
      bsim_manager_run_until_job_state(w->mgr, job, 1u << want, deadline);
  if (world_state(job) != want) {
    struct bsim_job_error e;
    memset(&e, 0, sizeof e);
    if (BSIM_FAILED(bsim_job_get_error(job, &e))) e.code = 0;
    print_error("job in state %d, wanted %d (%s); error %s ctx %d\n",
                world_state(job), want, bsim_hr_name(hr), bsim_hr_name(e.code),
                (int)e.context);
  }
  assert_int_equal(world_state(job), want);
}

static inline bsim_job *world_job(struct world *w, enum bsim_job_type type,
                                  enum bsim_job_priority priority) {
  bsim_job *job = NULL;
  assert_int_equal(
      bsim_job_create(w->mgr, "alice", "curl test", type, NULL, &job),
      BSIM_S_OK);
  assert_int_equal(bsim_job_set_priority(job, priority), BSIM_S_OK);
  /* The shortest retry delay (reference §5: 5 s); virtual, so free. */
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 5), BSIM_S_OK);
  return job;
}

static inline struct bsim_job_error world_error(bsim_job *job) {
  struct bsim_job_error e;
  memset(&e, 0, sizeof e);
  assert_int_equal(bsim_job_get_error(job, &e), BSIM_S_OK);
  return e;
}

static inline uint32_t world_error_count(bsim_job *job) {
  uint32_t n = 0;
  assert_int_equal(bsim_job_get_error_count(job, &n), BSIM_S_OK);
  return n;
}

static inline struct bsim__curl_stats world_curl_stats(struct world *w) {
  struct bsim__curl_stats st;
  bsim__lock(w->mgr);
  bsim__xfer_curl_stats(&w->curl, &st);
  bsim__unlock(w->mgr);
  return st;
}

static inline void world_fault(struct world *w, const char *text) {
  struct bsim_serve_fault f;
  char err[160] = "";
  bsim_hr hr = bsim_serve_fault_parse(text, &f, err, sizeof err);
  if (BSIM_FAILED(hr)) print_error("fault '%s': %s\n", text, err);
  assert_int_equal(hr, BSIM_S_OK);
  assert_int_equal(bsim_serve_fault_add(w->srv, &f), BSIM_S_OK);
}

static inline struct bsim_serve_stats world_stats(struct world *w,
                                                  const char *path) {
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(w->srv, path, &st), BSIM_S_OK);
  return st;
}

#endif /* BSIM_CURL_WORLD_H */
