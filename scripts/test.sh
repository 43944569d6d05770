#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds the release and the
# ASan+UBSan binaries, runs the unit tests under both, replays the fuzz
# corpora, then the end-to-end scenarios against a real strongSwan lab and a
# real Prometheus (with the sanitizer build serving), and the kernel
# collectors and libreswan's pluto in a qemu guest running Debian's kernel (real
# ESP).  Ends with the summary
# line "N passed, N failed".  Needs root (network namespaces).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mkdir -p out
bash scripts/install-deps.sh test || exit 1

total_pass=0 total_fail=0
tally() { # tally LOGFILE: add up every "NAME: N passed, N failed" line
	local p f
	p=$(grep -Eo '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$1" | awk '{s += $2} END {print s + 0}')
	f=$(grep -Eo '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$1" | awk '{s += $4} END {print s + 0}')
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}
step() { # step NAME COMMAND...: runs, logs to out/NAME.log, counts a crash as a failure
	local name=$1; shift
	echo "=== $name"
	"$@" 2>&1 | tee "out/$name.log"
	local rc=${PIPESTATUS[0]}
	tally "out/$name.log"
	if [ "$rc" -ne 0 ] && ! grep -Eq '^[a-z0-9_-]+: [0-9]+ passed, [1-9][0-9]* failed' "out/$name.log"; then
		echo "not ok - $name exited $rc without reporting a failure"
		total_fail=$((total_fail + 1))
	fi
}

step build make -j2
step build-san make -j2 SAN=1
[ -x build/ikewatch ] && [ -x build-san/ikewatch ] || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
step unit make -s check
step unit-san env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 make -s SAN=1 check
step fuzz-replay make -s fuzz-replay
for t in tests/e2e/test_*.sh; do
	name=e2e-$(basename "$t" .sh)
	name=${name/test_/}
	step "$name" env IKEWATCH="$ROOT/build-san/ikewatch" ASAN_OPTIONS=detect_leaks=1 bash "$t"
done
# the same scenarios on strongSwan 6 (built once into /var/cache/ikewatch
# from ../shared/vendor, reused while its stamp matches)
build_strongswan6() {
	if bash scripts/build-strongswan6.sh; then
		echo "strongswan6-build: 1 passed, 0 failed"
	else
		echo "strongswan6-build: 0 passed, 1 failed"; return 1
	fi
}
step strongswan6-build build_strongswan6
for t in core events failures rekey status trap catalog certs ipv6 eventlog probes_http probes_https probes_ipv6; do
	step "e2e-$t-strongswan6" env IKWLAB_STRONGSWAN=6 IKEWATCH="$ROOT/build-san/ikewatch" \
		ASAN_OPTIONS=detect_leaks=1 bash "tests/e2e/test_$t.sh"
done
# the kernel collectors on a real ESP kernel: Debian's kernel under qemu
step qemu-kernel env IKEWATCH="$ROOT/build-san/ikewatch" QEMU_ENV="IKEWATCH ASAN_OPTIONS" \
	ASAN_OPTIONS=detect_leaks=1 bash tests/qemu/test_kernel.sh
# libreswan: two plutos (4.10, unpacked beside strongSwan) in the same guest
step qemu-pluto env IKEWATCH="$ROOT/build-san/ikewatch" QEMU_ENV="IKEWATCH ASAN_OPTIONS" \
	ASAN_OPTIONS=detect_leaks=1 bash tests/qemu/test_pluto.sh
# the sanitizer build must not have reported anything while serving
if grep -l 'ERROR: AddressSanitizer\|runtime error:\|ERROR: LeakSanitizer' out/e2e/ikewatch-*.log \
	out/e2e/qemu-kernel/ikewatch.err out/e2e/qemu-kernel/ikewatch-serve.log \
	out/e2e/qemu-pluto/ikewatch.err 2>/dev/null; then
	echo "not ok - sanitizer reports in the daemon logs above"
	total_fail=$((total_fail + 1))
fi
echo
echo "all: $total_pass passed, $total_fail failed"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
