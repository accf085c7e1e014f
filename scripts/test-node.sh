#!/usr/bin/env bash
# npm run test:node -- LINE... [MOCHA-ARG...]: the mocha suite under another Node.js line (scripts/node.sh
# fetches it once from the npm registry), one line after the other, in the VM when this kernel has no
# SCTP (scripts/with-sctp.sh). npm test runs it under the machine's own Node.
#   npm run test:node -- 22 26            npm run test:node -- 26 --grep worker
set -uo pipefail
cd "$(dirname "$0")/.."
lines=()
while [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; do lines+=("$1"); shift; done
[ ${#lines[@]} -gt 0 ] || { echo "usage: npm run test:node -- LINE... [MOCHA-ARG...]" >&2; exit 2; }
status=0
for line in "${lines[@]}"; do
  node=$(bash scripts/node.sh "$line") || exit 1
  echo "== the suite on Node $("$node" --version)"
  PATH=${node%/*}:$PATH bash scripts/with-sctp.sh "the tests on Node $line" node_modules/.bin/mocha "$@" || status=1
done
exit "$status"
