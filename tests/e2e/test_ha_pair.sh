#!/usr/bin/env bash
# An HA pair: two real Prometheus servers (replica a and b) scrape the same
# two daemons every 2 s, one with --scrape.reuse-window=1s (half the
# interval), one with the window off.  Over 30 s, charon's own log (vici
# requests at level 2) shows one list-sas per interval for the first and two
# for the second, and the daemons' counters say the same: collections,
# requests collected/reused, and the collection's age within the window.
source "$(dirname "$0")/lib.sh"

NAME=e2eha$$
NAME=${NAME:0:12}
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
[ -x "$PROMETHEUS" ] || { fail "prometheus not installed"; e2e_finish ha_pair; exit 1; }
INTERVAL=2   # seconds
SPAN=30      # seconds measured

lab_up "$NAME" --tunnels 2 --peers 1 --loglevel 2 || { fail "lab up"; e2e_finish ha_pair; exit 1; }
CHARON_LOG=$(lab_state_dir "$NAME")/hub/charon.log
# no event stream: charon's vici clients are then only the collections'
start_ikewatch REUSE --vici.socket="$(lab_vici "$NAME")" --no-events --scrape.reuse-window=1s
start_ikewatch OFF --vici.socket="$(lab_vici "$NAME")" --no-events --scrape.reuse-window=0

tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
prom() { # prom REPLICA PORT_VAR
	local port
	port=$(free_port)
	mkdir -p "$tmp/$1"
	cat >"$tmp/$1/prometheus.yml" <<YML
global:
  scrape_interval: ${INTERVAL}s
  scrape_timeout: ${INTERVAL}s
  external_labels: {replica: $1}
scrape_configs:
  - job_name: ikewatch
    static_configs:
      - targets: ['127.0.0.1:$REUSE', '127.0.0.1:$OFF']
YML
	"$PROMETHEUS" --config.file="$tmp/$1/prometheus.yml" --storage.tsdb.path="$tmp/$1/data" \
		--web.listen-address="127.0.0.1:$port" >"$E2E_OUT/prometheus-ha-$1.log" 2>&1 &
	E2E_PIDS+=("$!")
	printf -v "$2" '%s' "$port"
}
prom a PA
prom b PB

query() { # query PORT PROMQL -> the value of the one result
	curl -fsS --max-time 5 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
		python3 -c 'import json,sys
r=json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else "none")'
}
all_up() {
	[ "$(query "$PA" 'count(up == 1)' 2>/dev/null)" = 2 ] &&
		[ "$(query "$PB" 'count(up == 1)' 2>/dev/null)" = 2 ]
}
wait_for 30 all_up
check "both servers scrape both daemons" all_up
sleep $((INTERVAL * 2))   # a few rounds after the first

# the two daemons' vici clients that list SAs, and how often, in a slice of
# charon's log: "vici client N requests: list-sas"
list_sas_by_client() { # list_sas_by_client FROM_LINE TO_LINE -> "count client" lines
	sed -n "$1,$2p" "$CHARON_LOG" | grep -oE 'vici client [0-9]+ requests: list-sas' |
		awk '{ n[$3]++ } END { for (c in n) print n[c], c }' | sort -n
}
counter() { # counter PORT DAEMON_PORT NAME [LABEL="VALUE"]
	query "$1" "sum(${3}{instance=\"127.0.0.1:$2\"${4:+,$4}})"
}
from=$(wc -l <"$CHARON_LOG")
t_from=$EPOCHREALTIME
c_reuse0=$(counter "$PA" "$REUSE" ikewatch_scrape_collections_total)
c_off0=$(counter "$PA" "$OFF" ikewatch_scrape_collections_total)
r_reuse0=$(counter "$PA" "$REUSE" ikewatch_scrape_requests_total 'served="reused"')
q_reuse0=$(counter "$PA" "$REUSE" ikewatch_scrape_requests_total)
sleep "$SPAN"
to=$(wc -l <"$CHARON_LOG")
t_to=$EPOCHREALTIME
c_reuse1=$(counter "$PA" "$REUSE" ikewatch_scrape_collections_total)
c_off1=$(counter "$PA" "$OFF" ikewatch_scrape_collections_total)
r_reuse1=$(counter "$PA" "$REUSE" ikewatch_scrape_requests_total 'served="reused"')
q_reuse1=$(counter "$PA" "$REUSE" ikewatch_scrape_requests_total)
# the intervals the log slice covers (the queries around the sleep take time)
rounds=$(awk -v a="$t_from" -v b="$t_to" -v i="$INTERVAL" 'BEGIN { printf "%.1f", (b - a) / i }')
by_client=$(list_sas_by_client "$((from + 1))" "$to")
e2e_log "list-sas by vici client over $rounds intervals: $(tr '\n' ';' <<<"$by_client")"
e2e_log "collections: reuse $c_reuse0 -> $c_reuse1, off $c_off0 -> $c_off1; reused $r_reuse0 -> $r_reuse1"
check "charon saw two clients list SAs" test "$(wc -l <<<"$by_client")" -eq 2
low=$(head -1 <<<"$by_client" | awk '{print $1}')
high=$(tail -1 <<<"$by_client" | awk '{print $1}')
# one listing per interval (a round more or less at the slice's ends)
check "window on: charon lists SAs once per interval ($low in $rounds intervals)" \
	awk -v n="$low" -v r="$rounds" 'BEGIN { exit !(n >= r - 2 && n <= r + 2) }'
check "window off: twice per interval ($high in $rounds intervals)" \
	awk -v n="$high" -v r="$rounds" 'BEGIN { exit !(n >= 2 * r - 3 && n <= 2 * r + 3) }'
d_reuse=$(awk -v a="$c_reuse0" -v b="$c_reuse1" 'BEGIN { print b - a }')
d_off=$(awk -v a="$c_off0" -v b="$c_off1" 'BEGIN { print b - a }')
d_reused=$(awk -v a="$r_reuse0" -v b="$r_reuse1" 'BEGIN { print b - a }')
check "ikewatch_scrape_collections_total agrees with charon (window on: $d_reuse vs $low)" \
	awk -v a="$d_reuse" -v b="$low" 'BEGIN { d = a - b; exit !(d >= -2 && d <= 2) }'
check "ikewatch_scrape_collections_total agrees with charon (window off: $d_off vs $high)" \
	awk -v a="$d_off" -v b="$high" 'BEGIN { d = a - b; exit !(d >= -3 && d <= 3) }'
d_requests=$(awk -v a="$q_reuse0" -v b="$q_reuse1" 'BEGIN { print b - a }')
# (the counters are read from server a's last samples: the span they
# cover is a round or two off the log's, hence a ratio)
check "window on: half the requests were served a reused collection ($d_reused of $d_requests)" \
	awk -v n="$d_reused" -v q="$d_requests" 'BEGIN { exit !(q >= 20 && n >= 0.4 * q && n <= 0.6 * q) }'
# the age each server was answered with: under the window when reused, at
# most a collection's time when collected; 0 reused with the window off
age_max=$(query "$PA" "max_over_time(ikewatch_scrape_collection_age_seconds{instance=\"127.0.0.1:$REUSE\"}[${SPAN}s])")
age_max_b=$(query "$PB" "max_over_time(ikewatch_scrape_collection_age_seconds{instance=\"127.0.0.1:$REUSE\"}[${SPAN}s])")
e2e_log "largest collection age served: a $age_max s, b $age_max_b s"
check "collection age stays under the 1 s window (a: $age_max, b: $age_max_b)" \
	awk -v a="$age_max" -v b="$age_max_b" 'BEGIN { exit !(a < 1 && b < 1 && a + b > 0) }'
off_reused=$(counter "$PA" "$OFF" ikewatch_scrape_requests_total 'served="reused"')
check "window off: nothing reused ($off_reused)" test "$off_reused" = 0
# the one-shot command has no scrape of its own: no ikewatch_scrape_ families
once=$("$IKEWATCH" metrics --vici.socket="$(lab_vici "$NAME")" 2>/dev/null)
check "ikewatch metrics: state there, no ikewatch_scrape_ families" \
	eval '[[ $once == *"ipsec_conn_up{"* && $once != *ikewatch_scrape_* ]]'
e2e_finish ha_pair
