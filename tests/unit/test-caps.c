/* test-caps.c - capability names and Podman's add/drop rules */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "runtime/caps.h"

static char *
join(char *const *v)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	size_t i;

	for (i = 0; v && v[i]; i++)
		pod_strbuf_addf(&sb, "%s%s", i ? " " : "", v[i]);
	return pod_strbuf_detach(&sb);
}

static char **
words(const char *s)
{
	char **v = xcalloc(1, sizeof(char *));
	const char *p = s;

	while (p && *p) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t) (e - p) : strlen(p);

		v = pod_strv_push(v, xstrndup(p, len));
		p = e ? e + 1 : NULL;
	}
	return v;
}

static void
test_names(void **state)
{
	assert_string_equal(pod_cap_name(0), "CAP_CHOWN");
	assert_string_equal(pod_cap_name(21), "CAP_SYS_ADMIN");
	assert_string_equal(pod_cap_name(40), "CAP_CHECKPOINT_RESTORE");
	assert_null(pod_cap_name(41));
	assert_null(pod_cap_name(-1));
	assert_int_equal(pod_cap_from_name("CAP_NET_RAW"), 13);
	assert_int_equal(pod_cap_from_name("net_raw"), 13);
	assert_int_equal(pod_cap_from_name("Cap_Net_Raw"), 13);
	assert_int_equal(pod_cap_from_name("sys_boot"), 22);
	assert_int_equal(pod_cap_from_name("bogus"), -1);
	assert_int_equal(pod_cap_from_name("ALL"), -1);
	assert_true(pod_caps_last_cap() >= 36 && pod_caps_last_cap() <= POD_CAP_MAX);
}

static void
test_default(void **state)
{
	cleanup_strv char **d = pod_caps_default();
	cleanup_free char *s = join(d);

	assert_int_equal(pod_strv_len(d), 11);
	assert_string_equal(s, "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL "
			       "CAP_NET_BIND_SERVICE CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID "
			       "CAP_SYS_CHROOT");
	assert_true(pod_caps_mask(d) == 0x800405fbULL);
}

static void
test_compute(void **state)
{
	static const struct {
		const char *base, *add, *drop;
		bool priv;
		const char *want, *err;
	} cases[] = {
		{ "CAP_CHOWN CAP_KILL", "", "", false, "CAP_CHOWN CAP_KILL", NULL },
		{ "CAP_KILL CAP_CHOWN", "net_raw", "", false, "CAP_CHOWN CAP_KILL CAP_NET_RAW", NULL },
		{ "CAP_CHOWN CAP_KILL", "", "kill", false, "CAP_CHOWN", NULL },
		{ "CAP_CHOWN CAP_KILL", "Sys_Admin", "ALL", false, "CAP_SYS_ADMIN", NULL },
		{ "CAP_CHOWN CAP_KILL", "", "all", false, "", NULL },
		{ "CAP_CHOWN", "CAP_KILL", "kill", false, NULL,
		  "capability \"CAP_KILL\" cannot be dropped and added" },
		{ "CAP_CHOWN", "bogus", "", false, NULL, "\"CAP_BOGUS\": unknown capability" },
		{ "CAP_CHOWN", "", "nope", false, NULL, "\"CAP_NOPE\": unknown capability" },
		{ "CAP_CHOWN", "ALL", "ALL", false, NULL,
		  "adding all caps and removing all caps not allowed" },
		{ "CAP_CHOWN", "CAP_CHOWN", "", false, "CAP_CHOWN", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_strv char **base = words(cases[i].base), **add = words(cases[i].add),
				  **drop = words(cases[i].drop), **out = NULL;
		cleanup_free char *got = NULL;
		struct pod_err *e = NULL;
		int r = pod_caps_compute(base, add, drop, cases[i].priv, &out, &e);

		if (cases[i].want) {
			if (r < 0)
				fail_msg("case %zu: %s", i, e->msg);
			got = join(out);
			assert_string_equal(got, cases[i].want);
		} else {
			assert_int_equal(r, -1);
			assert_string_equal(e->msg, cases[i].err);
			assert_int_equal(e->kind, POD_E_INVALID);
		}
		pod_err_free(&e);
	}
}

static void
test_all_and_privileged(void **state)
{
	cleanup_strv char **base = pod_caps_default(), **add = words("ALL"), **drop = words("mknod");
	cleanup_strv char **out = NULL, **priv = NULL;
	struct pod_err *e = NULL;
	int last = pod_caps_last_cap();

	assert_int_equal(pod_caps_compute(base, add, NULL, false, &out, &e), 0);
	assert_int_equal(pod_strv_len(out), (size_t) last + 1);
	assert_true(pod_caps_mask(out) == (last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1));
	assert_int_equal(pod_caps_compute(base, NULL, drop, true, &priv, &e), 0);
	assert_int_equal(pod_strv_len(priv), (size_t) last);
	assert_false(pod_strv_contains(priv, "CAP_MKNOD"));
	assert_true(pod_strv_contains(priv, "CAP_SYS_ADMIN"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_compute),
		cmocka_unit_test(test_all_and_privileged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
