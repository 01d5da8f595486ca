/* Allocation-failure sweeps over `bitsim serve` (style B.12): failing the
 * nth allocation of bsim_serve_start, of bsim_serve_fault_add and of the
 * server's work on a GET and on each upload packet. Each step must end in a
 * clean failure (E_OUTOFMEMORY, an error answer or a closed connection),
 * change nothing (the fault table, the session table, the files) and leak
 * nothing (LeakSanitizer in the sanitizer build); after the failures stop,
 * the server works as before. n grows until the operation succeeds without
 * any injected failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "serve_test_client.h"
#include "util/alloc.h"

#define GUID "{7df0354d-249b-430f-820d-3d2a9bef4931}"
#define SWEEP_MAX 64

static char root[4200];
static char upload[4200];

static struct bsim_serve_options options(void) {
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  o.root_dir = root;
  o.upload_dir = upload;
  o.reply_mode = BSIM_SERVE_REPLY_FIXED;
  o.reply_body = "reply";
  return o;
}

static void test_start_sweep(void **state) {
  (void)state;
  struct bsim_serve_options o = options();
  for (uint64_t n = 1; n <= SWEEP_MAX; n++) {
    uint64_t failures = bsim__alloc_failures();
    bsim__alloc_fail_after(n);
    bsim_serve *srv = NULL;
    bsim_hr hr = bsim_serve_start(&o, &srv);
    bsim__alloc_fail_reset();
    if (hr == BSIM_S_OK) {
      bsim_serve_stop(srv);
      if (bsim__alloc_failures() == failures) return; /* all done */
      continue; /* only later work (a thread) failed */
    }
    assert_int_equal(hr, BSIM_E_OUTOFMEMORY);
    assert_null(srv);
  }
  fail_msg("start still failing after %d allocations", SWEEP_MAX);
}

static void test_fault_add_sweep(void **state) {
  (void)state;
  struct bsim_serve_options o = options();
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  struct bsim_serve_fault f;
  assert_int_equal(
      bsim_serve_fault_parse("path=/a.bin,status=503,count=1", &f, NULL, 0), 0);
  bsim__alloc_fail_after(1);
  bsim_hr hr = bsim_serve_fault_add(srv, &f);
  bsim__alloc_fail_reset();
  assert_int_equal(hr, BSIM_E_OUTOFMEMORY);
  char url[512];
  assert_int_equal(bsim_serve_url(srv, "/a.bin", url, sizeof url), 0);
  struct http_resp r;
  assert_int_equal(http_do("GET", url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 200); /* the fault was not added */
  http_resp_free(&r);
  assert_int_equal(bsim_serve_fault_add(srv, &f), BSIM_S_OK);
  assert_int_equal(http_do("GET", url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 503);
  http_resp_free(&r);
  bsim_serve_stop(srv);
}

/* Run one request with the nth allocation failing; returns 1 once a run
 * saw no injected failure. */
static int get_with_failure(bsim_serve *srv, uint64_t n) {
  char url[512];
  assert_int_equal(bsim_serve_url(srv, "/a.bin", url, sizeof url), 0);
  uint64_t failures = bsim__alloc_failures();
  bsim__alloc_fail_after(n);
  struct http_resp r;
  CURLcode code = http_do("GET", url, NULL, NULL, 0, &r);
  bsim__alloc_fail_reset();
  int clean = bsim__alloc_failures() == failures;
  if (code == CURLE_OK && r.status == 200) {
    assert_int_equal(r.body_len, 5);
    assert_memory_equal(r.body, "hello", 5);
  } else {
    assert_false(clean); /* only an injected failure may break it */
  }
  http_resp_free(&r);
  return clean && code == CURLE_OK;
}

static void test_get_sweep(void **state) {
  (void)state;
  struct bsim_serve_options o = options();
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  uint64_t before = bsim__alloc_failures();
  uint64_t n = 1;
  while (!get_with_failure(srv, n)) {
    assert_true(++n <= SWEEP_MAX);
  }
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(srv, NULL, &st), 0);
  assert_true(st.requests >= 1);
  assert_true(n > 1 && bsim__alloc_failures() > before);
  bsim_serve_stop(srv);
}

/* The whole upload, each request retried until it gets a real answer. A
 * failed request must leave the session table and files as they were, which
 * the final byte-identical file and the session count check. */
static long bits_retry(bsim_serve *srv, const char *const *hdrs,
                       const char *body, size_t len, uint64_t n,
                       struct http_resp *r) {
  char url[512];
  assert_int_equal(bsim_serve_url(srv, "/up.bin", url, sizeof url), 0);
  for (;;) {
    bsim__alloc_fail_after(n);
    CURLcode code = http_do("BITS_POST", url, hdrs, body, len, r);
    bsim__alloc_fail_reset();
    if (code == CURLE_OK && r->status != 500) return r->status;
    if (code == CURLE_OK) {
      assert_string_equal(http_header(r, "BITS-Error-Code"), "0x8007000E");
    }
    http_resp_free(r);
    n++; /* fail later next time, until nothing fails */
  }
}

static void upload_with_failures(uint64_t n) {
  struct bsim_serve_options o = options();
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  struct http_resp r;
  const char *create[] = {"BITS-Packet-Type: Create-Session",
                          "BITS-Supported-Protocols: " GUID, NULL};
  assert_int_equal(bits_retry(srv, create, "", 0, n, &r), 200);
  char sid[128];
  snprintf(sid, sizeof sid, "BITS-Session-Id: %.40s",
           http_header(&r, "BITS-Session-Id"));
  http_resp_free(&r);
  assert_int_equal(bsim_serve_session_count(srv), 1);
  const char *frag[] = {"BITS-Packet-Type: Fragment", sid,
                        "Content-Range: bytes 0-9/10", NULL};
  assert_int_equal(bits_retry(srv, frag, "0123456789", 10, n, &r), 200);
  assert_string_equal(http_header(&r, "BITS-Received-Content-Range"), "10");
  http_resp_free(&r);
  const char *close_hdrs[] = {"BITS-Packet-Type: Close-Session", sid, NULL};
  long status = bits_retry(srv, close_hdrs, "", 0, n, &r);
  http_resp_free(&r);
  bsim_serve_stop(srv);
  assert_int_equal(status, 200);
  char path[4400];
  snprintf(path, sizeof path, "%s/up.bin", upload);
  unsigned char *data = NULL;
  size_t len = 0;
  assert_int_equal(get_file(path, &data, &len), 0);
  assert_int_equal(len, 10);
  assert_memory_equal(data, "0123456789", 10);
  free(data);
  assert_int_equal(unlink(path), 0);
}

static void test_upload_sweep(void **state) {
  (void)state;
  for (uint64_t n = 1; n <= 8; n++)
    upload_with_failures(n);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char *dir = bsim_test_tmpdir("serve_oom");
  if (dir == NULL) return 1;
  snprintf(root, sizeof root, "%s/root", dir);
  snprintf(upload, sizeof upload, "%s/up", dir);
  if (mkdir(root, 0755) != 0 || mkdir(upload, 0755) != 0) return 1;
  if (put_file(root, "a.bin", "hello", 5) != 0) return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_start_sweep),
      cmocka_unit_test(test_fault_add_sweep),
      cmocka_unit_test(test_get_sweep),
      cmocka_unit_test(test_upload_sweep),
  };
  int failed = cmocka_run_group_tests_name("serve_oom", tests, NULL, NULL);
  curl_global_cleanup();
  return failed;
}
