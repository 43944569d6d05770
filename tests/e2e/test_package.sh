#!/usr/bin/env bash
# The Debian package, end to end: built by dpkg-buildpackage from a
# temporary copy of the checkout (the checkout stays clean), lintian without
# errors (and no warning that debian/README.source does not list), the
# packaged binary hardened; installed on this machine: the user, the
# conffile, the enabled unit (systemd-analyze verify), the man pages; then
# the unit's own command line run the way systemd would run it (its User,
# Group and supplementary groups, its capabilities, NoNewPrivileges, UMask)
# against a lab whose VICI socket got the group the way the docs say, and
# scraped; reinstalled and removed (the edited conffile and the user stay);
# finally purged, and nothing it installed or made is left.
# Refuses to run where an ikewatch package or user already exists; purges
# what it installed on any exit.  Needs root.
source "$(dirname "$0")/lib.sh"

T=package
VERSION=$(cat "$E2E_ROOT/VERSION")
ARCH=$(dpkg --print-architecture)
UNIT=/lib/systemd/system/ikewatch.service
WANTS=/etc/systemd/system/multi-user.target.wants/ikewatch.service
work=$(mktemp -d /tmp/ikw-pkg.XXXXXX)
installed=0
# pkg_present: dpkg has ikewatch in any state but not-installed
pkg_present() {
	local s
	s=$(dpkg-query -W -f='${Status}' ikewatch 2>/dev/null)
	[ -n "$s" ] && [[ $s != *not-installed ]]
}
pkg_cleanup() {
	if [ "$installed" = 1 ] && pkg_present; then
		e2e_log "cleanup: purging the package this test installed"
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq ikewatch >/dev/null 2>&1 ||
			dpkg --purge ikewatch >/dev/null 2>&1
	fi
}
trap 'e2e_cleanup; pkg_cleanup; rm -rf "$work"' EXIT
stop() { fail "$1"; e2e_finish "$T"; exit 1; }

[ "$(id -u)" = 0 ] || stop "needs root (installs a package)"
pkg_present && stop "an ikewatch package is installed already: not touching it"
getent passwd ikewatch >/dev/null && stop "a user ikewatch exists already: purge would remove it"
vici_before=no
getent group vici >/dev/null && vici_before=yes

# ---- build from a temporary copy of the checkout (tracked and untracked,
# not ignored, files: what the developer sees), with its git revision
src=$work/ikewatch-$VERSION
mkdir -p "$src"
status_before=$(git -C "$E2E_ROOT" status --porcelain --ignored 2>/dev/null)
(cd "$E2E_ROOT" && git ls-files -z -co --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	xargs -0 cp --parents -t "$src") || stop "copy the checkout"
git -C "$E2E_ROOT" rev-parse --short=12 HEAD >"$src/REVISION"
# the unit tests run in scripts/test.sh already: not again in the package build
(cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$E2E_OUT/package-build.log" 2>&1
rc=$?
[ "$rc" = 0 ] || tail -n 30 "$E2E_OUT/package-build.log"
check "dpkg-buildpackage -us -uc -b succeeds" test "$rc" = 0
DEB=$work/ikewatch_${VERSION}_$ARCH.deb
CHANGES=$work/ikewatch_${VERSION}_$ARCH.changes
check "it builds ikewatch_${VERSION}_$ARCH.deb" test -f "$DEB"
[ -f "$DEB" ] || stop "no package to test"
status_after=$(git -C "$E2E_ROOT" status --porcelain --ignored 2>/dev/null)
[ "$status_after" = "$status_before" ] ||
	diff <(echo "$status_before") <(echo "$status_after") | sed 's/^/# git status: /'
check "the checkout is untouched by the build" test "$status_after" = "$status_before"

# ---- lintian: no error; every warning listed (with why) in README.source
lintian --tag-display-limit 0 "$CHANGES" >"$work/lintian.txt" 2>&1
rc=$?
grep -v 'running with root privileges' "$work/lintian.txt" | sed 's/^/# lintian: /'
check "lintian exits 0 (no errors)" test "$rc" = 0
check "lintian prints no E: tag" bash -c "! grep -q '^E:' '$work/lintian.txt'"
unlisted=$(sed -n 's/^W: [^ ]* \([a-z0-9-]*\).*/\1/p' "$work/lintian.txt" | sort -u |
	while read -r tag; do grep -qw -- "$tag" "$E2E_ROOT/debian/README.source" || echo "$tag"; done)
check "every lintian warning is listed in debian/README.source (${unlisted:-none unlisted})" \
	test -z "$unlisted"

# ---- the packaged binary is hardened
mkdir -p "$work/x"
dpkg-deb -x "$DEB" "$work/x"
# Debian 12's crt1.o carries no CET notes, so no binary linked on it shows
# IBT/SHSTK: control-flow protection is not required (as in test_build.sh)
hardening-check --nocfprotection "$work/x/usr/bin/ikewatch" >"$work/hardening.txt" 2>&1
rc=$?
sed 's/^/# /' "$work/hardening.txt"
check "hardening-check --nocfprotection passes on the packaged /usr/bin/ikewatch" test "$rc" = 0

# ---- install
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$DEB" \
	>"$E2E_OUT/package-install.log" 2>&1
rc=$?
[ "$rc" = 0 ] || tail -n 20 "$E2E_OUT/package-install.log"
check "apt-get install ./ikewatch_${VERSION}_$ARCH.deb succeeds" test "$rc" = 0
check "dpkg: install ok installed" \
	test "$(dpkg-query -W -f='${Status}' ikewatch 2>/dev/null)" = "install ok installed"
check "/usr/bin/ikewatch --version says $VERSION, revision $(cat "$src/REVISION")" \
	grep -q "$VERSION (revision $(cat "$src/REVISION"))" <<<"$(/usr/bin/ikewatch --version 2>&1)"

IFS=: read -r _ _ uid gid _ home shell <<<"$(getent passwd ikewatch)"
check "user ikewatch exists" test -n "${uid:-}"
check "ikewatch is a system user (uid ${uid:-?} < 1000)" test "${uid:-1000}" -lt 1000
check "ikewatch's group is ikewatch" test "$(getent group "${gid:-x}" | cut -d: -f1)" = ikewatch
check "ikewatch has shell nologin ($shell)" test "$shell" = /usr/sbin/nologin
check "ikewatch has no home ($home)" test ! -e "${home:-/}"
check "ikewatch is in the group vici" grep -qw vici <<<"$(id -nG ikewatch 2>/dev/null)"

check "/etc/ikewatch/ikewatch.yml is a conffile" \
	grep -q '^ /etc/ikewatch/ikewatch.yml ' <<<"$(dpkg-query -W -f='${Conffiles}\n' ikewatch)"
check "/etc/ikewatch/ikewatch.yml readable by all, owned by root" \
	test "$(stat -c '%a %U' /etc/ikewatch/ikewatch.yml 2>&1)" = "644 root"
check "the unit is installed at $UNIT" test -f "$UNIT"
check "the unit is enabled ($WANTS -> $UNIT)" test "$(readlink "$WANTS")" = "$UNIT"
out=$(systemd-analyze verify "$UNIT" 2>&1)
rc=$?
[ -z "$out" ] || sed 's/^/# systemd-analyze: /' <<<"$out"
check "systemd-analyze verify accepts the installed unit" test "$rc" = 0 -a -z "$out"
for page in 1:ikewatch 5:ikewatch.yml; do
	if command -v man >/dev/null; then
		check "man -w ${page#*:}(${page%%:*})" man -w "${page%%:*}" "${page#*:}"
	else
		check "${page#*:}(${page%%:*}) installed" test -f "/usr/share/man/man${page%%:*}/${page#*:}.${page%%:*}.gz"
	fi
done

# ---- a reinstall keeps the user and an operator's edit of the conffile
echo "# edited by test_package.sh" >>/etc/ikewatch/ikewatch.yml
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --reinstall "$DEB" \
	>>"$E2E_OUT/package-install.log" 2>&1
check "reinstall succeeds" test $? = 0
check "reinstall keeps the user's uid ($uid)" test "$(id -u ikewatch 2>&1)" = "$uid"
check "reinstall keeps the edited conffile" grep -qx '# edited by test_package.sh' /etc/ikewatch/ikewatch.yml

# ---- the unit's command line, as systemd would run it, against a lab
unit_value() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
# "CAP_NET_ADMIN CAP_NET_RAW" -> "-all,+net_admin,+net_raw" for setpriv
caps_arg() { printf -- '-all'; for c in $1; do c=${c,,}; printf ',+%s' "${c#cap_}"; done; }
exec_start=$(unit_value ExecStart)
user=$(unit_value User) group=$(unit_value Group)
ambient=$(unit_value AmbientCapabilities) bounding=$(unit_value CapabilityBoundingSet)
umask_value=$(unit_value UMask)
check "the unit's ExecStart is a plain command line ($exec_start)" \
	test -n "$exec_start" -a "${exec_start//[\"\'\$%]/}" = "$exec_start"
read -r -a argv <<<"$exec_start"
check "the unit runs /usr/bin/ikewatch serve" test "${argv[0]:-} ${argv[1]:-}" = "/usr/bin/ikewatch serve"
check "User=ikewatch Group=ikewatch" test "$user:$group" = ikewatch:ikewatch
check "NoNewPrivileges=yes" test "$(unit_value NoNewPrivileges)" = yes
# StateDirectory=: systemd makes /var/lib/NAME, owned by User, at start
state=$(unit_value StateDirectory)
check "StateDirectory=ikewatch" test "$state" = ikewatch
install -d -m "$(unit_value StateDirectoryMode)" -o "$user" -g "$group" "/var/lib/$state"

NAME=e2epkg$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 || stop "lab up"
VICI=$(lab_vici "$NAME")
# the docs' way: the command of the shipped strongSwan drop-in, with the
# lab's socket for charon's
dropin=/usr/share/doc/ikewatch/examples/strongswan-vici-group.conf
post=$(sed -n 's/^ExecStartPost=-\{0,1\}//p' "$dropin")
check "the drop-in example is installed and has ExecStartPost" test -n "$post"
post=${post//\/var\/run\/charon.vici/$VICI}
eval "$post"  # /bin/sh -c '...', quoted as systemd reads it
check "the lab's VICI socket is root:vici 0660" test "$(stat -c '%U:%G %a' "$VICI" 2>&1)" = "root:vici 660"
# (the lab's state directory, unlike /var/run, must let others pass)
d=$(dirname "$VICI"); while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done

PORT=$(free_port)
(cd / && umask "${umask_value:-0022}" &&
	exec setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs \
		--bounding-set="$(caps_arg "$bounding")" --inh-caps="$(caps_arg "$ambient")" \
		--ambient-caps="$(caps_arg "$ambient")" \
		"${argv[@]}" --vici.socket="$VICI" --web.listen-address="127.0.0.1:$PORT") \
	>"$E2E_OUT/ikewatch-package-$PORT.log" 2>&1 &
pid=$!
E2E_PIDS+=("$pid")
for i in $(seq 1 50); do
	curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/healthy" 2>/dev/null && break
	sleep 0.1
done
status() { grep -E "^$1:" "/proc/$pid/status" | cut -f2- | tr '\t' ' ' | sed 's/ *$//'; }
check "the service runs as ikewatch" test "$(status Uid)" = "$uid $uid $uid $uid"
check "with group ikewatch" test "$(status Gid)" = "$gid $gid $gid $gid"
check "and the supplementary group vici" \
	grep -qw "$(getent group vici | cut -d: -f3)" <<<"$(status Groups)"
for k in CapEff CapPrm CapBnd CapInh; do
	check "$k is CAP_NET_ADMIN only ($(status $k)), as the unit says" test "$(status $k)" = 0000000000001000
done
# the unit's AmbientCapabilities= gave it CAP_NET_ADMIN; ikewatch clears its
# ambient set so that only diagnostics commands get it, for their spawn
check "CapAmb cleared by ikewatch ($(status CapAmb)): children get nothing by default" \
	test "$(status CapAmb)" = 0000000000000000
check "NoNewPrivs is set" test "$(status NoNewPrivs)" = 1
check "its command line is the unit's plus the lab's socket and port" \
	test "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "$exec_start --vici.socket=$VICI --web.listen-address=127.0.0.1:$PORT "
m=$(scrape "$PORT")
check "vici collector succeeds through the group vici" \
	test "$(metric "$m" 'ikewatch_collector_success{collector="vici"}')" = 1
check "xfrm collector succeeds with the unit's CAP_NET_ADMIN" \
	test "$(metric "$m" 'ikewatch_collector_success{collector="xfrm"}')" = 1
for c in tun1 tun2; do
	check "ipsec_conn_up{conn=\"$c\"} 1" test "$(metric "$m" "ipsec_conn_up{conn=\"$c\"}")" = 1
done
check "ikewatch_build_info says version $VERSION" grep -q "^ikewatch_build_info{.*version=\"$VERSION\"" <<<"$m"
kill "$pid"; wait "$pid"
check "SIGTERM: exits 0" test $? = 0

# ---- remove keeps the configuration and the user; purge: nothing left
mapfile -t listed < <(dpkg -L ikewatch)
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq ikewatch >"$E2E_OUT/package-purge.log" 2>&1
check "apt-get remove -y ikewatch succeeds" test $? = 0
check "remove: dpkg keeps config-files" \
	test "$(dpkg-query -W -f='${Status}' ikewatch 2>&1)" = "deinstall ok config-files"
check "remove: no /usr/bin/ikewatch, no unit" test ! -e /usr/bin/ikewatch -a ! -e "$UNIT"
check "remove: the edited conffile stays" grep -qx '# edited by test_package.sh' /etc/ikewatch/ikewatch.yml
check "remove: the user stays" bash -c "getent passwd ikewatch >/dev/null"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq ikewatch >>"$E2E_OUT/package-purge.log" 2>&1
rc=$?
check "apt-get purge -y ikewatch succeeds" test "$rc" = 0
check "dpkg knows no ikewatch" bash -c "$(declare -f pkg_present); ! pkg_present"
check "no /usr/bin/ikewatch" test ! -e /usr/bin/ikewatch
check "no /etc/ikewatch" test ! -e /etc/ikewatch
check "no /var/lib/ikewatch" test ! -e /var/lib/ikewatch
check "no user ikewatch" bash -c '! getent passwd ikewatch >/dev/null'
check "no group ikewatch" bash -c '! getent group ikewatch >/dev/null'
if [ "$vici_before" = no ]; then
	check "no group vici (the package made it)" bash -c '! getent group vici >/dev/null'
else
	check "the group vici (there before) is kept" getent group vici
fi
check "no unit, no enablement symlink" test ! -e "$UNIT" -a ! -L "$WANTS"
check "no deb-systemd-helper state for the unit" \
	test -z "$(find /var/lib/systemd/deb-systemd-helper-enabled -name 'ikewatch*' 2>/dev/null)"
left=()
for p in "${listed[@]}"; do
	# a shared directory (/usr/share/doc) stays; the package's own go
	if [ -e "$p" ] && { [ ! -d "$p" ] || [[ $p == *ikewatch* ]]; }; then left+=("$p"); fi
done
check "every path dpkg -L listed is gone (${#listed[@]} listed, ${#left[@]} left: ${left[*]:0:3})" \
	test "${#listed[@]}" -gt 10 -a "${#left[@]}" = 0
installed=0
e2e_finish "$T"
