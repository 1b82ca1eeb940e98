/* ctr.c - the engine handle, container rows, locks and the truthful-state check */
#include "runtime/ctr.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/lock.h"
#include "core/log.h"
#include "runtime/ctr-internal.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const state_names[] = {
	[POD_CTR_CONFIGURED] = "configured", [POD_CTR_CREATED] = "created",
	[POD_CTR_RUNNING] = "running",	     [POD_CTR_PAUSED] = "paused",
	[POD_CTR_STOPPING] = "stopping",     [POD_CTR_STOPPED] = "stopped",
	[POD_CTR_EXITED] = "exited",	     [POD_CTR_REMOVING] = "removing",
	[POD_CTR_UNKNOWN] = "unknown",
};

const char *
pod_ctr_state_name(enum pod_ctr_state s)
{
	if ((size_t) s < ARRAY_SIZE(state_names))
		return state_names[s];
	return "unknown";
}

enum pod_ctr_state
pod_ctr_state_parse(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(state_names); i++)
		if (STREQ(s, state_names[i]))
			return (enum pod_ctr_state) i;
	return POD_CTR_UNKNOWN;
}

/* --- engine ----------------------------------------------------------- */

static char *
self_dir(void)
{
	char *d = pod_self_dir();

	return d ? d : xstrdup(POD_LIBEXECDIR);
}

char *
pod_engine_tool_path(struct pod_engine *e, const char *tool)
{
	char *p = pod_path_join(e->tools_dir, tool);

	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return xasprintf("%s/%s", POD_LIBEXECDIR, tool);
}

static char *
find_in_path(const char *name)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path; p && *p;) {
		const char *c = strchrnul(p, ':');
		cleanup_free char *dir = xstrndup(p, (size_t) (c - p));
		cleanup_free char *f = pod_path_join(*dir ? dir : ".", name);
		if (access(f, X_OK) == 0)
			return TAKE_PTR(f);
		p = *c ? c + 1 : NULL;
	}
	return NULL;
}

char *
pod_engine_runtime_path(struct pod_engine *e, const char *name, struct pod_err **err)
{
	char *const *paths;
	char *p;

	if (strchr(name, '/')) {
		if (access(name, X_OK) < 0)
			return pod_err_sys(err, "OCI runtime %s", name), NULL;
		return xstrdup(name);
	}
	if (STREQ(name, "pod-oci"))
		return pod_engine_tool_path(e, "pod-oci");
	paths = e->conf ? pod_config_runtime_paths(e->conf, name) : NULL;
	for (size_t i = 0; paths && paths[i]; i++)
		if (access(paths[i], X_OK) == 0)
			return xstrdup(paths[i]);
	p = find_in_path(name);
	if (p)
		return p;
	pod_err_set(err, POD_E_NOTFOUND, ENOENT,
		    "could not find a working binary (used by OCI runtime \"%s\"): no such file "
		    "or directory", name);
	return NULL;
}

int
pod_engine_open(const struct pod_engine_opts *o, struct pod_engine **ret, struct pod_err **err)
{
	struct pod_engine *e = xcalloc(1, sizeof(*e));
	struct pod_paths paths = { 0 };
	const char *driver = o->storage_driver;

	if (pod_paths_resolve(o->root, o->runroot, &paths, err) < 0)
		goto fail;
	e->root = xstrdup(paths.root);
	e->runroot = xstrdup(paths.runroot);
	if (pod_config_load(&e->conf, err) < 0) {
		pod_paths_release(&paths);
		goto fail;
	}
	if (pod_store_open(&paths, o->readonly ? POD_STORE_READONLY : 0, &e->store, err) < 0) {
		pod_paths_release(&paths);
		goto fail;
	}
	pod_paths_release(&paths);
	if (!driver || !*driver)
		driver = getenv("STORAGE_DRIVER");
	if (!driver || !*driver)
		driver = "overlay";
	if (!STREQ(driver, "overlay") && !STREQ(driver, "vfs")) {
		pod_err_set(err, POD_E_INVALID, 0, "unknown storage driver \"%s\": choose overlay "
			    "or vfs", driver);
		goto fail;
	}
	e->storage_driver = xstrdup(driver);
	/*
	 * --runtime (or POD_RUNTIME), else containers.conf's `runtime` when a
	 * file sets it (as Podman), else the engine's own pod-oci (where
	 * c/common would default to crun).
	 */
	if (o->runtime && *o->runtime)
		e->runtime = xstrdup(o->runtime);
	else if (e->conf->runtime_set && e->conf->runtime && *e->conf->runtime)
		e->runtime = xstrdup(e->conf->runtime);
	else
		e->runtime = xstrdup("pod-oci");
	e->hooks_dir = o->hooks_dir ? xstrdup(o->hooks_dir) : NULL;
	e->log_level = o->log_level ? xstrdup(o->log_level) : NULL;
	e->tools_dir = o->tools_dir ? xstrdup(o->tools_dir) : self_dir();
	*ret = e;
	return 0;
fail:
	pod_engine_free(e);
	return -1;
}

struct pod_engine *
pod_engine_free(struct pod_engine *e)
{
	if (!e)
		return NULL;
	pod_store_close(e->store);
	pod_config_free(e->conf);
	free(e->root);
	free(e->runroot);
	free(e->storage_driver);
	free(e->runtime);
	free(e->hooks_dir);
	free(e->log_level);
	free(e->tools_dir);
	free(e);
	return NULL;
}

void
pod_engine_freep(struct pod_engine **e)
{
	*e = pod_engine_free(*e);
}

/* --- paths ------------------------------------------------------------- */

char *
pod_ctr_dir(struct pod_engine *e, const char *id)
{
	return xasprintf("%s/containers/%s", e->root, id);
}

char *
pod_ctr_bundle(struct pod_engine *e, const char *id)
{
	return xasprintf("%s/containers/%s/userdata", e->root, id);
}

char *
pod_ctr_rundir(struct pod_engine *e, const char *id)
{
	return xasprintf("%s/containers/%s", e->runroot, id);
}

char *
pod_ctr_rootfs(struct pod_engine *e, const struct pod_ctr *c)
{
	const char *driver = pod_ctr_str(c, "Driver");

	if (driver && STREQ(driver, "vfs"))
		return xasprintf("%s/containers/%s/rootfs", e->root, c->id);
	return xasprintf("%s/containers/%s/merged", e->root, c->id);
}

char *
pod_ctr_log_path(struct pod_engine *e, const struct pod_ctr *c)
{
	const char *p = pod_ctr_setting_str(c, "LogPath"); /* --log-opt path= */

	if (p && *p)
		return xstrdup(p);
	return xasprintf("%s/containers/%s/userdata/ctr.log", e->root, c->id);
}

char *
pod_ctr_cgroups_path(const struct pod_ctr *c)
{
	const char *mode = pod_ctr_setting_str(c, "Cgroups");
	const char *parent = pod_ctr_setting_str(c, "CgroupParent");

	if (mode && STREQ(mode, "disabled"))
		return NULL;
	if (!parent || !*parent)
		parent = "/libpod_parent";
	if (parent[0] == '/')
		return xasprintf("%s/libpod-%s", STREQ(parent, "/") ? "" : parent, c->id);
	return xasprintf("/%s/libpod-%s", parent, c->id);
}

const char *
pod_ctr_str(const struct pod_ctr *c, const char *key)
{
	return json_string_value(json_object_get(c->data, key));
}

const char *
pod_ctr_setting_str(const struct pod_ctr *c, const char *key)
{
	return json_string_value(json_object_get(c->settings, key));
}

bool
pod_ctr_setting_bool(const struct pod_ctr *c, const char *key)
{
	return json_is_true(json_object_get(c->settings, key));
}

int64_t
pod_ctr_setting_int(const struct pod_ctr *c, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(c->settings, key);

	return json_is_integer(v) ? (int64_t) json_integer_value(v) : dflt;
}

/* --- rows -------------------------------------------------------------- */

struct pod_ctr *
pod_ctr_free(struct pod_ctr *c)
{
	if (!c)
		return NULL;
	free(c->id);
	free(c->name);
	free(c->image_id);
	json_decref(c->data);
	free(c);
	return NULL;
}

void
pod_ctr_freep(struct pod_ctr **c)
{
	*c = pod_ctr_free(*c);
}

void
pod_ctr_list_free(struct pod_ctr **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pod_ctr_free(v[i]);
	free(v);
}

#define CTR_COLUMNS "id, name, image_id, state, pid, created, started, finished, exit_code, data"

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *) t) : NULL;
}

static int
ctr_from_row(sqlite3_stmt *st, struct pod_ctr **ret, struct pod_err **err)
{
	struct pod_ctr *c = xcalloc(1, sizeof(*c));
	const char *data = (const char *) sqlite3_column_text(st, 9);
	json_error_t je;

	c->id = col_text(st, 0);
	c->name = col_text(st, 1);
	c->image_id = col_text(st, 2);
	c->state = pod_ctr_state_parse((const char *) sqlite3_column_text(st, 3));
	c->pid = (pid_t) sqlite3_column_int64(st, 4);
	c->created_ns = sqlite3_column_int64(st, 5);
	c->started_ns = sqlite3_column_int64(st, 6);
	c->finished_ns = sqlite3_column_int64(st, 7);
	c->has_exit_code = sqlite3_column_type(st, 8) != SQLITE_NULL;
	c->exit_code = c->has_exit_code ? sqlite3_column_int(st, 8) : 0;
	c->data = json_loads(data ? data : "{}", 0, &je);
	if (!json_is_object(c->data)) {
		pod_err_set(err, POD_E_GENERIC, 0, "container %s: corrupt data in the database: %s",
			    c->id, je.text);
		pod_ctr_free(c);
		return -1;
	}
	c->settings = json_object_get(c->data, "Settings");
	if (!c->settings) {
		c->settings = json_object();
		json_object_set_new(c->data, "Settings", c->settings);
	}
	*ret = c;
	return 0;
}

int
pod_ctr_load(struct pod_engine *e, const char *id, struct pod_ctr **ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(e->store, "SELECT " CTR_COLUMNS " FROM containers WHERE id = ?",
				  err);
	int r;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "no container with name or ID \"%s\" found: no such container",
				   id);
	if (r != SQLITE_ROW)
		return pod_store_sqlite_err(e->store, err, "reading container %s", id);
	return ctr_from_row(st, ret, err);
}

int
pod_ctr_lookup(struct pod_engine *e, const char *name_or_id, struct pod_ctr **ret,
	       struct pod_err **err)
{
	cleanup_free char *id = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_store_resolve(e->store, POD_OBJ_CONTAINER, name_or_id, &id, err) < 0)
		return -1;
	if (pod_ctr_load(e, id, &c, err) < 0)
		return -1;
	if (pod_ctr_sync(e, c, err) < 0)
		return -1;
	*ret = TAKE_PTR(c);
	return 0;
}

int
pod_ctr_list(struct pod_engine *e, struct pod_ctr ***ret, size_t *ret_n, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		e->store, "SELECT " CTR_COLUMNS " FROM containers ORDER BY created DESC, id", err);
	struct pod_ctr **v = NULL;
	size_t n = 0, cap = 0;
	int r;

	if (!st)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct pod_ctr *c;
		if (ctr_from_row(st, &c, err) < 0)
			goto fail;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = c;
	}
	if (r != SQLITE_DONE) {
		pod_store_sqlite_err(e->store, err, "listing containers");
		goto fail;
	}
	pod_stmt_finalizep(&st);
	for (size_t i = 0; i < n; i++) {
		if (pod_ctr_sync(e, v[i], err) < 0)
			goto fail;
	}
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	pod_ctr_list_free(v, n);
	return -1;
}

int
pod_ctr_list_ids(struct pod_engine *e, char ***ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		e->store, "SELECT id FROM containers ORDER BY created DESC, id", err);
	cleanup_strv char **v = NULL;
	size_t n = 0, cap = 16;
	int r;

	if (!st)
		return -1;
	v = xcalloc(cap + 1, sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, (cap + 1) * sizeof(*v));
		}
		v[n++] = col_text(st, 0);
		v[n] = NULL;
	}
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(e->store, err, "listing containers");
	*ret = TAKE_PTR(v);
	return 0;
}

int
pod_ctr_each(struct pod_engine *e, unsigned flags,
	     int (*fn)(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err),
	     void *data, struct pod_err **err)
{
	cleanup_strv char **ids = NULL;
	/* one statement for every load: preparing it a thousand times cost more than the loads */
	cleanup_stmt sqlite3_stmt *st = NULL;
	size_t n;

	if (pod_ctr_list_ids(e, &ids, err) < 0)
		return -1;
	st = pod_store_prepare(e->store, "SELECT " CTR_COLUMNS " FROM containers WHERE id = ?",
			       err);
	if (!st)
		return -1;
	n = pod_strv_len(ids);
	for (size_t k = 0; k < n; k++) {
		const char *id = ids[flags & POD_CTR_EACH_OLDEST_FIRST ? n - 1 - k : k];
		cleanup_ctr struct pod_ctr *c = NULL;
		int r;

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		r = sqlite3_step(st);
		if (r == SQLITE_DONE)
			continue; /* removed meanwhile */
		if (r != SQLITE_ROW)
			return pod_store_sqlite_err(e->store, err, "reading container %s", id);
		if (ctr_from_row(st, &c, err) < 0)
			return -1;
		/* the statement holds no read transaction while fn writes */
		sqlite3_reset(st);
		if (pod_ctr_sync(e, c, err) < 0)
			return -1;
		r = fn(e, c, data, err);
		if (r)
			return r;
	}
	return 0;
}

static bool is_active(enum pod_ctr_state s);

int
pod_ctr_list_each(struct pod_engine *e,
		  int (*fn)(struct pod_engine *e, struct pod_ctr *c, void *data,
			    struct pod_err **err),
		  void *data, struct pod_err **err)
{
	/* no ORDER BY: SQLite would sort every row in memory before the first */
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(e->store, "SELECT " CTR_COLUMNS " FROM containers", err);
	struct pod_ctr **later = NULL;
	size_t n_later = 0, i = 0;
	int r, rc = 0;

	if (!st)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct pod_ctr *c;
		if (ctr_from_row(st, &c, err) < 0) {
			rc = -1;
			goto out;
		}
		/* a sync may write the store: not while this statement reads it */
		if (is_active(c->state) && !pod_ctr_process_alive(c)) {
			later = xrealloc(later, (n_later + 1) * sizeof(*later));
			later[n_later++] = c;
			continue;
		}
		rc = fn(e, c, data, err);
		if (rc)
			goto out;
	}
	if (r != SQLITE_DONE) {
		rc = pod_store_sqlite_err(e->store, err, "listing containers");
		goto out;
	}
	pod_stmt_finalizep(&st);
	for (; i < n_later; i++) {
		struct pod_ctr *c = later[i];
		if (pod_ctr_sync(e, c, err) < 0) {
			rc = -1;
			goto out;
		}
		later[i] = NULL;
		rc = fn(e, c, data, err);
		if (rc) {
			i++;
			goto out;
		}
	}
out:
	for (; i < n_later; i++)
		pod_ctr_free(later[i]);
	free(later);
	return rc;
}

int
pod_ctr_save(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	cleanup_free char *data = json_dumps(c->data, JSON_COMPACT);
	cleanup_stmt sqlite3_stmt *st = NULL;
	bool own_tx = !pod_store_in_transaction(e->store);

	if (own_tx && pod_store_begin(e->store, true, err) < 0)
		return -1;
	st = pod_store_prepare(e->store,
			       "UPDATE containers SET name = ?, state = ?, pid = ?, started = ?, "
			       "finished = ?, exit_code = ?, data = ? WHERE id = ?",
			       err);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pod_ctr_state_name(c->state), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->pid);
	sqlite3_bind_int64(st, 4, c->started_ns);
	sqlite3_bind_int64(st, 5, c->finished_ns);
	if (c->has_exit_code)
		sqlite3_bind_int(st, 6, c->exit_code);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_text(st, 7, data, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, c->id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(pod_store_db(e->store)) ==
		    SQLITE_CONSTRAINT_UNIQUE) {
			pod_err_set(err, POD_E_EXISTS, 0,
				    "the container name \"%s\" is already in use by another "
				    "container: that name is already in use", c->name);
			goto fail;
		}
		pod_store_sqlite_err(e->store, err, "saving container %s", c->id);
		goto fail;
	}
	if (sqlite3_changes(pod_store_db(e->store)) == 0) {
		pod_err_set(err, POD_E_NOTFOUND, 0,
			    "no container with name or ID \"%s\" found: no such container", c->id);
		goto fail;
	}
	if (own_tx && pod_store_commit(e->store, err) < 0)
		goto fail;
	return 0;
fail:
	if (own_tx)
		pod_store_rollback(e->store);
	return -1;
}

int
pod_ctr_lock(struct pod_engine *e, const char *id, struct pod_err **err)
{
	cleanup_free char *dir = pod_ctr_rundir(e, id);
	cleanup_free char *path = pod_path_join(dir, "lock");

	if (pod_mkdir_p(dir, 0700, err) < 0)
		return -1;
	return pod_lock_open(path, true, true, err);
}

/* --- truthful state ---------------------------------------------------- */

/* field 22 of /proc/PID/stat (the start time); 0 when the process is gone or a zombie */
uint64_t
pod_ctr_proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	cleanup_fclose FILE *f = NULL;
	const char *p;
	unsigned long long st = 0;
	char state;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	f = fopen(path, "re");
	if (!f || !fgets(buf, sizeof(buf), f))
		return 0;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu", &state, &st) != 2)
		return 0;
	if (state == 'Z' || state == 'X')
		return 0;
	return st ? (uint64_t) st : 1;
}

bool
pod_ctr_process_alive(const struct pod_ctr *c)
{
	json_t *st = json_object_get(c->data, "PidStartTime");
	uint64_t now = pod_ctr_proc_start_time(c->pid);

	if (!now)
		return false;
	if (json_is_integer(st) && json_integer_value(st) > 0 &&
	    (uint64_t) json_integer_value(st) != now)
		return false; /* the pid was reused */
	return true;
}

bool
pod_ctr_monitor_alive(const struct pod_ctr *c)
{
	json_t *mp = json_object_get(c->data, "MonitorPid");
	json_t *st = json_object_get(c->data, "MonitorStartTime");
	pid_t pid = json_is_integer(mp) ? (pid_t) json_integer_value(mp) : 0;
	uint64_t now = pod_ctr_proc_start_time(pid);

	if (!now)
		return false;
	if (json_is_integer(st) && json_integer_value(st) > 0 &&
	    (uint64_t) json_integer_value(st) != now)
		return false;
	return true;
}

static bool
is_active(enum pod_ctr_state s)
{
	return s == POD_CTR_RUNNING || s == POD_CTR_PAUSED || s == POD_CTR_STOPPING;
}

/* reloads c from the row (under the lock) */
int
pod_ctr_reload(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	struct pod_ctr *n = NULL;

	if (pod_ctr_load(e, c->id, &n, err) < 0) {
		if ((*err)->kind == POD_E_NOTFOUND) {
			/* removed meanwhile: taking its lock made its run dir again */
			cleanup_free char *rundir = pod_ctr_rundir(e, c->id);
			struct pod_err *e2 = NULL;
			if (pod_rm_rf(rundir, &e2) < 0)
				pod_err_free(&e2);
		}
		return -1;
	}
	free(c->id);
	free(c->name);
	free(c->image_id);
	json_decref(c->data);
	*c = *n;
	free(n);
	return 0;
}

int
pod_ctr_sync(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	cleanup_close int lock = -1;

	if (!is_active(c->state) || pod_ctr_process_alive(c))
		return 0;
	if (pod_store_is_readonly(e->store)) {
		/* a read-only look cannot write; report what is true all the same */
		struct pod_monitor_exit x;
		cleanup_free char *rundir = pod_ctr_rundir(e, c->id);
		struct pod_err *ee = NULL;
		c->state = POD_CTR_EXITED;
		c->has_exit_code = true;
		if (pod_monitor_read_exit(rundir, &x, &ee) == 0) {
			c->exit_code = x.exit_code;
			c->finished_ns = x.finished_ns;
		} else {
			c->exit_code = -1;
			c->finished_ns = pod_now_ns();
			pod_err_free(&ee);
		}
		return 0;
	}
	lock = pod_ctr_lock(e, c->id, err);
	if (lock < 0)
		return -1;
	if (pod_ctr_reload(e, c, err) < 0)
		return -1;
	return pod_ctr_cleanup_locked(e, c, err);
}
