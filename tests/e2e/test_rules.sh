#!/usr/bin/env bash
# The shipped Prometheus rules (deploy/prometheus/): promtool check rules,
# the promtool unit tests (each alert fires on its fault and stays quiet on
# a missed scrape, a scheduled rekey...), and tests/rules/lint_rules.py:
# severity, summary, description, runbook_url and runbook for every alert,
# metric names as in docs/metrics.md, docs/alerting.md in step; and
# tests/rules/label_names.py: the label vocabulary of docs/metrics.md in the
# rules, dashboard, docs and runbooks; the fleet rules (fleet-rules.yml,
# fleet/site-rules.yml), the fleet configurations and the fleet rules' unit
# tests (tests/rules/fleet-rules.test.yml).  No lab.
source "$(dirname "$0")/lib.sh"

D=$E2E_ROOT/deploy/prometheus
command -v promtool >/dev/null || { fail "promtool not installed (scripts/install-deps.sh)"; e2e_finish rules; exit 1; }
python3 -c 'import yaml' 2>/dev/null || { fail "python3-yaml not installed (scripts/install-deps.sh)"; e2e_finish rules; exit 1; }

out=$(promtool check rules "$D/ikewatch-recording.rules.yml" 2>&1)
check "promtool check rules: recording rules ($(grep -o 'SUCCESS.*' <<<"$out"))" grep -q SUCCESS <<<"$out"
out=$(promtool check rules "$D/ikewatch-alerts.rules.yml" 2>&1)
check "promtool check rules: alerts ($(grep -o 'SUCCESS.*' <<<"$out"))" grep -q SUCCESS <<<"$out"
out=$(promtool check config "$D/prometheus.yml" 2>&1)
nalerts=$(grep -c -- '- alert:' "$D/ikewatch-alerts.rules.yml")
check "promtool check config: the example prometheus.yml with both rule files ($nalerts alerts)" \
	grep -q "SUCCESS: $nalerts rules" <<<"$out"
if command -v amtool >/dev/null; then
	check "amtool check-config: the example alertmanager.yml" \
		bash -c 'amtool check-config "$1" >/dev/null 2>&1' _ "$E2E_ROOT/deploy/alertmanager/alertmanager.yml"
else
	fail "amtool not installed (prometheus-alertmanager; scripts/install-deps.sh)"
fi
out=$(cd "$D" && promtool test rules tests/ikewatch-rules.test.yml 2>&1)
check "promtool test rules: the unit tests pass" grep -q SUCCESS <<<"$out" || printf '%s\n' "$out" | head -40

# the unit tests must be able to fail: a broken threshold is caught
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tests"
cp "$D/ikewatch-recording.rules.yml" "$tmp/"
sed 's/for: 2m/for: 1m/' "$D/ikewatch-alerts.rules.yml" >"$tmp/ikewatch-alerts.rules.yml"
cp "$D/tests/ikewatch-rules.test.yml" "$tmp/tests/"
out=$(cd "$tmp" && promtool test rules tests/ikewatch-rules.test.yml 2>&1)
check "promtool test rules catches a changed for: (2m -> 1m)" grep -q FAILED <<<"$out"

# ---- the fleet view (docs/scaling.md): the global server's rules, the site
# rule, the shipped site and global configurations, the unit tests ----------
for f in fleet-rules.yml fleet/site-rules.yml; do
	out=$(promtool check rules "$D/$f" 2>&1)
	check "promtool check rules: $f ($(grep -o 'SUCCESS.*' <<<"$out"))" grep -q SUCCESS <<<"$out"
done
for f in site-a-1 site-a-2 site-b global-federate global-remote-write; do
	out=$(promtool check config "$D/fleet/$f.yml" 2>&1)
	check "promtool check config: fleet/$f.yml" grep -q "SUCCESS: .*valid prometheus config" <<<"$out" ||
		printf '%s\n' "$out" | tail -3
done
# the remote_write variant: a site's file with remote-write.yml appended (in
# a copy of deploy/prometheus/, for the relative rule_files)
mkdir -p "$tmp/fleet/deploy" "$tmp/fleet/tests/rules"
cp -r "$D" "$tmp/fleet/deploy/"
cat "$D/fleet/site-a-1.yml" "$D/fleet/remote-write.yml" >"$tmp/fleet/deploy/prometheus/fleet/site-rw.yml"
out=$(promtool check config "$tmp/fleet/deploy/prometheus/fleet/site-rw.yml" 2>&1)
check "promtool check config: fleet/site-a-1.yml with remote-write.yml appended" \
	grep -q "SUCCESS: .*valid prometheus config" <<<"$out" || printf '%s\n' "$out" | tail -3
out=$(cd "$E2E_ROOT/tests/rules" && promtool test rules fleet-rules.test.yml 2>&1)
check "promtool test rules: the fleet rules' unit tests pass" grep -q SUCCESS <<<"$out" || printf '%s\n' "$out" | head -40
# ...and bite: a shorter for:, the HA replicas not folded
cp "$E2E_ROOT/tests/rules/fleet-rules.test.yml" "$tmp/fleet/tests/rules/"
sed 's/for: 2m/for: 1m/' "$D/fleet-rules.yml" >"$tmp/fleet/deploy/prometheus/fleet-rules.yml"
out=$(cd "$tmp/fleet/tests/rules" && promtool test rules fleet-rules.test.yml 2>&1)
check "promtool test rules catches a changed for: in the fleet rules (2m -> 1m)" grep -q FAILED <<<"$out"
sed 's/max without (replica) (ipsec_conn:down:bool)/ipsec_conn:down:bool/' "$D/fleet-rules.yml" \
	>"$tmp/fleet/deploy/prometheus/fleet-rules.yml"
out=$(cd "$tmp/fleet/tests/rules" && promtool test rules fleet-rules.test.yml 2>&1)
check "...and the HA pair's replicas counted twice" grep -q FAILED <<<"$out"

# "ok - " / "not ok - " lines of a checker into pass/fail
tap() {
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass "${line#ok - }" ;;
		"not ok - "*) fail "${line#not ok - }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done
}
tap < <(python3 "$E2E_ROOT/tests/rules/lint_rules.py" 2>&1 || echo "not ok - lint_rules.py exited with an error")
tap < <(python3 "$E2E_ROOT/tests/rules/alert_names.py" 2>&1 || echo "not ok - alert_names.py exited with an error")
# the label vocabulary (docs/metrics.md) in the rules, dashboard, docs, runbooks
tap < <(python3 "$E2E_ROOT/tests/rules/label_names.py" 2>&1 || echo "not ok - label_names.py found a label outside the vocabulary")

# alert_names.py must be able to fail: the route example's old, undefined
# name, and an alert whose runbook is gone
mkdir -p "$tmp/names"
cp -r "$E2E_ROOT/docs" "$E2E_ROOT/deploy" "$tmp/names/"
sed -i 's/IPsecIKESADown|IPsecChildSADown/IPsecIKESADown|IPsecChildSAMissing/' "$tmp/names/docs/remediation.md"
rm "$tmp/names/docs/runbooks/IPsecPathMTULow.md"
out=$(python3 "$E2E_ROOT/tests/rules/alert_names.py" "$tmp/names" 2>&1)
check "alert_names.py catches the undefined IPsecChildSAMissing in docs/remediation.md" \
	grep -q "not ok - docs/remediation.md: names no alert of the rules: \['IPsecChildSAMissing'\]" <<<"$out"
check "alert_names.py catches an alert without its runbook" \
	grep -q "not ok - IPsecPathMTULow: has its runbook" <<<"$out"
e2e_finish rules
