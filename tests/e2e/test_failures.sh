#!/usr/bin/env bash
# Failures by reason from a real charon's VICI log events: a wrong PSK, a
# CHILD proposal mismatch and a peer that died under DPD are each counted
# under their connection and reason; an operator rule counts its lines.
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
check "wrong PSK counted as auth_failed under badpsk ($(f badpsk auth_failed))" test "$(f badpsk auth_failed)" -ge 1
check "CHILD proposal mismatch counted under badprop ($(f badprop no_proposal_chosen))" \
	test "$(f badprop no_proposal_chosen)" -ge 1
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
e2e_finish failures
