#!/usr/bin/env python3
"""Checks of tests/e2e/test_eventlog.sh on the event log's JSON lines.

  eventlog_check.py valid FILE...          every line one JSON object with the
                                           schema's required fields; ts never
                                           goes back
  eventlog_check.py kinds FILE FROM TO     "event conn child" of lines FROM..TO-1
                                           (0-based), one a line
  eventlog_check.py compare SCRAPE FILE... per conn/child/event, per conn/reason
                                           and per conn/alert type, the lines
                                           equal ikewatch's own counters
  eventlog_check.py peers FILE...          every remote_addr/remote_id looks
                                           redacted (peer-<12 hex>); prints them
"""
import json
import re
import sys
from collections import Counter
from datetime import datetime, timezone


def lines_of(files):
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for n, raw in enumerate(fh, 1):
                yield f, n, raw


def valid(files):
    bad = 0
    last = 0.0
    for f, n, raw in lines_of(files):
        try:
            o = json.loads(raw)
        except ValueError as e:
            print(f"{f}:{n}: not JSON: {e}")
            bad += 1
            continue
        for key, typ in (("time", str), ("ts", float), ("event", str), ("conn", str)):
            if not isinstance(o.get(key), typ):
                print(f"{f}:{n}: {key} missing or not {typ.__name__}")
                bad += 1
        t = datetime.strptime(o["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        if abs(t.timestamp() - o["ts"]) > 1e-5:
            print(f"{f}:{n}: time and ts disagree")
            bad += 1
        if o["ts"] + 1.0 < last:   # threads stamp before queueing: allow jitter
            print(f"{f}:{n}: ts goes back")
            bad += 1
        last = max(last, o["ts"])
    return bad


def kinds(f, lo, hi):
    with open(f, encoding="utf-8") as fh:
        rows = fh.readlines()[lo:hi]
    for raw in rows:
        o = json.loads(raw)
        print(o["event"], o["conn"], o.get("child", "-"), o.get("reason", o.get("alert", "-")))
    return 0


def scrape_series(path, name):
    out = {}
    pat = re.compile(r'^' + name + r'\{([^}]*)\} (\S+)$')
    with open(path) as fh:
        for line in fh:
            m = pat.match(line.strip())
            if m:
                labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1)))
                out[tuple(sorted(labels.items()))] = float(m.group(2))
    return out


def compare(scrape, files):
    logged_ev, logged_fail, logged_alert = Counter(), Counter(), Counter()
    for _, _, raw in lines_of(files):
        o = json.loads(raw)
        ev = o["event"]
        if ev in ("ike_up", "ike_down", "ike_rekey"):
            logged_ev[(o["conn"], "", ev[4:])] += 1
        elif ev in ("child_up", "child_down", "child_rekey"):
            logged_ev[(o["conn"], o["child"], ev[6:])] += 1
        elif ev in ("failure", "rekey_failed"):
            logged_fail[(o["conn"], o["reason"])] += 1
        elif ev == "alert":
            logged_alert[(o["conn"], o["alert"])] += 1
    counted_ev, counted_fail, counted_alert = Counter(), Counter(), Counter()
    for k, v in scrape_series(scrape, "ipsec_ike_sa_events_total").items():
        d = dict(k)
        counted_ev[(d["conn"], "", d["event"])] += int(v)
    for k, v in scrape_series(scrape, "ipsec_child_sa_events_total").items():
        d = dict(k)
        counted_ev[(d["conn"], d["child"], d["event"])] += int(v)
    for k, v in scrape_series(scrape, "ipsec_conn_failures_total").items():
        d = dict(k)
        counted_fail[(d.get("conn", ""), d["reason"])] += int(v)
    for k, v in scrape_series(scrape, "ipsec_alerts_total").items():
        d = dict(k)
        counted_alert[(d.get("conn", ""), d["type"])] += int(v)
    bad = 0
    for what, logged, counted in (("event", logged_ev, counted_ev),
                                  ("failure", logged_fail, counted_fail),
                                  ("alert", logged_alert, counted_alert)):
        for key in sorted(set(logged) | set(counted)):
            if logged[key] != counted[key]:
                print(f"{what} {key}: {logged[key]} lines, counter {counted[key]}")
                bad += 1
        print(f"# {what}s: {sum(logged.values())} lines, {sum(counted.values())} counted")
    return bad


def peers(files):
    bad = 0
    seen = set()
    for f, n, raw in lines_of(files):
        o = json.loads(raw)
        for key in ("remote_addr", "remote_id"):
            if key in o:
                seen.add(o[key])
                if not re.fullmatch(r"peer-[0-9a-f]{12}", o[key]):
                    print(f"{f}:{n}: {key} {o[key]!r} not redacted")
                    bad += 1
    for s in sorted(seen):
        print(s)
    return bad


def main():
    cmd = sys.argv[1]
    if cmd == "valid":
        return 1 if valid(sys.argv[2:]) else 0
    if cmd == "kinds":
        return kinds(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    if cmd == "compare":
        return 1 if compare(sys.argv[2], sys.argv[3:]) else 0
    if cmd == "peers":
        return 1 if peers(sys.argv[2:]) else 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
