/*
 * imgmount.c - read-only overlay mounts of images (see imgmount.h).
 */
#include "image/imgmount.h"
#include "core/fs.h"
#include "core/lock.h"
#include "core/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MOUNTS_DIR "image-mounts"

static bool
is_mountpoint(const char *path)
{
	struct stat a, b;
	cleanup_free char *parent = xasprintf("%s/..", path);

	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return false;
	return a.st_dev != b.st_dev;
}

static bool
valid_id(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (!strchr("0123456789abcdef", id[i]))
			return false;
	return i == 64;
}

static int
read_count(const char *dir, const char *merged)
{
	cleanup_free char *p = pod_path_join(dir, "count"), *s = NULL;
	struct pod_err *e = NULL;
	int64_t n = 0;

	if (!is_mountpoint(merged))
		return 0;
	if (pod_read_file(p, &s, NULL, 64, &e) < 0) {
		pod_err_free(&e);
		return 1; /* mounted without a count: one mount */
	}
	s[strcspn(s, "\n")] = '\0';
	if (!pod_parse_int64(s, &n) || n < 1 || n > 1000000)
		n = 1;
	return (int) n;
}

static int
write_count(const char *dir, int n, struct pod_err **err)
{
	cleanup_free char *p = pod_path_join(dir, "count");
	cleanup_free char *s = xasprintf("%d\n", n);

	if (n == 0) {
		if (unlink(p) < 0 && errno != ENOENT)
			return pod_err_sys(err, "removing %s", p);
		return 0;
	}
	return pod_write_file_atomic(p, s, strlen(s), 0600, err);
}

/* a read-only overlay of lowers (top first) on target */
static int
mount_ro_overlay(char *const *lowers, const char *target, struct pod_err **err)
{
	struct pod_strbuf opts = POD_STRBUF_INIT;
	long page = sysconf(_SC_PAGESIZE);
	int r;

	pod_strbuf_adds(&opts, "lowerdir=");
	for (size_t i = 0; lowers[i]; i++) {
		if (i)
			pod_strbuf_addch(&opts, ':');
		pod_strbuf_adds(&opts, lowers[i]);
	}
	if (page > 0 && opts.len + 1 >= (size_t) page) {
		/* too long for mount(2): the new API takes one lower dir at a time */
		cleanup_close int fs = (int) syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
		cleanup_close int mfd = -1;

		pod_strbuf_release(&opts);
		if (fs < 0)
			return pod_err_sys(err, "fsopen overlay");
		for (size_t i = 0; lowers[i]; i++)
			if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", lowers[i],
				    0) < 0)
				return pod_err_sys(err, "overlay lower dir %s", lowers[i]);
		if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			return pod_err_sys(err, "configuring the overlay for %s", target);
		mfd = (int) syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY |
							      MOUNT_ATTR_NODEV);
		if (mfd < 0)
			return pod_err_sys(err, "fsmount overlay");
		if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return pod_err_sys(err, "mounting the overlay on %s", target);
		return 0;
	}
	r = mount("overlay", target, "overlay", MS_RDONLY | MS_NODEV, opts.buf);
	pod_strbuf_release(&opts);
	if (r < 0)
		return pod_err_sys(err, "mounting the overlay on %s", target);
	return 0;
}

int
pod_image_mount(struct pod_imagestore *is, const char *runroot, const struct pod_image *img,
		char **ret_path, struct pod_err **err)
{
	cleanup_free char *base = pod_path_join(runroot, MOUNTS_DIR);
	cleanup_free char *dir = pod_path_join(base, img->id);
	cleanup_free char *merged = pod_path_join(dir, "merged");
	cleanup_free char *empty = pod_path_join(base, "empty");
	cleanup_free char *lockp = xasprintf("%s/%s.lock", base, img->id);
	cleanup_strv char **lowers = NULL;
	cleanup_lock int lock = -1;
	int n;

	if (!valid_id(img->id))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid image ID \"%s\"", img->id);
	if (pod_mkdir_p(base, 0700, err) < 0)
		return -1;
	lock = pod_lock_open(lockp, true, true, err);
	if (lock < 0)
		return -1;
	n = read_count(dir, merged);
	if (n == 0) {
		cleanup_image struct pod_image *again = NULL;

		/* an rmi that deleted the row since our caller's lookup unmounts
		 * after the deletion, under this lock: do not mount its layers */
		if (pod_image_lookup(is, img->id, &again, err) < 0)
			return -1;
		if (pod_mkdir_p(merged, 0755, err) < 0 || pod_mkdir_p(empty, 0755, err) < 0)
			return -1;
		if (pod_image_layer_dirs(is, img, &lowers, err) < 0)
			return -1;
		/* an empty bottom layer: overlay without an upper dir wants two lowers */
		lowers = pod_strv_push(lowers, xstrdup(empty));
		if (!lowers[1])
			lowers = pod_strv_push(lowers, xstrdup(empty));
		if (mount_ro_overlay(lowers, merged, err) < 0)
			return pod_err_wrap(err, "mounting image %s", img->id);
	}
	if (write_count(dir, n + 1, err) < 0) {
		if (n == 0)
			(void) umount2(merged, MNT_DETACH);
		return -1;
	}
	*ret_path = TAKE_PTR(merged);
	return 0;
}

int
pod_image_unmount(const char *runroot, const char *image_id, bool force, struct pod_err **err)
{
	cleanup_free char *base = pod_path_join(runroot, MOUNTS_DIR);
	cleanup_free char *dir = NULL, *merged = NULL, *lockp = NULL;
	cleanup_lock int lock = -1;
	struct stat st;
	int n;

	if (!valid_id(image_id))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid image ID \"%s\"", image_id);
	dir = pod_path_join(base, image_id);
	merged = pod_path_join(dir, "merged");
	lockp = xasprintf("%s/%s.lock", base, image_id);
	if (stat(dir, &st) < 0)
		return 0;
	lock = pod_lock_open(lockp, true, true, err);
	if (lock < 0)
		return -1;
	n = read_count(dir, merged);
	if (n == 0) {
		(void) write_count(dir, 0, NULL);
		return 0;
	}
	if (!force && n > 1)
		return write_count(dir, n - 1, err) < 0 ? -1 : 1;
	if (umount2(merged, 0) < 0) {
		if (errno != EBUSY || umount2(merged, MNT_DETACH) < 0)
			return pod_err_sys(err, "unmounting %s", merged);
	}
	if (write_count(dir, 0, err) < 0)
		return -1;
	(void) rmdir(merged);
	(void) rmdir(dir);
	return 1;
}

int
pod_image_mounted(const char *runroot, char ***ret_ids, char ***ret_paths, struct pod_err **err)
{
	cleanup_free char *base = pod_path_join(runroot, MOUNTS_DIR);
	cleanup_strv char **ids = xcalloc(1, sizeof(char *));
	cleanup_strv char **paths = xcalloc(1, sizeof(char *));
	DIR *d = opendir(base);
	struct dirent *de;

	if (!d && errno != ENOENT)
		return pod_err_sys(err, "reading %s", base);
	while (d && (de = readdir(d))) {
		cleanup_free char *dir = NULL, *merged = NULL;

		if (!valid_id(de->d_name))
			continue;
		dir = pod_path_join(base, de->d_name);
		merged = pod_path_join(dir, "merged");
		if (read_count(dir, merged) == 0)
			continue;
		ids = pod_strv_push(ids, xstrdup(de->d_name));
		paths = pod_strv_push(paths, TAKE_PTR(merged));
	}
	if (d)
		closedir(d);
	*ret_ids = TAKE_PTR(ids);
	*ret_paths = TAKE_PTR(paths);
	return 0;
}
