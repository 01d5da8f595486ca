/* The install test's consumer (tests/install/check_install.sh): a program
 * outside the tree, built against an installed bitsim through pkg-config and
 * through find_package(bitsim), under strict C11 with no feature macros (the
 * public headers must not need _POSIX_C_SOURCE). It checks that the library
 * it linked is the one whose headers it compiled against and that it
 * answers: the version, an HRESULT name, and a manager's life.
 *
 *   consumer EXPECTED_VERSION     exit 0 when every check holds */
#include <stdio.h>
#include <string.h>

#include "bitsim.h"

/* Switch to 1 once bsim_manager_new and bsim_manager_free are on main. */
#define BSIM_CONSUMER_USES_MANAGER 0

static int check_manager(void) {
#if BSIM_CONSUMER_USES_MANAGER
  bsim_manager *mgr = NULL;
  bsim_hr hr = bsim_manager_new(NULL, &mgr);
  if (hr != BSIM_S_OK || mgr == NULL) {
    fprintf(stderr, "consumer: bsim_manager_new: %s\n", bsim_hr_name(hr));
    return 1;
  }
  hr = bsim_manager_free(mgr);
  if (hr != BSIM_S_OK) {
    fprintf(stderr, "consumer: bsim_manager_free: %s\n", bsim_hr_name(hr));
    return 1;
  }
  puts("consumer: manager created and freed");
#endif
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fputs("usage: consumer EXPECTED_VERSION\n", stderr);
    return 2;
  }
  char header_version[64];
  snprintf(header_version, sizeof header_version, "%d.%d.%d",
           BSIM_VERSION_MAJOR, BSIM_VERSION_MINOR, BSIM_VERSION_PATCH);
  const char *lib_version = bsim_version();
  if (strcmp(lib_version, argv[1]) != 0 ||
      strcmp(header_version, argv[1]) != 0) {
    fprintf(stderr, "consumer: library %s, headers %s, expected %s\n",
            lib_version, header_version, argv[1]);
    return 1;
  }
  const char *name = bsim_hr_name(BSIM_E_INVALID_STATE);
  if (strcmp(name, "BG_E_INVALID_STATE") != 0) {
    fprintf(stderr, "consumer: bsim_hr_name gave %s\n", name);
    return 1;
  }
  if (check_manager() != 0) return 1;
  printf("consumer: bitsim %s works\n", lib_version);
  return 0;
}
