/* prune.c - image prune with a predicate (see prune.h) */
#include "image/prune.h"
#include "image/imagestore-int.h"

int
pod_image_prune_where(struct pod_imagestore *is, bool all, pod_image_prune_match_fn match,
		      void *ctx, char ***ret, struct pod_err **err)
{
	cleanup_strv char **removed = xcalloc(1, sizeof(char *));
	bool progress = true;

	if (pod_imagestore_writing(is, err) < 0)
		return -1;
	while (progress) {
		struct pod_image **v = NULL;
		size_t n = 0;

		progress = false;
		if (pod_image_list(is, &v, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct pod_image_rm_report r = { 0 };
			cleanup_strv char **ctrs = NULL;
			struct pod_err *e = NULL;

			if (!all && (v[i]->names[0] || pod_image_is_intermediate(v[i], v, n)))
				continue;
			if (match && !match(ctx, v[i], v, n))
				continue;
			if (pod_image_containers(is, v[i], &ctrs, err) < 0) {
				pod_image_list_free(v, n);
				return -1;
			}
			if (ctrs[0])
				continue;
			if (pod_image_remove(is, v[i], NULL, true, NULL, NULL, &r, &e) < 0) {
				if (e->kind == POD_E_INUSE || e->kind == POD_E_NOTFOUND) {
					pod_err_free(&e);
					continue;
				}
				*err = e;
				pod_image_list_free(v, n);
				return -1;
			}
			pod_image_rm_report_release(&r);
			removed = pod_strv_push(removed, xstrdup(v[i]->id));
			progress = true;
		}
		pod_image_list_free(v, n);
	}
	*ret = TAKE_PTR(removed);
	return 0;
}
