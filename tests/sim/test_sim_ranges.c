/* Ranged downloads on the model transport (reference §1.6, §1.9, §2.12,
 * §10): the local file holds the requested ranges of the source back to
 * back in the order given (its bytes equal the concatenation of
 * bsim_model_file_content over the ranges, an open-ended range resolved
 * to the end of the file); BytesTotal counts only the requested bytes
 * (unknown until the server answers); a reset in the middle of a range,
 * a Suspend/Resume and a re-published file resume without stitching
 * wrong bytes; a range past the end of the file is ERROR with
 * BG_E_INVALID_RANGE and a host without Range support is ERROR with
 * BG_E_INSUFFICIENT_RANGE_SUPPORT; a restart from the durable store in
 * the middle of a range resumes inside it. Runs with BSIM_SEED=1 and =2. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim_test.h"
#include "bsim_engine_fixture.h"

#define SRC "http://origin.test/data.bin"
#define SRC_SIZE 300000u
#define EOF_LEN BSIM_LENGTH_TO_EOF

static bsim_manager *world(uint64_t bandwidth, int range_support) {
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  struct bsim_model_host_options ho;
  bsim_model_host_options_init(&ho);
  ho.bandwidth_bytes_per_s = bandwidth;
  ho.latency_ms = 20;
  ho.range_support = range_support;
  assert_int_equal(bsim_model_host_add(mgr, "origin.test", &ho), BSIM_S_OK);
  fx_file(mgr, SRC, SRC_SIZE);
  return mgr;
}

static bsim_job *ranged_job(bsim_manager *mgr, const char *local, uint32_t n,
                            const struct bsim_file_range *r) {
  bsim_job *job = fx_job(mgr, "alice", NULL, NULL);
  assert_int_equal(bsim_job_set_priority(job, BSIM_JOB_PRIORITY_FOREGROUND),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_add_file_with_ranges(job, SRC, local, n, r),
                   BSIM_S_OK);
  return job;
}

/* The bytes the local file must hold: the ranges of the source's current
 * content, back to back. */
static unsigned char *expected(bsim_manager *mgr, uint32_t n,
                               const struct bsim_file_range *r,
                               uint64_t *len_out) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    total +=
        r[i].length == EOF_LEN ? SRC_SIZE - r[i].initial_offset : r[i].length;
  }
  unsigned char *buf = malloc(total + 1);
  assert_non_null(buf);
  uint64_t at = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint64_t len =
        r[i].length == EOF_LEN ? SRC_SIZE - r[i].initial_offset : r[i].length;
    if (len > 0) {
      assert_int_equal(
          bsim_model_file_content(mgr, SRC, r[i].initial_offset, buf + at, len),
          BSIM_S_OK);
    }
    at += len;
  }
  *len_out = total;
  return buf;
}

static unsigned char *read_file(const char *path, uint64_t *len_out) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  long size = ftell(f);
  assert_true(size >= 0);
  rewind(f);
  unsigned char *buf = malloc((size_t)size + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
  fclose(f);
  *len_out = (uint64_t)size;
  return buf;
}

/* Complete the job and compare the local file with the expected bytes. */
static void check_local(bsim_manager *mgr, bsim_job *job, const char *local,
                        uint32_t n, const struct bsim_file_range *r) {
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  uint64_t want_len = 0;
  uint64_t got_len = 0;
  unsigned char *want = expected(mgr, n, r, &want_len);
  unsigned char *got = read_file(local, &got_len);
  assert_int_equal(got_len, want_len);
  assert_memory_equal(got, want, (size_t)want_len);
  free(want);
  free(got);
}

static const char *local_in(const char *test) {
  static char path[1024];
  snprintf(path, sizeof path, "%s/out.bin", bsim_test_tmpdir(test));
  return path;
}

/* §1.6, §1.9, §2.12: unsorted ranges, one open-ended; BytesTotal is the
 * requested bytes once known; the local file is the ranges in order. */
static void test_sim_ranges_layout(void **state) {
  (void)state;
  bsim_manager *mgr = world(0, 1);
  const char *local = local_in("sim_ranges_layout");
  struct bsim_file_range r[] = {
      {200000, 1000}, {0, 77}, {290000, EOF_LEN}, {77, 0}, {100, 65536}};
  bsim_job *job = ranged_job(mgr, local, 5, r);
  struct bsim_job_progress p;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  assert_true(p.bytes_total == BSIM_SIZE_UNKNOWN);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 600000);
  uint64_t want = 1000 + 77 + 10000 + 0 + 65536;
  assert_int_equal(bsim_job_get_progress(job, &p), BSIM_S_OK);
  assert_int_equal(p.bytes_total, want);
  assert_int_equal(p.bytes_transferred, want);
  struct bsim_file_progress fp = fx_file_progress(job, 0);
  assert_int_equal(fp.bytes_total, want);
  assert_int_equal(fp.bytes_transferred, want);
  /* GetFileRanges still answers with the ranges as given. */
  uint32_t n = 0;
  struct bsim_file_range *got = NULL;
  assert_int_equal(bsim_file_get_ranges(job, 0, &n, &got), BSIM_S_OK);
  assert_int_equal(n, 5);
  assert_true(got[2].length == EOF_LEN);
  bsim_free(got);
  check_local(mgr, job, local, 5, r);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.2, §10: a connection reset in the middle of the second range is a
 * transient error; the retry resumes at the byte the local file reached,
 * inside that range, and the file ends up right. */
static void test_sim_ranges_reset_resume(void **state) {
  (void)state;
  bsim_manager *mgr = world(10000, 1);
  const char *local = local_in("sim_ranges_reset");
  struct bsim_file_range r[] = {{250000, 20000}, {1000, 30000}, {0, 10}};
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_RESET_AFTER_BYTES, SRC);
  f.bytes = 20000 + 12345; /* 12,345 bytes into the second range */
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  bsim_job *job = ranged_job(mgr, local, 3, r);
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 5), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR, 600000);
  assert_int_equal(fx_file_progress(job, 0).bytes_transferred, 32345);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 6000000);
  assert_int_equal(fx_error_count(job), 1);
  struct bsim_model_file_stats st;
  assert_int_equal(bsim_model_file_stats(mgr, SRC, &st), BSIM_S_OK);
  /* Two requests, and only the missing bytes were sent again. */
  assert_int_equal(st.requests, 2);
  assert_int_equal(st.bytes_sent, 50010);
  check_local(mgr, job, local, 3, r);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §4.3: Suspend in the middle keeps the bytes; Resume goes on from them. */
static void test_sim_ranges_suspend_resume(void **state) {
  (void)state;
  bsim_manager *mgr = world(1000, 1);
  const char *local = local_in("sim_ranges_suspend");
  struct bsim_file_range r[] = {{4000, 3000}, {100, 2500}};
  bsim_job *job = ranged_job(mgr, local, 2, r);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  /* 20 ms to connect, then 1,000 bytes/s: 3.5 s is 3,480 local bytes,
   * 480 of them in the second range. */
  uint64_t t0 = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 3500), BSIM_S_OK);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  assert_int_equal(fx_file_progress(job, 0).bytes_transferred, 3480);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, t0 + 600000);
  check_local(mgr, job, local, 2, r);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §10 "Consistency": the file re-published between two requests: the
 * bytes kept came from the old version, so the download starts over and
 * the local file holds the new version's ranges only. */
static void test_sim_ranges_republished(void **state) {
  (void)state;
  bsim_manager *mgr = world(1000, 1);
  const char *local = local_in("sim_ranges_republished");
  struct bsim_file_range r[] = {{50000, 3000}, {7, 1000}};
  bsim_job *job = ranged_job(mgr, local, 2, r);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  uint64_t t0 = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 2000), BSIM_S_OK);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  assert_true(fx_file_progress(job, 0).bytes_transferred > 0);
  fx_file(mgr, SRC, SRC_SIZE); /* version 2 */
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, t0 + 600000);
  check_local(mgr, job, local, 2, r);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.6: a range beyond the end of the remote file (starting past it, at
 * it, or running past it) is ERROR with BG_E_INVALID_RANGE, REMOTE_FILE. */
static void beyond_eof(const struct bsim_file_range *r, uint32_t n) {
  bsim_manager *mgr = world(0, 1);
  bsim_job *job = ranged_job(mgr, local_in("sim_ranges_eof"), n, r);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, 600000);
  struct bsim_job_error e = fx_error(job);
  assert_int_equal(e.code, BSIM_E_INVALID_RANGE);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(e.file_index, 0);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_sim_ranges_beyond_eof(void **state) {
  (void)state;
  struct bsim_file_range past[] = {{0, 10}, {SRC_SIZE - 10, 11}};
  beyond_eof(past, 2);
  struct bsim_file_range at_end[] = {{SRC_SIZE, EOF_LEN}};
  beyond_eof(at_end, 1);
  struct bsim_file_range after[] = {{SRC_SIZE + 100, 1}};
  beyond_eof(after, 1);
}

/* §1.6, §10: a host that does not honour Range cannot serve ranges:
 * ERROR with BG_E_INSUFFICIENT_RANGE_SUPPORT; also when one request meets
 * a scripted NO_RANGE fault. */
static void test_sim_ranges_no_range_support(void **state) {
  (void)state;
  struct bsim_file_range r[] = {{0, 10}};
  for (int scripted = 0; scripted < 2; scripted++) {
    bsim_manager *mgr = world(0, scripted);
    if (scripted) {
      struct bsim_fault f;
      bsim_fault_init(&f, BSIM_FAULT_NO_RANGE, SRC);
      assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
    }
    bsim_job *job = ranged_job(mgr, local_in("sim_ranges_norange"), 1, r);
    assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
    fx_run_to(mgr, job, BSIM_JOB_STATE_ERROR, 600000);
    assert_int_equal(fx_error(job).code, BSIM_E_INSUFFICIENT_RANGE_SUPPORT);
    bsim_job_unref(job);
    fx_free(mgr);
  }
}

/* §13 with §1.6: the manager goes away in the middle of the second
 * range (Suspend keeps the bytes, the durable store keeps the job with
 * its ranges and offset); the restored job resumes inside that range and
 * the local file ends up right. */
static void test_sim_ranges_restart_mid_range(void **state) {
  (void)state;
  char db[1200];
  char local[1200];
  const char *dir = bsim_test_tmpdir("sim_ranges_restart");
  snprintf(db, sizeof db, "%s/queue.db", dir);
  snprintf(local, sizeof local, "%s/out.bin", dir);
  struct bsim_file_range r[] = {{290000, EOF_LEN}, {1000, 20000}, {0, 5}};
  bsim_guid id;
  for (int round = 0; round < 2; round++) {
    struct bsim_manager_options o;
    fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_REAL);
    o.store_path = db;
    bsim_manager *mgr = fx_manager_opts(&o);
    struct bsim_model_host_options ho;
    bsim_model_host_options_init(&ho);
    ho.bandwidth_bytes_per_s = 1000;
    assert_int_equal(bsim_model_host_add(mgr, "origin.test", &ho), BSIM_S_OK);
    fx_file(mgr, SRC, SRC_SIZE);
    bsim_job *job = NULL;
    if (round == 0) {
      job = ranged_job(mgr, local, 3, r);
      assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
      assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
      uint64_t t0 = bsim_manager_now_ms(mgr);
      /* 10,000 bytes of the open end, then 5,000 of the second range. */
      assert_int_equal(bsim_manager_run_until(mgr, t0 + 15000), BSIM_S_OK);
      assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
      assert_int_equal(fx_file_progress(job, 0).bytes_transferred, 15000);
    } else {
      assert_int_equal(bsim_manager_get_job(mgr, "alice", &id, &job),
                       BSIM_S_OK);
      assert_int_equal(fx_file_progress(job, 0).bytes_transferred, 15000);
      assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
      fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED,
                bsim_manager_now_ms(mgr) + 600000);
      assert_int_equal(fx_file_progress(job, 0).bytes_total, 30005);
      check_local(mgr, job, local, 3, r);
    }
    bsim_job_unref(job);
    fx_free(mgr);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sim_ranges_layout),
      cmocka_unit_test(test_sim_ranges_reset_resume),
      cmocka_unit_test(test_sim_ranges_suspend_resume),
      cmocka_unit_test(test_sim_ranges_republished),
      cmocka_unit_test(test_sim_ranges_beyond_eof),
      cmocka_unit_test(test_sim_ranges_no_range_support),
      cmocka_unit_test(test_sim_ranges_restart_mid_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
