/*
 * imagestore.h - the local image store: images, their names and digests,
 * and the extracted layers they share.
 *
 * Layout (DESIGN.md "State and storage"):
 *   $ROOT/blobs/sha256/HEX     manifests and configs, written once their digest
 *                              is checked
 *   $ROOT/layers/ID/diff       one extracted layer, ID = chain ID hex; an
 *                              overlay lower dir (whiteouts are char 0/0,
 *                              opaque dirs carry *.overlay.opaque=y)
 *   $ROOT/layers/.tmp-RAND/    a layer being extracted
 *   $ROOT/layers/.locks/       per-layer and per-extraction flock files, and
 *                              "gc" (writers hold it shared, collection
 *                              takes it exclusive without waiting)
 * Rows: images, image_names, layers (see store/store.h). A layer row is
 * inserted (state 'ready') only after its directory is in place, and its
 * directory is removed only after its row is gone, under the layer's lock;
 * so a killed tool leaves garbage that pod_imagestore_gc() collects and
 * never a row pointing at nothing. Layers are shared between images by chain
 * ID and stored once; a layer is deleted when no image's layer chain uses
 * it (containers pin their image: an image with containers is not removed).
 *
 * IDs: an image ID is the hex of its config digest (64 hex, no "sha256:");
 * a layer ID is the hex of its chain ID. Functions that take an ID accept
 * either form. Names are stored fully qualified ("docker.io/library/x:tag",
 * "localhost/x:latest"); digests are "sha256:HEX".
 *
 * Lifecycle: pod_imagestore_open() borrows an open struct pod_store (which
 * must outlive it); pod_imagestore_close() releases locks. One imagestore
 * per store, same thread. A struct pod_image is a snapshot the caller frees
 * with pod_image_free(); all its strings are owned by it.
 *
 * Writing an image (pull, load, import, commit):
 *
 *	for each layer bottom to top, parent = chain ID so far:
 *		if (pod_imagestore_has_layer(is, chain_id) == 1) continue;
 *		pod_imagestore_layer_begin(is, &opts, &w, &err);
 *		pod_layer_writer_write(w, bytes...)...;   (compressed or plain)
 *		pod_layer_writer_commit(w, &info, &err);  (or pod_layer_writer_free)
 *	pod_imagestore_commit_image(is, &commit, &id, &err);
 *
 * or pod_imagestore_add_layer_fd() for a whole blob in a file. The image
 * commit is one transaction that checks every layer of the config's
 * rootfs.diff_ids is still present (POD_E_STATE when a concurrent rmi took
 * one: retry the write), stores manifest and config blobs, inserts or
 * updates the image and moves the requested names to it (an image that
 * loses its last name stays as a dangling "<none>" image, like Podman).
 */
#ifndef POD_IMAGE_IMAGESTORE_H
#define POD_IMAGE_IMAGESTORE_H

#include "core/err.h"
#include "core/util.h"
#include "store/store.h"

#include <jansson.h>

struct pod_imagestore;

struct pod_image {
	char *id;	     /* config digest hex */
	char **names;	     /* fully qualified names, oldest first; {NULL} when none */
	char *digest;	     /* "sha256:..." of the manifest last stored */
	char **digests;	     /* every manifest digest known for this image */
	char *manifest_type; /* media type of the stored manifest */
	char *config_digest; /* "sha256:" + id */
	json_t *config;	     /* the parsed image config (the whole object) */
	char *top_layer;     /* chain ID hex of the top layer, NULL without layers */
	char **layers;	     /* chain ID hex, bottom -> top */
	char **diff_ids;     /* "sha256:...", bottom -> top */
	char **names_history;/* every name the image had, most recent first */
	int64_t created;     /* ns since the epoch from config "created"; 0 if absent */
	int64_t stored;	     /* ns since the epoch when it was stored here */
	int64_t size;	     /* uncompressed layers + manifest + config, bytes */
	char *driver;	     /* storage driver name at store time ("overlay", "vfs") */
};

struct pod_image *pod_image_free(struct pod_image *img);
void pod_image_freep(struct pod_image **img);
#define cleanup_image cleanup_(pod_image_freep)
void pod_image_list_free(struct pod_image **v, size_t n);

/* what a layer writer produced, or what is stored for a layer */
struct pod_layer_info {
	char id[65];		   /* chain ID hex */
	char parent[65];	   /* "" for a bottom layer */
	char diff_id[72];	   /* "sha256:..." of the uncompressed tar */
	char compressed_digest[72];/* "sha256:..." of the bytes as fed */
	int64_t compressed_size;
	int64_t size;		   /* uncompressed tar size */
	bool existed;		   /* it was already stored: nothing was written */
};

/*
 * driver: the storage driver name to record ("overlay" when NULL).
 * Never fails for a valid store; creates nothing until a write.
 */
int pod_imagestore_open(struct pod_store *s, const char *driver, struct pod_imagestore **ret,
			struct pod_err **err);
/*
 * For tools: resolves the paths (pod_paths_resolve), opens the store
 * (read-only: nothing is created, see POD_STORE_READONLY) and an
 * imagestore that owns it: pod_imagestore_close() closes both.
 */
int pod_imagestore_open_root(const char *root, const char *runroot, const char *driver,
			     bool readonly, struct pod_imagestore **ret, struct pod_err **err);
struct pod_imagestore *pod_imagestore_close(struct pod_imagestore *is);
void pod_imagestore_closep(struct pod_imagestore **is);
#define cleanup_imagestore cleanup_(pod_imagestore_closep)
struct pod_store *pod_imagestore_store(struct pod_imagestore *is);

/*
 * Collects what crashed writers left: tmp extraction dirs, layer dirs
 * without a row, layer rows no image uses and 'incomplete' rows. Does
 * nothing (and succeeds) while another process is writing images. Returns
 * the number of objects removed.
 */
int pod_imagestore_gc(struct pod_imagestore *is, struct pod_err **err);

/* ---- lookup and listing ---- */

/*
 * Resolves what a user typed, in Podman's order: full ID or "sha256:ID",
 * exact stored name, NAME -> NAME:latest, "localhost/NAME[:TAG]",
 * "docker.io/library/NAME" for docker.io-style short names, then any
 * stored "*\/NAME:TAG" whose path ends in "/NAME" (two different images is
 * an ambiguity error), "NAME@sha256:D" by digest, then a unique ID prefix.
 * Not found: POD_E_NOTFOUND "NAME: image not known".
 */
int pod_image_lookup(struct pod_imagestore *is, const char *name_or_id, struct pod_image **ret,
		     struct pod_err **err);
/* by exact ID (hex or sha256:hex) */
int pod_image_get(struct pod_imagestore *is, const char *id, struct pod_image **ret,
		  struct pod_err **err);
/* 1 found, 0 not, -1 error */
int pod_image_exists(struct pod_imagestore *is, const char *name_or_id, struct pod_err **err);

/* every image, newest stored first; *ret is an array of n pointers */
int pod_image_list(struct pod_imagestore *is, struct pod_image ***ret, size_t *ret_n,
		   struct pod_err **err);

/*
 * True when img has no names and another image's layer chain extends its
 * chain (Podman's intermediate image: hidden by `images` without -a).
 */
bool pod_image_is_intermediate(const struct pod_image *img, struct pod_image *const *all,
			       size_t n);

/* IDs of the containers whose image is img (NULL-terminated, maybe empty) */
int pod_image_containers(struct pod_imagestore *is, const struct pod_image *img, char ***ret,
			 struct pod_err **err);

/*
 * The layer directories of img for an overlay lowerdir, top layer first:
 * absolute "$ROOT/layers/ID/diff" paths (NULL-terminated; {NULL} for an
 * image without layers).
 */
int pod_image_layer_dirs(struct pod_imagestore *is, const struct pod_image *img,
			 char ***ret_top_first, struct pod_err **err);
/* "$ROOT/layers/ID/diff" for one layer ID; malloc'd */
char *pod_imagestore_layer_dir(struct pod_imagestore *is, const char *layer_id);
/* "$ROOT/blobs/sha256/HEX" for a digest; malloc'd */
char *pod_imagestore_blob_path(struct pod_imagestore *is, const char *digest);
/* reads a stored blob (manifest or config) */
int pod_imagestore_read_blob(struct pod_imagestore *is, const char *digest, char **ret,
			     size_t *ret_len, struct pod_err **err);

/* ---- JSON views (Podman's shapes) ---- */

/* `podman image inspect` object for img */
json_t *pod_image_inspect_json(struct pod_imagestore *is, const struct pod_image *img,
			       struct pod_err **err);
/*
 * `podman history --format json` array, newest first: {id, created
 * (RFC3339), CreatedBy, size, comment, tags}
 */
json_t *pod_image_history_json(struct pod_imagestore *is, const struct pod_image *img,
			       struct pod_err **err);
/*
 * RepoTags (names with a tag) and RepoDigests ("REPO@DIGEST" for each
 * name's repository and each digest) as Podman derives them.
 */
json_t *pod_image_repo_tags(const struct pod_image *img);
json_t *pod_image_repo_digests(const struct pod_image *img);
/* labels of the config (borrowed), or NULL when none */
json_t *pod_image_labels(const struct pod_image *img);
/*
 * One `podman images --format json` entry plus "Type": "image": Id,
 * ParentId, RepoTags, RepoDigests, Size, SharedSize, VirtualSize, Labels,
 * Containers, Names, Digest, History, Created (unix s), CreatedAt.
 */
json_t *pod_image_summary_json(const struct pod_image *img, int64_t containers);

/* ---- layers ---- */

/* 1 when layer chain_id (hex or sha256:hex) is stored and ready, 0 when not */
int pod_imagestore_has_layer(struct pod_imagestore *is, const char *chain_id,
			     struct pod_err **err);
/* the stored facts of a ready layer; POD_E_NOTFOUND when absent */
int pod_imagestore_layer_get(struct pod_imagestore *is, const char *chain_id,
			     struct pod_layer_info *ret, struct pod_err **err);

struct pod_layer_add_opts {
	const char *parent;	       /* chain ID of the layer below; NULL for the bottom */
	const char *diff_id;	       /* expected DiffID, NULL when unknown (import) */
	const char *compressed_digest; /* expected digest of the fed bytes; NULL: unchecked */
	const char *media_type;	       /* of the blob, recorded; may be NULL */
	uint64_t max_size;	       /* uncompressed bytes allowed; 0: unlimited */
};

struct pod_layer_writer;

/*
 * Starts writing a layer: bytes fed to the writer (gzip, zstd or plain tar,
 * sniffed) are hashed and extracted into a tmp dir. When opts->diff_id is
 * given the chain ID is known and the layer lock is held until commit or
 * free, so concurrent writers of one layer wait for each other; if the
 * layer is already stored, *ret is NULL, ret_info (may be NULL) is filled
 * with existed = true, and 0 is returned.
 */
int pod_imagestore_layer_begin(struct pod_imagestore *is, const struct pod_layer_add_opts *opts,
			       struct pod_layer_writer **ret, struct pod_layer_info *ret_info,
			       struct pod_err **err);
int pod_layer_writer_write(struct pod_layer_writer *w, const void *buf, size_t len,
			   struct pod_err **err);
/*
 * Ends the input, checks the digests, moves the layer into place and inserts
 * its row. If another writer stored the same layer meanwhile, the new copy
 * is dropped and ret->existed is true. The writer is freed in every case.
 */
int pod_layer_writer_commit(struct pod_layer_writer *w, struct pod_layer_info *ret,
			    struct pod_err **err);
/* abandons the writer (its tmp dir is removed); takes NULL */
struct pod_layer_writer *pod_layer_writer_free(struct pod_layer_writer *w);
void pod_layer_writer_freep(struct pod_layer_writer **w);

/* begin + write everything from fd + commit */
int pod_imagestore_add_layer_fd(struct pod_imagestore *is, const struct pod_layer_add_opts *opts,
				int fd, struct pod_layer_info *ret, struct pod_err **err);

typedef int (*pod_imagestore_out_fn)(void *ctx, const void *buf, size_t len,
				     struct pod_err **err);
/*
 * Streams the layer's original uncompressed tar to out, byte for byte (from
 * the tar-split kept at extraction and the files in diff/): its digest is
 * the layer's DiffID, its length pod_layer_info.size. A layer changed on
 * disk since is an error (detected by size or by the final digest, so out
 * may have received bytes before the error).
 */
int pod_imagestore_layer_tar(struct pod_imagestore *is, const char *layer_id,
			     pod_imagestore_out_fn out, void *ctx, struct pod_err **err);

/* ---- images ---- */

struct pod_image_commit {
	const char *config;	   /* image config bytes (its digest is the image ID) */
	size_t config_len;
	const char *manifest;	   /* manifest bytes as received; NULL: one is built */
	size_t manifest_len;
	const char *manifest_type; /* its media type; with manifest NULL: the type to
				      build (POD_MT_DOCKER_MANIFEST or
				      POD_MT_OCI_MANIFEST; NULL: Docker for a Docker
				      config, else OCI) */
	char *const *names;	   /* fully qualified names to give the image; may be NULL */
	json_t *annotations;	   /* manifest annotations for inspect; borrowed, may be NULL */
	const char *list;	   /* the index/manifest list the manifest was picked from
				      (pull); NULL: none. Its digest becomes the image's
				      digest and joins its digests, like Podman */
	size_t list_len;
};

/*
 * Stores an image whose layers (the config's rootfs.diff_ids, in order) are
 * all stored. An existing image with the same ID keeps its names and gains
 * the new names and digest. Names move from whatever image had them.
 * *ret_id (may be NULL) is the image ID hex.
 */
int pod_imagestore_commit_image(struct pod_imagestore *is, const struct pod_image_commit *c,
				char **ret_id, struct pod_err **err);

/*
 * The canonical stored form of a user-given name: Podman's NormalizeName
 * for tag/untag ("x" -> "localhost/x:latest", "quay.io/a/b" ->
 * "quay.io/a/b:latest", "docker.io/x" -> "docker.io/library/x:latest").
 * A digested name is refused for tagging with Podman's error.
 */
int pod_image_normalize_name(const char *name, char **ret, struct pod_err **err);

/*
 * Which of img's names the user meant by `given` (exact, normalized, or
 * short-name match); borrowed from img, NULL when given is an ID or no name
 * matches.
 */
const char *pod_image_name_for(const struct pod_image *img, const char *given);

/* adds a name (normalized as above), moving it from another image */
int pod_image_tag(struct pod_imagestore *is, const struct pod_image *img, const char *name,
		  struct pod_err **err);
/*
 * Removes one name (normalized; an unknown name is POD_E_NOTFOUND
 * "NAME: tag not known"), or every name when name is NULL.
 */
int pod_image_untag(struct pod_imagestore *is, const struct pod_image *img, const char *name,
		    struct pod_err **err);

struct pod_image_rm_report {
	char **untagged; /* names removed, as Podman prints them ("Untagged: X") */
	bool deleted;	 /* the image itself was removed */
	size_t layers_removed;
};
void pod_image_rm_report_release(struct pod_image_rm_report *r);

/*
 * Called by pod_image_remove() with force for each container that uses the
 * image; it must remove the container (rows and files) or fail.
 */
typedef int (*pod_image_rm_container_fn)(void *ctx, const char *container_id,
					 struct pod_err **err);

/*
 * Podman's rmi for one image given as `given` (what the user typed: when it
 * is one of several names, only that name is removed):
 *  - containers using it: without force POD_E_INUSE "image used by ID:
 *    image is in use by a container: consider listing external containers
 *    and force-removing image"; with force each is handed to rm_ctr (NULL:
 *    the same error) before the image goes;
 *  - by ID with several names and no force: POD_E_INVALID (Podman's
 *    "unable to delete image ... by ID with more than one tag" text);
 *  - otherwise every name is untagged, the image row and its blobs go, and
 *    the layers no other image uses are deleted.
 */
int pod_image_remove(struct pod_imagestore *is, const struct pod_image *img, const char *given,
		     bool force, pod_image_rm_container_fn rm_ctr, void *ctx,
		     struct pod_image_rm_report *ret, struct pod_err **err);

/*
 * `image prune`: removes dangling images (no names), or with all every image
 * no container uses; IDs removed go to *ret (NULL-terminated).
 */
int pod_image_prune(struct pod_imagestore *is, bool all, char ***ret, struct pod_err **err);

#endif
