/* test-manifest.c - manifests, indexes, platform choice, image configs, builders */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "image/digest.h"
#include "image/manifest.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* tests/unit/data/manifest, found from the source path or $POD_TEST_DATA */
static char *
data_dir(const char *parser)
{
	const char *env = getenv("POD_TEST_DATA");
	char *file = xstrdup(__FILE__), *slash = strrchr(file, '/'), *r;

	if (env) {
		free(file);
		return xasprintf("%s/%s", env, parser);
	}
	if (slash)
		*slash = '\0';
	r = xasprintf("%s/data/%s", slash ? file : ".", parser);
	free(file);
	return r;
}

static char *
slurp(const char *path, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		pod_strbuf_add(&sb, buf, (size_t) n);
	close(fd);
	if (ret_len)
		*ret_len = sb.len;
	return pod_strbuf_detach(&sb);
}

static void
dump_descriptor(struct pod_strbuf *sb, const char *what, const struct pod_descriptor *d)
{
	pod_strbuf_addf(sb, "%s %s %s %lld", what, d->media_type, d->digest, (long long) d->size);
	if (d->platform)
		pod_strbuf_addf(sb, " %s/%s%s%s", d->platform->os, d->platform->architecture,
				d->platform->variant ? "/" : "",
				d->platform->variant ? d->platform->variant : "");
	pod_strbuf_addch(sb, '\n');
}

static char *
dump_manifest(const struct pod_manifest *m)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	size_t i;

	if (m->kind == POD_MANIFEST_IMAGE) {
		pod_strbuf_addf(&sb, "kind image\nmediaType %s\n", m->media_type);
		dump_descriptor(&sb, "config", &m->image.config);
		for (i = 0; i < m->image.n_layers; i++)
			dump_descriptor(&sb, "layer", &m->image.layers[i]);
	} else {
		pod_strbuf_addf(&sb, "kind index\nmediaType %s\n", m->media_type);
		for (i = 0; i < m->index.n_manifests; i++)
			dump_descriptor(&sb, "manifest", &m->index.manifests[i]);
	}
	if (m->annotations) {
		const char *k;
		json_t *v;

		json_object_foreach (m->annotations, k, v)
			pod_strbuf_addf(&sb, "annotation %s=%s\n", k, json_string_value(v));
	}
	return pod_strbuf_detach(&sb);
}

static size_t
run_dir(const char *kind)
{
	char *base = data_dir("manifest"), *dir = xasprintf("%s/%s", base, kind);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t count = 0;

	if (!d)
		fail_msg("cannot open %s (run from the source tree or set POD_TEST_DATA)", dir);
	while ((de = readdir(d))) {
		char *cdir, *p, *input, *ct, *want;
		size_t len = 0;
		struct pod_manifest *m = NULL;
		struct pod_err *e = NULL;
		int r;

		if (de->d_name[0] == '.')
			continue;
		cdir = xasprintf("%s/%s", dir, de->d_name);
		p = xasprintf("%s/input", cdir);
		input = slurp(p, &len);
		free(p);
		p = xasprintf("%s/content-type", cdir);
		ct = slurp(p, NULL);
		free(p);
		p = xasprintf("%s/%s", cdir, STREQ(kind, "valid") ? "expected" : "error");
		want = slurp(p, NULL);
		free(p);
		assert_non_null(input);
		assert_non_null(want);
		r = pod_manifest_parse(input, len, ct, &m, &e);
		if (STREQ(kind, "valid")) {
			char *got;

			if (r < 0)
				fail_msg("%s: unexpected error: %s", de->d_name, e->msg);
			got = dump_manifest(m);
			if (!STREQ(got, want))
				fail_msg("%s:\n--- expected\n%s--- got\n%s", de->d_name, want, got);
			free(got);
		} else {
			if (r == 0)
				fail_msg("%s: parsed but should fail with: %s", de->d_name, want);
			if (!STREQ(e->msg, want))
				fail_msg("%s:\n expected: %s\n got:      %s", de->d_name, want, e->msg);
			assert_int_equal(e->kind, POD_E_INVALID);
			assert_null(m);
		}
		pod_manifest_free(m);
		pod_err_free(&e);
		free(input);
		free(ct);
		free(want);
		free(cdir);
		count++;
	}
	closedir(d);
	free(dir);
	free(base);
	return count;
}

static void
test_valid_cases(void **state)
{
	(void) state;
	assert_true(run_dir("valid") >= 10);
}

static void
test_invalid_cases(void **state)
{
	(void) state;
	assert_true(run_dir("invalid") >= 25);
}

static void
test_oversize(void **state)
{
	size_t n = POD_MANIFEST_MAX + 1;
	char *big = xmalloc(n);
	struct pod_manifest *m = NULL;
	struct pod_err *e = NULL;

	(void) state;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	assert_int_equal(pod_manifest_parse(big, n, NULL, &m, &e), -1);
	assert_string_equal(e->msg, "manifest too large: 4194305 bytes, the limit is 4194304 bytes");
	pod_err_free(&e);
	/* exactly at the limit is parsed (and then fails for content) */
	assert_int_equal(pod_manifest_parse(big, n - 1, NULL, &m, &e), -1);
	assert_false(strstr(e->msg, "too large"));
	pod_err_free(&e);
	free(big);
}

static void
test_too_many_layers(void **state)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	struct pod_manifest *m = NULL;
	struct pod_err *e = NULL;
	size_t i;

	(void) state;
	pod_strbuf_adds(&sb, "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"sha256:"
			     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
			     "\"size\":0},\"layers\":[");
	for (i = 0; i <= POD_MANIFEST_MAX_LAYERS; i++)
		pod_strbuf_addf(&sb, "%s{\"mediaType\":\"a\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":0}",
				i ? "," : "");
	pod_strbuf_adds(&sb, "]}");
	assert_int_equal(pod_manifest_parse(sb.buf, sb.len, NULL, &m, &e), -1);
	assert_string_equal(e->msg, "parsing manifest: field \"layers\" has 1025 entries, the limit is 1024");
	pod_err_free(&e);
	pod_strbuf_release(&sb);
}

static void
test_deep_nesting(void **state)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	struct pod_manifest *m = NULL;
	struct pod_err *e = NULL;
	size_t i;

	(void) state;
	pod_strbuf_adds(&sb, "{\"schemaVersion\":2,\"x\":");
	for (i = 0; i < 100000; i++)
		pod_strbuf_addch(&sb, '[');
	assert_int_equal(pod_manifest_parse(sb.buf, sb.len, NULL, &m, &e), -1);
	assert_true(pod_str_has_prefix(e->msg, "parsing manifest: "));
	pod_err_free(&e);
	pod_strbuf_release(&sb);
}

/* an index with the given "arch[/variant]" entries, digests numbered from 1 */
static struct pod_manifest *
make_index(const char *const *plats)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	struct pod_manifest *m = NULL;
	struct pod_err *e = NULL;
	size_t i;

	pod_strbuf_adds(&sb, "{\"schemaVersion\":2,\"manifests\":[");
	for (i = 0; plats[i]; i++) {
		const char *slash = strchr(plats[i], '/');
		char *arch = slash ? xstrndup(plats[i], (size_t) (slash - plats[i])) : xstrdup(plats[i]);
		const char *os = "linux";

		if (STREQ(arch, "windows")) {
			free(arch);
			arch = xstrdup("amd64");
			os = "windows";
			slash = NULL;
		}
		pod_strbuf_addf(&sb,
				"%s{\"mediaType\":\"%s\",\"digest\":\"sha256:%064zu\",\"size\":1,"
				"\"platform\":{\"os\":\"%s\",\"architecture\":\"%s\"%s%s%s}}",
				i ? "," : "", POD_MT_OCI_MANIFEST, i + 1, os, arch,
				slash ? ",\"variant\":\"" : "", slash ? slash + 1 : "", slash ? "\"" : "");
		free(arch);
	}
	pod_strbuf_adds(&sb, "]}");
	if (pod_manifest_parse(sb.buf, sb.len, NULL, &m, &e) < 0)
		fail_msg("%s", e->msg);
	pod_strbuf_release(&sb);
	return m;
}

static void
expect_pick(const char *const *plats, const char *os, const char *arch, const char *variant,
	    size_t want_index, const char *want_err)
{
	struct pod_manifest *m = make_index(plats);
	const struct pod_descriptor *d = NULL;
	struct pod_err *e = NULL;
	int r = pod_index_select(&m->index, os, arch, variant, &d, &e);

	if (want_err) {
		assert_int_equal(r, -1);
		assert_string_equal(e->msg, want_err);
		assert_int_equal(e->kind, POD_E_NOTFOUND);
		pod_err_free(&e);
	} else {
		char want[80];

		if (r < 0)
			fail_msg("%s", e->msg);
		snprintf(want, sizeof(want), "sha256:%064zu", want_index);
		assert_string_equal(d->digest, want);
	}
	pod_manifest_free(m);
}

static void
test_index_select(void **state)
{
	static const char *const multi[] = { "windows", "amd64", "arm/v6", "arm/v7", "arm64/v8",
					     "ppc64le", "s390x", "amd64", NULL };
	static const char *const arm64_novariant[] = { "amd64", "arm64", NULL };
	static const char *const arm64_both[] = { "arm64", "arm64/v8", NULL };
	static const char *const arm_old[] = { "arm/v5", "arm/v6", NULL };
	static const char *const amd64_v3[] = { "amd64/v3", NULL };

	(void) state;
	expect_pick(multi, NULL, "amd64", NULL, 2, NULL); /* first match wins, windows skipped */
	expect_pick(multi, "linux", "arm64", NULL, 5, NULL);
	expect_pick(multi, "linux", "arm64", "v8", 5, NULL);
	expect_pick(multi, "linux", "arm", "v7", 4, NULL);
	expect_pick(multi, "linux", "arm", "v6", 3, NULL);
	expect_pick(multi, "linux", "s390x", NULL, 7, NULL);
	expect_pick(multi, "windows", "amd64", NULL, 1, NULL);
	expect_pick(arm64_novariant, NULL, "arm64", NULL, 2, NULL); /* v8 also takes "" */
	expect_pick(arm64_both, NULL, "arm64", NULL, 2, NULL);	    /* but v8 comes first */
	expect_pick(arm_old, NULL, "arm", "v7", 2, NULL);	    /* v7 runs v6 */
	expect_pick(amd64_v3, NULL, "amd64", NULL, 1, NULL);
	expect_pick(multi, NULL, "mips64le", NULL, 0,
		    "no image found in manifest list for architecture mips64le, variant \"\", OS "
		    "linux (available: windows/amd64, linux/amd64, linux/arm/v6, linux/arm/v7, "
		    "linux/arm64/v8, linux/ppc64le, linux/s390x, linux/amd64)");
	expect_pick(arm_old, NULL, "arm64", NULL, 0,
		    "no image found in manifest list for architecture arm64, variant \"v8\", OS "
		    "linux (available: linux/arm/v5, linux/arm/v6)");
	expect_pick(multi, "freebsd", "amd64", NULL, 0,
		    "no image found in manifest list for architecture amd64, variant \"\", OS "
		    "freebsd (available: windows/amd64, linux/amd64, linux/arm/v6, linux/arm/v7, "
		    "linux/arm64/v8, linux/ppc64le, linux/s390x, linux/amd64)");
	/* the host default: this machine's GOARCH */
	assert_true(*pod_host_goarch());
	if (STREQ(pod_host_goarch(), "amd64"))
		expect_pick(multi, NULL, NULL, NULL, 2, NULL);
}

static const char config_json[] =
	"{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\","
	"\"created\":\"2024-01-02T03:04:05.123456789Z\",\"author\":\"me\","
	"\"config\":{\"User\":\"1000:1000\",\"Env\":[\"PATH=/bin\",\"A=b\"],"
	"\"Entrypoint\":[\"/init\"],\"Cmd\":null,\"WorkingDir\":\"/srv\","
	"\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"Volumes\":{\"/data\":{}},"
	"\"Labels\":{\"a\":\"1\"},\"StopSignal\":\"SIGQUIT\","
	"\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":30000000000,"
	"\"Retries\":3},\"OnBuild\":[],\"Shell\":[\"/bin/sh\",\"-c\"]},"
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
	"\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"]},"
	"\"history\":[{\"created\":\"2024-01-02T03:04:05+02:00\",\"created_by\":\"ADD x\"},"
	"{\"created_by\":\"ENV A=b\",\"empty_layer\":true}],"
	"\"container_config\":{\"Hostname\":\"x\"}}";

static void
test_image_config(void **state)
{
	struct pod_image_config *c = NULL;
	struct pod_err *e = NULL;

	(void) state;
	if (pod_image_config_parse(config_json, strlen(config_json), &c, &e) < 0)
		fail_msg("%s", e->msg);
	assert_string_equal(c->architecture, "arm64");
	assert_string_equal(c->variant, "v8");
	assert_string_equal(c->author, "me");
	assert_int_equal(c->created_ns, 1704164645123456789LL);
	assert_string_equal(c->config.user, "1000:1000");
	assert_int_equal(pod_strv_len(c->config.env), 2);
	assert_string_equal(c->config.entrypoint[0], "/init");
	assert_null(c->config.cmd);
	assert_non_null(c->config.on_build);
	assert_null(c->config.on_build[0]);
	assert_string_equal(c->config.working_dir, "/srv");
	assert_string_equal(c->config.exposed_ports[0], "80/tcp");
	assert_string_equal(c->config.exposed_ports[1], "53/udp");
	assert_string_equal(c->config.volumes[0], "/data");
	assert_string_equal(json_string_value(json_object_get(c->config.labels, "a")), "1");
	assert_string_equal(c->config.stop_signal, "SIGQUIT");
	assert_int_equal(c->config.healthcheck->interval, 30000000000LL);
	assert_int_equal(c->config.healthcheck->retries, 3);
	assert_string_equal(c->config.healthcheck->test[0], "CMD-SHELL");
	assert_string_equal(c->config.shell[1], "-c");
	assert_int_equal(c->n_diff_ids, 1);
	assert_int_equal(c->n_history, 2);
	assert_int_equal(c->history[0].created_ns, 1704157445LL * 1000000000LL);
	assert_true(c->history[1].empty_layer);
	assert_false(c->history_mismatch);
	assert_non_null(json_object_get(c->raw, "container_config"));
	pod_image_config_free(c);
}

static void
test_image_config_errors(void **state)
{
	static const struct {
		const char *json, *err;
	} cases[] = {
		{ "{\"config\":{\"Env\":\"A=b\"}}",
		  "parsing image config: config: field \"Env\" must be an array of strings" },
		{ "{\"config\":{\"Cmd\":[1]}}",
		  "parsing image config: config: field \"Cmd\" must be an array of strings" },
		{ "{\"config\":{\"Labels\":{\"a\":1}}}",
		  "parsing image config: config: field \"Labels\": value of \"a\" must be a string" },
		{ "{\"config\":{\"User\":0}}",
		  "parsing image config: config: field \"User\" must be a string" },
		{ "{\"config\":{\"ExposedPorts\":[\"80\"]}}",
		  "parsing image config: config: field \"ExposedPorts\" must be an object" },
		{ "{\"config\":{\"Healthcheck\":{\"Interval\":\"30s\"}}}",
		  "parsing image config: config.Healthcheck: field \"Interval\" must be an integer" },
		{ "{\"config\":[]}", "parsing image config: field \"config\" must be an object" },
		{ "{\"rootfs\":{\"type\":\"zip\"}}",
		  "parsing image config: rootfs: unsupported type \"zip\"" },
		{ "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:x\"]}}",
		  "parsing image config: rootfs: diff_ids[0]: invalid digest \"sha256:x\"" },
		{ "{\"history\":[{\"empty_layer\":\"yes\"}]}",
		  "parsing image config: history[0]: field \"empty_layer\" must be a boolean" },
		{ "{\"history\":{}}", "parsing image config: field \"history\" must be an array" },
		{ "{\"os\":\"linux\",\"os\":\"linux\"}",
		  "parsing image config: duplicate object key near '\"os\"' (at byte 18)" },
		{ "{\"architecture\":[]}",
		  "image config: field \"architecture\" must be a string" },
	};
	size_t i;

	(void) state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pod_image_config *c = NULL;
		struct pod_err *e = NULL;

		assert_int_equal(pod_image_config_parse(cases[i].json, strlen(cases[i].json), &c, &e),
				 -1);
		if (!STREQ(e->msg, cases[i].err))
			fail_msg("case %zu:\n expected: %s\n got:      %s", i, cases[i].err, e->msg);
		assert_null(c);
		pod_err_free(&e);
	}
}

static void
test_history_mismatch(void **state)
{
	static const char j[] = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
				"\"history\":[{\"created_by\":\"ADD\"}]}";
	struct pod_image_config *c = NULL;
	struct pod_err *e = NULL;

	(void) state;
	assert_int_equal(pod_image_config_parse(j, strlen(j), &c, &e), 0);
	assert_true(c->history_mismatch);
	pod_image_config_free(c);
}

static void
test_rfc3339(void **state)
{
	int64_t ns = 0;
	char *s;

	(void) state;
	assert_true(pod_parse_rfc3339("1970-01-01T00:00:00Z", &ns));
	assert_int_equal(ns, 0);
	assert_true(pod_parse_rfc3339("2024-02-29T23:59:59.5-01:30", &ns));
	assert_int_equal(ns, (1709251199LL + 5400) * 1000000000LL + 500000000LL);
	assert_false(pod_parse_rfc3339("2024-02-29 23:59:59Z", &ns));
	assert_false(pod_parse_rfc3339("2024-13-01T00:00:00Z", &ns));
	assert_false(pod_parse_rfc3339("2024-01-01T00:00:00", &ns));
	assert_false(pod_parse_rfc3339("2024-01-01T00:00:00.Z", &ns));
	assert_false(pod_parse_rfc3339("0001-01-01T00:00:00Z", &ns)); /* out of int64 ns */
	s = pod_format_rfc3339(1704164645123456000LL);
	assert_string_equal(s, "2024-01-02T03:04:05.123456Z");
	free(s);
	s = pod_format_rfc3339(1704164645000000000LL);
	assert_string_equal(s, "2024-01-02T03:04:05Z");
	free(s);
}

static void
test_build_roundtrip(void **state)
{
	struct pod_descriptor config = { .media_type = POD_MT_OCI_CONFIG, .size = 10 };
	struct pod_descriptor layers[2] = {
		{ .media_type = POD_MT_OCI_LAYER_GZIP, .size = 20 },
		{ .media_type = POD_MT_OCI_LAYER_ZSTD, .size = 30 },
	};
	char d1[POD_DIGEST_BUF], d2[POD_DIGEST_BUF], d3[POD_DIGEST_BUF];
	json_t *ann = json_pack("{s:s}", "org.opencontainers.image.ref.name", "v1");
	struct pod_manifest *m = NULL;
	struct pod_err *e = NULL;
	char *body, *again;
	struct pod_platform plat = { .os = "linux", .architecture = "arm64", .variant = "v8" };

	(void) state;
	pod_digest_buf("c", 1, d1);
	pod_digest_buf("l1", 2, d2);
	pod_digest_buf("l2", 2, d3);
	config.digest = d1;
	layers[0].digest = d2;
	layers[1].digest = d3;
	body = pod_manifest_build_oci(&config, layers, 2, ann);
	assert_true(pod_str_has_prefix(body, "{\"schemaVersion\":2,\"mediaType\":\"application/"
					     "vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\""));
	assert_null(strchr(body, '\n'));
	assert_int_equal(pod_manifest_parse(body, strlen(body), NULL, &m, &e), 0);
	assert_int_equal(m->image.n_layers, 2);
	assert_string_equal(m->image.layers[1].digest, d3);
	assert_string_equal(json_string_value(json_object_get(m->annotations,
							       "org.opencontainers.image.ref.name")),
			    "v1");
	again = pod_manifest_build_oci(&m->image.config, m->image.layers, m->image.n_layers,
				       m->annotations);
	assert_string_equal(body, again); /* canonical: same bytes, same digest */
	free(again);
	pod_manifest_free(m);
	free(body);

	body = pod_manifest_build_docker(&config, layers, 1);
	assert_int_equal(pod_manifest_parse(body, strlen(body), POD_MT_DOCKER_MANIFEST, &m, &e), 0);
	assert_string_equal(m->media_type, POD_MT_DOCKER_MANIFEST);
	pod_manifest_free(m);
	free(body);

	layers[0].platform = &plat;
	body = pod_index_build(POD_MT_OCI_INDEX, layers, 1, ann);
	assert_int_equal(pod_manifest_parse(body, strlen(body), NULL, &m, &e), 0);
	assert_int_equal(m->kind, POD_MANIFEST_INDEX);
	assert_string_equal(m->index.manifests[0].platform->variant, "v8");
	pod_manifest_free(m);
	free(body);
	layers[0].platform = NULL;
	json_decref(ann);
}

static void
test_config_build_roundtrip(void **state)
{
	struct pod_image_config *c = NULL, *c2 = NULL;
	struct pod_err *e = NULL;
	char *out, *out2;

	(void) state;
	assert_int_equal(pod_image_config_parse(config_json, strlen(config_json), &c, &e), 0);
	out = pod_image_config_build(c);
	assert_int_equal(pod_image_config_parse(out, strlen(out), &c2, &e), 0);
	assert_int_equal(c2->created_ns, c->created_ns);
	assert_string_equal(c2->config.entrypoint[0], "/init");
	assert_null(c2->config.cmd);
	assert_string_equal(c2->config.exposed_ports[1], "53/udp");
	assert_int_equal(c2->config.healthcheck->interval, 30000000000LL);
	assert_int_equal(c2->n_history, 2);
	assert_true(c2->history[1].empty_layer);
	assert_string_equal(c2->diff_ids[0], c->diff_ids[0]);
	out2 = pod_image_config_build(c2);
	assert_string_equal(out, out2);
	assert_true(pod_str_has_prefix(out, "{\"created\":\"2024-01-02T03:04:05.123456789Z\","));
	free(out);
	free(out2);
	pod_image_config_free(c);
	pod_image_config_free(c2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_cases),
		cmocka_unit_test(test_invalid_cases),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_too_many_layers),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_index_select),
		cmocka_unit_test(test_image_config),
		cmocka_unit_test(test_image_config_errors),
		cmocka_unit_test(test_history_mismatch),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_build_roundtrip),
		cmocka_unit_test(test_config_build_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
