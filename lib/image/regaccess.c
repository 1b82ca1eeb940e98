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

int
pod_regaccess_client(const char *domain, const char *repo, const struct pod_regaccess_opts *o,
		     struct pod_registry_client **ret, struct pod_err **err)
{
	cleanup_(pod_registries_freep) struct pod_registries *regs = NULL;
	cleanup_free char *user = NULL, *pass = NULL, *creds = NULL, *key = NULL;
	cleanup_free char *certs = NULL;
	cleanup_strv char **paths = NULL;
	struct pod_registry_opts ro = { 0 };
	const struct pod_registry *reg;
	bool insecure = false;

	if (pod_registries_load(&regs, err) < 0)
		return -1;
	key = repo && *repo ? xasprintf("%s/%s", domain, repo) : xstrdup(domain);
	reg = pod_registries_find(regs, key);
	if (reg && reg->blocked)
		return pod_err_set(err, POD_E_INVALID, 0, "registry %s is blocked in %s", domain,
				   regs->files && regs->files[0] ? regs->files[0] :
								   "registries.conf");
	if (reg)
		insecure = reg->insecure;
	if (o->tls_verify == 0)
		insecure = true;
	else if (o->tls_verify == 1)
		insecure = false;
	ro.insecure = insecure;
	ro.skip_tls_verify = insecure;
	if (o->cert_dir && *o->cert_dir) {
		ro.cert_dir = o->cert_dir;
	} else {
		certs = xasprintf(CERTS_D "/%s", domain);
		if (access(certs, F_OK) == 0)
			ro.cert_dir = certs;
	}
	if (o->creds && *o->creds) {
		/* "user" alone: Podman would prompt; there is no terminal dialogue here */
		if (!strchr(o->creds, ':'))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "credentials must be \"username:password\"");
		creds = xstrdup(o->creds);
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
			creds = xasprintf("%s:%s", user, pass);
	}
	ro.creds = creds;
	if (pod_registry_client_new(domain, &ro, ret, err) < 0)
		return -1;
	if (creds)
		explicit_bzero(creds, strlen(creds));
	if (pass)
		explicit_bzero(pass, strlen(pass));
	return 0;
}
