/* oci.c - the runtime side of the lifecycle: create, start, kill, delete, run, exec */
#include "runtime/oci.h"
#include "runtime/cgroup.h"
#include "runtime/oci-internal.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct {
	const char *name;
	int sig;
} signal_table[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },	    { "QUIT", SIGQUIT },   { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT },   { "IOT", SIGIOT },	   { "BUS", SIGBUS },
	{ "FPE", SIGFPE },   { "KILL", SIGKILL },   { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },   { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },   { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO },	    { "POLL", SIGPOLL },   { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

int
pod_oci_parse_signal(const char *s, int *ret, struct pod_err **err)
{
	const char *name = s;
	int64_t n;

	if (pod_parse_int64(s, &n)) {
		if (n < 1 || n > 64)
			goto bad;
		*ret = (int) n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_table); i++)
		if (strcasecmp(name, signal_table[i].name) == 0) {
			*ret = signal_table[i].sig;
			return 0;
		}
	if (strncasecmp(name, "RTMIN+", 6) == 0 && pod_parse_int64(name + 6, &n) && n >= 0 &&
	    SIGRTMIN + n <= SIGRTMAX) {
		*ret = SIGRTMIN + (int) n;
		return 0;
	}
bad:
	return pod_err_set(err, POD_E_INVALID, 0, "unknown signal \"%s\"", s);
}

int
pod_oci_wait_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

static char *
state_dir(const char *root, const char *id)
{
	return xasprintf("%s/%s", root, id);
}

static int
mkdir_p(const char *path, mode_t mode, struct pod_err **err)
{
	cleanup_free char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return pod_err_sys(err, "mkdir %s", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return pod_err_sys(err, "mkdir %s", p);
	return 0;
}

static char *
state_json_text(const struct pod_oci_state *s, enum pod_oci_status status)
{
	struct pod_oci_state copy = *s;
	cleanup_ojson json_t *j = NULL;

	copy.status = status;
	j = pod_oci_state_to_json(&copy);
	return json_dumps(j, JSON_COMPACT);
}

static int
write_pid_file(const char *path, pid_t pid, struct pod_err **err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int) pid);

	if (pod_rt_write_file_atomic(path, buf, (size_t) n, 0644, err) < 0)
		return pod_err_wrap(err, "writing the pid file");
	return 0;
}

/* --- user namespace maps -------------------------------------------------- */

static int
run_idmap_tool(const char *tool, pid_t pid, const struct pod_oci_idmap *m, size_t n,
	       struct pod_err **err)
{
	char **argv = xcalloc(3 * n + 3, sizeof(char *));
	size_t k = 0;
	int status = 0;
	pid_t child;

	argv[k++] = xstrdup(tool);
	argv[k++] = xasprintf("%d", (int) pid);
	for (size_t i = 0; i < n; i++) {
		argv[k++] = xasprintf("%u", m[i].container_id);
		argv[k++] = xasprintf("%u", m[i].host_id);
		argv[k++] = xasprintf("%u", m[i].size);
	}
	child = fork();
	if (child == 0) {
		execvp(tool, argv);
		_exit(127);
	}
	pod_strv_free(argv);
	if (child < 0)
		return pod_err_sys(err, "running %s", tool);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return pod_err_sys(err, "waiting for %s", tool);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "%s failed (exit status %d)", tool,
				   pod_oci_wait_code(status));
	return 0;
}

static int
write_map(pid_t pid, const char *file, const struct pod_oci_idmap *m, size_t n,
	  struct pod_err **err)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	cleanup_free char *path = xasprintf("/proc/%d/%s", (int) pid, file);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = 0;

	for (size_t i = 0; i < n; i++)
		pod_strbuf_addf(&sb, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	if (fd < 0 || write(fd, sb.buf, sb.len) != (ssize_t) sb.len)
		r = pod_err_sys(err, "writing %s", path);
	pod_strbuf_release(&sb);
	return r;
}

static int
write_maps(pid_t pid, const struct pod_oci_spec *s, struct pod_err **err)
{
	if (!s->n_uid_mappings || !s->n_gid_mappings)
		return pod_err_set(err, POD_E_INVALID, 0, "a new user namespace needs "
							  "linux.uidMappings and linux.gidMappings");
	if (geteuid() == 0) {
		if (write_map(pid, "uid_map", s->uid_mappings, s->n_uid_mappings, err) < 0 ||
		    write_map(pid, "gid_map", s->gid_mappings, s->n_gid_mappings, err) < 0)
			return -1;
		return 0;
	}
	/* rootless: the setuid helpers write ranges from /etc/subuid and /etc/subgid */
	if (run_idmap_tool("newuidmap", pid, s->uid_mappings, s->n_uid_mappings, err) < 0) {
		struct pod_err *e = NULL;
		if (s->n_uid_mappings != 1 || s->uid_mappings[0].size != 1 ||
		    write_map(pid, "uid_map", s->uid_mappings, 1, &e) < 0) {
			pod_err_free(&e);
			return -1;
		}
		pod_err_free(err);
	}
	if (run_idmap_tool("newgidmap", pid, s->gid_mappings, s->n_gid_mappings, err) < 0) {
		struct pod_err *e = NULL;
		cleanup_free char *sg = xasprintf("/proc/%d/setgroups", (int) pid);
		cleanup_close int fd = open(sg, O_WRONLY | O_CLOEXEC);

		/* one's own gid alone can be mapped after setgroups is denied */
		if (fd < 0 || write(fd, "deny", 4) != 4 || s->n_gid_mappings != 1 ||
		    s->gid_mappings[0].size != 1 ||
		    write_map(pid, "gid_map", s->gid_mappings, 1, &e) < 0) {
			pod_err_free(&e);
			return -1;
		}
		pod_err_free(err);
	}
	return 0;
}

/* --- create ------------------------------------------------------------------ */

static void
close_fds(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void
reap(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static pid_t
clone_fork(unsigned long flags)
{
	/* fork semantics with namespaces: a raw clone with no new stack */
	return (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/*
 * The same, the child born in the v2 cgroup cg_fd (clone3); -1 with errno
 * ENOSYS/E2BIG/EINVAL... when the kernel cannot: the caller falls back.
 */
static pid_t
clone_fork_into(unsigned long flags, int cg_fd)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
			tls, set_tid, set_tid_size, cgroup;
	} args = {
		.flags = flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
		.cgroup = (uint64_t) cg_fd,
	};
	return (pid_t) syscall(SYS_clone3, &args, sizeof(args));
}

/*
 * clone_fork, the child born in cg's v2 cgroup when it has one: moving a
 * process there afterwards (cgroup.procs) takes the kernel's global
 * threadgroup lock. *ret_v2_joined says whether it was; the v1 hierarchies
 * are the child's to join (pod_cgroup_join_self).
 */
static pid_t
clone_in_cgroup(unsigned long flags, struct pod_cgroup *cg, bool *ret_v2_joined)
{
	cleanup_close int cg_fd = cg ? pod_cgroup_v2_open(cg) : -1;
	pid_t pid = -1;

	if (cg_fd >= 0) {
		pid = clone_fork_into(flags, cg_fd);
		if (pid < 0)
			pod_rt_debug("clone3 into the v2 cgroup: %s; moving the process instead",
				     pod_strerror(errno));
	}
	*ret_v2_joined = pid >= 0 && cg_fd >= 0;
	if (pid < 0)
		pid = clone_fork(flags);
	return pid;
}

static int
console_for(const struct pod_oci_process *p, const char *sock_path, int sock_fd, int *ret,
	    struct pod_err **err)
{
	*ret = -1;
	if (!p->terminal)
		return 0;
	if (sock_fd >= 0) {
		*ret = fcntl(sock_fd, F_DUPFD_CLOEXEC, 3);
		if (*ret < 0)
			return pod_err_sys(err, "dup console fd");
		return 0;
	}
	if (!sock_path)
		return pod_err_set(err, POD_E_INVALID, 0, "process.terminal is set: a console "
							  "socket is required (--console-socket)");
	return pod_rt_console_connect(sock_path, ret, err);
}

/* the spec's seccomp filter compiled before the fork (ROOT/seccomp caches it) */
static int
seccomp_ahead(const char *root, json_t *sc, struct pod_rt_bpf *ret, struct pod_err **err)
{
	cleanup_free char *dir = xasprintf("%s/seccomp", root);

	return pod_rt_seccomp_prepare(dir, sc, ret, err);
}

/* spec: the bundle's config.json when the caller has parsed it already (ours then) */
static int
do_create(const char *root, const char *id, const char *bundle_in,
	  const struct pod_oci_create_opts *opts, int console_pair_fd,
	  struct pod_oci_spec *spec, pid_t *ret_pid, struct pod_err **err)
{
	cleanup_(pod_oci_spec_freep) struct pod_oci_spec *s = spec;
	cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;
	bool cg_made = false, v2_joined = false;
	cleanup_free char *bundle = NULL, *rootfs = NULL, *dir = NULL, *cfg = NULL, *fifo = NULL;
	cleanup_free char *cfg_copy = NULL, *state_text = NULL, *cfg_text = NULL;
	cleanup_close int fifo_fd = -1, console_fd = -1, own_pidns = -1;
	cleanup_free int *ns_fds = NULL;
	cleanup_(pod_rt_bpf_release) struct pod_rt_bpf bpf = { 0 };
	struct pod_oci_state st = { 0 };
	int sync[2] = { -1, -1 };
	unsigned long clone_flags = 0;
	int unshare_flags = 0, type = 0, pidns_idx;
	bool dir_made = false, runtime_hooks;
	pid_t pid = -1;
	char rbuf[PATH_MAX];

	if (pod_oci_check_id(id, err) < 0)
		return -1;
	if (!realpath(bundle_in ? bundle_in : ".", rbuf))
		return pod_err_sys(err, "bundle %s", bundle_in ? bundle_in : ".");
	bundle = xstrdup(rbuf);
	cfg = xasprintf("%s/config.json", bundle);
	if (!s && pod_oci_spec_load(cfg, &s, err) < 0)
		return -1;
	if (!s->process)
		return pod_err_set(err, POD_E_INVALID, 0, "config.json: process: is required");
	if (pod_oci_spec_find_ns(s, CLONE_NEWNS) < 0)
		return pod_err_set(err, POD_E_INVALID, 0, "config.json: linux.namespaces: a mount "
							  "namespace is required");
	{
		cleanup_free char *rp = s->root_path[0] == '/' ?
						xstrdup(s->root_path) :
						xasprintf("%s/%s", bundle, s->root_path);
		if (!realpath(rp, rbuf))
			return pod_err_sys(err, "rootfs (%s) does not exist", rp);
		rootfs = xstrdup(rbuf);
	}
	if (console_pair_fd < 0 &&
	    console_for(s->process, opts->console_socket, opts->console_fd, &console_fd, err) < 0)
		return -1;
	if (console_pair_fd >= 0)
		console_fd = TAKE_FD(console_pair_fd);

	if (mkdir_p(root, 0700, err) < 0)
		return -1;
	dir = state_dir(root, id);
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return pod_err_set(err, POD_E_EXISTS, EEXIST, "container with id exists: %s",
					   id);
		return pod_err_sys(err, "mkdir %s", dir);
	}
	dir_made = true;
	cfg_copy = xasprintf("%s/config.json", dir);
	/* the bytes as read, else as parsed */
	if (!s->text)
		cfg_text = json_dumps(s->json, JSON_COMPACT);
	if (pod_rt_write_file_atomic(cfg_copy, s->text ? s->text : cfg_text,
				     s->text ? s->text_len : strlen(cfg_text), 0600, err) < 0)
		goto fail;
	fifo = xasprintf("%s/exec.fifo", dir);
	if (mkfifo(fifo, 0600) < 0) {
		pod_err_sys(err, "mkfifo %s", fifo);
		goto fail;
	}
	fifo_fd = open(fifo, O_RDWR | O_CLOEXEC);
	if (fifo_fd < 0) {
		pod_err_sys(err, "open %s", fifo);
		goto fail;
	}
	ns_fds = xcalloc(s->n_namespaces + 1, sizeof(int));
	for (size_t i = 0; i < s->n_namespaces; i++) {
		const struct pod_oci_namespace *ns = &s->namespaces[i];

		ns_fds[i] = -1;
		if (ns->path) {
			ns_fds[i] = open(ns->path, O_RDONLY | O_CLOEXEC);
			if (ns_fds[i] < 0) {
				pod_err_sys(err, "opening the %s namespace %s",
					    pod_oci_ns_name(ns->type), ns->path);
				goto fail;
			}
		} else if (ns->type == CLONE_NEWUSER || ns->type == CLONE_NEWPID) {
			clone_flags |= (unsigned long) ns->type;
		} else {
			unshare_flags |= ns->type;
		}
	}
	if (s->seccomp && seccomp_ahead(root, s->seccomp, &bpf, err) < 0)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
		pod_err_sys(err, "socketpair");
		goto fail;
	}
	pidns_idx = pod_oci_spec_find_ns(s, CLONE_NEWPID);
	if (pidns_idx >= 0 && ns_fds[pidns_idx] >= 0) {
		/* children of ours are born in the joined pid namespace */
		own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pidns < 0 || setns(ns_fds[pidns_idx], CLONE_NEWPID) < 0) {
			pod_err_sys(err, "joining the pid namespace %s", s->namespaces[pidns_idx].path);
			goto fail;
		}
	}
	/*
	 * The cgroup before the init: it is born in the v2 one, if any, and
	 * joins the v1 ones itself (see pod_cgroup_join_self), both far cheaper
	 * than moving it in from here. In a new user namespace it could not
	 * write the host's cgroup files: we move it then.
	 */
	if (s->cgroups_path) {
		if (pod_cgroup_new(s->cgroups_path, &cg, err) < 0 ||
		    pod_cgroup_make(cg, s->resources, 0, err) < 0) {
			pod_err_wrap(err, "creating cgroup %s", s->cgroups_path);
			goto fail;
		}
		cg_made = true;
	} else if (s->resources) {
		pod_rt_debug("linux.resources ignored: no linux.cgroupsPath");
	}
	pid = clone_in_cgroup(clone_flags, cg, &v2_joined);
	if (pid == 0) {
		struct pod_rt_init a = {
			.spec = s, .proc = s->process, .rootfs = rootfs, .bundle = bundle,
			.sync_fd = sync[1], .fifo_fd = fifo_fd, .console_fd = console_fd,
			.ns_fds = ns_fds, .no_pivot = opts->no_pivot,
			.preserve_fds = opts->preserve_fds, .unshare_flags = unshare_flags,
			.new_userns = clone_flags & CLONE_NEWUSER,
			.seccomp_bpf = &bpf,
			/* in a new user namespace it could not write the host's cgroup files */
			.self_cgroup = (clone_flags & CLONE_NEWUSER) ? NULL : cg,
			.cgroup_v2_joined = v2_joined,
		};
		close(sync[0]);
		pod_rt_init_main(&a);
	}
	if (own_pidns >= 0 && setns(own_pidns, CLONE_NEWPID) < 0) {
		pod_err_sys(err, "returning to our pid namespace");
		goto fail;
	}
	if (pid < 0) {
		pod_err_sys(err, "clone");
		goto fail;
	}
	close(sync[1]);
	sync[1] = -1;
	close(fifo_fd);
	fifo_fd = -1;
	close_fds(ns_fds, s->n_namespaces);
	memset(ns_fds, 0xff, s->n_namespaces * sizeof(int));
	if (console_fd >= 0) {
		close(console_fd);
		console_fd = -1;
	}
	pod_rt_debug("container %s: init is pid %d", id, (int) pid);

	if ((clone_flags & CLONE_NEWUSER) && write_maps(pid, s, err) < 0)
		goto fail;
	if (cg && (clone_flags & CLONE_NEWUSER) && pod_cgroup_add_pid(cg, pid, err) < 0)
		goto fail;
	if ((clone_flags & CLONE_NEWUSER) && pod_rt_sync_send(sync[0], OCI_SYNC_GO, NULL, 0) < 0) {
		pod_err_sys(err, "talking to the container's init");
		goto fail;
	}
	if (pod_rt_sync_recv(sync[0], &type, NULL, err) < 0)
		goto fail;
	if (type != OCI_SYNC_NS_READY) {
		pod_err_set(err, POD_E_GENERIC, 0, "the container's init exited during setup");
		goto fail;
	}

	st.id = (char *) id;
	st.pid = pid;
	st.bundle = bundle;
	st.rootfs = rootfs;
	st.created_ns = pod_now_ns();
	st.owner = pod_rt_owner_name(geteuid());
	st.annotations = s->annotations;
	st.cgroups_path = s->cgroups_path;
	st.no_poststop = !s->n_hooks[POD_OCI_HOOK_POSTSTOP];
	(void) pod_rt_pid_start_time(pid, &st.start_time);
	state_text = state_json_text(&st, POD_OCI_CREATING);
	/*
	 * Hooks may ask `state`, so with hooks the state file comes first.
	 * Without, the init goes on with the mounts while we write it.
	 */
	runtime_hooks = s->n_hooks[POD_OCI_HOOK_PRESTART] || s->n_hooks[POD_OCI_HOOK_CREATE_RUNTIME];
	if (runtime_hooks && pod_rt_state_save(dir, &st, err) < 0)
		goto fail;
	if (pod_rt_hooks_run(s->hooks[POD_OCI_HOOK_PRESTART], s->n_hooks[POD_OCI_HOOK_PRESTART],
			  "prestart", state_text, err) < 0 ||
	    pod_rt_hooks_run(s->hooks[POD_OCI_HOOK_CREATE_RUNTIME],
			  s->n_hooks[POD_OCI_HOOK_CREATE_RUNTIME], "createRuntime", state_text,
			  err) < 0)
		goto fail;
	if (pod_rt_sync_send(sync[0], OCI_SYNC_HOOKS_DONE, state_text, strlen(state_text)) < 0) {
		pod_err_sys(err, "talking to the container's init");
		goto fail;
	}
	if (!runtime_hooks && pod_rt_state_save(dir, &st, err) < 0)
		goto fail;
	if (pod_rt_sync_recv(sync[0], &type, NULL, err) < 0)
		goto fail;
	if (type != OCI_SYNC_CREATED) {
		pod_err_set(err, POD_E_GENERIC, 0, "the container's init exited during setup");
		goto fail;
	}
	if (opts->pid_file && write_pid_file(opts->pid_file, pid, err) < 0)
		goto fail;
	close(sync[0]);
	free(st.owner);
	*ret_pid = pid;
	return 0;

fail:
	if (sync[0] >= 0)
		close(sync[0]);
	if (sync[1] >= 0)
		close(sync[1]);
	close_fds(ns_fds, s->n_namespaces);
	reap(pid);
	if (cg && cg_made) {
		struct pod_err *e = NULL;
		if (pod_cgroup_destroy(cg, &e) < 0)
			pod_err_free(&e);
	}
	if (dir_made)
		(void) pod_rt_rm_rf(dir);
	free(st.owner);
	return -1;
}

int
pod_oci_create(const char *root, const char *id, const char *bundle,
	       const struct pod_oci_create_opts *opts, pid_t *ret_pid, struct pod_err **err)
{
	struct pod_oci_create_opts def = POD_OCI_CREATE_OPTS_INIT;
	pid_t pid = 0;

	if (do_create(root, id, bundle, opts ? opts : &def, -1, NULL, &pid, err) < 0)
		return -1;
	if (ret_pid)
		*ret_pid = pid;
	return 0;
}

/* --- start, kill, delete ------------------------------------------------- */

static int
load_config_copy(const char *root, const char *id, struct pod_oci_spec **ret,
		 struct pod_err **err)
{
	cleanup_free char *path = xasprintf("%s/%s/config.json", root, id);

	return pod_oci_spec_load(path, ret, err);
}

/* the init waits for a byte on its exec fifo to exec the process */
static int
release_init(const char *root, const char *id, struct pod_err **err)
{
	cleanup_free char *fifo = xasprintf("%s/%s/exec.fifo", root, id);
	cleanup_close int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENXIO)
			return pod_err_set(err, POD_E_STATE, 0, "cannot start a container that has "
								"stopped");
		return pod_err_sys(err, "opening the exec fifo");
	}
	if (write(fd, "0", 1) != 1)
		return pod_err_sys(err, "writing the exec fifo");
	(void) unlink(fifo);
	return 0;
}

int
pod_oci_start(const char *root, const char *id, struct pod_err **err)
{
	cleanup_(pod_oci_state_freep) struct pod_oci_state *st = NULL;
	cleanup_(pod_oci_spec_freep) struct pod_oci_spec *s = NULL;
	cleanup_free char *text = NULL;
	struct pod_err *e = NULL;

	if (pod_oci_state_get(root, id, &st, err) < 0)
		return -1;
	if (st->status == POD_OCI_STOPPED)
		return pod_err_set(err, POD_E_STATE, 0, "cannot start a container that has stopped");
	if (st->status == POD_OCI_RUNNING)
		return pod_err_set(err, POD_E_STATE, 0, "cannot start an already running container");
	if (st->status != POD_OCI_CREATED)
		return pod_err_set(err, POD_E_STATE, 0, "cannot start a container in state %s",
				   pod_oci_status_name(st->status));
	if (release_init(root, id, err) < 0)
		return -1;
	if (load_config_copy(root, id, &s, err) < 0)
		return -1;
	st->status = POD_OCI_RUNNING;
	text = state_json_text(st, POD_OCI_RUNNING);
	/* poststart failures are warnings: the container runs on */
	if (pod_rt_hooks_run(s->hooks[POD_OCI_HOOK_POSTSTART], s->n_hooks[POD_OCI_HOOK_POSTSTART],
			  "poststart", text, &e) < 0) {
		pod_rt_debug("%s", e->msg);
		pod_err_free(&e);
	}
	return 0;
}

static int
signal_container(const struct pod_oci_state *st, int sig, bool all, struct pod_err **err)
{
	if (all && st->cgroups_path) {
		cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;
		struct pod_err *e = NULL;

		if (pod_cgroup_load(st->cgroups_path, &cg, &e) == 0) {
			if (pod_cgroup_kill_all(cg, sig, err) < 0)
				return -1;
			return 0;
		}
		pod_err_free(&e);
	}
	if (kill(st->pid, sig) < 0 && errno != ESRCH)
		return pod_err_sys(err, "sending signal %d to %d", sig, (int) st->pid);
	return 0;
}

int
pod_oci_kill(const char *root, const char *id, int sig, bool all, struct pod_err **err)
{
	cleanup_(pod_oci_state_freep) struct pod_oci_state *st = NULL;

	if (pod_oci_state_get(root, id, &st, err) < 0)
		return -1;
	if (st->status == POD_OCI_STOPPED || st->status == POD_OCI_CREATING)
		return pod_err_set(err, POD_E_STATE, 0, "container not running");
	return signal_container(st, sig, all, err);
}

static void
wait_gone(pid_t pid, uint64_t start_time)
{
	int64_t deadline = pod_mono_ns() + 10 * INT64_C(1000000000);
	int status;

	while (pod_mono_ns() < deadline) {
		/* reaps it when it is our child (run, or a library caller) */
		(void) waitpid(pid, &status, WNOHANG);
		if (!pod_rt_pid_alive(pid, start_time))
			return;
		usleep(5000);
	}
}

static int
set_frozen(const struct pod_oci_state *st, bool frozen, struct pod_err **err)
{
	cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;

	if (!st->cgroups_path)
		return pod_err_set(err, POD_E_STATE, 0, "cannot %s a container without a cgroup",
				   frozen ? "pause" : "resume");
	if (pod_cgroup_load(st->cgroups_path, &cg, err) < 0 ||
	    pod_cgroup_freeze(cg, frozen, err) < 0)
		return -1;
	return 0;
}

int
pod_oci_pause(const char *root, const char *id, bool pause, struct pod_err **err)
{
	cleanup_(pod_oci_state_freep) struct pod_oci_state *st = NULL;
	cleanup_free char *marker = NULL;

	if (pod_oci_state_get(root, id, &st, err) < 0)
		return -1;
	if (pause && st->status != POD_OCI_RUNNING)
		return pod_err_set(err, POD_E_STATE, 0, "container not running");
	if (!pause && st->status != POD_OCI_PAUSED)
		return pod_err_set(err, POD_E_STATE, 0, "container not paused");
	marker = xasprintf("%s/%s/paused", root, id);
	if (pause) {
		cleanup_close int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return pod_err_sys(err, "creating %s", marker);
		if (set_frozen(st, true, err) < 0) {
			(void) unlink(marker);
			return -1;
		}
		return 0;
	}
	if (set_frozen(st, false, err) < 0)
		return -1;
	if (unlink(marker) < 0 && errno != ENOENT)
		return pod_err_sys(err, "removing %s", marker);
	return 0;
}

int
pod_oci_delete(const char *root, const char *id, bool force, struct pod_err **err)
{
	cleanup_(pod_oci_state_freep) struct pod_oci_state *st = NULL;
	cleanup_(pod_oci_spec_freep) struct pod_oci_spec *s = NULL;
	cleanup_free char *dir = NULL, *text = NULL;
	struct pod_err *e = NULL;

	if (pod_oci_state_get(root, id, &st, err) < 0)
		return -1;
	if ((st->status == POD_OCI_RUNNING || st->status == POD_OCI_PAUSED) && !force)
		return pod_err_set(err, POD_E_STATE, 0, "cannot delete container %s that is not "
						       "stopped: %s", id, pod_oci_status_name(st->status));
	if (st->status == POD_OCI_RUNNING || st->status == POD_OCI_CREATED ||
	    st->status == POD_OCI_PAUSED) {
		if (signal_container(st, SIGKILL, true, err) < 0)
			return -1;
		/* frozen tasks die only once thawed */
		if (st->status == POD_OCI_PAUSED && set_frozen(st, false, &e) < 0)
			pod_err_free(&e);
		wait_gone(st->pid, st->start_time);
	}
	dir = state_dir(root, id);
	/* the config is read for its poststop hooks, unless the state says there are none */
	if (st->status != POD_OCI_CREATING && !st->no_poststop &&
	    load_config_copy(root, id, &s, &e) == 0) {
		st->status = POD_OCI_STOPPED;
		text = state_json_text(st, POD_OCI_STOPPED);
		if (pod_rt_hooks_run(s->hooks[POD_OCI_HOOK_POSTSTOP], s->n_hooks[POD_OCI_HOOK_POSTSTOP],
				  "poststop", text, &e) < 0) {
			pod_rt_debug("%s", e->msg);
			pod_err_free(&e);
		}
	}
	pod_err_free(&e);
	if (st->cgroups_path) {
		cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;

		if (pod_cgroup_load(st->cgroups_path, &cg, &e) == 0 &&
		    pod_cgroup_destroy(cg, err) < 0)
			return pod_err_wrap(err, "removing the cgroup of %s", id);
		pod_err_free(&e);
	}
	if (pod_rt_rm_rf(dir) < 0 && errno != ENOENT)
		return pod_err_sys(err, "removing %s", dir);
	return 0;
}

/* --- run: create + start + wait -------------------------------------------- */

static volatile sig_atomic_t fwd_pid;
static volatile sig_atomic_t fwd_master = -1;

static void
forward_signal(int sig)
{
	int saved = errno;

	if (sig == SIGWINCH && fwd_master >= 0) {
		struct winsize ws;
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
			(void) ioctl(fwd_master, TIOCSWINSZ, &ws);
	} else if (fwd_pid > 0) {
		kill((pid_t) fwd_pid, sig);
	}
	errno = saved;
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static void
forward_begin(pid_t pid, int master, struct sigaction *saved)
{
	struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };

	fwd_pid = pid;
	fwd_master = master;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, &saved[i]);
}

static void
forward_end(struct sigaction *saved)
{
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &saved[i], NULL);
	fwd_pid = 0;
	fwd_master = -1;
}

static int
wait_for(pid_t pid, int master, int *ret_status, struct pod_err **err)
{
	struct sigaction saved[ARRAY_SIZE(forwarded)];
	int status = 0, r = 0;

	forward_begin(pid, master, saved);
	if (master >= 0) {
		r = pod_rt_console_proxy(master, pid, &status, err);
	} else {
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				r = pod_err_sys(err, "waiting for process %d", (int) pid);
				break;
			}
		}
	}
	forward_end(saved);
	if (r == 0)
		*ret_status = pod_oci_wait_code(status);
	return r;
}


int
pod_oci_run(const char *root, const char *id, const char *bundle,
	    const struct pod_oci_create_opts *opts, bool detach, int *ret_status,
	    struct pod_err **err)
{
	struct pod_oci_create_opts def = POD_OCI_CREATE_OPTS_INIT;
	cleanup_(pod_oci_spec_freep) struct pod_oci_spec *s = NULL;
	cleanup_free char *cfg = xasprintf("%s/config.json", bundle ? bundle : ".");
	cleanup_close int master = -1;
	int pair[2] = { -1, -1 };
	int status = 0, r = 0;
	pid_t pid = 0;
	bool proxy, poststart;

	if (!opts)
		opts = &def;
	/* parsed once: create takes it over */
	if (pod_oci_spec_load(cfg, &s, err) < 0)
		return -1;
	proxy = s->process && s->process->terminal && !opts->console_socket &&
		opts->console_fd < 0;
	if (proxy && detach)
		return pod_err_set(err, POD_E_INVALID, 0, "cannot allocate a tty when detaching "
							  "without a console socket");
	if (proxy && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
		return pod_err_sys(err, "socketpair");
	poststart = s->n_hooks[POD_OCI_HOOK_POSTSTART] > 0;
	r = do_create(root, id, bundle, opts, pair[1], TAKE_PTR(s), &pid, err);
	if (r == 0 && proxy)
		r = pod_rt_console_recv(pair[0], &master, err);
	if (pair[0] >= 0)
		close(pair[0]);
	if (r < 0)
		goto fail;
	/* just created: `start` without reading back the state and config, unless hooks need them */
	if ((poststart ? pod_oci_start(root, id, err) : release_init(root, id, err)) < 0)
		goto fail;
	if (detach) {
		*ret_status = 0;
		return 0;
	}
	if (wait_for(pid, master, &status, err) < 0)
		goto fail;
	if (pod_oci_delete(root, id, true, err) < 0)
		return -1;
	*ret_status = status;
	return 0;
fail:
	if (pid > 0) {
		struct pod_err *e = NULL;
		if (pod_oci_delete(root, id, true, &e) < 0) {
			/* no usable state: end the init and its directory by hand */
			cleanup_free char *dir = state_dir(root, id);
			pod_err_free(&e);
			reap(pid);
			(void) pod_rt_rm_rf(dir);
		}
	}
	return -1;
}

/* --- exec -------------------------------------------------------------------- */

static bool
same_ns(pid_t pid, const char *name)
{
	char a[64], b[64];
	struct stat sa, sb;

	snprintf(a, sizeof(a), "/proc/%d/ns/%s", (int) pid, name);
	snprintf(b, sizeof(b), "/proc/self/ns/%s", name);
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return true; /* the kernel lacks it */
	return sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static int
parse_user(const char *u, struct pod_oci_process *p, struct pod_err **err)
{
	const char *colon = strchr(u, ':');
	cleanup_free char *us = xstrndup(u, colon ? (size_t) (colon - u) : strlen(u));
	int64_t uid, gid = 0;

	if (!pod_parse_int64(us, &uid) || uid < 0 || uid >= UINT32_MAX ||
	    (colon && (!pod_parse_int64(colon + 1, &gid) || gid < 0 || gid >= UINT32_MAX)))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid --user \"%s\": want UID[:GID]",
				   u);
	p->uid = (uint32_t) uid;
	p->gid = (uint32_t) gid;
	free(p->additional_gids);
	p->additional_gids = NULL;
	p->n_additional_gids = 0;
	return 0;
}

static int
exec_process(const struct pod_oci_spec *s, const struct pod_oci_exec_opts *o,
	     struct pod_oci_process **ret, struct pod_err **err)
{
	cleanup_(pod_oci_process_freep) struct pod_oci_process *p = NULL;

	if (o->process) {
		p = pod_oci_process_dup(o->process);
	} else {
		if (!o->args || !o->args[0])
			return pod_err_set(err, POD_E_INVALID, 0, "exec needs a command or --process");
		p = pod_oci_process_dup(s->process);
		pod_strv_free(p->args);
		p->args = xcalloc(pod_strv_len(o->args) + 1, sizeof(char *));
		for (size_t i = 0; o->args[i]; i++)
			p->args[i] = xstrdup(o->args[i]);
		p->terminal = o->tty;
		p->console_height = p->console_width = 0;
		if (o->cwd) {
			if (o->cwd[0] != '/')
				return pod_err_set(err, POD_E_INVALID, 0, "cwd %s is not absolute",
						   o->cwd);
			free(p->cwd);
			p->cwd = xstrdup(o->cwd);
		}
		for (size_t i = 0; o->env && o->env[i]; i++) {
			const char *eq = strchr(o->env[i], '=');
			size_t klen = eq ? (size_t) (eq - o->env[i]) : strlen(o->env[i]);
			bool replaced = false;

			for (size_t k = 0; p->env[k] && !replaced; k++)
				if (strncmp(p->env[k], o->env[i], klen) == 0 &&
				    p->env[k][klen] == '=') {
					free(p->env[k]);
					p->env[k] = xstrdup(o->env[i]);
					replaced = true;
				}
			if (!replaced)
				p->env = pod_strv_push(p->env, xstrdup(o->env[i]));
		}
		if (o->user && parse_user(o->user, p, err) < 0)
			return -1;
		for (size_t i = 0; o->caps && o->caps[i]; i++) {
			int c = pod_oci_cap_from_name(o->caps[i]);

			if (c < 0)
				return pod_err_set(err, POD_E_INVALID, 0, "unknown capability \"%s\"",
						   o->caps[i]);
			p->has_caps = true;
			for (int k = 0; k < POD_OCI_CAP__MAX; k++)
				p->caps[k] |= UINT64_C(1) << c;
		}
	}
	if (o->no_new_privs)
		p->no_new_privileges = true;
	*ret = TAKE_PTR(p);
	return 0;
}

int
pod_oci_exec(const char *root, const char *id, const struct pod_oci_exec_opts *o,
	     pid_t *ret_pid, int *ret_status, struct pod_err **err)
{
	static const int order[] = { CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET,
				     CLONE_NEWCGROUP, CLONE_NEWNS };
	cleanup_(pod_oci_state_freep) struct pod_oci_state *st = NULL;
	cleanup_(pod_oci_spec_freep) struct pod_oci_spec *s = NULL;
	cleanup_(pod_oci_process_freep) struct pod_oci_process *p = NULL;
	cleanup_close int root_fd = -1, pidns = -1, own_pidns = -1, console_fd = -1;
	cleanup_close int master = -1;
	struct pod_rt_init a = { .sync_fd = -1, .console_fd = -1, .exec_root_fd = -1 };
	cleanup_(pod_rt_bpf_release) struct pod_rt_bpf bpf = { 0 };
	cleanup_(pod_cgroup_freep) struct pod_cgroup *cg = NULL;
	bool v2_joined = false;
	struct pod_err *e = NULL;
	int nsfds[ARRAY_SIZE(a.exec_ns_fds)];
	int sync[2] = { -1, -1 }, pair[2] = { -1, -1 };
	size_t n = 0;
	int type = 0;
	bool proxy = false;
	pid_t pid = -1;
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(nsfds); i++)
		nsfds[i] = -1;
	if (pod_oci_state_get(root, id, &st, err) < 0)
		return -1;
	if (st->status == POD_OCI_PAUSED)
		return pod_err_set(err, POD_E_STATE, 0, "cannot exec in a paused container");
	if (st->status != POD_OCI_RUNNING && st->status != POD_OCI_CREATED)
		return pod_err_set(err, POD_E_STATE, 0, "cannot exec in a stopped container");
	if (load_config_copy(root, id, &s, err) < 0)
		return -1;
	if (exec_process(s, o, &p, err) < 0)
		return -1;
	if (s->seccomp && seccomp_ahead(root, s->seccomp, &bpf, err) < 0)
		return -1;
	if (p->terminal && !o->console_socket && o->console_fd < 0) {
		if (o->detach)
			return pod_err_set(err, POD_E_INVALID, 0, "cannot allocate a tty when "
								  "detaching without a console socket");
		proxy = true;
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
			return pod_err_sys(err, "socketpair");
		console_fd = pair[1];
		pair[1] = -1;
	} else if (console_for(p, o->console_socket, o->console_fd, &console_fd, err) < 0) {
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const char *name = pod_oci_ns_proc_name(order[i]);

		if (same_ns(st->pid, name))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int) st->pid, name);
		nsfds[n] = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfds[n] < 0) {
			pod_err_sys(err, "opening %s", path);
			goto fail;
		}
		n++;
	}
	snprintf(path, sizeof(path), "/proc/%d/root", (int) st->pid);
	root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		pod_err_sys(err, "opening %s", path);
		goto fail;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
		pod_err_sys(err, "socketpair");
		goto fail;
	}
	if (!same_ns(st->pid, "pid")) {
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int) st->pid);
		pidns = open(path, O_RDONLY | O_CLOEXEC);
		own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (pidns < 0 || own_pidns < 0 || setns(pidns, CLONE_NEWPID) < 0) {
			pod_err_sys(err, "joining the pid namespace of %s", id);
			goto fail;
		}
	}
	if (st->cgroups_path && pod_cgroup_load(st->cgroups_path, &cg, &e) < 0) {
		pod_rt_debug("exec: cgroup %s: %s", st->cgroups_path, e->msg);
		pod_err_free(&e);
	}
	pid = clone_in_cgroup(0, cg, &v2_joined);
	if (pid == 0) {
		a.spec = s;
		a.proc = p;
		a.exec_cgroup = cg;
		a.cgroup_v2_joined = v2_joined;
		a.sync_fd = sync[1];
		a.console_fd = console_fd;
		memcpy(a.exec_ns_fds, nsfds, sizeof(nsfds));
		a.exec_root_fd = root_fd;
		a.preserve_fds = o->preserve_fds;
		a.seccomp_bpf = &bpf;
		close(sync[0]);
		if (pair[0] >= 0)
			close(pair[0]);
		pod_rt_exec_main(&a);
	}
	if (own_pidns >= 0 && setns(own_pidns, CLONE_NEWPID) < 0) {
		pod_err_sys(err, "returning to our pid namespace");
		goto fail;
	}
	if (pid < 0) {
		pod_err_sys(err, "fork");
		goto fail;
	}
	close(sync[1]);
	sync[1] = -1;
	if (console_fd >= 0) {
		close(console_fd);
		console_fd = -1;
	}
	/* EOF: the close-on-exec socket went away with a successful exec */
	if (pod_rt_sync_recv(sync[0], &type, NULL, err) < 0)
		goto fail;
	close(sync[0]);
	sync[0] = -1;
	if (proxy && pod_rt_console_recv(pair[0], &master, err) < 0)
		goto fail;
	if (o->pid_file && write_pid_file(o->pid_file, pid, err) < 0)
		goto fail;
	close_fds(nsfds, n);
	if (pair[0] >= 0)
		close(pair[0]);
	if (ret_pid)
		*ret_pid = pid;
	if (o->detach) {
		*ret_status = 0;
		return 0;
	}
	return wait_for(pid, master, ret_status, err);
fail:
	close_fds(nsfds, n);
	close_fds(sync, 2);
	close_fds(pair, 2);
	reap(pid);
	return -1;
}
