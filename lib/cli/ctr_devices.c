/* ctr_devices.c - --device and --sysctl values (see ctr_devices.h) */
#include "cli/ctr_devices.h"
#include "core/human.h"
#include "core/json.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define MAX_DEPTH 8

static bool
valid_mode(const char *m)
{
	bool seen[3] = { false, false, false };

	if (!*m || strlen(m) > 3)
		return false;
	for (; *m; m++) {
		const char *k = strchr("rwm", *m);
		if (!k || seen[k - "rwm"])
			return false;
		seen[k - "rwm"] = true;
	}
	return true;
}

static void
add_one(json_t *a, const char *host, const char *ctr, const char *perms)
{
	json_array_append_new(a, json_pack("{s:o, s:o, s:s}", "PathOnHost", pod_json_string(host),
					   "PathInContainer", pod_json_string(ctr),
					   "CgroupPermissions", perms));
}

/* every device node below dir, at the same place below ctr */
static int
add_dir(json_t *a, const char *dir, const char *ctr, const char *perms, int depth,
	struct pod_err **err)
{
	DIR *d;
	struct dirent *de;

	if (depth > MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d)
		return pod_err_sys(err, "open %s", dir);
	while ((de = readdir(d))) {
		cleanup_free char *h = NULL, *c = NULL;
		struct stat st;
		if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		h = xasprintf("%s/%s", dir, de->d_name);
		c = xasprintf("%s/%s", ctr, de->d_name);
		if (lstat(h, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (add_dir(a, h, c, perms, depth + 1, err) < 0) {
				closedir(d);
				return -1;
			}
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			add_one(a, h, c, perms);
		}
	}
	closedir(d);
	return 0;
}

static int
device_one(json_t *a, const char *v, struct pod_err **err)
{
	cleanup_free char *copy = xstrdup(v);
	char *parts[4] = { NULL, NULL, NULL, NULL }, *rest = copy, *w;
	const char *src, *dst, *perms = "";
	char real[PATH_MAX];
	size_t n = 0;
	struct stat st;

	while ((w = strsep(&rest, ":"))) {
		if (n == 3)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid device specification: %s",
					   v);
		parts[n++] = w;
	}
	src = parts[0];
	dst = src;
	if (n == 2) {
		if (valid_mode(parts[1]))
			perms = parts[1];
		else if (parts[1][0] == '/')
			dst = parts[1];
		else
			return pod_err_set(err, POD_E_INVALID, 0, "invalid device mode: %s", parts[1]);
	} else if (n == 3) {
		if (!valid_mode(parts[2]))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid device mode: %s", parts[2]);
		if (parts[1][0] != '/')
			return pod_err_set(err, POD_E_INVALID, 0, "invalid device mode: %s", parts[1]);
		dst = parts[1];
		perms = parts[2];
	}
	if (!*src || stat(src, &st) < 0)
		return pod_err_sys(err, "stat %s", src);
	if (!realpath(src, real))
		return pod_err_sys(err, "stat %s", src);
	if (S_ISDIR(st.st_mode))
		return add_dir(a, real, dst, perms, 0, err);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return pod_err_set(err, POD_E_INVALID, 0, "%s is not a valid device: not a device "
				   "node", src);
	add_one(a, real, dst, perms);
	return 0;
}

json_t *
pod_ctr_devices_setting(char *const *values, struct pod_err **err)
{
	json_t *a = json_array();

	for (size_t i = 0; values && values[i]; i++)
		if (device_one(a, values[i], err) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int
pod_ctr_sysctls_check(char *const *values, struct pod_err **err)
{
	static const char *const keys[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",	  "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	static const char *const prefixes[] = { "net.", "fs.mqueue." };

	for (size_t i = 0; values && values[i]; i++) {
		const char *eq = strchr(values[i], '=');
		cleanup_free char *key = NULL;
		bool ok = false;
		if (!eq)
			return pod_err_set(err, POD_E_INVALID, 0, "%s is invalid, sysctl values must "
					   "be in the form of KEY=VALUE", values[i]);
		key = xstrndup(values[i], (size_t) (eq - values[i]));
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			ok |= STREQ(key, keys[k]);
		for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++)
			ok |= pod_str_has_prefix(key, prefixes[k]);
		if (!ok)
			return pod_err_set(err, POD_E_INVALID, 0, "sysctl '%s' is not allowed", key);
	}
	return 0;
}

json_t *
pod_ctr_throttle_setting(char *const *values, struct pod_err **err)
{
	json_t *a = json_array();

	for (size_t i = 0; values && values[i]; i++) {
		const char *v = values[i], *colon = strrchr(v, ':');
		cleanup_free char *path = NULL;
		struct pod_err *e2 = NULL;
		struct stat st;
		int64_t rate;

		if (!colon || colon == v) {
			pod_err_set(err, POD_E_INVALID, 0, "bad format: %s", v);
			goto fail;
		}
		if (!colon[1] || colon[1] == '-' || pod_parse_size(colon + 1, &rate, &e2) < 0) {
			pod_err_free(&e2);
			pod_err_set(err, POD_E_INVALID, 0, "invalid rate for device: %s. The correct "
				    "format is <device-path>:<number>[<unit>]. Number must be a "
				    "positive integer. Unit is optional and can be kb, mb, or gb", v);
			goto fail;
		}
		path = xstrndup(v, (size_t) (colon - v));
		if (stat(path, &st) < 0) {
			pod_err_sys(err, "could not parse throttle device at %s", path);
			goto fail;
		}
		json_array_append_new(a, json_pack("{s:I, s:I, s:I}", "major",
						   (json_int_t) major(st.st_rdev), "minor",
						   (json_int_t) minor(st.st_rdev), "rate",
						   (json_int_t) rate));
	}
	return a;
fail:
	json_decref(a);
	return NULL;
}
