/* The BITS upload protocol on `bitsim serve` ([MC-BUP], reference §9, §9.1),
 * driven with raw BITS_POST requests through libcurl (CURLOPT_CUSTOMREQUEST):
 * Ping; Create-Session (protocol negotiation, session id); fragments with a
 * gap answered 416 and the offset wanted, the resync, an overlap of which
 * only the new tail is written; Close-Session with the file in the upload
 * directory byte-identical; packet types in any case; Cancel-Session; an
 * unknown session (500 + BG_E_SESSION_NOT_FOUND); the size limits (413 +
 * BG_E_TOO_LARGE); malformed headers (400 + E_INVALIDARG); upload-reply in
 * its three modes with the BITS-Reply-URL fetched by GET; the session
 * timeout (on a test clock, no waiting); the session limit; overwrite
 * refusal; uploads disabled; scripted faults on BITS_POST (an error Ack, a
 * lost Ack followed by a resend, a stall); an empty file; a fragment big
 * enough for Expect: 100-continue.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdatomic.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "serve_test_client.h"

#define GUID "{7df0354d-249b-430f-820d-3d2a9bef4931}"
#define UPLOAD_SIZE 100000u

struct fixture {
  bsim_serve *srv;
  char dir[4096];    /* test directory */
  char upload[4200]; /* dir/up: the upload directory */
  unsigned char *data;
};

static _Atomic uint64_t fake_now_ms;

static uint64_t fake_clock(void *user) {
  (void)user;
  return atomic_load(&fake_now_ms);
}

static struct bsim_serve_options base_options(struct fixture *fx) {
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  o.root_dir = fx->dir;
  o.upload_dir = fx->upload;
  return o;
}

static int setup(void **state) {
  static struct fixture fx;
  const char *dir = bsim_test_tmpdir("serve_upload");
  if (dir == NULL) return -1;
  snprintf(fx.dir, sizeof fx.dir, "%s", dir);
  snprintf(fx.upload, sizeof fx.upload, "%s/up", fx.dir);
  if (mkdir(fx.upload, 0755) != 0) return -1;
  fx.data = make_bytes(bsim_test_seed() + 77, UPLOAD_SIZE);
  struct bsim_serve_options o = base_options(&fx);
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

/* One BITS_POST. session may be NULL; extra is one more header or NULL. */
static void bits(bsim_serve *srv, const char *path, const char *packet,
                 const char *session, const char *extra, const void *body,
                 size_t len, struct http_resp *r) {
  char url[512];
  char type[128];
  char sid[128];
  assert_int_equal(bsim_serve_url(srv, path, url, sizeof url), 0);
  snprintf(type, sizeof type, "BITS-Packet-Type: %s", packet);
  snprintf(sid, sizeof sid, "BITS-Session-Id: %s", session ? session : "");
  const char *hdrs[4] = {type, NULL, NULL, NULL};
  size_t n = 1;
  if (session != NULL) hdrs[n++] = sid;
  if (extra != NULL) hdrs[n++] = extra;
  (void)http_do("BITS_POST", url, hdrs, body ? body : "", len, r);
}

static void expect_error(const struct http_resp *r, long status,
                         const char *code) {
  assert_int_equal(r->code, CURLE_OK);
  assert_int_equal(r->status, status);
  assert_string_equal(http_header(r, "BITS-Packet-Type"), "Ack");
  assert_string_equal(http_header(r, "BITS-Error-Code"), code);
  assert_string_equal(http_header(r, "BITS-Error-Context"), "0x5");
  assert_string_equal(http_header(r, "Content-Length"), "0");
}

/* Create-Session on path; the session id goes to id (40 bytes). */
static void create(bsim_serve *srv, const char *path, char *id) {
  struct http_resp r;
  bits(srv, path, "Create-Session", NULL, "BITS-Supported-Protocols: " GUID,
       NULL, 0, &r);
  assert_int_equal(r.status, 200);
  const char *sid = http_header(&r, "BITS-Session-Id");
  assert_non_null(sid);
  assert_int_equal(strlen(sid), 38);
  snprintf(id, 40, "%s", sid);
  http_resp_free(&r);
}

/* A Fragment of data[first, end) of a total-byte upload. */
static void fragment(bsim_serve *srv, const char *path, const char *id,
                     const unsigned char *data, uint64_t first, uint64_t end,
                     uint64_t total, struct http_resp *r) {
  char range[128];
  snprintf(range, sizeof range, "Content-Range: bytes %llu-%llu/%llu",
           (unsigned long long)first, (unsigned long long)end - 1,
           (unsigned long long)total);
  bits(srv, path, "Fragment", id, range, data + first, end - first, r);
}

static void expect_received(struct http_resp *r, long status,
                            const char *received) {
  assert_int_equal(r->code, CURLE_OK);
  assert_int_equal(r->status, status);
  assert_string_equal(http_header(r, "BITS-Received-Content-Range"), received);
  http_resp_free(r);
}

static int partial_files(struct fixture *fx) {
  char path[4400];
  snprintf(path, sizeof path, "%s/.bitsim-partial", fx->upload);
  DIR *d = opendir(path);
  if (d == NULL) return -1;
  int n = 0;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (e->d_name[0] != '.') n++;
  }
  closedir(d);
  return n;
}

static void expect_uploaded(struct fixture *fx, const char *name,
                            const unsigned char *data, size_t len) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", fx->upload, name);
  unsigned char *got = NULL;
  size_t got_len = 0;
  assert_int_equal(get_file(path, &got, &got_len), 0);
  assert_int_equal(got_len, len);
  assert_memory_equal(got, data, len);
  free(got);
}

static void test_ping(void **state) {
  struct fixture *fx = *state;
  struct http_resp r;
  bits(fx->srv, "/anything", "Ping", NULL, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(http_header(&r, "BITS-Packet-Type"), "Ack");
  assert_string_equal(http_header(&r, "Content-Length"), "0");
  assert_null(http_header(&r, "BITS-Error-Code"));
  http_resp_free(&r);
}

static void test_create_session_negotiates(void **state) {
  struct fixture *fx = *state;
  struct http_resp r;
  bits(fx->srv, "/neg.bin", "Create-Session", NULL,
       "BITS-Supported-Protocols: {00000000-0000-0000-0000-000000000000},"
       "{7DF0354D-249B-430F-820D-3D2A9BEF4931}",
       NULL, 0, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(http_header(&r, "BITS-Protocol"), GUID);
  assert_string_equal(http_header(&r, "Accept-Encoding"), "Identity");
  assert_null(http_header(&r, "BITS-Error-Code"));
  char id[40];
  snprintf(id, sizeof id, "%.38s", http_header(&r, "BITS-Session-Id"));
  assert_int_equal(id[0], '{');
  assert_int_equal(id[37], '}');
  http_resp_free(&r);
  assert_int_equal(bsim_serve_session_count(fx->srv), 1);
  bits(fx->srv, "/neg.bin", "Close-Session", id, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(http_header(&r, "BITS-Session-Id"), id);
  http_resp_free(&r);
  assert_int_equal(bsim_serve_session_count(fx->srv), 0);
  /* No protocol in common, or none offered: 400 + E_INVALIDARG. */
  bits(fx->srv, "/neg.bin", "Create-Session", NULL,
       "BITS-Supported-Protocols: {00000000-0000-0000-0000-000000000000}", NULL,
       0, &r);
  expect_error(&r, 400, "0x80070057");
  http_resp_free(&r);
  bits(fx->srv, "/neg.bin", "Create-Session", NULL, NULL, NULL, 0, &r);
  expect_error(&r, 400, "0x80070057");
  http_resp_free(&r);
}

static void test_fragments_gap_resync_close(void **state) {
  struct fixture *fx = *state;
  char id[40];
  struct http_resp r;
  create(fx->srv, "/whole.bin", id);
  const unsigned char *d = fx->data;
  fragment(fx->srv, "/whole.bin", id, d, 0, 30000, UPLOAD_SIZE, &r);
  assert_null(http_header(&r, "BITS-Error-Code"));
  assert_string_equal(http_header(&r, "BITS-Session-Id"), id);
  expect_received(&r, 200, "30000");
  /* A gap: 416, the offset wanted, error code 0, nothing written. */
  fragment(fx->srv, "/whole.bin", id, d, 60000, 90000, UPLOAD_SIZE, &r);
  assert_string_equal(http_header(&r, "BITS-Error-Code"), "0x00000000");
  expect_received(&r, 416, "30000");
  fragment(fx->srv, "/whole.bin", id, d, 30000, 60000, UPLOAD_SIZE, &r);
  expect_received(&r, 200, "60000");
  /* An overlap: bytes already received are ignored. Send garbage there to
   * prove it: the file must still come out right. */
  unsigned char *mixed = malloc(UPLOAD_SIZE);
  memcpy(mixed, d, UPLOAD_SIZE);
  memset(mixed + 50000, 0xEE, 10000);
  fragment(fx->srv, "/whole.bin", id, mixed, 50000, 80000, UPLOAD_SIZE, &r);
  free(mixed);
  expect_received(&r, 200, "80000");
  char path[4400];
  snprintf(path, sizeof path, "%s/whole.bin", fx->upload);
  assert_false(path_exists(path)); /* not before the last byte */
  fragment(fx->srv, "/whole.bin", id, d, 80000, UPLOAD_SIZE, UPLOAD_SIZE, &r);
  assert_null(http_header(&r, "BITS-Reply-URL")); /* plain upload */
  expect_received(&r, 200, "100000");
  expect_uploaded(fx, "whole.bin", d, UPLOAD_SIZE);
  bits(fx->srv, "/whole.bin", "Close-Session", id, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  http_resp_free(&r);
  expect_uploaded(fx, "whole.bin", d, UPLOAD_SIZE);
  assert_int_equal(partial_files(fx), 0);
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(fx->srv, "/whole.bin", &st), 0);
  assert_int_equal(st.bits_posts, 7);
  assert_int_equal(st.upload_bytes, 30000 * 4 + 20000);
}

static void test_packet_types_any_case(void **state) {
  struct fixture *fx = *state;
  struct http_resp r;
  bits(fx->srv, "/case.bin", "CREATE-SESSION", NULL,
       "BITS-Supported-Protocols: " GUID, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  char id[40];
  snprintf(id, sizeof id, "%.38s", http_header(&r, "BITS-Session-Id"));
  http_resp_free(&r);
  char range[64];
  snprintf(range, sizeof range, "Content-Range: bytes 0-9/10");
  bits(fx->srv, "/case.bin", "fragment", id, range, fx->data, 10, &r);
  expect_received(&r, 200, "10");
  bits(fx->srv, "/case.bin", "cLoSe-SeSsIoN", id, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  http_resp_free(&r);
  bits(fx->srv, "/case.bin", "PING", NULL, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  http_resp_free(&r);
  expect_uploaded(fx, "case.bin", fx->data, 10);
}

static void test_cancel_session(void **state) {
  struct fixture *fx = *state;
  char id[40];
  struct http_resp r;
  create(fx->srv, "/cancelled.bin", id);
  fragment(fx->srv, "/cancelled.bin", id, fx->data, 0, 1000, UPLOAD_SIZE, &r);
  expect_received(&r, 200, "1000");
  assert_int_equal(partial_files(fx), 1);
  bits(fx->srv, "/cancelled.bin", "Cancel-Session", id, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(http_header(&r, "BITS-Session-Id"), id);
  http_resp_free(&r);
  assert_int_equal(partial_files(fx), 0);
  char path[4400];
  snprintf(path, sizeof path, "%s/cancelled.bin", fx->upload);
  assert_false(path_exists(path));
  fragment(fx->srv, "/cancelled.bin", id, fx->data, 1000, 2000, UPLOAD_SIZE,
           &r);
  expect_error(&r, 500, "0x8020001F");
  http_resp_free(&r);
}

static void test_unknown_session(void **state) {
  struct fixture *fx = *state;
  const char *id = "{11111111-2222-3333-4444-555555555555}";
  struct http_resp r;
  fragment(fx->srv, "/u.bin", id, fx->data, 0, 10, 10, &r);
  expect_error(&r, 500, "0x8020001F");
  assert_string_equal(http_header(&r, "BITS-Session-Id"), id);
  http_resp_free(&r);
  const char *packets[] = {"Close-Session", "Cancel-Session"};
  for (size_t i = 0; i < 2; i++) {
    bits(fx->srv, "/u.bin", packets[i], id, NULL, NULL, 0, &r);
    expect_error(&r, 500, "0x8020001F");
    http_resp_free(&r);
    bits(fx->srv, "/u.bin", packets[i], NULL, NULL, NULL, 0, &r);
    expect_error(&r, 400, "0x80070057"); /* no BITS-Session-Id at all */
    http_resp_free(&r);
  }
  char path[4400];
  snprintf(path, sizeof path, "%s/u.bin", fx->upload);
  assert_false(path_exists(path));
}

static void test_size_limits(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options o = base_options(fx);
  o.max_upload_bytes = 1000;
  o.max_fragment_bytes = 4096;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  char id[40];
  create(srv, "/big.bin", id);
  struct http_resp r;
  fragment(srv, "/big.bin", id, fx->data, 0, 100, 2000, &r);
  expect_error(&r, 413, "0x80200020"); /* BG_E_TOO_LARGE */
  http_resp_free(&r);
  fragment(srv, "/big.bin", id, fx->data, 0, 100, 1000, &r);
  expect_received(&r, 200, "100"); /* within the limit */
  /* A fragment body over max_fragment_bytes is refused before it is read:
   * the headers alone get the answer. */
  char req[512];
  int n = snprintf(req, sizeof req,
                   "BITS_POST /big.bin HTTP/1.1\r\nHost: x\r\n"
                   "BITS-Packet-Type: Fragment\r\nBITS-Session-Id: %s\r\n"
                   "Content-Range: bytes 100-5099/1000000\r\n"
                   "Content-Length: 5000\r\n\r\n",
                   id);
  char buf[4096];
  assert_true(
      raw_exchange(bsim_serve_port(srv), req, (size_t)n, buf, sizeof buf) > 0);
  assert_non_null(strstr(buf, "HTTP/1.1 413"));
  assert_non_null(strstr(buf, "BITS-Error-Code: 0x80200020"));
  bsim_serve_stop(srv);
}

static void expect_bad_fragment(struct fixture *fx, const char *id,
                                const char *range, size_t len) {
  struct http_resp r;
  bits(fx->srv, "/bad.bin", "Fragment", id, range, fx->data, len, &r);
  if (r.status != 400) print_error("accepted: %s\n", range ? range : "-");
  expect_error(&r, 400, "0x80070057");
  http_resp_free(&r);
}

static void test_malformed_headers(void **state) {
  struct fixture *fx = *state;
  char id[40];
  create(fx->srv, "/bad.bin", id);
  expect_bad_fragment(fx, id, NULL, 10);
  expect_bad_fragment(fx, id, "Content-Range: bytes 5-1/10", 10);
  expect_bad_fragment(fx, id, "Content-Range: bytes a-b/c", 10);
  expect_bad_fragment(fx, id, "Content-Range: bytes 0-9/5", 10);
  expect_bad_fragment(fx, id, "Content-Range: bytes 0-9", 10);
  expect_bad_fragment(fx, id, "Content-Range: items 0-9/10", 10);
  expect_bad_fragment(fx, id, "Content-Range: bytes 0-9/10 x", 10);
  expect_bad_fragment(fx, id, "Content-Range: bytes 0-99999999999999999999/1",
                      10);
  expect_bad_fragment(fx, id, "Content-Range: bytes 0-9/10", 5); /* length */
  struct http_resp r;
  char url[512];
  char sid[128];
  assert_int_equal(bsim_serve_url(fx->srv, "/bad.bin", url, sizeof url), 0);
  snprintf(sid, sizeof sid, "BITS-Session-Id: %s", id);
  const char *gzip[] = {"BITS-Packet-Type: Fragment", sid,
                        "Content-Range: bytes 0-9/10", "Content-Encoding: gzip",
                        NULL};
  (void)http_do("BITS_POST", url, gzip, fx->data, 10, &r);
  expect_error(&r, 400, "0x80070057"); /* identity only */
  http_resp_free(&r);
  /* The total may not change between fragments. */
  fragment(fx->srv, "/bad.bin", id, fx->data, 0, 10, 20, &r);
  expect_received(&r, 200, "10");
  fragment(fx->srv, "/bad.bin", id, fx->data, 10, 20, 30, &r);
  expect_error(&r, 400, "0x80070057");
  http_resp_free(&r);
  /* A session belongs to its URL. */
  fragment(fx->srv, "/other.bin", id, fx->data, 10, 20, 20, &r);
  expect_error(&r, 400, "0x80070057");
  http_resp_free(&r);
  bits(fx->srv, "/bad.bin", "Frobnicate", id, NULL, NULL, 0, &r);
  expect_error(&r, 400, "0x80070057");
  http_resp_free(&r);
  (void)http_do("BITS_POST", url, NULL, "", 0, &r); /* no packet type */
  expect_error(&r, 400, "0x80070057");
  http_resp_free(&r);
  bits(fx->srv, "/bad.bin", "Cancel-Session", id, NULL, NULL, 0, &r);
  http_resp_free(&r);
}

/* Upload 5000 bytes to path on srv in two fragments and return the reply
 * URL of the final Ack (static storage). */
static const char *upload_for_reply(bsim_serve *srv, const char *path,
                                    const unsigned char *data, char *id) {
  static char reply_url[512];
  struct http_resp r;
  create(srv, path, id);
  fragment(srv, path, id, data, 0, 3000, 5000, &r);
  assert_null(http_header(&r, "BITS-Reply-URL")); /* only on the last */
  expect_received(&r, 200, "3000");
  fragment(srv, path, id, data, 3000, 5000, 5000, &r);
  assert_int_equal(r.status, 200);
  const char *u = http_header(&r, "BITS-Reply-URL");
  assert_non_null(u);
  snprintf(reply_url, sizeof reply_url, "%.500s", u);
  http_resp_free(&r);
  /* The last fragment again (its Ack was lost, say): the same reply. */
  fragment(srv, path, id, data, 3000, 5000, 5000, &r);
  assert_string_equal(http_header(&r, "BITS-Reply-URL"), reply_url);
  expect_received(&r, 200, "5000");
  return reply_url;
}

static void check_reply(bsim_serve *srv, const char *path,
                        const unsigned char *data, const void *want,
                        size_t want_len) {
  char id[40];
  const char *reply_url = upload_for_reply(srv, path, data, id);
  char prefix[128];
  snprintf(prefix, sizeof prefix, "http://127.0.0.1:%u/bitsim-reply/",
           (unsigned)bsim_serve_port(srv));
  assert_int_equal(strncmp(reply_url, prefix, strlen(prefix)), 0);
  char url[512];
  snprintf(url, sizeof url, "%.500s", reply_url);
  struct http_resp r;
  assert_int_equal(http_do("GET", url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, want_len);
  assert_memory_equal(r.body, want, want_len);
  http_resp_free(&r);
  const char *hdrs[] = {"Range: bytes=1-", NULL};
  assert_int_equal(http_do("GET", url, hdrs, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 206); /* a normal download: Range works */
  http_resp_free(&r);
  bits(srv, path, "Close-Session", id, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  http_resp_free(&r);
  assert_int_equal(http_do("GET", url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 404); /* closed: the reply is gone */
  http_resp_free(&r);
}

static void test_upload_reply_modes(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options o = base_options(fx);
  bsim_serve *srv = NULL;
  o.reply_mode = BSIM_SERVE_REPLY_ECHO;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  check_reply(srv, "/echo.bin", fx->data, fx->data, 5000);
  bsim_serve_stop(srv);
  o.reply_mode = BSIM_SERVE_REPLY_FIXED;
  o.reply_body = "thank you\n";
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  check_reply(srv, "/fixed.bin", fx->data, "thank you\n", 10);
  assert_int_equal(partial_files(fx), 0); /* the reply file went too */
  bsim_serve_stop(srv);
  char reply_path[4400];
  snprintf(reply_path, sizeof reply_path, "%s/reply.dat", fx->dir);
  assert_int_equal(put_file(fx->dir, "reply.dat", fx->data + 9, 777), 0);
  o.reply_mode = BSIM_SERVE_REPLY_FILE;
  o.reply_body = NULL;
  o.reply_path = reply_path;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  check_reply(srv, "/file.bin", fx->data, fx->data + 9, 777);
  struct http_resp r;
  char url[512];
  assert_int_equal(bsim_serve_url(srv,
                                  "/bitsim-reply/"
                                  "11111111-2222-3333-4444-555555555555",
                                  url, sizeof url),
                   0);
  assert_int_equal(http_do("GET", url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 404);
  http_resp_free(&r);
  bsim_serve_stop(srv);
}

static void test_cancel_after_last_fragment_keeps_upload(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options o = base_options(fx);
  o.reply_mode = BSIM_SERVE_REPLY_ECHO;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  char id[40];
  char url[512];
  snprintf(url, sizeof url, "%.500s",
           upload_for_reply(srv, "/kept.bin", fx->data, id));
  struct http_resp r;
  bits(srv, "/kept.bin", "Cancel-Session", id, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  http_resp_free(&r);
  expect_uploaded(fx, "kept.bin", fx->data, 5000); /* §9.1: reply only */
  assert_int_equal(http_do("GET", url, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 404);
  http_resp_free(&r);
  bsim_serve_stop(srv);
}

static void test_session_timeout(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options o = base_options(fx);
  o.session_timeout_ms = 1000;
  o.clock_ms = fake_clock;
  atomic_store(&fake_now_ms, 5000);
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  char id[40];
  create(srv, "/slow.bin", id);
  struct http_resp r;
  fragment(srv, "/slow.bin", id, fx->data, 0, 100, 1000, &r);
  expect_received(&r, 200, "100");
  atomic_store(&fake_now_ms, 6000); /* exactly the timeout: still alive */
  fragment(srv, "/slow.bin", id, fx->data, 100, 200, 1000, &r);
  expect_received(&r, 200, "200");
  assert_int_equal(partial_files(fx), 1);
  atomic_store(&fake_now_ms, 7001); /* idle 1001 ms */
  assert_int_equal(bsim_serve_session_count(srv), 0);
  assert_int_equal(partial_files(fx), 0);
  fragment(srv, "/slow.bin", id, fx->data, 200, 300, 1000, &r);
  expect_error(&r, 500, "0x8020001F");
  http_resp_free(&r);
  bsim_serve_stop(srv);
}

static void test_session_limit(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options o = base_options(fx);
  o.max_sessions = 2;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  char id1[40];
  char id2[40];
  create(srv, "/l1.bin", id1);
  create(srv, "/l2.bin", id2);
  assert_string_not_equal(id1, id2);
  struct http_resp r;
  bits(srv, "/l3.bin", "Create-Session", NULL,
       "BITS-Supported-Protocols: " GUID, NULL, 0, &r);
  expect_error(&r, 503, "0x800700AA"); /* E_BUSY */
  http_resp_free(&r);
  bits(srv, "/l1.bin", "Close-Session", id1, NULL, NULL, 0, &r);
  http_resp_free(&r);
  create(srv, "/l3.bin", id1);
  bsim_serve_stop(srv); /* with sessions open: their files go too */
  assert_int_equal(partial_files(fx), 0);
}

static void test_overwrite(void **state) {
  struct fixture *fx = *state;
  assert_int_equal(put_file(fx->upload, "exists.bin", "old", 3), 0);
  struct http_resp r;
  bits(fx->srv, "/exists.bin", "Create-Session", NULL,
       "BITS-Supported-Protocols: " GUID, NULL, 0, &r);
  expect_error(&r, 409, "0x80070005");
  http_resp_free(&r);
  struct bsim_serve_options o = base_options(fx);
  o.allow_overwrite = 1;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  char id[40];
  create(srv, "/exists.bin", id);
  fragment(srv, "/exists.bin", id, fx->data, 0, 64, 64, &r);
  expect_received(&r, 200, "64");
  expect_uploaded(fx, "exists.bin", fx->data, 64);
  bsim_serve_stop(srv);
}

static void test_uploads_disabled(void **state) {
  struct fixture *fx = *state;
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  o.root_dir = fx->dir;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&o, &srv), BSIM_S_OK);
  struct http_resp r;
  bits(srv, "/x.bin", "Create-Session", NULL, "BITS-Supported-Protocols: " GUID,
       NULL, 0, &r);
  expect_error(&r, 501, "0x80070005");
  http_resp_free(&r);
  bsim_serve_stop(srv);
}

static void add_fault(bsim_serve *srv, const char *text) {
  struct bsim_serve_fault f;
  assert_int_equal(bsim_serve_fault_parse(text, &f, NULL, 0), BSIM_S_OK);
  assert_int_equal(bsim_serve_fault_add(srv, &f), BSIM_S_OK);
}

static void test_faults_on_bits_post(void **state) {
  struct fixture *fx = *state;
  struct http_resp r;
  add_fault(fx->srv, "path=/flaky.bin,method=BITS_POST,status=503,count=1");
  bits(fx->srv, "/flaky.bin", "Create-Session", NULL,
       "BITS-Supported-Protocols: " GUID, NULL, 0, &r);
  expect_error(&r, 503, "0x80004005"); /* E_FAIL, context server */
  http_resp_free(&r);
  assert_int_equal(bsim_serve_session_count(fx->srv), 0); /* not processed */
  char id[40];
  create(fx->srv, "/flaky.bin", id);
  /* Requests are counted from when a fault is added: the 2nd one after
   * this is the second fragment, processed with its Ack lost. */
  add_fault(fx->srv, "path=/flaky.bin,nth=2,count=1,reset=0");
  fragment(fx->srv, "/flaky.bin", id, fx->data, 0, 2000, 8000, &r);
  expect_received(&r, 200, "2000");
  fragment(fx->srv, "/flaky.bin", id, fx->data, 0, 4000, 8000, &r);
  assert_int_equal(r.code, CURLE_GOT_NOTHING);
  http_resp_free(&r);
  fragment(fx->srv, "/flaky.bin", id, fx->data, 0, 4000, 8000, &r);
  expect_received(&r, 200, "4000"); /* the resend is an overlap */
  add_fault(fx->srv, "path=/flaky.bin,count=1,stall=100");
  fragment(fx->srv, "/flaky.bin", id, fx->data, 4000, 8000, 8000, &r);
  assert_int_equal(r.code, CURLE_GOT_NOTHING); /* held, then closed */
  http_resp_free(&r);
  fragment(fx->srv, "/flaky.bin", id, fx->data, 4000, 8000, 8000, &r);
  expect_received(&r, 200, "8000");
  expect_uploaded(fx, "flaky.bin", fx->data, 8000);
  add_fault(fx->srv, "path=/flaky.bin,status=500,error=0x80070005,context=7");
  bits(fx->srv, "/flaky.bin", "Close-Session", id, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 500);
  assert_string_equal(http_header(&r, "BITS-Error-Code"), "0x80070005");
  assert_string_equal(http_header(&r, "BITS-Error-Context"), "0x7");
  http_resp_free(&r);
  bsim_serve_fault_clear(fx->srv);
  bits(fx->srv, "/flaky.bin", "Close-Session", id, NULL, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  http_resp_free(&r);
}

static void test_nested_and_empty_uploads(void **state) {
  struct fixture *fx = *state;
  char id[40];
  struct http_resp r;
  create(fx->srv, "/deep/er/nest.bin", id);
  fragment(fx->srv, "/deep/er/nest.bin", id, fx->data, 0, 300, 300, &r);
  expect_received(&r, 200, "300");
  expect_uploaded(fx, "deep/er/nest.bin", fx->data, 300);
  create(fx->srv, "/empty.bin", id);
  bits(fx->srv, "/empty.bin", "Fragment", id, "Content-Range: bytes */0", NULL,
       0, &r);
  expect_received(&r, 200, "0");
  expect_uploaded(fx, "empty.bin", fx->data, 0);
  bits(fx->srv, "/empty.bin", "Close-Session", id, NULL, NULL, 0, &r);
  http_resp_free(&r);
}

static void test_large_fragment(void **state) {
  struct fixture *fx = *state;
  size_t size = 3u * 1024u * 1024u; /* curl sends Expect: 100-continue */
  unsigned char *big = make_bytes(99, size);
  char id[40];
  struct http_resp r;
  create(fx->srv, "/large.bin", id);
  fragment(fx->srv, "/large.bin", id, big, 0, size, size, &r);
  expect_received(&r, 200, "3145728");
  expect_uploaded(fx, "large.bin", big, size);
  free(big);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ping),
      cmocka_unit_test(test_create_session_negotiates),
      cmocka_unit_test(test_fragments_gap_resync_close),
      cmocka_unit_test(test_packet_types_any_case),
      cmocka_unit_test(test_cancel_session),
      cmocka_unit_test(test_unknown_session),
      cmocka_unit_test(test_size_limits),
      cmocka_unit_test(test_malformed_headers),
      cmocka_unit_test(test_upload_reply_modes),
      cmocka_unit_test(test_cancel_after_last_fragment_keeps_upload),
      cmocka_unit_test(test_session_timeout),
      cmocka_unit_test(test_session_limit),
      cmocka_unit_test(test_overwrite),
      cmocka_unit_test(test_uploads_disabled),
      cmocka_unit_test(test_faults_on_bits_post),
      cmocka_unit_test(test_nested_and_empty_uploads),
      cmocka_unit_test(test_large_fragment),
  };
  int failed =
      cmocka_run_group_tests_name("serve_upload", tests, setup, teardown);
  curl_global_cleanup();
  return failed;
}
