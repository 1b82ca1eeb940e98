/*
 * imgmount.h - `podman image mount`: an image's layers as one read-only
 * overlay (every layer a lower dir, no upper), counted like Podman's.
 *
 * State lives below the run root, since mounts do not survive a reboot:
 *   $RUNROOT/image-mounts/ID/merged   the mount point
 *   $RUNROOT/image-mounts/ID/count    how many mounts are outstanding
 *   $RUNROOT/image-mounts/ID.lock     held while either changes
 *   $RUNROOT/image-mounts/empty/      the bottom lower dir of every mount
 * A count file whose mount point is not mounted (a reboot, a lazy unmount
 * elsewhere) counts as zero.
 */
#ifndef POD_IMAGE_IMGMOUNT_H
#define POD_IMAGE_IMGMOUNT_H

#include "image/imagestore.h"

/* mounts (or counts one more mount of) img; *ret_path is the mount point */
int pod_image_mount(struct pod_imagestore *is, const char *runroot, const struct pod_image *img,
		    char **ret_path, struct pod_err **err);

/*
 * Drops one mount (all with force). Returns 1 when the image was mounted,
 * 0 when it was not (nothing to do).
 */
int pod_image_unmount(const char *runroot, const char *image_id, bool force,
		      struct pod_err **err);

/* IDs of the mounted images and their mount points (NULL-terminated, parallel) */
int pod_image_mounted(const char *runroot, char ***ret_ids, char ***ret_paths,
		      struct pod_err **err);

#endif
