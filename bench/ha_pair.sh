#!/usr/bin/env bash
# bench/ha_pair.sh - what an HA pair of Prometheus servers costs charon:
# its CPU seconds per minute with one and with two scrapers, the reuse
# window on and off (issue 19).
#
#   bash bench/ha_pair.sh         measure, then write the report
#   bash bench/ha_pair.sh report  the report again from bench/results/
#
# Starts a lab (lab/lab.sh, name ikwha) with HA_N site-to-site tunnels,
# then `ikewatch serve` against its hub (release build, no event stream, so
# that charon's work is the collections') and, for each case, one or two
# Prometheus-like scrapers (GET /metrics with Accept-Encoding: gzip every
# HA_INTERVAL seconds; the second at HA_PHASE of an interval after the
# first, as two servers with other offsets) for HA_SPAN seconds.  charon's
# CPU time (utime + stime of /proc/PID/stat) over the span, minus the same
# span with no scraper, is its cost of the scrapes, given per minute; the
# daemon's ikewatch_scrape_collections_total says how many listings that
# was.  The window is HA_WINDOW (half the interval: one listing per
# interval whatever the phase) or 0 (off).
#
# Writes bench/results/ha-pair.txt (key=value) and section-ha-pair.md, and
# puts that section into docs/performance.md.  Environment: HA_N (1000),
# HA_INTERVAL (1), HA_SPAN (60), HA_PHASE (0.37), HA_WINDOW (half the
# interval), BENCH_BUILD=no to skip the build.  Needs root.  Traffic stays
# on loopback and in the lab's namespaces; only processes this script
# started are stopped (by pid), and the lab is taken down on exit, failure
# included.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source "$ROOT/bench/lib.sh"
N=${HA_N:-1000}
INTERVAL=${HA_INTERVAL:-1}
SPAN=${HA_SPAN:-60}
PHASE=${HA_PHASE:-0.37}
WINDOW=${HA_WINDOW:-$(awk -v i="$INTERVAL" 'BEGIN { printf "%dms", i * 500 }')}
OUT=$ROOT/bench/results/ha-pair.txt
IKEWATCH=$ROOT/build-bench/ikewatch
bench_frame ha_pair ikwha

trap bench_cleanup EXIT

# a Prometheus-like scraper: URL every INTERVAL s from START (epoch s) for
# SPAN s, gzip asked for; prints how many scrapes answered 200
cat >"$WORK/scraper.py" <<'PY'
import sys, time, urllib.request
url, interval, start, span = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ok, t = 0, start
while t < start + span:
    time.sleep(max(0.0, t - time.time()))
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(req, timeout=interval * 10) as r:
            r.read()
            ok += r.status == 200
    except OSError:
        pass
    t += interval
    while t < time.time():   # late (a loaded machine): skip, as Prometheus does, no burst
        t += interval
print(ok)
PY

serve() { # serve WINDOW: starts ikewatch serve, sets PORT and IKW
	PORT=$(free_port)
	"$IKEWATCH" serve --web.listen-address="127.0.0.1:$PORT" --vici.socket="$VICI" \
		--collector.xfrm=false --no-events --log.level=warn --scrape.reuse-window="$1" \
		>>"$WORK/ikewatch.log" 2>&1 &
	IKW=$!
	PIDS+=("$IKW")
	for _ in $(seq 1 50); do
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/healthy" 2>/dev/null && break
		sleep 0.2
	done
	curl -fsS -o /dev/null "http://127.0.0.1:$PORT/metrics"   # the first, apart
}

collections() {
	curl -fsS "http://127.0.0.1:$PORT/metrics" | awk '$1 == "ikewatch_scrape_collections_total" { print $2 }'
}

# measure KEY SCRAPERS WINDOW: charon's CPU over SPAN with that many
# scrapers (0: the idle baseline); KEY_* results
measure() {
	local key=$1 n=$2 window=$3 t0 t1 c0 c1 start k ok=0 pids=()
	serve "$window"
	c0=$(collections)
	start=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t + 3 }')
	t0=$(proc_ticks "$CHARON")
	for ((k = 0; k < n; k++)); do
		python3 "$WORK/scraper.py" "http://127.0.0.1:$PORT/metrics" "$INTERVAL" \
			"$(awk -v s="$start" -v k="$k" -v p="$PHASE" -v i="$INTERVAL" 'BEGIN { printf "%.3f", s + k * p * i }')" \
			"$SPAN" >"$WORK/$key.$k.ok" &
		pids+=("$!")
	done
	if ((n == 0)); then sleep "$SPAN"; fi
	for k in "${pids[@]}"; do wait "$k"; done
	t1=$(proc_ticks "$CHARON")
	sleep 1   # past the window: the read below collects, and is discounted
	c1=$(collections)
	for ((k = 0; k < n; k++)); do ok=$((ok + $(cat "$WORK/$key.$k.ok"))); done
	kill "$IKW"
	wait "$IKW" 2>/dev/null || true
	log "$key: collections $c0 -> $c1, charon ticks $t0 -> $t1"
	printf '%s_scrapes=%s\n' "$key" "$ok"
	# the two scrapes of collections() itself are not the scrapers'
	printf '%s_collections=%s\n' "$key" "$((c1 - c0 - 1))"
	printf '%s_charon_ticks=%s\n' "$key" "$((t1 - t0))"
}

# section-ha-pair.md from $OUT, and that section into docs/performance.md
report() {
	local md=$ROOT/bench/results/section-ha-pair.md k v hz
	declare -A r
	while IFS== read -r k v; do [[ $k == \#* || -z $k ]] || r[$k]=$v; done <"$OUT"
	hz=${r[clk_tck]}
	row() { # row KEY LABEL
		awk -v t="${r[$1_charon_ticks]}" -v b="${r[idle_charon_ticks]}" -v hz="$hz" \
			-v span="${r[span_s]}" -v s="${r[$1_scrapes]}" -v c="${r[$1_collections]}" -v l="$2" \
			-v iv="${r[interval_s]}" 'BEGIN {
			cpu = (t - b) / hz * 60 / span
			printf "| %s | %d | %d | %.2f | %.2f s | %.3f s |\n", l, s, c, c / (span / iv), cpu, cpu / (c > 0 ? c : 1) * span / 60
		}'
	}
	{
		cat <<EOF
## HA pairs: charon's CPU with one and two scrapers (issue 19)

Measured by \`bash bench/ha_pair.sh\` (\`bench/results/ha-pair.txt\`) on
$(date -u -r "$OUT" +%Y-%m-%d) ($(nproc) CPUs, load average ${r[load_end]:-?} at the end; ikewatch
${r[ikewatch_revision]:-?}, release build, no event stream). A lab of ${r[tunnels]} tunnels
(charon ${r[charon_version]:-?}); Prometheus-like scrapers (gzip) every ${r[interval_s]} s for
${r[span_s]} s, the second ${r[phase]} of an interval after the first. charon's CPU is
utime + stime from \`/proc/PID/stat\` over the span minus the same span
with no scraper (${r[idle_charon_ticks]} ticks at ${hz} Hz), given per minute; the listings are
ikewatch's own \`ikewatch_scrape_collections_total\`.

| scrapers, window | scrapes | listings | listings per interval | charon CPU per minute | charon CPU per listing |
|---|---:|---:|---:|---:|---:|
EOF
		row one_off "one, window off"
		row one_on "one, window ${r[window]}"
		row two_off "two, window off"
		row two_on "two, window ${r[window]}"
		awk -v a="${r[one_off_charon_ticks]}" -v b="${r[two_off_charon_ticks]}" -v c="${r[two_on_charon_ticks]}" \
			-v z="${r[idle_charon_ticks]}" 'BEGIN {
			printf "\nTwo servers cost charon %.2f times what one does with the window off and %.2f times with it on. ", (b - z) / (a - z), (c - z) / (a - z)
			printf "Per listing, the CPU of charon moves by some 15 %% between the cases on this shared machine (other jobs run beside it): compare the listings, which are exact, and the CPU over several runs.\n"
		}'
		cat <<EOF

With the window at half the interval the second server is answered from
the first one's collection whatever their offsets, so two servers cost
charon what one does; a single server is never answered from its own
previous collection (its next scrape comes an interval later, past the
window). At a 15 s interval the same holds with \`--scrape.reuse-window=7s\`
(and the default 4 s catches the second server whenever it scrapes within
4 s of the first: 2 x 4 / 15 = 53 % of intervals at random offsets).
EOF
	} >"$md"
	awk -v sec="$md" '
	BEGIN { while ((getline l < sec) > 0) s = s l "\n" }
	/^## HA pairs: / { skip = 1; next }
	skip && /^## / { skip = 0 }
	skip { next }
	/^## Reproducing/ && !done { printf "%s\n", s; done = 1 }
	{ print }
	END { if (!done) printf "\n%s", s }' "$ROOT/docs/performance.md" >"$WORK/doc.tmp"
	cat "$WORK/doc.tmp" >"$ROOT/docs/performance.md"
	log "docs/performance.md updated ($md)"
}

if [[ ${1:-} == report ]]; then
	report
	exit 0
fi
[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
bench_build
log "lab: $N tunnels"
"$LAB" --name "$NAME" down >/dev/null 2>&1 || true
"$LAB" --name "$NAME" up --tunnels "$N" --peers $(((N + 499) / 500)) --loglevel 0 \
	--timeout $((60 + N / 4)) >"$WORK/lab.log" 2>&1 || { tail -n 20 "$WORK/lab.log" >&2; die "lab up"; }
VICI=$("$LAB" --name "$NAME" vici hub | sed "s|^unix://||")
CHARON=$(cat "$("$LAB" --name "$NAME" info | sed -n 's/^state_dir=//p')/hub/charon.pid")
[[ -r /proc/$CHARON/stat ]] || die "no charon pid"
{
	printf '# bench/ha_pair.sh on %s (ikewatch %s, release build)\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
	printf 'tunnels=%s\ninterval_s=%s\nspan_s=%s\nphase=%s\nwindow=%s\nclk_tck=%s\n' \
		"$N" "$INTERVAL" "$SPAN" "$PHASE" "$WINDOW" "$(getconf CLK_TCK)"
	printf 'charon_version=%s\n' "$(swanctl --version --uri "unix://$VICI" 2>&1 | awk '{ print $NF; exit }')"
	log "idle"; measure idle 0 0
	log "one scraper, window off"; measure one_off 1 0
	log "one scraper, window $WINDOW"; measure one_on 1 "$WINDOW"
	log "two scrapers, window off"; measure two_off 2 0
	log "two scrapers, window $WINDOW"; measure two_on 2 "$WINDOW"
	printf 'load_end=%s\nikewatch_revision=%s\n' "$(cut -d' ' -f1 /proc/loadavg)" \
		"$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
} >"$OUT"
cat "$OUT"
report
