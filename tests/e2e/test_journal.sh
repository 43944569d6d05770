#!/usr/bin/env bash
# The journal as a log source, against a real systemd-journald: the lab's
# hub charon logs to syslog, a journald of this test's own stores it, and
# - `ikewatch serve` following the journal counts a wrong PSK under its conn
#   as auth_failed;
# - `ikewatch textfile` run three times (cron-style) keeps the counter from
#   the journal monotonic: the first run counts no history, the second counts
#   the failure that happened in between, the third counts nothing twice.
# journald runs in a private mount namespace (tmpfs over its runtime and
# persistent directories, /dev/log bound to its socket), so the host's
# journal, if any, is never touched.
if [ -z "${IKW_JOURNAL_NS:-}" ]; then
	IKW_JOURNAL_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"

JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}
tmp=$(mktemp -d)
devlog_made=
journal_cleanup() {
	e2e_cleanup
	[ -n "$devlog_made" ] && { umount /dev/log 2>/dev/null; rm -f /dev/log; }
	rm -rf "$tmp"
}
trap journal_cleanup EXIT

# ---- a private journald -----------------------------------------------------
mkdir -p /run/systemd /run/log /var/log/journal
mount -t tmpfs tmpfs /run/systemd && mount -t tmpfs tmpfs /run/log &&
	mount -t tmpfs tmpfs /var/log/journal || { fail "private journald mounts"; e2e_finish journal; exit 1; }
mkdir -p /run/systemd/journal
"$JOURNALD" >"$E2E_OUT/journald.log" 2>&1 &
E2E_PIDS+=("$!")
check "journald listens on its syslog socket" wait_for 5 test -S /run/systemd/journal/dev-log
if [ ! -e /dev/log ]; then
	: >/dev/log && devlog_made=1
fi
mount --bind /run/systemd/journal/dev-log /dev/log
probe_logged() { journalctl -t ikw-e2e-probe -q | grep -q probe-; }
log_reaches() { logger -t ikw-e2e-probe "probe-$$" && wait_for 5 probe_logged; }
check "/dev/log reaches journald" log_reaches

# ---- the lab: the hub logs to syslog ----------------------------------------
NAME=e2ejn$$
NAME=${NAME:0:12}
IKWLAB_SYSLOG=1 lab_up "$NAME" --tunnels 1 --peers 1 || { fail "lab up"; e2e_finish journal; exit 1; }
check "the hub's charon lines are in the journal" \
	bash -c 'journalctl -t charon -q | grep -q "IKE_SA tun1\[[0-9]*\] established"'

cat >"$tmp/ikewatch.yml" <<YML
logs:
  journal: true
YML
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml"
textfile() {
	"$IKEWATCH" textfile --output "$tmp/out" --vici.socket="$(lab_vici "$NAME")" \
		--config.file="$tmp/ikewatch.yml" 2>>"$E2E_OUT/journal-textfile.log"
}
mkdir -p "$tmp/out"
textfile   # the first run: takes the journal's end, counts no history
f() { metric "$1" "ipsec_conn_failures_total{conn=\"badpsk\",reason=\"auth_failed\"}" || echo 0; }
check "textfile: no failure counted on the first run" test "$(f "$(cat "$tmp/out/ipsec.prom")")" = 0

# a local user forges charon's identifier: journald records the sender's
# _UID, which ikewatch requires to be 0, so these lines count nowhere
forge() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		logger -t charon "09[IKE] <$1|99> received AUTHENTICATION_FAILED notify error"
}
forged_logged() { journalctl -t charon -q _UID=65534 | grep -q '<forged1|99>'; }
for c in tun1 badpsk forged1; do forge "$c"; done
check "the forged lines are in the journal (from uid 65534)" wait_for 5 forged_logged
lab_extend "$NAME" "$tmp" failing_conns
scrape "$PORT" >/dev/null   # a collection: charon's conns, badpsk now among them
lab "$NAME" swanctl p1 --initiate --child badpsknet --timeout 10 >/dev/null 2>&1
check "wrong PSK does not come up" test $? -ne 0
ok=0
counted() { m=$(scrape "$PORT"); [ "$(f "$m")" -ge 1 ]; }   # sets m
wait_for 10 counted && ok=1
check "serve: wrong PSK from the journal counted as auth_failed under badpsk ($(f "$m"))" test "$ok" = 1
check "serve: journal entries read" test "$(metric "$m" ikewatch_log_journal_entries_total)" -ge 1
check "serve: no journal errors" test "$(metric "$m" ikewatch_log_journal_errors_total)" = 0
check "serve: no failure under the healthy tun1" \
	bash -c '! grep -q "^ipsec_conn_failures_total{conn=\"tun1\"" <<<"$1"' _ "$m"
check "serve: a forged failure is not counted (tun1 and invented forged1)" \
	bash -c '! grep -Eq "^ipsec_conn_failures_total\\{conn=\"(tun1|forged1|other)\"" <<<"$1"' _ "$m"

textfile
t2=$(f "$(cat "$tmp/out/ipsec.prom")")
check "textfile: the failure since the last run counted ($t2)" test "$t2" -ge 1
check "textfile: no forged failure counted" \
	bash -c '! grep -Eq "^ipsec_conn_failures_total\\{conn=\"(tun1|forged1|other)\"" "$1"' _ "$tmp/out/ipsec.prom"
check "textfile: the journal cursor is saved" grep -q '^journal ' "$tmp/out/.ikewatch-logs.state"
check "textfile: the logs collector succeeded" \
	grep -q '^ikewatch_collector_success{collector="logs"} 1$' "$tmp/out/ipsec.prom"
textfile
t3=$(f "$(cat "$tmp/out/ipsec.prom")")
check "textfile: nothing counted twice on the next run ($t3 = $t2)" test "$t3" = "$t2"
lab "$NAME" swanctl p1 --initiate --child badpsknet --timeout 10 >/dev/null 2>&1
sleep 1   # on purpose: the run must not see a state between charon's line and journald's write
textfile
t4=$(f "$(cat "$tmp/out/ipsec.prom")")
check "textfile: a second wrong PSK adds to the saved count ($t4 > $t3)" test "$t4" -gt "$t3"
e2e_finish journal
