/* The engine's timer heap (sim/engine/timer_heap.c, design.md "Time",
 * style B.9): timers fire in (deadline, insertion) order, ties in the
 * order they were armed; stop and re-arm work from any position; a
 * callback may re-arm itself or stop others; and a thousand timers with
 * seeded random deadlines come out sorted. Timers are driven through a
 * MANUAL-clock manager with bsim_manager_advance, so nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"

#define MAX_T 1000

struct probe {
  struct bsim__timer timer; /* first: the callback casts back */
  int id;
  uint64_t fired_at;
};

static int order[MAX_T * 2];
static int fired;
static struct probe *victim; /* stopped by the callback of probe 0 */
static int rearm_left;

static void record(bsim_manager *mgr, struct bsim__timer *t) {
  struct probe *p = (struct probe *)t;
  p->fired_at = bsim__now_ms(mgr);
  order[fired++] = p->id;
}

static void stop_victim(bsim_manager *mgr, struct bsim__timer *t) {
  record(mgr, t);
  bsim__timer_stop(mgr, &victim->timer);
}

static void rearm_self(bsim_manager *mgr, struct bsim__timer *t) {
  record(mgr, t);
  if (rearm_left-- > 0) bsim__timer_start(mgr, t, bsim__now_ms(mgr) + 10);
}

static bsim_manager *manual(void) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.clock_mode = BSIM_CLOCK_MANUAL;
  o.seed = bsim_test_seed();
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  fired = 0;
  return mgr;
}

static void arm(bsim_manager *mgr, struct probe *p, int id, uint64_t at,
                bsim__timer_cb cb) {
  p->id = id;
  bsim__timer_init(&p->timer, cb);
  bsim__lock(mgr);
  bsim__timer_start(mgr, &p->timer, at);
  bsim__unlock(mgr);
}

static void test_timer_heap_ties_fire_in_arming_order(void **state) {
  (void)state;
  bsim_manager *mgr = manual();
  struct probe p[6];
  /* Deadlines 30, 10, 10, 20, 10, 30: ties keep the arming order. */
  const uint64_t at[6] = {30, 10, 10, 20, 10, 30};
  for (int i = 0; i < 6; i++)
    arm(mgr, &p[i], i, at[i], record);
  assert_true(bsim__timer_armed(&p[0].timer));
  assert_int_equal(bsim_manager_advance(mgr, 100), BSIM_S_OK);
  const int want[6] = {1, 2, 4, 3, 0, 5};
  assert_int_equal(fired, 6);
  for (int i = 0; i < 6; i++)
    assert_int_equal(order[i], want[i]);
  /* Each fired at its own deadline, not at the end of the advance. */
  for (int i = 0; i < 6; i++)
    assert_true(p[i].fired_at == at[i]);
  assert_false(bsim__timer_armed(&p[0].timer));
  assert_true(bsim_manager_now_ms(mgr) == 100);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void test_timer_heap_stop_and_rearm(void **state) {
  (void)state;
  bsim_manager *mgr = manual();
  struct probe p[4];
  for (int i = 0; i < 4; i++)
    arm(mgr, &p[i], i, 10 * (uint64_t)(i + 1), record);
  bsim__lock(mgr);
  bsim__timer_stop(mgr, &p[1].timer);      /* from the middle */
  bsim__timer_stop(mgr, &p[1].timer);      /* twice is fine */
  bsim__timer_start(mgr, &p[0].timer, 35); /* re-arm moves it */
  bsim__unlock(mgr);
  assert_false(bsim__timer_armed(&p[1].timer));
  assert_int_equal(bsim_manager_advance(mgr, 100), BSIM_S_OK);
  assert_int_equal(fired, 3);
  assert_int_equal(order[0], 2);
  assert_int_equal(order[1], 0);
  assert_int_equal(order[2], 3);
  assert_true(p[0].fired_at == 35);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void test_timer_heap_callbacks_may_rearm_and_stop(void **state) {
  (void)state;
  bsim_manager *mgr = manual();
  struct probe p[3];
  victim = &p[2];
  rearm_left = 3;
  arm(mgr, &p[0], 0, 5, stop_victim);
  arm(mgr, &p[1], 1, 5, rearm_self);
  arm(mgr, &p[2], 2, 6, record);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  /* 0 stops 2 before it fires; 1 fires at 5, 15, 25, 35. */
  assert_int_equal(fired, 5);
  assert_int_equal(order[0], 0);
  for (int i = 1; i < 5; i++)
    assert_int_equal(order[i], 1);
  assert_true(p[1].fired_at == 35);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* A timer due now fires in MANUAL mode without time moving. */
static void test_timer_heap_due_now_fires_without_time(void **state) {
  (void)state;
  bsim_manager *mgr = manual();
  struct probe p[2];
  arm(mgr, &p[0], 0, 0, record);
  arm(mgr, &p[1], 1, 50, record);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(fired, 1);
  assert_true(bsim_manager_now_ms(mgr) == 0);
  assert_int_equal(bsim_manager_advance(mgr, 49), BSIM_S_OK);
  assert_int_equal(fired, 1);
  assert_int_equal(bsim_manager_advance(mgr, 1), BSIM_S_OK);
  assert_int_equal(fired, 2);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

/* A background timer (bsim__timer_set_background) does not keep
 * run_until_idle going in AUTO mode, so "idle" does not jump to it; an
 * ordinary one does; both fire once time reaches them (run_until). Re-arming
 * and stopping keep the count of background timers right. */
static void test_timer_heap_background_not_waited_for(void **state) {
  (void)state;
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.clock_mode = BSIM_CLOCK_AUTO;
  o.seed = bsim_test_seed();
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  fired = 0;
  uint64_t t0 = bsim_manager_now_ms(mgr);
  struct probe p[3];
  for (int i = 0; i < 3; i++) {
    p[i].id = i;
    bsim__timer_init(&p[i].timer, record);
  }
  bsim__timer_set_background(&p[0].timer, 1);
  bsim__timer_set_background(&p[1].timer, 1);
  bsim__lock(mgr);
  bsim__timer_start(mgr, &p[0].timer, t0 + 5000);
  bsim__timer_start(mgr, &p[0].timer, t0 + 6000); /* re-armed: counted once */
  bsim__timer_start(mgr, &p[1].timer, t0 + 7000);
  bsim__timer_stop(mgr, &p[1].timer);
  bsim__unlock(mgr);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(fired, 0);
  assert_true(bsim_manager_now_ms(mgr) == t0);
  /* An ordinary timer after it: idle now runs through both. */
  arm(mgr, &p[2], 2, t0 + 9000, record);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(fired, 2);
  assert_int_equal(order[0], 0);
  assert_int_equal(order[1], 2);
  assert_true(p[0].fired_at == t0 + 6000);
  /* Alone again, a background timer fires when time is driven to it. */
  bsim__lock(mgr);
  bsim__timer_start(mgr, &p[0].timer, t0 + 20000);
  bsim__unlock(mgr);
  assert_int_equal(bsim_manager_run_until_idle(mgr, 0), BSIM_S_OK);
  assert_int_equal(fired, 2);
  assert_int_equal(bsim_manager_run_until(mgr, t0 + 30000), BSIM_S_OK);
  assert_int_equal(fired, 3);
  assert_true(p[0].fired_at == t0 + 20000);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static struct probe many[MAX_T];

static void test_timer_heap_random_order(void **state) {
  (void)state;
  bsim_manager *mgr = manual();
  struct bsim__prng prng;
  bsim__prng_seed(&prng, bsim_test_seed());
  for (int i = 0; i < MAX_T; i++) {
    arm(mgr, &many[i], i, bsim__prng_below(&prng, 200), record);
  }
  /* Stop a third of them at random. */
  int stopped = 0;
  bsim__lock(mgr);
  for (int i = 0; i < MAX_T; i += 3) {
    bsim__timer_stop(mgr, &many[i].timer);
    stopped++;
  }
  bsim__unlock(mgr);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  assert_int_equal(fired, MAX_T - stopped);
  for (int k = 1; k < fired; k++) {
    const struct probe *a = &many[order[k - 1]];
    const struct probe *b = &many[order[k]];
    assert_true(a->fired_at <= b->fired_at);
    /* Equal deadlines: armed first, fired first. */
    if (a->fired_at == b->fired_at) assert_true(a->id < b->id);
  }
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_timer_heap_ties_fire_in_arming_order),
      cmocka_unit_test(test_timer_heap_stop_and_rearm),
      cmocka_unit_test(test_timer_heap_callbacks_may_rearm_and_stop),
      cmocka_unit_test(test_timer_heap_due_now_fires_without_time),
      cmocka_unit_test(test_timer_heap_random_order),
      cmocka_unit_test(test_timer_heap_background_not_waited_for),
  };
  return cmocka_run_group_tests_name("timer_heap", tests, NULL, NULL);
}
