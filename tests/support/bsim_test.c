/* Shared helpers for the tests (see bsim_test.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bsim_test.h"

static uint64_t seed_value;
static int seed_ready;

static void print_seed_at_exit(void) {
  fprintf(stderr, "reproduce: BSIM_SEED=%" PRIu64 "\n", seed_value);
}

uint64_t bsim_test_seed(void) {
  if (seed_ready) return seed_value;
  const char *env = getenv("BSIM_SEED");
  seed_value = env != NULL ? strtoull(env, NULL, 10) : 1;
  if (seed_value == 0) {
    seed_value = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
  }
  seed_ready = 1;
  atexit(print_seed_at_exit);
  return seed_value;
}

static void remove_tree(const char *path) {
  char cmd[4200];
  /* Only ever paths this file built under BSIM_BINARY_DIR. */
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
  if (system(cmd) != 0) fprintf(stderr, "could not clear %s\n", path);
}

const char *bsim_test_tmpdir(const char *name) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/test-tmp", BSIM_BINARY_DIR);
  if (mkdir(path, 0755) != 0 && errno != EEXIST) return NULL;
  snprintf(path, sizeof path, "%s/test-tmp/%s-%ld", BSIM_BINARY_DIR, name,
           (long)getpid());
  remove_tree(path);
  if (mkdir(path, 0755) != 0) return NULL;
  return path;
}
