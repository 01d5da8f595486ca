# Lint tests (label lint), included by tests/CMakeLists.txt:
#   lint/banned    tests/lint/check_banned.sh: banned calls and includes in
#                  sim/ (style.md B.16)
#   lint/format    tests/lint/check_format.sh: sources match .clang-format
#                  (only with clang-format 14, the version the tree is
#                  formatted with; Debian 12's clang-format package)
#   lint/selftest  tests/lint/selftest.sh: both checks catch what they must
set(_lint_dir ${CMAKE_CURRENT_SOURCE_DIR}/lint)

add_test(NAME lint/banned
  COMMAND ${BSIM_BASH} ${_lint_dir}/check_banned.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(lint/banned PROPERTIES LABELS lint TIMEOUT 120
  ENVIRONMENT "CC=${CMAKE_C_COMPILER}")

find_program(BSIM_CLANG_FORMAT NAMES clang-format-14 clang-format)
set(_clang_format "")
if(BSIM_CLANG_FORMAT)
  execute_process(COMMAND ${BSIM_CLANG_FORMAT} --version
    OUTPUT_VARIABLE _cf_version ERROR_QUIET)
  if(_cf_version MATCHES "version 14\\.")
    set(_clang_format ${BSIM_CLANG_FORMAT})
  endif()
endif()
if(_clang_format)
  add_test(NAME lint/format
    COMMAND ${BSIM_BASH} ${_lint_dir}/check_format.sh ${_clang_format}
            ${PROJECT_SOURCE_DIR})
  set_tests_properties(lint/format PROPERTIES LABELS lint TIMEOUT 120)
else()
  message(STATUS "lint/format not registered: it needs clang-format 14 "
    "(apt-get install clang-format on Debian 12)")
endif()

add_test(NAME lint/selftest
  COMMAND ${BSIM_BASH} ${_lint_dir}/selftest.sh
          ${CMAKE_CURRENT_BINARY_DIR}/lint-selftest ${_clang_format})
set_tests_properties(lint/selftest PROPERTIES LABELS lint TIMEOUT 120
  ENVIRONMENT "CC=${CMAKE_C_COMPILER}")
