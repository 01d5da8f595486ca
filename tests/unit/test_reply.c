/* Argument and state checks of the reply calls (reference §1.5, §4.3, §9):
 * E_NOTIMPL for download and upload jobs, E_INVALIDARG for NULL pointers,
 * GetReplyProgress unknown before any reply, GetReplyData only in
 * TRANSFERRED (BG_E_INVALID_STATE in other states, data NULL and length 0),
 * SetReplyFileName rules (absolute, at most MAX_PATH, existing directory;
 * NULL or "" back to the generated name; final states refused; no
 * effect after the first Resume),
 * GetReplyFileName NULL before a file is added. No transfer happens: the
 * manager has no real transport. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bitsim.h"
#include "bsim_engine_fixture.h"
#include "bsim_test.h"

static bsim_job *make(bsim_manager *mgr, enum bsim_job_type type) {
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "r", type, NULL, &job),
                   BSIM_S_OK);
  return job;
}

static void add_src(bsim_job *job, const char *dir) {
  char src[1024];
  snprintf(src, sizeof src, "%s/src.bin", dir);
  FILE *f = fopen(src, "wb");
  assert_non_null(f);
  assert_int_equal(fclose(f), 0);
  assert_int_equal(bsim_job_add_file(job, "http://example.test/u", src),
                   BSIM_S_OK);
}

/* Every reply call answers E_NOTIMPL on download and upload jobs. */
static void test_reply_other_types(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  enum bsim_job_type types[] = {BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_TYPE_UPLOAD};
  for (size_t i = 0; i < 2; i++) {
    bsim_job *job = make(mgr, types[i]);
    struct bsim_reply_progress p;
    void *data = NULL;
    uint64_t len = 0;
    char *name = NULL;
    assert_int_equal(bsim_job_get_reply_progress(job, &p), BSIM_E_NOTIMPL);
    assert_int_equal(bsim_job_get_reply_data(job, &data, &len), BSIM_E_NOTIMPL);
    assert_int_equal(bsim_job_set_reply_file_name(job, "/tmp/x"),
                     BSIM_E_NOTIMPL);
    assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_E_NOTIMPL);
    assert_null(name);
    bsim_job_unref(job);
  }
  fx_free(mgr);
}

static void test_reply_null_args(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  bsim_job *job = make(mgr, BSIM_JOB_TYPE_UPLOAD_REPLY);
  struct bsim_reply_progress p;
  void *data = NULL;
  uint64_t len = 0;
  char *name = NULL;
  assert_int_equal(bsim_job_get_reply_progress(NULL, &p), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_get_reply_progress(job, NULL), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_get_reply_data(job, NULL, &len), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_get_reply_data(job, &data, NULL),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_set_reply_file_name(NULL, "/x"), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_get_reply_file_name(job, NULL), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_get_reply_file_name(NULL, &name),
                   BSIM_E_INVALIDARG);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* Before the reply: progress unknown, no data in SUSPENDED, no name
 * before a file is added (reference §1.5). */
static void test_reply_before_transfer(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  bsim_job *job = make(mgr, BSIM_JOB_TYPE_UPLOAD_REPLY);
  struct bsim_reply_progress p = {0, 7};
  assert_int_equal(bsim_job_get_reply_progress(job, &p), BSIM_S_OK);
  assert_true(p.bytes_total == BSIM_SIZE_UNKNOWN);
  assert_int_equal(p.bytes_transferred, 0);
  void *data = &p;
  uint64_t len = 5;
  assert_int_equal(bsim_job_get_reply_data(job, &data, &len),
                   BSIM_E_INVALID_STATE);
  assert_null(data);
  assert_int_equal(len, 0);
  char *name = (char *)&p;
  assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_S_OK);
  assert_null(name);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* SetReplyFileName (reference §1.5): absolute, ≤ MAX_PATH characters, in
 * an existing directory; NULL and "" go back to the generated name;
 * refused in final states. */
static void test_reply_set_name_rules(void **state) {
  (void)state;
  const char *dir = bsim_test_tmpdir("reply-unit");
  assert_non_null(dir);
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_REAL);
  bsim_job *job = make(mgr, BSIM_JOB_TYPE_UPLOAD_REPLY);
  add_src(job, dir);
  char *gen = NULL;
  assert_int_equal(bsim_job_get_reply_file_name(job, &gen), BSIM_S_OK);
  assert_non_null(gen);
  assert_int_equal(strncmp(gen, dir, strlen(dir)), 0);
  assert_non_null(strstr(gen, "/BITSReply-{"));

  assert_int_equal(bsim_job_set_reply_file_name(job, "relative/r.bin"),
                   BSIM_E_INVALIDARG);
  char missing[1200];
  snprintf(missing, sizeof missing, "%s/absent/r.bin", dir);
  assert_int_equal(bsim_job_set_reply_file_name(job, missing),
                   BSIM_E_INVALIDARG);
  char longname[400];
  int n = snprintf(longname, sizeof longname, "%s/", dir);
  memset(longname + n, 'a', 261 - (size_t)n);
  longname[261] = '\0'; /* 261 characters: one over MAX_PATH */
  assert_int_equal(bsim_job_set_reply_file_name(job, longname),
                   BSIM_E_INVALIDARG);

  char good[1200];
  snprintf(good, sizeof good, "%s/reply.out", dir);
  assert_int_equal(bsim_job_set_reply_file_name(job, good), BSIM_S_OK);
  char *name = NULL;
  assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_S_OK);
  assert_string_equal(name, good);
  bsim_free(name);
  assert_int_equal(bsim_job_set_reply_file_name(job, ""), BSIM_S_OK);
  assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_S_OK);
  assert_string_equal(name, gen);
  bsim_free(name);
  assert_int_equal(bsim_job_set_reply_file_name(job, good), BSIM_S_OK);
  assert_int_equal(bsim_job_set_reply_file_name(job, NULL), BSIM_S_OK);
  assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_S_OK);
  assert_string_equal(name, gen);
  bsim_free(name);

  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(bsim_job_set_reply_file_name(job, good),
                   BSIM_E_INVALID_STATE);
  void *data = NULL;
  uint64_t len = 0;
  assert_int_equal(bsim_job_get_reply_data(job, &data, &len),
                   BSIM_E_INVALID_STATE);
  bsim_free(gen);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* "Must be set before the first Resume to take effect" (reference §1.5):
 * after the first Resume, SetReplyFileName still checks its argument and
 * answers S_OK (the reply download has not begun) but the name in effect
 * stays, also after a Suspend and a second Resume. */
static void test_reply_name_fixed_by_first_resume(void **state) {
  (void)state;
  const char *dir = bsim_test_tmpdir("reply-first-resume");
  assert_non_null(dir);
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_REAL);
  bsim_job *job = make(mgr, BSIM_JOB_TYPE_UPLOAD_REPLY);
  add_src(job, dir);
  char first[1200], late[1200];
  snprintf(first, sizeof first, "%s/first.out", dir);
  snprintf(late, sizeof late, "%s/late.out", dir);
  assert_int_equal(bsim_job_set_reply_file_name(job, first), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_job_set_reply_file_name(job, late), BSIM_S_OK);
  assert_int_equal(bsim_job_set_reply_file_name(job, "relative"),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  assert_int_equal(bsim_job_set_reply_file_name(job, NULL), BSIM_S_OK);
  char *name = NULL;
  assert_int_equal(bsim_job_get_reply_file_name(job, &name), BSIM_S_OK);
  assert_string_equal(name, first);
  bsim_free(name);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reply_other_types),
      cmocka_unit_test(test_reply_null_args),
      cmocka_unit_test(test_reply_before_transfer),
      cmocka_unit_test(test_reply_set_name_rules),
      cmocka_unit_test(test_reply_name_fixed_by_first_resume),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
