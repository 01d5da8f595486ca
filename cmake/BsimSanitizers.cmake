# BSIM_SANITIZE: "" | "address,undefined" | "thread" (or one of address,
# undefined alone). Thread excludes address: the two runtimes cannot share a
# process. No -fsanitize=leak on top of address: LeakSanitizer is already part
# of ASan on Linux, and asking for it twice breaks the link (libcbor's note).
set(BSIM_SANITIZE "" CACHE STRING "Sanitizers: address,undefined or thread")
set_property(CACHE BSIM_SANITIZE PROPERTY STRINGS
  "" "address,undefined" "address" "undefined" "thread")
if(BSIM_SANITIZE)
  string(REPLACE "," ";" _bsim_san_list "${BSIM_SANITIZE}")
  foreach(_s IN LISTS _bsim_san_list)
    if(NOT _s MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR
        "BSIM_SANITIZE: unknown sanitizer '${_s}' "
        "(use address,undefined or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST _bsim_san_list AND "address" IN_LIST _bsim_san_list)
    message(FATAL_ERROR "BSIM_SANITIZE: thread cannot be combined with address")
  endif()
  # Stop at the first report, with frames a person can read.
  add_compile_options(-fsanitize=${BSIM_SANITIZE} -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${BSIM_SANITIZE})
endif()
