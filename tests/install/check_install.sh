#!/usr/bin/env bash
# The install-and-consume test (ctest install/consume, registered by
# tests/install.cmake, which sets the environment below).
#
# 1. `cmake --install` the build tree into a staging prefix, then move the
#    whole prefix elsewhere: everything must still work from where it lands
#    (relocatable bitsim.pc and CMake package), and no installed .pc or
#    .cmake file may name the build or source tree.
# 2. pkg-config: with PKG_CONFIG_PATH pointing into the prefix, build
#    consumer.c with `cc $(pkg-config --cflags --libs bitsim)` and run it.
# 3. CMake: configure the project in this folder with CMAKE_PREFIX_PATH set
#    to the prefix (find_package(bitsim)), build its C and C++ consumers and
#    run them.
# 4. When the build has them: bitsim-win32.pc / bitsim::win32 (<bits.h> must
#    resolve into the prefix) and the installed `bitsim` command.
#
# Environment: BSIM_BUILD_DIR BSIM_SOURCE_DIR BSIM_LIBDIR BSIM_VERSION
# BSIM_CMAKE BSIM_CMAKE_GENERATOR BSIM_PKG_CONFIG BSIM_CC BSIM_CXX
# BSIM_SHARED (0|1) BSIM_EXPECT_WIN32 (0|1) BSIM_EXPECT_CLI (0|1)
# BSIM_SANITIZE ("" or the -fsanitize= list the library was built with; an
# instrumented library needs the consumer linked with the same runtime).
set -euo pipefail

for v in BSIM_BUILD_DIR BSIM_SOURCE_DIR BSIM_LIBDIR BSIM_VERSION BSIM_CMAKE \
  BSIM_CMAKE_GENERATOR BSIM_PKG_CONFIG BSIM_CC BSIM_CXX BSIM_SHARED \
  BSIM_EXPECT_WIN32 BSIM_EXPECT_CLI; do
  if [ -z "${!v+x}" ]; then
    echo "check_install: $v is not set (run through ctest)" >&2
    exit 2
  fi
done

here=$(cd "$(dirname "$0")" && pwd)
work=$BSIM_BUILD_DIR/test-tmp/install
prefix=$work/prefix
libdir=$prefix/$BSIM_LIBDIR
# The engine headers must be warning-free under strict C11 with no feature
# macros. The Windows headers are held to C11 only (their own tests decide
# their warning set).
flags=(-std=c11 -Wall -Wextra -Wpedantic -Werror)
wflags_std=(-std=c11)
san=()
if [ -n "${BSIM_SANITIZE:-}" ]; then
  san=(-fsanitize="$BSIM_SANITIZE" -fno-omit-frame-pointer)
fi

step() { printf '\n== %s\n' "$*"; }
fail() {
  echo "check_install: FAILED: $*" >&2
  exit 1
}
# run_logged LOG CMD...: run CMD, keeping its output in LOG unless it fails.
run_logged() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log"
    fail "$* (log: $log)"
  fi
}
# include_dir_of FLAGS: the directory of the first -I in FLAGS.
include_dir_of() {
  local f
  for f in $1; do
    case "$f" in -I*)
      printf '%s\n' "${f#-I}"
      return 0
      ;;
    esac
  done
  return 1
}

rm -rf "$work"
mkdir -p "$work"

step "install into a staging prefix, then move the prefix"
run_logged "$work/install.log" "$BSIM_CMAKE" --install "$BSIM_BUILD_DIR" \
  --prefix "$work/stage"
mv "$work/stage" "$prefix"
[ -f "$prefix/include/bitsim.h" ] || fail "no include/bitsim.h installed"
if [ "$BSIM_SHARED" = 1 ]; then
  [ -e "$libdir/libbitsim.so" ] || fail "no $BSIM_LIBDIR/libbitsim.so"
else
  [ -f "$libdir/libbitsim.a" ] || fail "no $BSIM_LIBDIR/libbitsim.a"
fi
for f in pkgconfig/bitsim.pc cmake/bitsim/bitsimConfig.cmake \
  cmake/bitsim/bitsimConfigVersion.cmake cmake/bitsim/bitsimTargets.cmake; do
  [ -f "$libdir/$f" ] || fail "no $BSIM_LIBDIR/$f installed"
done
if grep -rlF -e "$BSIM_BUILD_DIR" -e "$BSIM_SOURCE_DIR" "$libdir/pkgconfig" \
  "$libdir/cmake"; then
  fail "the files above name the build or source tree: not relocatable"
fi
echo "installed and moved to $prefix"

step "pkg-config: cc \$(pkg-config --cflags --libs bitsim)"
pc_path=$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
pc() { PKG_CONFIG_PATH=$pc_path "$BSIM_PKG_CONFIG" "$@"; }
version=$(pc --modversion bitsim) || fail "pkg-config does not find bitsim"
[ "$version" = "$BSIM_VERSION" ] ||
  fail "pkg-config says bitsim $version, expected $BSIM_VERSION"
cflags=$(pc --cflags bitsim)
libs=$(pc --libs bitsim)
echo "cflags: $cflags"
echo "libs:   $libs"
inc=$(include_dir_of "$cflags") || fail "no -I in the cflags"
[ "$inc/bitsim.h" -ef "$prefix/include/bitsim.h" ] ||
  fail "-I$inc is not the moved prefix's include/"
# shellcheck disable=SC2086 # pkg-config output is a list of words
run_logged "$work/pc-build.log" "$BSIM_CC" "${flags[@]}" "${san[@]}" \
  "$here/consumer.c" -o "$work/pc-consumer" $cflags $libs
LD_LIBRARY_PATH=$libdir "$work/pc-consumer" "$BSIM_VERSION" ||
  fail "the pkg-config consumer failed"

step "CMake: find_package(bitsim) with CMAKE_PREFIX_PATH"
expect_win32=OFF
[ "$BSIM_EXPECT_WIN32" = 1 ] && expect_win32=ON
run_logged "$work/cmake-configure.log" "$BSIM_CMAKE" -S "$here" \
  -B "$work/cmake-consumer" -G "$BSIM_CMAKE_GENERATOR" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$BSIM_CC" -DCMAKE_CXX_COMPILER="$BSIM_CXX" \
  -DCMAKE_C_FLAGS="${san[*]}" -DCMAKE_CXX_FLAGS="${san[*]}" \
  -DCMAKE_EXE_LINKER_FLAGS="${san[*]}" \
  -DBSIM_EXPECT_VERSION="$BSIM_VERSION" -DBSIM_EXPECT_WIN32=$expect_win32
grep 'found bitsim' "$work/cmake-configure.log"
run_logged "$work/cmake-build.log" "$BSIM_CMAKE" --build "$work/cmake-consumer"
# No LD_LIBRARY_PATH: CMake gave the consumers an RPATH into the prefix.
"$work/cmake-consumer/consumer" "$BSIM_VERSION" ||
  fail "the CMake consumer failed"
"$work/cmake-consumer/consumer_cxx" "$BSIM_VERSION" ||
  fail "the CMake C++ consumer failed"

step "the Windows binding (bitsim-win32.pc, bitsim::win32)"
if [ "$BSIM_EXPECT_WIN32" = 1 ]; then
  wflags=$(pc --cflags bitsim-win32) || fail "no bitsim-win32.pc"
  wlibs=$(pc --libs bitsim-win32)
  echo "cflags: $wflags"
  echo "libs:   $wlibs"
  case " $wlibs " in
  *" -lbitsim_win32 -lbitsim "*) ;;
  *) fail "bitsim-win32 libs lack -lbitsim_win32 -lbitsim: $wlibs" ;;
  esac
  # shellcheck disable=SC2086
  "$BSIM_CC" "${wflags_std[@]}" $wflags -M "$here/consumer_win32.c" \
    >"$work/win32.deps" || fail "cannot preprocess consumer_win32.c"
  bits_h=$(grep -oE '[^[:space:]]*/bits\.h' "$work/win32.deps" | head -n 1)
  if [ -z "$bits_h" ] || [ ! "$bits_h" -ef "$prefix/include/bitsim/win32/bits.h" ]; then
    fail "<bits.h> resolved to '$bits_h', not the prefix's bitsim/win32/"
  fi
  # shellcheck disable=SC2086
  run_logged "$work/pc-win32-build.log" "$BSIM_CC" "${wflags_std[@]}" "${san[@]}" \
    "$here/consumer_win32.c" -o "$work/pc-consumer-win32" $wflags $wlibs
  LD_LIBRARY_PATH=$libdir "$work/pc-consumer-win32" "$BSIM_VERSION" ||
    fail "the pkg-config win32 consumer failed"
  "$work/cmake-consumer/consumer_win32" "$BSIM_VERSION" ||
    fail "the CMake win32 consumer failed"
else
  [ ! -e "$libdir/pkgconfig/bitsim-win32.pc" ] ||
    fail "bitsim-win32.pc installed without libbitsim_win32"
  echo "not built (no sim/compat/ sources yet)"
fi

step "the bitsim command"
if [ "$BSIM_EXPECT_CLI" = 1 ]; then
  # No LD_LIBRARY_PATH: a shared build finds libbitsim through its RPATH.
  out=$("$prefix/bin/bitsim" version) || fail "bin/bitsim version failed"
  [ "$out" = "bitsim $BSIM_VERSION" ] || fail "bin/bitsim version: '$out'"
  echo "$out"
else
  echo "not built (no sim/cli/ sources yet)"
fi

echo
echo "check_install: the installed tree works through pkg-config and CMake"
rm -rf "$work"
