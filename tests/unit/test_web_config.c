/* web-config.yml (the exporter-toolkit's format): every key applies, every
 * mistake is one line naming the file and line; the GnuTLS priorities it
 * becomes; basic auth against bcrypt hashes, with its cache. */
#include <stdio.h>
#include <string.h>

#include "http/http_auth.h"
#include "http/http_backoff.h"
#include "http/web_config.h"
#include "testlib.h"

/* cost 4, so that the tests stay fast */
#define HASH_S3CRET "$2b$04$lzHzIHqEy52WegOw7wqrfe8NQQoGz1eFq/gE8T13xb3SkjTxju1iG"
#define HASH_OTHER  "$2y$04$/DU/t/ndfvFtboira0jAXuibp4kZmCwVov.5kR7OBJltdxVmIbmK6"

static int parse(struct web_config *w, const char *yaml, struct ikw_err *err)
{
	web_config_init(w);
	return web_config_parse(w, "web.yml", yaml, strlen(yaml), err);
}

static void test_every_key(void)
{
	struct ikw_err err = { "" };
	struct web_config w;

	CHECK_INT(parse(&w,
		"tls_server_config:\n"
		"  cert_file: /etc/ikewatch/tls.crt\n"
		"  key_file: tls.key\n"
		"  client_auth_type: RequireAndVerifyClientCert\n"
		"  client_ca_file: ca.crt\n"
		"  min_version: TLS13\n"
		"  max_version: TLS13\n"
		"  cipher_suites:\n"
		"    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
		"    - TLS_AES_256_GCM_SHA384\n"
		"  prefer_server_cipher_suites: true\n"
		"  curve_preferences: [X25519, CurveP256]\n"
		"http_server_config:\n"
		"  http2: false\n"
		"  headers:\n"
		"    Strict-Transport-Security: max-age=31536000\n"
		"    X-Frame-Options: deny\n"
		"basic_auth_users:\n"
		"  alice: " HASH_S3CRET "\n"
		"  bob: '" HASH_OTHER "'\n", &err), 0);
	CHECK_STR(err.msg, "");
	CHECK(w.tls);
	CHECK_STR(w.cert_file, "/etc/ikewatch/tls.crt");
	CHECK_STR(w.key_file, "tls.key");
	CHECK_STR(w.client_ca_file, "ca.crt");
	CHECK_INT(w.client_auth, WEB_REQUIRE_AND_VERIFY_CLIENT_CERT);
	CHECK_INT(w.min_version, 13);
	CHECK_INT(w.max_version, 13);
	CHECK_INT(w.n_cipher_suites, 2);
	CHECK_STR(w.cipher_suites[1], "TLS_AES_256_GCM_SHA384");
	CHECK(w.prefer_server_cipher_suites);
	CHECK_INT(w.n_curves, 2);
	CHECK_STR(w.curves[0], "X25519");
	CHECK(!w.http2);
	CHECK_INT(w.n_headers, 2);
	CHECK_STR(w.headers[1].name, "X-Frame-Options");
	CHECK_STR(w.headers[1].value, "deny");
	CHECK_INT(w.n_users, 2);
	CHECK_STR(w.users[0].name, "alice");
	CHECK_STR(w.users[1].hash, HASH_OTHER);
	web_config_release(&w);
}

static void test_defaults_and_empty(void)
{
	struct ikw_err err = { "" };
	struct web_config w;

	CHECK_INT(parse(&w, "", &err), 0);
	CHECK(!w.tls);
	CHECK_INT(w.n_users, 0);
	web_config_release(&w);
	CHECK_INT(parse(&w, "# only a comment\nbasic_auth_users:\n", &err), 0);
	web_config_release(&w);
	CHECK_INT(parse(&w, "tls_server_config:\n  cert_file: a\n  key_file: b\n", &err), 0);
	CHECK_INT(w.min_version, 12);
	CHECK_INT(w.max_version, 13);
	CHECK_INT(w.client_auth, WEB_NO_CLIENT_CERT);
	CHECK(w.http2);
	web_config_release(&w);
	/* the other client auth types */
	CHECK_INT(parse(&w, "tls_server_config:\n  cert_file: a\n  key_file: b\n"
			"  client_auth_type: RequireAnyClientCert\n", &err), 0);
	CHECK_INT(w.client_auth, WEB_REQUIRE_ANY_CLIENT_CERT);
	web_config_release(&w);
	CHECK_INT(parse(&w, "tls_server_config:\n  cert_file: a\n  key_file: b\n"
			"  client_auth_type: RequestClientCert\n", &err), 0);
	CHECK_INT(w.client_auth, WEB_REQUEST_CLIENT_CERT);
	web_config_release(&w);
	CHECK_INT(parse(&w, "tls_server_config:\n  cert_file: a\n  key_file: b\n"
			"  client_ca_file: c\n"
			"  client_auth_type: VerifyClientCertIfGiven\n", &err), 0);
	CHECK_INT(w.client_auth, WEB_VERIFY_CLIENT_CERT_IF_GIVEN);
	web_config_release(&w);
}

/* Each bad file gives exactly this message. */
static void test_errors(void)
{
	static const struct { const char *yaml, *msg; } cases[] = {
		{ "tls:\n  a: b\n", "web.yml:1: unknown section 'tls'" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n  keyfile: c\n",
		  "web.yml:4: unknown key 'keyfile' in 'tls_server_config'" },
		{ "http_server_config:\n  http3: true\n",
		  "web.yml:2: unknown key 'http3' in 'http_server_config'" },
		{ "tls_server_config:\n  key_file: b\n",
		  "web.yml:2: tls_server_config: missing cert_file" },
		{ "tls_server_config:\n  cert_file: b\n",
		  "web.yml:2: tls_server_config: missing key_file" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n",
		  "web.yml:4: min_version: unknown TLS version 'TLS14' (TLS10, TLS11, TLS12, TLS13)" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  min_version: TLS13\n  max_version: TLS12\n",
		  "web.yml:2: tls_server_config: min_version is above max_version" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Yes\n",
		  "web.yml:4: client_auth_type: unknown value 'Yes' (NoClientCert, "
		  "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
		  "RequireAndVerifyClientCert)" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  client_auth_type: RequireAndVerifyClientCert\n",
		  "web.yml:2: tls_server_config: client_auth_type "
		  "RequireAndVerifyClientCert needs client_ca_file" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n",
		  "web.yml:2: tls_server_config: client_ca_file is set but "
		  "client_auth_type is NoClientCert" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
		  "web.yml:4: cipher_suites: unknown value 'TLS_RSA_WITH_RC4_128_SHA'" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  curve_preferences:\n    - X448\n",
		  "web.yml:5: curve_preferences: unknown value 'X448'" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: x\n",
		  "web.yml:4: cipher_suites: expected a list" },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  prefer_server_cipher_suites: maybe\n",
		  "web.yml:4: prefer_server_cipher_suites: invalid boolean 'maybe'" },
		{ "tls_server_config:\n  cert_file: ''\n  key_file: b\n",
		  "web.yml:2: cert_file: expected a non-empty value" },
		{ "tls_server_config: [a]\n", "web.yml:1: 'tls_server_config' must be a mapping" },
		{ "http_server_config:\n  headers:\n    Content-Length: 5\n",
		  "web.yml:3: headers: 'Content-Length' cannot be set" },
		{ "http_server_config:\n  headers:\n    \"X Bad\": 5\n",
		  "web.yml:3: headers: invalid header name 'X Bad'" },
		{ "http_server_config:\n  headers:\n    X-A: \"a\\nb\"\n",
		  "web.yml:3: headers: invalid value for 'X-A'" },
		{ "basic_auth_users:\n  alice: plaintext\n",
		  "web.yml:2: basic_auth_users: the password of 'alice' is not a bcrypt "
		  "hash ($2y$...; htpasswd -nbB USER PASS)" },
		{ "basic_auth_users:\n  alice: $2y$32$lzHzIHqEy52WegOw7wqrfe8NQQoGz1eFq/gE8T13xb3SkjTxju1iG\n",
		  "web.yml:2: basic_auth_users: the bcrypt cost of 'alice' is 32; ikewatch "
		  "accepts 4 to 14 (htpasswd -nbB -C 10 USER PASS)" },
		{ "basic_auth_users:\n  alice: $2y$15$lzHzIHqEy52WegOw7wqrfe8NQQoGz1eFq/gE8T13xb3SkjTxju1iG\n",
		  "web.yml:2: basic_auth_users: the bcrypt cost of 'alice' is 15; ikewatch "
		  "accepts 4 to 14 (htpasswd -nbB -C 10 USER PASS)" },
		{ "basic_auth_users:\n  alice: $2y$03$lzHzIHqEy52WegOw7wqrfe8NQQoGz1eFq/gE8T13xb3SkjTxju1iG\n",
		  "web.yml:2: basic_auth_users: the bcrypt cost of 'alice' is 3; ikewatch "
		  "accepts 4 to 14 (htpasswd -nbB -C 10 USER PASS)" },
		{ "basic_auth_users:\n  alice: " HASH_S3CRET "\n  alice: " HASH_OTHER "\n",
		  "web.yml:3: basic_auth_users: user 'alice' given twice" },
		{ "basic_auth_users:\n  \"a:b\": " HASH_S3CRET "\n",
		  "web.yml:2: basic_auth_users: invalid user name 'a:b'" },
		{ "- a\n", "web.yml:1: the top level must be a mapping" },
		{ "a: [\n", "web.yml:2: did not find expected node content" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ikw_err err = { "" };
		struct web_config w;

		CHECK(parse(&w, cases[i].yaml, &err) < 0);
		CHECK_STR(err.msg, cases[i].msg);
		web_config_release(&w);
	}
}

static void prio(const char *yaml, const char *want)
{
	struct ikw_err err = { "" };
	struct strbuf sb = STRBUF_INIT;
	struct web_config w;

	CHECK_INT(parse(&w, yaml, &err), 0);
	web_config_priorities(&w, &sb);
	CHECK_STR(strbuf_str(&sb), want);
	strbuf_release(&sb);
	web_config_release(&w);
}

static void test_priorities(void)
{
	prio("tls_server_config:\n  cert_file: a\n  key_file: b\n",
	     "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2");
	prio("tls_server_config:\n  cert_file: a\n  key_file: b\n"
	     "  min_version: TLS10\n  max_version: TLS11\n",
	     "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0");
	prio("tls_server_config:\n  cert_file: a\n  key_file: b\n  max_version: TLS12\n"
	     "  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"
	     " TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA]\n"
	     "  curve_preferences: [CurveP384]\n  prefer_server_cipher_suites: true\n",
	     "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:-MAC-ALL:-KX-ALL"
	     ":+AES-256-GCM:+AEAD:+ECDHE-ECDSA:+AES-128-CBC:+SHA1:+ECDHE-RSA"
	     ":-GROUP-ALL:+GROUP-SECP384R1:%SERVER_PRECEDENCE");
	prio("tls_server_config:\n  cert_file: a\n  key_file: b\n"
	     "  cipher_suites: [TLS_RSA_WITH_AES_128_GCM_SHA256]\n",
	     "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:-MAC-ALL:-KX-ALL"
	     ":+AES-128-GCM:+AEAD:+RSA:+AES-256-GCM:+CHACHA20-POLY1305"
	     ":+ECDHE-RSA:+ECDHE-ECDSA");
}

static void test_basic_auth(void)
{
	struct web_user users[] = { { (char *)"alice", (char *)HASH_S3CRET },
				    { (char *)"bob", (char *)HASH_OTHER } };
	struct http_auth *a = http_auth_new(users, 2);

	CHECK(a != NULL);
	if (!a)
		return;
	CHECK(!http_auth_check(a, "alice", "wrong"));
	CHECK_U64(http_auth_bcrypt_runs(a), 1);
	CHECK(http_auth_check(a, "alice", "s3cret"));
	CHECK_U64(http_auth_bcrypt_runs(a), 2);
	/* the second time from the cache */
	CHECK(http_auth_check(a, "alice", "s3cret"));
	CHECK_U64(http_auth_bcrypt_runs(a), 2);
	/* a wrong password after a right one still runs bcrypt, and fails */
	CHECK(!http_auth_check(a, "alice", "s3cret2"));
	CHECK_U64(http_auth_bcrypt_runs(a), 3);
	CHECK(!http_auth_check(a, "alice", ""));
	/* $2y$ works; another user's password does not */
	CHECK(http_auth_check(a, "bob", "other"));
	CHECK(!http_auth_check(a, "bob", "s3cret"));
	/* an unknown user costs a bcrypt too */
	CHECK(!http_auth_check(a, "mallory", "s3cret"));
	CHECK(!http_auth_check(a, NULL, "s3cret"));
	CHECK(!http_auth_check(a, "alice", NULL));
	CHECK(http_auth_new(users, 0) == NULL);
	http_auth_free(a);
	http_auth_free(NULL);
}

/* Without may_bcrypt only the remembered password is compared: no bcrypt
 * run, UNCHECKED for anything else.  Many threads checking at once never
 * run more than HTTP_AUTH_BCRYPT_MAX bcrypts together. */
static void test_auth_verify_cheap(void)
{
	struct web_user users[] = { { (char *)"alice", (char *)HASH_S3CRET } };
	struct http_auth *a = http_auth_new(users, 1);

	if (!a)
		return;
	CHECK_INT(http_auth_verify(a, "alice", "s3cret", false), HTTP_AUTH_UNCHECKED);
	CHECK_INT(http_auth_verify(a, "nobody", "x", false), HTTP_AUTH_UNCHECKED);
	CHECK_U64(http_auth_bcrypt_runs(a), 0);
	CHECK_INT(http_auth_verify(a, "alice", "s3cret", true), HTTP_AUTH_OK);
	CHECK_U64(http_auth_bcrypt_runs(a), 1);
	CHECK_INT(http_auth_verify(a, "alice", "s3cret", false), HTTP_AUTH_OK);
	CHECK_INT(http_auth_verify(a, "alice", "wrong", false), HTTP_AUTH_UNCHECKED);
	CHECK_INT(http_auth_verify(a, "alice", "wrong", true), HTTP_AUTH_DENIED);
	CHECK_INT(http_auth_verify(a, NULL, "x", false), HTTP_AUTH_DENIED);
	CHECK_U64(http_auth_bcrypt_runs(a), 2);
	http_auth_free(a);
}

static void test_backoff(void)
{
	struct http_backoff *b = http_backoff_new();
	char key[64];
	int i;

	if (!b)
		return;
	http_backoff_key("2001:db8:1:2:aaaa::7", key, sizeof(key));
	CHECK_STR(key, "2001:db8:1:2::/64");
	http_backoff_key("192.0.2.7", key, sizeof(key));
	CHECK_STR(key, "192.0.2.7");
	for (i = 0; i < HTTP_BACKOFF_FREE - 1; i++) {
		CHECK_INT(http_backoff_wait_ms(b, "192.0.2.7", 1000), 0);
		http_backoff_failed(b, "192.0.2.7", 1000);
	}
	CHECK_INT(http_backoff_wait_ms(b, "192.0.2.7", 1000), 0);
	http_backoff_failed(b, "192.0.2.7", 1000);          /* 5th: 1 s */
	CHECK_INT(http_backoff_wait_ms(b, "192.0.2.7", 1000), 1000);
	CHECK_INT(http_backoff_wait_ms(b, "192.0.2.7", 1500), 500);
	CHECK_INT(http_backoff_wait_ms(b, "192.0.2.8", 1500), 0);  /* others are free */
	http_backoff_failed(b, "192.0.2.7", 2000);          /* 6th: 2 s */
	CHECK_INT(http_backoff_wait_ms(b, "192.0.2.7", 2000), 2000);
	for (i = 0; i < 30; i++)
		http_backoff_failed(b, "192.0.2.7", 3000);
	CHECK_INT(http_backoff_wait_ms(b, "192.0.2.7", 3000), HTTP_BACKOFF_MAX_MS);
	/* forgotten after a quiet while, and on a success */
	CHECK_INT(http_backoff_wait_ms(b, "192.0.2.7", 3000 + HTTP_BACKOFF_FORGET_MS + 1), 0);
	for (i = 0; i < 10; i++)
		http_backoff_failed(b, "192.0.2.9", 5000);
	CHECK(http_backoff_wait_ms(b, "192.0.2.9", 5000) > 0);
	http_backoff_succeeded(b, "192.0.2.9");
	CHECK_INT(http_backoff_wait_ms(b, "192.0.2.9", 5000), 0);
	/* a full table forgets the oldest: invented addresses cannot grow it */
	for (i = 0; i < 10; i++)
		http_backoff_failed(b, "198.18.0.1", 6000);
	for (i = 0; i < HTTP_BACKOFF_CLIENTS; i++) {
		char c[32];

		snprintf(c, sizeof(c), "198.19.%d.%d", i / 256, i % 256);
		http_backoff_failed(b, c, 7000 + i);
	}
	CHECK_INT(http_backoff_wait_ms(b, "198.18.0.1", 7000 + HTTP_BACKOFF_CLIENTS), 0);
	http_backoff_free(b);
}

int main(void)
{
	RUN(test_every_key);
	RUN(test_defaults_and_empty);
	RUN(test_errors);
	RUN(test_priorities);
	RUN(test_basic_auth);
	RUN(test_auth_verify_cheap);
	RUN(test_backoff);
	return testlib_done();
}
