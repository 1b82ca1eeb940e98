/* store.c - opening the state database, migrations, transactions */
#include "core/fs.h"
#include "core/log.h"
#include "store/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 30000

int
pod_store_schema_latest(void)
{
	return (int) pod_store_n_migrations;
}

static int
db_err(sqlite3 *db, struct pod_err **err, const char *fmt, va_list ap) POD_PRINTF(3, 0);

static int
db_err(sqlite3 *db, struct pod_err **err, const char *fmt, va_list ap)
{
	cleanup_free char *msg = pod_xvasprintf(fmt, ap);
	int ext = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
	enum pod_err_kind kind = POD_E_GENERIC;

	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		kind = POD_E_EXISTS;
	return pod_err_set(err, kind, 0, "%s: %s", msg,
			   db ? sqlite3_errmsg(db) : sqlite3_errstr(SQLITE_NOMEM));
}

static int
raw_err(sqlite3 *db, struct pod_err **err, const char *fmt, ...) POD_PRINTF(3, 4);
static void stmt_cache_drop(sqlite3 *db);

static int
raw_err(sqlite3 *db, struct pod_err **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	db_err(db, err, fmt, ap);
	va_end(ap);
	return -1;
}

int
pod_store_sqlite_err(struct pod_store *s, struct pod_err **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	db_err(s->db, err, fmt, ap);
	va_end(ap);
	return -1;
}

static int
exec_sql(sqlite3 *db, const char *sql, struct pod_err **err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return raw_err(db, err, "database");
	return 0;
}

static int
user_version(sqlite3 *db, struct pod_err **err)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return raw_err(db, err, "reading the schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		raw_err(db, err, "reading the schema version");
	sqlite3_finalize(st);
	return v;
}

/*
 * Each migration runs in its own IMMEDIATE transaction and re-reads the
 * version inside it, so concurrent openers apply each step exactly once.
 */
static int
migrate(sqlite3 *db, const char *path, struct pod_err **err)
{
	int latest = pod_store_schema_latest();

	for (;;) {
		cleanup_free char *bump = NULL;
		int v = user_version(db, err);

		if (v < 0)
			return -1;
		if (v == latest)
			return 0;
		if (v > latest)
			return pod_err_set(err, POD_E_GENERIC, 0,
					   "database %s has schema version %d, newer than the %d "
					   "this podutils knows",
					   path, v, latest);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return raw_err(db, err, "migrating database %s", path);
		v = user_version(db, err);
		if (v < 0 || v >= latest) {
			(void) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			if (v < 0)
				return -1;
			continue;
		}
		pod_debug("migrating %s to schema version %d (%s)", path, v + 1,
			  pod_store_migrations[v].what);
		bump = xasprintf("PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(db, pod_store_migrations[v].sql, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			raw_err(db, err, "migrating database %s to schema version %d", path, v + 1);
			(void) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
}

/*
 * Switching to WAL needs a moment of exclusive access; when many tools
 * open a fresh store at once SQLite may report busy without calling the
 * busy handler, so retry until the busy timeout.
 */
static int
set_wal(sqlite3 *db, const char *path, struct pod_err **err)
{
	int64_t deadline = pod_mono_ns() + (int64_t) BUSY_TIMEOUT_MS * 1000000;

	for (;;) {
		int rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (pod_mono_ns() > deadline)
			break;
		nanosleep(&ts, NULL);
	}
	return raw_err(db, err, "setting WAL mode on %s", path);
}

static int
configure(sqlite3 *db, struct pod_err **err)
{
	int one = 1;

	sqlite3_extended_result_codes(db, 1);
	if (sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS) != SQLITE_OK)
		return raw_err(db, err, "database");
	/*
	 * Every tool is a short-lived connection. By default the last one to
	 * close checkpoints (two fsyncs) and deletes the -wal file, and the next
	 * one creates it again (an fsync of the directory): 3-5 ms of each
	 * command. The WAL stays instead, and is checkpointed by the writer
	 * that fills it (SQLite's autocheckpoint), as a long-lived process's is.
	 * Each opener, being the only connection, rebuilds the WAL's index by
	 * reading every frame since the last checkpoint: with SQLite's default
	 * of 1000 pages that is up to 4 MB read and checksummed per command.
	 * A checkpoint every 64 pages (a few commands) keeps that short, and
	 * costs two fdatasyncs of a few pages.
	 */
	(void) sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	(void) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	return exec_sql(db,
			"PRAGMA busy_timeout = 30000;"
			"PRAGMA wal_autocheckpoint = 64;"
			"PRAGMA foreign_keys = ON;"
			"PRAGMA synchronous = NORMAL;",
			err);
}

static int
make_dirs(const struct pod_paths *p, struct pod_err **err)
{
	static const char *const root_dirs[] = { "blobs/sha256", "layers", "containers",
						 "volumes" };
	static const char *const run_dirs[] = { "containers" };
	size_t i;

	if (pod_mkdir_p(p->root, 0700, err) < 0 || pod_mkdir_p(p->runroot, 0700, err) < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(root_dirs); i++) {
		cleanup_free char *d = pod_path_join(p->root, root_dirs[i]);

		if (pod_mkdir_p(d, 0700, err) < 0)
			return -1;
	}
	for (i = 0; i < ARRAY_SIZE(run_dirs); i++) {
		cleanup_free char *d = pod_path_join(p->runroot, run_dirs[i]);

		if (pod_mkdir_p(d, 0700, err) < 0)
			return -1;
	}
	return 0;
}

static int
open_db(const char *path, int flags, sqlite3 **ret, struct pod_err **err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK) {
		if (db) {
			raw_err(db, err, "opening database %s", path);
			sqlite3_close(db);
			return -1;
		}
		return pod_err_set(err, POD_E_GENERIC, 0, "opening database %s: %s", path,
				   sqlite3_errstr(rc));
	}
	*ret = db;
	return 0;
}

int
pod_store_open(const struct pod_paths *p, enum pod_store_flags flags, struct pod_store **ret,
	       struct pod_err **err)
{
	cleanup_free char *path = pod_path_join(p->root, "db.sqlite");
	cleanup_(pod_store_closep) struct pod_store *s = xcalloc(1, sizeof(*s));

	s->paths.root = xstrdup(p->root);
	s->paths.runroot = xstrdup(p->runroot);
	s->paths.rootless = p->rootless;
	s->flags = flags;

	if (flags & POD_STORE_READONLY) {
		if (access(path, F_OK) < 0) {
			if (errno != ENOENT)
				return pod_err_sys(err, "opening database %s", path);
			s->memory = true;
			if (open_db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s->db,
				    err) < 0 ||
			    configure(s->db, err) < 0 || migrate(s->db, path, err) < 0 ||
			    exec_sql(s->db, "PRAGMA query_only = ON", err) < 0)
				return -1;
			*ret = TAKE_PTR(s);
			return 0;
		}
		/*
		 * Read-write without CREATE: WAL readers need the -shm file; an
		 * old schema is still brought up to date before query_only.
		 */
		if (open_db(path, SQLITE_OPEN_READWRITE, &s->db, err) < 0)
			return -1;
		if (configure(s->db, err) < 0 || migrate(s->db, path, err) < 0 ||
		    exec_sql(s->db, "PRAGMA query_only = ON", err) < 0)
			return -1;
		*ret = TAKE_PTR(s);
		return 0;
	}

	if (make_dirs(p, err) < 0)
		return -1;
	{
		/* SQLite creates the -wal and -shm files with the db's mode */
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);

		if (fd < 0)
			return pod_err_sys(err, "creating database %s", path);
		close(fd);
	}
	if (open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s->db, err) < 0)
		return -1;
	if (configure(s->db, err) < 0 || set_wal(s->db, path, err) < 0 ||
	    migrate(s->db, path, err) < 0)
		return -1;
	*ret = TAKE_PTR(s);
	return 0;
}

struct pod_store *
pod_store_close(struct pod_store *s)
{
	if (!s)
		return NULL;
	if (s->db) {
		pod_store_rollback(s);
		stmt_cache_drop(s->db);
		sqlite3_close_v2(s->db);
	}
	pod_paths_release(&s->paths);
	free(s);
	return NULL;
}

void
pod_store_closep(struct pod_store **s)
{
	*s = pod_store_close(*s);
}

sqlite3 *
pod_store_db(struct pod_store *s)
{
	return s->db;
}

const struct pod_paths *
pod_store_paths(struct pod_store *s)
{
	return &s->paths;
}

bool
pod_store_is_readonly(struct pod_store *s)
{
	return s->flags & POD_STORE_READONLY;
}

bool
pod_store_is_memory(struct pod_store *s)
{
	return s->memory;
}

int
pod_store_schema_version(struct pod_store *s, struct pod_err **err)
{
	return user_version(s->db, err);
}

int
pod_store_begin(struct pod_store *s, bool immediate, struct pod_err **err)
{
	if (s->in_tx || !sqlite3_get_autocommit(s->db))
		return pod_err_set(err, POD_E_GENERIC, 0,
				   "database: a transaction is already open");
	if (sqlite3_exec(s->db, immediate ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return pod_store_sqlite_err(s, err, "starting a database transaction");
	s->in_tx = true;
	return 0;
}

int
pod_store_commit(struct pod_store *s, struct pod_err **err)
{
	if (!s->in_tx)
		return pod_err_set(err, POD_E_GENERIC, 0, "database: no transaction to commit");
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		pod_store_sqlite_err(s, err, "committing a database transaction");
		pod_store_rollback(s);
		return -1;
	}
	s->in_tx = false;
	return 0;
}

void
pod_store_rollback(struct pod_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = false;
}

bool
pod_store_in_transaction(struct pod_store *s)
{
	return s->in_tx;
}

int
pod_store_exec(struct pod_store *s, const char *sql, struct pod_err **err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return pod_store_sqlite_err(s, err, "database");
	return 0;
}

/*
 * Prepared statements are kept for the life of the connection: a command
 * runs the same few queries again and again (a container's row is read at
 * each lock), and compiling one costs more than running it. A statement is
 * handed out once at a time; pod_stmt_finalizep() resets it and puts it
 * back. The cache is the process's: statements carry their connection.
 */
#define STMT_CACHE 64

static struct cached_stmt {
	sqlite3 *db;
	sqlite3_stmt *st;
	bool busy;
} stmt_cache[STMT_CACHE];
static size_t n_stmt_cache;

sqlite3_stmt *
pod_store_prepare(struct pod_store *s, const char *sql, struct pod_err **err)
{
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < n_stmt_cache; i++) {
		struct cached_stmt *c = &stmt_cache[i];
		if (c->db == s->db && !c->busy && STREQ(sqlite3_sql(c->st), sql)) {
			c->busy = true;
			return c->st;
		}
	}
	if (sqlite3_prepare_v3(s->db, sql, -1,
			       n_stmt_cache < STMT_CACHE ? SQLITE_PREPARE_PERSISTENT : 0, &st,
			       NULL) != SQLITE_OK) {
		pod_store_sqlite_err(s, err, "preparing a database query");
		return NULL;
	}
	if (st && n_stmt_cache < STMT_CACHE)
		stmt_cache[n_stmt_cache++] = (struct cached_stmt){ s->db, st, true };
	return st;
}

void
pod_stmt_finalizep(sqlite3_stmt **stmt)
{
	if (!*stmt)
		return;
	for (size_t i = 0; i < n_stmt_cache; i++) {
		if (stmt_cache[i].st == *stmt) {
			sqlite3_reset(*stmt);
			sqlite3_clear_bindings(*stmt);
			stmt_cache[i].busy = false;
			*stmt = NULL;
			return;
		}
	}
	sqlite3_finalize(*stmt);
	*stmt = NULL;
}

/* the cached statements of a connection that closes */
static void
stmt_cache_drop(sqlite3 *db)
{
	size_t j = 0;

	for (size_t i = 0; i < n_stmt_cache; i++) {
		if (stmt_cache[i].db == db)
			sqlite3_finalize(stmt_cache[i].st);
		else
			stmt_cache[j++] = stmt_cache[i];
	}
	n_stmt_cache = j;
}
