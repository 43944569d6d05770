#!/usr/bin/env bash
# Installs, from Debian 12's archive, what one use of ikewatch needs.
#   scripts/install-deps.sh [PROFILE...]      default: test
#   scripts/install-deps.sh --list PROFILE... print the packages, install nothing
# Profiles (each includes the ones it names):
#   runtime  the shared libraries the ikewatch binary links to
#   build    compiler, pkg-config and the -dev packages     (runtime)
#   lab      strongSwan charon + swanctl and the tools lab/lab.sh uses
#   demo     what scripts/demo.sh needs                     (build, lab)
#   package  what builds and checks the Debian package      (build)
#   bench    what bench/*.sh need                           (build, lab)
#   strongswan6  what scripts/build-strongswan6.sh needs to build charon 6
#            from ../shared/vendor for the lab                (build)
#   test     everything scripts/test.sh runs                (all of the above)
# Every package the lab, the demo, the benchmarks and the tests use is named
# here: a package once installed by hand hides a missing step from CI.
# Idempotent; needs root (or sudo).  Never installs libreswan: Debian's
# package conflicts with strongswan-charon and would remove it; the test
# profile unpacks it into a private prefix instead (scripts/get-libreswan.sh).
set -euo pipefail

RUNTIME=(
	libmicrohttpd12 libyaml-0-2 zlib1g libsystemd0 libgnutls30 libcrypt1 libcurl3-gnutls
)
BUILD=(
	build-essential pkg-config libmicrohttpd-dev libyaml-dev zlib1g-dev libsystemd-dev
	libgnutls28-dev libcrypt-dev  # TLS and bcrypt (web-config.yml)
	libcurl4-gnutls-dev           # status --url and remediation notify over https
	git                           # the revision in --version and ikewatch_build_info
)
LAB=(
	# charon + swanctl; kernel-libipsec and counters (extra), openssl with its
	# SHA1/AES (standard: without it charon aborts "plugin 'openssl': failed to load")
	strongswan-charon strongswan-swanctl libcharon-extra-plugins
	libstrongswan-standard-plugins libstrongswan-extra-plugins
	iproute2 iputils-ping procps util-linux
)
DEMO=(
	curl
)
PACKAGE=(
	# dpkg-buildpackage, debhelper, lintian; hardening-check is in devscripts
	dpkg-dev debhelper fakeroot lintian devscripts
	perl-openssl-defaults  # lintian's TLS modules need its virtual perl-openssl-abi-3
	# systemd-analyze verify for the unit; adduser for the package's user
	systemd adduser
)
STRONGSWAN6=(
	# ./autogen.sh and ./configure of a git tree; the openssl plugin
	autoconf automake libtool gperf bison flex pkg-config libssl-dev
)
BENCH=(
	curl python3 tcpdump
	gnuplot-nox  # the benchmark plot
)
TEST=(
	# an HTTP client, a real Prometheus (and promtool), valgrind
	curl python3 prometheus valgrind
	openssl  # certificates for TLS and mTLS (test_web_tls.sh), the lab's --cert-days CA
	qemu-system-x86 linux-image-amd64 busybox-static kmod cpio # tests/qemu: a kernel with ESP
	systemd  # a private systemd-journald for the journal follower
	tmux     # the status table in a real terminal
	chromium # the status page in a real browser (headless)
	# probes (ESP dropped, MTU black hole), blackbox_exporter
	nftables prometheus-blackbox-exporter tcpdump
	# alerting (test_alerts.sh, test_rules.sh): a real Alertmanager and
	# amtool; rule and dashboard checks in python
	prometheus-alertmanager python3-yaml
	mandoc groff-base groff  # man pages: lint and render (test_manpages.sh)
)

profile() { # profile NAME: the packages of NAME and of what it includes
	case $1 in
	runtime) printf '%s\n' "${RUNTIME[@]}" ;;
	build) profile runtime; printf '%s\n' "${BUILD[@]}" ;;
	lab) printf '%s\n' "${LAB[@]}" ;;
	demo) profile build; profile lab; printf '%s\n' "${DEMO[@]}" ;;
	package) profile build; printf '%s\n' "${PACKAGE[@]}" ;;
	bench) profile build; profile lab; printf '%s\n' "${BENCH[@]}" ;;
	strongswan6) profile build; printf '%s\n' "${STRONGSWAN6[@]}" ;;
	test)
		profile demo; profile package; profile bench; profile strongswan6
		printf '%s\n' "${TEST[@]}"
		# the dashboard type check (tests/dashboard: tsc, @grafana/schema from
		# the npm registry): Debian's nodejs and npm unless a node with npm is
		# there (NodeSource's nodejs bundles npm and conflicts with Debian's npm)
		command -v npm >/dev/null 2>&1 || printf '%s\n' nodejs npm
		;;
	*) echo "install-deps: unknown profile '$1' (runtime build lab demo package bench strongswan6 test)" >&2
	   return 1 ;;
	esac
}

list_only=0
if [ "${1:-}" = --list ]; then list_only=1; shift; fi
[ $# -gt 0 ] || set -- test
PACKAGES=()
for p in "$@"; do
	out=$(profile "$p") || exit 2
	mapfile -t -O "${#PACKAGES[@]}" PACKAGES <<<"$out"
done
mapfile -t PACKAGES < <(printf '%s\n' "${PACKAGES[@]}" | awk 'NF && !seen[$0]++')
if [ "$list_only" -eq 1 ]; then
	printf '%s\n' "${PACKAGES[@]}"
	exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
# the test profile also runs pluto (tests/qemu): unpacked, never installed
want_libreswan=0
for p in "$@"; do [ "$p" = test ] && want_libreswan=1; done
get_libreswan() {
	[ "$want_libreswan" -eq 0 ] || bash "$(dirname "$0")/get-libreswan.sh" >/dev/null
}
if [ ${#missing[@]} -eq 0 ]; then
	get_libreswan
	echo "install-deps ($*): all ${#PACKAGES[@]} packages present"
	exit 0
fi
echo "install-deps ($*): installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# no init system here: keep package scripts from starting the daemons
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod +x /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
get_libreswan
echo "install-deps: done"
