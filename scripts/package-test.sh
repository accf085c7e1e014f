#!/usr/bin/env bash
# npm run test:package [-- LINE...]: the npm tarball holds what users need and nothing else (both
# prebuilds: linux-x64 and linux-arm64, each needing glibc 2.28 at most and no libstdc++:
# scripts/symbols.sh), installs into an empty project with no compiler (the prebuild is used), and
# works: here, and in the VM when this kernel has no SCTP. With Node.js lines (18 ... 26, fetched once
# by scripts/node.sh) the install and the check run under each of them in turn; without, under this
# machine's node. Then on Debian 11 (glibc 2.31; scripts/bullseye.sh run, no compiler, no libsctp) under
# the official Node 20 and 22: installed with scripts off (as pnpm and Bun do), loaded, and used.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fail() { echo "package test: $*" >&2; exit 1; }
nodes=()
for line in "$@"; do nodes+=("$(bash scripts/node.sh "$line")") || exit 1; done
[ ${#nodes[@]} -gt 0 ] || nodes=("$(command -v node)")
path=$PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/sctp-napi-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The Debian 11 root of step 4, made (once) meanwhile: debootstrap waits mostly on the mirror and dpkg.
bash scripts/bullseye.sh run >/dev/null 2>"$work/bullseye.log" &
bullseye_made=$!
tarball=$work/$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -1) # prepack: prebuild

# 1. Contents: exactly what users need.
tar tzf "$tarball" | sed 's|^package/||' | sort >"$work/files"
unexpected=$(grep -v -E '^(lib/(cli/)?[a-z-]+\.js|index\.d\.ts|src/[a-z_]+\.(cc|h)|binding\.gyp|prebuilds/linux-(x64|arm64)/sctp-napi\.glibc\.node|scripts/install\.js|README\.md|LICENSE|package\.json)$' "$work/files" || true)
[ -z "$unexpected" ] || fail "unexpected files in the tarball: $unexpected"
for f in lib/index.js lib/socket.js index.d.ts binding.gyp src/addon.cc prebuilds/linux-x64/sctp-napi.glibc.node \
  prebuilds/linux-arm64/sctp-napi.glibc.node README.md LICENSE; do
  grep -qx "$f" "$work/files" || fail "$f is missing from the tarball"
done
echo "package test: the tarball holds $(wc -l <"$work/files") files, all expected"
# Each prebuild is for its architecture and needs no libsctp (nor libstdc++) at run time.
tar xzf "$tarball" -C "$work" package/prebuilds
for arch in "x64:X86-64" "arm64:AArch64"; do
  binary=$work/package/prebuilds/linux-${arch%%:*}/sctp-napi.glibc.node
  readelf -h "$binary" | grep -q "Machine: .*${arch#*:}" || fail "$binary is not an ${arch#*:} binary"
  needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  case "$needed" in *libsctp* | *libstdc++*) fail "the linux-${arch%%:*} prebuild needs $needed at run time" ;; esac
  echo "package test: prebuilds/linux-${arch%%:*} is ${arch#*:}, needs only: $needed"
done
(cd "$work/package" && bash "$root/scripts/symbols.sh" prebuilds/linux-*/sctp-napi.glibc.node) ||
  fail "a prebuild needs more than glibc 2.28 has"

# 2. Install into an empty project with no compiler, under each Node: the prebuild must be used.
# 3. It loads and opens a socket (in the VM where this kernel has no SCTP).
cat >"$work/check.js" <<'JS'
const sctp = require('sctp-napi');
let s;
try { s = sctp.createSocket('sctp4'); } catch (e) {
  if (e.code !== 'ERR_SCTP_UNSUPPORTED') throw e;
  console.log('unsupported'); process.exit(0);
}
s.on('message', (msg) => { console.log(`echo ${msg}`); s.close(); });
s.bind(0, '127.0.0.1', () => s.send('ok', s.address().port, '127.0.0.1'));
JS
for node in "${nodes[@]}"; do
  version=$("$node" --version)
  app=$work/app-$version
  mkdir "$app"
  cd "$app"
  cp "$work/check.js" .
  export PATH=${node%/*}:$path # npm and the package's install script run under this node
  npm init -y >/dev/null
  CC=false CXX=false npm_config_build_from_source=false \
    npm install --no-audit --no-fund --loglevel=error "$tarball" >/dev/null || fail "Node $version: npm install of the tarball failed"
  [ ! -e "$app/node_modules/sctp-napi/build" ] || fail "Node $version: the install built from source instead of using the prebuild"
  echo "package test: Node $version: installed with CC=false CXX=false"
  # The command line (package.json bin): linked, and its doctor names the prebuild and its glibc floor.
  got=$(node_modules/.bin/sctp-napi --version) && [ "$got" = "$(node -p "require('$root/package.json').version")" ] ||
    fail "Node $version: node_modules/.bin/sctp-napi --version gave '$got'"
  got=$(node_modules/.bin/sctp-napi doctor --json | grep '"check":"binary"' || true)
  grep -q '"status":"ok","detail":"prebuilds/linux-x64/sctp-napi.glibc.node (the prebuild), needs glibc 2\.' <<<"$got" ||
    fail "Node $version: sctp-napi doctor did not name the prebuild: $got"
  echo "package test: Node $version: the sctp-napi command runs; doctor: $(sed 's/.*"detail":"\([^"]*\)".*/\1/' <<<"$got")"
  out=$(node check.js)
  if [ "$out" = unsupported ]; then
    echo "package test: Node $version: require works here; createSocket throws ERR_SCTP_UNSUPPORTED (no SCTP in this kernel)"
    out=$(bash "$root/scripts/vm.sh" node check.js)
  fi
  [ "$out" = "echo ok" ] || fail "Node $version: the installed package did not send and receive (got: $out)"
  echo "package test: Node $version: the installed package sends and receives over kernel SCTP"
done

# 4. On Debian 11 (glibc 2.31, no compiler, no libsctp), under official Node 20 and 22: installed with
# scripts off (pnpm 10 and Bun run no dependency install scripts), then loaded and used (in the VM
# when this kernel has no SCTP: its / is this machine's, so the same chroot works there).
start=$SECONDS
wait "$bullseye_made" || fail "the Debian 11 root: $(cat "$work/bullseye.log")"
sed 's/^/package test: /' "$work/bullseye.log" # what making it took, when it was made now
npm=$(dirname "$(dirname "$(readlink -f "${npm_execpath:-$(command -v npm)}")")") # npm's own files
binds=("$work" "$npm" "$(npm config get cache):/root/.npm")
old=()
for line in 20 22; do
  node=$(bash "$root/scripts/node.sh" "$line")
  binds+=("${node%/bin/node}")
  old+=("$node")
done
cat >"$work/old.sh" <<'SH'
set -eu
cd "$1"; shift
for node in "$@"; do
  app=old-$("$node" --version)
  if [ ! -d "$app" ]; then # install (here, not in the VM), scripts off: no prebuild chosen at install time
    mkdir "$app" && cp check.js "$app" && cd "$app"
    echo '{ "name": "app", "version": "1.0.0", "private": true }' >package.json
    "$node" "$NPM/bin/npm-cli.js" install --ignore-scripts --prefer-offline --no-audit --no-fund --no-update-notifier \
      --loglevel=error "$TARBALL" >/dev/null
    [ ! -e node_modules/sctp-napi/build ]
    cd ..
  fi
  (cd "$app" && echo "$("$node" --version) glibc $("$node" -p 'process.report.getReport().header.glibcVersionRuntime'):" \
    "$("$node" -p "require('node-gyp-build').resolve('node_modules/sctp-napi').replace(/.*node_modules./, '')")" \
    "$("$node" check.js)")
done
SH
in_old() { NPM=$npm TARBALL=$tarball "$@" bash "$root/scripts/bullseye.sh" run "${binds[@]}" -- bash "$work/old.sh" "$work" "${old[@]}"; }
out=$(in_old) || fail "Debian 11: the install or the check failed: $out"
if grep -q ' unsupported$' <<<"$out"; then
  echo "package test: Debian 11: installed with --ignore-scripts; require works there; no SCTP in this kernel:"
  sed 's/^/  /' <<<"$out"
  out=$(in_old bash "$root/scripts/vm.sh") || fail "Debian 11 in the VM: $out"
fi
sed 's/^/  /' <<<"$out"
[ "$(grep -c ' glibc 2\.31: sctp-napi/prebuilds/linux-x64/sctp-napi\.glibc\.node echo ok$' <<<"$out")" = 2 ] ||
  fail "Debian 11: the installed package did not load its prebuild, send and receive under Node 20 and 22"
echo "package test: Debian 11 (glibc 2.31), Node 20 and 22: installed with scripts off, the prebuild loads," \
  "sends and receives over kernel SCTP ($((SECONDS - start)) s)"
