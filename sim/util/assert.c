/* Always-on assertion failure: print where, then abort (style B.5). */
#include <stdio.h>
#include <stdlib.h>

#include "util/assert.h"

void bsim__assert_fail(const char *expr, const char *file, int line) {
  fprintf(stderr, "bitsim: assertion failed: %s (%s:%d)\n", expr, file, line);
  fflush(stderr);
  abort();
}
