#!/usr/bin/env bash
# Redaction against a real lab: with `redact: mode: alias` and a salt, the
# peer's address and identity appear nowhere in /metrics, /status or
# /api/v1/status (nor in `ikewatch status`); the alias and the keyed hash
# appear instead, the same at every scrape; without redaction the address
# is there (so the check can fail).
source "$(dirname "$0")/lib.sh"

NAME=e2erd$$
NAME=${NAME:0:12}
lab_up "$NAME" --tunnels 2 --peers 1 || { fail "lab up"; e2e_finish redact; exit 1; }
tmp=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$tmp"' EXIT
VICI=$(lab_vici "$NAME")
PEER=192.0.2.11
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/salt"
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
e2e_finish redact
