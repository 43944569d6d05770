#!/usr/bin/env bash
# Runs every $1/replay_NAME on tests/fuzz/corpus/NAME/ and adds up the
# results.  A target without a corpus, or no target at all, is a failure:
# nothing replayed is not a pass.
set -u
dir=${1:?usage: replay.sh BUILD/fuzz}
corpora=$(cd "$(dirname "$0")" && pwd)/corpus
pass=0 fail=0
for bin in "$dir"/replay_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=${bin##*/replay_}
	if [ ! -d "$corpora/$name" ]; then
		echo "not ok - $name: no corpus in $corpora/$name"
		fail=$((fail + 1))
		continue
	fi
	out=$("$bin" "$corpora/$name" 2>&1); rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok - $name: $out"
		pass=$((pass + 1))
	else
		printf '%s\n' "$out"
		echo "not ok - $name (exit $rc)"
		fail=$((fail + 1))
	fi
done
echo "fuzz-replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
