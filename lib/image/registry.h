/*
 * registry.h - a client for the OCI distribution (Docker registry v2) API.
 *
 * One struct pod_registry_client talks to one registry over one reused
 * libcurl easy handle (not thread-safe: one client per thread). It pings
 * /v2/ on first use to choose https or, for insecure registries, http, and
 * to learn the auth challenge; bearer tokens are cached per scope until
 * they expire. Free with pod_registry_client_free().
 *
 * Every fetch is verified: manifests against Docker-Content-Digest and the
 * digest they were asked by, blobs against their digest and size. A blob's
 * bytes are streamed to the caller's callback before they can be verified,
 * so when pod_registry_get_blob() fails the caller must discard them.
 */
#ifndef POD_IMAGE_REGISTRY_H
#define POD_IMAGE_REGISTRY_H

#include "core/err.h"
#include "core/util.h"

#include <sys/types.h>

struct pod_registry_opts {
	bool insecure;	      /* plain http allowed when https fails */
	bool skip_tls_verify; /* do not verify the server certificate */
	const char *cert_dir; /* *.crt CAs, *.cert + *.key client pair (certs.d/HOST); NULL */
	const char *creds;    /* "user:password" or NULL */
	const char *user_agent; /* NULL: "podutils/VERSION" */
	long timeout_sec;	/* connect timeout and stall limit; 0: 30 s */
};

struct pod_registry_client;

/* domain as in a reference ("docker.io" goes to registry-1.docker.io); no I/O yet */
int pod_registry_client_new(const char *domain, const struct pod_registry_opts *o,
			    struct pod_registry_client **ret, struct pod_err **err);
struct pod_registry_client *pod_registry_client_free(struct pod_registry_client *c);
void pod_registry_client_freep(struct pod_registry_client **c);

/* GET /v2/: picks the scheme and learns the auth challenge (done lazily anyway) */
int pod_registry_ping(struct pod_registry_client *c, struct pod_err **err);
/* "https" or "http" once pinged, else NULL */
const char *pod_registry_scheme(const struct pod_registry_client *c);

/*
 * Fetches a manifest by tag or digest. *ret_body is NUL-terminated (not
 * counted in *ret_len); *ret_media_type is the response's Content-Type
 * without parameters, or NULL when none was sent (pass it to
 * pod_manifest_parse()); *ret_digest is the sha256 of the body. Any of the
 * ret pointers except ret_body may be NULL.
 */
int pod_registry_get_manifest(struct pod_registry_client *c, const char *repo,
			      const char *tag_or_digest, char **ret_body, size_t *ret_len,
			      char **ret_media_type, char **ret_digest, struct pod_err **err);

/* the manifest's digest from a HEAD (Docker-Content-Digest), else from a GET */
int pod_registry_manifest_digest(struct pod_registry_client *c, const char *repo,
				 const char *tag_or_digest, char **ret_digest, struct pod_err **err);

/* the write callback returns the bytes it took; fewer than offered aborts */
typedef size_t (*pod_registry_write_fn)(const void *buf, size_t len, void *ud);
/* returns bytes read, 0 at end, -1 on error */
typedef ssize_t (*pod_registry_read_fn)(void *buf, size_t len, void *ud);

/*
 * Streams blob digest to write(). expected_size < 0: unknown. Redirects are
 * followed; credentials are not sent to another host.
 */
int pod_registry_get_blob(struct pod_registry_client *c, const char *repo, const char *digest,
			  int64_t expected_size, pod_registry_write_fn write, void *ud,
			  struct pod_err **err);
/* 1 present (with *ret_size when not NULL), 0 absent */
int pod_registry_blob_exists(struct pod_registry_client *c, const char *repo,
			     const char *digest, int64_t *ret_size, struct pod_err **err);

/*
 * Uploads a blob unless the registry has it. With mount_from (another repo
 * on the same registry, or NULL) a cross-repository mount is tried first.
 * Returns 1 when the blob was already there or mounted, 0 when uploaded.
 */
int pod_registry_put_blob(struct pod_registry_client *c, const char *repo, const char *digest,
			  int64_t size, pod_registry_read_fn read, void *ud, const char *mount_from,
			  struct pod_err **err);
int pod_registry_put_blob_buf(struct pod_registry_client *c, const char *repo,
			      const void *buf, size_t len, char **ret_digest,
			      struct pod_err **err);
/* PUT /v2/REPO/manifests/REF; *ret_digest (may be NULL) is the body's sha256 */
int pod_registry_put_manifest(struct pod_registry_client *c, const char *repo, const char *ref,
			      const char *body, size_t len, const char *media_type,
			      char **ret_digest, struct pod_err **err);

/* all tags (following Link pagination), a NULL-terminated vector */
int pod_registry_tags(struct pod_registry_client *c, const char *repo, char ***ret,
		      struct pod_err **err);
/* all repositories from /v2/_catalog */
int pod_registry_catalog(struct pod_registry_client *c, char ***ret, struct pod_err **err);

/*
 * The message for a registry error response: the JSON errors
 * ("manifest unknown: manifest unknown"), else "unauthorized: authentication
 * required" for 401, else "received unexpected HTTP status: 500 Internal
 * Server Error". Exposed for tests.
 */
char *pod_registry_error_message(long status, const char *reason, const char *body,
				 size_t len, bool *ret_notfound);

/*
 * Push helpers. put_blob_stream uploads bytes of unknown size and digest:
 * POST, one chunked PATCH fed by read() (which returns 0 only at a good
 * end, -1 to abort), then PUT ?digest= with the digest of what was sent,
 * given back with the size. mount_blob tries a cross-repository mount:
 * 1 mounted, 0 not (the blob must be uploaded). check_login asks /v2/
 * with the client's credentials: an error ("invalid username/password" on
 * 401) unless they are accepted.
 */
int pod_registry_put_blob_stream(struct pod_registry_client *c, const char *repo,
				 pod_registry_read_fn read, void *ud, char ret_digest[72],
				 int64_t *ret_size, struct pod_err **err);
int pod_registry_mount_blob(struct pod_registry_client *c, const char *repo, const char *digest,
			    const char *from, struct pod_err **err);
int pod_registry_check_login(struct pod_registry_client *c, struct pod_err **err);

/*
 * GET /v1/search?q=TERM&n=LIMIT (Docker Hub: on index.docker.io), the
 * search API some registries still offer. *ret_body is the JSON body on
 * 200, NULL when the registry has no such API (the caller then reads the
 * catalog); -1 only when the registry cannot be reached.
 */
int pod_registry_v1_search(struct pod_registry_client *c, const char *term, int64_t limit,
			   char **ret_body, size_t *ret_len, struct pod_err **err);

#endif
