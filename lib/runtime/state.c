/* state.c - the per-container state directory and process liveness */
#include "runtime/oci.h"
#include "core/fs.h"
#include "runtime/oci-internal.h"
#include "core/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *
pod_rt_rfc3339(int64_t ns)
{
	struct tm tm;
	time_t secs = (time_t) (ns / 1000000000);
	char buf[64];

	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%09ldZ", buf, (long) (ns % 1000000000));
}

/* field 22 (starttime) and the state letter of /proc/PID/stat */
static int
read_stat(pid_t pid, uint64_t *ret_start, char *ret_state)
{
	char path[64], buf[4096];
	cleanup_close int fd = -1;
	ssize_t n;
	char *p;
	int field = 3;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p || p[1] != ' ')
		return -1;
	p += 2;
	if (ret_state)
		*ret_state = *p;
	while (*p && field < 22) {
		if (*p++ == ' ')
			field++;
	}
	if (field != 22)
		return -1;
	*ret_start = strtoull(p, NULL, 10);
	return 0;
}

int
pod_rt_pid_start_time(pid_t pid, uint64_t *ret)
{
	return read_stat(pid, ret, NULL);
}

bool
pod_rt_pid_alive(pid_t pid, uint64_t start_time)
{
	uint64_t st = 0;
	char state = '?';

	if (pid <= 0)
		return false;
	if (read_stat(pid, &st, &state) < 0)
		return false;
	if (start_time && st != start_time)
		return false;
	return state != 'Z' && state != 'X' && state != 'x';
}

int
pod_rt_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
		      struct pod_err **err)
{
	/* runtime state lives in the runroot: volatile, no fsync */
	return pod_write_file_replace(path, data, len, mode, err);
}

static int
rm_rf_at(int pfd, const char *name, int depth)
{
	cleanup_close int fd = -1;
	DIR *d;
	struct dirent *de;

	if (unlinkat(pfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if (depth > 64)
		return -1;
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(TAKE_FD(fd));
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		(void) rm_rf_at(dirfd(d), de->d_name, depth + 1);
	}
	closedir(d);
	return unlinkat(pfd, name, AT_REMOVEDIR);
}

int
pod_rt_rm_rf(const char *path)
{
	return rm_rf_at(AT_FDCWD, path, 0);
}

const char *
pod_oci_status_name(enum pod_oci_status s)
{
	switch (s) {
	case POD_OCI_CREATING:
		return "creating";
	case POD_OCI_CREATED:
		return "created";
	case POD_OCI_RUNNING:
		return "running";
	case POD_OCI_STOPPED:
		return "stopped";
	case POD_OCI_PAUSED:
		return "paused";
	}
	return "unknown";
}

char *
pod_oci_default_root(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() != 0 && xdg && xdg[0] == '/')
		return xasprintf("%s/pod-oci", xdg);
	return xstrdup(POD_OCI_DEFAULT_ROOT);
}

int
pod_oci_check_id(const char *id, struct pod_err **err)
{
	size_t n = strlen(id);

	if (n == 0 || n > 1024 || STREQ(id, ".") || STREQ(id, ".."))
		goto bad;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_+-.", *p)))
			goto bad;
	return 0;
bad:
	return pod_err_set(err, POD_E_INVALID, 0, "invalid container id \"%s\": it must match "
				  "[A-Za-z0-9_+.-]+", id);
}

struct pod_oci_state *
pod_oci_state_free(struct pod_oci_state *s)
{
	if (!s)
		return NULL;
	free(s->id);
	free(s->bundle);
	free(s->rootfs);
	free(s->owner);
	free(s->cgroups_path);
	if (s->annotations)
		json_decref(s->annotations);
	free(s);
	return NULL;
}

void
pod_oci_state_freep(struct pod_oci_state **s)
{
	*s = pod_oci_state_free(*s);
}

void
pod_oci_state_list_free(struct pod_oci_state **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pod_oci_state_free(v[i]);
	free(v);
}

json_t *
pod_oci_state_to_json(const struct pod_oci_state *s)
{
	cleanup_free char *created = pod_rt_rfc3339(s->created_ns);

	return json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:O}", "ociVersion", POD_OCI_VERSION,
			 "id", s->id, "pid", (json_int_t) s->pid, "status",
			 pod_oci_status_name(s->status), "bundle", s->bundle, "rootfs", s->rootfs,
			 "created", created, "owner", s->owner ? s->owner : "", "annotations",
			 s->annotations);
}

/* the file form: what the state JSON says plus what the runtime needs */
int
pod_rt_state_save(const char *dir, const struct pod_oci_state *s, struct pod_err **err)
{
	cleanup_ojson json_t *j = json_pack(
		"{s:s,s:s,s:i,s:s,s:s,s:I,s:s,s:O,s:s*,s:I,s:b}", "ociVersion", POD_OCI_VERSION,
		"id", s->id, "pid", (json_int_t) s->pid, "bundle", s->bundle, "rootfs", s->rootfs,
		"created", (json_int_t) s->created_ns, "owner", s->owner ? s->owner : "",
		"annotations", s->annotations, "cgroupsPath", s->cgroups_path, "startTime",
		(json_int_t) s->start_time, "noPoststop", s->no_poststop);
	cleanup_free char *text = NULL;
	cleanup_free char *path = xasprintf("%s/state.json", dir);

	if (!j)
		return pod_err_set(err, POD_E_GENERIC, 0, "encoding the state of %s", s->id);
	text = json_dumps(j, JSON_COMPACT);
	return pod_rt_write_file_atomic(path, text, strlen(text), 0600, err);
}

static int
state_load(const char *root, const char *id, struct pod_oci_state **ret, struct pod_err **err)
{
	cleanup_free char *dir = xasprintf("%s/%s", root, id);
	cleanup_free char *path = xasprintf("%s/state.json", dir);
	cleanup_free char *fifo = xasprintf("%s/exec.fifo", dir);
	cleanup_free char *paused = xasprintf("%s/paused", dir);
	cleanup_(pod_oci_state_freep) struct pod_oci_state *s = NULL;
	cleanup_ojson json_t *j = NULL;
	json_error_t je;
	const char *bundle = "", *rootfs = "", *owner = "", *cg = NULL;
	json_int_t pid = 0, created = 0, start = 0;
	json_t *ann = NULL;
	int no_poststop = 0;
	struct stat st;

	if (stat(dir, &st) < 0)
		return pod_err_set(err, POD_E_NOTFOUND, errno, "container \"%s\" does not exist",
				   id);
	s = xcalloc(1, sizeof(*s));
	s->id = xstrdup(id);
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		/* the directory is made first: a create in progress, or one that died */
		s->status = POD_OCI_CREATING;
		s->bundle = xstrdup("");
		s->rootfs = xstrdup("");
		s->owner = xstrdup("");
		s->annotations = json_object();
		s->created_ns = (int64_t) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		*ret = TAKE_PTR(s);
		return 0;
	}
	if (json_unpack_ex(j, &je, 0, "{s:I,s:s,s:s,s:I,s?s,s?o,s?s,s?I,s?b}", "pid", &pid,
			   "bundle", &bundle, "rootfs", &rootfs, "created", &created, "owner",
			   &owner, "annotations", &ann, "cgroupsPath", &cg, "startTime", &start,
			   "noPoststop", &no_poststop) < 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "%s: %s", path, je.text);
	s->pid = (pid_t) pid;
	s->bundle = xstrdup(bundle);
	s->rootfs = xstrdup(rootfs);
	s->owner = xstrdup(owner);
	s->created_ns = created;
	s->start_time = (uint64_t) start;
	s->annotations = json_is_object(ann) ? json_incref(ann) : json_object();
	s->cgroups_path = cg ? xstrdup(cg) : NULL;
	s->no_poststop = no_poststop;
	if (!pod_rt_pid_alive(s->pid, s->start_time))
		s->status = POD_OCI_STOPPED;
	else if (access(fifo, F_OK) == 0)
		s->status = POD_OCI_CREATED;
	else if (access(paused, F_OK) == 0)
		s->status = POD_OCI_PAUSED;
	else
		s->status = POD_OCI_RUNNING;
	*ret = TAKE_PTR(s);
	return 0;
}

int
pod_oci_state_get(const char *root, const char *id, struct pod_oci_state **ret,
		  struct pod_err **err)
{
	if (pod_oci_check_id(id, err) < 0)
		return -1;
	return state_load(root, id, ret, err);
}

static int
cmp_state(const void *a, const void *b)
{
	const struct pod_oci_state *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

int
pod_oci_list(const char *root, struct pod_oci_state ***ret, size_t *ret_n, struct pod_err **err)
{
	struct pod_oci_state **v = NULL;
	size_t n = 0;
	DIR *d = opendir(root);
	struct dirent *de;

	if (!d) {
		if (errno != ENOENT)
			return pod_err_sys(err, "open %s", root);
		*ret = xcalloc(1, sizeof(*v));
		*ret_n = 0;
		return 0;
	}
	while ((de = readdir(d))) {
		struct pod_oci_state *s = NULL;
		struct pod_err *e = NULL;

		if (de->d_name[0] == '.' || pod_oci_check_id(de->d_name, &e) < 0) {
			pod_err_free(&e);
			continue;
		}
		if (state_load(root, de->d_name, &s, &e) < 0) {
			/* a container removed while we list it is not an error */
			pod_err_free(&e);
			continue;
		}
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = s;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_state);
	*ret = v ? v : xcalloc(1, sizeof(*v));
	*ret_n = n;
	return 0;
}

/*
 * the user name for `list`'s OWNER column, from /etc/passwd: pod-oci is
 * linked statically, where glibc's NSS would load the shared libraries of
 * the glibc it was built with
 */
char *
pod_rt_owner_name(uid_t uid)
{
	cleanup_fclose FILE *f = NULL;
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (uid == 0)
		return xstrdup("root");
	f = fopen("/etc/passwd", "re");
	while (f && getline(&line, &cap, f) > 0) {
		char *name = line, *colon = strchr(line, ':'), *pw, *id, *end;
		unsigned long v;

		if (!colon)
			continue;
		*colon = '\0';
		pw = colon + 1;
		id = strchr(pw, ':');
		if (!id)
			continue;
		errno = 0;
		v = strtoul(id + 1, &end, 10);
		if (!errno && end != id + 1 && *end == ':' && v == (unsigned long) uid && *name)
			return xstrdup(name);
	}
	return xasprintf("#%u", (unsigned) uid);
}
