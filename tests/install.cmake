# The install-and-consume test (label install), included by
# tests/CMakeLists.txt: tests/install/check_install.sh installs this build
# into a scratch prefix under the build tree, moves it, and builds and runs
# consumers through pkg-config and find_package(bitsim). It compiles two small
# projects, hence the generous timeout.

get_target_property(_type bitsim TYPE)
set(_shared 0)
if(_type STREQUAL "SHARED_LIBRARY")
  set(_shared 1)
endif()
set(_win32 0)
if(TARGET bitsim_win32)
  set(_win32 1)
endif()
set(_cli 0)
if(TARGET bitsim_cli)
  set(_cli 1)
endif()

add_test(NAME install/consume
  COMMAND ${BSIM_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/install/check_install.sh)
set_tests_properties(install/consume PROPERTIES LABELS install TIMEOUT 600
  ENVIRONMENT "BSIM_BUILD_DIR=${PROJECT_BINARY_DIR};\
BSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR};\
BSIM_LIBDIR=${CMAKE_INSTALL_LIBDIR};\
BSIM_VERSION=${PROJECT_VERSION};\
BSIM_CMAKE=${CMAKE_COMMAND};\
BSIM_CMAKE_GENERATOR=${CMAKE_GENERATOR};\
BSIM_PKG_CONFIG=${PKG_CONFIG_EXECUTABLE};\
BSIM_CC=${CMAKE_C_COMPILER};\
BSIM_CXX=${CMAKE_CXX_COMPILER};\
BSIM_SHARED=${_shared};\
BSIM_EXPECT_WIN32=${_win32};\
BSIM_EXPECT_CLI=${_cli};\
BSIM_SANITIZE=${BSIM_SANITIZE}")
