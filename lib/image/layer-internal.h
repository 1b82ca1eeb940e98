/*
 * layer-internal.h - private to lib/image: the sha256 stream helper and the push
 * tar extractor behind struct pod_layer_sink.
 */
#ifndef POD_IMAGE_LAYER_INTERNAL_H
#define POD_IMAGE_LAYER_INTERNAL_H

#include "image/layer.h"

#include "image/sha256_engine.h"

/* a stream through pod_sha256_engine */
struct pod_sha256 {
	const struct pod_sha256_engine *eng;
	void *st;
};
void pod_sha256_init(struct pod_sha256 *h);
void pod_sha256_update(struct pod_sha256 *h, const void *buf, size_t len);
/* writes "sha256:HEX" into out (POD_DIGEST_LEN bytes) and releases h */
void pod_sha256_final(struct pod_sha256 *h, char out[POD_DIGEST_LEN]);
void pod_sha256_release(struct pod_sha256 *h);

/* openat2(dirfd, path, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), "" is the root
 * itself; flags get O_CLOEXEC; retried on EAGAIN */
int pod_image_open_in_root(int rootfd, const char *path, int flags);

/* a set of relative paths; adding "a/b/c" adds "a/b" and "a" too */
struct pod_pathset {
	char **slot;
	size_t cap, n;
};
bool pod_pathset_has(const struct pod_pathset *s, const char *p);
void pod_pathset_add(struct pod_pathset *s, const char *p);
void pod_pathset_release(struct pod_pathset *s);

/* the tar extractor: a push state machine over the uncompressed stream */
struct pod_tar_extract;
struct pod_tar_extract *pod_tar_extract_new(int dirfd, const struct pod_layer_opts *o,
					    struct pod_err **err);
int pod_tar_extract_feed(struct pod_tar_extract *x, const void *buf, size_t len,
			 struct pod_err **err);
/* checks the stream ended cleanly, applies deferred directory metadata and
 * fills the counters of ret */
int pod_tar_extract_finish(struct pod_tar_extract *x, struct pod_layer_result *ret,
			   struct pod_err **err);
struct pod_tar_extract *pod_tar_extract_free(struct pod_tar_extract *x);

/* defaults for a zeroed struct pod_layer_opts field */
#define POD_LAYER_DEF_MAX_ENTRIES (16u << 20)
#define POD_LAYER_DEF_MAX_NAME 4096
#define POD_LAYER_DEF_MAX_PAX (1u << 20)

#endif
