#!/usr/bin/env bash
# tests/qemu/prepare.sh - gets everything tests/qemu/run.sh needs: installs
# qemu, Debian's kernel and a static busybox if missing, and builds the guest
# initramfs (busybox, guest-init as /init, the kernel modules the guest needs
# with their dependencies) into the cache dir.  Idempotent: rebuilds only
# when the kernel, busybox, guest-init or this script changed.
# Needs root for apt-get (only when something is missing).
#
# env: QEMU_CACHE  cache dir (default tests/qemu/.cache)
#      QEMU_KVER   kernel version to use (default: newest Debian *-amd64
#                  kernel with modules in /lib/modules and a /boot/vmlinuz)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${QEMU_CACHE:-$HERE/.cache}
PACKAGES=(qemu-system-x86 linux-image-amd64 busybox-static kmod cpio)

# Loaded at boot, in dependency order (a failure is reported in the guest).
PRELOAD=(
	# host root and result shares over virtio-9p, tmpfs overlay as root
	virtio_pci 9pnet_virtio 9p overlay
	# IPsec: XFRM netlink + PF_KEY, ESP/AH/IPComp, IPIP tunnel for IPComp
	xfrm_user xfrm_algo af_key esp4 esp6 ah4 ipcomp xfrm4_tunnel tunnel4
	# crypto templates ESP uses (aes, cbc, sha256, hmac, md5, sha1 are built in)
	authenc echainiv seqiv gcm ghash_generic ctr
	# the IV generators (seqiv, echainiv) need the default crypto RNG
	drbg
	# links for the test topologies
	veth dummy
)
# Copied too and loaded on demand by the kernel (its modprobe requests, e.g.
# for other ESP algorithms, link types or IPv6 IPsec).
ONDEMAND=(
	ah6 ipcomp6 xfrm6_tunnel tunnel6 xfrm_interface sha512_generic
	ccm cmac xcbc chacha20poly1305 chacha_generic poly1305_generic des_generic
	curve25519-generic aesni_intel ghash-clmulni-intel
	tun bridge virtio_rng jitterentropy_rng
)

log() { printf 'prepare: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# --- packages
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- kernel
KVER=${QEMU_KVER:-}
if [ -z "$KVER" ]; then
	KVER=$(for d in /lib/modules/*-amd64; do
		[ -e "$d/modules.dep" ] && [ -e "/boot/vmlinuz-${d##*/}" ] && printf '%s\n' "${d##*/}"
	done | sort -V | tail -n 1)
fi
[ -n "$KVER" ] || die "no Debian kernel found (apt-get install linux-image-amd64)"
KERNEL=/boot/vmlinuz-$KVER
MODDIR=/lib/modules/$KVER
[ -r "$KERNEL" ] || die "$KERNEL not readable"
[ -e "$MODDIR/modules.dep" ] || die "$MODDIR/modules.dep missing"

# --- up to date?  (one builder at a time: concurrent test runs)
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
stamp=$({
	printf '%s\n' "$KVER" "${PRELOAD[*]}" "${ONDEMAND[*]}"
	sha256sum "$KERNEL" /bin/busybox "$HERE/guest-init" "$HERE/prepare.sh"
} | sha256sum | cut -d' ' -f1)
if [ -f "$CACHE/initramfs.cpio" ] && [ -f "$CACHE/guest.env" ] &&
	grep -qx "STAMP=$stamp" "$CACHE/guest.env"; then
	log "up to date ($CACHE, kernel $KVER)"
	exit 0
fi

log "building the initramfs for kernel $KVER"
STAGE=$(mktemp -d "$CACHE/stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,tmp,etc,root,usr/bin,usr/sbin,host,newroot,rw} "$STAGE/lib/modules/$KVER"
cp /bin/busybox "$STAGE/bin/busybox"
install -m 0755 "$HERE/guest-init" "$STAGE/init"
# the kernel opens /dev/console before /init runs
mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true

# modules: each listed one and its dependencies, in load order
# (modprobe --show-depends prints "insmod PATH" lines, dependencies first)
resolve() { # resolve NAME...: prints module paths relative to $MODDIR
	local m out
	for m in "$@"; do
		out=$(modprobe --show-depends -S "$KVER" "$m" 2>&1) || die "module $m: $out"
		awk -v d="$MODDIR/" '$1 == "insmod" { sub(d, "", $2); print $2 }' <<<"$out"
	done
}
resolve "${PRELOAD[@]}" | awk '!seen[$0]++' >"$STAGE/lib/modules/$KVER/preload"
{
	cat "$STAGE/lib/modules/$KVER/preload"
	resolve "${ONDEMAND[@]}"
} | awk '!seen[$0]++' | while read -r rel; do
	mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$rel")"
	cp "$MODDIR/$rel" "$STAGE/lib/modules/$KVER/$rel"
done
cp "$MODDIR"/modules.{order,builtin,builtin.modinfo} "$STAGE/lib/modules/$KVER/"
depmod -b "$STAGE" "$KVER"
rm -f "$STAGE/lib/modules/$KVER/"*.bin

(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$CACHE/initramfs.cpio.new"
mv "$CACHE/initramfs.cpio.new" "$CACHE/initramfs.cpio"
# The bzImage would decompress itself (XZ) for ~5 s under emulation: boot
# the uncompressed ELF vmlinux through its PVH entry instead (sparse on disk).
BOOT=$KERNEL
if grep -q '^CONFIG_PVH=y' "/boot/config-$KVER" 2>/dev/null; then
	if python3 - "$KERNEL" "$CACHE/vmlinux.new" <<'PY'; then
import lzma, sys, zlib
data = open(sys.argv[1], "rb").read()
out = None
i = data.find(b"\xfd7zXZ\x00")
if i >= 0:
    out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[i:])
else:
    i = data.find(b"\x1f\x8b\x08\x00")
    if i >= 0:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[i:])
if not out or out[:4] != b"\x7fELF":
    sys.exit(1)
with open(sys.argv[2], "wb") as f:
    f.write(out)
PY
		cp --sparse=always "$CACHE/vmlinux.new" "$CACHE/vmlinux.sparse"
		mv "$CACHE/vmlinux.sparse" "$CACHE/vmlinux"
		rm -f "$CACHE/vmlinux.new"
		BOOT=$CACHE/vmlinux
	else
		rm -f "$CACHE/vmlinux.new"
		log "warning: cannot extract vmlinux from $KERNEL; booting the bzImage (slower)"
	fi
fi
cat >"$CACHE/guest.env" <<EOF
KVER=$KVER
KERNEL=$BOOT
INITRD=$CACHE/initramfs.cpio
STAMP=$stamp
EOF
log "initramfs: $(du -h "$CACHE/initramfs.cpio" | cut -f1), $(grep -c . "$STAGE/lib/modules/$KVER/preload") modules preloaded, $(find "$STAGE" -name '*.ko' | wc -l) in all"
