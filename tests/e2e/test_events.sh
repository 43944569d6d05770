#!/usr/bin/env bash
# The event stream against a real lab: a tunnel that flaps between two
# scrapes shows in the counters, short CHILD rekeys count and move the last
# rekey time, and a charon restart is a gap, not a counter reset.
source "$(dirname "$0")/lib.sh"

NAME=e2eev$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 --child-rekey 8 || { fail "lab up"; e2e_finish events; exit 1; }
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")"
stream_is() { [ "$(metric "$(scrape "$PORT")" ikewatch_event_stream_up)" = "$1" ]; }
wait_for 10 stream_is 1
ev() { metric "$1" "ipsec_child_sa_events_total{conn=\"$2\",child=\"$3\",event=\"$4\"}"; }
ike() { metric "$1" "ipsec_ike_sa_events_total{conn=\"$2\",event=\"$3\"}"; }

m0=$(scrape "$PORT")
check "event stream connected" test "$(metric "$m0" ikewatch_event_stream_up)" = 1
check "configured children start at 0" test "$(ev "$m0" tun2 net2 down)" = 0

# flap tun2 between two scrapes: both scrapes see it up
lab "$NAME" swanctl hub --terminate --ike tun2 >/dev/null 2>&1
lab "$NAME" swanctl p1 --initiate --child net2 >/dev/null 2>&1
# until the events of the flap have arrived (sets m1)
flapped() {
	m1=$(scrape "$PORT")
	[ "$(ike "$m1" tun2 up)" -ge $(($(ike "$m0" tun2 up) + 1)) ] &&
		[ "$(ev "$m1" tun2 net2 up)" -ge 1 ]
}
wait_for 10 flapped
check "tun2 up again" test "$(metric "$m1" 'ipsec_conn_up{conn="tun2"}')" = 1
check "IKE down counted" test "$(ike "$m1" tun2 down)" -eq $(($(ike "$m0" tun2 down) + 1))
check "IKE up counted" test "$(ike "$m1" tun2 up)" -eq $(($(ike "$m0" tun2 up) + 1))
check "CHILD down counted" test "$(ev "$m1" tun2 net2 down)" -ge 1
check "CHILD up counted" test "$(ev "$m1" tun2 net2 up)" -ge 1
check "tun1 untouched" test "$(ike "$m1" tun1 down)" = 0

# rekeys every 8 s: counters rise, the last rekey time moves
rekeyed() { m2=$(scrape "$PORT"); [ "$(ev "$m2" tun1 net1 rekey)" -ge 1 ]; }
wait_for 30 rekeyed
r1=$(ev "$m2" tun1 net1 rekey)
check "tun1 rekeys counted ($r1)" test "$r1" -ge 1
t1=$(metric "$m2" 'ipsec_child_sa_last_event_timestamp_seconds{conn="tun1",child="net1",event="rekey"}')
check "last rekey is recent" ge "$t1" "$(($(date +%s) - 12))"
check "no rekey overdue" test "$(metric "$m2" 'ipsec_child_sa_rekey_overdue{conn="tun1",child="net1"}')" = 0

# charon restarts: the stream reconnects, a gap is counted, nothing resets
lab "$NAME" stop-charon hub >/dev/null 2>&1
wait_for 10 stream_is 0
m3=$(scrape "$PORT")
check "stream down while charon is down" test "$(metric "$m3" ikewatch_event_stream_up)" = 0
lab "$NAME" start-charon hub --wait --reconnect >/dev/null 2>&1
# stream back, and the restarted charon has its configuration again (sets m4)
reconnected() {
	m4=$(scrape "$PORT")
	[ "$(metric "$m4" ikewatch_event_stream_up)" = 1 ] &&
		grep -q '^ipsec_conn_info{conn="tun1"' <<<"$m4"
}
check "stream reconnected" wait_for 20 reconnected
check "gap counted" test "$(metric "$m4" ikewatch_event_stream_gaps_total)" -ge 1
check "rekey counter did not go backwards" test "$(ev "$m4" tun1 net1 rekey)" -ge "$r1"
e2e_finish events
