#!/usr/bin/env bash
# scripts/with-sctp.sh WHAT CMD [ARG...]: runs CMD here when this kernel has SCTP; otherwise the same
# command inside the VM (scripts/vm.sh), saying so in one line on stderr ("running WHAT in a VM").
# Fails with a hint when the addon does not load at all. Used by npm test, bench, test:asan/valgrind.
set -uo pipefail
cd "$(dirname "$0")/.."
what=$1
shift
# 0: SCTP works here; 1: the kernel has no SCTP; anything else: the addon did not load.
node -e "
  try { require('./').open('127.0.0.1', 0, 1, () => {}).close() } catch (e) {
    if (e.code === 'ERR_SCTP_UNSUPPORTED') process.exit(1)
    console.error(e.message); process.exit(2)
  }"
case $? in
  0) exec "$@" ;;
  1) echo "sctp-napi: this kernel ($(uname -r)) has no SCTP; running $what in a VM" \
       "(${SCTP_VM_KERNEL:-linux-image-amd64}, qemu TCG: slow)" >&2
     exec bash scripts/vm.sh "$@" ;;
  *) echo "sctp-napi: the addon did not load; build it with: npm run build" >&2; exit 1 ;;
esac
