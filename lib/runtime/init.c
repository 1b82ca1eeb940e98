/*
 * init.c - the container side: what the init does between clone and exec,
 * and what an exec'd process does after fork. Runs in a single-threaded
 * child; errors go back to the runtime over the sync socket while it
 * listens, to stderr after that.
 */
#include "runtime/cgroup.h"
#include "runtime/oci-internal.h"
#include "runtime/oci.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SYNC_MAX (4u << 20)
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct sync_hdr {
	int32_t type, kind, errnum;
	uint32_t len;
};

int
pod_rt_sync_send(int fd, int type, const void *data, size_t len)
{
	struct sync_hdr h = { .type = type, .len = (uint32_t) len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *) data, len } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	do
		n = sendmsg(fd, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

int
pod_rt_sync_send_err(int fd, const struct pod_err *e)
{
	struct sync_hdr h = { .type = OCI_SYNC_ERROR, .kind = (int32_t) e->kind,
			      .errnum = e->errnum, .len = (uint32_t) strlen(e->msg) };
	struct iovec iov[2] = { { &h, sizeof(h) }, { e->msg, strlen(e->msg) } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };

	return sendmsg(fd, &m, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int
pod_rt_sync_recv(int fd, int *ret_type, char **ret_data, struct pod_err **err)
{
	cleanup_free char *buf = NULL;
	struct sync_hdr h;
	ssize_t n;

	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pod_err_sys(err, "reading from the container's init");
	if (n == 0) {
		*ret_type = 0;
		if (ret_data)
			*ret_data = NULL;
		return 0;
	}
	if ((size_t) n < sizeof(h) || (size_t) n > SYNC_MAX)
		return pod_err_set(err, POD_E_GENERIC, 0, "bad message from the container's init");
	buf = xmalloc((size_t) n + 1);
	do
		n = recv(fd, buf, (size_t) n, 0);
	while (n < 0 && errno == EINTR);
	if (n < (ssize_t) sizeof(h))
		return pod_err_sys(err, "reading from the container's init");
	buf[n] = '\0';
	memcpy(&h, buf, sizeof(h));
	if (h.len != (size_t) n - sizeof(h))
		return pod_err_set(err, POD_E_GENERIC, 0, "bad message from the container's init");
	if (h.type == OCI_SYNC_ERROR) {
		enum pod_err_kind k = h.kind >= 0 && h.kind < POD_E__MAX ? h.kind : POD_E_GENERIC;
		return pod_err_set(err, k, h.errnum, "%s", buf + sizeof(h));
	}
	*ret_type = h.type;
	if (ret_data)
		*ret_data = xstrdup(buf + sizeof(h));
	return 0;
}

static void __attribute__((noreturn))
fail(struct pod_rt_init *a, struct pod_err *e)
{
	if (a->sync_fd < 0 || pod_rt_sync_send_err(a->sync_fd, e) < 0)
		dprintf(STDERR_FILENO, "pod-oci: %s\n", e->msg);
	pod_oci_log_error(e->msg);
	_exit(e->kind == POD_E_NOCMD ? 127 : e->kind == POD_E_NOTEXEC ? 126 : 1);
}

static void
expect(struct pod_rt_init *a, int want)
{
	struct pod_err *e = NULL;
	int type = 0;

	if (pod_rt_sync_recv(a->sync_fd, &type, NULL, &e) < 0)
		fail(a, e);
	if (type != want)
		_exit(1); /* the runtime went away: nothing to report to */
}

static const char *
env_get(char *const *env, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], key, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

/* like execvpe's search, done before exec so a missing program fails create */
static int
resolve_exe(const struct pod_oci_process *p, char **ret, struct pod_err **err)
{
	const char *name = p->args[0];
	const char *path = env_get(p->env, "PATH");
	struct stat st;

	if (strchr(name, '/')) {
		if (stat(name, &st) < 0)
			return pod_err_set(err, errno == ENOENT ? POD_E_NOCMD : POD_E_NOTEXEC, errno,
					   "exec: \"%s\": stat %s: %s", name, name,
					   pod_strerror(errno));
		if (S_ISDIR(st.st_mode) || access(name, X_OK) < 0)
			return pod_err_set(err, POD_E_NOTEXEC, EACCES,
					   "exec: \"%s\": permission denied", name);
		*ret = xstrdup(name);
		return 0;
	}
	if (!path)
		path = DEFAULT_PATH;
	for (const char *d = path;;) {
		const char *end = strchrnul(d, ':');
		cleanup_free char *cand = xasprintf("%.*s%s%s", (int) (end - d), d,
						    end == d ? "" : "/", name);

		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			*ret = TAKE_PTR(cand);
			return 0;
		}
		if (!*end)
			break;
		d = end + 1;
	}
	return pod_err_set(err, POD_E_NOCMD, ENOENT,
			   "exec: \"%s\": executable file not found in $PATH", name);
}

static int
write_sysctls(const struct pod_oci_spec *s, struct pod_err **err)
{
	for (size_t i = 0; i < s->n_sysctl; i++) {
		cleanup_free char *path = xasprintf("/proc/sys/%s", s->sysctl[i].key);
		cleanup_close int fd = -1;
		size_t len = strlen(s->sysctl[i].value);

		for (char *c = path + strlen("/proc/sys/"); *c; c++)
			if (*c == '.')
				*c = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || write(fd, s->sysctl[i].value, len) != (ssize_t) len)
			return pod_err_sys(err, "setting sysctl %s", s->sysctl[i].key);
	}
	return 0;
}

static int
setup_console(struct pod_rt_init *a, bool bind_console, struct pod_err **err)
{
	cleanup_close int master = -1, slave = -1;
	cleanup_free char *name = NULL;

	if (pod_rt_pty_open(a->proc->console_height, a->proc->console_width, &master, &slave, &name,
			 err) < 0)
		return -1;
	if (bind_console && pod_rt_console_bind(name, err) < 0)
		return -1;
	if (a->console_fd >= 0) {
		if (pod_rt_console_send(a->console_fd, master, name, err) < 0)
			return -1;
		close(a->console_fd);
		a->console_fd = -1;
	}
	if (pod_rt_console_become(slave, err) < 0)
		return -1;
	return 0;
}

static int
load_seccomp(const struct pod_rt_init *a, json_t *sc, struct pod_err **err)
{
	if (a->seccomp_bpf && a->seccomp_bpf->insns)
		return pod_rt_seccomp_load_bpf(a->seccomp_bpf, err);
	return pod_rt_seccomp_load(sc, err);
}

/* from here on the process becomes what the spec asks, then execs */
static void __attribute__((noreturn))
finalize_and_exec(struct pod_rt_init *a, const char *exe)
{
	const struct pod_oci_process *p = a->proc;
	struct pod_err *e = NULL;
	json_t *sc = a->spec ? a->spec->seccomp : NULL;

	/* without no_new_privs the filter needs CAP_SYS_ADMIN: load it while we have it */
	if (sc && !p->no_new_privileges && load_seccomp(a, sc, &e) < 0)
		fail(a, e);
	if (pod_rt_set_identity(p, &e) < 0)
		fail(a, e);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		pod_err_sys(&e, "prctl(PR_SET_NO_NEW_PRIVS)");
		fail(a, e);
	}
	if (sc && p->no_new_privileges && load_seccomp(a, sc, &e) < 0)
		fail(a, e);
	if (chdir(p->cwd) < 0) {
		pod_err_sys(&e, "chdir to cwd (\"%s\") set in config.json", p->cwd);
		fail(a, e);
	}
	/* everything past the preserved fds is closed by exec */
	(void) syscall(SYS_close_range, 3 + a->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	execve(exe, p->args, p->env);
	pod_err_set(&e, errno == ENOENT ? POD_E_NOCMD : POD_E_NOTEXEC, errno, "exec: \"%s\": %s",
		    p->args[0], pod_strerror(errno));
	fail(a, e);
}

/* a network namespace of our own has its loopback up, as runc and crun give it */
static int
loopback_up(struct pod_err **err)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = -1;

	if (fd < 0)
		return pod_err_sys(err, "bringing up lo: socket");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		pod_err_sys(err, "bringing up lo");
		goto out;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		pod_err_sys(err, "bringing up lo");
		goto out;
	}
	r = 0;
out:
	close(fd);
	return r;
}

static void
join_ns(struct pod_rt_init *a, int fd, int type)
{
	struct pod_err *e = NULL;

	if (setns(fd, type) < 0) {
		pod_err_sys(&e, "joining the %s namespace", pod_oci_ns_name(type));
		fail(a, e);
	}
	close(fd);
}

void
pod_rt_init_main(struct pod_rt_init *a)
{
	const struct pod_oci_spec *s = a->spec;
	struct pod_rt_rootfs r = { .spec = s, .rootfs = a->rootfs, .bundle = a->bundle,
				.rootfd = -1, .userns = pod_oci_spec_find_ns(s, CLONE_NEWUSER) >= 0 };
	cleanup_free char *state = NULL, *exe = NULL;
	struct pod_err *e = NULL;
	int type = 0, uts;
	char c;

	(void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	umask(0);
	/* in a new user namespace the runtime writes our id maps first */
	if (a->new_userns)
		expect(a, OCI_SYNC_GO);
	/* the runtime made the cgroup; without a new user namespace we may join it */
	if (a->self_cgroup && pod_cgroup_join_self(a->self_cgroup, a->cgroup_v2_joined, &e) < 0)
		fail(a, e);
	/* a joined user namespace first: the others may belong to it */
	for (size_t i = 0; i < s->n_namespaces; i++)
		if (a->ns_fds[i] >= 0 && s->namespaces[i].type == CLONE_NEWUSER)
			join_ns(a, a->ns_fds[i], CLONE_NEWUSER);
	if (r.userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
		pod_err_sys(&e, "becoming root in the user namespace");
		fail(a, e);
	}
	for (size_t i = 0; i < s->n_namespaces; i++)
		if (a->ns_fds[i] >= 0 && s->namespaces[i].type != CLONE_NEWUSER &&
		    s->namespaces[i].type != CLONE_NEWPID)
			join_ns(a, a->ns_fds[i], s->namespaces[i].type);
	if (a->unshare_flags && unshare(a->unshare_flags) < 0) {
		pod_err_sys(&e, "creating namespaces");
		fail(a, e);
	}
	if ((a->unshare_flags & CLONE_NEWNET) && loopback_up(&e) < 0)
		fail(a, e);
	if (pod_rt_sync_send(a->sync_fd, OCI_SYNC_NS_READY, NULL, 0) < 0)
		_exit(1);
	if (pod_rt_sync_recv(a->sync_fd, &type, &state, &e) < 0)
		fail(a, e);
	if (type != OCI_SYNC_HOOKS_DONE)
		_exit(1);

	if (pod_rt_rootfs_prepare(&r, &e) < 0 || pod_rt_rootfs_mounts(&r, &e) < 0 ||
	    pod_rt_devices_create(&r, &e) < 0)
		fail(a, e);
	if (pod_rt_mkdir_in_root(r.rootfd, a->proc->cwd, &e) < 0) {
		pod_err_wrap(&e, "creating cwd %s", a->proc->cwd);
		fail(a, e);
	}
	if (pod_rt_hooks_run(s->hooks[POD_OCI_HOOK_CREATE_CONTAINER],
			  s->n_hooks[POD_OCI_HOOK_CREATE_CONTAINER], "createContainer", state,
			  &e) < 0)
		fail(a, e);
	if (pod_rt_rootfs_pivot(&r, a->no_pivot, &e) < 0)
		fail(a, e);
	uts = pod_oci_spec_find_ns(s, CLONE_NEWUTS);
	if (uts >= 0 && !s->namespaces[uts].path) {
		if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0) {
			pod_err_sys(&e, "sethostname");
			fail(a, e);
		}
		if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0) {
			pod_err_sys(&e, "setdomainname");
			fail(a, e);
		}
	}
	if (write_sysctls(s, &e) < 0)
		fail(a, e);
	if (a->proc->terminal && setup_console(a, true, &e) < 0)
		fail(a, e);
	if (pod_rt_rootfs_finish(&r, &e) < 0)
		fail(a, e);
	if (pod_rt_oom_score_adj(a->proc, &e) < 0 || pod_rt_rlimits_apply(a->proc, &e) < 0)
		fail(a, e);
	if (resolve_exe(a->proc, &exe, &e) < 0)
		fail(a, e);
	umask(a->proc->has_umask ? a->proc->umask : 022);
	(void) prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (pod_rt_sync_send(a->sync_fd, OCI_SYNC_CREATED, NULL, 0) < 0)
		_exit(1);
	close(a->sync_fd);
	a->sync_fd = -1;

	/* blocked until `start` writes to the fifo */
	while (read(a->fifo_fd, &c, 1) < 0) {
		if (errno != EINTR)
			_exit(1);
	}
	close(a->fifo_fd);
	if (pod_rt_hooks_run(s->hooks[POD_OCI_HOOK_START_CONTAINER],
			  s->n_hooks[POD_OCI_HOOK_START_CONTAINER], "startContainer", state,
			  &e) < 0)
		fail(a, e);
	finalize_and_exec(a, exe);
}

void
pod_rt_exec_main(struct pod_rt_init *a)
{
	cleanup_free char *exe = NULL;
	struct pod_err *e = NULL;

	(void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* joining the cgroup ourselves ("0" is the writer) saves a round trip to the runtime */
	if (a->exec_cgroup && pod_cgroup_join_self(a->exec_cgroup, a->cgroup_v2_joined, &e) < 0)
		fail(a, e);
	for (size_t i = 0; i < ARRAY_SIZE(a->exec_ns_fds) && a->exec_ns_fds[i] >= 0; i++)
		join_ns(a, a->exec_ns_fds[i], 0);
	if (fchdir(a->exec_root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		pod_err_sys(&e, "entering the container's root");
		fail(a, e);
	}
	close(a->exec_root_fd);
	if (a->proc->terminal && setup_console(a, false, &e) < 0)
		fail(a, e);
	if (pod_rt_rlimits_apply(a->proc, &e) < 0)
		fail(a, e);
	if (resolve_exe(a->proc, &exe, &e) < 0)
		fail(a, e);
	umask(a->proc->has_umask ? a->proc->umask : 022);
	(void) prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	/* the sync socket is close-on-exec: the runtime sees EOF when exec worked */
	finalize_and_exec(a, exe);
}
