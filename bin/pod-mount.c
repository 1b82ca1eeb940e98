/* pod-mount - mount a container's root file system (`podman mount`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/id.h"
#include "core/json.h"
#include "runtime/ctr_fs.h"

static struct {
	bool all;
	char *format;
	bool no_trunc;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Mount all containers"),
	POD_OPT_STRING(0, "format", "FORMAT", &opt.format,
		       "Print the mounted containers in specified format (json)"),
	POD_OPT_BOOL(0, "no-trunc", &opt.no_trunc, "Do not truncate output"),
	POD_OPT_END
};

/* one mounted container, printed or added to the JSON array (data) */
static int
list_one(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	json_t *arr = data;
	cleanup_free char *path = NULL;
	char sid[POD_ID_SHORT_LEN + 1];

	if (!pod_ctr_is_mounted(e, c))
		return 0;
	path = pod_ctr_rootfs(e, c);
	if (arr) {
		json_array_append_new(arr, json_pack("{s:s, s:[s], s:o}", "id", c->id, "Names",
						     c->name, "mountpoint", pod_json_string(path)));
		return 0;
	}
	pod_id_short(c->id, sid);
	printf("%s  %s\n", opt.no_trunc ? c->id : sid, path);
	return 0;
}

static int
list(struct pod_engine *e, struct pod_err **err)
{
	bool json = opt.format && STREQ(opt.format, "json");
	cleanup_json json_t *arr = json ? json_array() : NULL;

	if (opt.format && !json)
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported format \"%s\": only json",
				   opt.format);
	if (pod_ctr_each(e, 0, list_one, arr, err) < 0)
		return -1;
	if (json) {
		cleanup_free char *text = json_dumps(arr, JSON_INDENT(1));

		printf("%s\n", text);
	}
	return 0;
}

static int
mount_one(struct pod_engine *e, struct pod_ctr *c, bool all, struct pod_err **err)
{
	cleanup_free char *path = NULL;
	char sid[POD_ID_SHORT_LEN + 1];

	if (pod_ctr_mount(e, c, &path, err) < 0)
		return -1;
	pod_id_short(c->id, sid);
	if (all)
		printf("%s  %s\n", opt.no_trunc ? c->id : sid, path);
	else
		printf("%s\n", path);
	return 0;
}

static int
mount_listed(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	return mount_one(e, c, true, err);
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	size_t n = pod_strv_len(ctx->args);

	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	if (opt.all) {
		if (n)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "when using the --all switch, you may not pass any "
					   "containers names or IDs");
		return pod_ctr_each(e, 0, mount_listed, NULL, err);
	}
	if (!n)
		return list(e, err);
	for (size_t i = 0; i < n; i++) {
		cleanup_ctr struct pod_ctr *c = NULL;
		struct pod_err *e2 = NULL;

		if (pod_ctr_lookup(e, ctx->args[i], &c, &e2) < 0 ||
		    mount_one(e, c, false, &e2) < 0) {
			if (i + 1 == n) {
				*err = e2;
				return -1;
			}
			fprintf(stderr, "Error: %s\n", e2->msg);
			pod_err_free(&e2);
			ctx->status = 125;
		}
	}
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-mount",
	.verb = "mount",
	.summary = "Mount a working container's root filesystem",
	.description = "Mounts the root file system of each CONTAINER (when it is not mounted "
		       "yet) and prints where, one path per container (with --all, \"ID  PATH\" "
		       "lines). Each mount is counted: the file system stays mounted, also after "
		       "the container stops, until as many `podman unmount` calls (or one "
		       "`unmount --force`). Without a container, lists the mounted containers "
		       "(running ones included).",
	.usage = "[options] [CONTAINER...]",
	.examples = "podman mount ctrID\n"
		    "podman mount\n"
		    "podman mount --format json",
	.options = options,
	.max_args = -1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
