#!/usr/bin/env bash
# npm run prebuilds: both prebuilds (linux-x64, and linux-arm64 with the cross compiler), tagged by
# libc (prebuilds/linux-ARCH/sctp-napi.glibc.node), built by prebuildify in a Debian 11 root
# (scripts/bullseye.sh build: glibc 2.31, gcc 10) under the official Node 20 binary (scripts/node.sh),
# so that they need no newer glibc than 2.28 and no libstdc++: scripts/symbols.sh checks, and says
# what each needs. Needs root and debootstrap (the root is made once and cached).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
root=$(bash scripts/bullseye.sh build)
node=$(bash scripts/node.sh 20)
# node-gyp: npm's own (npm run sets npm_execpath to its npm-cli.js), bind-mounted into the root.
npm=$(dirname "$(dirname "$(readlink -f "${npm_execpath:-$(command -v npm)}")")")
[ -f "$npm/node_modules/node-gyp/bin/node-gyp.js" ] || { echo "prebuild: no node-gyp in $npm" >&2; exit 1; }
binds=("$PWD" "$node:/usr/local/bin/node" "$npm")
# Node's headers: from npm_config_nodedir when set (else node-gyp fetches them for Node 20 into the root).
if [ -n "${npm_config_nodedir:-}" ]; then
  binds+=("$npm_config_nodedir/include/node:/opt/node/include/node")
  export npm_config_nodedir=/opt/node
fi
rm -rf prebuilds
PREBUILD_NODE_GYP=$npm/node_modules/node-gyp/bin/node-gyp.js bash scripts/bullseye.sh build "${binds[@]}" -- \
  bash -euc 'cd "$1"
    CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ PREBUILD_STRIP_BIN=aarch64-linux-gnu-strip \
      node_modules/.bin/prebuildify --napi --strip --tag-libc --arch arm64
    node_modules/.bin/prebuildify --napi --strip --tag-libc' prebuild "$PWD"
bash scripts/symbols.sh prebuilds/linux-x64/sctp-napi.glibc.node prebuilds/linux-arm64/sctp-napi.glibc.node
echo "prebuild: both prebuilds built in $root in $((SECONDS - start)) s"
