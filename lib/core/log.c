/* log.c - logrus-compatible text logging */
#include "core/log.h"

#include <errno.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static enum pod_log_level current_level = POD_LOG_WARN;
static int64_t start_mono_ns;

/* logrus measures the [0000] column from package initialisation */
__attribute__((constructor)) static void
log_init(void)
{
	start_mono_ns = pod_mono_ns();
}

static const struct {
	const char *name; /* as logrus prints it after level= */
	const char *tty;  /* four upper-case letters */
	int color;
} levels[] = {
	[POD_LOG_PANIC] = { "panic", "PANI", 31 }, [POD_LOG_FATAL] = { "fatal", "FATA", 31 },
	[POD_LOG_ERROR] = { "error", "ERRO", 31 }, [POD_LOG_WARN] = { "warning", "WARN", 33 },
	[POD_LOG_INFO] = { "info", "INFO", 36 },   [POD_LOG_DEBUG] = { "debug", "DEBU", 37 },
	[POD_LOG_TRACE] = { "trace", "TRAC", 37 },
};

int
pod_log_set_level(const char *s, struct pod_err **err)
{
	static const struct {
		const char *name;
		enum pod_log_level level;
	} names[] = {
		{ "trace", POD_LOG_TRACE }, { "debug", POD_LOG_DEBUG }, { "info", POD_LOG_INFO },
		{ "warn", POD_LOG_WARN },   { "warning", POD_LOG_WARN }, { "error", POD_LOG_ERROR },
		{ "fatal", POD_LOG_FATAL }, { "panic", POD_LOG_PANIC },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			current_level = names[i].level;
			return 0;
		}
	}
	return pod_err_set(err, POD_E_INVALID, 0,
			   "Log Level \"%s\" is not supported, choose from: trace, debug, info, "
			   "warn, warning, error, fatal, panic",
			   s);
}

void
pod_log_set_level_value(enum pod_log_level level)
{
	current_level = level;
}

enum pod_log_level
pod_log_get_level(void)
{
	return current_level;
}

bool
pod_log_enabled(enum pod_log_level level)
{
	return level <= current_level;
}

/* logrus quotes a value unless every character is in this set */
static bool
needs_quoting(const char *s)
{
	for (; *s; s++) {
		char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (!strchr("-._/@^+", c))
			return true;
	}
	return false;
}

/* Go's strconv.Quote, close enough: printable UTF-8 kept, the rest escaped */
static void
add_quoted(struct pod_strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	pod_strbuf_addch(sb, '"');
	while (*p) {
		unsigned char c = *p;
		size_t n = 0, i;

		switch (c) {
		case '"':
			pod_strbuf_adds(sb, "\\\"");
			p++;
			continue;
		case '\\':
			pod_strbuf_adds(sb, "\\\\");
			p++;
			continue;
		case '\a':
			pod_strbuf_adds(sb, "\\a");
			p++;
			continue;
		case '\b':
			pod_strbuf_adds(sb, "\\b");
			p++;
			continue;
		case '\f':
			pod_strbuf_adds(sb, "\\f");
			p++;
			continue;
		case '\n':
			pod_strbuf_adds(sb, "\\n");
			p++;
			continue;
		case '\r':
			pod_strbuf_adds(sb, "\\r");
			p++;
			continue;
		case '\t':
			pod_strbuf_adds(sb, "\\t");
			p++;
			continue;
		case '\v':
			pod_strbuf_adds(sb, "\\v");
			p++;
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			pod_strbuf_addf(sb, "\\x%02x", c);
			p++;
			continue;
		}
		if (c < 0x80) {
			pod_strbuf_addch(sb, (char) c);
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		if (n == 0) {
			pod_strbuf_addf(sb, "\\x%02x", c);
			p++;
			continue;
		}
		/* C1 controls and the no-break space are not printable in Go */
		if (n == 2 && c == 0xc2 && (p[1] < 0xa0 || p[1] == 0xa0)) {
			pod_strbuf_addf(sb, "\\u00%02x", p[1]);
			p += 2;
			continue;
		}
		pod_strbuf_add(sb, p, n);
		p += n;
	}
	pod_strbuf_addch(sb, '"');
}

static void
add_value(struct pod_strbuf *sb, const char *v)
{
	if (needs_quoting(v))
		add_quoted(sb, v);
	else
		pod_strbuf_adds(sb, v);
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char) *s & 0xc0) != 0x80)
			n++;
	return n;
}

void
pod_log_format(struct pod_strbuf *sb, enum pod_log_level level, const char *msg, bool tty,
	       int64_t now_ns, int64_t elapsed_ns)
{
	size_t len = strlen(msg);
	cleanup_free char *m = NULL;

	/* logrus drops one trailing newline */
	if (len && msg[len - 1] == '\n')
		len--;
	m = xstrndup(msg, len);
	if (tty) {
		size_t chars = utf8_chars(m);

		pod_strbuf_addf(sb, "\x1b[%dm%s\x1b[0m[%04lld] %s", levels[level].color,
				levels[level].tty, (long long) (elapsed_ns / 1000000000LL), m);
		/* Go's %-44s pads to 44 runes */
		for (; chars < 44; chars++)
			pod_strbuf_addch(sb, ' ');
		pod_strbuf_adds(sb, " \n");
	} else {
		time_t secs = (time_t) (now_ns / 1000000000LL);
		struct tm tm;
		char stamp[64], zone[32];

		localtime_r(&secs, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		if (tm.tm_gmtoff == 0) {
			snprintf(zone, sizeof(zone), "Z");
		} else {
			long off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;

			snprintf(zone, sizeof(zone), "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+',
				 off / 3600, off / 60 % 60);
		}
		pod_strbuf_addf(sb, "time=\"%s%s\" level=%s msg=", stamp, zone,
				levels[level].name);
		add_value(sb, m);
		pod_strbuf_addch(sb, '\n');
	}
}

void
pod_logv(enum pod_log_level level, const char *fmt, va_list ap)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	cleanup_free char *msg = NULL;
	int saved = errno;
	size_t off = 0;

	if (!pod_log_enabled(level))
		return;
	msg = pod_xvasprintf(fmt, ap);
	pod_log_format(&sb, level, msg, isatty(STDERR_FILENO) == 1, pod_now_ns(),
		       pod_mono_ns() - start_mono_ns);
	/* one write per line so concurrent tools do not interleave */
	while (off < sb.len) {
		ssize_t n = write(STDERR_FILENO, sb.buf + off, sb.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t) n;
	}
	errno = saved;
}

void
pod_log(enum pod_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pod_logv(level, fmt, ap);
	va_end(ap);
}
