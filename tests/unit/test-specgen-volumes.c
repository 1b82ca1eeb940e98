/* test-specgen-volumes.c - -v and --mount values that name volumes */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "runtime/specgen.h"

static json_t *
vol(const char *spec)
{
	struct pod_err *err = NULL;
	json_t *m = pod_specgen_parse_volume(spec, &err);

	pod_err_free(&err);
	return m;
}

static char *
dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

static void
test_named(void **state)
{
	char *s;

	s = dump(vol("data:/data"));
	assert_string_equal(s, "{\"destination\":\"/data\",\"options\":[],\"source\":\"data\","
			       "\"type\":\"volume\"}");
	free(s);
	s = dump(vol("data:/data:ro,nocopy,U"));
	assert_string_equal(s, "{\"destination\":\"/data\",\"options\":[\"ro\",\"nocopy\",\"U\"],"
			       "\"source\":\"data\",\"type\":\"volume\"}");
	free(s);
	/* anonymous */
	s = dump(vol("/anon"));
	assert_string_equal(s, "{\"destination\":\"/anon\",\"options\":[],\"source\":\"\","
			       "\"type\":\"volume\"}");
	free(s);
	/* host paths stay bind mounts */
	s = dump(vol("/tmp:/t"));
	assert_non_null(strstr(s, "\"type\":\"bind\""));
	free(s);
}

static void
test_named_bad(void **state)
{
	struct pod_err *err = NULL;

	assert_null(pod_specgen_parse_volume("bad!name:/x", &err));
	assert_non_null(strstr(err->msg, "names must match"));
	pod_err_free(&err);
	assert_null(pod_specgen_parse_volume("v:/x:ro,rw", &err));
	assert_string_equal(err->msg, "cannot set ro and rw options together");
	pod_err_free(&err);
	assert_null(pod_specgen_parse_volume("v:/x:bogus", &err));
	assert_string_equal(err->msg, "invalid option type \"bogus\"");
	pod_err_free(&err);
	assert_null(pod_specgen_parse_volume("v:relative", &err));
	pod_err_free(&err);
	assert_null(pod_specgen_parse_volume("v:/x:shared,private", &err));
	pod_err_free(&err);
}

static void
test_mount_volume(void **state)
{
	struct pod_err *err = NULL;
	char *s;

	s = dump(pod_specgen_parse_mount("type=volume,source=v,target=/m,readonly,volume-nocopy",
					 &err));
	assert_string_equal(s, "{\"destination\":\"/m\",\"options\":[\"ro\",\"nocopy\"],"
			       "\"source\":\"v\",\"type\":\"volume\"}");
	free(s);
	s = dump(pod_specgen_parse_mount("type=volume,dst=/anon", &err));
	assert_string_equal(s, "{\"destination\":\"/anon\",\"options\":[],\"source\":\"\","
			       "\"type\":\"volume\"}");
	free(s);
	assert_null(pod_specgen_parse_mount("type=volume,source=v", &err));
	assert_string_equal(err->msg, "must set target path: invalid argument");
	pod_err_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named),
		cmocka_unit_test(test_named_bad),
		cmocka_unit_test(test_mount_volume),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
