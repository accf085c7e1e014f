#!/usr/bin/env bash
# npm run test:package: the npm tarball holds what users need and nothing else, installs into an
# empty project with no compiler (the prebuild is used), and works: here, and in the VM when this
# kernel has no SCTP.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fail() { echo "package test: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sctp-napi-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
tarball=$work/$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -1) # prepack: prebuild

# 1. Contents: exactly what users need.
tar tzf "$tarball" | sed 's|^package/||' | sort >"$work/files"
unexpected=$(grep -v -E '^(lib/[a-z-]+\.js|index\.d\.ts|src/[a-z_]+\.(cc|h)|binding\.gyp|prebuilds/linux-x64/sctp-napi\.node|scripts/install\.js|README\.md|LICENSE|package\.json)$' "$work/files" || true)
[ -z "$unexpected" ] || fail "unexpected files in the tarball: $unexpected"
for f in lib/index.js lib/socket.js index.d.ts binding.gyp src/addon.cc prebuilds/linux-x64/sctp-napi.node README.md LICENSE; do
  grep -qx "$f" "$work/files" || fail "$f is missing from the tarball"
done
echo "package test: the tarball holds $(wc -l <"$work/files") files, all expected"

# 2. Install into an empty project with no compiler: the prebuild must be used.
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
CC=false CXX=false npm_config_build_from_source=false \
  npm install --no-audit --no-fund --loglevel=error "$tarball" >/dev/null || fail "npm install of the tarball failed"
installed=$work/app/node_modules/sctp-napi
[ ! -e "$installed/build" ] || fail "the install built from source instead of using the prebuild"
if ldd "$installed/prebuilds/linux-x64/sctp-napi.node" | grep -q libsctp; then
  fail "the prebuild needs libsctp at run time"
fi
echo "package test: installed with CC=false CXX=false; the prebuild needs no libsctp"

# 3. It loads and opens a socket (in the VM where this kernel has no SCTP).
cat >check.js <<'JS'
const sctp = require('sctp-napi');
let s;
try { s = sctp.createSocket('sctp4'); } catch (e) {
  if (e.code !== 'ERR_SCTP_UNSUPPORTED') throw e;
  console.log('unsupported'); process.exit(0);
}
s.on('message', (msg) => { console.log(`echo ${msg}`); s.close(); });
s.bind(0, '127.0.0.1', () => s.send('ok', s.address().port, '127.0.0.1'));
JS
out=$(node check.js)
if [ "$out" = unsupported ]; then
  echo "package test: require works here; createSocket throws ERR_SCTP_UNSUPPORTED (no SCTP in this kernel)"
  out=$(bash "$root/scripts/vm.sh" node check.js)
fi
[ "$out" = "echo ok" ] || fail "the installed package did not send and receive (got: $out)"
echo "package test: the installed package sends and receives over kernel SCTP"
