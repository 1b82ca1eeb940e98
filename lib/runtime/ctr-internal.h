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
uint64_t ctr_proc_start_time(pid_t pid);
bool ctr_process_alive(const struct pod_ctr *c);
bool ctr_monitor_alive(const struct pod_ctr *c);
int ctr_reload(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);

int ctr_cleanup_locked(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);
int ctr_start_locked(struct pod_engine *e, struct pod_ctr *c, int *attach_fd_ret,
		     struct pod_err **err);
int ctr_remove_locked(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);

/* rootfs (ctr_rootfs.c) */
int ctr_rootfs_mount(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);
int ctr_rootfs_unmount(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err);
int ctr_vfs_copy(char *const *layer_dirs_top_first, const char *dest, struct pod_err **err);

/* the lower dirs of an image by ID, top first (ctr_image.c) */
int ctr_image_layer_dirs(struct pod_engine *e, const char *image_id, char ***ret,
			 struct pod_err **err);

#endif
