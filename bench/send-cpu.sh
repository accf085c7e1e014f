#!/usr/bin/env bash
# bash bench/send-cpu.sh CHECKOUT... : the sender's CPU per 64-byte createSocket().send() for each
# checkout (each built), interleaved, REPS (5) repetitions of COUNT (20 000) messages, in the VM when
# this kernel has no SCTP. Compare the checkouts' userUs medians: the JS and N-API part of a send.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != --inside ]; then
  mkdir -p build
  cc -O2 -Wall -o build/bench-raw bench/raw.c -l:libsctp.a
  exec bash scripts/with-sctp.sh "the send CPU bench" bash bench/send-cpu.sh --inside "$@"
fi
shift
sysctl -qw net.core.rmem_default=4194304 net.core.wmem_default=4194304 2>/dev/null || true
port=21000
for _ in $(seq "${REPS:-5}"); do
  for checkout in "$@"; do
    port=$((port + 1))
    build/bench-raw recv "$port" "${COUNT:-20000}" 0 >/dev/null &
    sleep 0.3
    node bench/send-cpu.js "$checkout" "$port" "${COUNT:-20000}"
    wait
  done
done
