# Helpers shared by the benchmark scripts (sourced, bash).  Each script
# sets IKEWATCH (its build-bench binary); log and die below may be replaced
# by the script's own.

# a free TCP port on loopback
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# the K-th (1-based) address of 198.18.0.0/15, skipping .0 and .255
bench_addr4() { printf '198.%d.%d.%d' $((18 + ($1 - 1) / 64770)) $(((($1 - 1) / 254) % 255)) $((($1 - 1) % 254 + 1)); }

# CPU time of process PID so far, in clock ticks (utime + stime)
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# the release build into build-bench/ (BENCH_BUILD=no: use what is there)
bench_build() {
	if [[ ${BENCH_BUILD:-yes} != no ]]; then
		log "building the release build into build-bench/"
		make -s -j"$(nproc)" BUILD=build-bench build-bench/ikewatch >/dev/null
	fi
	[[ -x $IKEWATCH ]] || die "no $IKEWATCH"
}

# The frame of a lab benchmark (ha_pair.sh, remote_access.sh,
# probe_quiet.sh): bench_frame TAG LABNAME sets LAB, NAME, WORK (a scratch
# directory) and PIDS (processes to stop by pid), and log/die prefixed with
# TAG; bench_cleanup, for the EXIT trap, stops them, takes the lab down and
# removes WORK.
bench_frame() {
	BENCH_TAG=$1
	NAME=$2
	LAB=$ROOT/lab/lab.sh
	WORK=$(mktemp -d)
	PIDS=()
}
log() { printf '%s: %s\n' "${BENCH_TAG:-bench}" "$*" >&2; }
die() { log "error: $*"; exit 1; }
bench_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	"$LAB" --name "$NAME" down >/dev/null 2>&1 || true
	rm -rf "$WORK"
}

# median of the numbers on stdin
bench_median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
