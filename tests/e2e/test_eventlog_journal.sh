#!/usr/bin/env bash
# The event log to the journal (events.journal: true), against a real
# systemd-journald of this test's own and a real lab: a CHILD flap and a
# wrong PSK arrive as journal entries with SYSLOG_IDENTIFIER=ikewatch, the
# IKEWATCH_* fields of the JSON line and a warning priority for failures,
# as many as ikewatch counted; peers hashed (--collector.redact=hash).
# journald runs in a private mount namespace (tmpfs over its runtime and
# persistent directories), as in test_journal.sh: the host's journal, if
# any, is never touched.
if [ -z "${IKW_JOURNAL_NS:-}" ]; then
	IKW_JOURNAL_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"

T=eventlog_journal
JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT

mkdir -p /run/systemd /run/log /var/log/journal
mount -t tmpfs tmpfs /run/systemd && mount -t tmpfs tmpfs /run/log &&
	mount -t tmpfs tmpfs /var/log/journal || { fail "private journald mounts"; e2e_finish $T; exit 1; }
mkdir -p /run/systemd/journal
"$JOURNALD" >"$E2E_OUT/eventlog-journald.log" 2>&1 &
E2E_PIDS+=("$!")
check "journald listens on its native socket" wait_for 5 test -S /run/systemd/journal/socket

NAME=e2eej$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 1 --peers 1 || { fail "lab up"; e2e_finish $T; exit 1; }
cat >"$tmp/ikewatch.yml" <<YML
events:
  journal: true
logs:
  vici_log: true
YML
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" \
	--collector.redact=hash
stream_up() { [ "$(metric "$(scrape "$PORT")" ikewatch_event_stream_up)" = 1 ]; }
check "event stream up" wait_for 10 stream_up

lab "$NAME" swanctl hub --terminate --child net1 >/dev/null 2>&1
lab "$NAME" swanctl hub --initiate --child net1 >/dev/null 2>&1
lab_extend "$NAME" "$tmp" failing_conns
scrape "$PORT" >/dev/null
lab "$NAME" swanctl p1 --initiate --child badpsknet --timeout 10 >/dev/null 2>&1
j() { journalctl -q -t ikewatch "$@" 2>/dev/null; }
arrived() { [ -n "$(j IKEWATCH_EVENT=child_up IKEWATCH_CONN=tun1)" ] &&
	[ -n "$(j IKEWATCH_EVENT=failure IKEWATCH_CONN=badpsk IKEWATCH_REASON=auth_failed)" ]; }
check "the flap and the failure are in the journal" wait_for 15 arrived
down=$(journalctl -q -t ikewatch IKEWATCH_EVENT=child_down IKEWATCH_CONN=tun1 -o json | head -1)
sed 's/^/# entry: /' <<<"$down" | cut -c1-600
fields_ok() {
	python3 - "$1" <<'PY'
import json, re, sys
o = json.loads(sys.argv[1])
want = {"IKEWATCH_EVENT": "child_down", "IKEWATCH_CONN": "tun1", "IKEWATCH_CHILD": "net1",
        "PRIORITY": "6", "SYSLOG_IDENTIFIER": "ikewatch", "MESSAGE": "child_down tun1/net1"}
bad = [k for k, v in want.items() if o.get(k) != v]
for k in ("IKEWATCH_TIME", "IKEWATCH_TS", "IKEWATCH_SPI_IN", "IKEWATCH_CHILD_ID", "IKEWATCH_IKE_ID"):
    if not o.get(k):
        bad.append(k)
if not re.fullmatch(r"peer-[0-9a-f]{12}", o.get("IKEWATCH_REMOTE_ADDR", "")):
    bad.append("IKEWATCH_REMOTE_ADDR")
print(" ".join(bad))
sys.exit(1 if bad else 0)
PY
}
check "child_down carries the line's fields, info priority, a hashed peer" fields_ok "$down"
check "the failure is a warning (PRIORITY=4)" \
	test -n "$(j IKEWATCH_EVENT=failure IKEWATCH_CONN=badpsk PRIORITY=4)"
check "the peer's address is in no ikewatch entry" \
	bash -c '! journalctl -q -t ikewatch -o json | grep -q "192\.0\.2\.11"'
m=$(scrape "$PORT")
n=$(journalctl -q -t ikewatch -o cat | wc -l)
check "ikewatch_event_log_lines_total{output=\"journal\"} = the entries ($n)" \
	test "$(metric "$m" 'ikewatch_event_log_lines_total{output="journal"}')" = "$n"
check "no journal errors" test "$(metric "$m" 'ikewatch_event_log_errors_total{output="journal"}')" = 0
check "no file output without log_file" \
	bash -c '! grep -q "^ikewatch_event_log_lines_total{output=\"file\"}" <<<"$1"' _ "$m"
ev=$(metric "$m" 'ipsec_child_sa_events_total{conn="tun1",child="net1",event="down"}')
check "as many child_down entries as counted ($ev)" \
	test "$(j IKEWATCH_EVENT=child_down IKEWATCH_CONN=tun1 -o cat | wc -l)" = "$ev"
check "no sanitizer report in the daemon's log" \
	bash -c '! grep -q "ERROR: AddressSanitizer\|runtime error:" "$1"' _ "$E2E_OUT/ikewatch-$PORT.log"
e2e_finish $T
