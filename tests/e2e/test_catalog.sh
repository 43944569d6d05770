#!/usr/bin/env bash
# docs/metrics.md and a real scrape of the daemon (counters plugin loaded,
# traffic sent, event stream on, the kernel's XFRM tables and xfrm_stat,
# the certificate tunnel)
# name exactly the same metric families.
source "$(dirname "$0")/lib.sh"

NAME=e2ect$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 1 --peers 1 --counters --cert-days 10 || { fail "lab up"; e2e_finish catalog; exit 1; }
lab "$NAME" ping 1 3 >/dev/null 2>&1
# the daemon, so that the event stream's and log sources' families are
# there too
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
: >"$tmp/charon.log"
printf 'logs:\n  vici_log: true\n  files: [%s]\n' "$tmp/charon.log" >"$tmp/ikewatch.yml"
# probes through the tunnel, so that the probe families are there too (the
# http and https ones to a closed port: their families are there all the same)
printf 'probes:\n  - {conn: tun1, child: net1, type: mtu, target: 198.19.0.1, netns: %s-hub, interval: 2s, timeout: 500ms}\n' \
	"$NAME" >>"$tmp/ikewatch.yml"
printf '  - {conn: tun1, child: net1, type: http, target: 198.19.0.1, netns: %s-hub, interval: 2s, timeout: 500ms}\n' \
	"$NAME" >>"$tmp/ikewatch.yml"
# and an https one, for the tls families
printf '  - {conn: tun1, child: net1, name: https, type: http, scheme: https, target: 198.19.0.1, netns: %s-hub, interval: 2s, timeout: 500ms}\n' \
	"$NAME" >>"$tmp/ikewatch.yml"
# remediation enabled (dry-run, nothing sent to it), so that its families are there too
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$tmp/token"
chmod 600 "$tmp/token"
printf 'remediation:\n  enabled: true\n  token_file: %s\n  audit_log: %s\n  diagnostics: {directory: %s}\n' \
	"$tmp/token" "$tmp/remediation.jsonl" "$tmp/diag" >>"$tmp/ikewatch.yml"
# the event log on, so that its families are there too
printf 'events:\n  log_file: %s\n' "$tmp/events.log" >>"$tmp/ikewatch.yml"
# per-identity series on, so that their families are there too
printf 'labels:\n  identities: 5\n' >>"$tmp/ikewatch.yml"
# KLIPS is not in this kernel: its table comes from the man page's example,
# plus a second inbound ESP SA that goes away before the second scrape (the
# label vocabulary's "no _total falls when an SA is deleted")
klips=$tmp/ipsec_spi
cp "$E2E_ROOT/tests/fixtures/proc/ipsec_spi_manpage" "$klips"
printf 'esp.9a35fc03@192.168.43.1 ESP_AES128_HMAC_SHA1: dir=in src=192.168.43.2 ooowin=32 seq=10 bit=0xffffffff alen=160 aklen=160 eklen=128 life(c,s,h)=bytes(5000,0,0)add(100,0,0) use(90,0,0)packets(10,0,0) idle=5\n' >>"$klips"
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" \
	--collector.klips.path="$klips"
# the same without peer labels (KLIPS SAs summed per protocol and direction)
# and with peers redacted
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/salt"
chmod 600 "$tmp/salt"
start_ikewatch OFF --vici.socket="$(lab_vici "$NAME")" --no-collector.peer-labels \
	--collector.klips.path="$klips"
start_ikewatch HASH --vici.socket="$(lab_vici "$NAME")" --collector.redact=hash \
	--collector.redact.salt-file="$tmp/salt" --collector.klips.path="$klips"
wait_for 10 probes_ran "$PORT"   # the probe's first run falls within its 2 s interval
# ...and each has run (probes_ran sees only those that have)
all_probes_ran() { [ "$(scrape "$PORT" | grep -c '^ipsec_probe_runs_total{')" -ge 3 ]; }
wait_for 10 all_probes_ran
scraped=$(scrape "$PORT" | awk '/^# TYPE / { print $3 }' | sort -u)
documented=$(grep -Eo '^\| `(ipsec|ikewatch)_[a-z_]+`' "$E2E_ROOT/docs/metrics.md" | tr -d '|` ' | sort -u)
missing_doc=$(comm -23 <(echo "$scraped") <(echo "$documented"))
# families only a charon 6.0.3 or later gives (IKWLAB_STRONGSWAN=6 runs
# this scenario on one, where they must be there)
only6=ipsec_alerts_total
if [ "${IKWLAB_STRONGSWAN:-5}" = 6 ]; then
	check "charon 6: the alert family is exported" grep -qx "$only6" <<<"$scraped"
else
	documented=$(grep -vxF "$only6" <<<"$documented")
	check "charon 5.9.8: no alert family" bash -c '! grep -qx "$1" <<<"$2"' _ "$only6" "$scraped"
fi
# families only pluto gives (--globalstatus; tests/qemu/guest_pluto.sh
# checks them there): absent on charon, never a made-up 0
onlypluto=$'ipsec_daemon_child_sas\nipsec_daemon_ike_sa_negotiations_total\nipsec_daemon_dpd_messages_total'
documented=$(grep -vxF "$onlypluto" <<<"$documented")
check "charon: no pluto-only family" bash -c '! grep -qxF "$1" <<<"$2"' _ "$onlypluto" "$scraped"
missing_code=$(comm -13 <(echo "$scraped") <(echo "$documented"))
check "every exported family is documented${missing_doc:+: $missing_doc}" test -z "$missing_doc"
check "every documented family is exported${missing_code:+: $missing_code}" test -z "$missing_code"
check "counters plugin families present" grep -q '^ipsec_daemon_ike_messages_total$' <<<"$scraped"
check "catalog is not trivially empty ($(wc -l <<<"$scraped") families)" test "$(wc -l <<<"$scraped")" -ge 30

# ---- the label vocabulary (docs/metrics.md), on this catalogue: one name and
# one set of values per concept, no _total that falls when an SA goes (the
# CHILD SA rekeyed, its old SA deleted; a KLIPS SA removed), peers only as
# the redaction settings allow
VOCAB=(python3 "$E2E_ROOT/tests/e2e/vocabulary.py")
PEERS=(--peer 192.0.2.11 --peer 192.168.43.1 --peer 192.168.43.2 --peer 3049:1::1 --peer 3049:1::2)
scrape "$PORT" >"$tmp/on-1.prom"
scrape "$OFF" >"$tmp/off-1.prom"
check "without redaction the peer's address is a label (the check can fail)" \
	grep -q 'remote_host="192.0.2.11"' "$tmp/on-1.prom"
check "without peer labels KLIPS's two inbound ESP SAs are one sum" \
	grep -q '^ipsec_klips_sas{protocol="esp",direction="in"} 2$' "$tmp/off-1.prom"
rekeys() { metric "$(scrape "$PORT")" 'ipsec_child_sa_events_total{conn="tun1",child="net1",event="rekey"}' || echo 0; }
r0=$(rekeys)
lab "$NAME" swanctl hub --rekey --child net1 >/dev/null 2>&1   # also something to log
sed -i '/^esp\.9a35fc03@/d' "$klips"
# the old CHILD SA deleted (charon keeps it delete_rekeyed_delay, 5 s)
old_sa_gone() {
	local m; m=$(scrape "$PORT")
	[ "$(metric "$m" 'ipsec_child_sa_events_total{conn="tun1",child="net1",event="rekey"}')" -gt "$r0" ] &&
		[ "$(grep -c '^ipsec_child_sas{conn="tun1",child="net1",' <<<"$m")" = 1 ] &&
		[ "$(metric "$m" 'ipsec_child_sas{conn="tun1",child="net1",state="INSTALLED"}')" = 1 ]
}
check "the CHILD SA was rekeyed and its old SA deleted" wait_for 30 old_sa_gone
lab "$NAME" ping 1 2 >/dev/null 2>&1
scrape "$PORT" >"$tmp/on-2.prom"
scrape "$OFF" >"$tmp/off-2.prom"
scrape "$HASH" >"$tmp/hash.prom"
check "the KLIPS SA is gone from the second scrape" \
	grep -q '^ipsec_klips_sas{protocol="esp",direction="in"} 1$' "$tmp/off-2.prom"
vocab() { # vocab NAME ARGS...: the checker's lines in the log, its verdict a check
	local what=$1 out rc; shift
	out=$("${VOCAB[@]}" "$@" 2>&1); rc=$?
	sed 's/^/#   /' <<<"$out"
	check "vocabulary: $what$( [ $rc = 0 ] || grep '^not ok' <<<"$out" | head -3 | tr '\n' ' ')" test "$rc" = 0
}
vocab "peer labels on, across a rekey" --docs "$E2E_ROOT/docs/metrics.md" "$tmp/on-1.prom" "$tmp/on-2.prom"
vocab "peer labels off, across a rekey and a KLIPS SA's deletion" --no-peer-labels "${PEERS[@]}" \
	"$tmp/off-1.prom" "$tmp/off-2.prom"
vocab "redact: hash" --redacted "${PEERS[@]}" "$tmp/hash.prom"
# the checker can fail: an old label name, a counter that fell, a raw peer
sed 's/protocol=/proto=/' "$tmp/on-2.prom" >"$tmp/bad-name.prom"
check "the checker fails on proto=" bash -c '! "$@" >/dev/null' _ "${VOCAB[@]}" "$tmp/bad-name.prom"
check "the checker fails on a _total that fell" bash -c '! "$@" >/dev/null' _ "${VOCAB[@]}" "$tmp/on-2.prom" "$tmp/on-1.prom"
check "the checker fails on a raw peer with --redacted" \
	bash -c '! "$@" >/dev/null' _ "${VOCAB[@]}" --redacted "${PEERS[@]}" "$tmp/on-2.prom"

logged() { [ "$(metric "$(scrape "$PORT")" ikewatch_log_lines_total)" -ge 1 ]; }
wait_for 10 logged
m=$(scrape "$PORT")
check "VICI log lines are being read ($(metric "$m" ikewatch_log_lines_total))" \
	test "$(metric "$m" ikewatch_log_lines_total)" -ge 1
check "the followed file is open" test "$(metric "$m" 'ikewatch_log_files{state="open"}')" = 1
e2e_finish catalog
