# The host side every tests/qemu/test_*.sh shares (sourced, bash): counts,
# root, prepare.sh, and one guest script booted and its verdicts counted.
# The caller sets QEMU_TEST (the name in "qemu-NAME: N passed, N failed"
# and in the log names) before sourcing.  Logs: out/e2e/qemu-prepare.log,
# qemu-NAME.log, qemu-NAME/ (E2E_OUT); env QEMU_OUT instead of qemu-NAME/.

QEMU_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$QEMU_HERE/../.." && pwd)
OUT_DIR=${E2E_OUT:-$ROOT/out/e2e}
PASS=0
FAIL=0

pass() { PASS=$((PASS + 1)); printf 'ok - %s\n' "$*"; }
fail() { FAIL=$((FAIL + 1)); printf 'not ok - %s\n' "$*"; }
finish() {
	printf 'qemu-%s: %d passed, %d failed\n' "$QEMU_TEST" "$PASS" "$FAIL"
	[ "$FAIL" -eq 0 ]
}
trap 'exit 130' INT TERM

# root and a prepared guest (packages, initramfs), or the summary and exit
qemu_prepare() {
	local t0=$SECONDS
	if [ "$(id -u)" -ne 0 ]; then
		fail "running as root"
		finish
		exit
	fi
	mkdir -p "$OUT_DIR"
	if bash "$QEMU_HERE/prepare.sh" >"$OUT_DIR/qemu-prepare.log" 2>&1; then
		pass "prepare.sh ($((SECONDS - t0)) s)"
	else
		tail -n 20 "$OUT_DIR/qemu-prepare.log"
		fail "prepare.sh (log: $OUT_DIR/qemu-prepare.log)"
		finish
		exit
	fi
}

# qemu_guest SCRIPT WHAT: boots the guest with SCRIPT; its output goes to
# the terminal as it comes and into qemu-NAME.log, from which its verdicts
# are counted (the guest's dmesg and daemon logs go to qemu-NAME/)
qemu_guest() {
	local script=$1 what=$2 log=$OUT_DIR/qemu-$QEMU_TEST.log results=${QEMU_OUT:-}
	local t0=$SECONDS rc gp gf
	if [ -z "$results" ]; then
		results=$OUT_DIR/qemu-$QEMU_TEST
		rm -rf "$results"
	fi
	QEMU_OUT=$results bash "$QEMU_HERE/run.sh" "$script" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	gp=$(grep -c '^ok - ' "$log")
	gf=$(grep -c '^not ok - ' "$log")
	PASS=$((PASS + gp))
	FAIL=$((FAIL + gf))
	if [ "$rc" -eq 0 ] && [ "$gp" -gt 0 ]; then
		pass "$what exited 0 with $gp checks passed ($((SECONDS - t0)) s)"
	else
		fail "$what exited $rc ($gp passed, $gf failed in the guest; log: $log)"
	fi
}
