#!/usr/bin/env bash
# One IKE SA with more CHILD SAs than fit in charon's 512 KiB VICI message
# limit: charon drops that list-sa event without telling the client.  The
# scrape must not hang, must still report every other tunnel, and must say in
# ikewatch_vici_ike_sas_unlisted that data is missing.
source "$(dirname "$0")/lib.sh"

NAME=e2eov$$
NAME=${NAME:0:12}
CHILDREN=${OVERSIZED_CHILDREN:-2000}
lab_up "$NAME" --tunnels 2 --peers 1 || { fail "lab up"; e2e_finish oversized; exit 1; }
conf=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$conf"' EXIT

# conn "big" between the hub and p1, CHILDREN children, inner addresses in
# 198.18.128.0/17 (hub) and 198.19.128.0/17 (peer), clear of the lab's own
big_conf() { # big_conf hub|peer
	awk -v n="$CHILDREN" -v side="$1" '
	function ab(i) { return (128 + int((i - 1) / 254)) "." ((i - 1) % 254 + 1) }
	BEGIN {
		hub = side == "hub"
		print "connections {\n\tbig {\n\t\tversion = 2"
		print "\t\tlocal_addrs = " (hub ? "192.0.2.1" : "192.0.2.11")
		print "\t\tremote_addrs = " (hub ? "192.0.2.11" : "192.0.2.1")
		print "\t\tproposals = aes128gcm16-prfsha256-x25519"
		print "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "hub-big" : "peer-big") "\n\t\t}"
		print "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "peer-big" : "hub-big") "\n\t\t}"
		print "\t\tchildren {"
		for (i = 1; i <= n; i++) {
			print "\t\t\tc" i " {"
			print "\t\t\t\tlocal_ts = " (hub ? "198.18." : "198.19.") ab(i) "/32"
			print "\t\t\t\tremote_ts = " (hub ? "198.19." : "198.18.") ab(i) "/32"
			print "\t\t\t\tesp_proposals = aes128gcm16"
			print "\t\t\t}"
		}
		print "\t\t}\n\t}\n}"
	}'
}
sd=$(lab_state_dir "$NAME")
# kernel-libipsec routes each CHILD SA from its local inner address
inner_batch() { # inner_batch 18|19
	awk -v n="$CHILDREN" -v net="$1" 'BEGIN { for (i = 1; i <= n; i++)
		print "addr add 198." net "." (128 + int((i - 1) / 254)) "." ((i - 1) % 254 + 1) "/32 dev lo" }'
}
# in chunks: charon's netlink event socket overflows on 1400 at once and it
# would not know the addresses it must route from
add_inner() { # add_inner NS 18|19
	local tmp=$conf/batch-$2
	inner_batch "$2" | split -l 100 - "$tmp."
	for f in "$tmp".*; do
		ip -n "$1" -batch "$f"
		sleep 0.3
	done
}
add_inner "$NAME-hub" 18
add_inner "$NAME-p1" 19
lab_extend "$NAME" "$conf" big_conf
lab "$NAME" swanctl p1 --initiate --child c1 >/dev/null 2>&1
check "big conn's first child is up" test $? -eq 0
# the rest over the same IKE SA, without waiting for each
for i in $(seq 2 "$CHILDREN"); do
	echo "c$i"
done | xargs -P 4 -I{} "$LAB" --name "$NAME" swanctl p1 --initiate --child {} --timeout -1 >/dev/null 2>&1
# swanctl cannot count them: charon drops its list-sa event as well; the
# peer's log says which children were established
plog=$sd/p1/charon.log
n=0
for _ in $(seq 1 120); do
	n=$(grep -c '<big|[0-9]*> CHILD_SA c[0-9]*{[0-9]*} established' "$plog")
	[ "$n" -ge "$CHILDREN" ] && break
	sleep 1
done
e2e_log "$n CHILD SAs installed under conn big"
check "at least 1900 CHILD SAs under one IKE SA ($n)" test "$n" -ge 1900

start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --vici.timeout=20s
t0=$(date +%s.%N)
m=$(scrape "$PORT"); rc=$?
t1=$(date +%s.%N)
e2e_log "scrape took $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s"
e2e_log "big: conn_up=$(metric "$m" 'ipsec_conn_up{conn="big"}') children listed up=$(grep -c '^ipsec_child_up{conn="big",.*} 1$' <<<"$m") daemon_ike_sas=$(metric "$m" ipsec_daemon_ike_sas) unlisted=$(metric "$m" ikewatch_vici_ike_sas_unlisted)"
check "scrape answers" test "$rc" -eq 0
check "scrape does not wait for the dropped message" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 15) }'
check "vici collector still succeeds" test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 1
check "missing IKE SA reported in ikewatch_vici_ike_sas_unlisted" \
	test "$(metric "$m" ikewatch_vici_ike_sas_unlisted)" -ge 1
check "the other tunnels are still reported up" \
	test "$(metric "$m" 'ipsec_conn_up{conn="tun1"}')" = 1
e2e_finish oversized
