#!/usr/bin/env bash
# Least privilege: started as root with --run-as=USER, ikewatch becomes that
# user (with its supplementary groups: the one that owns charon's VICI
# socket) and keeps only CAP_NET_ADMIN, which the XFRM collector needs, or no
# capability at all without it; and the systemd unit's hardening rates at or
# below exposure 2.5 in `systemd-analyze security`.  The test user and group
# are created here and removed at the end.
source "$(dirname "$0")/lib.sh"

T=privileges
USR=ikwt$$ GRP=ikwv$$
dir=$(mktemp -d)
chmod 755 "$dir"
cleanup_users() { userdel "$USR" >/dev/null 2>&1; groupdel "$GRP" >/dev/null 2>&1; }
trap 'e2e_cleanup; cleanup_users; rm -rf "$dir"' EXIT
status() { grep -E "^$2:" "/proc/$1/status" | cut -f2- | tr '\t' ' ' | sed 's/ *$//'; }

# ---- the systemd unit
UNIT="$E2E_ROOT/deploy/systemd/ikewatch.service"
out=$(systemd-analyze security --offline=true --no-pager "$UNIT" 2>&1)
score=$(sed -n 's/.*Overall exposure level for ikewatch.service: \([0-9.]*\).*/\1/p' <<<"$out")
e2e_log "systemd-analyze security: exposure ${score:-?}"
check "systemd-analyze security rates the unit (${score:-none})" test -n "$score"
check "unit exposure ${score:-?} <= 2.5" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.5) }'
for opt in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
	'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK' \
	CapabilityBoundingSet=CAP_NET_ADMIN SystemCallFilter=@system-service; do
	check "unit sets $opt" grep -qx "$opt" "$UNIT"
done

# ---- the user, and a lab whose VICI socket belongs to the user's extra group
[ "$(id -u)" = 0 ] || { fail "needs root"; e2e_finish "$T"; exit 1; }
groupadd "$GRP" && useradd --system --no-create-home --shell /usr/sbin/nologin \
	--groups "$GRP" "$USR" || { fail "useradd"; e2e_finish "$T"; exit 1; }
uid=$(id -u "$USR") gid=$(id -g "$USR") vgid=$(getent group "$GRP" | cut -d: -f3)
NAME=e2epv$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 1 --peers 1 || { fail "lab up"; e2e_finish "$T"; exit 1; }
VICI=$(lab_vici "$NAME")
chgrp "$GRP" "$VICI" && chmod 0660 "$VICI"
d=$(dirname "$VICI"); while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null; d=$(dirname "$d"); done

# run_as ARGS...: serve as root with --run-as; sets PORT, IKW_PID
run_as() {
	PORT=$(free_port)
	"$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --run-as="$USR" --web.listen-address="127.0.0.1:$PORT" \
		--vici.socket="$VICI" "$@" >"$E2E_OUT/ikewatch-$PORT.log" 2>&1 &
	IKW_PID=$!
	E2E_PIDS+=("$IKW_PID")
	wait_for 5 curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/healthy" 2>/dev/null || true
}

run_as
check "ikewatch runs as $USR" test "$(status "$IKW_PID" Uid)" = "$uid $uid $uid $uid"
check "with its group" test "$(status "$IKW_PID" Gid)" = "$gid $gid $gid $gid"
check "and its supplementary group (the VICI socket's)" grep -qw "$vgid" <<<"$(status "$IKW_PID" Groups)"
for k in CapEff CapPrm CapBnd; do
	check "$k is CAP_NET_ADMIN only ($(status "$IKW_PID" $k))" test "$(status "$IKW_PID" $k)" = 0000000000001000
done
check "CapInh and CapAmb empty" test "$(status "$IKW_PID" CapInh)$(status "$IKW_PID" CapAmb)" = 00000000000000000000000000000000
check "the log says what was kept" grep -q "running as $USR (uid $uid, gid $gid), capabilities: cap_net_admin" \
	"$E2E_OUT/ikewatch-$PORT.log"
m=$(scrape "$PORT")
check "as $USR: vici collector 1 (through the socket's group)" \
	test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 1
check "as $USR: tunnel up" test "$(metric "$m" 'ipsec_conn_up{conn="tun1"}')" = 1
check "as $USR: xfrm collector 1 (CAP_NET_ADMIN kept)" \
	test "$(metric "$m" 'ikewatch_collector_success{collector="xfrm"}')" = 1
# every thread, not only the main one
bad=0
for t in /proc/"$IKW_PID"/task/*; do
	grep -q '^CapEff:.*0000000000001000$' "$t/status" || bad=$((bad + 1))
done
check "every thread has CAP_NET_ADMIN only ($bad others)" test "$bad" = 0
kill "$IKW_PID"; wait "$IKW_PID"
check "exits cleanly" test $? = 0

run_as --no-collector.xfrm
for k in CapEff CapPrm CapBnd; do
	check "without the kernel collector: $k empty ($(status "$IKW_PID" $k))" \
		test "$(status "$IKW_PID" $k)" = 0000000000000000
done
check "without the kernel collector: the log says none" grep -q "capabilities: none" \
	"$E2E_OUT/ikewatch-$PORT.log"
m=$(scrape "$PORT")
check "without capabilities: vici collector 1" \
	test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 1
kill "$IKW_PID"; wait "$IKW_PID"

# ---- each feature keeps exactly what it needs (issue 15, item 7)
HUB=$NAME-hub
# caps_of PID: CapEff CapPrm CapBnd CapInh CapAmb, space-separated
caps_of() { echo "$(status "$1" CapEff) $(status "$1" CapPrm) $(status "$1" CapBnd) $(status "$1" CapInh) $(status "$1" CapAmb)"; }
probe_yml() { # probe_yml FILE TYPE: one probe from the hub's netns through tun1
	printf 'probes:\n  - {conn: tun1, child: net1, type: %s, target: 198.19.0.1, source: 198.18.0.1, netns: %s, interval: 2s, timeout: 1s}\n' \
		"$2" "$HUB" >"$1"
}
probe_ok() { test "$(metric "$(scrape "$PORT")" 'ipsec_probe_success{conn="tun1",child="net1",probe="'"$1"'",target="198.19.0.1"}')" = 1; }
# ping sockets inside the hub's netns for the user's supplementary group only
# (the sysctl is per network namespace: the host's stays as it is)
ip netns exec "$HUB" sysctl -qw net.ipv4.ping_group_range="$vgid $vgid"
probe_yml "$dir/icmp.yml" icmp
run_as --config.file="$dir/icmp.yml"
check "icmp probe in a netns whose ping range has the user's supplementary group: net_admin + sys_admin, no net_raw ($(caps_of "$IKW_PID"))" \
	test "$(caps_of "$IKW_PID")" = "0000000000201000 0000000000201000 0000000000201000 0000000000000000 0000000000000000"
check "...and the probe gets through (a ping socket)" wait_for 10 probe_ok icmp
check "...the log says why" grep -q "cap_sys_admin to enter network namespaces (probes with netns)" \
	"$E2E_OUT/ikewatch-$PORT.log"
kill "$IKW_PID"; wait "$IKW_PID"
ip netns exec "$HUB" sysctl -qw net.ipv4.ping_group_range="1 0"
run_as --config.file="$dir/icmp.yml"
check "icmp probe where ping sockets are refused: net_raw kept too ($(caps_of "$IKW_PID"))" \
	test "$(caps_of "$IKW_PID")" = "0000000000203000 0000000000203000 0000000000203000 0000000000000000 0000000000000000"
check "...and the probe gets through (a raw socket)" wait_for 10 probe_ok icmp
kill "$IKW_PID"; wait "$IKW_PID"
probe_yml "$dir/tcp.yml" tcp
sed -i 's/type: tcp,/type: tcp, port: 22,/' "$dir/tcp.yml"
run_as --config.file="$dir/tcp.yml" --no-collector.xfrm
check "tcp probe only (no ICMP), no kernel collector: sys_admin only ($(caps_of "$IKW_PID"))" \
	test "$(caps_of "$IKW_PID")" = "0000000000200000 0000000000200000 0000000000200000 0000000000000000 0000000000000000"
kill "$IKW_PID"; wait "$IKW_PID"

# a port below 1024: bound before the drop, CAP_NET_BIND_SERVICE never kept
low=$(python3 -c 'import socket
for p in range(990, 900, -1):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass')
"$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --run-as="$USR" --web.listen-address="127.0.0.1:$low" --vici.socket="$VICI" \
	>"$dir/low.log" 2>&1 &
IKW_PID=$!
E2E_PIDS+=("$IKW_PID")
check "port $low (below 1024) served as $USR" wait_for 5 curl -fsS -o /dev/null "http://127.0.0.1:$low/-/healthy"
check "...without cap_net_bind_service ($(caps_of "$IKW_PID"))" \
	test "$(caps_of "$IKW_PID")" = "0000000000001000 0000000000001000 0000000000001000 0000000000000000 0000000000000000"
kill "$IKW_PID"; wait "$IKW_PID"

# remediation's diagnostics commands get CAP_NET_ADMIN (ambient), nothing else
mkdir -p "$dir/rem" && chown "$USR" "$dir/rem"
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/rem/token"
chmod 600 "$dir/rem/token" && chown "$USR" "$dir/rem/token"
cat >"$dir/rem.yml" <<YML
remediation:
  enabled: true
  dry_run: false
  token_file: $dir/rem/token
  audit_log: $dir/rem/audit.jsonl
  checks: 1
  recheck_delay: 2s
  diagnostics:
    directory: $dir/rem/diag
    commands:
      - [sh, -c, "grep ^Cap /proc/self/status; ip -s xfrm state >/dev/null && echo xfrm-ok"]
YML
run_as --config.file="$dir/rem.yml"
check "remediation on: net_admin, and inheritable for the diagnostics ($(caps_of "$IKW_PID"))" \
	test "$(caps_of "$IKW_PID")" = "0000000000001000 0000000000001000 0000000000001000 0000000000001000 0000000000000000"
lab "$NAME" swanctl hub --terminate --ike tun1 >/dev/null 2>&1
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $(cat "$dir/rem/token")" \
	--data '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"IPsecIKESADown","conn":"tun1"}}]}' \
	"http://127.0.0.1:$PORT/api/v1/alertmanager"
diag_out() { cat "$dir"/rem/diag/*-tun1/*sh*.txt 2>/dev/null; }
check "a diagnostics bundle was written" wait_for 20 sh -c "ls '$dir'/rem/diag/*-tun1/ 2>/dev/null | grep -q sh"
e2e_log "diagnostics child: $(diag_out | grep -E 'CapEff|CapAmb|xfrm-ok' | tr '\n' ' ')"
check "the diagnostics child has CAP_NET_ADMIN" grep -q "^CapEff:.*0000000000001000$" <(diag_out)
check "...so its ip -s xfrm state works" grep -q "^xfrm-ok$" <(diag_out)
check "the daemon's ambient set is empty again ($(status "$IKW_PID" CapAmb))" \
	test "$(status "$IKW_PID" CapAmb)" = 0000000000000000
kill "$IKW_PID"; wait "$IKW_PID"
lab "$NAME" swanctl hub --initiate --child net1 --timeout 5 >/dev/null 2>&1

# mistakes are errors at start, not a daemon left running as root
"$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --run-as=no-such-user-ikw --web.listen-address=127.0.0.1:0 \
	--vici.socket="$VICI" >"$dir/nouser.log" 2>&1
check "unknown user: exit 2" test $? = 2
check "unknown user: says so" grep -q "no user 'no-such-user-ikw'" "$dir/nouser.log"
setpriv --reuid="$USR" --regid="$gid" --clear-groups "$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --run-as="$USR" \
	--web.listen-address=127.0.0.1:0 --vici.socket="$VICI" >"$dir/notroot.log" 2>&1
check "not root: exit 2" test $? = 2
check "not root: says so" grep -q "needs ikewatch to start as root" "$dir/notroot.log"
e2e_finish "$T"
