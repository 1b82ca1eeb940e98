/* test-imagestore - name normalisation, lookup order, tags, removal, layers */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/fs.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "image/imagestore.h"
#include "image/manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void
test_normalize(void **state)
{
	static const struct {
		const char *in, *want; /* want NULL: an error */
	} cases[] = {
		{ "busybox", "localhost/busybox:latest" },
		{ "busybox:1", "localhost/busybox:1" },
		{ "a/b", "localhost/a/b:latest" },
		{ "localhost/x", "localhost/x:latest" },
		{ "quay.io/a/b", "quay.io/a/b:latest" },
		{ "docker.io/busybox", "docker.io/library/busybox:latest" },
		{ "index.docker.io/u/x:2", "docker.io/u/x:2" },
		{ "registry:5000/x:t", "registry:5000/x:t" },
		{ "x@sha256:0123456789012345678901234567890123456789012345678901234567890123", NULL },
		{ "UPPER", NULL },
		{ "", NULL },
	};
	(void) state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = NULL;
		struct pod_err *e = NULL;
		int rc = pod_image_normalize_name(cases[i].in, &got, &e);

		if (cases[i].want) {
			if (rc < 0)
				fail_msg("%s: %s", cases[i].in, e->msg);
			assert_string_equal(got, cases[i].want);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(e);
		}
		free(got);
		pod_err_free(&e);
	}
}

static void
test_name_for(void **state)
{
	char *names[] = { "docker.io/library/busybox:latest", "localhost/mine:latest",
			  "quay.io/x/tool:2", NULL };
	struct pod_image img = { .id = "abc", .names = names };
	static const struct {
		const char *given, *want;
	} cases[] = {
		{ "busybox", "docker.io/library/busybox:latest" },
		{ "docker.io/busybox:latest", "docker.io/library/busybox:latest" },
		{ "mine", "localhost/mine:latest" },
		{ "localhost/mine", "localhost/mine:latest" },
		{ "tool:2", "quay.io/x/tool:2" },
		{ "x/tool:2", "quay.io/x/tool:2" },
		{ "tool", NULL },
		{ "other", NULL },
	};
	(void) state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got = pod_image_name_for(&img, cases[i].given);

		if (cases[i].want)
			assert_string_equal(got ? got : "(null)", cases[i].want);
		else
			assert_null(got);
	}
}

struct fixture {
	char tmp[64];
	struct pod_imagestore *is;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	cleanup_free char *root = NULL, *run = NULL;
	struct pod_err *e = NULL;

	snprintf(f->tmp, sizeof(f->tmp), "/tmp/test-imagestore-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	root = pod_path_join(f->tmp, "root");
	run = pod_path_join(f->tmp, "run");
	if (pod_imagestore_open_root(root, run, NULL, false, &f->is, &e) < 0) {
		fprintf(stderr, "%s\n", e->msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct pod_err *e = NULL;

	pod_imagestore_close(f->is);
	pod_rm_rf(f->tmp, &e);
	pod_err_free(&e);
	free(f);
	return 0;
}

/* a layerless image whose config differs by label; returns its ID */
static char *
add_image(struct pod_imagestore *is, const char *label, const char *name)
{
	cleanup_free char *cfg = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\","
					   "\"config\":{\"Labels\":{\"l\":\"%s\"}},"
					   "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
					   label);
	char *names[] = { (char *) name, NULL };
	struct pod_image_commit c = {
		.config = cfg,
		.config_len = strlen(cfg),
		.manifest_type = POD_MT_OCI_MANIFEST,
		.names = name ? names : NULL,
	};
	struct pod_err *e = NULL;
	char *id = NULL;

	if (pod_imagestore_commit_image(is, &c, &id, &e) < 0)
		fail_msg("commit: %s", e->msg);
	return id;
}

static char *
lookup_id(struct pod_imagestore *is, const char *q, enum pod_err_kind *kind)
{
	struct pod_image *img = NULL;
	struct pod_err *e = NULL;
	char *id;

	if (pod_image_lookup(is, q, &img, &e) < 0) {
		*kind = e->kind;
		pod_err_free(&e);
		return NULL;
	}
	id = xstrdup(img->id);
	pod_image_free(img);
	return id;
}

static void
test_lookup_order(void **state)
{
	struct fixture *f = *state;
	cleanup_free char *bb = add_image(f->is, "bb", "docker.io/library/busybox:latest");
	cleanup_free char *loc = add_image(f->is, "loc", "localhost/busybox:latest");
	cleanup_free char *q1 = add_image(f->is, "q1", "quay.io/a/tool:1");
	cleanup_free char *q2 = add_image(f->is, "q2", "quay.io/b/tool:1");

	assert_string_not_equal(q1, q2);
	cleanup_free char *none = add_image(f->is, "none", NULL);
	cleanup_free char *sha = xasprintf("sha256:%s", none);
	char prefix[13];
	const struct {
		const char *q, *want; /* want NULL: error of kind */
		enum pod_err_kind kind;
	} cases[] = {
		{ "busybox", loc, 0 },		/* localhost first, like Podman */
		{ "docker.io/busybox", bb, 0 },
		{ "docker.io/library/busybox:latest", bb, 0 },
		{ "localhost/busybox", loc, 0 },
		{ "quay.io/a/tool:1", q1, 0 },
		{ "a/tool:1", q1, 0 },
		{ "tool:1", NULL, POD_E_INVALID }, /* two images match the short name */
		{ "tool", NULL, POD_E_NOTFOUND },  /* :latest does not exist */
		{ sha, none, 0 },
		{ none, none, 0 },
		{ prefix, none, 0 },
		{ "nothere", NULL, POD_E_NOTFOUND },
		{ "", NULL, POD_E_NOTFOUND },
	};
	(void) state;
	memcpy(prefix, none, 12);
	prefix[12] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum pod_err_kind kind = POD_E_GENERIC;
		cleanup_free char *got = lookup_id(f->is, cases[i].q, &kind);

		if (cases[i].want) {
			if (!got)
				fail_msg("lookup \"%s\" failed", cases[i].q);
			assert_string_equal(got, cases[i].want);
		} else {
			if (got)
				fail_msg("lookup \"%s\" gave %s", cases[i].q, got);
			assert_int_equal(kind, cases[i].kind);
		}
	}
}

static void
test_tag_move_remove(void **state)
{
	struct fixture *f = *state;
	cleanup_free char *a = add_image(f->is, "a", "localhost/x:latest");
	cleanup_free char *b = NULL;
	struct pod_image *img = NULL;
	struct pod_image_rm_report r = { 0 };
	struct pod_err *e = NULL;

	/* the name moves to the newer image; the old one keeps its history */
	b = add_image(f->is, "b", "localhost/x:latest");
	assert_int_equal(pod_image_get(f->is, a, &img, &e), 0);
	assert_null(img->names[0]);
	assert_string_equal(img->names_history[0], "localhost/x:latest");
	pod_image_free(img);

	assert_int_equal(pod_image_get(f->is, b, &img, &e), 0);
	assert_int_equal(pod_image_tag(f->is, img, "y", &e), 0);
	pod_image_free(img);
	assert_int_equal(pod_image_get(f->is, b, &img, &e), 0);
	assert_int_equal(pod_strv_len(img->names), 2);
	assert_string_equal(img->names[1], "localhost/y:latest");

	/* by name with several names: only that name goes */
	assert_int_equal(pod_image_remove(f->is, img, "y", false, NULL, NULL, &r, &e), 0);
	assert_false(r.deleted);
	assert_string_equal(r.untagged[0], "localhost/y:latest");
	pod_image_rm_report_release(&r);
	assert_int_equal(pod_image_untag(f->is, img, "nothere", &e), -1);
	assert_int_equal(e->kind, POD_E_NOTFOUND);
	pod_err_free(&e);
	pod_image_free(img);

	assert_int_equal(pod_image_get(f->is, b, &img, &e), 0);
	assert_int_equal(pod_image_remove(f->is, img, b, false, NULL, NULL, &r, &e), 0);
	assert_true(r.deleted);
	pod_image_rm_report_release(&r);
	pod_image_free(img);
	assert_int_equal(pod_image_exists(f->is, b, &e), 0);
	assert_int_equal(pod_image_exists(f->is, a, &e), 1);
}

/* a tiny tar: one regular file, then the end blocks */
static size_t
tiny_tar(char *buf, const char *name, const char *content)
{
	size_t len = strlen(content), n;
	unsigned sum = 0;

	memset(buf, 0, 512 * 4);
	snprintf(buf, 100, "%s", name);
	snprintf(buf + 100, 8, "0000644");
	snprintf(buf + 108, 8, "0000000");
	snprintf(buf + 116, 8, "0000000");
	snprintf(buf + 124, 12, "%011zo", len);
	snprintf(buf + 136, 12, "%011o", 0);
	memset(buf + 148, ' ', 8);
	buf[156] = '0';
	memcpy(buf + 257, "ustar\0" "00", 8);
	for (int i = 0; i < 512; i++)
		sum += (unsigned char) buf[i];
	snprintf(buf + 148, 8, "%06o", sum);
	memcpy(buf + 512, content, len);
	n = 512 + ((len + 511) / 512) * 512 + 1024;
	return n;
}

static int
collect(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	(void) err;
	pod_strbuf_add(ctx, buf, len);
	return 0;
}

static void
test_layer_roundtrip(void **state)
{
	struct fixture *f = *state;
	char tar[512 * 4];
	size_t n = tiny_tar(tar, "hello.txt", "hello world\n");
	struct pod_layer_writer *w = NULL;
	struct pod_layer_info info, again;
	struct pod_strbuf sb = POD_STRBUF_INIT;
	struct pod_err *e = NULL;
	cleanup_free char *dir = NULL, *file = NULL, *got = NULL;

	assert_int_equal(pod_imagestore_layer_begin(f->is, NULL, &w, NULL, &e), 0);
	assert_non_null(w);
	assert_int_equal(pod_layer_writer_write(w, tar, n, &e), 0);
	assert_int_equal(pod_layer_writer_commit(w, &info, &e), 0);
	assert_false(info.existed);
	assert_int_equal(info.size, (int64_t) n);
	assert_int_equal(pod_imagestore_has_layer(f->is, info.id, &e), 1);
	dir = pod_imagestore_layer_dir(f->is, info.id);
	file = pod_path_join(dir, "hello.txt");
	assert_int_equal(pod_read_file(file, &got, NULL, 1024, &e), 0);
	assert_string_equal(got, "hello world\n");

	/* the original stream comes back byte for byte */
	assert_int_equal(pod_imagestore_layer_tar(f->is, info.id, collect, &sb, &e), 0);
	assert_int_equal(sb.len, n);
	assert_memory_equal(sb.buf, tar, n);
	pod_strbuf_release(&sb);

	/* a known DiffID finds the stored layer without writing */
	struct pod_layer_add_opts o = { .diff_id = info.diff_id };

	w = NULL;
	assert_int_equal(pod_imagestore_layer_begin(f->is, &o, &w, &again, &e), 0);
	assert_null(w);
	assert_true(again.existed);
	assert_string_equal(again.id, info.id);

	/* a wrong expected DiffID is refused and leaves nothing */
	struct pod_layer_add_opts bad = {
		.diff_id = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
	};
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_int_equal(pod_imagestore_add_layer_fd(f->is, &bad, fd, &again, &e), -1);
	assert_non_null(e);
	pod_err_free(&e);
	close(fd);
	/* nothing references the layer: collection removes it */
	assert_true(pod_imagestore_gc(f->is, &e) >= 1);
	assert_int_equal(pod_imagestore_has_layer(f->is, info.id, &e), 0);
	assert_int_equal(access(dir, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_name_for),
		cmocka_unit_test_setup_teardown(test_lookup_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_move_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layer_roundtrip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
