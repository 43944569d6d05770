#!/usr/bin/env bash
# Denial of service over the network (issue 15, item 4), against a real
# charon with basic auth on (bcrypt cost 10): correct scrapes keep answering
# in under a second while 40 clients (40 loopback addresses) loop wrong
# passwords, and while slow clients trickle requests from 4 addresses; the
# trickled connections are cut at --web.request-timeout; a body announced
# over the limit gets 413 at once.
source "$(dirname "$0")/lib.sh"
T=dos
NAME=e2edos$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 || { fail "lab up"; e2e_finish "$T"; exit 1; }
tmp=$(mktemp -d)
LOOPERS=()
stop_loopers() { local p; for p in "${LOOPERS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; LOOPERS=(); }
trap 'stop_loopers; e2e_cleanup; rm -rf "$tmp"' EXIT

hash=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("s3cret pw", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))')
check "a bcrypt hash of cost 10" grep -q '^\$2b\$10\$' <<<"$hash"
printf "basic_auth_users:\n  prometheus: '%s'\n" "$hash" >"$tmp/web.yml"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/token"
chmod 600 "$tmp/token"
PORT=$(free_port)
# status actions on: a route that reads a POST body
"$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --web.listen-address="127.0.0.1:$PORT" --web.config.file="$tmp/web.yml" \
	--vici.socket="$(lab_vici "$NAME")" --web.request-timeout=2s \
	--status.actions --status.token-file="$tmp/token" --status.audit-log="$tmp/audit.jsonl" \
	>"$E2E_OUT/ikewatch-$PORT.log" 2>&1 &
IKW_PID=$!
E2E_PIDS+=("$IKW_PID")
URL="http://127.0.0.1:$PORT/metrics"
good() { curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 \
	-u 'prometheus:s3cret pw' "$URL" 2>/dev/null; }
check "serves with basic auth" wait_for 10 sh -c "curl -fsS -o /dev/null -u 'prometheus:s3cret pw' '$URL' 2>/dev/null"

# timed_scrapes N INTERVAL FILE: N correct scrapes, "code seconds" per line
timed_scrapes() {
	local i
	for ((i = 0; i < $1; i++)); do good; sleep "$2"; done >"$3"
}
# all_fast FILE: every scrape 200 in under a second
all_fast() {
	awk 'NF != 2 || $1 != 200 || $2 + 0 >= 1 { bad++ } END { exit !(NR > 0 && !bad) }' "$1"
}

# cpu_ticks PID: user + system clock ticks the process has used
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# ---- 1. 40 clients loop wrong passwords (each from its own address)
t0=$(cpu_ticks "$IKW_PID")
w0=$EPOCHREALTIME
for i in $(seq 10 49); do
	( while :; do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 --interface "127.0.0.$i" \
			-u "prometheus:wrong$i" "$URL"
	  done >"$tmp/looper-$i" 2>/dev/null ) &
	LOOPERS+=($!)
done
sleep 2
timed_scrapes 20 0.3 "$tmp/during-loop"
stop_loopers
cores=$(awk -v t="$(( $(cpu_ticks "$IKW_PID") - t0 ))" -v hz="$(getconf CLK_TCK)" \
	-v w0="$w0" -v w1="$EPOCHREALTIME" 'BEGIN { printf "%.2f", t / hz / (w1 - w0) }')
e2e_log "ikewatch used $cores cores during the loop"
check "bcrypt capped: ikewatch used at most one core during the loop ($cores)" \
	awk -v c="$cores" 'BEGIN { exit !(c <= 1.0) }'
e2e_log "scrapes during the loop (code, seconds): $(tr '\n' ' ' <"$tmp/during-loop")"
check "40 wrong-password loopers: 20 correct scrapes, each 200 in under 1 s" all_fast "$tmp/during-loop"
cat "$tmp"/looper-* >"$tmp/looper-codes"
n401=$(grep -c '^401$' "$tmp/looper-codes")
n429=$(grep -c '^429$' "$tmp/looper-codes")
e2e_log "loopers' answers: $n401 x 401 (a bcrypt run each), $n429 x 429 (backing off, no bcrypt), $(grep -c '^503$' "$tmp/looper-codes") x 503 (no bcrypt turn within 1 s), $(wc -l <"$tmp/looper-codes") in all"
check "the loopers back off: 429s" test "$n429" -gt 0
check "bcrypt ran for few of them (401s: $n401, under 5 per looper)" test "$n401" -lt 200
# a fresh address: its first HTTP_BACKOFF_FREE (5) failures are answered 401,
# then it backs off (429 with Retry-After), and its right password still
# passes (remembered: no bcrypt needed)
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -w '%{http_code}\n' --interface 127.0.0.99 -u prometheus:wrong "$URL"
done >"$tmp/fresh"
check "a fresh address: 401 five times, then 429 ($(tr '\n' ' ' <"$tmp/fresh"))" \
	test "$(tr '\n' ' ' <"$tmp/fresh")" = "401 401 401 401 401 429 "
check "the 429 names when to retry" sh -c "curl -s -D - -o /dev/null --interface 127.0.0.99 -u prometheus:wrong '$URL' | grep -qi '^Retry-After: [0-9]'"
check "while it backs off, its right password passes" \
	test "$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.99 -u 'prometheus:s3cret pw' "$URL")" = 200

# ---- 2. slow clients: 4 addresses, each up to 16 connections, a byte a second
python3 "$E2E_ROOT/tests/e2e/trickle.py" "$PORT" 127.0.0.60,127.0.0.61,127.0.0.62,127.0.0.63 \
	16 1 9 >"$tmp/trickle" &
TRICKLER=$!
LOOPERS+=("$TRICKLER")
sleep 3
timed_scrapes 10 0.3 "$tmp/during-trickle"
wait "$TRICKLER"
LOOPERS=()
e2e_log "scrapes during the trickle: $(tr '\n' ' ' <"$tmp/during-trickle")"
e2e_log "trickler: $(cat "$tmp/trickle")"
check "slow clients: 10 correct scrapes, each 200 in under 1 s" all_fast "$tmp/during-trickle"
oldest=$(sed -n 's/.*oldest_open=\([0-9.]*\).*/\1/p' "$tmp/trickle")
maxlife=$(sed -n 's/.*max_life=\([0-9.]*\).*/\1/p' "$tmp/trickle")
closed=$(sed -n 's/.*closed=\([0-9]*\).*/\1/p' "$tmp/trickle")
check "trickled requests are cut by the 2 s request deadline (closed=$closed)" test "${closed:-0}" -gt 0
check "no trickled connection lived over 3.5 s (max_life=$maxlife oldest_open=$oldest)" \
	awk -v a="${maxlife:-99}" -v b="${oldest:-99}" 'BEGIN { exit !(a < 3.5 && b < 3.5) }'

# ---- 3. a body announced over the limit: 413 at once, not waited for
code_time=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 \
	-u 'prometheus:s3cret pw' -H 'Content-Length: 100000000' -H 'Expect:' \
	--data-binary @/dev/null "http://127.0.0.1:$PORT/api/v1/actions/initiate" 2>/dev/null)
e2e_log "announced 100 MB body: $code_time"
check "an announced 100 MB body: 413 in under a second" \
	awk -v c="$code_time" 'BEGIN { split(c, f, " "); exit !(f[1] == 413 && f[2] < 1) }'
# ---- 4. the operator sees all of it on /metrics
m=$(curl -fsS -u 'prometheus:s3cret pw' "$URL")
for reason in login_failed login_backoff request_deadline body_too_large; do
	v=$(metric "$m" "ikewatch_http_refusals_total{reason=\"$reason\"}")
	check "ikewatch_http_refusals_total{reason=\"$reason\"} counted ($v)" ge "${v:-0}" 1
done
check "every reason present: 7 series" test "$(grep -c '^ikewatch_http_refusals_total{' <<<"$m")" = 7
check "ikewatch still serving" kill -0 "$IKW_PID"
e2e_finish "$T"
