#!/usr/bin/env bash
# scripts/symbols.sh BINARY...: the symbol versions each binary needs at run time (readelf -V, which
# reads any architecture's ELF), one line per binary with the highest of each family, and a failure
# when one needs more than the oldest systems the prebuilds are for have: GLIBC above 2.28 (RHEL 8,
# the oldest glibc official Node 20+ binaries run on), or any GLIBCXX_, CXXABI_ (libstdc++) or GCC_
# (libgcc_s) version at all (the addon links both statically).
set -euo pipefail
floor=2.28
status=0
for binary in "$@"; do
  needs=$(readelf -V -W "$binary" | sed -n 's/.*Name: \([A-Z]*_[0-9.]*\) .*/\1/p')
  line=
  for family in GLIBC GLIBCXX CXXABI GCC; do
    top=$(grep "^${family}_" <<<"$needs" | sed "s/^${family}_//" | sort -V | tail -1 || true)
    line+=" $family ${top:-none}"
  done
  echo "symbols: $binary needs at most:$line"
  glibc=$(grep '^GLIBC_' <<<"$needs" | sed 's/^GLIBC_//' | sort -V | tail -1 || true)
  if [ -n "$glibc" ] && [ "$(printf '%s\n' "$glibc" "$floor" | sort -V | tail -1)" != "$floor" ]; then
    echo "symbols: $binary needs GLIBC_$glibc, more than $floor:" \
      "$(readelf --dyn-syms -W "$binary" | grep -oE '[a-z_0-9]+@GLIBC_[0-9.]+' | sort -u |
        awk -F@GLIBC_ -v f="$floor" '{ split($2, a, "."); split(f, b, ".");
          if (a[1] > b[1] || (a[1] == b[1] && a[2] + 0 > b[2] + 0)) printf "%s ", $0 }')" >&2
    status=1
  fi
  if grep -qE '^(GLIBCXX|CXXABI|GCC)_' <<<"$needs"; then
    echo "symbols: $binary needs libstdc++ or libgcc_s versions: $(grep -E '^(GLIBCXX|CXXABI|GCC)_' <<<"$needs" | tr '\n' ' ')" >&2
    status=1
  fi
done
exit "$status"
