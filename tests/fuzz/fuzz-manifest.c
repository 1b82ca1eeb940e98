/*
 * fuzz-manifest.c - manifest/index and image config parsing, platform
 * selection and rebuilding. The first byte picks the Content-Type.
 */
#include "core/err.h"
#include "core/util.h"
#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { NULL,
					     POD_MT_OCI_MANIFEST,
					     POD_MT_OCI_INDEX,
					     POD_MT_DOCKER_MANIFEST,
					     POD_MT_DOCKER_LIST,
					     POD_MT_DOCKER_SCHEMA1_SIGNED,
					     "application/json; charset=utf-8",
					     "" };
	struct pod_manifest *m = NULL;
	struct pod_image_config *c = NULL;
	struct pod_err *e = NULL;
	const char *ct = NULL;

	if (size > 0) {
		ct = types[data[0] % ARRAY_SIZE(types)];
		data++;
		size--;
	}
	if (pod_manifest_parse((const char *) data, size, ct, &m, &e) == 0) {
		char *built;

		if (m->kind == POD_MANIFEST_INDEX) {
			const struct pod_descriptor *d = NULL;

			if (pod_index_select(&m->index, NULL, "arm64", NULL, &d, &e) == 0 && !d)
				abort();
			pod_err_free(&e);
			built = pod_index_build(m->media_type, m->index.manifests,
						m->index.n_manifests, m->annotations);
		} else {
			built = pod_manifest_build_oci(&m->image.config, m->image.layers,
						       m->image.n_layers, m->annotations);
		}
		/* what we build we must parse */
		{
			struct pod_manifest *m2 = NULL;

			if (pod_manifest_parse(built, strlen(built), NULL, &m2, &e) < 0)
				abort();
			pod_manifest_free(m2);
		}
		free(built);
		pod_manifest_free(m);
	}
	pod_err_free(&e);
	if (pod_image_config_parse((const char *) data, size, &c, &e) == 0) {
		char *built = pod_image_config_build(c);
		struct pod_image_config *c2 = NULL;

		if (pod_image_config_parse(built, strlen(built), &c2, &e) < 0)
			abort();
		pod_image_config_free(c2);
		free(built);
		pod_image_config_free(c);
	}
	pod_err_free(&e);
	return 0;
}
