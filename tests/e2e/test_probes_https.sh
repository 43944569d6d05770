#!/usr/bin/env bash
# https probes through a lab tunnel (issue 18, part 1: "connect/TLS/total
# timeouts"), from the hub's namespace to small servers in the peer's
# namespace on the peer's inner address: python3's http.server wrapped in
# TLS with a certificate this test makes (a CA, and a server certificate
# for the address and a name), a socket that takes connections and never
# answers the ClientHello, and a plain HTTP server.  With the CA the probe
# passes, with its phases (connect, tls, first_byte, transfer), its TLS
# version and the certificate's notAfter as a gauge; with another CA, a
# name the certificate does not hold, or a server that speaks no TLS it
# fails as "tls"; insecure_skip_verify passes; the silent server fails as
# "timeout" at tls_timeout, not at the whole timeout.  blackbox-config's
# https modules are run by a real blackbox_exporter, which must agree.
# Then an MTU black hole on the outer path (as in test_probes_http.sh):
# ICMP and a TCP connect pass, the https probe fails; taken away, it
# passes again.
#
# Traffic goes only to the lab's own namespaces (TEST-NET addresses); every
# process and setting this test adds is removed on exit, failure included.
source "$(dirname "$0")/lib.sh"

NAME=e2eps$$
NAME=${NAME:0:12}
HUB=$NAME-hub P1=$NAME-p1
IV=3         # probe interval, seconds
PEER=198.19.0.1 SRC=198.18.0.1
PORT_TLS=8443 PORT_SILENT=8444 PORT_PLAIN=8080
DNSNAME=svc.tun1.test
TLS_TIMEOUT_MS=700
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT

for c in python3 openssl promtool prometheus-blackbox-exporter curl; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish probes_https; exit 1; }
done

# ---- certificates: a CA, the server's (30 days), another CA ----------------------
mkcert() { # mkcert NAME SUBJECT DAYS [ISSUER EXTFILE]: NAME.key, NAME.pem in $tmp
	local n=$1 subj=$2 days=$3
	if [ $# -eq 3 ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$tmp/$n.key" -out "$tmp/$n.pem" -days "$days" -subj "$subj"
	else
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$tmp/$n.key" -out "$tmp/$n.csr" -subj "$subj" &&
		openssl x509 -req -in "$tmp/$n.csr" -CA "$tmp/$4.pem" -CAkey "$tmp/$4.key" \
			-CAcreateserial -out "$tmp/$n.pem" -days "$days" -extfile "$5"
	fi
}
printf 'subjectAltName=IP:%s,DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
	"$PEER" "$DNSNAME" >"$tmp/server.ext"
certs() {
	mkcert ca "/CN=ikewatch e2e CA" 3650 && mkcert other "/CN=another CA" 3650 &&
	mkcert server "/CN=$PEER" 30 ca "$tmp/server.ext" && cat "$tmp/server.pem" "$tmp/ca.pem" >"$tmp/chain.pem"
}
check "a CA and a server certificate for $PEER and $DNSNAME" certs 2>"$tmp/openssl.err"
not_after=$(date -u -d "$(openssl x509 -in "$tmp/server.pem" -noout -enddate | cut -d= -f2)" +%s)
e2e_log "the server certificate expires at $not_after"

lab_up "$NAME" --tunnels 1 --peers 1 ||
	{ fail "lab up"; e2e_finish probes_https; exit 1; }

# ---- the servers in the peer's namespace ----------------------------------------------
mkdir "$tmp/www"
python3 -c '
import sys
line = b"ikewatch https probe payload, one line of many to fill the page.\n"
body = line * (65536 // len(line) + 1)
sys.stdout.buffer.write(body + b"ikewatch-end-of-file\n")' >"$tmp/www/big.txt"
echo "hello over tls" >"$tmp/www/index.html"
size=$(stat -c %s "$tmp/www/big.txt")
cat >"$tmp/https.py" <<'EOF'
import http.server, ssl, sys
addr, port, chain, key, root = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
srv = http.server.ThreadingHTTPServer((addr, port), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(chain, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
EOF
# takes connections (the kernel completes them) and never reads a byte
cat >"$tmp/silent.py" <<'EOF'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
EOF
ip netns exec "$P1" python3 "$tmp/https.py" "$PEER" "$PORT_TLS" "$tmp/chain.pem" "$tmp/server.key" \
	"$tmp/www" >"$E2E_OUT/httpsd-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
ip netns exec "$P1" python3 "$tmp/silent.py" "$PEER" "$PORT_SILENT" >"$E2E_OUT/silent-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
ip netns exec "$P1" python3 -m http.server "$PORT_PLAIN" --bind "$PEER" --directory "$tmp/www" \
	>"$E2E_OUT/plaind-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
served() { ip netns exec "$P1" curl -fsS -o /dev/null --max-time 2 --cacert "$tmp/ca.pem" \
	"https://$PEER:$PORT_TLS/big.txt" 2>/dev/null; }
check "the peer's HTTPS server answers curl with the CA (a $size-byte file)" wait_for 10 served
plain() { ip netns exec "$P1" curl -fsS -o /dev/null --max-time 2 "http://$PEER:$PORT_PLAIN/" 2>/dev/null; }
check "the peer's plain HTTP server answers" wait_for 10 plain

# ---- ikewatch -----------------------------------------------------------------------
cat >"$tmp/ikewatch.yml" <<EOF
probes:
  defaults: {netns: $HUB, interval: ${IV}s, timeout: 2s, ca_file: $tmp/ca.pem}
  list:
    - {conn: tun1, child: net1, name: ping, target: $PEER, source: $SRC}
    - {conn: tun1, child: net1, name: syn, type: tcp, port: $PORT_TLS, target: $PEER, source: $SRC}
    - {conn: tun1, child: net1, name: page, type: http, scheme: https, port: $PORT_TLS, target: $PEER,
       source: $SRC, path: /big.txt, expect_status: [200], expect_body: ikewatch-end-of-file,
       min_bytes: 65536, connect_timeout: 1s, tls_timeout: 1s}
    - {conn: tun1, child: net1, name: byname, type: http, scheme: https, port: $PORT_TLS, target: $PEER,
       source: $SRC, server_name: $DNSNAME, expect_body: hello over tls}
    - {conn: tun1, child: net1, name: wrongname, type: http, scheme: https, port: $PORT_TLS, target: $PEER,
       source: $SRC, server_name: other.tun1.test}
    - {conn: tun1, child: net1, name: wrongca, type: http, scheme: https, port: $PORT_TLS, target: $PEER,
       source: $SRC, ca_file: $tmp/other.pem}
    - {conn: tun1, child: net1, name: insecure, type: http, scheme: https, port: $PORT_TLS, target: $PEER,
       source: $SRC, insecure_skip_verify: true}
    - {conn: tun1, child: net1, name: silent, type: http, scheme: https, port: $PORT_SILENT, target: $PEER,
       source: $SRC, tls_timeout: ${TLS_TIMEOUT_MS}ms}
    - {conn: tun1, child: net1, name: notls, type: http, scheme: https, port: $PORT_PLAIN, target: $PEER,
       source: $SRC}
EOF
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --vici.timeout=5s \
	--config.file="$tmp/ikewatch.yml" --log.level=debug
LOG=$E2E_OUT/ikewatch-$PORT.log

L() { printf '{conn="tun1",child="net1",probe="%s",target="%s"}' "$1" "${2:-$PEER:$PORT_TLS}"; }
R() { # R PROBE REASON [TARGET]: the failures counter of that reason
	printf 'ipsec_probe_failures_total{conn="tun1",child="net1",probe="%s",target="%s",reason="%s"}' \
		"$1" "${3:-$PEER:$PORT_TLS}" "$2"
}
wait_until() { scrape_until "$PORT" "$@"; }   # val reads the last scrape ($m)
runs_ge() { ge "$(val "ipsec_probe_runs_total$(L "$1" "${3:-}")")" "$2"; }
all_ran() { runs_ge page 1 && runs_ge byname 1 && runs_ge wrongname 1 && runs_ge wrongca 1 &&
	runs_ge insecure 1 && runs_ge silent 1 "$PEER:$PORT_SILENT" && runs_ge notls 1 "$PEER:$PORT_PLAIN" &&
	runs_ge ping 1 "$PEER" && runs_ge syn 1; }
phase() { # phase PROBE PHASE [TARGET]
	val "ipsec_probe_http_duration_seconds{conn=\"tun1\",child=\"net1\",probe=\"$1\",target=\"${3:-$PEER:$PORT_TLS}\",phase=\"$2\"}"
}
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "missing" && v + 0 >= lo && v + 0 < hi) }'; }

# ---- through a healthy tunnel --------------------------------------------------------
wait_until $((3 * IV + 8)) all_ran
check "every probe has run" all_ran
PAGE=$(L page)
check "the https probe passes with the CA ($(val "ipsec_probe_success$PAGE"))" \
	test "$(val "ipsec_probe_success$PAGE")" = 1
check "...status 200" test "$(val "ipsec_probe_http_status_code$PAGE")" = 200
check "...all $size bytes of the file and its head came ($(val "ipsec_probe_http_response_bytes$PAGE"))" \
	ge "$(val "ipsec_probe_http_response_bytes$PAGE")" "$((size + 100))"
for ph in connect tls first_byte transfer; do
	check "...$ph phase $(phase page $ph) s" between "$(phase page $ph)" 0.000001 2
done
check "...the TLS version on ipsec_probe_tls_info" \
	grep -Eq "^ipsec_probe_tls_info$(L page | sed 's/}$//'),tls_version=\"TLS 1\.[23]\"} 1$" <<<"$m"
e2e_log "$(grep "^ipsec_probe_tls_info$(L page | sed 's/}$//')" <<<"$m")"
check "...the certificate's expiry is the server certificate's notAfter ($not_after)" \
	test "$(val "ipsec_probe_tls_cert_not_after_timestamp_seconds$PAGE")" = "$not_after"
check "...its info has type http" \
	grep -q "^ipsec_probe_info$(L page | sed 's/}$//'),type=\"http\",source=\"$SRC\"} 1$" <<<"$m"
check "verified by the name in the certificate (server_name: $DNSNAME)" \
	test "$(val "ipsec_probe_success$(L byname)")" = 1
check "a name the certificate does not hold fails" test "$(val "ipsec_probe_success$(L wrongname)")" = 0
check "...as tls" ge "$(val "$(R wrongname tls)")" 1
check "...the log says why" grep -q "probe tun1/net1/wrongname: TLS handshake with 'other.tun1.test' failed: .*name" "$LOG"
check "another CA fails" test "$(val "ipsec_probe_success$(L wrongca)")" = 0
check "...as tls" ge "$(val "$(R wrongca tls)")" 1
check "...with a tls phase ($(phase wrongca tls) s)" between "$(phase wrongca tls)" 0.000001 2
check "...and no first byte" test "$(phase wrongca first_byte)" = missing
check "...the log says the issuer is unknown" \
	grep -q "probe tun1/net1/wrongca: TLS handshake with '$PEER' failed: .*issuer is unknown" "$LOG"
check "...and the failure is logged at warn" grep -q "probe tun1/net1/wrongca (http $PEER:$PORT_TLS) failing: tls" "$LOG"
check "insecure_skip_verify passes with no CA" test "$(val "ipsec_probe_success$(L insecure)")" = 1
check "...and says so in the log" grep -q "probe tun1/net1/insecure: insecure_skip_verify" "$LOG"
SIL=$(L silent "$PEER:$PORT_SILENT")
check "a server that never answers the ClientHello fails" test "$(val "ipsec_probe_success$SIL")" = 0
check "...as timeout" ge "$(val "$(R silent timeout "$PEER:$PORT_SILENT")")" 1
tls_s=$(phase silent tls "$PEER:$PORT_SILENT")
lo=$(awk -v t="$TLS_TIMEOUT_MS" 'BEGIN { print t / 1000 }')
hi=$(awk -v t="$TLS_TIMEOUT_MS" 'BEGIN { print t / 1000 + 0.25 }')
check "...at tls_timeout: the tls phase took $tls_s s (${TLS_TIMEOUT_MS}ms, not the 2 s timeout)" \
	between "$tls_s" "$lo" "$hi"
check "...connected first ($(phase silent connect "$PEER:$PORT_SILENT") s)" \
	between "$(phase silent connect "$PEER:$PORT_SILENT")" 0.000001 1
check "a plain HTTP server fails as tls" ge "$(val "$(R notls tls "$PEER:$PORT_PLAIN")")" 1
check "ping passes" test "$(val "ipsec_probe_success$(L ping "$PEER")")" = 1
check "the TCP connect passes" test "$(val "ipsec_probe_success$(L syn)")" = 1
never_failed() { runs_ge page 1 && ! grep -q "^ipsec_probe_failures_total$(L page | sed 's/}$//')" <<<"$m"; }
check "the page probe ran and never failed so far" never_failed

# ---- blackbox_exporter with the emitted https modules -----------------------------------
bb_config_check --config.file="$tmp/ikewatch.yml"
URL="https://$PEER:$PORT_TLS/big.txt"
check "the https probe's target is its https URL" grep -q "targets: \['$URL'\]" "$tmp/bb/prometheus-blackbox.yml"
check "its module fails if not TLS" grep -q "fail_if_not_ssl: true" "$tmp/bb/blackbox.yml"
check "...and trusts the CA file" grep -q "ca_file: '$tmp/ca.pem'" "$tmp/bb/blackbox.yml"
check "...and verifies server_name where one is set" grep -q "server_name: '$DNSNAME'" "$tmp/bb/blackbox.yml"
check "...and skips verification where ikewatch does" grep -q "insecure_skip_verify: true" "$tmp/bb/blackbox.yml"
BBP=$(free_port)
ip netns exec "$HUB" prometheus-blackbox-exporter --config.file="$tmp/bb/blackbox.yml" \
	--web.listen-address="127.0.0.1:$BBP" >"$E2E_OUT/blackbox-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
bbm() { bb_metrics "$tmp/bb/prometheus-blackbox.yml" "$HUB" "$BBP" "$@"; }   # TARGET PROBE
bb() { bb_success "$tmp/bb/prometheus-blackbox.yml" "$HUB" "$BBP" "$@"; }
bb_up() { ip netns exec "$HUB" curl -fsS -o /dev/null "http://127.0.0.1:$BBP/" 2>/dev/null; }
wait_for 5 bb_up
bbpage=$(bbm "$URL" page)
check "blackbox_exporter's https module passes through tun1" \
	test "$(awk '$1 == "probe_success" { print $2 }' <<<"$bbpage")" = 1
bbexp=$(awk '$1 == "probe_ssl_earliest_cert_expiry" { printf "%d", $2 }' <<<"$bbpage")
check "...and sees the same certificate expiry ($bbexp)" test "$bbexp" = "$not_after"
check "...by name too" test "$(bb "https://$PEER:$PORT_TLS/" byname)" = 1
check "...and fails with the other CA, as ikewatch says" test "$(bb "https://$PEER:$PORT_TLS/" wrongca)" = 0
check "...and with the wrong name" test "$(bb "https://$PEER:$PORT_TLS/" wrongname)" = 0
check "...and passes with insecure_skip_verify" test "$(bb "https://$PEER:$PORT_TLS/" insecure)" = 1
check "...and fails on the plain HTTP server" test "$(bb "https://$PEER:$PORT_PLAIN/" notls)" = 0

# ---- an MTU black hole on the outer path -----------------------------------------------
# the hub's end of the outer link takes at most 1400 bytes: the peer's
# full-size ESP packets vanish there without a word; small ones pass
ip -n "$HUB" link set p1 mtu 1400
hubping() { ip netns exec "$HUB" ping -q -c 1 -W 2 -I "$SRC" -s "$1" "$PEER" >/dev/null 2>&1; }
check "the black hole: a small echo passes" hubping 56
lost() { ! hubping "$@"; }
check "the black hole: a full-size echo (1372 bytes of payload) vanishes" lost 1372
r0=$(val "ipsec_probe_runs_total$PAGE")
failed_page() { runs_ge page $((r0 + 1)) && [ "$(val "ipsec_probe_success$PAGE")" = 0 ]; }
wait_until $((3 * IV + 5)) failed_page
check "the https probe fails through the black hole" test "$(val "ipsec_probe_success$PAGE")" = 0
# the server's certificate flight or the body's full-size segments are
# lost: the handshake times out (timeout, or stalled when part of the
# flight came) or the transfer stalls
why=$(grep -o "probe tun1/net1/page (http $PEER:$PORT_TLS) failing: [a-z]*" "$LOG" | tail -n1)
check "...as a data-plane failure, not tls (${why##* })" \
	grep -Eq ": (stalled|timeout)$" <<<"$why"
e2e_log "page: tls phase $(phase page tls) s, transfer $(phase page transfer) s, bytes $(val "ipsec_probe_http_response_bytes$PAGE")"
s0=$(val "ipsec_probe_runs_total$(L syn)")
p0=$(val "ipsec_probe_runs_total$(L ping "$PEER")")
more_runs() { runs_ge syn $((s0 + 1)) && runs_ge ping $((p0 + 1)) "$PEER"; }
wait_until $((2 * IV + 3)) more_runs
check "ping still passes through the black hole" test "$(val "ipsec_probe_success$(L ping "$PEER")")" = 1
check "the TCP connect still passes" test "$(val "ipsec_probe_success$(L syn)")" = 1
check "blackbox_exporter's https module fails too" test "$(bb "$URL" page)" = 0

# ---- the black hole taken away ----------------------------------------------------------
ip -n "$HUB" link set p1 mtu 1500
r1=$(val "ipsec_probe_runs_total$PAGE")
passes_again() { runs_ge page $((r1 + 1)) && [ "$(val "ipsec_probe_success$PAGE")" = 1 ]; }
wait_until $((3 * IV + 5)) passes_again
check "without the black hole the https probe passes again" passes_again
check "...and the log says it recovered" grep -q "probe tun1/net1/page recovered" "$LOG"

# ---- one-shot: gauges only ------------------------------------------------------------------
once=$("$IKEWATCH" metrics --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" 2>"$tmp/once.err")
m=$once
check "ikewatch metrics runs the https probe once" test "$(val "ipsec_probe_success$PAGE")" = 1
check "...with its tls phase" between "$(phase page tls)" 0.000001 2
check "...and the certificate's expiry" \
	test "$(val "ipsec_probe_tls_cert_not_after_timestamp_seconds$PAGE")" = "$not_after"

san=$(grep -l "ERROR: AddressSanitizer\|runtime error:\|ERROR: LeakSanitizer" "$LOG" "$tmp/once.err" 2>/dev/null)
check "no sanitizer report in the daemon's log${san:+ ($san)}" test -z "$san"
e2e_finish probes_https
