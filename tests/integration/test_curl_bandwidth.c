/* The per-job bandwidth cap (bsim_job_set_max_bandwidth, a bitsim
 * extension in the spirit of reference §5 and §14's bandwidth policies)
 * mapped onto CURLOPT_MAX_RECV_SPEED_LARGE / _SEND_ (docs/transport.md
 * "Job HTTP options"), on real transfers against `bitsim serve`:
 *   - a 1 MiB download capped at 256 KiB/s takes at least 3 s of real time
 *     (4 s at the exact rate; the lower bound leaves room for libcurl's
 *     averaging), and the file arrives whole;
 *   - the same download without a cap is not slowed (well under 1.5 s on
 *     loopback);
 *   - a 256 KiB upload capped at 256 KiB/s takes at least 0.75 s.
 * Time is measured with CLOCK_MONOTONIC around the engine's own wait for
 * the state (with a deadline); nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>

#include "curl_world.h"

#define CAP_BYTES_PER_S (256u * 1024u)

static struct world w;

static int group_setup(void **state) {
  (void)state;
  world_open(&w, "curl-bandwidth", NULL);
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  world_close(&w);
  return 0;
}

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Real milliseconds a download of size bytes takes under cap (0: none). */
static uint64_t timed_download(const char *leaf, uint64_t size, uint64_t cap) {
  char src[1300];
  char dst[1300];
  char path[64];
  world_make_file(world_path(src, sizeof src, w.root, leaf), size, 5);
  snprintf(path, sizeof path, "/%s", leaf);
  bsim_job *job =
      world_job(&w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(bsim_job_add_file(job, world_url(&w, path),
                                     world_path(dst, sizeof dst, w.out, leaf)),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_max_bandwidth(job, cap), BSIM_S_OK);
  uint64_t t0 = mono_ms();
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  uint64_t took = mono_ms() - t0;
  assert_int_equal(world_error_count(job), 0);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  print_message("download %s: %llu bytes, cap %llu B/s, %llu ms\n", leaf,
                (unsigned long long)size, (unsigned long long)cap,
                (unsigned long long)took);
  return took;
}

static void test_curl_bandwidth_download_capped(void **state) {
  (void)state;
  uint64_t took = timed_download("capped.bin", 1024u * 1024u, CAP_BYTES_PER_S);
  assert_true(took >= 3000);
}

static void test_curl_bandwidth_download_uncapped(void **state) {
  (void)state;
  uint64_t took = timed_download("free.bin", 1024u * 1024u, 0);
  assert_true(took < 1500);
}

static void test_curl_bandwidth_upload_capped(void **state) {
  (void)state;
  char src[1300];
  world_make_file(world_path(src, sizeof src, w.out, "up.bin"), 256u * 1024u,
                  6);
  bsim_job *job =
      world_job(&w, BSIM_JOB_TYPE_UPLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(bsim_job_add_file(job, world_url(&w, "/up.bin"), src),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_max_bandwidth(job, CAP_BYTES_PER_S), BSIM_S_OK);
  uint64_t t0 = mono_ms();
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  uint64_t took = mono_ms() - t0;
  print_message("upload: 256 KiB, cap %u B/s, %llu ms\n", CAP_BYTES_PER_S,
                (unsigned long long)took);
  assert_true(took >= 750);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  char dst[1300];
  assert_true(world_same(src, world_path(dst, sizeof dst, w.up, "up.bin")));
  bsim_job_unref(job);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_bandwidth_download_capped),
      cmocka_unit_test(test_curl_bandwidth_download_uncapped),
      cmocka_unit_test(test_curl_bandwidth_upload_capped),
  };
  return cmocka_run_group_tests_name("curl_bandwidth", tests, group_setup,
                                     group_teardown);
}
