/* The reply of upload-reply jobs through the engine API, with the curl
 * transport against `bitsim serve` (reference §1.5, §4.3, §8, §9):
 * GetReplyProgress is unknown until the reply starts and counts its bytes
 * after; GetReplyData hands back the echoed reply in TRANSFERRED and, after
 * Complete, in ACKNOWLEDGED; a reply over 1 MiB is BG_E_TOO_LARGE with the
 * length set; SetReplyFileName is refused once the reply download began;
 * the reply file appears at its name only with Complete; with no name set
 * it is generated beside the upload file, and a server that sent no reply
 * gives an empty reply (NULL data) and an empty reply file; Cancel of a
 * transferred upload-reply deletes the reply's temporary file.
 *
 * AUTO clock; waits have deadlines; nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "curl_world.h"

static void open_replies(struct world *w, const char *name,
                         enum bsim_serve_reply_mode reply) {
  struct bsim_serve_options so;
  bsim_serve_options_init(&so);
  so.reply_mode = reply;
  world_open(w, name, &so);
  struct bsim__curl_config c;
  world_default_config(&c);
  c.fragment_bytes = 65536;
  world_config(w, &c);
  char u[1200];
  assert_int_equal(mkdir(world_path(u, sizeof u, w->up, "u"), 0755), 0);
}

static bsim_job *reply_job(struct world *w, const char *path, const char *src) {
  bsim_job *job =
      world_job(w, BSIM_JOB_TYPE_UPLOAD_REPLY, BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_add_file(job, world_url(w, path), src), BSIM_S_OK);
  return job;
}

static struct bsim_reply_progress reply_progress(bsim_job *job) {
  struct bsim_reply_progress p;
  memset(&p, 0xEE, sizeof p);
  assert_int_equal(bsim_job_get_reply_progress(job, &p), BSIM_S_OK);
  return p;
}

/* data (len bytes) holds the content of the file made with tag. */
static void assert_content(const unsigned char *data, uint64_t len,
                           uint64_t tag) {
  for (uint64_t i = 0; i < len; i++) {
    if (data[i] != world_byte(tag, i))
      fail_msg("byte %llu differs", (unsigned long long)i);
  }
}

/* The echo server replies with the upload itself (serve's echo mode). */
static void test_reply_data_and_file(void **state) {
  (void)state;
  struct world w;
  open_replies(&w, "reply-echo", BSIM_SERVE_REPLY_ECHO);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.dir, "src.bin"), 200000, 7);
  world_path(dst, sizeof dst, w.out, "reply.bin");
  bsim_job *job = reply_job(&w, "/u/r.bin", src);
  /* Before the reply starts its size is unknown (reference §2.12). */
  struct bsim_reply_progress p = reply_progress(job);
  assert_true(p.bytes_total == BSIM_SIZE_UNKNOWN);
  assert_int_equal(p.bytes_transferred, 0);
  assert_int_equal(bsim_job_set_reply_file_name(job, dst), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);

  p = reply_progress(job);
  assert_int_equal(p.bytes_total, 200000);
  assert_int_equal(p.bytes_transferred, 200000);
  /* Once the reply download began the name is fixed (§4.3 note 2). */
  assert_int_equal(bsim_job_set_reply_file_name(job, NULL),
                   BSIM_E_INVALID_STATE);
  void *data = NULL;
  uint64_t len = 0;
  assert_int_equal(bsim_job_get_reply_data(job, &data, &len), BSIM_S_OK);
  assert_int_equal(len, 200000);
  assert_non_null(data);
  assert_content(data, len, 7);
  bsim_free(data);
  /* The reply file is visible only after Complete (§9). */
  assert_int_equal(world_size(dst), UINT64_MAX);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_true(world_same(dst, src));
  char *temp = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, 0, &temp), BSIM_S_OK);
  assert_int_equal(world_size(temp), UINT64_MAX);
  bsim_free(temp);
  char *name = NULL;
  assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_S_OK);
  assert_string_equal(name, dst);
  bsim_free(name);
  /* The remarks: GetReplyData also after Complete (§1.5, unconfirmed). */
  data = NULL;
  assert_int_equal(bsim_job_get_reply_data(job, &data, &len), BSIM_S_OK);
  assert_int_equal(len, 200000);
  assert_content(data, len, 7);
  bsim_free(data);
  bsim_job_unref(job);
  world_close(&w);
}

/* Over 1 MiB: BG_E_TOO_LARGE, data NULL, length set (reference §1.5);
 * the reply file still gets the whole reply. */
static void test_reply_data_too_large(void **state) {
  (void)state;
  struct world w;
  open_replies(&w, "reply-large", BSIM_SERVE_REPLY_ECHO);
  char src[1200];
  const uint64_t size = 1048576 + 1;
  world_make_file(world_path(src, sizeof src, w.dir, "big.bin"), size, 9);
  bsim_job *job = reply_job(&w, "/u/big.bin", src);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  void *data = (void *)&w;
  uint64_t len = 0;
  assert_int_equal(bsim_job_get_reply_data(job, &data, &len), BSIM_E_TOO_LARGE);
  assert_null(data);
  assert_int_equal(len, size);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  char *name = NULL;
  assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_S_OK);
  assert_true(world_same(name, src));
  bsim_free(name);
  bsim_job_unref(job);
  world_close(&w);
}

/* No BITS-Reply-URL: an empty reply (reference §9): no data, progress
 * 0 of 0, and Complete leaves an empty reply file at the generated name
 * beside the upload file. */
static void test_reply_empty_generated_name(void **state) {
  (void)state;
  struct world w;
  open_replies(&w, "reply-none", BSIM_SERVE_REPLY_NONE);
  char src[1200];
  world_make_file(world_path(src, sizeof src, w.dir, "s.bin"), 5000, 3);
  bsim_job *job = reply_job(&w, "/u/s.bin", src);
  char *name = NULL;
  assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_S_OK);
  assert_non_null(name);
  char want[1400];
  bsim_guid id;
  char id_text[BSIM_GUID_STRING_LEN];
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  snprintf(want, sizeof want, "%s/BITSReply-%s", w.dir,
           bsim_guid_format(&id, id_text));
  assert_string_equal(name, want);
  bsim_free(name);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  struct bsim_reply_progress p = reply_progress(job);
  assert_int_equal(p.bytes_total, 0);
  assert_int_equal(p.bytes_transferred, 0);
  void *data = (void *)&w;
  uint64_t len = 99;
  assert_int_equal(bsim_job_get_reply_data(job, &data, &len), BSIM_S_OK);
  assert_null(data);
  assert_int_equal(len, 0);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_int_equal(world_size(want), 0);
  bsim_job_unref(job);
  world_close(&w);
}

/* Cancel of a transferred upload-reply cancels the reply only (reference
 * §8): its temporary file goes, the uploaded file on the server stays. */
static void test_reply_cancel_deletes_temp(void **state) {
  (void)state;
  struct world w;
  open_replies(&w, "reply-cancel", BSIM_SERVE_REPLY_ECHO);
  char src[1200];
  world_make_file(world_path(src, sizeof src, w.dir, "c.bin"), 70000, 5);
  bsim_job *job = reply_job(&w, "/u/c.bin", src);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  char *temp = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, 0, &temp), BSIM_S_OK);
  assert_int_equal(world_size(temp), 70000);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(world_size(temp), UINT64_MAX);
  bsim_free(temp);
  char up[1300];
  snprintf(up, sizeof up, "%s/u/c.bin", w.up);
  assert_true(world_same(up, src));
  void *data = NULL;
  uint64_t len = 0;
  assert_int_equal(bsim_job_get_reply_data(job, &data, &len),
                   BSIM_E_INVALID_STATE);
  bsim_job_unref(job);
  world_close(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reply_data_and_file),
      cmocka_unit_test(test_reply_data_too_large),
      cmocka_unit_test(test_reply_empty_generated_name),
      cmocka_unit_test(test_reply_cancel_deletes_temp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
