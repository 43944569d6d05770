# Shared helpers for the end-to-end scenarios (sourced, bash).
# Each scenario starts its own lab (unique name), its own ikewatch on a free
# loopback port, and cleans up on exit, failure included.  Only processes it
# started are stopped, by pid.
set -uo pipefail

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IKEWATCH=${IKEWATCH:-$E2E_ROOT/build/ikewatch}
LAB="$E2E_ROOT/lab/lab.sh"
E2E_OUT=${E2E_OUT:-$E2E_ROOT/out/e2e}
E2E_PASS=0
E2E_FAIL=0
E2E_PIDS=()
E2E_LABS=()
mkdir -p "$E2E_OUT"

e2e_log() { printf '# %s\n' "$*"; }
pass() { E2E_PASS=$((E2E_PASS + 1)); printf 'ok - %s\n' "$*"; }
fail() { E2E_FAIL=$((E2E_FAIL + 1)); printf 'not ok - %s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

e2e_cleanup() {
	local pid name
	for pid in "${E2E_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for name in "${E2E_LABS[@]}"; do
		"$LAB" --name "$name" down >/dev/null 2>&1 || true
	done
}

e2e_finish() { # e2e_finish SCENARIO
	printf '%s: %d passed, %d failed\n' "$1" "$E2E_PASS" "$E2E_FAIL"
	[ "$E2E_FAIL" -eq 0 ]
}

trap e2e_cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

lab_up() { # lab_up NAME ARGS...  (registers the lab for cleanup)
	local name=$1; shift
	E2E_LABS+=("$name")
	"$LAB" --name "$name" up "$@" >"$E2E_OUT/lab-$name.log" 2>&1 || {
		tail -n 20 "$E2E_OUT/lab-$name.log"; return 1; }
}

lab() { local name=$1; shift; "$LAB" --name "$name" "$@"; }

lab_state_dir() { "$LAB" --name "$1" info | sed -n 's/^state_dir=//p'; }

# lab_extend NAME DIR GEN: adds the connections that `GEN hub` and `GEN peer`
# print to the hub and p1.  swanctl --load-* replaces what is loaded, so the
# lab's own configuration is loaded along with them.
lab_extend() {
	local name=$1 dir=$2 gen=$3 sd
	sd=$(lab_state_dir "$name")
	{ cat "$sd/hub/swanctl/swanctl.conf"; "$gen" hub; } >"$dir/hub.conf"
	{ cat "$sd/p1/swanctl/swanctl.conf"; "$gen" peer; } >"$dir/p1.conf"
	lab "$name" swanctl hub --load-all --file "$dir/hub.conf" >/dev/null 2>&1 &&
		lab "$name" swanctl p1 --load-all --file "$dir/p1.conf" >/dev/null 2>&1
}

# conn "badpsk": the hub has another secret for its identities; conn
# "badprop": CHILD proposals that the hub does not accept
failing_conns() { # failing_conns hub|peer (for lab_extend)
	local hub=0; [ "$1" = hub ] && hub=1
	awk -v hub="$hub" 'BEGIN {
		split("badpsk badprop", names, " ")
		print "connections {"
		for (k = 1; k <= 2; k++) {
			n = names[k]
			print "\t" n " {\n\t\tversion = 2"
			print "\t\tlocal_addrs = " (hub ? "192.0.2.1" : "192.0.2.11")
			print "\t\tremote_addrs = " (hub ? "192.0.2.11" : "192.0.2.1")
			print "\t\tproposals = aes128gcm16-prfsha256-x25519"
			print "\t\tkeyingtries = 1"
			print "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "hub-" : "peer-") n "\n\t\t}"
			print "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = " (hub ? "peer-" : "hub-") n "\n\t\t}"
			print "\t\tchildren {\n\t\t\t" n "net {"
			print "\t\t\t\tlocal_ts = " (hub ? "198.18.250.1" : "198.19.250.1") "/32"
			print "\t\t\t\tremote_ts = " (hub ? "198.19.250.1" : "198.18.250.1") "/32"
			print "\t\t\t\tesp_proposals = " ((n == "badprop" && !hub) ? "aes256-sha512" : "aes128gcm16")
			print "\t\t\t}\n\t\t}\n\t}"
		}
		print "}"
		# the hub holds another secret for exactly this pair of identities
		if (hub) print "secrets {\n\tike-bad {\n\t\tid-a = hub-badpsk\n\t\tid-b = peer-badpsk\n\t\tsecret = \"not-the-lab-secret\"\n\t}\n}"
	}'
}

lab_vici() { "$LAB" --name "$1" vici hub | sed 's|^unix://||'; }

# wait_for SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds;
# returns 1 if it still fails after SECONDS (whole seconds).  For waiting on
# a condition; a plain sleep is only for letting time pass on purpose.
wait_for() {
	local end=$(( ${EPOCHREALTIME//[.,]/} + $1 * 1000000 )); shift
	until "$@"; do
		(( ${EPOCHREALTIME//[.,]/} < end )) || return 1
		sleep 0.2
	done
}

# probes_ran PORT: every probe the daemon on PORT serves has run at least once
probes_ran() {
	scrape "$1" | awk '/^ipsec_probe_runs_total\{/ { n++; if ($2 + 0 < 1) bad = 1 }
		END { exit !(n > 0 && !bad) }'
}

# start_ikewatch NAME_OF_PORT_VAR ARGS... : serves on a free port; sets $IKW_PID
start_ikewatch() {
	local port_var=$1 port; shift
	port=$(free_port)
	# reuse off unless a scenario asks (test_ha_pair.sh): scenarios that act
	# and then scrape once want that scrape to read charon afresh
	"$IKEWATCH" serve --web.listen-address="127.0.0.1:$port" \
		--scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" "$@" \
		>>"$E2E_OUT/ikewatch-$port.log" 2>&1 &
	IKW_PID=$!
	E2E_PIDS+=("$IKW_PID")
	wait_for 5 curl -fsS -o /dev/null "http://127.0.0.1:$port/-/healthy" 2>/dev/null || true
	printf -v "$port_var" '%s' "$port"
}

scrape() { curl -fsS --max-time 30 "http://127.0.0.1:$1/metrics"; }

# metric VALUE lookup: metric TEXT 'name{labels}' -> value (exact series match)
metric() {
	awk -v s="$2" '$1 == s { print $2; found=1; exit } END { if (!found) exit 1 }' <<<"$1"
}

# ge A B: numeric A >= B (floats allowed)
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

# ---- probe scenarios (test_probes*.sh) ------------------------------------------
# They keep the last scrape in $m and read series from it with val.
val() { metric "$m" "$1" 2>/dev/null || echo missing; }
# scrape_until PORT SECONDS COMMAND...: scrapes PORT into $m every 0.5 s until
# COMMAND holds; 1 if it still does not after SECONDS
scrape_until() {
	local port=$1 until=$((SECONDS + $2)); shift 2
	while :; do
		m=$(scrape "$port")
		"$@" && return 0
		((SECONDS < until)) || return 1
		sleep 0.5
	done
}
# esp_drop NS / esp_pass NS: NS's input drops ESP in UDP 4500 (a non-zero
# SPI: IKE, with its zero non-ESP marker, still passes), so the SAs stay up
# while no packet gets through
esp_drop() {
	ip netns exec "$1" nft -f - <<'NFT'
table inet ikw_espdrop {
	chain in {
		type filter hook input priority 0;
		udp dport 4500 @th,64,32 != 0 drop
	}
}
NFT
}
esp_pass() { ip netns exec "$1" nft delete table inet ikw_espdrop; }
# bb_metrics SCRAPE_CONFIG NS PORT TARGET PROBE: what the blackbox_exporter
# listening on 127.0.0.1:PORT in NS answers for TARGET with the module
# blackbox-config gave that target's probe PROBE in SCRAPE_CONFIG
bb_metrics() {
	local mod
	mod=$(awk -v t="- targets: ['$4']" -v p="probe: '$5'" '
		index($0, t) { n = NR } n && NR - n <= 5 && index($0, p) { hit = 1 }
		hit && /__param_module:/ { print $2; exit }' "$1")
	ip netns exec "$2" curl -fsS -G --max-time 10 --data-urlencode "target=$4" \
		--data-urlencode "module=$mod" "http://127.0.0.1:$3/probe"
}
# bb_success ARGS: bb_metrics' probe_success
bb_success() { bb_metrics "$@" | awk '$1 == "probe_success" { print $2 }'; }

# bb_config_check ARGS...: `ikewatch blackbox-config ARGS` into $tmp/bb,
# its modules checked by blackbox_exporter and its scrape config by promtool
bb_config_check() {
	local out
	mkdir -p "$tmp/bb"
	check "blackbox-config writes its two files" "$IKEWATCH" blackbox-config "$@" \
		--output="$tmp/bb" --blackbox.address=127.0.0.1:19115
	check "blackbox_exporter accepts the modules" \
		prometheus-blackbox-exporter --config.check --config.file="$tmp/bb/blackbox.yml"
	{ printf 'global:\n  scrape_interval: 30s\n'; cat "$tmp/bb/prometheus-blackbox.yml"; } >"$tmp/bb/prometheus.yml"
	out=$(promtool check config "$tmp/bb/prometheus.yml" 2>&1)
	check "promtool check config accepts the scrape config${out:+: $(tail -n1 <<<"$out")}" grep -q SUCCESS <<<"$out"
}

# esp_drop_case PING OTHER TARGET: ESP dropped at $P2 while the SAs stay
# up: tun2's probe (series labels PING, target TARGET) fails with loss 1
# within two intervals ($IV), counted as timeouts, tun1's (OTHER) does
# not; with ESP back it recovers.  Uses the scenario's wait_until and val.
esp_drop_case() {
	local ping=$1 other=$2 target=$3 t0 took
	esp_drop "$P2"
	t0=$SECONDS
	wait_until $((2 * IV + 2)) esp_case_failed "$ping"
	took=$((SECONDS - t0))
	check "ESP dropped: tun2 ping fails with loss 1 within two intervals (${took}s)" esp_case_failed "$ping"
	check "...while ipsec_child_up stays 1" test "$(val 'ipsec_child_up{conn="tun2",child="net2"}')" = 1
	check "...and ipsec_conn_up stays 1" test "$(val 'ipsec_conn_up{conn="tun2"}')" = 1
	check "...counted as timeouts" ge "$(val "ipsec_probe_failures_total{conn=\"tun2\",child=\"net2\",probe=\"ping\",target=\"$target\",reason=\"timeout\"}")" 1
	check "...tun1 on the other peer unaffected" test "$(val "ipsec_probe_success$other")" = 1
	esp_pass "$P2"
	wait_until $((2 * IV + 2)) esp_case_passes "$ping"
	check "ESP back: tun2 recovers" esp_case_passes "$ping"
}
esp_case_failed() { [ "$(val "ipsec_probe_success$1")" = 0 ] && [ "$(val "ipsec_probe_loss_ratio$1")" = 1 ]; }
esp_case_passes() { [ "$(val "ipsec_probe_success$1")" = 1 ]; }

# e2e_certs DIR [CLIENT_CN]: test certificates made with openssl in DIR: a CA
# (ca.crt, ca.key), a server certificate for IP 127.0.0.1 (srv.crt,
# srv.key), a client certificate (cli.crt, cli.key; CN CLIENT_CN, default
# ikewatch-client) and another CA that signed nothing of these (other.crt);
# keys 0600.  1 when openssl failed.
e2e_certs() {
	local d=$1 cn=${2:-ikewatch-client}
	_mk() { openssl "$@" >/dev/null 2>&1; }
	( cd "$d" &&
	  _mk req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=ikw-test-ca -keyout ca.key -out ca.crt &&
	  _mk req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
		-keyout srv.key -out srv.csr &&
	  printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext &&
	  _mk x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
		-extfile srv.ext -out srv.crt &&
	  _mk req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
		-keyout cli.key -out cli.csr &&
	  _mk x509 -req -in cli.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
		-out cli.crt &&
	  _mk req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=other-ca -keyout other.key -out other.crt &&
	  chmod 600 ca.key srv.key cli.key other.key )
}

# prom_start PORT_VAR LOG TARGET...: a real Prometheus on a free port (its
# port in PORT_VAR) with the rule files $tmp/ikewatch-recording.rules.yml
# and $tmp/ikewatch-alerts.rules.yml, scraping the host:port TARGETs as job
# ikewatch; its log is $E2E_OUT/prometheus-LOG.log.  PROM_SCRAPE: the
# scrape interval and timeout (1s); PROM_AM: an Alertmanager's host:port to
# send alerts to; PROM_SCRAPE_TLS: a directory with ca.crt, cli.crt and
# cli.key to scrape over https with a client certificate; PROM_ARGS: more
# flags.  Registered for cleanup.
prom_start() {
	local port_var=$1 log=$2 port targets="" t; shift 2
	for t in "$@"; do targets+="${targets:+, }'$t'"; done
	port=$(free_port)
	{
		cat <<YML
global:
  scrape_interval: ${PROM_SCRAPE:-1s}
  scrape_timeout: ${PROM_SCRAPE:-1s}
  evaluation_interval: 1s
rule_files:
  - $tmp/ikewatch-recording.rules.yml
  - $tmp/ikewatch-alerts.rules.yml
YML
		[[ -z ${PROM_AM:-} ]] || cat <<YML
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['$PROM_AM']
YML
		cat <<YML
scrape_configs:
  - job_name: ikewatch
    static_configs:
      - targets: [$targets]
YML
		[[ -z ${PROM_SCRAPE_TLS:-} ]] || cat <<YML
    scheme: https
    tls_config:
      ca_file: $PROM_SCRAPE_TLS/ca.crt
      cert_file: $PROM_SCRAPE_TLS/cli.crt
      key_file: $PROM_SCRAPE_TLS/cli.key
YML
	} >"$tmp/prometheus.yml"
	# shellcheck disable=SC2086  # PROM_ARGS: words on purpose
	"${PROMETHEUS:-prometheus}" --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
		--web.listen-address="127.0.0.1:$port" ${PROM_ARGS:-} >"$E2E_OUT/prometheus-$log.log" 2>&1 &
	E2E_PIDS+=("$!")
	printf -v "$port_var" '%s' "$port"
}
