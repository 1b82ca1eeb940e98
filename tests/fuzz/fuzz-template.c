/*
 * fuzz-template.c - parse and execute arbitrary templates against a fixed
 * document, then render the output through the tabwriter.
 *
 * The whole input is the template; its length modulo 3 picks the mode
 * (Podman normalisation, raw Go, header row) so every path is reached and
 * the seeds tests/unit/data/template/{valid,invalid}/NAME/input work as
 * they are.
 */
#include <stddef.h>
#include <stdint.h>

#include "cli/table.h"
#include "cli/template.h"

static const char doc[] =
	"{\"ID\":\"3f2a1b\",\"Names\":[\"web\",\"db\"],\"Image\":\"docker.io/library/nginx\","
	"\"Size\":1024,\"Ratio\":0.5,\"Running\":true,\"Nil\":null,"
	"\"Labels\":{\"app\":\"web\",\"env\":\"prod\"},\"L\":[0,1,2,3,4,5,6,7,8,9],"
	"\"Ports\":[{\"host\":8080,\"ctr\":80}],\"State\":{\"Status\":\"up\",\"Pid\":7},"
	"\"Deep\":{\"a\":{\"b\":{\"c\":[[1,[2,[3]]]]}}},\"Uni\":\"h\xc3\xa9\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *d;
	static json_t *headers;
	struct pod_err *err = NULL;
	struct pod_strbuf out = POD_STRBUF_INIT;
	struct pod_template *t;
	char *src;
	unsigned mode;

	if (!d) {
		json_error_t je;

		d = json_loads(doc, 0, &je);
		headers = json_pack("{s:s,s:s}", "ID", "CONTAINER ID", "Names", "NAMES");
		if (!d || !headers)
			abort();
	}
	if (size > 64 * 1024)
		return 0;
	mode = size % 3;
	src = pod_xstrndup((const char *) data, size);
	t = pod_template_parse("fuzz", src, mode == 1 ? POD_TEMPLATE_RAW : 0, &err);
	if (t) {
		if (mode == 2)
			(void) pod_template_exec_header(t, headers, &out, &err);
		else
			(void) pod_template_exec(t, d, &out, &err);
		pod_err_free(&err);
		(void) pod_template_exec(t, json_array_get(json_object_get(d, "Ports"), 0), &out,
					 &err);
		if (out.len > 2 * POD_TEMPLATE_MAX_OUTPUT + 2)
			abort(); /* the output bound was not enforced */
		struct pod_table *tab = pod_table_new();
		struct pod_strbuf rendered = POD_STRBUF_INIT;

		pod_table_add(tab, out.buf, out.len);
		pod_table_render(tab, &rendered);
		pod_table_free(tab);
		pod_strbuf_release(&rendered);
	}
	pod_err_free(&err);
	pod_template_free(t);
	pod_strbuf_release(&out);
	free(src);
	return 0;
}
