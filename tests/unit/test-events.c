/* test-events.c - event records: Podman's keys and order, times, appends */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/util.h"
#include "store/events.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];

static int
setup(void **state)
{
	(void) state;
	setenv("TZ", "UTC", 1);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-events-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char *cmd[] = { "rm", "-rf", tmpdir, NULL };
	pid_t pid = fork();

	(void) state;
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return 0;
}

static void
test_json(void **state)
{
	json_t *attrs = json_pack("{s:s, s:s}", "z", "1", "a", "2");
	struct pod_event ev = {
		.type = "container", .status = "died", .id = "abc", .image = "img",
		.name = "n", .attributes = attrs, .exit_code = 3,
		.time_ns = 1764374400123456000LL,
	};
	json_t *o = pod_event_json(&ev);
	char *s = json_dumps(o, JSON_COMPACT);

	(void) state;
	assert_string_equal(s, "{\"ContainerExitCode\":3,\"ID\":\"abc\",\"Image\":\"img\","
			       "\"Name\":\"n\",\"Status\":\"died\","
			       "\"Time\":\"2025-11-29T00:00:00.123456Z\",\"Type\":\"container\","
			       "\"Attributes\":{\"a\":\"2\",\"z\":\"1\"}}");
	free(s);
	json_decref(o);

	/* exit code 0 and empty strings are omitted; no attributes is null */
	ev = (struct pod_event){ .type = "volume", .status = "create", .name = "v",
				 .time_ns = 1764374400000000000LL };
	o = pod_event_json(&ev);
	s = json_dumps(o, JSON_COMPACT);
	assert_string_equal(s, "{\"Name\":\"v\",\"Status\":\"create\","
			       "\"Time\":\"2025-11-29T00:00:00Z\",\"Type\":\"volume\","
			       "\"Attributes\":null}");
	free(s);
	json_decref(o);
	json_decref(attrs);
}

static void
test_time_text(void **state)
{
	char *t;

	(void) state;
	t = pod_event_time_text(1764374400123456000LL);
	assert_string_equal(t, "2025-11-29 00:00:00.123456 +0000 UTC");
	free(t);
	t = pod_event_time_text(1764374405000000000LL);
	assert_string_equal(t, "2025-11-29 00:00:05 +0000 UTC");
	free(t);
}

static void
test_append(void **state)
{
	struct pod_event ev = { .type = "image", .status = "tag", .id = "x", .name = "a:1" };
	struct pod_err *err = NULL;
	char *path = pod_events_log_path(tmpdir);
	FILE *f;
	char line[512];
	int n = 0;

	(void) state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(pod_event_append(tmpdir, &ev, &err), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		json_error_t je;
		json_t *o = json_loads(line, 0, &je);
		assert_non_null(o);
		assert_string_equal(json_string_value(json_object_get(o, "Status")), "tag");
		json_decref(o);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 3);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_time_text),
		cmocka_unit_test(test_append),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
