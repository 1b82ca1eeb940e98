/* ctr_health.c - healthchecks: the effective check, one run, the recorded state */
#include "core/json.h"
#include "core/log.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_exec.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#define NS_PER_S INT64_C(1000000000)
#define DEFAULT_INTERVAL (30 * NS_PER_S)
#define DEFAULT_TIMEOUT (30 * NS_PER_S)
#define DEFAULT_RETRIES 3
/* Podman keeps the last 5 results and 500 bytes of each one's output */
#define MAX_LOG 5
#define MAX_OUTPUT 500

static int64_t
int_of(json_t *o, const char *key, int64_t dflt, bool *found)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return dflt;
	if (found)
		*found = true;
	return json_integer_value(v);
}

json_t *
pod_ctr_health_config(const struct pod_ctr *c)
{
	json_t *s = json_object_get(c->settings, "Healthcheck");
	json_t *img = json_object_get(json_object_get(c->data, "ImageConfig"), "Healthcheck");
	json_t *test = json_object_get(s, "Test");
	json_t *base;
	int64_t interval, timeout, start, retries;
	bool disabled = false;

	/* a new command starts from the defaults, not from the image's timings */
	base = test ? NULL : img;
	if (!test)
		test = json_object_get(img, "Test");
	if (!json_is_array(test) || json_array_size(test) == 0 ||
	    STREQ(json_string_value(json_array_get(test, 0)) ?: "NONE", "NONE"))
		return NULL;
	interval = int_of(s, "Interval", 0, NULL);
	if (interval < 0)
		disabled = true;
	else if (interval == 0)
		interval = int_of(base, "Interval", 0, NULL);
	if (!disabled && interval <= 0)
		interval = DEFAULT_INTERVAL;
	timeout = int_of(s, "Timeout", int_of(base, "Timeout", 0, NULL), NULL);
	if (timeout <= 0)
		timeout = DEFAULT_TIMEOUT;
	start = int_of(s, "StartPeriod", int_of(base, "StartPeriod", 0, NULL), NULL);
	retries = int_of(s, "Retries", int_of(base, "Retries", 0, NULL), NULL);
	if (retries <= 0)
		retries = DEFAULT_RETRIES;
	return json_pack("{s:O, s:I, s:I, s:I, s:I}", "Test", test, "Interval",
			 (json_int_t) (disabled ? 0 : interval), "Timeout", (json_int_t) timeout,
			 "StartPeriod", (json_int_t) (start < 0 ? 0 : start), "Retries",
			 (json_int_t) retries);
}

const char *
pod_ctr_health_status(const struct pod_ctr *c)
{
	json_t *h = json_object_get(c->data, "Health");
	cleanup_json json_t *cfg = NULL;

	if (json_is_object(h) && json_is_string(json_object_get(h, "Status")))
		return json_string_value(json_object_get(h, "Status"));
	cfg = pod_ctr_health_config(c);
	return cfg ? "starting" : "";
}

json_t *
pod_ctr_health_inspect(const struct pod_ctr *c)
{
	json_t *h = json_object_get(c->data, "Health");
	const char *st = pod_ctr_health_status(c);

	if (json_is_object(h))
		return json_pack("{s:s, s:I, s:O}", "Status", st, "FailingStreak",
				 (json_int_t) int_of(h, "FailingStreak", 0, NULL), "Log",
				 json_object_get(h, "Log") ?: json_null());
	return json_pack("{s:s, s:i, s:n}", "Status", st, "FailingStreak", 0, "Log");
}

/* Go's time.Duration.String() for what people type: "30s", "1m30s", "500ms" */
static char *
go_duration(int64_t ns)
{
	if (ns % NS_PER_S == 0) {
		int64_t sec = ns / NS_PER_S;
		if (sec >= 3600)
			return xasprintf("%lldh%lldm%llds", (long long) (sec / 3600),
					 (long long) (sec % 3600 / 60), (long long) (sec % 60));
		if (sec >= 60)
			return xasprintf("%lldm%llds", (long long) (sec / 60), (long long) (sec % 60));
		return xasprintf("%llds", (long long) sec);
	}
	if (ns < NS_PER_S && ns % 1000000 == 0)
		return xasprintf("%lldms", (long long) (ns / 1000000));
	{
		char buf[64];
		size_t n = (size_t) snprintf(buf, sizeof(buf), "%.9f", (double) ns / 1e9);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		return xasprintf("%ss", buf);
	}
}

static char **
check_args(json_t *test)
{
	const char *kind = json_string_value(json_array_get(test, 0));
	char **v = NULL;
	json_t *a;
	size_t i;

	if (STREQ(kind ?: "", "CMD-SHELL")) {
		v = pod_strv_push(v, xstrdup("/bin/sh"));
		v = pod_strv_push(v, xstrdup("-c"));
		v = pod_strv_push(v, xstrdup(json_string_value(json_array_get(test, 1)) ?: ""));
		return v;
	}
	/* ["CMD", args...], or a bare command as Docker accepts it */
	json_array_foreach(test, i, a) {
		if (i == 0 && STREQ(kind ?: "", "CMD"))
			continue;
		if (json_is_string(a))
			v = pod_strv_push(v, xstrdup(json_string_value(a)));
	}
	return v;
}

static char *
read_output(int fd)
{
	char buf[MAX_OUTPUT + 1];
	ssize_t n = pread(fd, buf, MAX_OUTPUT, 0);

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	return xstrdup(buf);
}

static void
on_failure(struct pod_engine *e, struct pod_ctr *c)
{
	const char *action = pod_ctr_setting_str(c, "HealthOnFailure");
	struct pod_err *err = NULL;
	int r = 0;

	if (!action || STREQ(action, "none"))
		return;
	pod_debug("container %s is unhealthy: %s", c->id, action);
	if (STREQ(action, "kill")) {
		r = pod_ctr_kill(e, c, SIGKILL, &err);
	} else if (STREQ(action, "stop")) {
		r = pod_ctr_stop(e, c, -1, &err);
	} else if (STREQ(action, "restart")) {
		r = pod_ctr_stop(e, c, -1, &err);
		if (r == 0)
			r = pod_ctr_start(e, c, NULL, &err);
	}
	if (r < 0) {
		pod_warn("health check of %s: %s: %s", c->name, action, err->msg);
		pod_err_free(&err);
	}
}

int
pod_ctr_health_run(struct pod_engine *e, struct pod_ctr *c, enum pod_health_result *ret,
		   struct pod_err **err)
{
	cleanup_json json_t *cfg = pod_ctr_health_config(c);
	cleanup_strv char **args = NULL;
	cleanup_free char *output = NULL, *session = NULL, *tstart = NULL, *tend = NULL;
	cleanup_close int out = -1, lock = -1;
	struct pod_exec_opts o = { 0 };
	struct pod_err *xerr = NULL;
	json_t *h, *log;
	int64_t start_ns, end_ns, timeout;
	bool in_start, unhealthy = false;
	int code = 0;

	if (!cfg)
		return pod_err_set(err, POD_E_INVALID, 0, "container %s has no defined healthcheck",
				   c->id);
	if (c->state != POD_CTR_RUNNING)
		return pod_err_set(err, POD_E_STATE, 0, "container %s is not running", c->id);
	args = check_args(json_object_get(cfg, "Test"));
	if (!args || !args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "container %s has no defined healthcheck",
				   c->id);
	out = memfd_create("healthcheck", MFD_CLOEXEC);
	if (out < 0)
		return pod_err_sys(err, "memfd_create");
	timeout = json_integer_value(json_object_get(cfg, "Timeout"));
	o.args = args;
	o.out_fd = out;
	o.timeout_ns = timeout;
	o.detach_keys = "";
	start_ns = pod_now_ns();
	if (pod_ctr_exec(e, c, &o, &session, &code, &xerr) < 0) {
		/* a check that cannot start is a failed check; a container that stopped is not */
		if (xerr->kind != POD_E_NOCMD && xerr->kind != POD_E_NOTEXEC) {
			*err = xerr;
			return -1;
		}
		code = xerr->kind == POD_E_NOCMD ? 127 : 126;
		if (write(out, xerr->msg, strlen(xerr->msg)) < 0)
			pod_debug("health output: %s", pod_strerror(errno));
		pod_err_free(&xerr);
	}
	end_ns = pod_now_ns();
	output = read_output(out);

	lock = pod_ctr_lock(e, c->id, err);
	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	h = json_object_get(c->data, "Health");
	if (!json_is_object(h)) {
		h = json_pack("{s:s, s:i, s:[]}", "Status", "starting", "FailingStreak", 0, "Log");
		json_object_set_new(c->data, "Health", h);
	}
	log = json_object_get(h, "Log");
	if (!json_is_array(log)) {
		log = json_array();
		json_object_set_new(h, "Log", log);
	}
	tstart = pod_time_rfc3339(start_ns);
	tend = pod_time_rfc3339(end_ns);
	json_array_append_new(log, json_pack("{s:s, s:s, s:i, s:o}", "Start", tstart, "End", tend,
					     "ExitCode", code, "Output",
					     pod_json_string(output)));
	while (json_array_size(log) > MAX_LOG)
		json_array_remove(log, 0);
	in_start = start_ns - c->started_ns < json_integer_value(json_object_get(cfg, "StartPeriod"));
	if (code == 0) {
		json_object_set_new(h, "Status", json_string("healthy"));
		json_object_set_new(h, "FailingStreak", json_integer(0));
		*ret = POD_HEALTH_HEALTHY;
	} else if (in_start) {
		*ret = POD_HEALTH_STARTING;
	} else {
		json_int_t streak = json_integer_value(json_object_get(h, "FailingStreak")) + 1;
		json_object_set_new(h, "FailingStreak", json_integer(streak));
		if (streak >= json_integer_value(json_object_get(cfg, "Retries"))) {
			json_object_set_new(h, "Status", json_string("unhealthy"));
			unhealthy = true;
		}
		*ret = POD_HEALTH_UNHEALTHY;
	}
	if (pod_ctr_save(e, c, err) < 0)
		return -1;
	pod_ctr_event(e, c, "health_status", 0);
	close(TAKE_FD(lock));
	if (unhealthy)
		on_failure(e, c);
	if (code == -1) {
		cleanup_free char *d = go_duration(timeout);
		return pod_err_set(err, POD_E_GENERIC, ETIMEDOUT,
				   "healthcheck command exceeded timeout of %s", d);
	}
	return 0;
}
