#!/usr/bin/env bash
# Self-test of the lint scripts (ctest lint/selftest): each case writes a tiny
# source tree into a scratch directory and checks that check_banned.sh fails
# on every banned call or include it must catch (naming the file) and passes
# what is allowed: mentions in comments and strings, clock calls inside
# sim/clock/, libcurl in the curl transport. With a clang-format given, it
# also checks that check_format.sh fails on a badly formatted file.
#
#   selftest.sh SCRATCH_DIR [CLANG_FORMAT]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
scratch=$1
clang_format=${2:-}
failures=0
cases=0

# new_tree: an empty scratch tree with sim/ and include/, printed.
new_tree() {
  local t="$scratch/case$cases"
  rm -rf "$t"
  mkdir -p "$t/sim" "$t/include"
  printf '%s\n' "$t"
}

# put TREE PATH TEXT: write one file of the tree.
put() {
  mkdir -p "$(dirname "$1/$2")"
  printf '%s\n' "$3" >"$1/$2"
}

# expect pass|fail NAME TREE [FILE-THE-OUTPUT-MUST-NAME]
expect() {
  local want=$1 name=$2 tree=$3 names=${4:-} out rc=0
  cases=$((cases + 1))
  out=$(bash "$here/check_banned.sh" "$tree" 2>&1) || rc=$?
  if [ "$want" = pass ] && [ "$rc" -ne 0 ]; then
    printf 'FAIL %s: expected a pass, got:\n%s\n' "$name" "$out"
    failures=$((failures + 1))
  elif [ "$want" = fail ] && [ "$rc" -ne 1 ]; then
    printf 'FAIL %s: expected exit 1, got %s:\n%s\n' "$name" "$rc" "$out"
    failures=$((failures + 1))
  elif [ -n "$names" ] && ! grep -qF "$names" <<<"$out"; then
    printf 'FAIL %s: output does not name %s:\n%s\n' "$name" "$names" "$out"
    failures=$((failures + 1))
  else
    printf 'ok   %s\n' "$name"
  fi
}

# one_file pass|fail NAME PATH TEXT: a tree holding one file.
one_file() {
  local t
  t=$(new_tree)
  put "$t" "$3" "$4"
  if [ "$1" = fail ]; then
    expect fail "$2" "$t" "$3"
  else
    expect pass "$2" "$t"
  fi
}

ok_c='int bsim__ok(int x);
int bsim__ok(int x) { return x + 1; }'

one_file pass "clean tree" sim/engine/ok.c "$ok_c"
for call in 'rand()' 'srand(1u)' 'strcpy(d, s)' 'sprintf(d, "%d", 1)'; do
  one_file fail "$call in sim/util" sim/util/bad.c "void f(char *d, const char *s) { (void)$call; }"
  one_file fail "$call in sim/clock" sim/clock/bad.c "void f(char *d, const char *s) { (void)$call; }"
done
one_file fail "<assert.h> in sim/" sim/store/bad.c '#include <assert.h>'
one_file fail "<assert.h> spaced" sim/store/bad.h '  #  include   <assert.h>'
for call in 'time(0)' 'sleep(1)' 'usleep(1)' 'nanosleep(0, 0)' \
  'gettimeofday(0, 0)' 'clock_gettime(1, 0)'; do
  one_file fail "$call outside sim/clock" sim/engine/bad.c "void f(void) { (void)$call; }"
  one_file pass "$call inside sim/clock" sim/clock/real.c "void f(void) { (void)$call; }"
done
one_file pass "mentions in comments and strings" sim/engine/words.c '/* never rand() or time(NULL);
   not sleep(1) either */
// strcpy(a, b) is banned
static const char *s = "sprintf( time( \" rand(";
static const char c = '"'"'"'"'"';
int bsim__w(void) { return s[0] + c; } /* usleep(1) */'
one_file fail "code after a closed comment" sim/engine/after.c '/* comment */ int x(void) { return rand(); }'
one_file pass "names that only end in a banned word" sim/engine/names.c 'int bsim_time(void); int runtime(void); int s_rand(void);
int g(struct { int (*time)(void); } *o) { return o->time() + bsim_time(); }'

for dir in engine notify; do
  for hdr in '<uv.h>' '<curl/curl.h>' '<sqlite3.h>' '"uv.h"'; do
    one_file fail "$hdr in sim/$dir" "sim/$dir/bad.c" "#include $hdr"
  done
done
one_file fail "<uv.h> in the model transport" sim/transport/xfer_model.c '#include <uv.h>'
one_file fail "<curl/curl.h> in a model file" sim/transport/model_hosts.c '#include <curl/curl.h>'
one_file pass "<curl/curl.h> in the curl transport" sim/transport/xfer_curl.c '#include <curl/curl.h>'
one_file pass "<sqlite3.h> in the store" sim/store/store_sqlite.c '#include <sqlite3.h>'
one_file pass "<uv.h> in the clock" sim/clock/loop_uv.c '#include <uv.h>'

t=$(new_tree)
put "$t" sim/transport/curl_priv.h '#include <curl/curl.h>'
put "$t" sim/engine/indirect.c '#include "transport/curl_priv.h"'
expect fail "<curl/curl.h> reached through a header" "$t" sim/engine/indirect.c

t=$(new_tree)
put "$t" sim/util/clean.h '#include <stdint.h>'
put "$t" sim/notify/fine.c '#include "util/clean.h"
#include <string.h>'
expect pass "core file with only clean includes" "$t"

if [ -n "$clang_format" ]; then
  for want in pass fail; do
    cases=$((cases + 1))
    t=$(new_tree)
    cp "$here/../../.clang-format" "$t/.clang-format"
    if [ "$want" = pass ]; then
      put "$t" sim/engine/f.c 'int f(int x) {
  return x;
}'
    else
      put "$t" sim/engine/f.c 'int   f( int x ){return x;}'
    fi
    rc=0
    out=$(bash "$here/check_format.sh" "$clang_format" "$t" 2>&1) || rc=$?
    if { [ "$want" = pass ] && [ "$rc" -eq 0 ]; } ||
      { [ "$want" = fail ] && [ "$rc" -ne 0 ] && grep -q 'sim/engine/f.c' <<<"$out"; }; then
      printf 'ok   format check: %s case\n' "$want"
    else
      printf 'FAIL format check: %s case (exit %s):\n%s\n' "$want" "$rc" "$out"
      failures=$((failures + 1))
    fi
  done
fi

rm -rf "$scratch"/case*
echo "$((cases - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
