# The warning set lives on one INTERFACE target, linked only inside the build
# tree (BUILD_INTERFACE) so it never leaks into the exported package.
include(CheckCCompilerFlag)
add_library(bsim_warnings INTERFACE)
set(_bsim_warning_flags
  -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wformat=2 -Wundef -Wcast-align -Wimplicit-fallthrough -Wswitch-enum -Wvla)
foreach(_flag IN LISTS _bsim_warning_flags)
  string(MAKE_C_IDENTIFIER "BSIM_HAS${_flag}" _var)
  check_c_compiler_flag(${_flag} ${_var})
  if(${_var})
    target_compile_options(bsim_warnings INTERFACE $<$<COMPILE_LANGUAGE:C>:${_flag}>)
  endif()
endforeach()
target_compile_options(bsim_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>)
if(BSIM_WERROR)
  target_compile_options(bsim_warnings INTERFACE -Werror)
endif()
