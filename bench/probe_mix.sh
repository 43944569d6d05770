#!/usr/bin/env bash
# bench/probe_mix.sh - 1000 mixed data-plane probes at a 30 s interval
# (a quarter each icmp, tcp, mtu and http, quiet_when_traffic off): what
# they cost ikewatch.
#
#   bash bench/probe_mix.sh          measure, print and write the result
#
# It creates a network namespace of its own (ikwmix-PID) with N TEST-NET
# addresses (198.18.0.0/15) on its loopback and a python3 http.server in it
# (all addresses, port 8080, serving a 64 KiB file), starts `ikewatch serve`
# in the root namespace with N probes into that namespace (icmp: 3 echo
# requests; tcp: a connect to 8080; mtu: the DF ladder 576-1500; http: GET of
# the file with min_bytes 65536 and its last line expected), scrapes
# /metrics every 15 s as Prometheus would, and reads ikewatch's CPU time
# (utime + stime) from /proc over the span after the first interval, and its
# peak RSS.  No charon: the VICI collector fails at each scrape.
#
# Writes bench/results/probe-mix.txt (key=value; PROBE_TYPES other than the
# default: probe-mix-TYPES.txt; IPv6: -ipv6 before .txt).  Environment:
# PROBE_FAMILY (4; 6: the same over IPv6, targets 2001:db8:1::K), PROBE_N (1000),
# PROBE_INTERVAL (30), PROBE_SECONDS (90, measured after a first interval of
# warm-up), PROBE_TYPES ("icmp tcp mtu http": the types, in turn; "icmp"
# for a baseline), BENCH_BUILD=no to skip the build.  Needs root,
# iproute2, python3, curl.  Traffic stays inside the namespace; only
# processes this script started are stopped (by pid), and the namespace is
# deleted on exit, failure and Ctrl-C included.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source "$ROOT/bench/lib.sh"
N=${PROBE_N:-1000}
INTERVAL=${PROBE_INTERVAL:-30}
DURATION=${PROBE_SECONDS:-90}
OUT=$ROOT/bench/results
IKEWATCH=$ROOT/build-bench/ikewatch
NS=ikwmix-$$
WORK=$(mktemp -d /tmp/ikwmix.XXXXXX)
IKW_PID="" HTTPD_PID=""
read -r -a TYPES <<<"${PROBE_TYPES:-icmp tcp mtu http}"
FAMILY=${PROBE_FAMILY:-4}
[[ $FAMILY == 4 || $FAMILY == 6 ]] || { echo "PROBE_FAMILY is 4 or 6" >&2; exit 2; }
SOURCE6=2001:db8:2::1
RESULT=$OUT/probe-mix
[[ ${PROBE_TYPES:-icmp tcp mtu http} == "icmp tcp mtu http" ]] || RESULT+=-${TYPES[*]// /-}
[[ $FAMILY == 4 ]] || RESULT+=-ipv6
RESULT+=.txt

log() { printf '[probe-mix %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[[ -z $IKW_PID ]] || { kill "$IKW_PID" 2>/dev/null; wait "$IKW_PID" 2>/dev/null || true; }
	[[ -z $HTTPD_PID ]] || { kill "$HTTPD_PID" 2>/dev/null; wait "$HTTPD_PID" 2>/dev/null || true; }
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the K-th (1-based) address of 198.18.0.0/15, skipping .0 and .255
# (PROBE_FAMILY=6: 2001:db8:1::K in hex)
addr() {
	if [[ $FAMILY == 6 ]]; then printf '2001:db8:1::%x' "$1"; return; fi
	bench_addr4 "$1"
}


setup_ns() {
	local i
	ip netns add "$NS"
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0
	ip -n "$NS" link set lo up
	for ((i = 1; i <= N; i++)); do
		printf 'address add %s/%s dev lo\n' "$(addr "$i")" $((FAMILY == 6 ? 128 : 32))
	done >"$WORK/addrs.batch"
	# IPv6: the probes leave from one address, as a gateway's from its inner
	# one; without a source the kernel's IPv6 source selection walks every
	# address of lo (1000) for each packet, which measured the kernel, not us
	[[ $FAMILY == 4 ]] || echo "address add $SOURCE6/128 dev lo" >>"$WORK/addrs.batch"
	ip -n "$NS" -batch "$WORK/addrs.batch"
	mkdir "$WORK/www"
	python3 -c '
import sys
line = b"ikewatch http probe payload, one line of many to fill the page.\n"
sys.stdout.buffer.write(line * (65536 // len(line) + 1) + b"end-of-file\n")' >"$WORK/www/big.txt"
	ip netns exec "$NS" python3 -m http.server 8080 --bind "$([[ $FAMILY == 6 ]] && echo :: || echo 0.0.0.0)" --directory "$WORK/www" \
		>"$WORK/httpd.log" 2>&1 &
	HTTPD_PID=$!
}

write_config() {
	local i t
	{
		printf 'probes:\n  defaults: {netns: %s, interval: %ss, timeout: 2s}\n  max_concurrent: 64\n  list:\n' \
			"$NS" "$INTERVAL"
		for ((i = 1; i <= N; i++)); do
			t=${TYPES[$(((i - 1) % ${#TYPES[@]}))]}
			printf '    - {conn: tun%d, child: net%d, target: %s' "$i" "$i" "$(addr "$i")"
			[[ $FAMILY == 4 ]] || printf ", source: '%s'" "$SOURCE6"
			case $t in
			icmp) printf '}\n' ;;
			tcp) printf ', type: tcp, port: 8080}\n' ;;
			mtu) printf ', type: mtu}\n' ;;
			http) printf ', type: http, port: 8080, path: /big.txt, min_bytes: 65536, expect_body: end-of-file}\n' ;;
			*) die "unknown probe type '$t'" ;;
			esac
		done
	} >"$WORK/ikewatch.yml"
}

start_ikewatch() {
	local i
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

scrape_for() { # scrape_for SECONDS: every 15 s, as Prometheus would
	local end=$((SECONDS + $1)) next=$SECONDS
	while ((SECONDS < end)); do
		if ((SECONDS >= next)); then
			curl -fsS -o "$WORK/last.prom" "http://127.0.0.1:$PORT/metrics" || log "warning: scrape failed"
			next=$((SECONDS + 15))
		fi
		sleep 1
	done
}

# successes of one type in the last scrape
succeeded() {
	awk -v t="$1" '
		/^ipsec_probe_info\{/ && index($0, "type=\"" t "\"") { split($0, a, ",type="); k[a[1]] = 1 }
		/^ipsec_probe_success\{/ { s[$1] = $2 }
		END { for (x in k) { y = x; sub(/^ipsec_probe_info/, "ipsec_probe_success", y); n += s[y "}"] } print n + 0 }' \
		"$WORK/last.prom"
}

[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
bench_build
mkdir -p "$OUT"
setup_ns
write_config
start_ikewatch
log "$N probes at ${INTERVAL}s; warming up for one interval"
scrape_for "$INTERVAL"
t0=$(proc_ticks "$IKW_PID")
s0=$SECONDS
log "measuring for ${DURATION}s"
scrape_for "$DURATION"
t1=$(proc_ticks "$IKW_PID")
span=$((SECONDS - s0))
hz=$(getconf CLK_TCK)
cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
pct=$(awk -v c="$cpu" -v s="$span" 'BEGIN { printf "%.2f", 100 * c / s }')
rss=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$IKW_PID/status")
runs=$(awk '/^ipsec_probe_runs_total\{/ { n += $2 } END { print n + 0 }' "$WORK/last.prom")
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine=$(nproc) CPUs, Linux $(uname -r)"
	echo "ikewatch_version=$("$IKEWATCH" --version 2>&1 | head -1)"
	echo "N=$N"
	echo "types=${TYPES[*]}"
	echo "family=IPv$FAMILY"
	echo "interval_s=$INTERVAL"
	echo "span_s=$span"
	echo "cpu_seconds=$cpu"
	echo "cpu_percent=$pct"
	echo "rss_mb=$rss"
	echo "runs_total=$runs"
	echo "loadavg_1m_at_end=$(cut -d' ' -f1 /proc/loadavg)"
	for t in "${TYPES[@]}"; do echo "succeeded_$t=$(succeeded "$t")"; done
} | tee "$RESULT"
