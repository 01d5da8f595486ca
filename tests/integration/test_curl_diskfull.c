/* A real download onto a full file system (reference §10 "Transient vs
 * fatal", §2.5; docs/transport.md "Classifying outcomes"): the destination
 * directory is a small private tmpfs (bsim_test_small_fs), partly taken by
 * a filler file.
 *   - the job ends in ERROR with HRESULT_FROM_WIN32(ERROR_DISK_FULL)
 *     0x80070070, context LOCAL_FILE (fatal by default: the application
 *     frees space and calls Resume);
 *   - the temporary file holds exactly the bytes the job reports, and they
 *     are the first bytes of the remote file: no corrupt or torn prefix;
 *   - once space is freed, Resume continues from that offset with Range
 *     and the completed file is byte-identical to the remote one;
 *   - with policy.disk_full_transient the same failure is TRANSIENT_ERROR;
 *   - past the file size limit (RLIMIT_FSIZE, EFBIG) the job ends in ERROR
 *     with HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE) 0x800700DF, context
 *     LOCAL_FILE, again with exactly the reported prefix on disk.
 * The tmpfs tests are skipped without CAP_SYS_ADMIN (no private mount).
 * Nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/resource.h>

#include "curl_world.h"

#define FS_BYTES (1536u * 1024u)
#define FILLER_BYTES                                                           \
  (1030u * 1024u) /* not a multiple of a write: a short one */
#define FILE_BYTES (1024u * 1024u)

static struct world w;
static char small[1100];

static int group_setup(void **state) {
  (void)state;
  world_open(&w, "curl-diskfull", NULL);
  struct bsim__curl_config c;
  world_default_config(&c);
  c.buffer_bytes = 64u * 1024u; /* several writes before the disk fills */
  world_config(&w, &c);
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  world_close(&w);
  return 0;
}

static void fill(const char *leaf, uint64_t bytes) {
  char path[1300];
  world_make_file(world_path(path, sizeof path, small, leaf), bytes, 99);
}

static void unfill(const char *leaf) {
  char path[1300];
  assert_int_equal(unlink(world_path(path, sizeof path, small, leaf)), 0);
}

static int have_small_fs;

static void make_source(const char *leaf) {
  char src[1300];
  world_make_file(world_path(src, sizeof src, w.root, leaf), FILE_BYTES, 11);
}

/* A download of /leaf into dir (made first with make_source). */
static bsim_job *download_to(const char *leaf, const char *dir) {
  char dst[1300];
  char path[64];
  snprintf(path, sizeof path, "/%s", leaf);
  bsim_job *job =
      world_job(&w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(bsim_job_add_file(job, world_url(&w, path),
                                     world_path(dst, sizeof dst, dir, leaf)),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  return job;
}

static bsim_job *download(const char *leaf) {
  make_source(leaf);
  return download_to(leaf, small);
}

/* The temporary file is exactly the reported prefix of the remote file;
 * returns its length. */
static uint64_t check_prefix(bsim_job *job) {
  struct bsim_file_progress p;
  assert_int_equal(bsim_file_get_progress(job, 0, &p), BSIM_S_OK);
  char *temp = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, 0, &temp), BSIM_S_OK);
  uint64_t size = world_size(temp);
  if (size != p.bytes_transferred) {
    print_error("temp file %llu bytes, reported %llu\n",
                (unsigned long long)size,
                (unsigned long long)p.bytes_transferred);
  }
  assert_int_equal(size, p.bytes_transferred);
  FILE *f = fopen(temp, "rb");
  assert_non_null(f);
  for (uint64_t i = 0; i < size; i++) {
    int c = fgetc(f);
    if (c != world_byte(11, i)) {
      print_error("byte %llu differs\n", (unsigned long long)i);
      fail();
    }
  }
  fclose(f);
  bsim_free(temp);
  return size;
}

static void test_curl_diskfull_fatal_then_resume(void **state) {
  (void)state;
  if (!have_small_fs) skip();
  fill("filler", FILLER_BYTES);
  bsim_job *job = download("full.bin");
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80070070u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_LOCAL_FILE);
  uint64_t kept = check_prefix(job);
  assert_true(kept > 0 && kept < FILE_BYTES);
  uint64_t served = world_stats(&w, "/full.bin").body_bytes;

  /* The application frees space and resumes: the rest comes by Range. */
  unfill("filler");
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  uint64_t again = world_stats(&w, "/full.bin").body_bytes - served;
  assert_true(again <= FILE_BYTES - kept + 64u * 1024u);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  char src[1300];
  char dst[1300];
  assert_true(world_same(world_path(src, sizeof src, w.root, "full.bin"),
                         world_path(dst, sizeof dst, small, "full.bin")));
  assert_int_equal(unlink(dst), 0);
  bsim_job_unref(job);
}

static void test_curl_diskfull_transient_policy(void **state) {
  (void)state;
  if (!have_small_fs) skip();
  struct bsim__curl_config c;
  world_default_config(&c);
  c.buffer_bytes = 64u * 1024u;
  c.policy.disk_full_transient = 1;
  world_config(&w, &c);
  fill("filler2", FILLER_BYTES);
  bsim_job *job = download("soft.bin");
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80070070u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_LOCAL_FILE);
  (void)check_prefix(job);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  unfill("filler2");
  bsim_job_unref(job);
}

/* RLIMIT_FSIZE makes a write past the limit fail with EFBIG (SIGXFSZ
 * ignored); the limit is lifted again before the test ends. */
static void test_curl_diskfull_file_too_large(void **state) {
  (void)state;
  struct bsim__curl_config c;
  world_default_config(&c);
  c.buffer_bytes = 64u * 1024u;
  world_config(&w, &c);
  make_source("big.bin");
  struct rlimit old;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  struct rlimit lim = old;
  lim.rlim_cur = 300000;
  void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
  bsim_job *job = download_to("big.bin", w.out);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, was);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x800700DFu);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_LOCAL_FILE);
  uint64_t kept = check_prefix(job);
  assert_true(kept > 0 && kept <= 300000);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
}

int main(void) {
  /* Before any thread (the server's, libuv's): a private mount. */
  const char *d = bsim_test_tmpdir("curl-diskfull-fs");
  if (d == NULL) return 1;
  snprintf(small, sizeof small, "%s", d);
  have_small_fs = bsim_test_small_fs(small, FS_BYTES) == 0;
  if (!have_small_fs) {
    printf("no private tmpfs (needs CAP_SYS_ADMIN): disk-full tests skip\n");
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_diskfull_fatal_then_resume),
      cmocka_unit_test(test_curl_diskfull_transient_policy),
      cmocka_unit_test(test_curl_diskfull_file_too_large),
  };
  return cmocka_run_group_tests_name("curl_diskfull", tests, group_setup,
                                     group_teardown);
}
