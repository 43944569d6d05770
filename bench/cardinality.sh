#!/usr/bin/env bash
# bench/cardinality.sh - series per tunnel of each collector set and with
# each group turned off alone, counted in a real scrape of a lab (issue 19).
#
# Starts a lab (lab/lab.sh, name ikwcard) of CARD_N site-to-site tunnels
# (one conn, one child each) with the counters plugin, runs `ikewatch
# metrics` against its hub once per setting and counts the samples labelled
# with a lab tunnel's conn (conn="tunK"), divided by CARD_N; the rest
# (daemon, exporter, kernel totals) is given apart as "global".  The lab's
# ESP is charon's (libipsec): the kernel's per-child families
# (ipsec_kernel_child_sa_*) are absent here; docs/metrics.md gives them
# from the catalog.  Writes bench/results/cardinality.txt.  Environment:
# CARD_N (50), BENCH_BUILD=no to skip the build.  Needs root; only the
# lab this script started is taken down, on exit, failure included.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source "$ROOT/bench/lib.sh"
N=${CARD_N:-50}
OUT=$ROOT/bench/results/cardinality.txt
IKEWATCH=$ROOT/build-bench/ikewatch
LAB=$ROOT/lab/lab.sh
NAME=ikwcard

log() { printf 'cardinality: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
trap '"$LAB" --name "$NAME" down >/dev/null 2>&1 || true' EXIT

# count LABEL ARGS...: one line "LABEL per_tunnel global" for ikewatch metrics ARGS
count() {
	local label=$1; shift
	"$IKEWATCH" metrics --vici.socket="$VICI" "$@" 2>/dev/null | awk -v n="$N" -v l="$label" '
		/^#/ { next }
		/conn="tun[0-9]+"/ { t++; next }
		{ g++ }
		END { printf "%s per_tunnel=%.1f global=%d\n", l, t / n, g }'
}

[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
bench_build
"$LAB" --name "$NAME" down >/dev/null 2>&1 || true
"$LAB" --name "$NAME" up --tunnels "$N" --peers 1 --counters >/dev/null 2>&1 || die "lab up"
VICI=$("$LAB" --name "$NAME" vici hub | sed "s|^unix://||")
{
	printf '# bench/cardinality.sh on %s (ikewatch %s): %s tunnels, ikewatch metrics\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" "$N"
	count default
	count minimal --collector.set=minimal
	for g in certs pools counters info timestamps status negotiation remote-access; do
		count "no-$g" --no-collector."$g"
	done
	count no-xfrm --no-collector.xfrm
} >"$OUT"
cat "$OUT"
