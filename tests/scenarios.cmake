# Scenario files run by the command, as users run them: every example in
# docs/examples/ (the tutorial's pain points) and every regression scenario
# in tests/scenarios/ must run with all its expectations holding.
if(TARGET bitsim_cli)
  file(GLOB _bsim_scenarios CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/docs/examples/*.scn
    ${PROJECT_SOURCE_DIR}/tests/scenarios/*.scn)
  foreach(_scn IN LISTS _bsim_scenarios)
    get_filename_component(_name ${_scn} NAME_WE)
    set(_dir ${CMAKE_CURRENT_BINARY_DIR}/scenario-work/${_name})
    add_test(NAME scenario/${_name}
      COMMAND sh -c "rm -rf \"$1\" && mkdir -p \"$1\" && exec \"$2\" run \"$3\" --quiet --workdir \"$1\""
              scenario ${_dir} $<TARGET_FILE:bitsim_cli> ${_scn})
    set_tests_properties(scenario/${_name} PROPERTIES LABELS sim TIMEOUT 120
      ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  endforeach()
endif()

# One seed, the same narration, trace and SVG byte for byte.
if(TARGET bitsim_cli)
  add_test(NAME scenario/same-seed-same-output
    COMMAND ${CMAKE_COMMAND}
            -DBITSIM=$<TARGET_FILE:bitsim_cli>
            -DSCENARIO=${PROJECT_SOURCE_DIR}/docs/examples/transient-error-retries.scn
            -DWORK=${CMAKE_CURRENT_BINARY_DIR}/scenario-work/determinism
            -P ${PROJECT_SOURCE_DIR}/tests/scripts/scenario_determinism.cmake)
  set_tests_properties(scenario/same-seed-same-output PROPERTIES
    LABELS sim TIMEOUT 120)
endif()

# `bitsim bench` without benchmarks built beside it: exit 2 and say how to
# build them (the benchmarks themselves run only with BSIM_BUILD_BENCH).
if(TARGET bitsim_cli AND NOT BSIM_BUILD_BENCH)
  add_test(NAME cli/bench_without_benchmarks
    COMMAND sh -c "out=$(\"$1\" bench 2>&1); rc=$?; echo \"$out\"; [ $rc -eq 2 ] && echo \"$out\" | grep -q BSIM_BUILD_BENCH=ON"
            bench $<TARGET_FILE:bitsim_cli>)
  set_tests_properties(cli/bench_without_benchmarks PROPERTIES
    LABELS unit TIMEOUT 30)
endif()
