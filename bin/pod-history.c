/* pod-history - show the history of an image (`podman history`, `podman image history`) */
#include "cli/table.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "image/imagestore.h"
#include "image/manifest.h"

#include <inttypes.h>

static struct {
	bool human, no_trunc, quiet;
	char *format;
} hopt = { .human = true };

static const struct pod_opt history_options[] = {
	POD_OPT_STRING(0, "format", "string", &hopt.format,
		       "Change the output to JSON or a Go template"),
	POD_OPT_BOOL('H', "human", &hopt.human, "Display sizes and dates in human readable format"),
	POD_OPT_BOOL(0, "no-trunc", &hopt.no_trunc, "Do not truncate the output"),
	POD_OPT_BOOL('q', "quiet", &hopt.quiet, "Display the numeric IDs only"),
	POD_OPT_END
};

static int
history_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_image struct pod_image *img = NULL;
	cleanup_json json_t *h = NULL;
	cleanup_json json_t *rows = json_array();
	int64_t now = pod_now_ns();
	size_t i;
	json_t *e;

	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, true,
				     &is, err) < 0 ||
	    pod_image_lookup(is, ctx->args[0], &img, err) < 0)
		return -1;
	h = pod_image_history_json(is, img, err);
	if (!h)
		return -1;
	if (hopt.format && pod_format_is_json(hopt.format))
		return pod_format_records("history", hopt.format, h, NULL, false, stdout, err);
	if (!ctx->g.dispatched && !hopt.format && !hopt.quiet) {
		json_array_foreach(h, i, e) {
			json_t *rec = json_pack("{s:s}", "Type", "history");
			int rc;

			json_object_update(rec, e);
			rc = pod_json_print_line(stdout, rec, err);
			json_decref(rec);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	json_array_foreach(h, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *created = json_string_value(json_object_get(e, "created"));
		const char *by = json_string_value(json_object_get(e, "CreatedBy"));
		int64_t t = 0, size = json_integer_value(json_object_get(e, "size"));
		char sid[POD_ID_SHORT_LEN + 1];
		cleanup_free char *c = NULL, *s = NULL, *b = NULL;
		json_t *r;

		(void) pod_parse_rfc3339(created, &t);
		if (hopt.human) {
			c = pod_human_ago(t, now);
			s = pod_human_size_prec(size, 3, true);
		} else {
			c = xstrdup(created);
			s = xasprintf("%" PRId64, size);
		}
		if (!hopt.no_trunc && STREQ(id, img->id)) {
			pod_id_short(id, sid);
			id = sid;
		}
		if (!hopt.no_trunc && by && strlen(by) > 45)
			b = xasprintf("%.42s...", by);
		else
			b = xstrdup(by ? by : "");
		r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "ID", id, "Created", c, "CreatedBy",
			      b, "Size", s, "Comment",
			      json_string_value(json_object_get(e, "comment"))
				      ? json_string_value(json_object_get(e, "comment"))
				      : "",
			      "CreatedAt", created);
		json_object_set(r, "Tags", json_object_get(e, "tags"));
		json_array_append_new(rows, r);
	}
	if (hopt.quiet) {
		json_array_foreach(rows, i, e)
			if (pod_print_line(json_string_value(json_object_get(e, "ID")), err) < 0)
				return -1;
		return 0;
	}
	return pod_format_records("history",
				  hopt.format && *hopt.format
					  ? hopt.format
					  : "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}"
					    "\t{{.Comment}}",
				  rows, NULL, false, stdout, err);
}

static const struct pod_tool tool = {
	.name = "pod-history",
	.verb = "history",
	.summary = "Show history of a specified image",
	.description = "Displays the history of an image: one line per history entry of its "
		       "config, newest first, the newest carrying the image ID.",
	.usage = "[options] IMAGE",
	.examples = "podman history debian\npodman history --format json debian",
	.options = history_options,
	.min_args = 1,
	.max_args = 1,
	.run = history_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
