#!/usr/bin/env bash
# The newcomer's command: installs, builds, starts a local strongSwan lab
# (a hub and two peers, each charon in its own network namespace, with
# site-to-site IKEv2 tunnels carrying real traffic) and ikewatch serving the
# hub's tunnels on http://127.0.0.1:9786/metrics.
#   scripts/demo.sh [TUNNELS]     start (default 3 tunnels)
#   scripts/demo.sh stop          stop ikewatch and tear the lab down
# Needs root (network namespaces).  Only addresses inside the lab's own
# namespaces (TEST-NET ranges) are used.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_NAME=ikwdemo
STATE=/tmp/ikwdemo-ikewatch
PORT=${IKW_DEMO_PORT:-9786}

stop() {
	if [ -f "$STATE/ikewatch.pid" ]; then
		kill "$(cat "$STATE/ikewatch.pid")" 2>/dev/null || true
		rm -f "$STATE/ikewatch.pid"
	fi
	bash lab/lab.sh --name "$LAB_NAME" down || true
	echo "demo stopped"
}

if [ "${1:-}" = stop ]; then
	stop
	exit 0
fi
TUNNELS=${1:-3}

bash scripts/install-deps.sh demo
make -j2
[ -f "$STATE/ikewatch.pid" ] && stop
mkdir -p "$STATE"
echo "starting the lab: $TUNNELS tunnels over 2 peers (this takes a few seconds)"
bash lab/lab.sh --name "$LAB_NAME" up --tunnels "$TUNNELS" --peers 2 --counters
VICI=$(bash lab/lab.sh --name "$LAB_NAME" vici hub)
build/ikewatch serve --web.listen-address="127.0.0.1:$PORT" --vici.socket="$VICI" \
	>"$STATE/ikewatch.log" 2>&1 &
echo $! >"$STATE/ikewatch.pid"
for _ in $(seq 1 50); do
	curl -fsS "http://127.0.0.1:$PORT/-/healthy" >/dev/null 2>&1 && break
	sleep 0.1
done
echo "sending traffic: 10 pings through tunnel 1"
bash lab/lab.sh --name "$LAB_NAME" ping 1 10 1000 >/dev/null
echo
echo "---- a few of the hub's metrics (curl http://127.0.0.1:$PORT/metrics) ----"
curl -fsS "http://127.0.0.1:$PORT/metrics" |
	grep -E '^(ipsec_conn_up|ipsec_child_up|ipsec_child_sa_bytes_total|ikewatch_collector_success|ipsec_daemon_info)' |
	head -n 20
cat <<EOF

ikewatch (pid $(cat "$STATE/ikewatch.pid")) serves the lab hub's tunnels:
  metrics     http://127.0.0.1:$PORT/metrics
  landing     http://127.0.0.1:$PORT/
  status page http://127.0.0.1:$PORT/status
  log         $STATE/ikewatch.log
  one scrape  build/ikewatch metrics --vici.socket=$VICI
  the table   build/ikewatch status --vici.socket=$VICI
  more        bash lab/lab.sh --name $LAB_NAME ping 2 5      # traffic through tunnel 2
              bash lab/lab.sh --name $LAB_NAME swanctl hub --terminate --ike tun2
  stop        scripts/demo.sh stop
EOF
