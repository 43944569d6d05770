#!/usr/bin/env bash
# Unpacks Debian 12's libreswan (pluto, whack) into a private prefix without
# installing the package: libreswan CONFLICTS with strongswan-charon, and
# `apt-get install libreswan` would remove charon.  Only pluto's shared
# libraries are installed (apt-get install), after `apt-get -s` has shown
# that nothing is removed.
#   scripts/get-libreswan.sh [PREFIX]    default /var/cache/ikewatch/libreswan-4.10
# Prints the prefix.  Idempotent: a prefix with a working pluto is kept.
# Run the binaries directly: $P/usr/libexec/ipsec/pluto and .../whack (the
# `ipsec` wrapper looks for /usr/libexec/ipsec, which is not there).
set -euo pipefail

VERSION=4.10
PREFIX=${1:-/var/cache/ikewatch/libreswan-$VERSION}
# pluto's and whack's libraries (dpkg-deb -f libreswan_4.10*.deb Depends),
# without the tools (host, iptables, iproute2) the package's scripts use
LIBS=(
	libnss3 libnss3-tools libnspr4 libaudit1 libcap-ng0 libcrypt1 libcurl3-nss
	libevent-core-2.1-7 libevent-pthreads-2.1-7 libldap-2.5-0 libldns3
	libpam0g libselinux1 libsystemd0 libunbound8
)

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
for p in "${LIBS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	# refuse anything that would remove a package (strongswan-charon above all)
	if $SUDO apt-get -s install --no-install-recommends "${missing[@]}" | grep -q '^Remv '; then
		echo "get-libreswan: installing ${missing[*]} would remove packages; refusing" >&2
		exit 1
	fi
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

pluto_works() { "$PREFIX/usr/libexec/ipsec/pluto" --version >/dev/null 2>&1; }
if [ -x "$PREFIX/usr/libexec/ipsec/pluto" ] && pluto_works; then
	echo "$PREFIX"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"  # apt's _apt user downloads into it
(cd "$tmp" && apt-get download "libreswan=$VERSION*" >/dev/null 2>&1 ||
	apt-get download libreswan >/dev/null)
deb=$(ls "$tmp"/libreswan_*.deb)
case $(dpkg-deb -f "$deb" Version) in
$VERSION*) ;;
*) echo "get-libreswan: $deb is not libreswan $VERSION" >&2; exit 1 ;;
esac
$SUDO mkdir -p "$PREFIX"
$SUDO dpkg -x "$deb" "$PREFIX"
pluto_works || { echo "get-libreswan: $PREFIX/usr/libexec/ipsec/pluto does not run" >&2; exit 1; }
echo "$PREFIX"
