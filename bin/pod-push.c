/* pod-push - push an image to a registry (`podman push`, `podman image push`) */
#include "image/decompress.h"
#include "cli/password.h"
#include "cli/tool.h"
#include "core/fs.h"
#include "core/json.h"
#include "image/archive.h"
#include "image/push.h"
#include "image/reference.h"
#include "store/events.h"

#include <fcntl.h>
#include <unistd.h>

static struct {
	char *authfile;
	char *cert_dir;
	bool compress;
	char *compression_format;
	char *creds;
	char *digestfile;
	bool disable_content_trust;
	char *format;
	bool quiet;
	bool remove_signatures;
	char *sign_by;
	char *sign_by_sigstore;
	char *sign_passphrase_file;
	bool tls_verify;
	bool tls_verify_set;
} opt = { .tls_verify = true };

static const struct pod_opt options[] = {
	POD_OPT_STRING(0, "authfile", "string", &opt.authfile,
		       "Path of the authentication file. Use REGISTRY_AUTH_FILE environment "
		       "variable to override"),
	POD_OPT_STRING(0, "cert-dir", "string", &opt.cert_dir,
		       "Path to a directory containing TLS certificates and keys"),
	POD_OPT_BOOL(0, "compress", &opt.compress,
		     "Compress tarball image layers when pushing to a directory using the 'dir' "
		     "transport. (default is same compression type as source)"),
	POD_OPT_STRING(0, "compression-format", "string", &opt.compression_format,
		       "compression format to use (gzip or zstd)"),
	POD_OPT_STRING(0, "creds", "Credentials", &opt.creds,
		       "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry"),
	POD_OPT_STRING(0, "digestfile", "string", &opt.digestfile,
		       "Write the digest of the pushed image to the specified file"),
	POD_OPT_BOOL(0, "disable-content-trust", &opt.disable_content_trust,
		     "This is a Docker specific option and is a NOOP"),
	POD_OPT_STRING('f', "format", "string", &opt.format,
		       "Manifest type (oci or v2s2) to use in the destination (default is manifest "
		       "type of source, with fallbacks)"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Suppress output information when pushing images"),
	POD_OPT_BOOL(0, "remove-signatures", &opt.remove_signatures,
		     "Discard any pre-existing signatures in the image"),
	POD_OPT_STRING(0, "sign-by", "string", &opt.sign_by,
		       "Add a signature at the destination using the specified key (not "
		       "supported)"),
	POD_OPT_STRING(0, "sign-by-sigstore-private-key", "PATH", &opt.sign_by_sigstore,
		       "Sign the image using a sigstore private key at PATH (not supported)"),
	POD_OPT_STRING(0, "sign-passphrase-file", "PATH", &opt.sign_passphrase_file,
		       "Read a passphrase for signing an image from PATH (not supported)"),
	{ POD_OPT_T_BOOL, 0, "tls-verify", NULL, &opt.tls_verify,
	  "Require HTTPS and verify certificates when contacting registries (default true)", NULL,
	  0, NULL, &opt.tls_verify_set },
	POD_OPT_END
};

static void
on_progress(void *ctx, enum pod_push_event ev, const char *arg)
{
	bool tty = isatty(STDERR_FILENO);
	const char *hex = arg && pod_str_has_prefix(arg, "sha256:") ? arg + 7 : arg;

	switch (ev) {
	case POD_PUSH_BLOB_START:
		if (!tty)
			fprintf(stderr, "Copying blob %s\n", arg);
		break;
	case POD_PUSH_BLOB_DONE:
		if (tty)
			fprintf(stderr, "Copying blob %.12s done\n", hex);
		break;
	case POD_PUSH_BLOB_SKIPPED:
		if (tty)
			fprintf(stderr, "Copying blob %.12s skipped: already exists\n", hex);
		break;
	case POD_PUSH_CONFIG:
		if (tty)
			fprintf(stderr, "Copying config %.12s done\n", hex);
		else
			fprintf(stderr, "Copying config %s\n", arg);
		break;
	case POD_PUSH_MANIFEST:
		fputs("Writing manifest to image destination\n", stderr);
		break;
	case POD_PUSH_SIGNATURES:
		fputs("Storing signatures\n", stderr);
		break;
	}
	fflush(stderr);
}

/* DEST as the registry reference to push to */
static int
destination(const char *given, char **ret, struct pod_err **err)
{
	cleanup_(pod_ref_release) struct pod_ref ref = { 0 };

	if (pod_str_has_prefix(given, "docker://"))
		given += strlen("docker://");
	if (pod_str_has_prefix(given, "docker-daemon:") ||
	    pod_str_has_prefix(given, "containers-storage:") ||
	    pod_str_has_prefix(given, "ostree:") || pod_str_has_prefix(given, "sif:"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "pushing to \"%s\" is not supported: only registries "
				   "(docker://) and archives (oci-archive:, docker-archive:, oci:, "
				   "dir:) are",
				   given);
	if (pod_ref_parse_normalized(given, &ref, err) < 0)
		return -1;
	*ret = pod_ref_string(&ref);
	return 0;
}

/* the archive transports push writes through save; -1 for others */
static int
archive_format(const char *dest)
{
	static const struct {
		const char *prefix;
		enum pod_save_format format;
	} t[] = {
		{ "oci-archive:", POD_SAVE_OCI_ARCHIVE },
		{ "docker-archive:", POD_SAVE_DOCKER_ARCHIVE },
		{ "oci:", POD_SAVE_OCI_DIR },
		{ "dir:", POD_SAVE_DOCKER_DIR },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (pod_str_has_prefix(dest, t[i].prefix))
			return (int) t[i].format;
	return -1;
}

/* TRANSPORT:PATH[:REFERENCE] through pod_image_save */
static int
push_archive(struct pod_ctx *ctx, struct pod_imagestore *is, const struct pod_image *img,
	     const char *dest, struct pod_err **err)
{
	enum pod_save_format format = (enum pod_save_format) archive_format(dest);
	const char *spec = strchr(dest, ':') + 1, *colon = strchr(spec, ':');
	cleanup_free char *path = colon ? xstrndup(spec, (size_t) (colon - spec)) : xstrdup(spec);
	cleanup_free char *name = NULL, *tmp = NULL;
	bool dir = format == POD_SAVE_OCI_DIR || format == POD_SAVE_DOCKER_DIR;
	struct pod_save_item item = { .img = img };
	int fd = -1, rc = -1;

	if (!*path)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid destination \"%s\": no path",
				   dest);
	if (colon && colon[1]) {
		cleanup_(pod_ref_release) struct pod_ref ref = { 0 };

		if (pod_ref_parse_normalized(colon + 1, &ref, err) < 0)
			return -1;
		name = pod_ref_string(&ref);
	} else {
		name = img->names[0] ? xstrdup(img->names[0]) : NULL;
	}
	item.name = name;
	if (!opt.quiet) {
		fputs("Getting image source signatures\n", stderr);
		for (size_t i = 0; img->diff_ids[i]; i++)
			fprintf(stderr, "Copying blob %s\n", img->diff_ids[i]);
		fprintf(stderr, "Copying config %s\n", img->config_digest);
		fputs("Writing manifest to image destination\n", stderr);
	}
	if (!dir) {
		tmp = xasprintf("%s.tmp-podutils", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return pod_err_sys(err, "creating %s", path);
	}
	if (pod_image_save(is, &item, 1, format, fd, dir ? path : NULL, err) < 0)
		goto out;
	if (fd >= 0 && (fsync(fd) < 0 || rename(tmp, path) < 0)) {
		pod_err_sys(err, "writing %s", path);
		goto out;
	}
	if (!opt.quiet)
		fputs("Storing signatures\n", stderr);
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:s}", "Type", "image", "Id",
						     img->id, "Name", dest);

		if (pod_json_print_line(stdout, rec, err) < 0)
			goto out;
	}
	rc = 0;
out:
	if (fd >= 0) {
		close(fd);
		if (rc < 0)
			(void) unlink(tmp);
	}
	return rc;
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_image struct pod_image *img = NULL;
	cleanup_free char *dest = NULL, *digest = NULL;
	cleanup_secret char *creds = NULL;
	struct pod_push_opts po = { 0 };
	int format = pod_push_format_parse(opt.format);
	const char *src = ctx->args[0];

	if (opt.format && STREQ(opt.format, "v2s1"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "pushing docker schema 1 manifests (v2s1) is not supported");
	if (format < 0)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "unknown format \"%s\". Choose on of the supported formats: "
				   "'oci', 'v2s1', or 'v2s2'",
				   opt.format);
	if (opt.compression_format && *opt.compression_format) {
		if (STREQ(opt.compression_format, "gzip"))
			po.compression = POD_COMPRESSION_GZIP;
		else if (STREQ(opt.compression_format, "zstd"))
			po.compression = POD_COMPRESSION_ZSTD;
		else
			return pod_err_set(err, POD_E_INVALID, 0,
					   "cannot find compressor for \"%s\"",
					   opt.compression_format);
	}
	if ((opt.sign_by && *opt.sign_by) || (opt.sign_by_sigstore && *opt.sign_by_sigstore) ||
	    (opt.sign_passphrase_file && *opt.sign_passphrase_file))
		return pod_err_set(err, POD_E_INVALID, 0, "signing images is not supported");
	if (pod_regaccess_check_authfile(opt.authfile, err) < 0)
		return -1;
	/* --creds USER: the password from the terminal, as pull asks for it */
	if (pod_cli_creds_ask(opt.creds, &creds, err) < 0)
		return -1;
	po.format = (enum pod_push_format) format;
	po.access.authfile = opt.authfile;
	po.access.creds = creds ? creds : opt.creds;
	po.access.cert_dir = opt.cert_dir;
	po.access.tls_verify = opt.tls_verify_set ? opt.tls_verify : -1;
	if (!opt.quiet)
		po.progress = on_progress;

	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, true,
				     &is, err) < 0)
		return -1;
	if (pod_image_lookup(is, src, &img, err) < 0)
		return -1;
	if (ctx->args[1] && archive_format(ctx->args[1]) >= 0) {
		/* an archive: written below */
	} else if (ctx->args[1]) {
		if (destination(ctx->args[1], &dest, err) < 0)
			return -1;
	} else {
		const char *name = pod_image_name_for(img, src);

		if (!name && pod_ref_looks_like_id(src) && img->names[0] && !img->names[1])
			name = img->names[0];
		if (!name)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "no destination given and \"%s\" names no repository",
					   src);
		if (destination(name, &dest, err) < 0)
			return -1;
	}
	if (ctx->args[1] && archive_format(ctx->args[1]) >= 0)
		return push_archive(ctx, is, img, ctx->args[1], err);
	if (!opt.quiet)
		fputs("Getting image source signatures\n", stderr);
	if (pod_image_push(is, img, dest, &po, &digest, err) < 0)
		return -1;
	{
		struct pod_event ev = { .type = "image", .status = "push", .id = img->id,
					.name = dest };
		pod_event_emit(pod_imagestore_store(is), &ev);
	}
	if (opt.digestfile && *opt.digestfile &&
	    pod_write_file_atomic(opt.digestfile, digest, strlen(digest), 0644, err) < 0)
		return pod_err_wrap(err, "failed to write digest to file \"%s\"", opt.digestfile);
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "Type", "image", "Id",
						     img->id, "Name", dest, "Digest", digest);

		return pod_json_print_line(stdout, rec, err);
	}
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-push",
	.verb = "push",
	.summary = "Push an image to a specified destination",
	.description =
		"Pushes an image from local storage to a registry (DESTINATION: "
		"[docker://]HOST[:PORT]/PATH[:TAG]; default: the image's own name), or writes "
		"it to an archive (oci-archive:PATH[:REF], docker-archive:PATH[:REF], oci:DIR, "
		"dir:DIR, as podman save does). Layers are "
		"compressed on the fly (gzip, or zstd with --compression-format zstd, which "
		"needs an OCI manifest: the default then, and --format v2s2 is refused) and "
		"streamed; blobs the "
		"registry already has are not sent. Credentials come from --creds, else the "
		"auth file (--authfile, REGISTRY_AUTH_FILE, ${XDG_RUNTIME_DIR}/containers/auth.json)."
		"\n\nRun as `podman push` it prints progress on stderr and nothing on stdout; as "
		"pod-push, a record with the image's Id, the Name pushed to and the manifest's "
		"Digest. Signing is not supported.",
	.usage = "[options] IMAGE [DESTINATION]",
	.examples = "podman push imageID docker://registry.example.com/repository:tag\n"
		    "podman push --tls-verify=false myimage 127.0.0.1:5000/myimage\n"
		    "podman push --compression-format zstd --digestfile d.txt myimage "
		    "quay.io/user/myimage",
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
