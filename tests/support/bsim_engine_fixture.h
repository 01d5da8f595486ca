/* Helpers for the engine's tests (tests/unit/test_job_api.c,
 * tests/sim/test_sim_*.c): a manager on the virtual clock seeded from
 * BSIM_SEED, modelled hosts and files, jobs in a given state.
 *
 * Header-only (static inline) so that each test binary takes what it uses.
 * Include after <cmocka.h> and "bitsim.h". */
#ifndef BSIM_ENGINE_FIXTURE_H
#define BSIM_ENGINE_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "bitsim.h"
#include "bsim_test.h"

static inline void fx_options(struct bsim_manager_options *o,
                              enum bsim_clock_mode mode, enum bsim_fs_mode fs) {
  bsim_manager_options_init(o);
  o->real_transport = 0; /* simulations never touch a real network */
  o->clock_mode = mode;
  o->fs_mode = fs;
  o->seed = bsim_test_seed();
}

static inline bsim_manager *
fx_manager_opts(const struct bsim_manager_options *o) {
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(o, &mgr), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "bob", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(mgr, "admin", 1), BSIM_S_OK);
  return mgr;
}

/* A manager with users alice, bob (standard) and admin (administrator). */
static inline bsim_manager *fx_manager(enum bsim_clock_mode mode,
                                       enum bsim_fs_mode fs) {
  struct bsim_manager_options o;
  fx_options(&o, mode, fs);
  return fx_manager_opts(&o);
}

static inline void fx_free(bsim_manager *mgr) {
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* A modelled host: bandwidth in bytes/s (0 = instant), latency in ms. */
static inline void fx_host(bsim_manager *mgr, const char *host,
                           uint64_t bandwidth, uint32_t latency_ms) {
  struct bsim_model_host_options ho;
  bsim_model_host_options_init(&ho);
  ho.bandwidth_bytes_per_s = bandwidth;
  ho.latency_ms = latency_ms;
  assert_int_equal(bsim_model_host_add(mgr, host, &ho), BSIM_S_OK);
}

static inline void fx_file(bsim_manager *mgr, const char *url, uint64_t size) {
  assert_int_equal(bsim_model_file_add(mgr, url, size), BSIM_S_OK);
}

/* A download job of user with one file per url (NULL-terminated list);
 * local names are dir/f<i>. */
static inline bsim_job *fx_job_files(bsim_manager *mgr, const char *user,
                                     const char *dir, const char *const *urls) {
  bsim_job *job = NULL;
  assert_int_equal(
      bsim_job_create(mgr, user, "fixture", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
      BSIM_S_OK);
  for (int i = 0; urls[i] != NULL; i++) {
    char local[4096];
    int n = snprintf(local, sizeof local, "%s/f%d", dir, i);
    assert_true(n > 0 && (size_t)n < sizeof local);
    assert_int_equal(bsim_job_add_file(job, urls[i], local), BSIM_S_OK);
  }
  return job;
}

static inline bsim_job *fx_job(bsim_manager *mgr, const char *user,
                               const char *url, const char *local) {
  bsim_job *job = NULL;
  assert_int_equal(
      bsim_job_create(mgr, user, "fixture", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
      BSIM_S_OK);
  if (url != NULL) {
    assert_int_equal(bsim_job_add_file(job, url, local), BSIM_S_OK);
  }
  return job;
}

static inline enum bsim_job_state fx_state(bsim_job *job) {
  enum bsim_job_state st = BSIM_JOB_STATE_COUNT;
  assert_int_equal(bsim_job_get_state(job, &st), BSIM_S_OK);
  return st;
}

static inline struct bsim_job_error fx_error(bsim_job *job) {
  struct bsim_job_error e;
  memset(&e, 0, sizeof e);
  assert_int_equal(bsim_job_get_error(job, &e), BSIM_S_OK);
  return e;
}

static inline uint32_t fx_error_count(bsim_job *job) {
  uint32_t n = 0;
  assert_int_equal(bsim_job_get_error_count(job, &n), BSIM_S_OK);
  return n;
}

static inline struct bsim_file_progress fx_file_progress(bsim_job *job,
                                                         uint32_t index) {
  struct bsim_file_progress p;
  memset(&p, 0, sizeof p);
  assert_int_equal(bsim_file_get_progress(job, index, &p), BSIM_S_OK);
  return p;
}

/* Run until the job is in state (bit mask of one), failing the test if it
 * does not get there by deadline_ms. */
static inline void fx_run_to(bsim_manager *mgr, bsim_job *job,
                             enum bsim_job_state want, uint64_t deadline_ms) {
  bsim_hr hr =
      bsim_manager_run_until_job_state(mgr, job, 1u << want, deadline_ms);
  if (fx_state(job) != want) {
    print_error("job in state %d, wanted %d (%s) at %llu ms\n", fx_state(job),
                want, bsim_hr_name(hr),
                (unsigned long long)bsim_manager_now_ms(mgr));
  }
  assert_int_equal(fx_state(job), want);
}

#endif /* BSIM_ENGINE_FIXTURE_H */
