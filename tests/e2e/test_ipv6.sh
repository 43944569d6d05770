#!/usr/bin/env bash
# An IPv6 lab (lab/lab.sh up --ipv6: IPv6 outer network and IPv6 traffic
# selectors from 2001:db8::/32, real ESP over IPv6): the conns and children
# read up with their IPv6 selectors and peer, traffic through a tunnel is
# counted exactly as charon counts it, the exposition passes promtool, and
# the status view shows the IPv6 peer.  IKWLAB_STRONGSWAN=6 runs it on
# charon 6.
source "$(dirname "$0")/lib.sh"

NAME=e2ev6$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 --ipv6 || { fail "lab up"; e2e_finish ipv6; exit 1; }
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")"
m=$(scrape "$PORT")
check "both IPv6 conns up" test "$(metric "$m" 'ipsec_conn_up{conn="tun1"}')/$(metric "$m" 'ipsec_conn_up{conn="tun2"}')" = 1/1
check "child info carries the IPv6 selectors" grep -q \
	'^ipsec_child_info{conn="tun1",child="net1",mode="TUNNEL",start="initiate",local_ts="2001:db8:18::1/128",remote_ts="2001:db8:19::1/128"} 1$' <<<"$m"
check "IKE SA info names the IPv6 peer" grep -q '^ipsec_ike_sa_info{conn="tun1",.*remote_host="2001:db8:2::b"} 1$' <<<"$m"
lint=$(promtool check metrics <<<"$m" 2>&1)
check "promtool check metrics is clean${lint:+: $lint}" test -z "$lint"

# 20 pings of 1000 bytes through tun1: both directions counted as charon counts
check "ping through the IPv6 tunnel" eval "lab \"\$NAME\" ping 1 20 1000 >/dev/null 2>&1"
sas=$(lab "$NAME" swanctl hub --list-sas --ike tun1 2>/dev/null)
charon_in=$(awk '$1 == "in" { gsub(",", "", $3); print $3; exit }' <<<"$sas")
charon_out=$(awk '$1 == "out" { gsub(",", "", $3); print $3; exit }' <<<"$sas")
m=$(scrape "$PORT")
b() { metric "$m" "ipsec_child_sa_bytes_total{conn=\"tun1\",child=\"net1\",direction=\"$1\"}"; }
check "inbound bytes as charon counts them ($(b in) = $charon_in)" test "$(b in)" = "$charon_in"
check "outbound bytes as charon counts them ($(b out) = $charon_out)" test "$(b out)" = "$charon_out"
check "20 pings of 1048 IPv6 bytes each way at least" test "$(b in)" -ge 20960
st=$("$IKEWATCH" status --vici.socket="$(lab_vici "$NAME")" --no-color 2>/dev/null)
check "status: both up, nothing needs attention" grep -q '^2 connections: 0 down, 0 child missing, 0 connecting, 0 probe failing, 0 degraded, 2 ok' <<<"$st"
check "status: the IPv6 peer in the table" grep -q '2001:db8:2::b' <<<"$st"
e2e_finish ipv6
