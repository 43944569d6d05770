#!/usr/bin/env bash
# The VPN log beside the tunnels (issue 23) against a real charon: the
# daemon keeps charon's VICI log lines and shows them on /api/v1/log, in
# `ikewatch status --log --url` and on /status in headless Chromium.
# - a child that rekeys (child rekey 8 s): its timeline counts the rekey;
# - a wrong PSK: the IKE_AUTH failure is shown with its line;
# - a peer that never answers (its charon killed): IKE_SA_INIT in flight,
#   the retransmits counted, ipsec_ike_sa_connecting_seconds grows;
# - `status --log` without a daemon reads the end of charon's log file;
# - bad query parameters answer 400.
# ikewatch and Chromium run in a namespace of this test's own with only
# loopback (as test_status_browser.sh); charon is reached over its socket.
source "$(dirname "$0")/lib.sh"

NAME=e2evl$$
NAME=${NAME:0:12}
WEBNS=ikwvl$$
tmp=$(mktemp -d)
trap 'ip netns exec "$NAME-p1" nft delete table inet ikw_ikedrop 2>/dev/null
	e2e_cleanup; ip netns del "$WEBNS" 2>/dev/null; rm -rf "$tmp"' EXIT
in_ns() { ip netns exec "$WEBNS" "$@"; }
e2e_abort() { fail "$1"; e2e_finish vpnlog; exit 1; }

command -v chromium >/dev/null || e2e_abort "chromium is installed (scripts/install-deps.sh)"
ip netns add "$WEBNS" && in_ns ip link set lo up || e2e_abort "a network namespace"
lab_up "$NAME" --tunnels 2 --peers 1 --child-rekey 8 || e2e_abort "lab up"
sd=$(lab_state_dir "$NAME")
cat >"$tmp/ikewatch.yml" <<YML
logs:
  vici_log: true
  keep_lines: 3000
YML
PORT=9787
ip netns exec "$WEBNS" "$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --web.listen-address="127.0.0.1:$PORT" --vici.socket="$(lab_vici "$NAME")" \
	--config.file="$tmp/ikewatch.yml" --status.refresh=5s >>"$E2E_OUT/ikewatch-vpnlog.log" 2>&1 &
IKW_PID=$!
E2E_PIDS+=("$IKW_PID")
get() { in_ns curl -sS --max-time 20 "http://127.0.0.1:$PORT$1"; }
wait_for 10 get /-/healthy >/dev/null 2>&1 || e2e_abort "ikewatch answers"
jq_() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }

# ---- a rekey: the timeline ----------------------------------------------------
rekeyed() { [ "$(get '/api/v1/log?conn=tun2' | jq_ '[c for c in v["conns"] if c["name"]=="tun2"][0]["timeline"]["rekey"]["count"]')" -ge 1 ]; }
check "tun2's timeline counts a CHILD rekey (rekey every 8 s)" wait_for 40 rekeyed
j=$(get '/api/v1/log?conn=tun2&kind=rekey&limit=5')
check "kind=rekey gives tun2's rekey lines" test "$(jq_ 'len(v["lines"])' <<<"$j")" -ge 1
check "and only rekey lines" test "$(jq_ 'set(l["kind"] for l in v["lines"]) == {"rekey"}' <<<"$j")" = True
check "the timeline says when tun2 was last up" \
	test "$(jq_ 'v["conns"][0]["timeline"]["up"]["last"] is not None or v["conns"][0]["timeline"]["rekey"]["last"] is not None' <<<"$j")" = True

# ---- a wrong PSK: the IKE_AUTH failure with its line ---------------------------
lab_extend "$NAME" "$tmp" failing_conns
get /metrics >/dev/null   # a collection: badpsk is a known conn from now on
lab "$NAME" swanctl p1 --initiate --child badpsknet --timeout 10 >/dev/null 2>&1
check "wrong PSK does not come up" test $? -ne 0
authfail() {
	j=$(get '/api/v1/log?conn=badpsk&kind=failure')
	[ "$(jq_ 'any("AUTH" in l["text"] or "MAC mismatched" in l["text"] for l in v["lines"])' <<<"$j")" = True ]
}
check "badpsk's failure line is on /api/v1/log (kind=failure)" wait_for 15 authfail
grep -o '"text":"[^"]*"' <<<"$j" | head -3 | sed 's/^/# /'
tl=$(get '/api/v1/log?conn=badpsk' | jq_ '[c for c in v["conns"] if c["name"]=="badpsk"][0]["timeline"]["failure"]["reason"]')
check "badpsk's timeline names the last failure auth_failed (got $tl)" test "$tl" = auth_failed
cli=$(in_ns "$IKEWATCH" status --url "http://127.0.0.1:$PORT" --conn badpsk --log)
check "status --log --url shows badpsk's failure line" grep -qE 'failure .*(AUTH|MAC mismatched)' <<<"$cli"
check "and its timeline (failure ... auth_failed)" grep -q 'failure .* auth_failed' <<<"$cli"

# ---- a CHILD SA with no answer over an up IKE SA: CREATE_CHILD_SA in flight ------
# p1 drops IKE (port 500, and 4500 with the zero non-ESP marker) for a few
# seconds while the hub creates net2 again over tun2's established IKE SA
lab "$NAME" swanctl hub --terminate --child net2 --timeout 5 >/dev/null 2>&1
ip netns exec "$NAME-p1" nft -f - <<'NFT'
table inet ikw_ikedrop {
	chain in {
		type filter hook input priority 0;
		udp dport 500 drop
		udp dport 4500 @th,64,32 0 drop
	}
}
NFT
lab "$NAME" swanctl hub --initiate --child net2 --timeout 30 >/dev/null 2>&1 &
child_pid=$!
child_nego() {
	j=$(get '/api/v1/log?conn=tun2')
	[ "$(jq_ '(v["conns"][0]["negotiation"] or {}).get("sa")' <<<"$j")" = child ] &&
		[ "$(jq_ '(v["conns"][0]["negotiation"] or {}).get("exchange")' <<<"$j")" = CREATE_CHILD_SA ] &&
		[ "$(jq_ '(v["conns"][0]["negotiation"] or {}).get("retransmits", 0)' <<<"$j")" -ge 1 ]
}
check "tun2 creates its CHILD SA over the up IKE SA: CREATE_CHILD_SA in flight, retransmitted" \
	wait_for 20 child_nego
echo "# child negotiation: $(jq_ 'v["conns"][0]["negotiation"]' <<<"$j")"
m=$(get /metrics)
csecs=$(metric "$m" 'ipsec_child_sa_connecting_seconds{conn="tun2"}' || echo missing)
check "ipsec_child_sa_connecting_seconds{conn=\"tun2\"} > 0 ($csecs)" ge "$csecs" 1
check "...and ipsec_ike_sa_connecting_seconds{conn=\"tun2\"} 0 (the IKE SA is up)" \
	test "$(metric "$m" 'ipsec_ike_sa_connecting_seconds{conn="tun2"}')" = 0
cli=$(in_ns "$IKEWATCH" status --url "http://127.0.0.1:$PORT" --conn tun2 --log)
check "status --log --url: a CHILD SA over IKE SA, CREATE_CHILD_SA in flight since" \
	grep -qE 'negotiating: a CHILD SA over IKE SA #[0-9]+, CREATE_CHILD_SA in flight since .*[1-9][0-9]* retransmit' <<<"$cli"
st=$(get '/api/v1/status' | jq_ '[c for c in v["connections"] if c["name"]=="tun2"][0]["reason"]')
check "the status reason says so ($st)" grep -q 'CREATE_CHILD_SA in flight' <<<"$st"
ip netns exec "$NAME-p1" nft delete table inet ikw_ikedrop
wait "$child_pid" 2>/dev/null
child_up() { [ "$(get '/api/v1/status' | jq_ '[c for c in v["connections"] if c["name"]=="tun2"][0]["attention"]')" = ok ]; }
check "IKE let through again: the retransmitted request installs net2" wait_for 30 child_up

# ---- a peer that never answers: IKE_SA_INIT in flight, retransmits ---------------
lab "$NAME" stop-charon p1 --kill >/dev/null 2>&1
lab "$NAME" swanctl hub --terminate --ike tun1 --timeout 5 >/dev/null 2>&1
lab "$NAME" swanctl hub --initiate --child net1 --timeout 60 >/dev/null 2>&1 &
init_pid=$!
nego() {
	j=$(get '/api/v1/log?conn=tun1')
	n=$(jq_ '[c for c in v["conns"] if c["name"]=="tun1"][0]["negotiation"]' <<<"$j")
	[ "$(jq_ '(v["conns"][0]["negotiation"] or {}).get("exchange")' <<<"$j")" = IKE_SA_INIT ] &&
		[ "$(jq_ '(v["conns"][0]["negotiation"] or {}).get("retransmits", 0)' <<<"$j")" -ge 2 ]
}
check "tun1 is negotiating IKE_SA_INIT with 2 or more retransmits" wait_for 40 nego
echo "# negotiation: $n"
# the retransmits are the try's own: the highest "retransmit N" of its IKE SA
# (the old SA's DELETE retransmits beside it, under another id)
own=$(jq_ 'max([0] + [int(l["text"].split()[1]) for l in v["lines"] if l["text"].startswith("retransmit ") and l["ike_id"] == v["conns"][0]["negotiation"]["ike_id"]])' <<<"$j")
got=$(jq_ 'v["conns"][0]["negotiation"]["retransmits"]' <<<"$j")
check "the retransmits counted are the try's own retransmit lines ($got, lines say $own)" \
	test "$got" -ge 2 -a "$got" -le "$own" -a "$got" -ge $((own - 1))
m=$(get /metrics)
secs=$(metric "$m" 'ipsec_ike_sa_connecting_seconds{conn="tun1"}' || echo missing)
check "ipsec_ike_sa_connecting_seconds{conn=\"tun1\"} > 0 ($secs)" ge "$secs" 1
check "ipsec_ike_sa_connecting_seconds{conn=\"tun2\"} is 0 (its IKE SA is still up)" \
	test "$(metric "$m" 'ipsec_ike_sa_connecting_seconds{conn="tun2"}')" = 0
cli=$(in_ns "$IKEWATCH" status --url "http://127.0.0.1:$PORT" --conn tun1 --log)
printf '%s\n' "$cli" | head -4 | sed 's/^/# /'
check "status --log --url: tun1 negotiating IKE_SA_INIT in flight" grep -q 'IKE_SA_INIT in flight' <<<"$cli"
check "status --log --url: the retransmit lines" grep -q 'retransmit [0-9]* of request' <<<"$cli"
json_cli=$(in_ns "$IKEWATCH" status --url "http://127.0.0.1:$PORT" --conn tun1 --log --json)
check "status --log --json --url gives the same negotiation" \
	test "$(jq_ 'v["conns"][0]["negotiation"]["exchange"]' <<<"$json_cli")" = IKE_SA_INIT
# without a daemon: the end of the hub's charon log file (logs.files)
printf 'logs:\n  files: [%s]\n' "$sd/hub/charon.log" >"$tmp/local.yml"
local_out=$("$IKEWATCH" status --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/local.yml" \
	--conn tun1 --log)
printf '%s\n' "$local_out" | head -3 | sed 's/^/# local: /'
check "status --log without --url: tun1 negotiating IKE_SA_INIT from charon's log file" \
	grep -qE 'negotiating: IKE SA #[0-9]+, IKE_SA_INIT in flight since .*[1-9][0-9]* retransmit' <<<"$local_out"
check "status --log without --url: the log file's retransmit lines" \
	grep -qE '^20[0-9-]+T[0-9:]+Z negotiation +<tun1\|[0-9]+> retransmit [0-9]+ of request' <<<"$local_out"
red=$("$IKEWATCH" status --vici.socket="$(lab_vici "$NAME")" --config.file="$tmp/local.yml" \
	--collector.redact=hash --log)
check "with --collector.redact=hash the log shows no peer address or identity" \
	bash -c '! grep -qE "192\.0\.2\.|peer-tun|hub-tun" <<<"$1" && grep -qE "from peer-[0-9a-f]{12}\[" <<<"$1"' _ "$red"

# ---- the page in Chromium ---------------------------------------------------------
CH=(timeout -k 5 90 chromium --headless --no-sandbox --disable-gpu --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--no-proxy-server --host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
	--user-data-dir="$tmp/profile" --window-size=1400,2400)
in_ns "${CH[@]}" --dump-dom "http://127.0.0.1:$PORT/status" >"$E2E_OUT/vpnlog.dom.html" 2>>"$tmp/chromium.log"
dom=$E2E_OUT/vpnlog.dom.html
check "chromium renders /status with the log panel" grep -q 'id="log"' "$dom"
check "the page shows tun1 negotiating IKE_SA_INIT" \
	grep -q 'data-exchange="IKE_SA_INIT"' "$dom"
check "the page shows badpsk's failure line" grep -qE 'kind-failure" data-conn="badpsk"' "$dom"
check "the page shows a timeline" grep -q 'data-event="rekey"' "$dom"
in_ns "${CH[@]}" --screenshot="$E2E_OUT/vpnlog.png" "http://127.0.0.1:$PORT/status?conn=tun1" \
	>/dev/null 2>>"$tmp/chromium.log"
check "a screenshot of tun1's page ($E2E_OUT/vpnlog.png)" test -s "$E2E_OUT/vpnlog.png"

# ---- bad parameters -------------------------------------------------------------
code() { in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$PORT$1"; }
check "limit=0 is a 400" test "$(code '/api/v1/log?limit=0')" = 400
check "kind=bogus is a 400" test "$(code '/api/v1/log?kind=bogus')" = 400
check "limit=5 gives at most 5 lines" test "$(get '/api/v1/log?limit=5' | jq_ 'len(v["lines"])')" -le 5
markup=$(get '/status' | grep -c '<script>alert' || true)
check "no raw markup from log lines on the page" test "$markup" = 0
kill "$init_pid" 2>/dev/null; wait "$init_pid" 2>/dev/null
e2e_finish vpnlog
