/* pod-pull - pull images from a registry (`podman pull`, `podman image pull`) */
#include "image/decompress.h"
#include "cli/password.h"
#include "cli/tool.h"
#include "core/json.h"
#include "image/archive.h"
#include "image/pull.h"
#include "store/events.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	bool all_tags, quiet, tls_verify, tls_verify_set, disable_content_trust;
	char *arch, *os, *variant, *platform, *authfile, *cert_dir, *creds;
	char *signature_policy;
} opt = { .tls_verify = true };

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all-tags", &opt.all_tags,
		     "All tagged images in the repository will be pulled"),
	POD_OPT_STRING(0, "arch", "ARCH", &opt.arch,
		       "Use ARCH instead of the architecture of the machine for choosing images"),
	POD_OPT_STRING(0, "authfile", "string", &opt.authfile,
		       "Path of the authentication file. Use REGISTRY_AUTH_FILE environment "
		       "variable to override"),
	POD_OPT_STRING(0, "cert-dir", "Pathname", &opt.cert_dir,
		       "Pathname of a directory containing TLS certificates and keys"),
	POD_OPT_STRING(0, "creds", "Credentials", &opt.creds,
		       "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry"),
	POD_OPT_BOOL(0, "disable-content-trust", &opt.disable_content_trust,
		     "This is a Docker specific option and is a NOOP"),
	POD_OPT_STRING(0, "os", "OS", &opt.os,
		       "Use OS instead of the running OS for choosing images"),
	POD_OPT_STRING(0, "platform", "string", &opt.platform,
		       "Specify the platform for selecting the image.  (Conflicts with arch and "
		       "os)"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Suppress output information when pulling images"),
	{ POD_OPT_T_BOOL, 0, "tls-verify", NULL, &opt.tls_verify,
	  "Require HTTPS and verify certificates when contacting registries (default true)", NULL,
	  0, NULL, &opt.tls_verify_set },
	POD_OPT_STRING(0, "variant", "string", &opt.variant,
		       "Use VARIANT instead of the running architecture variant for choosing "
		       "images"),
	{ POD_OPT_T_STRING, 0, "signature-policy", "string", &opt.signature_policy,
	  "Pathname of signature policy file (not usually used)", NULL, POD_OPT_HIDDEN, NULL,
	  NULL },
	POD_OPT_END
};

static struct {
	struct pod_imagestore *is;
	struct pod_pull_opts po;
	char *p_os, *p_arch, *p_variant;
	char *creds; /* "user:password" after asking for the password */
} st;

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_err *e = NULL;
	struct stat sb;

	if (opt.platform && *opt.platform) {
		if ((opt.arch && *opt.arch) || (opt.os && *opt.os))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "--platform option can not be specified with --arch "
					   "or --os");
		if (pod_pull_parse_platform(opt.platform, &st.p_os, &st.p_arch, &st.p_variant,
					    err) < 0)
			return -1;
	}
	if (opt.authfile && *opt.authfile && stat(opt.authfile, &sb) < 0)
		return pod_err_sys(err, "checking authfile: stat %s", opt.authfile);
	st.po.authfile = opt.authfile && *opt.authfile ? opt.authfile : NULL;
	/* --creds USER: Podman asks for the password on the terminal */
	if (pod_cli_creds_ask(opt.creds, &st.creds, err) < 0)
		return -1;
	st.po.creds = st.creds ? st.creds : opt.creds;
	st.po.cert_dir = opt.cert_dir && *opt.cert_dir ? opt.cert_dir : NULL;
	st.po.tls_verify = opt.tls_verify_set ? opt.tls_verify : -1;
	st.po.os = st.p_os ? st.p_os : (opt.os && *opt.os ? opt.os : NULL);
	st.po.arch = st.p_arch ? st.p_arch : (opt.arch && *opt.arch ? opt.arch : NULL);
	st.po.variant = st.p_variant ? st.p_variant
				     : (opt.variant && *opt.variant ? opt.variant : NULL);
	st.po.all_tags = opt.all_tags;
	st.po.progress = opt.quiet ? NULL : stderr;
	st.po.progress_tty = isatty(STDERR_FILENO);
	st.po.interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	/* run/create --pull=newer with the image stored (set by pod_cli_ensure_image) */
	st.po.newer = getenv("POD_PULL_NEWER") != NULL;
	unsetenv("POD_PULL_NEWER");
	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, false,
				     &st.is, err) < 0)
		return -1;
	/* collect what killed pulls left behind before adding more */
	if (pod_imagestore_gc(st.is, &e) < 0)
		pod_err_free(&e);
	return 0;
}

/* "docker-archive:PATH[:REF]" and "oci-archive:PATH[:REF]": Podman pulls them like load */
static int
pull_archive(struct pod_ctx *ctx, const char *spec, char ***ret_ids, struct pod_err **err)
{
	cleanup_free char *path = xstrdup(strchr(spec, ':') + 1);
	cleanup_strv char **names = NULL;
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *colon;

	if (fd < 0 && errno == ENOENT && (colon = strrchr(path, ':'))) {
		/* the reference part names one image of the archive: all are loaded */
		*colon = 0;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return pod_err_sys(err, "opening %s", path);
	if (st.po.progress)
		fprintf(stderr, "Getting image source signatures\nWriting manifest to image "
				"destination\nStoring signatures\n");
	return pod_image_load(st.is, fd, ctx->g.tmpdir, &names, ret_ids, err);
}

static int
pull_one(struct pod_ctx *ctx, const char *name, struct pod_err **err)
{
	cleanup_strv char **ids = NULL;

	if (pod_str_has_prefix(name, "docker-archive:") || pod_str_has_prefix(name, "oci-archive:")) {
		if (pull_archive(ctx, name, &ids, err) < 0)
			return -1;
	} else if (pod_pull(st.is, pod_str_has_prefix(name, "docker://") ? name + 9 : name, &st.po,
			    &ids, err) < 0) {
		return -1;
	}
	for (size_t i = 0; ids[i]; i++) {
		struct pod_event ev = { .type = "image", .status = "pull", .id = ids[i], .name = name };
		pod_event_emit(pod_imagestore_store(st.is), &ev);
	}
	for (size_t i = 0; ids[i]; i++) {
		cleanup_image struct pod_image *img = NULL;
		cleanup_json json_t *rec = NULL;

		if (ctx->g.dispatched) {
			if (pod_print_line(ids[i], err) < 0)
				return -1;
			continue;
		}
		if (pod_image_get(st.is, ids[i], &img, err) < 0)
			return -1;
		rec = pod_image_summary_json(img, 0);
		json_object_del(rec, "Containers");
		if (pod_json_print_line(stdout, rec, err) < 0)
			return -1;
	}
	fflush(stdout);
	return 0;
}

static int
finish(struct pod_ctx *ctx, struct pod_err **err)
{
	pod_imagestore_close(st.is);
	st.is = NULL;
	free(st.p_os);
	free(st.p_arch);
	free(st.p_variant);
	if (st.creds)
		explicit_bzero(st.creds, strlen(st.creds));
	free(st.creds);
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-pull",
	.verb = "pull",
	.summary = "Pull an image from a registry",
	.description =
		"Pulls an image from a registry and stores it locally.\n\nAn image can be pulled by "
		"tag or digest. If a tag is not specified, the image with the 'latest' tag is "
		"pulled. Short names are resolved through registries.conf (aliases, then the "
		"unqualified-search registries in order); [[registry]] entries rewrite, block, "
		"mark insecure and mirror registries. Layers are fetched several at a time and "
		"extracted while they download; layers already stored are not fetched again.\n\n"
		"Run as `podman pull` it prints Podman's progress on stderr and the image ID on "
		"stdout; as pod-pull, one image record per image on stdout.\n\nIMAGE may name "
		"its transport: docker://NAME (a registry, the default), docker-archive:PATH or "
		"oci-archive:PATH (loaded like podman load).",
	.usage = "[options] IMAGE [IMAGE...]",
	.examples = "podman pull imageName\npodman pull fedora:latest\n"
		    "podman pull --tls-verify=false localhost:5000/busybox\n"
		    "podman pull docker-archive:busybox.tar",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.min_args = 1,
	.max_args = -1,
	.target_type = "image",
	.setup = setup,
	.each_target = pull_one,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	/* layers: igzip inflates two to three times faster than zlib, OpenSSL hashes with SHA-NI */
	pod_image_use_fast_engines();
	return pod_tool_main(&tool, argc, argv);
}
