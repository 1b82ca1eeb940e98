/*
 * internal.h - helpers private to lib/image.
 */
#ifndef POD_IMAGE_INTERNAL_H
#define POD_IMAGE_INTERNAL_H

#include "core/util.h"

#include <jansson.h>

static inline void
img_json_decrefp(json_t **j)
{
	if (j && *j) {
		json_decref(*j);
		*j = NULL;
	}
}
#define cleanup_jsonp cleanup_(img_json_decrefp)

/* base64 (RFC 4648, standard alphabet, padded) */
char *pod_img_base64_encode(const void *data, size_t len);
/* returns a NUL-terminated copy, NULL on malformed input; *ret_len excludes the NUL */
char *pod_img_base64_decode(const char *s, size_t *ret_len);

#endif
