/* events.c - appending Podman-shaped event records to the events log */
#include "core/fs.h"
#include "core/json.h"
#include "core/lock.h"
#include "core/log.h"
#include "store/events.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *
pod_events_log_path(const char *runroot)
{
	return xasprintf("%s/events/events.log", runroot);
}

/* Go drops trailing zeros of the fraction (and the dot when it is 0) */
static void
frac_text(int64_t nsec, char *buf, size_t len)
{
	size_t n;

	buf[0] = '\0';
	if (nsec <= 0)
		return;
	snprintf(buf, len, ".%09" PRId64, nsec);
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
}

static bool
split_time(int64_t ns, struct tm *tm, int64_t *nsec)
{
	time_t secs = (time_t) (ns / 1000000000);

	*nsec = ns % 1000000000;
	return localtime_r(&secs, tm) != NULL;
}

char *
pod_event_time_rfc3339(int64_t ns)
{
	struct tm tm;
	int64_t nsec;
	char date[64], frac[16], zone[32];
	long off;

	if (!split_time(ns, &tm, &nsec))
		return xstrdup("0001-01-01T00:00:00Z");
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	frac_text(nsec, frac, sizeof(frac));
	off = tm.tm_gmtoff;
	if (off == 0)
		snprintf(zone, sizeof(zone), "Z");
	else
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
			 labs(off) / 3600, (labs(off) % 3600) / 60);
	return xasprintf("%s%s%s", date, frac, zone);
}

char *
pod_event_time_text(int64_t ns)
{
	struct tm tm;
	int64_t nsec;
	char date[64], frac[16];
	long off;

	if (!split_time(ns, &tm, &nsec))
		return xstrdup("0001-01-01 00:00:00 +0000 UTC");
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	frac_text(nsec, frac, sizeof(frac));
	off = tm.tm_gmtoff;
	return xasprintf("%s%s %c%02ld%02ld %s", date, frac, off < 0 ? '-' : '+', labs(off) / 3600,
			 (labs(off) % 3600) / 60,
			 off == 0 ? "UTC" : (tm.tm_zone && *tm.tm_zone ? tm.tm_zone : ""));
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, pod_json_string(v));
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Go marshals a map with its keys sorted */
static json_t *
sorted_attrs(json_t *attrs)
{
	const char **keys, *k;
	json_t *v, *out;
	size_t n = 0;

	if (!json_is_object(attrs) || !json_object_size(attrs))
		return json_null();
	keys = xcalloc(json_object_size(attrs), sizeof(char *));
	json_object_foreach(attrs, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(char *), cmp_key);
	out = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(attrs, keys[i]));
	free(keys);
	return out;
}

json_t *
pod_event_json(const struct pod_event *ev)
{
	json_t *o = json_object();
	cleanup_free char *t = pod_event_time_rfc3339(ev->time_ns ? ev->time_ns : pod_now_ns());

	if (ev->exit_code)
		json_object_set_new(o, "ContainerExitCode", json_integer(ev->exit_code));
	set_str(o, "ID", ev->id);
	set_str(o, "Image", ev->image);
	set_str(o, "Name", ev->name);
	set_str(o, "network", ev->network);
	json_object_set_new(o, "Status", json_string(ev->status));
	json_object_set_new(o, "Time", json_string(t));
	json_object_set_new(o, "Type", json_string(ev->type));
	set_str(o, "health_status", ev->health_status);
	set_str(o, "PodID", ev->pod_id);
	json_object_set_new(o, "Attributes", sorted_attrs(ev->attributes));
	return o;
}

/*
 * The log past POD_EVENTS_LOG_MAX becomes events.log.1 (replacing the
 * previous one) and a new log starts. Under a lock, and only when the file
 * at the path is still the big one, so two writers never rotate twice.
 * Writers that still hold the old file append to events.log.1: nothing is
 * lost, and readers read events.log.1 before events.log.
 */
static void
rotate(const char *runroot, const char *path)
{
	cleanup_free char *lock_path = xasprintf("%s/events/events.lock", runroot);
	cleanup_free char *old = xasprintf("%s.1", path);
	struct pod_err *e = NULL;
	struct stat st;
	int lock = pod_lock_open(lock_path, true, true, &e);

	if (lock < 0) {
		pod_debug("rotating the events log: %s", e->msg);
		pod_err_free(&e);
		return;
	}
	if (stat(path, &st) == 0 && st.st_size > POD_EVENTS_LOG_MAX && rename(path, old) < 0)
		pod_debug("rotating the events log: %s", strerror(errno));
	pod_lock_release(lock);
}

int
pod_event_append(const char *runroot, const struct pod_event *ev, struct pod_err **err)
{
	cleanup_free char *path = pod_events_log_path(runroot);
	cleanup_free char *line = NULL;
	cleanup_json json_t *o = pod_event_json(ev);
	cleanup_close int fd = -1;
	size_t len;
	ssize_t n;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ENOENT) {
		cleanup_free char *dir = xasprintf("%s/events", runroot);
		if (pod_mkdir_p(dir, 0700, err) < 0)
			return -1;
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	}
	if (fd < 0)
		return pod_err_sys(err, "opening %s", path);
	line = json_dumps(o, JSON_COMPACT);
	if (!line)
		return pod_err_set(err, POD_E_GENERIC, 0, "encoding an event");
	len = strlen(line);
	line = xrealloc(line, len + 2);
	line[len++] = '\n';
	line[len] = '\0';
	/* one write per record: O_APPEND writers never interleave */
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pod_err_sys(err, "writing %s", path);
	if ((size_t) n != len)
		return pod_err_set(err, POD_E_GENERIC, 0, "writing %s: short write", path);
	{
		struct stat st;
		if (fstat(fd, &st) == 0 && st.st_size > POD_EVENTS_LOG_MAX)
			rotate(runroot, path);
	}
	return 0;
}

void
pod_event_emit_runroot(const char *runroot, const struct pod_event *ev)
{
	struct pod_err *e = NULL;

	if (!runroot)
		return;
	if (pod_event_append(runroot, ev, &e) < 0) {
		pod_debug("writing the %s %s event: %s", ev->type, ev->status, e->msg);
		pod_err_free(&e);
	}
}

void
pod_event_emit(struct pod_store *s, const struct pod_event *ev)
{
	const struct pod_paths *p = s ? pod_store_paths(s) : NULL;

	if (p)
		pod_event_emit_runroot(p->runroot, ev);
}
