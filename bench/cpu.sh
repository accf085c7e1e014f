#!/usr/bin/env bash
# bash bench/cpu.sh CHECKOUT... : CPU per 64-byte message of one API for each checkout (each built),
# interleaved, REPS (5) repetitions of COUNT (20 000) messages, in the VM when this kernel has no
# SCTP, against a raw C peer. API (socket | open) and ROLE (send | recv) choose what is measured
# (bench/cpu.js). Compare the checkouts' userUs medians: the JS and N-API part of a message.
# DIAG=1: each checkout runs twice per repetition, without and then with a subscriber on every
# diagnostics channel (its output's diag: false, then true).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != --inside ]; then
  mkdir -p build
  cc -O2 -Wall -o build/bench-raw bench/raw.c -l:libsctp.a
  exec bash scripts/with-sctp.sh "the CPU-per-message bench" bash bench/cpu.sh --inside "$@"
fi
shift
sysctl -qw net.core.rmem_default=4194304 net.core.wmem_default=4194304 2>/dev/null || true
api=${API:-socket} role=${ROLE:-send} count=${COUNT:-20000}
diags=0
if [ "${DIAG:-0}" != 0 ]; then diags="0 1"; fi
port=21000
for _ in $(seq "${REPS:-5}"); do
  for checkout in "$@"; do
    for diag in $diags; do
      export DIAG=$diag
      port=$((port + 1))
      if [ "$role" = recv ]; then
        out=$(mktemp)
        node bench/cpu.js "$checkout" "$port" "$count" "$api" recv >"$out" &
        until grep -q ready "$out"; do sleep 0.1; done
        build/bench-raw send "$port" 64 "$count" >/dev/null
        wait
        tail -n 1 "$out"
        rm -f "$out"
      else
        build/bench-raw recv "$port" "$count" 0 >/dev/null &
        sleep 0.3
        node bench/cpu.js "$checkout" "$port" "$count" "$api" send
        wait
      fi
    done
  done
done
