/* Downloads through the engine API with the curl transport against
 * `bitsim serve` on 127.0.0.1 (reference §10, §4.2, §8): many files of
 * many sizes (0 bytes to 1 MiB + 1) in concurrent jobs, byte-identical after
 * Complete; a connection reset mid-body resumed with Range, where the
 * server's counters show that only the missing tail was sent again; a
 * remote file that changed between attempts restarted from byte 0 (or,
 * by configuration, BG_E_REMOTE_FILE_CHANGED and a restart on Resume);
 * transient errors (503, refused connection, a stalled server) retried
 * and fatal ones (404, a server that ignores Range on a resume) ending in
 * ERROR with the HRESULT, context and file BITS reports; Suspend and
 * Resume keeping the bytes on disk; a local write failure (file size
 * limit, destination directory removed) ending in ERROR with context
 * LOCAL_FILE and a correct prefix on disk; file:// sources.
 *
 * AUTO clock: retry delays pass in no real time, curl's work in real time.
 * Waits have virtual deadlines and curl's stall timeout bounds real I/O;
 * nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/resource.h>

#include "curl_world.h"

static bsim_job *download_job(struct world *w, enum bsim_job_priority p) {
  return world_job(w, BSIM_JOB_TYPE_DOWNLOAD, p);
}

static void add(bsim_job *job, const char *url, const char *local) {
  assert_int_equal(bsim_job_add_file(job, url, local), BSIM_S_OK);
}

static void complete(bsim_job *job) {
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_int_equal(world_state(job), BSIM_JOB_STATE_ACKNOWLEDGED);
}

static uint64_t bytes_done(bsim_job *job, uint32_t index) {
  struct bsim_file_progress p;
  assert_int_equal(bsim_file_get_progress(job, index, &p), BSIM_S_OK);
  return p.bytes_transferred;
}

static char *temp_of(bsim_job *job, uint32_t index) {
  char *t = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, index, &t), BSIM_S_OK);
  return t;
}

/* The first n bytes of path are those of a file made with tag. */
static int prefix_ok(const char *path, uint64_t n, uint64_t tag) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return 0;
  int ok = 1;
  for (uint64_t i = 0; i < n && ok; i++) {
    int c = fgetc(f);
    ok = c != EOF && (unsigned char)c == world_byte(tag, i);
  }
  fclose(f);
  return ok;
}

/* ---- many files --------------------------------------------------------- */

static const uint64_t sizes[] = {0,     1,      100,         4096,   16384,
                                 65537, 300000, 1048576 + 1, 262144, 777};
#define NSIZES (sizeof sizes / sizeof sizes[0])
#define NJOBS 4

/* Three FOREGROUND jobs run at once beside one NORMAL job (reference §5);
 * every file of every job arrives byte for byte (reference §8). */
static void test_curl_download_many_files(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-many", NULL);
  bsim_job *jobs[NJOBS];
  char path[1200];
  uint64_t total = 0;
  for (int j = 0; j < NJOBS; j++) {
    jobs[j] = download_job(&w, j < 3 ? BSIM_JOB_PRIORITY_FOREGROUND
                                     : BSIM_JOB_PRIORITY_NORMAL);
    for (unsigned i = 0; i < NSIZES; i++) {
      char leaf[64];
      snprintf(leaf, sizeof leaf, "j%d-f%u.bin", j, i);
      world_make_file(world_path(path, sizeof path, w.root, leaf), sizes[i],
                      (uint64_t)(j * 100 + i));
      char urlpath[80];
      snprintf(urlpath, sizeof urlpath, "/%s", leaf);
      add(jobs[j], world_url(&w, urlpath),
          world_path(path, sizeof path, w.out, leaf));
      total += sizes[i];
    }
    assert_int_equal(bsim_job_resume(jobs[j]), BSIM_S_OK);
  }
  uint64_t seen = 0;
  for (int j = 0; j < NJOBS; j++) {
    world_run_to(&w, jobs[j], BSIM_JOB_STATE_TRANSFERRED);
    struct bsim_job_progress p;
    assert_int_equal(bsim_job_get_progress(jobs[j], &p), BSIM_S_OK);
    assert_int_equal(p.files_transferred, NSIZES);
    assert_int_equal(p.bytes_transferred, p.bytes_total);
    seen += p.bytes_total;
    complete(jobs[j]);
  }
  assert_int_equal(seen, total);
  for (int j = 0; j < NJOBS; j++) {
    for (unsigned i = 0; i < NSIZES; i++) {
      char leaf[64];
      char a[1200];
      snprintf(leaf, sizeof leaf, "j%d-f%u.bin", j, i);
      world_path(path, sizeof path, w.out, leaf);
      assert_true(world_same(path, world_path(a, sizeof a, w.root, leaf)));
    }
    bsim_job_unref(jobs[j]);
  }
  struct bsim_serve_stats st = world_stats(&w, NULL);
  assert_int_equal(st.gets, NJOBS * NSIZES); /* one request per file */
  /* Nothing in flight, and no per-file state kept for finished files. */
  struct bsim__curl_stats cs = world_curl_stats(&w);
  assert_int_equal(cs.active, 0);
  assert_int_equal(cs.slots, 0);
  assert_int_equal(cs.requests, NJOBS * NSIZES);
  world_close(&w);
}

/* ---- resume ------------------------------------------------------------- */

#define BIG (2u * 1024u * 1024u + 123u)

/* A reset mid-body is transient (WinHTTP's connection error, context
 * REMOTE_FILE); the retry asks for the rest with Range + If-Range and the
 * server sends only that (reference §10, §4.2). */
static void test_curl_download_resume_after_reset(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-reset", NULL);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.root, "r.bin"), BIG, 7);
  world_fault(&w, "path=/r.bin,reset=700000,count=1");
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, world_url(&w, "/r.bin"),
      world_path(dst, sizeof dst, w.out, "r.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80072EFEu);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(e.file_index, 0);
  uint64_t kept = bytes_done(job, 0);
  assert_true(kept > 0 && kept <= 700000);
  char *temp = temp_of(job, 0);
  assert_int_equal(world_size(temp), kept);
  assert_true(prefix_ok(temp, kept, 7));
  bsim_free(temp);
  /* The validator is kept for the resume... */
  assert_int_equal(world_curl_stats(&w).slots, 1);

  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  /* ...and dropped with the finished file. */
  assert_int_equal(world_curl_stats(&w).slots, 0);
  assert_int_equal(world_error_count(job), 1);
  struct bsim_serve_stats st = world_stats(&w, "/r.bin");
  assert_int_equal(st.gets, 2);
  assert_int_equal(st.ranged, 1);
  /* Sent: what reached the socket before the reset, then the tail. */
  uint64_t resent = st.body_bytes - BIG;
  assert_true(resent <= 700000 - kept + 65536);
  assert_true(st.body_bytes >= BIG);
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  world_close(&w);
}

static void rewrite_file(const char *path, uint64_t size, uint64_t tag) {
  world_make_file(path, size, tag);
  /* A different mtime makes a different ETag and Last-Modified. */
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* The file changed between the reset and the retry: the If-Range resume
 * gets the whole new file with 200, and the download starts over from
 * byte 0 instead of stitching two versions (reference §10 "Consistency"). */
static void test_curl_download_remote_changed_restarts(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-changed", NULL);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.root, "c.bin"), BIG, 1);
  world_fault(&w, "path=/c.bin,reset=500000,count=1");
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, world_url(&w, "/c.bin"),
      world_path(dst, sizeof dst, w.out, "c.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_true(bytes_done(job, 0) > 0);
  rewrite_file(src, BIG - 1000, 2);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  struct bsim_serve_stats st = world_stats(&w, "/c.bin");
  assert_int_equal(st.gets, 2);
  assert_int_equal(st.ranged, 0); /* If-Range did not match: 200 */
  assert_int_equal(bytes_done(job, 0), BIG - 1000);
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  world_close(&w);
}

static void store_run_to(bsim_manager *mgr, bsim_job *job,
                         enum bsim_job_state want) {
  uint64_t deadline = bsim_manager_now_ms(mgr) + DAY_MS;
  bsim_hr hr = bsim_manager_run_until_job_state(mgr, job, 1u << want, deadline);
  assert_int_equal(hr, BSIM_S_OK);
  assert_int_equal(world_state(job), want);
}

/* §10 "Consistency" across a restart (§13): the file changes on the server
 * while the process is down; the restarted transport has no memory of the
 * first response, but the validator the store kept goes out as If-Range,
 * the server answers 200 with the new version, and the download starts
 * over instead of stitching the old prefix to the new file's rest. */
static void test_curl_download_remote_changed_across_restart(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-changed-restart", NULL);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.root, "c.bin"), BIG, 1);
  world_fault(&w, "path=/c.bin,reset=500000,count=1");
  char db[1200];
  world_path(db, sizeof db, w.dir, "queue.db");
  bsim_manager *mgr = world_store_manager(db);
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(mgr, "alice", "restart",
                                   BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
                   BSIM_S_OK);
  add(job, world_url(&w, "/c.bin"),
      world_path(dst, sizeof dst, w.out, "c.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  store_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_true(bytes_done(job, 0) > 0);
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);

  rewrite_file(src, BIG - 1000, 2);
  mgr = world_store_manager(db);
  bsim_job **jobs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_enum_jobs(mgr, "alice", 0, &jobs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 1);
  job = jobs[0];
  bsim_job_ref(job);
  bsim_job_array_free(jobs, n);
  assert_true(bytes_done(job, 0) > 0); /* resumes from its offset... */
  store_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED);
  struct bsim_serve_stats st = world_stats(&w, "/c.bin");
  assert_int_equal(st.gets, 2);
  assert_int_equal(st.ranged, 0); /* ...and If-Range did not match: 200 */
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
  world_close(&w);
}

/* With remote_change_restarts off, the change is an ERROR with
 * BG_E_REMOTE_FILE_CHANGED ("Resume to retry"); the bytes already kept are
 * dropped, so the Resume downloads the new file from byte 0. */
static void test_curl_download_remote_changed_error(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-changed-err", NULL);
  struct bsim__curl_config c;
  world_default_config(&c);
  c.remote_change_restarts = 0;
  world_config(&w, &c);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.root, "c.bin"), BIG, 3);
  world_fault(&w, "path=/c.bin,reset=400000,count=1");
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, world_url(&w, "/c.bin"),
      world_path(dst, sizeof dst, w.out, "c.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  rewrite_file(src, 5000, 4);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80200073u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(bytes_done(job, 0), 0);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  world_close(&w);
}

/* Suspend stops the transfer and keeps the bytes on disk; Resume goes on
 * from them with Range (reference §4.2 Suspend, §10). A drip keeps the
 * transfer in flight long enough to catch it. */
static void test_curl_download_suspend_resume(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-suspend", NULL);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.root, "s.bin"), 400000, 9);
  world_fault(&w, "path=/s.bin,drip=16384/10,count=1");
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_FOREGROUND);
  add(job, world_url(&w, "/s.bin"),
      world_path(dst, sizeof dst, w.out, "s.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRING);
  while (bytes_done(job, 0) < 32768) {
    assert_int_equal(bsim_manager_advance(w.mgr, 20), BSIM_S_OK);
    assert_int_equal(world_state(job), BSIM_JOB_STATE_TRANSFERRING);
  }
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  uint64_t kept = bytes_done(job, 0);
  assert_true(kept >= 32768 && kept < 400000);
  char *temp = temp_of(job, 0);
  assert_int_equal(world_size(temp), kept);
  assert_true(prefix_ok(temp, kept, 9));
  bsim_free(temp);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  struct bsim_serve_stats st = world_stats(&w, "/s.bin");
  assert_int_equal(st.ranged, 1);
  assert_int_equal(world_error_count(job), 0);
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  world_close(&w);
}

/* ---- transient and fatal errors ---------------------------------------- */

/* 503 twice: TRANSIENT_ERROR with BG_E_HTTP_ERROR_503, retried after the
 * retry delay, then the file arrives; ErrorCount counts both. */
static void test_curl_download_503_retried(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-503", NULL);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.root, "t.bin"), 50000, 5);
  world_fault(&w, "path=/t.bin,status=503,count=2");
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, world_url(&w, "/t.bin"),
      world_path(dst, sizeof dst, w.out, "t.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x801901F7u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(e.http_status, 503);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(world_error_count(job), 2);
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  world_close(&w);
}

/* 404 is fatal: ERROR with BG_E_HTTP_ERROR_404 (0x80190194), context
 * REMOTE_FILE, the file's index; files before it stay done (§4.1). */
static void test_curl_download_404_fatal(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-404", NULL);
  char path[1200];
  world_make_file(world_path(path, sizeof path, w.root, "ok.bin"), 1000, 1);
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, world_url(&w, "/ok.bin"),
      world_path(path, sizeof path, w.out, "ok.bin"));
  add(job, world_url(&w, "/missing.bin"),
      world_path(path, sizeof path, w.out, "missing.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80190194u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(e.file_index, 1);
  assert_int_equal(e.http_status, 404);
  assert_int_equal(world_error_count(job), 1);
  assert_int_equal(bytes_done(job, 0), 1000);
  assert_int_equal(bsim_job_complete(job), BSIM_S_PARTIAL_COMPLETE);
  bsim_job_unref(job);
  world_close(&w);
}

/* A server that ignores Range on the resume: BG_E_INSUFFICIENT_RANGE_
 * SUPPORT, fatal (reference §10: the restart needs a range request). */
static void test_curl_download_no_range_on_resume(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-norange", NULL);
  char path[1200];
  world_make_file(world_path(path, sizeof path, w.root, "n.bin"), BIG, 2);
  world_fault(&w, "path=/n.bin,reset=300000,count=1");
  world_fault(&w, "path=/n.bin,nth=2,norange");
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, world_url(&w, "/n.bin"),
      world_path(path, sizeof path, w.out, "n.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80200013u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(world_error_count(job), 2);
  assert_true(bytes_done(job, 0) > 0); /* kept for a later Resume */
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  world_close(&w);
}

/* Connection refused is transient (WinHTTP cannot connect, 0x80072EFD);
 * with a no-progress timeout the job ends in ERROR keeping that error
 * (reference §5). */
static void test_curl_download_refused_transient(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-refused", NULL);
  char url[128];
  char path[1200];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/x.bin",
           (unsigned)world_free_port());
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(bsim_job_set_no_progress_timeout(job, 60), BSIM_S_OK);
  add(job, url, world_path(path, sizeof path, w.out, "x.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80072EFDu);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  assert_true(world_error_count(job) >= 2);
  assert_int_equal((uint32_t)world_error(job).code, 0x80072EFDu);
  bsim_job_unref(job);
  world_close(&w);
}

/* A server that sends the headers and then nothing is noticed by the
 * stall timeout: transient WinHTTP timeout (0x80072EE2); the retry gets the
 * file. (curl averages the speed over a few seconds, so a stall after the
 * body has begun takes that long to notice.) */
static void test_curl_download_stall_times_out(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-stall", NULL);
  struct bsim__curl_config c;
  world_default_config(&c);
  c.stall_timeout_s = 1;
  world_config(&w, &c);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.root, "st.bin"), 200000, 6);
  world_fault(&w, "path=/st.bin,stall=20000,count=1");
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, world_url(&w, "/st.bin"),
      world_path(dst, sizeof dst, w.out, "st.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80072EE2u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(world_stats(&w, "/st.bin").gets, 2);
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  world_close(&w);
}

/* ---- local file errors (context LOCAL_FILE) ----------------------------- */

/* A write past the process's file size limit fails (EFBIG): ERROR with
 * context LOCAL_FILE; the temporary file holds exactly the bytes reported,
 * all of them right; after the limit is lifted Resume finishes the file
 * from there. */
static void test_curl_download_local_write_fails(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-fsize", NULL);
  char src[1200];
  char dst[1200];
  world_make_file(world_path(src, sizeof src, w.root, "l.bin"), BIG, 8);
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, world_url(&w, "/l.bin"),
      world_path(dst, sizeof dst, w.out, "l.bin"));
  struct rlimit old;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  struct rlimit small = old;
  small.rlim_cur = 1000000;
  void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, was);
  struct bsim_job_error e = world_error(job);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_LOCAL_FILE);
  assert_true(BSIM_FAILED(e.code));
  uint64_t kept = bytes_done(job, 0);
  assert_true(kept <= 1000000);
  char *temp = temp_of(job, 0);
  assert_int_equal(world_size(temp), kept);
  assert_true(prefix_ok(temp, kept, 8));
  bsim_free(temp);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
  world_close(&w);
}

/* The destination directory disappears while bytes arrive: the next write
 * fails with path not found (0x80070003), context LOCAL_FILE, fatal. */
static void test_curl_download_directory_removed(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-nodir", NULL);
  char src[1200];
  char sub[1200];
  char dst[1300];
  world_make_file(world_path(src, sizeof src, w.root, "d.bin"), 600000, 4);
  world_path(sub, sizeof sub, w.out, "sub");
  assert_int_equal(mkdir(sub, 0755), 0);
  world_fault(&w, "path=/d.bin,drip=16384/10,count=1");
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_FOREGROUND);
  add(job, world_url(&w, "/d.bin"), world_path(dst, sizeof dst, sub, "d"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRING);
  char *temp = temp_of(job, 0);
  while (world_size(temp) == UINT64_MAX) {
    assert_int_equal(bsim_manager_advance(w.mgr, 10), BSIM_S_OK);
  }
  assert_int_equal(unlink(temp), 0);
  assert_int_equal(rmdir(sub), 0);
  bsim_free(temp);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80070003u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_LOCAL_FILE);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);
  world_close(&w);
}

/* ---- file:// ---------------------------------------------------------- */

/* An absolute path or a file:// URL is a local source (reference §10): the
 * copy is exact; a missing source is fatal, 0x80070002, REMOTE_FILE. */
static void test_curl_download_file_scheme(void **state) {
  (void)state;
  struct world w;
  world_open(&w, "curl-file", NULL);
  char src[1200];
  char dst[1200];
  char dst2[1200];
  char url[1300];
  world_make_file(world_path(src, sizeof src, w.root, "with space.bin"), 123457,
                  11);
  bsim_job *job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  add(job, src, world_path(dst, sizeof dst, w.out, "a.bin"));
  snprintf(url, sizeof url, "file://%s/plain.bin", w.root);
  world_make_file(world_path(dst2, sizeof dst2, w.root, "plain.bin"), 4000, 12);
  add(job, url, world_path(dst2, sizeof dst2, w.out, "b.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  complete(job);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);

  job = download_job(&w, BSIM_JOB_PRIORITY_NORMAL);
  snprintf(url, sizeof url, "%s/absent.bin", w.root);
  add(job, url, world_path(dst, sizeof dst, w.out, "c.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80070002u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  bsim_job_unref(job);
  world_close(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_download_many_files),
      cmocka_unit_test(test_curl_download_resume_after_reset),
      cmocka_unit_test(test_curl_download_remote_changed_restarts),
      cmocka_unit_test(test_curl_download_remote_changed_across_restart),
      cmocka_unit_test(test_curl_download_remote_changed_error),
      cmocka_unit_test(test_curl_download_suspend_resume),
      cmocka_unit_test(test_curl_download_503_retried),
      cmocka_unit_test(test_curl_download_404_fatal),
      cmocka_unit_test(test_curl_download_no_range_on_resume),
      cmocka_unit_test(test_curl_download_refused_transient),
      cmocka_unit_test(test_curl_download_stall_times_out),
      cmocka_unit_test(test_curl_download_local_write_fails),
      cmocka_unit_test(test_curl_download_directory_removed),
      cmocka_unit_test(test_curl_download_file_scheme),
  };
  return cmocka_run_group_tests_name("curl_download", tests, NULL, NULL);
}
