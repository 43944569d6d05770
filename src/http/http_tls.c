#include "http/http_tls.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "common/strbuf.h"

void http_tls_free(struct http_tls *t)
{
	if (!t)
		return;
	if (t->key)
		explicit_bzero(t->key, strlen(t->key));
	free(t->cert);
	free(t->key);
	free(t->trust);
	free(t->priorities);
	free(t);
}

static int http_tls_read(const char *what, const char *path, char **out,
			 struct ikw_err *err)
{
	size_t len;
	/* the key is a secret; certificates are public */
	int r = strcmp(what, "key_file") ?
		file_read_all(path, HTTP_TLS_FILE_MAX, out, &len, err) :
		file_read_secret(path, HTTP_TLS_FILE_MAX, out, &len, err);

	if (r)
		return err_prefix(err, r, "%s", what);
	return 0;
}

/* The key matches the certificate: GnuTLS's own check at load time. */
static int http_tls_check_pair(const struct http_tls *t, const struct web_config *w,
			       struct ikw_err *err)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t c = { (unsigned char *)t->cert, (unsigned)strlen(t->cert) };
	gnutls_datum_t k = { (unsigned char *)t->key, (unsigned)strlen(t->key) };
	int r;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return err_set(err, -ENOMEM, "out of memory");
	r = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM);
	if (r < 0) {
		gnutls_certificate_free_credentials(cred);
		return err_set(err, -EINVAL, "cannot use certificate '%s' with key '%s': %s",
			       w->cert_file, w->key_file, gnutls_strerror(r));
	}
	if (t->trust && w->client_ca_file) {
		gnutls_datum_t ca = { (unsigned char *)t->trust, (unsigned)strlen(t->trust) };

		r = gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM);
		if (r <= 0) {
			gnutls_certificate_free_credentials(cred);
			return err_set(err, -EINVAL, "client_ca_file '%s': %s",
				       w->client_ca_file,
				       r < 0 ? gnutls_strerror(r) : "no certificates in it");
		}
	}
	gnutls_certificate_free_credentials(cred);
	return 0;
}

static int http_tls_priorities(struct http_tls *t, const struct web_config *w,
			       struct ikw_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	gnutls_priority_t p;
	const char *where = NULL;
	int r;

	web_config_priorities(w, &sb);
	if (strbuf_failed(&sb)) {
		strbuf_release(&sb);
		return err_set(err, -ENOMEM, "out of memory");
	}
	t->priorities = strbuf_detach(&sb, NULL);
	r = gnutls_priority_init(&p, t->priorities, &where);
	if (r < 0)
		return err_set(err, -EINVAL, "TLS settings (GnuTLS priorities '%s') "
			       "refused at '%s': %s", t->priorities, where ? where : "?",
			       gnutls_strerror(r));
	gnutls_priority_deinit(p);
	return 0;
}

int http_tls_load(const struct web_config *w, struct http_tls **out,
		  struct ikw_err *err)
{
	struct http_tls *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return err_set(err, -ENOMEM, "out of memory");
	t->client_auth = w->client_auth;
	r = http_tls_read("cert_file", w->cert_file, &t->cert, err);
	if (!r)
		r = http_tls_read("key_file", w->key_file, &t->key, err);
	if (!r && w->client_ca_file)
		r = http_tls_read("client_ca_file", w->client_ca_file, &t->trust, err);
	else if (!r && w->client_auth != WEB_NO_CLIENT_CERT) {
		/* libmicrohttpd asks for a client certificate only with a trust
		 * list; without a CA (which these modes do not verify against)
		 * the server's own certificate serves */
		t->trust = strdup(t->cert);
		if (!t->trust)
			r = err_set(err, -ENOMEM, "out of memory");
	}
	if (!r)
		r = http_tls_check_pair(t, w, err);
	if (!r)
		r = http_tls_priorities(t, w, err);
	if (r) {
		http_tls_free(t);
		return r;
	}
	*out = t;
	return 0;
}

bool http_tls_client_ok(const struct http_tls *t, void *session, const char **why)
{
	gnutls_session_t s = session;
	unsigned n = 0, status = 0;
	bool given;

	*why = NULL;
	if (t->client_auth == WEB_NO_CLIENT_CERT ||
	    t->client_auth == WEB_REQUEST_CLIENT_CERT)
		return true;
	if (!s) {
		*why = "no TLS session";
		return false;
	}
	given = gnutls_certificate_get_peers(s, &n) != NULL && n > 0;
	if (!given) {
		if (t->client_auth == WEB_VERIFY_CLIENT_CERT_IF_GIVEN)
			return true;
		*why = "a client certificate is required";
		return false;
	}
	if (t->client_auth == WEB_REQUIRE_ANY_CLIENT_CERT)
		return true;
	if (gnutls_certificate_verify_peers2(s, &status) < 0 || status) {
		*why = "the client certificate is not trusted";
		return false;
	}
	return true;
}
