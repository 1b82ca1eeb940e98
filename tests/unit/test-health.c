/* test-health.c - the effective healthcheck: flags over the image's, Podman's defaults */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/ctr_opts.h"
#include "runtime/ctr_exec.h"

#define S (INT64_C(1000000000))

/* a container with these settings and image config (JSON texts) */
static struct pod_ctr *
ctr(const char *settings, const char *image_config)
{
	struct pod_ctr *c = xcalloc(1, sizeof(*c));

	c->id = xstrdup("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	c->name = xstrdup("t");
	c->data = json_object();
	json_object_set_new(c->data, "Settings", json_loads(settings, 0, NULL));
	json_object_set_new(c->data, "ImageConfig", json_loads(image_config, 0, NULL));
	c->settings = json_object_get(c->data, "Settings");
	return c;
}

static void
check(const char *settings, const char *image, const char *want)
{
	struct pod_ctr *c = ctr(settings, image);
	json_t *hc = pod_ctr_health_config(c);
	char *got = hc ? json_dumps(hc, JSON_COMPACT) : xstrdup("null");

	if (strcmp(got, want) != 0)
		fail_msg("settings %s, image %s:\n got  %s\n want %s", settings, image, got, want);
	free(got);
	json_decref(hc);
	pod_ctr_free(c);
}

static void
test_config(void **state)
{
	(void) state;
	check("{}", "{}", "null");
	check("{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"]}}", "{}",
	      "{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":30000000000,\"Timeout\":30000000000,"
	      "\"StartPeriod\":0,\"Retries\":3}");
	/* the image's check and timings; a flag overrides one of them */
	check("{\"Healthcheck\":{\"Retries\":5}}",
	      "{\"Healthcheck\":{\"Test\":[\"CMD\",\"x\"],\"Interval\":2000000000,"
	      "\"Timeout\":3000000000,\"StartPeriod\":4000000000,\"Retries\":1}}",
	      "{\"Test\":[\"CMD\",\"x\"],\"Interval\":2000000000,\"Timeout\":3000000000,"
	      "\"StartPeriod\":4000000000,\"Retries\":5}");
	/* a new command does not inherit the image's timings */
	check("{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"y\"]}}",
	      "{\"Healthcheck\":{\"Test\":[\"CMD\",\"x\"],\"Interval\":2000000000}}",
	      "{\"Test\":[\"CMD-SHELL\",\"y\"],\"Interval\":30000000000,\"Timeout\":30000000000,"
	      "\"StartPeriod\":0,\"Retries\":3}");
	/* disabled interval: 0, no timer */
	check("{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"y\"],\"Interval\":-1}}", "{}",
	      "{\"Test\":[\"CMD-SHELL\",\"y\"],\"Interval\":0,\"Timeout\":30000000000,"
	      "\"StartPeriod\":0,\"Retries\":3}");
	/* NONE turns the image's off */
	check("{\"Healthcheck\":{\"Test\":[\"NONE\"]}}",
	      "{\"Healthcheck\":{\"Test\":[\"CMD\",\"x\"]}}", "null");
	check("{}", "{\"Healthcheck\":{\"Test\":[\"NONE\"]}}", "null");
	check("{}", "{\"Healthcheck\":{\"Test\":[]}}", "null");
}

static void
test_status(void **state)
{
	struct pod_ctr *c = ctr("{\"Healthcheck\":{\"Test\":[\"CMD\",\"x\"]}}", "{}");
	json_t *j;

	(void) state;
	assert_string_equal(pod_ctr_health_status(c), "starting");
	j = pod_ctr_health_inspect(c);
	assert_string_equal(json_string_value(json_object_get(j, "Status")), "starting");
	assert_true(json_is_null(json_object_get(j, "Log")));
	json_decref(j);
	json_object_set_new(c->data, "Health", json_pack("{s:s, s:i, s:[]}", "Status", "unhealthy",
							   "FailingStreak", 4, "Log"));
	assert_string_equal(pod_ctr_health_status(c), "unhealthy");
	j = pod_ctr_health_inspect(c);
	assert_int_equal(json_integer_value(json_object_get(j, "FailingStreak")), 4);
	json_decref(j);
	pod_ctr_free(c);
	c = ctr("{}", "{}");
	assert_string_equal(pod_ctr_health_status(c), "");
	pod_ctr_free(c);
}

static json_t *
flags(struct pod_ctr_opts *o, int *rc)
{
	json_t *s = json_object();
	struct pod_err *e = NULL;

	*rc = pod_cli_health_settings(s, o, &e);
	if (*rc < 0) {
		pod_err_free(&e);
		json_decref(s);
		return NULL;
	}
	return s;
}

static void
test_flags(void **state)
{
	struct pod_ctr_opts o = { 0 };
	json_t *s;
	char *t;
	int rc;

	(void) state;
	o.health_cmd = "[\"cat\", \"/x\"]";
	o.health_interval = "disable";
	o.health_timeout = "1m30s";
	o.health_retries = 2;
	o.health_retries_set = true;
	o.health_on_failure = "restart";
	s = flags(&o, &rc);
	assert_int_equal(rc, 0);
	t = json_dumps(s, JSON_COMPACT);
	assert_string_equal(t, "{\"Healthcheck\":{\"Test\":[\"CMD\",\"cat\",\"/x\"],\"Interval\":-1,"
			       "\"Timeout\":90000000000,\"Retries\":2},\"HealthOnFailure\":\"restart\"}");
	free(t);
	json_decref(s);

	memset(&o, 0, sizeof(o));
	o.health_cmd = "curl -f localhost";
	o.health_start_period = "5s";
	s = flags(&o, &rc);
	t = json_dumps(s, JSON_COMPACT);
	assert_string_equal(t, "{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"curl -f localhost\"],"
			       "\"StartPeriod\":5000000000}}");
	free(t);
	json_decref(s);

	memset(&o, 0, sizeof(o));
	o.no_healthcheck = true;
	s = flags(&o, &rc);
	t = json_dumps(s, JSON_COMPACT);
	assert_string_equal(t, "{\"Healthcheck\":{\"Test\":[\"NONE\"]}}");
	free(t);
	json_decref(s);

	/* refused */
	static const struct {
		const char *cmd, *interval, *on_failure;
		bool none;
	} bad[] = {
		{ "true", NULL, "bogus", false }, { "true", NULL, NULL, true },
		{ "[1]", NULL, NULL, false },	  { "true", "0s", NULL, false },
		{ "", NULL, NULL, false },	  { "true", "soon", NULL, false },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.health_cmd = (char *) bad[i].cmd;
		o.health_interval = (char *) bad[i].interval;
		o.health_on_failure = (char *) bad[i].on_failure;
		o.no_healthcheck = bad[i].none;
		s = flags(&o, &rc);
		assert_int_equal(rc, -1);
		assert_null(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
