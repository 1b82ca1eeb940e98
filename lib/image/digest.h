/*
 * digest.h - content digests ("sha256:" + 64 lower-case hex digits).
 *
 * A struct pod_digester hashes a stream: pod_digester_new(), then
 * pod_digester_update() any number of times, pod_digester_final() once,
 * pod_digester_free(). Digest strings written into caller buffers are
 * NUL-terminated and POD_DIGEST_BUF bytes long at most.
 */
#ifndef POD_IMAGE_DIGEST_H
#define POD_IMAGE_DIGEST_H

#include "core/err.h"
#include "core/util.h"
#include "image/sha256_engine.h"

#define POD_DIGEST_PREFIX "sha256:"
#define POD_DIGEST_HEX_LEN 64
#define POD_DIGEST_LEN (7 + POD_DIGEST_HEX_LEN) /* "sha256:" + hex */
#define POD_DIGEST_BUF (POD_DIGEST_LEN + 1)

struct pod_digester;

/* aborts on OOM like xmalloc */
struct pod_digester *pod_digester_new(void);
void pod_digester_update(struct pod_digester *d, const void *buf, size_t len);
/* bytes hashed so far */
uint64_t pod_digester_size(const struct pod_digester *d);
/* writes "sha256:hex"; the digester cannot be updated afterwards */
void pod_digester_final(struct pod_digester *d, char ret[POD_DIGEST_BUF]);
struct pod_digester *pod_digester_free(struct pod_digester *d);
void pod_digester_freep(struct pod_digester **d);

void pod_digest_buf(const void *buf, size_t len, char ret[POD_DIGEST_BUF]);
int pod_digest_fd(int fd, char ret[POD_DIGEST_BUF], uint64_t *ret_size, struct pod_err **err);
int pod_digest_file(const char *path, char ret[POD_DIGEST_BUF], struct pod_err **err);

/*
 * True for "sha256:" + 64 lower hex and "sha512:" + 128 lower hex. Only
 * sha256 can be computed; sha512 is accepted so such references parse.
 */
bool pod_digest_valid(const char *d);
bool pod_digest_is_sha256(const char *d);
/* the hex part of a valid digest (borrowed from d), NULL if d is not valid */
const char *pod_digest_hex(const char *d);

/*
 * ChainID: the first layer's is its DiffID; then
 * sha256(parent_chain + " " + diff_id). parent_chain NULL for the first.
 */
void pod_chain_id(const char *parent_chain, const char *diff_id, char ret[POD_DIGEST_BUF]);

#endif
