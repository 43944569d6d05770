#!/usr/bin/env bash
# Probes that stay quiet while real traffic flows (quiet_when_traffic), on a
# real lab: without traffic a quiet probe runs every interval (its own
# packets never count as traffic); while traffic passes both ways through
# its CHILD SA its runs are skipped and its result is success by traffic;
# when the traffic stops it runs again.  A probe without the option (on
# another tunnel: its packets would count as traffic of its own child) and a
# quiet probe on an idle tunnel keep running throughout.
source "$(dirname "$0")/lib.sh"

NAME=e2eqp$$
NAME=${NAME:0:12}
HUB=$NAME-hub
lab_up "$NAME" --tunnels 3 --peers 1 || { fail "lab up"; e2e_finish probes_quiet; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT

cat >"$tmp/ikewatch.yml" <<YML
probes:
  - {conn: tun1, child: net1, name: quiet, target: 198.19.0.1, source: 198.18.0.1, netns: $HUB, interval: 4s, timeout: 1s, quiet_when_traffic: true}
  - {conn: tun2, child: net2, name: loud, target: 198.19.0.2, source: 198.18.0.2, netns: $HUB, interval: 4s, timeout: 1s}
  - {conn: tun3, child: net3, name: quiet, target: 198.19.0.3, source: 198.18.0.3, netns: $HUB, interval: 4s, timeout: 1s, quiet_when_traffic: true}
YML
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml"
pm() { # pm FAMILY CONN PROBE TARGET: a probe series of the last scrape
	metric "$m" "$1{conn=\"$2\",child=\"net${2#tun}\",probe=\"$3\",target=\"$4\"}" || echo 0
}
# scrapes twice a second for SECONDS: a collection reads the counters, and
# a skip needs two of them between a run's end and the next due time (the
# baseline after the run, then the rise), so several per interval
scrape_for() {
	local end=$((SECONDS + $1))
	while ((SECONDS < end)); do m=$(scrape "$PORT"); sleep 0.5; done
	m=$(scrape "$PORT")
}
wait_for 10 probes_ran "$PORT"

# ---- no traffic: every run made, the probe's own packets prove nothing --
scrape_for 16
check "idle: quiet probe skipped no run ($(pm ipsec_probe_quiet_runs_total tun1 quiet 198.19.0.1))" \
	test "$(pm ipsec_probe_quiet_runs_total tun1 quiet 198.19.0.1)" = 0
check "idle: quiet probe ran ($(pm ipsec_probe_runs_total tun1 quiet 198.19.0.1) runs)" \
	test "$(pm ipsec_probe_runs_total tun1 quiet 198.19.0.1)" -ge 3
check "idle: quiet probe succeeds by probing" \
	test "$(pm ipsec_probe_success tun1 quiet 198.19.0.1)/$(pm ipsec_probe_success_by_traffic tun1 quiet 198.19.0.1)" = 1/0
runs_idle=$(pm ipsec_probe_runs_total tun1 quiet 198.19.0.1)
loud_idle=$(pm ipsec_probe_runs_total tun2 loud 198.19.0.2)

# ---- traffic both ways through tun1: runs skipped -----------------------
ip netns exec "$HUB" ping -q -i 0.2 -I 198.18.0.1 198.19.0.1 >/dev/null 2>&1 &
ping_pid=$!
E2E_PIDS+=("$ping_pid")
scrape_for 24
quiet=$(pm ipsec_probe_quiet_runs_total tun1 quiet 198.19.0.1)
runs_busy=$(pm ipsec_probe_runs_total tun1 quiet 198.19.0.1)
check "traffic: quiet probe skipped runs ($quiet quiet, $((runs_busy - runs_idle)) made)" test "$quiet" -ge 3
check "traffic: skipped more runs than it made" test "$quiet" -gt $((runs_busy - runs_idle))
check "traffic: success by traffic" \
	test "$(pm ipsec_probe_success tun1 quiet 198.19.0.1)/$(pm ipsec_probe_success_by_traffic tun1 quiet 198.19.0.1)" = 1/1
check "traffic: no loss measured while quiet (loss ratio absent)" \
	bash -c '! grep -q "^ipsec_probe_loss_ratio{conn=\"tun1\",child=\"net1\",probe=\"quiet\"" <<<"$1"' _ "$m"
check "traffic: the probe without the option kept running" \
	test "$(pm ipsec_probe_runs_total tun2 loud 198.19.0.2)" -ge $((loud_idle + 4))
check "traffic: the loud probe skipped nothing" test "$(pm ipsec_probe_quiet_runs_total tun2 loud 198.19.0.2)" = 0
check "traffic: the idle tunnel's quiet probe skipped nothing" \
	test "$(pm ipsec_probe_quiet_runs_total tun3 quiet 198.19.0.3)" = 0

# ---- traffic stops: the quiet probe runs again ---------------------------
kill "$ping_pid" 2>/dev/null; wait "$ping_pid" 2>/dev/null
scrape_for 3
quiet_after=$(pm ipsec_probe_quiet_runs_total tun1 quiet 198.19.0.1)
runs_after=$(pm ipsec_probe_runs_total tun1 quiet 198.19.0.1)
scrape_for 16
check "stopped: no more quiet runs" test "$(pm ipsec_probe_quiet_runs_total tun1 quiet 198.19.0.1)" -le $((quiet_after + 1))
check "stopped: the quiet probe runs again" test "$(pm ipsec_probe_runs_total tun1 quiet 198.19.0.1)" -ge $((runs_after + 3))
check "stopped: its success is a probe's again" \
	test "$(pm ipsec_probe_success tun1 quiet 198.19.0.1)/$(pm ipsec_probe_success_by_traffic tun1 quiet 198.19.0.1)" = 1/0
e2e_finish probes_quiet
