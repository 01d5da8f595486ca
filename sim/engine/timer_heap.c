/* bitsim — the engine's timer heap (design.md "Time", style B.9).
 *
 * A binary min-heap of intrusive timers (struct bsim__timer, embedded in
 * the object that owns it) ordered by (deadline_ms, seq): seq is a
 * manager-wide counter taken when a timer is armed, so equal deadlines fire
 * in the order they were armed (libuv's start_id, FoundationDB's
 * orderedDelay). Each timer knows its heap slot, so stop and re-arm are
 * O(log n) without searching. The heap only holds armed timers: a million
 * idle jobs cost nothing here.
 */
#include "engine/engine.h"

#define NOT_ARMED UINT32_MAX

static int before(const struct bsim__timer *a, const struct bsim__timer *b) {
  if (a->deadline_ms != b->deadline_ms) return a->deadline_ms < b->deadline_ms;
  return a->seq < b->seq;
}

static void place(bsim_manager *mgr, uint32_t i, struct bsim__timer *t) {
  mgr->heap[i] = t;
  t->heap_index = i;
}

static void sift_up(bsim_manager *mgr, uint32_t i) {
  struct bsim__timer *t = mgr->heap[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!before(t, mgr->heap[parent])) break;
    place(mgr, i, mgr->heap[parent]);
    i = parent;
  }
  place(mgr, i, t);
}

static void sift_down(bsim_manager *mgr, uint32_t i) {
  struct bsim__timer *t = mgr->heap[i];
  for (;;) {
    uint32_t child = 2 * i + 1;
    if (child >= mgr->heap_len) break;
    if (child + 1 < mgr->heap_len &&
        before(mgr->heap[child + 1], mgr->heap[child])) {
      child++;
    }
    if (!before(mgr->heap[child], t)) break;
    place(mgr, i, mgr->heap[child]);
    i = child;
  }
  place(mgr, i, t);
}

void bsim__timer_init(struct bsim__timer *timer, bsim__timer_cb cb) {
  timer->deadline_ms = 0;
  timer->seq = 0;
  timer->cb = cb;
  timer->heap_index = NOT_ARMED;
  timer->background = 0;
}

void bsim__timer_set_background(struct bsim__timer *timer, int background) {
  BSIM_ASSERT(!bsim__timer_armed(timer));
  timer->background = background != 0;
}

int bsim__timer_armed(const struct bsim__timer *timer) {
  return timer->heap_index != NOT_ARMED;
}

static void heap_remove_at(bsim_manager *mgr, uint32_t i) {
  struct bsim__timer *gone = mgr->heap[i];
  gone->heap_index = NOT_ARMED;
  if (gone->background) mgr->heap_background--;
  mgr->heap_len--;
  if (i == mgr->heap_len) return;
  place(mgr, i, mgr->heap[mgr->heap_len]);
  sift_down(mgr, i);
  sift_up(mgr, mgr->heap[i]->heap_index);
}

bsim_hr bsim__timer_reserve(bsim_manager *mgr, uint32_t count) {
  if (count <= mgr->heap_cap) return BSIM_S_OK;
  uint64_t cap = mgr->heap_cap != 0 ? mgr->heap_cap : 64;
  while (cap < count)
    cap *= 2;
  if (cap > UINT32_MAX) return BSIM_E_OUTOFMEMORY;
  struct bsim__timer **heap =
      bsim__realloc(mgr->heap, (size_t)cap * sizeof *heap);
  if (heap == NULL) return BSIM_E_OUTOFMEMORY;
  mgr->heap = heap;
  mgr->heap_cap = (uint32_t)cap;
  return BSIM_S_OK;
}

/* Arming a timer cannot report an allocation failure, so CreateJob
 * reserves a slot for every job's timer up front (bsim__timer_reserve)
 * and the heap keeps slack for the transports' and the dispatcher's
 * timers. Running out past that slack is a fatal assertion. */
static void heap_grow(bsim_manager *mgr) {
  bsim_hr hr = bsim__timer_reserve(mgr, mgr->heap_cap + 1);
  BSIM_ASSERT(hr == BSIM_S_OK);
}

void bsim__timer_start(bsim_manager *mgr, struct bsim__timer *timer,
                       uint64_t deadline_ms) {
  BSIM_ASSERT(timer->cb != NULL);
  if (bsim__timer_armed(timer)) heap_remove_at(mgr, timer->heap_index);
  if (mgr->heap_len == mgr->heap_cap) heap_grow(mgr);
  timer->deadline_ms = deadline_ms;
  timer->seq = ++mgr->timer_seq;
  place(mgr, mgr->heap_len++, timer);
  sift_up(mgr, timer->heap_index);
  if (timer->background) mgr->heap_background++;
}

void bsim__timer_stop(bsim_manager *mgr, struct bsim__timer *timer) {
  if (!bsim__timer_armed(timer)) return;
  BSIM_ASSERT(timer->heap_index < mgr->heap_len &&
              mgr->heap[timer->heap_index] == timer);
  heap_remove_at(mgr, timer->heap_index);
}

struct bsim__timer *bsim__timer_peek(bsim_manager *mgr) {
  return mgr->heap_len != 0 ? mgr->heap[0] : NULL;
}

uint32_t bsim__timers_fire(bsim_manager *mgr, uint32_t max) {
  uint32_t fired = 0;
  uint64_t now = bsim__now_ms(mgr);
  while (fired < max && mgr->heap_len != 0 &&
         mgr->heap[0]->deadline_ms <= now) {
    struct bsim__timer *t = mgr->heap[0];
    heap_remove_at(mgr, 0);
    fired++;
    t->cb(mgr, t); /* may re-arm or stop any timer, itself included */
  }
  return fired;
}

void bsim__timers_free(bsim_manager *mgr) {
  for (uint32_t i = 0; i < mgr->heap_len; i++) {
    mgr->heap[i]->heap_index = NOT_ARMED;
  }
  bsim__free(mgr->heap);
  mgr->heap = NULL;
  mgr->heap_len = mgr->heap_cap = 0;
  mgr->heap_background = 0;
}
