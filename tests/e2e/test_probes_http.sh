#!/usr/bin/env bash
# http probes through a lab tunnel (issue 18, part 1), from the hub's
# namespace to a small HTTP server (python3 http.server) in the peer's
# namespace, bound to the peer's inner address and serving a 64 KiB file:
# a whole answer passes, with its status, size and phases; a wrong status
# and a missing body text fail with their reasons.  Then an MTU black hole
# on the outer path (the hub's side of the outer link takes at most 1400
# bytes and drops bigger frames without a word, so no "fragmentation
# needed" ever comes back): ICMP and a TCP connect still pass, the http
# probe fails as "stalled" (its head came, its full-size body packets did
# not); taken away, the probe passes again.  blackbox-config's http module
# is run by a real blackbox_exporter before and during the black hole.
#
# Traffic goes only to the lab's own namespaces (TEST-NET addresses); every
# process and setting this test adds is removed on exit, failure included.
source "$(dirname "$0")/lib.sh"

NAME=e2eph$$
NAME=${NAME:0:12}
HUB=$NAME-hub P1=$NAME-p1
IV=3         # probe interval, seconds
PEER=198.19.0.1 SRC=198.18.0.1 PORT_HTTP=8080
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT

for c in python3 promtool prometheus-blackbox-exporter curl; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish probes_http; exit 1; }
done
lab_up "$NAME" --tunnels 1 --peers 1 ||
	{ fail "lab up"; e2e_finish probes_http; exit 1; }

# ---- the server in the peer's namespace ------------------------------------------
mkdir "$tmp/www"
python3 -c '
import sys
line = b"ikewatch http probe payload, one line of many to fill the page.\n"
body = line * (65536 // len(line) + 1)
sys.stdout.buffer.write(body + b"ikewatch-end-of-file\n")' >"$tmp/www/big.txt"
size=$(stat -c %s "$tmp/www/big.txt")
ip netns exec "$P1" python3 -m http.server "$PORT_HTTP" --bind "$PEER" --directory "$tmp/www" \
	>"$E2E_OUT/httpd-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
served() { ip netns exec "$P1" curl -fsS -o /dev/null --max-time 2 "http://$PEER:$PORT_HTTP/big.txt" 2>/dev/null; }
check "the peer's HTTP server answers (a $size-byte file)" wait_for 10 served

# ---- ikewatch -----------------------------------------------------------------------
cat >"$tmp/ikewatch.yml" <<EOF
probes:
  defaults: {netns: $HUB, interval: ${IV}s, timeout: 2s}
  list:
    - {conn: tun1, child: net1, name: ping, target: $PEER, source: $SRC}
    - {conn: tun1, child: net1, name: syn, type: tcp, port: $PORT_HTTP, target: $PEER, source: $SRC}
    - {conn: tun1, child: net1, name: page, type: http, port: $PORT_HTTP, target: $PEER, source: $SRC,
       path: /big.txt, expect_status: [200], expect_body: ikewatch-end-of-file, min_bytes: 65536,
       connect_timeout: 1s}
    - {conn: tun1, child: net1, name: missing, type: http, port: $PORT_HTTP, target: $PEER, source: $SRC,
       path: /no-such-file.txt, expect_status: 200}
    - {conn: tun1, child: net1, name: wrongtext, type: http, port: $PORT_HTTP, target: $PEER, source: $SRC,
       path: /big.txt, expect_body: "text that is not in the file"}
    - {conn: tun1, child: net1, name: toosmall, type: http, port: $PORT_HTTP, target: $PEER, source: $SRC,
       path: /, min_bytes: 1000000}
EOF
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --vici.timeout=5s \
	--config.file="$tmp/ikewatch.yml" --log.level=debug
LOG=$E2E_OUT/ikewatch-$PORT.log

L() { printf '{conn="tun1",child="net1",probe="%s",target="%s"}' "$1" "${2:-$PEER:$PORT_HTTP}"; }
wait_until() { scrape_until "$PORT" "$@"; }   # val reads the last scrape ($m)
runs_ge() { ge "$(val "ipsec_probe_runs_total$(L "$1" "${3:-}")")" "$2"; }
all_ran() { runs_ge page 1 && runs_ge missing 1 && runs_ge wrongtext 1 && runs_ge toosmall 1 &&
	runs_ge ping 1 "$PEER" && runs_ge syn 1; }

# ---- through a healthy tunnel --------------------------------------------------------
wait_until $((3 * IV + 5)) all_ran
check "every probe has run" all_ran
e2e_log "$(grep '^ipsec_daemon_info' <<<"$m")"
PAGE=$(L page)
check "the http probe passes ($(val "ipsec_probe_success$PAGE"))" test "$(val "ipsec_probe_success$PAGE")" = 1
check "...status 200" test "$(val "ipsec_probe_http_status_code$PAGE")" = 200
check "...all $size bytes of the file and its head came ($(val "ipsec_probe_http_response_bytes$PAGE"))" \
	ge "$(val "ipsec_probe_http_response_bytes$PAGE")" "$((size + 100))"
phase() { val "ipsec_probe_http_duration_seconds{conn=\"tun1\",child=\"net1\",probe=\"page\",target=\"$PEER:$PORT_HTTP\",phase=\"$1\"}"; }
positive() { awk -v v="$1" 'BEGIN { exit !(v + 0 > 0 && v + 0 < 2) }'; }
check "...connect phase $(phase connect) s" positive "$(phase connect)"
check "...first_byte phase $(phase first_byte) s" positive "$(phase first_byte)"
check "...transfer phase $(phase transfer) s" positive "$(phase transfer)"
check "...its connect in the RTT histogram" ge "$(val "ipsec_probe_rtt_seconds_count$PAGE")" 1
check "...its info names the type and the source" \
	grep -q "^ipsec_probe_info{conn=\"tun1\",child=\"net1\",probe=\"page\",target=\"$PEER:$PORT_HTTP\",type=\"http\",source=\"$SRC\"} 1$" <<<"$m"
check "a missing file fails: status 404" test "$(val "ipsec_probe_http_status_code$(L missing)")" = 404
check "...success 0" test "$(val "ipsec_probe_success$(L missing)")" = 0
check "...counted as reason status" \
	ge "$(val "ipsec_probe_failures_total{conn=\"tun1\",child=\"net1\",probe=\"missing\",target=\"$PEER:$PORT_HTTP\",reason=\"status\"}")" 1
check "a body without the expected text fails" test "$(val "ipsec_probe_success$(L wrongtext)")" = 0
check "...counted as reason body" \
	ge "$(val "ipsec_probe_failures_total{conn=\"tun1\",child=\"net1\",probe=\"wrongtext\",target=\"$PEER:$PORT_HTTP\",reason=\"body\"}")" 1
check "...though its status was 200" test "$(val "ipsec_probe_http_status_code$(L wrongtext)")" = 200
check "an answer under min_bytes fails as short" \
	ge "$(val "ipsec_probe_failures_total{conn=\"tun1\",child=\"net1\",probe=\"toosmall\",target=\"$PEER:$PORT_HTTP\",reason=\"short\"}")" 1
check "ping passes" test "$(val "ipsec_probe_success$(L ping "$PEER")")" = 1
check "the TCP connect passes" test "$(val "ipsec_probe_success$(L syn)")" = 1
never_failed() { runs_ge page 1 && ! grep -q "^ipsec_probe_failures_total$(L page | sed 's/}$//')" <<<"$m"; }
check "the page probe ran and never failed so far" never_failed

# ---- blackbox_exporter with the emitted http module ----------------------------------
bb_config_check --config.file="$tmp/ikewatch.yml"
URL="http://$PEER:$PORT_HTTP/big.txt"
check "the http probe's target is its URL" grep -q "targets: \['$URL'\]" "$tmp/bb/prometheus-blackbox.yml"
check "its module expects the body text" grep -q "ikewatch-end-of-file" "$tmp/bb/blackbox.yml"
BBP=$(free_port)
ip netns exec "$HUB" prometheus-blackbox-exporter --config.file="$tmp/bb/blackbox.yml" \
	--web.listen-address="127.0.0.1:$BBP" >"$E2E_OUT/blackbox-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
bb() { bb_success "$tmp/bb/prometheus-blackbox.yml" "$HUB" "$BBP" "$@"; }   # TARGET PROBE
bb_up() { ip netns exec "$HUB" curl -fsS -o /dev/null "http://127.0.0.1:$BBP/" 2>/dev/null; }
wait_for 5 bb_up
check "blackbox_exporter's http module passes through tun1" test "$(bb "$URL" page)" = 1
check "...and fails on the 404, as ikewatch says" test "$(bb "http://$PEER:$PORT_HTTP/no-such-file.txt" missing)" = 0
check "...and on the missing text" test "$(bb "$URL" wrongtext)" = 0

# ---- an MTU black hole on the outer path -----------------------------------------------
# the hub's end of the outer link (a bridge port) takes at most 1400 bytes:
# the peer's full-size ESP packets (1400 inner + ESP and UDP) are dropped
# there silently; small ones (echo, SYN, the answer's head) still pass
ip -n "$HUB" link set p1 mtu 1400
hubping() { ip netns exec "$HUB" ping -q -c 1 -W 2 -I "$SRC" -s "$1" "$PEER" >/dev/null 2>&1; }
check "the black hole: a small echo passes" hubping 56
lost() { ! hubping "$@"; }
check "the black hole: a full-size echo (1372 bytes of payload) vanishes" lost 1372
r0=$(val "ipsec_probe_runs_total$PAGE")
failed_page() { runs_ge page $((r0 + 1)) && [ "$(val "ipsec_probe_success$PAGE")" = 0 ]; }
wait_until $((3 * IV + 5)) failed_page
check "the http probe fails through the black hole" test "$(val "ipsec_probe_success$PAGE")" = 0
check "...as stalled: the answer began and did not end" \
	ge "$(val "ipsec_probe_failures_total{conn=\"tun1\",child=\"net1\",probe=\"page\",target=\"$PEER:$PORT_HTTP\",reason=\"stalled\"}")" 1
check "...its head came (status $(val "ipsec_probe_http_status_code$PAGE"))" \
	test "$(val "ipsec_probe_http_status_code$PAGE")" = 200
check "...but not the body ($(val "ipsec_probe_http_response_bytes$PAGE") bytes)" \
	test "$(val "ipsec_probe_http_response_bytes$PAGE")" -lt "$size"
check "...the transfer phase ran into the timeout ($(phase transfer) s)" ge "$(phase transfer)" 1
check "...and the log says why" grep -q "probe tun1/net1/page (http $PEER:$PORT_HTTP) failing: stalled" "$LOG"
s0=$(val "ipsec_probe_runs_total$(L syn)")
p0=$(val "ipsec_probe_runs_total$(L ping "$PEER")")
more_runs() { runs_ge syn $((s0 + 1)) && runs_ge ping $((p0 + 1)) "$PEER"; }
wait_until $((2 * IV + 3)) more_runs
check "ping still passes through the black hole" test "$(val "ipsec_probe_success$(L ping "$PEER")")" = 1
check "...with no loss" test "$(val "ipsec_probe_loss_ratio$(L ping "$PEER")")" = 0
check "the TCP connect still passes" test "$(val "ipsec_probe_success$(L syn)")" = 1
check "...the small 404 answer still comes back" test "$(val "ipsec_probe_http_status_code$(L missing)")" = 404
check "blackbox_exporter's http module fails too" test "$(bb "$URL" page)" = 0

# ---- the black hole taken away ----------------------------------------------------------
ip -n "$HUB" link set p1 mtu 1500
r1=$(val "ipsec_probe_runs_total$PAGE")
passes_again() { runs_ge page $((r1 + 1)) && [ "$(val "ipsec_probe_success$PAGE")" = 1 ]; }
wait_until $((3 * IV + 5)) passes_again
check "without the black hole the http probe passes again" passes_again
check "...and the log says it recovered" grep -q "probe tun1/net1/page recovered" "$LOG"

# ---- one-shot: gauges only ------------------------------------------------------------------
once=$("$IKEWATCH" metrics --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" 2>"$tmp/once.err")
m=$once
check "ikewatch metrics runs the http probe once" test "$(val "ipsec_probe_success$PAGE")" = 1
check "...with its status and phases" test "$(val "ipsec_probe_http_status_code$PAGE")" = 200
check "...without counters" bash -c '! grep -q "^ipsec_probe_runs_total" <<<"$1"' _ "$once"

san=$(grep -l "ERROR: AddressSanitizer\|runtime error:\|ERROR: LeakSanitizer" "$LOG" "$tmp/once.err" 2>/dev/null)
check "no sanitizer report in the daemon's log${san:+ ($san)}" test -z "$san"
e2e_finish probes_http
