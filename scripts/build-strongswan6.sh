#!/usr/bin/env bash
# Builds strongSwan 6 (charon + swanctl) from ../shared/vendor once, into a
# cache outside the checkout, and prints its prefix.  Later calls reuse the
# build when its stamp matches the tarball's checksum and the configure line.
#   scripts/build-strongswan6.sh            build if needed, print the prefix
#   IKEWATCH_CACHE=/dir                     cache root (default /var/cache/ikewatch)
# The lab runs it with `lab/lab.sh up --strongswan 6`.  Needs the packages of
# `scripts/install-deps.sh strongswan6`.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=6.0.6
TARBALL=${IKEWATCH_SS6_TARBALL:-../shared/vendor/strongswan-$VERSION.tar.gz}
CACHE=${IKEWATCH_CACHE:-/var/cache/ikewatch}
PREFIX=$CACHE/strongswan-$VERSION
# what the lab and the tests load: charon with VICI, userspace ESP
# (kernel-libipsec), the counters plugin, and what certificates need
CONFIGURE=(
	--prefix="$PREFIX" --sysconfdir="$PREFIX/etc"
	--disable-defaults --enable-charon --enable-swanctl --enable-vici --enable-ikev2
	--enable-openssl --enable-nonce --enable-random --enable-kdf --enable-socket-default
	--enable-kernel-netlink --enable-kernel-libipsec --enable-libipsec --enable-counters
	--enable-pem --enable-pkcs1 --enable-pkcs8 --enable-x509 --enable-pubkey
	--enable-constraints --enable-revocation
)

log() { printf 'build-strongswan6: %s\n' "$*" >&2; }

[[ -r $TARBALL ]] || { log "$TARBALL not found"; exit 1; }
stamp="$(sha256sum "$TARBALL" | cut -d' ' -f1) ${CONFIGURE[*]}"
if [[ -x $PREFIX/libexec/ipsec/charon && -x $PREFIX/sbin/swanctl &&
	$(cat "$PREFIX/.ikewatch-stamp" 2>/dev/null) == "$stamp" ]]; then
	printf '%s\n' "$PREFIX"
	exit 0
fi

for tool in autoconf automake libtoolize gperf bison flex pkg-config make gcc; do
	command -v "$tool" >/dev/null ||
		{ log "$tool missing (scripts/install-deps.sh strongswan6)"; exit 1; }
done

mkdir -p "$CACHE"
# one builder at a time; a second caller waits and then reuses the result
exec 9>"$CACHE/.strongswan-$VERSION.lock"
flock 9
if [[ $(cat "$PREFIX/.ikewatch-stamp" 2>/dev/null) == "$stamp" ]]; then
	printf '%s\n' "$PREFIX"
	exit 0
fi

src=$(mktemp -d "$CACHE/.build-XXXXXX")
trap 'rm -rf "$src"' EXIT
log "building strongSwan $VERSION into $PREFIX (about 5 minutes; log in $CACHE/strongswan-$VERSION.build.log)"
buildlog=$CACHE/strongswan-$VERSION.build.log
{
	tar -xzf "$TARBALL" -C "$src" --strip-components=1
	cd "$src"
	./autogen.sh
	./configure "${CONFIGURE[@]}"
	make -j"$(nproc)"
	rm -rf "$PREFIX"
	make install
} >"$buildlog" 2>&1 || { log "build failed; last lines of $buildlog:"; tail -n 20 "$buildlog" >&2; exit 1; }
printf '%s\n' "$stamp" >"$PREFIX/.ikewatch-stamp"
log "done"
printf '%s\n' "$PREFIX"
