/*
 * manifest.h - image manifests, indexes (manifest lists) and image configs.
 *
 * Parsers take untrusted bytes: at most POD_MANIFEST_MAX bytes, duplicate
 * keys rejected, every field's type checked, counts bounded. Docker schema 1
 * is refused. Parsed values are plain structs the caller frees with the
 * matching pod_*_free(); strings in them are owned by the struct and json_t
 * members hold their own reference.
 *
 * Builders return canonical compact JSON (keys in the OCI/Docker structs'
 * order) as malloc'd text; the digest of those exact bytes is the object's
 * digest.
 */
#ifndef POD_IMAGE_MANIFEST_H
#define POD_IMAGE_MANIFEST_H

#include "core/err.h"
#include "core/util.h"

#include <jansson.h>

#define POD_MANIFEST_MAX (4 * 1024 * 1024)
#define POD_IMAGE_CONFIG_MAX (4 * 1024 * 1024)
#define POD_MANIFEST_MAX_LAYERS 1024
#define POD_MANIFEST_MAX_ENTRIES 4096

#define POD_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define POD_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define POD_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define POD_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define POD_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define POD_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define POD_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define POD_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define POD_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define POD_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define POD_MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define POD_MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* the Accept header value for manifest requests (no schema 1) */
#define POD_MANIFEST_ACCEPT                                                                        \
	POD_MT_OCI_MANIFEST ", " POD_MT_OCI_INDEX ", " POD_MT_DOCKER_MANIFEST ", " POD_MT_DOCKER_LIST

struct pod_platform {
	char *os;
	char *architecture;
	char *variant;	  /* NULL when absent */
	char *os_version; /* NULL when absent */
};

struct pod_descriptor {
	char *media_type;
	char *digest;
	int64_t size;
	struct pod_platform *platform; /* NULL when absent */
	json_t *annotations;	       /* object of strings, or NULL */
};

enum pod_manifest_kind {
	POD_MANIFEST_IMAGE, /* OCI image manifest or Docker schema 2 */
	POD_MANIFEST_INDEX, /* OCI image index or Docker manifest list */
};

struct pod_image_manifest {
	struct pod_descriptor config;
	struct pod_descriptor *layers;
	size_t n_layers;
};

struct pod_index {
	struct pod_descriptor *manifests;
	size_t n_manifests;
};

struct pod_manifest {
	enum pod_manifest_kind kind;
	char *media_type; /* one of the four POD_MT_ manifest/index types */
	struct pod_image_manifest image; /* kind == POD_MANIFEST_IMAGE */
	struct pod_index index;		 /* kind == POD_MANIFEST_INDEX */
	json_t *annotations;		 /* object of strings, or NULL */
};

/* true for the four manifest/index media types we accept */
bool pod_manifest_type_known(const char *media_type);
bool pod_manifest_type_is_index(const char *media_type);

/*
 * Parses a manifest or index. content_type (may be NULL, parameters
 * allowed) wins when it names a known type; else the body's mediaType; else
 * the body is sniffed ("manifests" -> index, "layers"/"config" -> manifest).
 */
int pod_manifest_parse(const char *body, size_t len, const char *content_type,
		       struct pod_manifest **ret, struct pod_err **err);
struct pod_manifest *pod_manifest_free(struct pod_manifest *m);
void pod_manifest_freep(struct pod_manifest **m);

void pod_descriptor_release(struct pod_descriptor *d);
void pod_descriptor_copy(struct pod_descriptor *dst, const struct pod_descriptor *src);

/* Go's GOARCH for this machine ("amd64", "arm64", "arm", ...) and its variant ("" or "v7") */
const char *pod_host_goarch(void);

/*
 * Applies one --change "INSTRUCTION VALUE" (or INSTRUCTION=VALUE) to an
 * image config's "config" object, as Podman's import and commit accept
 * them: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER,
 * VOLUME, WORKDIR (config_change.c).
 */
int pod_image_config_apply_change(json_t *cfg, const char *change, struct pod_err **err);
const char *pod_host_arch_variant(void);

/*
 * Picks the index entry for os/arch/variant (NULL: linux, the host's
 * GOARCH, the default variant: v8 for arm64, the host's for arm). Variants
 * are tried most specific first (arm64 v8 also takes entries without a
 * variant; arm v7 also takes v6 and v5); within one wanted variant the
 * first matching entry wins. *ret is borrowed from idx.
 */
int pod_index_select(const struct pod_index *idx, const char *os, const char *arch,
		     const char *variant, const struct pod_descriptor **ret,
		     struct pod_err **err);

struct pod_healthcheck {
	char **test; /* ["CMD-SHELL", "..."], ["NONE"], or NULL */
	int64_t interval, timeout, start_period; /* ns; 0 = default */
	int64_t retries;
};

struct pod_history {
	char *created; /* RFC 3339 text or NULL */
	int64_t created_ns;
	char *created_by, *author, *comment;
	bool empty_layer;
};

struct pod_image_config {
	char *architecture, *os, *variant, *os_version, *author;
	char *created; /* RFC 3339 text or NULL */
	int64_t created_ns; /* 0 when absent or unparsable */
	struct {
		char *user;
		char **env;	     /* NULL when absent */
		char **entrypoint;   /* NULL when absent or null, {NULL} when [] */
		char **cmd;	     /* likewise */
		char *working_dir;
		char **exposed_ports; /* keys of ExposedPorts, "80/tcp" */
		char **volumes;	      /* keys of Volumes */
		json_t *labels;	      /* object of strings, or NULL */
		char *stop_signal;
		struct pod_healthcheck *healthcheck; /* NULL when absent */
		char **on_build;
		char **shell;
	} config;
	char **diff_ids; /* NULL-terminated, "sha256:..." */
	size_t n_diff_ids;
	struct pod_history *history;
	size_t n_history;
	/* non-empty history entries != diff_ids: a fact to warn about, not an error */
	bool history_mismatch;
	json_t *raw; /* the whole parsed object */
};

int pod_image_config_parse(const char *body, size_t len, struct pod_image_config **ret,
			   struct pod_err **err);
struct pod_image_config *pod_image_config_free(struct pod_image_config *c);
void pod_image_config_freep(struct pod_image_config **c);

/* RFC 3339 (with optional fraction, "Z" or +hh:mm) to ns since the epoch; false on junk */
bool pod_parse_rfc3339(const char *s, int64_t *ret_ns);
/* ns since the epoch as Go's RFC3339Nano in UTC ("2024-01-02T03:04:05.5Z") */
char *pod_format_rfc3339(int64_t ns);

/* a descriptor as JSON: mediaType, digest, size, annotations, platform */
json_t *pod_descriptor_to_json(const struct pod_descriptor *d);

/* OCI image manifest; annotations may be NULL (borrowed) */
char *pod_manifest_build_oci(const struct pod_descriptor *config,
			     const struct pod_descriptor *layers, size_t n_layers,
			     json_t *annotations);
/* Docker schema 2 manifest */
char *pod_manifest_build_docker(const struct pod_descriptor *config,
				const struct pod_descriptor *layers, size_t n_layers);
/* OCI index (POD_MT_OCI_INDEX) or Docker list (POD_MT_DOCKER_LIST) */
char *pod_index_build(const char *media_type, const struct pod_descriptor *manifests,
		      size_t n, json_t *annotations);
/* image config (OCI field layout, Docker's extra fields when set) */
char *pod_image_config_build(const struct pod_image_config *c);

#endif
