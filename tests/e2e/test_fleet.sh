#!/usr/bin/env bash
# Fleet view with real Prometheus servers (issue 19, docs/scaling.md): three
# gateways (the hub and the two peers of one lab, each charon watched by its
# own ikewatch), site a's HA pair (two servers, replica 1 and 2) scraping
# gateways 1 and 2, site b's server scraping gateway 3, all with the shipped
# rules; a global server federating the recorded series from the three
# site servers, and a second global server receiving them by remote_write.
# Both evaluate deploy/prometheus/fleet-rules.yml.  The configurations are
# the shipped ones of deploy/prometheus/fleet/ with the test's addresses,
# 1 s intervals and short `for:`.  Checks: the HA pair counts once, the
# fleet alert fires on both global servers for a tunnel taken down at one
# site and resolves when it is back, an incomplete gateway and a gateway
# whose ikewatch is down fire theirs, and every query of the fleet
# dashboard returns data.
source "$(dirname "$0")/lib.sh"

NAME=e2efl$$
NAME=${NAME:0:12}
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
[ -x "$PROMETHEUS" ] || { fail "prometheus not installed"; e2e_finish fleet; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
D=$E2E_ROOT/deploy/prometheus
DASH=$E2E_ROOT/deploy/grafana/ikewatch-fleet.json

lab_up "$NAME" --tunnels 4 --peers 2 || { fail "lab up"; e2e_finish fleet; exit 1; }
# tun1 and tun3 join the hub (gateway 1) and p1 (gateway 2), tun2 and tun4
# the hub and p2 (gateway 3).  The hub probes tun1 (the worst-loss series).
cat >"$tmp/ikewatch-hub.yml" <<EOF
probes:
  defaults: {netns: $NAME-hub, interval: 2s, timeout: 1s}
  list:
    - {conn: tun1, child: net1, name: ping, target_offset: 0}
EOF
sock() { lab "$NAME" vici "$1" | sed 's|^unix://||'; }
start_ikewatch GW1 --vici.socket="$(sock hub)" --config.file="$tmp/ikewatch-hub.yml"
start_ikewatch GW2 --vici.socket="$(sock p1)"
start_ikewatch GW3 --vici.socket="$(sock p2)"
GW3_PID=$IKW_PID
e2e_log "gateways: hub 127.0.0.1:$GW1, p1 127.0.0.1:$GW2, p2 127.0.0.1:$GW3"

# ---- the Prometheus servers, from the shipped configurations ------------------
P=$tmp/prom
mkdir -p "$P"
cp -r "$D/." "$P/"
sed -i 's/for: [0-9]*m$/for: 2s/' "$P/fleet-rules.yml"
A1=$(free_port) A2=$(free_port) B=$(free_port) GF=$(free_port) GR=$(free_port)
# fast: every interval 1 s, the timeout too; remote_write sends at once
fast() { sed -e 's/_interval: 15s/_interval: 1s/' -e 's/scrape_timeout: 12s .*/scrape_timeout: 1s/' "$@"; }
rw() {
	sed -e "s|http://prometheus-global.example.net:9090|http://127.0.0.1:$GR|" "$P/fleet/remote-write.yml"
	printf '    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}\n'
}
{ fast -e "s/'vpn-gw-1.site-a.example.net:9786'/'127.0.0.1:$GW1'/" \
	-e "s/'vpn-gw-2.site-a.example.net:9786'/'127.0.0.1:$GW2'/" "$P/fleet/site-a-1.yml"; rw; } >"$P/fleet/t-a1.yml"
{ fast -e "s/'vpn-gw-1.site-a.example.net:9786'/'127.0.0.1:$GW1'/" \
	-e "s/'vpn-gw-2.site-a.example.net:9786'/'127.0.0.1:$GW2'/" "$P/fleet/site-a-2.yml"; rw; } >"$P/fleet/t-a2.yml"
{ fast -e "s/'vpn-gw-3.site-b.example.net:9786'/'127.0.0.1:$GW3'/" "$P/fleet/site-b.yml"; rw; } >"$P/fleet/t-b.yml"
fast -e "s/'prometheus-a1.example.net:9090'/'127.0.0.1:$A1'/" -e "s/'prometheus-a2.example.net:9090'/'127.0.0.1:$A2'/" \
	-e "s/'prometheus-b.example.net:9090'/'127.0.0.1:$B'/" "$P/fleet/global-federate.yml" >"$P/fleet/t-gf.yml"
fast "$P/fleet/global-remote-write.yml" >"$P/fleet/t-gr.yml"
for c in a1 a2 b gf gr; do
	out=$(promtool check config "$P/fleet/t-$c.yml" 2>&1)
	check "promtool check config: $c ($(grep -c 'SUCCESS' <<<"$out") successes)" \
		bash -c '! grep -qi "FAILED\|error" <<<"$1"' _ "$out" || printf '%s\n' "$out" | tail -5
done
check "the test's site a configuration has the shipped external labels and replica 1" \
	grep -q "replica: '1'" "$P/fleet/t-a1.yml"

prom() { # prom NAME PORT CONFIG [FLAGS...]
	local name=$1 port=$2 cfg=$3; shift 3
	"$PROMETHEUS" --config.file="$cfg" --storage.tsdb.path="$tmp/data-$name" \
		--web.listen-address="127.0.0.1:$port" "$@" >"$E2E_OUT/prometheus-fleet-$name.log" 2>&1 &
	E2E_PIDS+=("$!")
}
# the sites first (cleanup stops them first): a site stopped after the
# receiver would wait for its remote_write flush deadline
prom a1 "$A1" "$P/fleet/t-a1.yml" --storage.remote.flush-deadline=2s
prom a2 "$A2" "$P/fleet/t-a2.yml" --storage.remote.flush-deadline=2s
prom b "$B" "$P/fleet/t-b.yml" --storage.remote.flush-deadline=2s
prom gf "$GF" "$P/fleet/t-gf.yml"
prom gr "$GR" "$P/fleet/t-gr.yml" --web.enable-remote-write-receiver

# query PORT PROMQL -> "label=value,... value" lines (sorted labels)
query() {
	curl -fsS --max-time 5 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
		python3 -c 'import json,sys
for r in json.load(sys.stdin)["data"]["result"]:
    print(",".join(f"{k}={v}" for k,v in sorted(r["metric"].items())), r["value"][1])'
}
# value PORT PROMQL: the value of a query with one result (empty if not one)
value() { query "$1" "$2" 2>/dev/null | awk 'END { if (NR == 1) print $NF }'; }
is() { [ "$(value "$1" "$2")" = "$3" ]; }
# alerts PORT NAME STATE LABEL=VALUE...: the alerts of that name in that state
# (firing, pending) with those labels, one line each
alerts() {
	curl -fsS --max-time 5 "http://127.0.0.1:$1/api/v1/alerts" | python3 -c '
import json, sys
name, state, want = sys.argv[1], sys.argv[2], dict(a.split("=", 1) for a in sys.argv[3:])
for a in json.load(sys.stdin)["data"]["alerts"]:
    l = a["labels"]
    if l.get("alertname") == name and a["state"] == state and all(l.get(k) == v for k, v in want.items()):
        print(",".join(f"{k}={v}" for k, v in sorted(l.items())))' "${@:2}"
}
firing() { [ -n "$(alerts "$@" 2>/dev/null)" ]; }
quiet() { [ -z "$(alerts "$1" "$2" firing "${@:3}" 2>/dev/null)" ] && [ -z "$(alerts "$1" "$2" pending "${@:3}" 2>/dev/null)" ]; }
GLOBALS=("federation:$GF" "remote_write:$GR")

# ---- healthy: all gateways, the HA pair once --------------------------------
for g in "${GLOBALS[@]}"; do
	how=${g%%:*} port=${g#*:}
	wait_for 60 is "$port" 'count(fleet_gateway:up:max == 1)' 3
	check "$how: three gateways up in the global view" is "$port" 'count(fleet_gateway:up:max == 1)' 3
	wait_for 30 is "$port" 'fleet_site:conns:count{site="a"}' 6
	check "$how: the HA pair's two copies arrived (12 series of ipsec_conn:down:bool for site a)" \
		is "$port" 'count(ipsec_conn:down:bool{site="a"})' 12
	check "$how: ...and count once: site a watches 6 tunnels (hub 4, p1 2)" \
		is "$port" 'fleet_site:conns:count{site="a"}' 6
	check "$how: site b watches 2 tunnels (p2)" is "$port" 'fleet_site:conns:count{site="b"}' 2
	check "$how: no tunnel down at site a" is "$port" 'fleet_site:conns_down:sum{site="a"}' 0
	check "$how: every gateway complete" is "$port" 'count(fleet_gateway:complete:bool == 1)' 3
	wait_for 20 is "$port" 'fleet_site:probe_loss:max{site="a"}' 0
	check "$how: worst probe loss at site a is 0" is "$port" 'fleet_site:probe_loss:max{site="a"}' 0
	check "$how: no gateway unwatched at site a" is "$port" 'fleet_site:gateways_unwatched:count{site="a"}' 0
	check "$how: only the recorded and health series arrived (no ipsec_conn_up)" \
		is "$port" 'count({__name__=~"ipsec_conn_up|ipsec_child_up|ipsec_child_sa_bytes_total"}) or vector(0)' 0
	check "$how: nothing fires" test -z "$(curl -fsS "http://127.0.0.1:$port/api/v1/alerts" |
		python3 -c 'import json,sys; print(" ".join(a["labels"]["alertname"] for a in json.load(sys.stdin)["data"]["alerts"]))')"
done

# ---- measured for docs/scaling.md: series per tunnel, at a gateway, at the
# site (recorded), at the global server ------------------------------------------
for gw in "2:$GW2:p1" "1:$GW1:hub"; do
	IFS=: read -r i port who <<<"$gw"
	mt=$(scrape "$port" | grep -v '^#')
	ntun=$(grep -c '^ipsec_conn_up{' <<<"$mt")
	rec=$(value "$A1" "count({__name__=~\".+:.+\",instance=\"127.0.0.1:$port\"})")
	glob=$(value "$GF" "count({instance=\"127.0.0.1:$port\",replica=\"1\"})")
	e2e_log "gateway $i ($who, $ntun tunnels): $(wc -l <<<"$mt") series, $(grep -c 'conn="' <<<"$mt") with conn; recorded at the site: $rec; at the global server (one replica): $glob"
done

# ---- the fleet dashboard's queries return data on both global servers ----------
if [ -f "$DASH" ]; then
	python3 "$E2E_ROOT/tests/dashboard/check_dashboard.py" queries "$DASH" >"$tmp/dash.txt"
	for g in "${GLOBALS[@]}"; do
		how=${g%%:*} port=${g#*:}
		nq=0 empty=()
		while IFS= read -r q; do
			nq=$((nq + 1))
			[ -n "$(query "$port" "$q" 2>/dev/null)" ] || empty+=("$q")
		done <"$tmp/dash.txt"
		check "$how: all $nq queries of the fleet dashboard return data${empty:+ (empty: ${empty[*]})}" \
			test "${#empty[@]}" -eq 0 -a "$nq" -gt 5
	done
else
	fail "no fleet dashboard at $DASH"
fi

# ---- a tunnel down at site a: the fleet alert fires, then resolves ---------------
lab "$NAME" swanctl hub --terminate --ike tun1 >/dev/null 2>&1
for g in "${GLOBALS[@]}"; do
	how=${g%%:*} port=${g#*:}
	t0=$SECONDS
	wait_for 60 firing "$port" IPsecFleetTunnelDown firing site=a gateway="127.0.0.1:$GW1" conn=tun1
	check "$how: IPsecFleetTunnelDown fires for site a, gateway 1 (hub), tun1 ($((SECONDS - t0)) s)" \
		firing "$port" IPsecFleetTunnelDown firing site=a gateway="127.0.0.1:$GW1" conn=tun1
	e2e_log "$(alerts "$port" IPsecFleetTunnelDown firing | tr '\n' ' ')"
	check "$how: ...and for its other end, gateway 2 (p1)" \
		wait_for 20 firing "$port" IPsecFleetTunnelDown firing site=a gateway="127.0.0.1:$GW2" conn=tun1
	check "$how: ...not for site b" quiet "$port" IPsecFleetTunnelDown site=b
	check "$how: site a counts 2 down (once per gateway, not per replica)" \
		is "$port" 'fleet_site:conns_down:sum{site="a"}' 2
done
lab "$NAME" swanctl p1 --initiate --child net1 >/dev/null 2>&1
for g in "${GLOBALS[@]}"; do
	how=${g%%:*} port=${g#*:}
	t0=$SECONDS
	wait_for 60 quiet "$port" IPsecFleetTunnelDown conn=tun1
	check "$how: tun1 back: IPsecFleetTunnelDown resolves ($((SECONDS - t0)) s)" \
		quiet "$port" IPsecFleetTunnelDown conn=tun1
	check "$how: ...site a counts 0 down" is "$port" 'fleet_site:conns_down:sum{site="a"}' 0
done

# ---- gateway 3's charon stops: its view is incomplete --------------------------
lab "$NAME" stop-charon p2 >/dev/null 2>&1
for g in "${GLOBALS[@]}"; do
	how=${g%%:*} port=${g#*:}
	t0=$SECONDS
	wait_for 60 firing "$port" IkewatchFleetGatewayIncomplete firing site=b gateway="127.0.0.1:$GW3"
	check "$how: charon of gateway 3 stopped: IkewatchFleetGatewayIncomplete fires for site b ($((SECONDS - t0)) s)" \
		firing "$port" IkewatchFleetGatewayIncomplete firing site=b gateway="127.0.0.1:$GW3"
	firing "$port" IkewatchFleetGatewayIncomplete firing site=b gateway="127.0.0.1:$GW3" ||
		for q in 'fleet_gateway:complete:bool' '{__name__=~"ikewatch_collector_success|ikewatch:vici_complete:bool",site="b"}' \
			'up{job="federate"}' 'ALERTS'; do e2e_log "$q: $(query "$port" "$q" | tr '\n' ' ')"; done
	check "$how: ...and not IkewatchFleetGatewayDown" quiet "$port" IkewatchFleetGatewayDown
done

e2e_log "site b /federate for gateway 3: $(curl -sS -G "http://127.0.0.1:$B/federate" \
	--data-urlencode 'match[]={__name__=~"ikewatch_collector_success|ikewatch:vici_complete:bool|up"}' | grep -F "$GW3" | tr '\n' ' ')"

# ---- gateway 3's ikewatch stops: the gateway is down ---------------------------
kill "$GW3_PID" && wait "$GW3_PID" 2>/dev/null
for g in "${GLOBALS[@]}"; do
	how=${g%%:*} port=${g#*:}
	t0=$SECONDS
	wait_for 60 firing "$port" IkewatchFleetGatewayDown firing site=b gateway="127.0.0.1:$GW3"
	check "$how: ikewatch of gateway 3 stopped: IkewatchFleetGatewayDown fires for site b ($((SECONDS - t0)) s)" \
		firing "$port" IkewatchFleetGatewayDown firing site=b gateway="127.0.0.1:$GW3"
	check "$how: ...only for gateway 3" test "$(alerts "$port" IkewatchFleetGatewayDown firing | wc -l)" -eq 1
	check "$how: site b has 1 gateway unwatched" is "$port" 'fleet_site:gateways_unwatched:count{site="b"}' 1
done
e2e_finish fleet
