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

/** Mount a tmpfs of `bytes` bytes on `dir` (an existing directory) in a
 * mount namespace private to this process, for disk-full tests. Call it
 * before any thread starts (unshare(2) refuses a threaded process).
 * Returns 0, or -1 without CAP_SYS_ADMIN: the caller then skips. */
int bsim_test_small_fs(const char *dir, uint64_t bytes);

#endif /* BSIM_TEST_H */
