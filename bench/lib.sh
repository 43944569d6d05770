# Helpers shared by the benchmark scripts (sourced, bash).  Each script
# sets IKEWATCH (its build-bench binary) and defines log and die first.

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
