# tests/qemu/guest_pluto_ops.sh - sourced by guest_pluto.sh (inside the
# guest): remediation on a pluto gateway.  ikewatch serve watches pluto A
# with remediation acting on its own trigger (self_check, no Alertmanager),
# policy time 60x faster; conn alpha, taken down by the caller (whack
# --terminate), must be re-initiated through whack (--initiate), read up
# again, and be named by an audit line.  Uses the caller's helpers (check,
# same, metric, ikw, ctl, whack, $IKW, $WHACK, $A, $WORK, $LOGS).

# ops_wait_audit FILE CONN DECISION REASON ACTION RESULT: within 60 s, a line of
# the audit log with those fields
ops_wait_audit() {
	local i
	for i in $(seq 1 120); do
		python3 - "$@" <<'PY' && return 0
import json, sys
f, conn, outcome, reason, action, result = sys.argv[1:7]
try:
    lines = open(f).read().splitlines()
except OSError:
    sys.exit(1)
for l in lines:
    try:
        e = json.loads(l)
    except ValueError:
        continue
    if (e.get("conn") == conn and e.get("decision") == outcome and e.get("reason") == reason
            and e.get("action") == action and e.get("result") == result):
        sys.exit(0)
sys.exit(1)
PY
		sleep 0.5
	done
	return 1
}

# ops_wait_metric PORT SERIES WANT: waits up to 20 s until the scrape of the
# serve on PORT reads WANT for SERIES
ops_wait_metric() {
	local _ v
	for _ in $(seq 1 40); do
		v=$(metric "$(curl -fsS --max-time 10 "http://127.0.0.1:$1/metrics" 2>/dev/null)" "$2")
		[ "$v" = "$3" ] && return 0
		sleep 0.5
	done
	echo "# $2 = ${v:-none}, want $3"
	return 1
}

ops_run() {
	local d=$WORK/ops port=19786 pid up n0
	mkdir -p "$d"
	n0=$(grep -c '"alpha".*established Child SA' "$WORK/a/pluto.log")
	head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$d/token"
	chmod 600 "$d/token"
	cat >"$d/ikw.yml" <<YML
remediation:
  enabled: true
  dry_run: false
  token_file: $d/token
  audit_log: $d/audit.jsonl
  conns: [alpha]
  checks: 2
  check_interval: 60s          # 1 s real
  recheck_delay: 60s           # 1 s real
  initiate_timeout: 20s        # real: whack waits for the CHILD SA
  cooldown: 10m
  global_max_faulty: 20         # the log checks add down conns
  self_check: 60s              # 1 s real
  time_scale: 60
  diagnostics:
    directory: $d/diag
    commands:
      - [ip, netns, exec, $A, ip, -s, xfrm, state]
# a data-plane probe through beta, as on a charon gateway
probes:
  defaults: {netns: $A, interval: 3s, timeout: 1s}
  list:
    - {conn: beta, child: beta, name: ping, target: 198.19.2.1, source: 198.18.2.1}
YML
	"$IKW" serve --config.file="$d/ikw.yml" --web.listen-address=127.0.0.1:$port \
		--collector.libreswan.ctlsocket="$(ctl a)" --collector.libreswan.whack="$WHACK" \
		--collector.xfrm.netns="$A" --collector.klips.path= \
		>"$LOGS/ikewatch-ops.log" 2>&1 &
	pid=$!
	check "remediation (pluto): serve started, remediation acting" \
		bash -c 'for i in $(seq 1 100); do grep -q "remediation enabled on POST .* (acting" "$1" && exit 0; sleep 0.2; done; exit 1' \
		_ "$LOGS/ikewatch-ops.log"
	check "remediation (pluto): alpha (taken down) re-initiated through whack, audit line acted/fixed initiate ok" \
		ops_wait_audit "$d/audit.jsonl" alpha acted fixed initiate ok
	up=$(metric "$(ikw)" 'ipsec_conn_up{conn="alpha"}')
	same "remediation (pluto): alpha reads up again" "$up" 1
	check "remediation (pluto): pluto's log has one more established alpha (was $n0)" \
		test "$(grep -c '"alpha".*established Child SA' "$WORK/a/pluto.log")" -gt "$n0"
	check "remediation (pluto): the audit line names the conn alpha" \
		grep -q '"conn":"alpha"' "$d/audit.jsonl"
	check "remediation (pluto): gamma (not in remediation.conns) left alone" \
		bash -c '! grep -q "\"conn\":\"gamma\"" "$1"' _ "$d/audit.jsonl"
	check "probes (pluto): the ICMP probe through beta succeeds" \
		ops_wait_metric "$port" 'ipsec_probe_success{conn="beta",child="beta",probe="ping",target="198.19.2.1"}' 1
	check "probes (pluto): the status view judges beta ok with its probe passing" \
		ops_wait_metric "$port" 'ipsec_conn_status{conn="beta",status="ok"}' 1
	kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	cp "$d/audit.jsonl" "$LOGS/ops-audit.jsonl" 2>/dev/null
	# back to the state the caller left: alpha down
	whack a --name alpha --terminate >>"$WORK/down-alpha.log" 2>&1
	sleep 1
}
