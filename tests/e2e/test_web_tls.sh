#!/usr/bin/env bash
# --web.config.file (the exporter-toolkit's web-config.yml): TLS, client
# certificates (mTLS) and basic auth with real clients: curl with and without
# credentials and certificates, and a real Prometheus scraping over HTTPS with
# basic auth, a CA file and a client certificate.  Loopback only; the
# certificates are made here with openssl.  No charon is needed: the VICI
# collector fails and says so, which is enough to see who may read it.
source "$(dirname "$0")/lib.sh"

T=web_tls
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
dir=$(mktemp -d)
trap 'e2e_cleanup; rm -rf "$dir"' EXIT

# ---- certificates: a CA, a server (IP:127.0.0.1), a client; and strangers
e2e_certs "$dir" prometheus &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=unrelated \
		-keyout "$dir/unrelated.key" -out "$dir/unrelated.crt" >/dev/null 2>&1 ||
	{ fail "openssl made the test certificates"; e2e_finish "$T"; exit 1; }
hash=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("s3cret pw", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))')
check "a bcrypt hash to test with" grep -q '^\$2b\$10\$' <<<"$hash"

# serve_web NAME YAML-BODY: starts ikewatch with that web config; sets $PORT
serve_web() {
	local name=$1
	printf '%s\n' "$2" >"$dir/$name.yml"
	PORT=$(free_port)
	"$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --web.listen-address="127.0.0.1:$PORT" \
		--web.config.file="$dir/$name.yml" --vici.socket="$dir/no-charon.vici" \
		--no-events --no-collector.xfrm --collector.xfrm-stat.path= \
		>"$E2E_OUT/ikewatch-$PORT.log" 2>&1 &
	IKW_PID=$!
	E2E_PIDS+=("$IKW_PID")
	wait_for 5 serving_or_gone && alive_now
}
# serving, or exited (a refused web config): either ends the wait
serving_or_gone() {
	grep -q 'serving /metrics' "$E2E_OUT/ikewatch-$PORT.log" || ! kill -0 "$IKW_PID" 2>/dev/null
}
alive_now() {
	grep -q 'serving /metrics' "$E2E_OUT/ikewatch-$PORT.log" && kill -0 "$IKW_PID" 2>/dev/null
}
stop() { kill "$IKW_PID" 2>/dev/null; wait "$IKW_PID" 2>/dev/null; }
code() { curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$@" 2>/dev/null; }
U="https://127.0.0.1"

# ---- 1. TLS + basic auth (no client certificates)
serve_web auth "tls_server_config:
  cert_file: srv.crt
  key_file: srv.key
http_server_config:
  headers:
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  prometheus: '$hash'"
check "starts with TLS and basic auth" kill -0 "$IKW_PID"
check "the startup line says https and basic auth" \
	grep -q "on https://127.0.0.1:$PORT (TLS 1.2-1.3, client certificates: NoClientCert, basic auth for 1 user)" \
	"$E2E_OUT/ikewatch-$PORT.log"
check "right password: 200" test "$(code --cacert "$dir/ca.crt" -u 'prometheus:s3cret pw' "$U:$PORT/metrics")" = 200
check "right password again (cached): 200" test "$(code --cacert "$dir/ca.crt" -u 'prometheus:s3cret pw' "$U:$PORT/metrics")" = 200
check "wrong password: 401" test "$(code --cacert "$dir/ca.crt" -u 'prometheus:s3cret' "$U:$PORT/metrics")" = 401
check "unknown user: 401" test "$(code --cacert "$dir/ca.crt" -u 'root:s3cret pw' "$U:$PORT/metrics")" = 401
check "no credentials: 401" test "$(code --cacert "$dir/ca.crt" "$U:$PORT/metrics")" = 401
for path in / /-/healthy /-/ready /status /api/v1/sas; do
	check "no credentials on $path: 401" test "$(code --cacert "$dir/ca.crt" "$U:$PORT$path")" = 401
done
hdr=$(curl -sS -D - -o /dev/null --max-time 10 --cacert "$dir/ca.crt" "$U:$PORT/metrics" 2>/dev/null)
check "401 asks for basic auth" grep -qi '^WWW-Authenticate: Basic realm="ikewatch"' <<<"$hdr"
hdr=$(curl -sS -D - -o /dev/null --max-time 10 --cacert "$dir/ca.crt" -u 'prometheus:s3cret pw' "$U:$PORT/metrics" 2>/dev/null)
check "configured header on responses" grep -qi '^Strict-Transport-Security: max-age=31536000' <<<"$hdr"
body=$(curl -fsS --max-time 10 --cacert "$dir/ca.crt" -u 'prometheus:s3cret pw' "$U:$PORT/metrics" 2>/dev/null)
check "metrics over https" grep -q '^ikewatch_collector_success{collector="vici"} 0' <<<"$body"
check "a client that does not trust the CA is refused" \
	test "$(code --cacert "$dir/other.crt" -u 'prometheus:s3cret pw' "$U:$PORT/metrics")" = 000
check "plain http on the https port gets nothing" \
	test "$(code "http://127.0.0.1:$PORT/metrics")" = 000
check "TLS 1.3 accepted" test "$(code --tlsv1.3 --cacert "$dir/ca.crt" -u 'prometheus:s3cret pw' "$U:$PORT/-/healthy")" = 200
check "TLS 1.1 refused (min_version TLS12 by default)" \
	test "$(code --tlsv1.1 --tls-max 1.1 --cacert "$dir/ca.crt" -u 'prometheus:s3cret pw' "$U:$PORT/-/healthy")" = 000
stop

# ---- 2. mTLS: RequireAndVerifyClientCert
serve_web mtls "tls_server_config:
  cert_file: $dir/srv.crt
  key_file: $dir/srv.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS13"
check "starts with mTLS" kill -0 "$IKW_PID"
C=(--cacert "$dir/ca.crt")
check "client certificate from the CA: 200" \
	test "$(code "${C[@]}" --cert "$dir/cli.crt" --key "$dir/cli.key" "$U:$PORT/metrics")" = 200
check "no client certificate: refused" \
	test "$(code "${C[@]}" "$U:$PORT/metrics")" != 200
check "a self-signed client certificate: refused" \
	test "$(code "${C[@]}" --cert "$dir/unrelated.crt" --key "$dir/unrelated.key" "$U:$PORT/metrics")" != 200
check "a certificate of another CA: refused" \
	test "$(code "${C[@]}" --cert "$dir/other.crt" --key "$dir/other.key" "$U:$PORT/metrics")" != 200
check "min_version TLS13: TLS 1.2 refused" \
	test "$(code --tls-max 1.2 "${C[@]}" --cert "$dir/cli.crt" --key "$dir/cli.key" "$U:$PORT/metrics")" = 000
stop

# ---- 3. VerifyClientCertIfGiven, cipher suites
serve_web ifgiven "tls_server_config:
  cert_file: srv.crt
  key_file: srv.key
  client_auth_type: VerifyClientCertIfGiven
  client_ca_file: ca.crt
  max_version: TLS12
  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]
  curve_preferences: [CurveP256]"
check "starts with VerifyClientCertIfGiven" kill -0 "$IKW_PID"
check "if given: no certificate is fine" test "$(code "${C[@]}" "$U:$PORT/-/healthy")" = 200
check "if given: a good certificate is fine" \
	test "$(code "${C[@]}" --cert "$dir/cli.crt" --key "$dir/cli.key" "$U:$PORT/-/healthy")" = 200
check "if given: a bad certificate is refused" \
	test "$(code "${C[@]}" --cert "$dir/unrelated.crt" --key "$dir/unrelated.key" "$U:$PORT/-/healthy")" != 200
check "the configured cipher suite is used" \
	test "$(code --ciphers ECDHE-ECDSA-AES256-GCM-SHA384 "${C[@]}" "$U:$PORT/-/healthy")" = 200
check "another cipher suite is refused" \
	test "$(code --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 "${C[@]}" "$U:$PORT/-/healthy")" = 000
stop

# ---- 4. bad web configs: a clear error and exit 2, not a plain-HTTP fallback
bad() { # bad DESCRIPTION YAML EXPECTED-MESSAGE
	local rc
	printf '%s\n' "$2" >"$dir/bad.yml"
	# a config wrongly accepted would serve for ever: 10 s is the bound
	timeout 10 "$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --web.listen-address=127.0.0.1:0 --web.config.file="$dir/bad.yml" \
		--vici.socket="$dir/no-charon.vici" --no-events >"$dir/bad.log" 2>&1
	rc=$?
	check "$1: exit 2" test "$rc" = 2
	check "$1: says why" grep -qF -- "$3" "$dir/bad.log"
}
bad "unknown key" "tls_server_config:
  cert_file: srv.crt
  key_file: srv.key
  client_auth: RequireAnyClientCert" "bad.yml:4: unknown key 'client_auth' in 'tls_server_config'"
bad "key of another certificate" "tls_server_config:
  cert_file: srv.crt
  key_file: other.key" "cannot use certificate '$dir/srv.crt' with key '$dir/other.key'"
bad "missing certificate" "tls_server_config:
  cert_file: nope.crt
  key_file: srv.key" "nope.crt"
bad "plain-text password" "basic_auth_users:
  prometheus: s3cret" "bad.yml:2: basic_auth_users: the password of 'prometheus' is not a bcrypt hash"
bad "bcrypt cost 31 (a login would never end)" "basic_auth_users:
  prometheus: '${hash/\$10\$/\$31\$}'" "bad.yml:2: basic_auth_users: the bcrypt cost of 'prometheus' is 31; ikewatch accepts 4 to 14"
cp "$dir/srv.key" "$dir/open.key" && chmod 640 "$dir/open.key"
bad "a key file that group may read" "tls_server_config:
  cert_file: srv.crt
  key_file: open.key" "key_file: '$dir/open.key' holds a secret but its mode is 0640: group or others may read it"

# ---- 4b. remediation's webhook (a bearer token) with basic auth: both need
# the one Authorization header, so the start is refused (unless self_check)
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/rem.token"
chmod 600 "$dir/rem.token"
printf 'remediation:\n  enabled: true\n  token_file: %s\n  audit_log: %s\n  diagnostics: {directory: %s}\n' \
	"$dir/rem.token" "$dir/rem.jsonl" "$dir/diag" >"$dir/rem.yml"
printf "basic_auth_users:\n  prometheus: '%s'\n" "$hash" >"$dir/basic.yml"
timeout 10 "$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --web.listen-address=127.0.0.1:0 --web.config.file="$dir/basic.yml" \
	--config.file="$dir/rem.yml" --vici.socket="$dir/no-charon.vici" --no-events >"$dir/rem.log" 2>&1
check "remediation webhook with basic_auth_users: exit 2" test "$?" = 2
check "...saying why and what to do" grep -q "use client certificates (client_auth_type) instead of basic auth, or set remediation.self_check" "$dir/rem.log"

# ---- 5. a real Prometheus over HTTPS with basic auth, a CA file and a client certificate
if [ ! -x "$PROMETHEUS" ]; then
	fail "prometheus not installed"
	e2e_finish "$T"; exit 1
fi
serve_web prom "tls_server_config:
  cert_file: srv.crt
  key_file: srv.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
basic_auth_users:
  prometheus: '$hash'"
pport=$(free_port)
mkdir -p "$dir/prom"
cat >"$dir/prom/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ikewatch
    scheme: https
    basic_auth:
      username: prometheus
      password: 's3cret pw'
    tls_config:
      ca_file: $dir/ca.crt
      cert_file: $dir/cli.crt
      key_file: $dir/cli.key
    static_configs:
      - targets: ['127.0.0.1:$PORT']
  - job_name: ikewatch_wrong_password
    scheme: https
    basic_auth:
      username: prometheus
      password: wrong
    tls_config:
      ca_file: $dir/ca.crt
      cert_file: $dir/cli.crt
      key_file: $dir/cli.key
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YML
"$PROMETHEUS" --config.file="$dir/prom/prometheus.yml" --storage.tsdb.path="$dir/prom/data" \
	--web.listen-address="127.0.0.1:$pport" >"$E2E_OUT/prometheus-web-tls.log" 2>&1 &
E2E_PIDS+=("$!")
query() {
	curl -fsS --max-time 5 "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json,sys
for r in json.load(sys.stdin)["data"]["result"]: print(r["value"][1])'
}
up="" bad_up=""
both_scraped() {   # sets up and bad_up
	up=$(query 'up{job="ikewatch"}' 2>/dev/null)
	bad_up=$(query 'up{job="ikewatch_wrong_password"}' 2>/dev/null)
	[ "$up" = 1 ] && [ -n "$bad_up" ]
}
wait_for 30 both_scraped
check "prometheus scrapes over https with basic auth and a client certificate (up=1)" test "$up" = 1
check "prometheus with a wrong password: up=0" test "$bad_up" = 0
res=$(query 'ikewatch_build_info{job="ikewatch"}' 2>/dev/null)
check "prometheus stored ikewatch's series" test "$res" = 1
e2e_finish "$T"
