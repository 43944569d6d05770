#!/usr/bin/env bash
# bench/libreswan_guest.sh N ROUNDS - runs INSIDE the qemu guest
# (bench/libreswan.sh): two libreswan 4.10 plutos in two network namespaces
# (as tests/qemu/guest_pluto.sh sets them up), N conns between them, all
# initiated by A (one IKE SA, N CHILD SAs: pluto shares the IKE SA of the
# same peers), then ROUNDS alternating rounds of
#   whack   the three whack calls a scrape needs, back to back:
#           --status, --trafficstatus, --globalstatus (output dropped)
#   ikw     `ikewatch metrics` with only the libreswan collector, whole run
# plus ikewatch's start-up alone (`ikewatch --version`: every exec costs
# ~0.1 s here, 9p) and ikewatch's own timer of the collection
# (ikewatch_collector_duration_seconds{collector="libreswan"}: its three
# whack runs, the parse and the model).  Prints one tab-separated line per
# round to stdout:
#   round  whack_s  ikw_s  ikw_start_s  ikw_collector_s  conns_up
set -uo pipefail
[ "${QEMU_GUEST:-}" = 1 ] || { echo "runs inside the qemu guest" >&2; exit 2; }
N=${1:-100}
ROUNDS=${2:-30}
LS=${LIBRESWAN:-/var/cache/ikewatch/libreswan-4.10}
PLUTO=$LS/usr/libexec/ipsec/pluto
WHACK=$LS/usr/libexec/ipsec/whack
IKW=${IKEWATCH:-$(cd "$(dirname "$0")/.." && pwd)/build/ikewatch}
A=ikwb-a B=ikwb-b
PSK=ikwb-bench-not-a-secret-0123456789
WORK=$(mktemp -d /tmp/bench-pluto.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "# $*" >&2; }

ctl() { echo "$WORK/$1/run/pluto.ctl"; }
whack() { local n=$1; shift; "$WHACK" --ctlsocket "$(ctl "$n")" "$@"; }

ip netns add "$A" && ip netns add "$B" || exit 1
ip link add va netns "$A" type veth peer name vb netns "$B" || exit 1
ip -n "$A" -batch - <<<$'link set lo up\nlink set va up\naddress add 192.0.2.1/24 dev va' || exit 1
ip -n "$B" -batch - <<<$'link set lo up\nlink set vb up\naddress add 192.0.2.2/24 dev vb' || exit 1

config() { # config NAME MY PEER MINE THEIRS
	local d=$WORK/$1 i
	mkdir -p "$d/run" "$d/nss" "$d/ipsec.d" || return 1
	certutil -N --empty-password -d "sql:$d/nss" || return 1
	{
		printf 'config setup\n\tlogfile=%s/pluto.log\n\tplutodebug=none\n' "$d"
		printf 'conn %%default\n\tikev2=insist\n\tauthby=secret\n\tleft=%s\n\tright=%s\n' "$2" "$3"
		printf '\tleftupdown=/bin/true\n\tike=aes256-sha2_256-modp2048\n\tesp=aes256-sha2_256\n'
		printf '\tesn=no\n\tauto=add\n'
		for i in $(seq 1 "$N"); do
			printf 'conn c%03d\n\tleftsubnet=10.%d.%d.0/24\n\trightsubnet=10.%d.%d.0/24\n' \
				"$i" "$4" "$i" "$5" "$i"
		done
	} >"$d/ipsec.conf"
	echo "$2 $3 : PSK \"$PSK\"" >"$d/ipsec.secrets"
	chmod 600 "$d/ipsec.secrets"
}
start() { # start NAME NS
	local d=$WORK/$1 _
	ip netns exec "$2" "$PLUTO" --config "$d/ipsec.conf" --rundir "$d/run" \
		--nssdir "$d/nss" --secretsfile "$d/ipsec.secrets" --ipsecdir "$d/ipsec.d" \
		--logfile "$d/pluto.log" --no-dnssec --nofork >"$d/pluto.out" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 150); do
		[ -S "$(ctl "$1")" ] && whack "$1" --status >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
[ -e /usr/libexec/ipsec ] || ln -s "$LS/usr/libexec/ipsec" /usr/libexec/ipsec
mkdir -p /run/pluto
config a 192.0.2.1 192.0.2.2 1 2 && config b 192.0.2.2 192.0.2.1 2 1 || exit 1
start a "$A" && start b "$B" || { log "pluto did not start"; exit 1; }
log "plutos up; initiating $N conns"
whack a --name c001 --initiate >/dev/null 2>&1   # the IKE SA the others share
for i in $(seq 2 "$N"); do
	whack a --name "$(printf 'c%03d' "$i")" --initiate --asynchronous >/dev/null 2>&1
done
up=0
for _ in $(seq 1 600); do
	up=$(whack a --trafficstatus | grep -c 'type=ESP')
	[ "$up" -ge "$N" ] && break
	sleep 0.5
done
log "$up of $N CHILD SAs established"
[ "$up" -ge "$N" ] || exit 1

now() { date +%s.%N; }
timed() { # timed COMMAND...: seconds the command took, its output dropped
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }'
}
whacks() { whack a --status && whack a --trafficstatus && whack a --globalstatus; }
ikw_run() {
	"$IKW" metrics --collector.libreswan.ctlsocket="$(ctl a)" \
		--collector.libreswan.whack="$WHACK" --no-collector.xfrm \
		--collector.klips.path= 2>/dev/null
}
for r in $(seq 1 "$ROUNDS"); do
	out=$(ikw_run)
	if [ $((r % 2)) -eq 1 ]; then
		w=$(timed whacks)
		k=$(timed ikw_run)
	else
		k=$(timed ikw_run)
		w=$(timed whacks)
	fi
	k0=$(timed "$IKW" --version)
	c=$(awk '$1 == "ikewatch_collector_duration_seconds{collector=\"libreswan\"}" { print $2 }' <<<"$out")
	n=$(grep -c '^ipsec_conn_up{.*} 1$' <<<"$out")
	[ "$n" -eq "$N" ] || { log "round $r: ikewatch saw $n conns up"; exit 1; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$w" "$k" "$k0" "$c" "$n"
done
