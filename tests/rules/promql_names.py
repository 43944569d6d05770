"""Metric names: the ones docs/metrics.md catalogs, the ones the shipped
recording rules define, and the ones a PromQL expression uses.  Shared by
tests/rules/lint_rules.py and tests/dashboard/check_dashboard.py."""
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RECORDING = os.path.join(ROOT, "deploy", "prometheus", "ikewatch-recording.rules.yml")
ALERTS = os.path.join(ROOT, "deploy", "prometheus", "ikewatch-alerts.rules.yml")
# the fleet view (docs/scaling.md): the global server's rules and the site
# rule they read
FLEET = os.path.join(ROOT, "deploy", "prometheus", "fleet-rules.yml")
SITE = os.path.join(ROOT, "deploy", "prometheus", "fleet", "site-rules.yml")
# series Prometheus itself makes, and blackbox_exporter's probe_success
# (ipsec_probe:blackbox_success:bool joins it, docs/alerting.md)
BUILTIN = {"up", "probe_success"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "and", "or", "unless", "offset", "inf", "nan", "atan2"}


def documented():
    """Metric names of the catalog tables of docs/metrics.md."""
    names = set()
    with open(os.path.join(ROOT, "docs", "metrics.md")) as f:
        for line in f:
            m = re.match(r"^\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \|", line)
            if m:
                names.add(m.group(1))
    return names


def metrics_in(expr):
    """Metric names an expression selects (histogram suffixes folded)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # strings
    e = re.sub(r"'(?:[^'\\]|\\.)*'", "''", e)
    e = re.sub(r"#[^\n]*", "", e)                         # comments
    e = re.sub(r"\{[^}]*\}", " ", e)                      # label matchers
    e = re.sub(r"\[[^\]]*\]", " ", e)                     # ranges
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", r" ", e)
    names = set()
    for m in re.finditer(r"(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?", e):
        name, call = m.group(1), m.group(2)
        if call or name.lower() in KEYWORDS:
            continue
        if re.fullmatch(r"\d+(e\d+)?", name):
            continue
        names.add(re.sub(r"_(bucket|sum|count)$", "", name)
                  if name.endswith(("_bucket", "_sum", "_count")) and name.startswith("ipsec_probe_rtt") else name)
    return names


def recording_rules(path=RECORDING):
    """{record name: expression} of the shipped recording rules (of PATH)."""
    import yaml
    with open(path) as f:
        doc = yaml.safe_load(f)
    return {r["record"]: r["expr"] for g in doc["groups"] for r in g["rules"] if "record" in r}


def known():
    """Names an alert or panel may use: documented, recorded, built in."""
    return documented() | set(recording_rules()) | BUILTIN


def fleet_known():
    """Names a fleet rule or the fleet dashboard may use: the above, the site
    rules' and the fleet rules' recordings."""
    return known() | set(recording_rules(SITE)) | set(recording_rules(FLEET))
