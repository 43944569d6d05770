#!/usr/bin/env bash
# bench/probe_spread.sh - 1000 data-plane probes at a 30 s interval: how they
# spread over time, and what they cost ikewatch.
#
#   bash bench/probe_spread.sh          measure, then write the report
#
# It creates a network namespace of its own (ikwspread-PID) with N TEST-NET
# addresses (198.18.0.0/15) on its loopback, starts `ikewatch serve` in the
# root namespace with N ICMP probes (netns: that namespace, one target each,
# the default count of 3 echo requests 200 ms apart, timeout 2 s, interval
# INTERVAL), scrapes /metrics every 15 s as Prometheus would, and captures
# every echo request in the namespace with tcpdump.  From the capture:
#   - run starts (the first echo request of each run) per 100 ms window:
#     the maximum over aligned windows and over sliding ones, the mean, p99;
#   - echo requests per 100 ms (all packets), maximum over sliding windows;
#   - the period of each probe (time between its consecutive starts) against
#     the interval: the largest deviation;
# and from /proc: ikewatch's CPU time (utime + stime) over the measured
# span, as a share of one CPU, and its peak RSS (VmHWM).  No charon is
# involved: the VICI collector fails at each scrape (also showing that a
# failing collector does not disturb the probes).
#
# Writes bench/results/probe-spread.txt (key=value), section-probes.md (the
# report section) and puts that section into docs/performance.md (bench/run.sh
# report keeps it too).
#
# Environment: PROBE_N (1000), PROBE_INTERVAL (30, seconds), PROBE_SECONDS
# (95: three intervals and a little), BENCH_BUILD=no to skip the build.
# Needs root, iproute2, tcpdump, curl.  Traffic stays inside the namespace;
# only processes this script started are stopped (by pid), and the
# namespace is deleted on exit, failure and Ctrl-C included.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source "$ROOT/bench/lib.sh"
N=${PROBE_N:-1000}
INTERVAL=${PROBE_INTERVAL:-30}
DURATION=${PROBE_SECONDS:-95}
OUT=$ROOT/bench/results
DOC=$ROOT/docs/performance.md
IKEWATCH=$ROOT/build-bench/ikewatch
NS=ikwspread-$$
WORK=$(mktemp -d /tmp/ikwspread.XXXXXX)
IKW_PID="" DUMP_PID=""

log() { printf '[probe-spread %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[[ -z $IKW_PID ]] || { kill "$IKW_PID" 2>/dev/null; wait "$IKW_PID" 2>/dev/null || true; }
	[[ -z $DUMP_PID ]] || { kill "$DUMP_PID" 2>/dev/null; wait "$DUMP_PID" 2>/dev/null || true; }
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$WORK"
	exit "$rc"
}

addr() { bench_addr4 "$1"; }


setup_ns() {
	local i
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	for ((i = 1; i <= N; i++)); do
		printf 'address add %s/32 dev lo\n' "$(addr "$i")"
	done >"$WORK/addrs.batch"
	ip -n "$NS" -batch "$WORK/addrs.batch"
}

write_config() {
	local i
	{
		printf 'probes:\n  defaults: {netns: %s, interval: %ss}\n  list:\n' "$NS" "$INTERVAL"
		for ((i = 1; i <= N; i++)); do
			printf '    - {conn: tun%d, child: net%d, target: %s}\n' "$i" "$i" "$(addr "$i")"
		done
	} >"$WORK/ikewatch.yml"
}

start_all() {
	local i
	ip netns exec "$NS" tcpdump -i lo -n -tt -l --immediate-mode 'icmp[icmptype] == icmp-echo' \
		>"$WORK/dump.txt" 2>"$WORK/tcpdump.err" &
	DUMP_PID=$!
	sleep 1
	PORT=$(free_port)
	"$IKEWATCH" serve --web.listen-address="127.0.0.1:$PORT" --no-events \
		--vici.socket="$WORK/no-charon.vici" --vici.timeout=1s \
		--config.file="$WORK/ikewatch.yml" >"$WORK/ikewatch.log" 2>&1 &
	IKW_PID=$!
	for ((i = 0; i < 100; i++)); do
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/healthy" 2>/dev/null && return 0
		kill -0 "$IKW_PID" 2>/dev/null || die "ikewatch exited: $(tail -3 "$WORK/ikewatch.log")"
		sleep 0.1
	done
	die "ikewatch not healthy after 10 s"
}

# scrapes every 15 s until the end, as Prometheus would
run_span() {
	local end=$((SECONDS + DURATION)) next=$SECONDS
	while ((SECONDS < end)); do
		if ((SECONDS >= next)); then
			curl -fsS -o "$WORK/last.prom" "http://127.0.0.1:$PORT/metrics" || log "warning: scrape failed"
			next=$((SECONDS + 15))
		fi
		sleep 1
	done
}

# the capture's numbers, as key=value lines
analyse() {
	awk -v iv="$INTERVAL" '
	/ICMP echo request/ {
		t = $1 + 0
		for (i = 1; i <= NF; i++) if ($i == "seq") seq = $(i + 1) + 0
		sub(/,$/, "", seq)
		dst = $5; sub(/:$/, "", dst)
		pk[np++] = t
		if (seq == 0) {
			st[ns++] = t
			if (dst in last) {
				d = t - last[dst] - iv; if (d < 0) d = -d
				if (d > maxdev) maxdev = d
				periods++
			}
			last[dst] = t
		}
	}
	function sliding(a, n,   i, j, best) {
		best = 0; j = 0
		for (i = 0; i < n; i++) {
			while (a[i] - a[j] >= 0.1) j++
			if (i - j + 1 > best) best = i - j + 1
		}
		return best
	}
	END {
		if (ns == 0) { print "starts=0"; exit }
		t0 = st[0]; t1 = st[ns - 1]
		for (i = 0; i < ns; i++) b[int((st[i] - t0) / 0.1)]++
		nb = int((t1 - t0) / 0.1) + 1
		for (k = 0; k < nb; k++) { c = b[k] + 0; if (c > amax) amax = c; h[c]++ }
		# p99 of the aligned windows
		need = 0.99 * nb; acc = 0
		for (c = 0; c <= amax; c++) { acc += h[c]; if (acc >= need) { p99 = c; break } }
		printf "starts=%d\npackets=%d\nspan_s=%.1f\n", ns, np, t1 - t0
		printf "starts_per_100ms_max_aligned=%d\nstarts_per_100ms_max_sliding=%d\n", amax, sliding(st, ns)
		printf "starts_per_100ms_mean=%.2f\nstarts_per_100ms_p99=%d\n", ns / nb, p99
		printf "packets_per_100ms_max_sliding=%d\n", sliding(pk, np)
		printf "periods=%d\nperiod_max_deviation_ms=%.1f\n", periods, maxdev * 1000
	}' "$WORK/dump.txt"
}

report() {
	local f=$OUT/probe-spread.txt md=$OUT/section-probes.md
	# shellcheck source=/dev/null
	. "$f"
	cat >"$md" <<EOF
## Probes: 1000 at a 30 s interval

Measured by \`bash bench/probe_spread.sh\` on $date ($machine; ikewatch
$ikewatch_version, release build). $N ICMP probes (3 echo requests 200 ms
apart, timeout 2 s) at a ${INTERVAL} s interval from \`ikewatch serve\` into a
namespace of the script's own with $N addresses on its loopback, for
${DURATION} s, /metrics scraped every 15 s; every echo request captured with
tcpdump inside the namespace. A run start is the first echo request of a run.

| what | measured |
|---|---:|
| run starts captured (over ${span_s} s) | $starts |
| echo requests captured | $packets |
| run starts per 100 ms: mean | $starts_per_100ms_mean |
| run starts per 100 ms: 99th percentile (aligned windows) | $starts_per_100ms_p99 |
| run starts per 100 ms: maximum (aligned windows) | $starts_per_100ms_max_aligned |
| run starts per 100 ms: maximum (any 100 ms) | $starts_per_100ms_max_sliding |
| echo requests per 100 ms: maximum (any 100 ms) | $packets_per_100ms_max_sliding |
| largest deviation of a probe's period from ${INTERVAL} s ($periods periods) | $period_max_deviation_ms ms |
| ikewatch CPU (user + system) over the span | $cpu_seconds s, ${cpu_percent}% of one CPU |
| ikewatch peak RSS (VmHWM) | $rss_mb MB |
| probes whose last run succeeded (final scrape) | $succeeded / $N |

The spread holds: probes of one interval are ordered by a hash of their
labels and placed evenly over it (src/probe/spread.c), and each runs at a
fixed rate from there, so 1000 probes at 30 s start about 3.3 per 100 ms and
never more than a few at once. The scrapes (about 22,000 series each) and the
failing VICI collector run in other threads and do not move a probe.
EOF
	log "report section written to $md"
	update_doc "$md"
}

# puts the section into docs/performance.md, replacing an earlier one,
# before "## Reproducing"
update_doc() {
	awk -v sec="$1" '
	BEGIN { while ((getline l < sec) > 0) s = s l "\n" }
	/^## Probes: / { skip = 1; next }
	skip && /^## / { skip = 0 }
	skip { next }
	/^## Reproducing/ && !done { printf "%s\n", s; done = 1 }
	{ print }
	END { if (!done) printf "\n%s", s }' "$DOC" >"$DOC.tmp"
	mv "$DOC.tmp" "$DOC"
	log "docs/performance.md updated"
}

main() {
	local cpu0 cpu1 t0 t1 hz
	((EUID == 0)) || die "must run as root (network namespaces, raw sockets)"
	[[ $N =~ ^[1-9][0-9]*$ && $N -le 10000 ]] || die "PROBE_N must be 1..10000"
	for c in tcpdump curl python3 ip; do
		command -v "$c" >/dev/null || die "$c not found (bash scripts/install-deps.sh bench)"
	done
	bench_build
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$OUT"
	log "namespace $NS with $N addresses; $N probes every ${INTERVAL}s for ${DURATION}s"
	setup_ns
	write_config
	start_all
	hz=$(getconf CLK_TCK)
	cpu0=$(proc_ticks "$IKW_PID")
	t0=$EPOCHREALTIME
	run_span
	cpu1=$(proc_ticks "$IKW_PID")
	t1=$EPOCHREALTIME
	curl -fsS -o "$WORK/last.prom" "http://127.0.0.1:$PORT/metrics"
	{
		printf 'date=%q\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
		printf 'machine=%q\n' "$(nproc) CPUs, $(uname -sr)"
		printf 'ikewatch_version=%q\n' "$("$IKEWATCH" --version | awk '{ print $2, $3, $4 }')"
		printf 'N=%q\nINTERVAL=%q\nDURATION=%q\n' "$N" "$INTERVAL" "$DURATION"
		analyse
		awk -v a="$cpu0" -v b="$cpu1" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {
			s = (b - a) / hz; printf "cpu_seconds=%.2f\ncpu_percent=%.2f\n", s, 100 * s / (t1 - t0) }'
		awk '/^VmHWM/ { printf "rss_mb=%.1f\n", $2 * 1024 / 1e6 }' "/proc/$IKW_PID/status"
		printf 'succeeded=%d\n' "$(grep -c '^ipsec_probe_success{.*} 1$' "$WORK/last.prom" || true)"
	} >"$OUT/probe-spread.txt"
	cat "$OUT/probe-spread.txt" >&2
	report
}

main "$@"; exit "$?"
