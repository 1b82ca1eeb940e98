/* ctr_logs.c - reading the k8s-file log: logs, logs -f, and the output side of attach */
#include "core/fs.h"
#include "core/id.h"
#include "core/strbuf.h"
#include "runtime/ctr-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_READ_CHUNK 65536
#define LOG_LINE_MAX (1u << 20)

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t) w;
	}
	return 0;
}

/* "2026-11-28T12:00:00.123456789+01:00" -> ns; -1 when malformed */
static int64_t
parse_ts(const char *s, size_t len)
{
	struct tm tm = { 0 };
	int64_t frac = 0, digits = 0, off = 0;
	const char *p;
	char buf[64];
	time_t t;

	if (len >= sizeof(buf) || len < 20)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	p = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 9)
				frac = frac * 10 + (*p - '0');
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (*p == '+' || *p == '-') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		off = (hh * 3600 + mm * 60) * (*p == '-' ? -1 : 1);
	} else if (*p != 'Z') {
		return -1;
	}
	t = timegm(&tm);
	return ((int64_t) t - off) * 1000000000 + frac;
}

struct entry {
	const char *ts;
	size_t ts_len;
	bool err;
	bool partial;
	const char *text;
	size_t len;
};

/* splits one log line (without its newline); false when it is not one */
static bool
parse_line(const char *line, size_t len, struct entry *e)
{
	const char *end = line + len;
	const char *sp1 = memchr(line, ' ', len), *sp2, *sp3;

	if (!sp1)
		return false;
	sp2 = memchr(sp1 + 1, ' ', (size_t) (end - sp1 - 1));
	if (!sp2)
		return false;
	sp3 = memchr(sp2 + 1, ' ', (size_t) (end - sp2 - 1));
	e->ts = line;
	e->ts_len = (size_t) (sp1 - line);
	e->err = (size_t) (sp2 - sp1 - 1) == 6 && memcmp(sp1 + 1, "stderr", 6) == 0;
	if (sp3) {
		e->partial = sp3 - sp2 - 1 == 1 && sp2[1] == 'P';
		e->text = sp3 + 1;
		e->len = (size_t) (end - sp3 - 1);
	} else {
		e->partial = end - sp2 - 1 == 1 && sp2[1] == 'P';
		e->text = end;
		e->len = 0;
	}
	return true;
}

struct reader {
	const struct pod_log_opts *o;
	struct pod_strbuf pending; /* an incomplete line at the end of what was read */
	bool mid_line;		   /* the last entry printed was partial */
};

static int
emit(struct reader *r, const struct entry *e, struct pod_err **err)
{
	const struct pod_log_opts *o = r->o;
	int fd = e->err ? o->err_fd : o->out_fd;
	struct pod_strbuf sb = POD_STRBUF_INIT;
	int64_t ts;
	int rc = 0;

	if (o->since_ns || o->until_ns) {
		ts = parse_ts(e->ts, e->ts_len);
		if (o->since_ns && ts >= 0 && ts < o->since_ns)
			return 0;
		if (o->until_ns && ts >= 0 && ts > o->until_ns)
			return 0;
	}
	if (!r->mid_line) {
		if (o->prefix)
			pod_strbuf_addf(&sb, "%s ", o->prefix);
		if (o->timestamps) {
			pod_strbuf_add(&sb, e->ts, e->ts_len);
			pod_strbuf_addch(&sb, ' ');
		}
	}
	pod_strbuf_add(&sb, e->text, e->len);
	if (!e->partial)
		pod_strbuf_addch(&sb, '\n');
	r->mid_line = e->partial;
	if (sb.len && write_all(fd, sb.buf, sb.len) < 0 && errno != EPIPE)
		rc = pod_err_sys(err, "writing the log");
	pod_strbuf_release(&sb);
	return rc;
}

/* feeds bytes; complete lines are printed */
static int
feed(struct reader *r, const char *buf, size_t len, struct pod_err **err)
{
	pod_strbuf_add(&r->pending, buf, len);
	for (;;) {
		char *nl = memchr(r->pending.buf, '\n', r->pending.len);
		struct entry e;
		size_t n;
		if (!nl) {
			if (r->pending.len > LOG_LINE_MAX)
				pod_strbuf_reset(&r->pending);
			return 0;
		}
		n = (size_t) (nl - r->pending.buf);
		if (parse_line(r->pending.buf, n, &e) && emit(r, &e, err) < 0)
			return -1;
		memmove(r->pending.buf, nl + 1, r->pending.len - n - 1);
		pod_strbuf_truncate(&r->pending, r->pending.len - n - 1);
	}
}

/* the byte offset where the last `tail` entries start */
static int64_t
tail_offset(int fd, int64_t tail)
{
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t len, lines = 0;

	if (fstat(fd, &st) < 0 || st.st_size <= 0)
		return 0;
	if (tail == 0)
		return st.st_size;
	len = (size_t) st.st_size;
	buf = xmalloc(len);
	if (pread(fd, buf, len, 0) != (ssize_t) len)
		return 0;
	/* walk back over complete entries; a run of P lines and its F line count once */
	for (size_t i = len; i > 0; i--) {
		if (buf[i - 1] != '\n' || i == len)
			continue;
		/* the entry after this newline starts at i; the one ending here is i-1 */
		{
			size_t start = i - 1;
			while (start > 0 && buf[start - 1] != '\n')
				start--;
			struct entry e;
			if (parse_line(buf + start, i - 1 - start, &e) && e.partial)
				continue;
		}
		if (++lines == (size_t) tail)
			return (int64_t) i;
	}
	return 0;
}

static int
read_more(int fd, struct reader *r, struct pod_err **err)
{
	char buf[LOG_READ_CHUNK];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "reading the log");
		}
		if (n == 0)
			return 0;
		if (feed(r, buf, (size_t) n, err) < 0)
			return -1;
	}
}

int
pod_ctr_log_stream(const char *path, int64_t offset, const struct pod_log_opts *o,
	       struct ctr_log_follow *f, struct pod_err **err)
{
	struct reader r = { .o = o, .pending = POD_STRBUF_INIT };
	cleanup_close int fd = -1;
	cleanup_close int ino = -1;
	bool inotify_failed = false;
	int rc = 0;

	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && (errno != ENOENT || !f)) {
			if (errno == ENOENT) {
				pod_strbuf_release(&r.pending);
				return 0;
			}
			pod_strbuf_release(&r.pending);
			return pod_err_sys(err, "opening the log %s", path);
		}
	}
	if (fd >= 0) {
		if (o->tail >= 0 && offset <= 0)
			offset = tail_offset(fd, o->tail);
		if (offset < 0) {
			struct stat st;
			offset = fstat(fd, &st) == 0 ? st.st_size : 0;
		}
		if (lseek(fd, offset, SEEK_SET) < 0) {
			pod_strbuf_release(&r.pending);
			return pod_err_sys(err, "seeking in the log");
		}
		if (read_more(fd, &r, err) < 0)
			goto fail;
	}
	if (!f)
		goto out;
	for (;;) {
		struct pollfd p[1 + ARRAY_SIZE(f->watch)];
		size_t n = 0;
		bool finished = f->done && f->done(f->data);

		if (path && ino < 0 && !f->watch_wakes && !inotify_failed) {
			ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
			inotify_failed = ino < 0;
			if (ino >= 0) {
				cleanup_free char *dir = xstrdup(path);
				char *slash = strrchr(dir, '/');
				if (slash)
					*slash = '\0';
				/* the directory: the log may not exist yet, or be replaced when
				 * rotated */
				(void) inotify_add_watch(ino, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO);
			}
		}

		if (path) {
			struct stat st, pst;
			if (fd < 0) {
				fd = open(path, O_RDONLY | O_CLOEXEC);
			} else if (stat(path, &pst) == 0 && fstat(fd, &st) == 0 &&
				   (pst.st_ino != st.st_ino || pst.st_size < lseek(fd, 0, SEEK_CUR))) {
				/* rotated or truncated: start on the new file */
				close(fd);
				fd = open(path, O_RDONLY | O_CLOEXEC);
				pod_strbuf_reset(&r.pending);
			}
			if (fd >= 0 && read_more(fd, &r, err) < 0)
				goto fail;
		}
		if (finished)
			break;
		p[n++] = (struct pollfd){ .fd = ino, .events = POLLIN };
		for (size_t i = 0; i < f->n_watch; i++)
			p[n++] = (struct pollfd){ .fd = f->watch[i].fd, .events = POLLIN };
		if (poll(p, n, ino >= 0 || f->watch_wakes ? 250 : 50) < 0 && errno != EINTR) {
			pod_err_sys(err, "poll");
			goto fail;
		}
		if (p[0].revents) {
			char evbuf[4096];
			while (read(ino, evbuf, sizeof(evbuf)) > 0)
				;
		}
		for (size_t i = 0; i < f->n_watch; i++) {
			int cr;
			if (!(p[1 + i].revents & (POLLIN | POLLHUP | POLLERR)) || p[1 + i].fd < 0)
				continue;
			cr = f->watch[i].cb(f->data, err);
			if (cr < 0)
				goto fail;
			if (cr > 0) {
				rc = 1;
				goto out;
			}
		}
	}
out:
	pod_strbuf_release(&r.pending);
	return rc;
fail:
	pod_strbuf_release(&r.pending);
	return -1;
}

int64_t
pod_ctr_log_size(struct pod_engine *e, const struct pod_ctr *c)
{
	cleanup_free char *path = pod_ctr_log_path(e, c);
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

struct logs_follow {
	struct pod_engine *e;
	const char *id;
};

static bool
logs_done(void *data)
{
	struct logs_follow *lf = data;
	struct pod_ctr *c = NULL;
	struct pod_err *e = NULL;
	bool done;

	if (pod_ctr_load(lf->e, lf->id, &c, &e) < 0) {
		pod_err_free(&e);
		return true;
	}
	if (pod_ctr_sync(lf->e, c, &e) < 0)
		pod_err_free(&e);
	done = !(c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED ||
		 c->state == POD_CTR_STOPPING);
	pod_ctr_free(c);
	return done;
}

int
pod_ctr_logs(struct pod_engine *e, const struct pod_ctr *c, const struct pod_log_opts *o,
	     struct pod_err **err)
{
	cleanup_free char *path = pod_ctr_log_path(e, c);
	struct logs_follow lf = { .e = e, .id = c->id };
	struct ctr_log_follow f = { .done = logs_done, .data = &lf };
	const char *driver = pod_ctr_setting_str(c, "LogDriver");

	if (driver && *driver && !STREQ(driver, "k8s-file"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "failed to obtain logs for Container '%s': this container is "
				   "using the '%s' log driver, cannot read logs: this container is "
				   "not logging output",
				   c->id, driver);
	return pod_ctr_log_stream(path, 0, o, o->follow ? &f : NULL, err) < 0 ? -1 : 0;
}
