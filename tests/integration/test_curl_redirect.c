/* Redirect policies of SetSecurityFlags on real downloads (reference §2.7,
 * §1.13, §10 "Redirects"), against `bitsim serve` with `redirect` faults:
 *   ALLOW_SILENT (default)  the redirect is followed and the file's remote
 *                           name stays what the application gave;
 *   ALLOW_REPORT            followed, and GetRemoteName reports the final
 *                           URL (absolute or relative Location); a retry
 *                           after an interruption goes straight there; the
 *                           durable store keeps the new name;
 *   DISALLOW                the redirect is fatal with
 *                           HRESULT_FROM_WIN32(302), context REMOTE_FILE,
 *                           and the name is kept.
 * Every wait has a deadline; nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "curl_world.h"

#define FILE_BYTES 300000u

static struct world w;

static int group_setup(void **state) {
  (void)state;
  world_open(&w, "curl-redirect", NULL);
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  world_close(&w);
  return 0;
}

/* A download of /<from> into out/<from> with the given flags, resumed. The
 * origin holds /<to> (tag 7); /<from> does not exist there. */
static bsim_job *redirect_job(const char *from, const char *to,
                              uint32_t flags) {
  char src[1300];
  char dst[1300];
  char path[64];
  world_make_file(world_path(src, sizeof src, w.root, to), FILE_BYTES, 7);
  snprintf(path, sizeof path, "/%s", from);
  bsim_job *job =
      world_job(&w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(bsim_job_add_file(job, world_url(&w, path),
                                     world_path(dst, sizeof dst, w.out, from)),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_security_flags(job, flags), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  return job;
}

static void assert_remote_name(bsim_job *job, const char *want) {
  char *name = NULL;
  assert_int_equal(bsim_file_get_remote_name(job, 0, &name), BSIM_S_OK);
  assert_string_equal(name, want);
  bsim_free(name);
}

/* The downloaded file has /<to>'s bytes. */
static void assert_content(bsim_job *job, const char *from, const char *to) {
  char src[1300];
  char dst[1300];
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_true(world_same(world_path(src, sizeof src, w.root, to),
                         world_path(dst, sizeof dst, w.out, from)));
}

static void test_curl_redirect_silent_keeps_name(void **state) {
  (void)state;
  world_fault(&w, "path=/s-old.bin,redirect=/s-new.bin");
  bsim_job *job = redirect_job("s-old.bin", "s-new.bin",
                               BSIM_HTTP_REDIRECT_POLICY_ALLOW_SILENT);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_remote_name(job, world_url(&w, "/s-old.bin"));
  assert_int_equal(world_stats(&w, "/s-old.bin").requests, 1);
  assert_int_equal(world_stats(&w, "/s-new.bin").requests, 1);
  assert_content(job, "s-old.bin", "s-new.bin");
  bsim_job_unref(job);
}

/* An absolute Location: the name becomes exactly that URL. */
static void test_curl_redirect_report_renames(void **state) {
  (void)state;
  char fault[700];
  snprintf(fault, sizeof fault, "path=/r-old.bin,code=301,redirect=%s",
           world_url(&w, "/r-new.bin"));
  world_fault(&w, fault);
  bsim_job *job = redirect_job("r-old.bin", "r-new.bin",
                               BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_remote_name(job, world_url(&w, "/r-new.bin"));
  assert_int_equal(world_stats(&w, "/r-old.bin").requests, 1);
  assert_int_equal(world_stats(&w, "/r-new.bin").requests, 1);
  assert_content(job, "r-old.bin", "r-new.bin");
  bsim_job_unref(job);
}

/* A relative Location, then the connection is reset mid-body: the retry
 * goes to the reported name (no second request to the old one) and resumes
 * with Range; ALLOW_HTTPS_TO_HTTP combines with REPORT (§2.7). */
static void test_curl_redirect_report_retry_uses_new_name(void **state) {
  (void)state;
  world_fault(&w, "path=/t-old.bin,code=307,redirect=/t-new.bin");
  world_fault(&w, "path=/t-new.bin,reset=100000,count=1");
  bsim_job *job =
      redirect_job("t-old.bin", "t-new.bin",
                   BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT |
                       BSIM_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_remote_name(job, world_url(&w, "/t-new.bin"));
  assert_int_equal(world_error_count(job), 1);
  assert_int_equal(world_stats(&w, "/t-old.bin").requests, 1);
  assert_int_equal(world_stats(&w, "/t-new.bin").requests, 2);
  assert_content(job, "t-old.bin", "t-new.bin");
  bsim_job_unref(job);
}

static void test_curl_redirect_disallow_is_fatal(void **state) {
  (void)state;
  world_fault(&w, "path=/d-old.bin,redirect=/d-new.bin");
  bsim_job *job = redirect_job("d-old.bin", "d-new.bin",
                               BSIM_HTTP_REDIRECT_POLICY_DISALLOW);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x8007012Eu); /* FROM_WIN32(302) */
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_remote_name(job, world_url(&w, "/d-old.bin"));
  assert_int_equal(world_stats(&w, "/d-new.bin").requests, 0);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
}

/* The renamed remote name is in the durable store (reference §13): a
 * manager reopened on the store reports it. */
static void test_curl_redirect_report_is_stored(void **state) {
  (void)state;
  char db[1300];
  char src[1300];
  char dst[1300];
  world_path(db, sizeof db, w.dir, "jobs.db");
  world_make_file(world_path(src, sizeof src, w.root, "p-new.bin"), 5000, 7);
  world_fault(&w, "path=/p-old.bin,redirect=/p-new.bin");
  bsim_manager *mgr = world_store_manager(db);
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "stored",
                                   BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
                   BSIM_S_OK);
  assert_int_equal(
      bsim_job_add_file(job, world_url(&w, "/p-old.bin"),
                        world_path(dst, sizeof dst, w.out, "p-old.bin")),
      BSIM_S_OK);
  assert_int_equal(
      bsim_job_set_security_flags(job, BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT),
      BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  uint64_t deadline = bsim_manager_now_ms(mgr) + DAY_MS;
  assert_int_equal(bsim_manager_run_until_job_state(
                       mgr, job, 1u << BSIM_JOB_STATE_TRANSFERRED, deadline),
                   BSIM_S_OK);
  assert_int_equal(world_state(job), BSIM_JOB_STATE_TRANSFERRED);
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);

  mgr = world_store_manager(db);
  assert_int_equal(bsim_manager_get_job(mgr, "alice", &id, &job), BSIM_S_OK);
  assert_remote_name(job, world_url(&w, "/p-new.bin"));
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_redirect_silent_keeps_name),
      cmocka_unit_test(test_curl_redirect_report_renames),
      cmocka_unit_test(test_curl_redirect_report_retry_uses_new_name),
      cmocka_unit_test(test_curl_redirect_disallow_is_fatal),
      cmocka_unit_test(test_curl_redirect_report_is_stored),
  };
  return cmocka_run_group_tests_name("curl_redirect", tests, group_setup,
                                     group_teardown);
}
