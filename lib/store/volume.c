/* volume.c - volume rows: create, look up, list, remove, users, inspect JSON */
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "store/events.h"
#include "store/internal.h"
#include "store/volume-internal.h"
#include "store/volume.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_RULE "[a-zA-Z0-9][a-zA-Z0-9_.-]*"

static bool
name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '_' || c == '.' || c == '-');
}

bool
pod_volume_name_valid(const char *name)
{
	if (!name || !name_char(name[0], true))
		return false;
	for (size_t i = 1; name[i]; i++)
		if (!name_char(name[i], false))
			return false;
	return true;
}

struct pod_volume *
pod_volume_free(struct pod_volume *v)
{
	if (!v)
		return NULL;
	free(v->name);
	free(v->driver);
	free(v->mountpoint);
	json_decref(v->labels);
	json_decref(v->options);
	free(v);
	return NULL;
}

void
pod_volume_freep(struct pod_volume **v)
{
	*v = pod_volume_free(*v);
}

void
pod_volume_list_free(struct pod_volume **list)
{
	for (size_t i = 0; list && list[i]; i++)
		pod_volume_free(list[i]);
	free(list);
}

/* ---- transactions: join the caller's or run our own ---- */

int
pod_volume_tx_begin(struct pod_store *s, bool *own, struct pod_err **err)
{
	*own = !pod_store_in_transaction(s);
	return *own ? pod_store_begin(s, true, err) : 0;
}

int
pod_volume_tx_end(struct pod_store *s, bool own, int rc, struct pod_err **err)
{
	if (!own)
		return rc;
	if (rc < 0) {
		pod_store_rollback(s);
		return -1;
	}
	return pod_store_commit(s, err);
}

/* ---- options and labels ---- */

static int
parse_labels(char *const *labels, json_t *out, struct pod_err **err)
{
	for (size_t i = 0; labels && labels[i]; i++) {
		const char *l = labels[i];
		const char *eq = strchr(l, '=');
		cleanup_free char *key = eq ? xstrndup(l, (size_t) (eq - l)) : xstrdup(l);

		if (!*key)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "unable to process labels: invalid label format: \"%s\"",
					   l);
		json_object_set_new(out, key, pod_json_string(eq ? eq + 1 : ""));
	}
	return 0;
}

static int
parse_id(const char *what, const char *upper, const char *val, int64_t *ret,
	 struct pod_err **err)
{
	int64_t n;

	if (!val)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s option must provide a %s: invalid argument", what, upper);
	if (!pod_parse_int64(val, &n) || n < 0 || n > UINT32_MAX - 1)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "cannot convert %s %s to integer: strconv.Atoi: parsing \"%s\": "
				   "invalid syntax",
				   upper, val, val);
	*ret = n;
	return 0;
}

static bool
ci_in(const char *s, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (!strcasecmp(s, set[i]))
			return true;
	return false;
}

/*
 * Podman's ParseVolumeOptions plus libpod's local-driver checks: keys are
 * kept as typed; inside o=, uid= and gid= become UID/GID (and stay in o),
 * noquota becomes NOQUOTA, size= and inodes= need project quotas, which
 * we only honour for tmpfs (its own size= option).
 */
int
pod_volume_parse_opts(char *const *opts, struct pod_volume *v, struct pod_err **err)
{
	static const char *const known[] = { "device", "type",	  "o",	  "uid",    "gid",
					     "size",   "inodes",  "noquota", "copy", "nocopy",
					     NULL };
	const char *type = NULL;

	for (size_t i = 0; opts && opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');
		cleanup_free char *key = eq ? xstrndup(opts[i], (size_t) (eq - opts[i]))
					    : xstrdup(opts[i]);

		if (!ci_in(key, known))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid mount option %s for driver 'local': invalid "
					   "argument",
					   key);
		if (!strcasecmp(key, "type") && eq)
			type = eq + 1;
	}
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');
		cleanup_free char *key = eq ? xstrndup(opts[i], (size_t) (eq - opts[i]))
					    : xstrdup(opts[i]);
		const char *val = eq ? eq + 1 : "";

		if (!strcasecmp(key, "nocopy"))
			v->needs_copy_up = false;
		if (strcasecmp(key, "o") != 0) {
			json_object_set_new(v->options, key, pod_json_string(val));
			continue;
		}
		/* a later o= replaces an earlier one, with its uid/gid */
		json_object_del(v->options, "UID");
		json_object_del(v->options, "GID");
		json_object_del(v->options, "NOQUOTA");
		v->has_uid = v->has_gid = false;
		v->needs_chown = true;

		cleanup_strbuf struct pod_strbuf keep = POD_STRBUF_INIT;
		cleanup_free char *copy = xstrdup(val);
		char *save = NULL;
		for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			char *weq = strchr(w, '=');
			cleanup_free char *wkey = weq ? xstrndup(w, (size_t) (weq - w)) : xstrdup(w);
			const char *wval = weq ? weq + 1 : NULL;
			int64_t n = 0;

			if (!strcasecmp(wkey, "uid") || !strcasecmp(wkey, "gid")) {
				bool uid = !strcasecmp(wkey, "uid");
				if (parse_id(uid ? "uid" : "gid", uid ? "UID" : "GID", wval, &n,
					     err) < 0)
					return -1;
				if (uid) {
					v->has_uid = true;
					v->uid = (uid_t) n;
				} else {
					v->has_gid = true;
					v->gid = (gid_t) n;
				}
				v->needs_chown = false;
				json_object_set_new(v->options, uid ? "UID" : "GID",
						    json_string(wval));
			} else if (!strcasecmp(wkey, "noquota")) {
				json_object_set_new(v->options, "NOQUOTA", json_string("true"));
				continue;
			} else if ((!strcasecmp(wkey, "size") || !strcasecmp(wkey, "inodes")) &&
				   !(type && STREQ(type, "tmpfs"))) {
				return pod_err_set(err, POD_E_INVALID, 0,
						   "volume options size and inodes not supported. "
						   "Filesystem does not support Project Quota");
			}
			if (keep.len)
				pod_strbuf_addch(&keep, ',');
			pod_strbuf_adds(&keep, w);
		}
		if (keep.len || !*val)
			json_object_set_new(v->options, "o", pod_json_string(keep.buf));
	}
	return 0;
}

/* ---- rows ---- */

static char *
volume_dir(struct pod_store *s, const char *name)
{
	return xasprintf("%s/volumes/%s", pod_store_paths(s)->root, name);
}

static json_t *
row_data(const struct pod_volume *v)
{
	json_t *d = json_pack("{s:O,s:O,s:b,s:b,s:b}", "Labels", v->labels, "Options", v->options,
			      "Anonymous", v->anonymous, "NeedsCopyUp", v->needs_copy_up,
			      "NeedsChown", v->needs_chown);

	if (v->has_uid)
		json_object_set_new(d, "UID", json_integer(v->uid));
	if (v->has_gid)
		json_object_set_new(d, "GID", json_integer(v->gid));
	return d;
}

int
pod_volume_save_flags(struct pod_store *s, const struct pod_volume *v, struct pod_err **err)
{
	cleanup_json json_t *d = row_data(v);
	cleanup_free char *text = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
	cleanup_stmt sqlite3_stmt *st = NULL;
	bool own;
	int rc = -1;

	if (pod_volume_tx_begin(s, &own, err) < 0)
		return -1;
	st = pod_store_prepare(s, "UPDATE volumes SET data = ?2 WHERE name = ?1", err);
	if (st) {
		sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			pod_store_sqlite_err(s, err, "saving volume %s", v->name);
		else
			rc = 0;
	}
	return pod_volume_tx_end(s, own, rc, err);
}

static struct pod_volume *
volume_from_row(sqlite3_stmt *st)
{
	struct pod_volume *v = xcalloc(1, sizeof(*v));
	json_error_t jerr;
	json_t *d = json_loads((const char *) sqlite3_column_text(st, 4), 0, &jerr);
	json_int_t uid = -1, gid = -1;
	int anon = 0, copy = 0, chown_ = 0;

	v->name = xstrdup((const char *) sqlite3_column_text(st, 0));
	v->driver = xstrdup((const char *) sqlite3_column_text(st, 1));
	v->mountpoint = xstrdup((const char *) sqlite3_column_text(st, 2));
	v->created = sqlite3_column_int64(st, 3);
	v->mount_count = sqlite3_column_int64(st, 5);
	if (d && json_unpack(d, "{s?O,s?O,s?b,s?b,s?b,s?I,s?I}", "Labels", &v->labels, "Options",
			     &v->options, "Anonymous", &anon, "NeedsCopyUp", &copy, "NeedsChown",
			     &chown_, "UID", &uid, "GID", &gid) == 0) {
		v->anonymous = anon;
		v->needs_copy_up = copy;
		v->needs_chown = chown_;
		if (uid >= 0) {
			v->has_uid = true;
			v->uid = (uid_t) uid;
		}
		if (gid >= 0) {
			v->has_gid = true;
			v->gid = (gid_t) gid;
		}
	}
	if (!json_is_object(v->labels)) {
		json_decref(v->labels);
		v->labels = json_object();
	}
	if (!json_is_object(v->options)) {
		json_decref(v->options);
		v->options = json_object();
	}
	json_decref(d);
	return v;
}

#define SELECT_COLS "SELECT name, driver, mountpoint, created, data, mount_count FROM volumes"

/* 1 found, 0 not, -1 error */
static int
get_row(struct pod_store *s, const char *name, struct pod_volume **ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(s, SELECT_COLS " WHERE name = ?1", err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return pod_store_sqlite_err(s, err, "looking up volume %s", name);
	if (ret)
		*ret = volume_from_row(st);
	return 1;
}

int
pod_volume_get(struct pod_store *s, const char *name, struct pod_volume **ret,
	       struct pod_err **err)
{
	int rc = get_row(s, name, ret, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "no volume with name \"%s\" found: no such volume", name);
	return 0;
}

int
pod_volume_lookup(struct pod_store *s, const char *name_or_prefix, struct pod_volume **ret,
		  struct pod_err **err)
{
	cleanup_free char *name = NULL;

	if (pod_store_resolve(s, POD_OBJ_VOLUME, name_or_prefix, &name, err) < 0)
		return -1;
	return pod_volume_get(s, name, ret, err);
}

int
pod_volume_exists(struct pod_store *s, const char *name, struct pod_err **err)
{
	return get_row(s, name, NULL, err);
}

int
pod_volume_list(struct pod_store *s, struct pod_volume ***ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(s, SELECT_COLS " ORDER BY name", err);
	struct pod_volume **list = xcalloc(1, sizeof(*list));
	size_t n = 0;
	int rc;

	if (!st) {
		free(list);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		list = xrealloc(list, (n + 2) * sizeof(*list));
		list[n++] = volume_from_row(st);
		list[n] = NULL;
	}
	if (rc != SQLITE_DONE) {
		pod_volume_list_free(list);
		return pod_store_sqlite_err(s, err, "listing volumes");
	}
	*ret = list;
	return 0;
}

static int
insert_row(struct pod_store *s, const struct pod_volume *v, struct pod_err **err)
{
	cleanup_json json_t *d = row_data(v);
	cleanup_free char *text = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		s,
		"INSERT INTO volumes (name, driver, mountpoint, created, data) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
		err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->driver, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->mountpoint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, v->created);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "adding volume %s", v->name);
	return 0;
}

static void
volume_event(struct pod_store *s, const char *name, const char *status)
{
	struct pod_event ev = { .type = "volume", .status = status, .name = name };

	pod_event_emit(s, &ev);
}

int
pod_volume_create(struct pod_store *s, const struct pod_volume_opts *o,
		  struct pod_volume **ret, struct pod_err **err)
{
	cleanup_volume struct pod_volume *v = xcalloc(1, sizeof(*v));
	cleanup_free char *dir = NULL;
	char id[POD_ID_LEN + 1];
	bool own = false, made_dir = false;
	int rc;

	if (o->name && !pod_volume_name_valid(o->name))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "running volume create option: names must match " NAME_RULE
				   ": invalid argument");
	if (o->driver && *o->driver && !STREQ(o->driver, "local"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "volume plugin %s (driver) not found: no such volume plugin",
				   o->driver);
	if (!o->name)
		pod_id_new(id);
	v->name = xstrdup(o->name ? o->name : id);
	v->driver = xstrdup("local");
	v->labels = json_object();
	v->options = json_object();
	v->anonymous = o->anonymous;
	v->needs_copy_up = true;
	v->needs_chown = true;
	if (parse_labels(o->labels, v->labels, err) < 0 ||
	    pod_volume_parse_opts(o->options, v, err) < 0)
		return -1;
	dir = volume_dir(s, v->name);
	v->mountpoint = pod_path_join(dir, "_data");
	v->created = pod_now_ns();

	if (pod_volume_tx_begin(s, &own, err) < 0)
		return -1;
	rc = get_row(s, v->name, o->ignore_exists ? ret : NULL, err);
	if (rc != 0) {
		if (rc > 0 && !o->ignore_exists)
			pod_err_set(err, POD_E_EXISTS, 0,
				    "volume with name %s already exists: volume already exists",
				    v->name);
		return pod_volume_tx_end(s, own, rc > 0 && o->ignore_exists ? 0 : -1, err);
	}
	/* the directory first: a crash leaves an orphan directory, never a dangling row */
	if (mkdir(dir, 0700) < 0) {
		if (errno != EEXIST) {
			pod_err_sys(err, "creating volume directory %s", dir);
			goto fail;
		}
	} else {
		made_dir = true;
	}
	if (mkdir(v->mountpoint, 0755) < 0 && errno != EEXIST) {
		pod_err_sys(err, "creating volume directory %s", v->mountpoint);
		goto fail;
	}
	if ((v->has_uid || v->has_gid) &&
	    lchown(v->mountpoint, v->has_uid ? v->uid : (uid_t) -1,
		   v->has_gid ? v->gid : (gid_t) -1) < 0) {
		pod_err_sys(err, "chowning volume directory %s", v->mountpoint);
		goto fail;
	}
	if (insert_row(s, v, err) < 0)
		goto fail;
	if (pod_volume_tx_end(s, own, 0, err) < 0) {
		own = false;
		goto fail;
	}
	volume_event(s, v->name, "create");
	*ret = TAKE_PTR(v);
	return 0;
fail:
	pod_volume_tx_end(s, own, -1, NULL);
	if (made_dir) {
		struct pod_err *e = NULL;
		if (pod_rm_rf(dir, &e) < 0)
			pod_err_free(&e);
	}
	return -1;
}

/* ---- users ---- */

int
pod_volume_users(struct pod_store *s, const char *name, char ***ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		s, "SELECT container_id FROM volume_users WHERE volume = ?1 ORDER BY container_id",
		err);
	cleanup_strv char **v = NULL;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	v = xcalloc(1, sizeof(char *));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		v = pod_strv_push(v, xstrdup((const char *) sqlite3_column_text(st, 0)));
	if (rc != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "listing users of volume %s", name);
	*ret = TAKE_PTR(v);
	return 0;
}

static int
user_change(struct pod_store *s, const char *sql, const char *name, const char *ctr,
	    struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	bool own;
	int rc = -1;

	if (pod_volume_tx_begin(s, &own, err) < 0)
		return -1;
	st = pod_store_prepare(s, sql, err);
	if (st) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ctr, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			pod_store_sqlite_err(s, err, "updating users of volume %s", name);
		else
			rc = 0;
	}
	pod_stmt_finalizep(&st);
	return pod_volume_tx_end(s, own, rc, err);
}

int
pod_volume_add_user(struct pod_store *s, const char *name, const char *container_id,
		    struct pod_err **err)
{
	return user_change(s,
			   "INSERT OR IGNORE INTO volume_users (volume, container_id) "
			   "VALUES (?1, ?2)",
			   name, container_id, err);
}

int
pod_volume_remove_user(struct pod_store *s, const char *name, const char *container_id,
		       struct pod_err **err)
{
	return user_change(s, "DELETE FROM volume_users WHERE volume = ?1 AND container_id = ?2",
			   name, container_id, err);
}

/* ---- remove ---- */

int
pod_volume_remove(struct pod_store *s, const char *name, unsigned flags, struct pod_err **err)
{
	cleanup_strv char **users = NULL;
	cleanup_free char *dir = volume_dir(s, name);
	cleanup_free char *data = pod_path_join(dir, "_data");
	cleanup_stmt sqlite3_stmt *st = NULL;
	bool own;
	int rc;

	if (pod_volume_tx_begin(s, &own, err) < 0)
		return -1;
	rc = get_row(s, name, NULL, err);
	if (rc == 0)
		pod_err_set(err, POD_E_NOTFOUND, 0,
			    "no volume with name \"%s\" found: no such volume", name);
	if (rc <= 0)
		return pod_volume_tx_end(s, own, -1, err);
	if (pod_volume_users(s, name, &users, err) < 0)
		return pod_volume_tx_end(s, own, -1, err);
	if (users[0] && !(flags & POD_VOLUME_RM_FORCE)) {
		cleanup_strbuf struct pod_strbuf ids = POD_STRBUF_INIT;
		for (size_t i = 0; users[i]; i++)
			pod_strbuf_addf(&ids, "%s%s", i ? ", " : "", users[i]);
		pod_err_set(err, POD_E_INUSE, 0,
			    "volume %s is being used by the following container(s): %s: volume is "
			    "being used",
			    name, ids.buf);
		return pod_volume_tx_end(s, own, -1, err);
	}
	st = pod_store_prepare(s, "DELETE FROM volumes WHERE name = ?1", err);
	if (!st)
		return pod_volume_tx_end(s, own, -1, err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		pod_store_sqlite_err(s, err, "removing volume %s", name);
		return pod_volume_tx_end(s, own, -1, err);
	}
	pod_stmt_finalizep(&st);
	if (pod_volume_tx_end(s, own, 0, err) < 0)
		return -1;
	volume_event(s, name, "remove");
	/* the row is gone: what is left on disk is garbage, removed now */
	if (pod_volume_is_mounted(data) == 1 && umount2(data, MNT_DETACH) < 0)
		return pod_err_sys(err, "unmounting volume %s", name);
	return pod_rm_rf(dir, err);
}

/* ---- inspect ---- */

char *
pod_volume_time_rfc3339(int64_t ns)
{
	time_t sec = (time_t) (ns / 1000000000);
	long frac = (long) (ns % 1000000000);
	struct tm tm;
	char date[64], fr[16] = "", zone[48];

	if (!localtime_r(&sec, &tm))
		gmtime_r(&sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac) {
		int len = snprintf(fr, sizeof(fr), ".%09ld", frac);
		while (len > 1 && fr[len - 1] == '0')
			fr[--len] = '\0';
	}
	if (tm.tm_gmtoff == 0) {
		snprintf(zone, sizeof(zone), "Z");
	} else {
		long off = tm.tm_gmtoff;
		char sign = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", sign, off / 3600, (off / 60) % 60);
	}
	return xasprintf("%s%s%s", date, fr, zone);
}

char *
pod_volume_time_go(int64_t ns)
{
	time_t sec = (time_t) (ns / 1000000000);
	long frac = (long) (ns % 1000000000);
	struct tm tm;
	char date[64], fr[16] = "", zone[64];

	if (!localtime_r(&sec, &tm))
		gmtime_r(&sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	if (frac) {
		int len = snprintf(fr, sizeof(fr), ".%09ld", frac);
		while (len > 1 && fr[len - 1] == '0')
			fr[--len] = '\0';
	}
	strftime(zone, sizeof(zone), "%z %Z", &tm);
	return xasprintf("%s%s %s", date, fr, zone);
}

static int
strcmp_p(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Go marshals a map with its keys sorted */
static json_t *
sorted_copy(json_t *obj)
{
	json_t *out = json_object();
	size_t n = json_object_size(obj), i = 0;
	const char **keys = xcalloc(n + 1, sizeof(*keys));
	const char *k;
	json_t *val;

	json_object_foreach(obj, k, val)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), strcmp_p);
	for (i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(obj, keys[i]));
	free(keys);
	return out;
}

json_t *
pod_volume_inspect_json(const struct pod_volume *v)
{
	cleanup_free char *created = pod_volume_time_rfc3339(v->created);
	json_t *o = json_object();

	json_object_set_new(o, "Name", json_string(v->name));
	json_object_set_new(o, "Driver", json_string(v->driver));
	json_object_set_new(o, "Mountpoint", pod_json_string(v->mountpoint));
	json_object_set_new(o, "CreatedAt", json_string(created));
	json_object_set_new(o, "Labels", sorted_copy(v->labels));
	json_object_set_new(o, "Scope", json_string("local"));
	json_object_set_new(o, "Options", sorted_copy(v->options));
	if (v->has_uid && v->uid)
		json_object_set_new(o, "UID", json_integer(v->uid));
	if (v->has_gid && v->gid)
		json_object_set_new(o, "GID", json_integer(v->gid));
	if (v->anonymous)
		json_object_set_new(o, "Anonymous", json_true());
	json_object_set_new(o, "MountCount", json_integer(v->mount_count));
	if (v->needs_copy_up)
		json_object_set_new(o, "NeedsCopyUp", json_true());
	if (v->needs_chown)
		json_object_set_new(o, "NeedsChown", json_true());
	return o;
}
