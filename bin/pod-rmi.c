/* pod-rmi - remove images (`podman rmi`, `podman image rm`) */
#include "cli/tool.h"
#include "core/fs.h"
#include "core/json.h"
#include "image/imagestore.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static struct {
	bool all, force, ignore, no_prune;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Remove all images"),
	POD_OPT_BOOL('f', "force", &opt.force,
		     "Force Removal of the image (also removes the containers that use it)"),
	POD_OPT_BOOL('i', "ignore", &opt.ignore, "Ignore errors if a specified image does not exist"),
	POD_OPT_BOOL(0, "no-prune", &opt.no_prune, "Do not remove dangling images"),
	POD_OPT_END
};

/* containers go through pod-rm beside this executable, so rm's cleanup runs */
static int
rm_container(void *ctx, const char *id, struct pod_err **err)
{
	cleanup_free char *tool = pod_self_tool("pod-rm");
	char *argv[] = { "pod-rm", "--force", (char *) id, NULL };
	pid_t pid;
	int status, rc;

	(void) ctx;
	if (!tool)
		tool = xstrdup("pod-rm");
	rc = strchr(tool, '/') ? posix_spawn(&pid, tool, NULL, NULL, argv, environ)
			       : posix_spawnp(&pid, tool, NULL, NULL, argv, environ);
	if (rc != 0) {
		errno = rc;
		return pod_err_sys(err, "running pod-rm");
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return pod_err_sys(err, "waiting for pod-rm");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "pod-rm --force %s failed", id);
	return 0;
}

static int
print_report(struct pod_ctx *ctx, const struct pod_image *img,
	     const struct pod_image_rm_report *r, struct pod_err **err)
{
	if (ctx->g.dispatched) {
		for (size_t i = 0; r->untagged && r->untagged[i]; i++)
			printf("Untagged: %s\n", r->untagged[i]);
		if (r->deleted)
			printf("Deleted: %s\n", img->id);
		return 0;
	}
	cleanup_json json_t *rec = json_pack("{s:s, s:s, s:o, s:b}", "Type", "image", "Id",
					     img->id, "Untagged", json_array(), "Deleted",
					     r->deleted);

	for (size_t i = 0; r->untagged && r->untagged[i]; i++)
		json_array_append_new(json_object_get(rec, "Untagged"),
				      json_string(r->untagged[i]));
	return pod_json_print_line(stdout, rec, err);
}

static int
rm_one(struct pod_ctx *ctx, struct pod_imagestore *is, const char *name, struct pod_err **err)
{
	cleanup_image struct pod_image *img = NULL;
	struct pod_image_rm_report r = { 0 };
	int rc;

	if (pod_image_lookup(is, name, &img, err) < 0) {
		if (opt.ignore && (*err)->kind == POD_E_NOTFOUND) {
			pod_err_free(err);
			return 0;
		}
		return -1;
	}
	if (pod_image_remove(is, img, name, opt.force, rm_container, NULL, &r, err) < 0)
		return -1;
	rc = print_report(ctx, img, &r, err);
	pod_image_rm_report_release(&r);
	return rc;
}

static int
report(struct pod_ctx *ctx, struct pod_err **err)
{
	int code = pod_tool_exit_code(ctx->tool, *err);

	fflush(stdout);
	pod_err_print(*err);
	pod_err_free(err);
	/* Podman: "in use" wins over "not found", both over success */
	if (ctx->status == 0 || code == 2 || (code == 125 && ctx->status == 1))
		ctx->status = code;
	return 0;
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;

	if (opt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "when using the --all switch, you may not pass any images names "
				   "or IDs");
	if (!opt.all && !ctx->args[0] && isatty(STDIN_FILENO))
		return pod_err_set(err, POD_E_INVALID, 0, "image name or ID must be specified");
	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, false,
				     &is, err) < 0)
		return -1;
	if (opt.all) {
		struct pod_image **v = NULL;
		size_t n = 0;

		if (pod_image_list(is, &v, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (rm_one(ctx, is, v[i]->id, err) < 0)
				report(ctx, err);
		pod_image_list_free(v, n);
	} else if (ctx->args[0]) {
		for (size_t i = 0; ctx->args[i]; i++)
			if (rm_one(ctx, is, ctx->args[i], err) < 0)
				report(ctx, err);
	} else {
		struct pod_record_reader rr;

		pod_record_reader_init(&rr, stdin, "stdin");
		for (;;) {
			cleanup_free char *t = NULL;
			int r = pod_record_reader_next(&rr, "image", &t, err);

			if (r < 0) {
				report(ctx, err);
				break;
			}
			if (r == 0)
				break;
			if (rm_one(ctx, is, t, err) < 0)
				report(ctx, err);
		}
		pod_record_reader_release(&rr);
	}
	{
		struct pod_err *e = NULL;

		if (pod_imagestore_gc(is, &e) < 0)
			pod_err_free(&e);
	}
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-rmi",
	.verb = "rmi",
	.summary = "Remove one or more images from local storage",
	.description = "Removes one or more locally stored images. Given one of several names, "
		       "only that name is removed. Layers no other image uses are deleted.\n\n"
		       "Run as `podman rmi` it prints `Untagged: NAME` and `Deleted: ID` lines "
		       "like Podman; as pod-rmi, one record per image ({Type, Id, Untagged, "
		       "Deleted}). Without arguments, targets are read from stdin records.",
	.usage = "[options] IMAGE [IMAGE...]",
	.examples = "podman rmi imageID\npodman rmi --force alpine\n"
		    "podman rmi c4dfb1609ee2 93fd78260bd1 c0ed59d05ff7",
	.options = options,
	.max_args = -1,
	.run = run,
	.exit_code = { [POD_E_NOTFOUND] = 1, [POD_E_INUSE] = 2 },
	.exit_status_doc = "0  All specified images removed\n\n1  One of the specified "
			   "images did not exist, and no other failures\n\n2  One of the "
			   "specified images has child images or is being used by a container\n\n"
			   "125  The command fails for any other reason",
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
