/* resolve.c - name/ID lookup with Podman's order and messages */
#include "core/id.h"
#include "store/internal.h"

/* 1 with *ret set, 0 for no row */
static int
query_one(struct pod_store *s, const char *sql, const char *arg, char **ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(s, sql, err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return pod_store_sqlite_err(s, err, "looking up \"%s\"", arg);
	*ret = xstrdup((const char *) sqlite3_column_text(st, 0));
	return 1;
}

/*
 * Rows whose column starts with prefix: 0 none, 1 one (*ret set), 2 more.
 * For hex IDs the primary-key index serves a range scan; other columns
 * compare a substring.
 */
static int
query_prefix(struct pod_store *s, const char *table, const char *column, bool hex,
	     const char *prefix, char **ret, struct pod_err **err)
{
	cleanup_free char *sql = NULL;
	cleanup_free char *upper = NULL;
	cleanup_stmt sqlite3_stmt *st = NULL;
	cleanup_free char *first = NULL;
	int n = 0, rc;

	if (hex) {
		size_t len = strlen(prefix);

		/* ids are [0-9a-f]: bumping the last character bounds the range */
		upper = xstrdup(prefix);
		upper[len - 1]++;
		sql = xasprintf("SELECT %s FROM %s WHERE %s >= ?1 AND %s < ?2 LIMIT 2", column,
				table, column, column);
	} else {
		sql = xasprintf("SELECT %s FROM %s WHERE substr(%s, 1, length(?1)) = ?1 LIMIT 2",
				column, table, column);
	}
	st = pod_store_prepare(s, sql, err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	if (upper)
		sqlite3_bind_text(st, 2, upper, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == 0)
			first = xstrdup((const char *) sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "looking up \"%s\"", prefix);
	if (n == 1)
		*ret = TAKE_PTR(first);
	return n;
}

static int
not_found(enum pod_object kind, const char *q, struct pod_err **err)
{
	switch (kind) {
	case POD_OBJ_CONTAINER:
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "no container with name or ID \"%s\" found: no such container", q);
	case POD_OBJ_POD:
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "no pod with name or ID %s found: no such pod", q);
	case POD_OBJ_VOLUME:
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "no volume with name \"%s\" found: no such volume", q);
	case POD_OBJ_NETWORK:
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "unable to find network with name or ID %s: network not found",
				   q);
	case POD_OBJ_IMAGE:
		break;
	}
	return pod_err_set(err, POD_E_NOTFOUND, 0, "%s: image not known", q);
}

static int
ambiguous(enum pod_object kind, const char *q, struct pod_err **err)
{
	switch (kind) {
	case POD_OBJ_CONTAINER:
		return pod_err_set(err, POD_E_INVALID, 0,
				   "more than one result for container ID %s: container already "
				   "exists",
				   q);
	case POD_OBJ_POD:
		return pod_err_set(err, POD_E_INVALID, 0,
				   "more than one result for ID or name %s: pod already exists", q);
	case POD_OBJ_VOLUME:
		return pod_err_set(err, POD_E_INVALID, 0,
				   "more than one result for volume name \"%s\": volume already "
				   "exists",
				   q);
	case POD_OBJ_NETWORK:
		return pod_err_set(err, POD_E_INVALID, 0, "more than one result for network ID %s",
				   q);
	case POD_OBJ_IMAGE:
		break;
	}
	/* containers/storage treats an ambiguous image prefix as unknown */
	return not_found(kind, q, err);
}

/* full ID, then exact name, then unique ID prefix */
static int
resolve_id_name(struct pod_store *s, enum pod_object kind, const char *q, char **ret,
		struct pod_err **err)
{
	const char *table = kind == POD_OBJ_POD ? "pods" : "containers";
	cleanup_free char *by_id = xasprintf("SELECT id FROM %s WHERE id = ?1", table);
	cleanup_free char *by_name = xasprintf("SELECT id FROM %s WHERE name = ?1", table);
	int rc;

	if (pod_id_is_full(q) && (rc = query_one(s, by_id, q, ret, err)) != 0)
		return rc < 0 ? -1 : 0;
	if ((rc = query_one(s, by_name, q, ret, err)) != 0)
		return rc < 0 ? -1 : 0;
	if (!pod_id_is_prefix(q))
		return not_found(kind, q, err);
	rc = query_prefix(s, table, "id", true, q, ret, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return not_found(kind, q, err);
	if (rc > 1)
		return ambiguous(kind, q, err);
	return 0;
}

static int
resolve_image(struct pod_store *s, const char *q, char **ret, struct pod_err **err)
{
	const char *id = pod_str_has_prefix(q, "sha256:") ? q + 7 : q;
	int rc;

	if (pod_id_is_full(id) &&
	    (rc = query_one(s, "SELECT id FROM images WHERE id = ?1", id, ret, err)) != 0)
		return rc < 0 ? -1 : 0;
	rc = query_one(s, "SELECT image_id FROM image_names WHERE name = ?1", q, ret, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!pod_id_is_prefix(id))
		return not_found(POD_OBJ_IMAGE, q, err);
	rc = query_prefix(s, "images", "id", true, id, ret, err);
	if (rc < 0)
		return -1;
	if (rc != 1)
		return rc == 0 ? not_found(POD_OBJ_IMAGE, q, err) : ambiguous(POD_OBJ_IMAGE, q, err);
	return 0;
}

static int
resolve_volume(struct pod_store *s, const char *q, char **ret, struct pod_err **err)
{
	int rc = query_one(s, "SELECT name FROM volumes WHERE name = ?1", q, ret, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = query_prefix(s, "volumes", "name", false, q, ret, err);
	if (rc < 0)
		return -1;
	if (rc != 1)
		return rc == 0 ? not_found(POD_OBJ_VOLUME, q, err)
			       : ambiguous(POD_OBJ_VOLUME, q, err);
	return 0;
}

static int
resolve_network(struct pod_store *s, const char *q, char **ret, struct pod_err **err)
{
	int rc = query_one(s, "SELECT name FROM networks WHERE name = ?1", q, ret, err);
	cleanup_free char *id = NULL;

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!pod_id_is_prefix(q))
		return not_found(POD_OBJ_NETWORK, q, err);
	rc = query_prefix(s, "networks", "id", true, q, &id, err);
	if (rc < 0)
		return -1;
	if (rc != 1)
		return rc == 0 ? not_found(POD_OBJ_NETWORK, q, err)
			       : ambiguous(POD_OBJ_NETWORK, q, err);
	rc = query_one(s, "SELECT name FROM networks WHERE id = ?1", id, ret, err);
	if (rc == 0)
		return not_found(POD_OBJ_NETWORK, q, err);
	return rc < 0 ? -1 : 0;
}

int
pod_store_resolve(struct pod_store *s, enum pod_object kind, const char *name_or_id,
		  char **ret_id, struct pod_err **err)
{
	if (!name_or_id || !*name_or_id)
		return not_found(kind, name_or_id ? name_or_id : "", err);
	switch (kind) {
	case POD_OBJ_CONTAINER:
	case POD_OBJ_POD:
		return resolve_id_name(s, kind, name_or_id, ret_id, err);
	case POD_OBJ_IMAGE:
		return resolve_image(s, name_or_id, ret_id, err);
	case POD_OBJ_VOLUME:
		return resolve_volume(s, name_or_id, ret_id, err);
	case POD_OBJ_NETWORK:
		return resolve_network(s, name_or_id, ret_id, err);
	}
	return pod_err_set(err, POD_E_INVALID, 0, "unknown object kind %d", (int) kind);
}
