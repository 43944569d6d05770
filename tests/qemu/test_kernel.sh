#!/usr/bin/env bash
# Smoke test of the qemu harness (host side): prepares the guest (packages,
# initramfs), boots it and runs tests/qemu/guest_kernel.sh in it: real ESP
# with manual SAs (cbc(aes)+hmac(sha256), rfc4106(gcm(aes))) and with two
# strongSwan charons on kernel-netlink.  The guest's "ok"/"not ok" lines are
# counted here.  Needs root; prints "qemu-kernel: N passed, N failed".
# Logs: out/e2e/qemu-prepare.log, qemu-kernel.log, qemu-kernel/ (E2E_OUT).
# env: QEMU_TIMEOUT (default 300 s), QEMU_OUT (instead of qemu-kernel/)
set -uo pipefail

QEMU_TEST=kernel
source "$(dirname "${BASH_SOURCE[0]}")/host_lib.sh"
qemu_prepare

qemu_guest "$QEMU_HERE/guest_kernel.sh" "guest smoke"
finish
