# The durable store's crash test (tests/integration/test_store_crash.c)
# runs tests/store/store_crash_child as a child process and kills it; the
# test finds the child through STORE_CRASH_CHILD.
add_executable(store_crash_child ${CMAKE_CURRENT_SOURCE_DIR}/store/store_crash_child.c)
target_compile_definitions(store_crash_child PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(store_crash_child PRIVATE ${BSIM_TEST_ENGINE}
  $<BUILD_INTERFACE:bsim_warnings>)
if(TARGET test_store_crash)
  target_compile_definitions(test_store_crash PRIVATE
    STORE_CRASH_CHILD="$<TARGET_FILE:store_crash_child>")
  add_dependencies(test_store_crash store_crash_child)
endif()
