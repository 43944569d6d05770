#!/usr/bin/env bash
# The lab's metric output, byte for byte, against a checked-in golden file
# (tests/fixtures/golden/lab-metrics.txt): one-shot `metrics`, `textfile` and
# a scrape of `serve`, with every source on (charon with the counters plugin,
# XFRM, xfrm_stat, KLIPS from a fixture, the event stream, a log file, one
# probe, remediation in dry-run).  Values that change from run to run are
# masked (see golden_mask), so what is compared is the set of families, their
# HELP/TYPE lines, every series' labels and order, and the stable values.
#
# GOLDEN_UPDATE=1 rewrites the golden file from what this build prints (do it
# with the build whose output is the reference, and review the diff).
source "$(dirname "$0")/lib.sh"

GOLDEN=$E2E_ROOT/tests/fixtures/golden/lab-metrics.txt
NAME=e2egold$$
NAME=${NAME:0:12}
# fixed lab name inside the output: the probe's netns label would differ
lab_up "$NAME" --tunnels 3 --peers 2 --counters || { fail "lab up"; e2e_finish golden; exit 1; }
lab "$NAME" ping 1 3 >/dev/null 2>&1
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
: >"$tmp/charon.log"
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$tmp/token"
chmod 600 "$tmp/token"
cat >"$tmp/ikewatch.yml" <<YML
logs:
  vici_log: true
  files: [$tmp/charon.log]
probes:
  - {conn: tun1, child: net1, name: ping, target: 198.19.0.1, source: 198.18.0.1, netns: $NAME-hub, interval: 2s, timeout: 1s}
remediation:
  enabled: true
  token_file: $tmp/token
  audit_log: $tmp/remediation.jsonl
  diagnostics: {directory: $tmp/diag}
YML
ARGS=(--vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml"
	--collector.klips.path="$E2E_ROOT/tests/fixtures/proc/ipsec_spi_manpage")

# golden_mask: values that change between runs become X: times, ages,
# durations, byte/packet/message counts, RTTs, log line counts, run counts,
# the daemon's collections and requests (the probes' wait scrapes too),
# charon's worker and queue gauges; label values that change: software
# versions (not ike_version or tls_version, which are compared),
# SPIs, unique ids, the lab's name, temp paths.
golden_mask() {
	sed -E \
		-e "s/$NAME/LAB/g" \
		-e "s#$tmp#TMP#g" \
		-e 's/([{,])(version|revision|goversion|commit|spi|spi_in|spi_out|uniqueid|release|initiator_spi|responder_spi)="[^"]*"/\1\2="X"/g' |
	awk '
	/^#/ { print; next }
	{
		name = $1; sub(/\{.*/, "", name)
		if (name ~ /(seconds|timestamp|bytes|packets|_messages_total|_lines_total|_runs_total|_entries_total|_rtt|_workers|_worker_threads|_queue|_scheduled|_jobs|_sas_half_open|duration|_age|_loss_ratio|_events_total|_rekeys_total|_ikesas|_ike_sas_total|_uptime|_children_negotiated|_long_lines|_restarts|_mtu_bytes|_scrape_|_count$|_sum$|_bucket$)/)
			$NF = "X"
		print
	}'
}

section() { printf '## %s\n' "$1"; golden_mask; }

out=$("$IKEWATCH" metrics "${ARGS[@]}" 2>"$tmp/metrics.err")
mkdir -p "$tmp/tf"
"$IKEWATCH" textfile --output "$tmp/tf" "${ARGS[@]}" 2>"$tmp/textfile.err"
start_ikewatch PORT "${ARGS[@]}"
wait_for 10 probes_ran "$PORT"   # the probe's first run falls within its 2 s interval
served=$(scrape "$PORT")

{
	section metrics <<<"$out"
	section textfile <"$tmp/tf/ipsec.prom"
	section serve <<<"$served"
} >"$tmp/got.txt"

if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
	mkdir -p "$(dirname "$GOLDEN")"
	cp "$tmp/got.txt" "$GOLDEN"
	e2e_log "golden file rewritten: $GOLDEN"
fi
check "one-shot metrics printed conns" grep -q '^ipsec_conn_up{conn="tun1"} 1$' <<<"$out"
check "serve scraped the probe" grep -q '^ipsec_probe_success{.*} 1$' <<<"$served"
if diff -u "$GOLDEN" "$tmp/got.txt" >"$tmp/diff"; then
	pass "metrics, textfile and serve match the golden file byte for byte (masked)"
else
	head -n 60 "$tmp/diff"
	fail "output differs from $GOLDEN"
fi
# the reference output keeps the label vocabulary (docs/metrics.md), like a
# live scrape in test_catalog.sh
check "the golden file keeps the label vocabulary" \
	python3 "$E2E_ROOT/tests/e2e/vocabulary.py" --docs "$E2E_ROOT/docs/metrics.md" "$GOLDEN"
e2e_finish golden
