#!/usr/bin/env bash
# Data-plane probes through the lab's tunnels (issue 5), from the hub's
# namespace: a healthy tunnel (success, no loss, RTTs, and the probes'
# packets in that CHILD SA's byte counters), TCP to an open and a closed
# port, a target derived from a traffic selector, ESP dropped at a peer while
# the SAs stay up, an MTU black hole behind a peer, probes that keep running
# while charon's VICI hangs, ping sockets, the one-shot command, and
# blackbox-config checked by promtool and by a real blackbox_exporter.
#
# Lab: 4 tunnels over 2 peers (tun1, tun3 on p1; tun2, tun4 on p2).  Traffic
# goes only to the lab's own namespaces; every namespace, rule and process
# this test adds is removed on exit, failure included.
source "$(dirname "$0")/lib.sh"

NAME=e2epr$$
NAME=${NAME:0:12}
HUB=$NAME-hub P1=$NAME-p1 P2=$NAME-p2 SITE=$NAME-s3
IV=4         # probe interval, seconds
MTU=1280     # the link behind p1 that tun3's target sits on
tmp=$(mktemp -d)
probes_cleanup() {
	ip netns del "$SITE" 2>/dev/null
	e2e_cleanup
	rm -rf "$tmp"
}
trap probes_cleanup EXIT

for c in nft promtool prometheus-blackbox-exporter setpriv; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish probes; exit 1; }
done
lab_up "$NAME" --tunnels 4 --peers 2 || { fail "lab up"; e2e_finish probes; exit 1; }

# ---- the peers' side ----------------------------------------------------------
# an open port on p1's inner address of tun1 (closed: 8023)
ip netns exec "$P1" python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.19.0.1", 8022)); s.listen(64)
while True:
    c, _ = s.accept(); c.close()' &
E2E_PIDS+=("$!")
# tun3's target moves behind p1, on a link with a smaller MTU; p1 forwards
# to it and its "fragmentation needed" is dropped: a black hole above $MTU
ip netns add "$SITE"
ip -n "$SITE" link set lo up
ip -n "$P1" link add s3 type veth peer name eth0 netns "$SITE"
ip -n "$P1" link set s3 mtu "$MTU" up
ip -n "$SITE" link set eth0 mtu "$MTU" up
ip -n "$P1" address del 198.19.0.3/32 dev lo
ip -n "$SITE" address add 198.19.0.3/32 dev eth0
ip -n "$P1" address add 169.254.3.1/32 dev s3
ip -n "$P1" route add 198.19.0.3/32 dev s3
ip -n "$SITE" route add 169.254.3.1/32 dev eth0
ip -n "$SITE" route add default via 169.254.3.1 dev eth0 onlink
ip netns exec "$P1" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$P1" nft -f - <<'EOF'
table ip ikw_nofrag {
	chain out {
		type filter hook output priority 0;
		icmp type destination-unreachable icmp code frag-needed drop
	}
}
EOF
hubping() { ip netns exec "$HUB" ping -q -c 1 -W "$1" -M do -s "$2" -I 198.18.0.3 198.19.0.3 >/dev/null 2>&1; }
check "the black hole: DF at $MTU passes" hubping 2 $((MTU - 28))
hubping_lost() { ! hubping "$@"; }
check "the black hole: DF at $((MTU + 1)) vanishes" hubping_lost 1 $((MTU - 27))

# ---- ikewatch -------------------------------------------------------------------
cat >"$tmp/ikewatch.yml" <<EOF
probes:
  defaults: {netns: $HUB, interval: ${IV}s, timeout: 1s}
  list:
    - {conn: tun1, child: net1, name: ping, target: 198.19.0.1, source: 198.18.0.1}
    - {conn: tun1, child: net1, name: open, type: tcp, port: 8022, target_offset: 0, source_offset: 0}
    - {conn: tun1, child: net1, name: closed, type: tcp, port: 8023, target: 198.19.0.1, source: 198.18.0.1}
    - {conn: tun1, child: net1, name: mtu, type: mtu, target: 198.19.0.1, source: 198.18.0.1}
    - {conn: tun2, child: net2, name: ping, target_offset: 0}
    - {conn: tun3, child: net3, name: mtu, type: mtu, target: 198.19.0.3, source: 198.18.0.3}
EOF
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --vici.timeout=5s \
	--config.file="$tmp/ikewatch.yml" --log.level=debug

T1='conn="tun1",child="net1"'
P1PING="{$T1,probe=\"ping\",target=\"198.19.0.1\"}"
P2PING='{conn="tun2",child="net2",probe="ping",target="198.19.0.2"}'
wait_until() { scrape_until "$PORT" "$@"; }
runs_ge() { ge "$(val "ipsec_probe_runs_total$1")" "$2"; }

# ---- a healthy tunnel ----------------------------------------------------------------
wait_until $((3 * IV)) runs_ge "{conn=\"tun3\",child=\"net3\",probe=\"mtu\",target=\"198.19.0.3\"}" 1
check "every probe has run (tun1 ping $(val "ipsec_probe_runs_total$P1PING") runs)" runs_ge "$P1PING" 1
check "tun1 ping succeeds" test "$(val "ipsec_probe_success$P1PING")" = 1
check "tun1 ping lost nothing" test "$(val "ipsec_probe_loss_ratio$P1PING")" = 0
check "tun1 ping RTTs recorded ($(val "ipsec_probe_rtt_seconds_count$P1PING"))" \
	ge "$(val "ipsec_probe_rtt_seconds_count$P1PING")" 3
check "tun1 RTT sum is positive and small" \
	awk -v s="$(val "ipsec_probe_rtt_seconds_sum$P1PING")" 'BEGIN { exit !(s > 0 && s < 3) }'
check "last run is recent" ge "$(val "ipsec_probe_last_run_timestamp_seconds$P1PING")" "$(($(date +%s) - 2 * IV))"
check "the source is the tunnel's inner address" \
	grep -q "^ipsec_probe_info{$T1,probe=\"ping\",target=\"198.19.0.1\",type=\"icmp\",source=\"198.18.0.1\"} 1$" <<<"$m"
check "TCP to the open port connects" \
	test "$(val "ipsec_probe_success{$T1,probe=\"open\",target=\"198.19.0.1:8022\"}")" = 1
check "the open port's target and source came from the traffic selectors" \
	grep -q "^ipsec_probe_info{$T1,probe=\"open\",target=\"198.19.0.1:8022\",type=\"tcp\",source=\"198.18.0.1\"} 1$" <<<"$m"
CL="{$T1,probe=\"closed\",target=\"198.19.0.1:8023\"}"
check "TCP to the closed port fails" test "$(val "ipsec_probe_success$CL")" = 0
check "...refused, not lost: the tunnel carried the reset" test "$(val "ipsec_probe_loss_ratio$CL")" = 0
check "...counted as refused" ge "$(val "ipsec_probe_failures_total{$T1,probe=\"closed\",target=\"198.19.0.1:8023\",reason=\"refused\"}")" 1
check "the derived target of tun2 is its remote_ts" test "$(val "ipsec_probe_success$P2PING")" = 1
check "tun1's path MTU is ipsec0's (1400)" \
	test "$(val "ipsec_probe_mtu_bytes{$T1,probe=\"mtu\",target=\"198.19.0.1\"}")" = 1400
check "the MTU black hole behind p1 reads $MTU" \
	test "$(val 'ipsec_probe_mtu_bytes{conn="tun3",child="net3",probe="mtu",target="198.19.0.3"}')" = "$MTU"
check "...and the small sizes pass" \
	test "$(val 'ipsec_probe_success{conn="tun3",child="net3",probe="mtu",target="198.19.0.3"}')" = 1

# the probes' packets are in tun1's CHILD SA counters: at least 84 bytes
# (IP + ICMP + 56) per echo request each way; nothing else uses tun1
b_out=$(val "ipsec_child_sa_bytes_total{$T1,direction=\"out\"}")
b_in=$(val "ipsec_child_sa_bytes_total{$T1,direction=\"in\"}")
r0=$(val "ipsec_probe_runs_total$P1PING")
wait_until $((3 * IV)) runs_ge "$P1PING" $((r0 + 2))
r1=$(val "ipsec_probe_runs_total$P1PING")
a_out=$(val "ipsec_child_sa_bytes_total{$T1,direction=\"out\"}")
a_in=$(val "ipsec_child_sa_bytes_total{$T1,direction=\"in\"}")
want=$(((r1 - r0) * 3 * 84))
check "tun1 bytes out rose by >= $want for $((r1 - r0)) runs ($b_out -> $a_out)" ge $((a_out - b_out)) "$want"
check "tun1 bytes in rose by >= $want ($b_in -> $a_in)" ge $((a_in - b_in)) "$want"
check "unprobed tun4 carried nothing" \
	test "$(val 'ipsec_child_sa_bytes_total{conn="tun4",child="net4",direction="out"}')" = 0

# ---- ESP dropped at p2, SAs up: the CHILD SA is degraded -----------------------------
esp_drop_case "$P2PING" "$P1PING" "198.19.0.2"

# ---- charon's VICI hangs: scrapes wait, probes do not ------------------------------------
cpid=$(cat "$(lab_state_dir "$NAME")/hub/charon.pid")
before=$(val "ipsec_probe_runs_total$P1PING")
stopped=$(date +%s)
kill -STOP "$cpid"
m=$(scrape "$PORT")
check "the scrape waited for the VICI timeout (collector failed)" \
	test "$(val 'ikewatch_collector_success{collector="vici"}')" = 0
check "probes ran while charon hung ($before -> $(val "ipsec_probe_runs_total$P1PING") runs)" \
	ge "$(val "ipsec_probe_runs_total$P1PING")" $((before + 1))
check "...and finished a run meanwhile" \
	ge "$(val "ipsec_probe_last_run_timestamp_seconds$P1PING")" "$((stopped + 1))"
# a second hung scrape: by its end a whole run has passed with charon (and
# so kernel-libipsec's ESP) stopped
m=$(scrape "$PORT")
kill -CONT "$cpid"
check "a probe through a dead data plane reports failure, not absence" \
	test "$(val "ipsec_probe_success$P1PING")" = 0
p1_ok() { [ "$(val "ipsec_probe_success$P1PING")" = 1 ]; }
wait_until $((3 * IV)) p1_ok
check "after charon resumes the probe succeeds again" test "$(val "ipsec_probe_success$P1PING")" = 1

# ---- the one-shot command: each probe once, gauges only ------------------------------------
once=$("$IKEWATCH" metrics --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" 2>"$tmp/once.err")
m=$once
check "ikewatch metrics runs the probes once" test "$(val "ipsec_probe_success$P1PING")" = 1
check "...derived targets too" test "$(val "ipsec_probe_success$P2PING")" = 1
check "...and the MTU search" \
	test "$(val 'ipsec_probe_mtu_bytes{conn="tun3",child="net3",probe="mtu",target="198.19.0.3"}')" = "$MTU"
check "...without counters or histograms" bash -c '! grep -q "^ipsec_probe_runs_total\|^ipsec_probe_rtt_seconds" <<<"$1"' _ "$once"

# ---- ping sockets: no CAP_NET_RAW, then net.ipv4.ping_group_range allows them ---------------
noraw() { setpriv --bounding-set -net_raw "$IKEWATCH" metrics --vici.socket="$(lab_vici "$NAME")" \
	--config.file="$tmp/ikewatch.yml" 2>/dev/null; }
range=$(ip netns exec "$HUB" sysctl -n net.ipv4.ping_group_range)
ip netns exec "$HUB" sysctl -qw net.ipv4.ping_group_range="1 0"
m=$(noraw)
check "without CAP_NET_RAW nor ping sockets the probe reports an error" \
	test "$(val "ipsec_probe_success$P1PING")" = 0
ip netns exec "$HUB" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
m=$(noraw)
check "with ping sockets allowed it needs no CAP_NET_RAW" test "$(val "ipsec_probe_success$P1PING")" = 1
check "...the MTU search works over ping sockets too" \
	test "$(val 'ipsec_probe_mtu_bytes{conn="tun3",child="net3",probe="mtu",target="198.19.0.3"}')" = "$MTU"
ip netns exec "$HUB" sysctl -qw net.ipv4.ping_group_range="$range"

# ---- blackbox_exporter ---------------------------------------------------------------------
bb_config_check --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml"
check "targets carry conn/child/probe labels" grep -q "conn: 'tun2'" "$tmp/bb/prometheus-blackbox.yml"
check "the derived target is resolved" grep -q "targets: \['198.19.0.2'\]" "$tmp/bb/prometheus-blackbox.yml"
BBP=$(free_port)
ip netns exec "$HUB" prometheus-blackbox-exporter --config.file="$tmp/bb/blackbox.yml" \
	--web.listen-address="127.0.0.1:$BBP" >"$E2E_OUT/blackbox-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
bb() { bb_success "$tmp/bb/prometheus-blackbox.yml" "$HUB" "$BBP" "$@"; }
for i in $(seq 1 20); do ip netns exec "$HUB" curl -fsS -o /dev/null "http://127.0.0.1:$BBP/" 2>/dev/null && break; sleep 0.2; done
check "blackbox_exporter's ICMP module passes through tun1" test "$(bb 198.19.0.1 ping)" = 1
check "...its TCP module to the open port" test "$(bb 198.19.0.1:8022 open)" = 1
check "...a full-size DF echo fails through tun3's black hole, as ikewatch says" test "$(bb 198.19.0.3 mtu)" = 0

e2e_finish probes
