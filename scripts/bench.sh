#!/usr/bin/env bash
# npm run bench: builds the raw C baseline (bench/raw.c, against the same libsctp) and the addon,
# then runs bench/run.js natively where the kernel has SCTP, otherwise in the VM (scripts/vm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
cc -O2 -Wall -o build/bench-raw bench/raw.c -l:libsctp.a
if node -e "try { require('./').open('127.0.0.1', 0, 1, () => {}).close() } catch (e) { process.exit(1) }" 2>/dev/null; then
  exec node bench/run.js
fi
echo "sctp-napi: this kernel ($(uname -r)) has no SCTP; running the benchmark in a VM (qemu TCG: every figure ~50x slower than native, ratios still hold)"
exec bash scripts/vm.sh node bench/run.js
