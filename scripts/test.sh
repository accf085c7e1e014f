#!/usr/bin/env bash
# npm test: run mocha here when this kernel has SCTP; otherwise run the same suite inside a VM
# (scripts/with-sctp.sh) and say so in one line. Arguments go to mocha: npm test -- --grep worker
set -uo pipefail
cd "$(dirname "$0")/.."

# The native unit tests first (the decoder and the reassembler: no socket, no kernel SCTP needed).
mkdir -p build && bash scripts/unit-test.sh >build/native-tests.log 2>&1 ||
  { cat build/native-tests.log >&2; echo "sctp-napi: the native unit tests fail" >&2; exit 1; }
tail -1 build/native-tests.log
# The TypeScript declarations: they need no kernel, so they are checked here, natively.
node_modules/.bin/tsc -p test/types || { echo "sctp-napi: index.d.ts fails its type test" >&2; exit 1; }
echo "types: index.d.ts passes test/types/usage.ts"
# So are the error a kernel without SCTP gets and what `sctp-napi doctor` says of it: here, natively
# (in the VM unsupported.test.js's last test skips itself, and doctor.test.js checks the other side).
node_modules/.bin/mocha --no-config --reporter dot test/robustness/unsupported.test.js test/cli/doctor.test.js \
  test/cli/help.test.js || { echo "sctp-napi: the checks of a kernel without SCTP fail" >&2; exit 1; }

exec bash scripts/with-sctp.sh "the tests" node_modules/.bin/mocha "$@"
