/* Each scripted fault of `bitsim serve`, as a libcurl client sees it:
 * status codes for a count of requests and for the nth one, prefix and
 * method matching, a reset mid-body (curl reports a partial transfer; a
 * Range resume then completes the file), a stall that the server ends by
 * itself (bounded by the fault and by stall_max_ms), a slow drip, a wrong
 * Content-Length both ways, a server without Range support, corrupt bytes
 * (by file offset, also inside a range) and content that changes between
 * requests (new bytes, ETag and Last-Modified; If-Range with the old ETag
 * gets the whole new body). Waits are deadlines, never sleeps: the stall and
 * drip tests check elapsed time only as lower bounds set by the server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "serve_test_client.h"

#define FILE_SIZE 200000u

struct fixture {
  bsim_serve *srv;
  char root[4096];
  unsigned char *data; /* every file has this content */
};

static const char *names[] = {"s.bin",  "n.bin", "r.bin",    "t.bin",
                              "d.bin",  "w.bin", "nr.bin",   "c.bin",
                              "ch.bin", "m.bin", "dir/x.bin"};

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int setup(void **state) {
  static struct fixture fx;
  const char *dir = bsim_test_tmpdir("serve_fault_kinds");
  if (dir == NULL) return -1;
  snprintf(fx.root, sizeof fx.root, "%s", dir);
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/dir", fx.root);
  if (mkdir(sub, 0755) != 0) return -1;
  fx.data = make_bytes(bsim_test_seed(), FILE_SIZE);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (put_file(fx.root, names[i], fx.data, FILE_SIZE) != 0) return -1;
  }
  struct bsim_serve_options opts;
  bsim_serve_options_init(&opts);
  opts.root_dir = fx.root;
  if (bsim_serve_start(&opts, &fx.srv) != BSIM_S_OK) return -1;
  *state = &fx;
  return 0;
}

static int teardown(void **state) {
  struct fixture *fx = *state;
  bsim_serve_stop(fx->srv);
  free(fx->data);
  return 0;
}

static void add(struct fixture *fx, const char *text) {
  struct bsim_serve_fault f;
  char err[256];
  assert_int_equal(bsim_serve_fault_parse(text, &f, err, sizeof err),
                   BSIM_S_OK);
  assert_int_equal(bsim_serve_fault_add(fx->srv, &f), BSIM_S_OK);
}

static void get(struct fixture *fx, const char *method, const char *path,
                const char *const *hdrs, struct http_resp *r) {
  char url[512];
  assert_int_equal(bsim_serve_url(fx->srv, path, url, sizeof url), 0);
  (void)http_do(method, url, hdrs, NULL, 0, r);
}

static long status_of(struct fixture *fx, const char *method,
                      const char *path) {
  struct http_resp r;
  get(fx, method, path, NULL, &r);
  assert_int_equal(r.code, CURLE_OK);
  long status = r.status;
  http_resp_free(&r);
  return status;
}

static void test_status_for_a_count(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/s.bin,status=503,count=2");
  assert_int_equal(status_of(fx, "GET", "/s.bin"), 503);
  assert_int_equal(status_of(fx, "GET", "/s.bin"), 503);
  struct http_resp r;
  get(fx, "GET", "/s.bin", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, FILE_SIZE);
  http_resp_free(&r);
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/s.bin", &st), 0);
  assert_int_equal(st.requests, 3);
  assert_int_equal(st.faulted, 2);
  assert_int_equal(st.status_5xx, 2);
  assert_int_equal(st.status_2xx, 1);
}

static void test_status_for_the_nth_request(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/n.bin,nth=3,count=1,status=500");
  long want[] = {200, 200, 500, 200, 200};
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(status_of(fx, "GET", "/n.bin"), want[i]);
  }
}

static void test_prefix_and_method(void **state) {
  struct fixture *fx = *state;
  add(fx, "prefix=/dir/,method=HEAD,status=404");
  assert_int_equal(status_of(fx, "GET", "/dir/x.bin"), 200);
  assert_int_equal(status_of(fx, "HEAD", "/dir/x.bin"), 404);
  assert_int_equal(status_of(fx, "HEAD", "/s.bin"), 200);
}

static void test_reset_mid_body_then_resume(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/r.bin,reset=1000,count=1");
  struct http_resp r;
  get(fx, "GET", "/r.bin", NULL, &r);
  assert_int_equal(r.code, CURLE_PARTIAL_FILE);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, 1000);
  assert_memory_equal(r.body, fx->data, 1000);
  http_resp_free(&r);
  const char *hdrs[] = {"Range: bytes=1000-", NULL};
  get(fx, "GET", "/r.bin", hdrs, &r);
  assert_int_equal(r.code, CURLE_OK);
  assert_int_equal(r.status, 206);
  assert_int_equal(r.body_len, FILE_SIZE - 1000);
  assert_memory_equal(r.body, fx->data + 1000, FILE_SIZE - 1000);
  http_resp_free(&r);
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/r.bin", &st), 0);
  assert_int_equal(st.body_bytes, FILE_SIZE); /* nothing sent twice */
}

static void test_stall_is_bounded_by_the_fault(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/t.bin,stall=300,after=500,count=1");
  uint64_t t0 = now_ms();
  struct http_resp r;
  get(fx, "GET", "/t.bin", NULL, &r);
  uint64_t elapsed = now_ms() - t0;
  /* Headers and 500 bytes came, then nothing, then the server closed. */
  assert_int_equal(r.status, 200);
  assert_int_equal(r.code, CURLE_PARTIAL_FILE);
  assert_int_equal(r.body_len, 500);
  assert_true(elapsed >= 300);
  assert_true(elapsed < (uint64_t)HTTP_DEADLINE_MS);
  http_resp_free(&r);
}

static void test_stall_is_bounded_by_the_server(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options opts;
  bsim_serve_options_init(&opts);
  opts.root_dir = fx->root;
  opts.stall_max_ms = 200;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&opts, &srv), BSIM_S_OK);
  struct bsim_serve_fault f;
  assert_int_equal(
      bsim_serve_fault_parse("path=/t.bin,stall=3600000", &f, NULL, 0), 0);
  assert_int_equal(bsim_serve_fault_add(srv, &f), 0);
  char url[512];
  assert_int_equal(bsim_serve_url(srv, "/t.bin", url, sizeof url), 0);
  uint64_t t0 = now_ms();
  struct http_resp r;
  (void)http_do("GET", url, NULL, NULL, 0, &r);
  uint64_t elapsed = now_ms() - t0;
  assert_int_equal(r.status, 200); /* headers, then nothing */
  assert_int_equal(r.code, CURLE_PARTIAL_FILE);
  assert_int_equal(r.body_len, 0);
  assert_true(elapsed >= 200 && elapsed < (uint64_t)HTTP_DEADLINE_MS);
  http_resp_free(&r);
  bsim_serve_stop(srv);
}

static void test_drip(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/d.bin,drip=40000/20");
  uint64_t t0 = now_ms();
  struct http_resp r;
  get(fx, "GET", "/d.bin", NULL, &r);
  uint64_t elapsed = now_ms() - t0;
  assert_int_equal(r.code, CURLE_OK);
  assert_int_equal(r.body_len, FILE_SIZE);
  assert_memory_equal(r.body, fx->data, FILE_SIZE);
  /* Five steps of 40000 bytes with four 20 ms pauses between them. */
  assert_true(r.writes >= 5);
  assert_true(elapsed >= 80);
  http_resp_free(&r);
}

static void test_wrong_length(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/w.bin,length=+100,count=2");
  struct http_resp r;
  get(fx, "HEAD", "/w.bin", NULL, &r);
  assert_string_equal(http_header(&r, "Content-Length"), "200100");
  http_resp_free(&r);
  get(fx, "GET", "/w.bin", NULL, &r);
  assert_string_equal(http_header(&r, "Content-Length"), "200100");
  assert_int_equal(r.code, CURLE_PARTIAL_FILE); /* fewer bytes than said */
  assert_int_equal(r.body_len, FILE_SIZE);
  assert_memory_equal(r.body, fx->data, FILE_SIZE);
  http_resp_free(&r);
  add(fx, "path=/w.bin,length=-100,count=1");
  get(fx, "GET", "/w.bin", NULL, &r);
  assert_int_equal(r.code, CURLE_OK); /* a complete, shorter body */
  assert_string_equal(http_header(&r, "Content-Length"), "199900");
  assert_int_equal(r.body_len, FILE_SIZE - 100);
  assert_memory_equal(r.body, fx->data, FILE_SIZE - 100);
  http_resp_free(&r);
}

static void test_no_range_support(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/nr.bin,norange");
  const char *hdrs[] = {"Range: bytes=1000-1999", NULL};
  struct http_resp r;
  get(fx, "GET", "/nr.bin", hdrs, &r);
  assert_int_equal(r.code, CURLE_OK);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, FILE_SIZE);
  assert_null(http_header(&r, "Accept-Ranges"));
  assert_null(http_header(&r, "Content-Range"));
  http_resp_free(&r);
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/nr.bin", &st), 0);
  assert_int_equal(st.ranged, 0);
}

static void test_corrupt_bytes(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/c.bin,corrupt=100+16");
  struct http_resp r;
  get(fx, "GET", "/c.bin", NULL, &r);
  assert_int_equal(r.code, CURLE_OK);
  assert_int_equal(r.body_len, FILE_SIZE);
  for (size_t i = 0; i < FILE_SIZE; i++) {
    int flipped = i >= 100 && i < 116;
    unsigned char want = flipped ? (unsigned char)~fx->data[i] : fx->data[i];
    assert_int_equal(r.body[i], want);
  }
  http_resp_free(&r);
  const char *hdrs[] = {"Range: bytes=110-199", NULL};
  get(fx, "GET", "/c.bin", hdrs, &r);
  assert_int_equal(r.status, 206);
  for (size_t i = 0; i < 90; i++) {
    size_t o = 110 + i;
    unsigned char want = o < 116 ? (unsigned char)~fx->data[o] : fx->data[o];
    assert_int_equal(r.body[i], want);
  }
  http_resp_free(&r);
}

static void test_content_changes(void **state) {
  struct fixture *fx = *state;
  struct http_resp r;
  get(fx, "HEAD", "/ch.bin", NULL, &r);
  char etag0[256];
  char lm0[256];
  snprintf(etag0, sizeof etag0, "%.200s", http_header(&r, "ETag"));
  snprintf(lm0, sizeof lm0, "%.200s", http_header(&r, "Last-Modified"));
  http_resp_free(&r);
  add(fx, "path=/ch.bin,change,count=1");
  char if_range[300];
  snprintf(if_range, sizeof if_range, "If-Range: %s", etag0);
  const char *hdrs[] = {"Range: bytes=5000-", if_range, NULL};
  get(fx, "GET", "/ch.bin", hdrs, &r);
  /* The resume's validator no longer matches: the whole new body. */
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, FILE_SIZE);
  for (size_t i = 0; i < FILE_SIZE; i++)
    assert_true(r.body[i] != fx->data[i]);
  char etag1[256];
  snprintf(etag1, sizeof etag1, "%.200s", http_header(&r, "ETag"));
  assert_string_not_equal(etag1, etag0);
  assert_string_not_equal(http_header(&r, "Last-Modified"), lm0);
  unsigned char *v1 = malloc(FILE_SIZE);
  memcpy(v1, r.body, FILE_SIZE);
  http_resp_free(&r);
  /* It stays changed: the next request (no fault) sees the same version. */
  snprintf(if_range, sizeof if_range, "If-Range: %s", etag1);
  const char *hdrs1[] = {"Range: bytes=5000-", if_range, NULL};
  get(fx, "GET", "/ch.bin", hdrs1, &r);
  assert_int_equal(r.status, 206);
  assert_memory_equal(r.body, v1 + 5000, FILE_SIZE - 5000);
  http_resp_free(&r);
  free(v1);
}

static void test_faults_combine(void **state) {
  struct fixture *fx = *state;
  add(fx, "path=/m.bin,drip=65536/1");
  add(fx, "path=/m.bin,corrupt=0");
  add(fx, "path=/m.bin,corrupt=5"); /* same kind: the first one wins */
  struct http_resp r;
  get(fx, "GET", "/m.bin", NULL, &r);
  assert_int_equal(r.code, CURLE_OK);
  assert_int_equal(r.body_len, FILE_SIZE);
  assert_int_equal(r.body[0], (unsigned char)~fx->data[0]);
  assert_memory_equal(r.body + 1, fx->data + 1, FILE_SIZE - 1);
  http_resp_free(&r);
  bsim_serve_fault_clear(fx->srv);
  get(fx, "GET", "/m.bin", NULL, &r);
  assert_memory_equal(r.body, fx->data, FILE_SIZE);
  http_resp_free(&r);
}

static void test_fault_add_refuses_bad_faults(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_fault f;
  bsim_serve_fault_init(&f, BSIM_SERVE_FAULT_STATUS);
  f.status = 503; /* no path */
  assert_int_equal(bsim_serve_fault_add(fx->srv, &f), BSIM_E_INVALIDARG);
  snprintf(f.path, sizeof f.path, "/x");
  f.status = 99;
  assert_int_equal(bsim_serve_fault_add(fx->srv, &f), BSIM_E_INVALIDARG);
  bsim_serve_fault_init(&f, BSIM_SERVE_FAULT_DRIP);
  snprintf(f.path, sizeof f.path, "/x");
  assert_int_equal(bsim_serve_fault_add(fx->srv, &f), BSIM_E_INVALIDARG);
  bsim_serve_fault_init(&f, BSIM_SERVE_FAULT_KIND_COUNT);
  snprintf(f.path, sizeof f.path, "/x");
  assert_int_equal(bsim_serve_fault_add(fx->srv, &f), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_serve_fault_add(NULL, &f), BSIM_E_POINTER);
  bsim_serve_fault_init(&f, BSIM_SERVE_FAULT_NO_RANGE);
  snprintf(f.path, sizeof f.path, "/never-requested");
  for (int i = 0; i < BSIM_SERVE_FAULTS_MAX; i++) {
    (void)bsim_serve_fault_add(fx->srv, &f);
  }
  assert_int_equal(bsim_serve_fault_add(fx->srv, &f), BSIM_E_OUTOFMEMORY);
  bsim_serve_fault_clear(fx->srv);
  assert_int_equal(bsim_serve_fault_add(fx->srv, &f), BSIM_S_OK);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_for_a_count),
      cmocka_unit_test(test_status_for_the_nth_request),
      cmocka_unit_test(test_prefix_and_method),
      cmocka_unit_test(test_reset_mid_body_then_resume),
      cmocka_unit_test(test_stall_is_bounded_by_the_fault),
      cmocka_unit_test(test_stall_is_bounded_by_the_server),
      cmocka_unit_test(test_drip),
      cmocka_unit_test(test_wrong_length),
      cmocka_unit_test(test_no_range_support),
      cmocka_unit_test(test_corrupt_bytes),
      cmocka_unit_test(test_content_changes),
      cmocka_unit_test(test_faults_combine),
      cmocka_unit_test(test_fault_add_refuses_bad_faults),
  };
  int failed =
      cmocka_run_group_tests_name("serve_fault_kinds", tests, setup, teardown);
  curl_global_cleanup();
  return failed;
}
