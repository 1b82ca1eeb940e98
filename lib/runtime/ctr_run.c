/* ctr_run.c - create, start, kill, stop, cleanup, remove, rename and wait */
#include "core/fs.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "core/log.h"
#include "core/names.h"
#include "runtime/cgroup.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_exec.h"
#include "runtime/ctr_fs.h"
#include "runtime/ctr_net.h"
#include "runtime/ctr_ns.h"
#include "runtime/pod.h"
#include "runtime/oci.h"
#include "runtime/specgen.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_FILE_WAIT_NS (10LL * 1000000000)
#define SYNC_TIMEOUT_MS (5 * 60 * 1000)

static bool
is_active(enum pod_ctr_state s)
{
	return s == POD_CTR_RUNNING || s == POD_CTR_PAUSED || s == POD_CTR_STOPPING;
}

static void
sleep_ns(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* waits until pid is gone or timeout_ns passes (< 0: forever); true when gone */
static bool
wait_pid_gone(pid_t pid, uint64_t start_time, int64_t timeout_ns)
{
	int64_t deadline = timeout_ns < 0 ? INT64_MAX : pod_mono_ns() + timeout_ns;
	cleanup_close int pfd = (int) syscall(SYS_pidfd_open, pid, 0);

	for (;;) {
		uint64_t st = pod_ctr_proc_start_time(pid);
		int64_t left;
		if (!st || (start_time && st != start_time))
			return true;
		left = deadline - pod_mono_ns();
		if (left <= 0)
			return false;
		if (pfd >= 0) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };
			int ms = left > 100000000 ? 100 : (int) (left / 1000000) + 1;
			/* a zombie child of the monitor reads as exited through the pidfd */
			(void) poll(&p, 1, ms);
		} else {
			sleep_ns(left > 10000000 ? 10000000 : left);
		}
	}
}

/* the `run --rm` recorded at create as the one that cleans up (no runner: false) */
static bool
runner_of(const struct pod_ctr *c, int64_t *ret_pid, uint64_t *ret_start)
{
	json_t *p = json_object_get(c->data, "RunnerPid");
	json_t *st = json_object_get(c->data, "RunnerStartTime");

	if (!json_is_integer(p))
		return false;
	*ret_pid = json_integer_value(p);
	*ret_start = json_is_integer(st) ? (uint64_t) json_integer_value(st) : 0;
	return true;
}

static uint64_t
pid_start_of(const struct pod_ctr *c)
{
	json_t *st = json_object_get(c->data, "PidStartTime");
	return json_is_integer(st) ? (uint64_t) json_integer_value(st) : 0;
}

/* --- create ------------------------------------------------------------ */

static bool
valid_name(const char *n)
{
	if (!*n || !((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') ||
		     (n[0] >= '0' && n[0] <= '9')))
		return false;
	for (const char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

static int
name_owner(struct pod_engine *e, const char *name, char **ret_id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(e->store, "SELECT id FROM containers WHERE name = ?", err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*ret_id = xstrdup((const char *) sqlite3_column_text(st, 0));
		return 1;
	}
	return 0;
}

static int
name_in_use(const char *name, const char *owner, struct pod_err **err)
{
	return pod_err_set(err, POD_E_EXISTS, 0,
			   "creating container storage: the container name \"%s\" is already in "
			   "use by %s. You have to remove that container to be able to reuse that "
			   "name: that name is already in use",
			   name, owner);
}

static int
stop_signal_of(json_t *image_config)
{
	const char *s = json_string_value(json_object_get(image_config, "StopSignal"));
	struct pod_err *e = NULL;
	int sig;

	if (!s || !*s)
		return 0;
	if (pod_oci_parse_signal(s, &sig, &e) < 0) {
		pod_err_free(&e);
		return 0;
	}
	return sig;
}

int
pod_ctr_create(struct pod_engine *e, json_t *settings, struct pod_ctr **ret,
	       struct pod_err **err)
{
	cleanup_(pod_ctr_image_freep) struct pod_ctr_image *img = NULL;
	cleanup_json json_t *s = json_deep_copy(settings);
	cleanup_json json_t *data = NULL, *vols = NULL;
	cleanup_free char *name = NULL, *owner = NULL, *dir = NULL, *bundle = NULL, *text = NULL;
	cleanup_stmt sqlite3_stmt *st = NULL;
	json_t *imgconf;
	char id[POD_ID_LEN + 1];
	int64_t now = pod_now_ns();
	int r;

	if (pod_specgen_settings_check(s, err) < 0 || pod_pod_ctr_settings(e, s, err) < 0)
		return -1;
	if (pod_ctr_image_lookup(e, json_string_value(json_object_get(s, "Image")), &img, err) < 0)
		return -1;
	imgconf = json_object_get(img->config, "config");
	if (pod_ctr_net_check(e, s, imgconf, err) < 0)
		return -1;
	if (!json_object_get(s, "StopSignal") && stop_signal_of(imgconf))
		json_object_set_new(s, "StopSignal", json_integer(stop_signal_of(imgconf)));

	if (json_is_string(json_object_get(s, "Name"))) {
		name = xstrdup(json_string_value(json_object_get(s, "Name")));
		if (!valid_name(name))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid "
					   "argument");
		r = name_owner(e, name, &owner, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return name_in_use(name, owner, err);
	} else {
		for (int tries = 0; tries < 100; tries++) {
			free(name);
			free(owner);
			owner = NULL;
			name = pod_name_random();
			r = name_owner(e, name, &owner, err);
			if (r < 0)
				return -1;
			if (r == 0)
				break;
		}
	}
	json_object_del(s, "Name");
	pod_id_new(id);
	if (pod_ctr_requires_resolve(e, s, err) < 0 || pod_ctr_ns_resolve(e, s, err) < 0)
		return -1;
	if (pod_ctr_volumes_prepare(e, s, imgconf, &vols, err) < 0)
		return -1;

	dir = pod_ctr_dir(e, id);
	bundle = pod_ctr_bundle(e, id);
	if (pod_mkdir_p(bundle, 0700, err) < 0)
		goto fail_dir;
	if (STREQ(e->storage_driver, "vfs")) {
		cleanup_free char *rootfs = pod_path_join(dir, "rootfs");
		if (pod_ctr_vfs_copy(img->layer_dirs, rootfs, err) < 0)
			goto fail_dir;
	}

	data = json_object();
	json_object_set(data, "Settings", s);
	json_object_set_new(data, "ImageName", pod_json_string(img->name));
	json_object_set_new(data, "ImageConfig", imgconf ? json_incref(imgconf) : json_object());
	json_object_set_new(data, "Driver", json_string(e->storage_driver));
	json_object_set_new(data, "OCIRuntime",
			    json_string(json_is_string(json_object_get(s, "Runtime")) ?
						json_string_value(json_object_get(s, "Runtime")) :
						e->runtime));
	json_object_set_new(data, "RestartCount", json_integer(0));
	json_object_set(data, "VolumeMounts", vols);
	if (e->create_as_runner) {
		/* in the row from the start: no transaction of its own */
		json_object_set_new(data, "RunnerPid", json_integer(getpid()));
		json_object_set_new(data, "RunnerStartTime",
				    json_integer((json_int_t) pod_ctr_proc_start_time(getpid())));
	}
	text = json_dumps(data, JSON_COMPACT);

	if (pod_store_begin(e->store, true, err) < 0)
		goto fail_dir;
	st = pod_store_prepare(e->store,
			       "INSERT INTO containers (id, name, image_id, state, created, data, "
			       "pod_id) VALUES (?, ?, ?, 'created', ?, ?, ?)",
			       err);
	if (!st)
		goto fail_tx;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, img->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	if (json_is_string(json_object_get(s, "Pod")))
		sqlite3_bind_text(st, 6, json_string_value(json_object_get(s, "Pod")), -1,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(pod_store_db(e->store)) ==
		    SQLITE_CONSTRAINT_UNIQUE) {
			struct pod_err *e2 = NULL;
			pod_stmt_finalizep(&st);
			if (name_owner(e, name, &owner, &e2) > 0)
				name_in_use(name, owner, err);
			else
				name_in_use(name, "another container", err);
			pod_err_free(&e2);
			goto fail_tx;
		}
		pod_store_sqlite_err(e->store, err, "creating container %s", id);
		goto fail_tx;
	}
	pod_stmt_finalizep(&st);
	if (pod_ctr_volumes_add_users(e, vols, id, err) < 0)
		goto fail_tx;
	if (pod_store_commit(e->store, err) < 0)
		goto fail_tx;
	if (pod_ctr_load(e, id, ret, err) < 0)
		return -1;
	pod_ctr_event(e, *ret, "create", 0);
	return 0;

fail_tx:
	pod_store_rollback(e->store);
fail_dir:
	{
		struct pod_err *e2 = NULL;
		if (pod_rm_rf(dir, &e2) < 0)
			pod_err_free(&e2);
	}
	pod_ctr_volumes_discard(e, vols);
	return -1;
}

/* --- start ------------------------------------------------------------- */

/* the init is bound into images that have no dynamic loader: it must be static */
static int
check_static(const char *path, struct pod_err **err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;

	if (fd < 0)
		return pod_err_sys(err, "container init %s", path);
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t) sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
		return 0; /* not ELF64: a script or another format, the kernel decides */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t) (eh.e_phoff + i * eh.e_phentsize)) !=
		    (ssize_t) sizeof(ph))
			break;
		if (ph.p_type == PT_INTERP)
			return pod_err_set(err, POD_E_GENERIC, 0,
					   "container init %s is dynamically linked and cannot run "
					   "inside the container: use a static build (--init-path)",
					   path);
	}
	return 0;
}

static char *
runtime_root(struct pod_engine *e, const char *runtime)
{
	const char *base = strrchr(runtime, '/');
	return xasprintf("%s/%s", e->runroot, base ? base + 1 : runtime);
}

static void
remove_in(const char *dir, const char *name)
{
	cleanup_free char *p = pod_path_join(dir, name);
	(void) unlink(p);
}

/*
 * A container attached to the caller's terminal starts with that terminal's
 * size, so a process that asks at once (stty size) does not race the first
 * resize request.
 */
static void
set_console_size(json_t *spec)
{
	struct winsize ws;
	json_t *process = json_object_get(spec, "process");

	if (!process || !json_is_true(json_object_get(process, "terminal")) ||
	    !isatty(STDIN_FILENO) || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0)
		return;
	json_object_set_new(process, "consoleSize",
			    json_pack("{s:i,s:i}", "height", (int) ws.ws_row, "width",
				      (int) ws.ws_col));
}

/* connects to the monitor's attach socket before the container starts */
static int
attach_early(const char *rundir, int sync_fd, struct pod_err **err)
{
	int64_t deadline = pod_mono_ns() + 10LL * 1000000000;

	for (;;) {
		struct pod_err *e = NULL;
		struct pollfd p = { .fd = sync_fd, .events = POLLIN };
		int fd = pod_monitor_attach_connect(rundir, &e);
		if (fd >= 0)
			return fd;
		pod_err_free(&e);
		/* the monitor reported (a failure) without ever listening; else it
		 * is still setting up, a fraction of a millisecond */
		if (ppoll(&p, 1, &(struct timespec){ 0, 100 * 1000 }, NULL) > 0)
			return -1;
		if (pod_mono_ns() > deadline)
			return pod_err_set(err, POD_E_GENERIC, ETIMEDOUT,
					   "timed out waiting for the monitor's attach socket");
	}
}

/* a monitor spawned early and never told to go leaves having created nothing */
static void
early_release(struct pod_monitor_early *s)
{
	if (s->go_fd >= 0 || s->mid > 0)
		pod_monitor_spawn_abort(s);
}

int
pod_ctr_start_locked(struct pod_engine *e, struct pod_ctr *c, int *attach_fd_ret,
		 struct pod_err **err)
{
	cleanup_free char *rundir = pod_ctr_rundir(e, c->id);
	cleanup_free char *bundle = pod_ctr_bundle(e, c->id);
	cleanup_free char *rootfs = pod_ctr_rootfs(e, c);
	cleanup_free char *cgpath = pod_ctr_cgroups_path(c);
	cleanup_free char *logpath = pod_ctr_log_path(e, c);
	cleanup_free char *init_path = NULL, *rt_path = NULL, *rt_root = NULL;
	cleanup_free char *exit_dir = NULL, *conmon_pid = NULL, *ctr_pid = NULL;
	cleanup_free char *cleanup_tool = NULL, *monitor_log = NULL, *cfg_path = NULL;
	cleanup_free char *cfg_text = NULL;
	cleanup_json json_t *spec = NULL, *vol_mounts = NULL;
	cleanup_strv char **exit_args = NULL, **health_args = NULL;
	cleanup_free char *health_tool = NULL, *shm_path = NULL;
	cleanup_close int sync_fd = -1;
	cleanup_close int attach_fd = -1;
	const char *runtime = pod_ctr_str(c, "OCIRuntime");
	const char *log_driver = pod_ctr_setting_str(c, "LogDriver");
	struct pod_monitor_opts mo = { 0 };
	__attribute__((cleanup(early_release))) struct pod_monitor_early early = {
		.mid = -1, .status_fd = -1, .sync_fd = -1, .go_fd = -1
	};
	struct pod_specgen_ctx sc = { 0 };
	__attribute__((cleanup(pod_ctr_net_release))) struct pod_ctr_net net = { 0 };
	__attribute__((cleanup(pod_ctr_ns_release))) struct pod_ctr_ns ns = { 0 };
	struct pod_err *e2 = NULL;
	pid_t monitor = -1, pid = -1;
	int cgv;

	if (is_active(c->state) && pod_ctr_process_alive(c))
		return 0;
	if (c->state == POD_CTR_REMOVING)
		return pod_err_set(err, POD_E_STATE, 0, "container %s is being removed: container "
				   "state improper", c->id);
	if (!runtime || !*runtime)
		runtime = e->runtime;
	rt_path = pod_engine_runtime_path(e, runtime, err);
	if (!rt_path)
		return -1;
	rt_root = runtime_root(e, runtime);
	cgv = pod_cgroup_version(&e2);
	if (cgv <= 0) {
		pod_err_free(&e2);
		cgv = 1;
	}
	if (pod_mkdir_p(rundir, 0700, err) < 0)
		return -1;
	remove_in(rundir, "exit.json");
	remove_in(rundir, "conmon.pid");
	remove_in(rundir, "pidfile");
	pod_ctr_exec_forget(e, c->id);
	json_object_del(c->data, "Health"); /* a container that starts again starts healthy-unknown */
	exit_dir = pod_path_join(e->runroot, "exits");
	if (pod_mkdir_p(exit_dir, 0700, err) < 0)
		return -1;
	remove_in(exit_dir, c->id);

	conmon_pid = pod_path_join(rundir, "conmon.pid");
	ctr_pid = pod_path_join(rundir, "pidfile");
	monitor_log = pod_path_join(rundir, "monitor.log");
	cleanup_tool = pod_engine_tool_path(e, "pod-container");
	exit_args = pod_strv_push(exit_args, xstrdup("cleanup"));
	exit_args = pod_strv_push(exit_args, xstrdup("--root"));
	exit_args = pod_strv_push(exit_args, xstrdup(e->root));
	exit_args = pod_strv_push(exit_args, xstrdup("--runroot"));
	exit_args = pod_strv_push(exit_args, xstrdup(e->runroot));
	if (e->log_level) {
		exit_args = pod_strv_push(exit_args, xstrdup("--log-level"));
		exit_args = pod_strv_push(exit_args, xstrdup(e->log_level));
	}
	exit_args = pod_strv_push(exit_args, xstrdup(c->id));

	mo.cid = c->id;
	mo.name = c->name;
	mo.bundle = bundle;
	mo.runtime = rt_path;
	mo.runtime_root = rt_root;
	mo.exit_dir = exit_dir;
	mo.persist_dir = rundir;
	mo.log_path = logpath;
	mo.log_driver = POD_MONITOR_LOG_K8S_FILE;
	if (log_driver && *log_driver &&
	    pod_monitor_log_driver_parse(log_driver, &mo.log_driver, err) < 0)
		return -1;
	mo.log_size_max = pod_ctr_setting_int(c, "LogSizeMax", 0);
	mo.socket_dir = rundir;
	mo.cgroup_path = cgpath;
	mo.terminal = pod_ctr_setting_bool(c, "Tty");
	mo.stdin_open = pod_ctr_setting_bool(c, "Interactive");
	mo.conmon_pidfile = conmon_pid;
	mo.container_pidfile = ctr_pid;
	mo.exit_command = cleanup_tool;
	mo.exit_command_args = exit_args;
	(void) runner_of(c, &mo.runner_pid, &mo.runner_start);
	mo.log_level = e->log_level;
	mo.monitor_log = monitor_log;
	{
		cleanup_json json_t *hc = pod_ctr_health_config(c);
		int64_t iv = hc ? json_integer_value(json_object_get(hc, "Interval")) : 0;
		if (iv > 0) {
			health_tool = pod_engine_tool_path(e, "pod-healthcheck");
			health_args = pod_strv_push(health_args, xstrdup("run"));
			for (size_t i = 1; exit_args[i]; i++) /* --root R --runroot RR ... ID */
				health_args = pod_strv_push(health_args, xstrdup(exit_args[i]));
			mo.health_interval_ms = iv / 1000000 > 0 ? iv / 1000000 : 1;
			mo.health_command = health_tool;
			mo.health_command_args = health_args;
		}
	}
	/*
	 * The monitor is started now and waits for its go: its exec and set-up
	 * run on another CPU while we mount the root and write the bundle.
	 */
	if (pod_monitor_spawn_early(&mo, &early, err) < 0)
		return -1;
	if (pod_ctr_rootfs_mount(e, c, err) < 0)
		return -1;
	if (pod_ctr_setting_bool(c, "Init")) {
		const char *ip = pod_ctr_setting_str(c, "InitPath");
		if ((!ip || !*ip) && e->conf && e->conf->init_path && *e->conf->init_path &&
		    access(e->conf->init_path, X_OK) == 0)
			ip = e->conf->init_path;
		init_path = ip && *ip ? xstrdup(ip) : pod_engine_tool_path(e, "pod-init");
		if (check_static(init_path, err) < 0)
			goto fail;
	}
	sc.id = c->id;
	sc.name = c->name;
	sc.settings = c->settings;
	sc.image_config = json_object_get(c->data, "ImageConfig");
	sc.image_name = pod_ctr_str(c, "ImageName");
	sc.image_id = c->image_id;
	sc.rootfs = rootfs;
	sc.rundir = rundir;
	sc.conf = e->conf;
	sc.init_path = init_path;
	sc.cgroups_path = cgpath;
	sc.cgroup_version = cgv;
	if (pod_ctr_volumes_mount(e, c, &vol_mounts, err) < 0)
		goto fail;
	sc.volume_mounts = vol_mounts;
	if (pod_ctr_net_setup(e, c, &net, err) < 0)
		goto fail;
	sc.netns_path = net.netns;
	sc.net_hosts = net.hosts;
	sc.net_nameservers = net.nameservers;
	if (pod_ctr_ns_setup(e, c, &ns, err) < 0)
		goto fail;
	sc.ns_join = ns.join;
	sc.net_rundir = ns.net_rundir;
	sc.uts_hostname = ns.hostname;
	if (pod_ctr_shm_mount(e, c, &shm_path, err) < 0)
		goto fail;
	sc.shm_path = shm_path ? shm_path : ns.shm_path;
	if (ns.net_rundir && pod_ctr_setting_str(c, "Pod") &&
	    pod_ctr_ns_hosts_add(ns.net_rundir, c->name, err) < 0)
		goto fail;
	if (pod_specgen_write_runfiles(&sc, err) < 0)
		goto fail;
	spec = pod_specgen_generate(&sc, err);
	if (!spec || pod_ctr_volumes_populate(e, c, rootfs, spec, err) < 0)
		goto fail;
	if (attach_fd_ret)
		set_console_size(spec);
	cfg_path = pod_path_join(bundle, "config.json");
	cfg_text = json_dumps(spec, JSON_COMPACT);
	/* written again at every start: no fsync */
	if (pod_write_file_replace(cfg_path, cfg_text, strlen(cfg_text), 0600, err) < 0)
		goto fail;

	if (pod_monitor_spawn_go(&early, &monitor, &sync_fd, err) < 0)
		goto fail;
	if (attach_fd_ret) {
		attach_fd = attach_early(rundir, sync_fd, err);
		if (attach_fd < 0 && *err)
			goto fail_monitor;
	}
	if (pod_monitor_wait_sync(sync_fd, SYNC_TIMEOUT_MS, &pid, err) < 0)
		goto fail_monitor;

	c->state = POD_CTR_RUNNING;
	c->pid = pid;
	c->started_ns = pod_now_ns();
	c->finished_ns = 0;
	c->has_exit_code = false;
	c->exit_code = 0;
	json_object_set_new(c->data, "MonitorPid", json_integer(monitor));
	json_object_set_new(c->data, "MonitorStartTime",
			    json_integer((json_int_t) pod_ctr_proc_start_time(monitor)));
	json_object_set_new(c->data, "PidStartTime",
			    json_integer((json_int_t) pod_ctr_proc_start_time(pid)));
	json_object_set_new(c->data, "OOMKilled", json_false());
	json_object_set_new(c->data, "StoppedByUser", json_false());
	json_object_set_new(c->data, "RuntimeRoot", json_string(rt_root));
	json_object_set_new(c->data, "RuntimePath", json_string(rt_path));
	json_object_set_new(c->data, "CgroupsPath", cgpath ? json_string(cgpath) : json_null());
	json_object_set_new(c->data, "Error", json_string(""));
	if (pod_ctr_save(e, c, err) < 0) {
		/* the container runs but its row cannot say so: stop it */
		kill(pid, SIGKILL);
		return -1;
	}
	/* under the lock: the exit's "died" (cleanup takes the lock) comes after */
	pod_ctr_event(e, c, "init", 0);
	pod_ctr_event(e, c, "start", 0);
	if (attach_fd_ret) {
		/* without a socket, pod_ctr_attach() connects and says it */
		if (attach_fd >= 0)
			pod_ctr_event(e, c, "attach", 0);
		*attach_fd_ret = TAKE_FD(attach_fd);
	}
	return 0;

fail_monitor:
	/* the monitor has deleted what the runtime made; make sure it is gone */
	if (monitor > 0 && pod_ctr_proc_start_time(monitor))
		(void) wait_pid_gone(monitor, 0, 2LL * 1000000000);
fail:
	{
		struct pod_err *u = NULL;
		pod_ctr_shm_unmount(e, c);
		if (pod_ctr_net_teardown(e, c, &u) < 0)
			pod_err_free(&u);
		if (pod_ctr_mount_count(e, c) == 0 && pod_ctr_rootfs_unmount(e, c, &u) < 0)
			pod_err_free(&u);
		(void) pod_ctr_volumes_unmount(e, c);
		if (cgpath) {
			struct pod_cgroup *cg = NULL;
			if (pod_cgroup_load(cgpath, &cg, &u) == 0) {
				if (pod_cgroup_destroy(cg, &u) < 0)
					pod_err_free(&u);
				pod_cgroup_free(cg);
			} else {
				pod_err_free(&u);
			}
		}
		if (*err) {
			json_object_set_new(c->data, "Error", pod_json_string((*err)->msg));
			if (pod_ctr_save(e, c, &u) < 0)
				pod_err_free(&u);
		}
	}
	return -1;
}

int
pod_ctr_start(struct pod_engine *e, struct pod_ctr *c, int *attach_fd_ret, struct pod_err **err)
{
	cleanup_close int lock = -1;

	if (pod_ctr_start_requirements(e, c, err) < 0)
		return -1;
	lock = pod_ctr_lock(e, c->id, err);
	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (is_active(c->state) && !pod_ctr_process_alive(c) && pod_ctr_cleanup_locked(e, c, err) < 0)
		return -1;
	return pod_ctr_start_locked(e, c, attach_fd_ret, err);
}

/* --- kill / stop --------------------------------------------------------- */

int
pod_ctr_kill(struct pod_engine *e, struct pod_ctr *c, int sig, struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (!is_active(c->state) || !pod_ctr_process_alive(c))
		return pod_err_set(err, POD_E_STATE, 0,
				   "can only kill running containers. %s is in state %s: container "
				   "state improper",
				   c->id, pod_ctr_state_name(is_active(c->state) ?
							     POD_CTR_EXITED : c->state));
	if (sig == SIGKILL || sig == SIGTERM || sig == SIGINT) {
		json_object_set_new(c->data, "StoppedByUser", json_true());
		if (pod_ctr_save(e, c, err) < 0)
			return -1;
	}
	if (kill(c->pid, sig) < 0 && errno != ESRCH)
		return pod_err_sys(err, "sending signal %d to container %s", sig, c->id);
	pod_ctr_event(e, c, "kill", 0);
	/* a frozen process dies only once thawed */
	if (sig == SIGKILL && c->state == POD_CTR_PAUSED)
		return pod_ctr_thaw_locked(e, c, err);
	return 0;
}

int
pod_ctr_stop(struct pod_engine *e, struct pod_ctr *c, int64_t timeout, struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);
	int sig;

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (!is_active(c->state))
		return 0;
	if (timeout < 0)
		timeout = pod_ctr_setting_int(c, "StopTimeout", e->conf ? e->conf->stop_timeout : 10);
	sig = (int) pod_ctr_setting_int(c, "StopSignal", SIGTERM);
	if (sig <= 0)
		sig = SIGTERM;
	if (pod_ctr_process_alive(c)) {
		json_object_set_new(c->data, "StoppedByUser", json_true());
		if (pod_ctr_save(e, c, err) < 0)
			return -1;
		if (c->state == POD_CTR_PAUSED) {
			struct pod_err *e2 = NULL;
			if (pod_ctr_thaw_locked(e, c, &e2) < 0)
				pod_err_free(&e2);
		}
		if (timeout > 0) {
			(void) kill(c->pid, sig);
			if (!wait_pid_gone(c->pid, pid_start_of(c), timeout * 1000000000)) {
				char signame[32];
				const char *abbrev = sigabbrev_np(sig);
				snprintf(signame, sizeof(signame), "SIG%s", abbrev ? abbrev : "TERM");
				pod_warn("StopSignal %s failed to stop container %s in %" PRId64
					 " seconds, resorting to SIGKILL", signame, c->name, timeout);
			}
		}
		if (pod_ctr_process_alive(c)) {
			(void) kill(c->pid, SIGKILL);
			if (!wait_pid_gone(c->pid, pid_start_of(c), 30LL * 1000000000))
				return pod_err_set(err, POD_E_GENERIC, 0,
						   "given PID did not die within timeout");
		}
	}
	return pod_ctr_cleanup_locked(e, c, err);
}

/* --- cleanup ------------------------------------------------------------- */

static int
run_quiet(char **argv)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * What a dead monitor left behind in the runtime's state. True when our own
 * runtime deleted it in-process, cgroup included.
 */
static bool
runtime_delete(struct pod_engine *e, struct pod_ctr *c)
{
	const char *rt_root = pod_ctr_str(c, "RuntimeRoot");
	const char *rt_path = pod_ctr_str(c, "RuntimePath");
	cleanup_free char *state_dir = NULL;

	if (!rt_root || !rt_path)
		return false;
	state_dir = pod_path_join(rt_root, c->id);
	if (access(state_dir, F_OK) < 0)
		return false;
	if (pod_str_has_suffix(rt_path, "/pod-oci")) {
		struct pod_err *e2 = NULL;
		if (pod_oci_delete(rt_root, c->id, true, &e2) < 0) {
			pod_debug("deleting %s from the runtime: %s", c->id, e2->msg);
			pod_err_free(&e2);
			return false;
		}
		return true;
	}
	char *argv[] = { (char *) rt_path, (char *) "--root", (char *) rt_root, (char *) "delete",
			 (char *) "--force", c->id, NULL };
	(void) run_quiet(argv);
	(void) e;
	return false;
}

static bool
should_restart(struct pod_ctr *c)
{
	const char *policy = pod_ctr_setting_str(c, "RestartPolicy");
	int64_t max = pod_ctr_setting_int(c, "RestartRetries", 0);
	json_t *cnt = json_object_get(c->data, "RestartCount");
	int64_t count = json_is_integer(cnt) ? (int64_t) json_integer_value(cnt) : 0;

	if (!policy || !*policy || STREQ(policy, "no"))
		return false;
	if (json_is_true(json_object_get(c->data, "StoppedByUser")))
		return false;
	if (STREQ(policy, "always") || STREQ(policy, "unless-stopped"))
		return true;
	if (STREQ(policy, "on-failure"))
		return c->exit_code != 0 && (max <= 0 || count < max);
	return false;
}

static bool
runner_alive(const struct pod_ctr *c)
{
	int64_t pid;
	uint64_t start, now;

	if (!runner_of(c, &pid, &start))
		return false;
	now = pod_ctr_proc_start_time((pid_t) pid);
	return now && (!start || start == now);
}

/* set while rm stops a running container: its cleanup is part of the removal */
static bool removing;
/*
 * set while restart stops one: Podman's restart goes from "died" straight
 * to "init" (its stop is no Cleanup(), and the exit command that would
 * write "cleanup" mostly finds the container running again), and a pod's
 * exit policy does not see a member that is only restarting
 */
static bool restarting;

int
pod_ctr_cleanup_locked(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	cleanup_free char *rundir = pod_ctr_rundir(e, c->id);
	cleanup_free char *cgpath = NULL;
	const char *cgp = pod_ctr_str(c, "CgroupsPath");
	struct pod_err *e2 = NULL;
	bool transition = false, rt_left = false, cg_gone = false;

	if (is_active(c->state)) {
		struct pod_monitor_exit x = { 0 };
		bool got = false;
		int64_t deadline = pod_mono_ns() + EXIT_FILE_WAIT_NS;

		if (pod_ctr_process_alive(c))
			return 0;
		for (;;) {
			if (pod_monitor_read_exit(rundir, &x, &e2) == 0) {
				got = true;
				break;
			}
			pod_err_free(&e2);
			if (!pod_ctr_monitor_alive(c) || pod_mono_ns() > deadline)
				break;
			sleep_ns(2000000);
		}
		c->has_exit_code = true;
		if (got) {
			rt_left = x.runtime_left;
			c->exit_code = x.exit_code;
			c->finished_ns = x.finished_ns;
			json_object_set_new(c->data, "OOMKilled", json_boolean(x.oom_killed));
		} else {
			/* the monitor died with it: nobody saw how it ended */
			c->exit_code = -1;
			c->finished_ns = pod_now_ns();
			pod_debug("container %s: no exit file, the monitor is gone", c->id);
		}
		c->state = POD_CTR_EXITED;
		c->pid = 0;
		transition = true;
		pod_ctr_event(e, c, "died", c->exit_code);
	}
	if (rt_left || !pod_ctr_monitor_alive(c))
		cg_gone = runtime_delete(e, c);
	if (pod_ctr_net_teardown(e, c, &e2) < 0) {
		pod_warn("tearing down the network of %s: %s", c->id, e2->msg);
		pod_err_free(&e2);
	}
	pod_ctr_shm_unmount(e, c);
	/* `podman mount` holds it (ctr_fs.c) */
	if (pod_ctr_mount_count(e, c) == 0 && pod_ctr_rootfs_unmount(e, c, err) < 0)
		return -1;
	if (pod_ctr_volumes_unmount(e, c) && !transition && pod_ctr_save(e, c, err) < 0)
		return -1;
	/* the runtime's (our pod-oci's delete removed it with the same path) */
	if (cgp && *cgp && !cg_gone) {
		struct pod_cgroup *cg = NULL;
		cgpath = xstrdup(cgp);
		if (pod_cgroup_load(cgpath, &cg, &e2) == 0) {
			if (pod_cgroup_destroy(cg, &e2) < 0) {
				pod_warn("removing the cgroup of %s: %s", c->id, e2->msg);
				pod_err_free(&e2);
			}
			pod_cgroup_free(cg);
		} else {
			pod_err_free(&e2);
		}
	}
	if (!transition)
		return 0;
	json_object_del(c->data, "MonitorPid");
	json_object_del(c->data, "MonitorStartTime");
	json_object_del(c->data, "PidStartTime");
	if (pod_ctr_save(e, c, err) < 0)
		return -1;
	/* like Podman, a container being removed goes from "died" to "remove" */
	if (!pod_ctr_setting_bool(c, "Rm") && !removing && !restarting)
		pod_ctr_event(e, c, "cleanup", 0);
	if (should_restart(c)) {
		json_t *cnt = json_object_get(c->data, "RestartCount");
		json_object_set_new(c->data, "RestartCount",
				    json_integer((json_is_integer(cnt) ? json_integer_value(cnt) : 0) +
						 1));
		if (pod_ctr_save(e, c, err) < 0)
			return -1;
		if (pod_ctr_start_locked(e, c, NULL, &e2) < 0) {
			pod_warn("restarting container %s: %s", c->id, e2->msg);
			pod_err_free(&e2);
		}
		return 0;
	}
	if (!restarting)
		pod_pod_member_exited(e, c);
	if (pod_ctr_setting_bool(c, "Rm") && !runner_alive(c))
		return pod_ctr_remove_locked(e, c, err);
	return 0;
}

int
pod_ctr_cleanup(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	return pod_ctr_cleanup_locked(e, c, err);
}

/* --- remove, rename ------------------------------------------------------ */

/*
 * The row is gone, so the container's directory in the root is garbage:
 * renamed into ROOT/trash it is out of every listing at once, and a child
 * removes it while we return. Removing a directory waits for the disk on a
 * filesystem that discards freed blocks (about 60 us each, and a container
 * has eight). The child also takes whatever an interrupted removal left in
 * the trash. It holds no descriptor of ours: not the caller's stdout (a
 * `$(podman run --rm ...)` would wait for it), nor a lock.
 */
/* removes what is in the trash, keeping the directory for the next one */
static int
empty_trash(const char *trash)
{
	DIR *d = opendir(trash);
	struct dirent *de;
	int rc = 0;

	while (d && (de = readdir(d))) {
		cleanup_free char *p = NULL;
		struct pod_err *e = NULL;

		if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", trash, de->d_name);
		if (pod_rm_rf(p, &e) < 0) {
			pod_err_free(&e);
			rc = 1;
		}
	}
	if (d)
		closedir(d);
	return rc;
}

static void
remove_dir_later(struct pod_engine *e, const char *dir, const char *id)
{
	cleanup_free char *trash = xasprintf("%s/trash", e->root);
	cleanup_free char *to = xasprintf("%s/%s", trash, id);
	struct pod_err *e2 = NULL;
	pid_t pid;

	if ((mkdir(trash, 0700) < 0 && errno != EEXIST) || rename(dir, to) < 0) {
		if (errno != ENOENT)
			pod_debug("removing %s now: %s", dir, pod_strerror(errno));
		if (pod_rm_rf(dir, &e2) < 0) {
			pod_warn("removing %s: %s", dir, e2->msg);
			pod_err_free(&e2);
		}
		return;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(1);
		(void) syscall(SYS_close_range, 3, ~0U, 0);
		(void) setsid();
		_exit(empty_trash(trash));
	}
	if (pid < 0 && pod_rm_rf(to, &e2) < 0) {
		pod_warn("removing %s: %s", to, e2->msg);
		pod_err_free(&e2);
	}
}

int
pod_ctr_remove_locked(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	cleanup_free char *dir = pod_ctr_dir(e, c->id);
	cleanup_free char *rundir = pod_ctr_rundir(e, c->id);
	cleanup_free char *exit_file = xasprintf("%s/exits/%s", e->runroot, c->id);
	cleanup_stmt sqlite3_stmt *st = NULL;
	struct pod_err *e2 = NULL;

	if (pod_ctr_net_teardown(e, c, err) < 0)
		return -1;
	if (pod_ctr_rootfs_unmount(e, c, err) < 0)
		return -1;
	if (pod_store_begin(e->store, true, err) < 0)
		return -1;
	st = pod_store_prepare(e->store, "DELETE FROM containers WHERE id = ?", err);
	if (!st) {
		pod_store_rollback(e->store);
		return -1;
	}
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		pod_store_sqlite_err(e->store, err, "removing container %s", c->id);
		pod_store_rollback(e->store);
		return -1;
	}
	pod_stmt_finalizep(&st);
	if (pod_store_commit(e->store, err) < 0)
		return -1;
	c->state = POD_CTR_REMOVING;
	pod_ctr_event(e, c, "remove", 0);
	if (pod_ctr_setting_bool(c, "Rm") && pod_ctr_remove_volumes(e, c, &e2) < 0) {
		pod_warn("removing the anonymous volumes of %s: %s", c->id, e2->msg);
		pod_err_free(&e2);
	}
	/* the row is gone: what is left on disk is garbage, never a dangling row */
	remove_dir_later(e, dir, c->id);
	if (pod_rm_rf(rundir, &e2) < 0) {
		pod_warn("removing %s: %s", rundir, e2->msg);
		pod_err_free(&e2);
	}
	(void) unlink(exit_file);
	return 0;
}

int
pod_ctr_remove(struct pod_engine *e, struct pod_ctr *c, bool force, int64_t timeout,
	       struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);
	int r;

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (is_active(c->state) && !pod_ctr_process_alive(c) && pod_ctr_cleanup_locked(e, c, err) < 0)
		return -1;
	if (c->state == POD_CTR_REMOVING)
		return 0;
	if (pod_pod_check_not_infra(e, c, err) < 0 || pod_ctr_check_no_dependents(e, c, err) < 0)
		return -1;
	if (is_active(c->state)) {
		if (!force)
			return pod_err_set(err, POD_E_STATE, 0,
					   "cannot remove container %s as it is %s - running or "
					   "paused containers cannot be removed without force: "
					   "container state improper",
					   c->id, pod_ctr_state_name(c->state));
		/* stop without the --rm/restart follow-ups: we remove it ourselves */
		json_object_set_new(c->data, "StoppedByUser", json_true());
		json_object_set_new(c->settings, "Rm", json_false());
		/* its exec sessions go with it: as in Podman, no "exec_died" for them
		 * (a detached session's supervisor writes none once its file is gone) */
		pod_ctr_exec_forget(e, c->id);
		close(TAKE_FD(lock));
		if (pod_ctr_save(e, c, err) < 0)
			return -1;
		removing = true;
		r = pod_ctr_stop(e, c, timeout, err);
		removing = false;
		if (r < 0)
			return -1;
		lock = pod_ctr_lock(e, c->id, err);
		if (lock < 0)
			return -1;
		if (pod_ctr_reload(e, c, err) < 0)
			return -1;
	}
	return pod_ctr_remove_locked(e, c, err);
}

int
pod_ctr_restart(struct pod_engine *e, struct pod_ctr *c, int64_t timeout, struct pod_err **err)
{
	int r;

	pod_ctr_event(e, c, "restart", 0);
	restarting = true;
	r = pod_ctr_stop(e, c, timeout, err);
	restarting = false;
	if (r < 0)
		return -1;
	return pod_ctr_start(e, c, NULL, err);
}

int
pod_ctr_rename(struct pod_engine *e, struct pod_ctr *c, const char *new_name,
	       struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);
	cleanup_free char *owner = NULL;
	int r;

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	if (!valid_name(new_name))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	r = name_owner(e, new_name, &owner, err);
	if (r < 0)
		return -1;
	if (r > 0 && STREQ(owner, c->id))
		return 0;
	if (r > 0)
		return pod_err_set(err, POD_E_EXISTS, 0, "name \"%s\" is in use: container already "
				   "exists", new_name);
	free(c->name);
	c->name = xstrdup(new_name);
	if (pod_ctr_save(e, c, err) < 0)
		return -1;
	pod_ctr_event(e, c, "rename", 0);
	return 0;
}

/* --- wait ---------------------------------------------------------------- */

int
pod_ctr_wait(struct pod_engine *e, const char *id, const enum pod_ctr_state *conditions,
	     size_t n_conditions, int64_t interval_ns, int *ret_code, struct pod_err **err)
{
	if (interval_ns <= 0)
		interval_ns = 250000000;
	for (;;) {
		cleanup_ctr struct pod_ctr *c = NULL;
		bool match = false;

		if (pod_ctr_load(e, id, &c, err) < 0 || pod_ctr_sync(e, c, err) < 0)
			return -1;
		if (n_conditions == 0) {
			match = !is_active(c->state);
		} else {
			for (size_t i = 0; i < n_conditions; i++) {
				enum pod_ctr_state want = conditions[i];
				if (c->state == want ||
				    ((want == POD_CTR_STOPPED || want == POD_CTR_EXITED) &&
				     (c->state == POD_CTR_EXITED || c->state == POD_CTR_STOPPED)))
					match = true;
			}
		}
		if (match) {
			*ret_code = c->has_exit_code ? c->exit_code : -1;
			if (!c->has_exit_code && n_conditions == 0)
				*ret_code = 0;
			return 0;
		}
		if (is_active(c->state) && c->pid > 0)
			(void) wait_pid_gone(c->pid, pid_start_of(c), interval_ns);
		else
			sleep_ns(interval_ns);
	}
}

/* --- status ---------------------------------------------------------------- */

char *
pod_ctr_status_text(const struct pod_ctr *c, int64_t now_ns)
{
	cleanup_free char *ago = NULL;

	switch (c->state) {
	case POD_CTR_RUNNING: {
		const char *h = pod_ctr_health_status(c);
		ago = pod_human_ago(c->started_ns, now_ns);
		return *h ? xasprintf("Up %s (%s)", ago, h) : xasprintf("Up %s", ago);
	}
	case POD_CTR_PAUSED:
		return xstrdup("Paused");
	case POD_CTR_CREATED:
	case POD_CTR_CONFIGURED:
		return xstrdup("Created");
	case POD_CTR_STOPPING:
		return xstrdup("Stopping");
	case POD_CTR_REMOVING:
		return xstrdup("Removing");
	case POD_CTR_EXITED:
	case POD_CTR_STOPPED:
		ago = pod_human_ago(c->finished_ns, now_ns);
		return xasprintf("Exited (%d) %s", c->exit_code, ago);
	default:
		return xstrdup("Unknown");
	}
}
