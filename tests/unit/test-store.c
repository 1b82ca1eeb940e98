/* test-store.c - lib/store: paths, opening, migrations, transactions, lookup, concurrency */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/fs.h"
#include "core/util.h"
#include "store/store.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct fixture {
	char *tmp;
	struct pod_paths paths;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->tmp = xstrdup("/tmp/test-store-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	f->paths.root = pod_path_join(f->tmp, "root");
	f->paths.runroot = pod_path_join(f->tmp, "run");
	f->paths.rootless = false;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct pod_err *e = NULL;

	pod_rm_rf(f->tmp, &e);
	pod_err_free(&e);
	pod_paths_release(&f->paths);
	free(f->tmp);
	free(f);
	return 0;
}

static struct pod_store *
open_store(struct fixture *f, enum pod_store_flags flags)
{
	struct pod_store *s = NULL;
	struct pod_err *e = NULL;

	if (pod_store_open(&f->paths, flags, &s, &e) < 0)
		fail_msg("opening store: %s", e->msg);
	return s;
}

static int64_t
query_int(struct pod_store *s, const char *sql)
{
	struct pod_err *e = NULL;
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(s, sql, &e);

	if (!st)
		fail_msg("%s: %s", sql, e->msg);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	return sqlite3_column_int64(st, 0);
}

static char *
query_text(struct pod_store *s, const char *sql)
{
	struct pod_err *e = NULL;
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(s, sql, &e);

	if (!st)
		fail_msg("%s: %s", sql, e->msg);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	return xstrdup((const char *) sqlite3_column_text(st, 0));
}

static void
exec_ok(struct pod_store *s, const char *sql)
{
	struct pod_err *e = NULL;

	if (pod_store_exec(s, sql, &e) < 0)
		fail_msg("%s: %s", sql, e->msg);
}

static void
assert_mode(const char *base, const char *rel, mode_t want, bool dir)
{
	cleanup_free char *p = pod_path_join(base, rel);
	struct stat st;

	if (stat(p, &st) < 0)
		fail_msg("%s: %s", p, strerror(errno));
	assert_int_equal(S_ISDIR(st.st_mode), dir);
	if (want)
		assert_int_equal(st.st_mode & 07777, want);
}

/* ---- paths ---- */

static void
test_paths_resolve(void **state)
{
	struct pod_paths p = { 0 };
	struct pod_err *e = NULL;
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	unsetenv("POD_ROOT");
	unsetenv("POD_RUNROOT");
	if (geteuid() == 0) {
		assert_int_equal(pod_paths_resolve(NULL, NULL, &p, &e), 0);
		assert_string_equal(p.root, "/var/lib/podutils");
		assert_string_equal(p.runroot, "/run/podutils");
		assert_false(p.rootless);
		pod_paths_release(&p);
	}
	setenv("POD_ROOT", "/env/root", 1);
	setenv("POD_RUNROOT", "/env/run", 1);
	assert_int_equal(pod_paths_resolve(NULL, NULL, &p, &e), 0);
	assert_string_equal(p.root, "/env/root");
	assert_string_equal(p.runroot, "/env/run");
	pod_paths_release(&p);
	/* the option wins over the environment; relative becomes absolute */
	assert_int_equal(pod_paths_resolve("/opt/root", "rel/run", &p, &e), 0);
	assert_string_equal(p.root, "/opt/root");
	{
		cleanup_free char *want = pod_path_join(cwd, "rel/run");

		assert_string_equal(p.runroot, want);
	}
	pod_paths_release(&p);
	unsetenv("POD_ROOT");
	unsetenv("POD_RUNROOT");

	/* rootless defaults, checked as an unprivileged user in a child */
	if (geteuid() == 0) {
		pid_t pid = fork();
		int status = 0;

		assert_true(pid >= 0);
		if (pid == 0) {
			struct pod_paths q = { 0 };
			struct pod_err *ce = NULL;

			if (setresgid(65534, 65534, 65534) < 0 ||
			    setresuid(65534, 65534, 65534) < 0)
				_exit(77);
			setenv("XDG_DATA_HOME", "/xdg/data", 1);
			setenv("XDG_RUNTIME_DIR", "/xdg/run", 1);
			if (pod_paths_resolve(NULL, NULL, &q, &ce) < 0 || !q.rootless ||
			    !STREQ(q.root, "/xdg/data/podutils") ||
			    !STREQ(q.runroot, "/xdg/run/podutils"))
				_exit(1);
			pod_paths_release(&q);
			unsetenv("XDG_DATA_HOME");
			unsetenv("XDG_RUNTIME_DIR");
			setenv("HOME", "/home/nobody", 1);
			if (pod_paths_resolve(NULL, NULL, &q, &ce) < 0 ||
			    !STREQ(q.root, "/home/nobody/.local/share/podutils") ||
			    !STREQ(q.runroot, "/tmp/podutils-65534"))
				_exit(2);
			pod_paths_release(&q);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) != 77)
			assert_int_equal(WEXITSTATUS(status), 0);
	}
}

/* ---- open and schema ---- */

static void
test_open_creates_layout(void **state)
{
	struct fixture *f = *state;
	cleanup_store struct pod_store *s = open_store(f, 0);
	struct pod_err *e = NULL;
	cleanup_free char *mode = NULL;

	assert_mode(f->paths.root, "", 0700, true);
	assert_mode(f->paths.runroot, "", 0700, true);
	assert_mode(f->paths.root, "blobs/sha256", 0, true);
	assert_mode(f->paths.root, "layers", 0, true);
	assert_mode(f->paths.root, "containers", 0, true);
	assert_mode(f->paths.root, "volumes", 0, true);
	assert_mode(f->paths.runroot, "containers", 0, true);
	assert_mode(f->paths.root, "db.sqlite", 0600, false);

	assert_true(pod_store_schema_latest() >= 1);
	assert_int_equal(pod_store_schema_version(s, &e), pod_store_schema_latest());
	mode = query_text(s, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	assert_int_equal(query_int(s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(s, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(query_int(s, "PRAGMA busy_timeout"), 30000);
	assert_int_equal(query_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
				      "name IN ('images', 'image_names', 'layers', 'containers', "
				      "'pods', 'volumes', 'networks', 'exec_sessions')"),
			 8);
	assert_false(pod_store_is_readonly(s));
	assert_false(pod_store_is_memory(s));
	assert_string_equal(pod_store_paths(s)->root, f->paths.root);
	assert_non_null(pod_store_db(s));
}

static void
test_reopen_idempotent(void **state)
{
	struct fixture *f = *state;
	struct pod_store *s = open_store(f, 0);
	struct pod_err *e = NULL;
	int64_t objects;

	objects = query_int(s, "SELECT count(*) FROM sqlite_master");
	exec_ok(s, "INSERT INTO volumes (name, mountpoint) VALUES ('v1', '/x')");
	s = pod_store_close(s);
	assert_null(s);
	for (int i = 0; i < 3; i++) {
		s = open_store(f, 0);
		assert_int_equal(pod_store_schema_version(s, &e), pod_store_schema_latest());
		assert_int_equal(query_int(s, "SELECT count(*) FROM sqlite_master"), objects);
		assert_int_equal(query_int(s, "SELECT count(*) FROM volumes WHERE name = 'v1'"), 1);
		s = pod_store_close(s);
	}
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	struct pod_store *s = open_store(f, 0);
	struct pod_err *e = NULL;
	cleanup_free char *sql =
		xasprintf("PRAGMA user_version = %d", pod_store_schema_latest() + 1);
	cleanup_free char *want = NULL;
	cleanup_free char *db = pod_path_join(f->paths.root, "db.sqlite");

	exec_ok(s, sql);
	s = pod_store_close(s);
	assert_int_equal(pod_store_open(&f->paths, 0, &s, &e), -1);
	assert_null(s);
	want = xasprintf("database %s has schema version %d, newer than the %d this podutils knows",
			 db, pod_store_schema_latest() + 1, pod_store_schema_latest());
	assert_string_equal(e->msg, want);
	pod_err_free(&e);
}

static void
test_empty_db_file_migrated(void **state)
{
	struct fixture *f = *state;
	cleanup_free char *db = pod_path_join(f->paths.root, "db.sqlite");
	struct pod_err *e = NULL;
	cleanup_store struct pod_store *s = NULL;

	/* a tool killed right after creating the file leaves it empty */
	assert_int_equal(pod_mkdir_p(f->paths.root, 0700, &e), 0);
	assert_int_equal(pod_write_file_atomic(db, "", 0, 0600, &e), 0);
	s = open_store(f, 0);
	assert_int_equal(pod_store_schema_version(s, &e), pod_store_schema_latest());
}

/* ---- read-only ---- */

static void
test_readonly_missing_root(void **state)
{
	struct fixture *f = *state;
	cleanup_store struct pod_store *s = open_store(f, POD_STORE_READONLY);
	struct pod_err *e = NULL;
	char *id = NULL;
	struct stat st;

	assert_true(pod_store_is_memory(s));
	assert_true(pod_store_is_readonly(s));
	assert_int_equal(query_int(s, "SELECT count(*) FROM containers"), 0);
	assert_int_equal(pod_store_resolve(s, POD_OBJ_CONTAINER, "web", &id, &e), -1);
	assert_int_equal(e->kind, POD_E_NOTFOUND);
	pod_err_free(&e);
	assert_int_equal(pod_store_exec(s, "INSERT INTO volumes (name) VALUES ('v')", &e), -1);
	pod_err_free(&e);
	/* nothing was created */
	assert_int_equal(stat(f->paths.root, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(stat(f->paths.runroot, &st), -1);
}

static void
test_readonly_existing(void **state)
{
	struct fixture *f = *state;
	struct pod_store *s = open_store(f, 0);
	struct pod_err *e = NULL;

	exec_ok(s, "INSERT INTO volumes (name) VALUES ('v1')");
	s = pod_store_close(s);
	s = open_store(f, POD_STORE_READONLY);
	assert_false(pod_store_is_memory(s));
	assert_int_equal(query_int(s, "SELECT count(*) FROM volumes"), 1);
	assert_int_equal(pod_store_exec(s, "INSERT INTO volumes (name) VALUES ('v2')", &e), -1);
	pod_err_free(&e);
	s = pod_store_close(s);
	s = open_store(f, 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM volumes"), 1);
	pod_store_close(s);
}

/* ---- transactions ---- */

static void
test_transactions(void **state)
{
	struct fixture *f = *state;
	cleanup_store struct pod_store *s = open_store(f, 0);
	struct pod_err *e = NULL;

	assert_int_equal(pod_store_begin(s, true, &e), 0);
	assert_true(pod_store_in_transaction(s));
	assert_int_equal(pod_store_begin(s, true, &e), -1);
	assert_string_equal(e->msg, "database: a transaction is already open");
	pod_err_free(&e);
	exec_ok(s, "INSERT INTO pods (id, name) VALUES ('p1', 'one')");
	pod_store_rollback(s);
	assert_false(pod_store_in_transaction(s));
	assert_int_equal(query_int(s, "SELECT count(*) FROM pods"), 0);

	assert_int_equal(pod_store_begin(s, false, &e), 0);
	exec_ok(s, "INSERT INTO pods (id, name) VALUES ('p1', 'one')");
	assert_int_equal(pod_store_commit(s, &e), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM pods"), 1);
	assert_int_equal(pod_store_commit(s, &e), -1);
	pod_err_free(&e);
	pod_store_rollback(s); /* outside a transaction: harmless */

	/* UNIQUE violations are POD_E_EXISTS */
	assert_int_equal(pod_store_exec(s, "INSERT INTO pods (id, name) VALUES ('p2', 'one')", &e),
			 -1);
	assert_int_equal(e->kind, POD_E_EXISTS);
	assert_string_equal(e->msg, "database: UNIQUE constraint failed: pods.name");
	pod_err_free(&e);
	/* foreign keys are enforced */
	assert_int_equal(pod_store_exec(s,
					"INSERT INTO containers (id, name, pod_id) VALUES ('c', "
					"'c', 'nopod')",
					&e),
			 -1);
	assert_string_equal(e->msg, "database: FOREIGN KEY constraint failed");
	pod_err_free(&e);
	/* close with an open transaction rolls it back */
	assert_int_equal(pod_store_begin(s, true, &e), 0);
	exec_ok(s, "INSERT INTO pods (id, name) VALUES ('p3', 'three')");
	s = pod_store_close(s);
	s = open_store(f, 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM pods"), 1);
}

/* ---- resolve ---- */

#define ID_A1 "abc1110000000000000000000000000000000000000000000000000000000001"
#define ID_A2 "abc2220000000000000000000000000000000000000000000000000000000002"
#define ID_D "def0000000000000000000000000000000000000000000000000000000000003"
#define ID_E "eee0000000000000000000000000000000000000000000000000000000000004"

struct resolve_case {
	enum pod_object kind;
	const char *q;
	const char *want;  /* resolved ID/name, or NULL */
	enum pod_err_kind err_kind;
	const char *error; /* exact message when want is NULL */
};

static void
test_resolve(void **state)
{
	struct fixture *f = *state;
	cleanup_store struct pod_store *s = open_store(f, 0);
	static const struct resolve_case cases[] = {
		/* containers: name, full ID, unique prefix, ambiguous, missing */
		{ POD_OBJ_CONTAINER, "web", ID_A1, 0, NULL },
		{ POD_OBJ_CONTAINER, ID_A2, ID_A2, 0, NULL },
		{ POD_OBJ_CONTAINER, "abc1", ID_A1, 0, NULL },
		{ POD_OBJ_CONTAINER, "abc2220", ID_A2, 0, NULL },
		{ POD_OBJ_CONTAINER, "abc", NULL, POD_E_INVALID,
		  "more than one result for container ID abc: container already exists" },
		{ POD_OBJ_CONTAINER, "nope", NULL, POD_E_NOTFOUND,
		  "no container with name or ID \"nope\" found: no such container" },
		{ POD_OBJ_CONTAINER, "abc9", NULL, POD_E_NOTFOUND,
		  "no container with name or ID \"abc9\" found: no such container" },
		{ POD_OBJ_CONTAINER, "ABC1", NULL, POD_E_NOTFOUND,
		  "no container with name or ID \"ABC1\" found: no such container" },
		/* a name wins over an ID prefix */
		{ POD_OBJ_CONTAINER, "def", ID_A2, 0, NULL },
		{ POD_OBJ_CONTAINER, "de", ID_D, 0, NULL },
		/* a pod is not a container */
		{ POD_OBJ_CONTAINER, "mypod", NULL, POD_E_NOTFOUND,
		  "no container with name or ID \"mypod\" found: no such container" },
		{ POD_OBJ_CONTAINER, "", NULL, POD_E_NOTFOUND,
		  "no container with name or ID \"\" found: no such container" },
		/* pods */
		{ POD_OBJ_POD, "mypod", ID_A1, 0, NULL },
		{ POD_OBJ_POD, "abc2", ID_A2, 0, NULL },
		{ POD_OBJ_POD, ID_A1, ID_A1, 0, NULL },
		{ POD_OBJ_POD, "ab", NULL, POD_E_INVALID,
		  "more than one result for ID or name ab: pod already exists" },
		{ POD_OBJ_POD, "web", NULL, POD_E_NOTFOUND,
		  "no pod with name or ID web found: no such pod" },
		/* volumes: exact name, then unique name prefix */
		{ POD_OBJ_VOLUME, "data1", "data1", 0, NULL },
		{ POD_OBJ_VOLUME, "lo", "logs", 0, NULL },
		{ POD_OBJ_VOLUME, "data", NULL, POD_E_INVALID,
		  "more than one result for volume name \"data\": volume already exists" },
		{ POD_OBJ_VOLUME, "x", NULL, POD_E_NOTFOUND,
		  "no volume with name \"x\" found: no such volume" },
		{ POD_OBJ_VOLUME, "%", NULL, POD_E_NOTFOUND,
		  "no volume with name \"%\" found: no such volume" },
		/* networks: exact name, then unique ID prefix */
		{ POD_OBJ_NETWORK, "podman", "podman", 0, NULL },
		{ POD_OBJ_NETWORK, "abc1", "podman", 0, NULL },
		{ POD_OBJ_NETWORK, ID_A2, "net2", 0, NULL },
		{ POD_OBJ_NETWORK, "abc", NULL, POD_E_INVALID,
		  "more than one result for network ID abc" },
		{ POD_OBJ_NETWORK, "pod", NULL, POD_E_NOTFOUND,
		  "unable to find network with name or ID pod: network not found" },
		/* images: full ID, sha256:ID, name, unique prefix; ambiguous is unknown */
		{ POD_OBJ_IMAGE, ID_E, ID_E, 0, NULL },
		{ POD_OBJ_IMAGE, "sha256:" ID_E, ID_E, 0, NULL },
		{ POD_OBJ_IMAGE, "docker.io/library/busybox:latest", ID_A1, 0, NULL },
		{ POD_OBJ_IMAGE, "ee", ID_E, 0, NULL },
		{ POD_OBJ_IMAGE, "sha256:ee", ID_E, 0, NULL },
		{ POD_OBJ_IMAGE, "abc", NULL, POD_E_NOTFOUND, "abc: image not known" },
		{ POD_OBJ_IMAGE, "busybox", NULL, POD_E_NOTFOUND, "busybox: image not known" },
	};
	size_t i;

	exec_ok(s, "INSERT INTO containers (id, name) VALUES ('" ID_A1 "', 'web'), ('" ID_A2
		   "', 'def'), ('" ID_D "', 'other');"
		   "INSERT INTO pods (id, name) VALUES ('" ID_A1 "', 'mypod'), ('" ID_A2
		   "', 'pod2');"
		   "INSERT INTO volumes (name) VALUES ('data1'), ('data2'), ('logs'), ('50%');"
		   "INSERT INTO networks (name, id) VALUES ('podman', '" ID_A1 "'),"
		   " ('net2', '" ID_A2 "');"
		   "INSERT INTO images (id) VALUES ('" ID_A1 "'), ('" ID_A2 "'), ('" ID_E "');"
		   "INSERT INTO image_names (name, image_id) VALUES "
		   "('docker.io/library/busybox:latest', '" ID_A1 "');");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct resolve_case *c = &cases[i];
		struct pod_err *e = NULL;
		char *got = NULL;
		int rc = pod_store_resolve(s, c->kind, c->q, &got, &e);

		if (c->want) {
			if (rc != 0)
				fail_msg("case %zu \"%s\": %s", i, c->q, e->msg);
			if (!STREQ(got, c->want))
				fail_msg("case %zu \"%s\": got %s, want %s", i, c->q, got, c->want);
			free(got);
		} else {
			if (rc != -1)
				fail_msg("case %zu \"%s\": resolved to %s", i, c->q, got);
			assert_null(got);
			if (!STREQ(e->msg, c->error))
				fail_msg("case %zu: \"%s\", want \"%s\"", i, e->msg, c->error);
			assert_int_equal(e->kind, c->err_kind);
			pod_err_free(&e);
		}
	}
}

/* ---- concurrency ---- */

#define CHILDREN 50

static int
child_insert(struct fixture *f, int n)
{
	struct pod_store *s = NULL;
	struct pod_err *e = NULL;
	sqlite3_stmt *st = NULL;
	char id[65];
	cleanup_free char *name = xasprintf("ctr%02d", n);
	int rc;

	snprintf(id, sizeof(id), "%064x", n);
	if (pod_store_open(&f->paths, 0, &s, &e) < 0)
		goto fail;
	if (pod_store_begin(s, true, &e) < 0)
		goto fail;
	st = pod_store_prepare(s,
			       "INSERT INTO containers (id, name, state, created, data) VALUES "
			       "(?1, ?2, 'configured', ?3, '{}')",
			       &e);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, pod_now_ns());
	rc = sqlite3_step(st);
	pod_stmt_finalizep(&st);
	if (rc != SQLITE_DONE) {
		pod_store_sqlite_err(s, &e, "inserting");
		goto fail;
	}
	if (pod_store_commit(s, &e) < 0)
		goto fail;
	pod_store_close(s);
	return 0;
fail:
	fprintf(stderr, "child %d: %s\n", n, e ? e->msg : "?");
	pod_store_close(s);
	return 1;
}

static void
test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	pid_t pids[CHILDREN];
	int gate[2];
	int i, failed = 0;
	cleanup_store struct pod_store *s = NULL;

	/* every child opens a store that does not exist yet, all at once */
	assert_int_equal(pipe(gate), 0);
	for (i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char c;

			close(gate[1]);
			(void) !read(gate[0], &c, 1); /* EOF when the parent opens the gate */
			_exit(child_insert(f, i));
		}
	}
	close(gate[0]);
	close(gate[1]);
	for (i = 0; i < CHILDREN; i++) {
		int status = 0;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	assert_int_equal(failed, 0);
	s = open_store(f, POD_STORE_READONLY);
	assert_int_equal(query_int(s, "SELECT count(*) FROM containers"), CHILDREN);
	assert_int_equal(query_int(s, "SELECT count(DISTINCT name) FROM containers"), CHILDREN);
	assert_int_equal(query_int(s, "PRAGMA user_version"), pod_store_schema_latest());
	{
		cleanup_free char *ok = query_text(s, "PRAGMA integrity_check");

		assert_string_equal(ok, "ok");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_resolve),
		cmocka_unit_test_setup_teardown(test_open_creates_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_db_file_migrated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_missing_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
