/* Notifications delivered INLINE on the virtual clock, against the real
 * engine and the model transport (reference §6, §2.6, §1.5):
 * - which callback fires when: JobTransferred once every file is done,
 *   JobError on entry to ERROR and never for TRANSIENT_ERROR, no
 *   JobModification for entry into ERROR or TRANSFERRED, FileTransferred in
 *   file order and all before JobTransferred;
 * - notify flags honoured exactly, DISABLE included;
 * - at least once: a registration made after the event still gets it;
 * - retry until S_OK after renotify_interval_ms, with the failure counter
 *   and the trace; FileTransferred retried only for negative results;
 * - the finalizer runs exactly once; the borrowed job stays valid through
 *   the callback even when the application drops its own reference;
 * - Complete and Cancel from inside a callback; events caused inside a
 *   callback are queued behind it, never nested;
 * - command lines (recording mode): fallback when the callback fails or is
 *   missing, argv verbatim, retry after MinimumRetryDelay when both fail,
 *   stripped by TakeOwnership. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"
#include "util/alloc.h"

#define HOST "example.test"
#define URL(name) "http://" HOST "/" name
#define MAX_LOG 256

enum ev_kind { EV_TRANSFERRED, EV_ERROR, EV_MODIFICATION, EV_FILE };

struct ev {
  enum ev_kind kind;
  bsim_job *job;
  uint32_t file;
  uint64_t t_ms;
  enum bsim_job_state state; /* the job's state during the call */
  bsim_hr error_code;        /* EV_ERROR */
  int depth;                 /* callbacks running when this one started */
};

struct fx {
  bsim_manager *mgr;
  struct ev log[MAX_LOG];
  size_t count;
  int depth;
  /* What the callbacks return: the i-th call of a kind returns
   * script[kind][i] (0 = S_OK), calls past the script S_OK. */
  bsim_hr script[4][8];
  uint32_t calls[4];
  /* JobTransferred: set this description on another job (an API call
   * inside a callback whose notification must queue behind it). */
  bsim_job *touch_in_transferred;
  /* Replace the registration from inside JobTransferred. */
  int clear_in_transferred;
  int finalized_seen_inside;
  int complete_in_transferred;
  int cancel_in_error;
  int finalized;
  bsim_job *drop_ref; /* released from inside JobTransferred */
  char trace[8192];
  size_t trace_len;
};

static void trace_sink(const char *line, size_t len, void *user) {
  struct fx *fx = user;
  if (strstr(line, "\"ev\":\"notify\"") == NULL &&
      strstr(line, "\"ev\":\"cmdline\"") == NULL)
    return;
  if (fx->trace_len + len + 2 >= sizeof(fx->trace)) return;
  memcpy(fx->trace + fx->trace_len, line, len);
  fx->trace_len += len;
  fx->trace[fx->trace_len++] = '\n';
  fx->trace[fx->trace_len] = '\0';
}

static bsim_hr record(struct fx *fx, enum ev_kind kind, bsim_job *job,
                      uint32_t file, bsim_hr code) {
  assert_true(fx->count < MAX_LOG);
  struct ev *e = &fx->log[fx->count++];
  e->kind = kind;
  e->job = job;
  e->file = file;
  e->t_ms = bsim_manager_now_ms(fx->mgr);
  assert_int_equal(bsim_job_get_state(job, &e->state), BSIM_S_OK);
  e->error_code = code;
  e->depth = fx->depth;
  uint32_t n = fx->calls[kind]++;
  return n < 8 ? fx->script[kind][n] : BSIM_S_OK;
}

static bsim_hr on_transferred(bsim_job *job, void *user) {
  struct fx *fx = user;
  fx->depth++;
  bsim_hr hr = record(fx, EV_TRANSFERRED, job, 0, 0);
  if (hr == BSIM_S_OK && fx->complete_in_transferred)
    assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  if (fx->drop_ref != NULL) {
    bsim_job_unref(fx->drop_ref); /* the application's last reference */
    fx->drop_ref = NULL;
    enum bsim_job_state st;
    assert_int_equal(bsim_job_get_state(job, &st), BSIM_S_OK); /* borrowed */
  }
  if (fx->touch_in_transferred != NULL)
    assert_int_equal(
        bsim_job_set_description(fx->touch_in_transferred, "touched"),
        BSIM_S_OK);
  if (fx->clear_in_transferred) {
    assert_int_equal(bsim_job_set_notify(job, NULL, NULL), BSIM_S_OK);
    /* This callback is still running: its finalizer must wait. */
    fx->finalized_seen_inside = fx->finalized;
  }
  fx->depth--;
  return hr;
}

static bsim_hr on_error(bsim_job *job, const struct bsim_job_error *err,
                        void *user) {
  struct fx *fx = user;
  fx->depth++;
  bsim_hr hr = record(fx, EV_ERROR, job, 0, err->code);
  if (hr == BSIM_S_OK && fx->cancel_in_error)
    assert_true(BSIM_SUCCEEDED(bsim_job_cancel(job)));
  fx->depth--;
  return hr;
}

static bsim_hr on_modification(bsim_job *job, void *user) {
  struct fx *fx = user;
  return record(fx, EV_MODIFICATION, job, 0, 0);
}

static bsim_hr on_file(bsim_job *job, uint32_t index, void *user) {
  struct fx *fx = user;
  return record(fx, EV_FILE, job, index, 0);
}

static void on_finalize(void *user) {
  struct fx *fx = user;
  fx->finalized++;
}

static const struct bsim_notify_ops all_ops = {
    .job_transferred = on_transferred,
    .job_error = on_error,
    .job_modification = on_modification,
    .file_transferred = on_file,
    .finalize = on_finalize,
};

static struct fx *fx_new(uint32_t renotify_ms) {
  static struct fx fx;
  memset(&fx, 0, sizeof(fx));
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.seed = bsim_test_seed();
  o.fs_mode = BSIM_FS_VIRTUAL;
  o.notify_cmdline_record = 1;
  if (renotify_ms != 0) o.renotify_interval_ms = renotify_ms;
  assert_int_equal(bsim_manager_new(&o, &fx.mgr), BSIM_S_OK);
  /* Harmless if bsim_manager_new already applied the options. */
  assert_int_equal(bsim__notify_configure(bsim__mgr_notify(fx.mgr), &o),
                   BSIM_S_OK);
  assert_int_equal(bsim_trace_set_sink(fx.mgr, trace_sink, &fx), BSIM_S_OK);
  assert_int_equal(bsim_user_add(fx.mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(fx.mgr, "root", 1), BSIM_S_OK);
  struct bsim_model_host_options h;
  bsim_model_host_options_init(&h);
  h.bandwidth_bytes_per_s = 1000000; /* 1 MB/s: a 4 MB file takes 4 s */
  h.latency_ms = 100;
  assert_int_equal(bsim_model_host_add(fx.mgr, HOST, &h), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(fx.mgr, URL("a"), 4000000), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(fx.mgr, URL("b"), 1000), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(fx.mgr, URL("c"), 2000), BSIM_S_OK);
  return &fx;
}

static void fx_free(struct fx *fx) {
  assert_int_equal(bsim_manager_free(fx->mgr), BSIM_S_OK);
}

static bsim_job *job_new(struct fx *fx, const char *const *urls) {
  bsim_job *job = NULL;
  assert_int_equal(bsim_job_create(fx->mgr, "alice", "j",
                                   BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
                   BSIM_S_OK);
  for (size_t i = 0; urls[i] != NULL; i++) {
    char local[64];
    int len = snprintf(local, sizeof(local), "/v/f%zu", i);
    assert_true(len > 0);
    assert_int_equal(bsim_job_add_file(job, urls[i], local), BSIM_S_OK);
  }
  return job;
}

static void run_idle(struct fx *fx) {
  assert_int_equal(bsim_manager_run_until_idle(fx->mgr, 0), BSIM_S_OK);
}

static size_t count_kind(const struct fx *fx, enum ev_kind kind) {
  size_t n = 0;
  for (size_t i = 0; i < fx->count; i++)
    n += fx->log[i].kind == kind;
  return n;
}

static enum bsim_job_state state_of(bsim_job *job) {
  enum bsim_job_state st;
  assert_int_equal(bsim_job_get_state(job, &st), BSIM_S_OK);
  return st;
}

/* ---- which callback fires when (§6 table) ------------------------------ */

static void test_transferred_once_then_complete(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("a"), NULL};
  bsim_job *job = job_new(fx, urls);
  fx->complete_in_transferred = 1;
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(fx->count, 0); /* never from inside the API call */
  run_idle(fx);
  /* Default flags 0x3: no modification or file callbacks. */
  assert_int_equal(fx->count, 1);
  assert_int_equal(fx->log[0].kind, EV_TRANSFERRED);
  assert_int_equal(fx->log[0].state, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_ACKNOWLEDGED);
  uint32_t failures = 99;
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 0);
  bsim_job_unref(job);
  fx_free(fx);
  assert_int_equal(fx->finalized, 1);
}

static void test_error_never_for_transient(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  /* Two 503s (transient, retried after MinimumRetryDelay), then success. */
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL("b"));
  f.http_status = 503;
  f.count = 2;
  assert_int_equal(bsim_fault_add(fx->mgr, &f), BSIM_S_OK);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(job, 0x3), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  uint32_t errors = 0;
  assert_int_equal(bsim_job_get_error_count(job, &errors), BSIM_S_OK);
  assert_int_equal(errors, 2); /* it really went through TRANSIENT_ERROR */
  assert_int_equal(count_kind(fx, EV_ERROR), 0);
  assert_int_equal(count_kind(fx, EV_TRANSFERRED), 1);
  bsim_job_unref(job);
  fx_free(fx);
}

static void test_error_on_entry_to_error(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL("b"));
  f.http_status = 404; /* fatal */
  assert_int_equal(bsim_fault_add(fx->mgr, &f), BSIM_S_OK);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  fx->cancel_in_error = 1;
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(fx->count, 1);
  assert_int_equal(fx->log[0].kind, EV_ERROR);
  assert_int_equal(fx->log[0].state, BSIM_JOB_STATE_ERROR);
  assert_int_equal(fx->log[0].error_code, bsim_hr_from_http(404));
  assert_int_equal(state_of(job), BSIM_JOB_STATE_CANCELLED);
  bsim_job_unref(job);
  fx_free(fx);
}

/* ---- flags (§2.6) ------------------------------------------------------ */

static void test_flags_disable_and_selection(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *quiet = job_new(fx, urls);
  bsim_job *no_tr = job_new(fx, urls);
  assert_int_equal(bsim_job_set_notify(quiet, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify(no_tr, &all_ops, fx), BSIM_S_OK);
  /* DISABLE silences everything, whatever else is set. */
  assert_int_equal(bsim_job_set_notify_flags(quiet, BSIM_NOTIFY_ALL_FLAGS),
                   BSIM_S_OK);
  /* Without 0x1 there is no JobTransferred; 0x10 alone gives files. */
  assert_int_equal(
      bsim_job_set_notify_flags(no_tr, BSIM_NOTIFY_FILE_TRANSFERRED),
      BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(no_tr, 0x40), BSIM_E_NOTIMPL);
  assert_int_equal(bsim_job_resume(quiet), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(no_tr), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(state_of(quiet), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(state_of(no_tr), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(fx->count, 1);
  assert_int_equal(fx->log[0].kind, EV_FILE);
  assert_ptr_equal(fx->log[0].job, no_tr);
  /* Turning 0x1 on while the job is still TRANSFERRED delivers the owed
   * event (at least once); DISABLE cleared likewise. */
  assert_int_equal(bsim_job_set_notify_flags(no_tr, 0x1), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(quiet, 0x1), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(count_kind(fx, EV_TRANSFERRED), 2);
  bsim_job_unref(quiet);
  bsim_job_unref(no_tr);
  fx_free(fx);
}

/* ---- JobModification (§6: not for entry into ERROR/TRANSFERRED) -------- */

static void test_modification_not_on_error_entry(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL("b"));
  f.http_status = 404;
  assert_int_equal(bsim_fault_add(fx->mgr, &f), BSIM_S_OK);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(job, BSIM_NOTIFY_JOB_MODIFICATION),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  /* The host answers after 100 ms: at 50 ms the job is CONNECTING and the
   * modifications so far (flags, QUEUED, CONNECTING) are delivered. */
  assert_int_equal(bsim_manager_run_until(fx->mgr, 50), BSIM_S_OK);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_CONNECTING);
  size_t before = count_kind(fx, EV_MODIFICATION);
  assert_true(before >= 1);
  run_idle(fx);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_ERROR);
  assert_int_equal(count_kind(fx, EV_MODIFICATION), before);
  /* Leaving ERROR is a state change like any other. */
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(count_kind(fx, EV_MODIFICATION), before + 1);
  bsim_job_unref(job);
  fx_free(fx);
}

/* Hook level: the engine's one setter reports every transition through
 * bsim__notify_state; entry into TRANSFERRED or ERROR must not queue a
 * modification even with nothing else pending. */
static void test_modification_not_on_transferred_entry_hook(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(job, BSIM_NOTIFY_JOB_MODIFICATION),
                   BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(fx->count, 1); /* the flags change itself */
  bsim__lock(fx->mgr);
  bsim__notify_state(job, BSIM_JOB_STATE_TRANSFERRING,
                     BSIM_JOB_STATE_TRANSFERRED);
  bsim__notify_state(job, BSIM_JOB_STATE_TRANSFERRED, BSIM_JOB_STATE_ERROR);
  int runnable = bsim__notify_runnable(fx->mgr);
  bsim__unlock(fx->mgr);
  assert_false(runnable);
  run_idle(fx);
  assert_int_equal(fx->count, 1);
  bsim__lock(fx->mgr);
  bsim__notify_state(job, BSIM_JOB_STATE_ERROR, BSIM_JOB_STATE_SUSPENDED);
  bsim__unlock(fx->mgr);
  run_idle(fx);
  assert_int_equal(fx->count, 2);
  bsim_job_unref(job);
  fx_free(fx);
}

static void test_modifications_merge_per_job(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(job, BSIM_NOTIFY_JOB_MODIFICATION),
                   BSIM_S_OK);
  for (int i = 0; i < 5; i++)
    assert_int_equal(bsim_job_set_description(job, "x"), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(fx->count, 1); /* six changes, one pending, one call */
  /* A 4 MB download at 1 MB/s moves bytes many times: merged, but every
   * change before a call is covered by it, and the last one after the
   * final progress step is not lost. */
  const char *big[] = {URL("a"), NULL};
  bsim_job *job2 = job_new(fx, big);
  assert_int_equal(bsim_job_set_notify(job2, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(
      bsim_job_set_notify_flags(job2, BSIM_NOTIFY_JOB_MODIFICATION | 0x1),
      BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job2), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(count_kind(fx, EV_TRANSFERRED), 1);
  assert_true(count_kind(fx, EV_MODIFICATION) >= 3);
  bsim_job_unref(job);
  bsim_job_unref(job2);
  fx_free(fx);
}

/* ---- FileTransferred (§6: serialized, all before JobTransferred) ------- */

static void test_file_transferred_order(void **state) {
  (void)state;
  struct fx *fx = fx_new(5000);
  const char *urls[] = {URL("a"), URL("b"), URL("c"), NULL};
  bsim_job *job = job_new(fx, urls);
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(job, BSIM_NOTIFY_FILE_TRANSFERRED |
                                                      BSIM_NOTIFY_DEFAULT),
                   BSIM_S_OK);
  /* File 1 fails once with a negative result: retried after the
   * re-notify interval, holding file 2 and JobTransferred back. */
  fx->script[EV_FILE][1] = BSIM_E_FAIL;
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(fx->count, 5);
  uint32_t want_file[4] = {0, 1, 1, 2};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(fx->log[i].kind, EV_FILE);
    assert_int_equal(fx->log[i].file, want_file[i]);
  }
  assert_int_equal(fx->log[4].kind, EV_TRANSFERRED);
  assert_true(fx->log[2].t_ms >= fx->log[1].t_ms + 5000);
  assert_true(fx->log[3].t_ms >= fx->log[2].t_ms);
  uint32_t failures = 0;
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 1);
  bsim_job_unref(job);
  fx_free(fx);
}

static void test_file_transferred_positive_not_retried(void **state) {
  (void)state;
  struct fx *fx = fx_new(5000);
  const char *urls[] = {URL("b"), URL("c"), NULL};
  bsim_job *job = job_new(fx, urls);
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(job, BSIM_NOTIFY_FILE_TRANSFERRED |
                                                      BSIM_NOTIFY_DEFAULT),
                   BSIM_S_OK);
  fx->script[EV_FILE][0] = BSIM_S_FALSE;
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(count_kind(fx, EV_FILE), 2);
  assert_int_equal(fx->log[0].file, 0);
  assert_int_equal(fx->log[1].file, 1);
  assert_int_equal(fx->log[2].kind, EV_TRANSFERRED);
  uint32_t failures = 0;
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 1); /* counted, not retried */
  bsim_job_unref(job);
  fx_free(fx);
}

/* ---- at least once (§6) ------------------------------------------------ */

static void test_late_registration_gets_event(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), URL("c"), NULL};
  bsim_job *job = job_new(fx, urls);
  assert_int_equal(bsim_job_set_notify_flags(job, BSIM_NOTIFY_FILE_TRANSFERRED |
                                                      BSIM_NOTIFY_DEFAULT),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(bsim_manager_advance(fx->mgr, 3600000), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(fx->count, 0); /* not from inside the call */
  run_idle(fx);
  assert_int_equal(fx->count, 3);
  assert_int_equal(fx->log[0].kind, EV_FILE);
  assert_int_equal(fx->log[1].kind, EV_FILE);
  assert_int_equal(fx->log[2].kind, EV_TRANSFERRED);
  /* Acknowledged by S_OK: not delivered again, not even to a new
   * registration. */
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(fx->count, 3);
  bsim_job_unref(job);
  fx_free(fx);
}

/* ---- retry until S_OK (§6) -------------------------------------------- */

static void test_retry_until_s_ok(void **state) {
  (void)state;
  struct fx *fx = fx_new(0); /* default re-notify interval: 60 s */
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  fx->script[EV_TRANSFERRED][0] = BSIM_E_FAIL;
  fx->script[EV_TRANSFERRED][1] = bsim_hr_from_win32(5);
  fx->script[EV_TRANSFERRED][2] = BSIM_S_FALSE; /* not S_OK either */
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(fx->count, 4);
  for (size_t i = 1; i < 4; i++) {
    assert_int_equal(fx->log[i].kind, EV_TRANSFERRED);
    assert_int_equal(fx->log[i].t_ms, fx->log[i - 1].t_ms + 60000);
  }
  uint32_t failures = 0;
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 3);
  assert_non_null(strstr(fx->trace, "\"method\":\"JobTransferred\","
                                    "\"result\":\"S_FALSE\""));
  assert_non_null(strstr(fx->trace, "\"count\":3"));
  /* Acknowledged: nothing more, however long we wait. */
  assert_int_equal(bsim_manager_advance(fx->mgr, 3600000), BSIM_S_OK);
  assert_int_equal(fx->count, 4);
  bsim_job_unref(job);
  fx_free(fx);
}

static void test_retry_stops_when_job_leaves_state(void **state) {
  (void)state;
  struct fx *fx = fx_new(1000);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL("b"));
  f.http_status = 404;
  assert_int_equal(bsim_fault_add(fx->mgr, &f), BSIM_S_OK);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  for (int i = 0; i < 8; i++)
    fx->script[EV_ERROR][i] = BSIM_E_FAIL;
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(fx->mgr, 2500), BSIM_S_OK);
  assert_int_equal(count_kind(fx, EV_ERROR), 3);      /* 100, 1100, 2100 ms */
  assert_int_equal(bsim_job_suspend(job), BSIM_S_OK); /* leaves ERROR */
  assert_int_equal(bsim_manager_advance(fx->mgr, 60000), BSIM_S_OK);
  assert_int_equal(count_kind(fx, EV_ERROR), 3);
  bsim_job_unref(job);
  fx_free(fx);
}

/* ---- registration life (finalizer, borrowed job) ----------------------- */

static int finalize_a, finalize_b;
static void fin_a(void *user) {
  (void)user;
  finalize_a++;
}
static void fin_b(void *user) {
  (void)user;
  finalize_b++;
}

static void test_finalizer_runs_once(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  finalize_a = finalize_b = 0;
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  struct bsim_notify_ops a = {.finalize = fin_a};
  struct bsim_notify_ops b = {.finalize = fin_b};
  assert_int_equal(bsim_job_set_notify(job, &a, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify(job, &b, fx), BSIM_S_OK);
  assert_int_equal(finalize_a, 1); /* replaced */
  void *user = NULL;
  struct bsim_notify_ops got;
  assert_int_equal(bsim_job_get_notify(job, &got, &user), BSIM_S_OK);
  assert_ptr_equal(got.finalize, fin_b);
  assert_ptr_equal(user, fx);
  assert_int_equal(bsim_job_set_notify(job, NULL, NULL), BSIM_S_OK);
  assert_int_equal(finalize_b, 1); /* cleared */
  assert_int_equal(bsim_job_get_notify(job, &got, &user), BSIM_S_FALSE);
  assert_null(user);
  /* Registered on a job that is then cancelled and released: freed
   * jobs finalize at the next engine step, once. */
  assert_int_equal(bsim_job_set_notify(job, &a, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  /* Final state: refused, and the refused table is not finalized. */
  assert_int_equal(bsim_job_set_notify(job, &b, fx), BSIM_E_INVALID_STATE);
  bsim_job_unref(job);
  run_idle(fx);
  assert_int_equal(finalize_a, 2);
  fx_free(fx);
  assert_int_equal(finalize_a, 2);
  assert_int_equal(finalize_b, 1);
}

static void test_finalizer_waits_for_callback(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  fx->clear_in_transferred = 1;
  fx->finalized_seen_inside = -1;
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(fx->finalized_seen_inside, 0);
  assert_int_equal(fx->finalized, 1);
  bsim_job_unref(job);
  fx_free(fx);
  assert_int_equal(fx->finalized, 1);
}

static void test_borrowed_job_outlives_last_reference(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  fx->complete_in_transferred = 1;
  fx->drop_ref = job; /* the callback releases the test's only reference */
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(count_kind(fx, EV_TRANSFERRED), 1);
  assert_null(fx->drop_ref);
  /* The job is gone now (ASan would flag a use after free or a leak);
   * its registration was finalized exactly once. */
  assert_int_equal(fx->finalized, 1);
  fx_free(fx);
  assert_int_equal(fx->finalized, 1);
}

/* ---- never nested (design.md "Thread safety") -------------------------- */

static void test_events_from_callbacks_queue_behind(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  bsim_job *other = job_new(fx, urls);
  fx->touch_in_transferred = other;
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify(other, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_flags(other, 0x8), BSIM_S_OK);
  run_idle(fx);
  size_t mods = count_kind(fx, EV_MODIFICATION);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(count_kind(fx, EV_MODIFICATION), mods + 1);
  struct ev *last = &fx->log[fx->count - 1];
  assert_int_equal(last->kind, EV_MODIFICATION);
  assert_int_equal(last->depth, 0); /* after JobTransferred returned */
  bsim_job_unref(job);
  bsim_job_unref(other);
  fx_free(fx);
}

/* ---- command lines (§1.5, §6), recording mode ------------------------- */

static void test_cmdline_runs_when_no_callback(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  const char *argv[] = {"/usr/bin/on-done", "two words", "\"quoted\" 'q'", "",
                        NULL};
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/usr/bin/on-done", argv),
                   BSIM_S_OK);
  /* Modification events never run the command line. */
  assert_int_equal(bsim_job_set_notify_flags(job, 0x8 | 0x3), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_get_cmdline_runs(fx->mgr, &runs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 1);
  assert_int_equal(runs[0].event, BSIM_JOB_STATE_TRANSFERRED);
  assert_string_equal(runs[0].program, "/usr/bin/on-done");
  for (size_t i = 0; argv[i] != NULL; i++)
    assert_string_equal(runs[0].argv[i], argv[i]);
  assert_null(runs[0].argv[4]);
  assert_int_equal(runs[0].exit_status, 0);
  bsim_guid id;
  assert_int_equal(bsim_job_get_id(job, &id), BSIM_S_OK);
  assert_memory_equal(&runs[0].job_id, &id, sizeof(id));
  bsim_cmdline_runs_free(runs, n);
  assert_non_null(strstr(fx->trace, "\"argv01\":\"two words\""));
  bsim_job_unref(job);
  fx_free(fx);
}

static void test_cmdline_replaces_failed_callback(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  for (int i = 0; i < 8; i++)
    fx->script[EV_TRANSFERRED][i] = BSIM_E_FAIL;
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/x", NULL), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(bsim_manager_advance(fx->mgr, 3600000), BSIM_S_OK);
  /* The method failed once; the command line ran at once, exited 0, and
   * the method was not called again. */
  assert_int_equal(count_kind(fx, EV_TRANSFERRED), 1);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_get_cmdline_runs(fx->mgr, &runs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 1);
  assert_int_equal(runs[0].t_ms, fx->log[0].t_ms);
  assert_string_equal(runs[0].argv[0], "/bin/x");
  assert_null(runs[0].argv[1]);
  bsim_cmdline_runs_free(runs, n);
  bsim_job_unref(job);
  fx_free(fx);
}

static void test_cmdline_retry_after_min_retry_delay(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL("b"));
  f.http_status = 404;
  assert_int_equal(bsim_fault_add(fx->mgr, &f), BSIM_S_OK);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  fx->script[EV_ERROR][0] = BSIM_E_FAIL;
  assert_int_equal(bsim_job_set_notify(job, &all_ops, fx), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/x", NULL), BSIM_S_OK);
  assert_int_equal(bsim_job_set_minimum_retry_delay(job, 30), BSIM_S_OK);
  assert_int_equal(bsim_manager_set_cmdline_record_exit(fx->mgr, 1), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  assert_int_equal(bsim_manager_run_until(fx->mgr, 70000), BSIM_S_OK);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_get_cmdline_runs(fx->mgr, &runs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 3); /* at t, t + 30 s, t + 60 s */
  assert_int_equal(runs[0].event, BSIM_JOB_STATE_ERROR);
  assert_int_equal(runs[1].t_ms, runs[0].t_ms + 30000);
  assert_int_equal(runs[2].t_ms, runs[0].t_ms + 60000);
  assert_int_equal(runs[2].exit_status, 1);
  bsim_cmdline_runs_free(runs, n);
  assert_int_equal(count_kind(fx, EV_ERROR), 1); /* never again */
  uint32_t failures = 0;
  assert_int_equal(bsim_job_get_notify_failures(job, &failures), BSIM_S_OK);
  assert_int_equal(failures, 4); /* the method once, the command 3 times */
  /* The program starts succeeding: one more run, then quiet. */
  assert_int_equal(bsim_manager_set_cmdline_record_exit(fx->mgr, 0), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(fx->mgr, 600000), BSIM_S_OK);
  assert_int_equal(bsim_manager_get_cmdline_runs(fx->mgr, &runs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 4);
  bsim_cmdline_runs_free(runs, n);
  bsim_job_unref(job);
  fx_free(fx);
}

static void test_cmdline_set_after_event_and_cleared(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  bsim_job *moved = job_new(fx, urls);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  run_idle(fx);
  assert_int_equal(state_of(job), BSIM_JOB_STATE_TRANSFERRED);
  /* Runs even if registered after the event (§6). */
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/late", NULL),
                   BSIM_S_OK);
  /* TakeOwnership strips it (§6, §12). */
  assert_int_equal(bsim_job_set_notify_cmdline(moved, "/bin/moved", NULL),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_take_ownership(moved, "root"), BSIM_S_OK);
  char *program = (char *)1;
  char **argv = (char **)1;
  assert_int_equal(bsim_job_get_notify_cmdline(moved, &program, &argv),
                   BSIM_S_OK);
  assert_null(program);
  assert_null(argv);
  assert_int_equal(bsim_job_resume(moved), BSIM_S_OK);
  run_idle(fx);
  struct bsim_cmdline_run *runs = NULL;
  size_t n = 0;
  assert_int_equal(bsim_manager_get_cmdline_runs(fx->mgr, &runs, &n),
                   BSIM_S_OK);
  assert_int_equal(n, 1);
  assert_string_equal(runs[0].program, "/bin/late");
  bsim_cmdline_runs_free(runs, n);
  bsim_job_unref(job);
  bsim_job_unref(moved);
  fx_free(fx);
}

static void test_cmdline_bad_input_changes_nothing(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  const char *argv[] = {"/bin/a", "x", NULL};
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/a", argv), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_cmdline(job, "bin/a", NULL),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_set_notify_cmdline(job, NULL, argv),
                   BSIM_E_INVALIDARG);
  assert_int_equal(bsim_job_set_notify_cmdline(NULL, "/bin/a", NULL),
                   BSIM_E_INVALIDARG);
  char *program = NULL;
  char **got = NULL;
  assert_int_equal(bsim_job_get_notify_cmdline(job, &program, &got), BSIM_S_OK);
  assert_string_equal(program, "/bin/a");
  assert_string_equal(got[1], "x");
  bsim_free(program);
  bsim_strv_free(got);
  assert_int_equal(bsim_job_set_notify_cmdline(job, NULL, NULL), BSIM_S_OK);
  assert_int_equal(bsim_job_get_notify_cmdline(job, &program, &got), BSIM_S_OK);
  assert_null(program);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/a", NULL),
                   BSIM_E_INVALID_STATE);
  bsim_job_unref(job);
  fx_free(fx);
}

/* ---- out of memory: E_OUTOFMEMORY, nothing changed, nothing leaked ---- */

static void test_out_of_memory_changes_nothing(void **state) {
  (void)state;
  struct fx *fx = fx_new(0);
  finalize_a = finalize_b = 0;
  const char *urls[] = {URL("b"), NULL};
  bsim_job *job = job_new(fx, urls);
  struct bsim_notify_ops a = {.finalize = fin_a};
  struct bsim_notify_ops b = {.finalize = fin_b};
  assert_int_equal(bsim_job_set_notify(job, &a, fx), BSIM_S_OK);
  const char *argv[] = {"/bin/a", "x y", NULL};
  assert_int_equal(bsim_job_set_notify_cmdline(job, "/bin/a", argv), BSIM_S_OK);
  /* Fail the 1st, 2nd, ... allocation until the call succeeds. */
  int failed = 0;
  for (uint64_t nth = 1;; nth++) {
    const char *argv2[] = {"/bin/b", "z", NULL};
    bsim__alloc_fail_after(nth);
    bsim_hr hr = bsim_job_set_notify_cmdline(job, "/bin/b", argv2);
    bsim__alloc_fail_reset();
    if (hr == BSIM_S_OK) break;
    assert_int_equal(hr, BSIM_E_OUTOFMEMORY);
    failed++;
    char *program = NULL;
    assert_int_equal(bsim_job_get_notify_cmdline(job, &program, NULL),
                     BSIM_S_OK);
    assert_string_equal(program, "/bin/a"); /* unchanged */
    bsim_free(program);
  }
  assert_true(failed >= 3); /* program, argv array, each string */
  failed = 0;
  for (uint64_t nth = 1;; nth++) {
    bsim__alloc_fail_after(nth);
    bsim_hr hr = bsim_job_set_notify(job, &b, fx);
    bsim__alloc_fail_reset();
    if (hr == BSIM_S_OK) break;
    assert_int_equal(hr, BSIM_E_OUTOFMEMORY);
    failed++;
    struct bsim_notify_ops got;
    assert_int_equal(bsim_job_get_notify(job, &got, NULL), BSIM_S_OK);
    assert_ptr_equal(got.finalize, fin_a); /* still the old one */
    assert_int_equal(finalize_a, 0);
  }
  assert_true(failed >= 1);
  assert_int_equal(finalize_a, 1); /* replaced once it worked */
  bsim_job_unref(job);
  fx_free(fx);
  assert_int_equal(finalize_a, 1);
  assert_int_equal(finalize_b, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_transferred_once_then_complete),
      cmocka_unit_test(test_error_never_for_transient),
      cmocka_unit_test(test_error_on_entry_to_error),
      cmocka_unit_test(test_flags_disable_and_selection),
      cmocka_unit_test(test_modification_not_on_error_entry),
      cmocka_unit_test(test_modification_not_on_transferred_entry_hook),
      cmocka_unit_test(test_modifications_merge_per_job),
      cmocka_unit_test(test_file_transferred_order),
      cmocka_unit_test(test_file_transferred_positive_not_retried),
      cmocka_unit_test(test_late_registration_gets_event),
      cmocka_unit_test(test_retry_until_s_ok),
      cmocka_unit_test(test_retry_stops_when_job_leaves_state),
      cmocka_unit_test(test_finalizer_runs_once),
      cmocka_unit_test(test_finalizer_waits_for_callback),
      cmocka_unit_test(test_borrowed_job_outlives_last_reference),
      cmocka_unit_test(test_events_from_callbacks_queue_behind),
      cmocka_unit_test(test_cmdline_runs_when_no_callback),
      cmocka_unit_test(test_cmdline_replaces_failed_callback),
      cmocka_unit_test(test_cmdline_retry_after_min_retry_delay),
      cmocka_unit_test(test_cmdline_set_after_event_and_cleared),
      cmocka_unit_test(test_cmdline_bad_input_changes_nothing),
      cmocka_unit_test(test_out_of_memory_changes_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
