#!/usr/bin/env bash
# Data-plane probes over IPv6 (issue 18, part 2) through an IPv6 lab
# (lab.sh up --ipv6: inner hub 2001:db8:18::I, peer 2001:db8:19::I), from
# the hub's namespace: a healthy tunnel (ICMPv6, TCP, HTTP succeed with RTTs,
# and the probes' packets are in that CHILD SA's counters), TCP to a closed
# port, a target and source derived from IPv6 traffic selectors, ESP dropped
# at a peer while the SAs stay up, and an MTU black hole behind a peer where
# ICMPv6 and TCP pass and the MTU search finds the link's size, both with the
# peer's Packet Too Big delivered and with it dropped (found by timeouts).
# HTTPS over IPv6 too: a certificate this test makes for the peer's IPv6
# address, verified by the address (no SNI for an address).
# Then ping sockets (no CAP_NET_RAW) for ICMPv6 and the IPv6 search, and
# blackbox-config's IPv6 modules checked by a real blackbox_exporter.
#
# Lab: 4 tunnels over 2 peers (tun1, tun3 on p1; tun2, tun4 on p2).  tun3's
# target 2001:db8:19::3 sits behind p1 in namespace s3 on a link of 1300
# bytes (an IPv6 link carries 1280 at least).  p1 keeps that address too, so
# that its Packet Too Big has a source inside tun3's selectors and goes back
# through the tunnel; a routing rule sends what comes out of the tunnel for
# it on to s3.  Traffic goes only to the lab's own namespaces (2001:db8::/32);
# every namespace, rule and process this test adds is removed on exit,
# failure included.
source "$(dirname "$0")/lib.sh"

NAME=e2ep6$$
NAME=${NAME:0:12}
HUB=$NAME-hub P1=$NAME-p1 P2=$NAME-p2 SITE=$NAME-s3
IV=4         # probe interval, seconds
MTU=1300     # the link behind p1 that tun3's target sits on
H1=2001:db8:18::1 T1=2001:db8:19::1 H3=2001:db8:18::3 T3=2001:db8:19::3 T2=2001:db8:19::2
PORT_HTTP=8080
PORT_TLS=8443
tmp=$(mktemp -d)
probes_cleanup() {
	ip netns del "$SITE" 2>/dev/null
	e2e_cleanup
	rm -rf "$tmp"
}
trap probes_cleanup EXIT

for c in nft promtool prometheus-blackbox-exporter setpriv python3 curl openssl; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish probes_ipv6; exit 1; }
done
lab_up "$NAME" --tunnels 4 --peers 2 --ipv6 || { fail "lab up"; e2e_finish probes_ipv6; exit 1; }

# ---- the peers' side ----------------------------------------------------------
# listen NS ADDR PORT: a TCP port that accepts and closes, on an IPv6 address
listen() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64)
while True:
    c, _ = s.accept(); c.close()' "$2" "$3" &
	E2E_PIDS+=("$!")
}
listen "$P1" "$T1" 8022     # closed: 8023
# an HTTP server on p1's inner address of tun1, serving a 64 KiB file
mkdir "$tmp/www"
python3 -c '
import sys
line = b"ikewatch http probe payload, one line of many to fill the page.\n"
sys.stdout.buffer.write(line * (65536 // len(line) + 1) + b"ikewatch-end-of-file\n")' >"$tmp/www/big.txt"
ip netns exec "$P1" python3 -m http.server "$PORT_HTTP" --bind "$T1" --directory "$tmp/www" \
	>"$E2E_OUT/httpd-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
served() { ip netns exec "$P1" curl -fsS -o /dev/null --max-time 2 "http://[$T1]:$PORT_HTTP/big.txt" 2>/dev/null; }
check "the peer's HTTP server answers on [$T1]:$PORT_HTTP" wait_for 10 served
# the same page over TLS on [$T1]:$PORT_TLS, with a certificate for $T1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/ca.key" \
	-out "$tmp/ca.pem" -days 30 -subj "/CN=ikewatch e2e CA" 2>>"$tmp/openssl.err" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/server.key" \
		-out "$tmp/server.csr" -subj "/CN=$T1" 2>>"$tmp/openssl.err" &&
	printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$T1" >"$tmp/server.ext" &&
	openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
		-out "$tmp/server.pem" -days 30 -extfile "$tmp/server.ext" 2>>"$tmp/openssl.err" ||
	fail "certificates for $T1: $(cat "$tmp/openssl.err")"
cat >"$tmp/https6.py" <<'PY'
import http.server, socket, ssl, sys
addr, port, cert, key, root = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
srv = Server((addr, port), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
ip netns exec "$P1" python3 "$tmp/https6.py" "$T1" "$PORT_TLS" "$tmp/server.pem" "$tmp/server.key" \
	"$tmp/www" >"$E2E_OUT/https6d-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
served_tls() { ip netns exec "$P1" curl -fsS -o /dev/null --max-time 2 --cacert "$tmp/ca.pem" \
	"https://[$T1]:$PORT_TLS/big.txt" 2>/dev/null; }
check "the peer's HTTPS server answers on [$T1]:$PORT_TLS" wait_for 10 served_tls

# tun3's target behind p1 on a link of $MTU bytes
ip netns add "$SITE"
ip -n "$SITE" link set lo up
ip netns exec "$SITE" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
	net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip -n "$P1" link add s3 type veth peer name eth0 netns "$SITE"
ip -n "$P1" link set s3 mtu "$MTU" up
ip -n "$SITE" link set eth0 mtu "$MTU" up
ip -n "$P1" address add 2001:db8:33::1/64 dev s3 nodad
ip -n "$SITE" address add 2001:db8:33::2/64 dev eth0 nodad
ip -n "$SITE" address add "$T3/128" dev eth0 nodad
ip -n "$SITE" -6 route add default via 2001:db8:33::1 dev eth0
ip netns exec "$P1" sysctl -qw net.ipv6.conf.all.forwarding=1
# what leaves the tunnel for $T3 goes on to s3, before p1's own copy of it
ip -n "$P1" -6 route add "$T3/128" via 2001:db8:33::2 dev s3 table 100
ip -n "$P1" -6 rule add pref 10 iif ipsec0 to "$T3/128" lookup 100
ip -n "$P1" -6 rule add pref 50 lookup local
ip -n "$P1" -6 rule del pref 0 lookup local
listen "$SITE" "$T3" 8022
ptb_drop() {
	ip netns exec "$P1" nft -f - <<'EOF'
table ip6 ikw_noptb {
	chain out {
		type filter hook output priority 0;
		icmpv6 type packet-too-big drop
	}
}
EOF
}
ptb_pass() { ip netns exec "$P1" nft delete table ip6 ikw_noptb; }
# hubping WAIT SIZE: one echo of SIZE payload bytes, never fragmented (iputils
# has no -M probe for IPv6; -M do is the same while no Packet Too Big came)
hubping() { ip netns exec "$HUB" ping -6 -q -c 1 -W "$1" -M do -s "$2" -I "$H3" "$T3" >/dev/null 2>&1; }
hubping_lost() { ! hubping "$@"; }
ptb_drop
# (the first echo may wait for neighbour discovery on the new link)
check "the black hole: $MTU bytes pass" wait_for 5 hubping 1 $((MTU - 48))
check "the black hole: $((MTU + 1)) bytes vanish" hubping_lost 1 $((MTU - 47))
ptb_pass

# ---- ikewatch -------------------------------------------------------------------
cat >"$tmp/ikewatch.yml" <<EOF
probes:
  defaults: {netns: $HUB, interval: ${IV}s, timeout: 1s}
  list:
    - {conn: tun1, child: net1, name: ping, target: '$T1', source: '$H1'}
    - {conn: tun1, child: net1, name: open, type: tcp, port: 8022, target_offset: 0, source_offset: 0}
    - {conn: tun1, child: net1, name: closed, type: tcp, port: 8023, target: '$T1', source: '$H1'}
    - {conn: tun1, child: net1, name: mtu, type: mtu, target: '$T1', source: '$H1'}
    - {conn: tun1, child: net1, name: page, type: http, port: $PORT_HTTP, target: '$T1', source: '$H1',
       path: /big.txt, expect_status: [200], expect_body: ikewatch-end-of-file, min_bytes: 65536,
       timeout: 2s}
    - {conn: tun1, child: net1, name: tls, type: http, scheme: https, port: $PORT_TLS, target: '$T1',
       source: '$H1', path: /big.txt, ca_file: '$tmp/ca.pem', expect_body: ikewatch-end-of-file,
       min_bytes: 65536, timeout: 2s}
    - {conn: tun2, child: net2, name: ping, target_offset: 0}
    - {conn: tun3, child: net3, name: ping, target: '$T3', source: '$H3'}
    - {conn: tun3, child: net3, name: syn, type: tcp, port: 8022, target: '$T3', source: '$H3'}
    - {conn: tun3, child: net3, name: mtu, type: mtu, target: '$T3', source: '$H3'}
EOF
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --vici.timeout=5s \
	--config.file="$tmp/ikewatch.yml" --log.level=debug
LOG=$E2E_OUT/ikewatch-$PORT.log

L() { printf '{conn="tun%s",child="net%s",probe="%s",target="%s"}' "$1" "$1" "$2" "$3"; }
P1PING=$(L 1 ping "$T1") P2PING=$(L 2 ping "$T2") P3MTU=$(L 3 mtu "$T3")
wait_until() { scrape_until "$PORT" "$@"; }
runs_ge() { ge "$(val "ipsec_probe_runs_total$1")" "$2"; }
ptb_logged() { grep -c "probe tun3/net3/mtu: packet too big (MTU $MTU)" "$LOG"; }
# every probe in $m has finished a run
all_ran() { awk '/^ipsec_probe_runs_total\{/ { n++; if ($2 + 0 < 1) bad = 1 }
	END { exit !(n == 10 && !bad) }' <<<"$m"; }

# ---- a healthy tunnel ----------------------------------------------------------------
wait_until $((3 * IV)) all_ran
check "every probe has run (tun1 ping $(val "ipsec_probe_runs_total$P1PING") runs)" all_ran
check "tun1 ICMPv6 ping succeeds" test "$(val "ipsec_probe_success$P1PING")" = 1
check "tun1 ping lost nothing" test "$(val "ipsec_probe_loss_ratio$P1PING")" = 0
check "tun1 ping RTTs recorded ($(val "ipsec_probe_rtt_seconds_count$P1PING"))" \
	ge "$(val "ipsec_probe_rtt_seconds_count$P1PING")" 3
check "tun1 RTT sum is positive and small" \
	awk -v s="$(val "ipsec_probe_rtt_seconds_sum$P1PING")" 'BEGIN { exit !(s > 0 && s < 3) }'
check "the source is the tunnel's inner IPv6 address" \
	grep -q "^ipsec_probe_info{conn=\"tun1\",child=\"net1\",probe=\"ping\",target=\"$T1\",type=\"icmp\",source=\"$H1\"} 1$" <<<"$m"
OPEN=$(L 1 open "[$T1]:8022")
check "TCP to the open port connects (target label [$T1]:8022)" test "$(val "ipsec_probe_success$OPEN")" = 1
check "the open port's target and source came from the IPv6 traffic selectors" \
	grep -q "^ipsec_probe_info{conn=\"tun1\",child=\"net1\",probe=\"open\",target=\"\[$T1\]:8022\",type=\"tcp\",source=\"$H1\"} 1$" <<<"$m"
CL=$(L 1 closed "[$T1]:8023")
check "TCP to the closed port fails ($(val "ipsec_probe_success$CL"))" test "$(val "ipsec_probe_success$CL")" = 0
check "...refused, not lost: the tunnel carried the reset" test "$(val "ipsec_probe_loss_ratio$CL")" = 0
check "...counted as refused" ge "$(val "ipsec_probe_failures_total{conn=\"tun1\",child=\"net1\",probe=\"closed\",target=\"[$T1]:8023\",reason=\"refused\"}")" 1
PAGE=$(L 1 page "[$T1]:$PORT_HTTP")
check "HTTP over IPv6 gets the whole page" test "$(val "ipsec_probe_success$PAGE")" = 1
check "...status 200" test "$(val "ipsec_probe_http_status_code$PAGE")" = 200
TLS=$(L 1 tls "[$T1]:$PORT_TLS")
TLSPHASE="ipsec_probe_http_duration_seconds{conn=\"tun1\",child=\"net1\",probe=\"tls\",target=\"[$T1]:$PORT_TLS\",phase=\"tls\"}"
check "HTTPS over IPv6 gets the whole page, verified by the address" test "$(val "ipsec_probe_success$TLS")" = 1
check "...with a TLS version" grep -q "^ipsec_probe_tls_info{conn=\"tun1\",child=\"net1\",probe=\"tls\",target=\"\[$T1\]:$PORT_TLS\",tls_version=\"TLS 1\.[23]\"} 1$" <<<"$m"
check "...and the tls phase timed ($(val "$TLSPHASE") s)" ge "$(val "$TLSPHASE")" 0.000001
check "the derived target of tun2 is its IPv6 remote_ts ($T2)" test "$(val "ipsec_probe_success$P2PING")" = 1
check "tun1's IPv6 path MTU is ipsec0's (1400: $(val "ipsec_probe_mtu_bytes$(L 1 mtu "$T1")"))" test "$(val "ipsec_probe_mtu_bytes$(L 1 mtu "$T1")")" = 1400
check "the MTU black hole behind p1 reads $MTU (Packet Too Big delivered)" test "$(val "ipsec_probe_mtu_bytes$P3MTU")" = "$MTU"
check "...and the small sizes pass" test "$(val "ipsec_probe_success$P3MTU")" = 1
check "...p1's Packet Too Big came back through the tunnel ($(ptb_logged) seen)" ge "$(ptb_logged)" 1
check "...ICMPv6 through the black hole passes" test "$(val "ipsec_probe_success$(L 3 ping "$T3")")" = 1
check "...and so does a TCP connect" test "$(val "ipsec_probe_success$(L 3 syn "[$T3]:8022")")" = 1

# the probes' packets are in tun1's CHILD SA counters: at least 104 bytes
# (IPv6 40 + ICMPv6 8 + 56) per echo request each way for the ping probe alone
b_out=$(val 'ipsec_child_sa_bytes_total{conn="tun1",child="net1",direction="out"}')
b_in=$(val 'ipsec_child_sa_bytes_total{conn="tun1",child="net1",direction="in"}')
r0=$(val "ipsec_probe_runs_total$P1PING")
wait_until $((3 * IV)) runs_ge "$P1PING" $((r0 + 2))
r1=$(val "ipsec_probe_runs_total$P1PING")
a_out=$(val 'ipsec_child_sa_bytes_total{conn="tun1",child="net1",direction="out"}')
a_in=$(val 'ipsec_child_sa_bytes_total{conn="tun1",child="net1",direction="in"}')
want=$(((r1 - r0) * 3 * 104))
check "tun1 bytes out rose by >= $want for $((r1 - r0)) runs ($b_out -> $a_out)" ge $((a_out - b_out)) "$want"
check "tun1 bytes in rose by >= $want ($b_in -> $a_in)" ge $((a_in - b_in)) "$want"
check "unprobed tun4 carried nothing" \
	test "$(val 'ipsec_child_sa_bytes_total{conn="tun4",child="net4",direction="out"}')" = 0

# ---- the black hole with Packet Too Big dropped: found by timeouts ------------------------
ptb_drop
r0=$(val "ipsec_probe_runs_total$P3MTU")
wait_until $((3 * IV)) runs_ge "$P3MTU" $((r0 + 1))
seen=$(ptb_logged)
wait_until $((4 * IV)) runs_ge "$P3MTU" $((r0 + 3))
check "no Packet Too Big came back while dropped ($seen -> $(ptb_logged))" test "$(ptb_logged)" = "$seen"
check "the MTU search still reads $MTU from timeouts" test "$(val "ipsec_probe_mtu_bytes$P3MTU")" = "$MTU"
check "...and ICMPv6 through the black hole still passes" test "$(val "ipsec_probe_success$(L 3 ping "$T3")")" = 1
check "...and a TCP connect" test "$(val "ipsec_probe_success$(L 3 syn "[$T3]:8022")")" = 1

# ---- ESP dropped at p2, SAs up: the CHILD SA is degraded -----------------------------
esp_drop_case "$P2PING" "$P1PING" "$T2"

# ---- ping sockets: no CAP_NET_RAW, then net.ipv4.ping_group_range allows them ---------------
noraw() { setpriv --bounding-set -net_raw "$IKEWATCH" metrics --vici.socket="$(lab_vici "$NAME")" \
	--config.file="$tmp/ikewatch.yml" --log.level=debug 2>"$tmp/noraw.err"; }
range=$(ip netns exec "$HUB" sysctl -n net.ipv4.ping_group_range)
ip netns exec "$HUB" sysctl -qw net.ipv4.ping_group_range="1 0"
m=$(noraw)
check "without CAP_NET_RAW nor ping sockets the ICMPv6 probe reports an error" \
	test "$(val "ipsec_probe_success$P1PING")" = 0
ip netns exec "$HUB" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
m=$(noraw)
check "with ping sockets allowed ICMPv6 needs no CAP_NET_RAW" test "$(val "ipsec_probe_success$P1PING")" = 1
check "...the IPv6 MTU search over ping sockets reads $MTU (Packet Too Big dropped)" \
	test "$(val "ipsec_probe_mtu_bytes$P3MTU")" = "$MTU"
ptb_pass
m=$(noraw)
check "...and with it delivered, through the error queue" test "$(val "ipsec_probe_mtu_bytes$P3MTU")" = "$MTU"
check "...which saw the Packet Too Big" grep -q "probe tun3/net3/mtu: packet too big (MTU $MTU)" "$tmp/noraw.err"
ip netns exec "$HUB" sysctl -qw net.ipv4.ping_group_range="$range"

# ---- blackbox_exporter ---------------------------------------------------------------------
bb_config_check --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml"
check "IPv6 modules prefer ip6" grep -q "preferred_ip_protocol: ip6" "$tmp/bb/blackbox.yml"
check "...and never ip4" bash -c '! grep -q "preferred_ip_protocol: ip4" "$1"' _ "$tmp/bb/blackbox.yml"
check "the derived IPv6 target is resolved" grep -q "targets: \['$T2'\]" "$tmp/bb/prometheus-blackbox.yml"
check "the tcp target is bracketed" grep -q "targets: \['\[$T1\]:8022'\]" "$tmp/bb/prometheus-blackbox.yml"
URL="http://[$T1]:$PORT_HTTP/big.txt"
check "the http target is a bracketed URL" grep -qF "targets: ['$URL']" "$tmp/bb/prometheus-blackbox.yml"
BBP=$(free_port)
ip netns exec "$HUB" prometheus-blackbox-exporter --config.file="$tmp/bb/blackbox.yml" \
	--web.listen-address="127.0.0.1:$BBP" >"$E2E_OUT/blackbox-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
bb() { bb_success "$tmp/bb/prometheus-blackbox.yml" "$HUB" "$BBP" "$@"; }
for i in $(seq 1 20); do ip netns exec "$HUB" curl -fsS -o /dev/null "http://127.0.0.1:$BBP/" 2>/dev/null && break; sleep 0.2; done
check "blackbox_exporter's ICMPv6 module passes through tun1" test "$(bb "$T1" ping)" = 1
check "...its TCP module to [$T1]:8022" test "$(bb "[$T1]:8022" open)" = 1
check "...its HTTP module to $URL" test "$(bb "$URL" page)" = 1
check "...and the closed port fails, as ikewatch says" test "$(bb "[$T1]:8023" closed)" = 0

e2e_finish probes_ipv6
