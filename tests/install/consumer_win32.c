/* The install test's Windows-binding consumer: unchanged Windows code says
 * #include <bits.h>; with bitsim-win32's flags (or bitsim::win32) that must
 * resolve to our header (check_install.sh checks where it came from) and the
 * program must link against libbitsim_win32 and libbitsim.
 *
 *   consumer_win32 EXPECTED_VERSION     exit 0 when it holds */
#include <bits.h>

#include <stdio.h>
#include <string.h>

#include "bitsim.h"

int main(int argc, char **argv) {
  if (argc != 2 || strcmp(bsim_version(), argv[1]) != 0) {
    fprintf(stderr, "consumer_win32: bitsim %s, expected %s\n", bsim_version(),
            argc == 2 ? argv[1] : "?");
    return 1;
  }
  printf("consumer_win32: <bits.h> with bitsim %s\n", bsim_version());
  return 0;
}
