/* AddFileWithRanges over the curl transport against `bitsim serve` on
 * 127.0.0.1 (reference §1.6, §1.9, §2.12, §10): one `Range: bytes=a-b`
 * request per range, the local file holding the ranges back to back in
 * the order given (an open-ended range resolved to the end of the file)
 * and BytesTotal counting only the requested bytes; a connection reset in
 * the middle of a range resumed with a request for the rest of that range
 * only; a file changed between the reset and the retry started over from
 * byte 0 instead of stitching two versions; a range past the end of the
 * file (206 cut short, or 416) ending in ERROR with BG_E_INVALID_RANGE;
 * a server that ignores Range ending in ERROR with
 * BG_E_INSUFFICIENT_RANGE_SUPPORT; a file:// source refused the same way;
 * a server that answers a range with other bytes ("merged ranges", a
 * one-shot responder on a socket of the test's own) ending in ERROR with
 * BG_E_INVALID_SERVER_RESPONSE.
 *
 * AUTO clock: retry delays pass in no real time; waits have virtual
 * deadlines and curl's stall timeout bounds real I/O; nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>

#include "curl_world.h"

#define SIZE 300000u
#define EOF_LEN BSIM_LENGTH_TO_EOF

static bsim_job *ranged(struct world *w, const char *urlpath, const char *leaf,
                        uint32_t n, const struct bsim_file_range *r) {
  char dst[1200];
  bsim_job *job =
      world_job(w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(bsim_job_add_file_with_ranges(
                       job, world_url(w, urlpath),
                       world_path(dst, sizeof dst, w->out, leaf), n, r),
                   BSIM_S_OK);
  return job;
}

static uint64_t len_of(const struct bsim_file_range *r) {
  return r->length == EOF_LEN ? SIZE - r->initial_offset : r->length;
}

/* path holds the ranges of a file made with tag, back to back. */
static void check_layout(const char *path, uint32_t n,
                         const struct bsim_file_range *r, uint64_t tag) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++)
    total += len_of(&r[i]);
  assert_int_equal(world_size(path), total);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  for (uint32_t i = 0; i < n; i++) {
    for (uint64_t k = 0; k < len_of(&r[i]); k++) {
      int c = fgetc(f);
      if (c == EOF ||
          (unsigned char)c != world_byte(tag, r[i].initial_offset + k)) {
        print_error("range %u byte %llu differs\n", i, (unsigned long long)k);
        fail();
      }
    }
  }
  fclose(f);
}

static void complete_and_check(struct world *w, bsim_job *job, const char *leaf,
                               uint32_t n, const struct bsim_file_range *r,
                               uint64_t tag) {
  char dst[1200];
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  check_layout(world_path(dst, sizeof dst, w->out, leaf), n, r, tag);
}

/* §1.6, §2.12: four ranges, unsorted, one open-ended: four 206s, and the
 * local file is the ranges in the order given. */
static void test_curl_ranges_layout(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-ranges-layout", NULL);
  char src[1200];
  world_make_file(world_path(src, sizeof src, w.root, "a.bin"), SIZE, 5);
  struct bsim_file_range r[] = {
      {200000, 1000}, {0, 77}, {290000, EOF_LEN}, {100, 65536}};
  bsim_job *job = ranged(&w, "/a.bin", "a.bin", 4, r);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  struct bsim_job_progress p;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  uint64_t want = 1000 + 77 + 10000 + 65536;
  assert_int_equal(p.bytes_total, want);
  assert_int_equal(p.bytes_transferred, want);
  struct bsim_serve_stats st = world_stats(&w, "/a.bin");
  assert_int_equal(st.gets, 4);
  assert_int_equal(st.ranged, 4);
  assert_int_equal(st.body_bytes, want);
  assert_int_equal(world_curl_stats(&w).slots, 0);
  complete_and_check(&w, job, "a.bin", 4, r, 5);
  bsim_job_unref(job);
  world_close(&w);
}

/* §10, §4.2: the second request is reset after 5,000 bytes: transient;
 * the retry asks for what is left of the second range, then the third. */
static void test_curl_ranges_reset_mid_range(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-ranges-reset", NULL);
  char src[1200];
  world_make_file(world_path(src, sizeof src, w.root, "r.bin"), SIZE, 6);
  world_fault(&w, "path=/r.bin,nth=2,reset=5000,count=1");
  struct bsim_file_range r[] = {{10000, 100000}, {200000, 60000}, {0, 10}};
  bsim_job *job = ranged(&w, "/r.bin", "r.bin", 3, r);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_int_equal((uint32_t)world_error(job).code, 0x80072EFEu);
  struct bsim_file_progress fp;
  assert_int_equal(bsim_file_get_progress(job, 0, &fp), BSIM_S_OK);
  uint64_t kept = fp.bytes_transferred;
  assert_true(kept >= 100000 && kept <= 105000);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  struct bsim_serve_stats st = world_stats(&w, "/r.bin");
  assert_int_equal(st.gets, 4);
  assert_int_equal(st.ranged, 4);
  /* Sent again: at most what reached the socket past `kept`. */
  assert_true(st.body_bytes >= 160010);
  assert_true(st.body_bytes <= 160010 + 5000);
  complete_and_check(&w, job, "r.bin", 3, r, 6);
  bsim_job_unref(job);
  world_close(&w);
}

/* §10 "Consistency": the file changes between the reset and the retry;
 * If-Range does not match, the server sends 200, and the ranges start
 * over from byte 0 of the new version. */
static void test_curl_ranges_changed_restarts(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-ranges-changed", NULL);
  char src[1200];
  world_make_file(world_path(src, sizeof src, w.root, "c.bin"), SIZE, 7);
  world_fault(&w, "path=/c.bin,nth=2,reset=3000,count=1");
  struct bsim_file_range r[] = {{1000, 20000}, {100000, 50000}};
  bsim_job *job = ranged(&w, "/c.bin", "c.bin", 2, r);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  world_make_file(src, SIZE, 8);
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  assert_int_equal(utimensat(AT_FDCWD, src, times, 0), 0);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  /* Two ranges, the reset one, the 200 that showed the change (cut off),
   * then both ranges again. */
  struct bsim_serve_stats st = world_stats(&w, "/c.bin");
  assert_int_equal(st.gets, 5);
  assert_int_equal(st.ranged, 4);
  assert_int_equal(world_error_count(job), 1);
  complete_and_check(&w, job, "c.bin", 2, r, 8);
  bsim_job_unref(job);
  world_close(&w);
}

/* §1.6: a range beyond the end of the file is ERROR BG_E_INVALID_RANGE,
 * whether the server cuts it short (206) or cannot satisfy it (416). */
static void test_curl_ranges_beyond_eof(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-ranges-eof", NULL);
  char src[1200];
  world_make_file(world_path(src, sizeof src, w.root, "e.bin"), SIZE, 9);
  struct bsim_file_range past[] = {{SIZE - 10, 20}};
  struct bsim_file_range after[] = {{SIZE, EOF_LEN}};
  const struct bsim_file_range *cases[] = {past, after};
  for (int i = 0; i < 2; i++) {
    bsim_job *job = ranged(&w, "/e.bin", i ? "e2.bin" : "e1.bin", 1, cases[i]);
    assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
    world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
    struct bsim_job_error e = world_error(job);
    assert_int_equal((uint32_t)e.code, (uint32_t)BSIM_E_INVALID_RANGE);
    assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
    assert_int_equal(e.file_index, 0);
    assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
    bsim_job_unref(job);
  }
  world_close(&w);
}

/* §1.6, §10: a server that ignores Range (200 with the whole file), and a
 * file:// source, cannot serve ranges: BG_E_INSUFFICIENT_RANGE_SUPPORT. */
static void test_curl_ranges_no_range_support(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-ranges-norange", NULL);
  char src[1200];
  world_make_file(world_path(src, sizeof src, w.root, "n.bin"), SIZE, 10);
  world_fault(&w, "path=/n.bin,norange");
  struct bsim_file_range r[] = {{10, 10}};
  bsim_job *job = ranged(&w, "/n.bin", "n.bin", 1, r);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  assert_int_equal((uint32_t)world_error(job).code,
                   (uint32_t)BSIM_E_INSUFFICIENT_RANGE_SUPPORT);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  char dst[1200];
  job = world_job(&w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(
      bsim_job_add_file_with_ranges(
          job, src, world_path(dst, sizeof dst, w.out, "f.bin"), 1, r),
      BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  assert_int_equal((uint32_t)world_error(job).code,
                   (uint32_t)BSIM_E_INSUFFICIENT_RANGE_SUPPORT);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  world_close(&w);
}

/* A one-shot HTTP responder: accepts one connection, reads the request
 * head and answers with a canned response. bitsim serve always honours a
 * single range, so the merged answer needs a server of the test's own. */
struct responder {
  int fd;
  const char *reply;
  char request[2048];
};

static void *respond_once(void *arg) {
  struct responder *rs = arg;
  int c = accept(rs->fd, NULL, NULL);
  if (c < 0) return NULL;
  size_t got = 0;
  while (got + 1 < sizeof rs->request &&
         strstr(rs->request, "\r\n\r\n") == NULL) {
    ssize_t n = recv(c, rs->request + got, sizeof rs->request - 1 - got, 0);
    if (n <= 0) break;
    got += (size_t)n;
    rs->request[got] = '\0';
  }
  size_t len = strlen(rs->reply);
  for (size_t sent = 0; sent < len;) {
    ssize_t n = send(c, rs->reply + sent, len - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += (size_t)n;
  }
  close(c);
  return NULL;
}

static uint16_t responder_start(struct responder *rs, pthread_t *thread) {
  rs->fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(rs->fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(rs->fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(rs->fd, 1), 0);
  socklen_t alen = sizeof a;
  assert_int_equal(getsockname(rs->fd, (struct sockaddr *)&a, &alen), 0);
  assert_int_equal(pthread_create(thread, NULL, respond_once, rs), 0);
  return ntohs(a.sin_port);
}

/* §1.6: asked for bytes 10-19, the server sends 0-19 of the file: the
 * server merged ranges, BG_E_INVALID_SERVER_RESPONSE, and fatal (asking
 * again would get the same answer). */
static void test_curl_ranges_merged(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-ranges-merged", NULL);
  struct responder rs;
  memset(&rs, 0, sizeof rs);
  rs.reply = "HTTP/1.1 206 Partial Content\r\n"
             "Content-Range: bytes 0-19/1000\r\n"
             "Content-Length: 20\r\n"
             "Connection: close\r\n\r\n"
             "01234567890123456789";
  pthread_t thread;
  uint16_t port = responder_start(&rs, &thread);
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/m.bin", (unsigned)port);
  char dst[1200];
  bsim_job *job =
      world_job(&w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  struct bsim_file_range r = {10, 10};
  assert_int_equal(
      bsim_job_add_file_with_ranges(
          job, url, world_path(dst, sizeof dst, w.out, "m.bin"), 1, &r),
      BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, (uint32_t)BSIM_E_INVALID_SERVER_RESPONSE);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(world_error_count(job), 1);
  assert_int_equal(pthread_join(thread, NULL), 0);
  close(rs.fd);
  assert_non_null(strstr(rs.request, "Range: bytes=10-19\r\n"));
  struct bsim_file_progress fp;
  assert_int_equal(bsim_file_get_progress(job, 0, &fp), BSIM_S_OK);
  assert_int_equal(fp.bytes_transferred, 0);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  world_close(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_ranges_layout),
      cmocka_unit_test(test_curl_ranges_reset_mid_range),
      cmocka_unit_test(test_curl_ranges_changed_restarts),
      cmocka_unit_test(test_curl_ranges_beyond_eof),
      cmocka_unit_test(test_curl_ranges_no_range_support),
      cmocka_unit_test(test_curl_ranges_merged),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
