#!/usr/bin/env bash
# npm run bench:scale: one server socket with 10 000 concurrent associations (bench/scale.js).
# Builds the C clients (bench/scale-client.c) here, then runs the scale run natively where the
# kernel has SCTP, otherwise in the VM (scripts/with-sctp.sh). SCALE_* variables go through.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
cc -O2 -Wall -o build/scale-client bench/scale-client.c
exec bash scripts/with-sctp.sh "the scale run (${SCALE_ASSOCIATIONS:-10000} associations)" node bench/scale.js
