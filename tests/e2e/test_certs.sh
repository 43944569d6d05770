#!/usr/bin/env bash
# Certificate expiry against a real lab (charon 5.9.8, or 6.0.6 with
# IKWLAB_STRONGSWAN=6): `lab.sh up --cert-days 10` adds the
# certificate tunnel cert1 (a lab CA made with openssl, the hub's certificate
# valid 10 days, p1's 20, the CA's 100; the hub trusts the CA for its peer,
# p1 pins the hub's certificate).  ikewatch on the hub and on p1 must export
# for cert1 exactly the notAfter `openssl x509 -enddate` prints for those
# files, on both sides, with the subjects charon prints; nothing for the PSK
# tunnels; nothing for a certificate the connection names but charon no
# longer holds; the remote subject redacted with --collector.redact=hash.
# Then a real Prometheus with the shipped rules (time compressed 30x: every
# `for:` divided by 30, the 14-day and 2-day thresholds unchanged) scraping
# both must fire IPsecCertificateExpiring for the hub's certificate (local
# on the hub, pinned remote on p1) and nothing else about certificates.
source "$(dirname "$0")/lib.sh"

NAME=e2ecert$$
NAME=${NAME:0:12}
SCALE=30
HELPER="$E2E_ROOT/tests/e2e/alerts_helper.py"
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT

for c in openssl promtool "$PROMETHEUS"; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish certs; exit 1; }
done

lab_up "$NAME" --tunnels 2 --cert-days 10 || { fail "lab up with --cert-days 10"; e2e_finish certs; exit 1; }
SD=$(lab_state_dir "$NAME")
HUB_VICI=$(lab_vici "$NAME")
P1_VICI=$("$LAB" --name "$NAME" vici p1 | sed 's|^unix://||')

# notAfter of a lab certificate as Unix seconds, from openssl
not_after() { date -d "$(openssl x509 -in "$SD/pki/$1.pem" -noout -enddate | cut -d= -f2)" +%s; }
HUB_NA=$(not_after hub) PEER_NA=$(not_after peer1) CA_NA=$(not_after ca)
e2e_log "openssl: hub $HUB_NA, peer1 $PEER_NA, CA $CA_NA"
check "the lab's certificates have three different notAfter" \
	test "$HUB_NA" != "$PEER_NA" -a "$HUB_NA" != "$CA_NA" -a -n "$HUB_NA"
# the subject as charon prints it (swanctl --list-conns, "certs:")
charon_subject() { # charon_subject hub|p1 local|remote certs|cacerts
	lab "$NAME" swanctl "$1" --list-conns 2>/dev/null | awk -v side="$2" -v list="$3" '
		/^[^ ]/ { conn = $1 }
		conn == "cert1:" && $1 == side { in_side = 1; next }
		conn == "cert1:" && /^  [a-z]/ { in_side = 0 }
		in_side && $1 == list ":" { sub(/^ *[a-z]+: /, ""); print; exit }'
}

start_ikewatch PORT --vici.socket="$HUB_VICI"
start_ikewatch PORT1 --vici.socket="$P1_VICI"
hub=$(scrape "$PORT")
p1=$(scrape "$PORT1")
e2e_log "$(grep '^ipsec_daemon_info' <<<"$hub")"
check "hub: vici collector succeeds" test "$(metric "$hub" 'ikewatch_collector_success{collector="vici"}')" = 1
check "hub: the certificate tunnel cert1 is up" test "$(metric "$hub" 'ipsec_conn_up{conn="cert1"}')" = 1
check "hub: its child certnet1 is installed" \
	test "$(metric "$hub" 'ipsec_child_up{conn="cert1",child="certnet1"}')" = 1
check "p1: cert1 is up" test "$(metric "$p1" 'ipsec_conn_up{conn="cert1"}')" = 1

na() { metric "$1" "ipsec_conn_cert_not_after_timestamp_seconds{conn=\"cert1\",side=\"$2\",kind=\"$3\"}"; }
check "hub local end = openssl notAfter of hub.pem ($(na "$hub" local end) = $HUB_NA)" \
	test "$(na "$hub" local end)" = "$HUB_NA"
check "hub remote ca = openssl notAfter of the CA ($(na "$hub" remote ca) = $CA_NA)" \
	test "$(na "$hub" remote ca)" = "$CA_NA"
check "hub: no remote end series (no pinned peer certificate)" \
	bash -c '! grep -q "side=\"remote\",kind=\"end\"" <<<"$1"' _ "$hub"
check "p1 local end = openssl notAfter of peer1.pem ($(na "$p1" local end) = $PEER_NA)" \
	test "$(na "$p1" local end)" = "$PEER_NA"
check "p1 remote end (pinned hub certificate) = notAfter of hub.pem ($(na "$p1" remote end))" \
	test "$(na "$p1" remote end)" = "$HUB_NA"
check "p1: no remote ca series (the pinned certificate wins)" \
	bash -c '! grep -q "side=\"remote\",kind=\"ca\"" <<<"$1"' _ "$p1"
check "the PSK tunnels have no certificate series" \
	bash -c '! grep -q "^ipsec_conn_cert_[a-z_]*{conn=\"tun" <<<"$1"' _ "$hub"

subj() { grep -F "ipsec_conn_cert_info{conn=\"cert1\",side=\"$2\",kind=\"$3\"," <<<"$1" | sed 's/.*subject="\(.*\)"} 1$/\1/'; }
want=$(charon_subject hub local certs)
check "hub local subject is what charon prints ($want)" test -n "$want" -a "$(subj "$hub" local end)" = "$want"
want=$(charon_subject hub remote cacerts)
check "hub remote ca subject is what charon prints ($want)" test -n "$want" -a "$(subj "$hub" remote ca)" = "$want"
want=$(charon_subject p1 remote certs)
check "p1 remote end subject is what charon prints ($want)" test -n "$want" -a "$(subj "$p1" remote end)" = "$want"
want=$(charon_subject p1 local certs)
check "p1 local subject, with E= for emailAddress ($want)" test -n "$want" -a "$(subj "$p1" local end)" = "$want"
lint=$(promtool check metrics <<<"$hub" 2>&1)
check "promtool check metrics is clean${lint:+: $lint}" test -z "$lint"

# redaction: the remote side's subject (a peer's identity, or its CA) is hashed
start_ikewatch PORTR --vici.socket="$HUB_VICI" --collector.redact=hash
red=$(scrape "$PORTR")
check "redacted: the remote subject is a peer name" \
	grep -q '^ipsec_conn_cert_info{conn="cert1",side="remote",kind="ca",subject="peer-[0-9a-f]\{12\}"} 1$' <<<"$red"
check "redacted: the CA's DN appears nowhere" bash -c '! grep -q "ikwlab Root CA" <<<"$1"' _ "$red"
check "redacted: the local subject and both timestamps stay" \
	test "$(subj "$red" local end)" = "$(subj "$hub" local end)" -a "$(na "$red" remote ca)" = "$CA_NA"

# a certificate the connection names but charon does not hold: absent, not 0
mkdir -p "$tmp/empty" && : >"$tmp/empty/swanctl.conf"
SWANCTL=$(sed -n 's/^SWANCTL=//p' "$SD/lab.env")   # the lab's: charon 5's or 6's
STRONGSWAN_CONF=$SD/hub/strongswan.conf SWANCTL_DIR=$tmp/empty "${SWANCTL:-swanctl}" --load-creds --clear --noprompt \
	--file "$tmp/empty/swanctl.conf" --uri "unix://$HUB_VICI" >/dev/null 2>&1
held=$(lab "$NAME" swanctl hub --list-certs 2>/dev/null | grep -c 'subject:')
check "swanctl --load-creds --clear: charon holds no certificate ($held)" test "$held" -eq 0
gone=$(scrape "$PORT")
check "...cert1 is still configured" grep -q '^ipsec_conn_info{conn="cert1"' <<<"$gone"
check "...and has no certificate series (unknown is absent, not 0)" \
	bash -c '! grep -q "^ipsec_conn_cert_[a-z_]*{conn=\"cert1\"" <<<"$1"' _ "$gone"
lab "$NAME" swanctl hub --load-creds --noprompt --file "$SD/hub/swanctl/swanctl.conf" >/dev/null 2>&1
back=$(scrape "$PORT")
check "--load-creds again: the series are back" test "$(na "$back" local end)" = "$HUB_NA"

# ---- Prometheus with the shipped rules ---------------------------------------------
for f in ikewatch-recording ikewatch-alerts; do
	python3 "$HELPER" scale "$SCALE" "$E2E_ROOT/deploy/prometheus/$f.rules.yml" >"$tmp/$f.rules.yml"
done
# a 2 s scrape (the timeout too): a slow scrape under load must not make
# the series stale and restart the alerts' for:
PROM_SCRAPE=2s prom_start PP "certs-$NAME" "127.0.0.1:$PORT" "127.0.0.1:$PORT1"

# firing certificate alerts: "alertname instance conn side kind" sorted, one a line
cert_alerts() {
	curl -fsS --max-time 5 "http://127.0.0.1:$PP/api/v1/alerts" 2>/dev/null | python3 -c 'import json,sys
a=json.load(sys.stdin)["data"]["alerts"]
print("\n".join(sorted(" ".join(x["labels"].get(k,"") for k in ("alertname","instance","conn","side","kind"))
	for x in a if x["state"]=="firing" and x["labels"]["alertname"].startswith("IPsecCertificate"))))' 2>/dev/null
}
expect=$(printf '%s\n' "IPsecCertificateExpiring 127.0.0.1:$PORT cert1 local end" \
	"IPsecCertificateExpiring 127.0.0.1:$PORT1 cert1 remote end" | LC_ALL=C sort)
cert_alerts_are() { [ "$(cert_alerts)" = "$expect" ]; }
check "Prometheus fires IPsecCertificateExpiring for the 10-day certificate, hub local and p1 remote (for: 10m/$SCALE)" \
	wait_for 150 cert_alerts_are
e2e_log "firing: $(cert_alerts | paste -sd';' -)"
e2e_log "scrapes failed (sum of 1 - up over the run): $(curl -fsS "http://127.0.0.1:$PP/api/v1/query" \
	--data-urlencode 'query=sum(count_over_time(up[10m])) - sum(sum_over_time(up[10m]))' 2>/dev/null |
	python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "?")' 2>/dev/null)"
summary=$(curl -fsS "http://127.0.0.1:$PP/api/v1/alerts" | python3 -c 'import json,sys
a=[x for x in json.load(sys.stdin)["data"]["alerts"] if x["labels"].get("side")=="local"]
print(a[0]["annotations"]["summary"] if a else "")')
check "...its summary: $summary" grep -Eq '^Certificate of cert1 \(local end\) expires in (9d|10d) .* \(peer 192\.0\.2\.11\)$' <<<"$summary"
check "...and its severity is warning" bash -c 'curl -fsS "http://127.0.0.1:$1/api/v1/alerts" | grep -q "\"severity\":\"warning\""' _ "$PP"
sleep 3
check "...still only those (the CA at 100 days and p1's own at 20 days stay quiet, no critical)" cert_alerts_are
e2e_log "firing: $(cert_alerts | paste -sd';' -)"

for p in "$PORT" "$PORT1" "$PORTR"; do
	check "no sanitizer report in the log of ikewatch on $p" \
		bash -c '! grep -q "ERROR: AddressSanitizer\|runtime error:" "$1"' _ "$E2E_OUT/ikewatch-$p.log"
done
e2e_finish certs
