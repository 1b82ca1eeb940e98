/*
 * fs.h - safe file system operations.
 *
 * Every fd opened here has O_CLOEXEC. Paths inside a container rootfs or a
 * layer are opened from a directory fd with pod_openat_in_root(), which the
 * kernel confines (openat2 RESOLVE_IN_ROOT); pod_path_join_in_root() is only
 * for building paths lexically (mount targets, messages). Returned strings
 * and buffers are malloc'd and owned by the caller.
 */
#ifndef POD_CORE_FS_H
#define POD_CORE_FS_H

#include "core/err.h"
#include "core/util.h"

#include <sys/types.h>

/*
 * Replaces path with data: a temporary file in the same directory is
 * written, fsync'd, given mode, renamed over path, and the directory is
 * fsync'd. Readers see the old or the new content, never a mix.
 */
int pod_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			  struct pod_err **err);
/*
 * The same without the fsyncs, for files that need not outlive a crash:
 * state under the runroot (volatile by definition) and files rewritten at
 * every container start. Readers still never see a mix.
 */
int pod_write_file_replace(const char *path, const void *data, size_t len, mode_t mode,
			   struct pod_err **err);

/*
 * Reads a whole file (at most max bytes, else an EFBIG error) into a
 * NUL-terminated buffer; ret_len may be NULL.
 */
int pod_read_file(const char *path, char **ret, size_t *ret_len, size_t max, struct pod_err **err);

/* mkdir -p: creates missing components with mode (umask applies) */
/* the running program's directory (from /proc/self/exe); NULL when unknown */
char *pod_self_dir(void);
/* NAME in the running program's directory when it is executable there, else NULL */
char *pod_self_tool(const char *name);

int pod_mkdir_p(const char *path, mode_t mode, struct pod_err **err);

/*
 * mkdtemp of DIR/PREFIX-XXXXXX, mode 0700; DIR NULL or empty: $TMPDIR, else
 * fallback. *ret is the new directory's path.
 */
int pod_mkdtemp(const char *dir, const char *fallback, const char *prefix, char **ret,
		struct pod_err **err);

/*
 * rm -rf: removes path and everything below it. A missing path is not an
 * error. Symlinks are removed, never followed; a mount point below path
 * stops the removal with an EBUSY error (nothing on another file system is
 * touched).
 */
int pod_rm_rf(const char *path, struct pod_err **err);

/* "a/b" with exactly one slash between them */
char *pod_path_join(const char *a, const char *b);

/*
 * root + rel, with rel normalised lexically ("." and empty components
 * dropped, ".." applied, an absolute rel taken from root). A rel that climbs
 * above root is refused with POD_E_INVALID. Symlinks are not considered.
 */
int pod_path_join_in_root(const char *root, const char *rel, char **ret, struct pod_err **err);

/*
 * Opens path (absolute or relative) below rootfd with openat2(2)
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: ".." and symlinks cannot leave
 * the root. flags gets O_CLOEXEC; mode is used with O_CREAT/O_TMPFILE.
 */
int pod_openat_in_root(int rootfd, const char *path, int flags, mode_t mode, struct pod_err **err);

#endif
