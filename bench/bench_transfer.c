/* bitsim — transfer throughput of the curl transport (style B.13; issue
 * "Real transfers").
 *
 * Two workloads against one `bitsim serve` on 127.0.0.1, each measured
 * against a baseline in the same run, on the same server and files:
 *   large  one file of --large-mib MiB (default 1024): a bitsim download job
 *          (FOREGROUND, temporary file, Complete renames it into place)
 *          against the `curl` command line (`curl -s -o DST URL`);
 *   small  --small-count files of 16 KiB (default 10,000): bitsim jobs, one
 *          per slot of --concurrency (default 8; FOREGROUND jobs all run at
 *          once, reference §5, and a job's files go one at a time, §4.1),
 *          against a plain libcurl multi loop on libuv (multi-uv.c shape)
 *          keeping the same number of transfers in flight, writing each
 *          body to its own file.
 * Both sides write real files, each run into a directory of its own, and
 * both times include the final files being in place. One uncounted round
 * warms up; the repetitions alternate which side goes first; medians are
 * printed, and the median of the per-repetition ratios (the two sides of
 * a repetition run back to back, under much the same load).
 *
 * Output: one "name value unit" line per metric (style B.13), with the
 * libcurl and libuv versions. Usage:
 *   bench_transfer [--quick] [--reps N] [--concurrency C] [--large-mib M]
 *                  [--small-count N] [--dir D]
 * --quick: 64 MiB, 2,000 files, 3 repetitions. The directory (default: a
 * new one under /tmp) is removed at the end.
 */
/* sync(2) is XSI: ask for it before any header. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <uv.h>

#include "bitsim.h"
#include "internal.h"
#include "transport/xfer_curl.h"

#define MAX_REPS 15
#define SMALL_BYTES 16384u

extern char **environ;

struct opts {
  int reps;
  uint32_t concurrency;
  uint64_t large_mib;
  uint32_t small_count;
  char dir[512];
};

static struct opts O = {5, 8, 1024, 10000, ""};
static bsim_serve *srv;
static char root[600];
static char out[600];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "bench_transfer: %s\n", what);
  exit(1);
}

static void check(int ok, const char *what) {
  if (!ok) die(what);
}

static void make_file(const char *path, uint64_t size, uint64_t tag) {
  FILE *f = fopen(path, "wb");
  check(f != NULL, "create a source file");
  static unsigned char buf[1 << 20];
  for (size_t i = 0; i < sizeof buf; i++) {
    buf[i] = (unsigned char)((i * 131 + tag * 7 + i / 4099) & 255);
  }
  for (uint64_t at = 0; at < size;) {
    size_t n = size - at < sizeof buf ? (size_t)(size - at) : sizeof buf;
    check(fwrite(buf, 1, n, f) == n, "write a source file");
    at += n;
  }
  check(fclose(f) == 0, "close a source file");
}

static uint64_t file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (uint64_t)st.st_size : UINT64_MAX;
}

static void remove_tree(const char *path) {
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", path);
}

/* Every run writes into a directory of its own, and nothing is deleted
 * right before a measurement: on ext4, creating files just after deleting
 * thousands makes inode allocation slow (recently_deleted), which would
 * measure the file system rather than the transfers. */
static char run_out[700];
static unsigned run_seq;

static void fresh_out(void) {
  snprintf(run_out, sizeof run_out, "%s/run%03u", out, run_seq++);
  check(mkdir(run_out, 0755) == 0, "mkdir run directory");
}

/* Before each timed run, outside the time: write back what the previous
 * run left dirty in the page cache. Without it, a run pays for writing
 * back the other side's gibibyte, and which side that is depends on the
 * order, not on the code measured. */
static void settle(void) {
  sync();
}

static void out_path(char *buf, size_t cap, const char *leaf) {
  snprintf(buf, cap, "%s/%s", run_out, leaf);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a;
  double y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The destinations of the small files in this run's directory. */
static void small_paths(char **dsts) {
  for (uint32_t i = 0; i < O.small_count; i++) {
    snprintf(dsts[i], 800, "%s/s%05" PRIu32 ".bin", run_out, i);
  }
}

/* ---- bitsim ----------------------------------------------------------------
 */

static bsim_manager *bitsim_manager(void) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.real_transport = 0; /* registered below with the bench's options */
  o.clock_mode = BSIM_CLOCK_AUTO;
  o.max_files_per_job = O.small_count; /* a job holds its share */
  bsim_manager *mgr = NULL;
  check(bsim_manager_new(&o, &mgr) == BSIM_S_OK, "bsim_manager_new");
  check(bsim_user_add(mgr, "bench", 0) == BSIM_S_OK, "bsim_user_add");
  struct bsim__transport t;
  bsim__lock(mgr);
  bsim_hr hr = bsim__xfer_curl_new(mgr, &t);
  if (BSIM_SUCCEEDED(hr)) hr = bsim__manager_add_transport(mgr, &t);
  bsim__unlock(mgr);
  check(hr == BSIM_S_OK, "curl transport");
  return mgr;
}

static bsim_job *bitsim_job(bsim_manager *mgr) {
  bsim_job *job = NULL;
  check(bsim_job_create(mgr, "bench", "bench", BSIM_JOB_TYPE_DOWNLOAD, NULL,
                        &job) == BSIM_S_OK,
        "bsim_job_create");
  check(bsim_job_set_priority(job, BSIM_JOB_PRIORITY_FOREGROUND) == BSIM_S_OK,
        "priority");
  return job;
}

static void bitsim_wait(bsim_manager *mgr, bsim_job *job) {
  bsim_hr hr = bsim_manager_run_until_job_state(
      mgr, job, 1u << BSIM_JOB_STATE_TRANSFERRED, UINT64_MAX / 2);
  enum bsim_job_state st = BSIM_JOB_STATE_COUNT;
  check(bsim_job_get_state(job, &st) == BSIM_S_OK, "state");
  if (st != BSIM_JOB_STATE_TRANSFERRED) {
    fprintf(stderr, "job state %d (%s)\n", (int)st, bsim_hr_name(hr));
    die("a bitsim job did not finish");
  }
  check(bsim_job_complete(job) == BSIM_S_OK, "complete");
}

/* Seconds for the large file through one bitsim job. */
static double large_bitsim(const char *url) {
  fresh_out();
  char dst[800];
  out_path(dst, sizeof dst, "large.bin");
  bsim_manager *mgr = bitsim_manager();
  bsim_job *job = bitsim_job(mgr);
  check(bsim_job_add_file(job, url, dst) == BSIM_S_OK, "add_file");
  settle();
  double t0 = now_s();
  check(bsim_job_resume(job) == BSIM_S_OK, "resume");
  bitsim_wait(mgr, job);
  double t = now_s() - t0;
  bsim_job_unref(job);
  check(bsim_manager_free(mgr) == BSIM_S_OK, "bsim_manager_free");
  check(file_size(dst) == O.large_mib << 20, "large file size (bitsim)");
  unlink(dst);
  return t;
}

/* Seconds for the small files through `concurrency` bitsim jobs. */
static double small_bitsim(char **urls, char **dsts) {
  fresh_out();
  small_paths(dsts);
  bsim_manager *mgr = bitsim_manager();
  bsim_job **jobs = calloc(O.concurrency, sizeof *jobs);
  check(jobs != NULL, "calloc");
  for (uint32_t j = 0; j < O.concurrency; j++)
    jobs[j] = bitsim_job(mgr);
  for (uint32_t i = 0; i < O.small_count; i++) {
    check(bsim_job_add_file(jobs[i % O.concurrency], urls[i], dsts[i]) ==
              BSIM_S_OK,
          "add_file");
  }
  settle();
  double t0 = now_s();
  for (uint32_t j = 0; j < O.concurrency; j++) {
    check(bsim_job_resume(jobs[j]) == BSIM_S_OK, "resume");
  }
  for (uint32_t j = 0; j < O.concurrency; j++)
    bitsim_wait(mgr, jobs[j]);
  double t = now_s() - t0;
  for (uint32_t j = 0; j < O.concurrency; j++)
    bsim_job_unref(jobs[j]);
  free(jobs);
  check(bsim_manager_free(mgr) == BSIM_S_OK, "bsim_manager_free");
  check(file_size(dsts[O.small_count - 1]) == SMALL_BYTES, "small file size");
  return t;
}

/* ---- baselines
 * ---------------------------------------------------------------- */

/* Seconds for `curl -s -o dst url`. */
static double large_curl(const char *url) {
  fresh_out();
  char dst[800];
  out_path(dst, sizeof dst, "large.bin");
  char *argv[] = {"curl", "-s", "-o", (char *)dst, (char *)url, NULL};
  pid_t pid;
  settle();
  double t0 = now_s();
  check(posix_spawnp(&pid, "curl", NULL, NULL, argv, environ) == 0,
        "spawn curl");
  int status = 0;
  check(waitpid(pid, &status, 0) == pid, "waitpid");
  double t = now_s() - t0;
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "curl failed");
  check(file_size(dst) == O.large_mib << 20, "large file size (curl)");
  unlink(dst);
  return t;
}

/* The plain loop: curl's multi-uv.c with `concurrency` transfers in flight,
 * each body written to its file. */
struct plain {
  uv_loop_t loop;
  uv_timer_t timer;
  CURLM *multi;
  char **urls;
  char **dsts;
  uint32_t next;
  uint32_t done;
};

struct plain_sock {
  uv_poll_t poll;
  curl_socket_t fd;
  struct plain *p;
};

struct plain_xfer {
  CURL *easy;
  FILE *file;
};

static size_t plain_write(char *data, size_t size, size_t n, void *user) {
  return fwrite(data, size, n, (FILE *)user) * size;
}

static void plain_add(struct plain *p) {
  uint32_t i = p->next++;
  struct plain_xfer *x = calloc(1, sizeof *x);
  check(x != NULL, "calloc");
  x->file = fopen(p->dsts[i], "wb");
  check(x->file != NULL, "fopen");
  x->easy = curl_easy_init();
  curl_easy_setopt(x->easy, CURLOPT_URL, p->urls[i]);
  curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, plain_write);
  curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x->file);
  curl_easy_setopt(x->easy, CURLOPT_PRIVATE, (char *)x);
  curl_multi_add_handle(p->multi, x->easy);
}

static void plain_drain(struct plain *p) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(p->multi, &left)) != NULL) {
    if (msg->msg != CURLMSG_DONE) continue;
    check(msg->data.result == CURLE_OK, "plain transfer failed");
    struct plain_xfer *x = NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
    curl_multi_remove_handle(p->multi, x->easy);
    curl_easy_cleanup(x->easy);
    check(fclose(x->file) == 0, "fclose");
    free(x);
    p->done++;
    if (p->next < O.small_count) plain_add(p);
  }
}

static void plain_on_poll(uv_poll_t *h, int status, int events) {
  struct plain_sock *s = h->data;
  int flags = status < 0 ? CURL_CSELECT_ERR : 0;
  if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  int running;
  curl_multi_socket_action(s->p->multi, s->fd, flags, &running);
  plain_drain(s->p);
}

static void plain_on_timer(uv_timer_t *t) {
  struct plain *p = t->data;
  int running;
  curl_multi_socket_action(p->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  plain_drain(p);
}

static int plain_timer_cb(CURLM *m, long ms, void *user) {
  (void)m;
  struct plain *p = user;
  if (ms < 0) {
    uv_timer_stop(&p->timer);
  } else {
    uv_timer_start(&p->timer, plain_on_timer, ms == 0 ? 1 : (uint64_t)ms, 0);
  }
  return 0;
}

static void plain_closed(uv_handle_t *h) {
  free(h->data);
}

static int plain_socket_cb(CURL *e, curl_socket_t fd, int what, void *user,
                           void *sockp) {
  (void)e;
  struct plain *p = user;
  struct plain_sock *s = sockp;
  if (what == CURL_POLL_REMOVE) {
    if (s != NULL) {
      uv_poll_stop(&s->poll);
      uv_close((uv_handle_t *)&s->poll, plain_closed);
      curl_multi_assign(p->multi, fd, NULL);
    }
    return 0;
  }
  if (s == NULL) {
    s = calloc(1, sizeof *s);
    check(s != NULL, "calloc");
    s->fd = fd;
    s->p = p;
    uv_poll_init_socket(&p->loop, &s->poll, fd);
    s->poll.data = s;
    curl_multi_assign(p->multi, fd, s);
  }
  int ev = ((what & CURL_POLL_IN) ? UV_READABLE : 0) |
           ((what & CURL_POLL_OUT) ? UV_WRITABLE : 0);
  uv_poll_start(&s->poll, ev, plain_on_poll);
  return 0;
}

static void plain_close_any(uv_handle_t *h, void *arg) {
  (void)arg;
  if (uv_is_closing(h)) return;
  uv_close(h, h->type == UV_POLL ? plain_closed : NULL);
}

/* Seconds for the small files through the plain loop. */
static double small_plain(char **urls, char **dsts) {
  fresh_out();
  small_paths(dsts);
  struct plain p;
  memset(&p, 0, sizeof p);
  p.urls = urls;
  p.dsts = dsts;
  uv_loop_init(&p.loop);
  uv_timer_init(&p.loop, &p.timer);
  p.timer.data = &p;
  p.multi = curl_multi_init();
  curl_multi_setopt(p.multi, CURLMOPT_SOCKETFUNCTION, plain_socket_cb);
  curl_multi_setopt(p.multi, CURLMOPT_SOCKETDATA, &p);
  curl_multi_setopt(p.multi, CURLMOPT_TIMERFUNCTION, plain_timer_cb);
  curl_multi_setopt(p.multi, CURLMOPT_TIMERDATA, &p);
  settle();
  double t0 = now_s();
  for (uint32_t i = 0; i < O.concurrency && i < O.small_count; i++) {
    plain_add(&p);
  }
  while (p.done < O.small_count)
    uv_run(&p.loop, UV_RUN_ONCE);
  double t = now_s() - t0;
  curl_multi_cleanup(p.multi);
  uv_walk(&p.loop, plain_close_any, NULL);
  while (uv_run(&p.loop, UV_RUN_NOWAIT) != 0) {
  }
  check(uv_loop_close(&p.loop) == 0, "uv_loop_close");
  check(file_size(dsts[O.small_count - 1]) == SMALL_BYTES, "small file size");
  return t;
}

/* ---- setup and report
 * ------------------------------------------------------------ */

static void parse(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--quick") == 0) {
      O.large_mib = 64;
      O.small_count = 2000;
      O.reps = 3;
    } else if (strcmp(a, "--reps") == 0 && v != NULL) {
      O.reps = atoi(v);
      i++;
    } else if (strcmp(a, "--concurrency") == 0 && v != NULL) {
      O.concurrency = (uint32_t)strtoul(v, NULL, 10);
      i++;
    } else if (strcmp(a, "--large-mib") == 0 && v != NULL) {
      O.large_mib = strtoull(v, NULL, 10);
      i++;
    } else if (strcmp(a, "--small-count") == 0 && v != NULL) {
      O.small_count = (uint32_t)strtoul(v, NULL, 10);
      i++;
    } else if (strcmp(a, "--dir") == 0 && v != NULL) {
      snprintf(O.dir, sizeof O.dir, "%s", v);
      i++;
    } else {
      die("usage: bench_transfer [--quick] [--reps N] [--concurrency C] "
          "[--large-mib M] [--small-count N] [--dir D]");
    }
  }
  if (O.reps < 1 || O.reps > MAX_REPS || O.concurrency < 1 ||
      O.concurrency > 60 || O.large_mib < 1 || O.small_count < 1) {
    die("an option is out of range (reps 1..15, concurrency 1..60)");
  }
  /* A job without files cannot be resumed (BG_E_EMPTY). */
  if (O.concurrency > O.small_count) O.concurrency = O.small_count;
}

static void setup_dirs(void) {
  if (O.dir[0] == '\0') {
    snprintf(O.dir, sizeof O.dir, "/tmp/bench_transfer.XXXXXX");
    check(mkdtemp(O.dir) != NULL, "mkdtemp");
  } else {
    check(mkdir(O.dir, 0755) == 0 || errno == EEXIST, "mkdir dir");
  }
  snprintf(root, sizeof root, "%s/root", O.dir);
  snprintf(out, sizeof out, "%s/out", O.dir);
  check(mkdir(root, 0755) == 0, "mkdir root (must not exist yet)");
  check(mkdir(out, 0755) == 0, "mkdir out");
}

static void make_small(char ***urls, char ***dsts) {
  *urls = calloc(O.small_count, sizeof **urls);
  *dsts = calloc(O.small_count, sizeof **dsts);
  check(*urls != NULL && *dsts != NULL, "calloc");
  for (uint32_t i = 0; i < O.small_count; i++) {
    char path[700];
    snprintf(path, sizeof path, "%s/s%05" PRIu32 ".bin", root, i);
    make_file(path, SMALL_BYTES, i);
    char rel[64];
    snprintf(rel, sizeof rel, "/s%05" PRIu32 ".bin", i);
    (*urls)[i] = malloc(128);
    (*dsts)[i] = malloc(800);
    check((*urls)[i] != NULL && (*dsts)[i] != NULL, "malloc");
    check(bsim_serve_url(srv, rel, (*urls)[i], 128) == BSIM_S_OK, "url");
  }
}

static void print_environment(void) {
  struct utsname u;
  if (uname(&u) == 0) {
    printf("machine %s-%s-%s text\n", u.sysname, u.release, u.machine);
  }
  printf("cpus %ld count\n", sysconf(_SC_NPROCESSORS_ONLN));
  printf("libcurl %s version\n", curl_version_info(CURLVERSION_NOW)->version);
  printf("libuv %s version\n", uv_version_string());
  printf("large_bytes %" PRIu64 " bytes\n", O.large_mib << 20);
  printf("small_files %" PRIu32 " count\n", O.small_count);
  printf("small_bytes %u bytes\n", SMALL_BYTES);
  printf("concurrency %" PRIu32 " transfers\n", O.concurrency);
  printf("reps %d count\n", O.reps);
}

int main(int argc, char **argv) {
  parse(argc, argv);
  check(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, "curl init");
  setup_dirs();
  struct bsim_serve_options so;
  bsim_serve_options_init(&so);
  so.root_dir = root;
  so.max_connections = 256;
  check(bsim_serve_start(&so, &srv) == BSIM_S_OK, "bsim_serve_start");
  char big[700];
  char big_url[128];
  snprintf(big, sizeof big, "%s/large.bin", root);
  make_file(big, O.large_mib << 20, 99);
  check(bsim_serve_url(srv, "/large.bin", big_url, sizeof big_url) == BSIM_S_OK,
        "url");
  char **urls;
  char **dsts;
  make_small(&urls, &dsts);
  print_environment();

  /* One uncounted round warms the page cache, the server's threads and
   * the allocator; then the repetitions, alternating which side goes
   * first. */
  (void)large_curl(big_url);
  (void)large_bitsim(big_url);
  (void)small_plain(urls, dsts);
  (void)small_bitsim(urls, dsts);
  double lc[MAX_REPS], lb[MAX_REPS], sp[MAX_REPS], sb[MAX_REPS];
  double mib = (double)O.large_mib;
  for (int r = 0; r < O.reps; r++) {
    if (r % 2 == 0) {
      lc[r] = mib / large_curl(big_url);
      lb[r] = mib / large_bitsim(big_url);
      sp[r] = O.small_count / small_plain(urls, dsts);
      sb[r] = O.small_count / small_bitsim(urls, dsts);
    } else {
      lb[r] = mib / large_bitsim(big_url);
      lc[r] = mib / large_curl(big_url);
      sb[r] = O.small_count / small_bitsim(urls, dsts);
      sp[r] = O.small_count / small_plain(urls, dsts);
    }
    fprintf(stderr,
            "rep %d: large curl %.0f bitsim %.0f MiB/s; small plain "
            "%.0f bitsim %.0f files/s\n",
            r + 1, lc[r], lb[r], sp[r], sb[r]);
  }
  /* The two sides of one repetition run back to back, under much the same
   * load: the median of the per-repetition ratios is the steadier figure on
   * a shared machine. */
  double lr[MAX_REPS], sr[MAX_REPS];
  for (int r = 0; r < O.reps; r++) {
    lr[r] = lb[r] / lc[r];
    sr[r] = sb[r] / sp[r];
  }
  double mlr = median(lr, O.reps), msr = median(sr, O.reps);
  double mlc = median(lc, O.reps), mlb = median(lb, O.reps);
  double msp = median(sp, O.reps), msb = median(sb, O.reps);
  printf("large_curl_cli %.1f MiB/s\n", mlc);
  printf("large_bitsim %.1f MiB/s\n", mlb);
  printf("large_ratio %.3f x\n", mlb / mlc);
  printf("large_ratio_paired %.3f x\n", mlr);
  printf("small_plain_loop %.0f files/s\n", msp);
  printf("small_bitsim %.0f files/s\n", msb);
  printf("small_ratio %.3f x\n", msb / msp);
  printf("small_ratio_paired %.3f x\n", msr);

  bsim_serve_stop(srv);
  for (uint32_t i = 0; i < O.small_count; i++) {
    free(urls[i]);
    free(dsts[i]);
  }
  free(urls);
  free(dsts);
  remove_tree(O.dir);
  curl_global_cleanup();
  return 0;
}
