#!/usr/bin/env bash
# A remote-access gateway against real charons (lab --rw): the hub's conn
# rw (remote_addrs %any) hands out virtual IPs from a 40-address pool to 50
# clients on p1 (one identity each, PSK), so 10 are refused.  ikewatch
# shows the pool's size and leases, 40 sessions, and counts each refusal
# once as no_virtual_ip; a real Prometheus with the shipped rules fires
# IPsecPoolNearlyExhausted, which resolves when 10 clients leave; when
# they come back and leave again, their session durations are observed.
source "$(dirname "$0")/lib.sh"

NAME=e2era$$
NAME=${NAME:0:12}
CLIENTS=50
POOL=40
SCALE=30
HELPER="$E2E_ROOT/tests/e2e/alerts_helper.py"
command -v prometheus >/dev/null || { fail "prometheus not installed (scripts/install-deps.sh)"; e2e_finish remote_access; exit 1; }
lab_up "$NAME" --tunnels 1 --rw "$CLIENTS" --rw-pool "$POOL" ||
	{ fail "lab up with $CLIENTS remote-access clients"; e2e_finish remote_access; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT

printf 'logs:\n  vici_log: true\n' >"$tmp/ikewatch.yml"
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml"
stream_up() { [ "$(metric "$(scrape "$PORT")" ikewatch_event_stream_up)" = 1 ]; }
check "ikewatch serves, its event stream is up" wait_for 10 stream_up

m=$(scrape "$PORT")
check "pool size: ipsec_pool_addresses{pool=\"rwpool\"} = $POOL ($(val 'ipsec_pool_addresses{pool="rwpool"}'))" \
	test "$(val 'ipsec_pool_addresses{pool="rwpool"}')" = "$POOL"
check "online leases = $POOL ($(val 'ipsec_pool_leases{pool="rwpool",state="online"}'))" \
	test "$(val 'ipsec_pool_leases{pool="rwpool",state="online"}')" = "$POOL"
check "offline leases = 0" test "$(val 'ipsec_pool_leases{pool="rwpool",state="offline"}')" = 0
check "ipsec_pool_info: base 203.0.113.128, last 203.0.113.167" \
	test "$(val 'ipsec_pool_info{pool="rwpool",base="203.0.113.128",last="203.0.113.167"}')" = 1
check "sessions: ipsec_ra_sessions{conn=\"rw\"} = $POOL ($(val 'ipsec_ra_sessions{conn="rw"}'))" \
	test "$(val 'ipsec_ra_sessions{conn="rw"}')" = "$POOL"
check "...while charon holds $CLIENTS IKE SAs of rw (the refused ones without a CHILD SA)" \
	test "$(val 'ipsec_ike_sas{conn="rw",state="ESTABLISHED"}')" = "$CLIENTS"
check "no session series for the site-to-site conn tun1" \
	bash -c '! grep -q "^ipsec_ra_sessions{conn=\"tun1\"" <<<"$1"' _ "$m"

check "per-identity series are opt-in: no identity label by default" \
	bash -c '! grep -q "identity=" <<<"$1"' _ "$m"
# a second ikewatch with identity labels for at most 5 of the 40 users,
# identities hashed as peers are
start_ikewatch PORTI --vici.socket="$(lab_vici "$NAME")" --collector.identity-labels=5 --collector.redact=hash
IKW_I_PID=$IKW_PID
mi=$(scrape "$PORTI")
nid=$(grep -c '^ipsec_ra_identity_sessions{conn="rw",identity="peer-[0-9a-f]*"} 1$' <<<"$mi")
check "--collector.identity-labels=5: 5 hashed identities with one session each ($nid)" test "$nid" -eq 5
check "...the other 35 sessions under identity=\"other\"" \
	grep -q '^ipsec_ra_identity_sessions{conn="rw",identity="other"} 35$' <<<"$mi"
check "...ipsec_ra_identities_folded{conn=\"rw\"} 35" grep -q '^ipsec_ra_identities_folded{conn="rw"} 35$' <<<"$mi"
check "...at most 6 identity values in any family" \
	test "$(grep -o 'identity="[^"]*"' <<<"$mi" | sort -u | wc -l)" -le 6
check "...no clear-text identity in the scrape" bash -c '! grep -q "@ra.example" <<<"$1"' _ "$mi"
kill "$IKW_I_PID" 2>/dev/null && wait "$IKW_I_PID" 2>/dev/null

# clients on p1 whose IKE SA has no INSTALLED CHILD SA: the refused ones
clients_without_child() {
	lab "$NAME" swanctl p1 --list-sas 2>/dev/null | awk '
		/^rw[0-9]+: #[0-9]+, / { c = $1; sub(/:$/, "", c); seen[c] = 1; next }
		/^  rw: #[0-9]+, reqid [0-9]+, INSTALLED,/ { ok[c] = 1 }
		END { for (c in seen) if (!ok[c]) print c }' | sort
}
clients_with_child() {
	lab "$NAME" swanctl p1 --list-sas 2>/dev/null | awk '
		/^rw[0-9]+: #[0-9]+, / { c = $1; sub(/:$/, "", c); next }
		/^  rw: #[0-9]+, reqid [0-9]+, INSTALLED,/ { print c }' | sort -u
}
mapfile -t refused < <(clients_without_child)
check "the lab refused $((CLIENTS - POOL)) clients (${#refused[@]}: ${refused[*]})" test "${#refused[@]}" -eq $((CLIENTS - POOL))

# they try again while ikewatch watches: each is refused again, once
for c in "${refused[@]}"; do
	lab "$NAME" swanctl p1 --terminate --ike "$c" --timeout 5 >/dev/null 2>&1
	lab "$NAME" swanctl p1 --initiate --ike "$c" --child rw --timeout 10 >/dev/null 2>&1
done
nv() { metric "$m" 'ipsec_conn_failures_total{conn="rw",reason="no_virtual_ip"}' || echo 0; }
refusals_counted() { m=$(scrape "$PORT"); [ "$(nv)" -ge "${#refused[@]}" ]; }
wait_for 15 refusals_counted
sleep 2   # a second count of the same refusal would arrive by now
m=$(scrape "$PORT")
check "each refusal counted once: ipsec_conn_failures_total{conn=\"rw\",reason=\"no_virtual_ip\"} = ${#refused[@]} ($(nv))" \
	test "$(nv)" -eq "${#refused[@]}"
check "...and still $POOL sessions, $POOL online leases" \
	test "$(val 'ipsec_ra_sessions{conn="rw"}')/$(val 'ipsec_pool_leases{pool="rwpool",state="online"}')" = "$POOL/$POOL"

# ---- Prometheus with the shipped rules ---------------------------------------------
for f in ikewatch-recording ikewatch-alerts; do
	python3 "$HELPER" scale "$SCALE" "$E2E_ROOT/deploy/prometheus/$f.rules.yml" >"$tmp/$f.rules.yml"
done
PROM_SCRAPE=2s prom_start PP "ra-$NAME" "127.0.0.1:$PORT"
# firing pool alerts: "alertname pool severity", one a line
pool_alerts() {
	curl -fsS --max-time 5 "http://127.0.0.1:$PP/api/v1/alerts" 2>/dev/null | python3 -c 'import json,sys
a=json.load(sys.stdin)["data"]["alerts"]
print("\n".join(sorted(" ".join(x["labels"].get(k,"") for k in ("alertname","pool","severity"))
	for x in a if x["state"]=="firing" and x["labels"]["alertname"]=="IPsecPoolNearlyExhausted")))' 2>/dev/null
}
firing() { [ "$(pool_alerts)" = "IPsecPoolNearlyExhausted rwpool warning" ]; }
quiet() { [ -z "$(pool_alerts)" ]; }
check "Prometheus fires IPsecPoolNearlyExhausted for rwpool (for: 5m/$SCALE)" wait_for 90 firing
summary=$(curl -fsS "http://127.0.0.1:$PP/api/v1/alerts" | python3 -c 'import json,sys
a=[x for x in json.load(sys.stdin)["data"]["alerts"] if x["labels"]["alertname"]=="IPsecPoolNearlyExhausted"]
print(a[0]["annotations"]["summary"] if a else "")')
check "...its summary: $summary" grep -Eq '^Virtual IP pool rwpool on 127\.0\.0\.1:[0-9]+ is 100% used$' <<<"$summary"

# 10 clients leave: 30 of 40 online (75 %), their leases offline; the alert resolves
mapfile -t leaving < <(clients_with_child | head -n $((CLIENTS - POOL)))
for c in "${leaving[@]}"; do
	lab "$NAME" swanctl p1 --terminate --ike "$c" --timeout 5 >/dev/null 2>&1
done
left() {
	m=$(scrape "$PORT")
	[ "$(val 'ipsec_pool_leases{pool="rwpool",state="online"}')" = $((2 * POOL - CLIENTS)) ]
}
check "${#leaving[@]} clients leave: $((2 * POOL - CLIENTS)) online leases" wait_for 15 left
check "...$((CLIENTS - POOL)) offline ($(val 'ipsec_pool_leases{pool="rwpool",state="offline"}'))" \
	test "$(val 'ipsec_pool_leases{pool="rwpool",state="offline"}')" = $((CLIENTS - POOL))
check "...$((2 * POOL - CLIENTS)) sessions ($(val 'ipsec_ra_sessions{conn="rw"}'))" \
	test "$(val 'ipsec_ra_sessions{conn="rw"}')" = $((2 * POOL - CLIENTS))
check "...and the alert resolves" wait_for 30 quiet

# they come back while ikewatch watches (each gets its own offline lease
# back), and leave again: 10 session durations observed
for c in "${leaving[@]}"; do
	lab "$NAME" swanctl p1 --initiate --ike "$c" --child rw --timeout 10 >/dev/null 2>&1
done
back() {
	m=$(scrape "$PORT")
	[ "$(val 'ipsec_pool_leases{pool="rwpool",state="online"}')/$(val 'ipsec_ra_sessions{conn="rw"}')" = "$POOL/$POOL" ]
}
check "${#leaving[@]} clients come back: $POOL online leases, $POOL sessions" wait_for 15 back
check "...on their own leases (0 offline)" test "$(val 'ipsec_pool_leases{pool="rwpool",state="offline"}')" = 0
sleep 2
for c in "${leaving[@]}"; do
	lab "$NAME" swanctl p1 --terminate --ike "$c" --timeout 5 >/dev/null 2>&1
done
dc() { metric "$m" 'ipsec_ra_session_duration_seconds_count{conn="rw"}' || echo 0; }
durations() { m=$(scrape "$PORT"); [ "$(dc)" -ge "${#leaving[@]}" ]; }
wait_for 15 durations
check "...and leave again: ipsec_ra_session_duration_seconds_count{conn=\"rw\"} = ${#leaving[@]} ($(dc))" \
	test "$(dc)" -eq "${#leaving[@]}"
check "...all in the 60 s bucket (they lived a few seconds)" \
	test "$(val 'ipsec_ra_session_duration_seconds_bucket{conn="rw",le="60"}')" -eq "${#leaving[@]}"
check "...the refused clients' IKE SAs (without a CHILD SA) are still up: not observed" \
	test "$(val 'ipsec_ike_sas{conn="rw",state="ESTABLISHED"}')" -eq $((CLIENTS - ${#leaving[@]}))

for p in "$PORT" "$PORTI"; do
	check "no sanitizer report in the log of ikewatch on $p" \
		bash -c '! grep -q "ERROR: AddressSanitizer\|runtime error:" "$1"' _ "$E2E_OUT/ikewatch-$p.log"
done
e2e_finish remote_access
