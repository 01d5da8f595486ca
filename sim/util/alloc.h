/* bitsim — the allocator's test and measurement hooks (style B.8, B.12).
 *
 * Every allocation in sim/ goes through bsim__malloc and friends
 * (sim/internal.h). These hooks let a test fail the Nth allocation (the
 * curl torture / libcbor failing-allocator sweep). They are process-wide,
 * not per manager; the counters are atomic, so other threads may keep
 * allocating while a test arms them.
 */
#ifndef BSIM_UTIL_ALLOC_H
#define BSIM_UTIL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/** Fail the nth allocation from now (1 = the next one) and every one after
 * it until bsim__alloc_fail_reset. 0 turns failure injection off. */
void bsim__alloc_fail_after(uint64_t nth);
/** Stop failing allocations. */
void bsim__alloc_fail_reset(void);
/** Number of allocations refused so far by injection. */
uint64_t bsim__alloc_failures(void);

#endif /* BSIM_UTIL_ALLOC_H */
