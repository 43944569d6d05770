#!/usr/bin/env python3
"""Checks of the shipped rules beyond promtool (tests/e2e/test_rules.sh):
each line printed is "ok - ..." or "not ok - ..."."""
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from promql_names import ALERTS, FLEET, ROOT, SITE, documented, fleet_known, known, metrics_in, recording_rules  # noqa: E402

TESTS = os.path.join(ROOT, "deploy", "prometheus", "tests", "ikewatch-rules.test.yml")
FLEET_TESTS = os.path.join(ROOT, "tests", "rules", "fleet-rules.test.yml")
RUNBOOKS = os.path.join(ROOT, "docs", "runbooks")
BASE = "https://ikewatch.example/docs/runbooks/"
failed = 0


def check(ok, what):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    failed += not ok


alerts = [r for g in yaml.safe_load(open(ALERTS))["groups"] for r in g["rules"] if "alert" in r]
names = [a["alert"] for a in alerts]
check(len(names) == len(set(names)) and len(names) >= 9, f"{len(names)} alerts, names unique")
docs_metrics, ok_names = documented(), known()
check(len(docs_metrics) > 50, f"docs/metrics.md catalogs {len(docs_metrics)} metrics")

for rec, expr in recording_rules().items():
    unknown = metrics_in(expr) - ok_names
    check(not unknown, f"recording rule {rec} uses only cataloged metrics" + (f" (unknown: {sorted(unknown)})" if unknown else ""))

for a in alerts:
    n, lab, ann = a["alert"], a.get("labels", {}), a.get("annotations", {})
    unknown = metrics_in(a["expr"]) - ok_names
    check(not unknown, f"{n}: uses only cataloged metrics" + (f" (unknown: {sorted(unknown)})" if unknown else ""))
    check(lab.get("severity") in ("critical", "warning"), f"{n}: severity {lab.get('severity')}")
    check(all(ann.get(k) for k in ("summary", "description", "runbook_url")), f"{n}: summary, description, runbook_url")
    check(ann.get("runbook_url") == BASE + n + ".md", f"{n}: runbook_url is {BASE}{n}.md")
    rb = os.path.join(RUNBOOKS, n + ".md")
    check(os.path.isfile(rb), f"{n}: runbook docs/runbooks/{n}.md exists")
    if os.path.isfile(rb):
        text = open(rb).read()
        for must in ("swanctl --list-sas", "journalctl", "ip -s xfrm state", "ikewatch status", "scalat"):
            check(must in text, f"{n}: runbook mentions {must!r}")
    tunnel = any(m.startswith("ipsec_") for m in metrics_in(a["expr"]))
    # host-wide alerts name no connection
    # host-wide alerts and pools (a pool serves connections) name no connection
    if tunnel and n not in ("IPsecNegotiationFailures", "IPsecIKESAsHalfOpen", "IPsecKernelXfrmDrops",
                            "IPsecPoolNearlyExhausted"):
        check("$labels.conn" in ann.get("summary", "") and "group_left (peer)" in a["expr"],
              f"{n}: the summary names the conn and the peer is joined")

fleet_alerts = [r for g in yaml.safe_load(open(FLEET))["groups"] for r in g["rules"] if "alert" in r]
fleet_names = [a["alert"] for a in fleet_alerts]
orphans = sorted(f[:-3] for f in os.listdir(RUNBOOKS)
                 if f.endswith(".md") and f != "README.md" and f[:-3] not in names + fleet_names)
check(not orphans, "every runbook belongs to an alert" + (f" (orphans: {orphans})" if orphans else ""))
alerting_md = open(os.path.join(ROOT, "docs", "alerting.md")).read()
missing = [n for n in names if f"`{n}`" not in alerting_md]
check(not missing, "docs/alerting.md lists every alert" + (f" (missing: {missing})" if missing else ""))

tests = yaml.safe_load(open(TESTS))["tests"]
fires, quiet = set(), set()
for t in tests:
    for c in t.get("alert_rule_test", []):
        (fires if c.get("exp_alerts") else quiet).add(c["alertname"])
for n in names:
    check(n in fires, f"{n}: a unit test where it fires")
    check(n in quiet, f"{n}: a unit test where it must not fire")

# ---- the fleet rules (deploy/prometheus/fleet-rules.yml, docs/scaling.md) --
fleet_ok = fleet_known()
for path in (SITE, FLEET):
    for rec, expr in recording_rules(path).items():
        unknown = metrics_in(expr) - fleet_ok
        check(not unknown, f"{os.path.relpath(path, ROOT)}: {rec} uses only cataloged or recorded metrics"
              + (f" (unknown: {sorted(unknown)})" if unknown else ""))
check(len(fleet_names) == len(set(fleet_names) - set(names)), f"{len(fleet_names)} fleet alerts, names unique")
fleet_tests = yaml.safe_load(open(FLEET_TESTS))["tests"]
fleet_fires, fleet_quiet = set(), set()
for t in fleet_tests:
    for c in t.get("alert_rule_test", []):
        (fleet_fires if c.get("exp_alerts") else fleet_quiet).add(c["alertname"])
for a in fleet_alerts:
    n, lab, ann = a["alert"], a.get("labels", {}), a.get("annotations", {})
    unknown = metrics_in(a["expr"]) - fleet_ok
    check(not unknown, f"{n}: uses only cataloged or recorded metrics" + (f" (unknown: {sorted(unknown)})" if unknown else ""))
    check(lab.get("severity") in ("critical", "warning"), f"{n}: severity {lab.get('severity')}")
    check(all(ann.get(k) for k in ("summary", "description", "runbook_url")), f"{n}: summary, description, runbook_url")
    check(ann.get("runbook_url") == BASE + n + ".md", f"{n}: runbook_url is {BASE}{n}.md")
    check("$labels.site" in ann.get("summary", "") and "$labels.gateway" in ann.get("summary", ""),
          f"{n}: the summary names the site and the gateway")
    rb = os.path.join(RUNBOOKS, n + ".md")
    check(os.path.isfile(rb), f"{n}: runbook docs/runbooks/{n}.md exists")
    if os.path.isfile(rb):
        text = open(rb).read()
        for must in ("swanctl --list-sas", "journalctl", "ip -s xfrm state", "ikewatch status", "scalat", "scaling.md"):
            check(must in text, f"{n}: runbook mentions {must!r}")
    check(f"`{n}`" in alerting_md, f"{n}: listed in docs/alerting.md")
    check(n in fleet_fires, f"{n}: a unit test where it fires")
    check(n in fleet_quiet, f"{n}: a unit test where it must not fire")
sys.exit(1 if failed else 0)
