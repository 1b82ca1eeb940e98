/* output.c - one object as JSON or through a template */
#include "cli/output.h"
#include "cli/table.h"
#include "cli/template.h"
#include "core/json.h"
#include "core/strbuf.h"

#include <errno.h>

int
pod_output_one(const char *name, const char *format, json_t *obj, FILE *out,
	       struct pod_err **err)
{
	if (pod_format_is_json(format)) {
		cleanup_free char *s = pod_json_dumps_pretty(obj);
		if (fputs(s, out) == EOF || fputc('\n', out) == EOF)
			return pod_err_sys(err, "write /dev/stdout");
		return 0;
	}
	cleanup_(pod_template_freep) struct pod_template *t = pod_template_parse(name, format, 0, err);
	if (!t)
		return -1;
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	if (pod_template_exec(t, obj, &sb, err) < 0)
		return -1;
	if (pod_template_is_table(t)) {
		cleanup_(pod_table_freep) struct pod_table *tab = pod_table_new();
		pod_table_add_text(tab, sb.buf);
		return pod_table_flush(tab, out, err);
	}
	if (fwrite(sb.buf, 1, sb.len, out) != sb.len)
		return pod_err_sys(err, "write /dev/stdout");
	return 0;
}
