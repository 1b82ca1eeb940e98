/* log.c - the runtime's debug log (runc's --log / --log-format / --debug) */
#include "runtime/oci.h"
#include "runtime/oci-internal.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static bool log_debug;
static bool log_json;

void
pod_oci_set_log(int fd, bool debug, bool json)
{
	log_fd = fd;
	log_debug = debug;
	log_json = json;
}

static void
log_line(const char *level, const char *msg)
{
	cleanup_free char *ts = NULL;
	char *line;
	ssize_t n;

	if (log_fd < 0)
		return;
	ts = pod_rt_rfc3339(pod_now_ns());
	if (log_json) {
		json_t *j = json_pack("{s:s,s:s,s:s}", "level", level, "msg", msg, "time", ts);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

		json_decref(j);
		if (!s)
			return;
		line = xasprintf("%s\n", s);
		free(s);
	} else {
		line = xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", ts, level, msg);
	}
	do
		n = write(log_fd, line, strlen(line));
	while (n < 0 && errno == EINTR);
	free(line);
}

void
pod_rt_debug(const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	va_list ap;

	if (!(log_debug && log_fd >= 0) && !pod_log_enabled(POD_LOG_DEBUG))
		return;
	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	if (log_debug && log_fd >= 0)
		log_line("debug", msg);
	else
		pod_debug("%s", msg);
}

void
pod_oci_log_error(const char *msg)
{
	log_line("error", msg);
}
