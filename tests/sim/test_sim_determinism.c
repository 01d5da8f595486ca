/* Determinism (design.md "Seeds", "Trace"; style B.11): a busy seeded
 * scenario, run twice with one seed, gives the same trace digest and line
 * count; run with another seed it gives a different one.
 *
 * The scenario's whole shape is drawn from the seed with the project's
 * PRNG (bsim__prng): users, modelled hosts (bandwidth, latency, Range and
 * Content-Length support, outages), published files and their sizes, a
 * fault plan of every kind (HTTP statuses, resets, stalls, no Range,
 * refusals, corruption; exact URLs and prefixes; windows and counts), and
 * a few dozen jobs of every priority with one to three files, resumed,
 * suspended, cancelled, re-published and completed at drawn instants. The
 * engine's own seed (GUIDs) is the same seed. The test also checks that the
 * run was busy: many lines, faults applied, jobs finished and failed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"

#define HOSTS 3
#define FILES 12
#define JOBS 40
#define FAULTS 24
#define HORIZON_MS (6 * UINT64_C(3600000))

struct tally {
  uint64_t faults;
  uint64_t transferred;
  uint64_t errors;
  uint64_t transient;
};

static void tally_line(const char *line, size_t len, void *user) {
  struct tally *t = user;
  (void)len;
  if (strstr(line, "\"ev\":\"fault\"") != NULL) t->faults++;
  if (strstr(line, "\"to\":\"TRANSFERRED\"") != NULL) t->transferred++;
  if (strstr(line, "\"to\":\"ERROR\"") != NULL) t->errors++;
  if (strstr(line, "\"to\":\"TRANSIENT_ERROR\"") != NULL) t->transient++;
}

struct world {
  bsim_manager *mgr;
  struct bsim__prng prng;
  char urls[FILES][64];
  uint64_t sizes[FILES];
  bsim_job *jobs[JOBS];
};

static uint64_t draw(struct world *w, uint64_t lo, uint64_t hi) {
  return lo + bsim__prng_below(&w->prng, hi - lo + 1);
}

static void make_hosts(struct world *w) {
  for (int h = 0; h < HOSTS; h++) {
    char name[32];
    snprintf(name, sizeof name, "h%d.test", h);
    struct bsim_model_host_options o;
    bsim_model_host_options_init(&o);
    o.bandwidth_bytes_per_s = draw(w, 0, 5) == 0 ? 0 : draw(w, 2000, 100000);
    o.latency_ms = (uint32_t)draw(w, 0, 800);
    o.range_support = draw(w, 0, 4) != 0;
    o.send_content_length = draw(w, 0, 19) != 0;
    o.stall_timeout_ms = (uint32_t)draw(w, 5000, 90000);
    assert_int_equal(bsim_model_host_add(w->mgr, name, &o), BSIM_S_OK);
    for (uint64_t n = draw(w, 0, 3); n > 0; n--) {
      assert_int_equal(bsim_model_host_outage(w->mgr, name,
                                              draw(w, 0, HORIZON_MS / 2),
                                              draw(w, 1000, 1200000)),
                       BSIM_S_OK);
    }
  }
  for (int i = 0; i < FILES; i++) {
    snprintf(w->urls[i], sizeof w->urls[i], "http://h%d.test/d%d/f%d",
             (int)draw(w, 0, HOSTS - 1), i % 3, i);
    w->sizes[i] = draw(w, 0, 5) == 0 ? draw(w, 0, 100) : draw(w, 1, 20000000);
    assert_int_equal(bsim_model_file_add(w->mgr, w->urls[i], w->sizes[i]),
                     BSIM_S_OK);
  }
}

static void make_faults(struct world *w) {
  static const int statuses[] = {404, 403, 408, 500, 503, 501, 302, 307};
  for (int i = 0; i < FAULTS; i++) {
    char prefix[64];
    const char *url = w->urls[draw(w, 0, FILES - 1)];
    if (draw(w, 0, 2) == 0) {
      snprintf(prefix, sizeof prefix, "http://h%d.test/d%d/*",
               (int)draw(w, 0, HOSTS - 1), (int)draw(w, 0, 2));
      url = prefix;
    }
    struct bsim_fault f;
    bsim_fault_init(
        &f, (enum bsim_fault_kind)draw(w, 0, BSIM_FAULT_KIND_COUNT - 1), url);
    f.from_ms = draw(w, 0, 1) == 0 ? 0 : draw(w, 0, HORIZON_MS / 6);
    f.until_ms = f.from_ms + draw(w, 60000, HORIZON_MS);
    f.count = (uint32_t)draw(w, 0, 3);
    f.http_status = statuses[draw(w, 0, 7)];
    f.bytes = draw(w, 0, 5000000);
    assert_int_equal(bsim_fault_add(w->mgr, &f), BSIM_S_OK);
  }
}

static void make_jobs(struct world *w) {
  static const char *users[] = {"ann", "ben", "cy"};
  for (int i = 0; i < JOBS; i++) {
    bsim_job *job = NULL;
    assert_int_equal(bsim_job_create(w->mgr, users[draw(w, 0, 2)], "det",
                                     BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
                     BSIM_S_OK);
    for (uint64_t n = draw(w, 1, 3), k = 0; k < n; k++) {
      char local[64];
      snprintf(local, sizeof local, "/virtual/j%d/f%d", i, (int)k);
      assert_int_equal(
          bsim_job_add_file(job, w->urls[draw(w, 0, FILES - 1)], local),
          BSIM_S_OK);
    }
    assert_int_equal(
        bsim_job_set_priority(job, (enum bsim_job_priority)draw(w, 0, 3)),
        BSIM_S_OK);
    assert_int_equal(
        bsim_job_set_minimum_retry_delay(job, (uint32_t)draw(w, 5, 900)),
        BSIM_S_OK);
    if (draw(w, 0, 4) == 0) {
      assert_int_equal(
          bsim_job_set_no_progress_timeout(job, (uint32_t)draw(w, 0, 3600)),
          BSIM_S_OK);
    }
    w->jobs[i] = job;
  }
}

/* One drawn action on a drawn job at the current instant. */
static void act(struct world *w) {
  bsim_job *job = w->jobs[draw(w, 0, JOBS - 1)];
  bsim_hr hr;
  switch (draw(w, 0, 9)) {
  case 0:
    hr = bsim_job_suspend(job);
    break;
  case 1:
    hr = bsim_job_cancel(job);
    break;
  case 2:
    hr = bsim_model_file_add(w->mgr, w->urls[draw(w, 0, FILES - 1)],
                             draw(w, 1, 2000000));
    break;
  case 3:
    hr = bsim_job_complete(job);
    break;
  default:
    hr = bsim_job_resume(job);
    break;
  }
  /* Final jobs refuse (BG_E_INVALID_STATE); empty ones too: all fine. */
  (void)hr;
}

static uint64_t run(uint64_t seed, uint64_t *count, struct tally *t) {
  struct world w;
  memset(&w, 0, sizeof w);
  memset(t, 0, sizeof *t);
  bsim__prng_seed(&w.prng, seed);
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.seed = seed;
  opts.fs_mode = BSIM_FS_VIRTUAL;
  assert_int_equal(bsim_manager_new(&opts, &w.mgr), BSIM_S_OK);
  assert_int_equal(bsim_trace_set_sink(w.mgr, tally_line, t), BSIM_S_OK);
  assert_int_equal(bsim_user_add(w.mgr, "ann", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(w.mgr, "ben", 0), BSIM_S_OK);
  assert_int_equal(bsim_user_add(w.mgr, "cy", 1), BSIM_S_OK);
  make_hosts(&w);
  make_faults(&w);
  make_jobs(&w);
  for (int i = 0; i < JOBS; i++) {
    assert_int_equal(bsim_job_resume(w.jobs[i]), BSIM_S_OK);
  }
  /* Drawn actions at drawn instants over the horizon. */
  uint64_t at = 0;
  while ((at += draw(&w, 1, HORIZON_MS / 60)) < HORIZON_MS) {
    assert_int_equal(bsim_manager_run_until(w.mgr, at), BSIM_S_OK);
    act(&w);
  }
  assert_int_equal(bsim_manager_run_until(w.mgr, HORIZON_MS), BSIM_S_OK);
  for (int i = 0; i < JOBS; i++) {
    /* Whatever each job reached; final ones answer BG_E_INVALID_STATE. */
    bsim_hr hr = bsim_job_complete(w.jobs[i]);
    assert_true(BSIM_SUCCEEDED(hr) || hr == BSIM_E_INVALID_STATE);
    bsim_job_unref(w.jobs[i]);
  }
  assert_int_equal(bsim_manager_run_until_idle(w.mgr, 0), BSIM_S_OK);
  uint64_t digest = bsim_trace_digest(w.mgr);
  *count = bsim_trace_count(w.mgr);
  assert_int_equal(bsim_manager_free(w.mgr), BSIM_S_OK);
  return digest;
}

static void test_sim_determinism_same_seed_same_digest(void **state) {
  (void)state;
  uint64_t seed = bsim_test_seed();
  uint64_t count_a = 0;
  uint64_t count_b = 0;
  struct tally a;
  struct tally b;
  uint64_t digest_a = run(seed, &count_a, &a);
  /* Shift the heap so that the second run's objects land at other
   * addresses: anything keyed on pointers would show. */
  void *shift[8];
  for (int i = 0; i < 8; i++)
    shift[i] = malloc(24 + 1000 * (size_t)i);
  uint64_t digest_b = run(seed, &count_b, &b);
  for (int i = 0; i < 8; i++)
    free(shift[i]);
  print_message("seed %llu: %llu lines, digest %016llx, %llu faults, %llu "
                "transferred, %llu errors, %llu transient errors\n",
                (unsigned long long)seed, (unsigned long long)count_a,
                (unsigned long long)digest_a, (unsigned long long)a.faults,
                (unsigned long long)a.transferred, (unsigned long long)a.errors,
                (unsigned long long)a.transient);
  assert_true(digest_a == digest_b);
  assert_int_equal(count_a, count_b);
  assert_memory_equal(&a, &b, sizeof a);
  /* A busy run: the scenario did exercise the model and the engine. */
  assert_true(count_a > 1000);
  assert_true(a.faults > 5);
  assert_true(a.transferred > 5);
  assert_true(a.errors + a.transient > 5);
}

static void test_sim_determinism_other_seed_other_digest(void **state) {
  (void)state;
  uint64_t seed = bsim_test_seed();
  uint64_t count_a = 0;
  uint64_t count_b = 0;
  struct tally a;
  struct tally b;
  uint64_t digest_a = run(seed, &count_a, &a);
  uint64_t digest_b = run(seed + 1, &count_b, &b);
  assert_true(digest_a != digest_b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sim_determinism_same_seed_same_digest),
      cmocka_unit_test(test_sim_determinism_other_seed_other_digest),
  };
  return cmocka_run_group_tests_name("sim_determinism", tests, NULL, NULL);
}
