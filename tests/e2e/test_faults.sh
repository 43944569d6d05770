#!/usr/bin/env bash
# Fault tests: ikewatch keeps answering when charon, the VICI socket or the
# clients misbehave.
#  1. a VICI peer that stalls mid-reply, drips, sends garbage, noise, a huge
#     length prefix or closes mid-reply: every scrape ends within
#     --vici.timeout with the vici collector failed, and ikewatch lives on;
#  2. the VICI socket missing, or not accessible (chmod 000, ikewatch not
#     root): a clear error at start, the collector failed, no exit;
#  3. against a real lab: 200 concurrent scrapes and a slowloris client,
#     while another client is still served;
#  4. 1000 scrapes while charon is killed and restarted again and again:
#     no crash, RSS flat;
#  5. valgrind: one-shot scrapes and a serve loop, no leaks, no errors.
source "$(dirname "$0")/lib.sh"

T=faults
RELEASE=${IKEWATCH_RELEASE:-$E2E_ROOT/build/ikewatch}
dir=$(mktemp -d)
chmod 755 "$dir"
trap 'e2e_cleanup; rm -rf "$dir"' EXIT
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
vmrss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
alive() { kill -0 "$1" 2>/dev/null; }

# serve_on LOG ARGS...: ikewatch serve on a free loopback port; sets PORT, IKW_PID
serve_on() {
	shift   # $1: a name, for the reader
	PORT=$(free_port)
	# no reuse window: each scrape reads charon as it is now (lib.sh's rule)
	"$@" serve --web.listen-address="127.0.0.1:$PORT" "${SERVE_ARGS[@]}" \
		--scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" >"$E2E_OUT/ikewatch-$PORT.log" 2>&1 &
	IKW_PID=$!
	E2E_PIDS+=("$IKW_PID")
	wait_for 10 curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/-/healthy" \
		2>/dev/null || true
}

# ---- 1. a misbehaving VICI peer
for mode in stall drip garbage noise huge close; do
	sock="$dir/fake-$mode.vici"
	python3 "$E2E_ROOT/tests/e2e/fake_vici.py" "$mode" "$sock" >"$dir/fake-$mode.out" 2>&1 &
	E2E_PIDS+=("$!")
	wait_for 5 test -S "$sock"
	SERVE_ARGS=(--vici.socket="$sock" --vici.timeout=2s --no-collector.xfrm)
	serve_on "$dir/$mode.log" "$IKEWATCH"
	if [ "$mode" = stall ]; then
		rc=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/-/ready")
		check "stall peer: /-/ready is 503 while the start-up collection hangs (got $rc)" test "$rc" = 503
	fi
	worst=0 ok=1
	for n in 1 2 3; do
		t0=$(date +%s.%N)
		m=$(curl -fsS --max-time 10 "http://127.0.0.1:$PORT/metrics") || ok=0
		t1=$(date +%s.%N)
		d=$(secs "$t0" "$t1"); lt "$worst" "$d" && worst=$d
		[ "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 0 ] || ok=0
	done
	check "$mode peer: 3 scrapes answered, vici collector 0" test "$ok" = 1
	check "$mode peer: each within --vici.timeout 2s + 1s (worst ${worst}s)" lt "$worst" 3.0
	check "$mode peer: /-/healthy still answers" curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/-/healthy"
	check "$mode peer: /-/ready once a collection ended, failed or not" curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/-/ready"
	check "$mode peer: ikewatch still running" alive "$IKW_PID"
	kill "$IKW_PID"; wait "$IKW_PID"
	check "$mode peer: clean exit on SIGTERM" test $? = 0
done

# ---- 2. the VICI socket missing, or without access
SERVE_ARGS=(--vici.socket="$dir/missing.vici" --no-collector.xfrm)
serve_on "$dir/missing.log" "$IKEWATCH"
sleep 2   # on purpose: it must still serve 2 s later, not exit
m=$(curl -fsS --max-time 10 "http://127.0.0.1:$PORT/metrics")
check "missing socket: a clear error at start" \
	grep -q "VICI socket $dir/missing.vici: No such file or directory" "$E2E_OUT/ikewatch-$PORT.log"
check "missing socket: vici collector 0" test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 0
check "missing socket: still serving after 2 s" alive "$IKW_PID"
kill "$IKW_PID"; wait "$IKW_PID"

python3 "$E2E_ROOT/tests/e2e/fake_vici.py" garbage "$dir/locked.vici" >/dev/null 2>&1 &
E2E_PIDS+=("$!")
wait_for 5 test -S "$dir/locked.vici"
chmod 000 "$dir/locked.vici"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	SERVE_ARGS=(--vici.socket="$dir/locked.vici" --no-collector.xfrm)
	serve_on "$dir/locked.log" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all -- "$IKEWATCH"
	sleep 2   # on purpose: it must still serve 2 s later, not exit
	m=$(curl -fsS --max-time 10 "http://127.0.0.1:$PORT/metrics")
	check "socket without access: a clear error at start" \
		grep -q "VICI socket $dir/locked.vici: Permission denied: ikewatch (uid 65534) needs read and write access" \
		"$E2E_OUT/ikewatch-$PORT.log"
	check "socket without access: vici collector 0" \
		test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 0
	check "socket without access: still serving after 2 s" alive "$IKW_PID"
	kill "$IKW_PID"; wait "$IKW_PID"
else
	fail "socket without access: needs root and setpriv to run ikewatch as nobody"
fi

# ---- 3 and 4 need a lab
NAME=e2eft$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 || { fail "lab up"; e2e_finish "$T"; exit 1; }
VICI=$(lab_vici "$NAME")
# a small quarantine, so that ASan's own bookkeeping does not hide a leak's growth
SERVE_ARGS=(--vici.socket="$VICI" --no-collector.xfrm)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4 serve_on "$dir/lab.log" "$IKEWATCH"
m=$(scrape "$PORT")
check "lab: vici collector 1" test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 1

# 3. a flood of 200 concurrent scrapes from 127.0.0.2 and a slowloris client
# from 127.0.0.3, while a client on 127.0.0.1 scrapes
cat >"$dir/slowloris.py" <<'PY'
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
conns = []
for i in range(n):
    try:
        s = socket.socket(); s.bind(("127.0.0.3", 0)); s.settimeout(2)
        s.connect(("127.0.0.1", port)); s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        conns.append(s)
    except OSError:
        pass
end = time.time() + secs
while time.time() < end:
    for s in list(conns):
        try: s.send(b"X-a: b\r\n")
        except OSError: conns.remove(s)
    time.sleep(0.5)
print(len(conns))
PY
python3 "$dir/slowloris.py" "$PORT" 100 20 >"$dir/slowloris.out" 2>&1 &
slow=$!; E2E_PIDS+=("$slow")
sleep 1   # on purpose: let the slow clients take their connections first
flood_pids=()
for i in $(seq 1 200); do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 --interface 127.0.0.2 \
		"http://127.0.0.1:$PORT/metrics" >>"$dir/flood.codes" 2>/dev/null &
	flood_pids+=("$!")
done
served=0 worst=0
for i in $(seq 1 10); do
	t0=$(date +%s.%N)
	for try in 1 2 3 4 5; do   # 503 "too many concurrent scrapes" is an answer too; retry it
		c=$(curl -s -o "$dir/normal.out" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/metrics")
		[ "$c" = 200 ] && break
		sleep 0.2   # a pause between retries, on purpose
	done
	t1=$(date +%s.%N)
	d=$(secs "$t0" "$t1"); lt "$worst" "$d" && worst=$d
	[ "$c" = 200 ] && grep -q '^ipsec_conn_up{conn="tun1"} 1$' "$dir/normal.out" && served=$((served + 1))
done
for p in "${flood_pids[@]}"; do wait "$p"; done
check "under flood and slowloris: the other client got 10/10 scrapes ($served), worst ${worst}s" test "$served" = 10
check "under flood and slowloris: worst answer within 3 s" lt "$worst" 3.0
flood_ok=$(grep -c '^200$' "$dir/flood.codes"); flood_503=$(grep -c '^503$' "$dir/flood.codes")
e2e_log "flood: $flood_ok x 200, $flood_503 x 503, $(grep -vc '^200$\|^503$' "$dir/flood.codes") refused or other"
check "flood: every scrape answered 200 or 503 or refused, some served ($flood_ok)" test "$flood_ok" -gt 0
wait "$slow"
e2e_log "slowloris held $(cat "$dir/slowloris.out") connections at the end (per-address limit)"
check "slowloris held at most the per-address limit (16)" test "$(cat "$dir/slowloris.out")" -le 16
check "after the flood: still serving" alive "$IKW_PID"

# 4. 1000 scrapes while charon is killed and restarted again and again
for i in $(seq 1 100); do scrape "$PORT" >/dev/null; done
rss0=$(vmrss "$IKW_PID")
( while :; do
	lab "$NAME" stop-charon hub --kill >/dev/null 2>&1
	sleep 0.5   # on purpose: charon stays away a while, then comes back
	lab "$NAME" start-charon hub >/dev/null 2>&1
	sleep 1
done ) &
restarter=$!; E2E_PIDS+=("$restarter")
fails=0 ok=0 bad=0
for i in $(seq 1 1000); do
	if m=$(curl -fsS --max-time 15 "http://127.0.0.1:$PORT/metrics"); then
		case $(metric "$m" 'ikewatch_collector_success{collector="vici"}') in
		1) ok=$((ok + 1)) ;; 0) bad=$((bad + 1)) ;; *) fails=$((fails + 1)) ;; esac
	else
		fails=$((fails + 1))
	fi
done
kill "$restarter"; wait "$restarter" 2>/dev/null
lab "$NAME" stop-charon hub >/dev/null 2>&1
lab "$NAME" start-charon hub --wait --reconnect >/dev/null 2>&1
for i in $(seq 1 100); do scrape "$PORT" >/dev/null; done
rss1=$(vmrss "$IKW_PID")
e2e_log "1000 scrapes during restarts: $ok with charon, $bad without, $fails failed; VmRSS ${rss0} kB -> ${rss1} kB"
check "1000 scrapes during charon restarts: all answered" test "$fails" = 0
check "1000 scrapes during charon restarts: both states seen ($ok up, $bad down)" \
	test "$ok" -gt 0 -a "$bad" -gt 0
check "no crash" alive "$IKW_PID"
check "RSS flat: ${rss0} kB -> ${rss1} kB (growth < 4096 kB)" test $((rss1 - rss0)) -lt 4096
m=$(scrape "$PORT")
check "after the restarts: vici collector 1" test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 1
kill "$IKW_PID"; wait "$IKW_PID"
check "clean exit after the loop (LeakSanitizer found nothing)" test $? = 0

# 5. valgrind on the release build
if [ -x "$RELEASE" ] && command -v valgrind >/dev/null; then
	vg=(valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
	    --error-exitcode=99 --quiet)
	ok=1
	for i in 1 2 3; do
		"${vg[@]}" "$RELEASE" metrics --vici.socket="$VICI" --no-collector.xfrm \
			>"$dir/vg.out" 2>"$dir/vg-$i.err" || ok=0
	done
	check "valgrind: 3 one-shot scrapes, no leaks or errors" test "$ok" = 1
	[ "$ok" = 1 ] || tail -n 30 "$dir"/vg-*.err
	SERVE_ARGS=(--vici.socket="$VICI" --no-collector.xfrm)
	serve_on "$dir/vg-serve.log" "${vg[@]}" "$RELEASE"
	for i in $(seq 1 30); do scrape "$PORT" >/dev/null || break; done
	check "valgrind: 30 scrapes served" test "$i" = 30
	kill "$IKW_PID"; wait "$IKW_PID"; rc=$?
	check "valgrind: serve loop then SIGTERM, no leaks or errors (exit $rc)" test "$rc" = 0
	[ "$rc" = 0 ] || tail -n 40 "$E2E_OUT/ikewatch-$PORT.log"
else
	fail "valgrind: needs $RELEASE (make) and valgrind"
fi
e2e_finish "$T"
