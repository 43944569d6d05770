/* libcurl, loaded at the first outgoing request (dlopen), not at start.
 * Only `status --url` and the remediation's notifications make requests,
 * yet linking libcurl maps it and what it pulls in (libcrypto for libssh2,
 * Kerberos, LDAP, RTMP, ...) into every process: about 4 MB of the
 * daemon's resident memory (docs/performance.md "Memory"). */
#ifndef IKW_HTTP_CURL_H
#define IKW_HTTP_CURL_H

#include <curl/curl.h>

#include "common/err.h"

struct http_curl {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode c);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
};

/* The loaded library (loaded and curl_global_init()ed once, thread-safe),
 * or NULL with err set when it cannot be. */
const struct http_curl *http_curl_get(struct ikw_err *err);
/* curl_global_cleanup() if it was loaded; at exit, when no thread uses it. */
void http_curl_unload(void);

#endif
