#!/usr/bin/env bash
# Failures by reason from a real charon's VICI log events (and, on charon
# 6, its alert events): a wrong PSK, a CHILD proposal mismatch and a peer
# that died under DPD are each counted once under their connection and
# reason; an operator rule counts its lines.  IKWLAB_STRONGSWAN=6 runs it on
# charon 6, where the alerts of each case are checked too, and a peer that
# never answers an initiation.
source "$(dirname "$0")/lib.sh"

NAME=e2efl$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 --dpd 3 || { fail "lab up"; e2e_finish failures; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
sd=$(lab_state_dir "$NAME")

cat >"$tmp/ikewatch.yml" <<YML
logs:
  vici_log: true
  rules:
    - name: dpd_requests
      pattern: 'sending DPD request'
      labels:
        conn: conn
YML
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml"
stream_up() { [ "$(metric "$(scrape "$PORT")" ikewatch_event_stream_up)" = 1 ]; }
wait_for 10 stream_up

lab_extend "$NAME" "$tmp" failing_conns
scrape "$PORT" >/dev/null   # a collection: failures count only under conns it saw (docs/security.md)
lab "$NAME" swanctl p1 --initiate --child badpsknet --timeout 10 >/dev/null 2>&1
check "wrong PSK does not come up" test $? -ne 0
lab "$NAME" swanctl p1 --initiate --child badpropnet --timeout 10 >/dev/null 2>&1
check "proposal mismatch does not come up" test $? -ne 0
f() { metric "$m" "ipsec_conn_failures_total{conn=\"$1\",reason=\"$2\"}" || echo 0; }
# until both failures have been counted (sets m)
counted() {
	m=$(scrape "$PORT")
	[ "$(f badpsk auth_failed)" -ge 1 ] && [ "$(f badprop no_proposal_chosen)" -ge 1 ]
}
wait_for 10 counted
# one initiation each: counted once, although the log lines and (charon 6)
# the alerts both report it
check "wrong PSK counted once as auth_failed under badpsk ($(f badpsk auth_failed))" test "$(f badpsk auth_failed)" -eq 1
check "CHILD proposal mismatch counted once under badprop ($(f badprop no_proposal_chosen))" \
	test "$(f badprop no_proposal_chosen)" -eq 1
alerts_up=$(metric "$m" ikewatch_event_stream_alerts_up)
a() { metric "$m" "ipsec_alerts_total{conn=\"$1\",type=\"$2\"}" || echo 0; }
if [ "${IKWLAB_STRONGSWAN:-5}" = 6 ]; then
	check "charon 6: the stream receives alerts" test "$alerts_up" = 1
	# the hub holds the lab's secret too and accepts the peer's AUTH; the
	# peer rejects the hub's (made with the other secret) and says so:
	# charon raises local-auth-failed on the hub
	check "charon 6: wrong PSK raised local-auth-failed under badpsk" test "$(a badpsk local-auth-failed)" -ge 1
	check "charon 6: proposal mismatch raised proposal-mismatch-child under badprop" \
		test "$(a badprop proposal-mismatch-child)" -ge 1
	check "charon 6: no alert under the healthy tun1" \
		bash -c '! grep -q "^ipsec_alerts_total{conn=\"tun1\"" <<<"$1"' _ "$m"
else
	check "charon 5.9.8: no alert event (alerts_up 0)" test "$alerts_up" = 0
	check "charon 5.9.8: no ipsec_alerts_total series" \
		bash -c '! grep -q "^ipsec_alerts" <<<"$1"' _ "$m"
fi
check "last failure of badpsk names its reason" \
	grep -q '^ipsec_conn_last_failure_info{conn="badpsk",reason="auth_failed"} 1$' <<<"$m"
check "no failures counted for the healthy tun1" \
	bash -c '! grep -q "^ipsec_conn_failures_total{conn=\"tun1\"" <<<"$1"' _ "$m"

# the peer dies: DPD on the hub gives up
pid=$(cat "$sd/p1/charon.pid")
lab "$NAME" stop-charon p1 --kill >/dev/null 2>&1
dpd_counted() { m=$(scrape "$PORT"); [ "$(f tun1 dpd_timeout)" -ge 1 ]; }
check "dead peer counted as dpd_timeout under tun1 (peer pid $pid)" wait_for 90 dpd_counted
check "the hub's tun1 went down" test "$(metric "$m" 'ipsec_conn_up{conn="tun1"}')" = 0
check "IKE down event counted for tun1" test "$(metric "$m" 'ipsec_ike_sa_events_total{conn="tun1",event="down"}')" -ge 1
check "operator rule counted DPD requests for tun1" \
	test "$(metric "$m" 'ipsec_log_rule_matches_total{rule="dpd_requests",conn="tun1"}' || echo 0)" -ge 1
if [ "${IKWLAB_STRONGSWAN:-5}" = 6 ]; then
	check "charon 6: dead peer raised retransmit-send-timeout under tun1" \
		test "$(a tun1 retransmit-send-timeout)" -ge 1
	check "charon 6: dead peer counted once as dpd_timeout ($(f tun1 dpd_timeout))" test "$(f tun1 dpd_timeout)" -eq 1
	# the hub initiates towards the dead peer: never answered
	lab "$NAME" swanctl hub --initiate --child net1 --timeout 120 >/dev/null 2>&1 &
	init_pid=$!
	unreachable() { m=$(scrape "$PORT"); [ "$(a tun1 peer-init-unreachable)" -ge 1 ]; }
	check "charon 6: unanswered initiation raised peer-init-unreachable under tun1" wait_for 120 unreachable
	check "charon 6: and counted as peer_unreachable" test "$(f tun1 peer_unreachable)" -ge 1
	kill "$init_pid" 2>/dev/null; wait "$init_pid" 2>/dev/null
fi
e2e_finish failures
