# Tests of the Windows headers (include/bitsim/win32), beyond the
# auto-registered cmocka binaries:
#   - the C++ tests link tests/win32/cview.c, C code that calls C++ objects
#     through the C lpVtbl view (and defines GUIDs under <initguid.h>);
#   - compile-only checks (label unit): every header stands alone in C and
#     C++; examples/ compiles as for Windows against our headers and, with
#     mingw-w64, against Debian's Windows headers; tests/win32/slots.h
#     agrees with mingw-w64's vtables. The mingw checks print SKIPPED and
#     are reported as skipped when x86_64-w64-mingw32-gcc is absent.
set(_w32 ${CMAKE_CURRENT_SOURCE_DIR}/win32)
set(_w32_inc ${PROJECT_SOURCE_DIR}/include/bitsim/win32)
set(_w32_out ${CMAKE_CURRENT_BINARY_DIR}/win32_compile)

foreach(_t test_win32_headers test_win32_headers_cpp test_win32_layout)
  if(TARGET ${_t})
    target_include_directories(${_t} PRIVATE ${_w32})
  endif()
endforeach()
foreach(_t test_win32_headers_cpp test_win32_layout)
  if(TARGET ${_t})
    target_sources(${_t} PRIVATE ${_w32}/cview.c)
  endif()
endforeach()

# One compile-check test: name, compiler, flags, files (CMake lists).
function(bsim_win32_compile_test name compiler flags files)
  cmake_parse_arguments(ARG "" "MODE;EXT;SKIP_REASON" "" ${ARGN})
  string(REPLACE ";" "|" _flags "${flags}")
  string(REPLACE ";" "|" _files "${files}")
  add_test(NAME unit/${name}
    COMMAND ${CMAKE_COMMAND} "-DCOMPILER=${compiler}" "-DFLAGS=${_flags}"
      "-DFILES=${_files}" "-DOUTDIR=${_w32_out}/${name}" "-DMODE=${ARG_MODE}"
      "-DEXT=${ARG_EXT}" "-DSKIP_REASON=${ARG_SKIP_REASON}"
      -P ${_w32}/compile_check.cmake)
  set_tests_properties(unit/${name} PROPERTIES LABELS unit TIMEOUT 120
    SKIP_REGULAR_EXPRESSION "SKIPPED:")
endfunction()

set(_strict_c -std=c11 -Wall -Wextra -Wpedantic -Werror)
set(_strict_cxx -std=c++11 -Wall -Wextra -Wpedantic -Werror)

# Every header alone, in C and C++, plain and in the modes code uses.
file(GLOB _w32_headers RELATIVE ${_w32_inc} CONFIGURE_DEPENDS ${_w32_inc}/*.h)
bsim_win32_compile_test(win32_headers_alone_c ${CMAKE_C_COMPILER}
  "${_strict_c};-I${_w32_inc}" "${_w32_headers}" MODE headers EXT c)
bsim_win32_compile_test(win32_headers_alone_c_cobjmacros ${CMAKE_C_COMPILER}
  "${_strict_c};-DCOBJMACROS;-DINITGUID;-I${_w32_inc}" "${_w32_headers}"
  MODE headers EXT c)
bsim_win32_compile_test(win32_headers_alone_cxx ${CMAKE_CXX_COMPILER}
  "${_strict_cxx};-I${_w32_inc}" "${_w32_headers}" MODE headers EXT cpp)
bsim_win32_compile_test(win32_headers_alone_cxx_cinterface
  ${CMAKE_CXX_COMPILER}
  "${_strict_cxx};-DCINTERFACE;-DCOBJMACROS;-DINITGUID;-I${_w32_inc}"
  "${_w32_headers}" MODE headers EXT cpp)

# examples/: written as for Windows; compile only (the runtime comes later).
file(GLOB _ex_c CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/c/*.c)
file(GLOB _ex_cxx CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/cpp/*.cpp)
bsim_win32_compile_test(win32_examples_c ${CMAKE_C_COMPILER}
  "${_strict_c};-I${_w32_inc}" "${_ex_c}")
bsim_win32_compile_test(win32_examples_cxx ${CMAKE_CXX_COMPILER}
  "${_strict_cxx};-I${_w32_inc}" "${_ex_cxx}")

# The same examples against mingw-w64's headers. mingw-w64 lacks the BITS
# 10.1 header and IBackgroundCopyFile3, so examples that need them are left
# out of this set (see examples/README.md).
set(_ex_not_mingw ${PROJECT_SOURCE_DIR}/examples/cpp/callback3.cpp)
list(REMOVE_ITEM _ex_cxx ${_ex_not_mingw})
find_program(BSIM_MINGW_CC x86_64-w64-mingw32-gcc)
find_program(BSIM_MINGW_CXX x86_64-w64-mingw32-g++)
set(_no_mingw "x86_64-w64-mingw32-gcc/g++ not found (apt install mingw-w64)")
set(_mingw_cc "")
set(_mingw_cxx "")
if(BSIM_MINGW_CC AND BSIM_MINGW_CXX)
  set(_mingw_cc ${BSIM_MINGW_CC})
  set(_mingw_cxx ${BSIM_MINGW_CXX})
endif()
bsim_win32_compile_test(win32_examples_c_mingw "${_mingw_cc}"
  "-std=c11;-Wall;-Wextra;-Werror" "${_ex_c}" SKIP_REASON "${_no_mingw}")
bsim_win32_compile_test(win32_examples_cxx_mingw "${_mingw_cxx}"
  "-std=c++11;-Wall;-Wextra;-Werror" "${_ex_cxx}"
  SKIP_REASON "${_no_mingw}")

# tests/win32/slots.h against mingw-w64's vtables, and against ours.
bsim_win32_compile_test(win32_slots_mingw "${_mingw_cc}"
  "-std=c11;-Wall;-Wextra;-Werror;-I${_w32}" "${_w32}/slots_mingw.c"
  SKIP_REASON "${_no_mingw}")
bsim_win32_compile_test(win32_slots_native ${CMAKE_C_COMPILER}
  "${_strict_c};-I${_w32_inc};-I${_w32}" "${_w32}/slots_mingw.c")
