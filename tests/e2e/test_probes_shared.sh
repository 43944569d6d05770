#!/usr/bin/env bash
# Shared ICMP sockets and open namespaces (src/probe/icmp_mux.h,
# netns_cache.h): 40 icmp and mtu probes, half IPv4 and half IPv6, from
# different source addresses into one namespace of this test's own share
# four raw sockets (family and kind) rather than one each; every probe's
# requests leave from its own source address; and a
# namespace deleted and made again under the same name is probed in its new
# form within seconds, not through the old one that a cached socket keeps
# alive (there the targets still answer, here they do not until they are
# added back).  No charon: the VICI collector fails, which is fine here.
#
# Traffic stays inside the namespace (198.18.0.0/15 and 2001:db8::/32 on
# its loopback); the
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

# probe i: IPv6 when i is even; icmp when i % 4 is 1 or 2, else mtu
v6() { (($1 % 2 == 0)); }
target() { if v6 "$1"; then printf '2001:db8:1::%x' "$1"; else printf '198.18.1.%d' "$1"; fi; }
source_addr() { if v6 "$1"; then printf '2001:db8:2::%x' "$1"; else printf '198.18.2.%d' "$1"; fi; }
plen() { if v6 "$1"; then echo 128; else echo 32; fi; }

make_ns() { # make_ns WITH_TARGETS(yes|no)
	local i
	ip netns add "$NS" || return 1
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0
	ip -n "$NS" link set lo up
	for ((i = 1; i <= N; i++)); do
		printf 'address add %s/%s dev lo\n' "$(source_addr "$i")" "$(plen "$i")"
		[[ $1 == no ]] || printf 'address add %s/%s dev lo\n' "$(target "$i")" "$(plen "$i")"
	done >"$tmp/addrs"
	ip -n "$NS" -batch "$tmp/addrs"
}

add_targets() {
	local i
	for ((i = 1; i <= N; i++)); do printf 'address add %s/%s dev lo\n' "$(target "$i")" "$(plen "$i")"; done >"$tmp/addrs"
	ip -n "$NS" -batch "$tmp/addrs"
}

make_ns yes || { fail "namespace"; e2e_finish probes_shared; exit 1; }
{
	printf 'probes:\n  defaults: {netns: %s, interval: 2s, timeout: 400ms, spacing: 50ms, count: 2}\n  list:\n' "$NS"
	for ((i = 1; i <= N; i++)); do
		t=mtu
		((i % 4 == 1 || i % 4 == 2)) && t=icmp
		printf '    - {conn: c%d, child: c%d, type: %s, target: %s, source: %s}\n' \
			"$i" "$i" "$t" "$(target "$i")" "$(source_addr "$i")"
	done
} >"$tmp/ikewatch.yml"

# the sources of the echo requests the targets see (nft counts them per source)
nft_rules() {
	ip netns exec "$NS" nft -f - <<NFT
table inet ikwsh {
	set seen { type ipv4_addr . ipv4_addr; flags dynamic; size 1024; }
	set seen6 { type ipv6_addr . ipv6_addr; flags dynamic; size 1024; }
	chain in {
		type filter hook input priority 0;
		icmp type echo-request add @seen { ip saddr . ip daddr }
		icmpv6 type echo-request add @seen6 { ip6 saddr . ip6 daddr }
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
	inodes=$(ip netns exec "$NS" awk 'FNR > 1 { print $10 }' /proc/net/raw /proc/net/raw6 | sort -u)
	ls -l "/proc/$IKW_PID/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | sort -u |
		comm -12 - <(printf '%s\n' "$inodes") | wc -l
}
max_raw=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	n=$(raw_sockets)
	((n > max_raw)) && max_raw=$n
	sleep 0.2
done
if ((max_raw >= 2 && max_raw <= 4)); then
	pass "the $N probes share raw sockets in the namespace (at most $max_raw open at once: icmp, mtu, each family)"
else
	fail "raw sockets of ikewatch in the namespace: at most $max_raw seen (want 2 to 4)"
fi

pairs_ok() {
	local seen i missing=0
	seen=$(ip netns exec "$NS" nft list set inet ikwsh seen; ip netns exec "$NS" nft list set inet ikwsh seen6)
	seen=$(grep -oE '[0-9a-f.:]+ \. [0-9a-f.:]+' <<<"$seen" | sort -u)
	for ((i = 1; i <= N; i++)); do
		grep -qxF "$(source_addr "$i") . $(target "$i")" <<<"$seen" || missing=$((missing + 1))
	done
	((missing == 0)) || { e2e_log "$missing probes' requests did not come from their source"; return 1; }
	# and nothing else: as many pairs as probes
	[[ $(wc -l <<<"$seen") -eq $N ]] || { e2e_log "pairs seen: $seen"; return 1; }
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
