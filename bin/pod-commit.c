/* pod-commit - a new image from a container's changes (`podman commit`) */
#include "image/decompress.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/fs.h"
#include "runtime/ctr_fs.h"

static struct {
	char *author;
	char **change;
	char *format;
	char *iidfile;
	bool include_volumes;
	char *message;
	bool pause;
	bool quiet;
	bool squash;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_STRING('a', "author", "string", &opt.author,
		       "Set the author for the image committed"),
	POD_OPT_STRV('c', "change", "Change", &opt.change,
		     "Apply the following possible instructions to the created image (default "
		     "[]): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | "
		     "VOLUME | WORKDIR"),
	POD_OPT_STRING('f', "format", "string", &opt.format,
		       "Format of the image manifest and metadata (default \"oci\")"),
	POD_OPT_STRING(0, "iidfile", "path", &opt.iidfile, "`file` to write the image ID to"),
	POD_OPT_BOOL(0, "include-volumes", &opt.include_volumes,
		     "Include container volumes as image volumes"),
	POD_OPT_STRING('m', "message", "string", &opt.message,
		       "Set commit message for imported image (docker format only)"),
	POD_OPT_BOOL('p', "pause", &opt.pause, "Pause container during commit"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Suppress output"),
	POD_OPT_BOOL('s', "squash", &opt.squash, "squash newly built layers into a single new layer"),
	POD_OPT_END
};

static void
progress(void *ctx, const char *line)
{
	fprintf(stderr, "%s\n", line);
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_free char *id = NULL;
	struct pod_commit_opts o = {
		.name = ctx->args[1],
		.changes = opt.change,
		.message = opt.message,
		.author = opt.author,
		.pause = opt.pause,
		.squash = opt.squash,
		.include_volumes = opt.include_volumes,
		.progress = opt.quiet ? NULL : progress,
	};

	if (opt.format && *opt.format) {
		if (STREQ(opt.format, "docker"))
			o.docker = true;
		else if (!STREQ(opt.format, "oci"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "unrecognized image type \"%s\"", opt.format);
	}
	if (opt.message && *opt.message && !o.docker)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "messages are only compatible with the docker image format (-f "
				   "docker)");
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0 ||
	    pod_ctr_lookup(e, ctx->args[0], &c, err) < 0)
		return -1;
	if (pod_ctr_commit(e, c, &o, &id, err) < 0)
		return -1;
	if (opt.iidfile && *opt.iidfile) {
		cleanup_free char *text = xasprintf("sha256:%s", id);

		if (pod_write_file_atomic(opt.iidfile, text, strlen(text), 0644, err) < 0)
			return -1;
	}
	printf("%s\n", id);
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-commit",
	.verb = "commit",
	.summary = "Create new image based on the changed container",
	.description =
		"Creates an image from CONTAINER: its image's layers plus one new layer with "
		"the container's changes (deleted files become whiteouts), or with --squash one "
		"layer holding the whole file system. The container's command, entrypoint, "
		"environment, labels, user and working directory become the image's defaults; "
		"--change instructions are applied after. --pause freezes a running container "
		"while its layer is written. IMAGE, if given, names the new image. Prints the "
		"image ID (progress on standard error unless --quiet).",
	.usage = "[options] CONTAINER [IMAGE]",
	.examples = "podman commit --change CMD=/bin/bash --change ENTRYPOINT=/bin/sh "
		    "--change \"LABEL blue=image\" reverent_golick image-committed\n"
		    "podman commit -q --message \"committing container to image\" "
		    "reverent_golick image-committed\n"
		    "podman commit -q --author \"firstName lastName\" reverent_golick "
		    "image-committed",
	.options = options,
	.min_args = 1,
	.max_args = 2,
	.run = run,
};

int
main(int argc, char **argv)
{
	/* layers: igzip inflates two to three times faster than zlib, OpenSSL hashes with SHA-NI */
	pod_image_use_fast_engines();
	return pod_tool_main(&tool, argc, argv);
}
