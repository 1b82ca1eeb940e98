/* pod-events - show engine events (`podman events`, `podman system events`) */
#include "cli/filter.h"
#include "cli/template.h"
#include "cli/tool.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "store/events.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	char **filters;
	char *format, *since, *until;
	bool no_trunc, stream;
} opt = { .no_trunc = true, .stream = true };

static struct {
	struct pod_filters f;
	struct pod_template *tmpl;
	bool raw_json;
	int64_t since_ns, until_ns; /* 0: unbounded */
} st = { .f = POD_FILTERS_INIT };

static const char *const filter_keys[] = {
	"container", "event", "status", "image", "label", "type", "volume", "network", "pod", NULL,
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static const char *
str_of(json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));

	return s ? s : "";
}

/* Podman's generateEventFilter: name equality or ID prefix, per type */
static bool
match_one(json_t *ev, const char *key, const char *v)
{
	const char *type = str_of(ev, "Type");
	const char *id = str_of(ev, "ID"), *name = str_of(ev, "Name");

	if (STREQ(key, "container") || STREQ(key, "image") || STREQ(key, "pod") ||
	    STREQ(key, "volume"))
		return STREQ(type, key) && (STREQ(name, v) || (*id && pod_str_has_prefix(id, v)));
	if (STREQ(key, "network"))
		return STREQ(type, "network") &&
		       (STREQ(str_of(ev, "network"), v) || (*id && pod_str_has_prefix(id, v)));
	if (STREQ(key, "event") || STREQ(key, "status"))
		return STREQ(str_of(ev, "Status"), v);
	if (STREQ(key, "type"))
		return STREQ(type, v);
	if (STREQ(key, "label")) {
		const char *eq = strchr(v, '=');
		json_t *attrs = json_object_get(ev, "Attributes");
		cleanup_free char *k = NULL;
		const char *val;

		if (!eq || !json_is_object(attrs))
			return false;
		k = xstrndup(v, (size_t) (eq - v));
		val = json_string_value(json_object_get(attrs, k));
		return val && STREQ(val, eq + 1);
	}
	return false;
}

/* one key's values OR-ed, different keys AND-ed */
static bool
matches(json_t *ev)
{
	for (size_t i = 0; i < st.f.n; i++) {
		bool any = false;
		for (char *const *v = st.f.keys[i].values; *v && !any; v++)
			any = match_one(ev, st.f.keys[i].key, *v);
		if (!any)
			return false;
	}
	return true;
}

/* Podman's ToHumanReadable */
static void
human(json_t *ev, int64_t t, struct pod_strbuf *out)
{
	cleanup_free char *ts = pod_event_time_text(t);
	const char *type = str_of(ev, "Type"), *id = str_of(ev, "ID");
	char shortid[13];

	if (!opt.no_trunc && strlen(id) > 12) {
		memcpy(shortid, id, 12);
		shortid[12] = '\0';
		id = shortid;
	}
	pod_strbuf_addf(out, "%s %s %s %s", ts, type, str_of(ev, "Status"), id);
	if (STREQ(type, "container") || STREQ(type, "pod")) {
		json_t *attrs = json_object_get(ev, "Attributes");
		pod_strbuf_addf(out, " (image=%s, name=%s", str_of(ev, "Image"), str_of(ev, "Name"));
		if (*str_of(ev, "PodID"))
			pod_strbuf_addf(out, ", pod_id=%s", str_of(ev, "PodID"));
		if (*str_of(ev, "health_status"))
			pod_strbuf_addf(out, ", health_status=%s", str_of(ev, "health_status"));
		if (json_is_object(attrs)) {
			/* Go's map order is random; ours is sorted */
			const char **keys = xcalloc(json_object_size(attrs) + 1, sizeof(char *));
			const char *k;
			json_t *v;
			size_t n = 0;

			json_object_foreach(attrs, k, v)
				keys[n++] = k;
			qsort(keys, n, sizeof(char *), cmp_str);
			for (size_t i = 0; i < n; i++)
				pod_strbuf_addf(out, ", %s=%s", keys[i],
						json_string_value(json_object_get(attrs, keys[i])) ?
							json_string_value(json_object_get(attrs, keys[i])) :
							"");
			free(keys);
		}
		pod_strbuf_addf(out, ")");
	} else if (STREQ(type, "network")) {
		pod_strbuf_addf(out, " (container=%s, name=%s)", id, str_of(ev, "network"));
	} else if (STREQ(type, "image")) {
		pod_strbuf_addf(out, " %s", str_of(ev, "Name"));
	} else {
		/* volume: Podman prints the name where others print the ID */
		pod_strbuf_truncate(out, out->len - strlen(id));
		pod_strbuf_addf(out, "%s", str_of(ev, "Name"));
	}
	pod_strbuf_addf(out, "\n");
}

/* the fields Podman's template sees (events.Event) */
static json_t *
template_obj(json_t *ev, int64_t t)
{
	cleanup_free char *ts = pod_event_time_text(t);
	json_t *attrs = json_object_get(ev, "Attributes");
	json_t *code = json_object_get(ev, "ContainerExitCode");

	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:{s:s, s:O}}",
			 "ContainerExitCode", json_is_integer(code) ? (int) json_integer_value(code) : 0,
			 "ID", str_of(ev, "ID"), "Image", str_of(ev, "Image"), "Name",
			 str_of(ev, "Name"), "Network", str_of(ev, "network"), "Status",
			 str_of(ev, "Status"), "Time", ts, "Type", str_of(ev, "Type"), "PodID",
			 str_of(ev, "PodID"), "HealthStatus", str_of(ev, "health_status"),
			 "Attributes", json_is_object(attrs) ? attrs : json_null(), "Details", "ID",
			 str_of(ev, "ID"), "Attributes", json_is_object(attrs) ? attrs : json_null());
}

/* 1: printed or skipped, 0: past --until (stop), -1: error */
static int
one_line(const char *line, size_t len, struct pod_err **err)
{
	cleanup_json json_t *ev = NULL;
	cleanup_strbuf struct pod_strbuf out = POD_STRBUF_INIT;
	json_error_t je;
	const char *tstr;
	int64_t t = 0;
	struct pod_err *e2 = NULL;

	ev = json_loadb(line, len, 0, &je);
	if (!json_is_object(ev))
		return 1; /* a torn or foreign line is not an event */
	tstr = json_string_value(json_object_get(ev, "Time"));
	if (!tstr || pod_parse_timestamp(tstr, 0, &t, &e2) < 0) {
		pod_err_free(&e2);
		return 1;
	}
	if (st.since_ns && t < st.since_ns)
		return 1;
	if (st.until_ns && t > st.until_ns)
		return 0;
	if (!matches(ev))
		return 1;
	if (st.raw_json) {
		cleanup_free char *s = json_dumps(ev, JSON_COMPACT);
		pod_strbuf_addf(&out, "%s\n", s);
	} else if (st.tmpl) {
		cleanup_json json_t *obj = template_obj(ev, t);
		if (pod_template_exec(st.tmpl, obj, &out, err) < 0)
			return -1;
	} else {
		human(ev, t, &out);
	}
	if (fwrite(out.buf, 1, out.len, stdout) != out.len)
		return pod_err_set(err, POD_E_IO, EIO, "writing events");
	return 1;
}

/* reads whole lines from fd, keeping a partial last line in buf */
static int
drain(int fd, struct pod_strbuf *buf, struct pod_err **err)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		char *nl;
		size_t start = 0;

		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pod_err_sys(err, "reading the events log");
		if (n == 0)
			break;
		pod_strbuf_add(buf, chunk, (size_t) n);
		while ((nl = memchr(buf->buf + start, '\n', buf->len - start))) {
			int r = one_line(buf->buf + start, (size_t) (nl - (buf->buf + start)), err);
			if (r <= 0)
				return r;
			start = (size_t) (nl - buf->buf) + 1;
		}
		memmove(buf->buf, buf->buf + start, buf->len - start);
		pod_strbuf_truncate(buf, buf->len - start);
	}
	if (fflush(stdout) != 0)
		return pod_err_set(err, POD_E_IO, EIO, "writing events");
	return 1;
}

static int
events_run(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_paths paths = { 0 };
	cleanup_free char *path = NULL, *dir = NULL;
	cleanup_strbuf struct pod_strbuf buf = POD_STRBUF_INIT;
	cleanup_close int fd = -1, ino = -1;
	int64_t now = pod_now_ns();
	bool follow = opt.stream;
	int r;

	for (char **f = opt.filters; f && *f; f++)
		if (pod_filters_add(&st.f, *f, filter_keys, err) < 0)
			return -1;
	if (opt.since && pod_parse_timestamp(opt.since, now, &st.since_ns, err) < 0)
		return -1;
	if (opt.until && pod_parse_timestamp(opt.until, now, &st.until_ns, err) < 0)
		return -1;
	if (opt.format && *opt.format) {
		if (STREQ(opt.format, "json") || STREQ(opt.format, "{{json .}}"))
			st.raw_json = true;
		else if (!(st.tmpl = pod_template_parse("events", opt.format, 0, err)))
			return -1;
	} else if (!ctx->g.dispatched) {
		st.raw_json = true; /* records for pipelines */
	}
	if (pod_paths_resolve(ctx->g.root, ctx->g.runroot, &paths, err) < 0)
		return -1;
	path = pod_events_log_path(paths.runroot);
	dir = xasprintf("%s/events", paths.runroot);
	pod_paths_release(&paths);

	if (follow) {
		if (pod_mkdir_p(dir, 0700, err) < 0)
			return -1;
		ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (ino < 0)
			return pod_err_sys(err, "inotify");
		if (inotify_add_watch(ino, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0)
			return pod_err_sys(err, "watching %s", dir);
	}
	/* the rotated part first (see store/events.h) */
	if (!follow || opt.since) {
		cleanup_free char *old = xasprintf("%s.1", path);
		cleanup_close int ofd = open(old, O_RDONLY | O_CLOEXEC);
		if (ofd < 0 && errno != ENOENT)
			return pod_err_sys(err, "opening %s", old);
		r = ofd >= 0 ? drain(ofd, &buf, err) : 1;
		pod_strbuf_truncate(&buf, 0);
		if (r <= 0)
			goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return pod_err_sys(err, "opening %s", path);
	/* streaming without --since shows what happens from now on, like Podman */
	if (fd >= 0 && follow && !opt.since && lseek(fd, 0, SEEK_END) < 0)
		return pod_err_sys(err, "reading %s", path);
	r = fd >= 0 ? drain(fd, &buf, err) : 1;
	while (r > 0 && follow) {
		struct stat now_st, fd_st;
		struct pollfd p = { .fd = ino, .events = POLLIN };
		int timeout = -1;
		char evbuf[4096];

		if (st.until_ns) {
			int64_t left = st.until_ns - pod_now_ns();
			if (left <= 0)
				break;
			timeout = (int) (left / 1000000) + 1;
		}
		if (poll(&p, 1, timeout) < 0 && errno != EINTR)
			return pod_err_sys(err, "waiting for events");
		while (read(ino, evbuf, sizeof(evbuf)) > 0)
			;
		if (fd >= 0) {
			r = drain(fd, &buf, err);
			if (r <= 0)
				break;
			/* rotated: the rest of the old file is read, on to the new one */
			if (stat(path, &now_st) == 0 && fstat(fd, &fd_st) == 0 &&
			    (now_st.st_ino != fd_st.st_ino || now_st.st_dev != fd_st.st_dev)) {
				close(TAKE_FD(fd));
				pod_strbuf_truncate(&buf, 0);
			}
		}
		if (fd < 0) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 && errno != ENOENT)
				return pod_err_sys(err, "opening %s", path);
			if (fd >= 0)
				r = drain(fd, &buf, err);
		}
	}
out:
	pod_filters_release(&st.f);
	st.tmpl = pod_template_free(st.tmpl);
	return r < 0 ? -1 : 0;
}

static const struct pod_opt options[] = {
	POD_OPT_STRV('f', "filter", "stringArray", &opt.filters, "filter output"),
	POD_OPT_STRING(0, "format", "string", &opt.format,
		       "format the output using a Go template"),
	POD_OPT_BOOL(0, "no-trunc", &opt.no_trunc, "do not truncate the output (default true)"),
	POD_OPT_STRING(0, "since", "string", &opt.since, "show all events created since timestamp"),
	{ POD_OPT_T_BOOL, 0, "stream", NULL, &opt.stream,
	  "stream new events; for testing only (default true)", NULL, POD_OPT_HIDDEN, NULL, NULL },
	POD_OPT_STRING(0, "until", "string", &opt.until, "show all events until timestamp"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-events",
	.verb = "events",
	.summary = "Show podman events",
	.description = "Monitor podman events.\n\nBy default, streaming mode is used, printing new "
		       "events as they occur.  Previous events can be listed via --since and "
		       "--until.\n\nEvents are read from the events log, $RUNROOT/events/events.log "
		       "(one JSON record per line, appended by every engine command). Run as "
		       "pod-events, without --format, it prints those records.",
	.usage = "[options]",
	.examples = "podman events\npodman events --filter event=create\n"
		    "podman events --format {{.Image}}\npodman events --since 1h30s",
	.options = options,
	.flags = POD_TOOL_NO_ARGS,
	.run = events_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
