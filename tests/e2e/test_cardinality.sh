#!/usr/bin/env bash
# Cardinality controls against a real lab (counters plugin, a certificate
# tunnel, charon logging its vici requests): a group turned off leaves its
# families out and, when it costs charon a call, the call is not made
# (charon's own log); --collector.set=minimal keeps exactly the state,
# traffic and rekey health families of each tunnel, and a flag after the
# set adds a group back.  The daemon and the YAML key do the same.
source "$(dirname "$0")/lib.sh"

NAME=e2ecd$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 --counters --cert-days 10 --loglevel 2 ||
	{ fail "lab up"; e2e_finish cardinality; exit 1; }
VICI=$(lab_vici "$NAME")
CHARON_LOG=$(lab_state_dir "$NAME")/hub/charon.log
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT

# once NAME ARGS...: ikewatch metrics ARGS into $tmp/NAME.prom, and the vici
# commands charon logged meanwhile into $tmp/NAME.vici
once() {
	local name=$1 from; shift
	from=$(wc -l <"$CHARON_LOG")
	"$IKEWATCH" metrics --vici.socket="$VICI" "$@" >"$tmp/$name.prom" 2>"$tmp/$name.err"
	sleep 0.5   # charon's log is written by its own thread
	sed -n "$((from + 1)),\$p" "$CHARON_LOG" | grep -oE 'requests: [a-z-]+' |
		sed 's/requests: //' | sort -u >"$tmp/$name.vici"
}
families() { awk '/^# TYPE / { print $3 }' "$tmp/$1.prom" | sort -u; }
has_family() { families "$1" | grep -qx "$2"; }
asked() { grep -qx "$2" "$tmp/$1.vici"; }
# the families that have a sample labelled with a lab tunnel (tunK)
tunnel_families() {
	grep -E '^[a-z_]+\{conn="tun[0-9]+"' "$tmp/$1.prom" | sed -E 's/\{.*//' |
		sed -E 's/_(total|bucket|sum|count)$//' | sort -u
}

once default
once nocerts --no-collector.certs
once nocounters --no-collector.counters
once nopools --no-collector.pools
once noinfo --no-collector.info --no-collector.timestamps --no-collector.status
once minimal --collector.set=minimal
once minimal_info --collector.set=minimal --collector.info

check "default: certificate families there" has_family default ipsec_conn_cert_not_after_timestamp_seconds
check "default: charon asked list-certs, get-counters, get-pools" \
	eval 'asked default list-certs && asked default get-counters && asked default get-pools'
check "default: counters and status there" \
	eval 'has_family default ipsec_daemon_ike_messages_total && has_family default ipsec_conn_status'
check "--no-collector.certs: no certificate family" \
	eval '! families nocerts | grep -q "^ipsec_conn_cert"'
check "--no-collector.certs: charon not asked list-certs (asked: $(tr '\n' ' ' <"$tmp/nocerts.vici"))" \
	eval '! asked nocerts list-certs && asked nocerts list-sas'
check "--no-collector.counters: no ipsec_daemon_ike_messages_total, no get-counters" \
	eval '! has_family nocounters ipsec_daemon_ike_messages_total && ! asked nocounters get-counters'
check "--no-collector.counters: the daemon's stats stay" has_family nocounters ipsec_daemon_ike_sas
check "--no-collector.pools: charon not asked get-pools" eval '! asked nopools get-pools && asked nopools list-certs'
check "--no-collector.info/timestamps/status: those families gone, state stays" \
	eval '! has_family noinfo ipsec_conn_info && ! has_family noinfo ipsec_child_sa_info &&
	      ! has_family noinfo ipsec_ike_sa_established_timestamp_seconds &&
	      ! has_family noinfo ipsec_conn_status && has_family noinfo ipsec_conn_up &&
	      has_family noinfo ipsec_child_sa_rekey_timestamp_seconds'
want_minimal="ipsec_child_expected_up
ipsec_child_sa_bytes
ipsec_child_sa_packets
ipsec_child_sa_rekey_overdue
ipsec_child_sa_rekey_timestamp_seconds
ipsec_child_sas
ipsec_child_up
ipsec_conn_expected_up
ipsec_conn_up
ipsec_ike_sa_rekey_overdue
ipsec_ike_sa_rekey_timestamp_seconds
ipsec_ike_sas"
got_minimal=$(tunnel_families minimal)
e2e_log "minimal, per tunnel: $(tr '\n' ' ' <<<"$got_minimal")"
check "--collector.set=minimal: exactly state, traffic and rekey health per tunnel" \
	test "$got_minimal" = "$want_minimal"
check "--collector.set=minimal: no list-certs, get-pools, get-counters; list-sas still" \
	eval '! asked minimal list-certs && ! asked minimal get-pools && ! asked minimal get-counters && asked minimal list-sas'
check "--collector.set=minimal: no kernel family (xfrm off)" \
	eval '! families minimal | grep -q "^ipsec_kernel_"'
check "--collector.set=minimal: the daemon's and exporter's families stay" \
	eval 'has_family minimal ipsec_daemon_ike_sas && has_family minimal ikewatch_collector_success'
n_default=$(grep -cE '^[a-z_]+\{conn="tun[0-9]+"' "$tmp/default.prom")
n_minimal=$(grep -cE '^[a-z_]+\{conn="tun[0-9]+"' "$tmp/minimal.prom")
e2e_log "series of the 2 lab tunnels: default $n_default, minimal $n_minimal"
check "minimal has fewer series per tunnel than default ($n_minimal < $n_default)" test "$n_minimal" -lt "$n_default"
check "--collector.set=minimal --collector.info: the info families back" \
	eval 'has_family minimal_info ipsec_conn_info && has_family minimal_info ipsec_child_info &&
	      ! has_family minimal_info ipsec_conn_status'
# the daemon with the YAML key: the same families as the flag
printf 'collectors:\n  set: minimal\n' >"$tmp/ikewatch.yml"
start_ikewatch PORT --vici.socket="$VICI" --config.file="$tmp/ikewatch.yml" --no-events
scrape "$PORT" >"$tmp/serve.prom"
got_serve=$(tunnel_families serve)
check "serve with collectors: set: minimal: the same per-tunnel families" test "$got_serve" = "$want_minimal"
check "serve: the scrape's own families there" eval 'has_family serve ikewatch_scrape_collection_age_seconds'
e2e_finish cardinality
