#!/usr/bin/env bash
# Formatting check (ctest lint/format): every C and C++ source under sim/,
# include/, tests/, bench/, examples/ and docs/ must already be formatted by
# the repository's .clang-format, so that `clang-format -i` on it changes
# nothing. The failing files are listed; fix them with clang-format -i.
#
#   check_format.sh CLANG_FORMAT [SOURCE_ROOT]
set -euo pipefail

clang_format=$1
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

dirs=()
for d in sim include tests bench examples docs; do
  [ -d "$d" ] && dirs+=("$d")
done
if [ "${#dirs[@]}" -eq 0 ]; then
  echo "check_format: no source folders under $root" >&2
  exit 2
fi

bad=()
while IFS= read -r -d '' f; do
  if ! "$clang_format" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    bad+=("$f")
  fi
done < <(find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \
  -o -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z)

if [ "${#bad[@]}" -ne 0 ]; then
  echo "check_format: not formatted (run: clang-format -i FILE):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check_format: every source is formatted"
