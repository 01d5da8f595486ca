/* Uploads and upload-replies through the engine API with the curl
 * transport against `bitsim serve`'s BITS upload protocol server
 * (reference §9, §9.1): a file in many fragments arrives byte-identical
 * and the session is closed; an upload-reply's reply (the server echoes
 * the upload) lands in the job's temporary file, and a server without a
 * reply gives an empty one; a fragment the server lost (it answered 200
 * without taking it) is re-sent after the 416 of the next fragment, at the
 * offset BITS-Received-Content-Range names; 413 shrinks the fragments; a
 * server that forgot the session (BG_E_SESSION_NOT_FOUND) gets a new one
 * and the whole file; BITS-Error-Code / -Context become the job's error
 * (403 fatal, a server application's 500 transient with context
 * REMOTE_APPLICATION, its 400 fatal); a source changed between attempts
 * is BG_E_LOCAL_FILE_CHANGED with context LOCAL_FILE; a cancelled upload
 * sends Cancel-Session (re-sent after a 503) and the server drops the
 * session; a plain upload to a file:// name is a copy.
 *
 * AUTO clock; waits have deadlines; nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "curl_world.h"

#define FRAG 65536u

static void small_fragments(struct world *w) {
  struct bsim__curl_config c;
  world_default_config(&c);
  c.fragment_bytes = FRAG;
  world_config(w, &c);
}

static void open_uploads(struct world *w, const char *name,
                         enum bsim_serve_reply_mode reply) {
  struct bsim_serve_options so;
  bsim_serve_options_init(&so);
  so.reply_mode = reply;
  world_open(w, name, &so);
  small_fragments(w);
}

/* An upload job of src to the server path (under /u/). */
static bsim_job *upload_job(struct world *w, enum bsim_job_type type,
                            const char *path, const char *src) {
  bsim_job *job = world_job(w, type, BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_add_file(job, world_url(w, path), src), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  return job;
}

static void uploaded_as(struct world *w, const char *leaf, const char *src) {
  char path[1300];
  snprintf(path, sizeof path, "%s/u/%s", w->up, leaf);
  assert_true(world_same(path, src));
}

static void open_world_files(struct world *w, char *src, size_t cap,
                             uint64_t size) {
  char u[1200];
  assert_int_equal(mkdir(world_path(u, sizeof u, w->up, "u"), 0755), 0);
  world_make_file(world_path(src, cap, w->dir, "src.bin"), size, 21);
}

/* 300,000 bytes in fragments of 64 KiB: Create-Session, 5 fragments,
 * Close-Session; progress is what the server acknowledged. */
static void test_curl_upload_fragments(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-up", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  open_world_files(&w, src, sizeof src, 300000);
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD, "/u/a.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  struct bsim_job_progress p;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  assert_int_equal(p.bytes_total, 300000);
  assert_int_equal(p.bytes_transferred, 300000);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  uploaded_as(&w, "a.bin", src);
  struct bsim_serve_stats st = world_stats(&w, "/u/a.bin");
  assert_int_equal(st.bits_posts, 1 + 5 + 1);
  assert_int_equal(st.upload_bytes, 300000);
  assert_int_equal(bsim_serve_session_count(w.srv), 0);
  bsim_job_unref(job);
  world_close(&w);
}

/* Upload-reply: JobTransferred only once the reply is in (reference §9);
 * the echo server's reply is the upload itself. */
static void test_curl_upload_reply(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-reply", BSIM_SERVE_REPLY_ECHO);
  char src[1200];
  open_world_files(&w, src, sizeof src, 100000);
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD_REPLY, "/u/r.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  char *reply = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, 0, &reply), BSIM_S_OK);
  assert_true(world_same(reply, src));
  bsim_free(reply);
  uploaded_as(&w, "r.bin", src);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_int_equal(bsim_serve_session_count(w.srv), 0);
  bsim_job_unref(job);
  world_close(&w);
}

/* No BITS-Reply-URL: the server application sent nothing, the reply is
 * empty (reference §9) and the job still completes. */
static void test_curl_upload_reply_empty(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-reply-none", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  open_world_files(&w, src, sizeof src, 1000);
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD_REPLY, "/u/e.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  char *reply = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, 0, &reply), BSIM_S_OK);
  uint64_t size = world_size(reply);
  assert_true(size == 0 || size == UINT64_MAX);
  bsim_free(reply);
  uploaded_as(&w, "e.bin", src);
  bsim_job_unref(job);
  world_close(&w);
}

/* The server answers the second fragment 200 without taking it (a lost
 * fragment); the third gets 416 with BITS-Received-Content-Range at the
 * lost one, the client resyncs there, and the file arrives whole. The
 * resync is not an error of the job. */
static void test_curl_upload_lost_fragment_resync(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-lost", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  open_world_files(&w, src, sizeof src, 5 * FRAG);
  /* BITS_POSTs: 1 Create-Session, 2 fragment 0, 3 fragment 1 (lost). */
  world_fault(&w, "path=/u/l.bin,method=BITS_POST,nth=3,count=1,status=200");
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD, "/u/l.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(world_error_count(job), 0);
  struct bsim_serve_stats st = world_stats(&w, "/u/l.bin");
  assert_int_equal(st.status_4xx, 1); /* the one 416 */
  /* Create, 5 fragments, the lost one again, the refused one, Close. */
  assert_int_equal(st.bits_posts, 1 + 5 + 1 + 1 + 1);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  uploaded_as(&w, "l.bin", src);
  bsim_job_unref(job);
  world_close(&w);
}

/* Fragments larger than the server takes get 413 + BG_E_TOO_LARGE; the
 * client halves them until they fit (reference §9.1). */
static void test_curl_upload_413_shrinks(void **state) {
  (void)state;
  struct world w;
  struct bsim_serve_options so;
  bsim_serve_options_init(&so);
  so.max_fragment_bytes = 16384;
  world_open(&w, "curl-413", &so);
  small_fragments(&w);
  char src[1200];
  open_world_files(&w, src, sizeof src, 100000);
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD, "/u/b.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(world_error_count(job), 0);
  assert_int_equal(world_stats(&w, "/u/b.bin").status_4xx, 2); /* 64K, 32K */
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  uploaded_as(&w, "b.bin", src);
  bsim_job_unref(job);
  world_close(&w);
}

/* The server forgot the session: a new Create-Session and the whole file
 * from byte 0 (reference §9.1: 0x8020001F -> start over). */
static void test_curl_upload_session_lost(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-session", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  open_world_files(&w, src, sizeof src, 3 * FRAG + 5);
  world_fault(&w, "path=/u/s.bin,method=BITS_POST,nth=3,count=1,status=500,"
                  "error=0x8020001F");
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD, "/u/s.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(world_error_count(job), 0);
  struct bsim_serve_stats st = world_stats(&w, "/u/s.bin");
  /* Create, fragment 0, (lost session), Create, 4 fragments, Close. */
  assert_int_equal(st.bits_posts, 1 + 1 + 1 + 1 + 4 + 1);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  uploaded_as(&w, "s.bin", src);
  bsim_job_unref(job);
  world_close(&w);
}

/* 403 with BITS-Error-Code E_ACCESSDENIED: fatal, the server's code,
 * context REMOTE_FILE (0x5). */
static void test_curl_upload_forbidden_fatal(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-403", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  open_world_files(&w, src, sizeof src, 1000);
  world_fault(&w, "path=/u/f.bin,method=BITS_POST,status=403,"
                  "error=0x80070005");
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD, "/u/f.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80070005u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(e.http_status, 403);
  bsim_job_unref(job);
  world_close(&w);
}

/* The server application failed on the last fragment of an upload-reply:
 * context REMOTE_APPLICATION; a 500 is transient (the retry succeeds), a
 * 400 fatal (reference §9.1, server application errors). */
static void test_curl_upload_application_errors(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-app", BSIM_SERVE_REPLY_ECHO);
  char src[1200];
  open_world_files(&w, src, sizeof src, 2 * FRAG);
  /* BITS_POSTs: Create, fragment 0, fragment 1 (the last). */
  world_fault(&w, "path=/u/p.bin,method=BITS_POST,nth=3,count=1,status=500,"
                  "error=0x80004005,context=7");
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD_REPLY, "/u/p.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80004005u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_APPLICATION);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  bsim_job_unref(job);

  world_fault(&w, "path=/u/q.bin,method=BITS_POST,nth=3,count=1,status=400,"
                  "error=0x80070057,context=7");
  job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD_REPLY, "/u/q.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80070057u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_APPLICATION);
  bsim_job_unref(job);
  world_close(&w);
}

/* The source may not change during the upload (reference §9): a 503 on a
 * fragment, the file rewritten while the job waits, and the retry fails
 * with BG_E_LOCAL_FILE_CHANGED, context LOCAL_FILE. */
static void test_curl_upload_local_file_changed(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-changed-src", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  open_world_files(&w, src, sizeof src, 3 * FRAG);
  world_fault(&w, "path=/u/c.bin,method=BITS_POST,nth=3,count=1,status=503");
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD, "/u/c.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  world_make_file(src, 3 * FRAG + 1, 22);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x8020001Du);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_LOCAL_FILE);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  world_close(&w);
}

/* Cancel (reference §8): the engine's Cancel makes the client send
 * Cancel-Session (the transport's forget op), re-sent after a 503 (§9.1),
 * and the server drops the session and the partial file. */
static void test_curl_upload_cancel_session(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-cancel", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  open_world_files(&w, src, sizeof src, 3 * FRAG);
  world_fault(&w, "path=/u/k.bin,method=BITS_POST,nth=3,count=1,status=503");
  world_fault(&w, "path=/u/k.bin,method=BITS_POST,nth=4,count=1,status=503");
  bsim_job *job = upload_job(&w, BSIM_JOB_TYPE_UPLOAD, "/u/k.bin", src);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_int_equal(bsim_serve_session_count(w.srv), 1);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(w.mgr, 0), BSIM_S_OK);
  assert_int_equal(bsim_serve_session_count(w.srv), 0);
  struct bsim_serve_stats st = world_stats(&w, "/u/k.bin");
  /* Create, fragment 0, fragment 1 (503), Cancel (503), Cancel. */
  assert_int_equal(st.bits_posts, 5);
  char path[1300];
  snprintf(path, sizeof path, "%s/u/k.bin", w.up);
  assert_int_equal(world_size(path), UINT64_MAX);
  bsim_job_unref(job);
  world_close(&w);
}

/* A plain upload to a file:// name is a copy (reference §9: SMB is allowed
 * for plain uploads); a destination directory that does not exist is
 * path not found (0x80070003), context REMOTE_FILE, fatal. */
static void test_curl_upload_file_scheme(void **state) {
  (void)state;
  struct world w;
  open_uploads(&w, "curl-up-file", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  open_world_files(&w, src, sizeof src, 200000);
  char url[1400];
  char dst[1400];
  snprintf(url, sizeof url, "file://%s/copy.bin", w.out);
  bsim_job *job = world_job(&w, BSIM_JOB_TYPE_UPLOAD, BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_add_file(job, url, src), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_true(world_same(world_path(dst, sizeof dst, w.out, "copy.bin"), src));
  bsim_job_unref(job);

  snprintf(url, sizeof url, "file://%s/absent/copy.bin", w.out);
  job = world_job(&w, BSIM_JOB_TYPE_UPLOAD, BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_add_file(job, url, src), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80070003u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  bsim_job_unref(job);
  world_close(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_upload_fragments),
      cmocka_unit_test(test_curl_upload_reply),
      cmocka_unit_test(test_curl_upload_reply_empty),
      cmocka_unit_test(test_curl_upload_lost_fragment_resync),
      cmocka_unit_test(test_curl_upload_413_shrinks),
      cmocka_unit_test(test_curl_upload_session_lost),
      cmocka_unit_test(test_curl_upload_forbidden_fatal),
      cmocka_unit_test(test_curl_upload_application_errors),
      cmocka_unit_test(test_curl_upload_local_file_changed),
      cmocka_unit_test(test_curl_upload_cancel_session),
      cmocka_unit_test(test_curl_upload_file_scheme),
  };
  return cmocka_run_group_tests_name("curl_upload", tests, NULL, NULL);
}
