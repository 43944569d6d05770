#!/usr/bin/env bash
# tests/qemu/run.sh SCRIPT [ARGS...] - runs SCRIPT as root in a qemu guest
# on Debian's kernel (real ESP, XFRM, veth, ...) and exits with its exit code.
#
# The guest sees the host's root filesystem read-only over 9p, under a tmpfs
# overlay (so everything is writable, and nothing reaches the host), with
# fresh /tmp, /run, /dev, /proc, /sys.  SCRIPT is a host path (it must not be
# under /tmp, /run or /dev, which the guest replaces); it runs from the
# current directory (when visible in the guest) with stdin from /dev/null,
# and its output streams to stdout.  /out in the guest is a writable host dir
# for results; the guest's dmesg ends up there as guest-dmesg.txt.
# Needs the cache that tests/qemu/prepare.sh builds.
#
# env: QEMU_TIMEOUT   seconds before qemu is killed (default 300; exit 124)
#      QEMU_OUT       host dir shared as /out (created; kept).  Default: a
#                     temp dir, removed at the end
#      QEMU_ENV       names of environment variables to pass to SCRIPT
#      QEMU_MEM       guest memory in MiB (default 1024)
#      QEMU_SMP       vCPUs (default 2)
#      QEMU_LOGLEVEL  kernel console loglevel (default 3: errors only)
#      QEMU_CPU       qemu -cpu model (default qemu64,+rdrand)
#      QEMU_APPEND    more kernel command line
#      QEMU_TS        set: prefix every console line with seconds since start
#      QEMU_CACHE     cache dir (default tests/qemu/.cache)
# exit: SCRIPT's code; 124 timeout; 125 the guest failed to boot or report.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${QEMU_CACHE:-$HERE/.cache}
TIMEOUT=${QEMU_TIMEOUT:-300}
MEM=${QEMU_MEM:-1024}
SMP=${QEMU_SMP:-2}
LOGLEVEL=${QEMU_LOGLEVEL:-3}

say() { printf 'qemu: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	exit 125
}

[ $# -ge 1 ] || {
	echo "usage: $0 SCRIPT [ARGS...]" >&2
	exit 2
}
[[ $TIMEOUT =~ ^[0-9]+$ && $TIMEOUT -gt 0 ]] || die "QEMU_TIMEOUT must be seconds > 0"
script=$(realpath -e -- "$1" 2>/dev/null) || die "no such script: $1"
shift
# The guest has fresh /tmp and /run: a checkout there (CI clones anywhere)
# is shared as a directory of its own and mounted at the same path
REPO=$(cd "$HERE/../.." && pwd)
SHARE=""
case $REPO in /tmp/* | /run/*) SHARE=$REPO ;; esac
hidden() {
	case $1 in
	"$SHARE"/*) [ -n "$SHARE" ] && return 1 ;;
	esac
	case $1 in /tmp/* | /run/* | /dev/* | /proc/* | /sys/*) return 0 ;; esac
	return 1
}
hidden "$script" && die "$script: the guest does not see the host's ${script#/}; put the script elsewhere"
[ -f "$CACHE/guest.env" ] || die "no guest in $CACHE; run tests/qemu/prepare.sh first"
# shellcheck source=/dev/null
. "$CACHE/guest.env"
{ [ -r "$KERNEL" ] && [ -r "$INITRD" ]; } || die "kernel $KERNEL or initramfs $INITRD missing; run tests/qemu/prepare.sh"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not found; run tests/qemu/prepare.sh"

CTL=$(mktemp -d /tmp/ikw-qemu.XXXXXX) || die "mktemp failed"
if [ -n "${QEMU_OUT:-}" ]; then
	mkdir -p "$QEMU_OUT" || die "cannot create $QEMU_OUT"
	OUT=$(realpath "$QEMU_OUT")
	KEEP_OUT=1
else
	mkdir "$CTL/out"
	OUT=$CTL/out
	KEEP_OUT=0
fi
mkdir "$CTL/ctl"
QPID="" FPID=""
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	local _
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill -TERM "$QPID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$QPID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$QPID" 2>/dev/null
		wait "$QPID" 2>/dev/null
	fi
	if [ -n "$FPID" ]; then
		kill "$FPID" 2>/dev/null
		wait "$FPID" 2>/dev/null
	fi
	rm -rf "$CTL"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the command the guest runs (bash, chrooted into the overlay of the host root)
cwd=$PWD
case $cwd in /tmp | /run | /dev) cwd=/ ;; esac
hidden "$cwd" && cwd=/
{
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'export HOME=/root LANG=C.UTF-8 TERM=dumb QEMU_GUEST=1 QEMU_OUT=/out'
	for v in ${QEMU_ENV:-}; do
		[[ $v =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "QEMU_ENV: bad name '$v'"
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'cd %q 2>/dev/null || cd /\n' "$cwd"
	printf 'if [ -x %q ]; then exec %q' "$script" "$script"
	printf ' %q' "$@"
	printf '; else exec /bin/bash %q' "$script"
	printf ' %q' "$@"
	printf '; fi\n'
} >"$CTL/ctl/cmd"
[ -n "$SHARE" ] && printf '%s\n' "$SHARE" >"$CTL/ctl/share-path"

# console filter: passes the guest's output through, notes the boot time
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mkfifo "$CTL/console"
t0=$(now)
(
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		case $line in
		*QEMU_BOOTED*)
			now >"$CTL/booted"
			say "guest booted in $(elapsed "$t0" "$(cat "$CTL/booted")") s (kernel uptime ${line##*QEMU_BOOTED } s)"
			continue
			;;
		esac
		[ -n "${QEMU_TS:-}" ] && line="[$(elapsed "$t0" "$(now)")] $line"
		printf '%s\n' "$line"
	done <"$CTL/console"
) &
FPID=$!

# q35 + qboot: fewer devices and no BIOS chatter.  A plain qemu64 CPU (cheaper
# to emulate than -cpu max: no AVX, 4-level paging) with RDRAND, so that the
# kernel's RNG is ready at once; tsc=reliable keeps the kernel off the HPET,
# whose every read is an emulated MMIO access.  No network device at all.
BIOS=/usr/share/qemu/qboot.rom
[ -r "$BIOS" ] || BIOS=""
"$QEMU" -machine q35 -accel tcg -cpu "${QEMU_CPU:-qemu64,+rdrand}" -smp "$SMP" -m "$MEM" ${BIOS:+-bios "$BIOS"} \
	-nographic -nodefaults -serial stdio -no-reboot -nic none \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 quiet loglevel=$LOGLEVEL panic=-1 mitigations=off tsc=reliable 8250.nr_uarts=1${QEMU_APPEND:+ $QEMU_APPEND}" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$CTL/ctl,mount_tag=ctl,security_model=none" \
	-virtfs "local,path=$OUT,mount_tag=out,security_model=none" \
	${SHARE:+-virtfs "local,path=$SHARE,mount_tag=share,security_model=none,readonly=on,multidevs=remap"} \
	</dev/null >"$CTL/console" &
QPID=$!

timed_out=0
deadline=$((SECONDS + TIMEOUT))
while kill -0 "$QPID" 2>/dev/null; do
	if [ "$SECONDS" -ge "$deadline" ]; then
		timed_out=1
		say "timeout after ${TIMEOUT}s: killing qemu (pid $QPID)"
		kill -TERM "$QPID" 2>/dev/null
		sleep 1
		kill -KILL "$QPID" 2>/dev/null
		break
	fi
	sleep 0.2
done
wait "$QPID" 2>/dev/null
qrc=$?
QPID=""
wait "$FPID" 2>/dev/null
FPID=""
t1=$(now)

if [ "$timed_out" -eq 1 ]; then
	rc=124
elif [[ -f $CTL/ctl/exit-code && $(<"$CTL/ctl/exit-code") =~ ^[0-9]+$ ]]; then
	rc=$(<"$CTL/ctl/exit-code")
else
	say "the guest reported no exit code (qemu exited $qrc)"
	rc=125
fi
if [ -f "$CTL/booted" ]; then
	b=$(<"$CTL/booted")
	say "boot $(elapsed "$t0" "$b") s, script $(elapsed "$b" "$t1") s, total $(elapsed "$t0" "$t1") s; exit $rc"
else
	say "total $(elapsed "$t0" "$t1") s; exit $rc"
fi
[ "$KEEP_OUT" -eq 1 ] && say "results in $OUT"
exit "$rc"
