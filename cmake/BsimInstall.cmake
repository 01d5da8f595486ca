# Installation: the headers, libbitsim (and libbitsim_win32 once the Windows
# binding exists), the bitsim command, two relocatable pkg-config files
# (bitsim.pc, bitsim-win32.pc) and the bitsim CMake package
# (bitsimConfig.cmake, bitsimConfigVersion.cmake, bitsimTargets.cmake with
# the targets bitsim::bitsim and bitsim::win32). docs/building.md describes
# how to consume each; tests/install.cmake proves it (label install).
include(CMakePackageConfigHelpers)

set(BSIM_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/bitsim)
set(BSIM_PC_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(_bsim_lib_targets bitsim)
set_target_properties(bitsim PROPERTIES EXPORT_NAME bitsim)
if(TARGET bitsim_win32)
  list(APPEND _bsim_lib_targets bitsim_win32)
  set_target_properties(bitsim_win32 PROPERTIES EXPORT_NAME win32)
endif()
install(TARGETS ${_bsim_lib_targets} EXPORT bitsimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")

get_target_property(_bsim_type bitsim TYPE)
if(TARGET bitsim_cli)
  if(_bsim_type STREQUAL "SHARED_LIBRARY")
    # Find libbitsim.so beside the installed tree wherever it is moved.
    file(RELATIVE_PATH _bsim_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR}
      ${CMAKE_INSTALL_FULL_LIBDIR})
    set_target_properties(bitsim_cli PROPERTIES
      INSTALL_RPATH "$ORIGIN/${_bsim_bin_to_lib}")
  endif()
  install(TARGETS bitsim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# ---- pkg-config ------------------------------------------------------------
# Relocatable: prefix is found from the .pc file's own directory, so the tree
# still works after `cmake --install build --prefix /elsewhere` or a move. A
# .pc that baked in CMAKE_INSTALL_PREFIX would point at /usr/local (style.md
# B.14). An absolute CMAKE_INSTALL_LIBDIR or INCLUDEDIR cannot move; those
# stay absolute.
file(RELATIVE_PATH _bsim_pc_to_prefix
  ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" _bsim_pc_to_prefix "${_bsim_pc_to_prefix}")
set(BSIM_PC_PREFIX "\${pcfiledir}/${_bsim_pc_to_prefix}")
foreach(_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(BSIM_PC_${_dir} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(BSIM_PC_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()

# libuv is public (bitsim/uv.h hands out its loop); the rest is private to a
# shared libbitsim. A static libbitsim.a needs them all on the consumer's link
# line, so there they are public: plain `pkg-config --libs bitsim` then links
# against the system's shared libcurl, SQLite and libmicrohttpd. (`--static`
# would also pull libcurl's own static dependencies, which Debian 12 does not
# all ship.)
set(_bsim_pc_public "libuv >= 1.44")
set(_bsim_pc_private "libcurl >= 7.80, sqlite3, libmicrohttpd")
if(_bsim_type STREQUAL "STATIC_LIBRARY")
  set(BSIM_STATIC_LIBRARY ON)
  set(BSIM_PC_REQUIRES "${_bsim_pc_public}, ${_bsim_pc_private}")
  set(BSIM_PC_REQUIRES_PRIVATE "")
  set(BSIM_PC_LIBS "-lm -pthread")
  set(BSIM_PC_LIBS_PRIVATE "")
else()
  set(BSIM_STATIC_LIBRARY OFF)
  set(BSIM_PC_REQUIRES "${_bsim_pc_public}")
  set(BSIM_PC_REQUIRES_PRIVATE "${_bsim_pc_private}")
  set(BSIM_PC_LIBS "")
  set(BSIM_PC_LIBS_PRIVATE "-lm -pthread")
endif()

configure_file(${PROJECT_SOURCE_DIR}/cmake/bitsim.pc.in
  ${PROJECT_BINARY_DIR}/pkgconfig/bitsim.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/bitsim.pc
  DESTINATION ${BSIM_PC_INSTALL_DIR})
if(TARGET bitsim_win32)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/bitsim-win32.pc.in
    ${PROJECT_BINARY_DIR}/pkgconfig/bitsim-win32.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/bitsim-win32.pc
    DESTINATION ${BSIM_PC_INSTALL_DIR})
endif()

# ---- CMake package -----------------------------------------------------------
install(EXPORT bitsimTargets NAMESPACE bitsim::
  DESTINATION ${BSIM_CMAKE_INSTALL_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/bitsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/bitsimConfig.cmake
  INSTALL_DESTINATION ${BSIM_CMAKE_INSTALL_DIR})
# SameMajorVersion: find_package(bitsim 0.1) accepts any 0.y >= 0.1.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/bitsimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/bitsimConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/bitsimConfigVersion.cmake
  DESTINATION ${BSIM_CMAKE_INSTALL_DIR})
