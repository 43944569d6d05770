#!/usr/bin/env bash
# bench/kernel_guest.sh N ROUNDS - runs INSIDE the qemu guest (bench/kernel.sh):
# N ESP SAs added to a fresh network namespace, then ROUNDS alternating
# rounds of
#   ip     `ip -n NS -s xfrm state >/dev/null`   (iproute2's dump and print)
#   ikw    `ikewatch metrics --collector.xfrm.netns=NS` with only the xfrm
#          collector (VICI pointed at nothing), its whole run
# plus each program's start-up alone (`ip -V`, `ikewatch --version`), since
# every exec costs ~0.1 s here (9p), and ikewatch's own timer of the XFRM
# dump and parse (ikewatch_collector_duration_seconds{collector="xfrm"}).
# Prints one tab-separated line per round to stdout:
#   round  ip_s  ip_start_s  ikw_s  ikw_start_s  ikw_xfrm_s  ikw_series
set -uo pipefail
[ "${QEMU_GUEST:-}" = 1 ] || { echo "runs inside the qemu guest" >&2; exit 2; }
N=${1:-1000}
ROUNDS=${2:-20}
IKW=${IKEWATCH:-$(cd "$(dirname "$0")/.." && pwd)/build/ikewatch}
NS=ikwbench
trap 'ip netns del $NS 2>/dev/null' EXIT

ip netns add "$NS" || exit 1
# N SAs: 192.0.2.1 -> 198.18.x.y, cbc(aes)+hmac(sha256), one ip -batch
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "xfrm state add src 192.0.2.1 dst 198.18.%d.%d proto esp spi 0x%x reqid %d mode tunnel replay-window 32 enc cbc(aes) 0x000102030405060708090a0b0c0d0e0f auth-trunc hmac(sha256) 0x101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f 128\n", int(i / 250), i % 250 + 1, 4096 + i, i + 1
}' | ip -n "$NS" -batch - || exit 1
have=$(ip -n "$NS" xfrm state count 2>/dev/null | awk '{ print $NF }')
[ -z "$have" ] && have=$(ip -n "$NS" xfrm state | grep -c '^src ')
echo "# $have SAs in $NS" >&2
[ "$have" -eq "$N" ] || { echo "# wanted $N SAs" >&2; exit 1; }

now() { date +%s.%N; }
timed() { # timed COMMAND...: seconds the command took, its output dropped
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }'
}
ikw_run() {
	"$IKW" metrics --collector.xfrm.netns="$NS" --vici.socket=/nonexistent \
		--collector.xfrm-stat.path= --collector.klips.path= 2>/dev/null
}
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then
		ip_s=$(timed ip -n "$NS" -s xfrm state)
		ikw_s=$(timed ikw_run)
	else
		ikw_s=$(timed ikw_run)
		ip_s=$(timed ip -n "$NS" -s xfrm state)
	fi
	ip0=$(timed ip -V)
	ikw0=$(timed "$IKW" --version)
	out=$(ikw_run)
	xf=$(awk '$1 == "ikewatch_collector_duration_seconds{collector=\"xfrm\"}" { print $2 }' <<<"$out")
	ser=$(grep -c '^[a-z]' <<<"$out")
	grep -q '^ipsec_kernel_sas{joined="no"} '"$N"'$' <<<"$out" || { echo "# round $r: ikewatch did not see $N SAs" >&2; exit 1; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$ip_s" "$ip0" "$ikw_s" "$ikw0" "$xf" "$ser"
done
