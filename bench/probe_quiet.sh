#!/usr/bin/env bash
# bench/probe_quiet.sh - how many probe runs `quiet_when_traffic` saves
# while traffic flows, on a real lab.
#
#   bash bench/probe_quiet.sh          measure, then write the report
#
# Starts a lab (lab/lab.sh, name ikwquiet) with N tunnels, and `ikewatch
# serve` against its hub with one ICMP probe per tunnel (3 echo requests,
# timeout 1 s, interval INTERVAL, quiet_when_traffic on), scraped every
# SCRAPE seconds as Prometheus would.  Half of the tunnels carry traffic
# both ways for the whole span (a ping every 0.5 s through each, from the
# hub's inner address); the other half are idle.  At the end it reads the
# probes' runs and quiet runs per group, and the echo requests the probes
# sent (3 per run made).
#
# Writes bench/results/probe-quiet.txt (key=value) and section-quiet.md, and
# puts that section into docs/performance.md.
#
# Environment: QUIET_N (20 tunnels), QUIET_INTERVAL (4 s), QUIET_SCRAPE (2 s),
# QUIET_SECONDS (60), BENCH_BUILD=no to skip the build.  Needs root.  Traffic
# stays inside the lab's namespaces; only processes this script started are
# stopped (by pid), and the lab is taken down on exit, failure included.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source "$ROOT/bench/lib.sh"
N=${QUIET_N:-20}
INTERVAL=${QUIET_INTERVAL:-4}
SCRAPE=${QUIET_SCRAPE:-2}
DURATION=${QUIET_SECONDS:-60}
OUT=$ROOT/bench/results
DOC=$ROOT/docs/performance.md
IKEWATCH=$ROOT/build-bench/ikewatch
bench_frame probe_quiet ikwquiet


inner() { printf '%d.%d' $((($1 - 1) / 254)) $((($1 - 1) % 254 + 1)); }

write_config() {
	local i
	echo "probes:" >"$WORK/ikewatch.yml"
	for ((i = 1; i <= N; i++)); do
		printf '  - {conn: tun%d, child: net%d, target: 198.19.%s, source: 198.18.%s, netns: %s-hub, interval: %ds, timeout: 1s, quiet_when_traffic: true}\n' \
			"$i" "$i" "$(inner "$i")" "$(inner "$i")" "$NAME" "$INTERVAL" >>"$WORK/ikewatch.yml"
	done
}

# sum of a probe family over the busy (odd) or idle (even) tunnels
group_sum() { # group_sum FILE FAMILY odd|even
	awk -v fam="$2" -v want="$3" '
	index($0, fam "{") == 1 {
		match($0, /conn="tun[0-9]+"/); n = substr($0, RSTART + 9, RLENGTH - 10) + 0
		if ((n % 2 == 1) == (want == "odd")) s += $NF
	}
	END { printf "%d", s }' "$1"
}

report() {
	local f=$OUT/probe-quiet.txt md=$OUT/section-quiet.md
	# shellcheck source=/dev/null
	. "$f"
	cat >"$md" <<EOF
## Quiet probes: runs saved while traffic flows

Measured by \`bash bench/probe_quiet.sh\` on $date ($machine; ikewatch
$ikewatch_version, release build). A lab of $N tunnels; one ICMP probe per
tunnel (3 echo requests, \`quiet_when_traffic: true\`) every ${INTERVAL} s,
/metrics scraped every ${SCRAPE} s, for ${DURATION} s. Half of the tunnels
carried traffic both ways the whole time (a ping every 0.5 s), half were idle.

| tunnels | runs made | quiet runs (skipped) | share of runs saved | echo requests sent by the probes |
|---|---:|---:|---:|---:|
| with traffic ($busy_tunnels) | $busy_runs | $busy_quiet | ${busy_saved_pct}% | $((busy_runs * 3)) |
| idle ($idle_tunnels) | $idle_runs | $idle_quiet | ${idle_saved_pct}% | $((idle_runs * 3)) |

A probe on a tunnel with traffic runs at its start and then, when a
collection between two due times saw the packet counters rise both ways,
skips; a run is still made whenever no collection fell between the
previous run's end and the due time, so the share saved grows with the
scrape rate against the probe interval. Idle tunnels save nothing: a
probe's own packets never count as traffic. ikewatch used ${cpu_percent}% of
one CPU over the span (probes, scrapes and the event stream together).
EOF
	log "report section written to $md"
	awk -v sec="$md" '
	BEGIN { while ((getline l < sec) > 0) s = s l "\n" }
	/^## Quiet probes: / { skip = 1; next }
	skip && /^## / { skip = 0 }
	skip { next }
	/^## Reproducing/ && !done { printf "%s\n", s; done = 1 }
	{ print }
	END { if (!done) printf "\n%s", s }' "$DOC" >"$DOC.tmp"
	mv "$DOC.tmp" "$DOC"
	log "docs/performance.md updated"
}

main() {
	local i port end cpu0 cpu1 t0 t1 hz
	((EUID == 0)) || die "must run as root (network namespaces)"
	[[ $N =~ ^[1-9][0-9]*$ && $N -ge 2 && $N -le 200 ]] || die "QUIET_N must be 2..200"
	bench_build
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$OUT"
	log "lab $NAME with $N tunnels"
	"$LAB" --name "$NAME" up --tunnels "$N" --peers 2 >/dev/null
	write_config
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$IKEWATCH" serve --web.listen-address="127.0.0.1:$port" --no-events \
		--vici.socket="$("$LAB" --name "$NAME" vici hub | sed 's|^unix://||')" \
		--config.file="$WORK/ikewatch.yml" >"$WORK/ikewatch.log" 2>&1 &
	PIDS+=("$!")
	for ((i = 1; i <= N; i += 2)); do
		ip netns exec "$NAME-hub" ping -q -i 0.5 -I "198.18.$(inner "$i")" "198.19.$(inner "$i")" \
			>/dev/null 2>&1 &
		PIDS+=("$!")
	done
	hz=$(getconf CLK_TCK)
	cpu0=$(awk '{ print $14 + $15 }' "/proc/${PIDS[0]}/stat")
	t0=$EPOCHREALTIME
	end=$((SECONDS + DURATION))
	while ((SECONDS < end)); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics" || true
		sleep "$SCRAPE"
	done
	cpu1=$(awk '{ print $14 + $15 }' "/proc/${PIDS[0]}/stat")
	t1=$EPOCHREALTIME
	curl -fsS -o "$WORK/last.prom" "http://127.0.0.1:$port/metrics"
	{
		local br bq ir iq
		br=$(group_sum "$WORK/last.prom" ipsec_probe_runs_total odd)
		bq=$(group_sum "$WORK/last.prom" ipsec_probe_quiet_runs_total odd)
		ir=$(group_sum "$WORK/last.prom" ipsec_probe_runs_total even)
		iq=$(group_sum "$WORK/last.prom" ipsec_probe_quiet_runs_total even)
		printf 'date=%q\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
		printf 'machine=%q\n' "$(nproc) CPUs, $(uname -sr)"
		printf 'ikewatch_version=%q\n' "$("$IKEWATCH" --version | awk '{ print $2, $3, $4 }')"
		printf 'N=%d\nINTERVAL=%d\nSCRAPE=%d\nDURATION=%d\n' "$N" "$INTERVAL" "$SCRAPE" "$DURATION"
		printf 'busy_tunnels=%d\nidle_tunnels=%d\n' $(((N + 1) / 2)) $((N / 2))
		printf 'busy_runs=%d\nbusy_quiet=%d\nidle_runs=%d\nidle_quiet=%d\n' "$br" "$bq" "$ir" "$iq"
		awk -v r="$br" -v q="$bq" 'BEGIN { printf "busy_saved_pct=%.0f\n", r + q ? 100 * q / (r + q) : 0 }'
		awk -v r="$ir" -v q="$iq" 'BEGIN { printf "idle_saved_pct=%.0f\n", r + q ? 100 * q / (r + q) : 0 }'
		awk -v a="$cpu0" -v b="$cpu1" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {
			printf "cpu_percent=%.2f\n", 100 * (b - a) / hz / (t1 - t0) }'
	} >"$OUT/probe-quiet.txt"
	cat "$OUT/probe-quiet.txt" >&2
	report
}

main "$@"; exit "$?"
