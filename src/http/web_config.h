/* The web configuration file (--web.config.file), in the format of the
 * Prometheus exporter-toolkit's web-config.yml, so that operators reuse the
 * file they have for their other exporters:
 *
 *   tls_server_config:        cert_file, key_file, client_auth_type,
 *                             client_ca_file, min_version, max_version,
 *                             cipher_suites, prefer_server_cipher_suites,
 *                             curve_preferences
 *   http_server_config:       http2 (accepted; ikewatch speaks HTTP/1.1),
 *                             headers (added to every response)
 *   basic_auth_users:         user: bcrypt hash ($2a$, $2b$, $2y$)
 *
 * Unknown keys and bad values are errors naming the file and line.  The
 * parser is pure (for tests and the fuzzer); web_config_load() reads the file
 * and makes the relative paths in it relative to the file's directory, as
 * the exporter-toolkit does. */
#ifndef IKW_WEB_CONFIG_H
#define IKW_WEB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/strbuf.h"

#define WEB_CONFIG_FILE_MAX (256 * 1024)
#define WEB_CONFIG_LIST_MAX 256
/* bcrypt costs accepted: 4 is bcrypt's least; each step doubles every login's
 * work (10 takes about 50 ms on one core here), so 14 is about a second. */
#define WEB_BCRYPT_COST_MIN 4
#define WEB_BCRYPT_COST_MAX 14

/* As crypto/tls names them; the order matters (stricter below). */
enum web_client_auth {
	WEB_NO_CLIENT_CERT,
	WEB_REQUEST_CLIENT_CERT,
	WEB_REQUIRE_ANY_CLIENT_CERT,
	WEB_VERIFY_CLIENT_CERT_IF_GIVEN,
	WEB_REQUIRE_AND_VERIFY_CLIENT_CERT,
};
const char *web_client_auth_name(enum web_client_auth a);

/* TLS versions as 10..13 (TLS10..TLS13). */
struct web_header {
	char *name, *value;
};

struct web_user {
	char *name, *hash;
};

struct web_config {
	bool tls;                        /* tls_server_config present */
	char *cert_file, *key_file, *client_ca_file;
	enum web_client_auth client_auth;
	unsigned min_version, max_version;   /* default TLS12..TLS13 */
	char **cipher_suites;            /* Go names, e.g. TLS_ECDHE_RSA_WITH_... */
	size_t n_cipher_suites;
	bool prefer_server_cipher_suites;
	char **curves;                   /* CurveP256, CurveP384, CurveP521, X25519 */
	size_t n_curves;
	bool http2;
	struct web_header *headers;
	size_t n_headers;
	struct web_user *users;
	size_t n_users;
};

void web_config_init(struct web_config *w);
/* Accepts a zeroed or released w. */
void web_config_release(struct web_config *w);

/* Parses YAML text; name is used in messages ("name:LINE: why").  On error
 * w holds what was parsed so far (release it). */
int web_config_parse(struct web_config *w, const char *name, const char *text,
		     size_t len, struct ikw_err *err);
/* Reads and parses a file (at most WEB_CONFIG_FILE_MAX bytes). */
int web_config_load(struct web_config *w, const char *path, struct ikw_err *err);

/* The GnuTLS priority string for the versions, cipher suites, curves and
 * preference, e.g. "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2".  Pure; the
 * caller checks it with gnutls_priority_init(). */
void web_config_priorities(const struct web_config *w, struct strbuf *out);

#endif
