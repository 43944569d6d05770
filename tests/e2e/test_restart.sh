#!/usr/bin/env bash
# charon hung, killed and restarted under a running ikewatch: scrapes keep
# answering within the collection timeout, the vici collector reports the
# failure, and everything comes back without restarting ikewatch.
source "$(dirname "$0")/lib.sh"

NAME=e2ers$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 || { fail "lab up"; e2e_finish restart; exit 1; }
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --vici.timeout=3s
pidfile=$(lab "$NAME" info | sed -n "s/^state_dir=//p")/hub/charon.pid

m=$(scrape "$PORT")
check "up before" test "$(metric "$m" 'ipsec_conn_up{conn="tun1"}')" = 1
start1=$(metric "$m" 'ipsec_daemon_start_time_seconds')

# hung charon (stopped, socket still open): bounded by --vici.timeout
charon=$(cat "$pidfile")
kill -STOP "$charon"
t0=$(date +%s.%N)
m=$(scrape "$PORT")
t1=$(date +%s.%N)
kill -CONT "$charon"
check "scrape of a hung charon answers within 3 s + 1 s ($(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s)" \
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 4.0) }'
check "hung charon: vici collector 0" test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 0
check "hung charon: no stale tunnel data" bash -c '! grep -q "^ipsec_conn_up" <<<"$1"' _ "$m"
vici_ok() { [ "$(metric "$(scrape "$PORT")" 'ikewatch_collector_success{collector="vici"}')" = 1 ]; }
wait_for 10 vici_ok
m=$(scrape "$PORT")
check "after resume: vici collector 1 again" test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 1

# killed charon
lab "$NAME" stop-charon hub --kill >/dev/null 2>&1
t0=$(date +%s.%N)
m=$(scrape "$PORT"); rc=$?
t1=$(date +%s.%N)
check "scrape answers with charon dead" test "$rc" -eq 0
check "dead charon: answered fast" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 4.0) }'
check "dead charon: vici collector 0" test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 0
check "dead charon: build info still served" grep -q '^ikewatch_build_info' <<<"$m"

# restarted charon: values come back without restarting ikewatch
sleep 1   # on purpose: charon stays dead a moment
lab "$NAME" start-charon hub --wait --reconnect >/dev/null 2>&1
check "lab charon restarted" test $? -eq 0
ok=0
both_up() {   # sets m
	m=$(scrape "$PORT")
	[ "$(metric "$m" 'ipsec_conn_up{conn="tun1"}')" = 1 ] &&
		[ "$(metric "$m" 'ipsec_conn_up{conn="tun2"}')" = 1 ]
}
wait_for 30 both_up && ok=1
check "after restart: vici collector 1" test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 1
check "after restart: tunnels up again" test "$ok" -eq 1
start2=$(metric "$m" 'ipsec_daemon_start_time_seconds')
check "daemon start time moved ($start1 -> $start2)" ge "$start2" "$start1"
check "ikewatch was not restarted" kill -0 "$IKW_PID"
e2e_finish restart
