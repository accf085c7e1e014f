#!/usr/bin/env bash
# npm run test:arm64: the linux-arm64 prebuild (npm run prebuilds cross-compiles it) works on arm64.
#  1. It needs glibc 2.28 at most and no libstdc++ (scripts/symbols.sh), and each arm64 Node.js line in
#     LINES (default 22 24 26; scripts/node.sh) loads it under qemu-aarch64 (user mode: system calls go
#     to this kernel, so without SCTP here a socket throws ERR_SCTP_UNSUPPORTED, which proves the addon
#     ran), on this machine's arm64 libc and on Debian 11's (glibc 2.31: the arm64 libraries of
#     scripts/bullseye.sh build, where npm run prebuilds built it).
#  2. A smoke run in an arm64 VM (scripts/vm.sh, SCTP_VM_ARCH=arm64: Debian's arm64 kernel under
#     qemu-system-aarch64) with the newest line: open() send/receive, the first messages, and the
#     examples; not those that need x86 programs (Python, ip) the arm64 guest cannot run.
# Needs: qemu-user, qemu-system-arm, and with dpkg --add-architecture arm64: libc6:arm64,
# libstdc++6:arm64, libatomic1:arm64 (the arm64 node runs from this machine's / in the VM too).
set -euo pipefail
cd "$(dirname "$0")/.."
prebuild=$PWD/prebuilds/linux-arm64/sctp-napi.glibc.node
[ -f "$prebuild" ] || { echo "arm64 test: no $prebuild; run: npm run prebuilds" >&2; exit 1; }
command -v qemu-aarch64 >/dev/null || { echo "arm64 test: install qemu-user" >&2; exit 1; }
export SCTP_NAPI_BINDING=$prebuild # lib/binding.js loads it, not build/ (this machine's x64 build)
bash scripts/symbols.sh "$prebuild"
bullseye=$(bash scripts/bullseye.sh build)

node=
for line in ${LINES:-22 24 26}; do
  node=$(bash scripts/node.sh "$line" arm64)
  for prefix in "" "$bullseye"; do # QEMU_LD_PREFIX: where qemu-aarch64 finds the loader and libraries
    out=$(QEMU_LD_PREFIX=$prefix qemu-aarch64 "$node" -e "
      const sctp = require('./');
      let result = 'opens a socket';
      try { sctp.createSocket('sctp4').close(); } catch (e) { result = e.code; }
      console.log(process.arch, process.version, 'glibc', process.report.getReport().header.glibcVersionRuntime, result);")
    case "$out" in
      "arm64 v$line."*" glibc "*" ERR_SCTP_UNSUPPORTED" | "arm64 v$line."*" glibc "*" opens a socket") ;;
      *) echo "arm64 test: Node $line under qemu-aarch64${prefix:+ on $prefix}: $out" >&2; exit 1 ;;
    esac
    [ -z "$prefix" ] || [[ "$out" = *" glibc 2.31 "* ]] || { echo "arm64 test: not Debian 11's libc: $out" >&2; exit 1; }
    echo "arm64 test: qemu-aarch64${prefix:+ with the arm64 libc of Debian 11}: $out"
  done
done

start=$SECONDS
SCTP_VM_ARCH=arm64 bash scripts/vm.sh "$node" node_modules/mocha/bin/mocha.js --no-config --timeout 600000 \
  --node-option expose-gc --grep 'Python|multihomed' --invert \
  test/open/send-receive.test.js test/open/first-message.test.js test/interop/examples.test.js
echo "arm64 test: the smoke run in the arm64 VM took $((SECONDS - start)) s"
