#!/usr/bin/env bash
# The data plane in the status view (issue 21): ESP to a peer dropped by a
# firewall rule while the IKE and CHILD SAs stay up.  Within failing_after
# (default 3) probe runs the conn is `probe_failing`, not before, on every
# view: `ikewatch status --url` (the table, exit status 1), /status (HTML),
# /api/v1/status (JSON, with the failing probe and its reason) and the
# ipsec_conn_status metric; the other tunnel stays ok; once the rule is
# removed the conn returns to ok everywhere.
#
# Kernel errors rising (degraded) are unit-tested only
# (tests/unit/test_status_data.c): the lab's charons use kernel-libipsec,
# whose ESP never reaches the kernel's XFRM counters.
#
# Lab: 2 tunnels over 2 peers (tun1 on p1, tun2 on p2).  Traffic goes only
# to the lab's namespaces; the rule and every process are removed on exit.
source "$(dirname "$0")/lib.sh"

NAME=e2esp$$
NAME=${NAME:0:12}
HUB=$NAME-hub P2=$NAME-p2
IV=2         # probe interval, seconds
N=3          # failing_after: the default, not configured
tmp=$(mktemp -d)
trap 'ip netns exec "$P2" nft delete table inet ikw_espdrop 2>/dev/null; e2e_cleanup; rm -rf "$tmp"' EXIT

command -v nft >/dev/null || { fail "nft not installed (scripts/install-deps.sh)"; e2e_finish status_probes; exit 1; }
lab_up "$NAME" --tunnels 2 --peers 2 || { fail "lab up"; e2e_finish status_probes; exit 1; }

cat >"$tmp/ikewatch.yml" <<EOF
probes:
  defaults: {netns: $HUB, interval: ${IV}s, timeout: 1s}
  list:
    - {conn: tun1, child: net1, name: ping, target_offset: 0}
    - {conn: tun2, child: net2, name: ping, target_offset: 0}
EOF
start_ikewatch PORT --vici.socket="$(lab_vici "$NAME")" --vici.timeout=5s \
	--config.file="$tmp/ikewatch.yml"
URL=http://127.0.0.1:$PORT

# attention CONN: the conn's attention in the JSON, then its failing probes
# as "probe:fail:consecutive_failures" words
attention() {
	curl -fsS --max-time 10 "$URL/api/v1/status?conn=$1" | python3 -c '
import json, sys
v = json.load(sys.stdin)
for c in v["connections"]:
    print(c["attention"], *("%s:%s:%d" % (p["probe"], p["fail"], p["consecutive_failures"])
                            for p in c["probes_failing"]))'
}
status_is() { [ "$(attention "$1" | cut -d" " -f1)" = "$2" ]; }
cli() { "$IKEWATCH" status --url="$URL" --no-color --width=200 "$@"; }
html() { curl -fsS --max-time 10 "$URL/status"; }
# the section of conn $2 in the page $1 has attention $3
html_has() { grep -q "<section class=\"conn attention-$3\" data-conn=\"$2\" data-attention=\"$3\">" <<<"$1"; }
conn_status() { metric "$(scrape "$PORT")" "ipsec_conn_status{conn=\"$1\",status=\"$2\"}"; }

# ---- healthy ---------------------------------------------------------------------
check "both probes ran" wait_for 20 probes_ran "$PORT"
both_ok() { status_is tun1 ok && status_is tun2 ok; }
check "tun1 and tun2 ok" wait_for 10 both_ok
out=$(cli); rc=$?
check "ikewatch status --url: exit 0 while all is ok (got $rc)" test "$rc" = 0
check "...the summary counts no probe failing" grep -q "0 probe failing" <<<"$out"
check "metric: tun2 ok" test "$(conn_status tun2 ok)" = 1
check "metric: tun2 not probe_failing" test "$(conn_status tun2 probe_failing)" = 0

# ---- ESP to p2 dropped, SAs up ------------------------------------------------------
# UDP-encapsulated ESP (a non-zero SPI where IKE has its zero marker) is
# dropped; IKE on the same port passes, so charon keeps the SAs
ip netns exec "$P2" nft -f - <<'EOF'
table inet ikw_espdrop {
	chain in {
		type filter hook input priority 0;
		udp dport 4500 @th,64,32 != 0 drop
	}
}
EOF
t0=$SECONDS
# watch until tun2 turns, recording each time its attention, then the
# timeouts its probe counted since the rule (read after: never fewer than
# when the attention was judged)
TO='ipsec_probe_failures_total{conn="tun2",child="net2",probe="ping",target="198.19.0.2",reason="timeout"}'
timeouts() { metric "$(scrape "$PORT")" "$TO" || echo 0; }
to0=$(timeouts)
: >"$tmp/seen"
while :; do
	a=$(attention tun2 | cut -d" " -f1)
	echo "$a $(($(timeouts) - to0))" >>"$tmp/seen"
	[ "$a" = probe_failing ] && break
	((SECONDS - t0 < (N + 2) * IV + 6)) || break
	sleep 0.3
done
took=$((SECONDS - t0))
turned=$(attention tun2)
echo "# observed on the way: $(sort -u "$tmp/seen" | tr '\n' ';')"
check "tun2 is probe_failing within $N runs (${took}s, interval ${IV}s): $turned" \
	grep -q "^probe_failing ping:timeout:[0-9]" <<<"$turned"
check "...after $N failed runs in a row, not fewer" \
	ge "$(sed -n 's/.*ping:timeout:\([0-9]*\).*/\1/p' <<<"$turned")" "$N"
check "...never before: not probe_failing after fewer than $N timeouts" \
	bash -c '! grep -Eq "^probe_failing [0-2]$" "$1"' _ "$tmp/seen"
check "...and seen ok after 1 or 2 timeouts (runs count, not scrapes)" \
	bash -c 'grep -Eq "^ok [12]$" "$1"' _ "$tmp/seen"
m=$(scrape "$PORT")
check "...while ipsec_child_up stays 1" test "$(metric "$m" 'ipsec_child_up{conn="tun2",child="net2"}')" = 1
check "...and ipsec_conn_up stays 1" test "$(metric "$m" 'ipsec_conn_up{conn="tun2"}')" = 1

out=$(cli); rc=$?
check "ikewatch status --url: exit 1 (got $rc)" test "$rc" = 1
check "...tun2's row says PROBE FAIL" grep -Eq "^tun2 +PROBE FAIL" <<<"$out"
check "...with the probe and its reason" \
	grep -Eq "probe ping through net2 failed [0-9]+ runs in a row: timeout" <<<"$out"
check "...the summary counts it" grep -q "1 probe failing" <<<"$out"
check "...tun1 is UP" grep -Eq "^tun1 +UP" <<<"$out"
json=$(cli --json)
check "ikewatch status --url --json: tun2 probe_failing" \
	python3 -c 'import json,sys; v=json.loads(sys.argv[1]); c={x["name"]: x for x in v["connections"]}
assert c["tun2"]["attention"] == "probe_failing", c["tun2"]["attention"]
assert c["tun2"]["probes_failing"][0]["reason"] == "timeout"
assert c["tun2"]["reason"].startswith("probe ping through net2 failed")
assert c["tun1"]["attention"] == "ok"
assert v["counts"]["probe_failing"] == 1' "$json"
page=$(html)
check "/status: tun2's section is probe_failing" html_has "$page" tun2 probe_failing
check "/status: the badge and the reason" \
	grep -q 'probe failing</span>.*probe ping through net2 failed' <<<"$(tr -d '\n' <<<"$page")"
check "/status: tun1's section is ok" html_has "$page" tun1 ok
check "metric: ipsec_conn_status{conn=tun2,status=probe_failing} 1" test "$(conn_status tun2 probe_failing)" = 1
check "metric: tun2 not ok" test "$(conn_status tun2 ok)" = 0
check "metric: tun1 ok" test "$(conn_status tun1 ok)" = 1

# ---- the rule removed: back to ok ------------------------------------------------------
ip netns exec "$P2" nft delete table inet ikw_espdrop
check "rule removed: tun2 ok again within two runs" wait_for $((2 * IV + 4)) status_is tun2 ok
out=$(cli); rc=$?
check "ikewatch status --url: exit 0 again (got $rc)" test "$rc" = 0
check "...tun2 is UP" grep -Eq "^tun2 +UP" <<<"$out"
check "/status: tun2's section is ok" html_has "$(html)" tun2 ok
check "metric: tun2 ok" test "$(conn_status tun2 ok)" = 1
check "metric: tun2 not probe_failing" test "$(conn_status tun2 probe_failing)" = 0
e2e_finish status_probes
