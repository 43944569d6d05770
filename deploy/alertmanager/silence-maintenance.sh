#!/bin/sh
# Silence ikewatch's alerts for one gateway (and optionally one connection)
# during a planned change or rekey test, through Alertmanager's API v2 with
# curl (amtool does the same: see docs/alerting.md, "Maintenance windows").
#   silence-maintenance.sh INSTANCE [CONN] [MINUTES] [COMMENT]
#   AM=http://127.0.0.1:9093 silence-maintenance.sh vpn-gw-1.example.net:9786 site-a 60 "change 1234"
# Prints the silence id; end it early with:
#   curl -X DELETE "$AM/api/v2/silence/ID"
set -eu
AM=${AM:-http://127.0.0.1:9093}
instance=${1:?usage: $0 INSTANCE [CONN] [MINUTES] [COMMENT]}
conn=${2:-}
minutes=${3:-60}
comment=${4:-planned maintenance}
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
end=$(date -u -d "+$minutes minutes" +%Y-%m-%dT%H:%M:%SZ)
matchers="{\"name\":\"instance\",\"value\":\"$instance\",\"isRegex\":false,\"isEqual\":true}"
[ -z "$conn" ] || matchers="$matchers,{\"name\":\"conn\",\"value\":\"$conn\",\"isRegex\":false,\"isEqual\":true}"
curl -fsS -X POST -H 'Content-Type: application/json' "$AM/api/v2/silences" -d "{
  \"matchers\": [$matchers],
  \"startsAt\": \"$start\", \"endsAt\": \"$end\",
  \"createdBy\": \"${USER:-ikewatch}\", \"comment\": \"$comment\"
}" | sed -n 's/.*"silenceID":"\([^"]*\)".*/\1/p'
