/* The transport seam as the engine uses it (sim/internal.h,
 * bsim__manager_add_transport): a scripted transport registered after the
 * model serves what the model does not claim, and the model keeps its own
 * hosts; a start failure is a transient error of the file (§4.2); Suspend
 * stops the transfer and keeps the bytes the transport reports as safe;
 * an upload job reaches TRANSFERRED through a transport and Complete then
 * acknowledges it (§4.3: upload Complete only from TRANSFERRED), its file
 * counting as completed once uploaded (§2.12); bad registrations are
 * refused. Virtual time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"
#include "bsim_engine_fixture.h"

#define DAY_MS UINT64_C(86400000)

/* One transfer at a time: connect and finish 1 s after start. */
struct fake {
  bsim_manager *mgr;
  struct bsim__timer timer;
  struct bsim__xfer *xfer;
  int starts;
  int stops;
  int fail_next_start;
  uint64_t size;
  char claimed_prefix[32];
};

static struct fake fake;

static int fake_claims(void *ctx, const char *url) {
  struct fake *f = ctx;
  return strncmp(url, f->claimed_prefix, strlen(f->claimed_prefix)) == 0;
}

static void fake_fire(bsim_manager *mgr, struct bsim__timer *timer) {
  (void)mgr;
  (void)timer;
  struct bsim__xfer *x = fake.xfer;
  fake.xfer = NULL;
  bsim__xfer_connected(x, fake.size, 0);
  bsim__xfer_progress(x, fake.size);
  struct bsim__xfer_result ok = {BSIM__XFER_OK, BSIM_S_OK,
                                 BSIM_ERROR_CONTEXT_NONE, 200};
  bsim__xfer_done(x, &ok);
}

static bsim_hr fake_start(void *ctx, struct bsim__xfer *xfer) {
  struct fake *f = ctx;
  f->starts++;
  if (f->fail_next_start) {
    f->fail_next_start = 0;
    return BSIM_E_CONNECT_FAILURE;
  }
  f->xfer = xfer;
  bsim__timer_start(f->mgr, &f->timer, bsim__now_ms(f->mgr) + 1000);
  return BSIM_S_OK;
}

static uint64_t fake_stop(void *ctx, struct bsim__xfer *xfer) {
  struct fake *f = ctx;
  (void)xfer;
  f->stops++;
  f->xfer = NULL;
  bsim__timer_stop(f->mgr, &f->timer);
  return 42; /* bytes safely written so far */
}

static int fake_busy(void *ctx) {
  (void)ctx;
  return 0;
}

static void fake_free(void *ctx) {
  struct fake *f = ctx;
  bsim__timer_stop(f->mgr, &f->timer);
}

static const struct bsim__transport_ops fake_ops = {
    "fake", fake_claims, fake_start, fake_stop, fake_busy, fake_free, NULL};

static bsim_manager *world(void) {
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_AUTO, BSIM_FS_VIRTUAL);
  memset(&fake, 0, sizeof fake);
  fake.mgr = mgr;
  fake.size = 100;
  snprintf(fake.claimed_prefix, sizeof fake.claimed_prefix, "http://");
  bsim__timer_init(&fake.timer, fake_fire);
  struct bsim__transport t = {&fake_ops, &fake};
  bsim__lock(mgr);
  assert_int_equal(bsim__manager_add_transport(mgr, &t), BSIM_S_OK);
  bsim__unlock(mgr);
  /* The model serves model.test and is tried first. */
  fx_host(mgr, "model.test", 0, 0);
  fx_file(mgr, "http://model.test/f", 10);
  return mgr;
}

static void test_sim_transports_order(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *m = fx_job(mgr, "alice", "http://model.test/f", "/v/m");
  bsim_job *f = fx_job(mgr, "alice", "http://other.test/f", "/v/f");
  assert_int_equal(bsim_job_resume(m), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(f), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(fx_state(m), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(fx_state(f), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(fake.starts, 1); /* only the unmodelled URL */
  assert_true(fx_file_progress(f, 0).bytes_total == 100);
  bsim_job_unref(m);
  bsim_job_unref(f);
  fx_free(mgr);
}

/* §4.2: a transport that cannot start makes a transient error. */
static void test_sim_transports_start_failure(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  fake.fail_next_start = 1;
  bsim_job *f = fx_job(mgr, "alice", "http://other.test/f", "/v/f");
  assert_int_equal(bsim_job_resume(f), BSIM_S_OK);
  fx_run_to(mgr, f, BSIM_JOB_STATE_TRANSIENT_ERROR, DAY_MS);
  struct bsim_job_error e = fx_error(f);
  assert_int_equal(e.code, BSIM_E_CONNECT_FAILURE);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT);
  fx_run_to(mgr, f, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  assert_true(bsim_manager_now_ms(mgr) == 601000); /* retry + 1 s */
  assert_int_equal(fake.starts, 2);
  bsim_job_unref(f);
  fx_free(mgr);
}

/* Suspend stops the transfer; the job keeps what stop() reported, and the
 * next start resumes from it. */
static void test_sim_transports_stop_keeps_offset(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *f = fx_job(mgr, "alice", "http://other.test/f", "/v/f");
  assert_int_equal(bsim_job_resume(f), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 500), BSIM_S_OK);
  assert_int_equal(bsim_job_suspend(f), BSIM_S_OK);
  assert_int_equal(fake.stops, 1);
  assert_true(fx_file_progress(f, 0).bytes_transferred == 42);
  assert_int_equal(bsim_job_resume(f), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1), BSIM_S_OK);
  assert_non_null(fake.xfer);
  assert_true(fake.xfer->offset == 42);
  fx_run_to(mgr, f, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  bsim_job_unref(f);
  fx_free(mgr);
}

/* §4.3, §9: an upload job completes only from TRANSFERRED. */
static void test_sim_transports_upload_complete(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  bsim_job *up = NULL;
  assert_int_equal(
      bsim_job_create(mgr, "alice", "up", BSIM_JOB_TYPE_UPLOAD, NULL, &up),
      BSIM_S_OK);
  assert_int_equal(bsim_job_add_file(up, "http://upload.test/in", "/v/src"),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(up), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 10), BSIM_S_OK);
  assert_int_equal(fx_state(up), BSIM_JOB_STATE_CONNECTING);
  assert_int_equal(bsim_job_complete(up), BSIM_E_INVALID_STATE);
  fx_run_to(mgr, up, BSIM_JOB_STATE_TRANSFERRED, DAY_MS);
  /* §2.12: an upload's file counts as completed once uploaded. */
  assert_int_equal(fx_file_progress(up, 0).completed, 1);
  assert_int_equal(bsim_job_complete(up), BSIM_S_OK);
  assert_int_equal(fx_state(up), BSIM_JOB_STATE_ACKNOWLEDGED);
  bsim_job_unref(up);
  fx_free(mgr);
}

static void test_sim_transports_bad_registration(void **state) {
  (void)state;
  bsim_manager *mgr = world();
  struct bsim__transport_ops partial = fake_ops;
  partial.stop = NULL;
  struct bsim__transport bad = {&partial, &fake};
  struct bsim__transport none = {NULL, &fake};
  struct bsim__transport good = {&fake_ops, &fake};
  bsim__lock(mgr);
  assert_int_equal(bsim__manager_add_transport(mgr, NULL), BSIM_E_INVALIDARG);
  assert_int_equal(bsim__manager_add_transport(mgr, &none), BSIM_E_INVALIDARG);
  assert_int_equal(bsim__manager_add_transport(mgr, &bad), BSIM_E_INVALIDARG);
  /* Model + fake are two of four; two more fit, the fifth does not. */
  assert_int_equal(bsim__manager_add_transport(mgr, &good), BSIM_S_OK);
  assert_int_equal(bsim__manager_add_transport(mgr, &good), BSIM_S_OK);
  assert_int_equal(bsim__manager_add_transport(mgr, &good), BSIM_E_OUTOFMEMORY);
  bsim__unlock(mgr);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sim_transports_order),
      cmocka_unit_test(test_sim_transports_start_failure),
      cmocka_unit_test(test_sim_transports_stop_keeps_offset),
      cmocka_unit_test(test_sim_transports_upload_complete),
      cmocka_unit_test(test_sim_transports_bad_registration),
  };
  return cmocka_run_group_tests_name("sim_transports", tests, NULL, NULL);
}
