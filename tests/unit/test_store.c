/* The durable store (docs/store.md, reference §12, §13): jobs, files,
 * properties, errors and progress survive a manager's end and come back
 * when a manager opens the same store; active jobs come back QUEUED (or
 * SUSPENDED, configurable); a partial download resumes from its recorded
 * offset with a Range request and ends byte-identical; an owed
 * JobTransferred is delivered again to a callback registered after the
 * restart; retry deadlines keep the time they had left; group commit keeps
 * the same guarantees; a corrupt store, a store locked by another
 * connection and a store from a newer schema are refused with a message
 * naming the file and are left untouched; an older schema is migrated.
 *
 * Managers run in virtual time (AUTO) on the model transport; files go to
 * the real disk under the test's tmpdir. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bitsim.h"
#include "bitsim/notify.h"
#include "internal.h"
#include "bsim_test.h"
#include "bsim_engine_fixture.h"

#define URL_FAST "http://fast.test/a"
#define URL_SLOW "http://slow.test/big"
#define SLOW_SIZE 100000u

static char dir[1024];
static int drop_cmdline; /* store_drop_notify_cmdline of the next open */
static char db[1100];

static void fresh(const char *name) {
  snprintf(dir, sizeof dir, "%s", bsim_test_tmpdir(name));
  snprintf(db, sizeof db, "%s/queue.db", dir);
}

/* A manager on db; the world (hosts, files) is published again each time,
 * as a server outlives the client's restarts. */
static bsim_manager *open_store(int group, enum bsim_job_state active_as) {
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  o.store_path = db;
  o.store_group_commit = group;
  o.store_active_restart_state = active_as;
  o.store_drop_notify_cmdline = drop_cmdline;
  bsim_manager *mgr = NULL;
  bsim_hr hr = bsim_manager_new(&o, &mgr);
  if (hr != BSIM_S_OK) print_error("%s\n", bsim_manager_store_error());
  assert_int_equal(hr, BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "admin", 1), BSIM_S_OK);
  fx_host(mgr, "fast.test", 0, 0);
  fx_host(mgr, "slow.test", 1000, 0); /* 100 s for SLOW_SIZE */
  fx_file(mgr, URL_FAST, 4096);
  fx_file(mgr, URL_SLOW, SLOW_SIZE);
  return mgr;
}

static bsim_job *find(bsim_manager *mgr, const bsim_guid *id) {
  bsim_job *job = NULL;
  assert_int_equal(bsim_manager_get_job(mgr, "admin", id, &job), BSIM_S_OK);
  return job;
}

static char *local_path(const char *name) {
  static char buf[1200];
  snprintf(buf, sizeof buf, "%s/%s", dir, name);
  return buf;
}

/* §13: properties, files, errors and states persist; final jobs do not. */
static void roundtrip(int group) {
  fresh(group ? "store_roundtrip_group" : "store_roundtrip");
  bsim_guid ids[3];
  bsim_manager *mgr = open_store(group, BSIM_JOB_STATE_QUEUED);
  bsim_job *done = fx_job(mgr, "alice", URL_FAST, local_path("a"));
  bsim_job *idle = fx_job(mgr, "alice", URL_FAST, local_path("b"));
  bsim_job *gone = fx_job(mgr, "alice", URL_FAST, local_path("c"));
  assert_int_equal(bsim_job_set_description(idle, "kept"), BSIM_S_OK);
  assert_int_equal(bsim_job_set_priority(idle, BSIM_JOB_PRIORITY_HIGH),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_minimum_retry_delay(idle, 77), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(done), BSIM_S_OK);
  fx_run_to(mgr, done, BSIM_JOB_STATE_TRANSFERRED, 60000);
  assert_int_equal(bsim_job_cancel(gone), BSIM_S_OK);
  assert_int_equal(bsim_job_get_id(done, &ids[0]), BSIM_S_OK);
  assert_int_equal(bsim_job_get_id(idle, &ids[1]), BSIM_S_OK);
  assert_int_equal(bsim_job_get_id(gone, &ids[2]), BSIM_S_OK);
  bsim_job_unref(done);
  bsim_job_unref(idle);
  bsim_job_unref(gone);
  fx_free(mgr);

  mgr = open_store(group, BSIM_JOB_STATE_QUEUED);
  done = find(mgr, &ids[0]);
  idle = find(mgr, &ids[1]);
  bsim_job *none = NULL;
  assert_int_equal(bsim_manager_get_job(mgr, "admin", &ids[2], &none),
                   BSIM_E_NOT_FOUND);
  assert_int_equal(fx_state(done), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(fx_state(idle), BSIM_JOB_STATE_SUSPENDED);
  char *text = NULL;
  assert_int_equal(bsim_job_get_description(idle, &text), BSIM_S_OK);
  assert_string_equal(text, "kept");
  bsim_free(text);
  assert_int_equal(bsim_job_get_owner(idle, &text), BSIM_S_OK);
  assert_string_equal(text, "alice");
  bsim_free(text);
  enum bsim_job_priority prio;
  assert_int_equal(bsim_job_get_priority(idle, &prio), BSIM_S_OK);
  assert_int_equal(prio, BSIM_JOB_PRIORITY_HIGH);
  uint32_t delay = 0;
  assert_int_equal(bsim_job_get_minimum_retry_delay(idle, &delay), BSIM_S_OK);
  assert_int_equal(delay, 77);
  assert_int_equal(fx_file_progress(done, 0).bytes_transferred, 4096);
  /* The restored TRANSFERRED job completes: its bytes were kept. */
  assert_int_equal(bsim_job_complete(done), BSIM_S_OK);
  char want[4096], got[4096];
  assert_int_equal(bsim_model_file_content(mgr, URL_FAST, 0, want, 4096),
                   BSIM_S_OK);
  FILE *f = fopen(local_path("a"), "rb");
  assert_non_null(f);
  assert_int_equal(fread(got, 1, sizeof got, f), 4096);
  fclose(f);
  assert_memory_equal(want, got, 4096);
  bsim_job_unref(done);
  bsim_job_unref(idle);
  fx_free(mgr);
}

static void test_store_roundtrip(void **state) {
  (void)state;
  roundtrip(0);
}

static void test_store_roundtrip_group_commit(void **state) {
  (void)state;
  roundtrip(1);
}

/* §13: a job that was TRANSFERRING comes back QUEUED (or SUSPENDED as
 * configured) and resumes from its recorded offset. */
static void interrupted(enum bsim_job_state active_as) {
  fresh(active_as == BSIM_JOB_STATE_QUEUED ? "store_resume_q"
                                           : "store_resume_s");
  bsim_manager *mgr = open_store(0, active_as);
  bsim_job *job = fx_job(mgr, "alice", URL_SLOW, local_path("big"));
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(mgr, 40000), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRING);
  uint64_t before = fx_file_progress(job, 0).bytes_transferred;
  assert_true(before > 0 && before < SLOW_SIZE);
  uint64_t now_before = bsim_manager_now_ms(mgr);
  bsim_job_unref(job);
  fx_free(mgr);

  mgr = open_store(0, active_as);
  /* Virtual time continues where the store left it. */
  assert_int_equal(bsim_manager_now_ms(mgr), now_before);
  job = find(mgr, &id);
  assert_int_equal(fx_state(job), active_as);
  /* Manager teardown stops the transfer and records what it wrote. */
  uint64_t restored = fx_file_progress(job, 0).bytes_transferred;
  assert_true(restored >= before && restored < SLOW_SIZE);
  if (active_as == BSIM_JOB_STATE_SUSPENDED) {
    assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  }
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, now_before + 200000);
  struct bsim_model_file_stats st;
  assert_int_equal(bsim_model_file_stats(mgr, URL_SLOW, &st), BSIM_S_OK);
  assert_int_equal(st.range_requests, 1);
  assert_int_equal(st.bytes_sent, SLOW_SIZE - restored);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  static char want[SLOW_SIZE], got[SLOW_SIZE];
  assert_int_equal(bsim_model_file_content(mgr, URL_SLOW, 0, want, SLOW_SIZE),
                   BSIM_S_OK);
  FILE *f = fopen(local_path("big"), "rb");
  assert_non_null(f);
  assert_int_equal(fread(got, 1, sizeof got, f), SLOW_SIZE);
  fclose(f);
  assert_memory_equal(want, got, SLOW_SIZE);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_store_active_comes_back_queued(void **state) {
  (void)state;
  interrupted(BSIM_JOB_STATE_QUEUED);
}

static void test_store_active_comes_back_suspended(void **state) {
  (void)state;
  interrupted(BSIM_JOB_STATE_SUSPENDED);
}

static int transferred_calls;
static bsim_hr on_transferred(bsim_job *job, void *user) {
  (void)job;
  (void)user;
  transferred_calls++;
  return BSIM_S_OK;
}

/* §6, §13: the callback pointer is not persisted, the owed event is: a
 * callback registered after the restart gets JobTransferred. */
static void test_store_owed_notification_again(void **state) {
  (void)state;
  fresh("store_owed");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = fx_job(mgr, "alice", URL_FAST, local_path("o"));
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 60000);
  bsim_job_unref(job);
  fx_free(mgr); /* stopped before any callback was registered */

  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  struct bsim_notify_ops ops = {.job_transferred = on_transferred};
  transferred_calls = 0;
  assert_int_equal(bsim_job_set_notify(job, &ops, NULL), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(transferred_calls, 1);
  bsim_job_unref(job);
  fx_free(mgr);
}

static int fail_first_calls;
static bsim_hr fail_first(bsim_job *job, void *user) {
  (void)job;
  (void)user;
  return fail_first_calls++ == 0 ? BSIM_E_FAIL : BSIM_S_OK;
}

/* §6: the count of callbacks that did not deliver is kept. */
static void test_store_notify_failures_kept(void **state) {
  (void)state;
  fresh("store_failures");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = fx_job(mgr, "alice", URL_FAST, local_path("n"));
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  struct bsim_notify_ops ops = {.job_transferred = fail_first};
  fail_first_calls = 0;
  assert_int_equal(bsim_job_set_notify(job, &ops, NULL), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(fail_first_calls, 2); /* failed, then delivered */
  uint32_t failures = 0;
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 1);
  bsim_job_unref(job);
  fx_free(mgr);
  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 1);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §13: the notify command line ("presumably persisted") comes back with
 * its arguments. */
static void test_store_notify_cmdline_kept(void **state) {
  (void)state;
  fresh("store_cmdline");
  drop_cmdline = 0;
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = fx_job(mgr, "alice", URL_FAST, local_path("c"));
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  const char *argv[] = {"notify", "a b", "", "last", NULL};
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/true", argv),
                   BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);
  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  char *program = NULL;
  char **args = NULL;
  assert_int_equal(bsim_job_get_notify_cmdline(job, &program, &args),
                   BSIM_S_OK);
  assert_string_equal(program, "/bin/true");
  for (int i = 0; i < 4; i++)
    assert_string_equal(args[i], argv[i]);
  assert_null(args[4]);
  bsim_free(program);
  bsim_strv_free(args);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* The option store_drop_notify_cmdline: a restored job has none. */
static void test_store_notify_cmdline_dropped(void **state) {
  (void)state;
  fresh("store_cmdline_drop");
  drop_cmdline = 1;
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = fx_job(mgr, "alice", URL_FAST, local_path("d"));
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  const char *argv[] = {"notify", NULL};
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/true", argv),
                   BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);
  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  drop_cmdline = 0;
  job = find(mgr, &id);
  char *program = (char *)1;
  char **args = NULL;
  assert_int_equal(bsim_job_get_notify_cmdline(job, &program, &args),
                   BSIM_S_OK);
  assert_null(program);
  assert_null(args);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* A TRANSIENT_ERROR job keeps its retry deadline across a restart: the
 * time it had left, not a fresh MinimumRetryDelay. */
static void test_store_retry_deadline_kept(void **state) {
  (void)state;
  fresh("store_retry");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  fx_host(mgr, "down.test", 0, 0);
  assert_int_equal(bsim_model_host_outage(mgr, "down.test", 0, 3600000),
                   BSIM_S_OK);
  fx_file(mgr, "http://down.test/x", 10);
  bsim_job *job = fx_job(mgr, "alice", "http://down.test/x", local_path("x"));
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 600), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR, 60000);
  uint64_t failed_at = bsim_manager_now_ms(mgr);
  assert_int_equal(bsim_manager_run_until(mgr, failed_at + 100000), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSIENT_ERROR);
  bsim_job_unref(job);
  fx_free(mgr);

  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_int_equal(bsim_manager_run_until_job_state(
                       mgr, job, 1u << BSIM_JOB_STATE_QUEUED, UINT64_MAX - 1),
                   BSIM_S_OK);
  assert_int_equal(bsim_manager_now_ms(mgr), failed_at + 600000);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* The trace numbering continues across a restart (docs/store.md): the
 * restored manager's lines follow the last one the store recorded. */
static void test_store_trace_continues(void **state) {
  (void)state;
  fresh("store_trace");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = fx_job(mgr, "alice", URL_FAST, local_path("t"));
  bsim_job_unref(job);
  uint64_t before = bsim_trace_count(mgr);
  assert_true(before > 0);
  fx_free(mgr);
  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  /* At least every line up to the last commit, plus this run's own. */
  assert_true(bsim_trace_count(mgr) > before + 5);
  fx_free(mgr);
}

/* JobInactivityTimeout (reference §4.4, §14) counts from the job's last
 * activity as recorded, not from the restart. */
static void test_store_inactivity_from_recorded_activity(void **state) {
  (void)state;
  fresh("store_inactivity");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = fx_job(mgr, "alice", URL_FAST, local_path("i"));
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  bsim_job_unref(job);
  uint64_t created = bsim_manager_now_ms(mgr);
  /* 80 of the 90 days pass with the job untouched. */
  assert_int_equal(bsim_manager_advance(mgr, 80ull * 86400000u), BSIM_S_OK);
  /* Another job is touched then, so the store records a later time. */
  bsim_job *other = fx_job(mgr, "alice", URL_FAST, local_path("j"));
  bsim_job_unref(other);
  fx_free(mgr);
  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  assert_int_equal(
      bsim_manager_run_until_job_state(mgr, job, 1u << BSIM_JOB_STATE_CANCELLED,
                                       created + 200ull * 86400000u),
      BSIM_S_OK);
  /* Cancelled 90 days after its last activity, not 90 after the restart. */
  assert_int_equal(bsim_manager_now_ms(mgr), created + 90ull * 86400000u);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void read_file(const char *path, char *buf, size_t cap, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  *len = fread(buf, 1, cap, f);
  fclose(f);
}

static bsim_hr try_open(void) {
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  o.store_path = db;
  bsim_manager *mgr = NULL;
  bsim_hr hr = bsim_manager_new(&o, &mgr);
  if (hr == BSIM_S_OK) fx_free(mgr);
  assert_true(hr == BSIM_S_OK || mgr == NULL);
  return hr;
}

/* §13: a store that cannot be read is BG_E_DATABASE_CORRUPT, named in
 * the message, and left byte for byte as it was. */
static void test_store_corrupt_refused_untouched(void **state) {
  (void)state;
  fresh("store_corrupt");
  static const char junk[] = "this is not a job store, and must stay so\n";
  FILE *f = fopen(db, "wb");
  assert_non_null(f);
  for (int i = 0; i < 200; i++)
    fputs(junk, f);
  fclose(f);
  assert_int_equal(try_open(), BSIM_E_DATABASE_CORRUPT);
  assert_non_null(strstr(bsim_manager_store_error(), db));
  static char buf[16384];
  size_t len = 0;
  read_file(db, buf, sizeof buf, &len);
  assert_int_equal(len, 200 * (sizeof junk - 1));
  assert_memory_equal(buf, junk, sizeof junk - 1);
}

/* Write the SQLite header's user_version (offset 60, big-endian) of a
 * closed store. */
static void set_user_version(uint32_t v) {
  int fd = open(db, O_WRONLY);
  assert_true(fd >= 0);
  unsigned char be[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                         (unsigned char)(v >> 8), (unsigned char)v};
  assert_int_equal(pwrite(fd, be, 4, 60), 4);
  close(fd);
}

static uint32_t user_version(void) {
  unsigned char be[4];
  int fd = open(db, O_RDONLY);
  assert_true(fd >= 0);
  assert_int_equal(pread(fd, be, 4, 60), 4);
  close(fd);
  return (uint32_t)be[0] << 24 | (uint32_t)be[1] << 16 | (uint32_t)be[2] << 8 |
         be[3];
}

static void test_store_newer_schema_refused(void **state) {
  (void)state;
  fresh("store_newer");
  assert_int_equal(try_open(), BSIM_S_OK);
  assert_int_equal(user_version(), 6);
  set_user_version(99);
  assert_int_equal(try_open(), BSIM_E_DATABASE_CORRUPT);
  assert_non_null(strstr(bsim_manager_store_error(), db));
  assert_non_null(strstr(bsim_manager_store_error(), "newer"));
  assert_int_equal(user_version(), 99); /* untouched */
}

/* The schema as versions 2 to 5 wrote it, made by hand as an older build
 * left it: version 2's tables, then what versions 3 to 5 added. */
#define V2_SCHEMA                                                              \
  "PRAGMA journal_mode = WAL;"                                                 \
  "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"           \
  "CREATE TABLE jobs(id TEXT PRIMARY KEY, owner TEXT NOT NULL,"                \
  " owner_admin INTEGER, state INTEGER, type INTEGER, priority INTEGER,"       \
  " proxy_usage INTEGER, notify_flags INTEGER, min_retry_delay_s INTEGER,"     \
  " no_progress_timeout_s INTEGER, max_download_time_s INTEGER,"               \
  " error_count INTEGER, cur_file INTEGER, display_name TEXT,"                 \
  " description TEXT, proxy_list TEXT, bypass_list TEXT,"                      \
  " has_error INTEGER, err_code INTEGER, err_context INTEGER,"                 \
  " err_file_index INTEGER, err_http_status INTEGER,"                          \
  " created_unix_ms INTEGER, modified_unix_ms INTEGER,"                        \
  " completed_unix_ms INTEGER, te_since_ms INTEGER,"                           \
  " noprog_since_ms INTEGER, active_acc_ms INTEGER,"                           \
  " last_activity_ms INTEGER, create_seq INTEGER) WITHOUT ROWID;"              \
  "CREATE TABLE files(job_id TEXT, idx INTEGER, remote TEXT, local TEXT,"      \
  " bytes_total INTEGER, bytes_done INTEGER, temp_id INTEGER,"                 \
  " transferred INTEGER, completed INTEGER, temp_made INTEGER,"                \
  " from_peer INTEGER, PRIMARY KEY(job_id, idx)) WITHOUT ROWID;"               \
  "CREATE INDEX jobs_by_seq ON jobs(create_seq);"
#define V5_ADDITIONS                                                           \
  "ALTER TABLE files ADD COLUMN valid INTEGER NOT NULL DEFAULT 0;"             \
  "ALTER TABLE files ADD COLUMN peer_held INTEGER NOT NULL DEFAULT 0;"         \
  "ALTER TABLE files ADD COLUMN bytes_origin INTEGER NOT NULL DEFAULT 0;"      \
  "ALTER TABLE files ADD COLUMN bytes_peers INTEGER NOT NULL DEFAULT 0;"       \
  "ALTER TABLE jobs ADD COLUMN notify_failures INTEGER NOT NULL DEFAULT 0;"    \
  "ALTER TABLE jobs ADD COLUMN cmd_program TEXT;"                              \
  "ALTER TABLE jobs ADD COLUMN cmd_args BLOB;"

/* Version 2 (before the files' validation and peer columns). */
static const char v2_store[] = V2_SCHEMA
    "INSERT INTO meta VALUES('now_ms', 5000);"
    "INSERT INTO jobs VALUES('{11111111-2222-3333-4444-555555555555}',"
    " 'alice', 0, 3, 0, 2, 0, 3, 600, 1209600, 7776000, 0, 0, 'old',"
    " 'from v2', NULL, NULL, 0, 0, 0, -1, 0, 1767225600000, 1767225600000,"
    " 0, 0, -1, 0, 4000, 1);"
    "INSERT INTO files VALUES('{11111111-2222-3333-4444-555555555555}', 0,"
    " 'http://fast.test/a', '/nonexistent/a', 4096, 0, 7, 0, 0, 0, 0);"
    "PRAGMA user_version = 2;";

static void test_store_older_schema_migrated(void **state) {
  (void)state;
  fresh("store_older");
  sqlite3 *sql = NULL;
  assert_int_equal(sqlite3_open(db, &sql), SQLITE_OK);
  assert_int_equal(sqlite3_exec(sql, v2_store, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(sql);
  assert_int_equal(user_version(), 2);
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_guid id;
  assert_int_equal(
      bsim_guid_parse("{11111111-2222-3333-4444-555555555555}", &id), 0);
  bsim_job *job = find(mgr, &id);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_SUSPENDED);
  char *text = NULL;
  assert_int_equal(bsim_job_get_description(job, &text), BSIM_S_OK);
  assert_string_equal(text, "from v2");
  bsim_free(text);
  assert_int_equal(fx_file_progress(job, 0).bytes_total, 4096);
  assert_int_equal(bsim_manager_now_ms(mgr), 5000);
  /* The job saves into the migrated tables. */
  assert_int_equal(bsim_job_set_description(job, "now v3"), BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);
  assert_int_equal(user_version(), 6);
  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  assert_int_equal(bsim_job_get_description(job, &text), BSIM_S_OK);
  assert_string_equal(text, "now v3");
  bsim_free(text);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.13, §1.5, §9, §13: HttpOptions, credentials and an upload-reply's
 * reply file name survive a restart (the store keeps them with the job). */
static void test_store_http_options_and_reply_kept(void **state) {
  (void)state;
  fresh("store_options");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = fx_job(mgr, "alice", URL_FAST, local_path("a"));
  assert_int_equal(bsim_job_set_custom_headers(job, "X-A: 1\r\nX-B: 2"),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_security_flags(job, 0x0004), BSIM_S_OK);
  assert_int_equal(bsim_job_set_max_bandwidth(job, 65536), BSIM_S_OK);
  assert_int_equal(bsim_job_set_credentials(job, BSIM_AUTH_TARGET_SERVER,
                                            BSIM_AUTH_SCHEME_BASIC, "bob",
                                            "s3cret"),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_credentials(job, BSIM_AUTH_TARGET_PROXY,
                                            BSIM_AUTH_SCHEME_NTLM, NULL, NULL),
                   BSIM_S_OK);
  bsim_job *up = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "up",
                                   BSIM_JOB_TYPE_UPLOAD_REPLY, NULL, &up),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_reply_file_name(up, local_path("reply")),
                   BSIM_S_OK);
  char src[1200];
  snprintf(src, sizeof src, "%s", local_path("up.src"));
  FILE *sf = fopen(src, "wb");
  assert_non_null(sf);
  fclose(sf);
  assert_int_equal(bsim_job_add_file(up, "http://fast.test/up", src),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(up), BSIM_S_OK);
  assert_int_equal(bsim_job_suspend(up), BSIM_S_OK);
  bsim_guid id, up_id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  assert_int_equal(bsim_job_get_id(up, &up_id), BSIM_S_OK);
  bsim_job_unref(job);
  bsim_job_unref(up);
  fx_free(mgr);

  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  struct bsim__job_http_view v;
  bsim__job_http(job, &v);
  assert_string_equal(v.custom_headers, "X-A: 1\r\nX-B: 2");
  assert_int_equal(v.security_flags, 0x0004);
  assert_int_equal(v.max_bytes_per_s, 65536);
  assert_string_equal(v.user[BSIM_AUTH_TARGET_SERVER][BSIM_AUTH_SCHEME_BASIC],
                      "bob");
  assert_string_equal(
      v.password[BSIM_AUTH_TARGET_SERVER][BSIM_AUTH_SCHEME_BASIC], "s3cret");
  assert_string_equal(v.user[BSIM_AUTH_TARGET_PROXY][BSIM_AUTH_SCHEME_NTLM],
                      "");
  assert_null(v.user[BSIM_AUTH_TARGET_SERVER][BSIM_AUTH_SCHEME_DIGEST]);
  up = find(mgr, &up_id);
  char *name = NULL;
  assert_int_equal(bsim_job_get_reply_file_name(up, &name), BSIM_S_OK);
  assert_string_equal(name, local_path("reply"));
  bsim_free(name);
  struct bsim_reply_progress rp;
  assert_int_equal(bsim_job_get_reply_progress(up, &rp), BSIM_S_OK);
  assert_true(rp.bytes_total == BSIM_SIZE_UNKNOWN);
  /* The first Resume fixed the name before the restart: a later name has
   * no effect (reference §1.5). */
  assert_int_equal(bsim_job_set_reply_file_name(up, local_path("late")),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_get_reply_file_name(up, &name), BSIM_S_OK);
  assert_string_equal(name, local_path("reply"));
  bsim_free(name);
  /* Removing them is kept too: a cold change after a restart. */
  assert_int_equal(bsim_job_remove_credentials(job, BSIM_AUTH_TARGET_SERVER,
                                               BSIM_AUTH_SCHEME_BASIC),
                   BSIM_S_OK);
  bsim_job_unref(job);
  bsim_job_unref(up);
  fx_free(mgr);
  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  bsim__job_http(job, &v);
  assert_null(v.user[BSIM_AUTH_TARGET_SERVER][BSIM_AUTH_SCHEME_BASIC]);
  assert_string_equal(v.custom_headers, "X-A: 1\r\nX-B: 2");
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §1.6, §13: a ranged file keeps its ranges across a restart, and the
 * restored job downloads exactly those ranges back to back. */
static void test_store_ranges_kept(void **state) {
  (void)state;
  fresh("store_ranges");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "ranged",
                                   BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
                   BSIM_S_OK);
  const struct bsim_file_range want[2] = {{100, 50},
                                          {4000, BSIM_LENGTH_TO_EOF}};
  assert_int_equal(
      bsim_job_add_file_with_ranges(job, URL_FAST, local_path("r"), 2, want),
      BSIM_S_OK);
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);

  mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  job = find(mgr, &id);
  uint32_t count = 0;
  struct bsim_file_range *got = NULL;
  assert_int_equal(bsim_file_get_ranges(job, 0, &count, &got), BSIM_S_OK);
  assert_int_equal(count, 2);
  assert_memory_equal(got, want, sizeof want);
  bsim_free(got);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 60000);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  char src[4096], out[256];
  assert_int_equal(bsim_model_file_content(mgr, URL_FAST, 0, src, 4096),
                   BSIM_S_OK);
  FILE *f = fopen(local_path("r"), "rb");
  assert_non_null(f);
  assert_int_equal(fread(out, 1, sizeof out, f), 50 + 96);
  fclose(f);
  assert_memory_equal(out, src + 100, 50);
  assert_memory_equal(out + 50, src + 4000, 96);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* Run SQL on the closed store. */
static void store_sql(const char *text) {
  sqlite3 *sql = NULL;
  assert_int_equal(sqlite3_open(db, &sql), SQLITE_OK);
  assert_int_equal(sqlite3_exec(sql, text, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(sql);
}

/* Damaged credentials, a damaged progress row (its files' blob cut short)
 * or a job without one is refused as corrupt, naming the file, and the
 * store is left alone. */
static void test_store_bad_progress_refused(void **state) {
  (void)state;
  fresh("store_bad_progress");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_job *job = fx_job(mgr, "alice", URL_FAST, local_path("a"));
  bsim_job_unref(job);
  fx_free(mgr);
  store_sql("UPDATE jobs SET credentials = x'01010162'"); /* no NUL */
  assert_int_equal(try_open(), BSIM_E_DATABASE_CORRUPT);
  assert_non_null(strstr(bsim_manager_store_error(), db));
  store_sql("UPDATE jobs SET credentials = x'0901000000'"); /* target 9 */
  assert_int_equal(try_open(), BSIM_E_DATABASE_CORRUPT);
  store_sql("UPDATE jobs SET credentials = NULL");
  store_sql("UPDATE progress SET files = x'05'");
  assert_int_equal(try_open(), BSIM_E_DATABASE_CORRUPT);
  assert_non_null(strstr(bsim_manager_store_error(), db));
  store_sql("DELETE FROM progress");
  assert_int_equal(try_open(), BSIM_E_DATABASE_CORRUPT);
  sqlite3 *sql = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open(db, &sql), SQLITE_OK);
  assert_int_equal(
      sqlite3_prepare_v2(sql, "SELECT count(*) FROM jobs", -1, &st, NULL),
      SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 1); /* not deleted */
  sqlite3_finalize(st);
  sqlite3_close(sql);
}

/* Version 5 (progress in the jobs and files rows): a job part way
 * through its one file. */
static const char v5_store[] = V2_SCHEMA V5_ADDITIONS
    "INSERT INTO meta VALUES('now_ms', 7000);"
    "INSERT INTO jobs VALUES('{11111111-2222-3333-4444-666666666666}',"
    " 'alice', 0, 3, 0, 1, 0, 3, 90, 1209600, 7776000, 2, 0, 'five',"
    " 'from v5', NULL, NULL, 0, 0, 0, -1, 0, 1767225600000, 1767225600000,"
    " 0, 0, -1, 0, 4000, 1, 3, NULL, NULL);"
    "INSERT INTO files VALUES('{11111111-2222-3333-4444-666666666666}', 0,"
    " 'http://fast.test/a', '/nonexistent/a', 4096, 0, 7, 0, 0, 0, 0, 0, 0,"
    " 1024, 512);"
    "PRAGMA user_version = 5;";

/* 5 -> 6 moves the progress into its own rows: every value comes back. */
static void test_store_v5_migrated(void **state) {
  (void)state;
  fresh("store_v5");
  store_sql(v5_store);
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  bsim_guid id;
  assert_int_equal(
      bsim_guid_parse("{11111111-2222-3333-4444-666666666666}", &id), 0);
  bsim_job *job = find(mgr, &id);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_SUSPENDED);
  enum bsim_job_priority prio;
  assert_int_equal(bsim_job_get_priority(job, &prio), BSIM_S_OK);
  assert_int_equal(prio, BSIM_JOB_PRIORITY_HIGH);
  uint32_t delay = 0, failures = 0;
  assert_int_equal(bsim_job_get_minimum_retry_delay(job, &delay), BSIM_S_OK);
  assert_int_equal(delay, 90);
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 3);
  assert_int_equal(fx_file_progress(job, 0).bytes_total, 4096);
  uint64_t origin = 0, peers = 0;
  assert_int_equal(bsim_file_get_peer_download_stats(job, 0, &origin, &peers),
                   BSIM_S_OK);
  assert_int_equal(origin, 1024);
  assert_int_equal(peers, 512);
  assert_int_equal(bsim_manager_now_ms(mgr), 7000);
  bsim_job_unref(job);
  fx_free(mgr);
  assert_int_equal(user_version(), 6);
}

/* A second manager on a store in use is refused, naming the file. */
static void test_store_locked_refused(void **state) {
  (void)state;
  fresh("store_locked");
  bsim_manager *mgr = open_store(0, BSIM_JOB_STATE_QUEUED);
  assert_int_equal(try_open(), BSIM_E_WIN32_SHARING_VIOLATION);
  assert_non_null(strstr(bsim_manager_store_error(), db));
  assert_non_null(strstr(bsim_manager_store_error(), "locked"));
  fx_free(mgr);
  assert_int_equal(try_open(), BSIM_S_OK);
}

static void test_store_bad_option(void **state) {
  (void)state;
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.store_active_restart_state = BSIM_JOB_STATE_ERROR;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_E_INVALIDARG);
  assert_null(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_store_roundtrip),
      cmocka_unit_test(test_store_roundtrip_group_commit),
      cmocka_unit_test(test_store_active_comes_back_queued),
      cmocka_unit_test(test_store_active_comes_back_suspended),
      cmocka_unit_test(test_store_owed_notification_again),
      cmocka_unit_test(test_store_retry_deadline_kept),
      cmocka_unit_test(test_store_notify_failures_kept),
      cmocka_unit_test(test_store_notify_cmdline_kept),
      cmocka_unit_test(test_store_notify_cmdline_dropped),
      cmocka_unit_test(test_store_trace_continues),
      cmocka_unit_test(test_store_inactivity_from_recorded_activity),
      cmocka_unit_test(test_store_corrupt_refused_untouched),
      cmocka_unit_test(test_store_newer_schema_refused),
      cmocka_unit_test(test_store_older_schema_migrated),
      cmocka_unit_test(test_store_v5_migrated),
      cmocka_unit_test(test_store_http_options_and_reply_kept),
      cmocka_unit_test(test_store_bad_progress_refused),
      cmocka_unit_test(test_store_ranges_kept),
      cmocka_unit_test(test_store_locked_refused),
      cmocka_unit_test(test_store_bad_option),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
