#!/usr/bin/env bash
# Fuzzes one parser with libFuzzer (clang, Debian's libclang-rt-14-dev) for a
# given time:
#
#   scripts/fuzz.sh TARGET [SECONDS]     # TARGET: tests/fuzz/fuzz_TARGET.c
#   scripts/fuzz.sh all [SECONDS]        # every target in turn
#   scripts/fuzz.sh list
#
# Builds build-fuzz/fuzz_TARGET (ASan + UBSan + libFuzzer) from the real
# sources, seeds it with tests/fuzz/corpus/TARGET (read only: new inputs go
# to build-fuzz/corpus/TARGET) and tests/fuzz/TARGET.dict when there is one,
# and runs it until it has used SECONDS of CPU time (default 60; user + system
# of every thread, so a niced or shared run still does the full work; wall
# time is capped at 4 x SECONDS).  A crash is kept in
# build-fuzz/crashes/TARGET/ and the script exits 1: fix the parser, then
# copy the input into tests/fuzz/corpus/TARGET/ so that `make fuzz-replay`
# (gcc, in CI) replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${FUZZ_OUT:-build-fuzz}
CC=${FUZZ_CC:-clang}
PKGS="libmicrohttpd yaml-0.1 zlib libsystemd gnutls"
FLAGS=(-g -O1 -std=c17 -D_GNU_SOURCE -Isrc -fno-omit-frame-pointer $(pkg-config --cflags $PKGS))
targets() { ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||'; }

case ${1:-} in
"" | -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
list) targets; exit 0 ;;
esac
secs=${2:-60}
[[ $secs =~ ^[0-9]+$ ]] || { echo "fuzz: SECONDS must be a number" >&2; exit 2; }

build_lib() { # the library, instrumented for coverage, through the Makefile
	make -s -j"$(nproc)" BUILD="$OUT/lib" CC="$CC" \
		CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -Wno-error" \
		"$OUT/lib/libikewatch.a"
}

# CPU seconds (user + system, every thread) used so far by PID, or nothing.
cpu_of() {
	local f
	f=$(cut -d' ' -f14,15 "/proc/$1/stat" 2>/dev/null) || return 0
	[ -n "$f" ] && echo $(((${f% *} + ${f#* }) / $(getconf CLK_TCK)))
}

# Interrupts PID once it has used SECS of CPU time; records the last reading.
cpu_watch() {
	local pid=$1 secs=$2 used=0 now
	while kill -0 "$pid" 2>/dev/null; do
		now=$(cpu_of "$pid")
		[ -n "$now" ] && used=$now
		if [ "$used" -ge "$secs" ]; then
			kill -INT "$pid" 2>/dev/null
			break
		fi
		sleep 1
	done
	echo "$used" >"$OUT/fuzz_$t.cpu"
}

run() { # run TARGET
	local t=$1 bin="$OUT/fuzz_$1" dict=() corpus="$OUT/corpus/$1"
	[ -f "tests/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target '$t' (scripts/fuzz.sh list)" >&2; return 2; }
	"$CC" "${FLAGS[@]}" -fsanitize=fuzzer,address,undefined -o "$bin" "tests/fuzz/fuzz_$t.c" \
		"$OUT/lib/libikewatch.a" $(pkg-config --libs $PKGS) -lcrypt -lpthread -lm
	[ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
	mkdir -p "$corpus" "$OUT/crashes/$t"
	echo "fuzz: $t for ${secs} CPU seconds (seeds tests/fuzz/corpus/$t, new inputs $corpus)"
	local log="$OUT/fuzz_$t.log"
	"$bin" "${dict[@]}" -max_total_time="$((secs * 4))" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$OUT/crashes/$t/" -print_final_stats=1 \
		"$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 &
	local pid=$! rc
	cpu_watch "$pid" "$secs"
	wait "$pid" && rc=0 || rc=$?
	# the stop at the CPU budget is a SIGINT, which libFuzzer 14 ends with
	# "run interrupted" and a non-zero status; a finding says ERROR
	grep -q 'libFuzzer: run interrupted' "$log" && ! grep -q '^==[0-9]*==ERROR' "$log" && rc=0
	tail -n 12 "$log"
	echo "fuzz: $t used $(cat "$OUT/fuzz_$t.cpu" 2>/dev/null || echo '?') CPU seconds"
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $t FOUND A CRASH: $(ls "$OUT/crashes/$t")"
		echo "fuzz: fix it, then copy the input into tests/fuzz/corpus/$t/"
	fi
	return "$rc"
}

build_lib
if [ "$1" = all ]; then
	rc=0
	for t in $(targets); do run "$t" || rc=1; done
	exit "$rc"
fi
run "$1"
