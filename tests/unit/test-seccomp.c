/* test-seccomp.c - the default seccomp profile and the seccomp.json reader */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "runtime/caps.h"
#include "runtime/seccomp_default.h"

#include <dirent.h>
#include <errno.h>
#include <seccomp.h>
#include <sys/utsname.h>

#define DATA_DIR "tests/unit/data/seccomp"

/* The first argument-free rule naming the syscall: its action and errno
 * (-1 when none); "default" when no rule names it. */
static const char *
lookup(json_t *p, const char *name, int64_t *ret_errno)
{
	json_t *calls = json_object_get(p, "syscalls"), *c, *n;
	size_t i, j;

	json_array_foreach(calls, i, c) {
		if (json_array_size(json_object_get(c, "args")) > 0)
			continue;
		json_array_foreach(json_object_get(c, "names"), j, n) {
			if (!STREQ(json_string_value(n), name))
				continue;
			*ret_errno = json_is_integer(json_object_get(c, "errnoRet"))
					     ? json_integer_value(json_object_get(c, "errnoRet"))
					     : -1;
			return json_string_value(json_object_get(c, "action"));
		}
	}
	*ret_errno = json_integer_value(json_object_get(p, "defaultErrnoRet"));
	return "default";
}

static const char *const default_caps[] = {
	"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL",   "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID",
	"CAP_SETPCAP", "CAP_SETUID",	   "sys_chroot", NULL,
};

static void
test_default_shape(void **state)
{
	json_t *p = pod_seccomp_default_profile(default_caps);
	struct utsname u;
	char *s;

	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(p, "defaultAction")),
			    "SCMP_ACT_ERRNO");
	assert_int_equal(json_integer_value(json_object_get(p, "defaultErrnoRet")), ENOSYS);
	assert_int_equal(uname(&u), 0);
	s = json_dumps(json_object_get(p, "architectures"), JSON_COMPACT);
	if (STREQ(u.machine, "x86_64"))
		assert_string_equal(s, "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
	else if (STREQ(u.machine, "aarch64"))
		assert_string_equal(s, "[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"]");
	free(s);
	/* the output is valid OCI: no includes/excludes left */
	s = json_dumps(p, JSON_COMPACT);
	assert_null(strstr(s, "includes"));
	assert_null(strstr(s, "excludes"));
	free(s);
	json_decref(p);
}

static void
test_default_rules(void **state)
{
	static const char *const with_admin[] = { "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", NULL };
	json_t *p = pod_seccomp_default_profile(default_caps);
	json_t *admin = pod_seccomp_default_profile(with_admin);
	struct utsname u;
	int64_t e;

	assert_string_equal(lookup(p, "mkdir", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(p, "mount", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(p, "unshare", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(p, "keyctl", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(p, "clone", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(p, "kexec_load", &e), "SCMP_ACT_ERRNO");
	assert_int_equal(e, EPERM);
	assert_string_equal(lookup(p, "swapon", &e), "SCMP_ACT_ERRNO");
	assert_int_equal(e, EPERM);
	assert_string_equal(lookup(p, "userfaultfd", &e), "SCMP_ACT_ERRNO");
	assert_int_equal(e, EPERM);
	/* containers/common allows reboot(2) outright (Docker gates it on CAP_SYS_BOOT);
	 * in a pid namespace it only ends the container */
	assert_string_equal(lookup(p, "reboot", &e), "SCMP_ACT_ALLOW");
	/* cap-gated: chroot is in the default set, ptrace and sethostname are not */
	assert_string_equal(lookup(p, "chroot", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(p, "ptrace", &e), "SCMP_ACT_ERRNO");
	assert_int_equal(e, EPERM);
	assert_string_equal(lookup(p, "sethostname", &e), "SCMP_ACT_ERRNO");
	assert_int_equal(e, EPERM);
	assert_string_equal(lookup(admin, "ptrace", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(admin, "sethostname", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(admin, "bpf", &e), "SCMP_ACT_ALLOW");
	assert_string_equal(lookup(admin, "chroot", &e), "SCMP_ACT_ERRNO");
	/* unknown syscalls fall to the default: ENOSYS */
	assert_string_equal(lookup(p, "no_such_syscall", &e), "default");
	assert_int_equal(e, ENOSYS);
	assert_int_equal(uname(&u), 0);
	if (STREQ(u.machine, "x86_64")) {
		assert_string_equal(lookup(p, "arch_prctl", &e), "SCMP_ACT_ALLOW");
		assert_string_equal(lookup(p, "cacheflush", &e), "default");
	}
	json_decref(p);
	json_decref(admin);
}

/* libseccomp accepts every rule for the native architecture */
static void
test_default_loads_in_libseccomp(void **state)
{
	json_t *p = pod_seccomp_default_profile(default_caps), *c, *n, *a;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	size_t i, j, k;
	int added = 0;

	assert_non_null(ctx);
	json_array_foreach(json_object_get(p, "syscalls"), i, c) {
		const char *act = json_string_value(json_object_get(c, "action"));
		uint32_t action = STREQ(act, "SCMP_ACT_ALLOW")
					  ? SCMP_ACT_ALLOW
					  : SCMP_ACT_ERRNO((uint16_t) json_integer_value(
						    json_object_get(c, "errnoRet")));
		struct scmp_arg_cmp cmp[6];
		size_t na = 0;

		json_array_foreach(json_object_get(c, "args"), k, a) {
			const char *op = json_string_value(json_object_get(a, "op"));

			cmp[na].arg = (unsigned) json_integer_value(json_object_get(a, "index"));
			cmp[na].op = STREQ(op, "SCMP_CMP_EQ") ? SCMP_CMP_EQ : SCMP_CMP_NE;
			cmp[na].datum_a = (uint64_t) json_integer_value(json_object_get(a, "value"));
			cmp[na].datum_b = 0;
			na++;
		}
		json_array_foreach(json_object_get(c, "names"), j, n) {
			int nr = seccomp_syscall_resolve_name(json_string_value(n));

			if (nr == __NR_SCMP_ERROR)
				continue; /* not a syscall here: runtimes skip it too */
			if (seccomp_rule_add_array(ctx, action, nr, (unsigned) na, cmp) != 0)
				fail_msg("libseccomp rejects %s", json_string_value(n));
			added++;
		}
	}
	assert_true(added > 300);
	seccomp_release(ctx);
	json_decref(p);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		pod_strbuf_add(&sb, buf, n);
	fclose(f);
	return pod_strbuf_detach(&sb);
}

static void
run_cases(const char *kind, bool valid)
{
	cleanup_free char *dirpath = xasprintf("%s/%s", DATA_DIR, kind);
	DIR *d = opendir(dirpath);
	struct dirent *de;
	int count = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		cleanup_free char *in = NULL, *want = NULL, *p = NULL, *got = NULL;
		struct pod_err *e = NULL;
		json_t *out;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s/input", dirpath, de->d_name);
		in = slurp(p);
		assert_non_null(in);
		free(p);
		p = xasprintf("%s/%s/%s", dirpath, de->d_name, valid ? "expected" : "error");
		want = slurp(p);
		assert_non_null(want);
		want[strcspn(want, "\n")] = '\0';
		out = pod_seccomp_profile_from_data(in, strlen(in), default_caps, &e);
		if (valid) {
			if (!out)
				fail_msg("%s: %s", de->d_name, e->msg);
			got = json_dumps(out, JSON_COMPACT);
			if (!STREQ(got, want))
				fail_msg("%s: got\n%s\nwant\n%s", de->d_name, got, want);
		} else {
			assert_null(out);
			if (!strstr(e->msg, want))
				fail_msg("%s: error \"%s\" lacks \"%s\"", de->d_name, e->msg, want);
			assert_int_equal(e->kind, POD_E_INVALID);
		}
		json_decref(out);
		pod_err_free(&e);
		count++;
	}
	closedir(d);
	assert_true(count > 0);
}

static void
test_file_valid(void **state)
{
	run_cases("valid", true);
}

static void
test_file_invalid(void **state)
{
	run_cases("invalid", false);
}

/* the source profile round-trips through the reader to the same result */
static void
test_source_roundtrip(void **state)
{
	json_t *src = pod_seccomp_default_source();
	char *text = json_dumps(src, 0);
	struct pod_err *e = NULL;
	json_t *a = pod_seccomp_profile_from_data(text, strlen(text), default_caps, &e);
	json_t *b = pod_seccomp_default_profile(default_caps);

	assert_non_null(a);
	assert_true(json_equal(a, b));
	assert_non_null(json_object_get(src, "archMap"));
	free(text);
	json_decref(a);
	json_decref(b);
	json_decref(src);
}

static void
test_missing_file(void **state)
{
	struct pod_err *e = NULL;

	assert_null(pod_seccomp_profile_from_file("/nonexistent/seccomp.json", NULL, &e));
	assert_non_null(strstr(e->msg, "no such file or directory"));
	pod_err_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_shape),
		cmocka_unit_test(test_default_rules),
		cmocka_unit_test(test_default_loads_in_libseccomp),
		cmocka_unit_test(test_file_valid),
		cmocka_unit_test(test_file_invalid),
		cmocka_unit_test(test_source_roundtrip),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
