/* pod-load - load images from a docker-archive or oci-archive (`podman load`) */
#include "image/decompress.h"
#include "store/events.h"
#include "cli/tool.h"
#include "core/json.h"
#include "image/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static struct {
	char *input;
	bool quiet;
	char *signature_policy;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_STRING('i', "input", "string", &opt.input,
		       "Read from specified archive file (default: stdin)"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Suppress the output"),
	{ POD_OPT_T_STRING, 0, "signature-policy", "string", &opt.signature_policy,
	  "Pathname of signature policy file (not usually used)", NULL, POD_OPT_HIDDEN, NULL,
	  NULL },
	POD_OPT_END
};

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_strv char **names = NULL, **ids = NULL;
	cleanup_close int fd = -1;
	struct pod_err *e = NULL;

	if (opt.input && *opt.input && !STREQ(opt.input, "-")) {
		fd = open(opt.input, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return pod_err_sys(err, "open %s", opt.input);
	} else {
		if (isatty(STDIN_FILENO))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "cannot read from terminal, use command-line "
					   "redirection or the --input flag");
		fd = dup(STDIN_FILENO);
		if (fd < 0)
			return pod_err_sys(err, "reading stdin");
	}
	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, false,
				     &is, err) < 0)
		return -1;
	/* collect what killed loads left behind before adding more */
	if (pod_imagestore_gc(is, &e) < 0)
		pod_err_free(&e);
	if (pod_image_load(is, fd, ctx->g.tmpdir, &names, &ids, err) < 0)
		return -1;
	{
		struct pod_event ev = { .type = "image", .status = "loadfromarchive",
					.name = opt.input && *opt.input ? opt.input : "-" };
		pod_event_emit(pod_imagestore_store(is), &ev);
	}
	if (ctx->g.dispatched) {
		for (size_t i = 0; names[i]; i++)
			printf("Loaded image: %s\n", names[i]);
		return 0;
	}
	for (size_t i = 0; ids[i]; i++) {
		cleanup_image struct pod_image *img = NULL;
		cleanup_json json_t *rec = NULL;

		if (pod_image_get(is, ids[i], &img, err) < 0)
			return -1;
		rec = pod_image_summary_json(img, 0);
		json_object_del(rec, "Containers");
		if (pod_json_print_line(stdout, rec, err) < 0)
			return -1;
	}
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-load",
	.verb = "load",
	.summary = "Load image(s) from a tar archive",
	.description = "Load images from a docker-archive or oci-archive tar file (also gzip, "
		       "zstd or xz compressed) given with --input or on stdin. Several images in "
		       "one archive are all loaded.\n\nRun as `podman load` it prints `Loaded "
		       "image: NAME` lines like Podman; as pod-load, one image record per image.",
	.usage = "[options]",
	.examples = "podman load -i busybox.tar\npodman load < busybox.tar.gz",
	.options = options,
	.flags = POD_TOOL_NO_ARGS,
	.run = run,
};

int
main(int argc, char **argv)
{
	/* layers: igzip inflates two to three times faster than zlib, OpenSSL hashes with SHA-NI */
	pod_image_use_fast_engines();
	return pod_tool_main(&tool, argc, argv);
}
