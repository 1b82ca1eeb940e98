/* health_opts.c - the --health-* flags of create and run as container settings */
#include "cli/ctr_opts.h"
#include "core/human.h"
#include "core/json.h"

static int
duration(const char *flag, const char *v, int64_t min_ns, const char *too_small,
	 json_t *hc, const char *key, struct pod_err **err)
{
	int64_t ns;

	if (!v)
		return 0;
	if (pod_parse_duration(v, &ns, err) < 0)
		return pod_err_wrap(err, "invalid %s", flag);
	if (ns < min_ns)
		return pod_err_set(err, POD_E_INVALID, 0, "%s", too_small);
	json_object_set_new(hc, key, json_integer(ns));
	return 0;
}

static int
test_of(const char *cmd, json_t **ret, struct pod_err **err)
{
	json_t *test = json_array(), *v;
	json_error_t je;
	size_t i;

	if (STREQ(cmd, "none")) {
		json_array_append_new(test, json_string("NONE"));
		*ret = test;
		return 0;
	}
	/* a JSON array is the exec form, anything else a shell command */
	if (cmd[0] == '[') {
		cleanup_json json_t *a = json_loads(cmd, 0, &je);
		if (!json_is_array(a) || json_array_size(a) == 0) {
			json_decref(test);
			return pod_err_set(err, POD_E_INVALID, 0, "invalid healthcheck command %s",
					   cmd);
		}
		json_array_append_new(test, json_string("CMD"));
		json_array_foreach(a, i, v) {
			if (!json_is_string(v)) {
				json_decref(test);
				return pod_err_set(err, POD_E_INVALID, 0,
						   "invalid healthcheck command %s", cmd);
			}
			json_array_append(test, v);
		}
	} else {
		json_array_append_new(test, json_string("CMD-SHELL"));
		json_array_append_new(test, pod_json_string(cmd));
	}
	*ret = test;
	return 0;
}

int
pod_cli_health_settings(json_t *s, const struct pod_ctr_opts *o, struct pod_err **err)
{
	cleanup_json json_t *hc = json_object();

	if (o->no_healthcheck && o->health_cmd)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "cannot specify both --no-healthcheck and --health-cmd");
	if (o->no_healthcheck) {
		json_object_set_new(hc, "Test", json_pack("[s]", "NONE"));
	} else if (o->health_cmd) {
		json_t *test = NULL;
		if (!*o->health_cmd)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "must define a healthcheck command for all healthchecks");
		if (test_of(o->health_cmd, &test, err) < 0)
			return -1;
		json_object_set_new(hc, "Test", test);
	}
	if (o->health_interval && STREQ(o->health_interval, "disable"))
		json_object_set_new(hc, "Interval", json_integer(-1));
	else if (duration("--health-interval", o->health_interval, 1,
			  "healthcheck-interval must be greater than 0 seconds", hc, "Interval",
			  err) < 0)
		return -1;
	if (duration("--health-timeout", o->health_timeout, 1,
		     "healthcheck-timeout must be greater than 0 seconds", hc, "Timeout", err) < 0 ||
	    duration("--health-start-period", o->health_start_period, 0,
		     "healthcheck-start-period must be 0 seconds or greater", hc, "StartPeriod",
		     err) < 0)
		return -1;
	if (o->health_retries_set) {
		if (o->health_retries < 1)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "healthcheck-retries must be greater than 0");
		json_object_set_new(hc, "Retries", json_integer(o->health_retries));
	}
	if (json_object_size(hc))
		json_object_set(s, "Healthcheck", hc);
	if (o->health_on_failure) {
		static const char *const actions[] = { "none", "kill", "restart", "stop" };
		bool ok = false;
		for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
			ok = ok || STREQ(o->health_on_failure, actions[i]);
		if (!ok)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid on-failure action \"%s\" "
					   "for health check: supported actions are "
					   "none,kill,restart,stop", o->health_on_failure);
		json_object_set_new(s, "HealthOnFailure", json_string(o->health_on_failure));
	}
	return 0;
}
