#!/usr/bin/env bash
# Smoke test of the strongSwan lab itself (lab/lab.sh): 3 tunnels over 2 peers
# come up, CHILD SAs are INSTALLED on the hub, traffic flows through every
# tunnel and shows in the byte counters, the hub charon can be restarted, a
# second lab can run alongside, and `down` leaves nothing behind.
# Needs root; prints "lab-smoke: N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/lab/lab.sh
NAME=ikwsmoke$$
NAME2=ikwsmoke2-$$
PASS=0
FAIL=0

pass() { PASS=$((PASS + 1)); printf 'ok - %s\n' "$*"; }
fail() { FAIL=$((FAIL + 1)); printf 'not ok - %s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
	printf 'lab-smoke: %d passed, %d failed\n' "$PASS" "$FAIL"
	[ "$FAIL" -eq 0 ]
}

cleanup() {
	"$LAB" --name "$NAME" down >/dev/null 2>&1 || true
	"$LAB" --name "$NAME2" down >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lab() { "$LAB" --name "$NAME" "$@"; }

# not_charon PID: PID is not (any more) a running charon
not_charon() { [ "$(readlink "/proc/$1/exe" 2>/dev/null)" != /usr/lib/ipsec/charon ]; }

# installed CHILD SA names on a charon (hub|pK)
installed() {
	lab swanctl "$1" --list-sas 2>/dev/null |
		awk '/^  [^ ]+: #[0-9]+, reqid [0-9]+, INSTALLED,/ { sub(/:$/, "", $1); print $1 }' | sort -u
}

# bytes DIR I: bytes-DIR (in|out) of the INSTALLED child of tunnel I on the hub
bytes() {
	lab swanctl hub --list-sas --raw --ike "tun$2" 2>/dev/null |
		grep -o "name=net$2 [^}]*state=INSTALLED[^}]*" | grep -o "bytes-$1=[0-9]*" | head -n1 | cut -d= -f2
}

if [ "$(id -u)" -ne 0 ]; then
	echo "lab-smoke: needs root"
	fail "running as root"
	finish
	exit
fi

# --- up
t0=$SECONDS
out=$("$LAB" --name "$NAME" up --tunnels 3 --peers 2 2>"/tmp/$NAME.up.log")
rc=$?
check "lab up --tunnels 3 --peers 2 (exit $rc, $((SECONDS - t0)) s)" test "$rc" -eq 0
if [ "$rc" -ne 0 ]; then
	tail -n 30 "/tmp/$NAME.up.log"
	rm -f "/tmp/$NAME.up.log"
	finish
	exit
fi
rm -f "/tmp/$NAME.up.log"
uri=$(sed -n 's/^hub vici: //p' <<<"$out")
check "up prints the hub VICI socket ($uri)" test -n "$uri"
check "vici hub prints the same URI" test "$(lab vici hub)" = "$uri"
check "hub VICI socket exists" test -S "${uri#unix://}"
sd=$(lab info | sed -n 's/^state_dir=//p')
check "pid files for hub, p1, p2" test -s "$sd/hub/charon.pid" -a -s "$sd/p1/charon.pid" -a -s "$sd/p2/charon.pid"
pids=$(cat "$sd"/*/charon.pid 2>/dev/null)

# --- SAs
check "hub: 3 CHILD SAs INSTALLED (net1 net2 net3)" test "$(installed hub | tr '\n' ' ')" = "net1 net2 net3 "
check "p1 carries tunnels 1 and 3" test "$(installed p1 | tr '\n' ' ')" = "net1 net3 "
check "p2 carries tunnel 2" test "$(installed p2 | tr '\n' ' ')" = "net2 "
raw=$(lab swanctl hub --list-sas --raw --ike tun2 2>/dev/null)
check "tun2 identities hub-tun2 / peer-tun2" grep -q 'local-id=hub-tun2 .*remote-id=peer-tun2' <<<"$raw"
check "tun2 outer 192.0.2.1 <-> 192.0.2.12" grep -q 'local-host=192.0.2.1 .*remote-host=192.0.2.12' <<<"$raw"
check "tun2 selectors 198.18.0.2/32 === 198.19.0.2/32" \
	grep -q 'local-ts=\[198.18.0.2/32\] remote-ts=\[198.19.0.2/32\]' <<<"$raw"

# --- traffic
for i in 1 2 3; do
	in0=$(bytes in "$i")
	out0=$(bytes out "$i")
	lab ping "$i" 5 200 >/dev/null 2>&1
	rc=$?
	check "ping through tunnel $i" test "$rc" -eq 0
	in1=$(bytes in "$i")
	out1=$(bytes out "$i")
	check "tunnel $i bytes-in grew (${in0:-?} -> ${in1:-?})" test "${in1:-0}" -gt "${in0:-0}"
	check "tunnel $i bytes-out grew (${out0:-?} -> ${out1:-?})" test "${out1:-0}" -gt "${out0:-0}"
done
lab ping 9 1 >/dev/null 2>&1
check "ping to a tunnel that does not exist fails" test $? -ne 0

# --- hub charon restart
old=$(cat "$sd/hub/charon.pid")
lab stop-charon hub >/dev/null 2>&1
check "stop-charon hub: pid $old gone" not_charon "$old"
lab start-charon hub --reconnect --wait >/dev/null 2>&1
check "start-charon hub --reconnect --wait" test $? -eq 0
new=$(cat "$sd/hub/charon.pid" 2>/dev/null)
check "hub has a new pid ($old -> ${new:-none})" test -n "$new" -a "$new" != "$old"
check "after restart: 3 CHILD SAs INSTALLED" test "$(installed hub | wc -l)" -eq 3
lab ping 3 2 >/dev/null 2>&1
check "after restart: ping through tunnel 3" test $? -eq 0
pids="$pids $(cat "$sd"/*/charon.pid 2>/dev/null)"

# --- a second lab alongside
"$LAB" --name "$NAME2" up --tunnels 1 >/dev/null 2>&1
check "second lab $NAME2 up alongside" test $? -eq 0
"$LAB" --name "$NAME2" ping 1 2 >/dev/null 2>&1
check "second lab: ping" test $? -eq 0
check "second lab has its own VICI socket" test "$("$LAB" --name "$NAME2" vici)" != "$uri"
pids2=$(cat "$("$LAB" --name "$NAME2" info | sed -n 's/^state_dir=//p')"/*/charon.pid 2>/dev/null)
"$LAB" --name "$NAME2" down >/dev/null 2>&1
check "second lab down" test $? -eq 0
check "first lab unaffected: 3 CHILD SAs INSTALLED" test "$(installed hub | wc -l)" -eq 3

# --- down
lab down >/dev/null 2>&1
check "down" test $? -eq 0
left=$(ip netns list | grep -E "^($NAME|$NAME2)-" || true)
check "no lab namespaces left${left:+: $left}" test -z "$left"
alive=""
for p in $pids $pids2; do
	not_charon "$p" || alive="$alive $p"
done
check "no lab charon alive${alive:+:$alive}" test -z "$alive"
check "state dir $sd removed" test ! -e "$sd"
lab down >/dev/null 2>&1
check "down again is a no-op" test $? -eq 0

finish
