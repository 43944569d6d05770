#!/usr/bin/env bash
# The outgoing client over https (libcurl): `ikewatch status --url https://`
# against the daemon itself served with TLS and a required client
# certificate (--tls.ca-file, --tls.cert-file/--tls.key-file), failing
# clearly without the client certificate, with the wrong CA and over plain
# http; --tls.insecure-skip-verify works and warns; basic auth from a
# password file (--auth.basic-user).  Loopback only, no charon: the daemon
# answers "charon did not answer" with exit 2 in Ikewatch-Status-Exit, which
# is enough to tell its answer (stdout, that exit) from a client error.
source "$(dirname "$0")/lib.sh"

T=client_tls
dir=$(mktemp -d)
trap 'e2e_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

e2e_certs "$dir" ikewatch-cli || { fail "openssl made the test certificates"; e2e_finish "$T"; exit 1; }

# serve_tls NAME YAML-BODY: the daemon with that web config; sets $PORT
serve_tls() {
	printf '%s\n' "$2" >"$dir/$1.yml"
	PORT=$(free_port)
	"$IKEWATCH" serve --scrape.reuse-window="${E2E_REUSE_WINDOW:-0}" --web.listen-address="127.0.0.1:$PORT" \
		--web.config.file="$dir/$1.yml" --vici.socket="$dir/no-charon.vici" \
		--no-events --no-collector.xfrm --collector.xfrm-stat.path= \
		>"$E2E_OUT/ikewatch-$PORT.log" 2>&1 &
	IKW_PID=$!
	E2E_PIDS+=("$IKW_PID")
	wait_for 5 grep -q 'serving /metrics' "$E2E_OUT/ikewatch-$PORT.log"
}
stop() { kill "$IKW_PID" 2>/dev/null; wait "$IKW_PID" 2>/dev/null; }
# st NAME ARGS...: `ikewatch status ARGS`; stdout in $dir/NAME.out, stderr in
# $dir/NAME.err, the exit status in RC
st() {
	local name=$1; shift
	timeout 30 "$IKEWATCH" status "$@" >"$dir/$name.out" 2>"$dir/$name.err"
	RC=$?
}
# the daemon's own answer: its table on stdout, its judgment as the exit
answered() {
	test "$RC" = 2 && grep -q 'connections:' "$dir/$1.out" &&
		grep -q 'charon did not answer' "$dir/$1.out" && ! grep -q 'level=error' "$dir/$1.err"
}
# a client error: nothing on stdout, exit 2, stderr says $2
refused() {
	test "$RC" = 2 && test ! -s "$dir/$1.out" && grep -qiE -- "$2" "$dir/$1.err"
}

serve_tls mtls "tls_server_config:
  cert_file: srv.crt
  key_file: srv.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt"
check "the daemon serves https with required client certificates" \
	grep -q "on https://127.0.0.1:$PORT (TLS 1.2-1.3, client certificates: RequireAndVerifyClientCert" \
	"$E2E_OUT/ikewatch-$PORT.log"
U=https://127.0.0.1:$PORT
CA=(--tls.ca-file="$dir/ca.crt")
CERT=(--tls.cert-file="$dir/cli.crt" --tls.key-file="$dir/cli.key")

st ok --url="$U" "${CA[@]}" "${CERT[@]}"
check "status --url https with CA and client certificate: the daemon's answer (exit $RC)" answered ok
st okslash --url="$U/" "${CA[@]}" "${CERT[@]}" --json
check "...with a trailing slash and --json" \
	bash -c 'test "$1" = 2 && python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$2"' \
	_ "$RC" "$dir/okslash.out"
st nocert --url="$U" "${CA[@]}"
# the daemon refuses it in the TLS handshake or, once TLS 1.3 is up, with a 403
check "without the client certificate: refused, saying so (exit $RC)" \
	refused nocert 'client certificate is required|certificate|handshake|ssl|tls'
check "...naming the daemon" grep -qF "$U" "$dir/nocert.err"
st wrongca --url="$U" --tls.ca-file="$dir/other.crt" "${CERT[@]}"
check "with the wrong CA: refused, naming the certificate problem (exit $RC)" \
	refused wrongca 'certificate|verif|issuer|ca'
st noca --url="$U" "${CERT[@]}"
check "without --tls.ca-file (the system's CAs): refused (exit $RC)" refused noca 'certificate|verif|issuer'
st insecure --url="$U" "${CERT[@]}" --tls.insecure-skip-verify
check "--tls.insecure-skip-verify: the daemon's answer (exit $RC)" \
	bash -c 'test "$1" = 2 && grep -q "connections:" "$2"' _ "$RC" "$dir/insecure.out"
check "...and a warning that verification is off" \
	grep -q 'level=warn.*TLS certificate verification is off' "$dir/insecure.err"
st plain --url="http://127.0.0.1:$PORT" "${CERT[@]}"
check "plain http to the https port: refused (exit $RC)" refused plain "http://127.0.0.1:$PORT"
st halfcert --url="$U" "${CA[@]}" --tls.cert-file="$dir/cli.crt"
check "a client certificate without its key: refused before connecting" \
	refused halfcert 'needs both its cert file and its key file'
st badscheme --url="ftp://127.0.0.1:$PORT" "${CA[@]}" "${CERT[@]}"
check "ftp:// refused" refused badscheme 'want http\[s\]://'
stop

# ---- basic auth from a password file
hash=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("s3cret pw", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))')
serve_tls basic "tls_server_config:
  cert_file: srv.crt
  key_file: srv.key
basic_auth_users:
  ops: '$hash'"
U=https://127.0.0.1:$PORT
printf 's3cret pw\n' >"$dir/pw" && chmod 600 "$dir/pw"
printf 'wrong\n' >"$dir/badpw" && chmod 600 "$dir/badpw"
st basic --url="$U" "${CA[@]}" --auth.basic-user=ops --auth.basic-password-file="$dir/pw"
check "basic auth from --auth.basic-password-file: the daemon's answer (exit $RC)" answered basic
st badbasic --url="$U" "${CA[@]}" --auth.basic-user=ops --auth.basic-password-file="$dir/badpw"
check "a wrong password: 'answered 401' (exit $RC)" refused badbasic 'answered 401'
st nobasic --url="$U" "${CA[@]}"
check "no credentials: 'answered 401' (exit $RC)" refused nobasic 'answered 401'
stop
# under SAN=1 (ASAN_OPTIONS=detect_leaks=1): no report from any client run
check "no sanitizer report from the client runs" \
	bash -c '! grep -l "Sanitizer" "$1"/*.err' _ "$dir"

e2e_finish "$T"
