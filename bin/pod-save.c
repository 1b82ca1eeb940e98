/* pod-save - save images to an archive (`podman save`) */
#include "image/decompress.h"
#include "store/events.h"
#include "cli/tool.h"
#include "core/fs.h"
#include "image/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static struct {
	char *output;
	char *format;
	bool multi;
	bool quiet;
	bool compress;
	bool uncompressed;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_STRING('o', "output", "string", &opt.output,
		       "Write to a specified file (default: stdout, which must be redirected)"),
	POD_OPT_STRING(0, "format", "format", &opt.format,
		       "Save image to oci-archive, oci-dir (directory with oci manifest type), "
		       "docker-archive, docker-dir (directory with v2s2 manifest type)"),
	POD_OPT_BOOL('m', "multi-image-archive", &opt.multi,
		     "Interpret additional arguments as images not tags and create a "
		     "multi-image-archive (only for docker-archive)"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Suppress the output"),
	POD_OPT_BOOL(0, "compress", &opt.compress,
		     "Compress tarball image layers when saving to a directory using the 'dir' "
		     "transport. (default is same compression type as source)"),
	POD_OPT_BOOL(0, "uncompressed", &opt.uncompressed,
		     "Accept uncompressed layers when copying OCI images"),
	POD_OPT_END
};

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	int format = pod_save_format_parse(opt.format && *opt.format ? opt.format : NULL);
	size_t n = pod_strv_len(ctx->args), n_items;
	struct pod_image **imgs = NULL;
	struct pod_save_item *items = NULL;
	bool dir_format = format == POD_SAVE_OCI_DIR || format == POD_SAVE_DOCKER_DIR;
	cleanup_free char *tmp = NULL;
	int fd = -1, rc = -1;

	if (format < 0)
		return pod_err_set(err, POD_E_INVALID, 0, "unknown format option \"%s\"",
				   opt.format);
	if (opt.compress && format != POD_SAVE_DOCKER_DIR)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--compress can only be set when --format is 'docker-dir'");
	if (opt.multi && format != POD_SAVE_DOCKER_ARCHIVE && format != POD_SAVE_OCI_ARCHIVE)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--multi-image-archive can only be set for 'docker-archive' "
				   "and 'oci-archive'");
	if (dir_format && (!opt.output || !*opt.output))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "a directory must be given with --output for %s", opt.format);
	if (!dir_format && (!opt.output || !*opt.output) && isatty(STDOUT_FILENO))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "refusing to save to terminal. Use -o flag or redirect");
	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, true,
				     &is, err) < 0)
		return -1;
	/* without -m, further arguments are extra names for the first image */
	n_items = opt.multi ? n : 1;
	imgs = xcalloc(n_items, sizeof(*imgs));
	items = xcalloc(n, sizeof(*items));
	for (size_t i = 0; i < n_items; i++) {
		if (pod_image_lookup(is, ctx->args[i], &imgs[i], err) < 0)
			goto out;
		items[i].img = imgs[i];
		items[i].name = pod_image_name_for(imgs[i], ctx->args[i]);
	}
	if (!opt.multi) {
		for (size_t i = 1; i < n; i++) {
			items[i].img = imgs[0];
			items[i].name = ctx->args[i];
		}
	}
	if (!dir_format) {
		if (opt.output && *opt.output && !STREQ(opt.output, "-")) {
			tmp = xasprintf("%s.tmp-podutils", opt.output);
			fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd < 0) {
				pod_err_sys(err, "creating %s", opt.output);
				goto out;
			}
		} else {
			fd = STDOUT_FILENO;
		}
	}
	if (pod_image_save(is, items, opt.multi ? n_items : n, (enum pod_save_format) format,
			   fd, dir_format ? opt.output : NULL, err) < 0)
		goto out;
	if (tmp) {
		if (fsync(fd) < 0 || rename(tmp, opt.output) < 0) {
			pod_err_sys(err, "writing %s", opt.output);
			goto out;
		}
		free(tmp);
		tmp = NULL;
	}
	for (size_t i = 0; i < n_items; i++) {
		struct pod_event ev = { .type = "image", .status = "save", .id = imgs[i]->id,
					.name = opt.output && *opt.output ? opt.output : "-" };
		pod_event_emit(pod_imagestore_store(is), &ev);
	}
	rc = 0;
out:
	if (tmp)
		(void) unlink(tmp);
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	for (size_t i = 0; i < n_items; i++)
		pod_image_free(imgs[i]);
	free(imgs);
	free(items);
	return rc;
}

static const struct pod_tool tool = {
	.name = "pod-save",
	.verb = "save",
	.summary = "Save image(s) to an archive",
	.description = "Save an image to a docker-archive or oci-archive on the local machine "
		       "(stdout by default, which must not be a terminal), or to an oci-dir or "
		       "docker-dir directory. Layers are written as their original uncompressed "
		       "tar, so a saved image loads back with the same ID.",
	.usage = "[options] IMAGE [IMAGE...]",
	.examples = "podman save --quiet -o myimage.tar imageID\n"
		    "podman save --format docker-dir -o ubuntu-dir ubuntu\n"
		    "podman save > alpine-all.tar alpine:latest alpine:3.7",
	.options = options,
	.min_args = 1,
	.max_args = -1,
	.run = run,
};

int
main(int argc, char **argv)
{
	/* layers: igzip inflates two to three times faster than zlib, OpenSSL hashes with SHA-NI */
	pod_image_use_fast_engines();
	return pod_tool_main(&tool, argc, argv);
}
