/* ctr_rootfs.c - a container's root file system: overlay mount, or a vfs copy */
#include "core/fs.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "runtime/ctr-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static bool
is_mountpoint(const char *path)
{
	struct stat a, b;
	cleanup_free char *parent = xasprintf("%s/..", path);

	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return false;
	return a.st_dev != b.st_dev;
}

/* the new mount API, one lower dir at a time ("lowerdir+", Linux 6.8) */
static int
mount_overlay_fd(char *const *lowers, const char *upper, const char *work, const char *target,
		 struct pod_err **err)
{
	cleanup_close int fs = (int) syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	cleanup_close int mfd = -1;

	if (fs < 0)
		return pod_err_sys(err, "fsopen overlay");
	for (size_t i = 0; lowers[i]; i++)
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", lowers[i], 0) < 0)
			return pod_err_sys(err, "overlay lower dir %s", lowers[i]);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return pod_err_sys(err, "configuring the overlay for %s", target);
	mfd = (int) syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return pod_err_sys(err, "fsmount overlay");
	if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return pod_err_sys(err, "mounting the overlay on %s", target);
	return 0;
}

int
pod_ctr_rootfs_mount(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	cleanup_free char *dir = pod_ctr_dir(e, c->id);
	cleanup_free char *merged = pod_path_join(dir, "merged");
	cleanup_free char *upper = pod_path_join(dir, "upper");
	cleanup_free char *work = pod_path_join(dir, "work");
	cleanup_free char *empty = pod_path_join(dir, "empty");
	cleanup_strv char **lowers = NULL;
	struct pod_strbuf opts = POD_STRBUF_INIT;
	const char *driver = pod_ctr_str(c, "Driver");
	long page = sysconf(_SC_PAGESIZE);
	int r;

	if (driver && STREQ(driver, "vfs"))
		return 0;
	if (is_mountpoint(merged))
		return 0;
	if (!c->image_id) {
		return pod_err_set(err, POD_E_GENERIC, 0, "container %s has no image", c->id);
	}
	if (pod_ctr_image_layer_dirs(e, c->image_id, &lowers, err) < 0)
		return pod_err_wrap(err, "mounting the rootfs of %s", c->id);
	if (!lowers[0]) {
		/* overlay wants a lower dir: an image without layers gets an empty one */
		if (pod_mkdir_p(empty, 0755, err) < 0)
			return -1;
		pod_strv_free(lowers);
		lowers = pod_strv_push(NULL, xstrdup(empty));
	}
	if (pod_mkdir_p(merged, 0755, err) < 0 || pod_mkdir_p(upper, 0755, err) < 0 ||
	    pod_mkdir_p(work, 0700, err) < 0)
		return -1;
	pod_strbuf_adds(&opts, "lowerdir=");
	for (size_t i = 0; lowers[i]; i++) {
		if (i)
			pod_strbuf_addch(&opts, ':');
		pod_strbuf_adds(&opts, lowers[i]);
	}
	pod_strbuf_addf(&opts, ",upperdir=%s,workdir=%s", upper, work);
	if (page > 0 && opts.len + 16 >= (size_t) page) {
		pod_strbuf_release(&opts);
		return mount_overlay_fd(lowers, upper, work, merged, err);
	}
	if (pod_ctr_setting_bool(c, "Rm") || pod_ctr_setting_bool(c, "PodInfra")) {
		/*
		 * Like Podman, a --rm container's upper dir is thrown away: mount it
		 * "volatile", so the unmount does not sync it to disk (15-20 ms
		 * here). A pod's infra container keeps nothing either. Overlay
		 * refuses a second mount while its marker (incompat/volatile/dirty)
		 * is there; the rootfs is not mounted now, and what it held is not
		 * kept, so clear it (a pod's infra container is started again).
		 */
		cleanup_free char *inc = pod_path_join(work, "work/incompat");
		cleanup_free char *vol = pod_path_join(inc, "volatile");
		cleanup_free char *dirty = pod_path_join(vol, "dirty");
		(void) unlink(dirty);
		(void) rmdir(vol);
		(void) rmdir(inc);
		pod_strbuf_adds(&opts, ",volatile");
		r = mount("overlay", merged, "overlay", MS_NODEV, opts.buf);
		if (r == 0) {
			pod_strbuf_release(&opts);
			return 0;
		}
		/* a kernel before 5.10 does not know the option */
		pod_strbuf_truncate(&opts, opts.len - strlen(",volatile"));
	}
	r = mount("overlay", merged, "overlay", MS_NODEV, opts.buf);
	pod_strbuf_release(&opts);
	if (r < 0)
		return pod_err_sys(err, "mounting the overlay rootfs on %s", merged);
	return 0;
}

int
pod_ctr_rootfs_unmount(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	cleanup_free char *dir = pod_ctr_dir(e, c->id);
	cleanup_free char *merged = pod_path_join(dir, "merged");

	for (int i = 0; i < 100 && is_mountpoint(merged); i++) {
		if (umount2(merged, 0) == 0)
			continue;
		if (errno == EBUSY) {
			/* a process still holds it: detach so the directory can go */
			if (umount2(merged, MNT_DETACH) == 0)
				continue;
		}
		if (errno == EINVAL || errno == ENOENT)
			break;
		return pod_err_sys(err, "unmounting %s", merged);
	}
	return 0;
}

/* --- vfs --------------------------------------------------------------- */

static int copy_tree(int sfd, int dfd, struct pod_err **err);

static int
copy_file(int sfd, const char *name, int dfd, const struct stat *st, struct pod_err **err)
{
	cleanup_close int in = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	cleanup_close int out = -1;

	if (in < 0)
		return pod_err_sys(err, "opening %s", name);
	(void) unlinkat(dfd, name, 0);
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		     st->st_mode & 07777);
	if (out < 0)
		return pod_err_sys(err, "creating %s", name);
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
			char buf[65536];
			ssize_t r;
			while ((r = read(in, buf, sizeof(buf))) > 0)
				if (write(out, buf, (size_t) r) != r)
					return pod_err_sys(err, "writing %s", name);
			if (r < 0)
				return pod_err_sys(err, "reading %s", name);
			break;
		}
		if (n < 0)
			return pod_err_sys(err, "copying %s", name);
		if (n == 0)
			break;
	}
	if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
		return pod_err_sys(err, "setting the owner of %s", name);
	return 0;
}

static void
remove_at(int dfd, const char *name)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub >= 0) {
			DIR *d = fdopendir(sub);
			struct dirent *de;
			while (d && (de = readdir(d)))
				if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, ".."))
					remove_at(sub, de->d_name);
			if (d)
				closedir(d);
			else
				close(sub);
		}
		(void) unlinkat(dfd, name, AT_REMOVEDIR);
	} else {
		(void) unlinkat(dfd, name, 0);
	}
}

static int
copy_entry(int sfd, int dfd, const char *name, struct pod_err **err)
{
	struct stat st, dst;
	struct timespec ts[2];

	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pod_err_sys(err, "stat %s", name);
	/* an overlay whiteout hides what the lower layers had */
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		remove_at(dfd, name);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int s = -1, d = -1;
		char opaque[2] = { 0 };
		if (fstatat(dfd, name, &dst, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(dst.st_mode))
			remove_at(dfd, name);
		s = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (s < 0)
			return pod_err_sys(err, "opening %s", name);
		if (fgetxattr(s, "trusted.overlay.opaque", opaque, 1) == 1 && opaque[0] == 'y')
			remove_at(dfd, name);
		if (mkdirat(dfd, name, st.st_mode & 07777) < 0 && errno != EEXIST)
			return pod_err_sys(err, "creating %s", name);
		d = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (d < 0)
			return pod_err_sys(err, "opening %s", name);
		if (copy_tree(s, d, err) < 0)
			return -1;
		if (fchown(d, st.st_uid, st.st_gid) < 0 || fchmod(d, st.st_mode & 07777) < 0)
			return pod_err_sys(err, "setting the owner of %s", name);
		ts[0] = st.st_atim;
		ts[1] = st.st_mtim;
		(void) futimens(d, ts);
		return 0;
	}
	remove_at(dfd, name);
	if (S_ISREG(st.st_mode)) {
		if (copy_file(sfd, name, dfd, &st, err) < 0)
			return -1;
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(sfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return pod_err_sys(err, "readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, dfd, name) < 0)
			return pod_err_sys(err, "symlink %s", name);
		if (fchownat(dfd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return pod_err_sys(err, "chown %s", name);
	} else {
		if (mknodat(dfd, name, st.st_mode, st.st_rdev) < 0)
			return pod_err_sys(err, "mknod %s", name);
		if (fchownat(dfd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return pod_err_sys(err, "chown %s", name);
	}
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	(void) utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int
copy_tree(int sfd, int dfd, struct pod_err **err)
{
	int dupfd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (dupfd < 0)
		return pod_err_sys(err, "dup");
	d = fdopendir(dupfd);
	if (!d) {
		close(dupfd);
		return pod_err_sys(err, "reading a layer directory");
	}
	while ((de = readdir(d))) {
		if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		if (copy_entry(sfd, dfd, de->d_name, err) < 0) {
			r = -1;
			break;
		}
	}
	closedir(d);
	return r;
}

int
pod_ctr_vfs_copy(char *const *layer_dirs_top_first, const char *dest, struct pod_err **err)
{
	size_t n = pod_strv_len(layer_dirs_top_first);
	cleanup_close int dfd = -1;

	if (pod_mkdir_p(dest, 0755, err) < 0)
		return -1;
	dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pod_err_sys(err, "opening %s", dest);
	for (size_t i = n; i > 0; i--) {
		cleanup_close int sfd = open(layer_dirs_top_first[i - 1],
					     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sfd < 0)
			return pod_err_sys(err, "opening layer %s", layer_dirs_top_first[i - 1]);
		if (copy_tree(sfd, dfd, err) < 0)
			return pod_err_wrap(err, "copying layer %s", layer_dirs_top_first[i - 1]);
	}
	return 0;
}
