/* format.c - printing records for a --format value, as Podman does */
#include "cli/internal.h"
#include "cli/table.h"
#include "cli/template.h"

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
