/* `bitsim serve` as an origin (reference §10): byte-identical GET of several
 * files (empty, one byte, many blocks, in a subdirectory), HEAD with size
 * and validators, single Range requests (206 with Content-Range, suffix and
 * open ranges, 416 when unsatisfiable), If-Range (a matching ETag or date
 * keeps the range, a mismatch sends the whole body with 200), ranges the
 * server ignores, 404/403/405, and the per-path counters. Real loopback
 * traffic through libcurl, each request with a deadline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "serve_test_client.h"

struct fixture {
  bsim_serve *srv;
  char root[4096];
};

static const struct {
  const char *name;
  size_t size;
} files[] = {{"empty.bin", 0},
             {"one.bin", 1},
             {"a.bin", 100000},
             {"big.bin", 3 * 1024 * 1024 + 17},
             {"sub/d.bin", 4096}};
#define FILE_COUNT (sizeof files / sizeof files[0])

static unsigned char *content_of(size_t i) {
  return make_bytes(bsim_test_seed() * 1000 + i, files[i].size);
}

static int setup(void **state) {
  static struct fixture fx;
  const char *dir = bsim_test_tmpdir("serve_files");
  if (dir == NULL) return -1;
  snprintf(fx.root, sizeof fx.root, "%s", dir);
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/sub", fx.root);
  if (mkdir(sub, 0755) != 0) return -1;
  for (size_t i = 0; i < FILE_COUNT; i++) {
    unsigned char *data = content_of(i);
    int r = put_file(fx.root, files[i].name, data, files[i].size);
    free(data);
    if (r != 0) return -1;
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
  return 0;
}

static void url_of(struct fixture *fx, const char *path, char *buf,
                   size_t len) {
  assert_int_equal(bsim_serve_url(fx->srv, path, buf, len), BSIM_S_OK);
}

static void test_get_is_byte_identical(void **state) {
  struct fixture *fx = *state;
  for (size_t i = 0; i < FILE_COUNT; i++) {
    char path[256];
    char url[512];
    snprintf(path, sizeof path, "/%s", files[i].name);
    url_of(fx, path, url, sizeof url);
    struct http_resp r;
    assert_int_equal(http_do("GET", url, NULL, NULL, 0, &r), CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, files[i].size);
    unsigned char *want = content_of(i);
    assert_memory_equal(r.body ? r.body : want, want, files[i].size);
    free(want);
    char len[32];
    snprintf(len, sizeof len, "%zu", files[i].size);
    assert_string_equal(http_header(&r, "Content-Length"), len);
    http_resp_free(&r);
    struct bsim_serve_stats st;
    assert_int_equal(bsim_serve_stats_get(fx->srv, path, &st), BSIM_S_OK);
    assert_true(st.gets >= 1);
    assert_true(st.body_bytes >= files[i].size);
  }
}

static void test_head_reports_size_and_validators(void **state) {
  struct fixture *fx = *state;
  char url[512];
  url_of(fx, "/a.bin", url, sizeof url);
  struct bsim_serve_stats before;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/a.bin", &before), 0);
  struct http_resp r;
  assert_int_equal(http_do("HEAD", url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, 0);
  assert_string_equal(http_header(&r, "Content-Length"), "100000");
  assert_string_equal(http_header(&r, "Accept-Ranges"), "bytes");
  const char *etag = http_header(&r, "ETag");
  assert_non_null(etag);
  assert_int_equal(etag[0], '"'); /* strong */
  assert_non_null(http_header(&r, "Last-Modified"));
  http_resp_free(&r);
  struct bsim_serve_stats after;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/a.bin", &after), 0);
  assert_int_equal(after.heads, before.heads + 1);
  assert_int_equal(after.body_bytes, before.body_bytes);
}

/* GET url with one Range header; checks status and, for 206, the slice. */
static void expect_range(struct fixture *fx, const char *range,
                         size_t file_index, long status, uint64_t first,
                         uint64_t last) {
  char path[256];
  char url[512];
  char hdr[256];
  snprintf(path, sizeof path, "/%s", files[file_index].name);
  url_of(fx, path, url, sizeof url);
  snprintf(hdr, sizeof hdr, "Range: %s", range);
  const char *hdrs[] = {hdr, NULL};
  struct http_resp r;
  assert_int_equal(http_do("GET", url, hdrs, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, status);
  char want[128];
  if (status == 206) {
    snprintf(want, sizeof want, "bytes %llu-%llu/%zu",
             (unsigned long long)first, (unsigned long long)last,
             files[file_index].size);
    assert_string_equal(http_header(&r, "Content-Range"), want);
    assert_int_equal(r.body_len, last - first + 1);
    unsigned char *data = content_of(file_index);
    assert_memory_equal(r.body, data + first, r.body_len);
    free(data);
  } else if (status == 416) {
    snprintf(want, sizeof want, "bytes */%zu", files[file_index].size);
    assert_string_equal(http_header(&r, "Content-Range"), want);
  } else {
    assert_int_equal(r.body_len, files[file_index].size);
  }
  http_resp_free(&r);
}

static void test_single_ranges_give_206(void **state) {
  struct fixture *fx = *state;
  expect_range(fx, "bytes=100-199", 2, 206, 100, 199);
  expect_range(fx, "bytes=99990-", 2, 206, 99990, 99999);
  expect_range(fx, "bytes=-5", 2, 206, 99995, 99999);
  expect_range(fx, "bytes=0-999999999", 2, 206, 0, 99999);
  expect_range(fx, "bytes=-200000", 2, 206, 0, 99999);
  expect_range(fx, "bytes=0-0", 1, 206, 0, 0);
  expect_range(fx, "bytes=1048576-2097151", 3, 206, 1048576, 2097151);
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/a.bin", &st), 0);
  assert_true(st.ranged >= 5);
}

static void test_unsatisfiable_ranges_give_416(void **state) {
  struct fixture *fx = *state;
  expect_range(fx, "bytes=100000-", 2, 416, 0, 0);
  expect_range(fx, "bytes=100000-100005", 2, 416, 0, 0);
  expect_range(fx, "bytes=0-0", 0, 416, 0, 0); /* empty file */
  expect_range(fx, "bytes=-0", 2, 416, 0, 0);
}

static void test_ignored_ranges_give_whole_body(void **state) {
  struct fixture *fx = *state;
  expect_range(fx, "bytes=0-1,5-6", 2, 200, 0, 0); /* one range only */
  expect_range(fx, "bytes=x-y", 2, 200, 0, 0);
  expect_range(fx, "bytes=9-3", 2, 200, 0, 0);
  expect_range(fx, "items=0-1", 2, 200, 0, 0);
}

/* Fetch the validators of /a.bin. */
static void validators(struct fixture *fx, char *etag, char *lm) {
  char url[512];
  url_of(fx, "/a.bin", url, sizeof url);
  struct http_resp r;
  assert_int_equal(http_do("HEAD", url, NULL, NULL, 0, &r), CURLE_OK);
  snprintf(etag, 256, "%.200s", http_header(&r, "ETag"));
  snprintf(lm, 256, "%.200s", http_header(&r, "Last-Modified"));
  http_resp_free(&r);
}

static long if_range_status(struct fixture *fx, const char *validator,
                            size_t *body_len) {
  char url[512];
  char hdr[512];
  url_of(fx, "/a.bin", url, sizeof url);
  snprintf(hdr, sizeof hdr, "If-Range: %s", validator);
  const char *hdrs[] = {"Range: bytes=10-19", hdr, NULL};
  struct http_resp r;
  assert_int_equal(http_do("GET", url, hdrs, NULL, 0, &r), CURLE_OK);
  long status = r.status;
  *body_len = r.body_len;
  http_resp_free(&r);
  return status;
}

static void test_if_range(void **state) {
  struct fixture *fx = *state;
  char etag[256];
  char lm[256];
  validators(fx, etag, lm);
  size_t len = 0;
  assert_int_equal(if_range_status(fx, etag, &len), 206);
  assert_int_equal(len, 10);
  assert_int_equal(if_range_status(fx, lm, &len), 206);
  assert_int_equal(if_range_status(fx, "\"not-the-etag\"", &len), 200);
  assert_int_equal(len, 100000);
  char weak[300];
  snprintf(weak, sizeof weak, "W/%s", etag);
  assert_int_equal(if_range_status(fx, weak, &len), 200);
  assert_int_equal(if_range_status(fx, "Thu, 01 Jan 1970 00:00:00 GMT", &len),
                   200);
  assert_int_equal(len, 100000);
}

static void test_errors(void **state) {
  struct fixture *fx = *state;
  struct {
    const char *method;
    const char *path;
    long status;
  } cases[] = {{"GET", "/missing.bin", 404}, {"GET", "/sub", 403},
               {"GET", "/sub/", 400},        {"GET", "/", 400},
               {"GET", "/a.bin/x", 404},     {"PUT", "/a.bin", 405},
               {"DELETE", "/a.bin", 405}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char url[512];
    url_of(fx, cases[i].path, url, sizeof url);
    struct http_resp r;
    assert_int_equal(http_do(cases[i].method, url, NULL, NULL, 0, &r),
                     CURLE_OK);
    assert_int_equal(r.status, cases[i].status);
    if (r.status == 405) {
      assert_string_equal(http_header(&r, "Allow"), "GET, HEAD, BITS_POST");
    }
    http_resp_free(&r);
  }
}

static void test_url_and_stats_arguments(void **state) {
  struct fixture *fx = *state;
  char buf[16];
  assert_int_equal(bsim_serve_url(fx->srv, "/a.bin", buf, sizeof buf),
                   BSIM_E_INVALIDARG);
  assert_string_equal(buf, "");
  char url[64];
  assert_int_equal(bsim_serve_url(fx->srv, "a.bin", url, sizeof url),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_serve_url(NULL, "/a", url, sizeof url), BSIM_E_POINTER);
  assert_int_equal(bsim_serve_url(fx->srv, "/a", url, sizeof url), BSIM_S_OK);
  char want[64];
  snprintf(want, sizeof want, "http://127.0.0.1:%u/a",
           (unsigned)bsim_serve_port(fx->srv));
  assert_string_equal(url, want);
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/never", &st), BSIM_S_OK);
  assert_int_equal(st.requests, 0);
  assert_int_equal(bsim_serve_stats_get(fx->srv, NULL, &st), BSIM_S_OK);
  assert_true(st.requests > 0);
  assert_true(st.status_2xx > 0 && st.status_4xx > 0);
  assert_int_equal(bsim_serve_stats_get(fx->srv, NULL, NULL), BSIM_E_POINTER);
  /* A path no fault could name (segments of 199 bytes, 1199 in all) is
   * counted in the totals only. */
  char long_path[1200];
  memset(long_path, 'x', sizeof long_path - 1);
  for (size_t i = 0; i < sizeof long_path - 1; i += 200)
    long_path[i] = '/';
  long_path[sizeof long_path - 1] = '\0';
  char long_url[1300];
  assert_int_equal(
      bsim_serve_url(fx->srv, long_path, long_url, sizeof long_url), BSIM_S_OK);
  struct bsim_serve_stats before;
  assert_int_equal(bsim_serve_stats_get(fx->srv, NULL, &before), BSIM_S_OK);
  struct http_resp r;
  assert_int_equal(http_do("GET", long_url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 404);
  http_resp_free(&r);
  assert_int_equal(bsim_serve_stats_get(fx->srv, NULL, &st), BSIM_S_OK);
  assert_int_equal(st.requests, before.requests + 1);
  assert_int_equal(bsim_serve_stats_get(fx->srv, long_path, &st), BSIM_S_OK);
  assert_int_equal(st.requests, 0);
}

static void test_start_arguments(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options opts;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(NULL, &srv), BSIM_E_POINTER);
  bsim_serve_options_init(&opts);
  opts.version = 99;
  assert_int_equal(bsim_serve_start(&opts, &srv), BSIM_E_INVALIDARG);
  bsim_serve_options_init(&opts);
  opts.root_dir = "/nonexistent/bitsim";
  assert_int_equal(bsim_serve_start(&opts, &srv), BSIM_E_INVALIDARG);
  bsim_serve_options_init(&opts);
  opts.reply_mode = BSIM_SERVE_REPLY_FIXED; /* without a body */
  assert_int_equal(bsim_serve_start(&opts, &srv), BSIM_E_INVALIDARG);
  bsim_serve_options_init(&opts);
  opts.port = bsim_serve_port(fx->srv); /* taken */
  assert_int_equal(bsim_serve_start(&opts, &srv), BSIM_E_ALREADY_EXISTS);
  assert_null(srv);
  bsim_serve_stop(NULL);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_get_is_byte_identical),
      cmocka_unit_test(test_head_reports_size_and_validators),
      cmocka_unit_test(test_single_ranges_give_206),
      cmocka_unit_test(test_unsatisfiable_ranges_give_416),
      cmocka_unit_test(test_ignored_ranges_give_whole_body),
      cmocka_unit_test(test_if_range),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_url_and_stats_arguments),
      cmocka_unit_test(test_start_arguments),
  };
  int failed =
      cmocka_run_group_tests_name("serve_files", tests, setup, teardown);
  curl_global_cleanup();
  return failed;
}
