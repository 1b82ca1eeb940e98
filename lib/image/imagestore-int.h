/*
 * imagestore-int.h - private to the image store files of lib/image.
 */
#ifndef POD_IMAGE_IMAGESTORE_INT_H
#define POD_IMAGE_IMAGESTORE_INT_H

#include "image/imagestore.h"

struct pod_imagestore {
	struct pod_store *store; /* borrowed, unless owned_store */
	struct pod_store *owned_store;
	char *root;
	char *layers_dir; /* $ROOT/layers */
	char *locks_dir;  /* $ROOT/layers/.locks */
	char *blobs_dir;  /* $ROOT/blobs/sha256 */
	char *driver;
	bool userxattr; /* rootless: user.overlay.* */
	int gc_lock;	/* shared "gc" lock held while writing, or -1 */
};

/* the name of the per-layer tar-split file beside diff/ */
#define POD_TAR_SPLIT_NAME "tar-split.gz"

/* takes the shared writer lock once per imagestore */
int pod_imagestore_writing(struct pod_imagestore *is, struct pod_err **err);
/* the lock for one object ("ID" of a layer, "image-ID", "tmp-NAME") */
int pod_imagestore_lock(struct pod_imagestore *is, const char *what, bool wait,
			struct pod_err **err);
/* a new ".tmp-RANDOM" name below layers/ and its lock (held) */
int pod_imagestore_tmp_new(struct pod_imagestore *is, char **ret_name, int *ret_lock,
			   struct pod_err **err);
/* removes layers/NAME (a tmp dir) and the lock file of it */
void pod_imagestore_tmp_remove(struct pod_imagestore *is, const char *name);
/*
 * Removes layers/ID under its lock (taken with wait) unless a row for it
 * exists again: renamed to a tmp name first so a half-removed dir is never
 * seen as a layer.
 */
int pod_imagestore_layer_rmdir(struct pod_imagestore *is, const char *id, bool wait,
			       struct pod_err **err);
/* "sha256:hex" or "hex" -> hex (borrowed), NULL when neither */
const char *pod_imagestore_hex(const char *id_or_digest);

#endif
