#!/usr/bin/env bash
# npm run bench:cores: what reusePort buys, one reusePort group of 1 and 2 members under raw C
# senders (bench/reuseport.js). Builds the raw C program here, then runs natively where the kernel
# has SCTP, otherwise in the VM (scripts/with-sctp.sh). CORES_* and BENCH_OUT go through.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
cc -O2 -Wall -o build/bench-raw bench/raw.c -l:libsctp.a
exec bash scripts/with-sctp.sh "the reusePort bench" node bench/reuseport.js
