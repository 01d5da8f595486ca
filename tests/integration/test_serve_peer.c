/* The peer-cache endpoint of `bitsim serve` (reference §7, §11): /peer/<path>
 * serves the peer directory's copy of the origin file <path> with the same
 * Range and validator behaviour plus `X-Bitsim-Source: peer`; a copy the
 * peer lacks is a 404 (cache miss); by default the peer directory is the
 * root; a fault script can corrupt the peer's copy while the origin stays
 * right, which is the peer-versus-origin validation path: the client's
 * check of the peer bytes fails and a fetch from the origin gets the right
 * ones. Counters are kept apart for /peer/<path> and /<path>.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "serve_test_client.h"

#define SIZE 50000u

struct fixture {
  bsim_serve *srv;
  char root[4200];
  char peer[4200];
  unsigned char *data;
};

static int setup(void **state) {
  static struct fixture fx;
  const char *dir = bsim_test_tmpdir("serve_peer");
  if (dir == NULL) return -1;
  snprintf(fx.root, sizeof fx.root, "%s/origin", dir);
  snprintf(fx.peer, sizeof fx.peer, "%s/peer", dir);
  if (mkdir(fx.root, 0755) != 0 || mkdir(fx.peer, 0755) != 0) return -1;
  fx.data = make_bytes(bsim_test_seed() + 5, SIZE);
  if (put_file(fx.root, "a.bin", fx.data, SIZE) ||
      put_file(fx.root, "b.bin", fx.data, SIZE) ||
      put_file(fx.peer, "a.bin", fx.data, SIZE)) {
    return -1;
  }
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  o.root_dir = fx.root;
  o.peer_dir = fx.peer;
  if (bsim_serve_start(&o, &fx.srv) != BSIM_S_OK) return -1;
  *state = &fx;
  return 0;
}

static int teardown(void **state) {
  struct fixture *fx = *state;
  bsim_serve_stop(fx->srv);
  free(fx->data);
  return 0;
}

static void fetch(bsim_serve *srv, const char *path, const char *const *hdrs,
                  struct http_resp *r) {
  char url[512];
  assert_int_equal(bsim_serve_url(srv, path, url, sizeof url), 0);
  assert_int_equal(http_do("GET", url, hdrs, NULL, 0, r), CURLE_OK);
}

static void test_peer_copy_served(void **state) {
  struct fixture *fx = *state;
  struct http_resp r;
  fetch(fx->srv, "/peer/a.bin", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(http_header(&r, "X-Bitsim-Source"), "peer");
  assert_int_equal(r.body_len, SIZE);
  assert_memory_equal(r.body, fx->data, SIZE);
  http_resp_free(&r);
  const char *hdrs[] = {"Range: bytes=100-199", NULL};
  fetch(fx->srv, "/peer/a.bin", hdrs, &r);
  assert_int_equal(r.status, 206);
  assert_memory_equal(r.body, fx->data + 100, 100);
  http_resp_free(&r);
  fetch(fx->srv, "/a.bin", NULL, &r); /* the origin: no peer header */
  assert_null(http_header(&r, "X-Bitsim-Source"));
  http_resp_free(&r);
}

static void test_cache_miss(void **state) {
  struct fixture *fx = *state;
  struct http_resp r;
  fetch(fx->srv, "/peer/b.bin", NULL, &r);
  assert_int_equal(r.status, 404);
  http_resp_free(&r);
  fetch(fx->srv, "/b.bin", NULL, &r);
  assert_int_equal(r.status, 200);
  http_resp_free(&r);
}

static int same(const struct http_resp *r, const unsigned char *data) {
  return r->body_len == SIZE && memcmp(r->body, data, SIZE) == 0;
}

static void test_corrupt_peer_then_origin(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_fault f;
  assert_int_equal(
      bsim_serve_fault_parse("path=/peer/a.bin,corrupt=1000+1", &f, NULL, 0),
      0);
  assert_int_equal(bsim_serve_fault_add(fx->srv, &f), 0);
  struct bsim_serve_stats before_origin;
  struct bsim_serve_stats before_peer;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/a.bin", &before_origin), 0);
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/peer/a.bin", &before_peer),
                   0);
  struct http_resp r;
  fetch(fx->srv, "/peer/a.bin", NULL, &r);
  assert_false(same(&r, fx->data)); /* validation of the peer copy fails */
  assert_int_equal(r.body[1000], (unsigned char)~fx->data[1000]);
  http_resp_free(&r);
  fetch(fx->srv, "/a.bin", NULL, &r); /* so the file comes from the origin */
  assert_true(same(&r, fx->data));
  http_resp_free(&r);
  struct bsim_serve_stats origin;
  struct bsim_serve_stats peer;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/a.bin", &origin), 0);
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/peer/a.bin", &peer), 0);
  assert_int_equal(peer.requests, before_peer.requests + 1);
  assert_int_equal(peer.faulted, before_peer.faulted + 1);
  assert_int_equal(peer.body_bytes, before_peer.body_bytes + SIZE);
  assert_int_equal(origin.requests, before_origin.requests + 1);
  assert_int_equal(origin.faulted, before_origin.faulted);
  bsim_serve_fault_clear(fx->srv);
}

static void test_peer_defaults_to_root(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  o.root_dir = fx->root;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  struct http_resp r;
  fetch(srv, "/peer/b.bin", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_true(same(&r, fx->data));
  http_resp_free(&r);
  bsim_serve_stop(srv);
  bsim_serve_options_init(&o); /* nothing to serve at all */
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  fetch(srv, "/peer/b.bin", NULL, &r);
  assert_int_equal(r.status, 404);
  http_resp_free(&r);
  fetch(srv, "/b.bin", NULL, &r);
  assert_int_equal(r.status, 404);
  http_resp_free(&r);
  bsim_serve_stop(srv);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_peer_copy_served),
      cmocka_unit_test(test_cache_miss),
      cmocka_unit_test(test_corrupt_peer_then_origin),
      cmocka_unit_test(test_peer_defaults_to_root),
  };
  int failed =
      cmocka_run_group_tests_name("serve_peer", tests, setup, teardown);
  curl_global_cleanup();
  return failed;
}
