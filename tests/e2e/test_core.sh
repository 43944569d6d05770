#!/usr/bin/env bash
# Core scenario against a real lab: traffic counters, a terminated tunnel,
# the exposition formats, and promtool's lint of what we serve.
source "$(dirname "$0")/lib.sh"

NAME=e2ecore$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 3 --peers 2 || { fail "lab up"; e2e_finish core; exit 1; }
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")"

ready_code() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/-/ready"; }
# serve collects once at start: ready without waiting for a scrape (503
# while that collection runs: test_faults.sh, stalled peer)
ready_is() { test "$(ready_code)" = "$1"; }
check "/-/ready is 200 before any scrape (the start-up collection)" wait_for 10 ready_is 200
before=$(scrape "$PORT")
check "vici collector succeeds" test "$(metric "$before" 'ikewatch_collector_success{collector="vici"}')" = 1
for i in 1 2 3; do
	check "tun$i up" test "$(metric "$before" "ipsec_conn_up{conn=\"tun$i\"}")" = 1
	check "net$i installed" test "$(metric "$before" "ipsec_child_up{conn=\"tun$i\",child=\"net$i\"}")" = 1
done

# traffic: 20 pings of 1000 bytes through tunnel 1
sent=$((20 * 1000))
lab "$NAME" ping 1 20 1000 >/dev/null 2>&1
check "pings through tun1 pass" test $? -eq 0
after=$(scrape "$PORT")
for dir in out in; do
	s="ipsec_child_sa_bytes_total{conn=\"tun1\",child=\"net1\",direction=\"$dir\"}"
	b=$(metric "$before" "$s"); a=$(metric "$after" "$s")
	check "bytes $dir rose by >= $sent ($b -> $a)" ge "$((a - b))" "$sent"
	s="ipsec_child_sa_packets_total{conn=\"tun1\",child=\"net1\",direction=\"$dir\"}"
	b=$(metric "$before" "$s"); a=$(metric "$after" "$s")
	check "packets $dir rose by >= 20 ($b -> $a)" ge "$((a - b))" 20
	s="ipsec_child_sa_last_packet_timestamp_seconds{conn=\"tun1\",child=\"net1\",direction=\"$dir\"}"
	check "last packet $dir is recent" ge "$(metric "$after" "$s")" "$(($(date +%s) - 30))"
done
# a tunnel that carried nothing has no last-packet sample (absent, not 0)
check "idle tun3 has no last-packet sample" \
	bash -c '! grep -q "^ipsec_child_sa_last_packet_timestamp_seconds{conn=\"tun3\"" <<<"$1"' _ "$after"

# cross-check with swanctl: the same SPIs are installed
spis=$(lab "$NAME" swanctl hub --list-sas --raw 2>/dev/null | grep -o 'spi-in=[0-9a-f]*' | wc -l)
check "swanctl lists 3 CHILD SAs" test "$spis" -eq 3

# terminate tun2: it must read 0 while still configured
lab "$NAME" swanctl hub --terminate --ike tun2 >/dev/null 2>&1
tun2_down() { [ "$(metric "$(scrape "$PORT")" 'ipsec_conn_up{conn="tun2"}')" = 0 ]; }
wait_for 10 tun2_down
down=$(scrape "$PORT")
check "terminated tun2 reads 0" test "$(metric "$down" 'ipsec_conn_up{conn="tun2"}')" = 0
check "terminated net2 reads 0" test "$(metric "$down" 'ipsec_child_up{conn="tun2",child="net2"}')" = 0
check "tun2 still configured" grep -q '^ipsec_conn_info{conn="tun2"' <<<"$down"
check "tun2 still expected up" test "$(metric "$down" 'ipsec_conn_expected_up{conn="tun2"}')" = 1
check "ESTABLISHED count 0 for tun2" test "$(metric "$down" 'ipsec_ike_sas{conn="tun2",state="ESTABLISHED"}')" = 0
check "tun1 unaffected" test "$(metric "$down" 'ipsec_conn_up{conn="tun1"}')" = 1

# formats: OpenMetrics on request, gzip on request, lint by promtool
om=$(curl -fsS -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' \
	"http://127.0.0.1:$PORT/metrics")
check "OpenMetrics ends with # EOF" test "$(tail -n1 <<<"$om")" = "# EOF"
check "OpenMetrics counter TYPE" grep -q '^# TYPE ipsec_child_sa_bytes counter$' <<<"$om"
hdrs=$(curl -fsS -o /dev/null -D - -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT/metrics")
check "gzip when asked" grep -qi '^content-encoding: gzip' <<<"$hdrs"
gz=$(curl -fsS --compressed "http://127.0.0.1:$PORT/metrics")
check "gzip body decodes to the same families" test "$(grep -c '^# TYPE' <<<"$gz")" -eq "$(grep -c '^# TYPE' <<<"$down")"
if command -v promtool >/dev/null; then
	lint=$(promtool check metrics <<<"$down" 2>&1)
	check "promtool check metrics is clean${lint:+: $lint}" test -z "$lint"
else
	fail "promtool not installed"
fi
check "/ landing page" bash -c "curl -fsS http://127.0.0.1:$PORT/ | grep -q /metrics"
check "/-/ready" curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/ready"
check "unknown path 404" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nope")" = 404

# the one-shot commands against the same charon
out=$("$IKEWATCH" metrics --vici.socket="$(lab_vici "$NAME")" 2>/dev/null)
check "ikewatch metrics prints conns" grep -q '^ipsec_conn_up{conn="tun1"} 1$' <<<"$out"
dir=$(mktemp -d)
"$IKEWATCH" textfile --output "$dir" --vici.socket="$(lab_vici "$NAME")" 2>/dev/null
check "textfile writes ipsec.prom" grep -q '^ipsec_conn_up{conn="tun1"} 1$' "$dir/ipsec.prom"
check "textfile leaves no temp file ($(ls -A "$dir" | tr '\n' ' '))" \
	test "$(ls -A "$dir" | grep -c tmp)" -eq 0
check "textfile keeps its ledger state beside it" test -s "$dir/.ikewatch-ledger.state"
rm -rf "$dir"

e2e_finish core
