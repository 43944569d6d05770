#!/usr/bin/env bash
# bench/remote_access.sh - what a remote-access gateway costs ikewatch: the
# scrape time and the series at N sessions, identity labels off and on.
#
#   bash bench/remote_access.sh        measure, then write the report
#   bash bench/remote_access.sh report the report again from bench/results/
#
# Starts a lab (lab/lab.sh, name ikwra) whose hub terminates N road-warrior
# clients on one conn `rw` (remote_addrs %any) with a pool of N addresses
# (`--rw N --rw-pool N`), then for each setting of identity labels (off,
# then RA_IDENTITIES) starts `ikewatch serve` against the hub (release
# build, --collector.xfrm=false: the lab's SAs are in charon), takes
# RA_WARMUP scrapes, then RA_ROUNDS timed scrapes over loopback (curl's
# time_total) and reports the median, the series and bytes of a scrape,
# and ikewatch's RSS after them.  The floor is `swanctl --list-sas --raw`
# against the same charon, timed RA_ROUNDS times: the ratio to it is what
# to compare across machines.
#
# Writes bench/results/remote-access.txt (key=value) and
# section-remote-access.md, and puts that section into docs/performance.md.  Environment: RA_N
# (1000), RA_ROUNDS (20), RA_WARMUP (3), RA_IDENTITIES (100), BENCH_BUILD=no
# to skip the build.  Needs root.  Traffic stays on loopback and in the
# lab's namespaces; only processes this script started are stopped (by
# pid), and the lab is taken down on exit, failure included.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source "$ROOT/bench/lib.sh"
N=${RA_N:-1000}
ROUNDS=${RA_ROUNDS:-20}
WARMUP=${RA_WARMUP:-3}
IDENTITIES=${RA_IDENTITIES:-100}
OUT=$ROOT/bench/results/remote-access.txt
IKEWATCH=$ROOT/build-bench/ikewatch
bench_frame remote_access ikwra

trap bench_cleanup EXIT


# measure KEY ARGS...: ikewatch serve ARGS against the hub; KEY_* results
measure() {
	local key=$1 port pid i; shift
	port=$(free_port)
	"$IKEWATCH" serve --web.listen-address="127.0.0.1:$port" --vici.socket="$VICI" \
		--collector.xfrm=false --scrape.reuse-window=0 --log.level=warn "$@" \
		>"$WORK/ikewatch-$key.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	for i in $(seq 1 50); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/-/healthy" 2>/dev/null && break
		sleep 0.2
	done
	for ((i = 0; i < WARMUP; i++)); do curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics"; done
	for ((i = 0; i < ROUNDS; i++)); do
		curl -fsS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"
	done | bench_median >"$WORK/$key.median"
	curl -fsS "http://127.0.0.1:$port/metrics" >"$WORK/$key.prom"
	printf '%s_scrape_ms=%.1f\n' "$key" "$(awk '{ print $1 * 1000 }' "$WORK/$key.median")"
	printf '%s_series=%s\n' "$key" "$(grep -vc '^#' "$WORK/$key.prom")"
	printf '%s_ra_series=%s\n' "$key" "$(grep -cE '^ipsec_(ra|pool)_' "$WORK/$key.prom")"
	printf '%s_bytes=%s\n' "$key" "$(wc -c <"$WORK/$key.prom")"
	printf '%s_rss_kb=%s\n' "$key" "$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")"
	printf '%s_sessions=%s\n' "$key" \
		"$(awk '$1 == "ipsec_ra_sessions{conn=\"rw\"}" { print $2 }' "$WORK/$key.prom")"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

# section-remote-access.md from $OUT, and that section into docs/performance.md
report() {
	local md=$ROOT/bench/results/section-remote-access.md k v
	declare -A r
	while IFS== read -r k v; do [[ $k == \#* || -z $k ]] || r[$k]=$v; done <"$OUT"
	cat >"$md" <<EOF
## Remote access: ${r[sessions_wanted]} sessions on one connection (issue 22)

Measured by \`bash bench/remote_access.sh\` (\`bench/results/remote-access.txt\`)
on $(date -u -r "$OUT" +%Y-%m-%d) ($(nproc) CPUs, load average ${r[load_end]:-?} at the end; ikewatch
${r[ikewatch_revision]:-?}, release build). A lab whose hub terminates ${r[sessions_wanted]}
road-warrior clients on one connection with a pool of as many addresses;
medians of ${r[rounds]} scrapes after $WARMUP warm-up scrapes; the floor is
\`swanctl --list-sas --raw\` against the same charon.

| identity labels | series | bytes | scrape (median) | ratio to the floor |
|---|---:|---:|---:|---:|
| off | ${r[off_series]} | ${r[off_bytes]} | ${r[off_scrape_ms]} ms | ${r[ratio_off_to_floor]} |
| \`--collector.identity-labels=$IDENTITIES\` | ${r[identities_series]} | ${r[identities_bytes]} | ${r[identities_scrape_ms]} ms | ${r[ratio_identities_to_floor]} |
| \`swanctl --list-sas --raw\` (floor) | | | ${r[floor_list_sas_ms]} ms | 1 |

The series do not grow with the sessions (docs/metrics.md "Remote
access"): identity labels add at most 3 (N + 1) + 1 per connection. With
them the scrape took ${r[ratio_identities_to_off]} times as long as without. Their own work
(the connection's IKE SAs sorted once per identity family) is small
against the listing: on a shared 2-CPU machine this ratio moves from run
to run by more than that, so compare it over several runs. ikewatch's RSS
after the scrapes: ${r[off_rss_kb]} KB (off), ${r[identities_rss_kb]} KB (on).
EOF
	awk -v sec="$md" '
	BEGIN { while ((getline l < sec) > 0) s = s l "\n" }
	/^## Remote access: / { skip = 1; next }
	skip && /^## / { skip = 0 }
	skip { next }
	/^## Reproducing/ && !done { printf "%s\n", s; done = 1 }
	{ print }
	END { if (!done) printf "\n%s", s }' "$ROOT/docs/performance.md" >"$WORK/doc.tmp"
	cat "$WORK/doc.tmp" >"$ROOT/docs/performance.md"
	log "docs/performance.md updated ($md)"
}

if [[ ${1:-} == report ]]; then   # the section again from the stored results
	report
	exit 0
fi
[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
bench_build
log "lab: $N remote-access clients, a pool of $N addresses"
"$LAB" --name "$NAME" down >/dev/null 2>&1 || true
t0=$SECONDS
"$LAB" --name "$NAME" up --tunnels 1 --rw "$N" --rw-pool "$N" --loglevel 0 \
	--timeout $((60 + N / 10)) >"$WORK/lab.log" 2>&1 || { tail -n 20 "$WORK/lab.log" >&2; die "lab up"; }
lab_s=$((SECONDS - t0))
VICI=$("$LAB" --name "$NAME" vici hub | sed "s|^unix://||")
TIMEFORMAT=%R
for ((i = 0; i < ROUNDS; i++)); do
	{ time swanctl --list-sas --raw --uri "unix://$VICI" >/dev/null 2>&1; } 2>&1
done | bench_median >"$WORK/floor.median"
floor_ms=$(awk '{ printf "%.1f", $1 * 1000 }' "$WORK/floor.median")
{
	printf '# bench/remote_access.sh on %s (ikewatch %s, release build)\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
	printf '# lab: --rw %s --rw-pool %s (charon %s); %s CPUs, load %s\n' "$N" "$N" \
		"$(swanctl --version --uri "unix://$VICI" 2>&1 | awk '{ print $NF; exit }')" "$(nproc)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
	printf 'sessions_wanted=%s\nlab_up_s=%s\nrounds=%s\nfloor_list_sas_ms=%s\n' \
		"$N" "$lab_s" "$ROUNDS" "$floor_ms"
	measure off
	measure identities --collector.identity-labels="$IDENTITIES"
	printf 'load_end=%s\nikewatch_revision=%s\n' "$(cut -d' ' -f1 /proc/loadavg)" \
		"$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
} >"$WORK/report"
off=$(awk -F= '$1 == "off_scrape_ms" { print $2 }' "$WORK/report")
on=$(awk -F= '$1 == "identities_scrape_ms" { print $2 }' "$WORK/report")
{
	cat "$WORK/report"
	awk -v f="$floor_ms" -v a="$off" -v b="$on" 'BEGIN {
		printf "ratio_off_to_floor=%.2f\nratio_identities_to_floor=%.2f\nratio_identities_to_off=%.2f\n", a / f, b / f, b / a }'
} >"$OUT"
cat "$OUT"
report
