#!/usr/bin/env bash
# bash bench/cpu.sh CHECKOUT... : CPU per 64-byte message of one API for each checkout (each built),
# interleaved, REPS (5) repetitions of COUNT (20 000) messages, in the VM when this kernel has no
# SCTP, against a raw C peer. API (socket | open) and ROLE (send | recv) choose what is measured
# (bench/cpu.js). Compare the checkouts' userUs medians: the JS and N-API part of a message.
# KEEP=N (ROLE=recv): the receiver keeps every Nth message and reports what that pins (bench/cpu.js).
# DIAG=1: each checkout runs twice per repetition, without and then with a subscriber on every
# diagnostics channel (its output's diag: false, then true).
# BACKLOG=1 (ROLE=recv): the receiver is stopped (SIGSTOP) while the sender queues all COUNT
# messages, then let go: it drains a full queue, up to 64 messages a wakeup, as a receiver that is
# the bottleneck does. Without it the receiver keeps up with the sender and its CPU per message
# includes the wakeups a faster receiver takes more of (its perWakeup says how many).
# The checkout "raw" is bench/raw.c's receiver (ROLE=recv): the baseline, in the same output shape.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != --inside ]; then
  mkdir -p build
  cc -O2 -Wall -o build/bench-raw bench/raw.c -l:libsctp.a
  exec bash scripts/with-sctp.sh "the CPU-per-message bench" bash bench/cpu.sh --inside "$@"
fi
shift
sysctl -qw net.core.rmem_default=4194304 net.core.wmem_default=4194304 2>/dev/null || true
if [ "${BACKLOG:-0}" != 0 ]; then  # room for the whole queue
  sysctl -qw net.core.rmem_max=268435456 net.core.rmem_default=268435456 2>/dev/null || true
fi
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
        if [ "$checkout" = raw ]; then
          build/bench-raw recv "$port" "$count" 1 >"$out" &
        else
          node --expose-gc bench/cpu.js "$checkout" "$port" "$count" "$api" recv >"$out" &
        fi
        receiver=$!
        until grep -q ready "$out"; do sleep 0.1; done
        if [ "${BACKLOG:-0}" != 0 ]; then
          kill -STOP "$receiver"
          build/bench-raw send "$port" 64 "$count" >/dev/null &
          sender=$!
          for _ in $(seq 300); do kill -0 "$sender" 2>/dev/null || break; sleep 0.1; done
          kill -CONT "$receiver"
        else
          build/bench-raw send "$port" 64 "$count" >/dev/null
        fi
        wait
        if [ "$checkout" = raw ]; then  # {"received":N,"seconds":S,"cpu":{"user":U,"system":S}}
          node -e 'const r = JSON.parse(process.argv[1]); const per = (us) => Number((us / r.received).toFixed(2));
            console.log(JSON.stringify({ checkout: "raw", role: "recv", userUs: per(r.cpu.user), systemUs: per(r.cpu.system),
              wallUs: per(r.seconds * 1e6) }))' "$(tail -n 1 "$out")"
        else
          tail -n 1 "$out"
        fi
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
