/* devices.c - /dev inside the container: the default nodes, linux.devices, links */
#include "runtime/oci-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const struct pod_oci_device default_devices[] = {
	{ "/dev/null", 'c', 1, 3, true, false, false, 0666, 0, 0 },
	{ "/dev/zero", 'c', 1, 5, true, false, false, 0666, 0, 0 },
	{ "/dev/full", 'c', 1, 7, true, false, false, 0666, 0, 0 },
	{ "/dev/random", 'c', 1, 8, true, false, false, 0666, 0, 0 },
	{ "/dev/urandom", 'c', 1, 9, true, false, false, 0666, 0, 0 },
	{ "/dev/tty", 'c', 5, 0, true, false, false, 0666, 0, 0 },
};

static const struct {
	const char *path, *target;
} dev_links[] = {
	{ "/dev/fd", "/proc/self/fd" },	      { "/dev/stdin", "/proc/self/fd/0" },
	{ "/dev/stdout", "/proc/self/fd/1" }, { "/dev/stderr", "/proc/self/fd/2" },
	{ "/dev/ptmx", "pts/ptmx" },
};

/* the parent directory of path inside the root, and the last component */
static int
open_parent(int rootfd, const char *path, int *ret, const char **ret_base, struct pod_err **err)
{
	const char *slash = strrchr(path, '/');
	cleanup_free char *dir = xstrndup(path, slash ? (size_t) (slash - path) : 0);

	*ret_base = slash ? slash + 1 : path;
	if (!**ret_base)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid device path %s", path);
	return pod_rt_open_in_root(rootfd, *dir ? dir : "/", true, false, ret, err);
}

static int
bind_host_device(struct pod_rt_rootfs *r, const struct pod_oci_device *d, struct pod_err **err)
{
	cleanup_close int fd = -1;
	cleanup_free char *target = NULL;

	if (pod_rt_open_in_root(r->rootfd, d->path, true, true, &fd, err) < 0)
		return -1;
	target = xasprintf("/proc/self/fd/%d", fd);
	if (mount(d->path, target, NULL, MS_BIND, NULL) < 0)
		return pod_err_sys(err, "bind mounting the host's %s", d->path);
	return 0;
}

static int
create_device(struct pod_rt_rootfs *r, const struct pod_oci_device *d, struct pod_err **err)
{
	cleanup_close int parent = -1;
	const char *base = NULL;
	mode_t type;

	if (d->type == 'p')
		type = S_IFIFO;
	else if (d->type == 'b')
		type = S_IFBLK;
	else
		type = S_IFCHR;
	if (r->userns && type != S_IFIFO)
		return bind_host_device(r, d, err);
	if (open_parent(r->rootfd, d->path, &parent, &base, err) < 0)
		return -1;
	(void) unlinkat(parent, base, 0);
	if (mknodat(parent, base, type | (d->has_mode ? d->file_mode & 07777 : 0666),
		    makedev((unsigned) d->major, (unsigned) d->minor)) < 0) {
		if (errno == EPERM && type != S_IFIFO)
			return bind_host_device(r, d, err);
		return pod_err_sys(err, "mknod %s", d->path);
	}
	if ((d->has_uid || d->has_gid) &&
	    fchownat(parent, base, d->has_uid ? d->uid : (uid_t) -1,
		     d->has_gid ? d->gid : (gid_t) -1, AT_SYMLINK_NOFOLLOW) < 0)
		return pod_err_sys(err, "chown %s", d->path);
	return 0;
}

static bool
listed(const struct pod_oci_spec *s, const char *path)
{
	for (size_t i = 0; i < s->n_devices; i++)
		if (STREQ(s->devices[i].path, path))
			return true;
	return false;
}

int
pod_rt_devices_create(struct pod_rt_rootfs *r, struct pod_err **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		if (listed(r->spec, default_devices[i].path))
			continue;
		if (create_device(r, &default_devices[i], err) < 0)
			return pod_err_wrap(err, "creating %s", default_devices[i].path);
	}
	for (size_t i = 0; i < r->spec->n_devices; i++)
		if (create_device(r, &r->spec->devices[i], err) < 0)
			return pod_err_wrap(err, "creating device %s", r->spec->devices[i].path);
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		cleanup_close int parent = -1;
		const char *base = NULL;

		if (open_parent(r->rootfd, dev_links[i].path, &parent, &base, err) < 0)
			return -1;
		if (symlinkat(dev_links[i].target, parent, base) < 0 && errno != EEXIST)
			return pod_err_sys(err, "creating the symlink %s", dev_links[i].path);
	}
	return 0;
}

int
pod_rt_console_bind(const char *slave_path, struct pod_err **err)
{
	int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return pod_err_sys(err, "creating /dev/console");
	close(fd);
	if (mount(slave_path, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return pod_err_sys(err, "bind mounting %s to /dev/console", slave_path);
	return 0;
}
