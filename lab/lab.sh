#!/usr/bin/env bash
# lab/lab.sh - local strongSwan lab for ikewatch.
#
# Builds a hub charon and K peer charons, each in its own network namespace,
# joined by an outer network in 192.0.2.0/24, with N site-to-site IKEv2 PSK
# tunnels (userspace ESP via kernel-libipsec).  Everything the lab creates lives
# in its namespaces (NAME-hub, NAME-p1..NAME-pK) and its state dir; nothing is
# added to the root namespace.  Run `lab/lab.sh help` for usage.
set -euo pipefail

PROG=${0##*/}
LAB_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# which strongSwan: 5 = Debian's charon 5.9.8, 6 = 6.0.6 built from
# ../shared/vendor into a cache by scripts/build-strongswan6.sh (up --strongswan)
STRONGSWAN=${IKWLAB_STRONGSWAN:-5}
FAMILY=4  # up --ipv6: 6 (outer and inner addresses from 2001:db8::/32)
CHARON=${IKWLAB_CHARON:-/usr/lib/ipsec/charon}
SWANCTL=${IKWLAB_SWANCTL:-swanctl}
PLUGIN_DIR=/usr/lib/ipsec/plugins
REGISTRY=${IKWLAB_REGISTRY:-/run/ikwlab}
PSK=${IKWLAB_PSK:-ikwlab-not-a-secret-0123456789}
MAX_PEERS=200
# remote access (up --rw): the hub's side of conn rw and the pool's first
# address (TEST-NET-2 and -3, apart from the certificate tunnel's /32s)
RW_HUB_TS=198.51.100.128/26
RW_HUB_ADDR=198.51.100.129 # on the hub's lo: the source of its routes to the clients
RW_POOL_FIRST=203.0.113.128
# pools of more than 120: from 198.19.252.1 (up to 1000 addresses; peers'
# inner addresses stay below 198.19.252.0 up to 64000 tunnels)
RW_POOL_FIRST_BIG=198.19.252.1
MAX_TUNNELS=65024 # 256 * 254 inner addresses per side

NAME=${IKWLAB_NAME:-ikwlab}
STATE_DIR=${IKWLAB_STATE_DIR:-}
SD="" # resolved state dir

usage() {
	cat <<EOF
usage: $PROG [--name NAME] [--state-dir DIR] COMMAND [ARGS...]

commands:
  up [--tunnels N] [--peers K] [--child-rekey SEC] [--ike-rekey SEC]
     [--counters] [--dpd SEC] [--timeout SEC] [--loglevel L] [--strongswan 5|6]
     [--cert-days D] [--ipv6] [--rw N] [--rw-pool M]
                        create namespaces, charons and N tunnels over K peers
                        (default 3 over 1); wait until all N CHILD SAs are
                        INSTALLED on the hub (timeout 60 + N/4 s).
                        --child-rekey/--ike-rekey: rekey_time on both sides
                        (default 1h / 4h); --counters: counters plugin on the
                        hub; --dpd: dpd_delay (default 30, N/33 above 1000
                        tunnels; 0 = off); --loglevel: filelog level (1, 0
                        above 1000 tunnels); --strongswan 6: run charon
                        6.0.6 (built once into /var/cache/ikewatch; env
                        IKWLAB_STRONGSWAN) instead of Debian's 5.9.8;
                        --cert-days D: also the certificate tunnel cert1
                        (below); --ipv6: IPv6 tunnels over an IPv6 outer
                        network (addresses below); --rw N: also N
                        remote-access clients on p1 against the hub conn rw
                        with a pool of M (--rw-pool, default 40) virtual IPs
                        (below).
                        Bring-up cost grows with N and with tunnels per peer:
                        for N > 1000 use K >= N/500.
  down                  stop the lab's charons, delete its namespaces and state
                        dir (idempotent)
  wait [--timeout SEC]  wait until all N CHILD SAs are INSTALLED on the hub
  ping I [COUNT] [SIZE] ping through tunnel I (hub inner -> peer inner)
  swanctl hub|pK ARGS   run swanctl against that charon's VICI socket
  stop-charon hub|pK [--kill]
                        stop that charon by pid (TERM, wait, KILL; --kill: KILL
                        at once, to simulate a crash)
  start-charon hub|pK [--wait] [--reconnect]
                        start it again and swanctl --load-all its config;
                        --reconnect (hub only) also restarts the peers so all
                        tunnels come back at once; --wait waits for all tunnels
  vici [hub|pK]         print that charon's VICI socket URI (default hub)
  info [I]              print lab parameters, or the addressing of tunnel I
  status                what is running
  list                  labs known on this machine

options (any command): --name NAME (default ikwlab, env IKWLAB_NAME),
  --state-dir DIR (default /tmp/NAME, env IKWLAB_STATE_DIR);
  env IKWLAB_SYSLOG=1: the hub also logs to syslog (/dev/log)

addressing: outer 192.0.2.0/24 (hub .1, peer K .(10+K)); tunnel I (1-based)
  uses hub 198.18.A.B/32 and peer 198.19.A.B/32 with A=(I-1)/254,
  B=(I-1)%254+1; conn tunI, child netI, ids hub-tunI / peer-tunI;
  tunnel I is on peer ((I-1) % K) + 1.
  --ipv6: outer 2001:db8:2::/64 (hub ::1, peer K ::(10+K) in hex), tunnel I
  hub 2001:db8:18::I/128 and peer 2001:db8:19::I/128 (I in hex).
certificate tunnel (--cert-days D): conn cert1 (child certnet1) between the
  hub (198.51.100.1) and p1 (203.0.113.1), auth = pubkey with certificates
  of a lab CA made with openssl in STATE_DIR/pki: the hub's valid D days,
  p1's 2*D days, the CA's 10*D days; the hub trusts the CA for its peer
  (remote cacerts), p1 pins the hub's certificate (remote certs).
remote access (--rw N, IPv4 only): the hub's conn rw (remote_addrs %any,
  child rw, local_ts $RW_HUB_TS, unique never) hands out virtual IPs
  from pool rwpool ($RW_POOL_FIRST and the next M-1 addresses; M of 121
  to 1000 from $RW_POOL_FIRST_BIG);
  p1 runs N conns rw01..rwNN (ids rwNN@ra.example, PSK, vips 0.0.0.0,
  keyingtries 1: a client refused for lack of an address stays down); up
  waits until min(N, M) clients hold a lease and the others were refused.
EOF
}

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
# in_range VAL LO HI: VAL is an integer in [LO, HI]
in_range() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)); }

check_name() {
	[[ $NAME =~ ^[a-z][a-z0-9_-]{0,22}$ ]] ||
		die "bad lab name '$NAME' (want [a-z][a-z0-9_-]*, at most 23 chars)"
	[[ ! $NAME =~ -(hub|p[0-9]+)$ ]] ||
		die "lab name '$NAME' must not end in -hub or -pN (clashes with namespace names)"
}

hub_ns() { printf '%s-hub' "$NAME"; }
peer_ns() { printf '%s-p%d' "$NAME" "$1"; }

# target (hub|pK) -> namespace
target_ns() {
	case $1 in
	hub) hub_ns ;;
	p[0-9]*) peer_ns "${1#p}" ;;
	esac
}

# inner addresses of tunnel I, outer ones of the hub and of peer K
inner_ab() { printf '%d.%d' $((($1 - 1) / 254)) $((($1 - 1) % 254 + 1)); }
hub_inner() {
	if ((FAMILY == 6)); then printf '2001:db8:18::%x' "$1"; else printf '198.18.%s' "$(inner_ab "$1")"; fi
}
peer_inner() {
	if ((FAMILY == 6)); then printf '2001:db8:19::%x' "$1"; else printf '198.19.%s' "$(inner_ab "$1")"; fi
}
peer_of() { printf '%d' $((($1 - 1) % PEERS + 1)); }
hub_outer() { if ((FAMILY == 6)); then printf '2001:db8:2::1'; else printf '192.0.2.1'; fi; }
peer_outer() {
	if ((FAMILY == 6)); then printf '2001:db8:2::%x' $((10 + $1)); else printf '192.0.2.%d' $((10 + $1)); fi
}
outer_len() { if ((FAMILY == 6)); then printf 64; else printf 24; fi; }

# awk functions of the same addresses (-v fam=4|6), for the generators
AWK_ADDR='
function ab(i) { return int((i - 1) / 254) "." ((i - 1) % 254 + 1) }
function hin(i) { return fam == 6 ? sprintf("2001:db8:18::%x", i) : "198.18." ab(i) }
function pin(i) { return fam == 6 ? sprintf("2001:db8:19::%x", i) : "198.19." ab(i) }
function hout() { return fam == 6 ? "2001:db8:2::1" : "192.0.2.1" }
function pout(p) { return fam == 6 ? sprintf("2001:db8:2::%x", 10 + p) : "192.0.2." (10 + p) }
function host() { return fam == 6 ? "/128" : "/32" }
' 

resolve_state_dir() {
	check_name
	if [[ -n $STATE_DIR ]]; then
		SD=$(realpath -m -- "$STATE_DIR")
	elif [[ -f $REGISTRY/$NAME ]]; then
		SD=$(<"$REGISTRY/$NAME")
	else
		SD=/tmp/$NAME
	fi
}

# Is this state dir really ours (has the marker naming this lab)?
state_dir_is_ours() {
	[[ -f $SD/.ikwlab-lab && $(<"$SD/.ikwlab-lab") == "$NAME" ]]
}

load_env() {
	resolve_state_dir
	state_dir_is_ours || die "no lab '$NAME' (state dir $SD missing; run: $PROG --name $NAME up)"
	# shellcheck source=/dev/null
	. "$SD/lab.env"
}

# select_strongswan 5|6: the charon, swanctl and plugin dir the lab runs
select_strongswan() {
	local prefix
	case $1 in
	5) ;;
	6)
		prefix=$(bash "$LAB_DIR/../scripts/build-strongswan6.sh") ||
			die "cannot build strongSwan 6 (scripts/build-strongswan6.sh)"
		CHARON=$prefix/libexec/ipsec/charon
		SWANCTL=$prefix/sbin/swanctl
		PLUGIN_DIR=$prefix/lib/ipsec/plugins
		;;
	*) die "--strongswan wants 5 or 6" ;;
	esac
	STRONGSWAN=$1
}

check_target() {
	local t=$1
	if [[ $t == hub ]]; then
		return 0
	fi
	if [[ $t =~ ^p([0-9]+)$ ]] && ((BASH_REMATCH[1] >= 1 && BASH_REMATCH[1] <= PEERS)); then
		return 0
	fi
	die "unknown charon '$t' (want hub or p1..p$PEERS)"
}

vici_uri() { printf 'unix://%s/%s/charon.vici' "$SD" "$1"; }

run_swanctl() {
	local t=$1
	shift
	STRONGSWAN_CONF=$SD/$t/strongswan.conf SWANCTL_DIR=$SD/$t/swanctl \
		"$SWANCTL" "$@" --uri "$(vici_uri "$t")"
}

ns_inode() { stat -c %i "/run/netns/$1" 2>/dev/null; }

# pid_is_lab_charon PID NS: PID is a live charon inside namespace NS
pid_is_lab_charon() {
	local pid=$1 ns=$2 exe nsi pi
	[[ -n $pid ]] && is_uint "$pid" || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ $exe == "$(readlink -f "$CHARON")" || $exe == "$CHARON" ]] || return 1
	nsi=$(ns_inode "$ns") || return 1
	pi=$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null) || return 1
	[[ $nsi == "$pi" ]]
}

charon_pid() { cat "$SD/$1/charon.pid" 2>/dev/null || true; }

charon_alive() { pid_is_lab_charon "$(charon_pid "$1")" "$(target_ns "$1")"; }

# kill_pid PID NS [--kill|GRACE]: TERM, wait up to GRACE (default 15) s,
# then KILL; --kill sends KILL at once
kill_pid() {
	local pid=$1 ns=$2 mode=${3:-15} i
	pid_is_lab_charon "$pid" "$ns" || return 0
	if [[ $mode == --kill ]]; then
		kill -KILL "$pid" 2>/dev/null || true
	else
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < mode * 10; i++)); do
			pid_is_lab_charon "$pid" "$ns" || break
			sleep 0.1
		done
		if pid_is_lab_charon "$pid" "$ns"; then
			log "charon $pid in $ns ignored TERM, sending KILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	for ((i = 0; i < 50; i++)); do
		pid_is_lab_charon "$pid" "$ns" || return 0
		sleep 0.1
	done
	log "warning: charon $pid in $ns still alive"
}

stop_charon() {
	local t=$1 mode=${2:-} pid
	pid=$(charon_pid "$t")
	kill_pid "$pid" "$(target_ns "$t")" "$mode"
	rm -f "$SD/$t/charon.pid"
}

start_charon() {
	local t=$1 d=$SD/$1 ns pid
	ns=$(target_ns "$t")
	if charon_alive "$t"; then
		die "charon $t already running (pid $(charon_pid "$t"))"
	fi
	[[ -e /run/netns/$ns ]] || die "namespace $ns does not exist"
	rm -f "$d/charon.vici"
	# private /run: the pid file /run/charon.pid is compiled in.  Every step
	# execs, so $! is charon's own pid.  Descriptors 3-9 are closed: a
	# charon that outlives its caller must not hold the caller's files (a
	# `flock FILE lab.sh up` lock would stay taken while the lab runs).
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	STRONGSWAN_CONF=$d/strongswan.conf setsid ip netns exec "$ns" \
		unshare --mount sh -c 'mount -t tmpfs tmpfs /run &&
			exec "$0" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-' "$CHARON" \
		</dev/null >>"$d/charon.out" 2>&1 &
	pid=$!
	printf '%d\n' "$pid" >"$d/charon.pid"
	wait_vici "$t" 30
}

wait_vici() {
	local t=$1 timeout=$2 i
	for ((i = 0; i < timeout * 5; i++)); do
		if [[ -S $SD/$t/charon.vici ]] && run_swanctl "$t" --stats >/dev/null 2>&1; then
			return 0
		fi
		if ((i > 5)) && ! charon_alive "$t"; then
			show_logs "$t"
			die "charon $t died during startup"
		fi
		sleep 0.2
	done
	show_logs "$t"
	die "charon $t: VICI socket $SD/$t/charon.vici not ready after ${timeout}s"
}

load_conf() {
	local t=$1 out
	if ! out=$(run_swanctl "$t" --load-all --noprompt --file "$SD/$t/swanctl/swanctl.conf" 2>&1); then
		printf '%s\n' "$out" | tail -20 >&2
		die "swanctl --load-all failed on $t"
	fi
	printf '%s\n' "$out" | grep -iE 'successfully loaded [0-9]+ connections|fail|error|warn' |
		sed "s/^/  $t: /" >&2 || true
}

show_logs() {
	local t
	for t in "$@"; do
		log "--- last lines of $SD/$t/charon.log and charon.out ---"
		if [[ -f $SD/$t/charon.log ]]; then tail -n 15 "$SD/$t/charon.log" >&2; fi
		if [[ -s $SD/$t/charon.out ]]; then tail -n 5 "$SD/$t/charon.out" >&2; fi
	done
}

# names of children INSTALLED on the hub, one per line (unique)
installed_children() {
	run_swanctl hub --list-sas 2>/dev/null |
		awk '/^  [^ ]+: #[0-9]+, reqid [0-9]+, INSTALLED,/ { sub(/:$/, "", $1); if (!seen[$1]++) print $1 }'
}

count_installed() { installed_children | wc -l; }

# established (not half-open) IKE_SAs on the hub, from the cheap --stats call
count_established_ike() {
	run_swanctl hub --stats 2>/dev/null |
		awk '/^IKE_SAs:/ { print $2 - $4; found = 1 } END { if (!found) print 0 }'
}

# Poll the cheap IKE_SA count until it reaches N, then check the CHILD SAs
# with --list-sas: listing SAs is expensive with kernel-libipsec (~1 ms of hub
# CPU per SA), so never poll that in a tight loop for large N.
wait_tunnels() {
	local timeout=$1 start now n=0 ike last=-1 interval t verified_at=-100
	start=$SECONDS
	if ((TUNNELS <= 100)); then interval=0.5; elif ((TUNNELS <= 1000)); then interval=1; else interval=3; fi
	while :; do
		for t in hub $(seq -f 'p%g' 1 "$PEERS"); do
			if ! charon_alive "$t"; then
				show_logs "$t"
				die "charon $t is not running"
			fi
		done
		now=$((SECONDS - start))
		ike=$(count_established_ike)
		if ((ike < TUNNELS)); then
			n=$ike
		elif ((now - verified_at >= 5 || TUNNELS <= 100)); then
			# enough IKE_SAs (rekeys may add some): count the CHILD SAs
			n=$(count_installed)
			verified_at=$now
			if ((n >= TUNNELS)); then
				((TUNNELS <= 10)) || log "$n/$TUNNELS tunnels up (${now}s)"
				return 0
			fi
		fi
		if ((n != last)) && ((TUNNELS > 10)); then
			log "$n/$TUNNELS tunnels up (${now}s)"
		fi
		last=$n
		if ((now >= timeout)); then
			show_logs hub p1
			die "only $n/$TUNNELS tunnels up on the hub after ${timeout}s (logs in $SD/*/charon.log)"
		fi
		sleep "$interval"
	done
}

default_timeout() { printf '%d' $((60 + TUNNELS / 4)); }

# ---------------------------------------------------------------- config gen

# IKWLAB_SYSLOG=1: the hub also logs to syslog (/dev/log), e.g. into a
# journald that a test runs; the peers do not, so the lines are the hub's
syslog_section() {
	[[ $1 == hub && -n ${IKWLAB_SYSLOG:-} ]] || return 0
	printf '\tsyslog {\n\t\tidentifier = charon\n\t\tdaemon {\n'
	printf '\t\t\tdefault = 1\n\t\t\tike_name = yes\n\t\t}\n\t}\n'
}

write_strongswan_conf() {
	local t=$1 d=$SD/$1 plugins
	plugins="kernel-libipsec kernel-netlink socket-default vici openssl nonce random kdf"
	if [[ $t == hub && $COUNTERS == yes ]]; then
		plugins="$plugins counters"
	fi
	plugins="$plugins$(cert_plugins)"
	cat >"$d/strongswan.conf" <<EOF
# generated by lab/lab.sh for lab $NAME, charon $t
charon {
	load_modular = no
	load = $plugins
	# bulk setup: no cookies / per-IP half-open limits, but a global cap on
	# half-open SAs so that a burst of initiations cannot snowball (excess
	# IKE_SA_INITs are dropped cheaply and retransmitted by the peers)
	dos_protection = no
	init_limit_half_open = ${IKWLAB_HALF_OPEN:-64}
	half_open_timeout = ${IKWLAB_HALF_OPEN_TIMEOUT:-60}
	ikesa_table_size = 4096
	ikesa_table_segments = 16
	# retransmit early and often, but with a capped timeout: IKE_SA_INITs
	# the hub drops while busy come back quickly; a peer (or a dead hub) is
	# declared dead after ~40 s (~60 s above 1000 tunnels) without answers
	retransmit_timeout = 1.0
	retransmit_base = 1.5
	retransmit_limit = 2
	retransmit_tries = $((TUNNELS <= 1000 ? 20 : 30))
	retransmit_jitter = 20
	install_routes = yes
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
		socket-default {
			use_ipv6 = $([[ $FAMILY == 6 ]] && echo yes || echo no)
		}
	}
	filelog {
		lab {
			path = $d/charon.log
			time_format = %Y-%m-%d %H:%M:%S
			ike_name = yes
			append = yes
			flush_line = yes
			default = $LOGLEVEL
		}
	}
$(syslog_section "$t")
}
# swanctl only talks VICI and loads PSKs here; the default plugin list
# (openssl, x509, ...) makes every invocation ~4x slower
swanctl {
	load = random$(cert_plugins swanctl)
}
EOF
}

# write_swanctl_conf hub|pK
write_swanctl_conf() {
	local t=$1 d=$SD/$1 peer=0
	[[ $t == hub ]] || peer=${t#p}
	# the directories swanctl --load-all reads (charon 6's swanctl warns
	# about each one that is missing)
	mkdir -p "$d/swanctl"/{x509,x509ca,x509aa,x509ocsp,x509crl,x509ac,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12}
	awk -v n="$TUNNELS" -v k="$PEERS" -v only="$peer" -v ikerekey="$IKE_REKEY" \
		-v childrekey="$CHILD_REKEY" -v dpd="$DPD" -v psk="$PSK" -v lab="$NAME" \
		-v fam="$FAMILY" "$AWK_ADDR"'
	BEGIN {
		hub = (only == 0)
		print "# generated by lab/lab.sh for lab " lab (hub ? ", hub" : ", peer p" only)
		print "connections {"
		for (i = 1; i <= n; i++) {
			p = (i - 1) % k + 1
			if (!hub && p != only) continue
			paddr = pout(p)
			print "\ttun" i " {"
			print "\t\tversion = 2"
			print "\t\tlocal_addrs = " (hub ? hout() : paddr)
			print "\t\tremote_addrs = " (hub ? paddr : hout())
			print "\t\tproposals = aes128gcm16-prfsha256-x25519"
			print "\t\tmobike = no"
			print "\t\tunique = replace"
			if (!hub) print "\t\tkeyingtries = 0"
			if (dpd > 0) print "\t\tdpd_delay = " dpd "s"
			if (ikerekey != "" && !hub) {
				print "\t\trekey_time = " ikerekey "s"
				print "\t\tover_time = " (2 * ikerekey) "s"
				print "\t\trand_time = 0s"
			}
			print "\t\tlocal {"
			print "\t\t\tauth = psk"
			print "\t\t\tid = " (hub ? "hub-tun" : "peer-tun") i
			print "\t\t}"
			print "\t\tremote {"
			print "\t\t\tauth = psk"
			print "\t\t\tid = " (hub ? "peer-tun" : "hub-tun") i
			print "\t\t}"
			print "\t\tchildren {"
			print "\t\t\tnet" i " {"
			print "\t\t\t\tlocal_ts = " (hub ? hin(i) : pin(i)) host()
			print "\t\t\t\tremote_ts = " (hub ? pin(i) : hin(i)) host()
			print "\t\t\t\tesp_proposals = aes128gcm16"
			print "\t\t\t\tmode = tunnel"
			# only the initiating peer rekeys early; a life three times the
			# rekey time keeps the hard expiry from racing the rekey
			if (childrekey != "" && !hub) {
				print "\t\t\t\trekey_time = " childrekey "s"
				print "\t\t\t\tlife_time = " (3 * childrekey) "s"
				print "\t\t\t\trand_time = 0s"
			}
			if (hub) {
				print "\t\t\t\tdpd_action = clear"
			} else {
				print "\t\t\t\tdpd_action = restart"
				print "\t\t\t\tstart_action = start"
			}
			print "\t\t\t}"
			print "\t\t}"
			print "\t}"
		}
		print "}"
		print "secrets {"
		print "\tike-lab {"
		print "\t\tsecret = \"" psk "\""
		print "\t}"
		print "}"
	}' >"$d/swanctl/swanctl.conf"
}

# ip -batch file adding the inner /32s of a charon to lo of its namespace
# (lo, not dummy: this kernel has no dummy driver)
write_inner_batch() {
	local t=$1 peer=0
	[[ $t == hub ]] || peer=${t#p}
	awk -v n="$TUNNELS" -v k="$PEERS" -v only="$peer" -v fam="$FAMILY" "$AWK_ADDR"'
	BEGIN {
		# nodad: an IPv6 address is usable at once (no duplicate detection)
		opt = fam == 6 ? " nodad" : ""
		for (i = 1; i <= n; i++) {
			if (only == 0) print "address add " hin(i) host() " dev lo" opt
			else if ((i - 1) % k + 1 == only) print "address add " pin(i) host() " dev lo" opt
		}
	}' >"$SD/$t/inner.batch"
}

ns_common_setup() {
	local ns=$1
	ip netns add "$ns"
	printf '%s\n' "$ns" >>"$SD/namespaces"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	if ((FAMILY == 6)); then
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
			net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	elif [[ -d /proc/sys/net/ipv6 ]]; then
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	fi
}

# ---------------------------------------------------------------- certificates

# --cert-days D: one certificate-authenticated tunnel (conn cert1) between the
# hub and p1, with a lab CA and certificates made by openssl in $SD/pki.

# cert_plugins [swanctl]: plugins charon (or swanctl, which also needs
# openssl for EC keys) adds for X.509; nothing without --cert-days
cert_plugins() {
	[[ -z ${CERT_DAYS:-} ]] || printf ' x509 pem pkcs1 pkcs8 pubkey constraints revocation'
	[[ -z ${CERT_DAYS:-} || ${1:-} != swanctl ]] || printf ' openssl'
}

CERT_HUB_INNER=198.51.100.1
CERT_PEER_INNER=203.0.113.1
CERT_CA_SUBJ="/C=CH/O=ikewatch lab/CN=ikwlab Root CA"
CERT_HUB_SUBJ="/C=CH/O=ikewatch lab/OU=hub/CN=hub.ikwlab.test"
CERT_PEER_SUBJ="/C=CH/O=ikewatch lab/CN=peer1.ikwlab.test/emailAddress=peer1@ikwlab.test"

# cert_issue NAME SUBJECT DAYS: key and certificate NAME signed by the lab CA
cert_issue() {
	local name=$1 subj=$2 days=$3 pki=$SD/pki
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$name.key" 2>/dev/null
	openssl req -new -key "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nsubjectAltName=DNS:%s.ikwlab.test\n' \
		"$name" >"$pki/$name.ext"
	openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
		-CAcreateserial -days "$days" -extfile "$pki/$name.ext" -out "$pki/$name.pem" 2>/dev/null
}

cert_make_pki() {
	local pki=$SD/pki
	command -v openssl >/dev/null || die "--cert-days needs openssl"
	mkdir -p "$pki"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$pki/ca.key" -subj "$CERT_CA_SUBJ" -days $((CERT_DAYS * 10)) \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		-out "$pki/ca.pem"
	cert_issue hub "$CERT_HUB_SUBJ" "$CERT_DAYS"
	cert_issue peer1 "$CERT_PEER_SUBJ" $((CERT_DAYS * 2))
}

# cert_install hub|p1 OWN [PINNED]: the CA, its own key and certificate and
# the certificate PINNED into that charon's swanctl directory
cert_install() {
	local d=$SD/$1/swanctl pki=$SD/pki
	# every directory swanctl --load-all reads, so that it does not warn
	mkdir -p "$d"/{x509,x509ca,x509ocsp,x509aa,x509ac,x509crl,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12}
	cp "$pki/ca.pem" "$d/x509ca/ca.pem"
	cp "$pki/$2.pem" "$d/x509/$2.pem"
	cp "$pki/$2.key" "$d/private/$2.key"
	chmod 600 "$d/private/$2.key"
	[[ -z ${3:-} ]] || cp "$pki/$3.pem" "$d/x509/$3.pem"
}

# cert_conn hub|peer: the cert1 connection, as a second connections section
# that swanctl merges with the lab's first
cert_conn() {
	local lo=192.0.2.1 ro=192.0.2.11 lts=$CERT_HUB_INNER rts=$CERT_PEER_INNER
	local own=hub.pem trust="cacerts = ca.pem" extra="dpd_action = clear" tries=""
	if [[ $1 != hub ]]; then
		lo=192.0.2.11 ro=192.0.2.1 lts=$CERT_PEER_INNER rts=$CERT_HUB_INNER
		own=peer1.pem trust="certs = hub.pem" extra="start_action = start"
		tries="keyingtries = 0"
	fi
	cat <<EOF
connections {
	cert1 {
		version = 2
		local_addrs = $lo
		remote_addrs = $ro
		proposals = aes128gcm16-prfsha256-x25519
		mobike = no
		unique = replace
		$tries
		local {
			auth = pubkey
			certs = $own
		}
		remote {
			auth = pubkey
			$trust
		}
		children {
			certnet1 {
				local_ts = $lts/32
				remote_ts = $rts/32
				esp_proposals = aes128gcm16
				mode = tunnel
				$extra
			}
		}
	}
}
EOF
}

cert_setup() {
	cert_make_pki
	cert_install hub hub
	cert_install p1 peer1 hub
	cert_conn hub >>"$SD/hub/swanctl/swanctl.conf"
	cert_conn peer >>"$SD/p1/swanctl/swanctl.conf"
	ip -n "$(hub_ns)" address add "$CERT_HUB_INNER/32" dev lo
	ip -n "$(peer_ns 1)" address add "$CERT_PEER_INNER/32" dev lo
}

cert_wait() {
	local timeout=$1 start=$SECONDS
	until installed_children | grep -qx certnet1; do
		if ((SECONDS - start >= timeout)); then
			show_logs hub p1
			die "certificate tunnel cert1 not up on the hub after ${timeout}s"
		fi
		sleep 0.5
	done
}

# ---------------------------------------------------------------- remote access

# --rw N: the hub's conn rw with pool rwpool, and N client conns on p1.

# rw_pool_first / rw_pool_last: the pool's first and last address
rw_pool_first() {
	if ((RW_POOL <= 120)); then printf '%s' "$RW_POOL_FIRST"; else printf '%s' "$RW_POOL_FIRST_BIG"; fi
}
rw_pool_last() {
	local a b c d n
	IFS=. read -r a b c d <<<"$(rw_pool_first)"
	n=$(((a << 24) + (b << 16) + (c << 8) + d + RW_POOL - 1))
	printf '%d.%d.%d.%d' $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255))
}

rw_hub_conf() {
	cat <<EOF
connections {
	rw {
		version = 2
		local_addrs = $(hub_outer)
		remote_addrs = %any
		proposals = aes128gcm16-prfsha256-x25519
		mobike = no
		unique = never
		pools = rwpool
		local {
			auth = psk
			id = hub-rw
		}
		remote {
			auth = psk
		}
		children {
			rw {
				local_ts = $RW_HUB_TS
				esp_proposals = aes128gcm16
				mode = tunnel
				dpd_action = clear
			}
		}
	}
}
pools {
	rwpool {
		addrs = $(rw_pool_first)-$(rw_pool_last)
	}
}
EOF
}

# rw_client_conf: N conns on p1, each its own identity, all asking for a
# virtual IP; keyingtries 1: a refused client does not try again
rw_client_conf() {
	awk -v n="$RW" -v lo="$(peer_outer 1)" -v ro="$(hub_outer)" -v ts="$RW_HUB_TS" '
	BEGIN {
		print "connections {"
		for (i = 1; i <= n; i++) {
			c = sprintf("rw%02d", i)
			print "\t" c " {"
			print "\t\tversion = 2"
			print "\t\tlocal_addrs = " lo
			print "\t\tremote_addrs = " ro
			print "\t\tvips = 0.0.0.0"
			print "\t\tproposals = aes128gcm16-prfsha256-x25519"
			print "\t\tmobike = no"
			print "\t\tkeyingtries = 1"
			print "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = " c "@ra.example\n\t\t}"
			print "\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = hub-rw\n\t\t}"
			print "\t\tchildren {\n\t\t\trw {"
			print "\t\t\t\tremote_ts = " ts
			print "\t\t\t\tesp_proposals = aes128gcm16"
			print "\t\t\t\tmode = tunnel"
			print "\t\t\t\tstart_action = start"
			print "\t\t\t}\n\t\t}\n\t}"
		}
		print "}"
	}'
}

rw_setup() {
	rw_hub_conf >>"$SD/hub/swanctl/swanctl.conf"
	rw_client_conf >>"$SD/p1/swanctl/swanctl.conf"
	# without an address in local_ts charon cannot install the routes to
	# the clients' virtual IPs (and refuses the CHILD SA: TS_UNACCEPTABLE)
	ip -n "$(hub_ns)" address add "$RW_HUB_ADDR/32" dev lo
}

# online leases of rwpool on the hub (swanctl --list-pools: name base
# online / offline / size)
rw_online() {
	run_swanctl hub --list-pools 2>/dev/null |
		awk '$1 == "rwpool" { print $3; found = 1 } END { if (!found) print 0 }'
}

# IKE SAs of the rw clients on p1 that are not (yet) ESTABLISHED
rw_client_pending() {
	run_swanctl p1 --list-sas 2>/dev/null |
		awk '/^rw[0-9]+: #[0-9]+, / && !/ESTABLISHED/ { n++ } END { print n + 0 }'
}

# INSTALLED CHILD SAs of conn rw on the hub
rw_children() {
	run_swanctl hub --list-sas --ike rw 2>/dev/null |
		awk '/^  rw: #[0-9]+, reqid [0-9]+, INSTALLED,/ { n++ } END { print n + 0 }'
}

rw_wait() {
	local timeout=$1 start=$SECONDS want online pending children
	want=$((RW < RW_POOL ? RW : RW_POOL))
	while :; do
		online=$(rw_online)
		pending=$(rw_client_pending)
		children=$(rw_children)
		if ((online >= want && pending == 0 && children >= want)); then
			log "remote access: $online/$RW clients hold a lease from a pool of $RW_POOL"
			return 0
		fi
		if ((SECONDS - start >= timeout)); then
			show_logs hub p1
			die "remote access: $online/$want leases, $children/$want CHILD SAs, $pending clients pending after ${timeout}s"
		fi
		sleep 0.5
	done
}

# ---------------------------------------------------------------- commands

# shellcheck disable=SC2317 # invoked from the EXIT trap
up_failed() {
	log "up failed; lab left in place for inspection (logs: $SD/*/charon.log)"
	log "clean up with: $PROG --name $NAME down"
}

cmd_up() {
	TUNNELS=3 PEERS=1 CHILD_REKEY="" IKE_REKEY="" COUNTERS=no DPD="" LOGLEVEL="" CERT_DAYS=""
	RW=0 RW_POOL=40
	local timeout="" k ns hns t start
	while (($#)); do
		case $1 in
		--tunnels) TUNNELS=${2:?}; shift 2 ;;
		--peers) PEERS=${2:?}; shift 2 ;;
		--child-rekey) CHILD_REKEY=${2:?}; shift 2 ;;
		--ike-rekey) IKE_REKEY=${2:?}; shift 2 ;;
		--counters) COUNTERS=yes; shift ;;
		--cert-days) CERT_DAYS=${2:?}; shift 2 ;;
		--dpd) DPD=${2:?}; shift 2 ;;
		--timeout) timeout=${2:?}; shift 2 ;;
		--loglevel) LOGLEVEL=${2:?}; shift 2 ;;
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		--strongswan) STRONGSWAN=${2:?}; shift 2 ;;
		--ipv6) FAMILY=6; shift ;;
		--rw) RW=${2:?}; shift 2 ;;
		--rw-pool) RW_POOL=${2:?}; shift 2 ;;
		*) die "up: unknown argument '$1'" ;;
		esac
	done
	in_range "$TUNNELS" 1 "$MAX_TUNNELS" || die "--tunnels must be 1..$MAX_TUNNELS"
	[[ $FAMILY == 4 || -z ${CERT_DAYS:-} ]] || die "--cert-days is for IPv4 labs only"
	in_range "$PEERS" 1 "$MAX_PEERS" || die "--peers must be 1..$MAX_PEERS"
	((PEERS <= TUNNELS)) || die "--peers ($PEERS) must not exceed --tunnels ($TUNNELS)"
	[[ -z $CHILD_REKEY ]] || { is_uint "$CHILD_REKEY" && ((CHILD_REKEY > 0)); } || die "--child-rekey wants seconds > 0"
	[[ -z $IKE_REKEY ]] || { is_uint "$IKE_REKEY" && ((IKE_REKEY > 0)); } || die "--ike-rekey wants seconds > 0"
	# DPD: 30 s, but keep the background load of big labs at ~30 DPDs/s
	[[ -n $DPD ]] || DPD=$((TUNNELS <= 1000 ? 30 : TUNNELS * 3 / 100))
	is_uint "$DPD" || die "--dpd wants seconds (0 = off)"
	# level 1 logs every IKE packet (DPD included): big files for big labs
	[[ -n $LOGLEVEL ]] || LOGLEVEL=$((TUNNELS <= 1000 ? 1 : 0))
	[[ $LOGLEVEL =~ ^-?[0-4]$ ]] || die "--loglevel wants -1..4"
	[[ -z $timeout ]] || is_uint "$timeout" || die "--timeout wants seconds"
	[[ -z $CERT_DAYS ]] || in_range "$CERT_DAYS" 1 3650 || die "--cert-days wants 1..3650"
	in_range "$RW" 0 1100 || die "--rw wants 0..1100 clients"
	in_range "$RW_POOL" 1 1000 || die "--rw-pool wants 1..1000 addresses"
	((RW_POOL <= 120 || TUNNELS <= 64000)) || die "--rw-pool above 120 wants at most 64000 tunnels"
	[[ $FAMILY == 4 || $RW == 0 ]] || die "--rw is for IPv4 labs only"
	[[ -n $timeout ]] || timeout=$(default_timeout)
	((EUID == 0)) || die "must run as root"
	select_strongswan "$STRONGSWAN"
	[[ -x $CHARON ]] || die "$CHARON not found (apt-get install strongswan-charon)"
	command -v "$SWANCTL" >/dev/null || die "swanctl not found (apt-get install strongswan-swanctl)"
	[[ -e $PLUGIN_DIR/libstrongswan-kernel-libipsec.so ]] ||
		die "kernel-libipsec plugin missing (apt-get install libcharon-extra-plugins)"
	command -v unshare >/dev/null || die "unshare not found (util-linux)"
	[[ -c /dev/net/tun ]] || die "/dev/net/tun missing (kernel-libipsec needs TUN)"

	resolve_state_dir
	hns=$(hub_ns)
	if [[ -e /run/netns/$hns ]] || ip netns list | grep -qE "^$NAME-(hub|p[0-9]+)( |$)"; then
		die "namespaces of lab '$NAME' already exist; run: $PROG --name $NAME down"
	fi
	mkdir -p "$(dirname "$SD")"
	mkdir "$SD" 2>/dev/null || die "state dir $SD already exists; run: $PROG --name $NAME down (or pick another --name/--state-dir)"
	printf '%s\n' "$NAME" >"$SD/.ikwlab-lab"
	mkdir -p "$REGISTRY"
	printf '%s\n' "$SD" >"$REGISTRY/$NAME"
	{
		printf 'LAB_NAME=%q\n' "$NAME"
		printf 'TUNNELS=%q\nPEERS=%q\n' "$TUNNELS" "$PEERS"
		printf 'CHILD_REKEY=%q\nIKE_REKEY=%q\n' "$CHILD_REKEY" "$IKE_REKEY"
		printf 'COUNTERS=%q\nDPD=%q\nLOGLEVEL=%q\n' "$COUNTERS" "$DPD" "$LOGLEVEL"
		printf 'STRONGSWAN=%q\nCHARON=%q\nSWANCTL=%q\n' "$STRONGSWAN" "$CHARON" "$SWANCTL"
		printf 'FAMILY=%q\n' "$FAMILY"
		printf 'CERT_DAYS=%q\n' "$CERT_DAYS"
		printf 'RW=%q\nRW_POOL=%q\n' "$RW" "$RW_POOL"
	} >"$SD/lab.env"
	: >"$SD/namespaces"
	trap up_failed EXIT
	start=$SECONDS

	log "lab $NAME: $TUNNELS tunnels over $PEERS peers, state dir $SD"
	# hub namespace: bridge br0 carries the outer network
	mkdir -p "$SD/hub"
	ns_common_setup "$hns"
	ip -n "$hns" link add br0 type bridge
	ip -n "$hns" link set br0 up
	ip -n "$hns" address add "$(hub_outer)/$(outer_len)" dev br0 $([[ $FAMILY == 6 ]] && echo nodad)
	write_inner_batch hub
	ip -n "$hns" -batch "$SD/hub/inner.batch"
	for ((k = 1; k <= PEERS; k++)); do
		t=p$k
		ns=$(peer_ns "$k")
		mkdir -p "$SD/$t"
		ns_common_setup "$ns"
		ip -n "$hns" link add "p$k" type veth peer name eth0 netns "$ns"
		ip -n "$hns" link set "p$k" master br0
		ip -n "$hns" link set "p$k" up
		ip -n "$ns" address add "$(peer_outer "$k")/$(outer_len)" dev eth0 $([[ $FAMILY == 6 ]] && echo nodad)
		ip -n "$ns" link set eth0 up
		write_inner_batch "$t"
		ip -n "$ns" -batch "$SD/$t/inner.batch"
	done

	for t in hub $(seq -f 'p%g' 1 "$PEERS"); do
		write_strongswan_conf "$t"
		write_swanctl_conf "$t"
	done
	[[ -z $CERT_DAYS ]] || cert_setup
	((RW == 0)) || rw_setup
	log "network ready ($((SECONDS - start))s); starting charons"

	start_charon hub
	load_conf hub
	for ((k = 1; k <= PEERS; k++)); do
		start_charon "p$k"
	done
	# peers initiate on load (start_action = start)
	for ((k = 1; k <= PEERS; k++)); do
		load_conf "p$k"
	done
	wait_tunnels "$timeout"
	[[ -z $CERT_DAYS ]] || cert_wait "$timeout"
	((RW == 0)) || rw_wait "$timeout"
	trap - EXIT
	log "lab $NAME up: $TUNNELS/$TUNNELS tunnels INSTALLED in $((SECONDS - start))s"
	printf 'hub vici: %s\n' "$(vici_uri hub)"
}

cmd_down() {
	local ns t pid n=0 nsl=()
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		*) die "down: unknown argument '$1'" ;;
		esac
	done
	resolve_state_dir
	# the charon binary the lab ran (pids are matched against it)
	if state_dir_is_ours && [[ -f $SD/lab.env ]]; then
		# shellcheck source=/dev/null
		. "$SD/lab.env"
	fi
	# namespaces: the ones recorded, plus any of exactly this lab's names
	if [[ -f $SD/namespaces ]] && state_dir_is_ours; then
		mapfile -t nsl <"$SD/namespaces"
	fi
	while read -r ns _; do
		[[ $ns =~ ^$NAME-(hub|p[0-9]+)$ ]] && nsl+=("$ns")
	done < <(ip netns list 2>/dev/null)
	mapfile -t nsl < <(printf '%s\n' "${nsl[@]}" | awk 'NF && !seen[$0]++')

	# charons by recorded pid
	if state_dir_is_ours; then
		for d in "$SD"/hub "$SD"/p*; do
			[[ -f $d/charon.pid ]] || continue
			t=${d##*/}
			pid=$(<"$d/charon.pid")
			if pid_is_lab_charon "$pid" "$(target_ns "$t")"; then
				log "stopping charon $t (pid $pid)"
				# a big hub takes long to shut down cleanly: 5 s grace
				kill_pid "$pid" "$(target_ns "$t")" 5 &
				n=$((n + 1))
			fi
		done
		wait
	fi
	# charons in the lab's namespaces whose pid file got lost
	for ns in "${nsl[@]}"; do
		[[ -e /run/netns/$ns ]] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			if pid_is_lab_charon "$pid" "$ns"; then
				log "stopping stray charon $pid in $ns"
				kill_pid "$pid" "$ns" 5
				n=$((n + 1))
			elif [[ -e /proc/$pid/exe ]] && readlink "/proc/$pid/exe" >/dev/null 2>&1; then
				log "warning: process $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) is in $ns; not killed"
			fi
		done
	done
	for ns in "${nsl[@]}"; do
		if [[ -e /run/netns/$ns ]]; then
			ip netns del "$ns" || log "warning: could not delete namespace $ns"
			n=$((n + 1))
		fi
	done
	if [[ -d $SD ]]; then
		if state_dir_is_ours; then
			rm -rf -- "$SD"
			n=$((n + 1))
		else
			log "warning: $SD exists but is not lab $NAME's state dir; left alone"
		fi
	fi
	if [[ -f $REGISTRY/$NAME ]]; then
		rm -f "$REGISTRY/$NAME"
		rmdir "$REGISTRY" 2>/dev/null || true
	fi
	if ((n == 0)); then
		log "lab $NAME: nothing to tear down"
	else
		log "lab $NAME: down"
	fi
}

cmd_wait() {
	local timeout=""
	while (($#)); do
		case $1 in
		--timeout) timeout=${2:?}; shift 2 ;;
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		*) die "wait: unknown argument '$1'" ;;
		esac
	done
	load_env
	[[ -n $timeout ]] || timeout=$(default_timeout)
	wait_tunnels "$timeout"
	log "lab $NAME: $TUNNELS/$TUNNELS tunnels INSTALLED"
}

cmd_ping() {
	local pos=()
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		*) pos+=("$1"); shift ;;
		esac
	done
	load_env
	local i=${pos[0]:-} count=${pos[1]:-3} size=${pos[2]:-56}
	in_range "$i" 1 "$TUNNELS" || die "ping: tunnel must be 1..$TUNNELS"
	{ is_uint "$count" && is_uint "$size"; } || die "ping: COUNT and SIZE must be numbers"
	local rc=0
	ip netns exec "$(hub_ns)" ping -n -q -c "$count" -s "$size" -i 0.2 -W 2 \
		-I "$(hub_inner "$i")" "$(peer_inner "$i")" || rc=$?
	return "$rc"
}

cmd_swanctl() {
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		*) break ;;
		esac
	done
	(($#)) || die "swanctl: want hub|pK ARGS..."
	load_env
	local t=$1
	shift
	check_target "$t"
	local rc=0
	run_swanctl "$t" "$@" || rc=$?
	return "$rc"
}

cmd_stop_charon() {
	local t="" mode=""
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		--kill) mode=--kill; shift ;;
		*) t=$1; shift ;;
		esac
	done
	load_env
	check_target "${t:?stop-charon: want hub|pK}"
	if ! charon_alive "$t"; then
		log "charon $t is not running"
		rm -f "$SD/$t/charon.pid"
		return 0
	fi
	log "stopping charon $t (pid $(charon_pid "$t"))${mode:+ with SIGKILL}"
	stop_charon "$t" "$mode"
}

cmd_start_charon() {
	local t="" wait=no reconnect=no k
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		--wait) wait=yes; shift ;;
		--reconnect) reconnect=yes; shift ;;
		*) t=$1; shift ;;
		esac
	done
	load_env
	check_target "${t:?start-charon: want hub|pK}"
	[[ $reconnect == no || $t == hub ]] || die "--reconnect only applies to the hub"
	start_charon "$t"
	load_conf "$t"
	log "charon $t started (pid $(charon_pid "$t")), config loaded"
	if [[ $reconnect == yes ]]; then
		# restart the peers: they initiate everything again on load
		for ((k = 1; k <= PEERS; k++)); do
			stop_charon "p$k"
			start_charon "p$k"
			load_conf "p$k"
		done
		log "peers restarted"
	fi
	if [[ $wait == yes ]]; then
		wait_tunnels "$(default_timeout)"
		log "lab $NAME: $TUNNELS/$TUNNELS tunnels INSTALLED"
	fi
}

cmd_vici() {
	local t=hub
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		*) t=$1; shift ;;
		esac
	done
	load_env
	check_target "$t"
	vici_uri "$t"
	printf '\n'
}

cmd_info() {
	local i=""
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		*) i=$1; shift ;;
		esac
	done
	load_env
	if [[ -z $i ]]; then
		printf 'name=%s\nstate_dir=%s\ntunnels=%s\npeers=%s\nchild_rekey=%s\nike_rekey=%s\ncounters=%s\ndpd=%s\nhub_ns=%s\nhub_vici=%s\n' \
			"$NAME" "$SD" "$TUNNELS" "$PEERS" "${CHILD_REKEY:-default}" "${IKE_REKEY:-default}" \
			"$COUNTERS" "$DPD" "$(hub_ns)" "$(vici_uri hub)"
		if ((${RW:-0} > 0)); then
			printf 'rw_clients=%s\nrw_pool=rwpool\nrw_pool_size=%s\nrw_pool_addrs=%s-%s\n' \
				"$RW" "$RW_POOL" "$(rw_pool_first)" "$(rw_pool_last)"
		fi
		return 0
	fi
	in_range "$i" 1 "$TUNNELS" || die "info: tunnel must be 1..$TUNNELS"
	local p
	p=$(peer_of "$i")
	printf 'conn=tun%d child=net%d peer=p%d peer_ns=%s hub_outer=%s peer_outer=%s hub_inner=%s peer_inner=%s hub_id=hub-tun%d peer_id=peer-tun%d\n' \
		"$i" "$i" "$p" "$(peer_ns "$p")" "$(hub_outer)" "$(peer_outer "$p")" "$(hub_inner "$i")" "$(peer_inner "$i")" "$i" "$i"
}

cmd_status() {
	local t ns pid state
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		*) die "status: unknown argument '$1'" ;;
		esac
	done
	resolve_state_dir
	if ! state_dir_is_ours; then
		printf 'lab %s: not up (no state dir %s)\n' "$NAME" "$SD"
		ip netns list 2>/dev/null | grep -E "^$NAME-(hub|p[0-9]+)( |$)" | sed 's/^/  stale namespace: /' || true
		return 0
	fi
	# shellcheck source=/dev/null
	. "$SD/lab.env"
	printf 'lab %s: %s tunnels over %s peers, strongSwan %s, state dir %s\n' "$NAME" "$TUNNELS" "$PEERS" "${STRONGSWAN:-5}" "$SD"
	for t in hub $(seq -f 'p%g' 1 "$PEERS"); do
		ns=$(target_ns "$t")
		pid=$(charon_pid "$t")
		if [[ ! -e /run/netns/$ns ]]; then
			state="namespace missing"
		elif charon_alive "$t"; then
			state="charon running, pid $pid, rss $(awk '/^VmRSS/ {print $2 " " $3}' "/proc/$pid/status")"
		else
			state="charon stopped"
		fi
		printf '  %-5s ns %-20s %s\n' "$t" "$ns" "$state"
	done
	if charon_alive hub; then
		printf '  hub: %s/%s CHILD SAs INSTALLED\n' "$(count_installed)" "$TUNNELS"
	fi
	printf 'hub vici: %s\n' "$(vici_uri hub)"
}

cmd_list() {
	local f
	[[ -d $REGISTRY ]] || return 0
	for f in "$REGISTRY"/*; do
		[[ -f $f ]] || continue
		printf '%s\t%s\n' "${f##*/}" "$(<"$f")"
	done
}

main() {
	while (($#)); do
		case $1 in
		--name) NAME=${2:?}; shift 2 ;;
		--state-dir) STATE_DIR=${2:?}; shift 2 ;;
		-h | --help | help) usage; return 0 ;;
		-*) die "unknown option '$1' (see $PROG help)" ;;
		*) break ;;
		esac
	done
	(($#)) || { usage >&2; exit 2; }
	local cmd=$1
	shift
	case $cmd in
	up) cmd_up "$@" ;;
	down) cmd_down "$@" ;;
	wait) cmd_wait "$@" ;;
	ping) cmd_ping "$@" ;;
	swanctl) cmd_swanctl "$@" ;;
	stop-charon) cmd_stop_charon "$@" ;;
	start-charon) cmd_start_charon "$@" ;;
	vici) cmd_vici "$@" ;;
	info) cmd_info "$@" ;;
	status) cmd_status "$@" ;;
	list) cmd_list ;;
	*) die "unknown command '$cmd' (see $PROG help)" ;;
	esac
}

# exit on the same line: a running lab.sh must never read past this point
# (bash reads scripts incrementally; the file may be replaced meanwhile)
main "$@"; exit "$?"
