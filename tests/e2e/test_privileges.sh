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
	"$IKEWATCH" serve --run-as="$USR" --web.listen-address="127.0.0.1:$PORT" \
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

# mistakes are errors at start, not a daemon left running as root
"$IKEWATCH" serve --run-as=no-such-user-ikw --web.listen-address=127.0.0.1:0 \
	--vici.socket="$VICI" >"$dir/nouser.log" 2>&1
check "unknown user: exit 2" test $? = 2
check "unknown user: says so" grep -q "no user 'no-such-user-ikw'" "$dir/nouser.log"
setpriv --reuid="$USR" --regid="$gid" --clear-groups "$IKEWATCH" serve --run-as="$USR" \
	--web.listen-address=127.0.0.1:0 --vici.socket="$VICI" >"$dir/notroot.log" 2>&1
check "not root: exit 2" test $? = 2
check "not root: says so" grep -q "needs ikewatch to start as root" "$dir/notroot.log"
e2e_finish "$T"
