/*
 * regaccess.h - a registry client set up the way push, login and search
 * need it: TLS and plain-HTTP policy from --tls-verify and registries.conf
 * ("insecure", "blocked"), CA and client certificates from --cert-dir or
 * /etc/containers/certs.d/HOST, credentials from --creds or the auth files.
 *
 * Strings in struct pod_regaccess_opts are borrowed.
 */
#ifndef POD_IMAGE_REGACCESS_H
#define POD_IMAGE_REGACCESS_H

#include "image/registry.h"

struct pod_regaccess_opts {
	const char *authfile; /* --authfile, NULL: the default auth files */
	const char *creds;    /* --creds "user[:password]", NULL: from the auth files */
	int tls_verify;	      /* -1 unset (registries.conf decides), 0, 1 */
	const char *cert_dir; /* --cert-dir, NULL: /etc/containers/certs.d/DOMAIN */
	bool no_auth_lookup;  /* do not read credentials from auth files */
};

/*
 * A client for domain; repo ("ns/name", may be NULL) picks the most
 * specific auth.json entry. A blocked registry is POD_E_INVALID.
 */
int pod_regaccess_client(const char *domain, const char *repo, const struct pod_regaccess_opts *o,
			 struct pod_registry_client **ret, struct pod_err **err);

/*
 * The shared part, for callers that read registries.conf themselves (pull,
 * with its mirrors and rewritten locations): *ret set for a client of
 * domain, insecure being what registries.conf says of it. The strings *ret
 * points at are kept in *keep until pod_regaccess_keep_release().
 */
struct pod_regaccess_keep {
	char *creds;
	char *cert_dir;
};

int pod_regaccess_registry_opts(const char *domain, const char *repo, bool insecure,
				const struct pod_regaccess_opts *o, struct pod_registry_opts *ret,
				struct pod_regaccess_keep *keep, struct pod_err **err);
void pod_regaccess_keep_release(struct pod_regaccess_keep *keep);

/* Podman's check of --authfile: it must exist ("checking authfile: ...") */
int pod_regaccess_check_authfile(const char *authfile, struct pod_err **err);

#endif
