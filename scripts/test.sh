#!/usr/bin/env bash
# npm test: run mocha here when this kernel has SCTP; otherwise run the same suite inside a VM
# (scripts/vm.sh) and say so in one line. Arguments go to mocha: npm test -- --grep worker
set -uo pipefail
cd "$(dirname "$0")/.."

# The TypeScript declarations first: they need no kernel, so they are checked here, natively.
node_modules/.bin/tsc -p test/types || { echo "sctp-napi: index.d.ts fails its type test" >&2; exit 1; }
echo "types: index.d.ts passes test/types/usage.ts"

# 0: SCTP works here; 1: the kernel has no SCTP; anything else: the addon did not load.
node -e "
  try { require('./').open('127.0.0.1', 0, 1, () => {}).close() } catch (e) {
    if (e.code === 'ERR_SCTP_UNSUPPORTED') process.exit(1)
    console.error(e.message); process.exit(2)
  }"
case $? in
  0) exec node_modules/.bin/mocha "$@" ;;
  1) kernel=${SCTP_VM_KERNEL:-linux-image-amd64}
     echo "sctp-napi: this kernel ($(uname -r)) has no SCTP; running the tests in a VM ($kernel, qemu TCG: slow)"
     exec bash scripts/vm.sh node_modules/.bin/mocha "$@" ;;
  *) echo "sctp-napi: the addon did not load; build it with: npm run build" >&2; exit 1 ;;
esac
