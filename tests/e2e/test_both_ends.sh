#!/usr/bin/env bash
# Both ends of a tunnel watched: ikewatch on the hub and on the peer of a
# real lab tunnel, one real Prometheus scraping both with the shipped rules
# (time compressed 30x as in test_alerts.sh: every `for:` and range divided
# by 30, nothing else changed).  Traffic flows both ways (a ping from each
# side).  ESP dropped into the peer only: IPsecTunnelOneWayLoss fires for the
# hub's direction alone, naming the hub as the gateway whose packets vanish;
# ESP dropped into the hub too: IPsecTunnelTwoWayLoss fires for both
# directions and the one-way alert resolves; all clear once ESP passes.
source "$(dirname "$0")/lib.sh"

NAME=e2ebe$$
NAME=${NAME:0:12}
HUB=$NAME-hub P1=$NAME-p1
SCALE=30
HELPER="$E2E_ROOT/tests/e2e/alerts_helper.py"
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
tmp=$(mktemp -d)
undrop() { ip netns exec "$1" nft delete table inet ikw_both_espdrop 2>/dev/null; }
trap 'undrop "$HUB"; undrop "$P1"; e2e_cleanup; rm -rf "$tmp"' EXIT

for c in "$PROMETHEUS" promtool nft; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish both_ends; exit 1; }
done
for f in ikewatch-recording ikewatch-alerts; do
	python3 "$HELPER" scale "$SCALE" "$E2E_ROOT/deploy/prometheus/$f.rules.yml" >"$tmp/$f.rules.yml"
done
lab_up "$NAME" --tunnels 1 --peers 1 || { fail "lab up"; e2e_finish both_ends; exit 1; }

# one ikewatch per gateway, each on its own charon's VICI socket
start_ikewatch PH --vici.socket="$(lab_vici "$NAME")" --no-events
start_ikewatch PP1 --vici.socket="$("$LAB" --name "$NAME" vici p1 | sed 's|^unix://||')" --no-events

# traffic both ways, each side pinging the other's inner address
ip netns exec "$HUB" ping -q -i 0.2 -I 198.18.0.1 198.19.0.1 >/dev/null 2>&1 &
E2E_PIDS+=("$!")
ip netns exec "$P1" ping -q -i 0.2 -I 198.19.0.1 198.18.0.1 >/dev/null 2>&1 &
E2E_PIDS+=("$!")

prom_start PROM "both-$NAME" "127.0.0.1:$PH" "127.0.0.1:$PP1"

query() { # query PROMQL -> "value" of a single result, or the number of results
	curl -fsS --max-time 5 "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
		python3 -c 'import json,sys
r=json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else len(r))' 2>/dev/null
}
q_is() { [ "$(query "$1")" = "$2" ]; }
firing() { # firing alerts [named PREFIX*]: "alertname/instance/tunnel" sorted
	curl -fsS --max-time 5 "http://127.0.0.1:$PROM/api/v1/alerts" 2>/dev/null | python3 -c 'import json,sys
a=json.load(sys.stdin)["data"]["alerts"]
print(" ".join(sorted("/".join([x["labels"].get(k,"") for k in ("alertname","instance","tunnel")])
	for x in a if x["state"]=="firing" and x["labels"]["alertname"].startswith(sys.argv[1]))))' "${1:-}"
}
firing_is() { [ "$(firing "${2:-}")" = "$1" ]; }
H=127.0.0.1:$PH P=127.0.0.1:$PP1
TH="198.18.0.1/32 => 198.19.0.1/32" TP="198.19.0.1/32 => 198.18.0.1/32"

check "prometheus scrapes both ikewatch instances" wait_for 30 q_is 'sum(up{job="ikewatch"})' 2
check "the hub's sent rate is keyed '$TH'" wait_for 30 q_is "count(ipsec_tunnel:packets_sent:rate5m{tunnel=\"$TH\",instance=\"$H\"} > 0)" 1
check "the peer's received rate carries the same key" \
	wait_for 10 q_is "count(ipsec_tunnel:packets_received:rate5m{tunnel=\"$TH\",instance=\"$P\"} > 0)" 1
check "both directions paired, none lost" wait_for 20 q_is 'sum(ipsec_tunnel:direction_lost:bool)' 0
check "...two directions" q_is 'count(ipsec_tunnel:direction_lost:bool)' 2
sleep 5   # several evaluations on a healthy tunnel
check "healthy: nothing firing ($(firing))" firing_is ""

# ---- ESP into the peer dropped: the hub's packets vanish ------------------
drop() {
	ip netns exec "$1" nft -f - <<'NFT'
table inet ikw_both_espdrop {
	chain in {
		type filter hook input priority 0;
		udp dport 4500 @th,64,32 != 0 drop
	}
}
NFT
}
drop "$P1"
want="IPsecTunnelOneWayLoss/$H/$TH"
check "one way: IPsecTunnelOneWayLoss for the hub's direction only" wait_for 60 firing_is "$want" IPsecTunnel
e2e_log "firing: $(firing)"
check "one way: the hub's direction reads lost, the peer's not" \
	eval 'q_is "ipsec_tunnel:direction_lost:bool{instance=\"$H\"}" 1 && q_is "ipsec_tunnel:direction_lost:bool{instance=\"$P\"}" 0'
# what one end alone says: the peer sends and hears nothing back, so the
# single-gateway alert points at the peer; the pair names the hub
check "one way: alone, the peer's IPsecChildSATrafficAsymmetric fires (not the hub's)" \
	wait_for 30 firing_is "IPsecChildSATrafficAsymmetric/$P/" IPsecChildSATrafficAsymmetric

# ---- ESP into the hub dropped too: both ways ------------------------------
drop "$HUB"
# sorted as firing() sorts (the tunnels contain spaces: no tr/sort here)
want=$(python3 -c 'import sys; print(" ".join(sorted(sys.argv[1:])))' \
	"IPsecTunnelTwoWayLoss/$P/$TP" "IPsecTunnelTwoWayLoss/$H/$TH")
check "two ways: IPsecTunnelTwoWayLoss for both directions, the one-way alert gone" \
	wait_for 60 firing_is "$want" IPsecTunnel
e2e_log "firing: $(firing)"

# ---- ESP passes again: all clear --------------------------------------------
undrop "$HUB"
undrop "$P1"
check "cleared: nothing firing once ESP passes" wait_for 60 firing_is ""
check "cleared: no direction lost" wait_for 20 q_is 'sum(ipsec_tunnel:direction_lost:bool)' 0
e2e_finish both_ends
