#!/usr/bin/env bash
# Runs every unit test binary given and adds up their "N passed, N failed".
set -u
total_pass=0 total_fail=0 broken=0
for t in "$@"; do
	echo "== $t"
	out=$("$t" 2>&1); rc=$?
	echo "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n1)
	if [ -z "$line" ]; then
		echo "not ok - $t crashed or printed no summary (exit $rc)"
		broken=$((broken + 1)); continue
	fi
	p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && broken=$((broken + 1)) && echo "not ok - $t exit $rc"
done
total_fail=$((total_fail + broken))
echo "unit: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
