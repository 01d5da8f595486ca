/* The public job API (include/bitsim/job.h, manager.h): the defaults of a
 * new job (reference §0, §4.2 wine-test values), every argument check and
 * the code it returns (§1.3, §1.4, §10), legality of every method in every
 * state (§4.3), quotas (§12), strings round-tripping with lengths counted
 * in characters, the GUID format, visibility between users, reference
 * counting across final states and manager teardown, and an allocation-
 * failure sweep over CreateJob and AddFile (style B.12).
 *
 * Jobs run on the model transport in virtual time with BSIM_FS_VIRTUAL,
 * except where the local directory checks need the real disk. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bsim_test.h"
#include "internal.h"
#include "util/alloc.h"
#include "bitsim/notify.h"
#include "bsim_engine_fixture.h"

#define URL_OK "http://fast.test/f"
#define URL_SLOW "http://slow.test/f"
#define URL_LATE "http://late.test/f"
#define URL_503 "http://flaky.test/f"
#define URL_404 "http://gone.test/f"

/* ---- a manager with one host per behaviour ------------------------------ */

static bsim_manager *world(void) {
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  fx_host(mgr, "fast.test", 0, 0);
  fx_host(mgr, "slow.test", 1, 0);       /* 1 byte/s: stays TRANSFERRING */
  fx_host(mgr, "late.test", 0, 3600000); /* an hour to connect */
  fx_host(mgr, "flaky.test", 0, 0);
  fx_host(mgr, "gone.test", 0, 0);
  fx_file(mgr, URL_OK, 1000);
  fx_file(mgr, URL_SLOW, 1000000);
  fx_file(mgr, URL_LATE, 1000);
  fx_file(mgr, URL_503, 1000);
  fx_file(mgr, URL_404, 1000);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL_503);
  f.http_status = 503;
  f.count = 0; /* always */
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL_404);
  f.http_status = 404;
  f.count = 0;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  return mgr;
}

/* A fresh job of alice in state st (foreground, so every state can be
 * reached without waiting for the background slot). */
static bsim_job *job_in(bsim_manager *mgr, enum bsim_job_state st) {
  const char *url = URL_OK;
  if (st == BSIM_JOB_STATE_CONNECTING) url = URL_LATE;
  if (st == BSIM_JOB_STATE_TRANSFERRING) url = URL_SLOW;
  if (st == BSIM_JOB_STATE_TRANSIENT_ERROR) url = URL_503;
  if (st == BSIM_JOB_STATE_ERROR) url = URL_404;
  bsim_job *job = fx_job(mgr, "alice", url, "/v/f");
  assert_int_equal(bsim_job_set_priority(job, BSIM_JOB_PRIORITY_FOREGROUND),
                   BSIM_S_OK);
  if (st == BSIM_JOB_STATE_SUSPENDED) return job;
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  switch (st) {
  case BSIM_JOB_STATE_QUEUED:
    break;
  case BSIM_JOB_STATE_CONNECTING:
  case BSIM_JOB_STATE_TRANSFERRING:
    assert_int_equal(
        bsim_manager_run_until(mgr, bsim_manager_now_ms(mgr) + 10000),
        BSIM_S_OK);
    break;
  case BSIM_JOB_STATE_TRANSIENT_ERROR:
  case BSIM_JOB_STATE_ERROR:
  case BSIM_JOB_STATE_TRANSFERRED:
    fx_run_to(mgr, job, st, bsim_manager_now_ms(mgr) + 60000);
    break;
  case BSIM_JOB_STATE_ACKNOWLEDGED:
    fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 60000);
    assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
    break;
  case BSIM_JOB_STATE_CANCELLED:
    assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
    break;
  case BSIM_JOB_STATE_SUSPENDED:
  case BSIM_JOB_STATE_COUNT:
    break;
  }
  assert_int_equal(fx_state(job), st);
  return job;
}

/* ---- defaults (reference §0, §1.3, §2.12, §4.2) ------------------------- */

static void test_job_api_defaults(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = NULL;
  bsim_guid id;
  assert_int_equal(bsim_job_create(mgr, "alice", "my job",
                                   BSIM_JOB_TYPE_DOWNLOAD, &id, &job),
                   BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_SUSPENDED); /* §1.3 */
  enum bsim_job_type type;
  assert_int_equal(bsim_job_get_type(job, &type), BSIM_S_OK);
  assert_int_equal(type, BSIM_JOB_TYPE_DOWNLOAD);
  enum bsim_job_priority prio;
  assert_int_equal(bsim_job_get_priority(job, &prio), BSIM_S_OK);
  assert_int_equal(prio, BSIM_JOB_PRIORITY_NORMAL); /* §2.3 */
  uint32_t v;
  assert_int_equal(bsim_job_get_notify_flags(job, &v), BSIM_S_OK);
  assert_int_equal(v, 0x3); /* §2.6 [wine-test] */
  assert_int_equal(bsim_job_get_minimum_retry_delay(job, &v), BSIM_S_OK);
  assert_int_equal(v, 600); /* §5 */
  assert_int_equal(bsim_job_get_no_progress_timeout(job, &v), BSIM_S_OK);
  assert_int_equal(v, 1209600); /* §5 */
  assert_int_equal(bsim_job_get_maximum_download_time(job, &v), BSIM_S_OK);
  assert_int_equal(v, 7776000); /* §1.7, §5 */
  assert_int_equal(fx_error_count(job), 0);
  /* §4.3 note 1: no error information outside ERROR/TRANSIENT_ERROR. */
  struct bsim_job_error e;
  assert_int_equal(bsim_job_get_error(job, &e),
                   BSIM_E_ERROR_INFORMATION_UNAVAILABLE);
  /* §2.12 [wine-test]: a job without files reports zeros. */
  struct bsim_job_progress p;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  assert_true(p.bytes_total == 0 && p.bytes_transferred == 0 &&
              p.files_total == 0 && p.files_transferred == 0);
  enum bsim_proxy_usage usage;
  char *proxy = (char *)1, *bypass = (char *)1;
  assert_int_equal(bsim_job_get_proxy_settings(job, &usage, &proxy, &bypass),
                   BSIM_S_OK);
  assert_int_equal(usage, BSIM_PROXY_USAGE_PRECONFIG); /* §2.4 */
  assert_null(proxy);
  assert_null(bypass);
  char *s = NULL;
  assert_int_equal(bsim_job_get_display_name(job, &s), BSIM_S_OK);
  assert_string_equal(s, "my job");
  bsim_free(s);
  assert_int_equal(bsim_job_get_description(job, &s), BSIM_S_OK);
  assert_string_equal(s, "");
  bsim_free(s);
  assert_int_equal(bsim_job_get_owner(job, &s), BSIM_S_OK);
  assert_string_equal(s, "alice");
  bsim_free(s);
  /* §2.12: FILETIME of the virtual wall clock, 2026-01-01T00:00:00Z. */
  struct bsim_job_times t;
  assert_int_equal(bsim_job_get_times(job, &t), BSIM_S_OK);
  assert_true(t.creation_filetime == UINT64_C(134116992000000000));
  assert_true(t.modification_filetime == t.creation_filetime);
  assert_true(t.transfer_completion_filetime == 0);
  bsim_guid got;
  assert_int_equal(bsim_job_get_id(job, &got), BSIM_S_OK);
  assert_memory_equal(&got, &id, sizeof id);
  assert_int_equal(bsim_job_file_count(job), 0);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.9 [wine-test]: a new file's progress is unknown/0/FALSE. */
static void test_job_api_new_file_progress(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", URL_OK, "/v/x");
  struct bsim_file_progress fp = fx_file_progress(job, 0);
  assert_true(fp.bytes_total == BSIM_SIZE_UNKNOWN);
  assert_true(fp.bytes_transferred == 0);
  assert_int_equal(fp.completed, 0);
  struct bsim_job_progress p;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  assert_true(p.bytes_total == BSIM_SIZE_UNKNOWN); /* §2.12 */
  assert_int_equal(p.files_total, 1);
  char *s = NULL;
  assert_int_equal(bsim_file_get_remote_name(job, 0, &s), BSIM_S_OK);
  assert_string_equal(s, URL_OK);
  bsim_free(s);
  assert_int_equal(bsim_file_get_local_name(job, 0, &s), BSIM_S_OK);
  assert_string_equal(s, "/v/x");
  bsim_free(s);
  /* §1.9: BIT<hex>.TMP in the destination directory. */
  assert_int_equal(bsim_file_get_temporary_name(job, 0, &s), BSIM_S_OK);
  assert_int_equal(strncmp(s, "/v/BIT", 6), 0);
  assert_string_equal(s + strlen(s) - 4, ".tmp");
  bsim_free(s);
  assert_int_equal(bsim_file_get_local_name(job, 1, &s), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_file_get_progress(job, 1, &fp), BSIM_E_INVALIDARG);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- CreateJob arguments (reference §1.3) ------------------------------- */

static size_t job_count(bsim_manager *mgr, const char *user) {
  bsim_job **jobs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_enum_jobs(mgr, user, 0, &jobs, &n), BSIM_S_OK);
  bsim_job_array_free(jobs, n);
  return n;
}

static char *repeat(const char *unit, size_t times) {
  size_t len = strlen(unit);
  char *s = malloc(len * times + 1);
  for (size_t i = 0; i < times; i++)
    memcpy(s + i * len, unit, len);
  s[len * times] = '\0';
  return s;
}

static void test_job_api_create_arguments(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = (bsim_job *)1;
  const enum bsim_job_type D = BSIM_JOB_TYPE_DOWNLOAD;
  assert_int_equal(bsim_job_create(NULL, "alice", "n", D, NULL, &job),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_create(mgr, "alice", "n", D, NULL, NULL),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_create(mgr, NULL, "n", D, NULL, &job),
                   BSIM_E_INVALIDARG);
  assert_null(job);
  assert_int_equal(bsim_job_create(mgr, "alice", NULL, D, NULL, &job),
                   BSIM_E_INVALIDARG);
  assert_int_equal(
      bsim_job_create(mgr, "alice", "n", (enum bsim_job_type)3, NULL, &job),
      BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_create(mgr, "mallory", "n", D, NULL, &job),
                   BSIM_E_ACCESSDENIED);
  /* 256 characters are fine even at 2 bytes each; 257 are not (§1.3). */
  char *name = repeat("\xc3\xa9", 256);
  assert_int_equal(bsim_job_create(mgr, "alice", name, D, NULL, &job),
                   BSIM_S_OK);
  char *back = NULL;
  assert_int_equal(bsim_job_get_display_name(job, &back), BSIM_S_OK);
  assert_string_equal(back, name);
  bsim_free(back);
  bsim_job_unref(job);
  free(name);
  name = repeat("a", 257);
  assert_int_equal(bsim_job_create(mgr, "alice", name, D, NULL, &job),
                   BSIM_E_INVALIDARG);
  free(name);
  assert_int_equal(
      bsim_job_create(mgr, "alice", "bad \xff utf8", D, NULL, &job),
      BSIM_E_INVALIDARG);
  /* Empty names are allowed and need not be unique. */
  assert_int_equal(bsim_job_create(mgr, "alice", "", D, NULL, &job), BSIM_S_OK);
  bsim_job_unref(job);
  /* Failed calls created nothing. */
  assert_int_equal(job_count(mgr, "alice"), 2);
  fx_free(mgr);
}

/* ---- quotas (reference §12) --------------------------------------------- */

static void test_job_api_quotas(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.max_jobs_per_machine = 100;
  bsim_manager *mgr = fx_manager_opts(&o);
  bsim_job *jobs[60];
  for (int i = 0; i < 60; i++)
    jobs[i] = fx_job(mgr, "alice", NULL, NULL);
  bsim_job *job = NULL;
  /* MaxJobsPerUser 60 (§12). */
  assert_int_equal(
      bsim_job_create(mgr, "alice", "61st", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
      BSIM_E_TOO_MANY_JOBS_PER_USER);
  /* Final jobs no longer count. */
  assert_int_equal(bsim_job_cancel(jobs[0]), BSIM_S_OK);
  job = fx_job(mgr, "alice", NULL, NULL);
  bsim_job_unref(job);
  /* MaxJobsPerMachine (100 here): bob reaches it at 40 jobs. */
  bsim_job *more[40];
  for (int i = 0; i < 40; i++)
    more[i] = fx_job(mgr, "bob", NULL, NULL);
  assert_int_equal(
      bsim_job_create(mgr, "bob", "x", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
      BSIM_E_TOO_MANY_JOBS_PER_MACHINE);
  /* Administrators are exempt. */
  job = fx_job(mgr, "admin", NULL, NULL);
  bsim_job_unref(job);
  for (int i = 0; i < 60; i++)
    bsim_job_unref(jobs[i]);
  for (int i = 0; i < 40; i++)
    bsim_job_unref(more[i]);
  fx_free(mgr);
}

static void test_job_api_quota_engine_capacity(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.max_jobs_total = 3;
  bsim_manager *mgr = fx_manager_opts(&o);
  bsim_job *j[3];
  for (int i = 0; i < 3; i++)
    j[i] = fx_job(mgr, "admin", NULL, NULL);
  bsim_job *job = NULL;
  assert_int_equal(
      bsim_job_create(mgr, "admin", "x", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
      BSIM_E_OUTOFMEMORY);
  for (int i = 0; i < 3; i++)
    bsim_job_unref(j[i]);
  fx_free(mgr);
}

static void test_job_api_files_per_job(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  char local[64];
  for (int i = 0; i < 199; i++) {
    snprintf(local, sizeof local, "/v/f%d", i);
    assert_int_equal(bsim_job_add_file(job, URL_OK, local), BSIM_S_OK);
  }
  /* A set that would pass MaxFilesPerJob 200 adds nothing (§12, §1.4). */
  struct bsim_file_info two[2] = {{URL_OK, "/v/a"}, {URL_OK, "/v/b"}};
  assert_int_equal(bsim_job_add_file_set(job, 2, two),
                   BSIM_E_TOO_MANY_FILES_IN_JOB);
  assert_int_equal(bsim_job_file_count(job), 199);
  assert_int_equal(bsim_job_add_file(job, URL_OK, "/v/last"), BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(job, URL_OK, "/v/over"),
                   BSIM_E_TOO_MANY_FILES_IN_JOB);
  assert_int_equal(bsim_job_file_count(job), 200);
  /* An administrator's job is exempt. */
  bsim_job *big = fx_job(mgr, "admin", NULL, NULL);
  for (int i = 0; i < 201; i++) {
    assert_int_equal(bsim_job_add_file(big, URL_OK, "/v/same"), BSIM_S_OK);
  }
  bsim_job_unref(big);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- AddFile arguments (reference §1.4, §9, §10) ------------------------ */

static void test_job_api_add_file_arguments(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  const bsim_hr INV = BSIM_E_INVALIDARG;
  assert_int_equal(bsim_job_add_file(NULL, URL_OK, "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, NULL, "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, URL_OK, NULL), INV);
  assert_int_equal(bsim_job_add_file(job, "", "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, URL_OK, ""), INV);
  assert_int_equal(bsim_job_add_file(job, URL_OK, "relative/a"), INV);
  assert_int_equal(bsim_job_add_file(job, URL_OK, "/v/dir/"), INV);
  assert_int_equal(bsim_job_add_file(job, "ftp://h/a", "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, "http://", "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, "http:///path", "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, "file://relative", "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, "relative/path", "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, "/data/*.bin", "/v/a"), INV);
  assert_int_equal(bsim_job_add_file(job, "http://h/\xc3", "/v/a"), INV);
  /* URL at most 2,200 characters (§10). */
  char *url = repeat("u", 2200);
  memcpy(url, "http://h/", 9);
  assert_int_equal(bsim_job_add_file(job, url, "/v/long"), BSIM_S_OK);
  free(url);
  url = repeat("u", 2201);
  memcpy(url, "http://h/", 9);
  assert_int_equal(bsim_job_add_file(job, url, "/v/a"), INV);
  free(url);
  /* Local name at most MAX_PATH (260) characters. */
  char *local = repeat("l", 260);
  local[0] = '/';
  assert_int_equal(bsim_job_add_file(job, URL_OK, local), BSIM_S_OK);
  free(local);
  local = repeat("l", 261);
  local[0] = '/';
  assert_int_equal(bsim_job_add_file(job, URL_OK, local), INV);
  free(local);
  /* The accepted forms: http, https (any case), file://, absolute path. */
  assert_int_equal(bsim_job_add_file(job, "HTTPS://h/a", "/v/b"), BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(job, "file:///srv/a", "/v/c"), BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(job, "/srv/a", "/v/d"), BSIM_S_OK);
  assert_int_equal(bsim_job_file_count(job), 5);
  /* AddFileSet: count 0 or NULL, and all-or-nothing on a bad entry. */
  struct bsim_file_info set[2] = {{URL_OK, "/v/e"}, {URL_OK, "rel"}};
  assert_int_equal(bsim_job_add_file_set(job, 0, set), INV);
  assert_int_equal(bsim_job_add_file_set(job, 2, NULL), INV);
  assert_int_equal(bsim_job_add_file_set(job, 2, set), INV);
  assert_int_equal(bsim_job_file_count(job), 5);
  set[1].local_name = "/v/f";
  assert_int_equal(bsim_job_add_file_set(job, 2, set), BSIM_S_OK);
  assert_int_equal(bsim_job_file_count(job), 7);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_job_api_upload_one_file(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *up = NULL;
  assert_int_equal(
      bsim_job_create(mgr, "alice", "up", BSIM_JOB_TYPE_UPLOAD, NULL, &up),
      BSIM_S_OK);
  struct bsim_file_info two[2] = {{"http://h/a", "/v/a"},
                                  {"http://h/b", "/v/b"}};
  /* §9: one file per upload job; a set of two adds nothing. */
  assert_int_equal(bsim_job_add_file_set(up, 2, two), BSIM_E_TOO_MANY_FILES);
  assert_int_equal(bsim_job_file_count(up), 0);
  assert_int_equal(bsim_job_add_file(up, "http://h/a", "/v/a"), BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(up, "http://h/b", "/v/b"),
                   BSIM_E_TOO_MANY_FILES);
  /* §4.3: Complete of an upload is legal only in TRANSFERRED. */
  assert_int_equal(bsim_job_complete(up), BSIM_E_INVALID_STATE);
  assert_int_equal(fx_state(up), BSIM_JOB_STATE_SUSPENDED);
  bsim_job_unref(up);
  bsim_job *reply = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "r",
                                   BSIM_JOB_TYPE_UPLOAD_REPLY, NULL, &reply),
                   BSIM_S_OK);
  /* §9: no SMB/file names for upload-reply. */
  assert_int_equal(bsim_job_add_file(reply, "file:///srv/a", "/v/a"),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_add_file(reply, "/srv/a", "/v/a"),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_add_file(reply, "https://h/a", "/v/a"), BSIM_S_OK);
  bsim_job_unref(reply);
  fx_free(mgr);
}

/* §1.4, §10 with the real disk: the parent directory must exist. */
static void test_job_api_local_directory(void **state) {
  (void)state;
  const char *dir = bsim_test_tmpdir("job_api_local");
  assert_non_null(dir);
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  char path[1024];
  snprintf(path, sizeof path, "%s/missing/a", dir);
  assert_int_equal(bsim_job_add_file(job, "http://h/a", path),
                   BSIM_E_INVALIDARG);
  snprintf(path, sizeof path, "%s/plain", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fclose(f);
  snprintf(path, sizeof path, "%s/plain/a", dir); /* parent is a file */
  assert_int_equal(bsim_job_add_file(job, "http://h/a", path),
                   BSIM_E_INVALIDARG);
  snprintf(path, sizeof path, "%s/a", dir);
  assert_int_equal(bsim_job_add_file(job, "http://h/a", path), BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- legality by state (reference §4.3) --------------------------------- */

enum method {
  M_ADD_FILE,
  M_SET_NAME,
  M_SET_DESC,
  M_SET_PRIO,
  M_SET_FLAGS,
  M_SET_RETRY,
  M_SET_NOPROG,
  M_SET_MAXDL,
  M_SET_PROXY,
  M_TAKE_OWNERSHIP,
  M_GET_ERROR,
  M_RESUME,
  M_SUSPEND,
  M_CANCEL,
  M_COMPLETE,
  M_COUNT
};

static bsim_hr call(bsim_job *job, enum method m) {
  struct bsim_job_error e;
  switch (m) {
  case M_ADD_FILE:
    return bsim_job_add_file(job, URL_OK, "/v/more");
  case M_SET_NAME:
    return bsim_job_set_display_name(job, "renamed");
  case M_SET_DESC:
    return bsim_job_set_description(job, "text");
  case M_SET_PRIO:
    return bsim_job_set_priority(job, BSIM_JOB_PRIORITY_FOREGROUND);
  case M_SET_FLAGS:
    return bsim_job_set_notify_flags(job, 0x3);
  case M_SET_RETRY:
    return bsim_job_set_minimum_retry_delay(job, 600);
  case M_SET_NOPROG:
    return bsim_job_set_no_progress_timeout(job, 1209600);
  case M_SET_MAXDL:
    return bsim_job_set_maximum_download_time(job, 7776000);
  case M_SET_PROXY:
    return bsim_job_set_proxy_settings(job, BSIM_PROXY_USAGE_NO_PROXY, NULL,
                                       NULL);
  case M_TAKE_OWNERSHIP:
    return bsim_job_take_ownership(job, "admin");
  case M_GET_ERROR:
    return bsim_job_get_error(job, &e);
  case M_RESUME:
    return bsim_job_resume(job);
  case M_SUSPEND:
    return bsim_job_suspend(job);
  case M_CANCEL:
    return bsim_job_cancel(job);
  case M_COMPLETE:
    return bsim_job_complete(job);
  case M_COUNT:
    break;
  }
  return BSIM_E_FAIL;
}

/* Expected code per (method, state), states in the order Q C T S E R D A X.
 * 'S' S_OK, 'X' BG_E_INVALID_STATE, 'U' BG_E_ERROR_INFORMATION_UNAVAILABLE,
 * 'P' BG_S_PARTIAL_COMPLETE. */
static const char *const legality[M_COUNT] = {
    [M_ADD_FILE] = "SSSSSSSXX",       /* §4.3 AddFile */
    [M_SET_NAME] = "SSSSSSSXX",       /* §4.3 Set* */
    [M_SET_DESC] = "SSSSSSSXX",       /* §4.3 Set* */
    [M_SET_PRIO] = "SSSSSSSXX",       /* §4.3 Set* */
    [M_SET_FLAGS] = "SSSSSSSXX",      /* §4.3 SetNotify* */
    [M_SET_RETRY] = "SSSSSSSXX",      /* §4.3 Set* */
    [M_SET_NOPROG] = "SSSSSSSXX",     /* §4.3 Set* */
    [M_SET_MAXDL] = "SSSSSSSXX",      /* §4.3 Set* */
    [M_SET_PROXY] = "SSSSSSSXX",      /* §4.3 proxy */
    [M_TAKE_OWNERSHIP] = "SSSSSSSXX", /* §4.3 TakeOwnership */
    [M_GET_ERROR] = "UUUUSSUUU",      /* §4.3 GetError, note 1 */
    [M_RESUME] = "SSSSSSSXX",         /* §4.3 Resume (TRD: note 3) */
    [M_SUSPEND] = "SSSSSSSXX",        /* §4.3 Suspend */
    [M_CANCEL] = "SSSSSSSXX",         /* §4.3 Cancel; second fails */
    [M_COMPLETE] = "PPPPPPSXX",       /* §4.3 Complete (download), §8 */
};

/* The state each successful method leaves the job in ('=' unchanged). */
static const char *const after[M_COUNT] = {
    [M_RESUME] = "===QQQ=",   /* §4.2; TRD without new files: unchanged */
    [M_SUSPEND] = "SSSSSSS",  /* §4.3, note 4 (literal reading) */
    [M_CANCEL] = "XXXXXXX",   /* §4.2 */
    [M_COMPLETE] = "AAAAAAA", /* §4.2, §8 */
};

static bsim_hr code_of(char c) {
  switch (c) {
  case 'S':
    return BSIM_S_OK;
  case 'X':
    return BSIM_E_INVALID_STATE;
  case 'U':
    return BSIM_E_ERROR_INFORMATION_UNAVAILABLE;
  default:
    return BSIM_S_PARTIAL_COMPLETE;
  }
}

static enum bsim_job_state state_of(char c) {
  static const char letters[] = "QCTSERDAX";
  return (enum bsim_job_state)(strchr(letters, c) - letters);
}

static void test_job_api_legality_by_state(void **state) {
  (void)state;
  for (int s = 0; s < BSIM_JOB_STATE_COUNT; s++) {
    for (int m = 0; m < M_COUNT; m++) {
      bsim_manager *mgr = world();
      bsim_job *job = job_in(mgr, (enum bsim_job_state)s);
      bsim_hr hr = call(job, (enum method)m);
      bsim_hr want = code_of(legality[m][s]);
      if (hr != want) {
        print_error("method %d in state %d: %s, expected %s\n", m, s,
                    bsim_hr_name(hr), bsim_hr_name(want));
      }
      assert_int_equal(hr, want);
      if (after[m] != NULL && s < BSIM_JOB_STATE_ACKNOWLEDGED) {
        char c = after[m][s];
        enum bsim_job_state expect =
            c == '=' ? (enum bsim_job_state)s : state_of(c);
        assert_int_equal(fx_state(job), expect);
      }
      bsim_job_unref(job);
      fx_free(mgr);
    }
  }
}

/* §4.2: Resume with no files stays SUSPENDED with BG_E_EMPTY; §4.3 note 3:
 * Resume of TRANSFERRED follows resume_transferred_returns_empty. */
static void test_job_api_resume_empty(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  assert_int_equal(bsim_job_resume(job), BSIM_E_EMPTY);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_SUSPENDED);
  bsim_job_unref(job);
  fx_free(mgr);
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.resume_transferred_returns_empty = 1;
  mgr = fx_manager_opts(&o);
  fx_host(mgr, "fast.test", 0, 0);
  fx_file(mgr, URL_OK, 10);
  job = fx_job(mgr, "alice", URL_OK, "/v/a");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 60000);
  assert_int_equal(bsim_job_resume(job), BSIM_E_EMPTY);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  /* With a new file Resume queues it again (§4.2). */
  assert_int_equal(bsim_job_add_file(job, URL_OK, "/v/b"), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_QUEUED);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 60000);
  struct bsim_job_progress p;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  assert_int_equal(p.files_transferred, 2);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §15: suspend_keeps_stopped leaves ERROR and TRANSFERRED as they are. */
static void test_job_api_suspend_option(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.suspend_keeps_stopped = 1;
  bsim_manager *mgr = fx_manager_opts(&o);
  fx_host(mgr, "fast.test", 0, 0);
  fx_file(mgr, URL_OK, 10);
  bsim_job *job = fx_job(mgr, "alice", URL_OK, "/v/a");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 60000);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- setters and strings (reference §1.4) ------------------------------- */

static void test_job_api_setters(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  assert_int_equal(bsim_job_set_display_name(job, NULL), BSIM_E_INVALIDARG);
  char *s = repeat("\xe2\x82\xac", 256); /* 256 euro signs, 768 bytes */
  assert_int_equal(bsim_job_set_display_name(job, s), BSIM_S_OK);
  free(s);
  s = repeat("n", 257);
  assert_int_equal(bsim_job_set_display_name(job, s), BSIM_E_STRING_TOO_LONG);
  free(s);
  assert_int_equal(bsim_job_set_description(job, NULL), BSIM_E_INVALIDARG);
  s = repeat("\xe2\x82\xac", 1024);
  assert_int_equal(bsim_job_set_description(job, s), BSIM_S_OK);
  char *back = NULL;
  assert_int_equal(bsim_job_get_description(job, &back), BSIM_S_OK);
  assert_string_equal(back, s);
  bsim_free(back);
  free(s);
  s = repeat("d", 1025);
  assert_int_equal(bsim_job_set_description(job, s), BSIM_E_STRING_TOO_LONG);
  free(s);
  assert_int_equal(bsim_job_set_description(job, "x\xc0y"), BSIM_E_INVALIDARG);
  /* Values outside an enum or unknown flag bits: E_NOTIMPL (§1.4). */
  assert_int_equal(bsim_job_set_priority(job, (enum bsim_job_priority)4),
                   BSIM_E_NOTIMPL);
  assert_int_equal(bsim_job_set_notify_flags(job, 0x40), BSIM_E_NOTIMPL);
  assert_int_equal(bsim_job_set_notify_flags(job, 0x3f), BSIM_S_OK);
  uint32_t v;
  assert_int_equal(bsim_job_get_notify_flags(job, &v), BSIM_S_OK);
  assert_int_equal(v, 0x3f);
  /* MinimumRetryDelay below 5 is raised to 5 (§1.4, §5). */
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 0), BSIM_S_OK);
  assert_int_equal(bsim_job_get_minimum_retry_delay(job, &v), BSIM_S_OK);
  assert_int_equal(v, 5);
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 7), BSIM_S_OK);
  assert_int_equal(bsim_job_get_minimum_retry_delay(job, &v), BSIM_S_OK);
  assert_int_equal(v, 7);
  assert_int_equal(bsim_job_set_no_progress_timeout(job, 0), BSIM_S_OK);
  assert_int_equal(bsim_job_get_no_progress_timeout(job, &v), BSIM_S_OK);
  assert_int_equal(v, 0);
  assert_int_equal(bsim_job_set_priority(job, BSIM_JOB_PRIORITY_LOW),
                   BSIM_S_OK);
  enum bsim_job_priority p;
  assert_int_equal(bsim_job_get_priority(job, &p), BSIM_S_OK);
  assert_int_equal(p, BSIM_JOB_PRIORITY_LOW);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_job_api_proxy(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  const enum bsim_proxy_usage O = BSIM_PROXY_USAGE_OVERRIDE;
  /* §1.4 SetProxySettings. */
  assert_int_equal(
      bsim_job_set_proxy_settings(job, (enum bsim_proxy_usage)4, NULL, NULL),
      BSIM_E_NOTIMPL);
  assert_int_equal(bsim_job_set_proxy_settings(job, O, NULL, NULL),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_set_proxy_settings(job, BSIM_PROXY_USAGE_NO_PROXY,
                                               "p:8080", NULL),
                   BSIM_E_INVALIDARG);
  char *big = repeat("p", 4001);
  assert_int_equal(bsim_job_set_proxy_settings(job, O, big, NULL),
                   BSIM_E_PROXY_LIST_TOO_LARGE);
  assert_int_equal(bsim_job_set_proxy_settings(job, O, "p:1", big),
                   BSIM_E_PROXY_BYPASS_LIST_TOO_LARGE);
  free(big);
  assert_int_equal(
      bsim_job_set_proxy_settings(job, O, "p:1 q:2", "<local> *.test"),
      BSIM_S_OK);
  enum bsim_proxy_usage usage;
  char *proxy = NULL, *bypass = NULL;
  assert_int_equal(bsim_job_get_proxy_settings(job, &usage, &proxy, &bypass),
                   BSIM_S_OK);
  assert_int_equal(usage, O);
  assert_string_equal(proxy, "p:1 q:2");
  assert_string_equal(bypass, "<local> *.test");
  bsim_free(proxy);
  bsim_free(bypass);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §2.12: ModificationTime moves with a Set* call. */
static void test_job_api_modification_time(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  struct bsim_job_times t0, t1;
  assert_int_equal(bsim_job_get_times(job, &t0), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 5000), BSIM_S_OK);
  assert_int_equal(bsim_job_set_description(job, "later"), BSIM_S_OK);
  assert_int_equal(bsim_job_get_times(job, &t1), BSIM_S_OK);
  assert_true(t1.creation_filetime == t0.creation_filetime);
  assert_true(t1.modification_filetime ==
              t0.modification_filetime + UINT64_C(5000) * 10000);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- ids, lookup, enumeration (reference §1.3, §12) --------------------- */

static void test_job_api_guid(void **state) {
  (void)state;
  bsim_manager *a = world();
  bsim_manager *b = world();
  bsim_guid ida, idb, parsed;
  bsim_job *ja = NULL, *jb = NULL;
  assert_int_equal(
      bsim_job_create(a, "alice", "x", BSIM_JOB_TYPE_DOWNLOAD, &ida, &ja),
      BSIM_S_OK);
  assert_int_equal(
      bsim_job_create(b, "alice", "x", BSIM_JOB_TYPE_DOWNLOAD, &idb, &jb),
      BSIM_S_OK);
  /* One seed, one sequence of ids (design.md "Seeds"). */
  assert_memory_equal(&ida, &idb, sizeof ida);
  char text[BSIM_GUID_STRING_LEN];
  assert_ptr_equal(bsim_guid_format(&ida, text), text);
  assert_int_equal(strlen(text), 38);
  assert_true(text[0] == '{' && text[37] == '}');
  assert_true(text[9] == '-' && text[14] == '-' && text[19] == '-' &&
              text[24] == '-');
  for (int i = 1; i < 37; i++) {
    assert_true(text[i] == '-' || (text[i] >= '0' && text[i] <= '9') ||
                (text[i] >= 'A' && text[i] <= 'F'));
  }
  assert_true(text[15] == '4'); /* version 4 */
  assert_int_equal(bsim_guid_parse(text, &parsed), 0);
  assert_memory_equal(&parsed, &ida, sizeof ida);
  /* Without braces and in lower case too. */
  char bare[BSIM_GUID_STRING_LEN];
  memcpy(bare, text + 1, 36);
  bare[36] = '\0';
  for (int i = 0; i < 36; i++) {
    if (bare[i] >= 'A' && bare[i] <= 'F') bare[i] = (char)(bare[i] + 32);
  }
  assert_int_equal(bsim_guid_parse(bare, &parsed), 0);
  assert_memory_equal(&parsed, &ida, sizeof ida);
  assert_int_equal(bsim_guid_parse("{1234}", &parsed), -1);
  assert_int_equal(bsim_guid_parse(NULL, &parsed), -1);
  text[37] = 'x';
  assert_int_equal(bsim_guid_parse(text, &parsed), -1);
  /* A second job gets another id. */
  bsim_guid id2;
  bsim_job *j2 = NULL;
  assert_int_equal(
      bsim_job_create(a, "alice", "y", BSIM_JOB_TYPE_DOWNLOAD, &id2, &j2),
      BSIM_S_OK);
  assert_memory_not_equal(&id2, &ida, sizeof ida);
  bsim_job_unref(j2);
  bsim_job_unref(ja);
  bsim_job_unref(jb);
  fx_free(a);
  fx_free(b);
}

static void test_job_api_get_job(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_guid id;
  bsim_job *job = NULL, *got = NULL;
  assert_int_equal(
      bsim_job_create(mgr, "alice", "x", BSIM_JOB_TYPE_DOWNLOAD, &id, &job),
      BSIM_S_OK);
  assert_int_equal(bsim_manager_get_job(mgr, "alice", &id, &got), BSIM_S_OK);
  assert_ptr_equal(got, job);
  bsim_job_unref(got);
  /* §1.3, §12: another user's job is E_ACCESSDENIED, except for admins. */
  assert_int_equal(bsim_manager_get_job(mgr, "bob", &id, &got),
                   BSIM_E_ACCESSDENIED);
  assert_null(got);
  assert_int_equal(bsim_manager_get_job(mgr, "admin", &id, &got), BSIM_S_OK);
  bsim_job_unref(got);
  assert_int_equal(bsim_manager_get_job(mgr, "mallory", &id, &got),
                   BSIM_E_ACCESSDENIED);
  assert_int_equal(bsim_manager_get_job(mgr, NULL, &id, &got),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_manager_get_job(mgr, "alice", NULL, &got),
                   BSIM_E_INVALIDARG);
  bsim_guid other = id;
  other.data1 ^= 1;
  assert_int_equal(bsim_manager_get_job(mgr, "alice", &other, &got),
                   BSIM_E_NOT_FOUND);
  /* A final job is not found any more (§1.3). */
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_get_job(mgr, "alice", &id, &got),
                   BSIM_E_NOT_FOUND);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_job_api_enum_jobs(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *a1 = fx_job(mgr, "alice", NULL, NULL);
  bsim_job *b1 = fx_job(mgr, "bob", NULL, NULL);
  bsim_job *a2 = fx_job(mgr, "alice", NULL, NULL);
  bsim_job *a3 = fx_job(mgr, "alice", NULL, NULL);
  assert_int_equal(bsim_job_cancel(a3), BSIM_S_OK);
  bsim_job **jobs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_enum_jobs(mgr, "alice", 0, &jobs, &n),
                   BSIM_S_OK);
  /* Own jobs, final ones left out (§1.3), in creation order. */
  assert_int_equal(n, 2);
  assert_ptr_equal(jobs[0], a1);
  assert_ptr_equal(jobs[1], a2);
  bsim_job_array_free(jobs, n);
  assert_int_equal(
      bsim_manager_enum_jobs(mgr, "alice", BSIM_JOB_ENUM_ALL_USERS, &jobs, &n),
      BSIM_E_ACCESSDENIED);
  assert_int_equal(
      bsim_manager_enum_jobs(mgr, "admin", BSIM_JOB_ENUM_ALL_USERS, &jobs, &n),
      BSIM_S_OK);
  assert_int_equal(n, 3);
  bsim_job_array_free(jobs, n);
  assert_int_equal(bsim_manager_enum_jobs(mgr, "admin", 0x2, &jobs, &n),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_manager_enum_jobs(mgr, "admin", 0, &jobs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 0);
  bsim_job_array_free(jobs, n);
  bsim_job_unref(a1);
  bsim_job_unref(a2);
  bsim_job_unref(a3);
  bsim_job_unref(b1);
  fx_free(mgr);
}

static void test_job_api_take_ownership(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  /* §1.4, §12: administrators only. */
  assert_int_equal(bsim_job_take_ownership(job, "bob"), BSIM_E_ACCESSDENIED);
  assert_int_equal(bsim_job_take_ownership(job, "mallory"),
                   BSIM_E_ACCESSDENIED);
  assert_int_equal(bsim_job_take_ownership(job, NULL), BSIM_E_INVALIDARG);
  const char *argv[] = {"/bin/true", "done", NULL};
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/true", argv),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_take_ownership(job, "admin"), BSIM_S_OK);
  /* §6, §12: the notify command line is stripped. */
  char *program = (char *)1;
  char **args = NULL;
  assert_int_equal(bsim_job_get_notify_cmdline(job, &program, &args),
                   BSIM_S_OK);
  assert_null(program);
  assert_null(args);
  char *owner = NULL;
  assert_int_equal(bsim_job_get_owner(job, &owner), BSIM_S_OK);
  assert_string_equal(owner, "admin");
  bsim_free(owner);
  assert_int_equal(job_count(mgr, "alice"), 0);
  assert_int_equal(job_count(mgr, "admin"), 1);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- users and manager options ------------------------------------------ */

static void test_job_api_users_and_options(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  assert_int_equal(bsim_user_add(mgr, "alice", 0), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_user_add(mgr, "", 0), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_user_add(mgr, NULL, 0), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_user_add(NULL, "x", 0), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_user_set_logged_on(mgr, "nobody", 0), BSIM_E_NOT_FOUND);
  assert_int_equal(bsim_manager_seed(mgr), bsim_test_seed());
  fx_free(mgr);
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.clock_mode = (enum bsim_clock_mode)7;
  bsim_manager *bad = (bsim_manager *)1;
  assert_int_equal(bsim_manager_new(&o, &bad), BSIM_E_INVALIDARG);
  assert_null(bad);
  bsim_manager_options_init(&o);
  o.struct_size = 0;
  assert_int_equal(bsim_manager_new(&o, &bad), BSIM_E_INVALIDARG);
  bsim_manager_options_init(&o);
  o.time_slice_ms = 0;
  assert_int_equal(bsim_manager_new(&o, &bad), BSIM_E_INVALIDARG);
  bsim_manager_options_init(&o);
  /* A store that cannot be created (docs/store.md; tests/unit/test_store.c
   * covers the store itself). */
  o.store_path = "/nonexistent-bitsim-dir/store.db";
  assert_int_equal(bsim_manager_new(&o, &bad), BSIM_E_ACCESSDENIED);
  assert_int_equal(bsim_manager_new(NULL, NULL), BSIM_E_INVALIDARG);
  /* NULL options: all defaults. */
  assert_int_equal(bsim_manager_new(NULL, &bad), BSIM_S_OK);
  assert_int_equal(bsim_manager_seed(bad), 1);
  assert_int_equal(bsim_manager_free(bad), BSIM_S_OK);
  assert_int_equal(bsim_manager_free(NULL), BSIM_S_OK);
}

/* ---- references (design.md "Job handles") ------------------------------- */

static void test_job_api_final_job_stays_valid(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *job = fx_job(mgr, "alice", URL_OK, "/v/a");
  bsim_job_ref(job); /* a second holder */
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(bsim_job_cancel(job), BSIM_E_INVALID_STATE); /* §1.4 */
  bsim_job_unref(job);
  /* Still a valid object for the remaining reference. */
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_CANCELLED);
  assert_int_equal(bsim_job_resume(job), BSIM_E_INVALID_STATE);
  assert_int_equal(bsim_job_add_file(job, URL_OK, "/v/b"),
                   BSIM_E_INVALID_STATE);
  assert_int_equal(bsim_job_file_count(job), 1);
  bsim_job_unref(job);
  bsim_job_unref(NULL);
  fx_free(mgr);
}

static void test_job_api_manager_free_detaches(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *live = fx_job(mgr, "alice", URL_SLOW, "/v/a");
  bsim_job *done = fx_job(mgr, "bob", URL_OK, "/v/b");
  assert_int_equal(bsim_job_resume(live), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 5000), BSIM_S_OK);
  assert_int_equal(fx_state(live), BSIM_JOB_STATE_TRANSFERRING);
  assert_int_equal(bsim_job_cancel(done), BSIM_S_OK);
  fx_free(mgr);
  /* Both objects stay valid until their last unref. */
  assert_int_equal(fx_state(live), BSIM_JOB_STATE_TRANSFERRING);
  assert_int_equal(fx_state(done), BSIM_JOB_STATE_CANCELLED);
  assert_int_equal(bsim_job_suspend(live), BSIM_E_INVALID_STATE);
  assert_int_equal(bsim_job_set_description(live, "x"), BSIM_E_INVALID_STATE);
  char *owner = NULL;
  assert_int_equal(bsim_job_get_owner(live, &owner), BSIM_S_OK);
  assert_string_equal(owner, "alice");
  bsim_free(owner);
  struct bsim_file_progress fp = fx_file_progress(live, 0);
  assert_true(fp.bytes_transferred >= 4 && fp.bytes_transferred <= 5);
  bsim_job_unref(live);
  bsim_job_unref(done);
}

/* ---- the trace (design.md "Trace") -------------------------------------- */

struct lines {
  char text[16384];
  size_t len;
};

static void collect(const char *line, size_t len, void *user) {
  struct lines *l = user;
  if (l->len + len + 2 >= sizeof l->text) return;
  memcpy(l->text + l->len, line, len);
  l->len += len;
  l->text[l->len++] = '\n';
  l->text[l->len] = '\0';
}

/* Every API call is traced with its result, every state change with its
 * from, to, why and the code location. */
static void test_job_api_trace(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  static struct lines l;
  memset(&l, 0, sizeof l);
  assert_int_equal(bsim_trace_set_sink(mgr, collect, &l), BSIM_S_OK);
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  assert_int_equal(bsim_job_resume(job), BSIM_E_EMPTY);
  assert_int_equal(bsim_job_add_file(job, URL_OK, "/v/a"), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_non_null(strstr(l.text, "\"ev\":\"api\""));
  assert_non_null(strstr(l.text, "\"call\":\"create\""));
  assert_non_null(strstr(l.text, "\"call\":\"resume\",\"hr\":\"BG_E_EMPTY\""));
  const char *st = strstr(l.text, "\"ev\":\"state\"");
  assert_non_null(st);
  assert_non_null(strstr(st, "\"from\":\"SUSPENDED\",\"to\":\"QUEUED\","
                             "\"why\":\"RESUME\",\"at\":\"job_life.c:"));
  bsim_job_unref(job);
  fx_free(mgr);
}

/* ---- allocation failures (style B.12) ----------------------------------- */

static void test_job_api_oom_sweep(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  int created = 0;
  for (uint64_t n = 1; !created; n++) {
    bsim_job *job = NULL;
    bsim__alloc_fail_after(n);
    bsim_hr hr = bsim_job_create(mgr, "alice", "oom", BSIM_JOB_TYPE_DOWNLOAD,
                                 NULL, &job);
    bsim__alloc_fail_reset();
    if (hr == BSIM_S_OK) {
      created = 1;
      assert_int_equal(job_count(mgr, "alice"), 1);
      /* Now AddFile. */
      int added = 0;
      for (uint64_t k = 1; !added; k++) {
        bsim__alloc_fail_after(k);
        bsim_hr h2 = bsim_job_add_file(job, URL_OK, "/v/a");
        bsim__alloc_fail_reset();
        if (h2 == BSIM_S_OK) {
          added = 1;
        } else {
          assert_int_equal(h2, BSIM_E_OUTOFMEMORY);
          assert_int_equal(bsim_job_file_count(job), 0);
        }
      }
      assert_int_equal(bsim_job_file_count(job), 1);
      bsim_job_unref(job);
    } else {
      assert_int_equal(hr, BSIM_E_OUTOFMEMORY);
      assert_null(job);
      assert_int_equal(job_count(mgr, "alice"), 0);
    }
  }
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_job_api_defaults),
      cmocka_unit_test(test_job_api_new_file_progress),
      cmocka_unit_test(test_job_api_create_arguments),
      cmocka_unit_test(test_job_api_quotas),
      cmocka_unit_test(test_job_api_quota_engine_capacity),
      cmocka_unit_test(test_job_api_files_per_job),
      cmocka_unit_test(test_job_api_add_file_arguments),
      cmocka_unit_test(test_job_api_upload_one_file),
      cmocka_unit_test(test_job_api_local_directory),
      cmocka_unit_test(test_job_api_legality_by_state),
      cmocka_unit_test(test_job_api_resume_empty),
      cmocka_unit_test(test_job_api_suspend_option),
      cmocka_unit_test(test_job_api_setters),
      cmocka_unit_test(test_job_api_proxy),
      cmocka_unit_test(test_job_api_modification_time),
      cmocka_unit_test(test_job_api_guid),
      cmocka_unit_test(test_job_api_get_job),
      cmocka_unit_test(test_job_api_enum_jobs),
      cmocka_unit_test(test_job_api_take_ownership),
      cmocka_unit_test(test_job_api_users_and_options),
      cmocka_unit_test(test_job_api_final_job_stays_valid),
      cmocka_unit_test(test_job_api_manager_free_detaches),
      cmocka_unit_test(test_job_api_trace),
      cmocka_unit_test(test_job_api_oom_sweep),
  };
  return cmocka_run_group_tests_name("job_api", tests, NULL, NULL);
}
