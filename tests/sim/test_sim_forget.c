/* The transport seam's optional forget op (reference §8, §9.1): Cancel
 * calls it for every file of the job after the transfer in flight was
 * stopped (the curl transport then sends Cancel-Session for an open upload,
 * shown against `bitsim serve` in integration/test_curl_upload.c), and so
 * does scavenging after JobInactivityTimeout; Suspend and Complete do not.
 * A fake transport records the calls; AUTO clock, no real I/O. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "bitsim.h"
#include "bsim_engine_fixture.h"
#include "bsim_test.h"
#include "internal.h"

#define URL "http://fake.test/up.bin"

struct fake {
  int starts;
  int stops;
  int forgets;
  int stops_before_forget; /* stops counted when forget first came */
  uint32_t last_index;
  char last_url[128];
};

static int fake_claims(void *ctx, const char *url) {
  (void)ctx;
  return strncmp(url, "http://fake.test/", 17) == 0;
}
static bsim_hr fake_start(void *ctx, struct bsim__xfer *xfer) {
  (void)xfer;
  ((struct fake *)ctx)->starts++; /* never reports: stays in flight */
  return BSIM_S_OK;
}
static uint64_t fake_stop(void *ctx, struct bsim__xfer *xfer) {
  (void)xfer;
  ((struct fake *)ctx)->stops++;
  return 0;
}
static int fake_busy(void *ctx) {
  (void)ctx;
  return 0;
}
static void fake_free(void *ctx) {
  (void)ctx;
}
static void fake_forget(void *ctx, bsim_job *job, uint32_t index,
                        const char *url) {
  (void)job;
  struct fake *f = ctx;
  if (f->forgets++ == 0) f->stops_before_forget = f->stops;
  f->last_index = index;
  snprintf(f->last_url, sizeof f->last_url, "%s", url);
}

static const struct bsim__transport_ops fake_ops = {
    "fake",    fake_claims, fake_start, fake_stop,
    fake_busy, fake_free,   fake_forget};

static bsim_manager *world(struct fake *f, uint32_t inactivity_s) {
  struct bsim_manager_options o;
  fx_options(&o, BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  o.job_inactivity_timeout_s = inactivity_s;
  bsim_manager *mgr = fx_manager_opts(&o);
  memset(f, 0, sizeof *f);
  struct bsim__transport t = {&fake_ops, f};
  bsim__lock(mgr);
  bsim_hr hr = bsim__manager_add_transport(mgr, &t);
  bsim__unlock(mgr);
  assert_int_equal(hr, BSIM_S_OK);
  return mgr;
}

static bsim_job *upload(bsim_manager *mgr) {
  bsim_job *job = NULL;
  assert_int_equal(
      bsim_job_create(mgr, "alice", "u", BSIM_JOB_TYPE_UPLOAD, NULL, &job),
      BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(job, URL, "/tmp/bsim-forget-src"),
                   BSIM_S_OK);
  return job;
}

/* Cancel of a job with a transfer in flight: stop first, then forget. */
static void test_cancel_forgets_after_stop(void **state) {
  (void)state;
  struct fake f;
  bsim_manager *mgr = world(&f, 7776000);
  bsim_job *job = upload(mgr);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  assert_int_equal(f.starts, 1);
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  assert_int_equal(f.forgets, 0); /* Suspend keeps the session */
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(f.forgets, 1);
  assert_int_equal(f.stops_before_forget, 2);
  assert_int_equal(f.last_index, 0);
  assert_string_equal(f.last_url, URL);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* Scavenging is Cancel by the service (reference §8): forget too. */
static void test_scavenging_forgets(void **state) {
  (void)state;
  struct fake f;
  bsim_manager *mgr = world(&f, 3600);
  bsim_job *job = upload(mgr);
  assert_int_equal(bsim_manager_advance(mgr, 3601 * 1000), BSIM_S_OK);
  assert_int_equal(fx_state(job), BSIM_JOB_STATE_CANCELLED);
  assert_int_equal(f.forgets, 1);
  assert_string_equal(f.last_url, URL);
  bsim_job_unref(job);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cancel_forgets_after_stop),
      cmocka_unit_test(test_scavenging_forgets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
