/* Crash test of the durable store (docs/store.md, reference §13): a child
 * process (tests/store/store_crash_child.c) runs 300 download jobs on one
 * store; this test kills it with SIGKILL at points drawn from the seed
 * (after the K-th line the child reports) and starts it again on the same
 * store, again and again. At the end every job is accounted for (each
 * local file in place, no job left in the store), every file is
 * byte-identical to what the model serves, and no owed JobTransferred was
 * lost (a job completes only from its callback, so a lost notification
 * leaves a job behind). Prints how many kills the store survived.
 *
 * Both commit modes run on the model transport: one change per
 * transaction, and group commit. A third run downloads over the curl
 * transport from bitsim serve (in this process) with drip and reset
 * faults, so kills land in the middle of real transfers and the resumed
 * files must not hold a byte that was not written.
 * Waits are poll() with deadlines on the child's output; nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bitsim.h"
#include "bitsim/serve.h"
#include "bsim_test.h"

#ifndef STORE_CRASH_CHILD
#error "tests/store.cmake defines STORE_CRASH_CHILD"
#endif

#define JOBS 300
#define KILLS 24
#define KILL_WINDOW 160
#define RUN_DEADLINE_MS 60000

struct child {
  pid_t pid;
  int fd;
  char buf[8192];
  size_t len;
};

static void spawn(struct child *c, const char *store, const char *dir,
                  uint64_t seed, int group, const char *base) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  char seed_text[32], jobs_text[16], group_text[4];
  snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
  snprintf(jobs_text, sizeof jobs_text, "%d", JOBS);
  snprintf(group_text, sizeof group_text, "%d", group);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    execl(STORE_CRASH_CHILD, STORE_CRASH_CHILD, store, dir, seed_text,
          jobs_text, group_text, base, (char *)NULL);
    _exit(127);
  }
  close(p[1]);
  c->pid = pid;
  c->fd = p[0];
  c->len = 0;
}

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Read the next line of the child (without the newline) into out, waiting
 * until deadline. Returns 1, or 0 at end of output. */
static int next_line(struct child *c, char *out, size_t cap,
                     uint64_t deadline) {
  for (;;) {
    char *nl = memchr(c->buf, '\n', c->len);
    if (nl != NULL) {
      size_t n = (size_t)(nl - c->buf);
      assert_true(n < cap);
      memcpy(out, c->buf, n);
      out[n] = '\0';
      memmove(c->buf, nl + 1, c->len - n - 1);
      c->len -= n + 1;
      return 1;
    }
    uint64_t now = mono_ms();
    if (now >= deadline) fail_msg("child %d: no output in time", (int)c->pid);
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int rc = poll(&pfd, 1, (int)(deadline - now));
    if (rc < 0 && errno == EINTR) continue;
    assert_true(rc >= 0);
    if (rc == 0) continue;
    assert_true(c->len < sizeof c->buf);
    ssize_t got = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
    if (got < 0 && errno == EINTR) continue;
    assert_true(got >= 0);
    if (got == 0) return 0;
    c->len += (size_t)got;
  }
}

static int reap(struct child *c) {
  int status = 0;
  while (waitpid(c->pid, &status, 0) < 0) {
    assert_int_equal(errno, EINTR);
  }
  close(c->fd);
  return status;
}

/* The content check: a manager with the child's seed publishes the same
 * files (same URL, same first version), so it serves the same bytes. */
static void check_files(const char *dir, uint64_t seed) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.seed = seed;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  struct bsim_model_host_options ho;
  bsim_model_host_options_init(&ho);
  assert_int_equal(bsim_model_host_add(mgr, "crash.test", &ho), BSIM_S_OK);
  static unsigned char want[96 * 1024], got[96 * 1024 + 1];
  for (int i = 0; i < JOBS; i++) {
    char path[1200], url[64];
    snprintf(path, sizeof path, "%s/f%d", dir, i);
    snprintf(url, sizeof url, "http://crash.test/f%d", i);
    FILE *f = fopen(path, "rb");
    if (f == NULL) fail_msg("job %d: %s missing", i, path);
    size_t n = fread(got, 1, sizeof got, f);
    fclose(f);
    assert_true(n > 0 && n <= sizeof want);
    assert_int_equal(bsim_model_file_add(mgr, url, n), BSIM_S_OK);
    assert_int_equal(bsim_model_file_content(mgr, url, 0, want, n), BSIM_S_OK);
    if (memcmp(want, got, n) != 0) fail_msg("job %d: bytes differ", i);
  }
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* Nothing is left in the store: every job was completed and removed. */
static void check_store_empty(const char *store) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.store_path = store;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "alice", 1), BSIM_S_OK);
  bsim_job **jobs = NULL;
  size_t n = 99;
  assert_int_equal(bsim_manager_enum_jobs(mgr, "alice", 0, &jobs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 0);
  bsim_job_array_free(jobs, n);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* Files for the served run: src/f<i>, up to 256 KiB of seeded bytes. */
/* Up to 256 KiB each, and every tenth file 1 MiB: the transport writes
 * in pieces of up to 256 KiB, so only a file of several pieces can be
 * killed half written and resumed with Range. */
static void make_sources(const char *src, uint64_t seed) {
  uint64_t x = seed;
  static unsigned char buf[1024 * 1024];
  for (int i = 0; i < JOBS; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    size_t n =
        i % 10 == 9 ? sizeof buf : 1 + (size_t)((x >> 33) % (256 * 1024));
    for (size_t k = 0; k < n; k++) {
      x = x * 6364136223846793005u + 1442695040888963407u;
      buf[k] = (unsigned char)(x >> 56);
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/f%d", src, i);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
  }
}

static void compare_with_sources(const char *dir, const char *src) {
  static unsigned char a[1024 * 1024 + 1], b[1024 * 1024 + 1];
  for (int i = 0; i < JOBS; i++) {
    char pa[1200], pb[1200];
    snprintf(pa, sizeof pa, "%s/f%d", dir, i);
    snprintf(pb, sizeof pb, "%s/f%d", src, i);
    FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
    if (fa == NULL) fail_msg("job %d: %s missing", i, pa);
    assert_non_null(fb);
    size_t na = fread(a, 1, sizeof a, fa), nb = fread(b, 1, sizeof b, fb);
    fclose(fa);
    fclose(fb);
    if (na != nb || memcmp(a, b, na) != 0) {
      fail_msg("job %d: %zu bytes, source %zu, or bytes differ", i, na, nb);
    }
  }
}

/* bitsim serve on loopback: every GET drips, some are cut short. */
static bsim_serve *start_serve(const char *src) {
  struct bsim_serve_options so;
  bsim_serve_options_init(&so);
  so.root_dir = src;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&so, &srv), BSIM_S_OK);
  static const char *const faults[] = {
      "prefix=/,method=GET,drip=32768/2",
      "prefix=/,method=GET,nth=5,count=3,reset=20000",
  };
  for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
    struct bsim_serve_fault f;
    char err[256];
    assert_int_equal(bsim_serve_fault_parse(faults[i], &f, err, sizeof err),
                     BSIM_S_OK);
    assert_int_equal(bsim_serve_fault_add(srv, &f), BSIM_S_OK);
  }
  return srv;
}

static void crash_run(int group, int served) {
  uint64_t seed = bsim_test_seed();
  char dir[1024], store[1100], src[1100], base[256] = "";
  snprintf(dir, sizeof dir, "%s",
           bsim_test_tmpdir(served  ? "store_crash_serve"
                            : group ? "store_crash_group"
                                    : "store_crash"));
  bsim_serve *srv = NULL;
  if (served) {
    snprintf(src, sizeof src, "%s/src", dir);
    assert_int_equal(mkdir(src, 0755), 0);
    make_sources(src, seed);
    srv = start_serve(src);
    assert_int_equal(bsim_serve_url(srv, "/", base, sizeof base), BSIM_S_OK);
    base[strlen(base) - 1] = '\0'; /* the child appends "/f<i>" */
  }
  snprintf(store, sizeof store, "%s/queue.db", dir);
  struct bsim_prng_like {
    uint64_t s;
  } prng = {seed * 0x9E3779B97F4A7C15u + (uint64_t)group};
  int kills = 0, runs = 0, notified = 0, done = 0, completed = 0;
  while (!done) {
    assert_true(runs < KILLS + 20);
    struct child c;
    spawn(&c, store, dir, seed, group, served ? base : NULL);
    runs++;
    /* Kill after the K-th line, K drawn from the seed over the lines the
     * work left would print (R, then S, a few M, N, C per job), at most
     * KILL_WINDOW of them, so that the kills spread over the whole run. */
    prng.s = prng.s * 6364136223846793005u + 1442695040888963407u;
    int left = JOBS - completed;
    int window = 4 * left + 1 < KILL_WINDOW ? 4 * left + 1 : KILL_WINDOW;
    int kill_at =
        kills < KILLS ? 1 + (int)((prng.s >> 33) % (uint64_t)window) : -1;
    char text[256];
    int lines = 0, killed = 0;
    uint64_t deadline = mono_ms() + RUN_DEADLINE_MS;
    /* Read to the end of the child's output: after a kill, what it
     * wrote before dying still counts. */
    while (next_line(&c, text, sizeof text, deadline)) {
      lines++;
      if (strncmp(text, "FAIL", 4) == 0) fail_msg("child: %s", text);
      if (text[0] == 'N') notified++;
      if (text[0] == 'C') completed++;
      if (strcmp(text, "DONE") == 0) done = 1;
      if (lines == kill_at && !done && !killed) {
        assert_int_equal(kill(c.pid, SIGKILL), 0);
        killed = 1;
      }
    }
    int status = reap(&c);
    if (killed && WIFSIGNALED(status)) {
      assert_int_equal(WTERMSIG(status), SIGKILL);
      kills++;
    } else {
      /* Not killed, or it finished before the signal arrived. */
      assert_true(WIFEXITED(status));
      assert_int_equal(WEXITSTATUS(status), 0);
      assert_true(done);
    }
  }
  if (served) {
    compare_with_sources(dir, src);
    struct bsim_serve_stats st;
    assert_int_equal(bsim_serve_stats_get(srv, NULL, &st), BSIM_S_OK);
    printf("served: %llu GETs, %llu resumed with Range, %llu faulted\n",
           (unsigned long long)st.gets, (unsigned long long)st.ranged,
           (unsigned long long)st.faulted);
    bsim_serve_stop(srv);
  } else {
    check_files(dir, seed);
  }
  check_store_empty(store);
  assert_true(notified >= JOBS);
  printf("store crash test (%s): %d jobs, survived %d SIGKILLs over %d runs, "
         "%d JobTransferred deliveries\n",
         served  ? "curl transport, bitsim serve with faults"
         : group ? "group commit"
                 : "commit per change",
         JOBS, kills, runs, notified);
}

static void test_store_crash_commit_per_change(void **state) {
  (void)state;
  crash_run(0, 0);
}

static void test_store_crash_group_commit(void **state) {
  (void)state;
  crash_run(1, 0);
}

static void test_store_crash_curl_serve(void **state) {
  (void)state;
  crash_run(0, 1);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_store_crash_commit_per_change),
      cmocka_unit_test(test_store_crash_group_commit),
      cmocka_unit_test(test_store_crash_curl_serve),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
