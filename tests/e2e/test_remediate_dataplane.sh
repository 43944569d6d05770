#!/usr/bin/env bash
# Remediation of a tunnel that is up but carries nothing (issue 21,
# docs/remediation.md "The data-plane ladder"), end to end with the real
# parts: the lab's charons, ikewatch served over TLS with a required client
# certificate, a real Prometheus scraping it over https and evaluating the
# shipped IPsecChildSAProbeFailing rule (its `for:` shortened), and a real
# Alertmanager posting to the webhook over https with a client certificate
# and the bearer token.  Policy time runs 30 times faster.
# - A stale SA: the peer drops ESP of tun2's current inbound SPI only (as if
#   it had lost that SA while charon still lists it).  The probe fails, the
#   alert fires, ikewatch confirms with a fresh probe run, writes the
#   bundle, rekeys the CHILD SA (step 1): new SPIs pass, fixed.
# - ESP dropped by a firewall rule: rekey_child and rekey_ike do not fix it,
#   the restart command runs once (not fixed), the next alerts find the
#   restart held back by its rate limit, and every ending reaches the
#   on-call webhook with the steps taken.
# - An alert for a conn without a probe: skipped (no_probe), nothing done.
# Lab: 3 tunnels over 2 peers (tun1, tun3 on p1; tun2 on p2).  Traffic only
# to the lab's namespaces; rules and processes removed on exit.
source "$(dirname "$0")/lib.sh"

T=remediate_dataplane
NAME=e2erd$$
NAME=${NAME:0:12}
HUB=$NAME-hub P2=$NAME-p2
SCALE=30
ALERTMANAGER=${ALERTMANAGER:-$(command -v prometheus-alertmanager || echo /usr/bin/prometheus-alertmanager)}
tmp=$(mktemp -d)
trap 'ip netns exec "$P2" nft delete table inet ikw_espdrop 2>/dev/null
	ip netns exec "$P2" nft delete table inet ikw_stale 2>/dev/null
	e2e_cleanup; rm -rf "$tmp"' EXIT
for c in "$ALERTMANAGER" nft openssl; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish $T; exit 1; }
done
lab_up "$NAME" --tunnels 3 --peers 2 || { fail "lab up"; e2e_finish $T; exit 1; }
VICI=$(lab_vici "$NAME")

# ---- certificates: a CA, ikewatch's server certificate, one client's ----------
e2e_certs "$tmp" monitoring || { fail "openssl made the certificates"; e2e_finish $T; exit 1; }
cat >"$tmp/web.yml" <<YML
tls_server_config:
  cert_file: $tmp/srv.crt
  key_file: $tmp/srv.key
  client_ca_file: $tmp/ca.crt
  client_auth_type: RequireAndVerifyClientCert
YML
TLS=(--cacert "$tmp/ca.crt" --cert "$tmp/cli.crt" --key "$tmp/cli.key")

# ---- the on-call receiver (plain http on loopback) and the restart command ----
HOOK=$tmp/notify.jsonl
: >"$HOOK"
HP=$(free_port)
cat >"$tmp/hook.py" <<'PY'
import http.server, sys
port, log = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(log, "ab") as f:
            f.write(body.strip() + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
python3 "$tmp/hook.py" "$HP" "$HOOK" 2>"$tmp/hook.err" &
E2E_PIDS+=("$!")
# a restart that changes nothing: charon keeps running, the fault stays
printf '#!/bin/sh\ndate +%%s >>"%s/restarts.log"\nexit 0\n' "$tmp" >"$tmp/restart.sh"
chmod 755 "$tmp/restart.sh"

# ---- ikewatch: probes through tun1 and tun2 (not tun3), remediation acting ----
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$tmp/token"
chmod 600 "$tmp/token"
TOKEN=$(cat "$tmp/token")
cat >"$tmp/ikewatch.yml" <<YML
probes:
  defaults: {netns: $HUB, interval: 2s, timeout: 1s, failing_after: 2}
  list:
    - {conn: tun1, child: net1, name: ping, target_offset: 0}
    - {conn: tun2, child: net2, name: ping, target_offset: 0}
remediation:
  enabled: true
  dry_run: false
  token_file: $tmp/token
  audit_log: $tmp/audit.jsonl
  conns: ["tun*"]
  recheck_delay: 60s          # 2 s real
  initiate_timeout: 5s
  cooldown: 2m                # 4 s real
  global_max_faulty: 2
  time_scale: $SCALE
  diagnostics:
    directory: $tmp/diag
    commands:
      - [ip, netns, exec, $HUB, ip, -s, xfrm, state]
  restart:
    command: [$tmp/restart.sh]
    timeout: 20s
    min_interval: 30m         # 60 s real: the next restart waits
    backoff_max: 2h
    settle: 30s
    day_cap: 4
  notify:
    url: http://127.0.0.1:$HP/oncall
YML
PORT=$(free_port)
"$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --web.listen-address="127.0.0.1:$PORT" --web.config.file="$tmp/web.yml" \
	--vici.socket="$VICI" --vici.timeout=5s --config.file="$tmp/ikewatch.yml" \
	>"$E2E_OUT/ikewatch-$PORT.log" 2>&1 &
E2E_PIDS+=("$!")
LOG=$E2E_OUT/ikewatch-$PORT.log
URL=https://127.0.0.1:$PORT
check "ikewatch serves over TLS with a required client certificate" \
	wait_for 10 curl -fsS -o /dev/null "${TLS[@]}" "$URL/-/healthy"
check "...and refuses a client without one" bash -c '! curl -fsS -o /dev/null --cacert "$1" "$2/metrics" 2>/dev/null' _ "$tmp/ca.crt" "$URL"

# ---- Alertmanager: IPsecChildSAProbeFailing to the webhook, over https -------
AMP=$(free_port)
cat >"$tmp/alertmanager.yml" <<YML
route:
  receiver: none
  group_by: ['...']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 3s
  routes:
    - matchers: ['alertname=~"IPsecChildSAProbeFailing"']
      receiver: ikewatch-remediation
receivers:
  - name: none
  - name: ikewatch-remediation
    webhook_configs:
      - url: $URL/api/v1/alertmanager
        send_resolved: false
        max_alerts: 8
        http_config:
          authorization:
            type: Bearer
            credentials_file: $tmp/token
          tls_config:
            ca_file: $tmp/ca.crt
            cert_file: $tmp/cli.crt
            key_file: $tmp/cli.key
YML
"$ALERTMANAGER" --config.file="$tmp/alertmanager.yml" --storage.path="$tmp/am" \
	--web.listen-address="127.0.0.1:$AMP" --cluster.listen-address= \
	>"$E2E_OUT/alertmanager-$NAME.log" 2>&1 &
E2E_PIDS+=("$!")
check "alertmanager is ready" wait_for 10 curl -fsS -o /dev/null "http://127.0.0.1:$AMP/-/ready"

# ---- Prometheus: the shipped rules (the alert's for: 1m -> 2s), https scrape --
cp "$E2E_ROOT/deploy/prometheus/ikewatch-recording.rules.yml" "$tmp/"
python3 - "$E2E_ROOT/deploy/prometheus/ikewatch-alerts.rules.yml" "$tmp/ikewatch-alerts.rules.yml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
# only the alert under test fires fast; the rest keep their own for:
head, sep, rest = text.partition("- alert: IPsecChildSAProbeFailing")
rest = re.sub(r"\n        for: 1m\n", "\n        for: 2s\n", rest, count=1)
open(sys.argv[2], "w").write(head + sep + rest)
PY
PROM_AM=127.0.0.1:$AMP PROM_SCRAPE_TLS="$tmp" prom_start PP rd "127.0.0.1:$PORT"
PROM=http://127.0.0.1:$PP
prom_up() {
	curl -fsS "$PROM/api/v1/query?query=up" | grep -q '"value":\[[0-9.]*,"1"\]'
}
check "prometheus scrapes ikewatch over https with its client certificate" wait_for 30 prom_up

# ---- helpers ------------------------------------------------------------------
status_json() { curl -fsS --max-time 10 "${TLS[@]}" "$URL/api/v1/status"; }
# child_spi CONN DIR: the SPI (hex) of the conn's first installed CHILD SA
child_spi() {
	status_json | python3 -c '
import json, sys
v = json.load(sys.stdin)
for c in v["connections"]:
    if c["name"] == sys.argv[1]:
        for ike in c.get("ike_sas", []):
            for ch in ike.get("child_sas", []):
                if ch.get("state") == "INSTALLED":
                    print(ch[sys.argv[2]]["spi"]); sys.exit(0)
sys.exit(1)' "$1" "$2"
}
attention() {
	status_json | python3 -c '
import json, sys
v = json.load(sys.stdin)
print([c["attention"] for c in v["connections"] if c["name"] == sys.argv[1]][0])' "$1"
}
attention_is() { [ "$(attention "$1")" = "$2" ]; }
# audit_has CONN DECISION REASON [ACTION RESULT [STEP]]: such an audit line
audit_has() {
	python3 - "$tmp/audit.jsonl" "$@" <<'PY'
import json, sys
f, conn, dec, why = sys.argv[1:5]
act = sys.argv[5:]
for line in open(f):
    e = json.loads(line)
    if e["conn"] != conn or e["decision"] != dec or not __import__("re").fullmatch(why, e["reason"]):
        continue
    if act and (e.get("action") != act[0] or e.get("result") != act[1]):
        continue
    if len(act) > 2 and str(e.get("step")) != act[2]:
        continue
    sys.exit(0)
sys.exit(1)
PY
}
wait_audit() { local t=$1; shift; wait_for "$t" audit_has "$@" 2>/dev/null; }
# decision CONN DECISION REASON KEY: KEY of the last such decision line
decision() {
	python3 - "$tmp/audit.jsonl" "$@" <<'PY'
import json, re, sys
f, conn, dec, why, key = sys.argv[1:6]
hit = None
for line in open(f):
    e = json.loads(line)
    if e["conn"] == conn and e["decision"] == dec and re.fullmatch(why, e["reason"]) \
       and "action" not in e:
        hit = e
print(hit.get(key, "") if hit else "")
PY
}
m=""
metrics() { m=$(curl -fsS --max-time 10 "${TLS[@]}" "$URL/metrics"); }

check "both probed tunnels pass at first" wait_for 20 bash -c \
	'curl -fsS "${@:2}" "$1/metrics" | grep -q "^ipsec_probe_success{conn=\"tun2\".*} 1$"' _ "$URL" "${TLS[@]}"

# ---- a stale SA: the peer drops ESP of tun2's current SPI only ----------------
SPI=$(child_spi tun2 out)
check "tun2's outbound SPI read from the status JSON ($SPI)" test -n "$SPI"
ip netns exec "$P2" nft -f - <<NFT
table inet ikw_stale {
	chain in {
		type filter hook input priority 0;
		udp dport 4500 @th,64,32 0x$SPI drop
	}
}
NFT
t0=$SECONDS
check "stale SA: tun2 turns probe_failing (its SAs still up)" wait_for 30 attention_is tun2 probe_failing
check "...the alert reaches ikewatch over https, confirmed by a fresh probe, fixed by a CHILD rekey" \
	wait_audit 90 tun2 acted fixed rekey_child ok 1
e2e_log "stale SA: fault to fixed in $((SECONDS - t0))s"
check "...the decision: alertmanager's IPsecChildSAProbeFailing, steps 'rekey_child: fixed'" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["conn"] == "tun2" and e["decision"] == "acted" and e["reason"] == "fixed" and "action" not in e:
        ok = e["source"] == "alertmanager" and e["alertname"] == "IPsecChildSAProbeFailing" \
             and e.get("steps") == "rekey_child: fixed" and "afresh" in e.get("seen", "")
        sys.exit(0 if ok else 1)
sys.exit(1)' "$tmp/audit.jsonl"
diag=$(decision tun2 acted fixed diagnostics)
check "...diagnostics written before step 1 ($diag)" test -n "$diag" -a -f "$diag/summary.json"
check "...the bundle saw the fresh probe fail" grep -q 'probe_failing afresh' "$diag/summary.json"
NEW=$(child_spi tun2 out)
check "...tun2 has a new SPI ($SPI -> $NEW)" test -n "$NEW" -a "$NEW" != "$SPI"
check "...and is ok again" wait_for 20 attention_is tun2 ok
metrics
check "...ipsec_remediation_steps_total{rekey_child, fixed} 1" \
	test "$(metric "$m" 'ipsec_remediation_steps_total{conn="tun2",step="rekey_child",result="fixed"}')" = 1
check "...ipsec_remediation_actions_total{rekey_child, ok} 1" \
	test "$(metric "$m" 'ipsec_remediation_actions_total{conn="tun2",action="rekey_child",result="ok"}')" = 1
check "...no IKE rekey and no restart" bash -c '! grep -q "\"action\":\"\(rekey_ike\|restart\)\"" "$1" && [ ! -s "$2" ]' \
	_ "$tmp/audit.jsonl" "$tmp/restarts.log"
check "...the on-call webhook got the fix with its steps" grep -q '"steps":"rekey_child: fixed"' "$HOOK"
ip netns exec "$P2" nft delete table inet ikw_stale

# ---- ESP dropped: nothing but a human fixes it ------------------------------------
sleep 5   # on purpose: tun2's cooldown (2 min policy time) runs out first
esp_drop "$P2"
t0=$SECONDS
check "ESP dropped: the rekeys do not fix it, the restart runs once, not fixed" \
	wait_audit 120 tun2 acted not_fixed restart failed 3
e2e_log "ESP dropped: fault to restart in $((SECONDS - t0))s"
check "...rekey_child (step 1) and rekey_ike (step 2) ran first" bash -c \
	'grep -q "\"action\":\"rekey_child\",\"result\":\"failed\",\"step\":1" "$1" &&
	 grep -q "\"action\":\"rekey_ike\",\"result\":\"failed\",\"step\":2" "$1"' _ "$tmp/audit.jsonl"
check "...the decision lists the steps" test "$(decision tun2 acted not_fixed steps)" = \
	"rekey_child: not_fixed, rekey_ike: not_fixed, restart: not_fixed"
check "...the next alert: the steps again, the restart held back by its rate limit" \
	wait_audit 60 tun2 skipped 'restart_(rate_limit|backoff)'
check "...a human is told, with the steps" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("conn") == "tun2" and e.get("decision") == "skipped" and e.get("reason", "").startswith("restart_") \
       and e.get("steps") == "rekey_child: not_fixed, rekey_ike: not_fixed, restart: skipped":
        sys.exit(0)
sys.exit(1)' "$HOOK"
check "...the restart command ran exactly once" test "$(wc -l <"$tmp/restarts.log")" = 1
check "...tun2's SAs stay up throughout" test "$(attention tun2)" = probe_failing
metrics
check "...steps_total: restart not_fixed 1, skipped >= 1, rekey_ike not_fixed >= 2" bash -c '
	[ "$(awk -v s="ipsec_remediation_steps_total{conn=\"tun2\",step=\"restart\",result=\"not_fixed\"}" "\$1 == s { print \$2 }" <<<"$1")" = 1 ] &&
	awk -v s="ipsec_remediation_steps_total{conn=\"tun2\",step=\"restart\",result=\"skipped\"}" "\$1 == s && \$2 >= 1 { f = 1 } END { exit !f }" <<<"$1" &&
	awk -v s="ipsec_remediation_steps_total{conn=\"tun2\",step=\"rekey_ike\",result=\"not_fixed\"}" "\$1 == s && \$2 >= 2 { f = 1 } END { exit !f }" <<<"$1"' _ "$m"
check "...tun1 was never touched" bash -c '! grep -q "\"conn\":\"tun1\"" "$1"' _ "$tmp/audit.jsonl"
esp_pass "$P2"
check "ESP back: tun2 ok" wait_for 30 attention_is tun2 ok

# ---- no probe to confirm with ------------------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' "${TLS[@]}" -X POST -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $TOKEN" --data \
	'{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"IPsecChildSAProbeFailing","conn":"tun3","child":"net3"}}]}' \
	"$URL/api/v1/alertmanager")
check "an alert for tun3 (no probe): accepted (202)" test "$code" = 202
check "...skipped: no_probe, nothing done" wait_audit 20 tun3 skipped no_probe
check "...no action on tun3" bash -c '! grep -q "\"conn\":\"tun3\",.*\"action\"" "$1"' _ "$tmp/audit.jsonl"
check "no sanitizer report in ikewatch's log" bash -c '! grep -q "ERROR: AddressSanitizer\|runtime error:" "$1"' _ "$LOG"

e2e_finish $T
