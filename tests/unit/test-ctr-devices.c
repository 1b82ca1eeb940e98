/* test-ctr-devices.c - --device, --device-*-bps and --sysctl values, as Podman checks them */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cli/ctr_devices.h"

static char *
dev_json(const char *v)
{
	char *const vals[] = { (char *) v, NULL };
	struct pod_err *err = NULL;
	json_t *a = pod_ctr_devices_setting(vals, &err);
	char *s;

	if (!a) {
		s = strdup(err->msg);
		pod_err_free(&err);
		return s;
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static void
test_devices(void **state)
{
	static const struct {
		const char *in, *want;
	} c[] = {
		{ "/dev/null", "[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":\"/dev/null\","
			       "\"CgroupPermissions\":\"\"}]" },
		{ "/dev/null:rw", "[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":\"/dev/null\","
				  "\"CgroupPermissions\":\"rw\"}]" },
		{ "/dev/null:/dev/n2", "[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":"
				       "\"/dev/n2\",\"CgroupPermissions\":\"\"}]" },
		{ "/dev/null:/dev/n2:m", "[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":"
					 "\"/dev/n2\",\"CgroupPermissions\":\"m\"}]" },
		{ "/dev/null:/x:rwz", "invalid device mode: rwz" },
		{ "/dev/null:/x:rr", "invalid device mode: rr" },
		{ "/dev/null:rel", "invalid device mode: rel" },
		{ "/dev/null:rel:r", "invalid device mode: rel" },
		{ "/dev/null:/a:r:x", "invalid device specification: /dev/null:/a:r:x" },
		{ "/dev/nope", "stat /dev/nope: no such file or directory" },
		{ "/etc/passwd", "/etc/passwd is not a valid device: not a device node" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *got = dev_json(c[i].in);
		if (strcmp(got, c[i].want) != 0)
			fail_msg("%s: want %s got %s", c[i].in, c[i].want, got);
		free(got);
	}
}

static void
test_sysctls(void **state)
{
	static const struct {
		const char *in, *err;
	} c[] = {
		{ "kernel.msgmax=1", NULL },	  { "kernel.shm_rmid_forced=1", NULL },
		{ "net.ipv4.ip_forward=1", NULL }, { "fs.mqueue.msg_max=20", NULL },
		{ "kernel.msgmax=", NULL },
		{ "foo", "foo is invalid, sysctl values must be in the form of KEY=VALUE" },
		{ "vm.swappiness=1", "sysctl 'vm.swappiness' is not allowed" },
		{ "kernel.hostname=x", "sysctl 'kernel.hostname' is not allowed" },
		{ "=1", "sysctl '' is not allowed" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *const vals[] = { (char *) c[i].in, NULL };
		struct pod_err *err = NULL;
		int r = pod_ctr_sysctls_check(vals, &err);
		if (!c[i].err) {
			if (r != 0)
				fail_msg("%s: unexpected error %s", c[i].in, err->msg);
			continue;
		}
		assert_int_equal(r, -1);
		assert_string_equal(err->msg, c[i].err);
		pod_err_free(&err);
	}
}

static void
test_throttle(void **state)
{
	char *const ok[] = { (char *) "/dev/null:1mb", (char *) "/dev/null:512", NULL };
	char *const bad[][2] = { { (char *) "/dev/null", NULL }, { (char *) "/dev/null:x", NULL },
				 { (char *) "/dev/nope:1k", NULL } };
	const char *const why[] = {
		"bad format: /dev/null",
		"invalid rate for device: /dev/null:x. The correct format is "
		"<device-path>:<number>[<unit>]. Number must be a positive integer. Unit is "
		"optional and can be kb, mb, or gb",
		"could not parse throttle device at /dev/nope: no such file or directory",
	};
	struct pod_err *err = NULL;
	struct stat st;
	json_t *a = pod_ctr_throttle_setting(ok, &err);
	char want[128];
	char *got;

	assert_int_equal(stat("/dev/null", &st), 0);
	assert_non_null(a);
	got = json_dumps(a, JSON_COMPACT);
	snprintf(want, sizeof(want),
		 "[{\"major\":%u,\"minor\":%u,\"rate\":1048576},{\"major\":%u,\"minor\":%u,"
		 "\"rate\":512}]",
		 major(st.st_rdev), minor(st.st_rdev), major(st.st_rdev), minor(st.st_rdev));
	assert_string_equal(got, want);
	free(got);
	json_decref(a);
	for (size_t i = 0; i < 3; i++) {
		assert_null(pod_ctr_throttle_setting(bad[i], &err));
		assert_string_equal(err->msg, why[i]);
		pod_err_free(&err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_throttle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
