#!/usr/bin/env bash
# A CHILD SA rekeyed every few seconds under traffic: the byte and packet
# counters never go backwards and account for everything sent.
source "$(dirname "$0")/lib.sh"

NAME=e2erk$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 1 --peers 1 --child-rekey 6 || { fail "lab up"; e2e_finish rekey; exit 1; }
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")"

series='ipsec_child_sa_bytes_total{conn="tun1",child="net1",direction="out"}'
pkts='ipsec_child_sa_packets_total{conn="tun1",child="net1",direction="in"}'
first_install=$(metric "$(scrape "$PORT")" 'ipsec_child_sa_installed_timestamp_seconds{conn="tun1",child="net1"}')

# 100 pings of 500 bytes over about 25 s, spanning several rekeys
lab "$NAME" ping 1 100 500 >/dev/null 2>&1 &
ping_pid=$!
E2E_PIDS+=("$ping_pid")
# textfile mode alongside, from cron's point of view: separate processes that
# keep the ledger in a state file
tdir=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tdir"' EXIT
textfile_bytes() {
	"$IKEWATCH" textfile --output "$tdir" --vici.socket="$(lab_vici "$NAME")" 2>>"$E2E_OUT/textfile.log"
	awk -v s="$series" '$1 == s { print $2 }' "$tdir/ipsec.prom"
}
tprev=0 tbackwards=0
prev=0 prevp=0 backwards=0 overlap=0 samples=0
while kill -0 "$ping_pid" 2>/dev/null; do
	m=$(scrape "$PORT")
	v=$(metric "$m" "$series") || v=missing
	p=$(metric "$m" "$pkts") || p=missing
	if [ "$v" = missing ] || ! ge "$v" "$prev" || ! ge "$p" "$prevp"; then
		backwards=$((backwards + 1))
		e2e_log "went backwards or vanished: $prev -> $v, $prevp -> $p"
	fi
	n=$(awk '/^ipsec_child_sas\{conn="tun1",child="net1"/ { s += $2 } END { print s + 0 }' <<<"$m")
	[ "$n" -ge 2 ] && overlap=$((overlap + 1))
	tv=$(textfile_bytes)
	if [ -z "$tv" ] || ! ge "$tv" "$tprev"; then
		tbackwards=$((tbackwards + 1))
		e2e_log "textfile went backwards or vanished: $tprev -> $tv"
	fi
	tprev=${tv:-0}
	prev=$v prevp=$p samples=$((samples + 1))
	sleep 0.5
done
wait "$ping_pid"; ping_rc=$?
final=$(scrape "$PORT")
last_install=$(metric "$final" 'ipsec_child_sa_installed_timestamp_seconds{conn="tun1",child="net1"}')

check "pings passed during rekeys" test "$ping_rc" -eq 0
check "counters never went backwards over $samples scrapes" test "$backwards" -eq 0
check "the CHILD SA was replaced (installed $first_install -> $last_install)" \
	test "${last_install%.*}" -gt "${first_install%.*}"
check "a rekey overlap (2 CHILD SAs) was seen in $overlap scrapes" test "$overlap" -ge 1
check "bytes out >= 100 x 500 after rekeys ($(metric "$final" "$series"))" \
	ge "$(metric "$final" "$series")" 50000
check "packets in >= 100 after rekeys" ge "$(metric "$final" "$pkts")" 100
check "textfile counters never went backwards across runs" test "$tbackwards" -eq 0
check "textfile bytes out >= 100 x 500 across rekeys ($(textfile_bytes))" ge "$(textfile_bytes)" 50000
check "textfile state file is not exported (.prom only)" test "$(ls "$tdir"/*.prom | wc -l)" -eq 1
e2e_finish rekey
