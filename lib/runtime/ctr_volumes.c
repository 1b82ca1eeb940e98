/*
 * ctr_volumes.c - named and anonymous volumes of a container.
 *
 * create resolves every volume the container will use into data.VolumeMounts
 * (see ctr-internal.h): `-v NAME:/dst`, `-v /dst`, `--mount type=volume`,
 * the image's Volumes and `--volumes-from`. Named volumes are created on
 * first use, anonymous ones get a random name; the container becomes a user
 * of each (volume_users) in the transaction that inserts its row. start
 * mounts the volumes that have a file system (pod_volume_mount), chowns new
 * volumes to the container's user and copies the image's content into new
 * ones; cleanup unmounts what start mounted (data.MountedVolumes).
 */
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "runtime/ctr-internal.h"
#include "runtime/specgen.h"
#include "store/volume.h"

#include <errno.h>
#include <ftw.h>
#include <unistd.h>

static bool
is_propagation(const char *o)
{
	static const char *const p[] = { "private", "rprivate", "shared",  "rshared",
					 "slave",   "rslave",	"unbindable", "runbindable" };
	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		if (STREQ(o, p[i]))
			return true;
	return false;
}

static bool
has_str(json_t *a, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (STREQ(json_string_value(v), s))
			return true;
	return false;
}

/*
 * An entry from a parsed mount object (pod_specgen_parse_volume/_mount):
 * Options as Podman's inspect shows them (the user's, then nosuid, nodev and
 * rbind for volumes), RW and Propagation apart.
 */
static json_t *
entry_from_mount(json_t *m, const char *name)
{
	const char *type = json_string_value(json_object_get(m, "type"));
	bool is_vol = STREQ(type, "volume");
	json_t *opts = json_array(), *o;
	const char *prop = is_vol ? "rprivate" : "";
	bool rw = true, nocopy = false, suid = false, dev = false, bind = false;
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(m, "options"), i, o) {
		const char *s = json_string_value(o);
		if (STREQ(s, "ro"))
			rw = false;
		else if (STREQ(s, "rw"))
			continue;
		else if (is_propagation(s))
			prop = s;
		else {
			nocopy |= STREQ(s, "nocopy");
			suid |= STREQ(s, "suid") || STREQ(s, "nosuid");
			dev |= STREQ(s, "dev") || STREQ(s, "nodev");
			bind |= STREQ(s, "bind") || STREQ(s, "rbind");
			json_array_append(opts, o);
		}
	}
	if (is_vol) {
		if (!suid)
			json_array_append_new(opts, json_string("nosuid"));
		if (!dev)
			json_array_append_new(opts, json_string("nodev"));
		if (!bind)
			json_array_append_new(opts, json_string("rbind"));
	}
	e = json_pack("{s:s, s:O, s:o, s:b, s:s}", "Type", is_vol ? "volume" : "bind",
		      "Destination", json_object_get(m, "destination"), "Options", opts, "RW", rw,
		      "Propagation", prop);
	if (is_vol) {
		json_object_set_new(e, "Name", json_string(name));
		json_object_set_new(e, "NoCopy", json_boolean(nocopy));
	} else {
		json_object_set(e, "Source", json_object_get(m, "source"));
	}
	return e;
}

static bool
dest_taken(json_t *entries, json_t *user_dests, const char *dest)
{
	json_t *v;
	size_t i;

	if (has_str(user_dests, dest))
		return true;
	json_array_foreach(entries, i, v)
		if (STREQ(json_string_value(json_object_get(v, "Destination")), dest))
			return true;
	return false;
}

/* the volume NAME ("" or NULL: a new anonymous one); *created when it is new */
static int
get_or_create(struct pod_engine *e, const char *name, char **ret_name, bool *created,
	      struct pod_err **err)
{
	cleanup_volume struct pod_volume *v = NULL;
	struct pod_volume_opts o = { 0 };

	*created = false;
	if (name && *name) {
		if (pod_volume_get(e->store, name, &v, err) == 0) {
			*ret_name = xstrdup(v->name);
			return 0;
		}
		if ((*err)->kind != POD_E_NOTFOUND)
			return -1;
		pod_err_free(err);
		o.name = name;
		o.ignore_exists = true; /* another create may have made it meanwhile */
	} else {
		o.anonymous = true;
	}
	if (pod_volume_create(e->store, &o, &v, err) < 0)
		return pod_err_wrap(err, "creating volume %s", name && *name ? name : "(anonymous)");
	*ret_name = xstrdup(v->name);
	*created = true;
	return 0;
}

void
pod_ctr_volumes_discard(struct pod_engine *e, json_t *entries)
{
	json_t *v;
	size_t i;

	json_array_foreach(entries, i, v) {
		struct pod_err *e2 = NULL;
		if (!json_is_true(json_object_get(v, "New")))
			continue;
		if (pod_volume_remove(e->store, json_string_value(json_object_get(v, "Name")), 0,
				      &e2) < 0)
			pod_err_free(&e2);
	}
}

/* adds the entries of another container (--volumes-from CTR[:ro|rw|z]) */
static int
volumes_from(struct pod_engine *e, const char *spec, json_t *entries, json_t *user_dests,
	     struct pod_err **err)
{
	const char *colon = strchr(spec, ':');
	cleanup_free char *ref = colon ? xstrndup(spec, (size_t) (colon - spec)) : xstrdup(spec);
	cleanup_ctr struct pod_ctr *src = NULL;
	cleanup_json json_t *theirs = json_array();
	int rw_override = -1; /* -1: keep, 0: ro, 1: rw */
	json_t *v;
	size_t i;

	if (colon) {
		cleanup_free char *opts = xstrdup(colon + 1);
		char *rest = opts, *o;
		while ((o = strsep(&rest, ","))) {
			if (!*o)
				continue;
			if (STREQ(o, "ro") || STREQ(o, "rw")) {
				if (rw_override >= 0)
					return pod_err_set(err, POD_E_INVALID, 0,
							   "cannot set ro or rw options more than "
							   "once: invalid argument");
				rw_override = STREQ(o, "rw");
			} else if (!STREQ(o, "z") && !STREQ(o, "Z")) {
				return pod_err_set(err, POD_E_INVALID, 0,
						   "invalid options %s, can only specify 'ro', 'rw', "
						   "and 'z': invalid argument", colon + 1);
			}
		}
	}
	if (pod_ctr_lookup(e, ref, &src, err) < 0)
		return -1;
	json_array_foreach(json_object_get(src->data, "VolumeMounts"), i, v)
		json_array_append_new(theirs, json_deep_copy(v));
	json_array_foreach(json_object_get(src->settings, "Volumes"), i, v) {
		struct pod_err *e2 = NULL;
		cleanup_json json_t *m = pod_specgen_parse_volume(json_string_value(v), &e2);
		if (!m) {
			pod_err_free(&e2);
			continue;
		}
		if (STREQ(json_string_value(json_object_get(m, "type")), "bind"))
			json_array_append_new(theirs, entry_from_mount(m, NULL));
	}
	json_array_foreach(json_object_get(src->settings, "Mounts"), i, v) {
		struct pod_err *e2 = NULL;
		cleanup_json json_t *m = pod_specgen_parse_mount(json_string_value(v), &e2);
		if (!m) {
			pod_err_free(&e2);
			continue;
		}
		if (STREQ(json_string_value(json_object_get(m, "type")), "bind"))
			json_array_append_new(theirs, entry_from_mount(m, NULL));
	}
	json_array_foreach(theirs, i, v) {
		const char *dest = json_string_value(json_object_get(v, "Destination"));
		if (dest_taken(entries, user_dests, dest))
			continue;
		json_object_del(v, "New");
		if (rw_override >= 0)
			json_object_set_new(v, "RW", json_boolean(rw_override));
		json_array_append(entries, v);
	}
	return 0;
}

int
pod_ctr_volumes_prepare(struct pod_engine *e, json_t *settings, json_t *image_config,
			json_t **ret, struct pod_err **err)
{
	cleanup_json json_t *entries = json_array();
	cleanup_json json_t *user = json_array(), *user_dests = json_array();
	json_t *v, *m;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(settings, "Volumes"), i, v) {
		m = pod_specgen_parse_volume(json_string_value(v), err);
		if (!m)
			goto fail;
		json_array_append_new(user, m);
	}
	json_array_foreach(json_object_get(settings, "Mounts"), i, v) {
		m = pod_specgen_parse_mount(json_string_value(v), err);
		if (!m)
			goto fail;
		json_array_append_new(user, m);
	}
	json_array_foreach(json_object_get(settings, "Tmpfs"), i, v) {
		m = pod_specgen_parse_tmpfs(json_string_value(v), err);
		if (!m)
			goto fail;
		json_array_append_new(user, m);
	}
	json_array_foreach(user, i, m) {
		json_t *dest = json_object_get(m, "destination");
		if (has_str(user_dests, json_string_value(dest))) {
			pod_err_set(err, POD_E_INVALID, 0, "%s: duplicate mount destination",
				    json_string_value(dest));
			goto fail;
		}
		json_array_append(user_dests, dest);
	}
	json_array_foreach(user, i, m) {
		cleanup_free char *name = NULL;
		json_t *entry;
		bool created;
		if (!STREQ(json_string_value(json_object_get(m, "type")), "volume"))
			continue;
		if (get_or_create(e, json_string_value(json_object_get(m, "source")), &name,
				  &created, err) < 0)
			goto fail;
		entry = entry_from_mount(m, name);
		if (!*json_string_value(json_object_get(m, "source")))
			json_object_set_new(entry, "Anonymous", json_true());
		if (created)
			json_object_set_new(entry, "New", json_true());
		json_array_append_new(entries, entry);
	}
	json_array_foreach(json_object_get(settings, "VolumesFrom"), i, v)
		if (volumes_from(e, json_string_value(v), entries, user_dests, err) < 0)
			goto fail;
	json_object_foreach(json_object_get(image_config, "Volumes"), k, v) {
		cleanup_free char *name = NULL;
		cleanup_json json_t *mo = NULL;
		bool created;
		if (k[0] != '/' || dest_taken(entries, user_dests, k))
			continue;
		if (get_or_create(e, NULL, &name, &created, err) < 0)
			goto fail;
		mo = json_pack("{s:s, s:s, s:s, s:[]}", "type", "volume", "source", "",
			       "destination", k, "options");
		m = entry_from_mount(mo, name);
		json_object_set_new(m, "Anonymous", json_true());
		json_object_set_new(m, "New", json_true());
		json_array_append_new(entries, m);
	}
	*ret = TAKE_PTR(entries);
	return 0;
fail:
	pod_ctr_volumes_discard(e, entries);
	return -1;
}

int
pod_ctr_volumes_add_users(struct pod_engine *e, json_t *entries, const char *id,
			  struct pod_err **err)
{
	json_t *v;
	size_t i;

	json_array_foreach(entries, i, v) {
		if (!STREQ(json_string_value(json_object_get(v, "Type")), "volume"))
			continue;
		if (pod_volume_add_user(e->store, json_string_value(json_object_get(v, "Name")),
					id, err) < 0)
			return -1;
	}
	return 0;
}

/* the options handed to the runtime: no engine-only words, propagation and ro added */
static json_t *
oci_options(json_t *entry)
{
	json_t *out = json_array(), *o;
	const char *prop = json_string_value(json_object_get(entry, "Propagation"));
	size_t i;

	json_array_foreach(json_object_get(entry, "Options"), i, o) {
		const char *s = json_string_value(o);
		if (STREQ(s, "nocopy") || STREQ(s, "copy") || STREQ(s, "U") || STREQ(s, "z") ||
		    STREQ(s, "Z"))
			continue;
		json_array_append(out, o);
	}
	if (!has_str(out, "rbind") && !has_str(out, "bind"))
		json_array_append_new(out, json_string("rbind"));
	json_array_append_new(out, json_string(prop && *prop ? prop : "rprivate"));
	if (!json_is_true(json_object_get(entry, "RW")))
		json_array_append_new(out, json_string("ro"));
	return out;
}

static void
unmount_names(struct pod_engine *e, json_t *names)
{
	json_t *v;
	size_t i;

	json_array_foreach(names, i, v) {
		cleanup_volume struct pod_volume *vol = NULL;
		struct pod_err *e2 = NULL;
		if (pod_volume_get(e->store, json_string_value(v), &vol, &e2) < 0 ||
		    pod_volume_unmount(e->store, vol, &e2) < 0) {
			pod_debug("unmounting volume %s: %s", json_string_value(v), e2->msg);
			pod_err_free(&e2);
		}
	}
}

int
pod_ctr_volumes_mount(struct pod_engine *e, struct pod_ctr *c, json_t **ret_mounts,
		      struct pod_err **err)
{
	cleanup_json json_t *mounts = json_array();
	cleanup_json json_t *mounted = json_array();
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(c->data, "VolumeMounts"), i, v) {
		const char *dest = json_string_value(json_object_get(v, "Destination"));
		cleanup_volume struct pod_volume *vol = NULL;
		cleanup_free char *path = NULL;
		if (!STREQ(json_string_value(json_object_get(v, "Type")), "volume")) {
			json_array_append_new(mounts, json_pack("{s:s, s:s, s:O, s:o}", "destination",
								dest, "type", "bind", "source",
								json_object_get(v, "Source"),
								"options", oci_options(v)));
			continue;
		}
		if (pod_volume_get(e->store, json_string_value(json_object_get(v, "Name")), &vol,
				   err) < 0)
			goto fail;
		if (pod_volume_mount(e->store, vol, &path, err) < 0)
			goto fail;
		if (pod_volume_needs_mount(vol))
			json_array_append_new(mounted, json_string(vol->name));
		json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:o}", "destination", dest,
							"type", "bind", "source", path, "options",
							oci_options(v)));
	}
	if (json_array_size(mounted))
		json_object_set(c->data, "MountedVolumes", mounted);
	*ret_mounts = TAKE_PTR(mounts);
	return 0;
fail:
	unmount_names(e, mounted);
	return -1;
}

static uid_t chown_uid;
static gid_t chown_gid;

static int
chown_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void) st;
	(void) type;
	(void) ftw;
	if (lchown(path, chown_uid, chown_gid) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

int
pod_ctr_volumes_populate(struct pod_engine *e, struct pod_ctr *c, const char *rootfs,
			 json_t *spec, struct pod_err **err)
{
	json_t *user = json_object_get(json_object_get(spec, "process"), "user");
	uid_t uid = (uid_t) json_integer_value(json_object_get(user, "uid"));
	gid_t gid = (gid_t) json_integer_value(json_object_get(user, "gid"));
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(c->data, "VolumeMounts"), i, v) {
		cleanup_volume struct pod_volume *vol = NULL;
		if (!STREQ(json_string_value(json_object_get(v, "Type")), "volume"))
			continue;
		if (pod_volume_get(e->store, json_string_value(json_object_get(v, "Name")), &vol,
				   err) < 0)
			return -1;
		if (pod_volume_chown(e->store, vol, uid, gid, err) < 0)
			return -1;
		if (!json_is_true(json_object_get(v, "NoCopy")) &&
		    pod_volume_copy_up(e->store, vol, rootfs,
				       json_string_value(json_object_get(v, "Destination")),
				       err) < 0)
			return -1;
		if (has_str(json_object_get(v, "Options"), "U")) {
			chown_uid = uid;
			chown_gid = gid;
			if (nftw(vol->mountpoint, chown_one, 64, FTW_PHYS) != 0)
				return pod_err_sys(err, "chowning volume %s to %u:%u", vol->name,
						   (unsigned) uid, (unsigned) gid);
		}
	}
	return 0;
}

bool
pod_ctr_volumes_unmount(struct pod_engine *e, struct pod_ctr *c)
{
	json_t *names = json_object_get(c->data, "MountedVolumes");

	if (!json_array_size(names))
		return false;
	unmount_names(e, names);
	json_object_del(c->data, "MountedVolumes");
	return true;
}

int
pod_ctr_remove_volumes(struct pod_engine *e, const struct pod_ctr *c, struct pod_err **err)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(c->data, "VolumeMounts"), i, v) {
		struct pod_err *e2 = NULL;
		const char *name = json_string_value(json_object_get(v, "Name"));
		if (!name || !json_is_true(json_object_get(v, "Anonymous")))
			continue;
		if (pod_volume_remove(e->store, name, 0, &e2) < 0) {
			if (e2->kind != POD_E_INUSE && e2->kind != POD_E_NOTFOUND) {
				*err = e2;
				return -1;
			}
			pod_err_free(&e2);
		}
	}
	return 0;
}

json_t *
pod_ctr_volumes_inspect(struct pod_engine *e, const struct pod_ctr *c)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(json_object_get(c->data, "VolumeMounts"), i, v) {
		bool is_vol = STREQ(json_string_value(json_object_get(v, "Type")), "volume");
		json_t *o = json_object();
		json_object_set_new(o, "Type", json_string(is_vol ? "volume" : "bind"));
		if (is_vol) {
			const char *name = json_string_value(json_object_get(v, "Name"));
			cleanup_free char *src = xasprintf("%s/volumes/%s/_data", e->root, name);
			json_object_set_new(o, "Name", json_string(name));
			json_object_set_new(o, "Source", pod_json_string(src));
		} else {
			json_object_set(o, "Source", json_object_get(v, "Source"));
		}
		json_object_set(o, "Destination", json_object_get(v, "Destination"));
		json_object_set_new(o, "Driver", json_string(is_vol ? "local" : ""));
		json_object_set_new(o, "Mode", json_string(""));
		json_object_set(o, "Options", json_object_get(v, "Options"));
		json_object_set(o, "RW", json_object_get(v, "RW"));
		json_object_set(o, "Propagation", json_object_get(v, "Propagation"));
		json_array_append_new(out, o);
	}
	return out;
}

json_t *
pod_ctr_volumes_binds(const struct pod_ctr *c)
{
	static const char *const dflt[] = { "nosuid", "nodev", "rbind" };
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(json_object_get(c->data, "VolumeMounts"), i, v) {
		json_t *opts = json_object_get(v, "Options"), *o;
		const char *prop = json_string_value(json_object_get(v, "Propagation"));
		struct pod_strbuf sb = POD_STRBUF_INIT;
		size_t j;
		if (!STREQ(json_string_value(json_object_get(v, "Type")), "volume"))
			continue;
		pod_strbuf_adds(&sb, json_string_value(json_object_get(v, "Name")));
		pod_strbuf_addch(&sb, ':');
		pod_strbuf_adds(&sb, json_string_value(json_object_get(v, "Destination")));
		pod_strbuf_adds(&sb, json_is_true(json_object_get(v, "RW")) ? ":rw" : ":ro");
		json_array_foreach(opts, j, o) {
			bool is_dflt = false;
			for (size_t k = 0; k < ARRAY_SIZE(dflt); k++)
				is_dflt |= STREQ(json_string_value(o), dflt[k]);
			if (is_dflt)
				continue;
			pod_strbuf_addch(&sb, ',');
			pod_strbuf_adds(&sb, json_string_value(o));
		}
		if (prop && *prop) {
			pod_strbuf_addch(&sb, ',');
			pod_strbuf_adds(&sb, prop);
		}
		json_array_foreach(opts, j, o)
			for (size_t k = 0; k < ARRAY_SIZE(dflt); k++)
				if (STREQ(json_string_value(o), dflt[k])) {
					pod_strbuf_addch(&sb, ',');
					pod_strbuf_adds(&sb, dflt[k]);
				}
		json_array_append_new(out, pod_json_string(sb.buf));
		pod_strbuf_release(&sb);
	}
	return out;
}
