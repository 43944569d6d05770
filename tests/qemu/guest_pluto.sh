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
PLUTO_PIDS=()

source "$(dirname "$0")/guest_lib.sh"
source "$(dirname "$0")/guest_pluto_ops.sh"
source "$(dirname "$0")/guest_pluto_log.sh"

# --- ikewatch against pluto A
# ikw ARGS...: one scrape of pluto A (and the XFRM of namespace A)
ikw() {
	"$IKW" metrics --collector.libreswan.ctlsocket="$(ctl a)" \
		--collector.libreswan.whack="$WHACK" --collector.xfrm.netns="$A" \
		--collector.klips.path= "$@" 2>>"$LOGS/ikewatch.err"
}
metric() { # metric TEXT 'name{labels}': the value of that exact series
	awk -v s="$2" '$1 == s { print $2; found = 1; exit } END { if (!found) exit 1 }' <<<"$1"
}
same() { # same DESCRIPTION GOT WANT
	check "$1 (ikewatch ${2:-none}, want ${3:-none})" test -n "$2" -a "$2" = "$3"
}
bytes() { # bytes CONN DIR: ipsec_child_sa_bytes_total of the last scrape $M
	metric "$M" "ipsec_child_sa_bytes_total{conn=\"$1\",child=\"$1\",direction=\"$2\"}"
}
# kernel_bytes SPI: bytes of the SA with that SPI in namespace A
kernel_bytes() {
	ip -n "$A" -s xfrm state | awk -v spi="0x$1" '
		$1 == "proto" && index($4, spi "(") == 1 { hit = 1 }
		hit && $2 == "current:" { getline; sub(/\(bytes\),?/, "", $1); print $1; exit }'
}
# spi CONN in|out: the newest CHILD SA's SPI of CONN per whack --showstates
spi() {
	whack a --showstates | awk -v c="\"$1\"" -v d="$2" '
		{ sub(/^[0-9][0-9][0-9] /, "") }
		$2 == c && $3 ~ /^esp\./ { o = $3; i = $4 }
		END { s = d == "out" ? o : i; sub(/^esp\./, "", s); sub(/@.*/, "", s);
		      printf "%08s", s }' | tr ' ' 0
}

ikewatch_run() {
	local t0 secs b1 b2 k d
	up alpha && up beta
	pings 1 3
	pings 2 5
	M=$(ikw)
	check "ikewatch: libreswan collector succeeded" \
		grep -q '^ikewatch_collector_success{collector="libreswan"} 1$' <<<"$M"
	check "ikewatch: ipsec_daemon_info daemon=pluto version=4.10" \
		grep -q '^ipsec_daemon_info{daemon="pluto",version="4.10"' <<<"$M"
	same "ikewatch: ipsec_daemon_child_sas = whack's current.states.ipsec" \
		"$(metric "$M" ipsec_daemon_child_sas)" \
		"$(whack a --globalstatus | sed -n 's/^\(000 \)\{0,1\}current\.states\.ipsec=//p')"
	check "ikewatch: IKEv2 negotiations established counted ($(metric "$M" 'ipsec_daemon_ike_sa_negotiations_total{result="established"}'))" \
		test "$(metric "$M" 'ipsec_daemon_ike_sa_negotiations_total{result="established"}')" -ge 1
	check "ikewatch: DPD requests sent read from --globalstatus" \
		grep -q '^ipsec_daemon_dpd_messages_total{direction="out",type="request"} [0-9]' <<<"$M"
	# the IKE SA's suite (ike=aes256-sha2_256;modp2048, the default) and the
	# identities, as charon's collector fills them
	check "ikewatch: alpha's ipsec_ike_sa_info has pluto's suite in charon's spelling" \
		grep -q '^ipsec_ike_sa_info{conn="alpha",ike_version="2",.*encr_alg="AES_CBC",encr_keysize="256",prf_alg="PRF_HMAC_SHA2_256",dh_group="MODP_2048"' <<<"$M"
	check "ikewatch: no role label on pluto's ipsec_ike_sa_info (whack does not say)" \
		bash -c '! grep "^ipsec_ike_sa_info{" <<<"$1" | grep -q "role="' _ "$M"
	check "ikewatch: beta's ipsec_child_sa_info has its ESP suite" \
		grep -q '^ipsec_child_sa_info{conn="beta",child="beta",.*encr_alg="AES_CBC",encr_keysize="256",integ_alg="HMAC_SHA2_256_128"' <<<"$M"
	J=$("$IKW" status --json --collector.libreswan.ctlsocket="$(ctl a)" \
		--collector.libreswan.whack="$WHACK" --collector.xfrm.netns="$A" \
		--collector.klips.path= 2>>"$LOGS/ikewatch.err")
	check "ikewatch status --json: alpha's identities" \
		grep -q '"local_id":"192.0.2.1","remote_id":"192.0.2.2"' <<<"$J"
	check "ikewatch status --json: packets null (pluto counts none), bytes there" \
		bash -c 'grep -q "\"packets\":null" <<<"$1" && ! grep -q "\"packets\":[0-9]" <<<"$1"' _ "$J"
	same "ikewatch: alpha up" "$(metric "$M" 'ipsec_conn_up{conn="alpha"}')" 1
	same "ikewatch: beta up (its CHILD SA on alpha's IKE SA)" \
		"$(metric "$M" 'ipsec_conn_up{conn="beta"}')" 1
	same "ikewatch: gamma (loaded, never up) reads 0" \
		"$(metric "$M" 'ipsec_conn_up{conn="gamma"}')" 0
	same "ikewatch: child alpha up" "$(metric "$M" 'ipsec_child_up{conn="alpha",child="alpha"}')" 1
	same "ikewatch: child gamma 0" "$(metric "$M" 'ipsec_child_up{conn="gamma",child="gamma"}')" 0
	same "ikewatch: alpha bytes in = the kernel's inbound SA" \
		"$(bytes alpha in)" "$(kernel_bytes "$(spi alpha in)")"
	same "ikewatch: alpha bytes out = the kernel's outbound SA" \
		"$(bytes alpha out)" "$(kernel_bytes "$(spi alpha out)")"
	same "ikewatch: beta bytes out = the kernel's outbound SA" \
		"$(bytes beta out)" "$(kernel_bytes "$(spi beta out)")"
	check "ikewatch: alpha carried traffic ($(bytes alpha out) bytes out)" \
		test "$(bytes alpha out)" -gt 0
	check "ikewatch: no packet counts for pluto (absent, not 0)" \
		bash -c "! grep -q '^ipsec_child_sa_packets_total' <<<\"\$1\"" _ "$M"
	check "ikewatch: the XFRM collector of namespace A succeeded" \
		grep -q '^ikewatch_collector_success{collector="xfrm"} 1$' <<<"$M"
	# the kernel join: pluto's SAs claimed by SPI (pluto gives no reqid)
	same "ikewatch: kernel join, alpha's kernel bytes in" \
		"$(metric "$M" 'ipsec_kernel_child_sa_bytes_total{conn="alpha",child="alpha",direction="in"}')" \
		"$(kernel_bytes "$(spi alpha in)")"
	same "ikewatch: kernel join, beta's kernel bytes out" \
		"$(metric "$M" 'ipsec_kernel_child_sa_bytes_total{conn="beta",child="beta",direction="out"}')" \
		"$(kernel_bytes "$(spi beta out)")"
	same "ikewatch: kernel join, no SA of A left unclaimed" \
		"$(awk '/^ipsec_kernel_other_sas[{ ]/ { n += $NF } END { print n + 0 }' <<<"$M")" 0
	# pluto B, the responder, through its own control socket
	M=$("$IKW" metrics --collector.libreswan.ctlsocket="$(ctl b)" \
		--collector.libreswan.whack="$WHACK" --no-collector.xfrm \
		--collector.klips.path= 2>>"$LOGS/ikewatch.err")
	same "ikewatch (pluto B): alpha up" "$(metric "$M" 'ipsec_conn_up{conn="alpha"}')" 1
	same "ikewatch (pluto B): beta up" "$(metric "$M" 'ipsec_conn_up{conn="beta"}')" 1
	same "ikewatch (pluto B): gamma 0" "$(metric "$M" 'ipsec_conn_up{conn="gamma"}')" 0
	same "ikewatch (pluto B): alpha bytes in = A's bytes out" \
		"$(bytes alpha in)" "$(kernel_bytes "$(spi alpha out)")"

	# a rekey of beta: the ledger (textfile with its state file) keeps the
	# bytes monotonic although the new CHILD SA starts at 0
	note "rekey"
	tf() { "$IKW" textfile --output "$WORK/tf" --textfile.state-file="$WORK/tf.state" \
		--collector.libreswan.ctlsocket="$(ctl a)" --collector.libreswan.whack="$WHACK" \
		--no-collector.xfrm --collector.klips.path= 2>>"$LOGS/ikewatch.err"; }
	mkdir -p "$WORK/tf"
	tf
	M=$(cat "$WORK/tf/ipsec.prom")
	b1=$(bytes beta out)
	k=$(spi beta in)
	whack a --name beta --rekey-ipsec >"$WORK/rekey-beta.log" 2>&1
	sleep 2
	check "beta rekeyed (new inbound SPI $(spi beta in), was $k)" test "$(spi beta in)" != "$k"
	pings 2 2
	tf
	M=$(cat "$WORK/tf/ipsec.prom")
	b2=$(bytes beta out)
	check "ikewatch: beta bytes out monotonic across the rekey (${b1:-none} -> ${b2:-none})" \
		test -n "$b1" -a -n "$b2" -a "${b2:-0}" -gt "${b1:-0}"
	k=$(kernel_bytes "$(spi beta out)")
	check "ikewatch: beta bytes out = before the rekey + the new SA's ($b1 + $k = $b2)" \
		test -n "$k" -a "$((b1 + k))" = "$b2"

	# a conn taken down reads 0
	whack a --name alpha --terminate >"$WORK/down-alpha.log" 2>&1
	sleep 1
	M=$(ikw)
	same "ikewatch: alpha terminated reads 0" "$(metric "$M" 'ipsec_conn_up{conn="alpha"}')" 0
	same "ikewatch: child alpha terminated reads 0" \
		"$(metric "$M" 'ipsec_child_up{conn="alpha",child="alpha"}')" 0
	same "ikewatch: beta still up" "$(metric "$M" 'ipsec_conn_up{conn="beta"}')" 1

	# remediation re-initiates alpha through whack (guest_pluto_ops.sh)
	note "remediation"
	ops_run

	plog_ikewatch   # guest_pluto_log.sh: ikewatch following pluto A's log

	# pluto stalled (SIGSTOP): whack waits on the socket; the scrape ends at
	# its deadline with the collector failed, and does not hang
	note "pluto stalled"
	kill -STOP "${PLUTO_PIDS[0]}"
	t0=$(date +%s%N)
	M=$(ikw --vici.timeout=2s)
	secs=$((($(date +%s%N) - t0) / 1000000))
	kill -CONT "${PLUTO_PIDS[0]}"
	check "ikewatch: pluto stalled -> collector success 0" \
		grep -q '^ikewatch_collector_success{collector="libreswan"} 0$' <<<"$M"
	# the collector's own time (the process's also counts its start, slow
	# for a sanitizer build under emulation)
	d=$(metric "$M" 'ikewatch_collector_duration_seconds{collector="libreswan"}')
	check "ikewatch: the stalled whack was killed at the 2 s deadline (collector ${d:-none} s)" \
		awk -v d="${d:-99}" 'BEGIN { exit !(d >= 1.9 && d < 2.3) }'
	check "ikewatch: the stalled scrape returned, no hang ($secs ms for the process)" \
		test "$secs" -lt 5000
	check "ikewatch: no conn series while pluto stalls (never a made-up 0)" \
		bash -c "! grep -q '^ipsec_conn_up' <<<\"\$1\"" _ "$M"
	grep -q 'libreswan' "$LOGS/ikewatch.err" && note "$(grep libreswan "$LOGS/ikewatch.err" | tail -n 1)"

	# pluto stopped: no socket; whack fails at once
	kill "${PLUTO_PIDS[0]}" && wait "${PLUTO_PIDS[0]}" 2>/dev/null
	t0=$(date +%s%N)
	M=$(ikw --vici.timeout=5s)
	secs=$((($(date +%s%N) - t0) / 1000000))
	check "ikewatch: pluto stopped -> collector success 0" \
		grep -q '^ikewatch_collector_success{collector="libreswan"} 0$' <<<"$M"
	check "ikewatch: the scrape of a stopped pluto returned within its deadline ($secs ms)" \
		test "$secs" -lt 5000
}

cleanup() {
	local pid
	[ -n "${PLOG_SERVE_PID:-}" ] && kill "$PLOG_SERVE_PID" 2>/dev/null
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
			for n in 1 2 3 4 5 6 7; do  # 4..7: guest_pluto_log.sh
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

# the real whack outputs of each stage, for tests/fixtures/libreswan/4.10
capture_run() {
	capture a down
	up alpha && up beta
	pings 1 3 && pings 2 5
	capture a up
	ip netns exec "$A" ip -s xfrm state >"$PLUTO_CAPTURE/up-xfrm-state.txt"
	whack a --name beta --rekey-ipsec >"$WORK/rekey-beta.log" 2>&1
	sleep 2
	pings 2 2
	capture a rekeyed
	whack a --name alpha --terminate >"$WORK/down-alpha.log" 2>&1
	sleep 1
	capture a alpha-down
	capture b responder
	plog_failures
	plog_capture
	cp "$WORK"/*.log "$PLUTO_CAPTURE/" 2>/dev/null
	cp "$WORK/a/pluto.log" "$PLUTO_CAPTURE/a-pluto.log"
	cp "$WORK/b/pluto.log" "$PLUTO_CAPTURE/b-pluto.log"
	cp "$WORK/a/ipsec.conf" "$PLUTO_CAPTURE/a-ipsec.conf"
}

up() { # up CONN: A initiates; checks the CHILD SA is established
	whack a --name "$1" --initiate >"$WORK/init-$1.log" 2>&1
	check "$1 up (whack --initiate)" grep -q "established Child SA\|IPsec SA established" \
		"$WORK/init-$1.log"
}

# pings N COUNT: from A's inner address of conn N to B's, through ESP: the
# kernel's outbound SA of that conn counts them (checked by the caller)
pings() {
	ip netns exec "$A" ping -q -c "$2" -i 0.2 -W 2 -I "198.18.$1.1" "198.19.$1.1" >/dev/null
}

capture() { # capture NAME LABEL: whack's outputs into $PLUTO_CAPTURE/LABEL-*.txt
	local o=$PLUTO_CAPTURE w
	mkdir -p "$o"
	for w in status showstates trafficstatus globalstatus; do
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
plog_add_conns || { fail "pluto log conns"; exit 1; }
start_pluto a "$A" >"$WORK/start-a.log" 2>&1
start_pluto b "$B" >"$WORK/start-b.log" 2>&1
answers() { whack "$1" --status >/dev/null 2>&1; }
check "pluto a answers on its ctl socket" answers a
check "pluto b answers on its ctl socket" answers b
note "plutos up"

if [ -n "${PLUTO_CAPTURE:-}" ]; then
	capture_run
else
	ikewatch_run
fi
printf '# guest-pluto: %d passed, %d failed\n' "$PASS" "$FAIL"
[ "$FAIL" -eq 0 ]
