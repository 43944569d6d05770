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
# KLIPS is not in this kernel: its table comes from the man page's example
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/ikewatch.yml" \
	--collector.klips.path="$E2E_ROOT/tests/fixtures/proc/ipsec_spi_manpage"
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
missing_code=$(comm -13 <(echo "$scraped") <(echo "$documented"))
check "every exported family is documented${missing_doc:+: $missing_doc}" test -z "$missing_doc"
check "every documented family is exported${missing_code:+: $missing_code}" test -z "$missing_code"
check "counters plugin families present" grep -q '^ipsec_daemon_ike_messages_total$' <<<"$scraped"
check "catalog is not trivially empty ($(wc -l <<<"$scraped") families)" test "$(wc -l <<<"$scraped")" -ge 30
lab "$NAME" swanctl hub --rekey --child net1 >/dev/null 2>&1   # something to log
logged() { [ "$(metric "$(scrape "$PORT")" ikewatch_log_lines_total)" -ge 1 ]; }
wait_for 10 logged
m=$(scrape "$PORT")
check "VICI log lines are being read ($(metric "$m" ikewatch_log_lines_total))" \
	test "$(metric "$m" ikewatch_log_lines_total)" -ge 1
check "the followed file is open" test "$(metric "$m" 'ikewatch_log_files{state="open"}')" = 1
e2e_finish catalog
