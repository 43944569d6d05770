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
sleep 1

# conn "badpsk": the hub has another secret for its identities; conn
# "badprop": CHILD proposals that the hub does not accept
extra() { # extra hub|peer
	local hub=0; [ "$1" = hub ] && hub=1
	awk -v hub="$hub" 'BEGIN {
		split("badpsk badprop", names, " ")
		print "connections {"
		for (k = 1; k <= 2; k++) {
			n = names[k]
			print "\t" n " {\n\t\tversion = 2"
			print "\t\tlocal_addrs = " (hub ? "192.0.2.1" : "192.0.2.11")
			print "\t\tremote_addrs = " (hub ? "192.0.2.11" : "192.0.2.1")
			print "\t\tproposals = aes128gcm16-prfsha256-x25519"
			print "\t\tkeyingtries = 1"
			print "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "hub-" : "peer-") n "\n\t\t}"
			print "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "peer-" : "hub-") n "\n\t\t}"
			print "\t\tchildren {\n\t\t\t" n "net {"
			print "\t\t\t\tlocal_ts = " (hub ? "198.18.250.1" : "198.19.250.1") "/32"
			print "\t\t\t\tremote_ts = " (hub ? "198.19.250.1" : "198.18.250.1") "/32"
			print "\t\t\t\tesp_proposals = " ((n == "badprop" && !hub) ? "aes256-sha512" : "aes128gcm16")
			print "\t\t\t}\n\t\t}\n\t}"
		}
		print "}"
		# the hub holds another secret for exactly this pair of identities
		if (hub) print "secrets {\n\tike-bad {\n\t\tid-a = hub-badpsk\n\t\tid-b = peer-badpsk\n\t\tsecret = \"not-the-lab-secret\"\n\t}\n}"
	}'
}
lab_extend "$NAME" "$tmp" extra
lab "$NAME" swanctl p1 --initiate --child badpsknet --timeout 10 >/dev/null 2>&1
check "wrong PSK does not come up" test $? -ne 0
lab "$NAME" swanctl p1 --initiate --child badpropnet --timeout 10 >/dev/null 2>&1
check "proposal mismatch does not come up" test $? -ne 0
sleep 1
m=$(scrape "$PORT")
f() { metric "$m" "ipsec_conn_failures_total{conn=\"$1\",reason=\"$2\"}" || echo 0; }
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
ok=0
for _ in $(seq 1 90); do
	m=$(scrape "$PORT")
	[ "$(f tun1 dpd_timeout)" -ge 1 ] && ok=1 && break
	sleep 1
done
check "dead peer counted as dpd_timeout under tun1 (peer pid $pid)" test "$ok" = 1
check "the hub's tun1 went down" test "$(metric "$m" 'ipsec_conn_up{conn="tun1"}')" = 0
check "IKE down event counted for tun1" test "$(metric "$m" 'ipsec_ike_sa_events_total{conn="tun1",event="down"}')" -ge 1
check "operator rule counted DPD requests for tun1" \
	test "$(metric "$m" 'ipsec_log_rule_matches_total{rule="dpd_requests",conn="tun1"}' || echo 0)" -ge 1
e2e_finish failures
