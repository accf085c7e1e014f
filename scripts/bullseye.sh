#!/usr/bin/env bash
# An older Debian (11, bullseye: glibc 2.31) root, made once by debootstrap from the mirror apt uses
# here and kept in $SCTP_ROOT_CACHE (~/.cache/sctp-napi-root):
#
#   scripts/bullseye.sh KIND                                 prints the root's path
#   scripts/bullseye.sh KIND [BIND...] -- COMMAND [ARG...]   runs COMMAND in it (chroot, as root)
#
# KIND is build (minbase, build-essential, python3, libsctp-dev, the arm64 cross compiler and
# libsctp-dev:arm64 with bullseye's arm64 libc and libstdc++: npm run prebuilds builds both prebuilds
# in it, and scripts/arm64-test.sh loads the arm64 one on its arm64 libc) or run (minbase alone: no
# compiler, no libsctp; npm run test:package installs and loads the tarball in it).
# Each BIND is PATH (bind-mounted at the same place in the root) or PATH:WHERE. COMMAND runs in a
# mount namespace of its own, with /proc and /dev, so nothing stays mounted when it ends; it gets
# this environment (and NODE_EXTRA_CA_CERTS's file), with /usr/local/bin (where a BIND can put node) first on PATH.
# Needs debootstrap (apt-get install debootstrap) and root.
set -euo pipefail
die() { echo "sctp-bullseye: $*" >&2; exit 1; }

kind=${1:-}
case $kind in
  build) include=build-essential,python3,libsctp-dev,g++-aarch64-linux-gnu ;;
  run) include= ;;
  *) die "usage: scripts/bullseye.sh build|run [BIND...] [-- COMMAND...]" ;;
esac
shift
cache=${SCTP_ROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sctp-napi-root}
dir=$cache/bullseye-$kind

if [ ! -e "$dir/.complete" ]; then
  command -v debootstrap >/dev/null || die "debootstrap not found; install it with: apt-get install debootstrap"
  mkdir -p "$cache"
  exec 9>"$cache/.lock-$kind"
  flock 9 # another run may be making it
  if [ ! -e "$dir/.complete" ]; then
    mirror=${SCTP_ROOT_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
    mirror=${mirror:-http://deb.debian.org/debian}
    start=$SECONDS
    echo "sctp-bullseye: making the $kind root from $mirror (once; cached in $dir)" >&2
    rm -rf "$dir.tmp"
    debootstrap --variant=minbase ${include:+--include=$include} bullseye "$dir.tmp" "$mirror" >"$cache/$kind.log" 2>&1 ||
      die "debootstrap failed; see $cache/$kind.log"
    if [ "$kind" = build ]; then
      { chroot "$dir.tmp" dpkg --add-architecture arm64 &&
        chroot "$dir.tmp" apt-get update -qq &&
        chroot "$dir.tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
          libsctp-dev:arm64 libstdc++6:arm64; } >>"$cache/$kind.log" 2>&1 || die "the arm64 packages failed; see $cache/$kind.log"
    fi
    chroot "$dir.tmp" apt-get clean
    touch "$dir.tmp/.complete"
    mv "$dir.tmp" "$dir"
    echo "sctp-bullseye: the $kind root took $((SECONDS - start)) s" >&2
  fi
  exec 9>&-
fi
[ $# -gt 0 ] || { echo "$dir"; exit 0; }

binds=()
[ ! -f "${NODE_EXTRA_CA_CERTS:-}" ] || binds+=("$NODE_EXTRA_CA_CERTS") # node's extra CAs, where set
while [ $# -gt 0 ] && [ "$1" != -- ]; do binds+=("$1"); shift; done
[ $# -gt 1 ] || die "no COMMAND after --"
shift
# In a private mount namespace: mount what COMMAND needs, then chroot.
exec unshare --mount --propagation private -- bash -euc '
  dir=$1; shift
  while [ "$1" != -- ]; do
    from=${1%%:*} to=${1#*:}
    if [ -d "$from" ]; then mkdir -p "$dir$to"; else mkdir -p "$(dirname "$dir$to")"; touch "$dir$to"; fi
    mount --bind "$from" "$dir$to"
    shift
  done
  shift
  mount -t proc proc "$dir/proc"
  mount --rbind /dev "$dir/dev"
  PATH=/usr/local/bin:$PATH exec chroot "$dir" "$@"' bullseye "$dir" "${binds[@]}" -- "$@"
