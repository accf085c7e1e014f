#!/usr/bin/env bash
# Run one command inside a throwaway VM whose kernel has SCTP.
#
#   scripts/vm.sh COMMAND [ARG...]        (npm run vm -- COMMAND [ARG...])
#
# The VM is qemu (TCG, no KVM needed) booting a stock Debian kernel with the sctp module
# loaded; this machine's / is shared into it over 9p, so COMMAND runs on the same files,
# in the same directory, with the same environment, as root. Its output streams here and
# its exit status is this script's. The VM has no network device: only loopback, plus
# whatever network namespaces and veth pairs the command makes itself.
#
# Environment:
#   SCTP_VM_ARCH     amd64 (the default) or arm64: an arm64 guest (qemu-system-aarch64, slower still) whose
#                    init runs COMMAND under Debian's static arm64 busybox sh, so COMMAND must be an arm64
#                    program (this machine's x86 userland cannot run there; see scripts/arm64-test.sh)
#   SCTP_VM_KERNEL   Debian kernel package to boot (default linux-image-ARCH; e.g. linux-image-6.12-amd64)
#   SCTP_VM_CACHE    where kernels and initramfs images are kept (default ~/.cache/sctp-napi-vm)
#   SCTP_VM_MEMORY   guest memory in MiB (default 2048)
#   SCTP_VM_CPUS     guest CPUs (default: this machine's, at most 4)
#   SCTP_VM_TIMEOUT  seconds before the VM is killed (default 3600)
#   SCTP_VM_VERBOSE  1 to show the kernel's boot messages
set -euo pipefail

die() { echo "sctp-vm: $*" >&2; exit 127; }
need() { # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install it with: apt-get install $2"
}

[ $# -gt 0 ] || die "usage: scripts/vm.sh COMMAND [ARG...]"
[ "$(uname -m)" = x86_64 ] || die "the VM harness supports x86_64 hosts only"

arch=${SCTP_VM_ARCH:-amd64}
case $arch in
  amd64) qemu=(qemu-system-x86_64 -cpu max) tty=ttyS0 shell=/bin/bash
         need qemu-system-x86_64 qemu-system-x86 ;;
  arm64) qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on) tty=ttyAMA0 shell= # set below
         need qemu-system-aarch64 qemu-system-arm
         dpkg --print-foreign-architectures | grep -qx arm64 ||
           die "arm64 packages are needed; run: dpkg --add-architecture arm64 && apt-get update" ;;
  *) die "SCTP_VM_ARCH is amd64 or arm64, not $arch" ;;
esac
need apt-get apt
need dpkg-deb dpkg
need cpio cpio
need depmod kmod
need xz xz-utils
busybox=/bin/busybox
[ "$arch" != amd64 ] || { [ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1; } ||
  die "a static /bin/busybox is needed; install it with: apt-get install busybox-static"

package=${SCTP_VM_KERNEL:-linux-image-$arch}
cache=${SCTP_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sctp-napi-vm}
modules="virtio_pci 9pnet_virtio 9p sctp veth sch_netem"

# Follow meta-packages (linux-image-amd64 -> linux-image-6.1.0-NN-amd64) to the real image.
resolve() {
  local pkg=$1 dep
  for _ in 1 2 3 4; do
    dep=$(apt-cache depends --no-recommends --no-suggests "$pkg:$arch" 2>/dev/null |
      awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
    [ -n "$dep" ] || break
    pkg=${dep%:"$arch"}
  done
  apt-cache show "$pkg:$arch" >/dev/null 2>&1 ||
    die "kernel package '$pkg' is unknown to apt; run apt-get update (or check SCTP_VM_KERNEL)"
  echo "$pkg"
}

prepare() { # builds $dir/vmlinuz and $dir/initrd.img once per kernel package
  local dir=$1 pkg=$2 tmp root kver mod
  tmp=$(mktemp -d "$cache/.build.XXXXXX")
  trap 'rm -rf "$tmp"' RETURN
  echo "sctp-vm: preparing $pkg (once; cached in $dir)" >&2
  (cd "$tmp" && apt-get download "$pkg:$arch" >/dev/null 2>&1) ||
    die "could not download $pkg (is apt-get update done and the Debian mirror reachable?)"
  dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/pkg"
  if [ "$arch" != amd64 ]; then # the guest's busybox, for its init and (as $dir/sh) the command's shell
    (cd "$tmp" && apt-get download "busybox-static:$arch" >/dev/null 2>&1) ||
      die "could not download busybox-static:$arch"
    dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/bb"
    busybox=$tmp/bb/bin/busybox
  fi
  root=$tmp/pkg
  [ -d "$root/lib/modules" ] || root=$tmp/pkg/usr
  kver=$(ls "$root/lib/modules")
  depmod -b "$root" "$kver"

  mkdir -p "$tmp/initrd/bin" "$tmp/initrd/mods" "$tmp/initrd/proc" "$tmp/initrd/sys" \
    "$tmp/initrd/dev" "$tmp/initrd/host"
  cp "$busybox" "$tmp/initrd/bin/busybox"
  # Modules in dependency order, decompressed (busybox insmod reads plain .ko only).
  local order=() seen=" "
  add() {
    local name=$1 path deps d
    path=$(awk -v n="$name" -F: '{ f = $1; sub(/.*\//, "", f); sub(/\.ko(\.[a-z]+)?$/, "", f);
      gsub(/-/, "_", f); if (f == n) { print; exit } }' "$root/lib/modules/$kver/modules.dep")
    [ -n "$path" ] || return 0 # built into this kernel
    deps=${path#*:}
    path=${path%%:*}
    case "$seen" in *" $path "*) return 0 ;; esac
    for d in $deps; do
      d=${d##*/}; d=${d%%.ko*}; add "${d//-/_}"
    done
    seen="$seen$path "
    order+=("$path")
  }
  for mod in crc32c_generic $modules; do add "$mod"; done
  local i=0
  for mod in "${order[@]}"; do
    i=$((i + 1))
    local out
    out=$(printf '%s/initrd/mods/%02d-%s' "$tmp" "$i" "$(basename "${mod%%.ko*}").ko")
    case "$mod" in
      *.xz) xz -dc "$root/lib/modules/$kver/$mod" >"$out" ;;
      *.zst) command -v zstd >/dev/null || die "install zstd to unpack this kernel's modules"
             zstd -qdc "$root/lib/modules/$kver/$mod" >"$out" ;;
      *) cp "$root/lib/modules/$kver/$mod" "$out" ;;
    esac
  done
  cat >"$tmp/initrd/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mods/*.ko; do
  insmod "$m" 2>/dev/null || echo "sctp-vm: insmod $m failed" >/dev/console
done
job=$(sed -n 's/.*sctpvm\.job=\([^ ]*\).*/\1/p' /proc/cmdline)
sec=$(sed -n 's/.*sctpvm\.sec=\([^ ]*\).*/\1/p' /proc/cmdline)
# Give the guest a wall clock close to the host's (there is no RTC sync without networking).
[ -n "$sec" ] && date -s "@$sec" >/dev/null 2>&1
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288,cache=none host /host ||
  { echo "sctp-vm: cannot mount the host filesystem" >/dev/console; reboot -f; }
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t tmpfs shm /host/dev/shm
mount -t tmpfs run /host/run
ip link set lo up
stty -F /dev/console -onlcr 2>/dev/null
# A terminal on the host gets the console (colours and all); a pipe or file gets a pipe.
shell=$(sed -n 's/.*sctpvm\.shell=\([^ ]*\).*/\1/p' /proc/cmdline)
if grep -q 'sctpvm.tty=1' /proc/cmdline; then
  chroot /host "$shell" "$job" </dev/null >/dev/console 2>&1
  echo $? >/host"${job%/*}"/rc
else
  { chroot /host "$shell" "$job" </dev/null 2>&1; echo $? >/host"${job%/*}"/rc; } | cat >/dev/console
fi
sync
reboot -f
INIT
  chmod +x "$tmp/initrd/init"
  (cd "$tmp/initrd" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp/initrd.img"
  cp "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
  mkdir -p "$dir"
  [ "$arch" = amd64 ] || mv "$busybox" "$dir/sh" # busybox runs the applet its name says
  mv "$tmp/vmlinuz" "$tmp/initrd.img" "$dir/"
  echo "$kver" >"$dir/version"
}

# Cached per kernel package and per version of this script (the initramfs embeds its init).
mkdir -p "$cache"
stamp=$(sha1sum "${BASH_SOURCE[0]}" | cut -c1-10)
if [ -f "$cache/$package.real" ] && [ -f "$cache/$(cat "$cache/$package.real")-$stamp/initrd.img" ]; then
  real=$(cat "$cache/$package.real")
else
  real=$(resolve "$package")
  [ -f "$cache/$real-$stamp/initrd.img" ] || prepare "$cache/$real-$stamp" "$real"
  echo "$real" >"$cache/$package.real"
fi
dir=$cache/$real-$stamp
[ -n "$shell" ] || shell=$dir/sh

# The job: cd here, this environment, the command; the guest's init runs it in a chroot.
jobdir=$(mktemp -d "${TMPDIR:-/tmp}/sctp-vm.XXXXXX")
case "$jobdir" in /*) ;; *) jobdir=$PWD/$jobdir ;; esac
trap 'rm -rf "$jobdir"' EXIT
{
  echo "cd $(printf '%q' "$PWD") || exit 127"
  (set -o posix; export -p) | grep -v -E '^export (BASH_|SHLVL=|OLDPWD|PWD=|_=)' # bash and busybox sh
  echo "export SCTP_VM_GUEST=$(printf '%q' "$(cat "$dir/version")")"
  printf 'exec'; printf ' %q' "$@"; echo
} >"$jobdir/job.sh"

if [ "$(id -u)" = 0 ]; then model=passthrough; else model=none; fi
cpus=${SCTP_VM_CPUS:-$(nproc)}
[ "$cpus" -le 4 ] || cpus=4
console="console=$tty quiet loglevel=0"
[ -t 1 ] && console="$console sctpvm.tty=1"
[ "${SCTP_VM_VERBOSE:-0}" = 1 ] && console="${console/quiet loglevel=0/loglevel=6}"

set +e
timeout --foreground -k 10 "${SCTP_VM_TIMEOUT:-3600}" "${qemu[@]}" \
  -accel tcg,thread=multi -smp "$cpus" -m "${SCTP_VM_MEMORY:-2048}" \
  -nodefaults -no-reboot -display none -nic none \
  -chardev stdio,id=console,signal=on -serial chardev:console \
  -kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" \
  -append "$console panic=-1 sctpvm.job=$jobdir/job.sh sctpvm.shell=$shell sctpvm.sec=$(date +%s)" \
  -virtfs "local,path=/,mount_tag=host,security_model=$model,multidevs=remap" </dev/null
status=$?
set -e
[ -f "$jobdir/rc" ] || die "the VM stopped before the command finished (qemu exit status $status)"
exit "$(cat "$jobdir/rc")"
