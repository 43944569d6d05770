#!/usr/bin/env bash
# The event log (events.log_file) against a real lab: a flap, a CHILD and an
# IKE rekey, a wrong PSK and a CHILD proposal mismatch each appear in the
# file as they happen, in the order they were made, and in the end every
# line matches ikewatch's own counters exactly (no event missing, none
# twice); peers are hashed (--collector.redact=hash) the way the metrics
# hash them; logrotate's `mv` + SIGHUP moves the writer to a new file
# without losing or repeating a line; the file is 0640 and valid JSON Lines;
# each remediation decision of the audit log has its line.
# IKWLAB_STRONGSWAN=6 runs it on charon 6, where the alert events are
# logged too and match ipsec_alerts_total.
source "$(dirname "$0")/lib.sh"

T=eventlog
NAME=e2eel$$
NAME=${NAME:0:12}
CHECKPY="$E2E_ROOT/tests/e2e/eventlog_check.py"
lab_up "$NAME" --tunnels 2 --peers 1 || { fail "lab up"; e2e_finish $T; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
LOG=$tmp/events.log
head -c 32 /dev/urandom | base64 >"$tmp/salt"
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$tmp/token"
chmod 600 "$tmp/salt" "$tmp/token"
cat >"$tmp/ikewatch.yml" <<YML
events:
  log_file: $LOG
logs:
  vici_log: true
remediation:
  enabled: true
  token_file: $tmp/token
  audit_log: $tmp/audit.jsonl
  conns: ["tun*"]
  diagnostics: {directory: $tmp/diag}
YML
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" \
	--collector.redact=hash --collector.redact.salt-file="$tmp/salt"
stream_up() { [ "$(metric "$(scrape "$PORT")" ikewatch_event_stream_up)" = 1 ]; }
check "event stream up" wait_for 10 stream_up
check "the event log exists" test -f "$LOG"
check "the event log is 0640 ($(stat -c %a "$LOG" 2>/dev/null))" test "$(stat -c %a "$LOG" 2>/dev/null)" = 640
check "nothing logged before anything happened" test ! -s "$LOG"

nlines() { cat "$@" 2>/dev/null | wc -l; }
# has_lines N FILE...: at least N lines in the files
has_lines() { local n=$1; shift; [ "$(nlines "$@")" -ge "$n" ]; }
# step_kinds FROM TO: "event conn child reason" of the lines FROM..TO-1
step_kinds() { python3 "$CHECKPY" kinds "$LOG" "$1" "$2"; }
# first_line PATTERN LINES: the number of the first line matching (or 999)
first_line() { grep -n -m1 -- "$1" <<<"$2" | cut -d: -f1 || true; }
before() { # before A B LINES: A's first line precedes B's
	local a b
	a=$(first_line "$1" "$3"); b=$(first_line "$2" "$3")
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}

# ---- step 1: tun2 flaps (the hub terminates it, the peer brings it back)
n0=$(nlines "$LOG")
lab "$NAME" swanctl hub --terminate --ike tun2 >/dev/null 2>&1
lab "$NAME" swanctl p1 --initiate --child net2 >/dev/null 2>&1
check "the flap's four events are logged" wait_for 15 has_lines $((n0 + 4)) "$LOG"
sleep 1   # nothing more should come
n1=$(nlines "$LOG")
k=$(step_kinds "$n0" "$n1")
sed 's/^/# step 1: /' <<<"$k"
check "step 1: exactly four lines" test "$((n1 - n0))" = 4
check "step 1: ike_down tun2" grep -qx 'ike_down tun2 - -' <<<"$k"
check "step 1: child_down tun2/net2" grep -qx 'child_down tun2 net2 -' <<<"$k"
check "step 1: ike_up tun2" grep -qx 'ike_up tun2 - -' <<<"$k"
check "step 1: child_up tun2/net2" grep -qx 'child_up tun2 net2 -' <<<"$k"
check "step 1: down before up (IKE)" before '^ike_down' '^ike_up' "$k"
check "step 1: down before up (CHILD)" before '^child_down' '^child_up' "$k"

# ---- step 2: a CHILD rekey, then an IKE rekey of tun1
lab "$NAME" swanctl hub --rekey --child net1 >/dev/null 2>&1
check "the CHILD rekey is logged" wait_for 15 has_lines $((n1 + 1)) "$LOG"
lab "$NAME" swanctl hub --rekey --ike tun1 >/dev/null 2>&1
check "the IKE rekey is logged" wait_for 15 has_lines $((n1 + 2)) "$LOG"
sleep 1
n2=$(nlines "$LOG")
k=$(step_kinds "$n1" "$n2")
sed 's/^/# step 2: /' <<<"$k"
check "step 2: child_rekey tun1/net1, then ike_rekey tun1, nothing else" \
	test "$k" = $'child_rekey tun1 net1 -\nike_rekey tun1 - -'
rk=$(sed -n "$((n1 + 1))p" "$LOG")
check "the CHILD rekey names the new and the old SA (ids, SPIs)" \
	python3 -c 'import json,sys; o=json.loads(sys.argv[1]); sys.exit(not (o["child_id"] != o["old_child_id"] and o["spi_in"] != o["old_spi_in"] and len(o["spi_out"]) == 8 and o["ike_id"] > 0))' "$rk"

# ---- step 3: failures (wrong PSK, CHILD proposal mismatch)
lab_extend "$NAME" "$tmp" failing_conns
scrape "$PORT" >/dev/null   # failures count only under conns a collection saw
lab "$NAME" swanctl p1 --initiate --child badpsknet --timeout 10 >/dev/null 2>&1
lab "$NAME" swanctl p1 --initiate --child badpropnet --timeout 10 >/dev/null 2>&1
failed_logged() {
	grep -q '"event":"failure","conn":"badpsk".*"reason":"auth_failed"' "$LOG" &&
		grep -q '"event":"failure","conn":"badprop".*"reason":"no_proposal_chosen"' "$LOG"
}
check "the wrong PSK and the proposal mismatch are logged as failures" wait_for 15 failed_logged
if [ "${IKWLAB_STRONGSWAN:-5}" = 6 ]; then
	check "charon 6: the alerts are logged (local-auth-failed under badpsk)" \
		grep -q '"event":"alert","conn":"badpsk".*"alert":"local-auth-failed"' "$LOG"
	check "charon 6: proposal-mismatch-child under badprop" \
		grep -q '"event":"alert","conn":"badprop".*"alert":"proposal-mismatch-child"' "$LOG"
else
	check "charon 5.9.8: no alert lines" bash -c '! grep -q "\"event\":\"alert\"" "$1"' _ "$LOG"
fi
# remediation: an alert for a conn charon does not have, and a malformed
# payload, posted to the webhook: refused, audited, and logged
hook() {
	curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
		-H "Authorization: Bearer $(cat "$tmp/token")" --data "$1" \
		"http://127.0.0.1:$PORT/api/v1/alertmanager"
}
hook '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"IPsecIKESADown","conn":"tunX"}}]}'
hook '{"version":"4","status":"firing","alerts":[{'
remediated() { grep -q '"event":"remediation","conn":"tunX".*"reason":"unknown_conn"' "$LOG" &&
	grep -q '"event":"remediation","conn":"".*"reason":"bad_payload"' "$LOG"; }
check "the remediation decisions are logged (unknown_conn, bad_payload)" wait_for 10 remediated
same_as_audit() {
	python3 - "$tmp/audit.jsonl" "$LOG" <<'PY'
import json, sys
audit = [(o["conn"], o["decision"], o["reason"]) for o in map(json.loads, open(sys.argv[1]))]
ev = [(o["conn"], o["decision"], o.get("reason", "")) for o in map(json.loads, open(sys.argv[2]))
      if o["event"] == "remediation"]
print("# audit", audit, "event log", ev)
sys.exit(audit != ev)
PY
}
check "one remediation line per audit line, the same decisions in the same order" same_as_audit
sleep 2
n3=$(nlines "$LOG")
step_kinds "$n2" "$n3" | sed 's/^/# step 3: /'

# ---- step 4: logrotate: mv, SIGHUP; then a CHILD flap of tun1 goes to the new file
mv "$LOG" "$LOG.1"
kill -HUP "$IKW_PID"
reopened() { [ "$(metric "$(scrape "$PORT")" ikewatch_event_log_reopens_total)" = 1 ]; }
check "SIGHUP reopened the file (ikewatch_event_log_reopens_total 1)" wait_for 10 reopened
check "the daemon is still running after SIGHUP" kill -0 "$IKW_PID"
check "a new file at the path" test -f "$LOG"
check "the new file is 0640" test "$(stat -c %a "$LOG" 2>/dev/null)" = 640
lab "$NAME" swanctl hub --terminate --child net1 >/dev/null 2>&1
lab "$NAME" swanctl hub --initiate --child net1 >/dev/null 2>&1
check "the flap of net1 is in the new file" wait_for 15 has_lines 2 "$LOG"
sleep 1
check "the old file got nothing after the move ($(nlines "$LOG.1") lines, $n3 before)" \
	test "$(nlines "$LOG.1")" = "$n3"
k=$(python3 "$CHECKPY" kinds "$LOG" 0 100)
sed 's/^/# step 4: /' <<<"$k"
check "step 4: child_down then child_up of tun1/net1, nothing else" \
	test "$k" = $'child_down tun1 net1 -\nchild_up tun1 net1 -'

sed -n '1p;$p' "$LOG.1" | sed 's/^/# sample: /'

# ---- every event exactly once: the lines against the counters
m=$(scrape "$PORT")
printf '%s\n' "$m" >"$tmp/scrape.txt"
out=$(python3 "$CHECKPY" compare "$tmp/scrape.txt" "$LOG.1" "$LOG"); rc=$?
sed 's/^/# /' <<<"$out"
check "every counted event, failure and alert has exactly one line" test "$rc" = 0
out=$(python3 "$CHECKPY" valid "$LOG.1" "$LOG"); rc=$?
[ -n "$out" ] && sed 's/^/# /' <<<"$out"
check "every line is one JSON object with time, ts, event, conn; ts never goes back" test "$rc" = 0
total=$(nlines "$LOG.1" "$LOG")
check "ikewatch_event_log_lines_total{output=\"file\"} = the lines in both files ($total)" \
	test "$(metric "$m" 'ikewatch_event_log_lines_total{output="file"}')" = "$total"
for r in queue_full no_memory write_error; do
	check "nothing dropped ($r)" test "$(metric "$m" "ikewatch_event_log_dropped_total{reason=\"$r\"}")" = 0
done
check "no errors" test "$(metric "$m" 'ikewatch_event_log_errors_total{output="file"}')" = 0
check "nothing queued" test "$(metric "$m" ikewatch_event_log_queued_lines)" = 0

# ---- redaction: hashed as in the metrics, never the address or the identity
out=$(python3 "$CHECKPY" peers "$LOG.1" "$LOG"); rc=$?
[ "$rc" = 0 ] || sed 's/^/# /' <<<"$out"
check "every remote_addr and remote_id is a hash" test "$rc" = 0
check "the peer's address is nowhere in the log" bash -c '! grep -q "192\.0\.2\.11" "$1" "$2"' _ "$LOG.1" "$LOG"
check "the peer's identity is nowhere in the log" bash -c '! grep -q "peer-tun1\|peer-badpsk" "$1" "$2"' _ "$LOG.1" "$LOG"
hash=$(sed -n 's/.*"remote_addr":"\(peer-[0-9a-f]*\)".*/\1/p' "$LOG" | head -1)
check "the address's hash ($hash) is the one the metrics show" \
	grep -q "^ipsec_ike_sa_info{conn=\"tun1\".*remote_host=\"$hash\"" "$tmp/scrape.txt"
check "the hub's own address stays (local_addr, as in metrics)" grep -q '"local_addr":"192.0.2.1"' "$LOG"
check "no sanitizer report in the daemon's log" \
	bash -c '! grep -q "ERROR: AddressSanitizer\|runtime error:" "$1"' _ "$E2E_OUT/ikewatch-$PORT.log"
e2e_finish $T
