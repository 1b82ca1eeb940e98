/*
 * prune.h - `image prune` with a caller's predicate (its filters):
 * like pod_image_prune(), but an image is removed only when
 * match(ctx, img, all) says so. Images stop being candidates when a
 * container uses them; the loop repeats while removals free more.
 */
#ifndef POD_IMAGE_PRUNE_H
#define POD_IMAGE_PRUNE_H

#include "image/imagestore.h"

typedef bool (*pod_image_prune_match_fn)(void *ctx, const struct pod_image *img,
					 struct pod_image *const *all, size_t n);

int pod_image_prune_where(struct pod_imagestore *is, bool all, pod_image_prune_match_fn match,
			  void *ctx, char ***ret, struct pod_err **err);

#endif
