/*
 * push.h - `podman push`: an image of the store to a registry.
 *
 * Layers are streamed: the stored layer's original tar
 * (pod_imagestore_layer_tar) is compressed on the fly by a producer thread
 * and sent in one chunked upload while its digest is computed, so nothing
 * is staged on disk. Blobs the destination has are not sent: candidates
 * for a layer's compressed digest come from the image's stored manifest
 * (when its compression matches) and from the store's blob-info cache
 * ($ROOT/blobinfo/DIFFIDHEX.gzip|zstd, written after each upload), each
 * checked with HEAD, or mounted from another repository of the same
 * registry the blob is known to be in. Up to three layers go at once, each
 * worker thread with its own registry client and store connection. The
 * manifest goes last.
 */
#ifndef POD_IMAGE_PUSH_H
#define POD_IMAGE_PUSH_H

#include "image/imagestore.h"
#include "image/layer.h"
#include "image/regaccess.h"

enum pod_push_format {
	POD_PUSH_FORMAT_DEFAULT = 0, /* the stored manifest's type (zstd: OCI) */
	POD_PUSH_FORMAT_OCI,
	POD_PUSH_FORMAT_DOCKER, /* v2s2 */
};

enum pod_push_event {
	POD_PUSH_BLOB_START,   /* arg: the layer's DiffID */
	POD_PUSH_BLOB_DONE,    /* arg: the layer's DiffID */
	POD_PUSH_BLOB_SKIPPED, /* arg: the layer's DiffID; the registry had it */
	POD_PUSH_CONFIG,       /* arg: the config digest */
	POD_PUSH_MANIFEST,     /* arg: NULL */
	POD_PUSH_SIGNATURES,   /* arg: NULL */
};

struct pod_push_opts {
	enum pod_push_format format;
	enum pod_compression compression; /* NONE means gzip */
	struct pod_regaccess_opts access;
	void (*progress)(void *ctx, enum pod_push_event ev, const char *arg);
	void *progress_ctx;
};

/* "oci", "v2s2"/"docker" -> format; -1 for anything else */
int pod_push_format_parse(const char *s);

/*
 * Pushes img to dest ("domain/path[:tag]", normalized: the caller added
 * docker.io and :latest). *ret_digest (may be NULL) gets the manifest's
 * digest.
 */
int pod_image_push(struct pod_imagestore *is, const struct pod_image *img, const char *dest,
		   const struct pod_push_opts *o, char **ret_digest, struct pod_err **err);

#endif
