/* pod-export - a container's file system as a tar archive (`podman export`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "runtime/ctr_fs.h"

#include <fcntl.h>
#include <unistd.h>

static struct {
	char *output;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_STRING('o', "output", "string", &opt.output,
		       "Write to a specified file (default: stdout, which must be redirected)"),
	POD_OPT_END
};

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_close int fd = -1;

	if (!opt.output || !*opt.output) {
		if (isatty(STDOUT_FILENO))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "refusing to export to terminal. Use -o flag or "
					   "redirect");
	}
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0 ||
	    pod_ctr_lookup(e, ctx->args[0], &c, err) < 0)
		return -1;
	if (opt.output && *opt.output) {
		fd = open(opt.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return pod_err_sys(err, "creating %s", opt.output);
	}
	if (pod_ctr_export(e, c, fd >= 0 ? fd : STDOUT_FILENO, err) < 0)
		return -1;
	if (fd >= 0 && close(TAKE_FD(fd)) < 0)
		return pod_err_sys(err, "writing %s", opt.output);
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-export",
	.verb = "export",
	.summary = "Export container's filesystem contents as a tar archive",
	.description = "Writes the whole root file system of CONTAINER (running or not) as a "
		       "tar archive: owners, modes, times, symlinks, hardlinks and xattrs. "
		       "Volumes and bind mounts are not included. `podman import` turns it into "
		       "an image again.",
	.usage = "[options] CONTAINER",
	.examples = "podman export ctrID > myCtr.tar\n"
		    "podman export --output=\"myCtr.tar\" ctrID",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
