#!/usr/bin/env bash
# The shipped alert and recording rules (deploy/prometheus/) in a real
# Prometheus scraping ikewatch in front of a real lab, notifying a real
# Alertmanager, which delivers to a webhook receiver here.  Time is
# compressed 30x (scrape and evaluation every 1s instead of 30s; every
# `for:` and range in the rules divided by 30), nothing else is changed.
# Each injected fault must produce exactly the expected alerts, with their
# conn/child/peer labels and runbook, and they must resolve when the fault
# is removed; an Alertmanager silence (docs/alerting.md, maintenance
# windows) must hold a notification back until it expires.
#
# Lab: 4 tunnels over 3 peers (tun1, tun4 on p1; tun2 on p2; tun3 on p3).
# Faults: tun1 terminated on the hub and net4's CHILD SA terminated (the
# peer does not re-initiate either); ESP dropped at p2 while tun2's SAs
# stay up (probed); p3's charon killed (DPD on the hub gives up).
source "$(dirname "$0")/lib.sh"

NAME=e2eal$$
NAME=${NAME:0:12}
HUB=$NAME-hub P2=$NAME-p2
SCALE=30
HELPER="$E2E_ROOT/tests/e2e/alerts_helper.py"
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
ALERTMANAGER=${ALERTMANAGER:-$(command -v prometheus-alertmanager || echo /usr/bin/prometheus-alertmanager)}
tmp=$(mktemp -d)
trap 'ip netns exec "$P2" nft delete table inet ikw_alert_espdrop 2>/dev/null; e2e_cleanup; rm -rf "$tmp"' EXIT
t_start=$SECONDS

for c in "$PROMETHEUS" "$ALERTMANAGER" amtool promtool nft; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish alerts; exit 1; }
done

# ---- the rules, time-compressed ------------------------------------------------
for f in ikewatch-recording ikewatch-alerts; do
	python3 "$HELPER" scale "$SCALE" "$E2E_ROOT/deploy/prometheus/$f.rules.yml" >"$tmp/$f.rules.yml"
done
out=$(promtool check rules "$tmp"/*.rules.yml 2>&1)
nalerts=$(grep -c -- '- alert:' "$E2E_ROOT/deploy/prometheus/ikewatch-alerts.rules.yml")
check "the time-compressed rules pass promtool check rules (the $nalerts alerts)" \
	grep -q "SUCCESS: $nalerts rules" <<<"$out"
check "...their for: are divided by $SCALE (IPsecIKESADown 2m -> 4s)" \
	grep -A6 'alert: IPsecIKESADown' "$tmp/ikewatch-alerts.rules.yml" -m1 | grep -q 'for: 4s'

lab_up "$NAME" --tunnels 4 --peers 3 --dpd 2 || { fail "lab up"; e2e_finish alerts; exit 1; }
e2e_log "lab up after $((SECONDS - t_start))s"

# ---- ikewatch: a probe through tun2, failures from charon's log ------------------
cat >"$tmp/ikewatch.yml" <<YML
logs:
  vici_log: true
probes:
  defaults: {netns: $HUB, interval: 2s, timeout: 1s}
  list:
    - {conn: tun2, child: net2, name: ping, target: 198.19.0.2, source: 198.18.0.2}
YML
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml"

# ---- webhook receiver, Alertmanager, Prometheus -----------------------------------
HOOK=$tmp/notifications.jsonl
: >"$HOOK"
HP=$(free_port)
python3 "$HELPER" hook "$HP" "$HOOK" &
E2E_PIDS+=("$!")
AMP=$(free_port)
cat >"$tmp/alertmanager.yml" <<YML
route:
  receiver: hook
  group_by: ['...']          # one notification per alert
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$HP/
        send_resolved: true
YML
"$ALERTMANAGER" --config.file="$tmp/alertmanager.yml" --storage.path="$tmp/am" \
	--web.listen-address="127.0.0.1:$AMP" --cluster.listen-address= \
	>"$E2E_OUT/alertmanager-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
PROM_AM=127.0.0.1:$AMP PROM_ARGS=--rules.alert.resend-delay=2s prom_start PP "alerts-$NAME" "127.0.0.1:$PORT"
out=$(promtool check config "$tmp/prometheus.yml" 2>&1)
check "promtool check config accepts the test's Prometheus config" grep -q 'SUCCESS' <<<"$out"

query() { # query PROMQL -> first value, or empty
	curl -fsS --max-time 5 "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
		python3 -c 'import json,sys
r=json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null
}
q_is() { [ "$(query "$1")" = "$2" ]; }
firing() { python3 "$HELPER" firing "$HOOK" "$1" | paste -sd' ' -; }
seen() { python3 "$HELPER" seen "$HOOK" "$1" | paste -sd' ' -; }
firing_is() { [ "$(firing "$1")" = "$2" ]; }
show() { python3 "$HELPER" show "$HOOK" "$1" "$2"; }
mark() { wc -l <"$HOOK"; }
prom_firing() { # alerts firing in Prometheus, "alertname/conn/child" sorted
	curl -fsS --max-time 5 "http://127.0.0.1:$PP/api/v1/alerts" 2>/dev/null | python3 -c 'import json,sys
a=json.load(sys.stdin)["data"]["alerts"]
print(" ".join(sorted("/".join([x["labels"].get(k,"") for k in ("alertname","conn","child")]) for x in a if x["state"]=="firing")))'
}
# has_labels KEY SINCE JSON-FRAGMENT...: the latest notification of KEY has these
has_labels() {
	local key=$1 since=$2 j f; shift 2
	j=$(show "$since" "$key")
	for f in "$@"; do grep -qF -- "$f" <<<"$j" || { e2e_log "$key: no $f in $j"; return 1; }; done
}

check "prometheus scrapes ikewatch" wait_for 30 q_is 'up{job="ikewatch"}' 1
check "the recording rules produce a health per child (4 children)" \
	wait_for 20 q_is 'count(ipsec_child:health)' 4
check "...every child healthy (0)" q_is 'sum(ipsec_child:health)' 0
check "the peer join: tun1's peer is 192.0.2.11" \
	q_is 'ipsec_conn:peer:info{conn="tun1",peer="192.0.2.11"}' 1
check "the probe through tun2 succeeds" wait_for 20 q_is 'ipsec_probe_success{conn="tun2"}' 1
check "Alertmanager is ready" wait_for 20 curl -fsS -o /dev/null "http://127.0.0.1:$AMP/-/ready"
sleep 6 # several evaluations of every rule on a healthy lab
check "a healthy lab: nothing firing or pending in Prometheus" \
	test -z "$(curl -fsS "http://127.0.0.1:$PP/api/v1/alerts" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["alerts"]) or "")')"
check "...and no notification" test "$(mark)" -eq 0

# phase NAME SINCE EXPECTED TIMEOUT: the expected alerts fire (and nothing else)
phase_fires() {
	local what=$1 since=$2 want=$3 t0=$SECONDS
	check "$what: '$want' notified firing" wait_for "$4" firing_is "$since" "$want"
	e2e_log "$what: firing after $((SECONDS - t0))s (got: $(firing "$since"))"
	sleep 2   # on purpose: time for a notification that must not come
	check "$what: exactly these were notified (seen: $(seen "$since"))" test "$(seen "$since")" = "$want"
	check "$what: Prometheus fires exactly these ($(prom_firing))" test "$(prom_firing)" = "$want"
}
phase_resolves() {
	local what=$1 since=$2 want=$3 t0=$SECONDS
	check "$what: all resolved after the fault is removed" wait_for "$4" firing_is "$since" ""
	e2e_log "$what: resolved after $((SECONDS - t0))s"
	check "$what: still nothing else notified (seen: $(seen "$since"))" test "$(seen "$since")" = "$want"
	check "$what: nothing firing in Prometheus ($(prom_firing))" wait_for 10 eval '[ -z "$(prom_firing)" ]'
}

# ---- 1. a tunnel terminated, and a CHILD SA terminated under its IKE SA ----------
m=$(mark)
lab "$NAME" swanctl hub --terminate --ike tun1 >/dev/null 2>&1
lab "$NAME" swanctl hub --terminate --child net4 >/dev/null 2>&1
want="IPsecChildSADown/tun4/net4 IPsecIKESADown/tun1/"
phase_fires "terminated" "$m" "$want" 40
check "IPsecIKESADown: conn, peer, severity critical, runbook, no child" \
	has_labels IPsecIKESADown/tun1/ "$m" '"conn": "tun1"' '"peer": "192.0.2.11"' \
	'"severity": "critical"' '"job": "ikewatch"' 'runbooks/IPsecIKESADown.md' \
	'"summary": "IKE SA of tun1 is down (peer 192.0.2.11)"'
check "...no child label on the IKE alert" bash -c '! grep -q "\"child\"" <<<"$1"' _ "$(show "$m" IPsecIKESADown/tun1/)"
check "IPsecChildSADown: conn, child, peer, runbook" \
	has_labels IPsecChildSADown/tun4/net4 "$m" '"conn": "tun4"' '"child": "net4"' \
	'"peer": "192.0.2.11"' '"severity": "critical"' 'runbooks/IPsecChildSADown.md'
check "health: tun1's child reads 3 (down), net4 reads 2 (child missing)" \
	eval 'q_is "ipsec_child:health{conn=\"tun1\"}" 3 && q_is "ipsec_child:health{conn=\"tun4\"}" 2'
lab "$NAME" swanctl p1 --initiate --child net1 --timeout 20 >/dev/null 2>&1
lab "$NAME" swanctl p1 --initiate --child net4 --timeout 20 >/dev/null 2>&1
phase_resolves "terminated" "$m" "$want" 40

# ---- 2. ESP dropped at p2, SAs up: degraded ------------------------------------
m=$(mark)
ip netns exec "$P2" nft -f - <<'NFT'
table inet ikw_alert_espdrop {
	chain in {
		type filter hook input priority 0;
		udp dport 4500 @th,64,32 != 0 drop
	}
}
NFT
want="IPsecChildSAProbeFailing/tun2/net2 IPsecChildSATrafficAsymmetric/tun2/net2"
phase_fires "ESP dropped" "$m" "$want" 60
check "...while tun2's SAs stay up" eval 'q_is "ipsec_conn_up{conn=\"tun2\"}" 1 && q_is "ipsec_child_up{conn=\"tun2\"}" 1'
check "IPsecChildSAProbeFailing: conn, child, probe, target, peer, runbook" \
	has_labels IPsecChildSAProbeFailing/tun2/net2 "$m" '"conn": "tun2"' '"child": "net2"' \
	'"probe": "ping"' '"target": "198.19.0.2"' '"peer": "192.0.2.12"' '"severity": "critical"' \
	'runbooks/IPsecChildSAProbeFailing.md'
check "IPsecChildSATrafficAsymmetric: conn, child, peer, warning, runbook" \
	has_labels IPsecChildSATrafficAsymmetric/tun2/net2 "$m" '"conn": "tun2"' '"child": "net2"' \
	'"peer": "192.0.2.12"' '"severity": "warning"' 'runbooks/IPsecChildSATrafficAsymmetric.md'
check "health: tun2 reads 1 (degraded)" q_is 'ipsec_child:health{conn="tun2"}' 1
ip netns exec "$P2" nft delete table inet ikw_alert_espdrop
phase_resolves "ESP dropped" "$m" "$want" 40

# ---- 3. a peer killed: DPD on the hub gives up -----------------------------------
m=$(mark)
lab "$NAME" stop-charon p3 --kill >/dev/null 2>&1
want="IPsecIKESADown/tun3/"
phase_fires "peer killed" "$m" "$want" 90
check "IPsecIKESADown for tun3 names its peer 192.0.2.13" \
	has_labels IPsecIKESADown/tun3/ "$m" '"conn": "tun3"' '"peer": "192.0.2.13"'
check "the dead peer was counted (dpd_timeout), yet IPsecNegotiationFailures stayed quiet" \
	eval '[ -n "$(query "ipsec_conn_failures_total{conn=\"tun3\",reason=\"dpd_timeout\"}")" ]'
lab "$NAME" start-charon p3 >/dev/null 2>&1
phase_resolves "peer killed" "$m" "$want" 60

# ---- 4. a maintenance window: an Alertmanager silence ------------------------------
m=$(mark)
AMURL=http://127.0.0.1:$AMP
sid=$(amtool --alertmanager.url="$AMURL" silence add alertname=IPsecIKESADown conn=tun1 \
	--duration=10m --author=e2e --comment="planned change on tun1" 2>&1)
check "amtool adds a silence ($sid)" grep -Eq '^[0-9a-f-]{36}$' <<<"$sid"
lab "$NAME" swanctl hub --terminate --ike tun1 >/dev/null 2>&1
check "silenced: Prometheus fires IPsecIKESADown for tun1" \
	wait_for 30 eval '[ "$(prom_firing)" = "IPsecIKESADown/tun1/" ]'
suppressed() {
	curl -fsS "$AMURL/api/v2/alerts?silenced=true&filter=alertname%3D%22IPsecIKESADown%22" |
		grep -q "\"silencedBy\":\[\"$sid\"\]"
}
check "...Alertmanager holds it as suppressed by the silence" wait_for 10 suppressed
sleep 3   # on purpose: time for a notification that must not come
check "...and notifies nobody" test "$(seen "$m")" = ""
amtool --alertmanager.url="$AMURL" silence expire "$sid" >/dev/null 2>&1
check "the silence expired: the notification is delivered" \
	wait_for 20 firing_is "$m" "IPsecIKESADown/tun1/"
lab "$NAME" swanctl p1 --initiate --child net1 --timeout 20 >/dev/null 2>&1
check "...and resolved" wait_for 30 firing_is "$m" ""

# the curl variant of docs/alerting.md (deploy/alertmanager/silence-maintenance.sh)
sid=$(AM=$AMURL sh "$E2E_ROOT/deploy/alertmanager/silence-maintenance.sh" "127.0.0.1:$PORT" tun3 30 "rekey test" 2>&1)
check "silence-maintenance.sh adds a silence ($sid)" grep -Eq '^[0-9a-f-]{36}$' <<<"$sid"
check "...active for instance and conn" bash -c 'amtool --alertmanager.url="$1" silence query -q instance="$2" conn=tun3 | grep -qx "$3"' \
	_ "$AMURL" "127.0.0.1:$PORT" "$sid"
curl -fsS -X DELETE "$AMURL/api/v2/silence/$sid" >/dev/null
check "...and ends early with DELETE" bash -c '[ -z "$(amtool --alertmanager.url="$1" silence query -q conn=tun3)" ]' _ "$AMURL"

e2e_log "total $((SECONDS - t_start))s"
check "no sanitizer report in ikewatch's log" \
	bash -c '! grep -q "ERROR: AddressSanitizer\|runtime error:" "$1"' _ "$E2E_OUT/ikewatch-$PORT.log"
e2e_finish alerts
