/*
 * layer.h - image layers: streaming, hostile-input-safe extraction of a layer
 * blob into an overlay lower dir (or onto a vfs copy), and the reverse,
 * directory or overlay upper -> layer tar.
 *
 * Extraction is push-style so a pull can hash the compressed bytes, inflate,
 * hash the tar (the DiffID) and extract in one pass with no temporary copy:
 *
 *	sink = pod_layer_sink_new(diff_dirfd, &opts, &err);
 *	while (network gives bytes) pod_layer_sink_write(sink, buf, n, &err);
 *	pod_layer_sink_finish(sink, &result, &err);
 *	pod_layer_sink_free(sink);
 *
 * The compression (gzip, zstd, none) is sniffed from the first bytes. The
 * tar is parsed by our own push state machine (no thread, no libarchive), so
 * the sink is usable in any process. pod_layer_extract_fd() is the pull-style
 * convenience for local archives.
 *
 * Ownership: the sink borrows the target dirfd (it dups it), opts is copied
 * (the id map arrays are borrowed and must outlive the sink). Once any call
 * has failed, the sink only accepts pod_layer_sink_free().
 *
 * THE TARGET DIRECTORY IS GARBAGE AFTER AN ERROR: the caller must delete it
 * (pod_layer_remove_tree() does that without following symlinks) and must
 * not use a half-extracted layer.
 *
 * Path rules (the layer root plays "/"):
 * - a leading "/" is stripped (names are relative to the layer root, like
 *   tar and containers/storage do); "." and empty components are dropped;
 * - ".." is resolved lexically; one that climbs above the root is an error
 *   ("invalid path ... breakout");
 * - parents are resolved with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS)
 *   from the layer root, so a symlinked parent is followed as if the layer
 *   root were "/" (what a chrooted extraction does) and can never lead
 *   outside; missing parents are created 0755 and owned by the mapped root;
 * - the final component is never followed: an existing entry there is
 *   replaced (a directory is kept when the new entry is a directory too);
 * - hardlink targets follow the same rules and must already exist inside
 *   the root; symlink targets are stored verbatim (they are only data).
 *
 * Whiteouts: "D/.wh.NAME" becomes an overlay whiteout (char device 0/0
 * named NAME; unprivileged mknod of 0/0 works in a user namespace on Linux
 * >= 5.8, so there is no xattr fallback: where mknod is refused the error
 * says so and the vfs mode is the way out), "D/.wh..wh..opq" sets trusted.overlay.opaque=y on D
 * (user.overlay.opaque with opts.userxattr, for rootless overlay mounted
 * with "userxattr"). With opts.apply_whiteouts_by_delete (vfs: extracting
 * onto a copy of the lower layers) a whiteout deletes NAME and an opaque
 * marker deletes every child of D that this layer did not itself create.
 * Within one layer, later entries win in tar order.
 *
 * Metadata: owner (through the optional id maps; opts.no_chown keeps the
 * caller's), mode incl. setuid/setgid/sticky (after chown), mtime/atime
 * (directories' times and modes are applied once all entries are in),
 * xattrs from PAX SCHILY.xattr.* and LIBARCHIVE.xattr.*; overlay's own
 * xattrs (trusted.overlay.*, user.overlay.*) are never taken from a layer;
 * an xattr the filesystem or our privileges refuse (EPERM, ENOTSUP) is
 * skipped and counted. Device nodes need CAP_MKNOD: without it they are
 * skipped and counted, like containers/storage does rootless.
 *
 * End of archive: a zero block ends the archive; whatever follows is
 * ignored but still hashed (the DiffID covers the whole stream). A stream
 * that ends on a header boundary without the zero blocks is accepted, like
 * Go's archive/tar; any other short stream is "unexpected EOF in layer".
 */
#ifndef POD_IMAGE_LAYER_H
#define POD_IMAGE_LAYER_H

#include "core/err.h"

#include <sys/types.h>

enum pod_compression {
	POD_COMPRESSION_NONE = 0,
	POD_COMPRESSION_GZIP,
	POD_COMPRESSION_ZSTD,
};

/* one line of a uid_map/gid_map: container ids [cid, cid+size) -> host ids */
struct pod_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

/* A zeroed struct (or NULL) gives the defaults noted per field. */
struct pod_layer_opts {
	bool apply_whiteouts_by_delete; /* vfs: delete instead of writing whiteouts */
	bool userxattr;			/* rootless overlay: user.overlay.* instead of trusted.* */
	bool no_chown;			/* leave every file owned by the caller */
	const struct pod_idmap *uid_map; /* NULL: identity */
	size_t n_uid_map;
	const struct pod_idmap *gid_map;
	size_t n_gid_map;
	bool set_owner;			/* every entry owned by owner_uid:owner_gid (cp) */
	uint32_t owner_uid, owner_gid;
	bool keep_types; /* an entry replacing a directory with a non-directory or the
			  * reverse is an error (cp without --overwrite) */
	uint64_t max_total_size; /* uncompressed bytes; 0: unlimited */
	uint64_t max_entries;	 /* tar headers, meta headers included; 0: 16M */
	size_t max_name_len;	 /* bytes of a path or link target; 0: 4096 */
	size_t max_pax_size;	 /* bytes of one PAX header; 0: 1 MiB */
	/* debug messages (skipped device nodes, refused xattrs); may be NULL */
	void (*log)(void *ctx, const char *msg);
	void *log_ctx;
};

#define POD_DIGEST_LEN 72 /* "sha256:" + 64 hex + NUL */

struct pod_layer_result {
	char compressed_digest[POD_DIGEST_LEN]; /* of the bytes as stored/sent */
	uint64_t compressed_size;
	char diff_id[POD_DIGEST_LEN]; /* of the uncompressed tar stream */
	uint64_t uncompressed_size;
	enum pod_compression compression;
	uint64_t entries;	  /* filesystem entries created or updated */
	uint64_t skipped_devices; /* device nodes left out (no CAP_MKNOD) */
	uint64_t skipped_xattrs;  /* xattrs refused by the filesystem or privileges */
};

struct pod_layer_sink;

/* dirfd: an empty directory (or the vfs copy of the lower layers); dup'ed */
struct pod_layer_sink *pod_layer_sink_new(int dirfd, const struct pod_layer_opts *o,
					  struct pod_err **err);
/* feed compressed bytes as they arrive */
int pod_layer_sink_write(struct pod_layer_sink *s, const void *buf, size_t len,
			 struct pod_err **err);
/* end of input: checks completeness, applies directory metadata, fills ret */
int pod_layer_sink_finish(struct pod_layer_sink *s, struct pod_layer_result *ret,
			  struct pod_err **err);
struct pod_layer_sink *pod_layer_sink_free(struct pod_layer_sink *s);
void pod_layer_sink_freep(struct pod_layer_sink **s);

/* pull-style: read blob_fd to its end through a sink */
int pod_layer_extract_fd(int blob_fd, int dirfd, const struct pod_layer_opts *o,
			 struct pod_layer_result *ret, struct pod_err **err);

/* remove NAME under dirfd and everything below it, never following symlinks;
 * a missing NAME is not an error */
int pod_layer_remove_tree(int dirfd, const char *name, struct pod_err **err);

/* Layer export. POD_TAR_PLAIN stores the tree as it is; POD_TAR_OVERLAY_UPPER
 * turns overlay whiteouts (char 0/0) into ".wh.NAME" entries and opaque
 * directories (trusted. or user.overlay.opaque=y) into ".wh..wh..opq"
 * entries right after the directory's own entry. Names are sorted, long
 * names and xattrs go in PAX headers, hardlinks are found by (dev, ino);
 * xattrs are kept except *.overlay.* and security.selinux; sockets are left
 * out. Output is deterministic for the same tree. ret gets both digests and
 * sizes (compressed = what was written to out_fd). */
enum pod_tar_mode {
	POD_TAR_PLAIN = 0,
	POD_TAR_OVERLAY_UPPER,
};
int pod_layer_tar_from_dir(int dirfd, enum pod_tar_mode mode, int out_fd,
			   enum pod_compression comp, struct pod_layer_result *ret,
			   struct pod_err **err);

/* One entry (and, for a directory, everything below it) as a plain tar on
 * out_fd: NAME in dirfd (not followed), or with name NULL the children of
 * dirfd. opts may be NULL. For `podman cp` and `podman export`. */
struct pod_tar_entry_opts {
	const char *as;	 /* the top entry's name in the tar; NULL: name */
	bool set_owner;	 /* every entry owned by uid:gid */
	uid_t uid;
	gid_t gid;
};
int pod_tar_write_entry(int dirfd, const char *name, const struct pod_tar_entry_opts *o,
			int out_fd, struct pod_err **err);

/* A plain tar written entry by entry: each add writes one entry (a
 * directory without its children) named path; whiteout writes the
 * ".wh." marker that deletes path. For a vfs container's commit. */
struct pod_tar_writer;
struct pod_tar_writer *pod_tar_writer_new(int out_fd, struct pod_err **err);
int pod_tar_writer_add(struct pod_tar_writer *w, int dirfd, const char *name, const char *path,
		       struct pod_err **err);
int pod_tar_writer_whiteout(struct pod_tar_writer *w, const char *path, struct pod_err **err);
/* the end-of-archive blocks */
int pod_tar_writer_finish(struct pod_tar_writer *w, struct pod_err **err);
struct pod_tar_writer *pod_tar_writer_free(struct pod_tar_writer *w);

/* `podman diff`: the changes an overlay upper makes over its lowers
 * (lower_dirfds[0] is the top-most). Paths are absolute ("/etc/foo") and
 * reported in sorted order; kind is 'A', 'C' or 'D'. The callback's error
 * stops the walk. */
enum pod_change_kind {
	POD_CHANGE_ADD = 'A',
	POD_CHANGE_MODIFY = 'C',
	POD_CHANGE_DELETE = 'D',
};
typedef int (*pod_layer_change_fn)(void *ctx, enum pod_change_kind kind, const char *path,
				   struct pod_err **err);
int pod_layer_changes(int upper_dirfd, const int *lower_dirfds, size_t n_lower,
		      pod_layer_change_fn cb, void *ctx, struct pod_err **err);

#endif
