#!/usr/bin/env bash
# Remediation state survives a restart of ikewatch (issue 15, item 9), with
# the real lab's charon: a cooldown started before ikewatch restarts still
# holds after it (remediation.state_file); without the file the restarted
# daemon acts again at once (the old behaviour, and the reason for it); an
# unreadable state file holds every action for a cooldown rather than
# forgetting it.
source "$(dirname "$0")/lib.sh"
T=remediate_restart
NAME=e2err$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 || { fail "lab up"; e2e_finish "$T"; exit 1; }
VICI=$(lab_vici "$NAME")
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$tmp/token"
chmod 600 "$tmp/token"
TOKEN=$(cat "$tmp/token")
STATE=$tmp/state/remediation.state
mkdir -p "$tmp/state"
cat >"$tmp/with.yml" <<YML
remediation:
  enabled: true
  dry_run: false
  token_file: $tmp/token
  audit_log: $tmp/audit.jsonl
  state_file: $STATE
  conns: ["tun*"]
  checks: 1
  check_interval: 1s
  recheck_delay: 2s
  initiate_timeout: 3s
  cooldown: 10m
  diagnostics:
    directory: $tmp/diag
YML
grep -v state_file "$tmp/with.yml" >"$tmp/without.yml"

# audit_count CONN DECISION REASON: lines of the audit log with these fields
audit_count() {
	python3 - "$tmp/audit.jsonl" "$@" <<'PY'
import json, sys
f, conn, dec, why = sys.argv[1:5]
n = 0
try:
    for line in open(f):
        e = json.loads(line)
        n += e["conn"] == conn and e["decision"] == dec and e["reason"] == why
except FileNotFoundError:
    pass
print(n)
PY
}
audit_reaches() { test "$(audit_count "$2" "$3" "$4")" -ge "$1"; }
fire() { # fire PORT: Alertmanager's webhook for tun1 being down
	curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
		-H "Authorization: Bearer $TOKEN" --data @- \
		"http://127.0.0.1:$1/api/v1/alertmanager" <<'JSON'
{"version":"4","status":"firing","receiver":"ikewatch","groupKey":"{}","alerts":[{"status":"firing","labels":{"alertname":"IPsecIKESADown","conn":"tun1","severity":"critical"},"annotations":{},"startsAt":"2026-12-05T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"a1"}]}
JSON
}
tun1_down() { lab "$NAME" swanctl hub --terminate --ike tun1 >/dev/null 2>&1; }
stop_daemon() { kill "$IKW_PID" 2>/dev/null; wait "$IKW_PID" 2>/dev/null; }

# ---- 1. acts, and writes the state file
start_ikewatch PORT --vici.socket="$VICI" --config.file="$tmp/with.yml"
tun1_down
fire "$PORT"
check "tun1 down: re-initiated (acted, fixed)" wait_for 40 audit_reaches 1 tun1 acted fixed
stop_daemon
acted1=$(audit_count tun1 acted fixed)   # the action's line and the decision's
check "the state file names tun1's last action" grep -q "^conn 74756e31 [0-9]" "$STATE"
check "the state file is 0600" test "$(stat -c %a "$STATE")" = 600

# ---- 2. restarted: the cooldown (10 min) started before still holds
tun1_down
start_ikewatch PORT --vici.socket="$VICI" --config.file="$tmp/with.yml"
check "the restarted daemon restored its state" \
	grep -q "remediation: state restored from $STATE (1 conns" "$E2E_OUT/ikewatch-$PORT.log"
fire "$PORT"
check "restarted within the cooldown: skipped (cooldown)" wait_for 20 audit_reaches 1 tun1 skipped cooldown
check "...and not acted again" test "$(audit_count tun1 acted fixed)" = "$acted1"
stop_daemon

# ---- 3. the same without a state file: the restart forgot, and it acts
start_ikewatch PORT --vici.socket="$VICI" --config.file="$tmp/without.yml"
check "without state_file: a warning says restarts forget" \
	grep -q "remediation.state_file is not set" "$E2E_OUT/ikewatch-$PORT.log"
fire "$PORT"
check "without state_file: acts again inside the cooldown (what the file prevents)" \
	wait_for 40 audit_reaches $((acted1 + 1)) tun1 acted fixed
stop_daemon
sleep 1
acted3=$(audit_count tun1 acted fixed)

# ---- 4. a garbled state file: every action held for a cooldown
printf 'ikewatch-remediation 2\nhost 0 0\nconn zz 1\nend\n' >"$STATE"
tun1_down
start_ikewatch PORT --vici.socket="$VICI" --config.file="$tmp/with.yml"
check "a garbled state file: an error naming the line" \
	grep -q "remediation: $STATE: line 3: malformed; holding every action" "$E2E_OUT/ikewatch-$PORT.log"
fire "$PORT"
check "a garbled state file: skipped (cooldown), not acted" wait_for 20 audit_reaches 2 tun1 skipped cooldown
check "...and no action since" test "$(audit_count tun1 acted fixed)" = "$acted3"
lab "$NAME" swanctl hub --initiate --child net1 --timeout 5 >/dev/null 2>&1
e2e_finish "$T"
