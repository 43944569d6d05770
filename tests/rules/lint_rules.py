#!/usr/bin/env python3
"""Checks of the shipped rules beyond promtool (tests/e2e/test_rules.sh):
each line printed is "ok - ..." or "not ok - ..."."""
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from promql_names import ALERTS, ROOT, documented, known, metrics_in, recording_rules  # noqa: E402

TESTS = os.path.join(ROOT, "deploy", "prometheus", "tests", "ikewatch-rules.test.yml")
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

orphans = sorted(f[:-3] for f in os.listdir(RUNBOOKS) if f.endswith(".md") and f != "README.md" and f[:-3] not in names)
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
sys.exit(1 if failed else 0)
