#!/usr/bin/env bash
# `ikewatch status` and the daemon's status API against a real lab:
# - the JSON lists exactly the SAs `swanctl --list-sas --raw` lists, with
#   the same SPIs, states and byte counts; a down tunnel comes first;
# - a rekey in progress shows both CHILD SAs, the old one marked;
# - the table under tmux at 80 and 200 columns: no line wraps, the width is
#   the terminal's, colour only on a terminal and not with --no-color;
# - `--url` asks the daemon and prints the same table;
# - actions: refused while disabled; enabled, refused without the token,
#   cross-origin, as a form post or a GET; an authenticated terminate takes
#   the SA down, the next status shows it, every attempt is in the audit log.
source "$(dirname "$0")/lib.sh"

NAME=e2est$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 3 --peers 1 || { fail "lab up"; e2e_finish status; exit 1; }
tmp=$(mktemp -d)
TMUX_SOCK=$tmp/tmux.sock
trap 'tmux -S "$TMUX_SOCK" kill-server 2>/dev/null; e2e_cleanup; rm -rf "$tmp"' EXIT
VICI=$(lab_vici "$NAME")
lab "$NAME" swanctl hub --terminate --ike tun3 >/dev/null 2>&1
lab "$NAME" ping 1 3 >/dev/null 2>&1

# ---- the JSON against swanctl ----------------------------------------------
sas_of_swanctl() { # conn child state spi_in spi_out bytes_in bytes_out, sorted
	lab "$NAME" swanctl hub --list-sas --raw | python3 -c '
import re, sys
text = sys.stdin.read()
tok = re.findall(r"\{|\}|[^\s{}=]+=[^\s{}]*|[^\s{}]+", text)
def parse(i):
    d = {}
    while i < len(tok):
        t = tok[i]
        if t == "}":
            return d, i + 1
        if i + 1 < len(tok) and tok[i + 1] == "{":
            d[t], i = parse(i + 2)
            continue
        if "=" in t:
            k, v = t.split("=", 1); d[k] = v
        i += 1
    return d, i
for line in text.splitlines():
    if not line.startswith("list-sa event"):
        continue
    tok = re.findall(r"\{|\}|[^\s{}=]+=[^\s{}]*|[^\s{}]+", line[len("list-sa event"):])
    ev, _ = parse(1)
    for conn, ike in ev.items():
        for c in ike.get("child-sas", {}).values():
            print(conn, c["name"], c["state"], c["spi-in"], c["spi-out"], c["bytes-in"], c["bytes-out"])
' | sort
}
sas_of_ikewatch() { # the same from ikewatch status --json
	python3 -c '
import json, sys
v = json.load(sys.stdin)
for c in v["connections"]:
    for i in c["ike_sas"]:
        for s in i["child_sas"]:
            print(c["name"], s["name"], s["state"], s["in"]["spi"], s["out"]["spi"], s["in"]["bytes"], s["out"]["bytes"])
' | sort
}
json=$("$IKEWATCH" status --vici.socket="$VICI" --json)
rc=$?
check "status --json exits 1: a tunnel needs attention (got $rc)" test "$rc" = 1
want=$(sas_of_swanctl)
got=$(sas_of_ikewatch <<<"$json")
check "the JSON lists the SAs swanctl lists ($(wc -l <<<"$want") CHILD SAs)" test -n "$want" -a "$got" = "$want"
[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got") | sed 's/^/# /'
table=$("$IKEWATCH" status --vici.socket="$VICI" --width 100)
missing_spi=$(awk '{ print $4; print $5 }' <<<"$want" | while read -r spi; do
	grep -q " $spi " <<<"$table" || echo "$spi"; done)
check "the table shows every SPI swanctl lists${missing_spi:+; missing: $missing_spi}" \
	test -n "$want" -a -z "$missing_spi"
check "the down tunnel comes first" \
	test "$(python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["connections"][0]["name"], v["connections"][0]["attention"])' <<<"$json")" = "tun3 down"
check "tun1's bytes passed (ping)" \
	bash -c 'python3 -c "import json,sys; v=json.load(sys.stdin); c=[x for x in v[\"connections\"] if x[\"name\"]==\"tun1\"][0]; sys.exit(c[\"ike_sas\"][0][\"child_sas\"][0][\"in\"][\"bytes\"] == 0)" <<<"$1"' _ "$json"

# ---- a rekey in progress: both SAs, the old one marked -----------------------
lab "$NAME" swanctl hub --rekey --child net1 >/dev/null 2>&1
json=$("$IKEWATCH" status --vici.socket="$VICI" --json --conn tun1)
marks=$(python3 -c '
import json, sys
v = json.load(sys.stdin)
print(" ".join(sorted(str(s["old"]).lower() for i in v["connections"][0]["ike_sas"] for s in i["child_sas"])))' <<<"$json")
check "rekey: both CHILD SAs of net1 shown, one marked old ($marks)" test "$marks" = "false true"
check "rekey: --conn filters to tun1" \
	test "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["connections"]))' <<<"$json")" = 1

table_done() { tmux -S "$TMUX_SOCK" capture-pane -p | grep -q TABLE-DONE; }

# ---- the table under tmux ------------------------------------------------------
# tmux_table COLS ARGS...: the table as a terminal of COLS columns shows it,
# with wrapped lines joined (-J) and escape sequences kept (-e)
tmux_table() {
	local cols=$1 out=$tmp/tmux-$1.txt
	shift
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	tmux -S "$TMUX_SOCK" new-session -d -x "$cols" -y 60 \
		"$IKEWATCH status --vici.socket=$VICI $* > /dev/tty; echo TABLE-DONE; sleep 30"
	wait_for 5 table_done
	tmux -S "$TMUX_SOCK" capture-pane -p -J -e >"$out"
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	cat "$out"
}
plain() { sed 's/\x1b\[[0-9;]*m//g'; }
for cols in 80 200; do
	t=$(tmux_table "$cols")
	longest=$(plain <<<"$t" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
	check "tmux $cols columns: no line wraps (longest $longest)" test "$longest" -le "$cols"
	check "tmux $cols columns: the rows are there" \
		bash -c 'plain() { sed "s/\x1b\[[0-9;]*m//g"; }; t=$(plain <<<"$1"); grep -q "^tun3 *DOWN" <<<"$t" && grep -q "^  net2 #[0-9]* in" <<<"$t"' _ "$t"
	check "tmux $cols columns: colour on a terminal" grep -q $'\x1b\\[' <<<"$t"
done
t=$(tmux_table 200)
check "tmux 200 columns: the algorithms column shows" bash -c 'sed "s/\x1b\[[0-9;]*m//g" <<<"$1" | grep -q "ALGORITHMS"' _ "$t"
t=$(tmux_table 80)
check "tmux 80 columns: the algorithms column is dropped" bash -c '! sed "s/\x1b\[[0-9;]*m//g" <<<"$1" | grep -q "ALGORITHMS"' _ "$t"
t=$(tmux_table 80 --no-color)
check "tmux: --no-color has no escape sequences" bash -c '! grep -q $'"'"'\x1b'"'"' <<<"$1"' _ "$t"
check "piped: no colour" bash -c '! "$1" status --vici.socket="$2" | grep -q $'"'"'\x1b'"'"'' _ "$IKEWATCH" "$VICI"

# ---- through the daemon ---------------------------------------------------------
start_ikewatch PORT --vici.socket="$VICI"
direct=$("$IKEWATCH" status --vici.socket="$VICI" --width 100 | sed 1,2d | awk '{ print $1, $2 }')
remote=$("$IKEWATCH" status --url="http://127.0.0.1:$PORT" --width 100 | sed 1,2d | awk '{ print $1, $2 }')
check "status --url prints the daemon's table, the same rows" test -n "$remote" -a "$remote" = "$direct"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "actions disabled by default: 403" \
	test "$(code -X POST -H 'Content-Type: application/json' -d '{"ike_id":1}' "http://127.0.0.1:$PORT/api/v1/actions/terminate")" = 403
kill "$IKW_PID"; wait "$IKW_PID" 2>/dev/null

# ---- actions enabled ---------------------------------------------------------------
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/token"
chmod 600 "$tmp/token"
# on a pluto gateway the page's actions (VICI only) are refused at start
out=$(timeout 10 "$IKEWATCH" serve --web.listen-address="127.0.0.1:$(free_port)" \
	--collector.libreswan.ctlsocket="$tmp/no-pluto.ctl" --status.actions \
	--status.token-file="$tmp/token" --status.audit-log="$tmp/audit-pluto.log" 2>&1)
rc=$?
check "status actions with a libreswan collector: serve refuses to start (exit $rc)" \
	test "$rc" -ne 0 -a "$rc" -ne 124
check "...and says why" grep -q 'speak VICI only, not with --collector.libreswan.ctlsocket' <<<"$out"
TOKEN=$(cat "$tmp/token")
start_ikewatch PORT --vici.socket="$VICI" --status.actions --status.token-file="$tmp/token" \
	--status.audit-log="$tmp/audit.log"
U=http://127.0.0.1:$PORT/api/v1/actions/terminate
ike2=$("$IKEWATCH" status --vici.socket="$VICI" --json --conn tun2 |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"][0]["ike_sas"][0]["uniqueid"])')
body="{\"ike_id\": $ike2}"
check "no token: 401" test "$(code -X POST -H 'Content-Type: application/json' -d "$body" "$U")" = 401
check "wrong token: 401" test "$(code -X POST -H 'Content-Type: application/json' \
	-H 'Authorization: Bearer not-the-token-0123456789' -d "$body" "$U")" = 401
check "cross-origin (Origin of another site): 403" test "$(code -X POST -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $TOKEN" -H 'Origin: http://attacker.example' -d "$body" "$U")" = 403
check "cross-site (Sec-Fetch-Site): 403" test "$(code -X POST -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $TOKEN" -H 'Sec-Fetch-Site: cross-site' -d "$body" "$U")" = 403
check "a form post (urlencoded): 415" test "$(code -X POST -H "Authorization: Bearer $TOKEN" \
	--data-urlencode "ike_id=$ike2" "$U")" = 415
check "a GET: 405" test "$(code -H "Authorization: Bearer $TOKEN" "$U?ike_id=$ike2")" = 405
check "tun2 still up after the refused attempts" \
	bash -c '"$1" status --vici.socket="$2" --json --conn tun2 | grep -q "\"attention\":\"ok\""' _ "$IKEWATCH" "$VICI"
check "authenticated terminate of tun2's IKE SA: 200" test "$(code -X POST -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $TOKEN" -H "Origin: http://127.0.0.1:$PORT" -d "$body" "$U")" = 200
check "the next status shows tun2 down" \
	bash -c '"$1" status --url="$2" --json --conn tun2 | grep -q "\"attention\":\"down\""' _ "$IKEWATCH" "http://127.0.0.1:$PORT"
check "the CLI initiates tun2 again through the daemon" \
	"$IKEWATCH" status --url="http://127.0.0.1:$PORT" --status.token-file="$tmp/token" --initiate=tun2/net2
check "tun2 is up again" \
	bash -c '"$1" status --vici.socket="$2" --json --conn tun2 | grep -q "\"attention\":\"ok\""' _ "$IKEWATCH" "$VICI"
check "audit log: 6 refused, 2 ok ($(grep -c . "$tmp/audit.log") lines)" \
	test "$(grep -c '"result":"refused"' "$tmp/audit.log")" = 6 -a "$(grep -c '"result":"ok"' "$tmp/audit.log")" = 2
check "audit log names the action and target" grep -q "\"action\":\"terminate\",\"target\":\"ike $ike2\",\"result\":\"ok\"" "$tmp/audit.log"

# a loop of unauthenticated requests with a 4 KiB action full of control
# bytes: the audit log takes at most 20 refusals a minute, each cut to 64
# bytes, and counts the rest in a "suppressed" line (here: at shutdown)
before=$(grep -c . "$tmp/audit.log")
long=$(printf '%%1bA%.0s' $(seq 1 1000))
for _ in $(seq 1 200); do
	curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/api/v1/actions/$long"
done
kill "$IKW_PID"; wait "$IKW_PID" 2>/dev/null
flood=$(tail -n +"$((before + 1))" "$tmp/audit.log")
written=$(grep -c '"result":"refused"' <<<"$flood")
suppressed=$(grep -o '"result":"suppressed","refused":[0-9]*' <<<"$flood" | awk -F: '{s += $NF} END {print s + 0}')
e2e_log "flood of 200 refusals: $written written, $suppressed counted as suppressed, $(wc -c <<<"$flood") bytes"
check "flood: at most 20 refusals a minute written ($written)" test "$written" -le 40 -a "$written" -ge 1
check "flood: every refusal written or counted ($written + $suppressed = 200)" test "$((written + suppressed))" -eq 200
check "flood: the action is cut to 64 bytes and marked" \
	bash -c '! grep "\"result\":\"refused\"" <<<"$1" | grep -vq "\"action_cut\":true"' _ "$flood"
longest=$(awk '{ print length($0) }' <<<"$flood" | sort -n | tail -1)
check "flood: no audit line over 600 bytes ($longest)" test "$longest" -le 600
check "flood: no control byte in the audit log" bash -c '! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n" <"$1")' _ "$tmp/audit.log"
e2e_finish status
