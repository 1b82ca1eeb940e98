/* mounts.c - the container's root file system: mounts resolved inside it, pivot_root */
#include "runtime/oci-internal.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} flag_table[] = {
	{ "ro", false, MS_RDONLY },	      { "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID },	      { "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV },	      { "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC },	      { "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS },    { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },     { "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK },	      { "nomand", true, MS_MANDLOCK },
	{ "atime", true, MS_NOATIME },	      { "noatime", false, MS_NOATIME },
	{ "diratime", true, MS_NODIRATIME },  { "nodiratime", false, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME },   { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
};

static const struct {
	const char *name;
	unsigned long flags;
} prop_table[] = {
	{ "private", MS_PRIVATE },	       { "rprivate", MS_PRIVATE | MS_REC },
	{ "slave", MS_SLAVE },		       { "rslave", MS_SLAVE | MS_REC },
	{ "shared", MS_SHARED },	       { "rshared", MS_SHARED | MS_REC },
	{ "unbindable", MS_UNBINDABLE },       { "runbindable", MS_UNBINDABLE | MS_REC },
};

static const struct {
	const char *name;
	bool clear;
	uint64_t attr;
} rattr_table[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY },	{ "rrw", true, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID }, { "rsuid", true, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, MOUNT_ATTR_NODEV },	{ "rdev", true, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC }, { "rexec", true, MOUNT_ATTR_NOEXEC },
};

/* options of other runtimes and of Podman that ask nothing of the kernel here */
static const char *const ignored_options[] = {
	"tmpcopyup", "notmpcopyup", "copy-symlink", "nocopyup", "z", "Z", "U", "defaults",
};

int
pod_rt_mount_options(char *const *options, struct pod_rt_mount_opts *ret, struct pod_err **err)
{
	struct pod_rt_mount_opts o = { 0 };
	struct pod_strbuf data = POD_STRBUF_INIT;

	for (size_t i = 0; options && options[i]; i++) {
		const char *opt = options[i];
		bool done = false;

		if (STREQ(opt, "bind") || STREQ(opt, "rbind")) {
			o.bind = true;
			o.rec |= STREQ(opt, "rbind");
			continue;
		}
		if (STREQ(opt, "idmap") || STREQ(opt, "ridmap")) {
			pod_strbuf_release(&data);
			return pod_err_set(err, POD_E_INVALID, 0, "mount option \"%s\" is not "
								  "supported", opt);
		}
		for (size_t k = 0; !done && k < ARRAY_SIZE(flag_table); k++) {
			if (!STREQ(opt, flag_table[k].name))
				continue;
			if (flag_table[k].clear) {
				o.flags &= ~flag_table[k].flag;
				o.clear |= flag_table[k].flag;
			} else {
				o.flags |= flag_table[k].flag;
				o.clear &= ~flag_table[k].flag;
			}
			done = true;
		}
		for (size_t k = 0; !done && k < ARRAY_SIZE(prop_table); k++)
			if (STREQ(opt, prop_table[k].name)) {
				o.prop = prop_table[k].flags;
				done = true;
			}
		for (size_t k = 0; !done && k < ARRAY_SIZE(rattr_table); k++)
			if (STREQ(opt, rattr_table[k].name)) {
				if (rattr_table[k].clear)
					o.attr_clr |= rattr_table[k].attr;
				else
					o.attr_set |= rattr_table[k].attr;
				done = true;
			}
		for (size_t k = 0; !done && k < ARRAY_SIZE(ignored_options); k++)
			done = STREQ(opt, ignored_options[k]);
		if (done)
			continue;
		if (data.len)
			pod_strbuf_addch(&data, ',');
		pod_strbuf_adds(&data, opt);
	}
	o.data = data.len ? pod_strbuf_detach(&data) : NULL;
	pod_strbuf_release(&data);
	*ret = o;
	return 0;
}

json_t *
pod_rt_mount_option_names(void)
{
	json_t *a = json_array();

	json_array_append_new(a, json_string("bind"));
	json_array_append_new(a, json_string("rbind"));
	for (size_t i = 0; i < ARRAY_SIZE(flag_table); i++)
		json_array_append_new(a, json_string(flag_table[i].name));
	for (size_t i = 0; i < ARRAY_SIZE(prop_table); i++)
		json_array_append_new(a, json_string(prop_table[i].name));
	for (size_t i = 0; i < ARRAY_SIZE(rattr_table); i++)
		json_array_append_new(a, json_string(rattr_table[i].name));
	for (size_t i = 0; i < ARRAY_SIZE(ignored_options); i++)
		json_array_append_new(a, json_string(ignored_options[i]));
	return a;
}

/* --- paths inside the root ------------------------------------------------ */

static int
openat2_in_root(int rootfd, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t) (flags | O_CLOEXEC),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	long fd;

	if (!*rel)
		return fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	do
		fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return (int) fd;
}

/* an empty file or a directory under parent; one that is there already will do */
static int
make_entry(int parent, const char *base, bool as_file)
{
	int fd;

	if (!as_file)
		return mkdirat(parent, base, 0755) < 0 && errno != EEXIST ? -1 : 0;
	fd = openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	return fd < 0 && errno != EEXIST ? -1 : 0;
}

int
pod_rt_open_in_root(int rootfd, const char *path, bool create, bool as_file, int *ret,
		 struct pod_err **err)
{
	cleanup_free char *rel = NULL;
	size_t len;
	int fd;

	while (*path == '/')
		path++;
	rel = xstrdup(path);
	len = strlen(rel);
	while (len > 0 && rel[len - 1] == '/')
		rel[--len] = '\0';
	fd = openat2_in_root(rootfd, rel, O_PATH);
	if (fd >= 0) {
		*ret = fd;
		return 0;
	}
	if (errno != ENOENT || !create)
		return pod_err_sys(err, "resolving /%s in the container", rel);
	/* the usual case: only the last component is missing */
	{
		char *slash = strrchr(rel, '/');
		cleanup_close int parent = -1;
		const char *base = rel;

		if (slash) {
			*slash = '\0';
			parent = openat2_in_root(rootfd, rel, O_PATH | O_DIRECTORY);
			*slash = '/';
			base = slash + 1;
		} else {
			parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
		}
		if (parent >= 0) {
			if (make_entry(parent, base, as_file) < 0)
				return pod_err_sys(err, "creating /%s in the container", rel);
			fd = openat2_in_root(rootfd, rel, O_PATH);
			if (fd < 0)
				return pod_err_sys(err, "resolving /%s in the container", rel);
			*ret = fd;
			return 0;
		}
		if (errno != ENOENT)
			return pod_err_sys(err, "resolving the parent of /%s in the container", rel);
	}
	/* create each missing component, each parent resolved inside the root */
	for (size_t i = 0; i <= len; i++) {
		cleanup_close int parent = -1;
		const char *base;
		char saved;
		bool last = i == len;

		if (!last && rel[i] != '/')
			continue;
		saved = rel[i];
		rel[i] = '\0';
		fd = openat2_in_root(rootfd, rel, O_PATH);
		if (fd >= 0) {
			close(fd);
			rel[i] = saved;
			continue;
		}
		if (errno != ENOENT) {
			pod_err_sys(err, "resolving /%s in the container", rel);
			rel[i] = saved;
			return -1;
		}
		base = strrchr(rel, '/');
		if (base) {
			*(char *) base = '\0';
			parent = openat2_in_root(rootfd, rel, O_PATH | O_DIRECTORY);
			*(char *) base = '/';
			base++;
		} else {
			parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
			base = rel;
		}
		if (parent < 0) {
			pod_err_sys(err, "resolving the parent of /%s in the container", rel);
			rel[i] = saved;
			return -1;
		}
		if (make_entry(parent, base, last && as_file) < 0) {
			pod_err_sys(err, "creating /%s in the container", rel);
			rel[i] = saved;
			return -1;
		}
		rel[i] = saved;
	}
	fd = openat2_in_root(rootfd, rel, O_PATH);
	if (fd < 0)
		return pod_err_sys(err, "resolving /%s in the container", rel);
	*ret = fd;
	return 0;
}

int
pod_rt_mkdir_in_root(int rootfd, const char *path, struct pod_err **err)
{
	int fd = -1;

	if (pod_rt_open_in_root(rootfd, path, true, false, &fd, err) < 0)
		return -1;
	close(fd);
	return 0;
}

static char *
fd_path(int fd)
{
	return xasprintf("/proc/self/fd/%d", fd);
}

static unsigned long
locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

/* remount a bind mount with flags; a user namespace cannot clear locked flags */
static int
remount_bind(const char *target, unsigned long flags, unsigned long clear, const char *what,
	     struct pod_err **err)
{
	unsigned long f = MS_BIND | MS_REMOUNT | flags;

	if (mount(NULL, target, NULL, f, NULL) == 0)
		return 0;
	if (errno == EPERM) {
		unsigned long have = locked_flags(target) & ~clear;
		if (mount(NULL, target, NULL, f | have, NULL) == 0)
			return 0;
	}
	return pod_err_sys(err, "remounting %s", what);
}

static int
set_attr_rec(const char *target, const struct pod_rt_mount_opts *o, const char *what,
	     struct pod_err **err)
{
	struct mount_attr attr = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };

	if (!o->attr_set && !o->attr_clr)
		return 0;
	if (syscall(SYS_mount_setattr, AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return pod_err_sys(err, "setting recursive options on %s", what);
	return 0;
}

static int
bind_mount(const char *source, const char *target, bool rec, const struct pod_rt_mount_opts *o,
	   const char *what, struct pod_err **err)
{
	if (mount(source, target, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
		return pod_err_sys(err, "bind mounting %s", what);
	return 0;
}

static int
mount_cgroup_v1(struct pod_rt_rootfs *r, const char *dest, const char *target,
		const struct pod_rt_mount_opts *o, struct pod_err **err)
{
	cleanup_fclose FILE *mi = NULL;
	cleanup_fclose FILE *self = NULL;
	cleanup_close int dirfd = -1;
	char *line = NULL;
	size_t cap = 0;
	unsigned long base = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char **selfv = NULL;
	cleanup_strv char **selfs = xcalloc(1, sizeof(char *));
	cleanup_strv char **bound = xcalloc(1, sizeof(char *));

	if (mount("tmpfs", target, "tmpfs", base, "mode=755") < 0)
		return pod_err_sys(err, "mounting tmpfs to %s", dest);
	if (pod_rt_open_in_root(r->rootfd, dest, false, false, &dirfd, err) < 0)
		return -1;
	self = fopen("/proc/self/cgroup", "re");
	while (self && getline(&line, &cap, self) > 0) {
		line[strcspn(line, "\n")] = '\0';
		selfs = pod_strv_push(selfs, xstrdup(line));
	}
	selfv = selfs;
	mi = fopen("/proc/self/mountinfo", "re");
	if (!mi) {
		free(line);
		return pod_err_sys(err, "opening /proc/self/mountinfo");
	}
	while (getline(&line, &cap, mi) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SOURCE SUPER */
		char *f[6] = { 0 }, *sep, *save = NULL, *fstype, *super, *name, *own = NULL;
		cleanup_free char *src = NULL, *mp = NULL;
		cleanup_close int sub = -1;
		cleanup_free char *subpath = NULL;
		size_t k = 0;

		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && k < 6; t = strtok_r(NULL, " ", &save))
			f[k++] = t;
		fstype = strtok_r(sep + 3, " ", &save);
		(void) strtok_r(NULL, " ", &save);
		super = strtok_r(NULL, " \n", &save);
		if (k < 5 || !fstype || !super || !pod_str_has_prefix(f[4], "/sys/fs/cgroup/"))
			continue;
		if (!STREQ(fstype, "cgroup") && !STREQ(fstype, "cgroup2"))
			continue;
		name = f[4] + strlen("/sys/fs/cgroup/");
		if (!*name || strchr(name, '/'))
			continue;
		/* our own cgroup in this hierarchy: match a controller of its options */
		for (size_t i = 0; selfv[i] && !own; i++) {
			char *c1 = strchr(selfv[i], ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			cleanup_free char *ctl = NULL;

			if (!c2)
				continue;
			ctl = xstrndup(c1 + 1, (size_t) (c2 - c1 - 1));
			if (STREQ(fstype, "cgroup2") ? !*ctl : (*ctl && strstr(super, ctl)))
				own = c2 + 1;
		}
		mp = xstrdup(f[4]);
		if (own && pod_str_has_prefix(own, f[3]))
			src = xasprintf("%s%s", mp, own + (STREQ(f[3], "/") ? 0 : strlen(f[3])));
		else
			src = xstrdup(mp);
		subpath = xasprintf("%s/%s", dest, name);
		/* in the tmpfs we just mounted: nothing in it can be a symlink */
		if ((mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST) ||
		    (sub = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			pod_err_sys(err, "creating %s in the container", subpath);
			goto fail;
		}
		{
			cleanup_free char *t = fd_path(sub);

			if (bind_mount(src, t, false, o, subpath, err) < 0)
				goto fail;
		}
		bound = pod_strv_push(bound, xstrdup(subpath));
		if (strchr(name, ',')) {
			cleanup_free char *copy = xstrdup(name);
			char *s2 = NULL;

			for (char *c = strtok_r(copy, ",", &s2); c; c = strtok_r(NULL, ",", &s2))
				if (symlinkat(name, dirfd, c) < 0 && errno != EEXIST)
					pod_rt_debug("cgroup symlink %s: %s", c, pod_strerror(errno));
		}
	}
	free(line);
	line = NULL;
	/*
	 * nosuid, nodev, noexec (and ro) on the tmpfs and every hierarchy
	 * under it in one call; remounts one by one where the kernel has no
	 * mount_setattr(2)
	 */
	{
		struct mount_attr attr = {
			.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
				    ((o->flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0),
		};
		if (syscall(SYS_mount_setattr, dirfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			    sizeof(attr)) == 0)
			return 0;
		if (errno != ENOSYS && errno != EINVAL)
			return pod_err_sys(err, "setting the options of %s", dest);
	}
	for (size_t i = 0; bound[i]; i++) {
		cleanup_close int again = -1;
		cleanup_free char *t2 = NULL;

		if (pod_rt_open_in_root(r->rootfd, bound[i], false, false, &again, err) < 0)
			return -1;
		t2 = fd_path(again);
		if (remount_bind(t2, base | (o->flags & MS_RDONLY), 0, bound[i], err) < 0)
			return -1;
	}
	{
		cleanup_close int again = -1;
		cleanup_free char *t = NULL;

		if (pod_rt_open_in_root(r->rootfd, dest, false, false, &again, err) < 0)
			return -1;
		t = fd_path(again);
		if ((o->flags & MS_RDONLY) &&
		    mount(NULL, t, NULL, MS_REMOUNT | base | MS_RDONLY, "mode=755") < 0)
			return pod_err_sys(err, "remounting %s read-only", dest);
	}
	return 0;
fail:
	free(line);
	return -1;
}

static int
mount_cgroup(struct pod_rt_rootfs *r, const struct pod_oci_mount *m, const char *target,
	     const struct pod_rt_mount_opts *o, struct pod_err **err)
{
	struct statfs sf;
	unsigned long f = o->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;

	if (statfs("/sys/fs/cgroup", &sf) < 0)
		return pod_err_sys(err, "statfs /sys/fs/cgroup");
	if (sf.f_type != CGROUP2_SUPER_MAGIC)
		return mount_cgroup_v1(r, m->destination, target, o, err);
	if (mount("cgroup2", target, "cgroup2", f, NULL) == 0)
		return 0;
	if (errno != EPERM && errno != EBUSY)
		return pod_err_sys(err, "mounting cgroup2 to %s", m->destination);
	/* no cgroup namespace of our own: the host's tree, read-only */
	if (mount("/sys/fs/cgroup", target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return pod_err_sys(err, "bind mounting /sys/fs/cgroup to %s", m->destination);
	return remount_bind(target, f, 0, m->destination, err);
}

static bool
is_bind_type(const char *type)
{
	return type && (STREQ(type, "bind") || STREQ(type, "rbind"));
}

static int
do_mount(struct pod_rt_rootfs *r, const struct pod_oci_mount *m, struct pod_err **err)
{
	struct pod_rt_mount_opts o;
	cleanup_free char *source = NULL, *target = NULL, *target2 = NULL;
	cleanup_close int fd = -1, fd2 = -1;
	bool bind, as_file = false;
	const char *type = m->type;
	int rc = -1;

	if (pod_rt_mount_options(m->options, &o, err) < 0)
		return -1;
	bind = o.bind || is_bind_type(type);
	if (type && STREQ(type, "rbind"))
		o.rec = true;
	if (bind) {
		struct stat st;

		if (!m->source) {
			pod_err_set(err, POD_E_INVALID, 0, "bind mount to %s has no source",
				    m->destination);
			goto out;
		}
		source = m->source[0] == '/' ? xstrdup(m->source) :
					       xasprintf("%s/%s", r->bundle, m->source);
		if (stat(source, &st) < 0) {
			pod_err_sys(err, "stat %s", source);
			goto out;
		}
		as_file = !S_ISDIR(st.st_mode);
	}
	if (pod_rt_open_in_root(r->rootfd, m->destination, true, as_file, &fd, err) < 0)
		goto out;
	target = fd_path(fd);
	if (bind) {
		if (bind_mount(source, target, o.rec, &o, m->destination, err) < 0)
			goto out;
	} else if (type && (STREQ(type, "cgroup") || STREQ(type, "cgroup2"))) {
		if (mount_cgroup(r, m, target, &o, err) < 0)
			goto out;
	} else {
		const char *src = m->source ? m->source : (type ? type : "none");
		unsigned long flags = o.flags;

		if (!type) {
			pod_err_set(err, POD_E_INVALID, 0, "mount to %s has no type",
				    m->destination);
			goto out;
		}
		if (mount(src, target, type, flags, o.data) < 0) {
			int e = errno;
			bool ok = false;

			if (e == EINVAL && STREQ(type, "devpts") && o.data && strstr(o.data, "gid=")) {
				/* the tty group may be unmapped in a user namespace */
				struct pod_strbuf d = POD_STRBUF_INIT;
				cleanup_free char *copy = xstrdup(o.data);
				char *save = NULL;

				for (char *t = strtok_r(copy, ",", &save); t;
				     t = strtok_r(NULL, ",", &save)) {
					if (pod_str_has_prefix(t, "gid="))
						continue;
					if (d.len)
						pod_strbuf_addch(&d, ',');
					pod_strbuf_adds(&d, t);
				}
				ok = mount(src, target, type, flags, d.buf) == 0;
				pod_strbuf_release(&d);
			} else if ((e == EPERM || e == EINVAL) &&
				   (STREQ(type, "sysfs") || STREQ(type, "mqueue"))) {
				/* no network/ipc namespace of our own: the host's, read-only */
				const char *host = STREQ(type, "sysfs") ? "/sys" : "/dev/mqueue";
				ok = mount(host, target, NULL, MS_BIND | MS_REC, NULL) == 0 &&
				     remount_bind(target, flags | MS_RDONLY, 0, m->destination,
						  err) == 0;
				if (!ok && *err)
					goto out;
			}
			if (!ok) {
				errno = e;
				pod_err_sys(err, "mounting %s to %s", type, m->destination);
				goto out;
			}
		}
	}
	/* flags of a bind and the propagation apply to the new mount on top */
	if (pod_rt_open_in_root(r->rootfd, m->destination, false, false, &fd2, err) < 0)
		goto out;
	target2 = fd_path(fd2);
	if (bind && (o.flags & ~(MS_REMOUNT)) &&
	    remount_bind(target2, o.flags & ~MS_REMOUNT, o.clear, m->destination, err) < 0)
		goto out;
	if (o.prop && mount(NULL, target2, NULL, o.prop, NULL) < 0) {
		pod_err_sys(err, "setting the propagation of %s", m->destination);
		goto out;
	}
	if (set_attr_rec(target2, &o, m->destination, err) < 0)
		goto out;
	pod_rt_debug("mounted %s on %s", type ? type : "bind", m->destination);
	rc = 0;
out:
	free(o.data);
	return rc;
}

int
pod_rt_rootfs_prepare(struct pod_rt_rootfs *r, struct pod_err **err)
{
	unsigned long prop = MS_REC | MS_PRIVATE;

	if (r->spec->rootfs_propagation && !(r->spec->rootfs_propagation & MS_SHARED))
		prop = r->spec->rootfs_propagation;
	/* nothing we mount may propagate back to the host */
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return pod_err_sys(err, "setting the propagation of /");
	if (mount(r->rootfs, r->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return pod_err_sys(err, "bind mounting the rootfs %s", r->rootfs);
	r->rootfd = open(r->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->rootfd < 0)
		return pod_err_sys(err, "opening the rootfs %s", r->rootfs);
	return 0;
}

int
pod_rt_rootfs_mounts(struct pod_rt_rootfs *r, struct pod_err **err)
{
	for (size_t i = 0; i < r->spec->n_mounts; i++) {
		const struct pod_oci_mount *m = &r->spec->mounts[i];

		if (do_mount(r, m, err) < 0)
			return pod_err_wrap(err, "mounting %s to %s",
					    m->type ? m->type : (m->source ? m->source : "none"),
					    m->destination);
	}
	return 0;
}

int
pod_rt_rootfs_pivot(struct pod_rt_rootfs *r, bool no_pivot, struct pod_err **err)
{
	cleanup_close int oldroot = -1, newroot = -1;

	newroot = open(r->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (newroot < 0)
		return pod_err_sys(err, "opening the rootfs %s", r->rootfs);
	if (fchdir(newroot) < 0)
		return pod_err_sys(err, "chdir to the rootfs");
	if (no_pivot) {
		if (mount(r->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return pod_err_sys(err, "moving the rootfs to /");
		if (chroot(".") < 0)
			return pod_err_sys(err, "chroot");
	} else {
		oldroot = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (oldroot < 0)
			return pod_err_sys(err, "opening /");
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return pod_err_sys(err, "pivot_root");
		/* the old root is stacked under the new one: detach it */
		if (fchdir(oldroot) < 0)
			return pod_err_sys(err, "chdir to the old root");
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return pod_err_sys(err, "making the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return pod_err_sys(err, "unmounting the old root");
	}
	if (chdir("/") < 0)
		return pod_err_sys(err, "chdir to /");
	if (r->spec->rootfs_propagation &&
	    mount(NULL, "/", NULL, r->spec->rootfs_propagation, NULL) < 0)
		return pod_err_sys(err, "setting the rootfs propagation");
	return 0;
}

static int
mask_path(const char *path, struct pod_err **err)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return pod_err_sys(err, "masking %s", path);
	}
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k") < 0)
			return pod_err_sys(err, "masking %s", path);
	} else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
		return pod_err_sys(err, "masking %s", path);
	}
	return 0;
}

static int
readonly_path(const char *path, struct pod_err **err)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
		if (errno == ENOENT)
			return 0;
		return pod_err_sys(err, "making %s read-only", path);
	}
	return remount_bind(path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, path, err);
}

int
pod_rt_rootfs_finish(struct pod_rt_rootfs *r, struct pod_err **err)
{
	for (size_t i = 0; r->spec->masked_paths[i]; i++)
		if (mask_path(r->spec->masked_paths[i], err) < 0)
			return -1;
	for (size_t i = 0; r->spec->readonly_paths[i]; i++)
		if (readonly_path(r->spec->readonly_paths[i], err) < 0)
			return -1;
	if (r->spec->root_readonly && remount_bind("/", MS_RDONLY, 0, "/", err) < 0)
		return pod_err_wrap(err, "making the root read-only");
	return 0;
}
