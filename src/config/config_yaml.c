#include "config/config_yaml.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int cfg_vfail(struct ikw_err *err, const char *file, const yaml_node_t *n,
	      const char *fmt, va_list ap)
{
	char why[sizeof(err->msg)];

	vsnprintf(why, sizeof(why), fmt, ap);
	return err_set(err, -EINVAL, "%s:%lu: %s", file,
		       n ? (unsigned long)n->start_mark.line + 1 : 0UL, why);
}

int cfg_fail(const struct cfg_yaml *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cfg_vfail(y->err, y->file, n, fmt, ap);
	va_end(ap);
	return r;
}

yaml_node_t *cfg_node(const struct cfg_yaml *y, int id)
{
	return yaml_document_get_node(y->doc, id);
}

const char *cfg_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int cfg_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; v && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(v, yes[i]))
			return *out = true, 0;
		if (!strcmp(v, no[i]))
			return *out = false, 0;
	}
	return -EINVAL;
}

int cfg_yaml_load(yaml_document_t *doc, const char *name, const char *text, size_t len,
		  size_t max, struct ikw_err *err)
{
	yaml_parser_t parser;
	int r = 0;

	if (len > max)
		return err_set(err, -EFBIG, "%s: larger than %zu bytes", name, max);
	if (!yaml_parser_initialize(&parser))
		return err_set(err, -ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, doc))
		r = err_set(err, -EINVAL, "%s:%lu: %s", name,
			    (unsigned long)parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "invalid YAML");
	yaml_parser_delete(&parser);
	return r;
}
