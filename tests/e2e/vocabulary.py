#!/usr/bin/env python3
"""The label vocabulary of docs/metrics.md ("Label vocabulary"), checked on
real scrapes of ikewatch.

    vocabulary.py [options] SCRAPE [SCRAPE_AFTER]

Rules, each a failure with the family, label and value that break it:
  1. one name per concept: no label from the table of forbidden synonyms;
     `version` only where it is a software version;
  2. one set of values per concept: `protocol`, `ike_version`,
     `direction`, the `error` of the kernel families, the lowercase values
     ikewatch defines; a conn's IKE version reads alike in ipsec_conn_info
     and ipsec_ike_sa_info;
  3. a `_total` family is a counter, a counter ends in `_total`, and every
     `_total` family is one this file knows to be monotonic (kept by
     ikewatch, host-wide, or kept by the ledger); given a second scrape
     (taken after an SA was rekeyed or deleted), no `_total` sample fell;
  4. peers: --no-peer-labels: no peer label at all; --redacted: every peer
     label holds `peer-` and 12 hex digits or an --alias, and no --peer
     address appears in any label value.
Prints "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
"""
import argparse
import os
import re
import sys

# 1. the same concept has one name: synonym -> the name to use
SYNONYMS = {
    "proto": "protocol", "ipproto": "protocol",
    "dir": "direction",
    "connection": "conn", "conn_name": "conn", "connection_name": "conn",
    "child_sa": "child", "child_name": "child",
    "ikeversion": "ike_version", "ike_ver": "ike_version",
    "tlsversion": "tls_version",
    "src_addr": "src", "source_address": "src",
    "dst_addr": "dst", "destination": "dst",
    "remote_addr": "remote_addrs", "remote_address": "remote_addrs",
    "local_addr": "local_addrs", "local_address": "local_addrs",
    "peer_addr": "remote_host", "remote_ip": "remote_host",
}
# `version` is a software version, nowhere else
SOFTWARE_VERSION = {"ikewatch_build_info", "ipsec_daemon_info"}

# 2. values of one concept, the same in every family
VALUES = {
    "protocol": {"esp", "ah", "comp", "tun", "other"},
    "ike_version": {"1", "2", "any"},
    "tls_version": {"TLS 1.2", "TLS 1.3"},
    "direction": {"in", "out", "fwd"},
    "joined": {"yes", "no"}, "encap": {"yes", "no"},
    "nat_local": {"yes", "no"}, "nat_remote": {"yes", "no"},
    "nat_fake": {"yes", "no"}, "nat_any": {"yes", "no"},
}
# the kernel's drop reasons: one name for one cause in XFRM and KLIPS
KERNEL_ERRORS = {"replay", "replay_window", "integrity", "encr_size", "encr_pad"}
KERNEL_ERROR_FAMILIES = re.compile(r"^ipsec_(kernel_child_sa|kernel_other_sa|klips_sa)_errors(_total)?$")
# labels whose values ikewatch defines: lowercase (charon's alert names have dashes)
LOWERCASE = {"role", "start", "side", "kind", "result", "decision", "reason",
             "error", "event", "type", "collector", "priority", "exchange",
             "phase", "output", "status", "action", "step", "joined", "encap",
             "protocol", "direction"}
# values only charon gives keep charon's spelling
UPPERCASE = {"state": {"ipsec_ike_sas", "ipsec_child_sas"}}

# 3. every _total family, and why it never goes backwards while ikewatch runs
MONOTONIC = {
    # counted by ikewatch itself
    "own": {
        "ikewatch_http_refusals_total", "ipsec_ike_sa_events_total",
        "ipsec_child_sa_events_total", "ipsec_conn_failures_total",
        "ipsec_log_rule_matches_total", "ipsec_alerts_total",
        "ikewatch_log_lines_total", "ikewatch_log_long_lines_total",
        "ikewatch_log_file_resets_total", "ikewatch_log_journal_entries_total",
        "ikewatch_log_journal_errors_total", "ikewatch_event_stream_gaps_total",
        "ikewatch_events_dropped_total", "ikewatch_event_log_lines_total",
        "ikewatch_event_log_dropped_total", "ikewatch_event_log_errors_total",
        "ikewatch_event_log_reopens_total", "ipsec_probe_runs_total",
        "ipsec_probe_quiet_runs_total", "ipsec_probe_failures_total",
        "ipsec_remediation_decisions_total", "ipsec_remediation_actions_total",
        "ipsec_remediation_steps_total",
        "ikewatch_remediation_restarts_total",
        "ikewatch_scrape_collections_total", "ikewatch_scrape_requests_total",
    },
    # host-wide counters of charon or the kernel (reset only when they restart)
    "host": {
        "ipsec_daemon_ike_messages_total", "ipsec_daemon_ike_rekeys_total",
        "ipsec_daemon_child_rekeys_total", "ipsec_daemon_invalid_messages_total",
        "ipsec_daemon_ike_sa_negotiations_total", "ipsec_daemon_dpd_messages_total",
        "ipsec_xfrm_errors_total",
    },
    # sums over a conn/child's SAs, an SA that leaves folded into the ledger
    "ledger": {
        "ipsec_child_sa_bytes_total", "ipsec_child_sa_packets_total",
        "ipsec_kernel_child_sa_bytes_total", "ipsec_kernel_child_sa_packets_total",
        "ipsec_kernel_child_sa_errors_total",
    },
}
KNOWN_TOTAL = set().union(*MONOTONIC.values())

# 4. labels that may carry a peer's address or identity
PEER_LABELS = {"remote_addrs", "remote_host", "src", "dst"}
PEER_LABELS_OFF = PEER_LABELS | {"local_addrs"}
REDACTED = re.compile(r"^peer-[0-9a-f]{12}$")

LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

failures = 0


def report(ok, what):
    global failures
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        failures += 1


def parse(path):
    """(types {family: type}, samples [(name, family, {label: value}, value)])"""
    types, samples = {}, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# TYPE "):
                _, _, fam, typ = line.split(" ", 3)
                types[fam] = typ
                continue
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)", line)
            if not m:
                report(False, f"{path}: unparsable line {line!r}")
                continue
            name, lab, val = m.groups()
            labels = dict(LABEL.findall(lab or ""))
            fam = name
            for suffix in ("_bucket", "_sum", "_count"):
                if name.endswith(suffix) and name[: -len(suffix)] in types:
                    fam = name[: -len(suffix)]
            try:
                num = float(val)
            except ValueError:   # a masked golden value
                num = float("nan")
            samples.append((name, fam, labels, num))
    return types, samples


def check_names(samples):
    bad = sorted({f"{fam}{{{l}}} (use {SYNONYMS[l]})" for _, fam, labels, _ in samples
                  for l in labels if l in SYNONYMS})
    report(not bad, "one name per concept: no forbidden synonym" + (f": {', '.join(bad)}" if bad else ""))
    bad = sorted({fam for _, fam, labels, _ in samples
                  if "version" in labels and fam not in SOFTWARE_VERSION})
    report(not bad, "`version` is a software version only" + (f": also on {', '.join(bad)}" if bad else ""))


def check_values(samples):
    bad = set()
    for _, fam, labels, _ in samples:
        for l, v in labels.items():
            if l in VALUES and v not in VALUES[l]:
                bad.add(f'{fam}{{{l}="{v}"}}')
            if l == "error" and KERNEL_ERROR_FAMILIES.match(fam) and v not in KERNEL_ERRORS:
                bad.add(f'{fam}{{error="{v}"}}')
            if l in LOWERCASE and v != v.lower():
                bad.add(f'{fam}{{{l}="{v}"}} (not lowercase)')
            if l in UPPERCASE and fam in UPPERCASE[l] and v != v.upper():
                bad.add(f'{fam}{{{l}="{v}"}} (not charon\'s spelling)')
    report(not bad, "one set of values per concept" + (f": {', '.join(sorted(bad))}" if bad else ""))
    # a conn's IKE version reads alike in the two families ("any" configured
    # negotiates one of the two)
    conf = {l["conn"]: l.get("ike_version") for _, f, l, _ in samples if f == "ipsec_conn_info"}
    sa = {l["conn"]: l.get("ike_version") for _, f, l, _ in samples if f == "ipsec_ike_sa_info"}
    bad = [f"{c}: {conf[c]} vs {v}" for c, v in sa.items()
           if c in conf and (v is None or conf[c] is None or (conf[c] != "any" and conf[c] != v))]
    both = [c for c in sa if c in conf]
    report(not bad and (both or not sa),
           f"ike_version alike in ipsec_conn_info and ipsec_ike_sa_info ({len(both)} conns)"
           + (f": {', '.join(bad)}" if bad else ""))
    kinds = {fam: {l["protocol"] for _, f, l, _ in samples if f == fam and "protocol" in l}
             for fam in {f for _, f, l, _ in samples if "protocol" in l}}
    report(True, "protocol values by family: " + ", ".join(f"{k} {sorted(v)}" for k, v in sorted(kinds.items())))


def check_counters(types, docs):
    bad = sorted(f for f, t in types.items() if t == "counter" and not f.endswith("_total"))
    report(not bad, "every counter ends in _total" + (f": {', '.join(bad)}" if bad else ""))
    totals = {f for f in types if f.endswith("_total")}
    bad = sorted(f for f in totals if types[f] != "counter")
    report(not bad, "every _total family is a counter" + (f": {', '.join(bad)}" if bad else ""))
    bad = sorted(totals - KNOWN_TOTAL)
    report(not bad, f"every scraped _total family ({len(totals)}) is known monotonic (own, host-wide or ledger)"
           + (f"; unclassified: {', '.join(bad)}" if bad else ""))
    if docs:
        with open(docs) as f:
            text = f.read()
        documented = set(re.findall(r"^\| `((?:ipsec|ikewatch)_[a-z_]+_total)` \| counter", text, re.M))
        gauges_total = re.findall(r"^\| `((?:ipsec|ikewatch)_[a-z_]+_total)` \| gauge", text, re.M)
        report(documented == KNOWN_TOTAL,
               f"docs/metrics.md's counters are the known monotonic ones ({len(documented)})"
               + (f": only documented {sorted(documented - KNOWN_TOTAL)}, only here {sorted(KNOWN_TOTAL - documented)}"
                  if documented != KNOWN_TOTAL else ""))
        report(not gauges_total, "docs/metrics.md has no gauge named _total" + (f": {gauges_total}" if gauges_total else ""))


def check_monotonic(before, after):
    key = lambda name, labels: name + "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"
    old = {key(n, l): v for n, f, l, v in before if n.endswith("_total")}
    fell = []
    both = 0
    for n, f, l, v in after:
        k = key(n, l)
        if k in old:
            both += 1
            if v < old[k]:
                fell.append(f"{k} {old[k]:g} -> {v:g}")
    report(both > 0 and not fell,
           f"no _total sample fell between the two scrapes ({both} compared)"
           + (f": {'; '.join(fell)}" if fell else ""))


def check_peers(samples, args):
    if args.no_peer_labels:
        bad = sorted({f"{fam}{{{l}}}" for _, fam, labels, _ in samples
                      for l in labels if l in PEER_LABELS_OFF})
        report(not bad, "peer labels off: no address label" + (f": {', '.join(bad)}" if bad else ""))
    if args.redacted:
        aliases = set(args.alias or [])
        seen, bad = 0, set()
        for _, fam, labels, _ in samples:
            for l, v in labels.items():
                if l not in PEER_LABELS or v in ("", "%any"):
                    continue
                seen += 1
                for item in v.split(","):
                    if item != "%any" and not REDACTED.match(item) and item not in aliases:
                        bad.add(f'{fam}{{{l}="{v}"}}')
        report(seen > 0 and not bad,
               f"redacted: every peer label ({seen}) is an alias or a hash"
               + (f": {', '.join(sorted(bad))}" if bad else ""))
    for addr in args.peer or []:
        hits = sorted({f'{fam}{{{l}="{v}"}}' for _, fam, labels, _ in samples
                       for l, v in labels.items() if addr in v})
        if args.redacted or args.no_peer_labels:
            report(not hits, f"the peer address {addr} is in no label" + (f": {', '.join(hits[:5])}" if hits else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scrape")
    ap.add_argument("after", nargs="?", help="a scrape taken after an SA went away")
    ap.add_argument("--docs", help="docs/metrics.md, to check its counters too")
    ap.add_argument("--redacted", action="store_true")
    ap.add_argument("--no-peer-labels", action="store_true")
    ap.add_argument("--peer", action="append", help="a raw peer address")
    ap.add_argument("--alias", action="append")
    args = ap.parse_args()
    types, samples = parse(args.scrape)
    report(len(samples) > 50, f"{os.path.basename(args.scrape)}: {len(types)} families, {len(samples)} samples")
    check_names(samples)
    check_values(samples)
    check_counters(types, args.docs)
    if args.after:
        types2, samples2 = parse(args.after)
        check_names(samples2)
        check_values(samples2)
        check_monotonic(samples, samples2)
    check_peers(samples, args)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
