/*
 * regaccess.c - registry clients configured from flags, registries.conf,
 * certs.d and the auth files.
 */
#include "image/regaccess.h"
#include "image/auth.h"
#include "config/config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define CERTS_D "/etc/containers/certs.d"

int
pod_regaccess_check_authfile(const char *authfile, struct pod_err **err)
{
	struct stat st;

	if (!authfile || !*authfile)
		return 0;
	if (stat(authfile, &st) < 0)
		return pod_err_sys(err, "checking authfile: stat %s", authfile);
	return 0;
}

void
pod_regaccess_keep_release(struct pod_regaccess_keep *keep)
{
	if (keep->creds)
		explicit_bzero(keep->creds, strlen(keep->creds));
	free(keep->creds);
	free(keep->cert_dir);
	keep->creds = keep->cert_dir = NULL;
}

int
pod_regaccess_registry_opts(const char *domain, const char *repo, bool insecure,
			    const struct pod_regaccess_opts *o, struct pod_registry_opts *ret,
			    struct pod_regaccess_keep *keep, struct pod_err **err)
{
	static const char *const bases[] = { CERTS_D, "/etc/docker/certs.d" };
	cleanup_free char *user = NULL, *pass = NULL, *key = NULL;
	cleanup_strv char **paths = NULL;

	pod_regaccess_keep_release(keep);
	memset(ret, 0, sizeof(*ret));
	key = repo && *repo ? xasprintf("%s/%s", domain, repo) : xstrdup(domain);
	if (o->tls_verify == 0)
		insecure = true;
	else if (o->tls_verify == 1)
		insecure = false;
	ret->insecure = insecure;
	ret->skip_tls_verify = insecure;
	if (o->cert_dir && *o->cert_dir) {
		keep->cert_dir = xstrdup(o->cert_dir);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(bases) && !keep->cert_dir; i++) {
			cleanup_free char *d = xasprintf("%s/%s", bases[i], domain);

			if (access(d, F_OK) == 0)
				keep->cert_dir = TAKE_PTR(d);
		}
	}
	ret->cert_dir = keep->cert_dir;
	if (o->creds && *o->creds) {
		/* "user" alone: the tool asks for the password first, as Podman does */
		if (!strchr(o->creds, ':'))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "credentials must be \"username:password\"");
		keep->creds = xstrdup(o->creds);
	} else if (!o->no_auth_lookup) {
		int r;

		if (o->authfile && *o->authfile) {
			paths = xcalloc(2, sizeof(char *));
			paths[0] = xstrdup(o->authfile);
		} else {
			paths = pod_config_auth_paths();
		}
		r = pod_auth_lookup(paths, key, &user, &pass, err);
		if (r < 0)
			return -1;
		if (r > 0)
			keep->creds = xasprintf("%s:%s", user, pass);
		if (pass)
			explicit_bzero(pass, strlen(pass));
	}
	ret->creds = keep->creds;
	return 0;
}

int
pod_regaccess_client(const char *domain, const char *repo, const struct pod_regaccess_opts *o,
		     struct pod_registry_client **ret, struct pod_err **err)
{
	cleanup_(pod_registries_freep) struct pod_registries *regs = NULL;
	cleanup_free char *key = NULL;
	struct pod_regaccess_keep keep = { 0 };
	struct pod_registry_opts ro;
	const struct pod_registry *reg;
	int rc;

	if (pod_registries_load(&regs, err) < 0)
		return -1;
	key = repo && *repo ? xasprintf("%s/%s", domain, repo) : xstrdup(domain);
	reg = pod_registries_find(regs, key);
	if (reg && reg->blocked)
		return pod_err_set(err, POD_E_INVALID, 0, "registry %s is blocked in %s", domain,
				   regs->files && regs->files[0] ? regs->files[0] :
								   "registries.conf");
	rc = pod_regaccess_registry_opts(domain, repo, reg && reg->insecure, o, &ro, &keep, err);
	if (rc == 0)
		rc = pod_registry_client_new(domain, &ro, ret, err);
	pod_regaccess_keep_release(&keep);
	return rc;
}
