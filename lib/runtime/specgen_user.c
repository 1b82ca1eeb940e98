/* specgen_user.c - --user and --group-add resolved in the image's /etc/passwd and /etc/group */
#include "runtime/specgen.h"
#include "core/fs.h"
#include "core/json.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define DB_MAX (4u << 20)

/* reads /etc/NAME from the rootfs; *ret NULL when it is not there */
static int
read_db(int rootfd, const char *path, char **ret, struct pod_err **err)
{
	cleanup_close int fd = -1;
	struct pod_err *e = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	fd = pod_openat_in_root(rootfd, path, O_RDONLY | O_NOCTTY, 0, &e);
	if (fd < 0) {
		if (e->errnum == ENOENT || e->errnum == ENOTDIR) {
			pod_err_free(&e);
			*ret = NULL;
			return 0;
		}
		*err = e;
		return -1;
	}
	for (;;) {
		ssize_t n;
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return pod_err_sys(err, "reading %s", path);
		}
		if (n == 0)
			break;
		len += (size_t) n;
		if (len > DB_MAX) {
			free(buf);
			return pod_err_set(err, POD_E_INVALID, EFBIG, "%s is too large", path);
		}
	}
	if (!buf)
		buf = xmalloc(1);
	buf[len] = '\0';
	*ret = buf;
	return 0;
}

/* the field-th ':'-separated field of a line, malloc'd (NULL when missing) */
static char *
field(const char *line, size_t len, int n)
{
	const char *p = line, *end = line + len;

	for (int i = 0; i < n; i++) {
		p = memchr(p, ':', (size_t) (end - p));
		if (!p)
			return NULL;
		p++;
	}
	const char *q = memchr(p, ':', (size_t) (end - p));
	return xstrndup(p, (size_t) ((q ? q : end) - p));
}

static bool
parse_id(const char *s, uint32_t *ret)
{
	int64_t v;

	if (!s || !*s || !pod_parse_int64(s, &v) || v < 0 || v > UINT32_MAX - 1)
		return false;
	*ret = (uint32_t) v;
	return true;
}

/*
 * Finds the line whose name (field 0) or, when numeric, id (field 2)
 * matches; calls back with the line. Returns 1 found, 0 not.
 */
static int
db_find(const char *db, const char *key, bool numeric, char **ret_line)
{
	const char *p = db;

	while (p && *p) {
		const char *nl = strchrnul(p, '\n');
		size_t len = (size_t) (nl - p);
		if (len && p[0] != '#') {
			cleanup_free char *f = field(p, len, numeric ? 2 : 0);
			if (f && STREQ(f, key)) {
				*ret_line = xstrndup(p, len);
				return 1;
			}
		}
		p = *nl ? nl + 1 : NULL;
	}
	return 0;
}

static int
lookup_group(const char *groupdb, const char *g, gid_t *ret, struct pod_err **err)
{
	uint32_t id;
	cleanup_free char *line = NULL, *gid_s = NULL;

	if (parse_id(g, &id)) {
		*ret = id;
		return 0;
	}
	if (!groupdb || !db_find(groupdb, g, false, &line))
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "unable to find group %s: no matching entries in group file", g);
	gid_s = field(line, strlen(line), 2);
	if (!parse_id(gid_s, &id))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid group entry for %s", g);
	*ret = id;
	return 0;
}

static void
add_gid(json_t *gids, gid_t g, gid_t primary)
{
	size_t i;
	json_t *v;

	if (g == primary)
		return;
	json_array_foreach(gids, i, v)
		if ((gid_t) json_integer_value(v) == g)
			return;
	json_array_append_new(gids, json_integer(g));
}

int
pod_specgen_resolve_user(int rootfd, const char *user, char *const *group_add, uid_t *ret_uid,
			 gid_t *ret_gid, json_t **ret_additional_gids, char **ret_home,
			 struct pod_err **err)
{
	cleanup_free char *passwd = NULL, *group = NULL, *uname = NULL, *gname = NULL;
	cleanup_free char *line = NULL, *home = NULL, *username = NULL;
	cleanup_json json_t *gids = json_array();
	const char *colon;
	uint32_t uid = 0, gid = 0;
	bool have_gid = false;

	if (!user || !*user)
		user = "0";
	colon = strchr(user, ':');
	uname = colon ? xstrndup(user, (size_t) (colon - user)) : xstrdup(user);
	gname = colon ? xstrdup(colon + 1) : NULL;
	if (read_db(rootfd, "/etc/passwd", &passwd, err) < 0 ||
	    read_db(rootfd, "/etc/group", &group, err) < 0)
		return -1;

	if (parse_id(uname, &uid)) {
		if (passwd && db_find(passwd, uname, true, &line)) {
			cleanup_free char *g = field(line, strlen(line), 3);
			username = field(line, strlen(line), 0);
			home = field(line, strlen(line), 5);
			have_gid = parse_id(g, &gid);
		}
	} else {
		cleanup_free char *u = NULL, *g = NULL;
		if (!passwd || !db_find(passwd, uname, false, &line))
			return pod_err_set(err, POD_E_NOTFOUND, 0,
					   "unable to find user %s: no matching entries in passwd "
					   "file", uname);
		u = field(line, strlen(line), 2);
		g = field(line, strlen(line), 3);
		if (!parse_id(u, &uid))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid passwd entry for %s",
					   uname);
		have_gid = parse_id(g, &gid);
		username = xstrdup(uname);
		home = field(line, strlen(line), 5);
	}
	if (gname && *gname) {
		if (lookup_group(group, gname, &gid, err) < 0)
			return -1;
	} else if (!have_gid) {
		gid = 0;
	}

	/* supplementary groups: every group listing the user, as Podman's chrootuser does */
	if (username && group && !gname) {
		const char *p = group;
		while (p && *p) {
			const char *nl = strchrnul(p, '\n');
			size_t len = (size_t) (nl - p);
			cleanup_free char *members = len ? field(p, len, 3) : NULL;
			cleanup_free char *gs = len ? field(p, len, 2) : NULL;
			uint32_t g;
			if (members && parse_id(gs, &g)) {
				char *save = members;
				while (save && *save) {
					char *comma = strchr(save, ',');
					if (comma)
						*comma = '\0';
					if (STREQ(save, username))
						add_gid(gids, g, gid);
					save = comma ? comma + 1 : NULL;
				}
			}
			p = *nl ? nl + 1 : NULL;
		}
	}
	for (size_t i = 0; group_add && group_add[i]; i++) {
		gid_t g;
		if (STREQ(group_add[i], "keep-groups"))
			continue;
		if (lookup_group(group, group_add[i], &g, err) < 0)
			return -1;
		add_gid(gids, g, (gid_t) -1);
	}
	*ret_uid = uid;
	*ret_gid = gid;
	*ret_additional_gids = TAKE_PTR(gids);
	if (ret_home)
		*ret_home = home && *home ? TAKE_PTR(home) : xstrdup("/");
	return 0;
}
