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

QEMU_TEST=pluto
source "$(dirname "${BASH_SOURCE[0]}")/host_lib.sh"
qemu_prepare

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

qemu_guest "$QEMU_HERE/guest_pluto.sh" "guest pluto test"
finish
