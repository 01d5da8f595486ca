/* The model transport on the engine's virtual clock (design.md "Two
 * transports", reference §10): transfer timing (latency + size/bandwidth,
 * exact to the millisecond, also when a transfer is stopped part way),
 * bytes written for real that equal bsim_model_file_content, and a 3 GiB
 * download over a link with scheduled outages that finishes at the virtual
 * instant the test computes on its own from bandwidth, latency, outages and
 * MinimumRetryDelay (reference §4.2, §5), with virtual files and a bounded
 * number of steps. Also the inputs the model API rejects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "util/alloc.h"

#define FILETIME_UNIX_EPOCH_MS UINT64_C(11644473600000)

static bsim_manager *new_manager(enum bsim_fs_mode fs) {
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.seed = bsim_test_seed();
  opts.fs_mode = fs;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&opts, &mgr), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "alice", 0), BSIM_S_OK);
  return mgr;
}

static bsim_job *new_job(bsim_manager *mgr, const char *url,
                         const char *local) {
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "model",
                                   BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(job, url, local), BSIM_S_OK);
  return job;
}

static enum bsim_job_state state_of(bsim_job *job) {
  enum bsim_job_state s;
  assert_int_equal(bsim_job_get_state(job, &s), BSIM_S_OK);
  return s;
}

/* Virtual ms at which the job last became TRANSFERRED (reference §2.12
 * TransferCompletionTime, on the manager's virtual wall clock). */
static uint64_t transferred_at_ms(bsim_job *job) {
  struct bsim_manager_options defaults;
  bsim_manager_options_init(&defaults);
  struct bsim_job_times times;
  assert_int_equal(bsim_job_get_times(job, &times), BSIM_S_OK);
  assert_true(times.transfer_completion_filetime != 0);
  uint64_t unix_ms =
      times.transfer_completion_filetime / 10000 - FILETIME_UNIX_EPOCH_MS;
  return unix_ms - (uint64_t)defaults.start_wall_unix_ms;
}

static uint64_t bytes_done(bsim_job *job) {
  struct bsim_file_progress p;
  assert_int_equal(bsim_file_get_progress(job, 0, &p), BSIM_S_OK);
  return p.bytes_transferred;
}

static void add_host(bsim_manager *mgr, const char *host, uint64_t bw,
                     uint32_t latency_ms) {
  struct bsim_model_host_options o;
  bsim_model_host_options_init(&o);
  o.bandwidth_bytes_per_s = bw;
  o.latency_ms = latency_ms;
  assert_int_equal(bsim_model_host_add(mgr, host, &o), BSIM_S_OK);
}

/* The local file's bytes equal the model's content for url. */
static void assert_file_is_content(bsim_manager *mgr, const char *path,
                                   const char *url, uint64_t size) {
  FILE *in = fopen(path, "rb");
  assert_non_null(in);
  unsigned char *got = malloc(size + 1);
  unsigned char *want = malloc(size + 1);
  assert_int_equal(fread(got, 1, size + 1, in), size);
  fclose(in);
  assert_int_equal(bsim_model_file_content(mgr, url, 0, want, size), BSIM_S_OK);
  assert_memory_equal(got, want, size);
  free(got);
  free(want);
}

/* ---- timing ------------------------------------------------------------- */

static void test_sim_model_latency_and_bandwidth(void **state) {
  (void)state;
  bsim_manager *mgr = new_manager(BSIM_FS_VIRTUAL);
  add_host(mgr, "slow.test", 1000, 250);
  assert_int_equal(bsim_model_file_add(mgr, "http://slow.test/a", 10000),
                   BSIM_S_OK);
  bsim_job *job = new_job(mgr, "http://slow.test/a", "/v/a");
  uint64_t t0 = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  /* Connecting for the latency; no bytes before it. */
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 249), BSIM_S_OK);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_CONNECTING);
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 250), BSIM_S_OK);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRING);
  /* Progress comes at most once a second: at 250 + 3000 ms, 3000 bytes. */
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 3250), BSIM_S_OK);
  assert_int_equal(bytes_done(job), 3000);
  /* Suspending part way keeps exactly the bytes that arrived by then
   * (1 byte per ms): the stop is computed, not sampled. */
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 3250 + 456), BSIM_S_OK);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  assert_int_equal(bytes_done(job), 3456);
  /* Resumed at once: 250 ms to connect, then the 6544 bytes left. */
  uint64_t t1 = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(mgr, t1 + 250 + 6544 + 1000),
                   BSIM_S_OK);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(transferred_at_ms(job), t1 + 250 + 6544);
  struct bsim_model_file_stats st;
  assert_int_equal(bsim_model_file_stats(mgr, "http://slow.test/a", &st),
                   BSIM_S_OK);
  assert_int_equal(st.requests, 2);
  assert_int_equal(st.range_requests, 1);
  assert_int_equal(st.bytes_sent, 10000);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void test_sim_model_bandwidth_rounding(void **state) {
  (void)state;
  /* 7 bytes/s: 100 bytes need ceil(100 * 1000 / 7) = 14286 ms. */
  bsim_manager *mgr = new_manager(BSIM_FS_VIRTUAL);
  add_host(mgr, "odd.test", 7, 0);
  assert_int_equal(bsim_model_file_add(mgr, "http://odd.test/f", 100),
                   BSIM_S_OK);
  bsim_job *job = new_job(mgr, "http://odd.test/f", "/v/f");
  uint64_t t0 = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 20000), BSIM_S_OK);
  assert_int_equal(transferred_at_ms(job), t0 + 14286);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void test_sim_model_unlimited_is_instant(void **state) {
  (void)state;
  bsim_manager *mgr = new_manager(BSIM_FS_VIRTUAL);
  add_host(mgr, "fast.test", 0, 0);
  assert_int_equal(
      bsim_model_file_add(mgr, "http://fast.test/big", UINT64_C(1) << 40),
      BSIM_S_OK);
  bsim_job *job = new_job(mgr, "http://fast.test/big", "/v/big");
  uint64_t t0 = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 1), BSIM_S_OK);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(transferred_at_ms(job), t0);
  assert_int_equal(bytes_done(job), UINT64_C(1) << 40);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* ---- real bytes --------------------------------------------------------- */

static void test_sim_model_real_files_equal_content(void **state) {
  (void)state;
  const char *dir = bsim_test_tmpdir("sim_model_real");
  assert_non_null(dir);
  bsim_manager *mgr = new_manager(BSIM_FS_REAL);
  add_host(mgr, "files.test", 0, 5);
  add_host(mgr, "slowfiles.test", 100000, 20);
  /* Sizes around the 64 KiB write chunk and the 8-byte content word. */
  static const uint64_t sizes[] = {0, 1, 7, 9, 65535, 65536, 65537, 300001};
  const size_t n = sizeof sizes / sizeof sizes[0];
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "files",
                                   BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
                   BSIM_S_OK);
  char urls[8][64];
  char paths[8][4200];
  for (size_t i = 0; i < n; i++) {
    snprintf(urls[i], sizeof urls[i], "http://%s/f%zu",
             i % 2 ? "slowfiles.test" : "files.test", i);
    snprintf(paths[i], sizeof paths[i], "%s/f%zu.bin", dir, i);
    assert_int_equal(bsim_model_file_add(mgr, urls[i], sizes[i]), BSIM_S_OK);
    assert_int_equal(bsim_job_add_file(job, urls[i], paths[i]), BSIM_S_OK);
  }
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(mgr, 60000), BSIM_S_OK);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  for (size_t i = 0; i < n; i++) {
    assert_file_is_content(mgr, paths[i], urls[i], sizes[i]);
  }
  /* Content is a function of (seed, url, version): any range on its own
   * equals the same bytes of the whole, and two URLs differ. */
  unsigned char whole[300001];
  unsigned char part[1000];
  assert_int_equal(bsim_model_file_content(mgr, urls[7], 0, whole, 300001),
                   BSIM_S_OK);
  assert_int_equal(bsim_model_file_content(mgr, urls[7], 12345, part, 1000),
                   BSIM_S_OK);
  assert_memory_equal(part, whole + 12345, 1000);
  assert_int_equal(bsim_model_file_content(mgr, urls[6], 12345, part, 1000),
                   BSIM_S_OK);
  assert_memory_not_equal(part, whole + 12345, 1000);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void test_sim_model_republish_changes_content(void **state) {
  (void)state;
  bsim_manager *mgr = new_manager(BSIM_FS_VIRTUAL);
  add_host(mgr, "pub.test", 0, 0);
  const char *url = "http://pub.test/v";
  unsigned char v1[256];
  unsigned char v2[256];
  struct bsim_model_file_stats st;
  assert_int_equal(bsim_model_file_add(mgr, url, 256), BSIM_S_OK);
  assert_int_equal(bsim_model_file_content(mgr, url, 0, v1, 256), BSIM_S_OK);
  assert_int_equal(bsim_model_file_stats(mgr, url, &st), BSIM_S_OK);
  assert_int_equal(st.version, 1);
  assert_int_equal(st.published_ms, 0);
  assert_int_equal(bsim_manager_advance(mgr, 5000), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(mgr, url, 256), BSIM_S_OK);
  assert_int_equal(bsim_model_file_content(mgr, url, 0, v2, 256), BSIM_S_OK);
  assert_int_equal(bsim_model_file_stats(mgr, url, &st), BSIM_S_OK);
  assert_int_equal(st.version, 2);
  assert_int_equal(st.published_ms, bsim_manager_now_ms(mgr));
  assert_memory_not_equal(v1, v2, 256);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);

  /* The same seed and URL give the same bytes in another manager. */
  bsim_manager *again = new_manager(BSIM_FS_VIRTUAL);
  add_host(again, "pub.test", 0, 0);
  assert_int_equal(bsim_model_file_add(again, url, 256), BSIM_S_OK);
  assert_int_equal(bsim_model_file_content(again, url, 0, v2, 256), BSIM_S_OK);
  assert_memory_equal(v1, v2, 256);
  assert_int_equal(bsim_manager_free(again), BSIM_S_OK);
}

/* ---- 3 GiB over nine days with outages ---------------------------------- */

struct outage {
  uint64_t start_ms;
  uint64_t duration_ms;
};

static int down_at(const struct outage *o, size_t n, uint64_t t) {
  for (size_t i = 0; i < n; i++) {
    if (t >= o[i].start_ms && t < o[i].start_ms + o[i].duration_ms) return 1;
  }
  return 0;
}

static uint64_t next_outage(const struct outage *o, size_t n, uint64_t t) {
  uint64_t best = UINT64_MAX;
  for (size_t i = 0; i < n; i++) {
    if (o[i].start_ms > t && o[i].start_ms < best) best = o[i].start_ms;
  }
  return best;
}

/* The expected finish, worked out from the rules alone: every attempt
 * connects after the latency; a host down at that instant refuses it
 * (TRANSIENT_ERROR); an outage starting during the body breaks it
 * (TRANSIENT_ERROR) keeping the bytes that arrived; each TRANSIENT_ERROR
 * is retried MinimumRetryDelay later (reference §4.2, §5) from the bytes
 * kept, with a Range request (§10). Counts the breaks too. */
static uint64_t expected_finish(uint64_t t, uint64_t size, uint64_t bw,
                                uint64_t latency, uint64_t retry_ms,
                                const struct outage *o, size_t n,
                                unsigned *failures) {
  uint64_t pos = 0;
  *failures = 0;
  for (;;) {
    uint64_t conn = t + latency;
    if (down_at(o, n, conn)) {
      (*failures)++;
      t = conn + retry_ms;
      continue;
    }
    uint64_t end = conn + ((size - pos) * 1000 + bw - 1) / bw;
    uint64_t out = next_outage(o, n, conn);
    if (out >= end) return end;
    pos += (out - conn) * bw / 1000;
    (*failures)++;
    t = out + retry_ms;
  }
}

static void test_sim_model_3gib_over_outages(void **state) {
  (void)state;
  const uint64_t size = UINT64_C(3) << 30;
  const uint64_t bw = 4500; /* ~8.3 days of pure transfer */
  const uint64_t latency = 350;
  const uint64_t day = UINT64_C(86400000);
  const struct outage outages[] = {
      {day, 2 * 3600 * 1000},        /* retries fail for two hours */
      {3 * day + 12345, 5 * 60000},  /* over before the first retry */
      {5 * day, day},                /* a whole day */
      {6 * day + 7 * 3600000, 1000}, /* one second */
      {7 * day, 100},                /* a blink still breaks the body */
  };
  const size_t n = sizeof outages / sizeof outages[0];
  bsim_manager *mgr = new_manager(BSIM_FS_VIRTUAL);
  add_host(mgr, "far.test", bw, (uint32_t)latency);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(bsim_model_host_outage(mgr, "far.test",
                                            outages[i].start_ms,
                                            outages[i].duration_ms),
                     BSIM_S_OK);
  }
  assert_int_equal(bsim_model_file_add(mgr, "http://far.test/iso", size),
                   BSIM_S_OK);
  bsim_job *job = new_job(mgr, "http://far.test/iso", "/v/iso");
  uint32_t retry_s = 0;
  assert_int_equal(bsim_job_get_minimum_retry_delay(job, &retry_s), BSIM_S_OK);
  assert_int_equal(retry_s, BSIM_DEFAULT_MIN_RETRY_DELAY_S);
  uint64_t t0 = bsim_manager_now_ms(mgr);
  unsigned failures = 0;
  uint64_t expected = expected_finish(t0, size, bw, latency, retry_s * 1000,
                                      outages, n, &failures);
  assert_true(expected > 8 * day && expected < 11 * day);
  assert_true(failures >= 4);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(mgr, expected + 60000), BSIM_S_OK);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(transferred_at_ms(job), expected);
  uint32_t errors = 0;
  assert_int_equal(bsim_job_get_error_count(job, &errors), BSIM_S_OK);
  assert_int_equal(errors, failures);
  struct bsim_model_file_stats st;
  assert_int_equal(bsim_model_file_stats(mgr, "http://far.test/iso", &st),
                   BSIM_S_OK);
  assert_int_equal(st.bytes_sent, size); /* Range: nothing sent twice */
  /* Bounded work: progress at most ~64 times per connection, so the
   * whole nine days is a few thousand trace lines, not 700,000. */
  assert_true(bsim_trace_count(mgr) < 5000);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* ---- bad input ---------------------------------------------------------- */

static void test_sim_model_rejects_bad_input(void **state) {
  (void)state;
  bsim_manager *mgr = new_manager(BSIM_FS_VIRTUAL);
  struct bsim_model_host_options o;
  bsim_model_host_options_init(&o);
  assert_int_equal(o.range_support, 1);
  assert_int_equal(o.send_content_length, 1);
  assert_int_equal(o.stall_timeout_ms, 60000);
  assert_int_equal(bsim_model_host_add(mgr, NULL, &o), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_host_add(mgr, "", &o), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_host_add(mgr, "a/b", &o), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_host_add(mgr, "a b", &o), BSIM_E_INVALIDARG);
  o.stall_timeout_ms = 0;
  assert_int_equal(bsim_model_host_add(mgr, "h.test", &o), BSIM_E_INVALIDARG);
  bsim_model_host_options_init(&o);
  o.bandwidth_bytes_per_s = (UINT64_C(1) << 50) + 1;
  assert_int_equal(bsim_model_host_add(mgr, "h.test", &o), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_host_add(mgr, "H.Test:8080", NULL), BSIM_S_OK);
  /* Names match without case. */
  assert_int_equal(bsim_model_file_add(mgr, "http://h.test:8080/x", 1),
                   BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(mgr, "http://other.test/x", 1),
                   BSIM_E_NOT_FOUND);
  assert_int_equal(bsim_model_file_add(mgr, "ftp://h.test:8080/x", 1),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_file_add(mgr, NULL, 1), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_host_outage(mgr, "nope.test", 0, 1),
                   BSIM_E_NOT_FOUND);
  assert_int_equal(bsim_model_host_outage(mgr, "h.test:8080", 0, 0),
                   BSIM_E_INVALIDARG);
  unsigned char b[4];
  assert_int_equal(
      bsim_model_file_content(mgr, "http://h.test:8080/x", 0, b, 2),
      BSIM_E_INVALIDARG);
  assert_int_equal(
      bsim_model_file_content(mgr, "http://h.test:8080/y", 0, b, 1),
      BSIM_E_NOT_FOUND);
  assert_int_equal(
      bsim_model_file_content(mgr, "http://h.test:8080/x", 0, NULL, 1),
      BSIM_E_INVALIDARG);
  struct bsim_model_file_stats st;
  assert_int_equal(bsim_model_file_stats(mgr, "http://h.test:8080/x", NULL),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_file_stats(mgr, "http://h.test:8080/z", &st),
                   BSIM_E_NOT_FOUND);
  assert_int_equal(bsim_model_http_class(mgr, 200, 1), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_http_class(mgr, 1000, 1), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_http_class(mgr, 404, 2), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* ---- out of memory ------------------------------------------------------
 * Each call is made with the Nth allocation failing, N = 1, 2, ... until it
 * succeeds: every failure returns E_OUTOFMEMORY and changes nothing (the
 * sanitizer build shows that nothing leaks). */

static void test_sim_model_out_of_memory(void **state) {
  (void)state;
  bsim_manager *mgr = new_manager(BSIM_FS_VIRTUAL);
  struct bsim_model_file_stats st;
  char host[32];
  char url[64];
  for (int round = 0; round < 40; round++) {
    snprintf(host, sizeof host, "oom%d.test", round);
    snprintf(url, sizeof url, "http://%s/f", host);
    bsim_hr hr = BSIM_E_OUTOFMEMORY;
    for (uint64_t n = 1; hr == BSIM_E_OUTOFMEMORY; n++) {
      bsim__alloc_fail_after(n);
      hr = bsim_model_host_add(mgr, host, NULL);
      bsim__alloc_fail_reset();
      if (hr == BSIM_E_OUTOFMEMORY) {
        /* No trace of the host. */
        assert_int_equal(bsim_model_file_add(mgr, url, 1), BSIM_E_NOT_FOUND);
      }
    }
    assert_int_equal(hr, BSIM_S_OK);
    hr = BSIM_E_OUTOFMEMORY;
    for (uint64_t n = 1; hr == BSIM_E_OUTOFMEMORY; n++) {
      bsim__alloc_fail_after(n);
      hr = bsim_model_file_add(mgr, url, 100);
      bsim__alloc_fail_reset();
      if (hr == BSIM_E_OUTOFMEMORY) {
        assert_int_equal(bsim_model_file_stats(mgr, url, &st),
                         BSIM_E_NOT_FOUND);
      }
    }
    assert_int_equal(hr, BSIM_S_OK);
    hr = BSIM_E_OUTOFMEMORY;
    for (uint64_t n = 1; hr == BSIM_E_OUTOFMEMORY; n++) {
      bsim__alloc_fail_after(n);
      hr = bsim_model_host_outage(mgr, host, 1000 * (uint64_t)round, 10);
      bsim__alloc_fail_reset();
    }
    assert_int_equal(hr, BSIM_S_OK);
    struct bsim_fault f;
    bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, url);
    f.http_status = 404;
    hr = BSIM_E_OUTOFMEMORY;
    for (uint64_t n = 1; hr == BSIM_E_OUTOFMEMORY; n++) {
      bsim__alloc_fail_after(n);
      hr = bsim_fault_add(mgr, &f);
      bsim__alloc_fail_reset();
    }
    assert_int_equal(hr, BSIM_S_OK);
  }
  /* Exactly one 404 fault per URL went in: the first download of the last
   * URL fails, the second succeeds. */
  bsim_job *job = new_job(mgr, url, "/v/oom");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_job_state(
                       mgr, job, 1u << BSIM_JOB_STATE_ERROR, UINT64_C(1) << 40),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(
      bsim_manager_run_until_job_state(
          mgr, job, 1u << BSIM_JOB_STATE_TRANSFERRED, UINT64_C(1) << 40),
      BSIM_S_OK);
  assert_int_equal(bsim_model_file_stats(mgr, url, &st), BSIM_S_OK);
  assert_int_equal(st.faults, 1);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sim_model_latency_and_bandwidth),
      cmocka_unit_test(test_sim_model_bandwidth_rounding),
      cmocka_unit_test(test_sim_model_unlimited_is_instant),
      cmocka_unit_test(test_sim_model_real_files_equal_content),
      cmocka_unit_test(test_sim_model_republish_changes_content),
      cmocka_unit_test(test_sim_model_3gib_over_outages),
      cmocka_unit_test(test_sim_model_rejects_bad_input),
      cmocka_unit_test(test_sim_model_out_of_memory),
  };
  return cmocka_run_group_tests_name("sim_model", tests, NULL, NULL);
}
