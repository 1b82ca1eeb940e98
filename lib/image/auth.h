/*
 * auth.h - registry credentials (auth.json, docker config.json) and
 * WWW-Authenticate challenges.
 *
 * Credential files map keys "host[/namespace[/repo]]" to
 * {"auth": base64("user:password")}; Docker's legacy keys with a scheme
 * ("https://index.docker.io/v1/") count as their host. Returned strings are
 * the caller's to free.
 */
#ifndef POD_IMAGE_AUTH_H
#define POD_IMAGE_AUTH_H

#include "core/err.h"
#include "core/util.h"

#define POD_AUTH_FILE_MAX (4 * 1024 * 1024)

/* "https://index.docker.io/v1/" -> "docker.io", "quay.io/ns" -> "quay.io/ns" */
char *pod_auth_normalize_key(const char *key);

/*
 * Looks registry_or_repo ("quay.io", "quay.io/ns/repo") up in each file of
 * auth_paths in order (missing files are skipped); in a file the longest
 * matching key wins, and the first file with a match wins. Returns 1 and
 * sets *ret_user and *ret_pass when found, 0 when not, -1 on a broken file.
 */
int pod_auth_lookup(char *const *auth_paths, const char *registry_or_repo, char **ret_user,
		    char **ret_pass, struct pod_err **err);

/*
 * Sets auths[key] in path, keeping everything else in the file. The file is
 * replaced atomically with mode 0600; missing parent directories are made
 * with mode 0700.
 */
int pod_auth_store(const char *path, const char *key, const char *user, const char *pass,
		   struct pod_err **err);
/* 1 when key was removed, 0 when it was not there (or no file) */
int pod_auth_remove(const char *path, const char *key, struct pod_err **err);
/* empties "auths"; 0 also when there was no file */
int pod_auth_remove_all(const char *path, struct pod_err **err);

struct pod_auth_param {
	char *key; /* lower case */
	char *value;
};

struct pod_auth_challenge {
	char *scheme; /* lower case: "bearer", "basic" */
	struct pod_auth_param *params;
	size_t n_params;
};

#define POD_WWW_AUTH_MAX 16384
#define POD_WWW_AUTH_MAX_CHALLENGES 16
#define POD_WWW_AUTH_MAX_PARAMS 32

/*
 * Parses WWW-Authenticate values (RFC 7235: challenges separated by commas,
 * auth-params with tokens or quoted strings, token68). Several header
 * lines may be joined with ", ". Hostile input gives an error, never a
 * partial result.
 */
int pod_www_auth_parse(const char *header, struct pod_auth_challenge **ret, size_t *ret_n,
		       struct pod_err **err);
/* value of key (case-insensitive) or NULL; borrowed */
const char *pod_auth_challenge_param(const struct pod_auth_challenge *c, const char *key);
void pod_auth_challenges_free(struct pod_auth_challenge *c, size_t n);

#endif
