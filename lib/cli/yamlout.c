/* yamlout.c - JSON value -> YAML text, in yaml.v2's style */
#include "cli/yamlout.h"

#include <ctype.h>
#include <math.h>

static bool
looks_like_scalar(const char *s)
{
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off", "y", "n",
					     "null", "~", ".inf", "-.inf", ".nan", NULL };
	char *end = NULL;

	for (size_t i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	(void) strtod(s, &end);
	if (end && end != s && *end == '\0')
		return true;
	return false;
}

static bool
needs_single_quotes(const char *s)
{
	size_t n = strlen(s);

	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || isspace((unsigned char) s[0]) ||
	    isspace((unsigned char) s[n - 1]))
		return true;
	if (strstr(s, ": ") || strstr(s, " #") || s[n - 1] == ':')
		return true;
	return false;
}

static void
emit_string_at(const char *s, int indent, struct pod_strbuf *out)
{
	if (indent >= 0 && strchr(s, '\n') && !strchr(s, '\r')) {
		/* yaml.v2 writes multi-line text as a literal block, "|-" when it
		 * does not end with a newline */
		size_t n = strlen(s);
		bool trail = s[n - 1] == '\n';
		pod_strbuf_adds(out, trail ? "|" : "|-");
		for (const char *p = s; *p;) {
			const char *nl = strchrnul(p, '\n');
			pod_strbuf_addch(out, '\n');
			if (nl > p) {
				for (int i = 0; i < indent + 2; i++)
					pod_strbuf_addch(out, ' ');
				pod_strbuf_add(out, p, (size_t) (nl - p));
			}
			p = *nl ? nl + 1 : nl;
		}
		return;
	}
	if (!*s) {
		pod_strbuf_adds(out, "\"\"");
		return;
	}
	bool ctl = false;
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			ctl = true;
	if (ctl || looks_like_scalar(s)) {
		pod_strbuf_addch(out, '"');
		for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
			if (*p == '"' || *p == '\\')
				pod_strbuf_addf(out, "\\%c", *p);
			else if (*p == '\n')
				pod_strbuf_adds(out, "\\n");
			else if (*p == '\t')
				pod_strbuf_adds(out, "\\t");
			else if (*p < 0x20 || *p == 0x7f)
				pod_strbuf_addf(out, "\\x%02X", *p);
			else
				pod_strbuf_addch(out, (char) *p);
		}
		pod_strbuf_addch(out, '"');
		return;
	}
	if (needs_single_quotes(s)) {
		pod_strbuf_addch(out, '\'');
		for (const char *p = s; *p; p++) {
			if (*p == '\'')
				pod_strbuf_addch(out, '\'');
			pod_strbuf_addch(out, *p);
		}
		pod_strbuf_addch(out, '\'');
		return;
	}
	pod_strbuf_adds(out, s);
}

static void
emit_string(const char *s, struct pod_strbuf *out)
{
	emit_string_at(s, -1, out);
}

static void
emit_scalar_at(json_t *v, int indent, struct pod_strbuf *out)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		emit_string_at(json_string_value(v), indent, out);
		break;
	case JSON_INTEGER:
		pod_strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL: {
		double d = json_real_value(v);
		if (d == floor(d) && fabs(d) < 1e15)
			pod_strbuf_addf(out, "%.0f", d);
		else
			pod_strbuf_addf(out, "%.15g", d);
		break;
	}
	case JSON_TRUE:
		pod_strbuf_adds(out, "true");
		break;
	case JSON_FALSE:
		pod_strbuf_adds(out, "false");
		break;
	case JSON_NULL:
		pod_strbuf_adds(out, "null");
		break;
	case JSON_OBJECT:
		pod_strbuf_adds(out, "{}");
		break;
	case JSON_ARRAY:
		pod_strbuf_adds(out, "[]");
		break;
	}
}

static void
emit_scalar(json_t *v, struct pod_strbuf *out)
{
	emit_scalar_at(v, -1, out);
}

static bool
is_block(json_t *v)
{
	return (json_is_object(v) && json_object_size(v) > 0) ||
	       (json_is_array(v) && json_array_size(v) > 0);
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void emit_node(json_t *v, int indent, struct pod_strbuf *out);

static void
indent_to(int n, struct pod_strbuf *out)
{
	for (int i = 0; i < n; i++)
		pod_strbuf_addch(out, ' ');
}

static void
emit_map(json_t *v, int indent, bool first_inline, struct pod_strbuf *out)
{
	size_t n = json_object_size(v), i = 0;
	const char **keys = xcalloc(n, sizeof(*keys));
	const char *k;
	json_t *val;

	json_object_foreach(v, k, val)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_keys);
	for (i = 0; i < n; i++) {
		json_t *c = json_object_get(v, keys[i]);

		if (!(i == 0 && first_inline))
			indent_to(indent, out);
		emit_string(keys[i], out);
		pod_strbuf_addch(out, ':');
		if (is_block(c)) {
			pod_strbuf_addch(out, '\n');
			/* yaml.v2 puts a sequence under a key at the key's indentation */
			emit_node(c, json_is_array(c) ? indent : indent + 2, out);
		} else {
			pod_strbuf_addch(out, ' ');
			emit_scalar_at(c, indent, out);
			pod_strbuf_addch(out, '\n');
		}
	}
	free(keys);
}

static void
emit_node(json_t *v, int indent, struct pod_strbuf *out)
{
	if (json_is_object(v) && json_object_size(v) > 0) {
		emit_map(v, indent, false, out);
	} else if (json_is_array(v) && json_array_size(v) > 0) {
		size_t i;
		json_t *e;

		json_array_foreach(v, i, e) {
			indent_to(indent, out);
			pod_strbuf_adds(out, "- ");
			if (json_is_object(e) && json_object_size(e) > 0)
				emit_map(e, indent + 2, true, out);
			else if (json_is_array(e) && json_array_size(e) > 0) {
				pod_strbuf_addch(out, '\n');
				emit_node(e, indent + 2, out);
			} else {
				emit_scalar(e, out);
				pod_strbuf_addch(out, '\n');
			}
		}
	} else {
		indent_to(indent, out);
		emit_scalar(v, out);
		pod_strbuf_addch(out, '\n');
	}
}

void
pod_yaml_emit(json_t *v, struct pod_strbuf *out)
{
	emit_node(v, 0, out);
}
