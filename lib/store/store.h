/*
 * store.h - the SQLite state database and the store's directories.
 *
 * Lifecycle: pod_paths_resolve() picks $ROOT and $RUNROOT; pod_store_open()
 * creates what is missing (unless POD_STORE_READONLY), opens
 * $ROOT/db.sqlite (WAL, 30 s busy timeout, foreign keys on) and brings the
 * schema up to date; pod_store_close() releases it. One struct pod_store
 * belongs to one process and one thread; open it again after fork().
 *
 * Every change is one transaction: pod_store_begin(s, true, ...) before the
 * first write (a deferred transaction that later writes can fail with
 * SQLITE_BUSY without waiting), then pod_store_commit() or
 * pod_store_rollback(). Modules write their own SQL through pod_store_db()
 * / pod_store_prepare(); each table keeps queried fields in columns and the
 * rest in a JSON `data` column:
 *
 *   images(id PK, digest, manifest_type, config_digest, top_layer, size,
 *          created, data)              image_names(name PK, image_id)
 *   layers(id PK = chain ID, parent, diff_id, compressed_digest, size,
 *          created, state 'incomplete'|'ready', data)
 *   containers(id PK, name UNIQUE, image_id, pod_id, state, pid, created,
 *          started, finished, exit_code, data)
 *   pods(id PK, name UNIQUE, infra_id, state, created, data)
 *   volumes(name PK, driver, mountpoint, created, data)
 *   networks(name PK, id UNIQUE, driver, created, data)
 *   exec_sessions(id PK, container_id, created, data)
 *
 * Times are int64 nanoseconds since the epoch; 0 means "never".
 */
#ifndef POD_STORE_STORE_H
#define POD_STORE_STORE_H

#include "core/err.h"
#include "core/util.h"

#include <sqlite3.h>

struct pod_paths {
	char *root;    /* persistent state: db.sqlite, blobs, layers, ... */
	char *runroot; /* state that dies with a reboot: pid files, sockets */
	bool rootless; /* geteuid() != 0 */
};

/*
 * Each path: the explicit option, else $POD_ROOT / $POD_RUNROOT, else the
 * default (root: /var/lib/podutils and /run/podutils; rootless:
 * $XDG_DATA_HOME/podutils or ~/.local/share/podutils, and
 * $XDG_RUNTIME_DIR/podutils or /tmp/podutils-UID). Relative paths are made
 * absolute. Release with pod_paths_release().
 */
int pod_paths_resolve(const char *root_opt, const char *runroot_opt, struct pod_paths *ret,
		      struct pod_err **err);
void pod_paths_release(struct pod_paths *p);

enum pod_store_flags {
	/*
	 * Create nothing. If db.sqlite does not exist the store is an empty
	 * in-memory database, so listing an empty store leaves no trace.
	 * Writes fail.
	 */
	POD_STORE_READONLY = 1 << 0,
};

enum pod_object {
	POD_OBJ_CONTAINER,
	POD_OBJ_IMAGE,
	POD_OBJ_POD,
	POD_OBJ_VOLUME,
	POD_OBJ_NETWORK,
};

struct pod_store;

/* the schema version this code creates (PRAGMA user_version) */
int pod_store_schema_latest(void);

int pod_store_open(const struct pod_paths *p, enum pod_store_flags flags, struct pod_store **ret,
		   struct pod_err **err);
/* rolls back an open transaction, closes; takes NULL, returns NULL */
struct pod_store *pod_store_close(struct pod_store *s);
void pod_store_closep(struct pod_store **s);
#define cleanup_store cleanup_(pod_store_closep)

sqlite3 *pod_store_db(struct pod_store *s);
const struct pod_paths *pod_store_paths(struct pod_store *s);
bool pod_store_is_readonly(struct pod_store *s);
/* true for the empty in-memory store of a read-only open without a db */
bool pod_store_is_memory(struct pod_store *s);
/* PRAGMA user_version of the open database, -1 on error */
int pod_store_schema_version(struct pod_store *s, struct pod_err **err);

/* BEGIN IMMEDIATE (takes the write lock, waiting up to the busy timeout) or BEGIN */
int pod_store_begin(struct pod_store *s, bool immediate, struct pod_err **err);
int pod_store_commit(struct pod_store *s, struct pod_err **err);
/* a no-op outside a transaction; errors are ignored (the db stays consistent) */
void pod_store_rollback(struct pod_store *s);
bool pod_store_in_transaction(struct pod_store *s);

/*
 * Sets *err to "MESSAGE: sqlite's message"; a UNIQUE or PRIMARY KEY
 * violation is POD_E_EXISTS, else POD_E_GENERIC. Returns -1.
 */
int pod_store_sqlite_err(struct pod_store *s, struct pod_err **err, const char *fmt, ...)
	POD_PRINTF(3, 4);
/* runs SQL without results (several statements allowed) */
int pod_store_exec(struct pod_store *s, const char *sql, struct pod_err **err);
/*
 * A prepared statement, kept by the store for the next caller: release it
 * with pod_stmt_finalizep() or cleanup_stmt, never sqlite3_finalize().
 */
sqlite3_stmt *pod_store_prepare(struct pod_store *s, const char *sql, struct pod_err **err);
void pod_stmt_finalizep(sqlite3_stmt **stmt);
#define cleanup_stmt cleanup_(pod_stmt_finalizep)

/*
 * Finds an object by what a user typed, in Podman's order: containers,
 * pods and images by full ID, then exact name, then unique ID prefix
 * (images also take "sha256:ID"); volumes by exact name, then unique name
 * prefix; networks by exact name, then unique ID prefix. *ret_id is the
 * ID (the name for volumes and networks), malloc'd.
 *
 * Not found is POD_E_NOTFOUND with Podman's message, e.g.
 * `no container with name or ID "x" found: no such container`. An
 * ambiguous prefix is POD_E_INVALID with Podman's message, e.g.
 * `more than one result for container ID x: container already exists`;
 * for images Podman reports it as not found (`x: image not known`).
 */
int pod_store_resolve(struct pod_store *s, enum pod_object kind, const char *name_or_id,
		      char **ret_id, struct pod_err **err);

#endif
