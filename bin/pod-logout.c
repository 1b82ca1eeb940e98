/* pod-logout - remove stored registry credentials (`podman logout`) */
#include "cli/tool.h"
#include "config/config.h"
#include "core/json.h"
#include "image/auth.h"

static struct {
	bool all;
	char *authfile;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all,
		     "Remove the cached credentials for all registries in the auth file"),
	POD_OPT_STRING(0, "authfile", "string", &opt.authfile,
		       "path of the authentication file. Use REGISTRY_AUTH_FILE environment "
		       "variable to override"),
	POD_OPT_END
};

static int
print_result(struct pod_ctx *ctx, const char *path, const char *key, const char *text,
	     struct pod_err **err)
{
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:s}", "Type", "logout",
						     "Registry", key, "AuthFile", path);

		return pod_json_print_line(stdout, rec, err);
	}
	return pod_print_line(text, err);
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_free char *path = NULL, *key = NULL, *text = NULL, *first = NULL;
	const char *arg = ctx->args[0];
	int r;

	path = opt.authfile && *opt.authfile ? xstrdup(opt.authfile) : pod_config_auth_write_path();
	if (opt.all) {
		if (arg)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "--all takes no arguments");
		if (pod_auth_remove_all(path, err) < 0)
			return -1;
		return print_result(ctx, path, "", "Removed login credentials for all registries",
				    err);
	}
	if (!arg) {
		cleanup_(pod_registries_freep) struct pod_registries *regs = NULL;

		if (pod_registries_load(&regs, err) < 0)
			return -1;
		if (!regs->search || !regs->search[0])
			return pod_err_set(err, POD_E_INVALID, 0,
					   "no registries found in registries.conf, a registry must "
					   "be provided");
		first = xstrdup(regs->search[0]);
		arg = first;
	}
	if (pod_str_has_prefix(arg, "docker://"))
		arg += strlen("docker://");
	key = pod_auth_normalize_key(arg);
	r = pod_auth_remove(path, key, err);
	if (r < 0)
		return -1;
	if (r == 0 && !(opt.authfile && *opt.authfile)) {
		/* credentials elsewhere (docker login) are not ours to remove */
		cleanup_strv char **paths = pod_config_auth_paths();
		cleanup_free char *user = NULL, *pass = NULL;
		struct pod_err *e = NULL;

		if (pod_auth_lookup(paths + 1, key, &user, &pass, &e) == 1) {
			if (pass)
				explicit_bzero(pass, strlen(pass));
			return pod_err_set(err, POD_E_NOTFOUND, 0,
					   "not logged into %s with current tool. Existing credentials "
					   "were established via docker login. Please use docker "
					   "logout instead",
					   key);
		}
		pod_err_free(&e);
	}
	if (r == 0)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "not logged into %s", key);
	text = xasprintf("Removed login credentials for %s", key);
	return print_result(ctx, path, key, text, err);
}

static const struct pod_tool tool = {
	.name = "pod-logout",
	.verb = "logout",
	.summary = "Log out of a container registry",
	.description =
		"Removes the credentials stored for REGISTRY (HOST[:PORT] or HOST/NAMESPACE[/REPO], "
		"as given to login; default: the first unqualified-search registry), or with --all "
		"for every registry, from the auth file (--authfile, else $REGISTRY_AUTH_FILE, else "
		"${XDG_RUNTIME_DIR}/containers/auth.json, else /run/containers/UID/auth.json).\n\n"
		"Run as `podman logout` it prints \"Removed login credentials for REGISTRY\"; as "
		"pod-logout, a record with the Registry key and the AuthFile.",
	.usage = "[options] [REGISTRY]",
	.examples = "podman logout quay.io\n"
		    "podman logout --authfile authdir/myauths.json quay.io\n"
		    "podman logout --all",
	.options = options,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
