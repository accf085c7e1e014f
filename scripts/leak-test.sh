#!/usr/bin/env bash
# npm run test:asan | test:valgrind — scripts/leak-test.sh asan|valgrind
# Builds the addon from the same sources into build-TOOL/ (with AddressSanitizer for asan; as
# released for valgrind) and, in the VM where this kernel has no SCTP:
#  - runs a workload of 2 × N messages (N=50000 by default: LEAK_MESSAGES) through open() and
#    createSocket() under the tool;
#  - asan only: runs the mocha suite (but test/interop/usrsctp, wire and open) on the instrumented addon too (every error path, worker,
#    close-in-callback and GC test), leak checking off there (tests exit with sockets open on purpose);
# SCTP_NODE_LINE (e.g. 26) runs it all under that official Node line, SCTP_VM_KERNEL in that kernel.
# It fails on any invalid memory access, or on any leak (valgrind: any error) whose stack is in the addon.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tool=${1:?usage: leak-test.sh asan|valgrind}
n=${LEAK_MESSAGES:-${ASAN_MESSAGES:-50000}}
work=$root/build-$tool
log=$work/$tool.log
rm -rf "$work"
mkdir -p "$work"
cp -r binding.gyp src package.json "$work/"
ln -s "$root/node_modules" "$work/node_modules"
say() { echo "$tool: $*"; }

case $tool in
  asan)
    # binding.gyp adds the sanitizer flags. (Not "asan": that is Node's own config variable, 0.)
    gypflags=--sctp_asan=1
    run="export LD_PRELOAD=$(gcc -print-file-name=libasan.so)
export ASAN_OPTIONS=detect_leaks=\${DETECT_LEAKS:-1}:log_path=$log:exitcode=0:handle_segv=0:allow_user_segv_handler=1
exec \"\$@\""
    ;;
  valgrind)
    command -v valgrind >/dev/null || { say "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
    gypflags=
    # --vgdb=no: valgrind's gdb pipe needs a shared mmap that the VM's 9p root refuses.
    run="exec valgrind -q --vgdb=no --log-file=$log.%p --leak-check=full --show-leak-kinds=definite \
--errors-for-leak-kinds=definite --num-callers=30 \"\$@\""
    ;;
  *) echo "usage: leak-test.sh asan|valgrind" >&2; exit 2 ;;
esac

# npm's own node-gyp, so no other node-gyp is needed.
(cd "$work" && npm run --silent build -- $gypflags >"$work/build.log" 2>&1) ||
  { tail -20 "$work/build.log" >&2; say "build failed" >&2; exit 1; }
if [ "$tool" = asan ] && ! nm -D "$work/build/Release/sctp_dgram.node" | grep __asan_init >/dev/null; then
  say "the build is not instrumented (no __asan_init symbol)" >&2
  exit 1
fi
printf 'export SCTP_NAPI_BINDING=%s\n%s\n' "$work/build/Release/sctp_dgram.node" "$run" >"$work/run.sh"
# SCTP_NODE_LINE=26: under that official Node line (scripts/node.sh) instead of the machine's own.
if [ -n "${SCTP_NODE_LINE:-}" ]; then
  node=$(bash scripts/node.sh "$SCTP_NODE_LINE") || exit 1
  export PATH=${node%/*}:$PATH
fi
say "on Node $(node --version)"
under() { bash scripts/with-sctp.sh "the $tool run" bash "$work/run.sh" "$@"; }

start=$SECONDS
out=$(under node "$root/test/fixtures/leak-workload.js" "$n" || true)
say "workload printed $out ($((SECONDS - start)) s)"
suite=0
if [ "$tool" = asan ]; then
  start=$SECONDS
  # Not the files that check other programs and the wire (usrsctp, tshark and Python's open() peer:
  # minutes of their timers; their paths through the addon are the other tests' too).
  DETECT_LEAKS=0 under node_modules/.bin/mocha --reporter dot --exclude test/interop/usrsctp.test.js \
    --exclude test/interop/wire.test.js --exclude test/interop/open.test.js >"$work/mocha.log" 2>&1 || suite=$?
  say "the test suite on the instrumented addon: $(grep -E 'passing|failing' "$work/mocha.log" |
    tr -s ' \n' ' ')($((SECONDS - start)) s)"
fi

# The reports as blocks separated by blank lines (valgrind's "==pid== " prefix removed).
reports=$(cat "$log".* 2>/dev/null | sed -E 's/^==[0-9]+== ?//' || true)
blocks() { # from a line matching $1 to the next blank line, if the block matches $2 (when given)
  awk -v head="$1" -v body="${2:-}" '
    function flush() { if (b != "" && (body == "" || b ~ body)) print b "\n"; b = "" }
    /^$/ { flush(); next }
    b != "" { b = b "\n" $0; next }
    $0 ~ head { b = $0 }
    END { flush() }' <<<"$reports"
}
addon='sctp_dgram\.node|src/[a-z_]+\.cc'
if [ "$tool" = asan ]; then
  invalid=$(blocks 'ERROR: AddressSanitizer')
  ours=$(blocks '^(Direct|Indirect) leak' "$addon") # Node leaks at exit by design
else
  invalid=$(blocks '^Invalid (read|write|free)')
  ours=$(blocks '.' "$addon")
fi
fail() { [ -z "${1:-}" ] || echo "$1" | head -60 >&2; say "$2" >&2; exit 1; }
[ -z "$invalid" ] || fail "$invalid" "invalid memory access"
[ "$out" = "{\"open\":$n,\"createSocket\":$n}" ] || fail "" "the workload did not complete"
[ "$suite" = 0 ] || fail "$(tail -40 "$work/mocha.log")" "the test suite failed on the instrumented addon"
[ -z "$ours" ] || fail "$ours" "leaks or errors in the addon"
say "$((2 * n)) messages$([ "$tool" = asan ] && echo " and the test suite"), no invalid access, no leak in the addon"
