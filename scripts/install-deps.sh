#!/usr/bin/env bash
# Installs everything ikewatch needs to build, run its lab and run its tests,
# from Debian 12's archive.  Used by the README's commands and by .ci/run.
# Idempotent; needs root (or sudo).
set -euo pipefail

PACKAGES=(
	# build
	build-essential pkg-config libmicrohttpd-dev libyaml-dev zlib1g-dev libsystemd-dev
	libgnutls28-dev libcrypt-dev  # TLS client checks and bcrypt (web-config.yml)
	# the lab: strongSwan charon + swanctl, kernel-libipsec and counters plugins
	strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins
	libstrongswan-extra-plugins iproute2 iputils-ping procps util-linux
	# tests: HTTP client, a real Prometheus (and promtool), valgrind
	curl python3 prometheus valgrind
	openssl  # tests: certificates for TLS and mTLS (test_web_tls.sh)
	qemu-system-x86 linux-image-amd64 busybox-static kmod cpio # tests/qemu: a kernel with ESP
	# tests: a private systemd-journald for the journal follower
	systemd
	# tests: the status table in a real terminal
	tmux
	# tests: the status page in a real browser (headless)
	chromium
	# tests: probes (ESP dropped, MTU black hole), blackbox_exporter; bench: capture
	nftables prometheus-blackbox-exporter tcpdump
	# benchmark plots
	gnuplot-nox
	# tests: alerting (test_alerts.sh, test_rules.sh): a real Alertmanager and
	# amtool; rule and dashboard checks in python
	prometheus-alertmanager python3-yaml
)
# tests: the dashboard type check (tests/dashboard: tsc, @grafana/schema from
# the npm registry); Debian's nodejs and npm unless a node with npm is there
# (NodeSource's nodejs bundles npm and conflicts with Debian's npm package)
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# no init system here: keep package scripts from starting the daemons
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod +x /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
