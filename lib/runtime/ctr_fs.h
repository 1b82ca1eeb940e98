/*
 * ctr_fs.h - a container's file system from the outside: mount/unmount
 * with a user mount counter, `cp`, `diff`, `export` and `commit`.
 *
 * Mount counter: `podman mount` increments a count kept in
 * $RUNROOT/containers/ID/mounts (mounts do not survive a reboot, neither
 * does the count); while it is above zero, cleanup after the container
 * exits leaves the rootfs mounted. `unmount` decrements it (force: sets it
 * to zero) and unmounts once it is zero and the container does not run.
 *
 * cp, export, diff and commit hold the container's lock for their whole
 * run (a stopped container cannot be started under them, a running one
 * cannot be cleaned up), mount the rootfs when it is not mounted and
 * unmount it again afterwards. Every path inside a container is resolved
 * with openat2(RESOLVE_IN_ROOT): ".." and symlinks never leave the rootfs.
 * cp sees the rootfs only, not the container's volumes and bind mounts.
 *
 * Strings returned are malloc'd and the caller's.
 */
#ifndef POD_RUNTIME_CTR_FS_H
#define POD_RUNTIME_CTR_FS_H

#include "image/layer.h"
#include "runtime/ctr.h"

/* mounts (counted); *ret_path: the merged dir (vfs: the rootfs dir) */
int pod_ctr_mount(struct pod_engine *e, struct pod_ctr *c, char **ret_path, struct pod_err **err);
/* one count less (force: none left); unmounts at zero unless it runs */
int pod_ctr_unmount(struct pod_engine *e, struct pod_ctr *c, bool force, struct pod_err **err);
/* the user mount count (0 when none) */
int64_t pod_ctr_mount_count(struct pod_engine *e, const struct pod_ctr *c);
/* is its rootfs mounted now (vfs: counted or running) */
bool pod_ctr_is_mounted(struct pod_engine *e, const struct pod_ctr *c);

/* --- cp --- */
struct pod_cp_end {
	struct pod_ctr *ctr; /* NULL: the host, or a tar stream when path is "-" */
	const char *name;    /* the container as the user gave it (messages) */
	const char *path;
};
struct pod_cp_opts {
	bool chown;	/* into a container: owned by its user (Podman's --archive) */
	bool overwrite; /* a directory may replace a non-directory and the reverse */
	int in_fd;	/* the tar stream for a "-" source */
	int out_fd;	/* the tar stream for a "-" destination */
};
int pod_ctr_copy(struct pod_engine *e, const struct pod_cp_end *src, const struct pod_cp_end *dst,
		 const struct pod_cp_opts *o, struct pod_err **err);

/* --- export: the whole root file system as a tar on out_fd --- */
int pod_ctr_export(struct pod_engine *e, struct pod_ctr *c, int out_fd, struct pod_err **err);

/* --- diff: the changes against the image, sorted by path --- */
typedef int (*pod_ctr_change_fn)(void *ctx, char kind, const char *path, struct pod_err **err);
int pod_ctr_changes(struct pod_engine *e, struct pod_ctr *c, pod_ctr_change_fn cb, void *ctx,
		    struct pod_err **err);
/* the changes of an image's top layer over the layers below it */
int pod_image_changes(struct pod_engine *e, const char *image, pod_ctr_change_fn cb, void *ctx,
		      struct pod_err **err);

/* --- commit (ctr_commit.c) --- */
struct pod_commit_opts {
	const char *name;	/* the new image's name as given; NULL: none */
	char *const *changes;	/* --change instructions; may be NULL */
	const char *message;	/* history comment */
	const char *author;
	bool pause;		/* freeze a running container while its layer is written */
	bool squash;		/* one layer with the whole file system */
	bool docker;		/* Docker schema2 manifest instead of OCI */
	bool include_volumes;	/* the container's volume destinations become image VOLUMEs */
	void (*progress)(void *ctx, const char *line); /* may be NULL */
	void *progress_ctx;
};
/* *ret_id: the new image ID (64 hex) */
int pod_ctr_commit(struct pod_engine *e, struct pod_ctr *c, const struct pod_commit_opts *o,
		   char **ret_id, struct pod_err **err);

/* internal to lib/runtime: a forked child writing a tar into a pipe */
struct pod_ctr_tar_producer {
	int dirfd;
	const char *name;
	const struct pod_tar_entry_opts *opts;
	int mode; /* -1: pod_tar_write_entry, else a pod_tar_mode for the whole dir */
	/* when set, run instead of the above */
	int (*fn)(void *data, int out_fd, struct pod_err **err);
	void *data;
};
int pod_ctr_tar_pipe(const struct pod_ctr_tar_producer *p, pid_t *ret_pid, int *ret_fd,
		     int *ret_errfd, struct pod_err **err);
int pod_ctr_tar_pipe_wait(pid_t pid, int errfd, struct pod_err **err);

/* a vfs rootfs compared with its image's layers (ctr_vfsdiff.c), sorted */
int pod_ctr_vfs_changes(int rootfd, const int *lower_dirfds, size_t n_lower,
			pod_layer_change_fn cb, void *ctx, struct pod_err **err);

struct pod_ctr_fs_hold {
	int lock;
	int rootfd;
	char *path;
	bool mounted; /* by us: unmounted at release */
};
int pod_ctr_fs_hold(struct pod_engine *e, struct pod_ctr *c, struct pod_ctr_fs_hold *h,
		    struct pod_err **err);
void pod_ctr_fs_release(struct pod_engine *e, struct pod_ctr *c, struct pod_ctr_fs_hold *h);

#endif
