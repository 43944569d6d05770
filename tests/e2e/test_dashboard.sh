#!/usr/bin/env bash
# The Grafana dashboard (deploy/grafana/ikewatch.json): valid JSON; type-
# checks with tsc against Grafana's published dashboard types (@grafana/
# schema, pinned in tests/dashboard/package.json, installed from the npm
# registry); every query parses as PromQL (promtool, as recording rules);
# every metric it uses is in docs/metrics.md or a shipped recording rule;
# the panels and variables it must have.  The same for the fleet dashboard
# (deploy/grafana/ikewatch-fleet.json) with the fleet rules' series.  No lab.
source "$(dirname "$0")/lib.sh"

DASH=$E2E_ROOT/deploy/grafana/ikewatch.json
P=$E2E_ROOT/tests/dashboard
CHK=$P/check_dashboard.py
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT

check "the dashboard is valid JSON" python3 -m json.tool "$DASH" >/dev/null

# ---- Grafana's schema ------------------------------------------------------------
for c in node npm; do
	command -v "$c" >/dev/null || { fail "$c not installed (scripts/install-deps.sh)"; e2e_finish dashboard; exit 1; }
done
if ! [ -x "$P/node_modules/.bin/tsc" ] || ! [ -d "$P/node_modules/@grafana/schema" ] ||
	! cmp -s "$P/package-lock.json" "$P/node_modules/.package-lock.json.ikewatch" 2>/dev/null; then
	(cd "$P" && npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm.log" 2>&1) &&
		cp "$P/package-lock.json" "$P/node_modules/.package-lock.json.ikewatch"
fi
check "npm ci installed @grafana/schema $(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$P/node_modules/@grafana/schema/package.json" 2>/dev/null | head -1) and typescript" \
	test -x "$P/node_modules/.bin/tsc" || tail -n 5 "$tmp/npm.log"
mkdir -p "$P/generated"
python3 "$CHK" ts "$DASH" "$P/generated/ikewatch.ts"
out=$(cd "$P" && node_modules/.bin/tsc -p . 2>&1)
check "tsc: the dashboard type-checks as Grafana's Dashboard" test -z "$out" || printf '%s\n' "$out" | head -20
# the check must bite: a panel without "type", a thresholds mode that does not exist
python3 - "$DASH" "$tmp/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = [x for x in d["panels"] if x["type"] != "row"]
del p[0]["type"]
p[1]["fieldConfig"]["defaults"]["thresholds"]["mode"] = "bogus"
json.dump(d, open(sys.argv[2], "w"))
PY
python3 "$CHK" ts "$tmp/bad.json" "$P/generated/ikewatch.ts"
out=$(cd "$P" && node_modules/.bin/tsc -p . 2>&1)
check "tsc rejects a panel without type" grep -q "Property 'type' is missing" <<<"$out"
check "tsc rejects thresholds mode \"bogus\"" grep -q '"bogus"' <<<"$out"
rm -f "$P/generated/ikewatch.ts"

# ---- PromQL ----------------------------------------------------------------------
n=$(python3 "$CHK" exprs "$DASH" "$tmp/dashboard.rules.yml")
out=$(promtool check rules "$tmp/dashboard.rules.yml" 2>&1)
check "all $n queries parse as PromQL (promtool check rules)" grep -q "SUCCESS: $n rules" <<<"$out" ||
	printf '%s\n' "$out" | head -20
printf 'groups:\n  - name: bad\n    rules:\n      - record: bad\n        expr: "sum by (conn (ipsec_conn_up)"\n' >"$tmp/bad.rules.yml"
check "...and a broken query would not" bash -c '! promtool check rules "$1" >/dev/null 2>&1' _ "$tmp/bad.rules.yml"

# ---- metric names and content ------------------------------------------------------
out=$(python3 "$CHK" names "$DASH" 2>&1)
check "every metric the dashboard uses is in docs/metrics.md or a recording rule" test $? -eq 0 ||
	printf '%s\n' "$out"
e2e_log "$(grep '^#' <<<"$out")"
while IFS= read -r line; do
	case $line in
	"ok - "*) pass "${line#ok - }" ;;
	"not ok - "*) fail "${line#not ok - }" ;;
	esac
done < <(python3 "$CHK" panels "$DASH" 2>&1)
# ---- the fleet dashboard (deploy/grafana/ikewatch-fleet.json) ---------------------
# Its queries return data against real global servers in test_fleet.sh.
FLEET=$E2E_ROOT/deploy/grafana/ikewatch-fleet.json
check "the fleet dashboard is valid JSON" bash -c 'python3 -m json.tool "$1" >/dev/null' _ "$FLEET"
python3 "$CHK" ts "$FLEET" "$P/generated/ikewatch-fleet.ts"
out=$(cd "$P" && node_modules/.bin/tsc -p . 2>&1)
check "tsc: the fleet dashboard type-checks as Grafana's Dashboard" test -z "$out" || printf '%s\n' "$out" | head -20
rm -f "$P/generated/ikewatch-fleet.ts"
n=$(python3 "$CHK" exprs "$FLEET" "$tmp/fleet.rules.yml")
out=$(promtool check rules "$tmp/fleet.rules.yml" 2>&1)
check "all $n queries of the fleet dashboard parse as PromQL" grep -q "SUCCESS: $n rules" <<<"$out" ||
	printf '%s\n' "$out" | head -20
while IFS= read -r line; do
	case $line in
	"ok - "*) pass "${line#ok - }" ;;
	"not ok - "*) fail "${line#not ok - }" ;;
	esac
done < <(python3 "$CHK" fleet "$FLEET" 2>&1)
e2e_finish dashboard
