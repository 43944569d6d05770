#!/usr/bin/env bash
# Redaction against a real lab: with `redact: mode: alias` and a salt, the
# peer's address and identity appear nowhere in /metrics, /status or
# /api/v1/status (nor in `ikewatch status`); the alias and the keyed hash
# appear instead, the same at every scrape; without redaction the address
# is there (so the check can fail).  A host-to-host conn in transport mode
# names the peer in its traffic selectors, and a probe aims at the peer:
# with `mode: hash` the peer is in no output (metrics, the status page and
# JSON, `ikewatch status`, textfile).
source "$(dirname "$0")/lib.sh"

NAME=e2erd$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 || { fail "lab up"; e2e_finish redact; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
VICI=$(lab_vici "$NAME")
PEER=192.0.2.11
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/salt"
chmod 600 "$tmp/salt"
cat >"$tmp/ikewatch.yml" <<YML
redact:
  mode: alias
  salt_file: $tmp/salt
  aliases:
    peer-tun1: paris
YML
all() { # everything the daemon on $1 serves
	curl -fsS "http://127.0.0.1:$1/metrics"
	curl -fsS "http://127.0.0.1:$1/status"
	curl -fsS "http://127.0.0.1:$1/api/v1/status"
}
start_ikewatch PLAIN --vici.socket="$VICI"
check "without redaction the peer's address is served (the check can fail)" \
	grep -q "$PEER" <<<"$(all "$PLAIN")"
start_ikewatch PORT --vici.socket="$VICI" --config.file="$tmp/ikewatch.yml"
out=$(all "$PORT")
check "redacted: the peer's address appears nowhere" bash -c '! grep -q "$1" <<<"$2"' _ "$PEER" "$out"
check "redacted: the peers' identities appear nowhere" bash -c '! grep -q "peer-tun[12]\b" <<<"$1"' _ "$out"
check "redacted: the alias names tun1's peer" grep -q '"remote_id":"paris"' <<<"$out"
h1=$(grep -o 'remote_host="peer-[0-9a-f]\{12\}"' <<<"$out" | sort -u)
h2=$(curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -o 'remote_host="peer-[0-9a-f]\{12\}"' | sort -u)
check "redacted: the address is a keyed hash, the same at the next scrape ($h1)" test -n "$h1" -a "$h1" = "$h2"
check "ikewatch status (direct) is redacted too" \
	bash -c '! "$1" status --vici.socket="$2" --config.file="$3" --width 200 --json | grep -q "$4"' _ \
	"$IKEWATCH" "$VICI" "$tmp/ikewatch.yml" "$PEER"

# ---- a host-to-host conn (transport mode: the selectors are the peers'
# addresses) and a probe aimed at the peer, with mode: hash
host_conf() { # lab_extend generator: conn "host" between hub and p1
	local l=192.0.2.11 r=192.0.2.1 me=peer-host them=hub-host
	[ "$1" = hub ] && { l=192.0.2.1; r=192.0.2.11; me=hub-host; them=peer-host; }
	printf 'connections {\n\thost {\n\t\tversion = 2\n\t\tlocal_addrs = %s\n\t\tremote_addrs = %s\n' "$l" "$r"
	printf '\t\tproposals = aes128gcm16-prfsha256-x25519\n'
	printf '\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = %s\n\t\t}\n\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = %s\n\t\t}\n' "$me" "$them"
	printf '\t\tchildren {\n\t\t\thostnet {\n\t\t\t\tmode = transport\n\t\t\t\tlocal_ts = %s/32\n\t\t\t\tremote_ts = %s/32\n' "$l" "$r"
	printf '\t\t\t\tesp_proposals = aes128gcm16\n\t\t\t}\n\t\t}\n\t}\n}\n'
	printf 'secrets {\n\tike-host {\n\t\tid-a = hub-host\n\t\tid-b = peer-host\n\t\tsecret = "lab-host-secret"\n\t}\n}\n'
}
check "the transport-mode conn is loaded" lab_extend "$NAME" "$tmp" host_conf
# kernel-libipsec has no transport mode: the IKE SA comes up, the child is
# refused, and the conn's selectors still name the peer
lab "$NAME" swanctl p1 --initiate --child hostnet --timeout 10 >/dev/null 2>&1
cat >"$tmp/hash.yml" <<YML
redact:
  mode: hash
  salt_file: $tmp/salt
probes:
  - {conn: host, child: hostnet, target: $PEER, netns: $NAME-hub, interval: 2s, timeout: 500ms}
YML
sed '/^redact:/,/salt_file/d' "$tmp/hash.yml" >"$tmp/plain.yml"
start_ikewatch PLAIN2 --vici.socket="$VICI" --config.file="$tmp/plain.yml"
wait_for 10 probes_ran "$PLAIN2"
plain=$(all "$PLAIN2")
check "without redaction the selector names the peer (the check can fail)" \
	grep -q "remote_ts=\"$PEER/32\"" <<<"$plain"
check "without redaction the probe's target is the peer" grep -q "target=\"$PEER\"" <<<"$plain"
start_ikewatch HASH --vici.socket="$VICI" --config.file="$tmp/hash.yml"
wait_for 10 probes_ran "$HASH"
mkdir -p "$tmp/tf"
"$IKEWATCH" textfile --output "$tmp/tf" --vici.socket="$VICI" --config.file="$tmp/hash.yml" 2>/dev/null
out=$(all "$HASH"
	"$IKEWATCH" status --vici.socket="$VICI" --config.file="$tmp/hash.yml" --width 250 --no-color
	"$IKEWATCH" status --vici.socket="$VICI" --config.file="$tmp/hash.yml" --json
	"$IKEWATCH" status --url="http://127.0.0.1:$HASH" --json
	cat "$tmp/tf/ipsec.prom")
check "hash: the peer's address appears in no output" bash -c '! grep -q "$1" <<<"$2"' _ "$PEER" "$out"
check "hash: the selector is the peer's hash with its prefix" \
	grep -q 'remote_ts="peer-[0-9a-f]\{12\}/32"' <<<"$out"
check "hash: the probe's target is the peer's hash" grep -q 'target="peer-[0-9a-f]\{12\}"' <<<"$out"
check "hash: inner selectors stay (tun1's 198.19.0.1/32)" grep -q 'remote_ts="198.19.0.1/32"' <<<"$out"
e2e_finish redact
