/*
 * reference.h - image references: [domain[:port]/]path[:tag][@digest].
 *
 * The grammar is Docker's distribution/reference one. A struct pod_ref is a
 * value type: every field is a malloc'd string or NULL (domain is NULL for a
 * short name, tag and digest when absent); release it with
 * pod_ref_release(). Returned strings are the caller's to free.
 */
#ifndef POD_IMAGE_REFERENCE_H
#define POD_IMAGE_REFERENCE_H

#include "core/err.h"
#include "core/util.h"

#include <jansson.h>

#define POD_REF_NAME_MAX 255
#define POD_REF_DEFAULT_DOMAIN "docker.io"

struct pod_ref {
	char *domain; /* "quay.io", "localhost:5000"; NULL when none was given */
	char *path;   /* "library/busybox" */
	char *tag;    /* "latest" or NULL */
	char *digest; /* "sha256:..." or NULL */
};

void pod_ref_release(struct pod_ref *r);
void pod_ref_copy(struct pod_ref *dst, const struct pod_ref *src);

/*
 * Parses s as given: the first component is a domain only when a further
 * component follows and it contains '.' or ':' or is "localhost". Nothing
 * is added. Errors: "invalid reference format",
 * "invalid reference format: repository name must be lowercase",
 * "repository name must not be more than 255 characters".
 */
int pod_ref_parse(const char *s, struct pod_ref *ret, struct pod_err **err);

/*
 * Docker's normalization: docker.io when no domain is given (and for
 * index.docker.io), "library/" for one-component docker.io names, and tag
 * "latest" when neither tag nor digest is given.
 */
int pod_ref_parse_normalized(const char *s, struct pod_ref *ret, struct pod_err **err);

/* "domain/path:tag@digest", leaving out absent parts */
char *pod_ref_string(const struct pod_ref *r);
/* "domain/path" */
char *pod_ref_name(const struct pod_ref *r);
/* docker.io/library/x:t -> x:t, docker.io/u/x -> u/x, others as pod_ref_string() */
char *pod_ref_familiar(const struct pod_ref *r);

/* true when s names no registry (and so needs short-name resolution) */
bool pod_ref_is_short_name(const char *s);

/* an image ID or ID prefix: 3..64 lower-case hex digits, "sha256:" allowed */
bool pod_ref_looks_like_id(const char *s);

/*
 * Short-name candidates in c/image's order: when the name (without tag or
 * digest) is a key of aliases (an object name -> "domain/repo"), only the
 * alias with the user's tag/digest; otherwise search_registries[i] + "/" +
 * name, each normalized (":latest" added). A name with a registry gives
 * itself. *ret is a NULL-terminated vector, possibly empty when there is no
 * alias and no search registry (the caller reports that with the config
 * file's path). Local images ("localhost/NAME") are the caller's to try
 * first. Returns the number of candidates.
 */
int pod_ref_candidates(const char *name, char *const *search_registries, json_t *aliases,
		       char ***ret, struct pod_err **err);

#endif
