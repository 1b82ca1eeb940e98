/* pod-unmount - unmount a container's root file system (`podman unmount`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "runtime/ctr_fs.h"

static struct {
	bool all;
	bool force;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Unmount all of the currently mounted containers"),
	POD_OPT_BOOL('f', "force", &opt.force,
		     "Force the complete unmount of the specified mounted containers"),
	POD_OPT_END
};

/* --all: each mounted container; the first failure stops */
static int
unmount_listed(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	if (!pod_ctr_is_mounted(e, c) && pod_ctr_mount_count(e, c) == 0)
		return 0;
	if (pod_ctr_unmount(e, c, opt.force, err) < 0)
		return -1;
	printf("%s\n", c->id);
	return 0;
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	size_t n = pod_strv_len(ctx->args);

	if (opt.all && n)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "when using the --all switch, you may not pass any containers "
				   "names or IDs");
	if (!opt.all && !n)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "you must provide at least one container name or ID");
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	if (opt.all)
		return pod_ctr_each(e, 0, unmount_listed, NULL, err);
	for (size_t i = 0; i < n; i++) {
		cleanup_ctr struct pod_ctr *c = NULL;
		struct pod_err *e2 = NULL;

		if (pod_ctr_lookup(e, ctx->args[i], &c, &e2) < 0 ||
		    pod_ctr_unmount(e, c, opt.force, &e2) < 0) {
			if (i + 1 == n) {
				*err = e2;
				return -1;
			}
			fprintf(stderr, "Error: %s\n", e2->msg);
			pod_err_free(&e2);
			ctx->status = 125;
			continue;
		}
		printf("%s\n", ctx->args[i]);
	}
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-unmount",
	.verb = "unmount",
	.summary = "Unmount working container's root filesystem",
	.description = "Takes one `podman mount` count of each CONTAINER back and unmounts its "
		       "root file system when none is left, unless the container runs (it stays "
		       "mounted until it stops). --force drops every count. Prints each container "
		       "as given.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman unmount containerID\n"
		    "podman unmount containerID1 containerID2\n"
		    "podman unmount --all",
	.options = options,
	.max_args = -1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
