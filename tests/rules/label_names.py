#!/usr/bin/env python3
"""The label vocabulary (docs/metrics.md "Label vocabulary") in what ships
beside the code: the rules and their tests, the dashboard, the docs and the
runbooks use no label synonym (`proto` for `protocol`, ...), no IKE version
spelled as charon prints it, and no family renamed away, outside the
"Renamed in this version" table.  Run by tests/e2e/test_rules.sh; each line
printed is "ok - ..." or "not ok - ..."."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from vocabulary import SYNONYMS  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FILES = sorted(
    glob.glob(os.path.join(ROOT, "deploy", "prometheus", "**", "*.yml"), recursive=True)
    + glob.glob(os.path.join(ROOT, "deploy", "grafana", "*.json"))
    + glob.glob(os.path.join(ROOT, "docs", "*.md"))
    + glob.glob(os.path.join(ROOT, "docs", "runbooks", "*.md"))
    + [os.path.join(ROOT, "README.md")])
SYN = "|".join(sorted(SYNONYMS, key=len, reverse=True))
# a matcher (proto="esp") or a grouping list (by (conn, proto))
MATCHER = re.compile(r'[{,]\s*(%s)\s*(=~|!~|!=|=)\s*\\?"' % SYN)
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)")
OLD_VALUES = re.compile(r'\b(ike_)?version\s*=~?\s*\\?"IKEv|protocol\s*=~?\s*\\?"(ESP|AH)\b')
GONE = re.compile(r"\bipsec_(kernel_other|klips)_sa_(bytes|packets|errors)_total\b")
failed = 0


def check(ok, what):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    failed += not ok


def renames_table(path, lines):
    """Line numbers of docs/metrics.md's "Renamed in this version" table."""
    if not path.endswith(os.path.join("docs", "metrics.md")):
        return set()
    skip, inside = set(), False
    for i, line in enumerate(lines):
        if line.startswith("### Renamed in this version"):
            inside = True
        elif inside and line.startswith("#"):
            break
        if inside:
            skip.add(i)
    return skip


for path in FILES:
    rel = os.path.relpath(path, ROOT)
    with open(path) as f:
        lines = f.read().split("\n")
    skip = renames_table(path, lines)
    bad = []
    for i, line in enumerate(lines):
        if i in skip:
            continue
        for m in MATCHER.finditer(line):
            bad.append(f"{rel}:{i + 1}: {m.group(1)} (use {SYNONYMS[m.group(1)]})")
        for m in GROUPING.finditer(line):
            for name in (n.strip() for n in m.group(2).split(",")):
                if name in SYNONYMS:
                    bad.append(f"{rel}:{i + 1}: {m.group(1)} ({name}) (use {SYNONYMS[name]})")
        if OLD_VALUES.search(line):
            bad.append(f"{rel}:{i + 1}: a value as charon spells it ({OLD_VALUES.search(line).group(0)})")
        if GONE.search(line):
            bad.append(f"{rel}:{i + 1}: {GONE.search(line).group(0)} (a gauge without _total now)")
    check(not bad, f"{rel}: label vocabulary" + (": " + "; ".join(bad[:5]) if bad else ""))

check(len(FILES) > 10, f"{len(FILES)} files checked")
sys.exit(1 if failed else 0)
