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
# plog_add_conns runs before the plutos start; plog_failures after the main
# checks (it stops pluto B for a while).
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
	note "pluto log: IKE SA rekey, then failures"
	whack a --name beta --rekey-ike >/dev/null 2>&1
	check "pluto log: A logged the IKE SA rekey" plog_wait a 'rekeyed IKE SA' 10
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
