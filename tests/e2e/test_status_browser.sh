#!/usr/bin/env bash
# The status page in a real browser: headless Chromium loads /status from the
# daemon, against a lab with two tunnels of which the hub then terminates
# one.  The rendered DOM must show a section per connection with the down one
# first, and CHILD SA rows carrying the SPIs that swanctl reports; a
# screenshot is kept in the test output ($E2E_OUT/status.png).
#
# No request leaves localhost: ikewatch and Chromium run in a network
# namespace of this test's own that has nothing but loopback (ikewatch still
# reaches charon through the VICI socket, a file), so there is no route to
# anywhere else.  On top of that every host name resolves to nothing but
# 127.0.0.1, no proxy is used, Chromium's background services are off, and
# the browser's own net log is read back: every connection it made was to
# 127.0.0.1, and anything else it tried failed.
source "$(dirname "$0")/lib.sh"

NAME=e2estat$$
NAME=${NAME:0:12}
WEBNS=ikwweb$$
CHROME_TMP=$(mktemp -d)
# lib.sh's trap stops the daemon and the lab; this one also the namespace
# (after the daemon in it) and the browser's profiles
trap 'e2e_cleanup; ip netns del "$WEBNS" 2>/dev/null; rm -rf "$CHROME_TMP"' EXIT

in_ns() { ip netns exec "$WEBNS" "$@"; }

# start_ikewatch_ns NAME_OF_PORT_VAR ARGS...: lib.sh's start_ikewatch, in
# $WEBNS.  `ip netns exec` execs the command, so $! is ikewatch itself.
start_ikewatch_ns() {
	local port_var=$1 port=9786; shift
	# not through in_ns: a function in the background is a subshell, and
	# $! would be that subshell instead of ikewatch
	ip netns exec "$WEBNS" "$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --web.listen-address="127.0.0.1:$port" "$@" \
		>>"$E2E_OUT/ikewatch-$port.log" 2>&1 &
	IKW_PID=$!
	E2E_PIDS+=("$IKW_PID")
	wait_for 5 in_ns curl -fsS -o /dev/null "http://127.0.0.1:$port/-/healthy" 2>/dev/null || true
	printf -v "$port_var" '%s' "$port"
}

# Chromium as this test runs it: headless, fresh profile, kept on loopback
# (see the top), bounded in time; console messages (script errors) go to its
# log.  CHROME_ARGS: the flags; each run adds a net log and a profile.
CHROME_ARGS=(--headless --no-sandbox --disable-gpu --disable-quic
	--no-first-run --no-default-browser-check --disable-background-networking
	--disable-component-update --disable-sync --disable-default-apps
	--disable-extensions --disable-breakpad --disable-domain-reliability
	--no-pings --metrics-recording-only --no-proxy-server
	--disable-client-side-phishing-detection --safebrowsing-disable-auto-update
	--allow-browser-signin=false --disable-features=OptimizationHints,MediaRouter,Translate
	--host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
	--enable-logging=stderr --v=0)
BROWSER_RUNS=0
chrome_cmd() { # chrome_cmd: prints nothing, sets CHROME_CMD for the next run
	BROWSER_RUNS=$((BROWSER_RUNS + 1))
	CHROME_CMD=(timeout -k 5 90 chromium "${CHROME_ARGS[@]}"
		--log-net-log="$CHROME_TMP/netlog-$BROWSER_RUNS.json"
		--user-data-dir="$CHROME_TMP/profile-$BROWSER_RUNS")
}

# browser OUTPUT_ARGS... URL: one run (--dump-dom, --screenshot=...)
browser() {
	chrome_cmd
	in_ns "${CHROME_CMD[@]}" "$@" 2>>"$CHROME_TMP/chromium.log"
}

# browser_click URL SELECTOR TOKEN: loads URL, types TOKEN into the page's
# token box, answers its confirm() with yes, clicks the button SELECTOR and
# prints what the page then shows in its result line (e.g. "Terminate IKE SA
# #1: 200 {...}").  Drives Chromium over the DevTools protocol on a pipe
# (fds 3 and 4), so no debugging port is opened either.
browser_click() {
	chrome_cmd
	in_ns python3 -c '
import json, os, re, select, subprocess, sys, time
url, sel, token, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
to_r, to_w = os.pipe()
from_r, from_w = os.pipe()
def fds():                      # in the child: the pipe ends as fds 3 and 4
    a, b = os.dup(to_r), os.dup(from_w)
    os.dup2(a, 3); os.dup2(b, 4)
p = subprocess.Popen(cmd + ["--remote-debugging-pipe", "about:blank"], preexec_fn=fds,
                     close_fds=False, stdout=subprocess.DEVNULL)
os.close(to_r); os.close(from_w)
buf, events, nid = b"", [], 0
def recv(deadline):
    global buf
    while b"\0" not in buf:
        left = deadline - time.time()
        if left <= 0 or not select.select([from_r], [], [], left)[0]:
            raise TimeoutError("no answer from chromium")
        chunk = os.read(from_r, 65536)
        if not chunk:
            raise EOFError("chromium closed the pipe")
        buf += chunk
    m, _, buf = buf.partition(b"\0")
    return json.loads(m)
def call(method, params=None, session=None, timeout=30):
    global nid
    nid += 1
    m = {"id": nid, "method": method, "params": params or {}}
    if session:
        m["sessionId"] = session
    os.write(to_w, json.dumps(m).encode() + b"\0")
    deadline = time.time() + timeout
    while True:
        r = recv(deadline)
        if r.get("id") == nid:
            if "error" in r:
                raise RuntimeError("%s: %s" % (method, r["error"]))
            return r.get("result", {})
        events.append(r)
def wait_event(name, timeout=30):
    deadline = time.time() + timeout
    while True:
        for e in events:
            if e.get("method") == name:
                events.remove(e)
                return e
        events.append(recv(deadline))
try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Page.enable", session=s)
    call("Runtime.enable", session=s)
    call("Page.navigate", {"url": url}, s)
    wait_event("Page.loadEventFired")
    def js(expr):
        r = call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, s)
        if "exceptionDetails" in r:
            raise RuntimeError(json.dumps(r["exceptionDetails"])[:300])
        return r["result"].get("value")
    ok = js("window.confirm = function () { return true; };"
            "sessionStorage.setItem(\"ikewatch-token\", %s);"
            "document.getElementById(\"token\").value = %s;"
            "var b = document.querySelector(%s); if (b) b.click(); !!b"
            % (json.dumps(token), json.dumps(token), json.dumps(sel)))
    if not ok:
        print("no button " + sel)
        sys.exit(1)
    deadline, said = time.time() + 40, ""
    while time.time() < deadline:
        try:                    # the page may be reloading itself meanwhile
            said = js("document.getElementById(\"result\").textContent") or ""
        except RuntimeError:
            said = ""
        if said and not said.endswith(": sent"):
            break
        time.sleep(0.2)
    print(said)
    for e in events:            # a script error on the page: into the log
        if e.get("method") == "Runtime.exceptionThrown":
            d = e["params"]["exceptionDetails"]
            print("CONSOLE uncaught: %s" % d.get("exception", {}).get("description", d.get("text")),
                  file=sys.stderr)
finally:
    try:
        call("Browser.close", timeout=5)
    except Exception:
        pass
    for stop in (None, p.terminate, p.kill):   # timeout(1) passes TERM on
        if stop:
            stop()
        try:
            p.wait(5)
            break
        except subprocess.TimeoutExpired:
            pass
' "$1" "$2" "$3" "${CHROME_CMD[@]}" 2>>"$CHROME_TMP/chromium.log"
}

# DOM on stdin -> one tab-separated line per element of interest:
#   section CONN ATTENTION | ike CONN ID STATE [old] | child CONN CHILD DIR SPI [old]
#   missing CONN CHILD | filter VALUE | summary TEXT
dom_rows() {
	python3 -c '
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.summary = None; self.text = []
    def handle_starttag(self, tag, a):
        a = dict(a); cls = (a.get("class") or "").split()
        old = "old" if "old" in cls else ""
        if tag == "section" and "conn" in cls:
            print("section", a.get("data-conn"), a.get("data-attention"), sep="\t")
        elif tag == "tr" and "ike" in cls and "none" not in cls:
            print("ike", a.get("data-conn"), a.get("data-ike"), a.get("data-state"), old, sep="\t")
        elif tag == "tr" and "child" in cls and "missing" in cls:
            print("missing", a.get("data-conn"), a.get("data-child"), sep="\t")
        elif tag == "tr" and "child" in cls:
            print("child", a.get("data-conn"), a.get("data-child"), a.get("data-dir"),
                  a.get("data-spi"), old, sep="\t")
        elif tag == "input" and a.get("name") == "conn":
            print("filter", a.get("value") or "", sep="\t")
        elif tag == "p" and a.get("id") == "summary":
            self.summary = []
    def handle_data(self, d):
        if self.summary is not None: self.summary.append(d)
    def handle_endtag(self, tag):
        if tag == "p" and self.summary is not None:
            print("summary", " ".join("".join(self.summary).split()), sep="\t"); self.summary = None
P().feed(sys.stdin.read())
'
}

# swanctl --list-sas --raw -> "CONN SPI" per SPI, in and out
swanctl_spis() {
	lab "$NAME" swanctl hub --list-sas --raw 2>/dev/null |
		sed -n 's/^list-sa event {\([^ ]*\) {.*/\1 &/p' |
		awk '{ conn = $1; for (i = 2; i <= NF; i++) if ($i ~ /^spi-(in|out)=/) {
			split($i, kv, "="); print conn, kv[2] } }'
}

# The browser's net logs -> one line per connection that went anywhere but
# 127.0.0.1 and did not fail; "connected N, refused M" on stderr.  A log cut
# short (the browser quits while writing it) is read line by line.
netlog_offenders() {
	python3 -c '
import json, re, sys
bad, refused, connected = [], 0, 0
for path in sys.argv[1:]:
    txt = open(path).read()
    head, _, body = txt.partition("\"events\": [")
    m = re.search(r"\"logEventTypes\":\s*(\{[^}]*\})", head)
    if not m:
        bad.append(path + ": unreadable net log"); continue
    types = {v: k for k, v in json.loads(m.group(1)).items()}
    foreign, failed = {}, set()
    for line in body.splitlines():
        try:
            e = json.loads(line.strip().rstrip(","))
        except ValueError:
            continue
        t, p, src = types.get(e.get("type")), e.get("params", {}), e["source"]["id"]
        if p.get("net_error", 0) < 0:
            failed.add(src)
        addr = p.get("remote_address") if t == "TCP_CONNECT" else \
            p.get("address") if t in ("TCP_CONNECT_ATTEMPT", "UDP_CONNECT", "SOCKET_CONNECT") else None
        if not addr:
            continue
        if re.match(r"^(127\.|\[::1\])", addr):
            connected += t == "TCP_CONNECT"
        elif t == "TCP_CONNECT":
            bad.append(addr)            # a connection was made
        else:
            foreign[src] = addr         # tried: must have failed
    for src, addr in foreign.items():
        if src in failed:
            refused += 1
        else:
            bad.append(addr)
print("connected %d times to 127.0.0.1, %d other attempts failed" % (connected, refused), file=sys.stderr)
print("\n".join(sorted(set(bad))))
sys.exit(0 if connected else 1)
' "$CHROME_TMP"/netlog-*.json
}

e2e_abort() { fail "$1"; e2e_finish status-browser; exit 1; }
no_sa() { ! lab "$NAME" swanctl hub --list-sas --raw 2>/dev/null | grep -q "^list-sa event {$1 "; }

command -v chromium >/dev/null || e2e_abort "chromium is installed (scripts/install-deps.sh)"
ip netns add "$WEBNS" && in_ns ip link set lo up || e2e_abort "a network namespace for the browser"
lab_up "$NAME" --tunnels 2 --peers 1 || e2e_abort "lab up"
# actions on, so the page has its buttons and token box (and the script)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$CHROME_TMP/token"
chmod 600 "$CHROME_TMP/token"
TOKEN=$(cat "$CHROME_TMP/token")
AUDIT=$E2E_OUT/status-browser-audit.log
rm -f "$AUDIT"
start_ikewatch_ns PORT --vici.socket="$(lab_vici "$NAME")" --status.actions \
	--status.token-file="$CHROME_TMP/token" --status.audit-log="$AUDIT"
URL="http://127.0.0.1:$PORT/status"

# tun2 goes down on the hub; tun1 stays up and carries a little traffic
lab "$NAME" swanctl hub --terminate --ike tun2 >/dev/null 2>&1
lab "$NAME" ping 1 3 100 >/dev/null 2>&1
check "pings through tun1 pass" test $? -eq 0

code=000
status_ok() {   # sets code
	code=$(in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL")
	[ "$code" = 200 ]
}
wait_for 20 status_ok
[ "$code" = 200 ] || e2e_abort "GET /status answers 200 within 20 s (got $code)"
pass "GET /status answers 200"
check "/status is HTML" bash -c "ip netns exec $WEBNS curl -fsS -o /dev/null -w '%{content_type}' '$URL' | grep -qi '^text/html'"

# the DOM as Chromium rendered it
browser --dump-dom "$URL" >"$E2E_OUT/status.dom.html"
check "chromium renders /status" test -s "$E2E_OUT/status.dom.html"
rows=$(dom_rows <"$E2E_OUT/status.dom.html")
printf '%s\n' "$rows" >"$E2E_OUT/status.rows.tsv"
sections=$(awk -F'\t' '$1 == "section" { print $2 "/" $3 }' <<<"$rows" | paste -sd' ')
check "a section per conn, the down one first ($sections)" test "$sections" = "tun2/down tun1/ok"
check "tun1's IKE SA is ESTABLISHED" \
	grep -qP '^ike\ttun1\t[0-9]+\tESTABLISHED\t$' <<<"$rows"
check "tun2 has no SA rows" bash -c '! grep -qP "^(ike|child)\ttun2\t" <<<"$1"' _ "$rows"
check "summary counts one down" grep -qP '^summary\t1 down .* 1 ok$' <<<"$rows"

# the CHILD rows carry the SPIs charon has installed, one row per direction
want=$(swanctl_spis | sort)
have=$(awk -F'\t' '$1 == "child" && $6 == "" { print $2, $5 }' <<<"$rows" | sort)
check "swanctl lists the 2 SPIs of tun1 only ($(paste -sd' ' <<<"$want"))" \
	test "$(grep -c '^tun1 ' <<<"$want")" -eq 2 -a "$(wc -l <<<"$want")" -eq 2
check "CHILD rows show swanctl's SPIs ($(paste -sd' ' <<<"$have"))" test "$have" = "$want"
check "net1 has an in and an out row" test "$(awk -F'\t' '$1 == "child" && $3 == "net1" \
	{ print $4 }' <<<"$rows" | sort | paste -sd' ')" = "in out"

# the filter: the server applies it, the box echoes it
browser --dump-dom "$URL?conn=tun1" >"$E2E_OUT/status-filtered.dom.html"
frows=$(dom_rows <"$E2E_OUT/status-filtered.dom.html")
check "?conn=tun1 shows tun1 only" \
	test "$(awk -F'\t' '$1 == "section" { print $2 }' <<<"$frows" | paste -sd' ')" = tun1
check "the filter box says tun1" grep -qP '^filter\ttun1$' <<<"$frows"

# what a person sees
rm -f "$E2E_OUT/status.png"
browser --screenshot="$E2E_OUT/status.png" --window-size=1400,1000 "$URL" >/dev/null
check "screenshot saved" test -s "$E2E_OUT/status.png"
check "screenshot is a PNG" bash -c "head -c 8 '$E2E_OUT/status.png' | od -An -c | grep -q 'P   N   G'"
size=$(stat -c %s "$E2E_OUT/status.png" 2>/dev/null || echo 0)
check "screenshot is not blank (size $size > 10 KB)" test "$size" -gt 10240

# the buttons, clicked in the browser: the page's own script sends the API
# call with the token typed in; the effect shows in charon and on the page
check "buttons: initiate tun2, terminate tun1's IKE and CHILD SA" test \
	"$(grep -c 'data-act="initiate" data-conn="tun2"\|data-act="terminate" data-ike-id=\|data-act="terminate" data-child-id=' \
	"$E2E_OUT/status.dom.html")" -eq 3
said=$(browser_click "$URL" 'button[data-act="initiate"][data-conn="tun2"]' "$TOKEN")
check "initiate tun2 from the page: 200 ($said)" grep -q '^Initiate tun2/net2: 200 ' <<<"$said"
up=
tun2_installed() {   # sets up
	up=$(lab "$NAME" swanctl hub --list-sas --raw 2>/dev/null | grep -c '^list-sa event {tun2 .*state=INSTALLED')
	[ "$up" -ge 1 ]
}
wait_for 20 tun2_installed
check "charon has tun2 up again" test "${up:-0}" -ge 1
ike1=$(awk -F'\t' '$1 == "ike" && $2 == "tun1" { print $3; exit }' <<<"$rows")
said=$(browser_click "$URL" "tr.ike[data-conn=\"tun1\"] button[data-act=\"terminate\"]" "$TOKEN")
check "terminate tun1's IKE SA from the page: 200 ($said)" grep -q "^Terminate IKE SA #$ike1: 200 " <<<"$said"
check "charon has no tun1 SA left" no_sa tun1
check "wrong token from the page: 401" grep -q ': 401 ' \
	<<<"$(browser_click "$URL" 'button[data-act="initiate"][data-conn="tun1"]' wrong-token-0123456789)"
check "audit log: 2 ok, 1 refused, both actions named" test \
	"$(grep -c '"result":"ok"' "$AUDIT")" -eq 2 -a "$(grep -c '"result":"refused"' "$AUDIT")" -eq 1 \
	-a "$(grep -c '"action":"initiate"' "$AUDIT")" -ge 1 -a "$(grep -c '"action":"terminate"' "$AUDIT")" -ge 1
browser --dump-dom "$URL" >"$E2E_OUT/status-after.dom.html"
sections=$(dom_rows <"$E2E_OUT/status-after.dom.html" | awk -F'\t' '$1 == "section" { print $2 "/" $3 }' | paste -sd' ')
check "the page now shows tun1 down first, tun2 ok ($sections)" test "$sections" = "tun1/down tun2/ok"

cp "$CHROME_TMP/chromium.log" "$E2E_OUT/chromium.log" 2>/dev/null
errs=$(grep -h 'CONSOLE' "$CHROME_TMP/chromium.log" 2>/dev/null | grep -i 'error\|uncaught' | head -n 3)
check "no script errors on the page${errs:+: $errs}" test -z "$errs"
bad=$(netlog_offenders 2>"$CHROME_TMP/netlog.summary"); rc=$?
e2e_log "chromium: $(cat "$CHROME_TMP/netlog.summary")"
check "chromium's net logs read, our requests in them" test "$rc" -eq 0
check "no request left localhost${bad:+: $(paste -sd' ' <<<"$bad")}" test -z "$bad"

e2e_finish status-browser
