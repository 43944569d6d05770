#!/usr/bin/env bash
# Shared ICMP sockets and open namespaces (src/probe/icmp_mux.h,
# netns_cache.h): 40 icmp and mtu probes from different source addresses
# into one namespace of this test's own share a few raw sockets rather than
# one each; every probe's requests leave from its own source address; and a
# namespace deleted and made again under the same name is probed in its new
# form within seconds, not through the old one that a cached socket keeps
# alive (there the targets still answer, here they do not until they are
# added back).  No charon: the VICI collector fails, which is fine here.
#
# Traffic stays inside the namespace (198.18.0.0/15 on its loopback); the
# namespace and the daemon are removed on exit, failure included.
source "$(dirname "$0")/lib.sh"

NS=ikwsh$$
N=40
tmp=$(mktemp -d)
shared_cleanup() {
	e2e_cleanup
	ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap shared_cleanup EXIT

target() { printf '198.18.1.%d' "$1"; }
source_addr() { printf '198.18.2.%d' "$1"; }

make_ns() { # make_ns WITH_TARGETS(yes|no)
	local i
	ip netns add "$NS" || return 1
	ip -n "$NS" link set lo up
	for ((i = 1; i <= N; i++)); do
		printf 'address add %s/32 dev lo\n' "$(source_addr "$i")"
		[[ $1 == no ]] || printf 'address add %s/32 dev lo\n' "$(target "$i")"
	done >"$tmp/addrs"
	ip -n "$NS" -batch "$tmp/addrs"
}

add_targets() {
	local i
	for ((i = 1; i <= N; i++)); do printf 'address add %s/32 dev lo\n' "$(target "$i")"; done >"$tmp/addrs"
	ip -n "$NS" -batch "$tmp/addrs"
}

make_ns yes || { fail "namespace"; e2e_finish probes_shared; exit 1; }
{
	printf 'probes:\n  defaults: {netns: %s, interval: 2s, timeout: 400ms, spacing: 50ms, count: 2}\n  list:\n' "$NS"
	for ((i = 1; i <= N; i++)); do
		t=icmp
		((i % 4 == 0)) && t=mtu
		printf '    - {conn: c%d, child: c%d, type: %s, target: %s, source: %s}\n' \
			"$i" "$i" "$t" "$(target "$i")" "$(source_addr "$i")"
	done
} >"$tmp/ikewatch.yml"

# the sources of the echo requests the targets see (nft counts them per source)
nft_rules() {
	ip netns exec "$NS" nft -f - <<NFT
table ip ikwsh {
	set seen { type ipv4_addr . ipv4_addr; flags dynamic; size 1024; }
	chain in {
		type filter hook input priority 0;
		icmp type echo-request add @seen { ip saddr . ip daddr }
	}
}
NFT
}
check "an nft set of request sources in the namespace" nft_rules

start_ikewatch PORT --no-events --vici.socket="$tmp/no-charon.vici" --vici.timeout=1s \
	--config.file="$tmp/ikewatch.yml"

all_succeed() {
	scrape "$PORT" | awk -v n="$N" '/^ipsec_probe_success\{/ { k++; s += $2 } END { exit !(k == n && s == n) }'
}
none_succeed() {
	scrape "$PORT" | awk -v n="$N" '/^ipsec_probe_success\{/ { k++; s += $2 } END { exit !(k == n && s == 0) }'
}
check "all $N probes succeed" wait_for 15 all_succeed

# raw sockets ikewatch holds: /proc/net/raw of the namespace lists them with
# their inode; ikewatch's descriptors name the inodes
raw_sockets() {
	local inodes
	inodes=$(ip netns exec "$NS" awk 'NR > 1 { print $10 }' /proc/net/raw | sort -u)
	ls -l "/proc/$IKW_PID/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | sort -u |
		comm -12 - <(printf '%s\n' "$inodes") | wc -l
}
max_raw=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	n=$(raw_sockets)
	((n > max_raw)) && max_raw=$n
	sleep 0.2
done
if ((max_raw >= 1 && max_raw <= 2)); then
	pass "the $N probes share raw sockets in the namespace (at most $max_raw open at once: icmp, mtu)"
else
	fail "raw sockets of ikewatch in the namespace: at most $max_raw seen (want 1 or 2)"
fi

pairs_ok() {
	local seen i missing=0
	seen=$(ip netns exec "$NS" nft list set ip ikwsh seen)
	for ((i = 1; i <= N; i++)); do
		grep -q "$(source_addr "$i") \. $(target "$i")\b" <<<"$seen" || missing=$((missing + 1))
	done
	((missing == 0)) || { e2e_log "$missing probes' requests did not come from their source"; return 1; }
	# and nothing else: as many pairs as probes
	[[ $(grep -o '198\.18\.2\.[0-9]* \. 198\.18\.1\.[0-9]*' <<<"$seen" | sort -u | wc -l) -eq $N ]]
}
check "each probe's requests leave from its own source address" pairs_ok

# the namespace made again without the targets: the old one (kept alive by
# a socket made in it) still has them, the new one must be what is probed
ip netns del "$NS"
make_ns no || fail "namespace made again"
check "after the namespace is made again without targets, every probe fails" \
	wait_for 10 none_succeed
add_targets
check "with the targets added back, every probe succeeds again" wait_for 10 all_succeed
check "ikewatch still runs" kill -0 "$IKW_PID"

e2e_finish probes_shared
