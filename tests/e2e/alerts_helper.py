#!/usr/bin/env python3
"""Helpers of tests/e2e/test_alerts.sh (no third-party modules).

  scale FACTOR FILE...   print FILE's rules with every `for:` and range
                         [DURATION] divided by FACTOR (at least 1s): the
                         shipped rules, with time compressed for the test
  hook PORT LOG          an Alertmanager webhook receiver on 127.0.0.1:PORT
                         appending each notification (one JSON a line) to LOG
  firing LOG SINCE       alerts whose latest notification (from line SINCE
                         on) says firing, one "alertname/conn/child" a line
  seen LOG SINCE         every alert notified (firing or resolved) since SINCE
  show LOG SINCE KEY     labels and annotations of KEY's latest notification
"""
import http.server
import json
import re
import sys

UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def scale_duration(text, factor):
    secs = sum(int(n) * UNITS[u] for n, u in re.findall(r"(\d+)(ms|[smhdw])", text))
    return "%ds" % max(1, round(secs / factor))


def scale(factor, paths):
    for path in paths:
        with open(path) as f:
            text = f.read()
        text = re.sub(r"(?m)^(\s+for: )(\S+)$",
                      lambda m: m.group(1) + scale_duration(m.group(2), factor), text)
        text = re.sub(r"\[(\d+(?:ms|[smhdw]))\]",
                      lambda m: "[" + scale_duration(m.group(1), factor) + "]", text)
        sys.stdout.write(text)


def hook(port, log):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                line = json.dumps(json.loads(body))
            except ValueError:
                line = json.dumps({"invalid": body.decode("utf-8", "replace")})
            with open(log, "a") as f:
                f.write(line + "\n")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()


def notifications(log, since):
    try:
        with open(log) as f:
            lines = f.readlines()[since:]
    except FileNotFoundError:
        return
    for line in lines:
        for alert in json.loads(line).get("alerts", []):
            labels = alert.get("labels", {})
            key = "/".join([labels.get("alertname", ""), labels.get("conn", ""),
                            labels.get("child", "")])
            yield key, alert


def main():
    cmd = sys.argv[1]
    if cmd == "scale":
        scale(float(sys.argv[2]), sys.argv[3:])
    elif cmd == "hook":
        hook(int(sys.argv[2]), sys.argv[3])
    else:
        log, since = sys.argv[2], int(sys.argv[3])
        latest, seen = {}, set()
        for key, alert in notifications(log, since):
            latest[key] = alert
            seen.add(key)
        if cmd == "firing":
            keys = [k for k, a in latest.items() if a.get("status") == "firing"]
        elif cmd == "seen":
            keys = list(seen)
        elif cmd == "show":
            a = latest.get(sys.argv[4], {})
            print(json.dumps({"status": a.get("status"), "labels": a.get("labels"),
                              "annotations": a.get("annotations")}, sort_keys=True))
            return
        else:
            sys.exit("unknown command " + cmd)
        for k in sorted(keys):
            print(k)


if __name__ == "__main__":
    main()
