/* pod-cp - copy files between a container and the host (`podman cp`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "runtime/ctr_fs.h"

#include <unistd.h>

static struct {
	bool archive;
	bool overwrite;
} opt = { .archive = true };

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "archive", &opt.archive,
		     "Chown copied files to the primary uid/gid of the destination container. "
		     "(default true)"),
	POD_OPT_BOOL(0, "overwrite", &opt.overwrite,
		     "Allow to overwrite directories with non-directories and vice versa"),
	POD_OPT_END
};

/* [CONTAINER:]PATH: a path starting with "/" or "." is always local */
static void
split(const char *arg, char **ret_ctr, const char **ret_path)
{
	const char *colon = strchr(arg, ':');

	*ret_ctr = NULL;
	*ret_path = arg;
	if (arg[0] == '/' || arg[0] == '.' || !colon)
		return;
	*ret_ctr = xstrndup(arg, (size_t) (colon - arg));
	*ret_path = colon + 1;
}

static int
lookup(struct pod_engine *e, const char *name, struct pod_ctr **ret, struct pod_err **err)
{
	if (!*name)
		return pod_err_set(err, POD_E_INVALID, 0, "name or ID cannot be empty");
	if (pod_ctr_lookup(e, name, ret, err) < 0) {
		if ((*err)->kind == POD_E_NOTFOUND) {
			pod_err_free(err);
			return pod_err_set(err, POD_E_NOTFOUND, 0, "container \"%s\" does not exist",
					   name);
		}
		return -1;
	}
	return 0;
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *sc = NULL, *dc = NULL;
	cleanup_free char *sname = NULL, *dname = NULL;
	struct pod_cp_end src = { 0 }, dst = { 0 };
	struct pod_cp_opts o = {
		.chown = opt.archive,
		.overwrite = opt.overwrite,
		.in_fd = STDIN_FILENO,
		.out_fd = STDOUT_FILENO,
	};

	split(ctx->args[0], &sname, &src.path);
	split(ctx->args[1], &dname, &dst.path);
	if (!sname && !dname)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid arguments %s, %s you must use just one container",
				   ctx->args[0], ctx->args[1]);
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	if (sname && lookup(e, sname, &sc, err) < 0)
		return -1;
	if (dname && lookup(e, dname, &dc, err) < 0)
		return -1;
	if (STREQ(dst.path, "-") && !dname && isatty(STDOUT_FILENO))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "refusing to write a tar archive to a terminal");
	src.ctr = sc;
	src.name = sname;
	dst.ctr = dc;
	dst.name = dname;
	return pod_ctr_copy(e, &src, &dst, &o, err);
}

static const struct pod_tool tool = {
	.name = "pod-cp",
	.verb = "cp",
	.summary = "Copy files/folders between a container and the local filesystem",
	.description =
		"Copies SRC_PATH to DEST_PATH, where one (or both) of them is CONTAINER:PATH. A "
		"path starting with / or . is always local. - as SRC_PATH reads a tar archive "
		"(plain, gzip or zstd) from standard input and extracts it into the directory "
		"DEST_PATH; - as DEST_PATH writes SRC_PATH as a tar archive to standard output. "
		"Works on running, stopped and created containers (a rootfs that is not mounted "
		"is mounted for the copy). Paths in a container are resolved inside its root file "
		"system: \"..\" and symlinks never lead outside it. Volumes and bind mounts of the "
		"container are not seen: cp works on its root file system only.\n\n"
		"SRC_PATH a file: copied to DEST_PATH when that does not exist (its parent must), "
		"over it when it is a file, into it when it is a directory. SRC_PATH a directory: "
		"DEST_PATH is created with its contents when missing, the directory is copied into "
		"an existing directory, and SRC_PATH/. copies the contents only. Files copied "
		"into a container are owned by the container's user unless --archive=false; "
		"files copied out are owned by the caller.",
	.usage = "[options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",
	.examples = "podman cp /myapp/app.conf containerID:/myapp/app.conf\n"
		    "podman cp containerID:/myapp/ /myapp/\n"
		    "podman cp containerID:/home/myuser/. /home/myuser/\n"
		    "podman cp - containerID:/myfiles.tar.gz < myfiles.tar.gz",
	.options = options,
	.min_args = 2,
	.max_args = 2,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
