/* Peer caches and the validation of peer content (reference §1.9, §7,
 * §11): a peer holding a copy serves the download (IsDownloadedFromPeer,
 * GetPeerDownloadStats count its bytes); a
 * peer that is down leaves the download to the origin; a corrupt peer
 * copy (a fault with source PEER) rejected with SetValidationState(FALSE)
 * is dropped, the file is fetched again from the origin with the right
 * bytes, FileTransferred fires again and the stats show both sources; the
 * state meanwhile is QUEUED, or SUSPENDED with peer_reject_suspends; a
 * rejection while the job is busy with another file waits for it; faults
 * with source ORIGIN leave peer copies alone; a peer that fails part way
 * is topped up from the origin; bsim_model_peer_add errors.
 * Virtual time, model transport, real temporary files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim_test.h"
#include "bitsim/notify.h"
#include "bsim_engine_fixture.h"

#define DAY_MS UINT64_C(86400000)
#define URL_A "http://origin.test/a"
#define URL_B "http://origin.test/b"
#define SIZE_A UINT64_C(200000)
#define SIZE_B UINT64_C(50000)

static char dir[1024];

/* An origin at 100 kB/s and a peer at 1 MB/s holding a copy of URL_A. */
static bsim_manager *world_opts(const char *name,
                                const struct bsim_manager_options *o) {
  const char *d = bsim_test_tmpdir(name);
  assert_non_null(d);
  snprintf(dir, sizeof dir, "%s", d);
  bsim_manager *mgr = fx_manager_opts(o);
  fx_host(mgr, "origin.test", 100000, 10);
  struct bsim_model_host_options ho;
  bsim_model_host_options_init(&ho);
  ho.bandwidth_bytes_per_s = 1000000;
  ho.latency_ms = 2;
  ho.peer = 1;
  assert_int_equal(bsim_model_host_add(mgr, "peer.test", &ho), BSIM_S_OK);
  fx_file(mgr, URL_A, SIZE_A);
  fx_file(mgr, URL_B, SIZE_B);
  assert_int_equal(bsim_model_peer_add(mgr, "peer.test", URL_A), BSIM_S_OK);
  return mgr;
}

static bsim_manager *world(const char *name) {
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  return world_opts(name, &o);
}

static void corrupt_peer(bsim_manager *mgr, const char *url) {
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_CORRUPT, url);
  f.source = BSIM_FAULT_SOURCE_PEER;
  f.count = 0;
  f.bytes = 1000;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
}

static int from_peer(bsim_job *job, uint32_t i) {
  int v = -1;
  assert_int_equal(bsim_file_is_downloaded_from_peer(job, i, &v), BSIM_S_OK);
  return v;
}

static void stats(bsim_job *job, uint32_t i, uint64_t *origin,
                  uint64_t *peers) {
  assert_int_equal(bsim_file_get_peer_download_stats(job, i, origin, peers),
                   BSIM_S_OK);
}

static uint64_t file_requests(bsim_manager *mgr, const char *url) {
  struct bsim_model_file_stats ms;
  assert_int_equal(bsim_model_file_stats(mgr, url, &ms), BSIM_S_OK);
  return ms.requests;
}

/* 1 when the temporary (or local) file at path holds the model's bytes. */
static int content_ok(bsim_manager *mgr, const char *path, const char *url,
                      uint64_t size) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char *got = malloc(size + 1);
  unsigned char *want = malloc(size);
  size_t n = fread(got, 1, size + 1, f);
  fclose(f);
  assert_int_equal(bsim_model_file_content(mgr, url, 0, want, size), BSIM_S_OK);
  int same = n == size && memcmp(got, want, size) == 0;
  free(got);
  free(want);
  return same;
}

static int temp_ok(bsim_manager *mgr, bsim_job *job, uint32_t i,
                   const char *url, uint64_t size) {
  char *t = NULL;
  assert_int_equal(bsim_file_get_temporary_name(job, i, &t), BSIM_S_OK);
  int ok = content_ok(mgr, t, url, size);
  bsim_free(t);
  return ok;
}

static int holds(bsim_manager *mgr, const char *url) {
  int v = -1;
  assert_int_equal(bsim_model_peer_holds(mgr, "peer.test", url, &v), BSIM_S_OK);
  return v;
}

/* §11: the peer serves; §1.9 GetPeerDownloadStats; §7 IsDownloadedFromPeer.
 * The peer is ten times faster, so the job finishes in well under the
 * two seconds the origin would take. */
static void test_peers_serve(void **state) {
  (void)state;
  bsim_manager *mgr = world("peers_serve");
  const char *urls[] = {URL_A, URL_B, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(from_peer(job, 0), 1);
  assert_int_equal(from_peer(job, 1), 0);
  uint64_t o = 1, p = 0;
  stats(job, 0, &o, &p);
  assert_true(o == 0 && p == SIZE_A);
  stats(job, 1, &o, &p);
  assert_true(o == SIZE_B && p == 0);
  assert_true(file_requests(mgr, URL_B) == 1);
  assert_true(temp_ok(mgr, job, 0, URL_A, SIZE_A));
  /* Accepting peer content keeps the copy. */
  assert_int_equal(bsim_file_set_validation_state(job, 0, 1), BSIM_S_OK);
  assert_int_equal(holds(mgr, URL_A), 1);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_TRANSFERRED);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §11 "no peer / peer error -> origin": a peer that is down when the
 * request is made leaves it to the origin. */
static void test_peers_down_origin_serves(void **state) {
  (void)state;
  bsim_manager *mgr = world("peers_down");
  assert_int_equal(bsim_model_host_outage(mgr, "peer.test", 0, DAY_MS),
                   BSIM_S_OK);
  const char *urls[] = {URL_A, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(from_peer(job, 0), 0);
  uint64_t o = 0, p = 1;
  stats(job, 0, &o, &p);
  assert_true(o == SIZE_A && p == 0);
  bsim_job_unref(job);
  fx_free(mgr);
}

struct counter {
  int files;     /* FileTransferred deliveries */
  int reject;    /* reject the first delivery */
  bsim_hr first; /* SetValidationState's answer then */
};

static bsim_hr on_file(bsim_job *job, uint32_t index, void *user) {
  struct counter *c = user;
  if (c->files == 0 && c->reject) {
    c->first = bsim_file_set_validation_state(job, index, 0);
  }
  c->files++;
  return BSIM_S_OK;
}

static void watch(bsim_job *job, struct counter *c) {
  struct bsim_notify_ops ops;
  memset(&ops, 0, sizeof ops);
  ops.file_transferred = on_file;
  assert_int_equal(bsim_job_set_notify(job, &ops, c), BSIM_S_OK);
  assert_int_equal(
      bsim_job_set_notify_flags(job, BSIM_NOTIFY_JOB_TRANSFERRED |
                                         BSIM_NOTIFY_JOB_ERROR |
                                         BSIM_NOTIFY_FILE_TRANSFERRED),
      BSIM_S_OK);
}

/* The state right after the rejection, and the end of the story: the
 * file comes again from the origin, right this time. */
static void reject_and_refetch(bsim_manager *mgr, bsim_job *job,
                               enum bsim_job_state want_after) {
  assert_false(temp_ok(mgr, job, 0, URL_A, SIZE_A)); /* corrupt copy */
  assert_int_equal(from_peer(job, 0), 1);
  assert_int_equal(bsim_file_set_validation_state(job, 0, 0), BSIM_S_OK);
  assert_int_equal(fx_state(job), want_after);
  assert_true(fx_file_progress(job, 0).bytes_transferred == 0);
  assert_int_equal(holds(mgr, URL_A), 0); /* §7: dropped from the cache */
  if (want_after == BSIM_JOB_STATE_SUSPENDED) {
    assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  }
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, 2 * DAY_MS);
  assert_true(temp_ok(mgr, job, 0, URL_A, SIZE_A));
  assert_int_equal(from_peer(job, 0), 0);
  uint64_t o = 0, p = 0;
  stats(job, 0, &o, &p);
  assert_true(o == SIZE_A && p == SIZE_A); /* both sources */
  /* One request to the peer, one to the origin. */
  assert_true(file_requests(mgr, URL_A) == 2);
}

/* §4.2, §7: peer content rejected -> re-downloaded from the origin, the
 * job QUEUED meanwhile (§15 unconfirmed default), FileTransferred again. */
static void test_peers_reject_refetch(void **state) {
  (void)state;
  bsim_manager *mgr = world("peers_reject");
  corrupt_peer(mgr, URL_A);
  const char *urls[] = {URL_A, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  struct counter c = {0, 0, BSIM_E_FAIL};
  watch(job, &c);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(c.files, 1);
  reject_and_refetch(mgr, job, BSIM_JOB_STATE_QUEUED);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(c.files, 2);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* The option peer_reject_suspends: SUSPENDED until Resume. */
static void test_peers_reject_suspends(void **state) {
  (void)state;
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_REAL);
  o.peer_reject_suspends = 1;
  bsim_manager *mgr = world_opts("peers_reject_suspends", &o);
  corrupt_peer(mgr, URL_A);
  const char *urls[] = {URL_A, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  reject_and_refetch(mgr, job, BSIM_JOB_STATE_SUSPENDED);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §7 flow inside FileTransferred: the first file is rejected while the
 * job still transfers the second; the job keeps TRANSFERRING and fetches
 * the first again after it (FileTransferred three times in all). */
static void test_peers_reject_in_callback_while_busy(void **state) {
  (void)state;
  bsim_manager *mgr = world("peers_reject_busy");
  corrupt_peer(mgr, URL_A);
  const char *urls[] = {URL_A, URL_B, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  struct counter c = {0, 1, BSIM_E_FAIL};
  watch(job, &c);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(c.first, BSIM_S_OK);
  assert_int_equal(c.files, 3);
  assert_true(temp_ok(mgr, job, 0, URL_A, SIZE_A));
  assert_true(temp_ok(mgr, job, 1, URL_B, SIZE_B));
  uint64_t o = 0, p = 0;
  stats(job, 0, &o, &p);
  assert_true(o == SIZE_A && p == SIZE_A);
  assert_int_equal(from_peer(job, 0), 0);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* A fault with source ORIGIN never touches a peer's bytes, and one with
 * source PEER never the origin's. */
static void test_peers_fault_sources(void **state) {
  (void)state;
  bsim_manager *mgr = world("peers_fault_sources");
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, "http://origin.test/*");
  f.http_status = 404;
  f.count = 0;
  f.source = BSIM_FAULT_SOURCE_ORIGIN;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  corrupt_peer(mgr, URL_B); /* no peer holds B */
  const char *urls[] = {URL_A, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_int_equal(from_peer(job, 0), 1);
  const char *urls_b[] = {URL_B, NULL};
  bsim_job *job_b = fx_job_files(mgr, "alice", dir, urls_b);
  assert_int_equal(bsim_job_resume(job_b), BSIM_S_OK);
  fx_run_to(mgr, job_b, BSIM_JOB_STATE_ERROR, DAY_MS);
  assert_int_equal(fx_error(job_b).http_status, 404);
  /* An unknown source is refused. */
  bsim_fault_init(&f, BSIM_FAULT_CORRUPT, URL_A);
  f.source = BSIM_FAULT_SOURCE_COUNT;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_E_INVALIDARG);
  bsim_job_unref(job_b);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* §11 "partial peer content is topped up from the origin": the peer goes
 * down part way; after the retry delay the origin serves the rest with a
 * Range request, and the stats add up to the file's size. */
static void test_peers_top_up_from_origin(void **state) {
  (void)state;
  bsim_manager *mgr = world("peers_top_up");
  /* 200,000 bytes at 1 MB/s after 2 ms latency: half way at 102 ms. */
  assert_int_equal(bsim_model_host_outage(mgr, "peer.test", 102, DAY_MS),
                   BSIM_S_OK);
  const char *urls[] = {URL_A, NULL};
  bsim_job *job = fx_job_files(mgr, "alice", dir, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSIENT_ERROR, DAY_MS);
  fx_run_to(mgr, job, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  uint64_t o = 0, p = 0;
  stats(job, 0, &o, &p);
  assert_true(p > 0 && o > 0);
  assert_true(o + p == SIZE_A);
  assert_int_equal(from_peer(job, 0), 1); /* §7: any byte from a peer */
  assert_true(temp_ok(mgr, job, 0, URL_A, SIZE_A));
  bsim_job_unref(job);
  fx_free(mgr);
}

/* bsim_model_peer_add refuses what it cannot model. */
static void test_peers_add_errors(void **state) {
  (void)state;
  bsim_manager *mgr = world("peers_add_errors");
  assert_int_equal(bsim_model_peer_add(mgr, "nowhere.test", URL_A),
                   BSIM_E_NOT_FOUND);
  /* The origin is not a peer. */
  assert_int_equal(bsim_model_peer_add(mgr, "origin.test", URL_A),
                   BSIM_E_NOT_FOUND);
  assert_int_equal(bsim_model_peer_add(mgr, "peer.test", "ftp://x/y"),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_peer_add(mgr, "peer.test", NULL),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_model_peer_add(NULL, "peer.test", URL_A),
                   BSIM_E_INVALIDARG);
  int v;
  assert_int_equal(bsim_model_peer_holds(mgr, "nowhere.test", URL_A, &v),
                   BSIM_E_NOT_FOUND);
  assert_int_equal(holds(mgr, URL_B), 0);
  /* Adding twice is one copy. */
  assert_int_equal(bsim_model_peer_add(mgr, "peer.test", URL_A), BSIM_S_OK);
  assert_int_equal(holds(mgr, URL_A), 1);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_peers_serve),
      cmocka_unit_test(test_peers_down_origin_serves),
      cmocka_unit_test(test_peers_reject_refetch),
      cmocka_unit_test(test_peers_reject_suspends),
      cmocka_unit_test(test_peers_reject_in_callback_while_busy),
      cmocka_unit_test(test_peers_fault_sources),
      cmocka_unit_test(test_peers_top_up_from_origin),
      cmocka_unit_test(test_peers_add_errors),
  };
  return cmocka_run_group_tests_name("sim_peers", tests, NULL, NULL);
}
