# shellcheck shell=bash
# Shared by scripts/setup, scripts/test and .ci/run (sourced, not run): the
# one list of Debian 12 packages bitsim needs, installing the missing ones,
# and configuring and building a build tree.

BSIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BSIM_JOBS=${BSIM_JOBS:-2}

# Everything the build, the tests and the demo use, by Debian 12 name.
BSIM_PACKAGES=(
  build-essential cmake pkg-config # compiler, make, CMake 3.25, pkg-config
  libuv1-dev                       # the loop and timers (real clock)
  libcurl4-openssl-dev             # real transfers (http, https, file)
  libsqlite3-dev                   # the durable job store
  libmicrohttpd-dev                # bitsim serve: origin, upload, peer server
  libcmocka-dev                    # the unit, sim and integration tests
  clang-format                     # lint/format (clang-format 14)
  nginx-light                      # the interop test's second origin
  mingw-w64                        # compile-only check of the Windows examples
  graphviz                         # the state diagram (SVG)
  curl                             # the transfer benchmark's baseline
)

bsim_say() { printf '\n== %s\n' "$*"; }
bsim_die() {
  printf '%s: %s\n' "$(basename "$0")" "$*" >&2
  exit 1
}

# The packages of BSIM_PACKAGES that dpkg does not have installed.
bsim_missing_packages() {
  local p
  for p in "${BSIM_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" != "ii " ]; then
      printf '%s\n' "$p"
    fi
  done
}

# Install what is missing (apt-get update first); nothing when all is there.
bsim_install_packages() {
  command -v dpkg-query >/dev/null ||
    bsim_die "this needs Debian 12 (dpkg and apt-get); see docs/building.md"
  local missing
  mapfile -t missing < <(bsim_missing_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "all ${#BSIM_PACKAGES[@]} Debian packages are installed"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null ||
      bsim_die "not root and no sudo: install as root: apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  echo "installing: ${missing[*]}"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y
    -o DPkg::Lock::Timeout=300)
  "${sudo[@]}" "${apt[@]}" update
  "${sudo[@]}" "${apt[@]}" install "${missing[@]}" </dev/null
  mapfile -t missing < <(bsim_missing_packages)
  [ "${#missing[@]}" -eq 0 ] || bsim_die "still missing: ${missing[*]}"
}

# bsim_build DIR [CMAKE-ARGS...]: configure (warnings are errors) and build.
# Later -D arguments override earlier ones; a build tree keeps its cache.
bsim_build() {
  local dir=$1
  shift
  command -v cmake >/dev/null ||
    bsim_die "cmake is missing: run scripts/setup first (it installs packages)"
  bsim_say "configure $dir"
  cmake -S "$BSIM_ROOT" -B "$dir" -DBSIM_WERROR=ON "$@"
  bsim_say "build $dir (-j$BSIM_JOBS)"
  cmake --build "$dir" -j"$BSIM_JOBS"
}
