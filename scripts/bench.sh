#!/usr/bin/env bash
# npm run bench: builds the raw C baseline (bench/raw.c, against the same libsctp) and the addon,
# then runs bench/run.js natively where the kernel has SCTP, otherwise in the VM (scripts/vm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
cc -O2 -Wall -o build/bench-raw bench/raw.c -l:libsctp.a
cc -O2 -Wall -o build/scale-client bench/scale-client.c # the scale section's clients
exec bash scripts/with-sctp.sh "the benchmark (every figure ~50x slower than native; ratios still hold)" \
  node bench/run.js
