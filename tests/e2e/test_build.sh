#!/usr/bin/env bash
# The build as an operator and a developer meet it, in a clone of HEAD:
# the hardened release (hardening-check), the revision in --version and
# ikewatch_build_info after a new commit (no stale objects), a flag change
# rebuilds everything, `make check T=`, `make install DESTDIR=` lays out the
# tree that docs and packaging promise, and `make uninstall` removes it.
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
src=$tmp/src
git clone -q "$E2E_ROOT" "$src" 2>/dev/null || { fail "clone HEAD"; e2e_finish build; exit 1; }
# the man pages and anything not committed yet are what HEAD has: a clone
cd "$src" || exit 1
git -c user.name=t -c user.email=t@t commit -q --allow-empty -m base
make -s -j2 >"$tmp/make1.log" 2>&1 || { cat "$tmp/make1.log"; fail "make"; e2e_finish build; exit 1; }
pass "release build from a clean clone"

# hardening: Debian 12's crt1.o has no CET notes, so no binary linked on it
# can show IBT/SHSTK: control-flow protection is skipped (-b), the rest must hold
hc=$(hardening-check --nocfprotection build/ikewatch 2>&1); rc=$?
check "hardening-check passes (PIE, stack protector, fortify, relro, now)" test "$rc" -eq 0
for what in 'Position Independent Executable: yes' 'Stack protected: yes' \
	'Fortify Source functions: yes' 'Read-only relocations: yes' 'Immediate binding: yes'; do
	check "hardening: $what" grep -qF "$what" <<<"$hc"
done

rev_of() { build/ikewatch --version | sed -n 's/.*(revision \([0-9a-f]*\)).*/\1/p'; }
check "--version names HEAD's revision" test "$(rev_of)" = "$(git rev-parse --short=12 HEAD)"
git -c user.name=t -c user.email=t@t commit -q --allow-empty -m next
make -j2 V=1 >"$tmp/make2.log" 2>&1
check "after a commit --version names the new revision" \
	test "$(rev_of)" = "$(git rev-parse --short=12 HEAD)"
rebuilt=$(grep -c -- ' -c -o ' "$tmp/make2.log")
users=$(grep -l 'IKW_VERSION\|IKW_REVISION' src/*.c src/*/*.c | wc -l)
check "a commit recompiles only the $users files that print the revision (saw $rebuilt)" \
	test "$rebuilt" -eq "$users"
port=$(free_port)
build/ikewatch serve --web.listen-address="127.0.0.1:$port" --vici.socket="$tmp/none.vici" \
	>"$tmp/serve.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 5 curl -fsS -o /dev/null "http://127.0.0.1:$port/-/healthy" 2>/dev/null
info=$(curl -fsS "http://127.0.0.1:$port/metrics" | grep '^ikewatch_build_info')
check "ikewatch_build_info names the new revision" \
	grep -q "revision=\"$(git rev-parse --short=12 HEAD)\"" <<<"$info"
make -j2 V=1 >"$tmp/make3.log" 2>&1
check "nothing is rebuilt when nothing changed" test "$(grep -c -- ' -c -o ' "$tmp/make3.log")" -eq 0
make -j2 V=1 OPT=-O1 >"$tmp/make4.log" 2>&1
total=$(find src -name '*.c' | wc -l)
check "a flag change recompiles every source file ($total)" \
	test "$(grep -c -- ' -c -o .*src/' "$tmp/make4.log")" -eq "$total"
make -s -j2 >/dev/null 2>&1

one=$(make -s check T=test_num 2>&1)
check "make check T=test_num runs that test alone" \
	test "$(grep -c '^== ' <<<"$one")" -eq 1 -a "$(grep -c '^== .*test_num$' <<<"$one")" -eq 1
check "make check T=test_num reports its summary" grep -Eq '^unit: [1-9][0-9]* passed, 0 failed$' <<<"$one"

# make install under a DESTDIR, as /usr/local and as /usr
dest=$tmp/root
make -s install DESTDIR="$dest" >"$tmp/install.log" 2>&1
check "make install DESTDIR= succeeds" test $? -eq 0
for f in usr/local/bin/ikewatch usr/local/share/man/man1/ikewatch.1 \
	usr/local/share/man/man5/ikewatch.yml.5 usr/local/etc/ikewatch/ikewatch.yml \
	usr/local/lib/systemd/system/ikewatch.service \
	usr/local/share/ikewatch/prometheus/ikewatch-alerts.rules.yml \
	usr/local/share/ikewatch/prometheus/ikewatch-recording.rules.yml \
	usr/local/share/ikewatch/grafana/ikewatch.json \
	usr/local/share/ikewatch/prometheus/fleet-rules.yml \
	usr/local/share/ikewatch/prometheus/fleet/site-rules.yml \
	usr/local/share/ikewatch/prometheus/fleet/global-federate.yml \
	usr/local/share/ikewatch/grafana/ikewatch-fleet.json \
	usr/local/share/ikewatch/alertmanager/silence-maintenance.sh \
	usr/local/share/doc/ikewatch/README.md usr/local/share/doc/ikewatch/metrics.md \
	usr/local/share/doc/ikewatch/runbooks/IPsecIKESADown.md \
	usr/local/share/doc/ikewatch/examples/ikewatch.yml \
	usr/local/share/doc/ikewatch/examples/alertmanager.yml; do
	check "installed: /$f" test -s "$dest/$f"
done
check "every runbook installed" test "$(ls "$dest/usr/local/share/doc/ikewatch/runbooks" | wc -l)" -eq "$(ls docs/runbooks/*.md | wc -l)"
check "the binary is executable by all, not writable by them" test "$(stat -c %a "$dest/usr/local/bin/ikewatch")" = 755
check "the unit names the installed binary" grep -q '^ExecStart=/usr/local/bin/ikewatch serve' "$dest/usr/local/lib/systemd/system/ikewatch.service"
echo "# edited" >>"$dest/usr/local/etc/ikewatch/ikewatch.yml"
make -s install DESTDIR="$dest" >/dev/null 2>&1
check "a second install keeps an edited config" grep -q '^# edited' "$dest/usr/local/etc/ikewatch/ikewatch.yml"
make -s uninstall DESTDIR="$dest" >/dev/null 2>&1
left=$(find "$dest" -type f | sed "s#^$dest##")
check "make uninstall leaves only the edited config (left: $left)" test "$left" = /usr/local/etc/ikewatch/ikewatch.yml

usr=$tmp/usr
make -s install PREFIX=/usr DESTDIR="$usr" >/dev/null 2>&1
for f in usr/bin/ikewatch etc/ikewatch/ikewatch.yml lib/systemd/system/ikewatch.service \
	usr/share/man/man1/ikewatch.1 usr/share/ikewatch/grafana/ikewatch.json \
	usr/share/doc/ikewatch/runbooks/IPsecChildSADown.md; do
	check "PREFIX=/usr installs /$f" test -s "$usr/$f"
done
check "PREFIX=/usr: the unit runs /usr/bin/ikewatch with /etc/ikewatch/ikewatch.yml" \
	grep -q '^ExecStart=/usr/bin/ikewatch serve --config.file=/etc/ikewatch/ikewatch.yml' "$usr/lib/systemd/system/ikewatch.service"
check "PREFIX=/usr: no /usr/local path left in the unit" \
	bash -c "! grep -q /usr/local '$usr/lib/systemd/system/ikewatch.service'"
make -s uninstall PREFIX=/usr DESTDIR="$usr" >/dev/null 2>&1
check "PREFIX=/usr: make uninstall removes every file" test -z "$(find "$usr" -type f)"

e2e_finish build
