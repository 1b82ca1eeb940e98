/*
 * log.h - leveled logging on stderr, in Podman's (logrus) text form.
 *
 * The one place the library writes to stderr. When stderr is not a terminal
 * a line reads `time="2026-11-28T12:00:00Z" level=warning msg="..."`; on a
 * terminal it reads `WARN[0000] ...` (colored, seconds since start). The
 * level is process-wide, warn by default; tools set it from --log-level.
 */
#ifndef POD_CORE_LOG_H
#define POD_CORE_LOG_H

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"

/* logrus order: a message is shown when its level <= the current level */
enum pod_log_level {
	POD_LOG_PANIC = 0,
	POD_LOG_FATAL,
	POD_LOG_ERROR,
	POD_LOG_WARN,
	POD_LOG_INFO,
	POD_LOG_DEBUG,
	POD_LOG_TRACE,
};

/*
 * Accepts trace, debug, info, warn, warning, error, fatal, panic (any
 * case); otherwise POD_E_INVALID with Podman's message
 * `Log Level "x" is not supported, choose from: ...`.
 */
int pod_log_set_level(const char *s, struct pod_err **err);
void pod_log_set_level_value(enum pod_log_level level);
enum pod_log_level pod_log_get_level(void);
bool pod_log_enabled(enum pod_log_level level);

/* fatal and panic only log: the library never exits */
void pod_log(enum pod_log_level level, const char *fmt, ...) POD_PRINTF(2, 3);
void pod_logv(enum pod_log_level level, const char *fmt, va_list ap) POD_PRINTF(2, 0);

#define pod_trace(...) pod_log(POD_LOG_TRACE, __VA_ARGS__)
#define pod_debug(...) pod_log(POD_LOG_DEBUG, __VA_ARGS__)
#define pod_info(...) pod_log(POD_LOG_INFO, __VA_ARGS__)
#define pod_warn(...) pod_log(POD_LOG_WARN, __VA_ARGS__)
#define pod_error(...) pod_log(POD_LOG_ERROR, __VA_ARGS__)

/*
 * Appends one formatted line (with its newline) to sb: the terminal form
 * when tty, else the key=value form with now_ns as the time; elapsed_ns is
 * the time since the process started (terminal form only). Exposed so the
 * format can be tested.
 */
void pod_log_format(struct pod_strbuf *sb, enum pod_log_level level, const char *msg, bool tty,
		    int64_t now_ns, int64_t elapsed_ns);

#endif
