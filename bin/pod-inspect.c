/* pod-inspect - the configuration of containers and images (`podman inspect`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/template.h"
#include "cli/tool.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "runtime/pod.h"

static struct {
	char *format, *type;
	bool size, latest;
} opt;

static struct pod_engine *engine;
/*
 * The JSON array, printed an object at a time as each is found: 1000
 * containers' objects held at once took 50 MiB.
 */
static struct pod_record_out *json_out;
static struct pod_err *out_err; /* the first output error: no more output after it */
static char **missing;		/* errors printed after the output, as Podman does */

static json_t *
image_json(const struct pod_ctr_image *img)
{
	json_t *cfg = img->config;
	json_t *repo_digests = json_array(), *n;
	size_t i;

	json_array_foreach(img->names, i, n) {
		const char *s = json_string_value(n), *colon = strrchr(s, ':');
		const char *slash = strrchr(s, '/');
		if (img->digest && colon && (!slash || colon > slash)) {
			cleanup_free char *d = xasprintf("%.*s@%s", (int) (colon - s), s,
							 img->digest);
			json_array_append_new(repo_digests, pod_json_string(d));
		}
	}
	return json_pack("{s:s, s:s, s:O, s:o, s:s, s:s, s:O, s:O, s:s, s:s, s:O, s:O, s:I, s:I, "
			 "s:{s:s, s:n}, s:O, s:O, s:O, s:s, s:s, s:O, s:O}",
			 "Id", img->id, "Digest", img->digest ? img->digest : "", "RepoTags",
			 img->names, "RepoDigests", repo_digests, "Parent", "", "Comment", "",
			 "Created", json_object_get(cfg, "created") ?: json_null(),
			 "Config", json_object_get(cfg, "config") ?: json_null(), "Version", "",
			 "Author", "",
			 "Architecture", json_object_get(cfg, "architecture") ?: json_null(),
			 "Os", json_object_get(cfg, "os") ?: json_null(), "Size",
			 (json_int_t) img->size, "VirtualSize", (json_int_t) img->size,
			 "GraphDriver", "Name", "overlay", "Data", "RootFS",
			 json_object_get(cfg, "rootfs") ?: json_null(), "Labels",
			 json_object_get(json_object_get(cfg, "config"), "Labels") ?: json_null(),
			 "Annotations", json_object(), "ManifestType",
			 "application/vnd.oci.image.manifest.v1+json", "User",
			 json_string_value(json_object_get(json_object_get(cfg, "config"), "User")) ?:
				 "",
			 "History", json_object_get(cfg, "history") ?: json_null(),
			 "NamesHistory", img->names);
}

static int
inspect_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	bool want_ctr = !opt.type || STREQ(opt.type, "all") || STREQ(opt.type, "container");
	bool want_img = !opt.type || STREQ(opt.type, "all") || STREQ(opt.type, "image");
	bool want_pod = !opt.type || STREQ(opt.type, "all") || STREQ(opt.type, "pod");
	struct pod_err *e2 = NULL;
	json_t *obj = NULL;

	if (want_ctr) {
		cleanup_ctr struct pod_ctr *c = NULL;
		if (pod_ctr_lookup(engine, target, &c, &e2) == 0) {
			obj = pod_ctr_inspect_json(engine, c);
			if (opt.size) {
				cleanup_json json_t *ps = pod_ctr_ps_json(engine, c, true,
									  pod_now_ns());
				json_t *s = json_object_get(ps, "Size");
				json_object_set(obj, "SizeRw", json_object_get(s, "RwSize"));
				json_object_set(obj, "SizeRootFs", json_object_get(s, "RootFsSize"));
			}
			if (!ctx->g.dispatched)
				json_object_set_new(obj, "Type", json_string("container"));
		} else if (e2->kind != POD_E_NOTFOUND) {
			*err = e2;
			return -1;
		} else {
			pod_err_free(&e2);
		}
	}
	if (!obj && want_img) {
		cleanup_(pod_ctr_image_freep) struct pod_ctr_image *img = NULL;
		if (pod_ctr_image_lookup(engine, target, &img, &e2) == 0) {
			obj = image_json(img);
			if (!ctx->g.dispatched)
				json_object_set_new(obj, "Type", json_string("image"));
		} else if (e2->kind != POD_E_NOTFOUND) {
			*err = e2;
			return -1;
		} else {
			pod_err_free(&e2);
		}
	}
	if (!obj && want_pod) {
		cleanup_pod struct pod_pod *p = NULL;
		if (pod_pod_lookup(engine, target, &p, &e2) == 0) {
			struct pod_ctr **m = NULL;
			size_t n = 0;
			if (pod_pod_members(engine, p, &m, &n, err) < 0)
				return -1;
			obj = pod_pod_inspect_json(engine, p, m, n);
			pod_ctr_list_free(m, n);
			if (!ctx->g.dispatched)
				json_object_set_new(obj, "Type", json_string("pod"));
		} else if (e2->kind != POD_E_NOTFOUND) {
			*err = e2;
			return -1;
		} else {
			pod_err_free(&e2);
		}
	}
	if (!obj) {
		if (opt.type && STREQ(opt.type, "pod"))
			missing = pod_strv_push(missing, xasprintf("no such pod %s", target));
		else if (opt.type && STREQ(opt.type, "container"))
			missing = pod_strv_push(missing, xasprintf("no such container %s", target));
		else if (opt.type && STREQ(opt.type, "image"))
			missing = pod_strv_push(missing, xasprintf("%s: image not known", target));
		else
			missing = pod_strv_push(missing,
						xasprintf("no such object: \"%s\"", target));
		return 0;
	}
	if (!ctx->g.dispatched && !(opt.format && *opt.format)) {
		int r = pod_json_print_line(stdout, obj, err);
		json_decref(obj);
		return r;
	}
	if (!out_err) {
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
		if (!json_out)
			(void) pod_output_one("inspect", opt.format, obj, stdout, &out_err);
		else if (pod_record_out_render(json_out, obj, &sb, &out_err) == 0)
			(void) pod_record_out_put(json_out, sb.buf, sb.len, &out_err);
	}
	json_decref(obj);
	return 0;
}

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	if (opt.type && !STREQ(opt.type, "all") && !STREQ(opt.type, "container") &&
	    !STREQ(opt.type, "image") && !STREQ(opt.type, "pod"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid type \"%s\": must be one of "
				   "container, image, pod, all", opt.type);
	if ((ctx->g.dispatched || (opt.format && *opt.format)) &&
	    (!opt.format || !*opt.format || pod_format_is_json(opt.format))) {
		json_out = pod_record_out_new("inspect", "json", NULL, false,
					      POD_RECORD_OUT_JANSSON, stdout, err);
		if (!json_out)
			return -1;
	}
	if (pod_cli_engine(&ctx->g, false, &engine, err) < 0)
		return -1;
	if (opt.latest && pod_cli_use_latest(ctx, engine, err) < 0)
		return -1;
	return 0;
}

static int
finish(struct pod_ctx *ctx, struct pod_err **err)
{
	int r = 0;

	/* Podman prints the array even when something was missing */
	if (out_err) {
		*err = TAKE_PTR(out_err);
		r = -1;
	} else if (json_out && pod_record_out_end(json_out, err) < 0) {
		r = -1;
	}
	json_out = pod_record_out_free(json_out);
	fflush(stdout);
	for (size_t i = 0; missing && missing[i]; i++) {
		fprintf(stderr, "Error: %s\n", missing[i]);
		ctx->status = 125;
	}
	pod_strv_free(missing);
	engine = pod_engine_free(engine);
	return r;
}

static const struct pod_opt options[] = {
	POD_OPT_STRING('f', "format", "string", &opt.format,
		       "Format the output to a Go template or json"),
	POD_OPT_BOOL('l', "latest", &opt.latest,
		     "Act on the latest container podman is aware of"),
	POD_OPT_BOOL('s', "size", &opt.size, "Display total file size"),
	POD_OPT_STRING('t', "type", "string", &opt.type,
		       "Specify inspect-object type (\"image\", \"container\", \"pod\" or \"all\")"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-inspect",
	.verb = "inspect",
	.summary = "Display the configuration of object denoted by ID",
	.description = "Displays the low-level information on containers and images identified "
		       "by name or ID, as a JSON array (Podman's keys) or through --format.",
	.usage = "[options] {CONTAINER|IMAGE} [...]",
	.examples = "podman inspect fedora\npodman inspect --type image fedora\n"
		    "podman inspect CtrID ImgID\npodman inspect --format \"imageId: {{.Id}} "
		    "size: {{.Size}}\" fedora",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.min_args = 1,
	.target_type = NULL,
	.setup = setup,
	.each_target = inspect_one,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
