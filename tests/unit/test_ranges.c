/* AddFileWithRanges and GetFileRanges from the caller's side (reference
 * §1.6, §1.9, §2.7, §12): every refusal with the code BITS gives, in the
 * order BITS checks, each one leaving the job exactly as it was (no file,
 * no ModificationTime move); the MaxRangesPerFile quota of 500 and the
 * administrators' exemption; the overlap rule bitsim documents (order
 * free, stable offset order decides); the copy GetFileRanges returns, and
 * a file without ranges. Transfers are in tests/sim/test_sim_ranges.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsim_test.h"
#include "util/alloc.h"
#include "bsim_engine_fixture.h"

#define URL "http://fast.test/f"
#define EOF_LEN BSIM_LENGTH_TO_EOF

static bsim_manager *world(enum bsim_fs_mode fs) {
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, fs);
  fx_host(mgr, "fast.test", 0, 0);
  fx_file(mgr, URL, 1000);
  return mgr;
}

static bsim_job *new_job(bsim_manager *mgr, const char *user,
                         enum bsim_job_type type) {
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(mgr, user, "r", type, NULL, &job),
                   BSIM_S_OK);
  return job;
}

static uint64_t modified(bsim_job *job) {
  struct bsim_job_times t;
  assert_int_equal(bsim_job_get_times(job, &t), BSIM_S_OK);
  return t.modification_filetime;
}

/* The call is refused with want and the job is unchanged: as many files
 * as before and the same ModificationTime (time moves between calls). */
static void refused(bsim_manager *mgr, bsim_job *job, const char *remote,
                    const char *local, uint32_t count,
                    const struct bsim_file_range *ranges, bsim_hr want) {
  uint32_t files = bsim_job_file_count(job);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  uint64_t before = modified(job);
  assert_int_equal(
      bsim_job_add_file_with_ranges(job, remote, local, count, ranges), want);
  assert_int_equal(bsim_job_file_count(job), files);
  assert_int_equal(modified(job), before);
}

/* §1.6: download only; E_NOTIMPL comes before any argument check. */
static void test_ranges_upload_types(void **state) {
  (void)state;
  bsim_manager *mgr = world(BSIM_FS_VIRTUAL);
  struct bsim_file_range r = {0, 10};
  bsim_job *up = new_job(mgr, "alice", BSIM_JOB_TYPE_UPLOAD);
  bsim_job *reply = new_job(mgr, "alice", BSIM_JOB_TYPE_UPLOAD_REPLY);
  refused(mgr, up, URL, "/v/a", 1, &r, BSIM_E_NOTIMPL);
  refused(mgr, reply, URL, "/v/a", 1, &r, BSIM_E_NOTIMPL);
  refused(mgr, up, NULL, NULL, 0, NULL, BSIM_E_NOTIMPL);
  assert_int_equal(bsim_job_add_file_with_ranges(NULL, URL, "/v/a", 1, &r),
                   BSIM_E_INVALIDARG);
  bsim_job_unref(up);
  bsim_job_unref(reply);
  fx_free(mgr);
}

/* §1.6: E_INVALIDARG for no ranges and for the names AddFile refuses. */
static void test_ranges_invalid_args(void **state) {
  (void)state;
  bsim_manager *mgr = world(BSIM_FS_VIRTUAL);
  bsim_job *job = new_job(mgr, "alice", BSIM_JOB_TYPE_DOWNLOAD);
  struct bsim_file_range r = {0, 10};
  refused(mgr, job, URL, "/v/a", 0, &r, BSIM_E_INVALIDARG);
  refused(mgr, job, URL, "/v/a", 1, NULL, BSIM_E_INVALIDARG);
  refused(mgr, job, NULL, "/v/a", 1, &r, BSIM_E_INVALIDARG);
  refused(mgr, job, "", "/v/a", 1, &r, BSIM_E_INVALIDARG);
  refused(mgr, job, "ftp://h/f", "/v/a", 1, &r, BSIM_E_INVALIDARG);
  refused(mgr, job, URL, "relative", 1, &r, BSIM_E_INVALIDARG);
  refused(mgr, job, URL, NULL, 1, &r, BSIM_E_INVALIDARG);
  refused(mgr, job, URL, "/v/dir/", 1, &r, BSIM_E_INVALIDARG);
  /* A bad name wins over a bad range: arguments first. */
  struct bsim_file_range bad = {EOF_LEN, 1};
  refused(mgr, job, URL, "relative", 1, &bad, BSIM_E_INVALIDARG);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.6, §2.7: an offset of BG_LENGTH_TO_EOF is BG_E_INVALID_RANGE, and so
 * is a range running past 2^64; an invalid range wins over an overlap. */
static void test_ranges_invalid_range(void **state) {
  (void)state;
  bsim_manager *mgr = world(BSIM_FS_VIRTUAL);
  bsim_job *job = new_job(mgr, "alice", BSIM_JOB_TYPE_DOWNLOAD);
  struct bsim_file_range r1[] = {{EOF_LEN, 10}};
  refused(mgr, job, URL, "/v/a", 1, r1, BSIM_E_INVALID_RANGE);
  struct bsim_file_range r2[] = {{EOF_LEN, EOF_LEN}};
  refused(mgr, job, URL, "/v/a", 1, r2, BSIM_E_INVALID_RANGE);
  struct bsim_file_range r3[] = {{10, UINT64_MAX - 5}};
  refused(mgr, job, URL, "/v/a", 1, r3, BSIM_E_INVALID_RANGE);
  struct bsim_file_range r4[] = {{0, 10}, {0, 10}, {EOF_LEN, 1}};
  refused(mgr, job, URL, "/v/a", 3, r4, BSIM_E_INVALID_RANGE);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.6: duplicates and overlaps are BG_E_OVERLAPPING_RANGES; the order of
 * the ranges is free (it is the layout of the local file), equal offsets
 * are judged in the order given ("reverse length order" refused). */
static void test_ranges_overlap(void **state) {
  (void)state;
  bsim_manager *mgr = world(BSIM_FS_VIRTUAL);
  bsim_job *job = new_job(mgr, "alice", BSIM_JOB_TYPE_DOWNLOAD);
  struct bsim_file_range dup[] = {{0, 10}, {0, 10}};
  refused(mgr, job, URL, "/v/a", 2, dup, BSIM_E_OVERLAPPING_RANGES);
  struct bsim_file_range over[] = {{100, 50}, {0, 10}, {149, 1}};
  refused(mgr, job, URL, "/v/a", 3, over, BSIM_E_OVERLAPPING_RANGES);
  struct bsim_file_range to_eof[] = {{500, 10}, {10, EOF_LEN}};
  refused(mgr, job, URL, "/v/a", 2, to_eof, BSIM_E_OVERLAPPING_RANGES);
  struct bsim_file_range reverse[] = {{5, 10}, {5, 0}};
  refused(mgr, job, URL, "/v/a", 2, reverse, BSIM_E_OVERLAPPING_RANGES);
  /* Accepted: unsorted, touching, a zero-length range before a range at
   * the same offset, and an open end after everything else. */
  struct bsim_file_range ok[] = {{100, 50}, {0, 5}, {150, 1},
                                 {5, 0},    {5, 5}, {900, EOF_LEN}};
  assert_int_equal(bsim_job_add_file_with_ranges(job, URL, "/v/a", 6, ok),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_file_count(job), 1);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §12, §14: MaxRangesPerFile 500 for standard users; administrators are
 * exempt; the quota follows max_ranges_per_file. */
static struct bsim_file_range *many(uint32_t n) {
  struct bsim_file_range *r = calloc(n, sizeof *r);
  assert_non_null(r);
  for (uint32_t i = 0; i < n; i++) {
    r[i].initial_offset = (uint64_t)i * 2;
    r[i].length = 1;
  }
  return r;
}

static void test_ranges_quota(void **state) {
  (void)state;
  bsim_manager *mgr = world(BSIM_FS_VIRTUAL);
  struct bsim_file_range *r = many(501);
  bsim_job *job = new_job(mgr, "alice", BSIM_JOB_TYPE_DOWNLOAD);
  refused(mgr, job, URL, "/v/a", 501, r, BSIM_E_TOO_MANY_RANGES_IN_FILE);
  assert_int_equal(bsim_job_add_file_with_ranges(job, URL, "/v/a", 500, r),
                   BSIM_S_OK);
  /* An overlap is found before the quota is counted. */
  r[1].initial_offset = 0;
  refused(mgr, job, URL, "/v/b", 501, r, BSIM_E_OVERLAPPING_RANGES);
  r[1].initial_offset = 2;
  bsim_job *adm = new_job(mgr, "admin", BSIM_JOB_TYPE_DOWNLOAD);
  assert_int_equal(bsim_job_add_file_with_ranges(adm, URL, "/v/a", 501, r),
                   BSIM_S_OK);
  bsim_job_unref(job);
  bsim_job_unref(adm);
  fx_free(mgr);
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  o.max_ranges_per_file = 2;
  mgr = fx_manager_opts(&o);
  job = new_job(mgr, "bob", BSIM_JOB_TYPE_DOWNLOAD);
  refused(mgr, job, URL, "/v/a", 3, r, BSIM_E_TOO_MANY_RANGES_IN_FILE);
  assert_int_equal(bsim_job_add_file_with_ranges(job, URL, "/v/a", 2, r),
                   BSIM_S_OK);
  free(r);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.6: BG_E_INVALID_STATE in final states; MaxFilesPerJob as AddFile. */
static void test_ranges_state_and_files_quota(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  o.max_files_per_job = 1;
  bsim_manager *mgr = fx_manager_opts(&o);
  struct bsim_file_range r = {0, 10};
  bsim_job *job = new_job(mgr, "alice", BSIM_JOB_TYPE_DOWNLOAD);
  assert_int_equal(bsim_job_add_file_with_ranges(job, URL, "/v/a", 1, &r),
                   BSIM_S_OK);
  refused(mgr, job, URL, "/v/b", 1, &r, BSIM_E_TOO_MANY_FILES_IN_JOB);
  /* Range checks come before the state: a cancelled job still says
   * BG_E_INVALID_RANGE for a bad range. */
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  refused(mgr, job, URL, "/v/b", 1, &r, BSIM_E_INVALID_STATE);
  struct bsim_file_range bad = {EOF_LEN, 1};
  refused(mgr, job, URL, "/v/b", 1, &bad, BSIM_E_INVALID_RANGE);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.4, §1.6: the local directory must exist (E_INVALIDARG) and be
 * writable (E_ACCESSDENIED), checked on the real disk. */
static void test_ranges_local_dir(void **state) {
  (void)state;
  const char *dir = bsim_test_tmpdir("ranges_local_dir");
  char ro[1024];
  char name[1100];
  snprintf(ro, sizeof ro, "%s/ro", dir);
  assert_int_equal(mkdir(ro, 0500), 0);
  bsim_manager *mgr = world(BSIM_FS_REAL);
  bsim_job *job = new_job(mgr, "alice", BSIM_JOB_TYPE_DOWNLOAD);
  struct bsim_file_range r = {0, 10};
  snprintf(name, sizeof name, "%s/missing/f", dir);
  refused(mgr, job, URL, name, 1, &r, BSIM_E_INVALIDARG);
  snprintf(name, sizeof name, "%s/f", ro);
  if (access(ro, W_OK) != 0) { /* root may write anywhere */
    refused(mgr, job, URL, name, 1, &r, BSIM_E_ACCESSDENIED);
  }
  snprintf(name, sizeof name, "%s/f", dir);
  assert_int_equal(bsim_job_add_file_with_ranges(job, URL, name, 1, &r),
                   BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);
  assert_int_equal(chmod(ro, 0700), 0);
}

/* §1.9: GetFileRanges returns a copy of the ranges as given (open end
 * included); a file added without ranges has none; bad arguments. */
static void test_ranges_get(void **state) {
  (void)state;
  bsim_manager *mgr = world(BSIM_FS_VIRTUAL);
  bsim_job *job = new_job(mgr, "alice", BSIM_JOB_TYPE_DOWNLOAD);
  struct bsim_file_range in[] = {{500, EOF_LEN}, {0, 100}, {200, 7}};
  assert_int_equal(bsim_job_add_file(job, URL, "/v/plain"), BSIM_S_OK);
  assert_int_equal(bsim_job_add_file_with_ranges(job, URL, "/v/r", 3, in),
                   BSIM_S_OK);
  in[0].initial_offset = 1; /* the job kept its own copy */
  uint32_t n = 99;
  struct bsim_file_range *out = NULL;
  assert_int_equal(bsim_file_get_ranges(job, 1, &n, &out), BSIM_S_OK);
  assert_int_equal(n, 3);
  assert_non_null(out);
  assert_int_equal(out[0].initial_offset, 500);
  assert_true(out[0].length == EOF_LEN);
  assert_int_equal(out[1].initial_offset, 0);
  assert_int_equal(out[1].length, 100);
  assert_int_equal(out[2].initial_offset, 200);
  assert_int_equal(out[2].length, 7);
  bsim_free(out);
  out = (struct bsim_file_range *)&n;
  assert_int_equal(bsim_file_get_ranges(job, 0, &n, &out), BSIM_S_OK);
  assert_int_equal(n, 0);
  assert_null(out);
  assert_int_equal(bsim_file_get_ranges(job, 2, &n, &out), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_file_get_ranges(job, 0, NULL, &out), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_file_get_ranges(job, 0, &n, NULL), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_file_get_ranges(NULL, 0, &n, &out), BSIM_E_INVALIDARG);
  /* A new ranged file's progress is as any new file's (§1.9). */
  struct bsim_file_progress p = fx_file_progress(job, 1);
  assert_true(p.bytes_total == BSIM_SIZE_UNKNOWN);
  assert_int_equal(p.bytes_transferred, 0);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* Style B.12: every allocation AddFileWithRanges and GetFileRanges make
 * may fail; the call then says E_OUTOFMEMORY and the job is unchanged
 * (ASan checks that nothing leaks). A plain file first, so that the file
 * array grows out of its inline record. */
static void test_ranges_oom_sweep(void **state) {
  (void)state;
  bsim_manager *mgr = world(BSIM_FS_VIRTUAL);
  bsim_job *job = new_job(mgr, "alice", BSIM_JOB_TYPE_DOWNLOAD);
  assert_int_equal(bsim_job_add_file(job, URL, "/v/plain"), BSIM_S_OK);
  struct bsim_file_range r[] = {{300, EOF_LEN}, {0, 100}, {200, 10}};
  int added = 0;
  for (uint64_t n = 1; !added; n++) {
    bsim__alloc_fail_after(n);
    bsim_hr hr = bsim_job_add_file_with_ranges(job, URL, "/v/a", 3, r);
    bsim__alloc_fail_reset();
    if (hr == BSIM_S_OK) {
      added = 1;
    } else {
      assert_int_equal(hr, BSIM_E_OUTOFMEMORY);
      assert_int_equal(bsim_job_file_count(job), 1);
    }
  }
  assert_int_equal(bsim_job_file_count(job), 2);
  uint32_t count = 0;
  struct bsim_file_range *out = NULL;
  bsim__alloc_fail_after(1);
  assert_int_equal(bsim_file_get_ranges(job, 1, &count, &out),
                   BSIM_E_OUTOFMEMORY);
  bsim__alloc_fail_reset();
  assert_int_equal(count, 0);
  assert_null(out);
  assert_int_equal(bsim_file_get_ranges(job, 1, &count, &out), BSIM_S_OK);
  assert_int_equal(count, 3);
  bsim_free(out);
  bsim_job_unref(job);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ranges_upload_types),
      cmocka_unit_test(test_ranges_invalid_args),
      cmocka_unit_test(test_ranges_invalid_range),
      cmocka_unit_test(test_ranges_overlap),
      cmocka_unit_test(test_ranges_quota),
      cmocka_unit_test(test_ranges_state_and_files_quota),
      cmocka_unit_test(test_ranges_local_dir),
      cmocka_unit_test(test_ranges_get),
      cmocka_unit_test(test_ranges_oom_sweep),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
