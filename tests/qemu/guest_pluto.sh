#!/usr/bin/env bash
# tests/qemu/guest_pluto.sh - runs INSIDE the qemu guest (tests/qemu/run.sh):
# two libreswan 4.10 plutos, unpacked by scripts/get-libreswan.sh into
# $LIBRESWAN (never installed: the package conflicts with strongSwan), one per
# network namespace, each with its own NSS db, run dir, control socket and
# ipsec.conf/ipsec.secrets; IKEv2 with PSK; three conns (alpha, beta, gamma),
# A initiates alpha and beta, gamma stays down.  Real ESP (ping through).
#
# /usr/libexec/ipsec is linked to the prefix inside the guest only (pluto
# execs addconn from its compiled-in path).  The binaries run directly, with explicit options (the `ipsec` wrapper looks
# for /usr/libexec/ipsec):
#   pluto --config F --rundir R --nssdir N --secretsfile S --ipsecdir D
#         --logfile L --no-dnssec     (ctl socket R/pluto.ctl)
#   addconn --config F --ctlsocket R/pluto.ctl --autoall
#   whack --ctlsocket R/pluto.ctl --status | --showstates | ...
#
# PLUTO_CAPTURE=DIR (under /out): writes whack's outputs there (fixtures).
# Otherwise checks ikewatch's libreswan collector ($IKEWATCH) against each
# pluto.  Prints "ok - ..." / "not ok - ..." lines and "# guest-pluto: N
# passed, N failed"; exits non-zero on any failure.
set -uo pipefail

if [ "${QEMU_GUEST:-}" != 1 ]; then
	echo "guest_pluto.sh runs inside the qemu guest: tests/qemu/run.sh $0" >&2
	exit 2
fi

LS=${LIBRESWAN:-/var/cache/ikewatch/libreswan-4.10}
PLUTO=$LS/usr/libexec/ipsec/pluto
WHACK=$LS/usr/libexec/ipsec/whack
ADDCONN=$LS/usr/libexec/ipsec/addconn
IKW=${IKEWATCH:-$(cd "$(dirname "$0")/../.." && pwd)/build/ikewatch}
A=ikwp-a B=ikwp-b
OUTER_A=192.0.2.1 OUTER_B=192.0.2.2
PSK=ikwp-pluto-not-a-secret-0123456789
CONNS=(alpha beta gamma)
WORK=$(mktemp -d /tmp/guest-pluto.XXXXXX)
LOGS=${QEMU_OUT:-$WORK}
PASS=0 FAIL=0
PLUTO_PIDS=()
T0=$SECONDS

pass() { PASS=$((PASS + 1)); printf 'ok - %s\n' "$*"; }
fail() { FAIL=$((FAIL + 1)); printf 'not ok - %s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
note() { printf '# [%3ds] %s\n' "$((SECONDS - T0))" "$*"; }

cleanup() {
	local pid
	for pid in "${PLUTO_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# inner subnets: conn n (1..3) joins 198.18.n.1 (A) and 198.19.n.1 (B)
setup_net() {
	ip netns add "$A" && ip netns add "$B" || return 1
	ip link add va netns "$A" type veth peer name vb netns "$B" || return 1
	local ns dev outer mine peer n
	for ns in "$A" "$B"; do
		if [ "$ns" = "$A" ]; then dev=va outer=$OUTER_A mine=18 peer=19; else dev=vb outer=$OUTER_B mine=19 peer=18; fi
		{
			echo "link set lo up"
			echo "link set $dev up"
			echo "address add $outer/24 dev $dev"
			echo "link add inner0 type dummy"
			echo "link set inner0 up"
			for n in 1 2 3; do
				echo "address add 198.$mine.$n.1/32 dev inner0"
				echo "route add 198.$peer.$n.0/24 dev $dev src 198.$mine.$n.1"
			done
		} | ip -n "$ns" -batch - || return 1
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
	done
}

# pluto_dir NAME: the directory of pluto NAME (a or b)
pluto_dir() { echo "$WORK/$1"; }
ctl() { echo "$WORK/$1/run/pluto.ctl"; }
whack() { # whack NAME ARGS...
	local n=$1
	shift
	"$WHACK" --ctlsocket "$(ctl "$n")" "$@"
}

write_config() { # write_config NAME MY_OCTET PEER_OCTET MY_OUTER PEER_OUTER
	local d n i
	d=$(pluto_dir "$1")
	mkdir -p "$d/run" "$d/nss" "$d/ipsec.d" || return 1
	certutil -N --empty-password -d "sql:$d/nss" || return 1
	{
		echo "config setup"
		echo "	logfile=$d/pluto.log"
		echo "	plutodebug=none"
		echo "conn %default"
		echo "	ikev2=insist"
		echo "	authby=secret"
		echo "	left=$4"
		echo "	right=$5"
		echo "	leftupdown=/bin/true"
		echo "	ike=aes256-sha2_256-modp2048"
		echo "	esp=aes256-sha2_256"
		echo "	esn=no  # authencesn is not in the guest's initramfs"
		echo "	auto=add"
		i=0
		for n in "${CONNS[@]}"; do
			i=$((i + 1))
			echo "conn $n"
			echo "	leftsubnet=198.$2.$i.0/24"
			echo "	rightsubnet=198.$3.$i.0/24"
		done
	} >"$d/ipsec.conf"
	echo "$4 $5 : PSK \"$PSK\"" >"$d/ipsec.secrets"
	chmod 600 "$d/ipsec.secrets"
}

start_pluto() { # start_pluto NAME NS
	local d
	d=$(pluto_dir "$1")
	ip netns exec "$2" "$PLUTO" --config "$d/ipsec.conf" --rundir "$d/run" \
		--nssdir "$d/nss" --secretsfile "$d/ipsec.secrets" --ipsecdir "$d/ipsec.d" \
		--logfile "$d/pluto.log" --no-dnssec --nofork >"$d/pluto.out" 2>&1 &
	PLUTO_PIDS+=($!)
	local _
	for _ in $(seq 1 100); do
		[ -S "$(ctl "$1")" ] && whack "$1" --status >/dev/null 2>&1 && break
		sleep 0.2
	done
	# pluto itself runs addconn --autoall on its --config at startup
}

capture() { # capture NAME LABEL: whack's outputs into $PLUTO_CAPTURE/LABEL-*.txt
	local o=$PLUTO_CAPTURE w
	mkdir -p "$o"
	for w in status showstates trafficstatus globalstatus briefconnectionstatus connectionstatus; do
		whack "$1" --"$w" >"$o/$2-$w.txt" 2>&1
		echo "exit $?" >>"$o/$2-$w.exit"
	done
}

# pluto 4.10 refuses to start without /usr/libexec/ipsec/addconn (its path is
# compiled in): the guest's root is a tmpfs overlay, so the link stays there
[ -e /usr/libexec/ipsec ] || ln -s "$LS/usr/libexec/ipsec" /usr/libexec/ipsec
mkdir -p /run/pluto  # its dump (core) dir
setup_net || { fail "network namespaces"; exit 1; }
write_config a 18 19 "$OUTER_A" "$OUTER_B" && write_config b 19 18 "$OUTER_B" "$OUTER_A" ||
	{ fail "pluto configs"; exit 1; }
start_pluto a "$A" >"$WORK/addconn-a.log" 2>&1
start_pluto b "$B" >"$WORK/addconn-b.log" 2>&1
check "pluto a answers on its ctl socket" whack a --status
check "pluto b answers on its ctl socket" whack b --status
note "plutos up"
[ -z "${PLUTO_CAPTURE:-}" ] || capture a down
whack a --name alpha --initiate >"$WORK/init-alpha.log" 2>&1
whack a --name beta --initiate >"$WORK/init-beta.log" 2>&1
check "alpha up" grep -q "established Child SA\|ESTABLISHED_CHILD_SA\|IPsec SA established" "$WORK/init-alpha.log"
ip netns exec "$A" ping -c 3 -i 0.2 -I 198.18.1.1 198.19.1.1 >/dev/null
check "ping through alpha" test $? -eq 0
ip netns exec "$A" ping -c 5 -i 0.2 -I 198.18.2.1 198.19.2.1 >/dev/null
check "ping through beta" test $? -eq 0
note "tunnels up"
[ -z "${PLUTO_CAPTURE:-}" ] || capture a up
[ -z "${PLUTO_CAPTURE:-}" ] || ip netns exec "$A" ip -s xfrm state >"$PLUTO_CAPTURE/up-xfrm-state.txt"
whack a --name beta --rekey-ipsec >"$WORK/rekey-beta.log" 2>&1
sleep 2
ip netns exec "$A" ping -c 2 -i 0.2 -I 198.18.2.1 198.19.2.1 >/dev/null
check "ping through beta after its rekey" test $? -eq 0
[ -z "${PLUTO_CAPTURE:-}" ] || capture a rekeyed
whack a --name alpha --terminate >"$WORK/down-alpha.log" 2>&1
sleep 1
[ -z "${PLUTO_CAPTURE:-}" ] || capture a alpha-down
[ -z "${PLUTO_CAPTURE:-}" ] || capture b responder
if [ -n "${PLUTO_CAPTURE:-}" ]; then
	cp "$WORK"/*.log "$PLUTO_CAPTURE/" 2>/dev/null
	cp "$WORK/a/pluto.log" "$PLUTO_CAPTURE/a-pluto.log"
	cp "$WORK/b/pluto.log" "$PLUTO_CAPTURE/b-pluto.log"
	cp "$WORK/b/ipsec.conf" "$PLUTO_CAPTURE/b-ipsec.conf"
	cp "$WORK/a/ipsec.conf" "$PLUTO_CAPTURE/a-ipsec.conf"
	cp "$WORK/a/pluto.out" "$PLUTO_CAPTURE/a-pluto.out"
fi

printf '# guest-pluto: %d passed, %d failed\n' "$PASS" "$FAIL"
[ "$FAIL" -eq 0 ]
