# tests/qemu/guest_pluto_log.sh - sourced by guest_pluto.sh (in the guest):
# pluto's log lines of failures, for the log follower (issue 16).  Extra
# conns, on both plutos, that fail on purpose:
#   delta    a different PSK on each side (own IDs, so other conns keep
#            theirs): A initiates (B fails as responder), then B initiates
#            (A fails as responder)
#   epsilon  ESP proposals that share nothing: its CHILD SA (on the IKE SA
#            pluto shares between the two addresses) gets NO_PROPOSAL_CHOSEN
#   zeta     a peer address nobody answers on (retransmits, then give-up)
#   eta      its own IKE SA (own IDs) with DPD, up, then pluto B stopped:
#            A's liveness probe times out
# plog_add_conns runs before the plutos start.  With PLUTO_CAPTURE,
# plog_failures and plog_capture record the logs (tests/fixtures/libreswan/
# 4.10/log-*.log; it stops pluto B for a while); otherwise plog_ikewatch
# (below) checks ikewatch serve following pluto A's log.
PLOG_BAD_PEER=192.0.2.99

# plog_conns NAME SELF PEER MY_OCTET PEER_OCTET: the extra conns of one side
plog_conns() {
	local d=$1 self=$2 peer=$3 mine=$4 other=$5
	{
		echo "conn delta"
		echo "	leftid=@$self-delta"
		echo "	rightid=@$peer-delta"
		echo "	leftsubnet=198.$mine.4.0/24"
		echo "	rightsubnet=198.$other.4.0/24"
		echo "	retransmit-timeout=5s"
		echo "conn epsilon"
		echo "	leftsubnet=198.$mine.5.0/24"
		echo "	rightsubnet=198.$other.5.0/24"
		if [ "$self" = a ]; then echo "	esp=aes128-sha2_512"; fi
		echo "conn eta"
		echo "	leftid=@$self-eta"
		echo "	rightid=@$peer-eta"
		echo "	leftsubnet=198.$mine.7.0/24"
		echo "	rightsubnet=198.$other.7.0/24"
		echo "	dpddelay=1s"
		echo "	retransmit-timeout=5s"
		echo "	dpdaction=clear"
		if [ "$self" = a ]; then
			echo "conn zeta"
			echo "	right=$PLOG_BAD_PEER"
			echo "	leftsubnet=198.$mine.6.0/24"
			echo "	rightsubnet=198.$other.6.0/24"
			echo "	retransmit-timeout=4s"
			echo "	keyingtries=1"
		fi
	} >>"$d/ipsec.conf"
	# a PSK of its own on each side: authentication fails both ways
	echo "@$self-delta @$peer-delta : PSK \"ikwp-delta-$self-differs\"" >>"$d/ipsec.secrets"
	echo "@$self-eta @$peer-eta : PSK \"ikwp-eta-shared-0123456789\"" >>"$d/ipsec.secrets"
}

plog_add_conns() {
	plog_conns "$(pluto_dir a)" a b 18 19 && plog_conns "$(pluto_dir b)" b a 19 18
}

# plog_wait NAME PATTERN SECONDS: waits until pluto NAME's log has PATTERN
plog_wait() {
	local _
	for _ in $(seq 1 $((${3} * 5))); do
		grep -q -- "$2" "$(pluto_dir "$1")/pluto.log" && return 0
		sleep 0.2
	done
	return 1
}

# The failures, one after the other; each waits for its line in the log
plog_failures() {
	note "pluto log: failures"
	whack a --name delta --initiate --asynchronous >/dev/null 2>&1
	check "pluto log: A logged the wrong PSK as initiator" \
		plog_wait a 'AUTHENTICATION_FAILED' 15
	whack a --name delta --delete >/dev/null 2>&1
	whack b --name delta --initiate --asynchronous >/dev/null 2>&1
	check "pluto log: B initiated delta, A logged the wrong PSK as responder" \
		plog_wait b 'AUTHENTICATION_FAILED' 15
	whack b --name delta --delete >/dev/null 2>&1
	whack a --name epsilon --initiate --asynchronous >/dev/null 2>&1
	check "pluto log: A logged the proposal mismatch" \
		plog_wait a 'NO_PROPOSAL_CHOSEN' 15
	whack a --name epsilon --delete >/dev/null 2>&1
	whack a --name zeta --initiate --asynchronous >/dev/null 2>&1
	whack a --name eta --initiate >"$WORK/init-eta.log" 2>&1
	check "pluto log: eta up" grep -q "established Child SA" "$WORK/init-eta.log"
	pings 7 2
	kill -STOP "${PLUTO_PIDS[1]}"
	check "pluto log: A's DPD on eta timed out" \
		plog_wait a '"eta".*ESTABLISHED_IKE_SA: .* second timeout exceeded' 25
	kill -CONT "${PLUTO_PIDS[1]}"
	check "pluto log: zeta's retransmits given up" \
		plog_wait a '"zeta".* second timeout exceeded' 20
	sleep 1
}

plog_capture() {
	whack a --name beta --terminate >/dev/null 2>&1
	whack a --name eta --terminate >/dev/null 2>&1
	sleep 1
	cp "$(pluto_dir a)/pluto.log" "$PLUTO_CAPTURE/a-pluto-failures.log"
	cp "$(pluto_dir b)/pluto.log" "$PLUTO_CAPTURE/b-pluto-failures.log"
}

# --- ikewatch serve following pluto A's log (logs.daemon: pluto) ----------
PLOG_PORT=9797
PLOG_SERVE_PID=

# plog_value SERIES: its value in a fresh scrape of the serve, or nothing
plog_value() {
	curl -fsS --max-time 10 "http://127.0.0.1:$PLOG_PORT/metrics" 2>/dev/null |
		awk -v s="$1" '$1 == s { print $2; exit }'
}
# plog_until SECONDS SERIES OP WANT: waits until the series' value OP WANT
# (awk comparison); prints what it saw last when it gives up
plog_until() {
	local n=$1 series=$2 op=$3 want=$4 v _
	for _ in $(seq 1 "$n"); do
		v=$(plog_value "$series")
		[ -n "$v" ] && awk -v v="$v" -v w="$want" "BEGIN { exit !(v $op w) }" && return 0
		sleep 1
	done
	echo "# $series = ${v:-none}, want $op $want"
	return 1
}
# plog_scrape_has REGEX: a fresh scrape has a line matching it (read whole
# first: grep -q stopping early would fail curl's write, and pipefail the check)
plog_scrape_has() {
	local body
	body=$(curl -fsS --max-time 10 "http://127.0.0.1:$PLOG_PORT/metrics" 2>/dev/null) &&
		grep -q -- "$1" <<<"$body"
}
plog_child() { echo "ipsec_child_sa_events_total{conn=\"$1\",child=\"$1\",event=\"$2\"}"; }
plog_ike() { echo "ipsec_ike_sa_events_total{conn=\"$1\",event=\"$2\"}"; }
plog_fail() { echo "ipsec_conn_failures_total{conn=\"$1\",reason=\"$2\"}"; }
plog_bytes() { echo "ipsec_child_sa_bytes_total{conn=\"$1\",child=\"$1\",direction=\"$2\"}"; }

plog_ikewatch() {
	local cfg=$WORK/plog.yml b0 final
	note "pluto log: ikewatch serve following pluto A's log"
	printf 'logs:\n  daemon: pluto\n  files: [%s]\n' "$(pluto_dir a)/pluto.log" >"$cfg"
	"$IKW" serve --config.file="$cfg" --web.listen-address="127.0.0.1:$PLOG_PORT" \
		--scrape.reuse-window=0s --collector.libreswan.ctlsocket="$(ctl a)" \
		--collector.libreswan.whack="$WHACK" --no-collector.xfrm --collector.klips.path= \
		>>"$LOGS/ikewatch-serve-pluto.log" 2>&1 &
	PLOG_SERVE_PID=$!
	check "pluto log: serve up, beta up, its log followed (events family present)" \
		plog_until 30 "$(plog_child beta rekey)" == 0

	# a wrong PSK: counted as an authentication failure under its conn
	whack a --name delta --initiate --asynchronous >/dev/null 2>&1
	check "pluto log: delta's wrong PSK counted as failure reason=auth_failed under conn delta" \
		plog_until 20 "$(plog_fail delta auth_failed)" '>=' 1
	# what the shipped IPsecIKESADown alert joins, as this pluto gateway
	# reports it (deploy/prometheus/tests fires the alert on these series)
	check "pluto alert inputs: ikewatch_collector_success{collector=libreswan} 1" \
		plog_until 5 'ikewatch_collector_success{collector="libreswan"}' == 1
	check "pluto alert inputs: delta expected up (ipsec_conn_expected_up 1)" \
		plog_until 5 'ipsec_conn_expected_up{conn="delta"}' == 1
	check "pluto alert inputs: delta down (ipsec_conn_up 0)" \
		plog_until 5 'ipsec_conn_up{conn="delta"}' == 0
	check "pluto alert inputs: delta's peer in ipsec_conn_info (remote_addrs)" \
		plog_scrape_has '^ipsec_conn_info{conn="delta",.*remote_addrs="[^"]'
	whack a --name delta --delete >/dev/null 2>&1
	# an ESP proposal mismatch: no_proposal
	whack a --name epsilon --initiate --asynchronous >/dev/null 2>&1
	check "pluto log: epsilon's proposal mismatch counted as reason=no_proposal_chosen" \
		plog_until 20 "$(plog_fail epsilon no_proposal_chosen)" '>=' 1
	whack a --name epsilon --delete >/dev/null 2>&1

	# a CHILD SA rekey: one rekey, and its old SA's delete is no down
	whack a --name beta --rekey-ipsec >/dev/null 2>&1
	check "pluto log: beta's CHILD SA rekey counted (rekey 1)" \
		plog_until 20 "$(plog_child beta rekey)" == 1
	check "pluto log: the rekeyed SA's delete is no down (beta down 0)" \
		plog_until 5 "$(plog_child beta down)" == 0

	# an IKE SA of its own: up, then down
	up eta
	check "pluto log: eta's IKE SA up counted (ike up 1)" plog_until 20 "$(plog_ike eta up)" == 1
	check "pluto log: eta's CHILD SA up counted (child up 1)" \
		plog_until 5 "$(plog_child eta up)" == 1
	whack a --name eta --terminate >/dev/null 2>&1
	check "pluto log: eta's IKE SA down counted (ike down 1)" \
		plog_until 20 "$(plog_ike eta down)" == 1

	# a short-lived CHILD SA: traffic after the last scrape is counted from
	# its final "ESP traffic information" line, and only once
	up gamma
	b0=$(plog_value "$(plog_bytes gamma out)")
	pings 3 3
	whack a --name gamma --terminate >/dev/null 2>&1
	plog_wait a '"gamma" #[0-9]*: ESP traffic information' 10
	final=$(grep '"gamma" #[0-9]*: ESP traffic information' "$(pluto_dir a)/pluto.log" |
		tail -n 1 | sed -n 's/.* out=\([0-9]*\)B$/\1/p')
	check "pluto log: gamma's final line says out=${final:-none}B, more than the last scrape (${b0:-none})" \
		test -n "$final" -a -n "$b0" -a "${final:-0}" -gt "${b0:-0}"
	check "pluto log: gamma's CHILD SA down counted (down 1)" \
		plog_until 20 "$(plog_child gamma down)" == 1
	same "pluto log: gamma's bytes out = its final traffic line" \
		"$(plog_value "$(plog_bytes gamma out)")" "$final"
	same "pluto log: gamma's bytes out unchanged at the next scrape (not counted twice)" \
		"$(plog_value "$(plog_bytes gamma out)")" "$final"
	check "pluto log: ikewatch_event_stream_up 1 (the followed log is pluto's event stream)" \
		plog_until 5 'ikewatch_event_stream_up' == 1
	kill "$PLOG_SERVE_PID" 2>/dev/null
	wait "$PLOG_SERVE_PID" 2>/dev/null
	PLOG_SERVE_PID=
}
