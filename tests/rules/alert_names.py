#!/usr/bin/env python3
"""Alert names that exist (tests/e2e/test_rules.sh): every alert name the
docs, the deploy examples and the runbooks mention (bare, or in an
`alertname=` / `alertname=~` matcher) is an alert of the rules file, and the
other way round every alert has its runbook, its line in docs/alerting.md
and a route in the example Alertmanager configuration.  An operator copies
these names into routes and silences: a wrong one matches nothing, silently.

Usage: alert_names.py [ROOT]  (default: this checkout).  Prints "ok - ..."
or "not ok - ..." lines; exits 1 when one is not ok."""
import os
import re
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
RULES = os.path.join(ROOT, "deploy", "prometheus", "ikewatch-alerts.rules.yml")
# the global server's fleet alerts (docs/scaling.md)
FLEET = os.path.join(ROOT, "deploy", "prometheus", "fleet-rules.yml")
ROUTES = os.path.join(ROOT, "deploy", "alertmanager", "alertmanager.yml")
SCANNED = ("docs", "deploy")          # the runbooks are under docs/
TEXT = (".md", ".yml", ".yaml", ".json", ".sh", ".conf", ".txt")
# a name of our alerts' shape: the prefix, then a capital
NAME = re.compile(r"\b(?:IPsec|Ikewatch)[A-Z][A-Za-z0-9]*")
# alertname="X", alertname=X, alertname=~"RE" (quotes optional, as in amtool)
MATCHER = re.compile(r"""alertname\s*(=~|!~|=|!=)\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.*|()]+))""")
failed = 0


def check(ok, what):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    failed += not ok


def alternatives(regex):
    """The top-level alternatives of a regex: "A|B(C|D)" -> ["A", "B(C|D)"]."""
    out, depth, cur = [], 0, ""
    for ch in regex:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


def unknown_in_matcher(op, value, names):
    """Names (or alternatives) of one matcher that match no alert."""
    if op in ("=", "!="):
        return [] if value in names else [value]
    bad = []
    for alt in alternatives(value):
        try:
            if not any(re.fullmatch(alt, n) for n in names):
                bad.append(alt)
        except re.error:
            bad.append(alt + " (not a regex)")
    return bad


def unknown_in_text(text, names):
    """Alert names a text mentions that are not alerts."""
    bad = []
    for m in MATCHER.finditer(text):
        value = next(g for g in m.groups()[1:] if g is not None)
        bad += unknown_in_matcher(m.group(1), value, names)
    # bare mentions, the matchers' values taken out (regex fragments)
    rest = MATCHER.sub(" ", text)
    bad += [w for w in NAME.findall(rest) if w not in names]
    return bad


def scanned_files():
    for top in SCANNED:
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if f.endswith(TEXT):
                    yield os.path.join(d, f)


def routed_receiver(labels):
    """The receiver amtool routes labels to in the example configuration."""
    args = ["amtool", "config", "routes", "test", "--config.file=" + ROUTES]
    args += [f"{k}={v}" for k, v in labels.items()]
    r = subprocess.run(args, capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


rules = [r for path in (RULES, FLEET) if os.path.isfile(path)
         for g in yaml.safe_load(open(path))["groups"] for r in g["rules"] if "alert" in r]
names = {r["alert"] for r in rules}
check(len(names) >= 9, f"{len(names)} alerts defined in {os.path.relpath(RULES, ROOT)} and {os.path.relpath(FLEET, ROOT)}")

nfiles = 0
for path in scanned_files():
    if path in (RULES, FLEET):
        continue
    nfiles += 1
    bad = sorted(set(unknown_in_text(open(path, errors="replace").read(), names)))
    rel = os.path.relpath(path, ROOT)
    if bad:
        check(False, f"{rel}: names no alert of the rules: {bad}")
check(nfiles > 20, f"{nfiles} files of docs/ and deploy/ scanned for alert names")

alerting_md = open(os.path.join(ROOT, "docs", "alerting.md")).read()
receivers = {"critical": "vpn-oncall", "warning": "vpn-team"}
have_amtool = shutil.which("amtool") is not None
check(have_amtool, "amtool installed (routes are tested with it)")
for r in sorted(rules, key=lambda r: r["alert"]):
    n, sev = r["alert"], r.get("labels", {}).get("severity", "")
    check(os.path.isfile(os.path.join(ROOT, "docs", "runbooks", n + ".md")),
          f"{n}: has its runbook")
    check(f"`{n}`" in alerting_md, f"{n}: listed in docs/alerting.md")
    if have_amtool:
        got = routed_receiver({"alertname": n, "severity": sev, "conn": "tun1"})
        check(got == receivers.get(sev), f"{n}: routed ({sev}) to {got}, want {receivers.get(sev)}")
sys.exit(1 if failed else 0)
