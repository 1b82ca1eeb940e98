/* ctr_ns.c - --ipc/--pid/--uts/--cgroupns/--network container: joins (see ctr_ns.h) */
#include "runtime/ctr_ns.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_net.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/lock.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define MAX_CHAIN 8

static const struct {
	const char *key;  /* the setting */
	const char *type; /* the OCI namespace type (and /proc/PID/ns name) */
	const char *what; /* Podman's word in "share ipc namespace with" */
	const char *proc; /* /proc/PID/ns/ name */
} kinds[] = {
	{ "IpcNS", "ipc", "ipc", "ipc" },
	{ "PidNS", "pid", "pid", "pid" },
	{ "UtsNS", "uts", "uts", "uts" },
	{ "CgroupNS", "cgroup", "cgroup", "cgroup" },
	{ "Network", "network", "net", "net" },
};

static int
check_mode(const char *flag, const char *v, json_t *s, const char *key, struct pod_err **err)
{
	if (!v)
		return 0;
	if (STREQ(v, "") || STREQ(v, "private") ||
	    (STREQ(flag, "ipc") && (STREQ(v, "shareable") || STREQ(v, "none")))) {
		json_object_set_new(s, key, json_string("private"));
		return 0;
	}
	if (STREQ(v, "host")) {
		json_object_set_new(s, key, json_string("host"));
		return 0;
	}
	if ((pod_str_has_prefix(v, "container:") && v[10]) ||
	    (pod_str_has_prefix(v, "ns:") && v[3] == '/')) {
		json_object_set_new(s, key, pod_json_string(v));
		return 0;
	}
	return pod_err_set(err, POD_E_INVALID, 0, "unrecognized namespace mode %s passed", v);
}

int
pod_ctr_ns_settings(const struct pod_ctr_ns_flags *f, json_t *s, struct pod_err **err)
{
	if (check_mode("ipc", f->ipc, s, "IpcNS", err) < 0 ||
	    check_mode("pid", f->pid, s, "PidNS", err) < 0 ||
	    check_mode("uts", f->uts, s, "UtsNS", err) < 0 ||
	    check_mode("cgroupns", f->cgroupns, s, "CgroupNS", err) < 0)
		return -1;
	return 0;
}

int
pod_ctr_ns_resolve(struct pod_engine *e, json_t *s, struct pod_err **err)
{
	json_t *req = json_object_get(s, "Requires");

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		const char *v = json_string_value(json_object_get(s, kinds[k].key));
		cleanup_ctr struct pod_ctr *t = NULL;
		cleanup_free char *m = NULL;
		bool have = false;
		json_t *x;
		size_t i;

		if (!v || !pod_str_has_prefix(v, "container:"))
			continue;
		if (pod_ctr_lookup(e, v + 10, &t, err) < 0)
			return pod_err_wrap(err, "looking up container to share %s namespace with",
					    kinds[k].what);
		m = xasprintf("container:%s", t->id);
		json_object_set_new(s, kinds[k].key, json_string(m));
		if (!req) {
			req = json_array();
			json_object_set_new(s, "Requires", req);
		}
		json_array_foreach(req, i, x)
			if (STREQ(json_string_value(x), t->id))
				have = true;
		if (!have)
			json_array_append_new(req, json_string(t->id));
	}
	return 0;
}

static char *shm_of(struct pod_engine *e, const struct pod_ctr *t);

void
pod_ctr_ns_release(struct pod_ctr_ns *n)
{
	json_decref(n->join);
	free(n->net_rundir);
	free(n->hostname);
	free(n->shm_path);
	memset(n, 0, sizeof(*n));
}

/* the running target of container:ID; POD_E_STATE when it does not run */
static int
running_target(struct pod_engine *e, const struct pod_ctr *c, const char *id, const char *what,
	       struct pod_ctr **ret, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *t = NULL;

	if (pod_ctr_load(e, id, &t, err) < 0)
		return pod_err_wrap(err, "container %s: joining the %s namespace of %s", c->id,
				    what, id);
	if ((t->state != POD_CTR_RUNNING && t->state != POD_CTR_PAUSED) ||
	    !pod_ctr_process_alive(t) || t->pid <= 0)
		return pod_err_set(err, POD_E_STATE, 0,
				   "cannot join the %s namespace of container %s: it is not "
				   "running: container state improper", what, t->id);
	*ret = TAKE_PTR(t);
	return 0;
}

/* the network namespace file of a running container (its own, or the one it joined) */
static int
net_target(struct pod_engine *e, const struct pod_ctr *c, const char *id, int depth,
	   char **ret_path, char **ret_rundir, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *t = NULL;
	cleanup_free char *ns = NULL;
	const char *m;

	if (depth > MAX_CHAIN)
		return pod_err_set(err, POD_E_INVALID, 0, "container %s: network namespace chain "
				   "too deep", c->id);
	if (running_target(e, c, id, "network", &t, err) < 0)
		return -1;
	m = pod_ctr_setting_str(t, "Network");
	if (m && pod_str_has_prefix(m, "container:"))
		return net_target(e, c, m + 10, depth + 1, ret_path, ret_rundir, err);
	ns = pod_ctr_netns_path(e, t->id);
	if (access(ns, F_OK) < 0) {
		free(ns);
		ns = xasprintf("/proc/%d/ns/net", (int) t->pid);
	}
	*ret_path = TAKE_PTR(ns);
	*ret_rundir = pod_ctr_rundir(e, t->id); /* its hosts and resolv.conf, host network too */
	return 0;
}

int
pod_ctr_ns_setup(struct pod_engine *e, const struct pod_ctr *c, struct pod_ctr_ns *ret,
		 struct pod_err **err)
{
	struct pod_ctr_ns n = { .join = json_object() };

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		const char *v = pod_ctr_setting_str(c, kinds[k].key);

		if (!v || !*v || STREQ(v, "private") || STREQ(v, "bridge") || STREQ(v, "none"))
			continue;
		if (STREQ(v, "host")) {
			if (!STREQ(kinds[k].type, "network"))
				json_object_set_new(n.join, kinds[k].type, json_string("host"));
			continue;
		}
		if (pod_str_has_prefix(v, "ns:")) {
			if (access(v + 3, F_OK) < 0) {
				pod_err_set(err, POD_E_NOTFOUND, errno, "joining the %s namespace %s: %s",
					    kinds[k].what, v + 3, pod_strerror(errno));
				goto fail;
			}
			json_object_set_new(n.join, kinds[k].type, pod_json_string(v + 3));
			continue;
		}
		if (!pod_str_has_prefix(v, "container:"))
			continue;
		if (STREQ(kinds[k].type, "network")) {
			cleanup_free char *path = NULL;
			if (net_target(e, c, v + 10, 0, &path, &n.net_rundir, err) < 0)
				goto fail;
			json_object_set_new(n.join, "network", pod_json_string(path));
			continue;
		}
		{
			cleanup_ctr struct pod_ctr *t = NULL;
			cleanup_free char *path = NULL;
			if (running_target(e, c, v + 10, kinds[k].what, &t, err) < 0)
				goto fail;
			path = xasprintf("/proc/%d/ns/%s", (int) t->pid, kinds[k].proc);
			json_object_set_new(n.join, kinds[k].type, json_string(path));
			if (STREQ(kinds[k].type, "ipc"))
				n.shm_path = shm_of(e, t);
			if (STREQ(kinds[k].type, "uts")) {
				cleanup_free char *rd = pod_ctr_rundir(e, t->id);
				cleanup_free char *hf = pod_path_join(rd, "hostname");
				char *text = NULL;
				struct pod_err *e2 = NULL;
				if (pod_read_file(hf, &text, NULL, 4096, &e2) == 0) {
					text[strcspn(text, "\n")] = '\0';
					n.hostname = text;
				}
				pod_err_free(&e2);
			}
		}
	}
	*ret = n;
	return 0;
fail:
	pod_ctr_ns_release(&n);
	return -1;
}

static bool
is_infra(const struct pod_ctr *c)
{
	return pod_ctr_setting_bool(c, "PodInfra") &&
	       STREQ(pod_ctr_ns_mode(c, "IpcNS"), "private");
}

int
pod_ctr_shm_mount(struct pod_engine *e, const struct pod_ctr *c, char **ret_path,
		  struct pod_err **err)
{
	cleanup_free char *rundir = NULL, *path = NULL, *opts = NULL;
	int64_t size = e->conf && e->conf->shm_size_bytes > 0 ? e->conf->shm_size_bytes :
								 64 << 20;

	*ret_path = NULL;
	if (!is_infra(c))
		return 0;
	rundir = pod_ctr_rundir(e, c->id);
	path = pod_path_join(rundir, "shm");
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return pod_err_sys(err, "creating %s", path);
	(void) umount2(path, MNT_DETACH); /* what a crash left */
	opts = xasprintf("mode=1777,size=%" PRId64 "k", size / 1024);
	if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
		return pod_err_sys(err, "mounting the pod's /dev/shm on %s", path);
	*ret_path = TAKE_PTR(path);
	return 0;
}

void
pod_ctr_shm_unmount(struct pod_engine *e, const struct pod_ctr *c)
{
	cleanup_free char *rundir = NULL, *path = NULL;

	if (!is_infra(c))
		return;
	rundir = pod_ctr_rundir(e, c->id);
	path = pod_path_join(rundir, "shm");
	(void) umount2(path, MNT_DETACH);
	(void) rmdir(path);
}

/* the target's host-side /dev/shm when it has one (a pod's infra), else NULL */
static char *
shm_of(struct pod_engine *e, const struct pod_ctr *t)
{
	cleanup_free char *rundir = pod_ctr_rundir(e, t->id);
	cleanup_free char *path = pod_path_join(rundir, "shm");
	struct statfs sf;
	struct stat a, b;

	if (statfs(path, &sf) < 0 || sf.f_type != TMPFS_MAGIC || stat(path, &a) < 0 ||
	    stat(rundir, &b) < 0 || a.st_dev == b.st_dev)
		return NULL;
	return TAKE_PTR(path);
}

const char *
pod_ctr_ns_mode(const struct pod_ctr *c, const char *key)
{
	const char *v = pod_ctr_setting_str(c, key);

	return v && *v ? v : "private";
}

/*
 * Adds or drops "127.0.0.1\tNAME" in the hosts file of net_rundir. Members
 * bind-mount that very file, so it is rewritten in place (a rename would
 * leave them the old inode): the new text is written over the old and the
 * file cut to its length, so a reader never sees it empty. hosts.lock
 * beside it serialises the members' edits (the file itself is replaced
 * when its owner starts again, its lock file is not).
 */
static int
hosts_edit(const char *net_rundir, const char *name, bool add, struct pod_err **err)
{
	cleanup_free char *path = pod_path_join(net_rundir, "hosts");
	cleanup_free char *lpath = pod_path_join(net_rundir, "hosts.lock");
	cleanup_free char *text = NULL, *line = xasprintf("127.0.0.1\t%s\n", name);
	cleanup_lock int lock = -1;
	cleanup_close int fd = -1;
	struct pod_strbuf out = POD_STRBUF_INIT;
	size_t n;
	bool have = false;
	int rc = 0;

	lock = pod_lock_open(lpath, true, true, err);
	if (lock < 0)
		return -1;
	if (pod_read_file(path, &text, NULL, 1u << 20, err) < 0)
		return -1;
	for (const char *q = text; *q;) {
		size_t l = strcspn(q, "\n");
		bool match = l + 1 == strlen(line) && strncmp(q, line, l) == 0;
		have |= match;
		if (!match) {
			pod_strbuf_add(&out, q, l);
			pod_strbuf_addch(&out, '\n');
		}
		q += l + (q[l] == '\n');
	}
	if (add == have) {
		pod_strbuf_release(&out);
		return 0;
	}
	if (add)
		pod_strbuf_adds(&out, line);
	n = out.len;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || (n && pwrite(fd, out.buf, n, 0) != (ssize_t) n) ||
	    ftruncate(fd, (off_t) n) < 0)
		rc = pod_err_sys(err, "writing %s", path);
	pod_strbuf_release(&out);
	return rc;
}

int
pod_ctr_ns_hosts_add(const char *net_rundir, const char *name, struct pod_err **err)
{
	return hosts_edit(net_rundir, name, true, err);
}

int
pod_ctr_ns_hosts_remove(const char *net_rundir, const char *name, struct pod_err **err)
{
	struct pod_err *e2 = NULL;
	cleanup_free char *path = pod_path_join(net_rundir, "hosts");

	/* its owner is gone, and its hosts file with it */
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (hosts_edit(net_rundir, name, false, &e2) < 0) {
		if (e2->errnum == ENOENT) {
			pod_err_free(&e2);
			return 0;
		}
		*err = e2;
		return -1;
	}
	return 0;
}
