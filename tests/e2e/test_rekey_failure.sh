#!/usr/bin/env bash
# A CHILD SA whose rekeys the peer refuses (the hub wants PFS on rekey, the
# peer's proposals have no DH group): the rekey failures are counted and
# "overdue" fires while the SA is still installed, before its hard lifetime.
source "$(dirname "$0")/lib.sh"

NAME=e2erf$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 1 --peers 1 || { fail "lab up"; e2e_finish rekey-failure; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
cat >"$tmp/ikewatch.yml" <<YML
logs:
  vici_log: true
YML
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" \
	--events.rekey-overdue-margin=4s

pfs_conf() { # pfs_conf hub|peer
	local hub=0; [ "$1" = hub ] && hub=1
	awk -v hub="$hub" 'BEGIN {
		print "connections {\n\tpfs {\n\t\tversion = 2"
		print "\t\tlocal_addrs = " (hub ? "192.0.2.1" : "192.0.2.11")
		print "\t\tremote_addrs = " (hub ? "192.0.2.11" : "192.0.2.1")
		print "\t\tproposals = aes128gcm16-prfsha256-x25519"
		print "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "hub-pfs" : "peer-pfs") "\n\t\t}"
		print "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "peer-pfs" : "hub-pfs") "\n\t\t}"
		print "\t\tchildren {\n\t\t\tpfsnet {"
		print "\t\t\t\tlocal_ts = " (hub ? "198.18.251.1" : "198.19.251.1") "/32"
		print "\t\t\t\tremote_ts = " (hub ? "198.19.251.1" : "198.18.251.1") "/32"
		if (hub) {
			print "\t\t\t\tesp_proposals = aes128gcm16-x25519"
			print "\t\t\t\trekey_time = 8s\n\t\t\t\tlife_time = 120s\n\t\t\t\trand_time = 0s"
		} else {
			print "\t\t\t\tesp_proposals = aes128gcm16"
		}
		print "\t\t\t}\n\t\t}\n\t}\n}"
	}'
}
ip -n "$NAME-hub" addr add 198.18.251.1/32 dev lo
ip -n "$NAME-p1" addr add 198.19.251.1/32 dev lo
sleep 0.5   # on purpose: charons learn new addresses from netlink events, nothing to poll
lab_extend "$NAME" "$tmp" pfs_conf
lab "$NAME" swanctl p1 --initiate --child pfsnet --timeout 10 >/dev/null 2>&1
check "pfs tunnel comes up (no DH in IKE_AUTH)" test $? -eq 0
start=$(date +%s)

fails=0 overdue=0 up_when_overdue=0 m=""
for _ in $(seq 1 40); do
	m=$(scrape "$PORT")
	fails=$(metric "$m" 'ipsec_conn_failures_total{conn="pfs",reason="rekey_failed"}' || echo 0)
	overdue=$(metric "$m" 'ipsec_child_sa_rekey_overdue{conn="pfs",child="pfsnet"}' || echo 0)
	if [ "$overdue" = 1 ]; then
		up_when_overdue=$(metric "$m" 'ipsec_child_up{conn="pfs",child="pfsnet"}')
		break
	fi
	sleep 1
done
elapsed=$(($(date +%s) - start))
e2e_log "after ${elapsed}s: rekey failures $fails, overdue $overdue"
check "rekey failures counted for pfs ($fails)" test "$fails" -ge 1
check "rekey overdue fired" test "$overdue" = 1
check "overdue fired while the CHILD SA is still up" test "$up_when_overdue" = 1
check "overdue fired before the hard lifetime (${elapsed}s < 120s)" test "$elapsed" -lt 120
check "the healthy tunnel is not overdue" \
	test "$(metric "$m" 'ipsec_child_sa_rekey_overdue{conn="tun1",child="net1"}')" = 0
e2e_finish rekey-failure
