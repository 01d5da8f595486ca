#!/usr/bin/env bash
# The examples of examples/ against `bitsim serve` over the curl transport
# (real HTTP on loopback): each must download the served file intact.
#   run_serve.sh <bitsim> <workdir> <example>...
set -euo pipefail
bitsim=$1
work=$2
shift 2
rm -rf "$work"
mkdir -p "$work/root"
head -c 300000 /dev/urandom >"$work/root/data.bin"
"$bitsim" serve --root "$work/root" >"$work/serve.out" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$work/serve.out" ] && break
  # Waiting for the server to print its port (a real process, real time).
  read -r -t 0.05 <> <(:) || true
done
port=$(head -n 1 "$work/serve.out")
[[ "$port" =~ ^[0-9]+$ ]] || { echo "no port from bitsim serve"; exit 1; }
for exe in "$@"; do
  out="$work/out-$(basename "$exe")"
  mkdir -p "$out"
  "$exe" "http://127.0.0.1:$port/data.bin" "$out"
  cmp "$work/root/data.bin" "$out/data.bin"
  echo "$(basename "$exe"): downloaded intact"
done
