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
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/token"
chmod 600 "$tmp/token"
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" \
	--status.actions --status.token-file="$tmp/token" --status.audit-log="$tmp/audit.log"
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
nvip=$(grep -c '^ipsec_ra_identity_info{conn="rw",identity="peer-[0-9a-f]*",virtual_ips="peer-[0-9a-f]*"} 1$' <<<"$mi")
check "...ipsec_ra_identity_info: the 5 identities' virtual IPs, hashed as peers are ($nvip)" test "$nvip" -eq 5
check "...no virtual IP in clear text (only the pool's own range in ipsec_pool_info)" \
	test "$(grep -c '203\.0\.113\.' <<<"$mi")" = "$(grep -c '^ipsec_pool_info{' <<<"$mi")"
st=$(curl -fsS "http://127.0.0.1:$PORTI/api/v1/status?conn=rw")
check "...the status JSON hashes the sessions' virtual IPs too" \
	bash -c '! grep -q "\"virtual_ips\":\"[0-9]" <<<"$1" && grep -q "\"virtual_ips\":\"peer-" <<<"$1"' _ "$st"
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

# ---- the status view: sessions and the pool in the table, one line each with --conn ---
U="http://127.0.0.1:$PORT"
st=$("$IKEWATCH" status --url="$U" --width=160)
check "status: rw's line says $POOL sessions and the pool full" \
	grep -q "^  $POOL sessions; pool rwpool $POOL of $POOL addresses in use (100%), 0 offline$" <<<"$st"
check "...and lists no session in the overview" bash -c '! grep -q "SESSION  IDENTITY" <<<"$1"' _ "$st"
st=$("$IKEWATCH" status --url="$U" --width=160 --conn rw)
VIP='203\.0\.113\.(12[89]|1[3-5][0-9]|16[0-7])'
nest=$(grep -cE "^  #[0-9]+ +rw[0-9]+@ra\.example +ESTABLISHED +192\.0\.2\.[0-9]+ +$VIP +[0-9]" <<<"$st")
nref=$(grep -cE "^  #[0-9]+ +rw[0-9]+@ra\.example +no CHILD SA +192\.0\.2\.[0-9]+ +- " <<<"$st")
check "status --conn rw: $POOL sessions, each with its identity, address and a virtual IP of the pool ($nest)" \
	test "$nest" -eq "$POOL"
check "...and the $((CLIENTS - POOL)) refused clients, without a virtual IP ($nref)" test "$nref" -eq $((CLIENTS - POOL))
check "...distinct virtual IPs" test "$(grep -oE " $VIP " <<<"$st" | sort -u | wc -l)" -eq "$POOL"
ra_json() {
	"$IKEWATCH" status --url="$U" --json --conn rw | python3 -c 'import json,sys
ra=json.load(sys.stdin)["connections"][0]["remote_access"]
s=[x for x in ra["session_list"] if x["session"]]
vips=sorted(x["virtual_ips"] for x in s)
ok=all(x["pool"]=="rwpool" and x["bytes_in"]>=0 and x["established_seconds"]>=0 for x in s)
print(ra["sessions"], len(s), len(set(vips)), ra["pools"][0]["name"], ra["pools"][0]["online"], ok)'
}
check "the JSON: $POOL sessions, $POOL listed with distinct addresses, from rwpool ($(ra_json))" \
	test "$(ra_json)" = "$POOL $POOL $POOL rwpool $POOL True"
page=$(curl -fsS "$U/status")
check "the page lists the sessions in one table: $POOL rows ($(grep -c '<tr class="session" data-conn="rw"' <<<"$page"))" \
	test "$(grep -c '<tr class="session" data-conn="rw"' <<<"$page")" -eq "$POOL"
check "...the refused ones marked ($(grep -c '<tr class="session refused" data-conn="rw"' <<<"$page"))" \
	test "$(grep -c '<tr class="session refused" data-conn="rw"' <<<"$page")" -eq $((CLIENTS - POOL))
check "...and not every IKE SA in the overview" bash -c '! grep -q "<tr class=\"ike[^\"]*\" data-conn=\"rw\"" <<<"$1"' _ "$page"
nbtn=$(grep -c 'data-act="terminate" data-ike-id="[0-9]*" data-conn="rw"' <<<"$page")
check "...with a terminate button per session ($nbtn)" test "$nbtn" -eq "$CLIENTS"
# terminate one session through the daemon, as the page's button does
read -r ike who < <("$IKEWATCH" status --url="$U" --json --conn rw | python3 -c 'import json,sys
s=[x for x in json.load(sys.stdin)["connections"][0]["remote_access"]["session_list"] if x["session"]]
print(s[0]["ike_id"], s[0]["identity"].split("@")[0])')
check "terminate the session of $who (IKE SA #$ike) with the CLI" \
	"$IKEWATCH" status --url="$U" --status.token-file="$tmp/token" --terminate-ike="$ike"
gone() { [ "$(ra_json | cut -d' ' -f1)" = $((POOL - 1)) ]; }
check "...$((POOL - 1)) sessions, and $who's line is gone" wait_for 10 gone
check "...the audit log has it" grep -q "\"target\":\"ike $ike\",\"result\":\"ok\"" "$tmp/audit.log"
lab "$NAME" swanctl p1 --initiate --ike "$who" --child rw --timeout 10 >/dev/null 2>&1
check "$who connects again: $POOL sessions" wait_for 10 bash -c '[ "$("$1" status --url="$2" --json --conn rw | grep -o "\"sessions\":[0-9]*")" = "\"sessions\":$3" ]' _ "$IKEWATCH" "$U" "$POOL"

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
