// The install test's C++ consumer: the public headers compile as C++11 and
// their functions link with C names (extern "C"), so C++ test code can drive
// the engine. Usage: consumer_cxx EXPECTED_VERSION; exit 0 when it holds.
#include <cstdio>
#include <cstring>

#include "bitsim.h"

int main(int argc, char **argv) {
  if (argc != 2 || std::strcmp(bsim_version(), argv[1]) != 0) {
    std::fprintf(stderr, "consumer_cxx: version %s, expected %s\n",
                 bsim_version(), argc == 2 ? argv[1] : "?");
    return 1;
  }
  if (std::strcmp(bsim_hr_name(BSIM_E_INVALID_STATE), "BG_E_INVALID_STATE")) {
    std::fputs("consumer_cxx: bsim_hr_name is wrong\n", stderr);
    return 1;
  }
  std::printf("consumer_cxx: bitsim %s works from C++\n", bsim_version());
  return 0;
}
