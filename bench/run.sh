#!/usr/bin/env bash
# bench/run.sh - ikewatch performance benchmark against the real strongSwan lab.
#
#   bash bench/run.sh            run the benchmark, then write the report
#   bash bench/run.sh report     only rewrite docs/performance.md and the plot
#                                from the results of the last run
#
# For each size N in $BENCH_SIZES it brings up a fresh lab (lab/lab.sh: a hub
# charon and K peer charons in network namespaces, N IKEv2 tunnels,
# kernel-libipsec), starts a fresh `ikewatch serve` on a free loopback port
# reading the hub's VICI socket, does one warm-up scrape (which is also kept
# to count the series and check the collection succeeded), then runs
# $BENCH_ROUNDS measured rounds.  Each round times, wall clock around the
# client process:
#   floor   STRONGSWAN_CONF=<hub>/strongswan.conf swanctl --list-sas --raw
#           --uri unix://<hub>/charon.vici >/dev/null   (as lab.sh runs it)
#   scrape  curl -s -o /dev/null http://127.0.0.1:PORT/metrics
#   minimal build-bench/vici_floor <hub>/charon.vici (bench/vici_floor.c):
#           list-sas (noblock) and list-conns on two connections at once,
#           every byte read and discarded: the least any exporter waits for
#   gzip    the scrape with curl --compressed (what Prometheus asks for)
# in alternating order (odd rounds in that order, even rounds reversed).
# After the rounds one more scrape is kept (ikewatch's own collection timer,
# and a check that the lab is still whole), ikewatch's peak RSS (VmHWM) is
# read from /proc and ikewatch stopped; bench/vici_phases.py then replays
# ikewatch's VICI sequence with a client that only reads, to give charon's
# share of a collection; then the lab is torn down.  At the end it writes
#   bench/results/samples.tsv    every measured round
#   bench/results/summary.tsv    one line per size
#   bench/results/run-info.txt   machine, versions, date, duration
#   bench/results/phases-N.txt   charon's time per VICI command (vici_phases.py)
#   bench/results/ikewatch-N.log ikewatch's log per size
#   bench/performance.png        plot (gnuplot)
#   docs/performance.md          the report; bench/findings.md, if present,
#                                is included verbatim as the analysis section,
#                                and bench/results/section-*.md (written by
#                                bench/kernel.sh and the other benchmarks) after it
#
# Environment:
#   BENCH_SIZES   tunnel counts (default "1 100 1000 10000")
#   BENCH_ROUNDS  measured rounds per size, at least 20 (default 20)
#   BENCH_PEERS   peer charons for small labs (default 4); K = min(N,
#                 max(BENCH_PEERS, ceil(N/500))), as lab.sh advises for N > 1000
#   BENCH_DPD     dpd_delay of the lab's tunnels in seconds (default 0: off,
#                 so that no DPD exchanges check IKE SAs out while they are
#                 listed; the lab's own default is 30 s, N/33 s above 1000)
#   BENCH_LAB     lab name (default ikwbench; must not be in use)
#   BENCH_OUT     results dir (default bench/results)
#   BENCH_DOC     report file (default docs/performance.md)
#   BENCH_PLOT    plot file (default bench/performance.png)
#   BENCH_BUILD   "no" to skip `make BUILD=build-bench` (default yes)
#
# Needs root (network namespaces), strongSwan, curl, python3 and gnuplot-nox
# (scripts/install-deps.sh installs them).  A 10,000-tunnel lab takes several
# minutes to come up and each of its rounds about half a minute: the full run
# takes about 15 minutes on a quiet 2-CPU machine (much longer when other
# labs compete for the CPUs); run it with its output to a log, e.g.
#   bash bench/run.sh 2>&1 | tee /tmp/bench.log
# Traffic stays on loopback and inside the lab's namespaces.  Only processes
# this script started are stopped (by pid), and its lab is torn down on exit,
# failure and Ctrl-C included.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source "$ROOT/bench/lib.sh"
LAB="$ROOT/lab/lab.sh"
SIZES=${BENCH_SIZES:-1 100 1000 10000}
ROUNDS=${BENCH_ROUNDS:-20}
MIN_PEERS=${BENCH_PEERS:-4}
DPD=${BENCH_DPD:-0}
LAB_NAME=${BENCH_LAB:-ikwbench}
OUT=${BENCH_OUT:-$ROOT/bench/results}
DOC=${BENCH_DOC:-$ROOT/docs/performance.md}
PLOT=${BENCH_PLOT:-$ROOT/bench/performance.png}
FINDINGS=${BENCH_FINDINGS:-$ROOT/bench/findings.md}
IKEWATCH=$ROOT/build-bench/ikewatch
SWANCTL=${IKWLAB_SWANCTL:-swanctl}

# targets against the minimal client (issue 19): median scrape within 1.10x
# and p99 within 1.5x of it at 1000 and 10,000 tunnels; peak RSS at most
# 5 MB at 1000 and 16 MB at 10,000
MIN_TARGET_MEDIAN=1.10
MIN_TARGET_P99=1.5
min_target_rss_bytes() {
	case $1 in
	1000) echo 5000000 ;;
	10000) echo 16000000 ;;
	*) echo "" ;;
	esac
}
VICI_FLOOR=$ROOT/build-bench/vici_floor

# targets (from the issue): scrape median within 1.25x of the swanctl floor
# at 1000 and 10,000 tunnels; peak RSS under 10 MB at 1000, under 40 MB at
# 10,000.  MB = 10^6 bytes (the stricter reading); the report also gives MiB.
TARGET_RATIO=1.25
target_rss_bytes() {
	case $1 in
	1000) echo 10000000 ;;
	10000) echo 40000000 ;;
	*) echo "" ;;
	esac
}
has_ratio_target() { [[ $1 == 1000 || $1 == 10000 ]]; }

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# ------------------------------------------------------------ cleanup

IKW_PID=""
LAB_OURS=no

stop_ikewatch() {
	local i
	[[ -n $IKW_PID ]] || return 0
	if kill -0 "$IKW_PID" 2>/dev/null; then
		kill -TERM "$IKW_PID" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$IKW_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$IKW_PID" 2>/dev/null && kill -KILL "$IKW_PID" 2>/dev/null
	fi
	wait "$IKW_PID" 2>/dev/null || true
	IKW_PID=""
}

lab_down() {
	[[ $LAB_OURS == yes ]] || return 0
	log "tearing lab $LAB_NAME down"
	bash "$LAB" --name "$LAB_NAME" down >&2 || log "warning: lab down failed"
	LAB_OURS=no
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_ikewatch
	lab_down
	exit "$rc"
}

# ------------------------------------------------------------ helpers


# integer microseconds of the wall clock
now_us() {
	local t=$EPOCHREALTIME
	printf '%s' "${t/./}"
}

us_to_s() { awk -v u="$1" 'BEGIN { printf "%.6f", u / 1e6 }'; }

# median and nearest-rank p99 of a column of numbers on stdin: "MEDIAN P99 N"
stats() {
	sort -g | awk '
	{ v[NR] = $1 }
	END {
		n = NR
		if (n == 0) { print "nan nan 0"; exit }
		med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		r = 0.99 * n; k = int(r); if (k < r) k++; if (k < 1) k = 1
		printf "%.6f %.6f %d\n", med, v[k], n
	}'
}

# labs other than ours that are up on this machine ("-" if none)
other_labs() {
	bash "$LAB" list | awk -v me="$LAB_NAME" '$1 != me { printf "%s%s", sep, $1; sep = "," } END { if (!sep) printf "-" }'
}

machine_info() {
	{
		printf 'date=%q\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
		printf 'nproc=%q\n' "$(nproc)"
		printf 'cpu=%q\n' "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		printf 'mem=%q\n' "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
		printf 'kernel=%q\n' "$(uname -sr)"
		printf 'os=%q\n' "$(. /etc/os-release && echo "$PRETTY_NAME")"
		printf 'strongswan_pkg=%q\n' "$(dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null || echo unknown)"
		printf 'curl_version=%q\n' "$(curl --version | awk 'NR == 1 { print $2 }')"
		printf 'ikewatch_version=%q\n' "$("$IKEWATCH" --version 2>&1 | head -1)"
		printf 'git_rev=%q\n' "$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
		printf 'git_dirty=%q\n' "$(git -C "$ROOT" status --porcelain -- src Makefile 2>/dev/null | wc -l)"
		printf 'other_labs=%q\n' "$(other_labs)"
		printf 'loadavg_start=%q\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
		printf 'dpd=%q\n' "$DPD"
	}
}

# utime + stime of a process, in clock ticks
proc_cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# ------------------------------------------------------------ one size

# lab's paths (set by bring_up)
SD="" HUB_CONF="" HUB_URI="" HUB_SOCK=""

minimal_once() { "$VICI_FLOOR" "$HUB_SOCK"; }

floor_once() {
	STRONGSWAN_CONF=$HUB_CONF SWANCTL_DIR=$SD/hub/swanctl \
		"$SWANCTL" --list-sas --raw --uri "$HUB_URI" >/dev/null
}

bring_up() {
	local n=$1 k=$2 t0
	if bash "$LAB" --name "$LAB_NAME" status 2>/dev/null | grep -q 'tunnels over'; then
		die "a lab named $LAB_NAME is already up; pick another BENCH_LAB or take it down"
	fi
	if ip netns list 2>/dev/null | grep -qE "^$LAB_NAME-(hub|p[0-9]+)( |$)"; then
		die "namespaces of a lab named $LAB_NAME exist; pick another BENCH_LAB or take it down"
	fi
	log "N=$n: bringing up lab $LAB_NAME ($n tunnels over $k peers, DPD ${DPD}s)"
	LAB_OURS=yes
	t0=$SECONDS
	# the lab's own progress ("x/N tunnels up") goes to stderr: keep it visible
	bash "$LAB" --name "$LAB_NAME" up --tunnels "$n" --peers "$k" --dpd "$DPD" >&2
	UP_SECONDS=$((SECONDS - t0))
	SD=$(bash "$LAB" --name "$LAB_NAME" info | awk -F= '$1 == "state_dir" { print $2 }')
	HUB_URI=$(bash "$LAB" --name "$LAB_NAME" vici hub)
	HUB_SOCK=${HUB_URI#unix://}
	HUB_CONF=$SD/hub/strongswan.conf
	[[ -S $HUB_SOCK && -f $HUB_CONF ]] || die "lab state not as expected ($HUB_SOCK, $HUB_CONF)"
	log "N=$n: lab up in ${UP_SECONDS}s"
}

start_ikewatch() {
	local n=$1 i
	PORT=$(free_port)
	# no reuse window: every round's scrape is a fresh collection
	"$IKEWATCH" serve --web.listen-address="127.0.0.1:$PORT" \
		--vici.socket="$HUB_SOCK" --vici.timeout=120s --scrape.reuse-window=0 \
		>"$OUT/ikewatch-$n.log" 2>&1 &
	IKW_PID=$!
	for ((i = 0; i < 100; i++)); do
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/healthy" 2>/dev/null && break
		kill -0 "$IKW_PID" 2>/dev/null || die "ikewatch exited; see $OUT/ikewatch-$n.log"
		sleep 0.1
	done
	((i < 100)) || die "ikewatch not healthy after 10 s"
	log "N=$n: ikewatch pid $IKW_PID serving on 127.0.0.1:$PORT"
}

# warm-up scrape, kept to count the series and validate the collection
warm_up() {
	local n=$1 body=$2 code t0 t1 ok up unlisted
	t0=$(now_us)
	code=$(curl -s -m 600 -o "$body" -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")
	t1=$(now_us)
	[[ $code == 200 ]] || die "warm-up scrape: HTTP $code"
	BODY_BYTES=$(stat -c %s "$body")
	SERIES=$(grep -vc -e '^#' -e '^$' "$body" || true)
	ok=$(awk '$1 == "ikewatch_collector_success{collector=\"vici\"}" { print $2 }' "$body")
	unlisted=$(awk '$1 == "ikewatch_vici_ike_sas_unlisted" { print $2 }' "$body")
	up=$(grep -c '^ipsec_child_up{.*} 1$' "$body" || true)
	COLLECT_S=$(awk '$1 == "ikewatch_collector_duration_seconds{collector=\"vici\"}" { print $2 }' "$body")
	CHARON_VERSION=$(sed -n 's/^ipsec_daemon_info{.*version="\([^"]*\)".*/\1/p' "$body" | head -1)
	[[ $ok == 1 ]] || die "warm-up scrape: the VICI collection failed (collector_success=$ok)"
	[[ $unlisted == 0 ]] || log "warning: N=$n: ikewatch_vici_ike_sas_unlisted=$unlisted"
	[[ $up == "$n" ]] || log "warning: N=$n: $up children up in the scrape, expected $n"
	CHILD_UP=$up
	log "N=$n: warm-up scrape $(us_to_s $((t1 - t0)))s, $BODY_BYTES bytes, $SERIES series, $up children up, collection ${COLLECT_S}s"
}

# what the two clients cost without the work: swanctl --version (loads
# trivial VICI request) and curl of /-/healthy (no collection); medians
# of $ROUNDS runs each, into SWANCTL_START and CURL_START
startup_baselines() {
	local n=$1 i t0 t1 a=() b=()
	for ((i = 0; i < ROUNDS; i++)); do
		t0=$(now_us)
		STRONGSWAN_CONF=$HUB_CONF SWANCTL_DIR=$SD/hub/swanctl "$SWANCTL" --version --daemon --uri "$HUB_URI" >/dev/null
		t1=$(now_us)
		a+=("$(us_to_s $((t1 - t0)))")
		t0=$(now_us)
		curl -s -o /dev/null "http://127.0.0.1:$PORT/-/healthy"
		t1=$(now_us)
		b+=("$(us_to_s $((t1 - t0)))")
	done
	read -r SWANCTL_START _ <<<"$(printf '%s\n' "${a[@]}" | stats)"
	read -r CURL_START _ <<<"$(printf '%s\n' "${b[@]}" | stats)"
	log "N=$n: client start-up alone (medians): swanctl --version --daemon ${SWANCTL_START}s, curl /-/healthy ${CURL_START}s"
}

# charon's share of a collection: ikewatch's VICI sequence replayed by a
# client that only reads (bench/vici_phases.py, median of 3), into PH_*
charon_phases() {
	local n=$1 f=$OUT/phases-$1.txt
	python3 "$ROOT/bench/vici_phases.py" "$HUB_SOCK" 3 >"$f" || die "vici_phases.py failed"
	PH_CONNS=$(awk '$1 == "list-conns" { print $2 }' "$f")
	PH_SAS=$(awk '$1 == "list-sas(noblock)" { print $2 }' "$f")
	PH_SEQ=$(awk '$1 == "sequence" { print $2 }' "$f")
	PH_SAS_BLOCK=$(awk '$1 == "list-sas(blocking)" { print $2 }' "$f")
	log "N=$n: charon alone (medians of 3): list-conns ${PH_CONNS}s, list-sas noblock ${PH_SAS}s, whole sequence ${PH_SEQ}s; list-sas blocking ${PH_SAS_BLOCK}s"
}

# one more scrape after the rounds, kept: ikewatch's own timer of a warm
# collection, and a check that the lab was still whole at the end
final_scrape() {
	local n=$1 body=$2 code ok up
	code=$(curl -s -m 600 -o "$body" -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")
	[[ $code == 200 ]] || die "final scrape: HTTP $code"
	ok=$(awk '$1 == "ikewatch_collector_success{collector=\"vici\"}" { print $2 }' "$body")
	up=$(grep -c '^ipsec_child_up{.*} 1$' "$body" || true)
	COLLECT2_S=$(awk '$1 == "ikewatch_collector_duration_seconds{collector=\"vici\"}" { print $2 }' "$body")
	[[ $ok == 1 ]] || die "final scrape: the VICI collection failed"
	log "N=$n: final scrape: collection ${COLLECT2_S}s (ikewatch's timer), $up children up"
}

measure_size() {
	local n=$1 k r f_us s_us m_us g_us t0 t1 w code size gsize body hwm rss anon files charon_rss
	local fstats sstats fmed fp99 smed sp99 cnt
	k=$(((n + 499) / 500))
	((k >= MIN_PEERS)) || k=$MIN_PEERS
	((k <= n)) || k=$n
	bring_up "$n" "$k"
	start_ikewatch "$n"
	body=$(mktemp /tmp/ikwbench-body.XXXXXX)
	warm_up "$n" "$body"
	rm -f "$body"

	startup_baselines "$n"
	local load0 others cpu0 cpu1
	load0=$(cut -d' ' -f1 /proc/loadavg)
	cpu0=$(proc_cpu_ticks "$IKW_PID")
	others=$(other_labs)
	[[ $others == - ]] || log "warning: N=$n: other labs are up ($others): measurements disturbed"
	for ((r = 1; r <= ROUNDS; r++)); do
		f_us="" s_us="" m_us="" g_us=""
		# odd rounds in this order, even rounds reversed
		local order=("floor" "minimal" "scrape" "gzip")
		((r % 2)) || order=("gzip" "scrape" "minimal" "floor")
		for w in "${order[@]}"; do
			if [[ $w == floor ]]; then
				t0=$(now_us)
				floor_once || die "N=$n round $r: swanctl --list-sas failed"
				t1=$(now_us)
				f_us=$((t1 - t0))
			elif [[ $w == minimal ]]; then
				t0=$(now_us)
				minimal_once || die "N=$n round $r: vici_floor failed"
				t1=$(now_us)
				m_us=$((t1 - t0))
			elif [[ $w == gzip ]]; then
				t0=$(now_us)
				read -r code gsize < <(curl -s -m 600 --compressed -o /dev/null \
					-w '%{http_code} %{size_download}\n' "http://127.0.0.1:$PORT/metrics")
				t1=$(now_us)
				g_us=$((t1 - t0))
				[[ $code == 200 ]] || die "N=$n round $r: gzip scrape: HTTP $code"
			else
				t0=$(now_us)
				read -r code size < <(curl -s -m 600 -o /dev/null -w '%{http_code} %{size_download}\n' \
					"http://127.0.0.1:$PORT/metrics")
				t1=$(now_us)
				s_us=$((t1 - t0))
				[[ $code == 200 ]] || die "N=$n round $r: HTTP $code"
				# a failed collection is a much smaller body
				((size * 10 >= BODY_BYTES * 9)) ||
					die "N=$n round $r: body of $size bytes, warm-up had $BODY_BYTES (collection failed?)"
			fi
		done
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$r" "$(us_to_s "$f_us")" "$(us_to_s "$s_us")" \
			"$size" "${order[0]}" "$(us_to_s "$m_us")" "$(us_to_s "$g_us")" "$gsize" >>"$OUT/samples.tsv"
		log "N=$n round $r/$ROUNDS: floor $(us_to_s "$f_us")s  minimal $(us_to_s "$m_us")s  scrape $(us_to_s "$s_us")s  ($size bytes)  gzip $(us_to_s "$g_us")s ($gsize bytes)"
	done
	local load1 others1
	cpu1=$(proc_cpu_ticks "$IKW_PID")
	# each round scrapes ikewatch twice (plain and gzip): the mean of the two
	CPU_PER_SCRAPE=$(awk -v d="$((cpu1 - cpu0))" -v hz="$(getconf CLK_TCK)" -v r="$ROUNDS" \
		'BEGIN { printf "%.4f", d / hz / (2 * r) }')
	log "N=$n: ikewatch CPU (user+sys) per scrape: ${CPU_PER_SCRAPE}s"
	load1=$(cut -d' ' -f1 /proc/loadavg)
	others1=$(other_labs)
	if [[ $others1 != "$others" ]]; then
		others=$(printf '%s\n' "${others//,/$'\n'}" "${others1//,/$'\n'}" | grep -vx -- - | sort -u | paste -sd, -)
		others=${others:--}
	fi

	body=$(mktemp /tmp/ikwbench-body.XXXXXX)
	final_scrape "$n" "$body"
	rm -f "$body"
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$IKW_PID/status")
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$IKW_PID/status")
	# what the resident set is made of at the end: ikewatch's own memory
	# (anonymous: heap, stacks) and pages of mapped files (its binary and the
	# shared libraries, which other processes share)
	anon=$(awk '/^RssAnon/ { print $2 }' "/proc/$IKW_PID/status")
	files=$(awk '/^RssFile/ { print $2 }' "/proc/$IKW_PID/status")
	charon_rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$(cat "$SD/hub/charon.pid")/status" 2>/dev/null || echo 0)
	stop_ikewatch
	charon_phases "$n"
	lab_down

	fstats=$(awk -F'\t' -v n="$n" '$1 == n { print $3 }' "$OUT/samples.tsv" | stats)
	sstats=$(awk -F'\t' -v n="$n" '$1 == n { print $4 }' "$OUT/samples.tsv" | stats)
	# N peers series bytes floor_med floor_p99 scrape_med scrape_p99 rounds
	# hwm_kib rss_kib charon_rss_kib up_s collect_s load_before load_after charon_version children_up
	# other_labs swanctl_startup_s curl_startup_s charon_list_conns_s
	# charon_list_sas_noblock_s charon_sequence_s charon_list_sas_blocking_s
	# collect_final_s ikewatch_cpu_per_scrape_s paired_ratio_median
	# minimal_med minimal_p99 gzip_med gzip_p99 gzip_bytes rss_anon_kib rss_file_kib
	read -r fmed fp99 _ <<<"$fstats"
	read -r smed sp99 cnt <<<"$sstats"
	local pratio mmed mp99 gmed gp99 gbytes
	pratio=$(awk -F'\t' -v n="$n" '$1 == n { print $4 / $3 }' "$OUT/samples.tsv" | stats | cut -d' ' -f1)
	read -r mmed mp99 _ <<<"$(awk -F'\t' -v n="$n" '$1 == n { print $7 }' "$OUT/samples.tsv" | stats)"
	read -r gmed gp99 _ <<<"$(awk -F'\t' -v n="$n" '$1 == n { print $8 }' "$OUT/samples.tsv" | stats)"
	read -r gbytes _ <<<"$(awk -F'\t' -v n="$n" '$1 == n { print $9 }' "$OUT/samples.tsv" | stats)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$n" "$k" "$SERIES" "$BODY_BYTES" "$fmed" "$fp99" "$smed" "$sp99" "$cnt" \
		"$hwm" "$rss" "$charon_rss" "$UP_SECONDS" "$COLLECT_S" "$load0" "$load1" \
		"$CHARON_VERSION" "$CHILD_UP" "$others" "$SWANCTL_START" "$CURL_START" "$PH_CONNS" "$PH_SAS" "$PH_SEQ" "$PH_SAS_BLOCK" "$COLLECT2_S" "$CPU_PER_SCRAPE" "$pratio" \
		"$mmed" "$mp99" "$gmed" "$gp99" "${gbytes%.*}" "$anon" "$files" >>"$OUT/summary.tsv"
	log "N=$n: floor median ${fmed}s p99 ${fp99}s; scrape median ${smed}s p99 ${sp99}s; ikewatch VmHWM ${hwm} kB"
}

# ------------------------------------------------------------ report

fmt_s() { # seconds with 3 significant-ish digits
	awk -v s="$1" 'BEGIN {
		if (s < 0.01) printf "%.2f ms", s * 1000
		else if (s < 1) printf "%.1f ms", s * 1000
		else printf "%.2f s", s }'
}

plot() {
	local data=$OUT/summary.tsv
	command -v gnuplot >/dev/null || { log "warning: gnuplot missing, no plot"; return 0; }
	gnuplot <<EOF
set terminal pngcairo size 900,1000 font "DejaVu Sans,11"
set output "$PLOT"
set datafile separator "\t"
set multiplot layout 2,1 title "ikewatch against the strongSwan lab (kernel-libipsec): median of $ROUNDS rounds"
set logscale xy
set grid xtics ytics mxtics mytics
set key top left
set xlabel "tunnels (IKE SAs with one CHILD SA each)"
set ylabel "seconds"
set format y "%g"
set xrange [0.5:20000]
set title "scrape time vs swanctl --list-sas --raw (the floor); bars: median..p99"
plot "$data" using 1:7:7:8 with yerrorlines lw 2 pt 7 title "ikewatch scrape (curl /metrics)", \
     "$data" using 1:5:5:6 with yerrorlines lw 2 pt 5 title "floor: swanctl --list-sas --raw", \
     "$data" using 1:(\$5*1.25) with lines dt 2 lc rgb "gray40" title "1.25 x floor (target at 1000, 10000)"
set title "ikewatch peak RSS (VmHWM)"
set ylabel "MB (10^6 bytes)"
set yrange [1:*]
plot "$data" using 1:(\$10*1024/1e6) with linespoints lw 2 pt 7 title "ikewatch peak RSS", \
     "-" using 1:2 with points pt 9 ps 2 lc rgb "red" title "target (under)"
1000	10
10000	40
e
unset multiplot
EOF
	log "plot written to $PLOT"
}

# one row of the table against the minimal client
min_table_row() {
	local n=$1 mmed=$2 mp99=$3 smed=$4 sp99=$5 gmed=$6 gp99=$7 gbytes=$8 hwm=$9 anon=${10} files=${11} verdict="" tgt
	if has_ratio_target "$n"; then
		verdict=$(awk -v s="$smed" -v m="$mmed" -v sp="$sp99" -v mp="$mp99" \
			-v tm="$MIN_TARGET_MEDIAN" -v tp="$MIN_TARGET_P99" 'BEGIN {
			printf "median: %s; p99: %s", (s <= m * tm ? "yes" : "**no**"), (sp <= mp * tp ? "yes" : "**no**") }')
		tgt=$(min_target_rss_bytes "$n")
		if ((hwm * 1024 <= tgt)); then verdict="$verdict; RSS: yes"; else verdict="$verdict; RSS: **no**"; fi
	fi
	printf '| %s | %s | %s | %s / %s | %s / %s | %s / %s | %s | %s MB | %s | %s |\n' \
		"$n" "$(fmt_s "$mmed")" "$(fmt_s "$mp99")" "$(fmt_s "$smed")" "$(fmt_s "$sp99")" \
		"$(awk -v a="$smed" -v b="$mmed" 'BEGIN { printf "%.2f", a / b }')" \
		"$(awk -v a="$sp99" -v b="$mp99" 'BEGIN { printf "%.2f", a / b }')" \
		"$(fmt_s "$gmed")" "$(fmt_s "$gp99")" "$gbytes" \
		"$(awk -v b="$((hwm * 1024))" 'BEGIN { printf "%.1f", b / 1e6 }')" \
		"$([[ -n $anon ]] && awk -v a="$anon" -v f="$files" 'BEGIN { printf "%.1f / %.1f MB", a * 1024 / 1e6, f * 1024 / 1e6 }' || echo -)" \
		"${verdict:-(no target)}"
}

# shellcheck disable=SC2154 # the variables come from run-info.txt
report() {
	local sum=$OUT/summary.tsv info=$OUT/run-info.txt
	[[ -f $sum && -f $info ]] || die "no results in $OUT (run the benchmark first)"
	# shellcheck source=/dev/null
	. "$info"
	plot
	local plot_rel doc_dir
	doc_dir=$(dirname "$DOC")
	plot_rel=$(realpath -m --relative-to="$doc_dir" "$PLOT")
	{
		cat <<EOF
# Performance

Generated by \`bash bench/run.sh\` (see the header of [bench/run.sh](../bench/run.sh));
raw numbers in [bench/results/](../bench/results/). Do not edit the tables by
hand: rerun the benchmark, or \`bash bench/run.sh report\` to rebuild this page
from the stored results.

## How it was measured

- Machine: ${nproc} CPUs (${cpu}), ${mem} RAM, ${os}, kernel ${kernel}.
- strongSwan: charon ${charon_version:-?} (Debian package ${strongswan_pkg}),
  with kernel-libipsec (userspace ESP), as set up by \`lab/lab.sh\`.
- ikewatch: \`${ikewatch_version}\`, git ${git_rev}$( ((git_dirty == 0)) || printf ' plus %s uncommitted change(s) under src/ or the Makefile' "$git_dirty"),
  built with \`make BUILD=build-bench\` (-O2).
- Date: ${date}; the whole run took ${run_duration}.
- Load: 1-min load average ${loadavg_start%% *} at the start$( [[ $other_labs == - ]] || printf '; **other labs were up on this machine at the start of the run (%s)**, competing for the CPUs (see the context table)' "$other_labs").

For each tunnel count N a fresh lab is brought up (\`lab/lab.sh up --tunnels N
--peers K --dpd ${dpd:-30}\`, K = min(N, max(${MIN_PEERS}, N/500))): a hub charon and K
peer charons in their own network namespaces, every tunnel an IKEv2 SA with
one installed CHILD SA, all of them on the hub. $( ((${dpd:-30} == 0)) && printf '%s' "DPD is off so that the
hub is quiet while it is measured: with DPD on (the lab's 30 s), 10,000 SAs
mean hundreds of INFORMATIONAL exchanges a second on the hub, which compete
with the listings for the CPUs and check IKE SAs out (swanctl's listing waits
for a checked-out SA; ikewatch asks with noblock and skips it).") A fresh \`ikewatch serve --web.listen-address=127.0.0.1:PORT
--vici.socket=HUB --vici.timeout=120s --scrape.reuse-window=0\` reads the hub. After one warm-up scrape
(kept to count the series and to check that the collection succeeded and all
N children are up), ${ROUNDS} rounds each time, by the wall clock around the client
process, in alternating order:

- **floor**: \`swanctl --list-sas --raw --uri unix://HUB\` with the hub's
  \`STRONGSWAN_CONF\`, output to /dev/null: what charon needs to list its SAs
  to a client that does nothing with them;
- **scrape**: \`curl -s -o /dev/null http://127.0.0.1:PORT/metrics\`
  (uncompressed text format).

Both times include starting the client process (a few ms, which dominates at
small N). **p99** is the nearest-rank 99th percentile: with ${ROUNDS} samples it is
the $( ((ROUNDS <= 100)) && echo "maximum" || echo "99th value"). **Peak RSS** is ikewatch's \`VmHWM\` after all rounds (its
high-water mark since it started, warm-up included). MB = 10^6 bytes; MiB in
brackets. The scrape does more than the floor: ikewatch also asks charon for
\`version\`, \`stats\` (twice) and \`list-conns\`, then renders the exposition.
To tell charon's share from ikewatch's, \`bench/vici_phases.py\` replays
ikewatch's VICI sequence after the rounds with a client that only reads the
bytes ("charon alone" in the context table), and ikewatch's CPU time
(utime + stime from /proc) over the rounds is divided by their number: that
is ikewatch's own work per scrape, which, unlike the wall-clock times, does
not depend on how fast charon answers.

## Results

| N tunnels | series | body bytes | floor median | floor p99 | scrape median | scrape p99 | scrape / floor (median) | ikewatch peak RSS | target met |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|
EOF
		local n k ser bytes fmed fp99 smed sp99 cnt hwm rss crss ups col l0 l1 cup others sws cus lcs lsn seq lsb col2 cps prat ratio rssb tgt verdict any=no
		while IFS=$'\t' read -r n k ser bytes fmed fp99 smed sp99 cnt hwm rss crss ups col l0 l1 _ cup others sws cus lcs lsn seq lsb col2 cps prat _; do
			ratio=$(awk -v a="$smed" -v b="$fmed" 'BEGIN { printf "%.2f", a / b }')
			rssb=$((hwm * 1024))
			verdict=""
			if has_ratio_target "$n"; then
				if awk -v r="$smed" -v f="$fmed" -v t="$TARGET_RATIO" 'BEGIN { exit !(r <= f * t) }'; then
					verdict="time: yes"
				else
					verdict="time: **no**"
				fi
			fi
			tgt=$(target_rss_bytes "$n")
			if [[ -n $tgt ]]; then
				if ((rssb < tgt)); then
					verdict="$verdict; RSS: yes"
				else
					verdict="$verdict; RSS: **no**"
				fi
			fi
			[[ -n $verdict ]] || verdict="(no target)"
			printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s MB (%s MiB) | %s |\n' \
				"$n" "$ser" "$bytes" "$(fmt_s "$fmed")" "$(fmt_s "$fp99")" \
				"$(fmt_s "$smed")" "$(fmt_s "$sp99")" "$ratio" \
				"$(awk -v b="$rssb" 'BEGIN { printf "%.1f", b / 1e6 }')" \
				"$(awk -v b="$rssb" 'BEGIN { printf "%.1f", b / 1048576 }')" "$verdict"
		done <"$sum"
		cat <<EOF

Targets: scrape median within ${TARGET_RATIO}x of the floor median at 1000 and
10,000 tunnels; peak RSS under 10 MB at 1000 and under 40 MB at 10,000.

![scrape time and RSS against tunnel count]($plot_rel)

### Against the minimal client, gzip on and off

**minimal** is \`bench/vici_floor\` (\`bench/vici_floor.c\`): list-sas (noblock)
and list-conns on two connections at once, every byte read and discarded,
nothing else: the least any exporter must wait for charon. **gzip** is the
scrape with \`curl --compressed\` (Prometheus asks for gzip). Targets at 1000
and 10,000 tunnels: median scrape within ${MIN_TARGET_MEDIAN}x of the minimal
client's median, p99 within ${MIN_TARGET_P99}x of its p99, peak RSS at most
5 MB at 1000 and 16 MB at 10,000.

| N tunnels | minimal median | minimal p99 | scrape median / p99 | ratio median / p99 | gzip scrape median / p99 | gzip body bytes | peak RSS | RSS after the rounds: own (anonymous) / mapped files (binary, shared libraries) | target met |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|
EOF
		while IFS=$'\t' read -r n k ser bytes fmed fp99 smed sp99 cnt hwm rss crss ups col l0 l1 _ cup others sws cus lcs lsn seq lsb col2 cps prat mmed mp99 gmed gp99 gbytes anon files; do
			[[ -n $mmed ]] || continue   # a run from before the minimal client
			min_table_row "$n" "$mmed" "$mp99" "$smed" "$sp99" "$gmed" "$gp99" "$gbytes" "$hwm" "$anon" "$files"
		done <"$sum"
		cat <<EOF

### Context of each size

| N | peers | lab up in | ikewatch CPU per scrape (user+sys, mean of plain and gzip) | median of per-round scrape/floor | ikewatch collection, warm-up / final (its own timer) | charon alone: list-conns / list-sas noblock / whole sequence | charon alone: list-sas blocking (as swanctl) | swanctl --version --daemon / curl /-/healthy alone | hub charon RSS | load avg before / after rounds | children up in warm-up scrape | other labs up |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|
EOF
		while IFS=$'\t' read -r n k ser bytes fmed fp99 smed sp99 cnt hwm rss crss ups col l0 l1 _ cup others sws cus lcs lsn seq lsb col2 cps prat _; do
			printf '| %s | %s | %s s | %s | %s | %s / %s | %s / %s / %s | %s | %s / %s | %s MB | %s / %s | %s | %s |\n' \
				"$n" "$k" "$ups" "$([[ -n $cps ]] && fmt_s "$cps" || echo -)" \
				"$([[ -n $prat ]] && awk -v r="$prat" 'BEGIN { printf "%.2f", r }' || echo -)" \
				"$(fmt_s "$col")" "$(fmt_s "${col2:-0}")" \
				"$(fmt_s "${lcs:-0}")" "$(fmt_s "${lsn:-0}")" "$(fmt_s "${seq:-0}")" "$(fmt_s "${lsb:-0}")" \
				"$(fmt_s "${sws:-0}")" "$(fmt_s "${cus:-0}")" \
				"$(awk -v k="$crss" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }')" "$l0" "$l1" "$cup" "${others:-?}"
		done <"$sum"
		printf '\n## Against the targets\n\n'
		while IFS=$'\t' read -r n k ser bytes fmed fp99 smed sp99 cnt hwm rss crss ups col l0 l1 _ cup others sws cus lcs lsn seq lsb col2 cps prat _; do
			if has_ratio_target "$n"; then
				any=yes
				awk -v n="$n" -v s="$smed" -v f="$fmed" -v t="$TARGET_RATIO" 'BEGIN {
					r = s / f
					if (r <= t)
						printf "- %s tunnels, time: met: the median scrape takes %.2fx the floor (target %.2fx).\n", n, r, t
					else
						printf "- %s tunnels, time: **missed**: the median scrape takes %.2fx the floor, target %.2fx: %.3f s over the %.3f s allowed (%.0f%% over).\n", n, r, t, s - f * t, f * t, (s / (f * t) - 1) * 100
				}'
			fi
			tgt=$(target_rss_bytes "$n")
			if [[ -n $tgt ]]; then
				awk -v n="$n" -v b="$((hwm * 1024))" -v t="$tgt" 'BEGIN {
					if (b < t)
						printf "- %s tunnels, RSS: met: %.1f MB peak, target under %.0f MB.\n", n, b / 1e6, t / 1e6
					else
						printf "- %s tunnels, RSS: **missed**: %.1f MB peak, target under %.0f MB (%.0f%% over).\n", n, b / 1e6, t / 1e6, (b / t - 1) * 100
				}'
			fi
		done <"$sum"
		[[ $any == yes ]] || printf 'No size with a target (1000, 10000) was measured in this run.\n'
		if [[ -f $FINDINGS ]]; then
			printf '\n'
			cat "$FINDINGS"
		fi
		# sections other benchmarks write (bench/kernel.sh, ...)
		for f in "$OUT"/section-*.md; do
			[[ -f $f ]] && { printf '\n'; cat "$f"; }
		done
		cat <<EOF

## Reproducing

\`\`\`sh
bash scripts/install-deps.sh bench    # strongSwan, curl, gnuplot-nox, ...
bash bench/run.sh 2>&1 | tee /tmp/bench.log          # all four sizes, ~15 min when quiet
BENCH_SIZES="1 100 1000" BENCH_ROUNDS=30 bash bench/run.sh   # quicker
bash bench/run.sh report              # rebuild this page from bench/results/
\`\`\`

Run it on an otherwise idle machine: other labs or builds running at the same
time slow charon and ikewatch unevenly and make the ratios meaningless.
EOF
	} >"$DOC.tmp"
	mv "$DOC.tmp" "$DOC"
	log "report written to $DOC"
}

# ------------------------------------------------------------ main

main() {
	if [[ ${1:-} == report ]]; then
		report
		return 0
	fi
	[[ -z ${1:-} ]] || die "usage: bash bench/run.sh [report]"
	((EUID == 0)) || die "must run as root (the lab uses network namespaces)"
	if ! [[ $ROUNDS =~ ^[0-9]+$ ]] || ((ROUNDS < 20)); then
		die "BENCH_ROUNDS must be at least 20"
	fi
	local n
	for n in $SIZES; do
		[[ $n =~ ^[1-9][0-9]*$ ]] || die "bad size '$n' in BENCH_SIZES"
	done
	for c in curl python3 "$SWANCTL" awk; do
		command -v "$c" >/dev/null || die "$c not found (bash scripts/install-deps.sh bench)"
	done
	bench_build
	cc -std=c17 -O2 -Wall -Wextra -Werror -o "$VICI_FLOOR" "$ROOT/bench/vici_floor.c" ||
		die "cannot build bench/vici_floor.c"

	trap cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$OUT"
	rm -f "$OUT"/samples.tsv "$OUT"/summary.tsv "$OUT"/ikewatch-*.log
	local t_start=$SECONDS
	machine_info >"$OUT/run-info.txt"
	# shellcheck source=/dev/null
	. "$OUT/run-info.txt"
	[[ $other_labs == - ]] || log "warning: other labs are up on this machine ($other_labs): results will be disturbed"
	log "sizes: $SIZES; $ROUNDS rounds each; results in $OUT"
	for n in $SIZES; do
		measure_size "$n"
	done
	local d=$((SECONDS - t_start))
	{
		printf 'run_duration=%q\n' "$((d / 60)) min $((d % 60)) s"
		printf 'charon_version=%q\n' "$CHARON_VERSION"
	} >>"$OUT/run-info.txt"
	log "all sizes measured in $((d / 60)) min $((d % 60)) s"
	report
}

main "$@"
