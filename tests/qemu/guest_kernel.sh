#!/usr/bin/env bash
# tests/qemu/guest_kernel.sh - runs INSIDE the qemu guest (tests/qemu/run.sh):
# real ESP on a real kernel, and ikewatch's kernel collectors against it.
#
# Two network namespaces joined by a veth pair (outer 192.0.2.1 / .2), each
# with an inner address on a dummy interface (198.18.0.1 / 198.19.0.1):
#   (a) manual tunnel-mode SAs, enc cbc(aes) + auth-trunc hmac(sha256)
#   (b) manual tunnel-mode SAs, aead rfc4106(gcm(aes))
#   (c) two strongSwan charons (kernel-netlink), one per namespace, PSK,
#       one initiates: CHILD SA INSTALLED on both, ping, kernel counters rise
# and ikewatch ($IKEWATCH, default build/ikewatch) on each:
#   (a) the SAs nobody negotiated, summed per src/dst/protocol: bytes and
#       packets equal to `ip -s xfrm state`'s; their addresses redacted
#       with redact: hash
#   (d) a replayed sequence (the sender's SA re-added: its sequence numbers
#       restart) and a corrupted ICV (the sender's SA re-added with another
#       auth key): the receiver's replay and integrity counters equal the
#       kernel's, and /proc/net/xfrm_stat's rise
#   (c) charon's CHILD SA joined with its kernel SAs (conn/child labels),
#       kernel bytes equal to the inbound SA's, monotonic across a rekey
#       (textfile runs with their state)
#   (e) remediation (serve): B's inbound SA deleted while both charons
#       list the CHILD SA up; the probe fails, the self check confirms it
#       with a fresh probe and a CHILD SA rekey over VICI repairs it
# Prints "ok - ..." / "not ok - ..." lines and "# guest-kernel: N passed,
# N failed" (a comment, so that the host wrapper's summary is the only
# counted one); exits non-zero on any failure.
set -uo pipefail

if [ "${QEMU_GUEST:-}" != 1 ]; then
	echo "guest_kernel.sh runs inside the qemu guest: tests/qemu/run.sh $0" >&2
	exit 2
fi

CHARON=/usr/lib/ipsec/charon
IKW=${IKEWATCH:-$(cd "$(dirname "$0")/../.." && pwd)/build/ikewatch}
A=ikwq-a B=ikwq-b
OUTER_A=192.0.2.1 OUTER_B=192.0.2.2
INNER_A=198.18.0.1 INNER_B=198.19.0.1
PSK=ikwq-smoke-not-a-secret-0123456789
WORK=$(mktemp -d /tmp/guest-kernel.XXXXXX)
IKW_SERVE_PID=
LOGS=${QEMU_OUT:-$WORK}
CHARON_PIDS=()

source "$(dirname "$0")/guest_lib.sh"
quiet() { # quiet LOGNAME COMMAND...: output to $WORK/LOGNAME.log, shown on failure
	local log=$WORK/$1.log
	shift
	"$@" >"$log" 2>&1 && return 0
	sed 's/^/#   /' "$log" | tail -n 20
	return 1
}

cleanup() {
	local pid
	for pid in "${CHARON_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	[ -z "$IKW_SERVE_PID" ] || { kill "$IKW_SERVE_PID" 2>/dev/null; wait "$IKW_SERVE_PID" 2>/dev/null; }
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

na() { ip netns exec "$A" "$@"; }
nb() { ip netns exec "$B" "$@"; }

# --- topology
setup_net() {
	ip netns add "$A" && ip netns add "$B" || return 1
	ip link add va netns "$A" type veth peer name vb netns "$B" || return 1
	local ns dev outer inner peer_inner
	for ns in "$A" "$B"; do
		if [ "$ns" = "$A" ]; then
			dev=va outer=$OUTER_A inner=$INNER_A peer_inner=$INNER_B
		else
			dev=vb outer=$OUTER_B inner=$INNER_B peer_inner=$INNER_A
		fi
		# one ip process per namespace: every exec costs under emulation.
		# The peer's inner address is reachable only through the veth (and
		# so, with the policies below, only through ESP).
		ip -n "$ns" -batch - <<-EOF || return 1
			link set lo up
			link set $dev up
			address add $outer/24 dev $dev
			link add inner0 type dummy
			link set inner0 up
			address add $inner/32 dev inner0
			route add $peer_inner/32 dev $dev src $inner
		EOF
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
	done
}

# Every exec costs ~0.1 s under emulation (most of it 9p round trips), so each
# step runs one `ip -batch` per namespace.
# --- manual SAs: add_sas SPI_AB SPI_BA ALGO-ARGS... (same SAs in both)
add_sas() {
	local spi_ab=$1 spi_ba=$2 ns
	shift 2
	for ns in "$A" "$B"; do
		ip -n "$ns" -batch - <<-EOF || return 1
			xfrm state add src $OUTER_A dst $OUTER_B proto esp spi $spi_ab reqid 1 mode tunnel replay-window 32 $*
			xfrm state add src $OUTER_B dst $OUTER_A proto esp spi $spi_ba reqid 1 mode tunnel replay-window 32 $*
		EOF
	done
}
add_policies() {
	local tmpl_ab="tmpl src $OUTER_A dst $OUTER_B proto esp reqid 1 mode tunnel"
	local tmpl_ba="tmpl src $OUTER_B dst $OUTER_A proto esp reqid 1 mode tunnel"
	ip -n "$A" -batch - <<-EOF || return 1
		xfrm policy add src $INNER_A/32 dst $INNER_B/32 dir out $tmpl_ab
		xfrm policy add src $INNER_B/32 dst $INNER_A/32 dir in $tmpl_ba
	EOF
	ip -n "$B" -batch - <<-EOF
		xfrm policy add src $INNER_B/32 dst $INNER_A/32 dir out $tmpl_ba
		xfrm policy add src $INNER_A/32 dst $INNER_B/32 dir in $tmpl_ab
	EOF
}
flush_xfrm() {
	local ns
	for ns in "$A" "$B"; do
		printf 'xfrm state flush\nxfrm policy flush\n' | ip -n "$ns" -batch -
	done
}

# esp_counters NS: "SPI BYTES PACKETS" per ESP SA in NS (ip -s xfrm state)
esp_counters() {
	ip -n "$1" -s xfrm state | awk '
		/^src / { spi = "" }
		/proto esp spi/ { for (i = 1; i <= NF; i++) if ($i == "spi") { spi = $(i + 1); sub(/\(.*/, "", spi) } }
		/lifetime current:/ { cur = 1; next }
		cur { cur = 0; b = $1; p = $2; sub(/\(.*/, "", b); sub(/\(.*/, "", p); if (spi != "") print spi, b, p }'
}
# counted NS MIN_PACKETS: prints NS's ESP counters; true if it has exactly 2
# ESP SAs, each with >= MIN packets
counted() {
	local ns=$1 min=$2 spi bytes packets n=0 ok=0
	while read -r spi bytes packets; do
		note "$ns SA $spi: $bytes bytes, $packets packets"
		n=$((n + 1))
		[ "${packets:-0}" -ge "$min" ] || ok=1
	done < <(esp_counters "$ns")
	[ "$n" -eq 2 ] && [ "$ok" -eq 0 ]
}

# --- ikewatch
# sa_field NS SRC DST FIELD: one number of the ESP SA SRC->DST in NS, from
# `ip -s xfrm state`: bytes, packets, replay, failed (integrity)
sa_field() {
	ip -n "$1" -s xfrm state | awk -v src="$2" -v dst="$3" -v want="$4" '
		/^src / { on = ($2 == src && $4 == dst) }
		on && /lifetime current:/ { cur = 1; next }
		on && cur { cur = 0; b = $1; p = $2; sub(/\(.*/, "", b); sub(/\(.*/, "", p)
			if (want == "bytes") print b; if (want == "packets") print p }
		on && /replay-window [0-9]+ replay [0-9]+ failed/ {
			for (i = 1; i < NF; i++) if ($i == want) print $(i + 1) }' | head -n 1
}
# ikw NS ARGS...: one scrape (ikewatch metrics) from the root namespace,
# reading NS's XFRM tables through --collector.xfrm.netns
ikw() {
	local ns=$1
	shift
	"$IKW" metrics --collector.xfrm.netns="$ns" --collector.klips.path= "$@" 2>>"$LOGS/ikewatch.err"
}
# ikw_in NS ARGS...: the same run inside NS (and its /proc/net/xfrm_stat)
ikw_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$IKW" metrics --collector.klips.path= "$@" 2>>"$LOGS/ikewatch.err"
}
metric() { # metric TEXT 'name{labels}': the value of that exact series
	awk -v s="$2" '$1 == s { print $2; found = 1; exit } END { if (!found) exit 1 }' <<<"$1"
}
same() { # same DESCRIPTION GOT WANT
	check "$1 (ikewatch ${2:-none}, kernel ${3:-none})" test -n "$2" -a "$2" = "$3"
}
other() { # other KIND SRC DST [ERROR]: the series name of an unclaimed SA
	local l="src=\"$2\",dst=\"$3\",protocol=\"esp\""
	[ $# -ge 4 ] && l="$l,error=\"$4\""
	printf 'ipsec_kernel_other_sa_%s{%s}' "$1" "$l"
}

# (a) the manual SAs of the last case, seen from A: nobody's, per src/dst
ikewatch_manual_case() {
	local m s d
	note "case ikewatch: SAs nobody negotiated"
	m=$(ikw "$A" --vici.socket=/nonexistent)
	check "ikewatch: xfrm collector succeeded in $A" \
		grep -q '^ikewatch_collector_success{collector="xfrm"} 1$' <<<"$m"
	same "ikewatch: 2 kernel SAs, none claimed (no charon)" \
		"$(metric "$m" 'ipsec_kernel_sas{joined="no"}')" 2
	same "ikewatch: policies out/allow" \
		"$(metric "$m" 'ipsec_kernel_policies{direction="out",action="allow"}')" 1
	for sd in "$OUTER_A $OUTER_B" "$OUTER_B $OUTER_A"; do
		read -r s d <<<"$sd"
		same "ikewatch: bytes of $s->$d" "$(metric "$m" "$(other bytes "$s" "$d")")" \
			"$(sa_field "$A" "$s" "$d" bytes)"
		same "ikewatch: packets of $s->$d" "$(metric "$m" "$(other packets "$s" "$d")")" \
			"$(sa_field "$A" "$s" "$d" packets)"
	done
	m=$(ikw "$A" --vici.socket=/nonexistent --no-collector.peer-labels)
	same "ikewatch: without peer labels, one sum per protocol" \
		"$(metric "$m" 'ipsec_kernel_other_sas{protocol="esp"}')" 2
	# redacted: these sums are made by the kernel join, before redaction,
	# and once kept the raw addresses
	m=$(ikw "$A" --vici.socket=/nonexistent --collector.redact=hash)
	check "ikewatch: redact hash, the unclaimed SAs' addresses are hashes" \
		grep -q '^ipsec_kernel_other_sas{src="peer-[0-9a-f]\{12\}",dst="peer-[0-9a-f]\{12\}",protocol="esp"} 1$' <<<"$m"
	check "ikewatch: redact hash, no outer address in any series" \
		bash -c '! grep -v "^#" <<<"$3" | grep -qF -e "$1" -e "$2"' _ "$OUTER_A" "$OUTER_B" "$m"
}

# readd_ab ARGS...: A's outbound SA (A->B, spi 0x3001) deleted and added
# again with ARGS: its sequence numbers start at 1 again
readd_ab() {
	ip -n "$A" -batch - <<-EOF
		xfrm state delete src $OUTER_A dst $OUTER_B proto esp spi 0x3001
		xfrm state add src $OUTER_A dst $OUTER_B proto esp spi 0x3001 reqid 1 mode tunnel replay-window 32 $*
	EOF
}

# (d) replay and integrity failures at B, the receiver of A->B
errors_case() {
	local enc=0x000102030405060708090a0b0c0d0e0f m k x
	local auth=0x101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
	local bad=0xf0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0
	note "case replay and integrity"
	flush_xfrm
	check "errors: policies" add_policies
	check "errors: SAs with a replay window" add_sas 0x3001 0x3002 enc 'cbc(aes)' "$enc" \
		auth-trunc 'hmac(sha256)' "$auth" 128
	check "errors: ping through ESP (5 packets)" ping_ab 5
	check "errors: A's sender re-added (its sequence restarts)" readd_ab enc 'cbc(aes)' "$enc" \
		auth-trunc 'hmac(sha256)' "$auth" 128
	ping_ab 3
	k=$(sa_field "$B" "$OUTER_A" "$OUTER_B" replay)
	check "errors: the kernel counted replayed packets at B (${k:-none})" test "${k:-0}" -ge 1
	m=$(ikw_in "$B" --vici.socket=/nonexistent)
	same "ikewatch: replay errors of $OUTER_A->$OUTER_B at B" \
		"$(metric "$m" "$(other errors "$OUTER_A" "$OUTER_B" replay)")" "$k"
	x=$(metric "$m" 'ipsec_xfrm_errors_total{error="in_state_seq_error"}')
	check "ikewatch: xfrm_stat in_state_seq_error at B (${x:-none})" test "${x:-0}" -ge "${k:-1}"
	check "errors: A's sender re-added with another auth key" readd_ab enc 'cbc(aes)' "$enc" \
		auth-trunc 'hmac(sha256)' "$bad" 128
	# sequence numbers 1-5 are replays (checked before the ICV); 6-8 are not
	ping_ab 8
	k=$(sa_field "$B" "$OUTER_A" "$OUTER_B" failed)
	check "errors: the kernel counted integrity failures at B (${k:-none})" test "${k:-0}" -ge 3
	m=$(ikw_in "$B" --vici.socket=/nonexistent)
	same "ikewatch: integrity errors of $OUTER_A->$OUTER_B at B" \
		"$(metric "$m" "$(other errors "$OUTER_A" "$OUTER_B" integrity)")" "$k"
	x=$(metric "$m" 'ipsec_xfrm_errors_total{error="in_state_proto_error"}')
	check "ikewatch: xfrm_stat in_state_proto_error at B (${x:-none})" test "${x:-0}" -ge "${k:-1}"
}

# (c) charon's CHILD SA and its kernel SAs, on A; textfile runs keep the
# kernel counters monotonic across a rekey
tf() {
	"$IKW" textfile --output "$WORK/textfile" --vici.socket="$WORK/a/charon.vici" \
		--collector.xfrm.netns="$A" --collector.klips.path= 2>>"$LOGS/ikewatch.err"
	cat "$WORK/textfile/ipsec.prom"
}
ikewatch_charon_case() {
	local m in1 in2 new k old_spis
	local sel='{conn="smoke",child="net",direction="in"}'
	note "case ikewatch: charon's CHILD SA joined to its kernel SAs"
	mkdir -p "$WORK/textfile"
	m=$(tf)
	same "ikewatch: both kernel SAs of A claimed by charon's CHILD SA" \
		"$(metric "$m" 'ipsec_kernel_sas{joined="yes"}')" 2
	same "ikewatch: kernel SAs of smoke/net" \
		"$(metric "$m" 'ipsec_kernel_child_sas{conn="smoke",child="net"}')" 2
	in1=$(metric "$m" "ipsec_kernel_child_sa_bytes_total$sel")
	same "ikewatch: smoke/net kernel bytes in = A's inbound SA" "$in1" \
		"$(sa_field "$A" "$OUTER_B" "$OUTER_A" bytes)"
	same "ikewatch: smoke/net kernel bytes out = A's outbound SA" \
		"$(metric "$m" 'ipsec_kernel_child_sa_bytes_total{conn="smoke",child="net",direction="out"}')" \
		"$(sa_field "$A" "$OUTER_A" "$OUTER_B" bytes)"
	same "ikewatch: no replay errors on smoke/net" \
		"$(metric "$m" 'ipsec_kernel_child_sa_errors_total{conn="smoke",child="net",error="replay"}')" 0
	k=$(metric "$m" 'ipsec_kernel_child_sa_hard_expire_timestamp_seconds{conn="smoke",child="net"}')
	check "ikewatch: the kernel's hard expiry of smoke/net is ahead (${k:-none})" \
		awk -v t="${k:-0}" -v now="$(date +%s)" 'BEGIN { exit !(t > now) }'
	old_spis=$(esp_counters "$A" | awk '{ print $1 }')
	check "strongswan: rekey of smoke/net" quiet rekey swan a --rekey --child net
	for _ in $(seq 1 50); do   # charon deletes the old SAs after the rekey
		esp_counters "$A" | awk '{ print $1 }' | grep -qxF "$old_spis" || break
		sleep 0.2
	done
	check "strongswan: rekeyed: 2 kernel SAs in $A, none of the old" \
		bash -c '[ "$(wc -l <<<"$1")" -eq 2 ] && ! grep -qxF "$2" <<<"$1"' _ \
		"$(esp_counters "$A" | awk '{ print $1 }')" "$old_spis"
	check "strongswan: ping through the new CHILD SA (3 packets)" ping_ab 3
	new=$(sa_field "$A" "$OUTER_B" "$OUTER_A" bytes)
	m=$(tf)
	in2=$(metric "$m" "ipsec_kernel_child_sa_bytes_total$sel")
	same "ikewatch: kernel bytes in after the rekey = before + the new SA's" "$in2" "$((in1 + new))"
}

# (e) remediation of an SA that is up and carries nothing: B's inbound SA
# deleted from the kernel while both charons still list the CHILD SA
# INSTALLED.  ikewatch serve on A probes B's inner address through the
# tunnel; its self check finds the conn probe_failing, a fresh probe run
# confirms it, and step 1 of the data-plane ladder (a CHILD SA rekey over
# VICI) installs new SAs on both ends: fixed.  Policy time x30.
remediate_case() {
	local port=9779 url spi audit=$WORK/audit.jsonl m t0
	note "case remediation: B's inbound SA removed, a CHILD rekey repairs it"
	url=http://127.0.0.1:$port
	head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$WORK/token"
	chmod 600 "$WORK/token"
	cat >"$WORK/ikewatch.yml" <<EOF
probes:
  list:
    - {conn: smoke, child: net, name: ping, netns: $A, target_offset: 0,
       interval: 2s, timeout: 1s, count: 2, failing_after: 2}
remediation:
  enabled: true
  dry_run: false
  token_file: $WORK/token
  audit_log: $audit
  self_check: 30s               # 1 s real
  recheck_delay: 90s            # 3 s real
  initiate_timeout: 10s
  time_scale: 30
  diagnostics:
    directory: $WORK/diag
    commands: [[ip, netns, exec, $A, ip, -s, xfrm, state]]
EOF
	ip link set lo up
	"$IKW" serve --web.listen-address="127.0.0.1:$port" --vici.socket="$WORK/a/charon.vici" \
		--collector.xfrm.netns="$A" --collector.klips.path= --config.file="$WORK/ikewatch.yml" \
		>>"$LOGS/ikewatch-serve.log" 2>&1 &
	IKW_SERVE_PID=$!
	URL=$url
	check "remediation: ikewatch serve on A, its probe through smoke/net passes" wait_until 60 probe_is 1
	spi=$(nb ip xfrm state | awk -v s="src $OUTER_A dst $OUTER_B" '$0 == s { getline; print $4; exit }')
	check "remediation: B's inbound SA found (spi ${spi:-none})" test -n "$spi"
	nb ip xfrm state delete src "$OUTER_A" dst "$OUTER_B" proto esp spi "$spi"
	t0=$SECONDS
	check "remediation: B's inbound SA gone, both charons still list net INSTALLED" \
		inbound_gone "$spi"
	check "remediation: self check, fresh probe, CHILD rekey: fixed" wait_until 120 audit_fixed "$audit"
	note "fault to fixed in $((SECONDS - t0)) s"
	check "remediation: the decision came from its own trigger and saw the fresh probe fail" \
		grep -q '"source":"self".*"decision":"acted","reason":"fixed".*"seen":"probe_failing afresh' "$audit"
	check "remediation: B has its 2 ESP SAs again, new ones" wait_until 30 renewed "$spi"
	check "remediation: ping through the rekeyed CHILD SA (3 packets)" ping_ab 3
	check "remediation: the probe passes again" wait_until 30 probe_is 1
	m=$(curl -fsS --max-time 5 "$url/metrics")
	check "remediation: ipsec_remediation_steps_total{rekey_child, fixed} 1" test \
		"$(metric "$m" 'ipsec_remediation_steps_total{conn="smoke",step="rekey_child",result="fixed"}')" = 1
	kill "$IKW_SERVE_PID" 2>/dev/null
	wait "$IKW_SERVE_PID" 2>/dev/null
	IKW_SERVE_PID=
	cp "$audit" "$LOGS/remediation-audit.jsonl" 2>/dev/null
}
wait_until() { # wait_until SECONDS COMMAND...: COMMAND holds within SECONDS
	local n=$1
	shift
	for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 1; done
	return 1
}
probe_is() { # probe_is 0|1: ikewatch's ipsec_probe_success of smoke/net/ping
	curl -fsS --max-time 5 "$URL/metrics" 2>/dev/null |
		grep -q "^ipsec_probe_success{conn=\"smoke\",child=\"net\",probe=\"ping\".*} $1\$"
}
audit_fixed() {
	grep -q '"decision":"acted","reason":"fixed".*"action":"rekey_child","result":"ok","step":1' "$1" 2>/dev/null
}
inbound_gone() { ! nb ip xfrm state | grep -q "spi $1 " && installed a && installed b; }
renewed() { [ "$(nb ip xfrm state | grep -c '^src')" -eq 2 ] && ! nb ip xfrm state | grep -q "spi $1 "; }

ping_ab() { # ping_ab COUNT: A's inner -> B's inner
	na ping -q -c "$1" -i 0.2 -W 2 -I "$INNER_A" "$INNER_B" >/dev/null 2>&1
}

manual_case() { # manual_case NAME SPI_AB SPI_BA ALGO-ARGS...
	local name=$1 spi_ab=$2 spi_ba=$3 ns
	shift 3
	note "case $name"
	flush_xfrm
	check "$name: policies installed in both namespaces" add_policies
	# with the policies but no SAs yet, nothing gets through
	if ping_ab 1; then fail "$name: ping without SAs is blocked"; else pass "$name: ping without SAs is blocked"; fi
	check "$name: ip xfrm state add (both SAs, both namespaces)" add_sas "$spi_ab" "$spi_ba" "$@"
	check "$name: ping $INNER_A -> $INNER_B through ESP (5 packets)" ping_ab 5
	for ns in "$A" "$B"; do
		check "$name: $ns: both ESP SAs counted >= 5 packets" counted "$ns" 5
	done
}

# --- strongSwan
write_charon_conf() { # write_charon_conf SIDE(a|b)
	local side=$1 d=$WORK/$1 me peer me_in peer_in
	if [ "$side" = a ]; then
		me=$OUTER_A peer=$OUTER_B me_in=$INNER_A peer_in=$INNER_B
	else
		me=$OUTER_B peer=$OUTER_A me_in=$INNER_B peer_in=$INNER_A
	fi
	mkdir -p "$d/swanctl"
	cat >"$d/strongswan.conf" <<EOF
charon {
	load_modular = no
	load = kernel-netlink socket-default vici nonce random openssl pem pkcs1 x509 kdf hmac sha1 sha2 aes gcm gmp curve25519
	install_routes = yes
	retransmit_timeout = 1.0
	retransmit_base = 1.5
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
		socket-default {
			use_ipv6 = no
		}
	}
	filelog {
		smoke {
			path = $d/charon.log
			time_format = %H:%M:%S
			ike_name = yes
			append = no
			flush_line = yes
			default = 1
		}
	}
}
swanctl {
	load = random
}
EOF
	cat >"$d/swanctl/swanctl.conf" <<EOF
connections {
	smoke {
		version = 2
		local_addrs = $me
		remote_addrs = $peer
		proposals = aes128gcm16-prfsha256-x25519
		mobike = no
		local {
			auth = psk
			id = side-$side
		}
		remote {
			auth = psk
			id = side-$([ "$side" = a ] && echo b || echo a)
		}
		children {
			net {
				local_ts = $me_in/32
				remote_ts = $peer_in/32
				esp_proposals = aes128gcm16
				mode = tunnel
			}
		}
	}
}
secrets {
	ike-smoke {
		id-a = side-a
		id-b = side-b
		secret = "$PSK"
	}
}
EOF
}

swan() { # swan SIDE ARGS...: swanctl against that side's charon
	local d=$WORK/$1
	shift
	STRONGSWAN_CONF=$d/strongswan.conf swanctl "$@" --uri "unix://$d/charon.vici"
}

start_charon() { # start_charon SIDE NS
	local side=$1 ns=$2 d=$WORK/$1
	# private /run: charon's pid file path is compiled in
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	STRONGSWAN_CONF=$d/strongswan.conf ip netns exec "$ns" \
		unshare --mount sh -c 'mount -t tmpfs tmpfs /run && exec "$0"' "$CHARON" \
		</dev/null >"$d/charon.out" 2>&1 &
	CHARON_PIDS+=($!)
	for _ in $(seq 1 100); do
		[ -S "$d/charon.vici" ] && swan "$side" --stats >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

installed() { # installed SIDE: the CHILD SA "net" is INSTALLED there
	swan "$1" --list-sas 2>/dev/null | grep -qE '^  net: #[0-9]+, reqid [0-9]+, INSTALLED, TUNNEL'
}

charon_case() {
	local t ns
	note "case strongswan"
	flush_xfrm
	write_charon_conf a
	write_charon_conf b
	t=$SECONDS
	check "strongswan: charon a started in $A (VICI up)" start_charon a "$A"
	check "strongswan: charon b started in $B (VICI up)" start_charon b "$B"
	note "charons up in $((SECONDS - t)) s"
	check "strongswan: swanctl --load-all on a" quiet load-a swan a --load-all --noprompt --file "$WORK/a/swanctl/swanctl.conf"
	check "strongswan: swanctl --load-all on b" quiet load-b swan b --load-all --noprompt --file "$WORK/b/swanctl/swanctl.conf"
	t=$SECONDS
	check "strongswan: a initiates CHILD SA net" quiet initiate swan a --initiate --child net --timeout 30
	note "initiate took $((SECONDS - t)) s"
	check "strongswan: a lists net INSTALLED" installed a
	check "strongswan: b lists net INSTALLED" installed b
	swan a --list-sas 2>&1 | sed 's/^/# a: /'
	for ns in "$A" "$B"; do
		check "strongswan: $ns: kernel has 2 ESP SAs from charon (kernel-netlink)" \
			test "$(esp_counters "$ns" | wc -l)" -eq 2
	done
	check "strongswan: ping $INNER_A -> $INNER_B through the CHILD SA (5 packets)" ping_ab 5
	for ns in "$A" "$B"; do
		check "strongswan: $ns: both ESP SAs counted >= 5 packets" counted "$ns" 5
	done
	check "strongswan: charon reports bytes on the CHILD SA" \
		bash -c "STRONGSWAN_CONF=$WORK/a/strongswan.conf swanctl --list-sas --raw --uri unix://$WORK/a/charon.vici |
			grep -Eq 'bytes-in=[1-9][0-9]* .*bytes-out=[1-9]'"
}

# --- run
note "kernel $(uname -r)"
check "network: namespaces $A/$B, veth, dummy inner interfaces" setup_net
check "network: $OUTER_A -> $OUTER_B reachable over the veth" \
	quiet ping-outer na ping -c 1 -W 2 "$OUTER_B"
manual_case cbc-hmac 0x1001 0x1002 enc 'cbc(aes)' 0x000102030405060708090a0b0c0d0e0f \
	auth-trunc 'hmac(sha256)' 0x101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f 128
ikewatch_manual_case
manual_case gcm 0x2001 0x2002 aead 'rfc4106(gcm(aes))' 0x000102030405060708090a0b0c0d0e0f10111213 128
errors_case
charon_case
ikewatch_charon_case
remediate_case
# the kernel's own XFRM error counters stay clean in A (OutNoStates: the
# pings without SAs above); B saw case (d)'s replays and bad ICVs
for ns in "$A"; do
	# shellcheck disable=SC2016 # awk program
	errs=$(ip netns exec "$ns" awk '$2 != 0 && $1 != "XfrmOutNoStates" { printf "%s=%s ", $1, $2 }' /proc/net/xfrm_stat)
	check "$ns: no XFRM errors in /proc/net/xfrm_stat${errs:+: $errs}" test -z "$errs"
done

if [ "$FAIL" -ne 0 ] || [ "${SMOKE_KEEP_LOGS:-}" = 1 ]; then
	for s in a b; do
		[ -f "$WORK/$s/charon.log" ] && cp "$WORK/$s/charon.log" "$LOGS/charon-$s.log" 2>/dev/null
	done
	[ "$FAIL" -ne 0 ] && [ -f "$WORK/a/charon.log" ] && tail -n 20 "$WORK/a/charon.log" | sed 's/^/# charon a: /'
fi
note "done"
printf '# guest-kernel: %d passed, %d failed\n' "$PASS" "$FAIL"
[ "$FAIL" -eq 0 ]
