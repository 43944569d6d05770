#!/usr/bin/env bash
# Remediation (docs/remediation.md) against the real lab and a real
# prometheus-alertmanager that posts to ikewatch's webhook with a bearer
# token.  Policy time runs 60 times faster (remediation.time_scale), so a
# simulated hour is a minute:
# - refused: no token, malformed JSON, an oversized body, an alert for a
#   conn charon does not have; a clear log line each, nothing done;
# - a blip that heals before the persistence checks complete: nothing done,
#   the audit log says "healed";
# - a tunnel terminated on the hub: confirmed, diagnostics written,
#   re-initiated, the next scrape shows it up; audit log and metrics;
# - many tunnels down at once: escalated, nothing done, the outgoing
#   webhook (https with a client certificate and a bearer token, a python
#   ssl receiver) carries the escalation;
# - dry-run (a second daemon): decisions logged, nothing changed;
# - without Alertmanager (a third daemon, dry-run, self_check): the dead
#   peer's tun4 is found, confirmed and logged by its own trigger;
# - a peer that stays dead: re-initiation fails, the restart command (a
#   script that restarts the lab's hub charon only) runs once, the backoff
#   doubles, the daily cap holds over the simulated hour.
source "$(dirname "$0")/lib.sh"

NAME=e2erm$$
NAME=${NAME:0:12}
SCALE=60
ALERTMANAGER=${ALERTMANAGER:-$(command -v prometheus-alertmanager || echo /usr/bin/prometheus-alertmanager)}
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
for c in "$ALERTMANAGER" amtool; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish remediate; exit 1; }
done

lab_up "$NAME" --tunnels 4 --peers 2 || { fail "lab up"; e2e_finish remediate; exit 1; }
VICI=$(lab_vici "$NAME")
HUB=$NAME-hub

# ---- the outgoing webhook's receiver: https, a client certificate required ----
# (a CA, the receiver's certificate for IP 127.0.0.1, ikewatch's client
# certificate), and a bearer token that each line records as "_auth"
HOOK=$tmp/notify.jsonl
: >"$HOOK"
HP=$(free_port)
mk() { openssl "$@" >/dev/null 2>&1; }
( cd "$tmp" &&
  mk req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=hook-ca -keyout hca.key -out hca.crt &&
  mk req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
	-keyout hsrv.key -out hsrv.csr &&
  printf 'subjectAltName=IP:127.0.0.1\n' >hsrv.ext &&
  mk x509 -req -in hsrv.csr -CA hca.crt -CAkey hca.key -CAcreateserial -days 2 \
	-extfile hsrv.ext -out hsrv.crt &&
  mk req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=ikewatch \
	-keyout hcli.key -out hcli.csr &&
  mk x509 -req -in hcli.csr -CA hca.crt -CAkey hca.key -CAcreateserial -days 2 \
	-out hcli.crt && chmod 600 hca.key hsrv.key hcli.key ) ||
	{ fail "openssl made the webhook's certificates"; e2e_finish remediate; exit 1; }
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$tmp/hook.token"
chmod 600 "$tmp/hook.token"
cat >"$tmp/hook.py" <<'PY'
import http.server, json, ssl, sys
port, log, d = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            e = json.loads(body)
        except ValueError:
            e = {"invalid": body.decode("utf-8", "replace")}
        e["_auth"] = self.headers.get("Authorization")
        with open(log, "a") as f:
            f.write(json.dumps(e) + "\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(d + "/hsrv.crt", d + "/hsrv.key")
ctx.load_verify_locations(d + "/hca.crt")
ctx.verify_mode = ssl.CERT_REQUIRED
srv = http.server.HTTPServer(("127.0.0.1", port), H)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
python3 "$tmp/hook.py" "$HP" "$HOOK" "$tmp" 2>"$tmp/hook.err" &
E2E_PIDS+=("$!")

# ---- the restart command: the lab's hub charon only; p1 reconnects ------------
cat >"$tmp/restart-hub.sh" <<SH
#!/bin/sh
date +%s >>"$tmp/restarts.log"
"$LAB" --name "$NAME" stop-charon hub >/dev/null 2>&1 || exit 1
"$LAB" --name "$NAME" start-charon hub >/dev/null 2>&1 || exit 1
# the peers' own reconnect (tunnels 1 and 3 are on p1)
"$LAB" --name "$NAME" swanctl p1 --initiate --child net1 --timeout 5 >/dev/null 2>&1
"$LAB" --name "$NAME" swanctl p1 --initiate --child net3 --timeout 5 >/dev/null 2>&1
exit 0
SH
chmod 755 "$tmp/restart-hub.sh"

# ---- two daemons: acting (A) and dry-run (B) ----------------------------------
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$tmp/token"
chmod 600 "$tmp/token"
TOKEN=$(cat "$tmp/token")
cat >"$tmp/a.yml" <<YML
logs:
  vici_log: true               # charon's recent lines go into the bundles
remediation:
  enabled: true
  dry_run: false
  token_file: $tmp/token
  audit_log: $tmp/audit-a.jsonl
  conns: ["tun*", "nosuch"]
  checks: 3
  check_interval: 60s          # 1 s real
  recheck_delay: 120s          # 2 s real
  initiate_timeout: 3s         # real: charon's own timeout
  cooldown: 10m                # 10 s real
  global_max_faulty: 2
  time_scale: $SCALE
  diagnostics:
    directory: $tmp/diag-a
    keep: 20
    commands:
      - [ip, netns, exec, $HUB, ip, route]
      - [ip, netns, exec, $HUB, ip, -s, xfrm, state]
      - [ip, netns, exec, $HUB, ip, -s, xfrm, policy]
      - [swanctl, --list-sas, --uri, unix://$VICI]
  restart:
    command: [$tmp/restart-hub.sh]
    timeout: 60s
    min_interval: 15m
    backoff_max: 6h
    settle: 60s
    day_cap: 2
  notify:
    url: https://127.0.0.1:$HP/remediation
    tls_config:
      ca_file: $tmp/hca.crt
      cert_file: $tmp/hcli.crt
      key_file: $tmp/hcli.key
    bearer_token_file: $tmp/hook.token
YML
sed -e "s|audit-a|audit-b|; s|diag-a|diag-b|; s|dry_run: false|dry_run: true|" \
	-e '/^  restart:/,/^  notify:/{/^  notify:/!d}' "$tmp/a.yml" >"$tmp/b.yml"
# C: no Alertmanager, ikewatch's own check every minute (1 s real), tun4 only
sed -e "s|audit-b|audit-c|; s|diag-b|diag-c|; s|tun\*\", \"nosuch|tun4|" \
	-e 's|^  time_scale:|  self_check: 60s\n  time_scale:|' "$tmp/b.yml" >"$tmp/c.yml"
start_ikewatch PORT --vici.socket="$VICI" --config.file="$tmp/a.yml"
start_ikewatch PORTC --vici.socket="$VICI" --config.file="$tmp/c.yml"
start_ikewatch PORTB --vici.socket="$VICI" --config.file="$tmp/b.yml"
LOGA=$E2E_OUT/ikewatch-$PORT.log
HOOKURL=http://127.0.0.1:$PORT/api/v1/alertmanager
check "remediation enabled in A (acting) and B (dry-run)" bash -c \
	'grep -q "remediation enabled on POST /api/v1/alertmanager (acting" "$1" && grep -q "(dry-run" "$2"' \
	_ "$LOGA" "$E2E_OUT/ikewatch-$PORTB.log"
m=$(scrape "$PORT")
check "remediation metrics are exported (dry_run 0)" test "$(metric "$m" ikewatch_remediation_dry_run)" = 0

# ---- Alertmanager: A by default, B for target="dry" ----------------------------
AMP=$(free_port)
AMURL=http://127.0.0.1:$AMP
cat >"$tmp/alertmanager.yml" <<YML
route:
  receiver: a
  group_by: ['...']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['target="dry"']
      receiver: b
receivers:
  - name: a
    webhook_configs:
      - url: $HOOKURL
        send_resolved: false
        max_alerts: 8
        http_config:
          authorization:
            type: Bearer
            credentials_file: $tmp/token
  - name: b
    webhook_configs:
      - url: http://127.0.0.1:$PORTB/api/v1/alertmanager
        send_resolved: false
        http_config:
          authorization:
            type: Bearer
            credentials_file: $tmp/token
YML
"$ALERTMANAGER" --config.file="$tmp/alertmanager.yml" --storage.path="$tmp/am" \
	--web.listen-address="127.0.0.1:$AMP" --cluster.listen-address= \
	>"$E2E_OUT/alertmanager-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
check "alertmanager is ready" wait_for 10 curl -fsS -o /dev/null "$AMURL/-/ready"
alert() { amtool --alertmanager.url="$AMURL" alert add "$@" >/dev/null; }

# audit_has FILE CONN DECISION REASON [ACTION RESULT]: a line with these fields
audit_has() {
	python3 - "$@" <<'PY'
import json, sys
f, conn, dec, why = sys.argv[1:5]
act = sys.argv[5:7]
for line in open(f):
    e = json.loads(line)
    if e["conn"] == conn and e["decision"] == dec and e["reason"] == why and \
       (not act or (e.get("action") == act[0] and e.get("result") == act[1])):
        sys.exit(0)
sys.exit(1)
PY
}
wait_audit() { # wait_audit SECONDS ARGS... (of audit_has)
	local t=$1; shift
	wait_for "$t" audit_has "$@" 2>/dev/null
}
conn_attention() { # conn_attention PORT CONN
	curl -fsS "http://127.0.0.1:$1/api/v1/status" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print([c["attention"] for c in v["connections"] if c["name"] == sys.argv[1]][0])' "$2"
}
wait_up() { # wait_up CONN SECONDS
	wait_for "$2" attention_is "$PORT" "$1" ok
}
attention_is() { [ "$(conn_attention "$1" "$2")" = "$3" ]; }
audit_count() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

# ---- refused input ------------------------------------------------------------
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "no token: 401" test "$(code -X POST -H 'Content-Type: application/json' --data '{}' "$HOOKURL")" = 401
check "wrong token: 401" test "$(code -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer nope-nope-nope-nope' --data '{}' "$HOOKURL")" = 401
check "GET: 405" test "$(code -H "Authorization: Bearer $TOKEN" "$HOOKURL")" = 405
check "malformed JSON: 400" test "$(code -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" --data '{"version":"4","status":"firing","alerts":[{' "$HOOKURL")" = 400
check "wrong schema version: 400" test "$(code -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" --data '{"version":"3","status":"firing","alerts":[]}' "$HOOKURL")" = 400
head -c 40000 /dev/zero | tr '\0' ' ' >"$tmp/big.json"
check "oversized body: 413" test "$(code -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" --data-binary @"$tmp/big.json" "$HOOKURL")" = 413
check "...each with a clear log line" bash -c 'grep -q "without the right token, refused" "$1" &&
	grep -q "remediation webhook from .* refused: alertmanager payload" "$1" &&
	grep -q "body over .* bytes refused (413)" "$1"' _ "$LOGA"
check "...the bad payloads are in the audit log" wait_audit 2 "$tmp/audit-a.jsonl" "" refused bad_payload
alert alertname=IPsecIKESADown conn=nosuch severity=critical
check "an alert for a conn charon does not have: refused (via Alertmanager)" \
	wait_audit 20 "$tmp/audit-a.jsonl" nosuch refused unknown_conn
check "...with a log line" grep -q "names an unknown conn 'nosuch', refused" "$LOGA"
alert alertname=IPsecIKESADown conn=other severity=critical
check "an alert for a conn outside remediation.conns: refused" \
	wait_audit 20 "$tmp/audit-a.jsonl" other refused not_allowed

# ---- a blip that heals before the checks complete --------------------------------
lab "$NAME" swanctl hub --terminate --ike tun2 >/dev/null 2>&1
alert alertname=IPsecIKESADown conn=tun2 scenario=blip
sleep 1.2   # on purpose: the tunnel stays down a moment before it heals
lab "$NAME" swanctl hub --initiate --child net2 >/dev/null 2>&1
check "blip: skipped, the audit log says healed" wait_audit 20 "$tmp/audit-a.jsonl" tun2 skipped healed
m=$(scrape "$PORT")
check "blip: no action on tun2" bash -c '! grep -q "^ipsec_remediation_actions_total{conn=\"tun2\"" <<<"$1"' _ "$m"

# ---- a tunnel terminated on the hub ------------------------------------------------
lab "$NAME" swanctl hub --terminate --ike tun1 >/dev/null 2>&1
check "tun1 is down" test "$(conn_attention "$PORT" tun1)" = down
t0=$SECONDS
alert alertname=IPsecIKESADown conn=tun1 severity=critical
check "terminated: re-initiated and fixed" wait_audit 40 "$tmp/audit-a.jsonl" tun1 acted fixed initiate ok
e2e_log "alert to fixed in $((SECONDS - t0))s"
check "...the next scrape shows tun1 up" test "$(conn_attention "$PORT" tun1)" = ok
m=$(scrape "$PORT")
check "...ipsec_remediation_actions_total{initiate, ok} 1" \
	test "$(metric "$m" 'ipsec_remediation_actions_total{conn="tun1",action="initiate",result="ok"}')" = 1
check "...ipsec_remediation_decisions_total{acted, fixed} 1" \
	test "$(metric "$m" 'ipsec_remediation_decisions_total{decision="acted",reason="fixed"}')" = 1
check "...last action timestamp set" ge "$(metric "$m" 'ipsec_remediation_last_action_timestamp_seconds{conn="tun1"}')" 1700000000
diag=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["conn"] == "tun1" and e.get("diagnostics"): print(e["diagnostics"]); break' "$tmp/audit-a.jsonl")
check "...diagnostics written ($diag)" test -n "$diag" -a -f "$diag/summary.json" -a -f "$diag/status.json"
check "...with the route, XFRM state/policy and the SA listing" bash -c \
	'ls "$1" | grep -q "ip_route.txt" && ls "$1" | grep -q "xfrm_state.txt" && ls "$1" | grep -q "xfrm_policy.txt" && grep -q "tun2" "$1"/cmd04-*' _ "$diag"
check "...the bundle is private (0700)" test "$(stat -c %a "$diag")" = 700
check "...it names the timestamp and conn" bash -c '[[ ${1##*/} =~ ^[0-9]{8}T[0-9]{6}Z-tun1$ ]]' _ "$diag"
check "...summary says what was seen" grep -q '"seen":"down' "$diag/summary.json"
check "...the bundle has tun1's metrics (down when confirmed)" \
	grep -q '^ipsec_conn_up{conn="tun1"} 0$' "$diag/metrics.txt"
check "...and charon's recent log lines of tun1 ($(wc -l <"$diag/log.txt") lines)" \
	bash -c 'grep -q "IKE_SA tun1\[" "$1" && ! grep -q "^(no " "$1"' _ "$diag/log.txt"
check "...the on-call webhook got conn, peer, what was seen and done, the bundle" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    e = e.get("body", e)
    if isinstance(e, str): e = json.loads(e)
    if e.get("conn") == "tun1" and e.get("decision") == "acted" and e.get("peer") and e.get("seen") and e.get("diagnostics"):
        sys.exit(0)
sys.exit(1)' "$HOOK"
check "...over https with the client certificate and the bearer token" python3 -c '
import json, sys
tok = open(sys.argv[2]).read().strip()
lines = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(not lines or any(e.get("_auth") != "Bearer " + tok for e in lines))' "$HOOK" "$tmp/hook.token"

# ---- many tunnels down at once: escalate, touch nothing ------------------------------
n0=$(grep -c '"action":"initiate"' "$tmp/audit-a.jsonl")
for i in 1 2 3; do lab "$NAME" swanctl hub --terminate --ike tun$i >/dev/null 2>&1; done
sleep 11   # tun1's cooldown (10 min policy time) runs out; the cap comes first anyway
alert alertname=IPsecIKESADown conn=tun3 scenario=uplink
check "many down: escalated (global_cap)" wait_audit 20 "$tmp/audit-a.jsonl" tun3 escalated global_cap
sleep 2   # on purpose: time for an initiate that must not come
check "...nothing initiated" test "$(grep -c '"action":"initiate"' "$tmp/audit-a.jsonl")" = "$n0"
check "...the tunnels stay down" test "$(conn_attention "$PORT" tun3)" = down
check "...the escalation was sent to the on-call webhook" grep -q '"escalated"' "$HOOK"
for i in 1 2 3; do lab "$NAME" swanctl hub --initiate --child net$i >/dev/null 2>&1; done

# ---- dry-run --------------------------------------------------------------------------
lab "$NAME" swanctl hub --terminate --ike tun3 >/dev/null 2>&1
alert alertname=IPsecIKESADown conn=tun3 target=dry
check "dry-run: the decision is logged" wait_audit 30 "$tmp/audit-b.jsonl" tun3 dry_run would_act
sleep 3   # on purpose: time for an action that dry-run must not take
check "...nothing changed: tun3 still down" test "$(conn_attention "$PORTB" tun3)" = down
check "...diagnostics still written" test -n "$(ls "$tmp/diag-b" 2>/dev/null)"
m=$(scrape "$PORTB")
check "...metrics say dry_run" test "$(metric "$m" 'ipsec_remediation_actions_total{conn="tun3",action="initiate",result="dry_run"}')" = 1
lab "$NAME" swanctl hub --initiate --child net3 >/dev/null 2>&1

# ---- a peer that stays dead: restart at most once, backoff, day cap ---------------------
lab "$NAME" stop-charon p2 >/dev/null 2>&1   # tunnels 2 and 4
sleep 1   # on purpose: the peer is gone a moment before the first alert
t0=$SECONDS
# a fresh alert every 3 s (Alertmanager would repeat the same one at its
# repeat_interval): most meet the cooldown or the backoff
( for i in $(seq 1 30); do alert alertname=IPsecIKESADown conn=tun4 scenario=dead n="$i"; sleep 3; done ) &   # sleep: the alerts' pace
E2E_PIDS+=("$!")
check "dead peer: re-initiation fails" wait_audit 40 "$tmp/audit-a.jsonl" tun4 acted not_fixed initiate failed
check "self check (daemon C, no alert): tun4 confirmed, dry-run decision logged" \
	wait_audit 30 "$tmp/audit-c.jsonl" tun4 dry_run would_act
check "...from its own trigger, and C acted on nothing else" python3 -c '
import json, sys
es = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(not es or any(e["source"] != "self" or e["conn"] != "tun4" for e in es))' "$tmp/audit-c.jsonl"
check "...the restart step runs and does not fix it" wait_audit 40 "$tmp/audit-a.jsonl" tun4 acted not_fixed restart failed
m=$(scrape "$PORT")
check "...backoff grew to 2 x 15 min" test "$(metric "$m" ikewatch_remediation_restart_backoff_seconds)" = 1800
check "...a second alert within the backoff: skipped (restart_backoff)" \
	wait_audit 40 "$tmp/audit-a.jsonl" tun4 skipped restart_backoff
two_restarts() { [ "$(wc -l <"$tmp/restarts.log" 2>/dev/null)" -ge 2 ]; }
check "...the second restart after 30 min policy time" wait_for 60 two_restarts
check "...then the daily cap (2) escalates" wait_audit 40 "$tmp/audit-a.jsonl" tun4 escalated restart_day_cap
# the rest of the simulated hour, and then some: no more restarts
while [ $((SECONDS - t0)) -lt 75 ]; do sleep 2; done   # on purpose: policy time passes
e2e_log "simulated $(( (SECONDS - t0) * SCALE / 60 )) minutes"
r=$(wc -l <"$tmp/restarts.log")
gap=$(awk 'NR == 1 { a = $1 } NR == 2 { print ($1 - a) * '"$SCALE"' }' "$tmp/restarts.log")
check "...2 restarts in $(( (SECONDS - t0) * SCALE / 60 )) simulated minutes ($r), $gap s policy time apart (>= 1700)" \
	test "$r" = 2 -a "${gap:-0}" -ge 1700
m=$(scrape "$PORT")
check "...ikewatch_remediation_restarts_total{failed} 2" \
	test "$(metric "$m" 'ikewatch_remediation_restarts_total{result="failed"}')" = 2
check "...backoff grew to 4 x 15 min" test "$(metric "$m" ikewatch_remediation_restart_backoff_seconds)" = 3600
check "...the restarted hub still serves tun1" wait_up tun1 20

e2e_finish remediate
