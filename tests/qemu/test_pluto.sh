#!/usr/bin/env bash
# libreswan in the qemu guest (host side): prepares the guest (packages,
# initramfs) and libreswan 4.10 (scripts/get-libreswan.sh, unpacked, never
# installed), boots the guest and runs tests/qemu/guest_pluto.sh in it: two
# plutos with real ESP and ikewatch's libreswan collector against them.
# The guest's "ok"/"not ok" lines are counted here.  Needs root; prints
# "qemu-pluto: N passed, N failed".
# Logs: out/e2e/qemu-prepare.log, qemu-pluto.log, qemu-pluto/ (E2E_OUT).
# env: QEMU_TIMEOUT (default 300 s), QEMU_OUT (instead of qemu-pluto/)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT_DIR=${E2E_OUT:-$ROOT/out/e2e}
PASS=0
FAIL=0

pass() { PASS=$((PASS + 1)); printf 'ok - %s\n' "$*"; }
fail() { FAIL=$((FAIL + 1)); printf 'not ok - %s\n' "$*"; }
finish() {
	printf 'qemu-pluto: %d passed, %d failed\n' "$PASS" "$FAIL"
	[ "$FAIL" -eq 0 ]
}
trap 'exit 130' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	fail "running as root"
	finish
	exit
fi
mkdir -p "$OUT_DIR"

t0=$SECONDS
if bash "$HERE/prepare.sh" >"$OUT_DIR/qemu-prepare.log" 2>&1; then
	pass "prepare.sh ($((SECONDS - t0)) s)"
else
	tail -n 20 "$OUT_DIR/qemu-prepare.log"
	fail "prepare.sh (log: $OUT_DIR/qemu-prepare.log)"
	finish
	exit
fi

# pluto and whack, unpacked where the guest (the host's / read-only) sees them
t0=$SECONDS
if LIBRESWAN=$(bash "$ROOT/scripts/get-libreswan.sh" 2>"$OUT_DIR/qemu-pluto-get.log"); then
	pass "get-libreswan.sh: $LIBRESWAN ($((SECONDS - t0)) s)"
	export LIBRESWAN
	QEMU_ENV="${QEMU_ENV:-} LIBRESWAN"
	export QEMU_ENV
else
	tail -n 20 "$OUT_DIR/qemu-pluto-get.log"
	fail "get-libreswan.sh (log: $OUT_DIR/qemu-pluto-get.log)"
	finish
	exit
fi

# the guest's output goes to the terminal as it comes and into a log,
# from which its verdicts are counted
# (the guest's dmesg, and its charon logs on failure, go to qemu-pluto/)
log=$OUT_DIR/qemu-pluto.log
results=${QEMU_OUT:-}
if [ -z "$results" ]; then
	results=$OUT_DIR/qemu-pluto
	rm -rf "$results"
fi
t0=$SECONDS
QEMU_OUT=$results bash "$HERE/run.sh" "$HERE/guest_pluto.sh" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
gp=$(grep -c '^ok - ' "$log")
gf=$(grep -c '^not ok - ' "$log")
PASS=$((PASS + gp))
FAIL=$((FAIL + gf))
if [ "$rc" -eq 0 ] && [ "$gp" -gt 0 ]; then
	pass "guest pluto test exited 0 with $gp checks passed ($((SECONDS - t0)) s)"
else
	fail "guest pluto test exited $rc ($gp passed, $gf failed in the guest; log: $log)"
fi
finish
