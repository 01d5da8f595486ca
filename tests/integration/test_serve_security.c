/* Hostile requests against `bitsim serve`: path traversal in every spelling
 * ("..", percent-encoded "%2e%2e" and "%2f", backslashes, empty segments that
 * would make an absolute path), symlinks out of the root, the peer and the
 * upload directories (refused, even when planted mid-upload), uploads aimed
 * at the server's own partial files, and malformed or oversized requests
 * sent on raw sockets (garbage request lines, huge headers, missing Host, a
 * chunked fragment, a body far past its bound, a client that disappears
 * mid-body). After each, nothing outside the directories was read or
 * written and the server still answers a normal GET.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "serve_test_client.h"

#define GUID "{7df0354d-249b-430f-820d-3d2a9bef4931}"
#define SECRET "top secret, outside every served directory\n"

struct fixture {
  bsim_serve *srv;
  char dir[4096];
  char root[4200];
  char upload[4200];
  char outside[4200];
};

static int make_tree(struct fixture *fx) {
  snprintf(fx->root, sizeof fx->root, "%s/root", fx->dir);
  snprintf(fx->upload, sizeof fx->upload, "%s/up", fx->dir);
  snprintf(fx->outside, sizeof fx->outside, "%s/outside", fx->dir);
  char path[4400];
  if (mkdir(fx->root, 0755) || mkdir(fx->upload, 0755) ||
      mkdir(fx->outside, 0755)) {
    return -1;
  }
  if (put_file(fx->outside, "secret.txt", SECRET, strlen(SECRET)) ||
      put_file(fx->root, "a.bin", "hello", 5)) {
    return -1;
  }
  snprintf(path, sizeof path, "%s/link", fx->root);
  if (symlink("../outside", path) != 0) return -1;
  snprintf(path, sizeof path, "%s/flink", fx->root);
  if (symlink("../outside/secret.txt", path) != 0) return -1;
  snprintf(path, sizeof path, "%s/esc", fx->upload);
  return symlink("../outside", path);
}

static int setup(void **state) {
  static struct fixture fx;
  const char *dir = bsim_test_tmpdir("serve_security");
  if (dir == NULL) return -1;
  snprintf(fx.dir, sizeof fx.dir, "%s", dir);
  if (make_tree(&fx) != 0) return -1;
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  o.root_dir = fx.root;
  o.upload_dir = fx.upload;
  o.max_fragment_bytes = 65536;
  if (bsim_serve_start(&o, &fx.srv) != BSIM_S_OK) return -1;
  *state = &fx;
  return 0;
}

static int teardown(void **state) {
  struct fixture *fx = *state;
  bsim_serve_stop(fx->srv);
  return 0;
}

/* The outside directory holds exactly secret.txt, unchanged. */
static void expect_outside_untouched(struct fixture *fx) {
  DIR *d = opendir(fx->outside);
  assert_non_null(d);
  int n = 0;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
      assert_string_equal(e->d_name, "secret.txt");
      n++;
    }
  }
  closedir(d);
  assert_int_equal(n, 1);
  char path[4400];
  snprintf(path, sizeof path, "%s/secret.txt", fx->outside);
  unsigned char *data = NULL;
  size_t len = 0;
  assert_int_equal(get_file(path, &data, &len), 0);
  assert_int_equal(len, strlen(SECRET));
  assert_memory_equal(data, SECRET, len);
  free(data);
}

static void expect_alive(struct fixture *fx) {
  char url[512];
  assert_int_equal(bsim_serve_url(fx->srv, "/a.bin", url, sizeof url), 0);
  struct http_resp r;
  assert_int_equal(http_do("GET", url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, 5);
  http_resp_free(&r);
}

static long get_status(struct fixture *fx, const char *method, const char *path,
                       const char *const *hdrs) {
  char url[1024];
  snprintf(url, sizeof url, "http://127.0.0.1:%u%s",
           (unsigned)bsim_serve_port(fx->srv), path);
  struct http_resp r;
  (void)http_do(method, url, hdrs, method[0] == 'B' ? "" : NULL, 0, &r);
  assert_int_equal(r.code, CURLE_OK);
  if (r.body != NULL) assert_null(strstr((char *)r.body, "top secret"));
  long status = r.status;
  http_resp_free(&r);
  return status;
}

static void test_get_traversal_refused(void **state) {
  struct fixture *fx = *state;
  static const struct {
    const char *path;
    long status;
  } cases[] = {{"/../outside/secret.txt", 400},
               {"/%2e%2e/outside/secret.txt", 400},
               {"/%2E%2E%2Foutside%2Fsecret.txt", 400},
               {"/link/../../outside/secret.txt", 400},
               {"/./a.bin", 400},
               {"//etc/passwd", 400},
               {"/%2Fetc%2Fpasswd", 400},
               {"/..%5Coutside%5Csecret.txt", 400},
               {"/a.bin%0A", 400},
               {"/.bitsim-partial/x", 400},
               {"/link/secret.txt", 403},
               {"/flink", 403},
               {"/peer/../outside/secret.txt", 400},
               {"/peer/%2e%2e/outside/secret.txt", 400},
               {"/peer/link/secret.txt", 403},
               {"/peer/flink", 403},
               {"/bitsim-reply/../outside/secret.txt", 404},
               {"/etc/passwd", 404}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    long status = get_status(fx, "GET", cases[i].path, NULL);
    if (status != cases[i].status) print_error("%s\n", cases[i].path);
    assert_int_equal(status, cases[i].status);
  }
  expect_alive(fx);
}

static void test_upload_traversal_refused(void **state) {
  struct fixture *fx = *state;
  const char *hdrs[] = {"BITS-Packet-Type: Create-Session",
                        "BITS-Supported-Protocols: " GUID, NULL};
  static const struct {
    const char *path;
    long status;
  } cases[] = {{"/../outside/evil.bin", 400},
               {"/%2e%2e/outside/evil.bin", 400},
               {"/x/%2E%2E/%2E%2E/outside/evil.bin", 400},
               {"//tmp/evil.bin", 400},
               {"/%2Ftmp%2Fevil.bin", 400},
               {"/.bitsim-partial/s0.part", 400},
               {"/esc/evil.bin", 403},
               {"/esc", 403}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    long status = get_status(fx, "BITS_POST", cases[i].path, hdrs);
    if (status != cases[i].status) print_error("%s\n", cases[i].path);
    assert_int_equal(status, cases[i].status);
  }
  assert_int_equal(bsim_serve_session_count(fx->srv), 0);
  expect_outside_untouched(fx);
}

/* A directory of the upload's path becomes a symlink after Create-Session:
 * the last fragment cannot follow it. */
static void test_symlink_planted_mid_upload(void **state) {
  struct fixture *fx = *state;
  char url[512];
  assert_int_equal(bsim_serve_url(fx->srv, "/plant/f.bin", url, sizeof url), 0);
  const char *create_hdrs[] = {"BITS-Packet-Type: Create-Session",
                               "BITS-Supported-Protocols: " GUID, NULL};
  struct http_resp r;
  assert_int_equal(http_do("BITS_POST", url, create_hdrs, "", 0, &r), 0);
  assert_int_equal(r.status, 200);
  char sid[128];
  snprintf(sid, sizeof sid, "BITS-Session-Id: %.40s",
           http_header(&r, "BITS-Session-Id"));
  http_resp_free(&r);
  char path[4400];
  snprintf(path, sizeof path, "%s/plant", fx->upload);
  assert_int_equal(symlink("../outside", path), 0);
  const char *frag[] = {"BITS-Packet-Type: Fragment", sid,
                        "Content-Range: bytes 0-3/4", NULL};
  assert_int_equal(http_do("BITS_POST", url, frag, "evil", 4, &r), 0);
  assert_int_equal(r.status, 500);
  assert_string_equal(http_header(&r, "BITS-Error-Code"), "0x80070005");
  http_resp_free(&r);
  expect_outside_untouched(fx);
}

static void expect_raw_refused(struct fixture *fx, const char *req,
                               const char *want) {
  char buf[8192];
  long n =
      raw_exchange(bsim_serve_port(fx->srv), req, strlen(req), buf, sizeof buf);
  assert_true(n >= 0);
  if (want != NULL && strstr(buf, want) == NULL) {
    print_error("sent %.60s... got %.200s\n", req, buf);
  }
  if (want != NULL) assert_non_null(strstr(buf, want));
  assert_null(strstr(buf, "top secret"));
  expect_alive(fx);
}

static void test_malformed_requests(void **state) {
  struct fixture *fx = *state;
  expect_raw_refused(fx, "GARBAGE\r\n\r\n", NULL);
  expect_raw_refused(fx, "\r\n\r\nGET /a.bin HTTP/1.1 x\r\nHost: x\r\n\r\n",
                     " 400 ");
  expect_raw_refused(fx, "GET /a.bin\r\n\r\n", " 400 ");
  expect_raw_refused(fx, "GET /a.bin HTTP/1.1\r\n\r\n", " 400 "); /* Host */
  expect_raw_refused(
      fx, "GET /a.bin HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n",
      " 505 ");
  expect_raw_refused(
      fx, "GET a.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      " 400 ");
  expect_raw_refused(fx,
                     "GET http://127.0.0.1/../outside/secret.txt HTTP/1.1\r\n"
                     "Host: x\r\nConnection: close\r\n\r\n",
                     NULL);
  expect_raw_refused(fx,
                     "GET /a.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Bad Header\r\n\r\n",
                     NULL);
  /* A chunked fragment has no Content-Length to check: 400. */
  expect_raw_refused(fx,
                     "BITS_POST /c.bin HTTP/1.1\r\nHost: x\r\n"
                     "BITS-Packet-Type: Fragment\r\n"
                     "BITS-Session-Id: {x}\r\n"
                     "Content-Range: bytes 0-3/4\r\nConnection: close\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
                     "BITS-Error-Code: 0x80070057");
}

static void test_oversized_requests(void **state) {
  struct fixture *fx = *state;
  /* 100 KiB of headers: past the connection's memory limit. */
  size_t big = 100 * 1024;
  char *req = malloc(big + 256);
  int n = snprintf(req, 256, "GET /a.bin HTTP/1.1\r\nHost: x\r\nX-Big: ");
  memset(req + n, 'a', big);
  memcpy(req + n + big, "\r\n\r\n", 5);
  expect_raw_refused(fx, req, " 431 ");
  /* A GET body far past its bound, and a fragment bigger than allowed. */
  n = snprintf(req, 256,
               "GET /a.bin HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n",
               big);
  memset(req + n, 'b', big);
  req[n + big] = '\0';
  expect_raw_refused(fx, req, NULL);
  n = snprintf(req, 256,
               "BITS_POST /f.bin HTTP/1.1\r\nHost: x\r\n"
               "BITS-Packet-Type: Fragment\r\nBITS-Session-Id: {x}\r\n"
               "Content-Range: bytes 0-102399/102400\r\n"
               "Content-Length: %zu\r\n\r\n",
               big);
  memset(req + n, 'c', big);
  req[n + big] = '\0';
  expect_raw_refused(fx, req, NULL);
  /* A client that announces a body and leaves halfway. */
  n = snprintf(req, 256,
               "BITS_POST /f.bin HTTP/1.1\r\nHost: x\r\n"
               "BITS-Packet-Type: Ping\r\nContent-Length: 1000\r\n\r\nabc");
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(bsim_serve_port(fx->srv));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(s, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(send(s, req, (size_t)n, MSG_NOSIGNAL), n);
  close(s);
  free(req);
  expect_alive(fx);
  expect_outside_untouched(fx);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_get_traversal_refused),
      cmocka_unit_test(test_upload_traversal_refused),
      cmocka_unit_test(test_symlink_planted_mid_upload),
      cmocka_unit_test(test_malformed_requests),
      cmocka_unit_test(test_oversized_requests),
  };
  int failed =
      cmocka_run_group_tests_name("serve_security", tests, setup, teardown);
  curl_global_cleanup();
  return failed;
}
