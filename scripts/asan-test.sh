#!/usr/bin/env bash
# npm run test:asan: builds the addon with AddressSanitizer (into build-asan/), runs a workload of
# 2 × N messages (N=50000 by default: ASAN_MESSAGES) through both APIs under it, in the VM where
# this kernel has no SCTP, and fails on any invalid access or any leak whose stack is in the addon.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=${ASAN_MESSAGES:-50000}
work=$root/build-asan
rm -rf "$work"
mkdir -p "$work"
cp -r binding.gyp src package.json "$work/"
ln -s "$root/node_modules" "$work/node_modules"
# npm's own node-gyp, with the gyp variable asan=1 (binding.gyp adds the sanitizer flags).
(cd "$work" && npm run --silent build -- -- -Dasan=1 >"$work/build.log" 2>&1) ||
  { tail -20 "$work/build.log" >&2; echo "asan: build failed" >&2; exit 1; }
libasan=$(gcc -print-file-name=libasan.so)
log=$work/asan.log
cat >"$work/run.sh" <<SH
export SCTP_NAPI_BINDING=$work/build/Release/sctp_dgram.node
export LD_PRELOAD=$libasan
export ASAN_OPTIONS=detect_leaks=1:log_path=$log:exitcode=0:handle_segv=0:allow_user_segv_handler=1
exec node "$root/test/fixtures/leak-workload.js" $n
SH
if node -e "try { require('./').open('127.0.0.1', 0, 1, () => {}).close() } catch (e) { process.exit(1) }"; then
  out=$(bash "$work/run.sh")
else
  out=$(bash scripts/vm.sh bash "$work/run.sh")
fi
echo "asan: workload printed $out"
[ "$out" = "{\"open\":$n,\"createSocket\":$n}" ] || { echo "asan: the workload did not complete" >&2; exit 1; }
reports=$(cat "$log".* 2>/dev/null || true)
if grep -q -E 'ERROR: AddressSanitizer' <<<"$reports"; then
  grep -A30 'ERROR: AddressSanitizer' <<<"$reports" | head -60 >&2
  echo "asan: invalid memory access" >&2
  exit 1
fi
# Node leaks at exit by design; only leaks allocated through the addon count.
ours=$(awk '/^(Direct|Indirect) leak/ { block = $0; next } block { block = block "\n" $0 }
  /^$/ && block { if (block ~ /sctp_dgram\.node|src\/[a-z_]+\.cc/) print block; block = "" }' <<<"$reports")
if [ -n "$ours" ]; then
  echo "$ours" | head -60 >&2
  echo "asan: leaks in the addon" >&2
  exit 1
fi
echo "asan: $((2 * n)) messages, no invalid access, no leak in the addon"
