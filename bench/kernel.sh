#!/usr/bin/env bash
# bench/kernel.sh - the kernel row of the benchmark: the XFRM dump and parse
# per 1000 SAs, on Debian's kernel (real ESP SAs) in the qemu guest of
# tests/qemu, against `ip -s xfrm state` on the same SAs in the same run.
#
#   bash bench/kernel.sh          (root; prepares the guest if needed)
#
# Writes bench/results/kernel-samples.tsv (every round) and
# bench/results/section-kernel.md, which `bash bench/run.sh report` puts into
# docs/performance.md; this script also inserts it there directly.
# env: BENCH_KERNEL_SAS (default 1000), BENCH_ROUNDS (default 20),
#      IKEWATCH (default build/ikewatch, the release build)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${BENCH_OUT:-$ROOT/bench/results}
DOC=${BENCH_DOC:-$ROOT/docs/performance.md}
N=${BENCH_KERNEL_SAS:-1000}
ROUNDS=${BENCH_ROUNDS:-20}
IKW=${IKEWATCH:-$ROOT/build/ikewatch}
mkdir -p "$OUT"
[ -x "$IKW" ] || make -C "$ROOT" -s -j2 || exit 1
bash "$ROOT/tests/qemu/prepare.sh" >/dev/null || exit 1
samples=$OUT/kernel-samples.tsv
IKEWATCH=$IKW QEMU_ENV=IKEWATCH QEMU_TIMEOUT=900 \
	bash "$ROOT/tests/qemu/run.sh" "$ROOT/bench/kernel_guest.sh" "$N" "$ROUNDS" >"$samples.tmp" || {
	cat "$samples.tmp" >&2
	exit 1
}
grep -E '^[0-9]+	' "$samples.tmp" >"$samples"
rm -f "$samples.tmp"
[ "$(wc -l <"$samples")" -eq "$ROUNDS" ] || { echo "kernel bench: expected $ROUNDS rounds" >&2; exit 1; }

med() { # med COLUMN [MINUS_COLUMN]: median over the rounds
	awk -v c="$1" -v m="${2:-0}" '{ print $c - (m ? $m : 0) }' "$samples" | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ip_net=$(med 2 3)
ikw_net=$(med 4 5)
xfrm=$(med 6)
kver=$(awk -F= '$1 == "KVER" { gsub(/"/, "", $2); print $2 }' "$ROOT/tests/qemu/.cache/guest.env" 2>/dev/null)
{
	cat <<MD
## Kernel: XFRM dump and parse (issue 3)

$N ESP SAs (\`cbc(aes)\` + \`hmac(sha256)\`, tunnel mode) in a network
namespace of Debian's kernel ${kver:-} under qemu (TCG, \`tests/qemu\`),
$ROUNDS alternating rounds, medians, $(date -u +%Y-%m-%d) (\`bash bench/kernel.sh\`;
samples in [bench/results/kernel-samples.tsv](../bench/results/kernel-samples.tsv)).
Every program start costs about 0.1 s in this guest (its files come over 9p),
so each command's start-up alone (\`ip -V\`, \`ikewatch --version\`) is
subtracted from its run.

| | median |
|---|---:|
| \`ip -s xfrm state\` (dump and print), start-up subtracted | $(printf '%.1f' "$(awk -v v="$ip_net" 'BEGIN { print v * 1000 }')") ms |
| \`ikewatch metrics\` with the xfrm collector (dump, parse, join, render), start-up subtracted | $(printf '%.1f' "$(awk -v v="$ikw_net" 'BEGIN { print v * 1000 }')") ms |
| ikewatch's own timer of the XFRM dump and parse | $(printf '%.1f' "$(awk -v v="$xfrm" 'BEGIN { print v * 1000 }')") ms |
| ratio: ikewatch's dump and parse / \`ip -s xfrm state\` | $(awk -v a="$xfrm" -v b="$ip_net" 'BEGIN { printf "%.2f", a / b }')x |
| ratio: ikewatch's whole run / \`ip -s xfrm state\` | $(awk -v a="$ikw_net" -v b="$ip_net" 'BEGIN { printf "%.2f", a / b }')x |

Per 1000 SAs: $(awk -v v="$xfrm" -v n="$N" 'BEGIN { printf "%.1f", v * 1000 * 1000 / n }') ms for ikewatch's dump and parse.
MD
} >"$OUT/section-kernel.md"
# into docs/performance.md: replace the section if it is there, else append
if [ -f "$DOC" ]; then
	awk -v f="$OUT/section-kernel.md" '
		/^## Kernel: XFRM dump and parse/ { skip = 1; while ((getline l < f) > 0) print l; next }
		skip && /^## / { skip = 0 }
		!skip { print }
		END { }' "$DOC" >"$DOC.tmp"
	grep -q '^## Kernel: XFRM dump and parse' "$DOC.tmp" || { printf '\n'; cat "$OUT/section-kernel.md"; } >>"$DOC.tmp"
	mv "$DOC.tmp" "$DOC"
fi
cat "$OUT/section-kernel.md"
