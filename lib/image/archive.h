/*
 * archive.h - image archives: `podman load` (docker-archive, oci-archive,
 * either possibly gzip/zstd/xz compressed) into the image store, and
 * `podman save` (docker-archive, oci-archive, oci-dir, docker-dir) from it.
 *
 * Loading unpacks the outer archive into a private temporary directory
 * (regular files and directories only, paths checked; symlinks and
 * hardlinks between members are remembered and resolved by name), then adds
 * each image through the image store, so a load that fails or is killed
 * leaves no visible image. Saving writes layers as their original
 * uncompressed tar (pod_imagestore_layer_tar), so every image keeps its ID.
 */
#ifndef POD_IMAGE_ARCHIVE_H
#define POD_IMAGE_ARCHIVE_H

#include "image/imagestore.h"

/*
 * Loads every image in the archive read from fd. tmpdir: where to unpack
 * (NULL: $TMPDIR or /var/tmp). *ret (NULL-terminated) gets what Podman
 * prints after "Loaded image: ": each image's names, or "sha256:ID" for an
 * image without a name; *ret_ids (may be NULL) one image ID per image. Errors for data that is neither format:
 * POD_E_INVALID "payload does not match any of the supported image formats
 * (oci-archive, docker-archive)".
 */
int pod_image_load(struct pod_imagestore *is, int fd, const char *tmpdir, char ***ret,
		   char ***ret_ids, struct pod_err **err);

enum pod_save_format {
	POD_SAVE_DOCKER_ARCHIVE = 0,
	POD_SAVE_OCI_ARCHIVE,
	POD_SAVE_OCI_DIR,
	POD_SAVE_DOCKER_DIR,
};

/* "docker-archive", "oci-archive", "oci-dir", "docker-dir"; -1 when unknown */
int pod_save_format_parse(const char *s);

struct pod_save_item {
	const struct pod_image *img;
	const char *name; /* the name to record (fully qualified) or NULL: the image's names */
};

/*
 * Writes the images: archives to out_fd (a file or a pipe), directory
 * formats into dir (created; must not exist or be empty). oci-dir and
 * docker-dir take exactly one image; docker-archive takes several
 * (Podman's --multi-image-archive), oci-archive several too (one index
 * entry each).
 */
int pod_image_save(struct pod_imagestore *is, const struct pod_save_item *items, size_t n,
		   enum pod_save_format format, int out_fd, const char *dir,
		   struct pod_err **err);

#endif
