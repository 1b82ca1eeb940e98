/*
 * test-ocispec.c - table-driven tests of lib/runtime/spec.c (config.json).
 *
 * tests/unit/data/ocispec/valid/NAME/{input,expected}: input parses, and
 * the parsed struct, dumped as JSON by dump() below, equals expected.
 * tests/unit/data/ocispec/invalid/NAME/{input,error}: input fails with
 * exactly the message in error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "runtime/oci.h"
#include "runtime/spec.h"

static char data_dir[4096] = "tests/unit/data/ocispec";

static void
find_data_dir(void)
{
	char exe[2048];
	ssize_t n;
	char *slash;

	if (access(data_dir, R_OK) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(data_dir, sizeof(data_dir), "%s/../../tests/unit/data/ocispec", exe);
}

static char *
read_all(const char *path, size_t *ret_len)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		pod_strbuf_add(&sb, buf, (size_t) n);
	close(fd);
	*ret_len = sb.len;
	return pod_strbuf_detach(&sb);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static char **
list_cases(const char *kind)
{
	cleanup_free char *dir = xasprintf("%s/%s", data_dir, kind);
	char **v = xcalloc(1, sizeof(char *));
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		fail_msg("cannot open %s: %s", dir, strerror(errno));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			v = pod_strv_push(v, xstrdup(de->d_name));
	closedir(d);
	qsort(v, pod_strv_len(v), sizeof(char *), cmp_str);
	return v;
}

static json_t *
strv_json(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
hex(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long) v);
	return json_string(buf);
}

/* the parsed struct as JSON, for comparing with expected files */
static json_t *
dump(const struct pod_oci_spec *s)
{
	static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted",
					    "ambient" };
	static const char *const stages[] = { "prestart", "createRuntime", "createContainer",
					      "startContainer", "poststart", "poststop" };
	json_t *j = json_object(), *a;

	json_object_set_new(j, "ociVersion", json_string(s->oci_version));
	json_object_set_new(j, "root", json_pack("{s:s,s:b}", "path", s->root_path, "readonly",
						 s->root_readonly));
	if (s->process) {
		const struct pod_oci_process *p = s->process;
		json_t *pj = json_object(), *caps = json_object(), *rl = json_array();
		json_t *gids = json_array();

		json_object_set_new(pj, "terminal", json_boolean(p->terminal));
		json_object_set_new(pj, "console", json_pack("[i,i]", p->console_height,
							     p->console_width));
		for (size_t i = 0; i < p->n_additional_gids; i++)
			json_array_append_new(gids, json_integer(p->additional_gids[i]));
		json_object_set_new(pj, "user", json_pack("{s:i,s:i,s:o,s:o}", "uid", p->uid, "gid",
							  p->gid, "umask",
							  p->has_umask ? json_integer(p->umask) :
									 json_null(),
							  "additionalGids", gids));
		json_object_set_new(pj, "args", strv_json(p->args));
		json_object_set_new(pj, "env", strv_json(p->env));
		json_object_set_new(pj, "cwd", json_string(p->cwd));
		if (p->has_caps) {
			for (int i = 0; i < POD_OCI_CAP__MAX; i++)
				json_object_set_new(caps, sets[i], hex(p->caps[i]));
			json_object_set_new(pj, "capabilities", caps);
		} else {
			json_decref(caps);
		}
		for (size_t i = 0; i < p->n_rlimits; i++)
			json_array_append_new(rl, json_pack("[i,I,I]", p->rlimits[i].resource,
							    (json_int_t) p->rlimits[i].soft,
							    (json_int_t) p->rlimits[i].hard));
		json_object_set_new(pj, "rlimits", rl);
		json_object_set_new(pj, "noNewPrivileges", json_boolean(p->no_new_privileges));
		json_object_set_new(pj, "oomScoreAdj", p->has_oom_score_adj ?
							       json_integer(p->oom_score_adj) :
							       json_null());
		json_object_set_new(j, "process", pj);
	}
	json_object_set_new(j, "hostname", s->hostname ? json_string(s->hostname) : json_null());
	json_object_set_new(j, "domainname",
			    s->domainname ? json_string(s->domainname) : json_null());
	a = json_array();
	for (size_t i = 0; i < s->n_mounts; i++)
		json_array_append_new(
			a, json_pack("{s:s,s:o,s:o,s:o}", "destination", s->mounts[i].destination,
				     "type", s->mounts[i].type ? json_string(s->mounts[i].type) :
								 json_null(),
				     "source", s->mounts[i].source ? json_string(s->mounts[i].source) :
								     json_null(),
				     "options", strv_json(s->mounts[i].options)));
	json_object_set_new(j, "mounts", a);
	a = json_object();
	for (int st = 0; st < POD_OCI_HOOK__MAX; st++) {
		json_t *h = json_array();

		for (size_t i = 0; i < s->n_hooks[st]; i++)
			json_array_append_new(h, json_pack("{s:s,s:o,s:o,s:i}", "path",
							   s->hooks[st][i].path, "args",
							   strv_json(s->hooks[st][i].args), "env",
							   strv_json(s->hooks[st][i].env), "timeout",
							   s->hooks[st][i].timeout));
		if (json_array_size(h))
			json_object_set_new(a, stages[st], h);
		else
			json_decref(h);
	}
	json_object_set_new(j, "hooks", a);
	json_object_set(j, "annotations", s->annotations);
	a = json_array();
	for (size_t i = 0; i < s->n_namespaces; i++)
		json_array_append_new(a, json_pack("[s,o]", pod_oci_ns_name(s->namespaces[i].type),
						   s->namespaces[i].path ?
							   json_string(s->namespaces[i].path) :
							   json_null()));
	json_object_set_new(j, "namespaces", a);
	a = json_array();
	for (size_t i = 0; i < s->n_uid_mappings; i++)
		json_array_append_new(a, json_pack("[i,i,i]", s->uid_mappings[i].container_id,
						   s->uid_mappings[i].host_id,
						   s->uid_mappings[i].size));
	json_object_set_new(j, "uidMappings", a);
	a = json_array();
	for (size_t i = 0; i < s->n_gid_mappings; i++)
		json_array_append_new(a, json_pack("[i,i,i]", s->gid_mappings[i].container_id,
						   s->gid_mappings[i].host_id,
						   s->gid_mappings[i].size));
	json_object_set_new(j, "gidMappings", a);
	a = json_array();
	for (size_t i = 0; i < s->n_devices; i++) {
		const struct pod_oci_device *d = &s->devices[i];
		char t[2] = { d->type, 0 };

		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:I,s:o,s:o,s:o}", "path", d->path,
						   "type", t, "major", (json_int_t) d->major, "minor",
						   (json_int_t) d->minor, "fileMode",
						   d->has_mode ? json_integer(d->file_mode) :
								 json_null(),
						   "uid", d->has_uid ? json_integer(d->uid) : json_null(),
						   "gid", d->has_gid ? json_integer(d->gid) :
								       json_null()));
	}
	json_object_set_new(j, "devices", a);
	json_object_set_new(j, "cgroupsPath",
			    s->cgroups_path ? json_string(s->cgroups_path) : json_null());
	json_object_set_new(j, "resources", s->resources ? json_true() : json_false());
	a = json_object();
	for (size_t i = 0; i < s->n_sysctl; i++)
		json_object_set_new(a, s->sysctl[i].key, json_string(s->sysctl[i].value));
	json_object_set_new(j, "sysctl", a);
	json_object_set_new(j, "seccomp", s->seccomp ? json_true() : json_false());
	json_object_set_new(j, "maskedPaths", strv_json(s->masked_paths));
	json_object_set_new(j, "readonlyPaths", strv_json(s->readonly_paths));
	json_object_set_new(j, "rootfsPropagation", hex(s->rootfs_propagation));
	return j;
}

static void
test_valid(void **state)
{
	cleanup_strv char **cases = list_cases("valid");
	size_t failed = 0;
	bool regen = getenv("OCISPEC_REGEN") != NULL;

	assert_true(pod_strv_len(cases) >= 5);
	for (size_t i = 0; cases[i]; i++) {
		cleanup_free char *ip = xasprintf("%s/valid/%s/input", data_dir, cases[i]);
		cleanup_free char *ep = xasprintf("%s/valid/%s/expected", data_dir, cases[i]);
		cleanup_free char *in = NULL;
		struct pod_oci_spec *s = NULL;
		struct pod_err *err = NULL;
		json_error_t jerr;
		json_t *want, *got;
		size_t len = 0;

		in = read_all(ip, &len);
		assert_non_null(in);
		if (pod_oci_spec_parse(in, len, "config.json", &s, &err) < 0) {
			print_error("valid/%s: unexpected error: %s\n", cases[i], err->msg);
			pod_err_free(&err);
			failed++;
			continue;
		}
		got = dump(s);
		pod_oci_spec_free(s);
		if (regen)
			json_dump_file(got, ep, JSON_INDENT(2));
		want = json_load_file(ep, 0, &jerr);
		if (!want)
			fail_msg("%s: %s", ep, jerr.text);
		if (!json_equal(want, got)) {
			char *t = json_dumps(got, JSON_COMPACT);

			print_error("valid/%s: got %s\n", cases[i], t);
			free(t);
			failed++;
		}
		json_decref(want);
		json_decref(got);
	}
	assert_int_equal(failed, 0);
}

static void
test_invalid(void **state)
{
	cleanup_strv char **cases = list_cases("invalid");
	size_t failed = 0;

	assert_true(pod_strv_len(cases) >= 20);
	for (size_t i = 0; cases[i]; i++) {
		cleanup_free char *ip = xasprintf("%s/invalid/%s/input", data_dir, cases[i]);
		cleanup_free char *ep = xasprintf("%s/invalid/%s/error", data_dir, cases[i]);
		cleanup_free char *in = NULL, *want = NULL;
		struct pod_oci_spec *s = NULL;
		struct pod_err *err = NULL;
		size_t len = 0, wlen = 0;

		in = read_all(ip, &len);
		want = read_all(ep, &wlen);
		assert_non_null(in);
		assert_non_null(want);
		while (wlen && want[wlen - 1] == '\n')
			want[--wlen] = '\0';
		if (pod_oci_spec_parse(in, len, "config.json", &s, &err) == 0) {
			print_error("invalid/%s: parsed without error\n", cases[i]);
			pod_oci_spec_free(s);
			failed++;
			continue;
		}
		if (err->kind != POD_E_INVALID || strcmp(err->msg, want) != 0) {
			print_error("invalid/%s: got \"%s\", want \"%s\"\n", cases[i], err->msg, want);
			failed++;
		}
		pod_err_free(&err);
	}
	assert_int_equal(failed, 0);
}

static void
test_names(void **state)
{
	struct pod_err *err = NULL;
	int sig = 0;

	assert_int_equal(pod_oci_cap_from_name("CAP_CHOWN"), 0);
	assert_int_equal(pod_oci_cap_from_name("CAP_SYS_ADMIN"), 21);
	assert_int_equal(pod_oci_cap_from_name("cap_chown"), -1);
	assert_int_equal(pod_oci_cap_from_name("CAP_12"), -1);
	assert_int_equal(pod_oci_cap_from_name("CHOWN"), -1);
	assert_int_equal(pod_oci_rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
	assert_int_equal(pod_oci_rlimit_from_name("NOFILE"), -1);
	assert_string_equal(pod_oci_ns_name(CLONE_NEWNET), "network");
	assert_string_equal(pod_oci_ns_proc_name(CLONE_NEWNS), "mnt");

	assert_int_equal(pod_oci_parse_signal("KILL", &sig, &err), 0);
	assert_int_equal(sig, 9);
	assert_int_equal(pod_oci_parse_signal("SIGTERM", &sig, &err), 0);
	assert_int_equal(sig, 15);
	assert_int_equal(pod_oci_parse_signal("sigusr1", &sig, &err), 0);
	assert_int_equal(sig, 10);
	assert_int_equal(pod_oci_parse_signal("2", &sig, &err), 0);
	assert_int_equal(sig, 2);
	assert_int_equal(pod_oci_parse_signal("0", &sig, &err), -1);
	assert_string_equal(err->msg, "unknown signal \"0\"");
	pod_err_free(&err);
	assert_int_equal(pod_oci_parse_signal("SIGFOO", &sig, &err), -1);
	pod_err_free(&err);

	assert_int_equal(pod_oci_check_id("abc-1.2_x", &err), 0);
	assert_int_equal(pod_oci_check_id("../x", &err), -1);
	pod_err_free(&err);
	assert_int_equal(pod_oci_check_id("..", &err), -1);
	pod_err_free(&err);
	assert_int_equal(pod_oci_check_id("", &err), -1);
	pod_err_free(&err);
}

static void
test_default_spec_roundtrip(void **state)
{
	for (int rootless = 0; rootless < 2; rootless++) {
		json_t *j = pod_oci_default_spec(rootless);
		char *text = json_dumps(j, JSON_COMPACT);
		struct pod_oci_spec *s = NULL;
		struct pod_err *err = NULL;

		assert_int_equal(pod_oci_spec_parse(text, strlen(text), "config.json", &s, &err), 0);
		assert_non_null(s->process);
		assert_string_equal(s->process->args[0], "sh");
		assert_true(pod_oci_spec_find_ns(s, CLONE_NEWNS) >= 0);
		assert_int_equal(pod_oci_spec_find_ns(s, CLONE_NEWUSER) >= 0, rootless);
		pod_oci_spec_free(s);
		free(text);
		json_decref(j);
	}
}

static void
test_limits(void **state)
{
	struct pod_oci_spec *s = NULL;
	struct pod_err *err = NULL;

	assert_int_equal(pod_oci_spec_parse("{}", POD_OCI_SPEC_MAX_SIZE + 1, "config.json", &s,
					    &err), -1);
	assert_string_equal(err->msg, "config.json: file too large");
	pod_err_free(&err);
	assert_int_equal(pod_oci_spec_load("/nonexistent/config.json", &s, &err), -1);
	assert_int_equal(err->kind, POD_E_NOTFOUND);
	pod_err_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),	 cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_names),	 cmocka_unit_test(test_default_spec_roundtrip),
		cmocka_unit_test(test_limits),
	};

	find_data_dir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
