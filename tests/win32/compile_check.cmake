# Compile-only checks for the Windows headers, run by ctest as
#   cmake -DCOMPILER=<cc> -DFLAGS=<a|b|c> -DFILES=<x|y> -DOUTDIR=<dir>
#         [-DMODE=headers -DEXT=c|cpp] -P compile_check.cmake
# MODE=sources (default) compiles each file with `-c`. MODE=headers writes,
# for each header name in FILES, a translation unit that includes only that
# header (so each header must stand alone) and compiles it. An empty
# COMPILER prints "SKIPPED:" (the test's SKIP_REGULAR_EXPRESSION) and passes.
# Lists use '|' so they survive the add_test command line.
if(NOT COMPILER)
  message("SKIPPED: ${SKIP_REASON}")
  return()
endif()
string(REPLACE "|" ";" _flags "${FLAGS}")
string(REPLACE "|" ";" _files "${FILES}")
if(NOT MODE)
  set(MODE sources)
endif()
file(MAKE_DIRECTORY "${OUTDIR}")
set(_failed 0)
foreach(_f IN LISTS _files)
  if(MODE STREQUAL "headers")
    string(MAKE_C_IDENTIFIER "${_f}" _id)
    set(_src "${OUTDIR}/only_${_id}.${EXT}")
    file(WRITE "${_src}" "#include <${_f}>\nint bsim_only_${_id};\n")
  else()
    set(_src "${_f}")
    get_filename_component(_id "${_f}" NAME_WE)
  endif()
  execute_process(
    COMMAND "${COMPILER}" ${_flags} -c "${_src}" -o "${OUTDIR}/${_id}.o"
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  if(_rc EQUAL 0)
    message("ok   ${_f}")
  else()
    message("FAIL ${_f}\n${_out}")
    set(_failed 1)
  endif()
endforeach()
if(_failed)
  message(FATAL_ERROR "compile check failed")
endif()
