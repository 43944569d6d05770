#!/usr/bin/env bash
# A real Prometheus scrapes ikewatch in front of a real lab; its query API
# returns the tunnels' state and traffic.
source "$(dirname "$0")/lib.sh"

NAME=e2epr$$
NAME=${NAME:0:12}
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
[ -x "$PROMETHEUS" ] || { fail "prometheus not installed"; e2e_finish prometheus; exit 1; }

lab_up "$NAME" --tunnels 2 --peers 1 || { fail "lab up"; e2e_finish prometheus; exit 1; }
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")"
lab "$NAME" ping 2 10 800 >/dev/null 2>&1

pdir=$(mktemp -d)
pport=$(free_port)
cat >"$pdir/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ikewatch
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YML
"$PROMETHEUS" --config.file="$pdir/prometheus.yml" --storage.tsdb.path="$pdir/data" \
	--web.listen-address="127.0.0.1:$pport" >"$E2E_OUT/prometheus.log" 2>&1 &
E2E_PIDS+=("$!")
trap 'e2e_cleanup; rm -rf "$pdir"' EXIT

query() { # query PROMQL -> "labels value" lines
	curl -fsS --max-time 5 "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json,sys
d=json.load(sys.stdin)
for r in d["data"]["result"]:
    print(",".join(f"{k}={v}" for k,v in sorted(r["metric"].items()) if k not in ("instance","job")), r["value"][1])'
}

up=""
scraped() {   # sets up
	up=$(query 'up{job="ikewatch"}' 2>/dev/null | awk '{print $NF}')
	[ "$up" = 1 ]
}
wait_for 30 scraped
check "prometheus scrapes ikewatch (up=1)" test "$up" = 1
two_up() { [ "$(query 'ipsec_conn_up' 2>/dev/null | grep -c ' 1$')" -eq 2 ]; }
wait_for 10 two_up
res=$(query 'ipsec_conn_up')
e2e_log "$res"
check "two tunnels up in prometheus" test "$(grep -c ' 1$' <<<"$res")" -eq 2
res=$(query 'ipsec_child_sa_bytes_total{conn="tun2",direction="out"}')
e2e_log "$res"
check "tun2 bytes out >= 8000 in prometheus" ge "$(awk '{print $NF}' <<<"$res")" 8000
res=$(query 'ikewatch_collector_success{collector="vici"}')
check "collector success in prometheus" test "$(awk '{print $NF}' <<<"$res")" = 1
res=$(query 'count(ipsec_child_up == 1 and on(conn) ipsec_conn_up == 1)')
check "join of child and conn state works" test "$(awk '{print $NF}' <<<"$res")" = 2
lab "$NAME" swanctl hub --terminate --ike tun1 >/dev/null 2>&1
down_but_expected() {
	[ -n "$(query 'ipsec_conn_up{conn="tun1"} == 0 and on(conn) ipsec_conn_expected_up == 1' 2>/dev/null)" ]
}
wait_for 15 down_but_expected
res=$(query 'ipsec_conn_up{conn="tun1"} == 0 and on(conn) ipsec_conn_expected_up == 1')
check "terminated tun1 is down-but-expected in prometheus" test -n "$res"
e2e_finish prometheus
