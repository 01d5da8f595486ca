# The Windows binding at run time: examples/ built with the C and C++
# compilers against bitsim::win32 (no change to the Windows code) and run
# against modelled hosts (BITSIM_MODEL_FILES), then compared.
#   compat/example_<name>      runs one example; it must exit 0 and leave
#                              the downloaded file with the model's size;
#                              its trace is kept (label unit)
#   compat/example_<name>_404  the file is missing: JobError reads
#                              IBackgroundCopyError, cancels, exit 1
#   compat/examples_same_callbacks  the C example and the C++ sample-shaped
#                              example got the same callbacks in the same
#                              order for one seed; a second run of the C
#                              example gives a byte-identical trace
# Under BSIM_SANITIZE=address,undefined the examples are built with the
# sanitizers too (vptr included for C++): no leak, no double release.
if(NOT TARGET bitsim_win32)
  return()
endif()
set(_cx ${CMAKE_CURRENT_SOURCE_DIR}/compat)
set(_cx_out ${CMAKE_CURRENT_BINARY_DIR}/compat_examples)
set(_cx_url "http://example.test/files/data.bin")
set(_cx_size 300000)

file(GLOB _cx_src CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/examples/c/*.c ${PROJECT_SOURCE_DIR}/examples/cpp/*.cpp)
foreach(_src IN LISTS _cx_src)
  get_filename_component(_n ${_src} NAME_WE)
  get_filename_component(_ext ${_src} EXT)
  if(_ext STREQUAL ".c")
    set(_n "c_${_n}")
  else()
    set(_n "cpp_${_n}")
  endif()
  add_executable(example_${_n} ${_src})
  target_link_libraries(example_${_n} PRIVATE ${BSIM_TEST_WIN32})
  add_test(NAME compat/example_${_n}
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:example_${_n}>
      -DURL=${_cx_url} -DSIZE=${_cx_size} -DOUTDIR=${_cx_out}/${_n}
      -DRUN=1 -P ${_cx}/run_example.cmake)
  set_tests_properties(compat/example_${_n} PROPERTIES LABELS unit TIMEOUT 60
    FIXTURES_SETUP compat_example_${_n}
    ENVIRONMENT "${BSIM_TEST_ENV}")
  add_test(NAME compat/example_${_n}_404
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:example_${_n}>
      -DURL=${_cx_url} -DSIZE=${_cx_size} -DOUTDIR=${_cx_out}/${_n}_404
      -DMISSING=1 -P ${_cx}/run_example.cmake)
  set_tests_properties(compat/example_${_n}_404 PROPERTIES LABELS unit
    TIMEOUT 60 ENVIRONMENT "${BSIM_TEST_ENV}")
endforeach()

if(TARGET example_c_callback AND TARGET example_cpp_notify)
  add_test(NAME compat/examples_same_callbacks
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:example_c_callback>
      -DURL=${_cx_url} -DSIZE=${_cx_size} -DOUTDIR=${_cx_out}/c_callback_again
      -DRUN=1 -DFIRST=${_cx_out}/c_callback/trace.jsonl
      -DOTHER=${_cx_out}/cpp_notify/trace.jsonl -P ${_cx}/run_example.cmake)
  set_tests_properties(compat/examples_same_callbacks PROPERTIES LABELS unit
    TIMEOUT 60 FIXTURES_REQUIRED "compat_example_c_callback;compat_example_cpp_notify"
    ENVIRONMENT "${BSIM_TEST_ENV}")
endif()

# The same examples against `bitsim serve` over the curl transport.
if(TARGET bitsim_cli)
  set(_cx_exes "")
  foreach(_src IN LISTS _cx_src)
    get_filename_component(_n ${_src} NAME_WE)
    get_filename_component(_ext ${_src} EXT)
    if(_ext STREQUAL ".c")
      list(APPEND _cx_exes $<TARGET_FILE:example_c_${_n}>)
    else()
      list(APPEND _cx_exes $<TARGET_FILE:example_cpp_${_n}>)
    endif()
  endforeach()
  add_test(NAME compat/examples_serve
    COMMAND ${BSIM_BASH} ${_cx}/run_serve.sh $<TARGET_FILE:bitsim_cli>
      ${_cx_out}/serve ${_cx_exes})
  set_tests_properties(compat/examples_serve PROPERTIES LABELS unit
    TIMEOUT 60 ENVIRONMENT "${BSIM_TEST_ENV}")
endif()
