/* libFuzzer target: an untrusted action request body.  Whatever parses has
 * NUL-terminated keys and strings of valid UTF-8 without NUL, at most the
 * bounded number of members; written back with the JSON writer it parses
 * to the same members. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_in.h"
#include "common/json_out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_rewrite(const struct json_in_object *o)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_in_object again;
	struct json_out j;
	size_t i;

	json_init(&j, &sb);
	json_obj_begin(&j, NULL);
	for (i = 0; i < o->n; i++) {
		const struct json_in_member *m = &o->m[i];

		if (m->type == JSON_IN_STRING)
			json_str(&j, m->key, m->str);
		else if (m->type == JSON_IN_UINT)
			json_u64(&j, m->key, m->num);
		else if (m->type == JSON_IN_BOOL)
			json_bool(&j, m->key, m->num != 0);
		else
			json_null(&j, m->key);
	}
	json_obj_end(&j);
	if (strbuf_failed(&sb) || json_in_parse(sb.buf, sb.len, &again, NULL) ||
	    again.n != o->n)
		abort();
	for (i = 0; i < o->n; i++)
		if (strcmp(again.m[i].key, o->m[i].key) || again.m[i].type != o->m[i].type ||
		    strcmp(again.m[i].str, o->m[i].str) || again.m[i].num != o->m[i].num)
			abort();
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_in_object o;
	size_t i;

	if (json_in_parse((const char *)data, size, &o, NULL))
		return 0;
	if (o.n > JSON_IN_MEMBERS_MAX)
		abort();
	for (i = 0; i < o.n; i++)
		if (strlen(o.m[i].key) > JSON_IN_STR_MAX || strlen(o.m[i].str) > JSON_IN_STR_MAX)
			abort();
	fuzz_rewrite(&o);
	return 0;
}
