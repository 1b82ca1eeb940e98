/* format.c - printing records for a --format value, as Podman does */
#include "cli/internal.h"
#include "cli/table.h"
#include "cli/template.h"
#include "core/json.h"

#include <errno.h>

static size_t
skip_spaces(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\v' ||
	       s[i] == '\f')
		i++;
	return i;
}

/*
 * Podman 4.3's report.IsJSON: ^\s*(json|{{\s*json\s*( \.)?\s*}})\s*$, so
 * "{{json .}}" prints the whole list as one JSON array.
 */
bool
pod_format_is_json(const char *format)
{
	size_t i = skip_spaces(format, 0);

	if (!strncmp(format + i, "json", 4)) {
		i += 4;
	} else if (!strncmp(format + i, "{{", 2)) {
		i = skip_spaces(format, i + 2);
		if (strncmp(format + i, "json", 4) != 0)
			return false;
		i += 4;
		size_t j = skip_spaces(format, i);

		if (format[j] == '.' && j > i && format[j - 1] == ' ')
			i = j + 1;
		i = skip_spaces(format, i);
		if (strncmp(format + i, "}}", 2) != 0)
			return false;
		i += 2;
	} else {
		return false;
	}
	return format[skip_spaces(format, i)] == '\0';
}

int
pod_format_records_buf(const char *name, const char *format, json_t *records, json_t *headers,
		       bool noheading, struct pod_strbuf *out, struct pod_err **err)
{
	cleanup_(pod_template_freep) struct pod_template *t = NULL;
	cleanup_(pod_table_freep) struct pod_table *table = NULL;
	cleanup_strbuf struct pod_strbuf row = POD_STRBUF_INIT;
	size_t i;

	if (!json_is_array(records))
		return pod_err_set(err, POD_E_INVALID, 0, "records must be a JSON array");
	if (pod_format_is_json(format)) {
		pod_go_json(out, records, POD_GO_JSON_ESCAPE_HTML | POD_GO_JSON_INDENT);
		pod_strbuf_addch(out, '\n');
		return 0;
	}
	t = pod_template_parse(name, format, 0, err);
	if (!t)
		return -1;
	if (!pod_template_is_table(t)) {
		if (pod_template_ranges_over_list(t))
			return pod_template_exec(t, records, out, err);
		for (i = 0; i < json_array_size(records); i++)
			if (pod_template_exec(t, json_array_get(records, i), out, err) < 0)
				return -1;
		return 0;
	}
	table = pod_table_new();
	if (!noheading) {
		if (pod_template_exec_header(t, headers, &row, err) < 0)
			return -1;
		pod_table_add(table, row.buf, row.len);
	}
	for (i = 0; i < json_array_size(records); i++) {
		pod_strbuf_reset(&row);
		if (pod_template_exec(t, json_array_get(records, i), &row, err) < 0)
			return -1;
		pod_table_add(table, row.buf, row.len);
	}
	pod_table_render(table, out);
	return 0;
}

int
pod_format_records(const char *name, const char *format, json_t *records, json_t *headers,
		   bool noheading, FILE *out, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	if (pod_format_records_buf(name, format, records, headers, noheading, &sb, err) < 0)
		return -1;
	if (sb.len && fwrite(sb.buf, 1, sb.len, out) != sb.len)
		return pod_err_set(err, POD_E_IO, errno, "write error: %s", pod_strerror(errno));
	if (fflush(out) != 0)
		return pod_err_set(err, POD_E_IO, errno, "write error: %s", pod_strerror(errno));
	return 0;
}

struct pod_record_out {
	FILE *out;
	unsigned flags;
	bool json;
	size_t n; /* JSON elements printed */
	struct pod_template *t;
	struct pod_table *table; /* a table template's rows, aligned at the end */
};

struct pod_record_out *
pod_record_out_new(const char *name, const char *format, json_t *headers, bool noheading,
		   unsigned flags, FILE *out, struct pod_err **err)
{
	struct pod_record_out *o = xcalloc(1, sizeof(*o));

	o->out = out;
	o->flags = flags;
	o->json = pod_format_is_json(format);
	if (o->json)
		return o;
	o->t = pod_template_parse(name, format, 0, err);
	if (!o->t)
		return pod_record_out_free(o);
	if (pod_template_is_table(o->t)) {
		o->table = pod_table_new();
		if (!noheading) {
			cleanup_strbuf struct pod_strbuf row = POD_STRBUF_INIT;
			if (pod_template_exec_header(o->t, headers, &row, err) < 0)
				return pod_record_out_free(o);
			pod_table_add(o->table, row.buf, row.len);
		}
	}
	return o;
}

bool
pod_record_out_whole(const struct pod_record_out *o)
{
	return o->t && !o->table && pod_template_ranges_over_list(o->t);
}

/*
 * An array element's text starts at its own indentation: the array's
 * framing ("[", ",", the newline and four spaces before each element, "]")
 * is pod_record_out_put()'s and pod_record_out_end()'s.
 */
int
pod_record_out_render(struct pod_record_out *o, json_t *rec, struct pod_strbuf *sb,
		      struct pod_err **err)
{
	if (!o->json)
		return pod_template_exec(o->t, rec, sb, err);
	if (!(o->flags & POD_RECORD_OUT_JANSSON)) {
		pod_go_json_at(sb, rec, POD_GO_JSON_ESCAPE_HTML | POD_GO_JSON_INDENT, 1);
		return 0;
	}
	/* jansson indents from depth 0: every line after the first goes one level in */
	cleanup_free char *s = pod_json_dumps_pretty(rec);
	for (const char *p = s, *nl; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		pod_strbuf_add(sb, p, (size_t) (nl - p));
		if (!*nl)
			break;
		pod_strbuf_adds(sb, "\n    ");
	}
	return 0;
}

static int
record_out_write(struct pod_record_out *o, const char *text, size_t len, struct pod_err **err)
{
	if (len && fwrite(text, 1, len, o->out) != len)
		return pod_err_set(err, POD_E_IO, errno, "write error: %s", pod_strerror(errno));
	return 0;
}

int
pod_record_out_put(struct pod_record_out *o, const char *text, size_t len, struct pod_err **err)
{
	if (o->table) {
		pod_table_add(o->table, text, len);
		return 0;
	}
	if (o->json && record_out_write(o, o->n++ ? ",\n    " : "[\n    ", 6, err) < 0)
		return -1;
	return record_out_write(o, text, len, err);
}

int
pod_record_out_end(struct pod_record_out *o, struct pod_err **err)
{
	if (o->table) {
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
		pod_table_render(o->table, &sb);
		if (record_out_write(o, sb.buf, sb.len, err) < 0)
			return -1;
	} else if (o->json && record_out_write(o, o->n ? "\n]\n" : "[]\n", 3, err) < 0) {
		return -1;
	}
	if (fflush(o->out) != 0)
		return pod_err_set(err, POD_E_IO, errno, "write error: %s", pod_strerror(errno));
	return 0;
}

struct pod_record_out *
pod_record_out_free(struct pod_record_out *o)
{
	if (!o)
		return NULL;
	pod_template_free(o->t);
	pod_table_free(o->table);
	free(o);
	return NULL;
}

void
pod_record_out_freep(struct pod_record_out **o)
{
	*o = pod_record_out_free(*o);
}
