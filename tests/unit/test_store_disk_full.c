/* The durable store on a full disk (docs/store.md "Failures", reference
 * §13): a change whose commit finds no room fails with E_WIN32_DISK_FULL
 * (0x80070070) and a message naming the store; nothing committed before is
 * lost, the change stays pending and is committed by the next call that
 * finds room (its cold fields included); a job cancelled on a full disk
 * does not come back after a restart; a store cannot be created on a full
 * disk, and says why.
 *
 * The disk is a 2 MiB tmpfs in a mount namespace of this process
 * (bsim_test_small_fs), filled with a ballast file; the test skips where
 * mounting is not allowed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "bsim_engine_fixture.h"

#define URL "http://fast.test/a"

static char dir[1024];
static char db[1100];
static char ballast[1100];
static int mounted;

static bsim_hr try_open(bsim_manager **out) {
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.store_path = db;
  *out = NULL;
  bsim_hr hr = bsim_manager_new(&o, out);
  if (hr != BSIM_S_OK) return hr;
  assert_int_equal(bsim_user_add(*out, "alice", 0), BSIM_S_OK);
  fx_host(*out, "fast.test", 0, 0);
  fx_file(*out, URL, 4096);
  return hr;
}

/* Fill the file system: the ballast grows until the kernel says ENOSPC. */
static void fill_disk(void) {
  FILE *f = fopen(ballast, "wb");
  assert_non_null(f);
  static char block[4096];
  while (fwrite(block, 1, sizeof block, f) == sizeof block) {
  }
  fclose(f);
}

static void headers_of(size_t n, char *buf) {
  memcpy(buf, "X-Big: ", 7);
  memset(buf + 7, 'h', n - 8);
  buf[n - 1] = '\0';
}

static void test_store_disk_full_commit(void **state) {
  (void)state;
  if (!mounted) skip();
  bsim_manager *mgr = NULL;
  assert_int_equal(try_open(&mgr), BSIM_S_OK);
  bsim_job *job = fx_job(mgr, "alice", URL, "/nonexistent/a");
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  fill_disk();
  /* 16 KiB of headers: new pages the WAL has no room for. */
  static char big[16384];
  headers_of(sizeof big, big);
  assert_int_equal(bsim_job_set_custom_headers(job, big),
                   BSIM_E_WIN32_DISK_FULL);
  assert_non_null(strstr(bsim_manager_store_error(), db));
  assert_int_equal(unlink(ballast), 0);
  /* Room again: the next change, a hot one (the priority), commits the
   * pending cold one too. */
  assert_int_equal(bsim_job_set_priority(job, BSIM_JOB_PRIORITY_HIGH),
                   BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);

  assert_int_equal(try_open(&mgr), BSIM_S_OK);
  assert_int_equal(bsim_manager_get_job(mgr, "alice", &id, &job), BSIM_S_OK);
  char *text = NULL;
  assert_int_equal(bsim_job_get_custom_headers(job, &text), BSIM_S_OK);
  assert_string_equal(text, big);
  bsim_free(text);
  enum bsim_job_priority prio;
  assert_int_equal(bsim_job_get_priority(job, &prio), BSIM_S_OK);
  assert_int_equal(prio, BSIM_JOB_PRIORITY_HIGH);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_SUSPENDED);
  bsim_job_unref(job);
  fx_free(mgr);
  assert_int_equal(unlink(db), 0);
}

/* A job cancelled while the disk is full: Cancel answers with the
 * failure, and once a later commit succeeds the job is gone for good; a
 * restart does not bring it back (its removal waited for that commit). */
static void test_store_disk_full_cancel(void **state) {
  (void)state;
  if (!mounted) skip();
  bsim_manager *mgr = NULL;
  assert_int_equal(try_open(&mgr), BSIM_S_OK);
  bsim_job *gone = fx_job(mgr, "alice", URL, "/nonexistent/a");
  bsim_job *other = fx_job(mgr, "alice", URL, "/nonexistent/b");
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(gone, &id), BSIM_S_OK);
  /* Big rows first, so that the removal needs new pages too. */
  static char big[16384];
  headers_of(sizeof big, big);
  assert_int_equal(bsim_job_set_custom_headers(gone, big), BSIM_S_OK);
  fill_disk();
  bsim_hr hr = bsim_job_cancel(gone);
  assert_int_equal(hr, BSIM_E_WIN32_DISK_FULL);
  assert_int_equal(unlink(ballast), 0);
  assert_int_equal(bsim_job_set_priority(other, BSIM_JOB_PRIORITY_HIGH),
                   BSIM_S_OK);
  bsim_job_unref(gone);
  bsim_job_unref(other);
  fx_free(mgr);
  assert_int_equal(try_open(&mgr), BSIM_S_OK);
  bsim_job *none = NULL;
  assert_int_equal(bsim_manager_get_job(mgr, "alice", &id, &none),
                   BSIM_E_NOT_FOUND);
  fx_free(mgr);
  assert_int_equal(unlink(db), 0);
}

static void test_store_disk_full_create(void **state) {
  (void)state;
  if (!mounted) skip();
  fill_disk();
  bsim_manager *mgr = NULL;
  bsim_hr hr = try_open(&mgr);
  assert_null(mgr);
  assert_true(hr == BSIM_E_WIN32_DISK_FULL);
  assert_non_null(strstr(bsim_manager_store_error(), db));
  assert_int_equal(unlink(ballast), 0);
}

int main(void) {
  snprintf(dir, sizeof dir, "%s", bsim_test_tmpdir("store_disk_full"));
  snprintf(db, sizeof db, "%s/queue.db", dir);
  snprintf(ballast, sizeof ballast, "%s/ballast", dir);
  mounted = bsim_test_small_fs(dir, 2u << 20) == 0;
  if (!mounted) fprintf(stderr, "no private tmpfs here: skipping\n");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_store_disk_full_commit),
      cmocka_unit_test(test_store_disk_full_cancel),
      cmocka_unit_test(test_store_disk_full_create),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
