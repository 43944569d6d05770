#!/usr/bin/env bash
# Connections that are not supposed to be up all the time, on a real charon:
# a trap child (start_action = trap) reads as a trap and not as down until
# traffic brings it up, a pass shunt and a responder-only conn are never
# expected up, and a conn the operator ignores is not reported at all.
# IKWLAB_STRONGSWAN=6 runs it on charon 6.
source "$(dirname "$0")/lib.sh"

NAME=e2etr$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 1 --peers 1 || { fail "lab up"; e2e_finish trap; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
sd=$(lab_state_dir "$NAME")

# trapc: the hub traps 198.18.251.1 <-> 198.19.251.1 (the peer answers);
# shuntc: a pass shunt on the hub; passivec: the hub only responds;
# ignoredc: initiates towards nobody, and the operator ignores it
extra_conns() { # extra_conns hub|peer
	local hub=0; [ "$1" = hub ] && hub=1
	awk -v hub="$hub" 'BEGIN {
		print "connections {"
		print "\ttrapc {\n\t\tversion = 2"
		print "\t\tlocal_addrs = " (hub ? "192.0.2.1" : "192.0.2.11")
		print "\t\tremote_addrs = " (hub ? "192.0.2.11" : "192.0.2.1")
		print "\t\tproposals = aes128gcm16-prfsha256-x25519"
		print "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "hub" : "peer") "-trapc\n\t\t}"
		print "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "peer" : "hub") "-trapc\n\t\t}"
		print "\t\tchildren {\n\t\t\ttrapnet {"
		print "\t\t\t\tlocal_ts = " (hub ? "198.18.251.1" : "198.19.251.1") "/32"
		print "\t\t\t\tremote_ts = " (hub ? "198.19.251.1" : "198.18.251.1") "/32"
		print "\t\t\t\tesp_proposals = aes128gcm16"
		if (hub) print "\t\t\t\tstart_action = trap"
		print "\t\t\t}"
		# a second trap that no traffic triggers: idle under the up IKE SA
		print "\t\t\tidlenet {"
		print "\t\t\t\tlocal_ts = " (hub ? "198.18.251.2" : "198.19.251.2") "/32"
		print "\t\t\t\tremote_ts = " (hub ? "198.19.251.2" : "198.18.251.2") "/32"
		print "\t\t\t\tesp_proposals = aes128gcm16"
		if (hub) print "\t\t\t\tstart_action = trap"
		print "\t\t\t}\n\t\t}\n\t}"
		if (hub) {
			print "\tshuntc {\n\t\tchildren {\n\t\t\tbypass {"
			print "\t\t\t\tlocal_ts = 198.18.252.0/24\n\t\t\t\tremote_ts = 198.19.252.0/24"
			print "\t\t\t\tmode = pass\n\t\t\t\tstart_action = trap"
			print "\t\t\t}\n\t\t}\n\t}"
			print "\tpassivec {\n\t\tversion = 2\n\t\tlocal_addrs = 192.0.2.1"
			print "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = hub-passivec\n\t\t}"
			print "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = peer-passivec\n\t\t}"
			print "\t\tchildren {\n\t\t\tpassnet {\n\t\t\t\tlocal_ts = 198.18.253.1/32\n\t\t\t\tremote_ts = 198.19.253.1/32\n\t\t\t}\n\t\t}\n\t}"
			print "\tignoredc {\n\t\tversion = 2\n\t\tlocal_addrs = 192.0.2.1\n\t\tremote_addrs = 192.0.2.99"
			print "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = hub-ignoredc\n\t\t}"
			print "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = nobody\n\t\t}"
			print "\t\tchildren {\n\t\t\tignorednet {\n\t\t\t\tlocal_ts = 198.18.254.1/32\n\t\t\t\tremote_ts = 198.19.254.1/32\n\t\t\t}\n\t\t}\n\t}"
		}
		print "}"
	}'
}
# the trap's route needs its local address in place when it is installed
ip -n "$NAME-hub" address add 198.18.251.1/32 dev lo
ip -n "$NAME-hub" address add 198.18.251.2/32 dev lo
ip -n "$NAME-p1" address add 198.19.251.1/32 dev lo
check "extra conns loaded" lab_extend "$NAME" "$tmp" extra_conns

start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --ignore='ignored*'
m=$(scrape "$PORT")
info() { grep -c "^ipsec_child_info{conn=\"$1\",child=\"$2\",mode=\"$3\",start=\"$4\"," <<<"$m"; }
check "trap child reads start=trap" test "$(info trapc trapnet TUNNEL trap)" = 1
check "trap conn not expected up" test "$(metric "$m" 'ipsec_conn_expected_up{conn="trapc"}')" = 0
check "trap child not expected up" test "$(metric "$m" 'ipsec_child_expected_up{conn="trapc",child="trapnet"}')" = 0
check "trap child has no SA before traffic" test "$(metric "$m" 'ipsec_child_up{conn="trapc",child="trapnet"}')" = 0
check "pass shunt reads start=shunt" test "$(info shuntc bypass PASS shunt)" = 1
check "shunt conn not expected up" test "$(metric "$m" 'ipsec_conn_expected_up{conn="shuntc"}')" = 0
check "responder-only child reads start=passive" test "$(info passivec passnet TUNNEL passive)" = 1
check "responder-only conn not expected up" test "$(metric "$m" 'ipsec_conn_expected_up{conn="passivec"}')" = 0
check "site-to-site child reads start=initiate" test "$(info tun1 net1 TUNNEL initiate)" = 1
check "site-to-site conn expected up" test "$(metric "$m" 'ipsec_conn_expected_up{conn="tun1"}')" = 1
check "site-to-site child expected up" test "$(metric "$m" 'ipsec_child_expected_up{conn="tun1",child="net1"}')" = 1
check "ignored conn not reported" bash -c '! grep -q "conn=\"ignoredc\"" <<<"$1"' _ "$m"

# traffic into the trap brings the child up; it stays a trap child.
# charon 5.9.8's kernel-libipsec raises no acquire for a trap policy
# ("could not find an outbound IPsec SA ..., dropping packet"; 6.x's
# does), so on 5.9.8 the lab brings it up the way an acquire would
trap_up() { m=$(scrape "$PORT"); [ "$(metric "$m" 'ipsec_child_up{conn="trapc",child="trapnet"}')" = 1 ]; }
if [ "${IKWLAB_STRONGSWAN:-5}" = 6 ]; then
	ip netns exec "$NAME-hub" ping -c 3 -W 1 -I 198.18.251.1 198.19.251.1 >/dev/null 2>&1
	check "charon 6: traffic brought the trap child up" wait_for 20 trap_up
else
	lab "$NAME" swanctl hub --initiate --child trapnet >/dev/null 2>&1
	check "charon 5.9.8: the trap child initiated (libipsec 5.9.8 has no acquire)" wait_for 20 trap_up
fi
check "triggered trap child still reads start=trap" test "$(info trapc trapnet TUNNEL trap)" = 1
check "triggered trap conn up" test "$(metric "$m" 'ipsec_conn_up{conn="trapc"}')" = 1
passes() { ip netns exec "$NAME-hub" ping -c 2 -W 1 -I 198.18.251.1 198.19.251.1 >/dev/null 2>&1; }
check "traffic passes through the triggered trap" wait_for 10 passes
check "the idle trap under the up IKE SA has no SA" \
	test "$(metric "$m" 'ipsec_child_up{conn="trapc",child="idlenet"}')" = 0
check "the idle trap is not expected up" \
	test "$(metric "$m" 'ipsec_child_expected_up{conn="trapc",child="idlenet"}')" = 0
# the status view agrees: nothing needs attention, no child missing
st=$("$IKEWATCH" status --json --vici.socket="$(lab_vici "$NAME")" --ignore='ignored*' 2>/dev/null)
check "status: exit 0, nothing needs attention" test $? -eq 0
check "status: trapc ok with no missing child" python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["connections"] if c["name"] == "trapc"][0]
sys.exit(not (c["attention"] == "ok" and c["children_missing"] == [] and c["up"]))' <<<"$st"
e2e_finish trap
