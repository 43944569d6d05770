# What every guest script (tests/qemu/guest_*.sh) counts and prints with
# (sourced, bash, in the guest): ok/not ok lines the host side counts, and
# notes with the seconds since T0.
PASS=0 FAIL=0
T0=$SECONDS

pass() { PASS=$((PASS + 1)); printf 'ok - %s\n' "$*"; }
fail() { FAIL=$((FAIL + 1)); printf 'not ok - %s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
note() { printf '# [%3ds] %s\n' "$((SECONDS - T0))" "$*"; }
