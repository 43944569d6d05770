#include "http/http_curl.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

/* Debian's libcurl4-gnutls-dev links -lcurl to the first; others ship the
 * second. */
static const char *const curl_sonames[] = { "libcurl-gnutls.so.4", "libcurl.so.4" };

static const struct {
	const char *name;
	size_t offset;
} curl_symbols[] = {
	{ "curl_easy_init", offsetof(struct http_curl, easy_init) },
	{ "curl_easy_setopt", offsetof(struct http_curl, easy_setopt) },
	{ "curl_easy_perform", offsetof(struct http_curl, easy_perform) },
	{ "curl_easy_getinfo", offsetof(struct http_curl, easy_getinfo) },
	{ "curl_easy_cleanup", offsetof(struct http_curl, easy_cleanup) },
	{ "curl_easy_strerror", offsetof(struct http_curl, easy_strerror) },
	{ "curl_slist_append", offsetof(struct http_curl, slist_append) },
	{ "curl_slist_free_all", offsetof(struct http_curl, slist_free_all) },
	{ "curl_global_init", offsetof(struct http_curl, global_init) },
	{ "curl_global_cleanup", offsetof(struct http_curl, global_cleanup) },
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static struct http_curl curl_fns;
static void *curl_lib;
static char curl_error[256];

static int curl_bind(void)
{
	size_t i;

	for (i = 0; i < sizeof(curl_symbols) / sizeof(curl_symbols[0]); i++) {
		void *sym = dlsym(curl_lib, curl_symbols[i].name);

		if (!sym) {
			snprintf(curl_error, sizeof(curl_error), "libcurl lacks %s",
				 curl_symbols[i].name);
			return -1;
		}
		/* POSIX: a function's address fits in a void * */
		*(void **)((char *)&curl_fns + curl_symbols[i].offset) = sym;
	}
	return 0;
}

static void curl_load(void)
{
	size_t i;
	CURLcode c = CURLE_OK;

	for (i = 0; !curl_lib && i < sizeof(curl_sonames) / sizeof(curl_sonames[0]); i++)
		curl_lib = dlopen(curl_sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!curl_lib) {
		snprintf(curl_error, sizeof(curl_error), "cannot load libcurl (%s): %s",
			 curl_sonames[0], dlerror());
		return;
	}
	if (curl_bind() || (c = curl_fns.global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		if (!curl_error[0])
			snprintf(curl_error, sizeof(curl_error), "libcurl: %s",
				 curl_fns.easy_strerror(c));
		dlclose(curl_lib);
		curl_lib = NULL;
	}
}

const struct http_curl *http_curl_get(struct ikw_err *err)
{
	pthread_once(&curl_once, curl_load);
	if (!curl_lib) {
		err_set(err, -ENOSYS, "%s", curl_error);
		return NULL;
	}
	return &curl_fns;
}

void http_curl_unload(void)
{
	/* the library stays mapped: its atexit handlers may still run */
	if (curl_lib)
		curl_fns.global_cleanup();
}
