# BSIM_SANITIZE: "" | "address,undefined" | "thread" (thread excludes address).
set(BSIM_SANITIZE "" CACHE STRING "Sanitizers: address,undefined or thread")
if(BSIM_SANITIZE)
  if(BSIM_SANITIZE MATCHES "thread" AND BSIM_SANITIZE MATCHES "address")
    message(FATAL_ERROR "BSIM_SANITIZE: thread cannot be combined with address")
  endif()
  set(_san -fsanitize=${BSIM_SANITIZE} -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  if(BSIM_SANITIZE MATCHES "undefined" AND CMAKE_CXX_COMPILER_LOADED)
    # vptr checks C++ dynamic types; harmless for C translation units.
    list(APPEND _san $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=vptr>)
  endif()
  add_compile_options(${_san})
  add_link_options(-fsanitize=${BSIM_SANITIZE})
endif()
