/* The library's version string. */
#include "bitsim/version.h"

#define BSIM_STR2(x) #x
#define BSIM_STR(x) BSIM_STR2(x)

const char *bsim_version(void) {
  return BSIM_STR(BSIM_VERSION_MAJOR) "." BSIM_STR(
      BSIM_VERSION_MINOR) "." BSIM_STR(BSIM_VERSION_PATCH);
}
