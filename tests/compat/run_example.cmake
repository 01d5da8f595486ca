# Run one example of examples/ against the Windows binding:
#   cmake -DEXE=<program> -DURL=<url> -DSIZE=<bytes> -DOUTDIR=<dir>
#         [-DFIRST=<trace> -DOTHER=<trace>] -P run_example.cmake
# The URL is a modelled file of SIZE bytes (BITSIM_MODEL_FILES); the trace
# goes to OUTDIR/trace.jsonl. The program must exit 0 and leave
# OUTDIR/<last URL segment> of SIZE bytes. With FIRST, this run's trace
# must equal FIRST byte for byte (same program, same seed); with OTHER,
# the callbacks (trace "notify" events: method, phase, result, in order)
# of FIRST and OTHER must be the same. With MISSING=1 the URL's host is
# modelled but the file is not published: the server answers 404, the
# example's JobError reports it and cancels, and the program must exit 1
# naming the error (0x80190194) without leaving the file.
file(REMOVE_RECURSE "${OUTDIR}")
file(MAKE_DIRECTORY "${OUTDIR}")
if(MISSING)
  string(REGEX REPLACE "/[^/]*$" "/published.bin" _other "${URL}")
  set(ENV{BITSIM_MODEL_FILES} "${_other}=${SIZE}")
else()
  set(ENV{BITSIM_MODEL_FILES} "${URL}=${SIZE}")
endif()
set(ENV{BITSIM_TRACE} "${OUTDIR}/trace.jsonl")
set(ENV{BITSIM_SEED} "1")
execute_process(COMMAND "${EXE}" "${URL}" "${OUTDIR}"
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
message("${_out}${_err}")
if(MISSING)
  string(REGEX REPLACE ".*/" "" _leaf "${URL}")
  if(NOT _rc EQUAL 1 OR NOT "${_out}${_err}" MATCHES "80190194"
     OR EXISTS "${OUTDIR}/${_leaf}")
    message(FATAL_ERROR "${EXE}: want exit 1 with 0x80190194, got ${_rc}")
  endif()
  return()
endif()
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${EXE} exited with ${_rc}")
endif()
string(REGEX REPLACE ".*/" "" _leaf "${URL}")
file(SIZE "${OUTDIR}/${_leaf}" _got)
if(NOT _got EQUAL SIZE)
  message(FATAL_ERROR "${OUTDIR}/${_leaf}: ${_got} bytes, want ${SIZE}")
endif()

# The callbacks of a trace: one line per notify event, ids and times left out.
function(callbacks trace out)
  file(STRINGS "${trace}" _lines REGEX "\"ev\":\"notify\"")
  set(_seq "")
  foreach(_l IN LISTS _lines)
    string(REGEX MATCH "\"method\":\"[A-Za-z]+\"" _m "${_l}")
    string(REGEX MATCH "\"phase\":\"[a-z]+\"" _p "${_l}")
    string(REGEX MATCH "\"result\":\"[A-Z_a-z0-9]+\"" _r "${_l}")
    string(APPEND _seq "${_m} ${_p} ${_r}\n")
  endforeach()
  set(${out} "${_seq}" PARENT_SCOPE)
endfunction()

if(FIRST)
  file(READ "${FIRST}" _a)
  file(READ "${OUTDIR}/trace.jsonl" _b)
  if(NOT _a STREQUAL _b)
    message(FATAL_ERROR "two runs with seed 1 gave different traces")
  endif()
endif()
if(OTHER)
  callbacks("${FIRST}" _ca)
  callbacks("${OTHER}" _cb)
  message("callbacks:\n${_ca}")
  if(_ca STREQUAL "")
    message(FATAL_ERROR "no callback in ${FIRST}")
  endif()
  if(NOT _ca STREQUAL _cb)
    message(FATAL_ERROR "callbacks differ:\n${_ca}---\n${_cb}")
  endif()
endif()
