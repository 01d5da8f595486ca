# Run by tests/scenarios.cmake's test scenario/same-seed-same-output: a
# scenario run twice with one seed must give the same narration, trace and
# SVG timeline byte for byte (issue "bitsim command", Pictures and reports).
foreach(_run 1 2)
  file(REMOVE_RECURSE ${WORK}/run${_run})
  file(MAKE_DIRECTORY ${WORK}/run${_run})
  execute_process(
    COMMAND ${BITSIM} run ${SCENARIO} --seed 7 --workdir ${WORK}/run${_run}
            --svg ${WORK}/timeline${_run}.svg --trace ${WORK}/trace${_run}.jsonl
    OUTPUT_FILE ${WORK}/narration${_run}.txt
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "bitsim run failed (${_rc})")
  endif()
endforeach()
foreach(_out narration.txt trace.jsonl timeline.svg)
  string(REPLACE "." "1." _a ${_out})
  string(REPLACE "." "2." _b ${_out})
  file(READ ${WORK}/${_a} _x)
  file(READ ${WORK}/${_b} _y)
  # The narration names the work directory once per run; compare without it.
  string(REPLACE "${WORK}/run1" "WORK" _x "${_x}")
  string(REPLACE "${WORK}/run2" "WORK" _y "${_y}")
  if(NOT _x STREQUAL _y)
    message(FATAL_ERROR "${_out} differs between two runs with one seed")
  endif()
  string(LENGTH "${_x}" _len)
  if(_len LESS 100)
    message(FATAL_ERROR "${_out} is suspiciously short (${_len} bytes)")
  endif()
endforeach()
message(STATUS "narration, trace and SVG identical across runs")
