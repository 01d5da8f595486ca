/* bitsim — the one allocator of sim/ (style B.8), with failure injection.
 *
 * bsim__malloc and friends wrap the C library allocator. A test may arm
 * bsim__alloc_fail_after(n): the nth allocation from then on, and every
 * later one, returns NULL until bsim__alloc_fail_reset, so an OOM sweep can
 * walk n = 1, 2, ... over an operation and check that each failure leaves
 * nothing changed and nothing leaked. The counters are C11 atomics so that
 * allocations on notification worker threads do not race with them.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/alloc.h"

/* 0 = injection off; otherwise the allocation count at which failing
 * starts. */
static _Atomic uint64_t fail_at;
static _Atomic uint64_t alloc_count;
static _Atomic uint64_t failures;

static int should_fail(void) {
  uint64_t at = atomic_load_explicit(&fail_at, memory_order_relaxed);
  if (at == 0) return 0;
  uint64_t n = atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed);
  if (n + 1 < at) return 0;
  atomic_fetch_add_explicit(&failures, 1, memory_order_relaxed);
  return 1;
}

void bsim__alloc_fail_after(uint64_t nth) {
  atomic_store(&alloc_count, 0);
  atomic_store(&fail_at, nth);
}

void bsim__alloc_fail_reset(void) {
  atomic_store(&fail_at, 0);
}

uint64_t bsim__alloc_failures(void) {
  return atomic_load(&failures);
}

void *bsim__malloc(size_t size) {
  if (should_fail()) return NULL;
  return malloc(size == 0 ? 1 : size);
}

void *bsim__calloc(size_t count, size_t size) {
  if (should_fail()) return NULL;
  if (count == 0 || size == 0) return calloc(1, 1);
  return calloc(count, size);
}

void *bsim__realloc(void *p, size_t size) {
  if (should_fail()) return NULL;
  return realloc(p, size == 0 ? 1 : size);
}

void bsim__free(void *p) {
  free(p);
}

char *bsim__strdup(const char *s) {
  if (s == NULL) return NULL;
  size_t n = strlen(s) + 1;
  char *copy = bsim__malloc(n);
  if (copy != NULL) memcpy(copy, s, n);
  return copy;
}

void bsim_free(void *p) {
  free(p);
}
