/* pod-import - import a tarball as a one-layer image (`podman import`) */
#include "image/decompress.h"
#include "store/events.h"
#include "cli/tool.h"
#include "core/json.h"
#include "image/imagestore.h"
#include "image/manifest.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static struct {
	char **change;
	char *message;
	char *arch, *os, *variant;
	bool quiet;
	char *signature_policy;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_STRING(0, "arch", "string", &opt.arch, "Set the architecture of the imported image"),
	POD_OPT_STRV('c', "change", "Change", &opt.change,
		     "Apply the following possible instructions to the created image (default "
		     "[]): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | "
		     "VOLUME | WORKDIR"),
	POD_OPT_STRING('m', "message", "string", &opt.message,
		       "Set commit message for imported image"),
	POD_OPT_STRING(0, "os", "string", &opt.os, "Set the OS of the imported image"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Suppress output"),
	POD_OPT_STRING(0, "variant", "string", &opt.variant,
		       "Set the variant of the imported image"),
	{ POD_OPT_T_STRING, 0, "signature-policy", "string", &opt.signature_policy,
	  "Pathname of signature policy file (not usually used)", NULL, POD_OPT_HIDDEN, NULL,
	  NULL },
	POD_OPT_END
};

struct fetch {
	struct pod_layer_writer *w;
	struct pod_err *err;
};

static size_t
on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct fetch *f = ctx;

	if (pod_layer_writer_write(f->w, p, size * n, &f->err) < 0)
		return 0;
	return size * n;
}

static int
fetch_url(const char *url, struct pod_layer_writer *w, struct pod_err **err)
{
	CURL *c = curl_easy_init();
	struct fetch f = { .w = w };
	long code = 0;
	CURLcode r;

	if (!c)
		return pod_err_set(err, POD_E_GENERIC, 0, "initializing libcurl");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	r = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (f.err) {
		*err = f.err;
		return -1;
	}
	if (r != CURLE_OK)
		return pod_err_set(err, POD_E_GENERIC, 0, "fetching %s: %s", url,
				   curl_easy_strerror(r));
	return 0;
}

static int
feed_fd(int fd, struct pod_layer_writer *w, struct pod_err **err)
{
	char buf[1 << 16];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pod_err_sys(err, "reading the tarball");
		if (n == 0)
			return 0;
		if (pod_layer_writer_write(w, buf, (size_t) n, err) < 0)
			return -1;
	}
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_(pod_layer_writer_freep) struct pod_layer_writer *w = NULL;
	struct pod_layer_info info;
	const char *src = ctx->args[0];
	bool url = pod_str_has_prefix(src, "http://") || pod_str_has_prefix(src, "https://");
	cleanup_json json_t *cfg = NULL, *inner = json_object(), *hist = NULL;
	cleanup_free char *created = pod_format_rfc3339(pod_now_ns());
	cleanup_free char *cfgtext = NULL, *name = NULL, *id = NULL, *by = NULL;
	char *names[2] = { NULL, NULL };
	struct pod_image_commit c = { 0 };
	cleanup_close int fd = -1;

	for (size_t i = 0; opt.change && opt.change[i]; i++)
		if (pod_image_config_apply_change(inner, opt.change[i], err) < 0)
			return -1;
	if (ctx->args[1] && pod_image_normalize_name(ctx->args[1], &name, err) < 0)
		return -1;
	if (!url) {
		if (STREQ(src, "-")) {
			fd = dup(STDIN_FILENO);
		} else {
			fd = open(src, O_RDONLY | O_CLOEXEC);
		}
		if (fd < 0)
			return pod_err_sys(err, "opening %s", src);
	}
	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, false,
				     &is, err) < 0)
		return -1;
	if (!opt.quiet)
		fprintf(stderr, "Getting image source signatures\n");
	if (pod_imagestore_layer_begin(is, NULL, &w, NULL, err) < 0)
		return -1;
	if ((url ? fetch_url(src, w, err) : feed_fd(fd, w, err)) < 0)
		return pod_err_wrap(err, "importing %s", src);
	if (pod_layer_writer_commit(TAKE_PTR(w), &info, err) < 0)
		return pod_err_wrap(err, "importing %s", src);
	if (!opt.quiet)
		fprintf(stderr, "Copying blob %s %s\n", info.diff_id + 7,
			info.existed ? "skipped: already exists" : "done");
	by = xasprintf("/bin/sh -c #(nop) ADD file:%s in / ", info.diff_id + 7);
	hist = json_pack("[{s:s, s:s}]", "created", created, "created_by", by);
	if (opt.message && *opt.message)
		json_object_set_new(json_array_get(hist, 0), "comment",
				    pod_json_string(opt.message));
	cfg = json_pack("{s:s, s:s, s:s}", "created", created, "architecture",
			opt.arch && *opt.arch ? opt.arch : pod_host_goarch(), "os",
			opt.os && *opt.os ? opt.os : "linux");
	if (opt.variant && *opt.variant)
		json_object_set_new(cfg, "variant", json_string(opt.variant));
	json_object_set(cfg, "config", inner);
	json_object_set_new(cfg, "rootfs", json_pack("{s:s, s:[s]}", "type", "layers", "diff_ids",
						     info.diff_id));
	json_object_set(cfg, "history", hist);
	cfgtext = json_dumps(cfg, JSON_COMPACT);
	names[0] = name;
	c.config = cfgtext;
	c.config_len = strlen(cfgtext);
	c.manifest_type = POD_MT_OCI_MANIFEST;
	c.names = names;
	if (pod_imagestore_commit_image(is, &c, &id, err) < 0)
		return -1;
	{
		struct pod_event ev = { .type = "image", .status = "import", .id = id, .name = src };
		pod_event_emit(pod_imagestore_store(is), &ev);
		if (name) {
			ev.status = "tag";
			ev.name = name;
			pod_event_emit(pod_imagestore_store(is), &ev);
		}
	}
	if (!opt.quiet) {
		fprintf(stderr, "Copying config %.10s done\n", id);
		fprintf(stderr, "Writing manifest to image destination\nStoring signatures\n");
	}
	if (ctx->g.dispatched) {
		printf("sha256:%s\n", id);
		return 0;
	}
	cleanup_image struct pod_image *img = NULL;
	cleanup_json json_t *rec = NULL;

	if (pod_image_get(is, id, &img, err) < 0)
		return -1;
	rec = pod_image_summary_json(img, 0);
	return pod_json_print_line(stdout, rec, err);
}

static const struct pod_tool tool = {
	.name = "pod-import",
	.verb = "import",
	.summary = "Import a tarball to create a filesystem image",
	.description = "Imports a tarball (plain, gzip or zstd; a file, an http(s) URL or - for "
		       "stdin) as a one-layer image, with --change instructions applied to its "
		       "config and --message as its history comment. REFERENCE, if given, names "
		       "the image.\n\nRun as `podman import` it prints the new image ID; as "
		       "pod-import, the image record.",
	.usage = "[options] PATH [REFERENCE]",
	.examples = "podman import --change CMD=/bin/bash ctr.tar image-imported\n"
		    "cat ctr.tar | podman import -m \"importing ctr.tar\" - image-imported\n"
		    "podman import http://example.com/ctr.tar url-image",
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
