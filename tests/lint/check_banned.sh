#!/usr/bin/env bash
# Banned calls and includes in sim/ (style.md B.16, design.md "Layers"); run
# by ctest as lint/banned.
#
#   check_banned.sh [SOURCE_ROOT]     (default: the repository root)
#
# Fails, naming file and line, on:
#   - rand( srand( strcpy( sprintf( and #include <assert.h> anywhere in sim/
#     (randomness comes from the seeded PRNG, assertions from BSIM_ASSERT);
#   - time( sleep( usleep( nanosleep( gettimeofday( clock_gettime( in sim/
#     outside sim/clock/ (time is read only through the clock seam);
#   - <uv.h>, <curl/curl.h> or <sqlite3.h> reached from the engine core:
#     sim/engine/, sim/notify/ and the model transport
#     (sim/transport/xfer_model.* and model_*). Both direct includes and ones
#     reached through another header count: each core .c file's dependency
#     list comes from the compiler ($CC, default cc, with -M -MG).
# Comments and string literals are ignored, so "never rand()" in a comment is
# fine.
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cc=${CC:-cc}
if [ ! -d "$root/sim" ]; then
  echo "check_banned: no sim/ under $root" >&2
  exit 2
fi
cd "$root"

# Print FILE with comments blanked and string/char literals emptied, line for
# line, so grep's line numbers stay true. #include lines keep their "...".
strip_c() {
  awk '
    BEGIN { incomment = 0; sq = sprintf("%c", 39) }
    {
      line = $0; out = ""; n = length(line); i = 1
      keepstr = (!incomment && line ~ /^[ \t]*#[ \t]*include/)
      while (i <= n) {
        c = substr(line, i, 1); c2 = substr(line, i, 2)
        if (incomment) {
          if (c2 == "*/") { incomment = 0; out = out "  "; i += 2 }
          else { out = out " "; i++ }
        } else if (c2 == "/*") { incomment = 1; out = out "  "; i += 2 }
        else if (c2 == "//") { break }
        else if ((c == "\"" || c == sq) && !keepstr) {
          q = c; out = out q; i++
          while (i <= n && substr(line, i, 1) != q) {
            i += (substr(line, i, 1) == "\\") ? 2 : 1
          }
          out = out q; i++
        } else { out = out c; i++ }
      }
      print out
    }' "$1"
}

fail=0
report() { # where, why
  printf '%s\n    %s\n' "$1" "$2"
  fail=1
}

# flag FILE REGEX WHY: report each line of FILE's code that matches REGEX.
flag() {
  local hit
  while IFS= read -r hit; do
    report "$1:$hit" "$3"
  done < <(strip_c "$1" | grep -nE "$2" || true)
}

id='(^|[^A-Za-z0-9_.>])'
everywhere="${id}(rand|srand|strcpy|sprintf)[[:space:]]*\\(|^[[:space:]]*#[[:space:]]*include[[:space:]]*<assert\\.h>"
clock_only="${id}(time|sleep|usleep|nanosleep|gettimeofday|clock_gettime)[[:space:]]*\\("
real_world='(^|[/<" ])(uv\.h|uv/[A-Za-z0-9_-]+\.h|curl/curl\.h|sqlite3\.h)'

is_core() {
  case "$1" in
  sim/engine/* | sim/notify/* | sim/transport/xfer_model.* | \
    sim/transport/model_*) return 0 ;;
  esac
  return 1
}

while IFS= read -r -d '' f; do
  flag "$f" "$everywhere" \
    "banned in sim/: use the seeded PRNG, snprintf/memcpy, BSIM_ASSERT"
  case "$f" in
  sim/clock/*) ;;
  *) flag "$f" "$clock_only" "time is read only in sim/clock/ (the clock seam)" ;;
  esac
  if is_core "$f"; then
    flag "$f" "^[[:space:]]*#[[:space:]]*include.*${real_world}" \
      "the engine core includes no libuv, libcurl or SQLite header"
    case "$f" in
    *.c)
      deps=$("$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Isim \
        -M -MG "$f" 2>&1) || {
        report "$f" "could not list its includes: $deps"
        continue
      }
      bad=$(printf '%s\n' "$deps" | grep -oE "[^[:space:]]*${real_world}" |
        sort -u | tr '\n' ' ' || true)
      if [ -n "$bad" ]; then
        report "$f" "reaches a libuv, libcurl or SQLite header: $bad"
      fi
      ;;
    esac
  fi
done < <(find sim -type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' \) \
  -print0 | sort -z)

if [ "$fail" -ne 0 ]; then
  echo "check_banned: FAILED (see style.md B.16 and design.md \"Layers\")"
  exit 1
fi
echo "check_banned: sim/ is clean"
