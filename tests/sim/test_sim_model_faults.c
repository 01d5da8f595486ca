/* The model's fault plan and failure classification on the virtual clock
 * (reference §4.2, §5, §9.1, §10): HTTP statuses (503 transient and retried
 * after MinimumRetryDelay, 404 fatal with BG_E_HTTP_ERROR_404 and context
 * REMOTE_FILE, the whole §9.1 table and its override), a reset after N
 * bytes resumed with a Range request from N (nothing sent twice, the file
 * byte-identical), no Range support restarting from 0 (bytes re-sent
 * counted), files over 2 GB without Range, a stall that times out, refused
 * connections and outages, corrupt bytes found by comparing with the
 * content, missing Content-Length, a re-published file, fault windows,
 * counts and URL prefixes, host changes during a transfer, and the plan's
 * argument checks. Every instant asserted is computed from latency,
 * bandwidth and the retry delay. */
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

#define BW 10000u    /* bytes per second */
#define LATENCY 100u /* ms */
#define SIZE 50000u  /* 5 s of body */
#define RETRY_S 5u   /* MinimumRetryDelay floor (reference §5) */
#define URL "http://h.test/file"
#define HOUR_MS UINT64_C(3600000)

/* hr values as BITS reports them (inferred WinHTTP codes, xfer_model.c). */
#define HR_CANNOT_CONNECT ((bsim_hr)0x80072EFDu)
#define HR_CONNECTION_ERROR ((bsim_hr)0x80072EFEu)
#define HR_TIMEOUT ((bsim_hr)0x80072EE2u)

struct fx {
  bsim_manager *mgr;
  char dir[4096];
  char responses[16][160]; /* the model's "response" trace lines */
  size_t response_count;
  int jobs;
};

static void catch_response(const char *line, size_t len, void *user) {
  struct fx *f = user;
  (void)len;
  if (strstr(line, "\"ev\":\"response\"") == NULL || f->response_count >= 16)
    return;
  /* Keep what follows the job id: file, status, from, size, version. */
  const char *p = strstr(line, "\"file\"");
  snprintf(f->responses[f->response_count++], 160, "%s", p);
}

static struct fx *fx_new(enum bsim_fs_mode fs, const char *name) {
  struct fx *f = calloc(1, sizeof *f);
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.seed = bsim_test_seed();
  opts.fs_mode = fs;
  assert_int_equal(bsim_manager_new(&opts, &f->mgr), BSIM_S_OK);
  assert_int_equal(bsim_user_add(f->mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(bsim_trace_set_sink(f->mgr, catch_response, f), BSIM_S_OK);
  if (fs == BSIM_FS_REAL) {
    const char *dir = bsim_test_tmpdir(name);
    assert_non_null(dir);
    snprintf(f->dir, sizeof f->dir, "%s", dir);
  } else {
    snprintf(f->dir, sizeof f->dir, "/virtual");
  }
  return f;
}

static void fx_end(struct fx *f) {
  assert_int_equal(bsim_manager_free(f->mgr), BSIM_S_OK);
  free(f);
}

static void host(struct fx *f, const char *name, int range, int length) {
  struct bsim_model_host_options o;
  bsim_model_host_options_init(&o);
  o.bandwidth_bytes_per_s = BW;
  o.latency_ms = LATENCY;
  o.range_support = range;
  o.send_content_length = length;
  o.stall_timeout_ms = 30000;
  assert_int_equal(bsim_model_host_add(f->mgr, name, &o), BSIM_S_OK);
}

/* The usual setup: h.test at BW/LATENCY serving URL of SIZE bytes. */
static struct fx *fx_std(enum bsim_fs_mode fs, const char *name) {
  struct fx *f = fx_new(fs, name);
  host(f, "h.test", 1, 1);
  assert_int_equal(bsim_model_file_add(f->mgr, URL, SIZE), BSIM_S_OK);
  return f;
}

static bsim_job *job_for(struct fx *f, const char *url) {
  bsim_job *job = NULL;
  char local[4200];
  snprintf(local, sizeof local, "%s/out%d.bin", f->dir, f->jobs++);
  assert_int_equal(bsim_job_create(f->mgr, "alice", "faults",
                                   BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(job, url, local), BSIM_S_OK);
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, RETRY_S), BSIM_S_OK);
  return job;
}

static void fault(struct fx *f, enum bsim_fault_kind kind, const char *url,
                  uint32_t count, int status, uint64_t bytes) {
  struct bsim_fault flt;
  bsim_fault_init(&flt, kind, url);
  flt.count = count;
  if (status != 0) flt.http_status = status;
  flt.bytes = bytes;
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_S_OK);
}

static enum bsim_job_state state_of(bsim_job *job) {
  enum bsim_job_state s;
  assert_int_equal(bsim_job_get_state(job, &s), BSIM_S_OK);
  return s;
}

/* Run until the job enters one of the states in mask; time stops there. */
static void run_to(struct fx *f, bsim_job *job, uint32_t mask,
                   uint64_t deadline_ms) {
  assert_int_equal(
      bsim_manager_run_until_job_state(f->mgr, job, mask, deadline_ms),
      BSIM_S_OK);
}

#define TO(s) (1u << BSIM_JOB_STATE_##s)

static uint64_t now(struct fx *f) {
  return bsim_manager_now_ms(f->mgr);
}

static struct bsim_job_error error_of(bsim_job *job) {
  struct bsim_job_error e;
  assert_int_equal(bsim_job_get_error(job, &e), BSIM_S_OK);
  return e;
}

static uint32_t errors(bsim_job *job) {
  uint32_t n = 0;
  assert_int_equal(bsim_job_get_error_count(job, &n), BSIM_S_OK);
  return n;
}

static uint64_t bytes_done(bsim_job *job) {
  struct bsim_file_progress p;
  assert_int_equal(bsim_file_get_progress(job, 0, &p), BSIM_S_OK);
  return p.bytes_transferred;
}

static struct bsim_model_file_stats stats(struct fx *f, const char *url) {
  struct bsim_model_file_stats st;
  assert_int_equal(bsim_model_file_stats(f->mgr, url, &st), BSIM_S_OK);
  return st;
}

/* ms for n bytes at BW, rounded up as the model rounds. */
static uint64_t body_ms(uint64_t n) {
  return (n * 1000 + BW - 1) / BW;
}

/* Complete the job and compare its one file with the model's content;
 * returns the number of differing bytes (0: byte-identical). */
static size_t complete_and_diff(struct fx *f, bsim_job *job, const char *url,
                                size_t size, unsigned char *diff_at) {
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  char local[4200];
  snprintf(local, sizeof local, "%s/out%d.bin", f->dir, f->jobs - 1);
  FILE *in = fopen(local, "rb");
  assert_non_null(in);
  unsigned char *got = malloc(size + 1);
  unsigned char *want = malloc(size);
  assert_int_equal(fread(got, 1, size + 1, in), size);
  fclose(in);
  assert_int_equal(bsim_model_file_content(f->mgr, url, 0, want, size),
                   BSIM_S_OK);
  size_t diffs = 0;
  for (size_t i = 0; i < size; i++) {
    if (got[i] == want[i]) continue;
    if (diff_at != NULL) diff_at[i] = (unsigned char)(got[i] ^ want[i]);
    diffs++;
  }
  free(got);
  free(want);
  return diffs;
}

/* ---- HTTP status -------------------------------------------------------- */

static void test_faults_503_transient_then_retry(void **state) {
  (void)state;
  struct fx *f = fx_std(BSIM_FS_VIRTUAL, "503");
  fault(f, BSIM_FAULT_HTTP_STATUS, URL, 1, 503, 0);
  bsim_job *job = job_for(f, URL);
  uint64_t t0 = now(f);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSIENT_ERROR) | TO(ERROR) | TO(TRANSFERRED), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_int_equal(now(f), t0 + LATENCY);
  struct bsim_job_error e = error_of(job);
  assert_int_equal((uint32_t)e.code, 0x801901F7u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(e.http_status, 503);
  assert_int_equal(e.file_index, 0);
  assert_int_equal(errors(job), 1);
  /* MinimumRetryDelay later it is queued again, and the retry succeeds
   * (reference §4.2). */
  uint64_t t1 = now(f);
  run_to(f, job, TO(QUEUED), HOUR_MS);
  assert_int_equal(now(f), t1 + RETRY_S * 1000);
  run_to(f, job, TO(TRANSFERRED) | TO(ERROR) | TO(TRANSIENT_ERROR), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(now(f), t1 + RETRY_S * 1000 + LATENCY + body_ms(SIZE));
  struct bsim_model_file_stats st = stats(f, URL);
  assert_int_equal(st.requests, 2);
  assert_int_equal(st.faults, 1);
  assert_int_equal(st.bytes_sent, SIZE);
  bsim_job_unref(job);
  fx_end(f);
}

static void test_faults_404_fatal(void **state) {
  (void)state;
  struct fx *f = fx_std(BSIM_FS_VIRTUAL, "404");
  fault(f, BSIM_FAULT_HTTP_STATUS, URL, 1, 404, 0);
  bsim_job *job = job_for(f, URL);
  bsim_job *missing = job_for(f, "http://h.test/never-published");
  uint64_t t0 = now(f);
  assert_int_equal(bsim_job_set_priority(job, BSIM_JOB_PRIORITY_FOREGROUND),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_priority(missing, BSIM_JOB_PRIORITY_FOREGROUND),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(missing), BSIM_S_OK);
  run_to(f, job, TO(ERROR) | TO(TRANSIENT_ERROR) | TO(TRANSFERRED), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_ERROR);
  assert_int_equal(now(f), t0 + LATENCY);
  /* Fatal: nothing retries them, a day later both are still in ERROR. */
  assert_int_equal(bsim_manager_run_until(f->mgr, t0 + 24 * HOUR_MS),
                   BSIM_S_OK);
  bsim_job *both[2] = {job, missing};
  for (int i = 0; i < 2; i++) {
    assert_int_equal(state_of(both[i]), BSIM_JOB_STATE_ERROR);
    struct bsim_job_error e = error_of(both[i]);
    assert_int_equal((uint32_t)e.code, 0x80190194u); /* BG_E_HTTP_ERROR_404 */
    assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
    assert_int_equal(e.http_status, 404);
    assert_int_equal(errors(both[i]), 1);
  }
  assert_int_equal(stats(f, URL).requests, 1);
  bsim_job_unref(job);
  bsim_job_unref(missing);
  fx_end(f);
}

/* Reference §9.1 (unconfirmed for downloads, §10): 3xx transient except
 * 300-305 and 307; 4xx fatal except 408 and 409; 5xx transient except 501
 * and 505; others transient. */
static void test_faults_http_table_and_override(void **state) {
  (void)state;
  static const struct {
    int status;
    int fatal;
  } table[] = {{100, 0}, {300, 1}, {304, 1}, {305, 1}, {306, 0}, {307, 1},
               {308, 0}, {400, 1}, {401, 1}, {403, 1}, {407, 1}, {408, 0},
               {409, 0}, {410, 1}, {429, 1}, {500, 0}, {501, 1}, {502, 0},
               {503, 0}, {504, 0}, {505, 1}, {599, 0}, {600, 0}, {999, 0}};
  const size_t n = sizeof table / sizeof table[0];
  struct fx *f = fx_new(BSIM_FS_VIRTUAL, "table");
  host(f, "h.test", 1, 1);
  /* Overrides: 404 made transient, 503 made fatal, then 503 restored. */
  assert_int_equal(bsim_model_http_class(f->mgr, 404, 0), BSIM_S_OK);
  assert_int_equal(bsim_model_http_class(f->mgr, 503, 1), BSIM_S_OK);
  assert_int_equal(bsim_model_http_class(f->mgr, 502, 1), BSIM_S_OK);
  assert_int_equal(bsim_model_http_class(f->mgr, 502, -1), BSIM_S_OK);
  for (size_t i = 0; i < n + 2; i++) {
    int status = i < n ? table[i].status : i == n ? 404 : 503;
    int fatal = i < n ? table[i].fatal : i == n ? 0 : 1;
    if (i < n && status == 503) fatal = 1; /* overridden above */
    char url[64];
    snprintf(url, sizeof url, "http://h.test/s%zu", i);
    assert_int_equal(bsim_model_file_add(f->mgr, url, 10), BSIM_S_OK);
    fault(f, BSIM_FAULT_HTTP_STATUS, url, 1, status, 0);
    bsim_job *job = job_for(f, url);
    assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
    run_to(f, job, TO(ERROR) | TO(TRANSIENT_ERROR) | TO(TRANSFERRED),
           now(f) + HOUR_MS);
    if (state_of(job) !=
        (fatal ? BSIM_JOB_STATE_ERROR : BSIM_JOB_STATE_TRANSIENT_ERROR)) {
      print_error("status %d: state %d\n", status, state_of(job));
    }
    assert_int_equal(state_of(job), fatal ? BSIM_JOB_STATE_ERROR
                                          : BSIM_JOB_STATE_TRANSIENT_ERROR);
    assert_int_equal(error_of(job).code, bsim_hr_from_http(status));
    assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
    bsim_job_unref(job);
  }
  fx_end(f);
}

/* ---- resets and Range ---------------------------------------------------- */

static void test_faults_reset_resumes_with_range(void **state) {
  (void)state;
  const uint64_t n = 12345;
  struct fx *f = fx_std(BSIM_FS_REAL, "reset");
  fault(f, BSIM_FAULT_RESET_AFTER_BYTES, URL, 1, 0, n);
  bsim_job *job = job_for(f, URL);
  uint64_t t0 = now(f);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSIENT_ERROR) | TO(ERROR) | TO(TRANSFERRED), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_int_equal(now(f), t0 + LATENCY + body_ms(n));
  assert_int_equal(error_of(job).code, HR_CONNECTION_ERROR);
  assert_int_equal(error_of(job).context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(bytes_done(job), n);
  uint64_t t1 = now(f);
  run_to(f, job, TO(TRANSFERRED) | TO(ERROR), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(now(f), t1 + RETRY_S * 1000 + LATENCY + body_ms(SIZE - n));
  /* The second request asked for Range from n and got 206 from n. */
  assert_int_equal(f->response_count, 2);
  assert_string_equal(f->responses[0],
                      "\"file\":0,\"status\":200,\"from\":0,\"size\":50000,"
                      "\"version\":1}");
  assert_string_equal(f->responses[1],
                      "\"file\":0,\"status\":206,\"from\":12345,"
                      "\"size\":50000,\"version\":1}");
  struct bsim_model_file_stats st = stats(f, URL);
  assert_int_equal(st.requests, 2);
  assert_int_equal(st.range_requests, 1);
  assert_int_equal(st.bytes_sent, SIZE); /* nothing re-sent */
  assert_int_equal(complete_and_diff(f, job, URL, SIZE, NULL), 0);
  bsim_job_unref(job);
  fx_end(f);
}

static void check_restart_from_zero(struct fx *f, bsim_job *job, uint64_t n) {
  run_to(f, job, TO(TRANSIENT_ERROR), HOUR_MS);
  assert_int_equal(bytes_done(job), n);
  uint64_t t1 = now(f);
  run_to(f, job, TO(TRANSFERRED) | TO(ERROR), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  /* The whole body again: reference §10, a server without Range. */
  assert_int_equal(now(f), t1 + RETRY_S * 1000 + LATENCY + body_ms(SIZE));
  assert_int_equal(f->response_count, 2);
  assert_non_null(strstr(f->responses[1], "\"status\":200,\"from\":0,"));
  struct bsim_model_file_stats st = stats(f, URL);
  assert_int_equal(st.range_requests, 1);
  assert_int_equal(st.bytes_sent, SIZE + n); /* n bytes sent twice */
  assert_int_equal(complete_and_diff(f, job, URL, SIZE, NULL), 0);
}

static void test_faults_no_range_host_restarts(void **state) {
  (void)state;
  const uint64_t n = 20000;
  struct fx *f = fx_new(BSIM_FS_REAL, "norange_host");
  host(f, "h.test", 0, 1);
  assert_int_equal(bsim_model_file_add(f->mgr, URL, SIZE), BSIM_S_OK);
  fault(f, BSIM_FAULT_RESET_AFTER_BYTES, URL, 1, 0, n);
  bsim_job *job = job_for(f, URL);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  check_restart_from_zero(f, job, n);
  bsim_job_unref(job);
  fx_end(f);
}

static void test_faults_no_range_fault_restarts(void **state) {
  (void)state;
  const uint64_t n = 7777;
  struct fx *f = fx_std(BSIM_FS_REAL, "norange_fault");
  fault(f, BSIM_FAULT_RESET_AFTER_BYTES, URL, 1, 0, n);
  /* Only requests that carry a Range are affected: the first (from 0) is
   * not, so the fault is still there for the resume. */
  fault(f, BSIM_FAULT_NO_RANGE, URL, 1, 0, 0);
  bsim_job *job = job_for(f, URL);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  check_restart_from_zero(f, job, n);
  assert_int_equal(stats(f, URL).faults, 2);
  bsim_job_unref(job);
  fx_end(f);
}

static void test_faults_over_2gb_needs_range(void **state) {
  (void)state;
  struct fx *f = fx_new(BSIM_FS_VIRTUAL, "2gb");
  host(f, "h.test", 0, 1);
  const char *big = "http://h.test/big";
  const char *small = "http://h.test/small";
  assert_int_equal(bsim_model_file_add(f->mgr, big, (UINT64_C(2) << 30) + 1),
                   BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(f->mgr, small, UINT64_C(2) << 30),
                   BSIM_S_OK);
  /* Reference §10: files over 2 GB are always fetched in 2 GB ranges. */
  bsim_job *job = job_for(f, big);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(ERROR) | TO(TRANSIENT_ERROR) | TO(TRANSFERRED), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_ERROR);
  assert_int_equal(error_of(job).code, BSIM_E_INSUFFICIENT_RANGE_SUPPORT);
  assert_int_equal(error_of(job).context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  bsim_job *ok = job_for(f, small);
  assert_int_equal(bsim_job_resume(ok), BSIM_S_OK);
  run_to(f, ok, TO(ERROR) | TO(TRANSIENT_ERROR) | TO(TRANSFERRED),
         now(f) + 100 * HOUR_MS);
  assert_int_equal(state_of(ok), BSIM_JOB_STATE_TRANSFERRED);
  bsim_job_unref(job);
  bsim_job_unref(ok);
  fx_end(f);
}

/* ---- stalls, refusals, outages ------------------------------------------ */

static void test_faults_stall_times_out(void **state) {
  (void)state;
  const uint64_t n = 5000;
  struct fx *f = fx_std(BSIM_FS_VIRTUAL, "stall");
  fault(f, BSIM_FAULT_STALL, URL, 1, 0, n);
  bsim_job *job = job_for(f, URL);
  uint64_t t0 = now(f);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSIENT_ERROR) | TO(ERROR) | TO(TRANSFERRED), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSIENT_ERROR);
  /* n bytes, then nothing for the host's stall timeout (30 s here). */
  assert_int_equal(now(f), t0 + LATENCY + body_ms(n) + 30000);
  assert_int_equal(error_of(job).code, HR_TIMEOUT);
  assert_int_equal(bytes_done(job), n);
  run_to(f, job, TO(TRANSFERRED), HOUR_MS);
  assert_int_equal(stats(f, URL).bytes_sent, SIZE);
  bsim_job_unref(job);
  fx_end(f);
}

static void test_faults_connect_fail_and_outage(void **state) {
  (void)state;
  struct fx *f = fx_std(BSIM_FS_VIRTUAL, "connect");
  fault(f, BSIM_FAULT_CONNECT_FAIL, URL, 2, 0, 0);
  bsim_job *job = job_for(f, URL);
  uint64_t t0 = now(f);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSIENT_ERROR), HOUR_MS);
  assert_int_equal(now(f), t0 + LATENCY);
  assert_int_equal(error_of(job).code, HR_CANNOT_CONNECT);
  assert_int_equal(error_of(job).context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  run_to(f, job, TO(TRANSFERRED) | TO(ERROR), HOUR_MS);
  /* Two refusals, each retried after the delay (reference §4.2). */
  assert_int_equal(errors(job), 2);
  assert_int_equal(now(f),
                   t0 + 3 * LATENCY + 2 * RETRY_S * 1000 + body_ms(SIZE));
  assert_int_equal(stats(f, URL).requests, 1); /* refused ones never got
                                                  to the server */
  bsim_job_unref(job);

  /* An outage covering the moment the connection would be made refuses it
   * the same way; one starting during the body breaks it. */
  uint64_t t1 = now(f);
  assert_int_equal(bsim_model_host_outage(f->mgr, "h.test", t1 + 50, 1000),
                   BSIM_S_OK);
  assert_int_equal(
      bsim_model_host_outage(f->mgr, "h.test", t1 + 2000 + LATENCY, 10),
      BSIM_S_OK);
  job = job_for(f, URL);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSIENT_ERROR), t1 + HOUR_MS);
  assert_int_equal(now(f), t1 + LATENCY);
  assert_int_equal(error_of(job).code, HR_CANNOT_CONNECT);
  /* Retried after 5 s: the second outage is over by then and the body
   * flows undisturbed. */
  run_to(f, job, TO(TRANSFERRED), t1 + HOUR_MS);
  assert_int_equal(now(f), t1 + 2 * LATENCY + RETRY_S * 1000 + body_ms(SIZE));
  bsim_job_unref(job);
  fx_end(f);
}

static void test_faults_outage_added_during_body(void **state) {
  (void)state;
  struct fx *f = fx_std(BSIM_FS_VIRTUAL, "late_outage");
  bsim_job *job = job_for(f, URL);
  uint64_t t0 = now(f);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(f->mgr, t0 + LATENCY + 1000),
                   BSIM_S_OK);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRING);
  /* Scheduled while the body flows: it breaks at its start, with the
   * exact bytes reached then. */
  assert_int_equal(
      bsim_model_host_outage(f->mgr, "h.test", t0 + LATENCY + 2345, 60000),
      BSIM_S_OK);
  run_to(f, job, TO(TRANSIENT_ERROR), t0 + HOUR_MS);
  assert_int_equal(now(f), t0 + LATENCY + 2345);
  assert_int_equal(bytes_done(job), 23450);
  assert_int_equal(error_of(job).code, HR_CONNECTION_ERROR);
  bsim_job_unref(job);
  fx_end(f);
}

static void test_faults_bandwidth_change_during_body(void **state) {
  (void)state;
  struct fx *f = fx_std(BSIM_FS_VIRTUAL, "bw_change");
  bsim_job *job = job_for(f, URL);
  uint64_t t0 = now(f);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(f->mgr, t0 + LATENCY + 2000),
                   BSIM_S_OK);
  /* 20,000 bytes at 10 kB/s, then the other 30,000 at 30 kB/s: 1 s. */
  struct bsim_model_host_options o;
  bsim_model_host_options_init(&o);
  o.bandwidth_bytes_per_s = 3 * BW;
  o.latency_ms = LATENCY;
  assert_int_equal(bsim_model_host_add(f->mgr, "h.test", &o), BSIM_S_OK);
  run_to(f, job, TO(TRANSFERRED), t0 + HOUR_MS);
  assert_int_equal(now(f), t0 + LATENCY + 2000 + 1000);
  bsim_job_unref(job);
  fx_end(f);
}

/* ---- corruption, missing length, re-publishing ------------------------- */

static void test_faults_corrupt_bytes_detected(void **state) {
  (void)state;
  const size_t size = 200000;
  struct fx *f = fx_new(BSIM_FS_REAL, "corrupt");
  host(f, "h.test", 1, 1);
  assert_int_equal(bsim_model_file_add(f->mgr, URL, size), BSIM_S_OK);
  fault(f, BSIM_FAULT_CORRUPT, URL, 1, 0, 1000);
  bsim_job *job = job_for(f, URL);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSFERRED) | TO(ERROR) | TO(TRANSIENT_ERROR), HOUR_MS);
  /* The transfer itself succeeds: only comparing finds the damage. */
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  unsigned char *diff = calloc(size, 1);
  /* One byte in every 64 KiB from body byte 1000, inverted. */
  assert_int_equal(complete_and_diff(f, job, URL, size, diff), 4);
  for (size_t k = 0; k < 4; k++) {
    assert_int_equal(diff[1000 + k * 65536], 0xff);
  }
  free(diff);
  assert_int_equal(stats(f, URL).faults, 1);
  bsim_job_unref(job);
  fx_end(f);
}

static void test_faults_missing_content_length(void **state) {
  (void)state;
  struct fx *f = fx_new(BSIM_FS_VIRTUAL, "nolength");
  host(f, "h.test", 1, 0);
  assert_int_equal(bsim_model_file_add(f->mgr, URL, SIZE), BSIM_S_OK);
  bsim_job *job = job_for(f, URL);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(ERROR) | TO(TRANSIENT_ERROR) | TO(TRANSFERRED), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_ERROR);
  assert_int_equal(error_of(job).code, BSIM_E_MISSING_FILE_SIZE);
  assert_int_equal(error_of(job).context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  bsim_job_unref(job);
  fx_end(f);
}

/* Reference §10 "Consistency": the file changed between two requests. */
static void test_faults_republished_file_restarts(void **state) {
  (void)state;
  const uint64_t n = 10000;
  struct fx *f = fx_std(BSIM_FS_REAL, "republish");
  fault(f, BSIM_FAULT_RESET_AFTER_BYTES, URL, 1, 0, n);
  bsim_job *job = job_for(f, URL);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSIENT_ERROR), HOUR_MS);
  assert_int_equal(bytes_done(job), n);
  /* The new version is shorter than what the temporary file holds. */
  const uint64_t smaller = n / 2;
  assert_int_equal(bsim_model_file_add(f->mgr, URL, smaller), BSIM_S_OK);
  run_to(f, job, TO(TRANSFERRED) | TO(ERROR), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_non_null(strstr(f->responses[1], "\"status\":200,\"from\":0,"));
  assert_non_null(strstr(f->responses[1], "\"version\":2}"));
  assert_int_equal(stats(f, URL).bytes_sent, n + smaller);
  /* The temporary file was cut: it holds exactly the new version, no
   * tail of the old one. */
  assert_int_equal(complete_and_diff(f, job, URL, smaller, NULL), 0);
  bsim_job_unref(job);
  fx_end(f);

  /* The alternative reading (newer builds): ERROR with
   * BG_E_REMOTE_FILE_CHANGED. */
  f = fx_new(BSIM_FS_VIRTUAL, "republish_fails");
  struct bsim_model_host_options o;
  bsim_model_host_options_init(&o);
  o.bandwidth_bytes_per_s = BW;
  o.remote_change_fails = 1;
  assert_int_equal(bsim_model_host_add(f->mgr, "h.test", &o), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(f->mgr, URL, SIZE), BSIM_S_OK);
  fault(f, BSIM_FAULT_RESET_AFTER_BYTES, URL, 1, 0, n);
  job = job_for(f, URL);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSIENT_ERROR), HOUR_MS);
  assert_int_equal(bsim_model_file_add(f->mgr, URL, SIZE), BSIM_S_OK);
  run_to(f, job, TO(TRANSFERRED) | TO(ERROR), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_ERROR);
  assert_int_equal(error_of(job).code, BSIM_E_REMOTE_FILE_CHANGED);
  bsim_job_unref(job);
  fx_end(f);
}

/* ---- windows, counts, prefixes ------------------------------------------ */

static void test_faults_window_count_prefix(void **state) {
  (void)state;
  struct fx *f = fx_std(BSIM_FS_VIRTUAL, "window");
  const char *a = "http://h.test/dir/a";
  const char *other = "http://h.test/other";
  assert_int_equal(bsim_model_file_add(f->mgr, a, 10), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(f->mgr, other, 10), BSIM_S_OK);
  uint64_t t0 = now(f);
  /* Requests made in [t0 + 10 s, t0 + 20 s) to http://h.test/dir/... get
   * 503, as often as they come (count 0). */
  struct bsim_fault flt;
  bsim_fault_init(&flt, BSIM_FAULT_HTTP_STATUS, "http://h.test/dir/*");
  flt.from_ms = t0 + 10000;
  flt.until_ms = t0 + 20000;
  flt.count = 0;
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_S_OK);
  /* Before the window: fine. */
  bsim_job *early = job_for(f, a);
  assert_int_equal(bsim_job_resume(early), BSIM_S_OK);
  run_to(f, early, TO(TRANSFERRED) | TO(TRANSIENT_ERROR), t0 + HOUR_MS);
  assert_int_equal(state_of(early), BSIM_JOB_STATE_TRANSFERRED);
  /* In the window: requests at +10.0 s and +15.1 s fail, the retry at
   * +20.2 s is past the window and succeeds. */
  assert_int_equal(bsim_manager_run_until(f->mgr, t0 + 10000), BSIM_S_OK);
  bsim_job *in = job_for(f, a);
  bsim_job *outside = job_for(f, other);
  assert_int_equal(bsim_job_set_priority(in, BSIM_JOB_PRIORITY_FOREGROUND),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_priority(outside, BSIM_JOB_PRIORITY_FOREGROUND),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(in), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(outside), BSIM_S_OK);
  run_to(f, in, TO(TRANSFERRED), t0 + HOUR_MS);
  assert_int_equal(errors(in), 2);
  assert_int_equal(now(f), t0 + 10000 + 3 * LATENCY + 2 * RETRY_S * 1000 + 1);
  assert_int_equal(state_of(outside), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(errors(outside), 0);

  /* A count of 3: exactly three failures, then success. */
  fault(f, BSIM_FAULT_CONNECT_FAIL, other, 3, 0, 0);
  bsim_job *counted = job_for(f, other);
  assert_int_equal(bsim_job_resume(counted), BSIM_S_OK);
  run_to(f, counted, TO(TRANSFERRED), now(f) + HOUR_MS);
  assert_int_equal(errors(counted), 3);
  bsim_job_unref(early);
  bsim_job_unref(in);
  bsim_job_unref(outside);
  bsim_job_unref(counted);
  fx_end(f);
}

static void test_faults_peer_host_reported(void **state) {
  (void)state;
  struct fx *f = fx_new(BSIM_FS_VIRTUAL, "peer");
  struct bsim_model_host_options o;
  bsim_model_host_options_init(&o);
  o.peer = 1;
  assert_int_equal(bsim_model_host_add(f->mgr, "peer.test", &o), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(f->mgr, "http://peer.test/p", 10),
                   BSIM_S_OK);
  bsim_job *job = job_for(f, "http://peer.test/p");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSFERRED), HOUR_MS);
  assert_non_null(strstr(f->responses[0], "\"peer\":1"));
  bsim_job_unref(job);
  fx_end(f);
}

static void test_faults_plan_rejects_bad_faults(void **state) {
  (void)state;
  struct fx *f = fx_std(BSIM_FS_VIRTUAL, "bad");
  struct bsim_fault flt;
  bsim_fault_init(&flt, BSIM_FAULT_HTTP_STATUS, URL);
  assert_int_equal(flt.count, 1);
  assert_int_equal(flt.http_status, 503);
  assert_true(flt.until_ms == UINT64_MAX);
  assert_int_equal(bsim_fault_add(f->mgr, NULL), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_fault_add(NULL, &flt), BSIM_E_INVALIDARG);
  flt.http_status = 200;
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_E_INVALIDARG);
  flt.http_status = 99;
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_E_INVALIDARG);
  flt.http_status = 1000;
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_E_INVALIDARG);
  bsim_fault_init(&flt, BSIM_FAULT_STALL, NULL);
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_E_INVALIDARG);
  flt.url = "";
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_E_INVALIDARG);
  flt.url = URL;
  flt.from_ms = 10;
  flt.until_ms = 10;
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_E_INVALIDARG);
  bsim_fault_init(&flt, BSIM_FAULT_KIND_COUNT, URL);
  assert_int_equal(bsim_fault_add(f->mgr, &flt), BSIM_E_INVALIDARG);
  /* Nothing was added: a download goes through untouched. */
  bsim_job *job = job_for(f, URL);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_to(f, job, TO(TRANSFERRED) | TO(TRANSIENT_ERROR) | TO(ERROR), HOUR_MS);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(stats(f, URL).faults, 0);
  bsim_job_unref(job);
  fx_end(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_faults_503_transient_then_retry),
      cmocka_unit_test(test_faults_404_fatal),
      cmocka_unit_test(test_faults_http_table_and_override),
      cmocka_unit_test(test_faults_reset_resumes_with_range),
      cmocka_unit_test(test_faults_no_range_host_restarts),
      cmocka_unit_test(test_faults_no_range_fault_restarts),
      cmocka_unit_test(test_faults_over_2gb_needs_range),
      cmocka_unit_test(test_faults_stall_times_out),
      cmocka_unit_test(test_faults_connect_fail_and_outage),
      cmocka_unit_test(test_faults_outage_added_during_body),
      cmocka_unit_test(test_faults_bandwidth_change_during_body),
      cmocka_unit_test(test_faults_corrupt_bytes_detected),
      cmocka_unit_test(test_faults_missing_content_length),
      cmocka_unit_test(test_faults_republished_file_restarts),
      cmocka_unit_test(test_faults_window_count_prefix),
      cmocka_unit_test(test_faults_peer_host_reported),
      cmocka_unit_test(test_faults_plan_rejects_bad_faults),
  };
  return cmocka_run_group_tests_name("sim_model_faults", tests, NULL, NULL);
}
