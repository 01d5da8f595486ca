/* Shared helpers for bitsim's cmocka tests: the seed (BSIM_SEED, default 1,
 * 0 = random and printed) and paths to the source and build trees.
 *
 * Include after <stdarg.h>, <stddef.h>, <stdint.h>, <setjmp.h> and
 * <cmocka.h>, as cmocka requires. */
#ifndef BSIM_TEST_H
#define BSIM_TEST_H

#include <stdint.h>

/** The seed for this run: $BSIM_SEED, 1 when unset; 0 draws one. The seed is
 * printed as "reproduce: BSIM_SEED=<n> <argv0>" when a test fails. */
uint64_t bsim_test_seed(void);

/** Make a fresh empty directory under the build tree for this test and
 * return its path (static storage, valid until the next call). */
const char *bsim_test_tmpdir(const char *name);

#endif /* BSIM_TEST_H */
