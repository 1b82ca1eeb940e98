/*
 * ctr-internal.h - helpers shared by the ctr*.c files of lib/runtime.
 * Functions named *_locked expect the caller to hold the container's lock
 * and to have re-read its row under it.
 */
#ifndef POD_RUNTIME_CTR_INTERNAL_H
#define POD_RUNTIME_CTR_INTERNAL_H

#include "runtime/ctr.h"
#include "runtime/monitor.h"

/* /proc/PID/stat start time; 0 when gone or a zombie */
uint64_t pod_ctr_proc_start_time(pid_t pid);
bool pod_ctr_process_alive(const struct pod_ctr *c);
bool pod_ctr_monitor_alive(const struct pod_ctr *c);
int pod_ctr_reload(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);

int pod_ctr_cleanup_locked(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);
int pod_ctr_start_locked(struct pod_engine *e, struct pod_ctr *c, int *attach_fd_ret,
		     struct pod_err **err);
int pod_ctr_remove_locked(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);

/* Podman's detach keys ("ctrl-p,ctrl-q", "a,b"; "" is none) as bytes (ctr_attach.c) */
#define POD_DETACH_KEYS_MAX 16
int pod_ctr_parse_detach_keys(const char *spec, unsigned char out[POD_DETACH_KEYS_MAX],
			      size_t *ret_n, struct pod_err **err);

/* resumes a paused container (ctr_pause.c); a no-op for any other state */
int pod_ctr_thaw_locked(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);

/* rootfs (ctr_rootfs.c) */
int pod_ctr_rootfs_mount(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);
int pod_ctr_rootfs_unmount(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);
int pod_ctr_vfs_copy(char *const *layer_dirs_top_first, const char *dest, struct pod_err **err);

/* the lower dirs of an image by ID, top first (ctr_image.c) */
int pod_ctr_image_layer_dirs(struct pod_engine *e, const char *image_id, char ***ret,
			 struct pod_err **err);

/*
 * The k8s-file log reader (ctr_logs.c): prints entries from byte offset
 * of path as opts say; with f (follow), waits (inotify) for more until
 * f->done() says no more will come, then drains. The watched fds are
 * polled too and their callbacks run when readable (a callback may set a
 * watch's fd to -1 to drop it). Returns 1 when a
 * callback stopped it, else 0. path NULL: only the watches run.
 */
struct ctr_log_watch {
	int fd; /* -1: skipped */
	/* -1 error, 0 go on, 1 stop (detach) */
	int (*cb)(void *data, struct pod_err **err);
};
struct ctr_log_follow {
	bool (*done)(void *data);
	struct ctr_log_watch watch[4];
	size_t n_watch;
	void *data;
	/*
	 * Set while a watched fd wakes the loop whenever the log grows (the
	 * monitor's attach socket): no inotify then. Closing an inotify fd waits
	 * for an SRCU grace period (8-20 ms here), on every attach's exit path.
	 */
	bool watch_wakes;
};
int pod_ctr_log_stream(const char *path, int64_t offset, const struct pod_log_opts *o,
		   struct ctr_log_follow *f, struct pod_err **err);

/*
 * Volumes (ctr_volumes.c). data.VolumeMounts is an array of
 * {Type "volume"|"bind", Name (volume) | Source (bind), Destination,
 * Options (as inspect shows them), RW, Propagation, NoCopy, Anonymous}.
 * prepare resolves settings + image config into it, creating named volumes on
 * first use and anonymous ones ("New": created now; discard removes those);
 * add_users runs in the transaction inserting the row; mount gives the OCI
 * mounts for start (and sets data.MountedVolumes); populate chowns and
 * copies up after the spec is made; unmount undoes mount (true when there
 * was something to undo: the caller saves the row).
 */
int pod_ctr_volumes_prepare(struct pod_engine *e, json_t *settings, json_t *image_config,
			    json_t **ret, struct pod_err **err);
void pod_ctr_volumes_discard(struct pod_engine *e, json_t *entries);
int pod_ctr_volumes_add_users(struct pod_engine *e, json_t *entries, const char *id,
			      struct pod_err **err);
int pod_ctr_volumes_mount(struct pod_engine *e, struct pod_ctr *c, json_t **ret_mounts,
			  struct pod_err **err);
int pod_ctr_volumes_populate(struct pod_engine *e, struct pod_ctr *c, const char *rootfs,
			     json_t *spec, struct pod_err **err);
bool pod_ctr_volumes_unmount(struct pod_engine *e, struct pod_ctr *c);

#endif
