#include "http/http_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/file.h"
#include "common/log.h"
#include "http/http_curl.h"

/* libcurl is loaded at the first request (http_curl.h): nothing to do at
 * start. */
int http_client_global_init(struct ikw_err *err)
{
	(void)err;
	return 0;
}

void http_client_global_cleanup(void)
{
	http_curl_unload();
}

int http_client_tls_check(const struct http_client_tls *t, const char *prefix,
			  struct ikw_err *err)
{
	if (!t->cert_file != !t->key_file)
		return err_set(err, -EINVAL, "%s: a client certificate needs both its cert file "
			       "and its key file", prefix);
	if (t->bearer_file && (t->basic_user || t->basic_password_file))
		return err_set(err, -EINVAL, "%s: a bearer token or basic auth, not both", prefix);
	if (!t->basic_user != !t->basic_password_file)
		return err_set(err, -EINVAL, "%s: basic auth needs both the user and the "
			       "password file", prefix);
	if (t->basic_user && strchr(t->basic_user, ':'))
		return err_set(err, -EINVAL, "%s: a basic auth user has no ':'", prefix);
	return 0;
}

int http_client_url_check(const char *url, struct ikw_err *err)
{
	size_t skip = !strncmp(url, "http://", 7) ? 7 : !strncmp(url, "https://", 8) ? 8 : 0;

	if (!skip || !url[skip] || url[skip] == '/' || url[skip] == ':' ||
	    strpbrk(url, " \t\r\n"))
		return err_set(err, -EINVAL, "want http[s]://HOST[:PORT] (got '%s')", url);
	return 0;
}

/* The first line of a secret file, into *out (freed by the caller). */
static int hc_secret(const char *path, char **out, struct ikw_err *err)
{
	size_t len;

	if (file_read_secret(path, HTTP_CLIENT_SECRET_MAX, out, &len, err))
		return -EACCES;
	(*out)[strcspn(*out, "\r\n")] = '\0';
	return 0;
}

struct hc_answer {
	struct strbuf *body;
	bool too_large;
	const struct http_client_req *r;
};

static size_t hc_on_body(char *data, size_t size, size_t n, void *arg)
{
	struct hc_answer *a = arg;
	size_t len = size * n;   /* size is 1, as curl documents */

	if (a->body->len + len > HTTP_CLIENT_BODY_MAX) {
		a->too_large = true;
		return 0;   /* ends the transfer with CURLE_WRITE_ERROR */
	}
	strbuf_add(a->body, data, len);
	return strbuf_failed(a->body) ? 0 : len;
}

/* One header line of the answer: the captured header's value, trimmed.
 * A new status line (after a 1xx) starts the capture afresh. */
static size_t hc_on_header(char *line, size_t size, size_t n, void *arg)
{
	struct hc_answer *a = arg;
	const struct http_client_req *r = a->r;
	size_t name = r->capture ? strlen(r->capture) : 0;
	const char *v, *end = line + n;

	if (!r->capture || !r->captured || !r->captured_size)
		return size * n;
	if (n >= 5 && !strncmp(line, "HTTP/", 5))
		r->captured[0] = '\0';
	if (n <= name || strncasecmp(line, r->capture, name) || line[name] != ':')
		return size * n;
	for (v = line + name + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	snprintf(r->captured, r->captured_size, "%.*s", (int)(end - v), v);
	return size * n;
}

/* curl_slist_append leaves the list as it was when it fails */
static bool hc_header_add(const struct http_curl *cu, struct curl_slist **headers,
			  const char *line)
{
	struct curl_slist *l = cu->slist_append(*headers, line);

	if (l)
		*headers = l;
	return l != NULL;
}

/* Credentials and TLS options onto h; headers gets the Authorization line.
 * *secret keeps what must live until the transfer ends. */
static int hc_setup_tls(const struct http_curl *cu, CURL *h, const struct http_client_req *r,
			struct curl_slist **headers, char **secret, struct ikw_err *err)
{
	const struct http_client_tls *t = r->tls;
	struct strbuf line = STRBUF_INIT;
	int rc = 0;

	if (t && t->ca_file)
		cu->easy_setopt(h, CURLOPT_CAINFO, t->ca_file);
	if (t && t->cert_file) {
		cu->easy_setopt(h, CURLOPT_SSLCERT, t->cert_file);
		cu->easy_setopt(h, CURLOPT_SSLKEY, t->key_file);
	}
	if (t && t->insecure_skip_verify) {
		log_warn("%s: TLS certificate verification is off (insecure skip verify)", r->url);
		cu->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		cu->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (r->bearer) {
		strbuf_addf(&line, "Authorization: Bearer %s", r->bearer);
	} else if (t && t->bearer_file) {
		rc = hc_secret(t->bearer_file, secret, err);
		if (!rc)
			strbuf_addf(&line, "Authorization: Bearer %s", *secret);
	} else if (t && t->basic_user) {
		rc = hc_secret(t->basic_password_file, secret, err);
		if (!rc) {
			cu->easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			cu->easy_setopt(h, CURLOPT_USERNAME, t->basic_user);
			cu->easy_setopt(h, CURLOPT_PASSWORD, *secret);
		}
	}
	if (!rc && line.len && !hc_header_add(cu, headers, strbuf_str(&line)))
		rc = err_set(err, -ENOMEM, "out of memory");
	/* the token's copy in line is wiped: only curl's own copy lives on */
	if (line.buf)
		memset(line.buf, 0, line.len);
	strbuf_release(&line);
	return rc;
}

/* Deadlines, no redirect, http and https only, no signals (the daemon has
 * threads), HTTP/1.1 (what the daemon serves). */
static void hc_setup_transfer(const struct http_curl *cu, CURL *h, const struct http_client_req *r,
			      struct hc_answer *a, char *errbuf)
{
	long total = r->timeout_ms > 0 ? r->timeout_ms : 30000;

	cu->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cu->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cu->easy_setopt(h, CURLOPT_TIMEOUT_MS, total);
	cu->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 total < HTTP_CLIENT_CONNECT_MAX_MS ? total : (long)HTTP_CLIENT_CONNECT_MAX_MS);
	cu->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	cu->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	cu->easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	cu->easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HTTP_CLIENT_BODY_MAX);
	cu->easy_setopt(h, CURLOPT_USERAGENT, "ikewatch");
	cu->easy_setopt(h, CURLOPT_WRITEFUNCTION, hc_on_body);
	cu->easy_setopt(h, CURLOPT_WRITEDATA, a);
	cu->easy_setopt(h, CURLOPT_HEADERFUNCTION, hc_on_header);
	cu->easy_setopt(h, CURLOPT_HEADERDATA, a);
	cu->easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->body) {
		cu->easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
		cu->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(r->body));
	}
}

static int hc_perform(const struct http_curl *cu, CURL *h, const struct http_client_req *r,
		      const char *url, struct hc_answer *a, int *status, struct ikw_err *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode c;
	long code = 0;

	hc_setup_transfer(cu, h, r, a, errbuf);
	c = cu->easy_perform(h);
	if (a->too_large || c == CURLE_FILESIZE_EXCEEDED)
		return err_set(err, -EFBIG, "%s: answer too large (over %d bytes)", url,
			       HTTP_CLIENT_BODY_MAX);
	if (c != CURLE_OK)
		return err_set(err, c == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO, "%s: %s",
			       url, errbuf[0] ? errbuf : cu->easy_strerror(c));
	cu->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	*status = (int)code;
	return 0;
}

int http_client_fetch(const struct http_client_req *r, int *status, struct strbuf *out,
		      struct ikw_err *err)
{
	struct strbuf url = STRBUF_INIT;
	struct curl_slist *headers = NULL;
	struct hc_answer a = { out, false, r };
	char *secret = NULL;
	const struct http_curl *cu;
	CURL *h;
	int rc;

	if (r->captured && r->captured_size)
		r->captured[0] = '\0';
	rc = http_client_url_check(r->url, err);
	if (rc)
		return rc;
	cu = http_curl_get(err);
	if (!cu)
		return -ENOSYS;
	h = cu->easy_init();
	if (!h)
		return err_set(err, -ENOMEM, "libcurl: cannot start a transfer");
	strbuf_addstr(&url, r->url);
	/* "https://host:port/" and "/api/...": one slash between them */
	if (r->path && url.len && url.buf[url.len - 1] == '/' && r->path[0] == '/')
		url.len--;
	strbuf_addstr(&url, r->path ? r->path : "");
	cu->easy_setopt(h, CURLOPT_URL, strbuf_str(&url));
	/* no "Expect: 100-continue" wait before a body */
	if (!hc_header_add(cu, &headers, "Expect:") ||
	    (r->body && !hc_header_add(cu, &headers, "Content-Type: application/json")))
		rc = err_set(err, -ENOMEM, "out of memory");
	else
		rc = hc_setup_tls(cu, h, r, &headers, &secret, err);
	cu->easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (!rc)
		rc = hc_perform(cu, h, r, strbuf_str(&url), &a, status, err);
	cu->easy_cleanup(h);
	cu->slist_free_all(headers);
	if (secret) {
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	strbuf_release(&url);
	return rc;
}

void http_client_query_escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			strbuf_addch(sb, (char)c);
		} else {
			strbuf_addch(sb, '%');
			strbuf_addch(sb, hex[c >> 4]);
			strbuf_addch(sb, hex[c & 15]);
		}
	}
}
