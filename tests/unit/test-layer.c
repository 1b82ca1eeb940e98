/* test-layer.c - layer extraction, hostile tars, compression, export, diff */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/util.h"
#include "core/err.h"
#include "image/decompress.h"
#include "image/layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

/* ---- a tiny tar builder ---- */

struct tb {
	uint8_t *buf;
	size_t len, cap;
};

static void
tb_add(struct tb *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2 + 4096;
		t->buf = xrealloc(t->buf, t->cap);
	}
	if (n)
		memcpy(t->buf + t->len, p, n);
	t->len += n;
}

static void
tb_pad(struct tb *t)
{
	static const uint8_t z[512];

	tb_add(t, z, (512 - t->len % 512) % 512);
}

static void
octal(uint8_t *f, size_t n, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*" PRIo64, (int) (n - 1), v);
	memcpy(f, tmp, n - 1);
}

static void
tb_hdr_full(struct tb *t, const char *name, char type, unsigned mode, unsigned uid, unsigned gid,
	    uint64_t size, uint64_t mtime, const char *link, unsigned maj, unsigned min)
{
	uint8_t h[512] = { 0 };
	unsigned sum = 0;

	memcpy(h, name, strnlen(name, 100));
	octal(h + 100, 8, mode);
	octal(h + 108, 8, uid);
	octal(h + 116, 8, gid);
	octal(h + 124, 12, size);
	octal(h + 136, 12, mtime);
	memset(h + 148, ' ', 8);
	h[156] = (uint8_t) type;
	if (link)
		memcpy(h + 157, link, strnlen(link, 100));
	memcpy(h + 257, "ustar\0" "00", 8);
	octal(h + 329, 8, maj);
	octal(h + 337, 8, min);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	octal(h + 148, 7, sum);
	tb_add(t, h, 512);
}

static void
tb_entry(struct tb *t, const char *name, char type, unsigned mode, const void *data, size_t n,
	 const char *link)
{
	tb_hdr_full(t, name, type, mode, 0, 0, n, 1600000000, link, 0, 0);
	tb_add(t, data, n);
	tb_pad(t);
}

static void
tb_file(struct tb *t, const char *name, const char *data)
{
	tb_entry(t, name, '0', 0644, data, strlen(data), NULL);
}

static void
tb_dir(struct tb *t, const char *name)
{
	tb_entry(t, name, '5', 0755, NULL, 0, NULL);
}

static void
tb_symlink(struct tb *t, const char *name, const char *target)
{
	tb_entry(t, name, '2', 0777, NULL, 0, target);
}

static void
tb_link(struct tb *t, const char *name, const char *target)
{
	tb_entry(t, name, '1', 0644, NULL, 0, target);
}

/* a PAX 'x' header from "key=value" records (value may have any bytes) */
static void
tb_pax(struct tb *t, const char *const *kv, const size_t *lens, size_t n)
{
	struct tb d = { 0 };

	for (size_t i = 0; i < n; i++) {
		size_t l = lens ? lens[i] : strlen(kv[i]);
		size_t base = l + 2, len = base + 1;
		char num[24];

		for (;;) {
			size_t dg = (size_t) snprintf(num, sizeof(num), "%zu", len);

			if (base + dg == len)
				break;
			len = base + dg;
		}
		tb_add(&d, num, strlen(num));
		tb_add(&d, " ", 1);
		tb_add(&d, kv[i], l);
		tb_add(&d, "\n", 1);
	}
	tb_entry(t, "PaxHeader", 'x', 0644, d.buf, d.len, NULL);
	free(d.buf);
}

static void
tb_end(struct tb *t)
{
	static const uint8_t z[1024];

	tb_add(t, z, sizeof(z));
}

/* ---- fixtures ---- */

struct fx {
	char *sentinel;
	char *root;
	int rootfd;
};

static struct fx
fx_new(void)
{
	struct fx f;
	char tmpl[] = "/tmp/test-layer-XXXXXX";
	int fd;

	assert_non_null(mkdtemp(tmpl));
	f.sentinel = xstrdup(tmpl);
	f.root = xasprintf("%s/root", tmpl);
	assert_int_equal(mkdir(f.root, 0755), 0);
	fd = openat(AT_FDCWD, tmpl, O_DIRECTORY | O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(mknodat(fd, "canary", S_IFREG | 0644, 0), 0);
	close(fd);
	f.rootfd = open(f.root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	assert_true(f.rootfd >= 0);
	return f;
}

/* nothing appeared beside root in the sentinel directory */
static void
fx_check_sentinel(const struct fx *f)
{
	DIR *d = opendir(f->sentinel);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		if (!STREQ(de->d_name, "root") && !STREQ(de->d_name, "canary"))
			fail_msg("unexpected \"%s\" in the sentinel dir", de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 2);
}

static void
fx_free(struct fx *f)
{
	struct pod_err *e = NULL;

	fx_check_sentinel(f);
	close(f->rootfd);
	assert_int_equal(pod_layer_remove_tree(AT_FDCWD, f->sentinel, &e), 0);
	assert_int_equal(access(f->sentinel, F_OK), -1);
	free(f->sentinel);
	free(f->root);
}

/* extract buf in chunks of `chunk` bytes; returns the error (or NULL) */
static struct pod_err *
extract(int rootfd, const void *buf, size_t len, size_t chunk, const struct pod_layer_opts *o,
	struct pod_layer_result *r)
{
	struct pod_err *e = NULL;
	struct pod_layer_sink *s = pod_layer_sink_new(rootfd, o, &e);
	const uint8_t *p = buf;

	assert_non_null(s);
	while (len) {
		size_t n = len < chunk ? len : chunk;

		if (pod_layer_sink_write(s, p, n, &e) < 0)
			goto out;
		p += n;
		len -= n;
	}
	pod_layer_sink_finish(s, r, &e);
out:
	pod_layer_sink_free(s);
	return e;
}

static void
extract_ok(int rootfd, const void *buf, size_t len, const struct pod_layer_opts *o,
	   struct pod_layer_result *r)
{
	struct pod_layer_result tmp;
	struct pod_err *e = extract(rootfd, buf, len, 65536, o, r ? r : &tmp);

	if (e)
		fail_msg("extract failed: %s", e->msg);
}

static void
extract_fails(int rootfd, const void *buf, size_t len, const char *substr)
{
	struct pod_layer_result r;
	struct pod_err *e = extract(rootfd, buf, len, 4096, NULL, &r);

	if (!e)
		fail_msg("extract succeeded, expected \"%s\"", substr);
	if (!strstr(e->msg, substr))
		fail_msg("error \"%s\" lacks \"%s\"", e->msg, substr);
	pod_err_free(&e);
}

static void
sha256_hex(const void *buf, size_t len, char out[72])
{
	unsigned char md[32];
	unsigned int n;

	EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL);
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}

/* sha256sum(1) of a buffer, through a file */
static void
sha256sum_tool(const void *buf, size_t len, char out[72])
{
	char path[] = "/tmp/test-layer-tar-XXXXXX";
	int fd = mkstemp(path), pfd[2];
	char line[128] = { 0 };
	pid_t pid;
	ssize_t n;
	int st;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t) len);
	close(fd);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		execlp("sha256sum", "sha256sum", path, (char *) NULL);
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], line, sizeof(line) - 1);
	close(pfd[0]);
	waitpid(pid, &st, 0);
	unlink(path);
	assert_true(n > 64);
	assert_int_equal(WEXITSTATUS(st), 0);
	memcpy(out, "sha256:", 7);
	memcpy(out + 7, line, 64);
	out[71] = '\0';
}

static char *
read_at(int dfd, const char *path)
{
	int fd = openat(dfd, path, O_RDONLY | O_NOFOLLOW);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	return xstrndup(buf, (size_t) n);
}

static void
assert_content(int dfd, const char *path, const char *want)
{
	cleanup_free char *got = read_at(dfd, path);

	if (!got)
		fail_msg("cannot read \"%s\"", path);
	assert_string_equal(got, want);
}

/* the diff_id of a tree as pod_layer_tar_from_dir() sees it */
static void
tree_id(int dfd, enum pod_tar_mode mode, char out[72])
{
	struct pod_layer_result r;
	struct pod_err *e = NULL;
	int fd = open("/dev/null", O_WRONLY);

	assert_int_equal(pod_layer_tar_from_dir(dfd, mode, fd, POD_COMPRESSION_NONE, &r, &e), 0);
	close(fd);
	memcpy(out, r.diff_id, 72);
}

static void
compress_buf(enum pod_compression c, const void *in, size_t len, struct tb *out);

/* ---- tests ---- */

static void
test_basic(void **state)
{
	struct fx f = fx_new();
	struct tb t = { 0 };
	struct stat st;
	char longname[201], v[16];
	const char *pax[] = { "SCHILY.xattr.user.foo=bar", "mtime=1500000000.25",
			      "atime=1400000000.5", "LIBARCHIVE.xattr.user.la%2Ex=dmFs" };
	struct pod_layer_result r;
	char want[72];

	memset(longname, 'n', 200);
	longname[200] = '\0';
	tb_dir(&t, "./d/");
	tb_pax(&t, pax, NULL, 4);
	tb_hdr_full(&t, "d/f", '0', 04755, 1000, 1001, 5, 1600000000, NULL, 0, 0);
	tb_add(&t, "hello", 5);
	tb_pad(&t);
	tb_symlink(&t, "d/l", "f");
	tb_link(&t, "d/h", "d/f");
	tb_entry(&t, "p", '6', 0600, NULL, 0, NULL);
	tb_hdr_full(&t, "c", '3', 0666, 0, 0, 0, 1600000000, NULL, 1, 3);
	{
		cleanup_free char *kv = xasprintf("path=d/%s", longname);
		const char *p1[] = { kv };

		tb_pax(&t, p1, NULL, 1);
		tb_file(&t, "d/short", "long");
	}
	{
		/* GNU long name */
		cleanup_free char *gname = xasprintf("d/gnu-%s", longname);

		tb_entry(&t, "././@LongLink", 'L', 0, gname, strlen(gname) + 1, NULL);
		tb_file(&t, "d/trunc", "gnu");
	}
	tb_hdr_full(&t, "e/", '5', 02755, 7, 8, 0, 1000000000, NULL, 0, 0);
	tb_file(&t, "e/x", "x"); /* changes e's mtime, fixed at the end */
	tb_file(&t, "implicit/parent/file", "ip");
	tb_end(&t);
	/* trailing garbage after the end is ignored but hashed */
	tb_add(&t, "trailing garbage", 16);

	extract_ok(f.rootfd, t.buf, t.len, NULL, &r);
	assert_int_equal(fstatat(f.rootfd, "d/f", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 04755);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1001);
	assert_int_equal(st.st_mtim.tv_sec, 1500000000);
	assert_int_equal(st.st_mtim.tv_nsec, 250000000);
	assert_int_equal(st.st_atim.tv_sec, 1400000000);
	assert_int_equal(st.st_nlink, 2);
	assert_content(f.rootfd, "d/f", "hello");
	assert_content(f.rootfd, "d/h", "hello");
	assert_int_equal(fgetxattr(openat(f.rootfd, "d/f", O_RDONLY | O_CLOEXEC), "user.foo", v,
				   sizeof(v)),
			 3);
	assert_memory_equal(v, "bar", 3);
	{
		cleanup_free char *p = xasprintf("%s/d/f", f.root);

		assert_int_equal(getxattr(p, "user.la.x", v, sizeof(v)), 3);
		assert_memory_equal(v, "val", 3);
	}
	{
		char tgt[16] = { 0 };

		assert_int_equal(readlinkat(f.rootfd, "d/l", tgt, sizeof(tgt)), 1);
		assert_string_equal(tgt, "f");
	}
	assert_int_equal(fstatat(f.rootfd, "p", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(fstatat(f.rootfd, "c", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(1, 3));
	{
		cleanup_free char *p = xasprintf("d/%s", longname);
		cleanup_free char *g = xasprintf("d/gnu-%s", longname);

		assert_content(f.rootfd, p, "long");
		assert_content(f.rootfd, g, "gnu");
		assert_int_equal(faccessat(f.rootfd, "d/short", F_OK, AT_SYMLINK_NOFOLLOW), -1);
		assert_int_equal(faccessat(f.rootfd, "d/trunc", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	}
	assert_int_equal(fstatat(f.rootfd, "e", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode & 07777, 02755);
	assert_int_equal(st.st_uid, 7);
	assert_int_equal(st.st_mtim.tv_sec, 1000000000);
	assert_int_equal(fstatat(f.rootfd, "implicit/parent", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_content(f.rootfd, "implicit/parent/file", "ip");
	/* digests: plain tar, so both digests are the tar's sha256 */
	sha256sum_tool(t.buf, t.len, want);
	assert_string_equal(r.diff_id, want);
	assert_string_equal(r.compressed_digest, want);
	assert_int_equal(r.uncompressed_size, t.len);
	assert_int_equal(r.compression, POD_COMPRESSION_NONE);
	free(t.buf);
	fx_free(&f);
}

static void
test_idmap_and_limits(void **state)
{
	struct fx f = fx_new();
	struct tb t = { 0 };
	struct pod_idmap um = { 0, 100000, 65536 }, gm = { 0, 200000, 65536 };
	struct pod_layer_opts o = { .uid_map = &um, .n_uid_map = 1, .gid_map = &gm, .n_gid_map = 1 };
	struct stat st;
	struct pod_err *e;
	struct pod_layer_result r;

	tb_hdr_full(&t, "a/f", '0', 0644, 5, 6, 0, 1, NULL, 0, 0);
	tb_end(&t);
	extract_ok(f.rootfd, t.buf, t.len, &o, NULL);
	assert_int_equal(fstatat(f.rootfd, "a/f", &st, 0), 0);
	assert_int_equal(st.st_uid, 100005);
	assert_int_equal(st.st_gid, 200006);
	assert_int_equal(fstatat(f.rootfd, "a", &st, 0), 0); /* implicit parent: mapped root */
	assert_int_equal(st.st_uid, 100000);
	assert_int_equal(st.st_gid, 200000);
	/* an unmapped id */
	t.len = 0;
	tb_hdr_full(&t, "b", '0', 0644, 70000, 0, 0, 1, NULL, 0, 0);
	tb_end(&t);
	e = extract(f.rootfd, t.buf, t.len, 512, &o, &r);
	assert_non_null(e);
	assert_non_null(strstr(e->msg, "cannot be mapped"));
	pod_err_free(&e);
	/* entry count limit */
	o = (struct pod_layer_opts){ .max_entries = 2 };
	t.len = 0;
	tb_file(&t, "1", "");
	tb_file(&t, "2", "");
	tb_file(&t, "3", "");
	tb_end(&t);
	e = extract(f.rootfd, t.buf, t.len, 512, &o, &r);
	assert_non_null(e);
	assert_non_null(strstr(e->msg, "too many entries"));
	pod_err_free(&e);
	/* total size limit */
	o = (struct pod_layer_opts){ .max_total_size = 1024 };
	e = extract(f.rootfd, t.buf, t.len, 512, &o, &r);
	assert_non_null(e);
	assert_non_null(strstr(e->msg, "larger than the limit"));
	pod_err_free(&e);
	free(t.buf);
	fx_free(&f);
}

static void
test_whiteouts(void **state)
{
	struct fx f = fx_new();
	struct tb t = { 0 };
	struct stat st;
	char v[4];
	int dfd;

	tb_file(&t, "x", "to be whited out");
	tb_dir(&t, "d/");
	tb_file(&t, ".wh.x", "");
	tb_file(&t, "d/.wh..wh..opq", "");
	tb_file(&t, "d/keep", "k");
	tb_file(&t, "e/.wh.gone", "");
	tb_file(&t, ".wh.later", "");
	tb_file(&t, "later", "wins");
	tb_end(&t);
	extract_ok(f.rootfd, t.buf, t.len, NULL, NULL);
	assert_int_equal(fstatat(f.rootfd, "x", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(0, 0));
	assert_int_equal(fstatat(f.rootfd, "e/gone", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	assert_int_equal(faccessat(f.rootfd, ".wh.x", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	assert_content(f.rootfd, "later", "wins");
	dfd = openat(f.rootfd, "d", O_RDONLY | O_DIRECTORY);
	assert_int_equal(fgetxattr(dfd, "trusted.overlay.opaque", v, sizeof(v)), 1);
	assert_int_equal(v[0], 'y');
	close(dfd);
	assert_content(f.rootfd, "d/keep", "k");
	free(t.buf);
	fx_free(&f);

	/* rootless flavour: user.overlay.opaque */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_file(&t, "u/.wh..wh..opq", "");
	tb_end(&t);
	{
		struct pod_layer_opts o = { .userxattr = true };

		extract_ok(f.rootfd, t.buf, t.len, &o, NULL);
	}
	dfd = openat(f.rootfd, "u", O_RDONLY | O_DIRECTORY);
	assert_int_equal(fgetxattr(dfd, "user.overlay.opaque", v, sizeof(v)), 1);
	assert_int_equal(fgetxattr(dfd, "trusted.overlay.opaque", v, sizeof(v)), -1);
	close(dfd);
	free(t.buf);
	fx_free(&f);
}

static void
test_whiteouts_by_delete(void **state)
{
	struct fx f = fx_new();
	struct tb lower = { 0 }, t = { 0 };
	struct pod_layer_opts o = { .apply_whiteouts_by_delete = true };

	/* the vfs copy of the lower layers */
	tb_file(&lower, "a", "a");
	tb_file(&lower, "d/x", "x");
	tb_file(&lower, "d/sub/y", "y");
	tb_file(&lower, "d/sub/z", "z");
	tb_file(&lower, "keep", "k");
	tb_end(&lower);
	extract_ok(f.rootfd, lower.buf, lower.len, NULL, NULL);
	/* this layer: d/new and d/sub/y come before the opaque marker */
	tb_file(&t, ".wh.a", "");
	tb_file(&t, "d/new", "n");
	tb_file(&t, "d/sub/y", "y2");
	tb_file(&t, "d/.wh..wh..opq", "");
	tb_file(&t, "d/after", "after");
	tb_end(&t);
	extract_ok(f.rootfd, t.buf, t.len, &o, NULL);
	assert_int_equal(faccessat(f.rootfd, "a", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(faccessat(f.rootfd, ".wh.a", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(faccessat(f.rootfd, "d/x", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(faccessat(f.rootfd, "d/sub/z", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	assert_content(f.rootfd, "d/sub/y", "y2");
	assert_content(f.rootfd, "d/new", "n");
	assert_content(f.rootfd, "d/after", "after");
	assert_content(f.rootfd, "keep", "k");
	free(lower.buf);
	free(t.buf);
	fx_free(&f);
}

static struct tb
sample_tar(void)
{
	struct tb t = { 0 };
	static char big[300000];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char) ('a' + (i * 7919) % 26);
	big[sizeof(big) - 1] = '\0';
	tb_dir(&t, "etc/");
	tb_file(&t, "etc/hostname", "box\n");
	/* with its own entry: an implied directory gets the extraction's time,
	 * and the tree's digest would change when a second passes */
	tb_dir(&t, "usr/");
	tb_file(&t, "usr/big", big);
	tb_symlink(&t, "usr/lnk", "/etc/hostname");
	tb_link(&t, "usr/hard", "etc/hostname");
	tb_end(&t);
	return t;
}

static void
test_compression(void **state)
{
	struct tb plain = sample_tar();
	struct tb gz = { 0 }, zs = { 0 }, gz2 = { 0 };
	char plain_id[72], id[72], tool[72];
	enum pod_compression kinds[] = { POD_COMPRESSION_NONE, POD_COMPRESSION_GZIP,
					 POD_COMPRESSION_ZSTD, POD_COMPRESSION_GZIP };
	struct tb *bufs[] = { &plain, &gz, &zs, &gz2 };
	size_t half = plain.len / 2 + 100;

	compress_buf(POD_COMPRESSION_GZIP, plain.buf, plain.len, &gz);
	compress_buf(POD_COMPRESSION_ZSTD, plain.buf, plain.len, &zs);
	/* a multi-member gzip: two members glued together */
	compress_buf(POD_COMPRESSION_GZIP, plain.buf, half, &gz2);
	compress_buf(POD_COMPRESSION_GZIP, plain.buf + half, plain.len - half, &gz2);
	sha256sum_tool(plain.buf, plain.len, tool);
	plain_id[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		/* whole buffers, and byte by byte to cross every boundary */
		for (size_t chunk = 1; chunk <= 65536; chunk *= 65536) {
			struct fx f = fx_new();
			struct pod_layer_result r;
			struct pod_err *e = extract(f.rootfd, bufs[i]->buf, bufs[i]->len, chunk,
						    NULL, &r);
			char cdig[72];

			if (e)
				fail_msg("%zu/%zu: %s", i, chunk, e->msg);
			assert_int_equal(r.compression, kinds[i]);
			if (!STREQ(r.diff_id, tool))
				fail_msg("kind %zu chunk %zu: diff_id %s", i, chunk, r.diff_id);
			assert_int_equal(r.uncompressed_size, plain.len);
			assert_int_equal(r.compressed_size, bufs[i]->len);
			sha256_hex(bufs[i]->buf, bufs[i]->len, cdig);
			assert_string_equal(r.compressed_digest, cdig);
			tree_id(f.rootfd, POD_TAR_PLAIN, id);
			if (!plain_id[0])
				memcpy(plain_id, id, 72);
			assert_string_equal(id, plain_id);
			assert_content(f.rootfd, "usr/hard", "box\n");
			fx_free(&f);
		}
	}
	/* corrupted gzip: flip a byte in the middle */
	{
		struct fx f = fx_new();

		gz.buf[gz.len / 2] ^= 0x55;
		extract_fails(f.rootfd, gz.buf, gz.len, "gzip");
		gz.buf[gz.len / 2] ^= 0x55;
		/* truncated gzip */
		pod_layer_remove_tree(f.rootfd, "etc", NULL);
		pod_layer_remove_tree(f.rootfd, "usr", NULL);
		extract_fails(f.rootfd, gz.buf, gz.len - 10, "unexpected EOF in gzip");
		pod_layer_remove_tree(f.rootfd, "etc", NULL);
		pod_layer_remove_tree(f.rootfd, "usr", NULL);
		extract_fails(f.rootfd, zs.buf, zs.len - 10, "unexpected EOF in zstd");
		pod_layer_remove_tree(f.rootfd, "etc", NULL);
		pod_layer_remove_tree(f.rootfd, "usr", NULL);
		/* garbage after the last gzip member */
		tb_add(&gz, "junkjunk", 8);
		extract_fails(f.rootfd, gz.buf, gz.len, "gzip");
		fx_free(&f);
	}
	free(plain.buf);
	free(gz.buf);
	free(zs.buf);
	free(gz2.buf);
}

/*
 * The same with each gzip and gunzip engine, crossed: zlib's (every tool's
 * default) and igzip's (the tools that move layers) must read each other's
 * streams and fail alike on bad ones.
 */
static void
test_compression_engines(void **state)
{
	const struct pod_gzip *gz_zlib = pod_gzip, *gz_isal;
	const struct pod_gunzip *gun_zlib = pod_gunzip, *gun_isal;

	pod_image_use_fast_engines();
	gz_isal = pod_gzip;
	gun_isal = pod_gunzip;
	assert_ptr_not_equal(gz_isal, gz_zlib);
	assert_ptr_not_equal(gun_isal, gun_zlib);
	for (int i = 0; i < 4; i++) {
		pod_gzip = i & 1 ? gz_isal : gz_zlib;
		pod_gunzip = i & 2 ? gun_isal : gun_zlib;
		test_compression(state);
	}
	pod_gzip = gz_zlib;
	pod_gunzip = gun_zlib;
}

static int
collect_out(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	tb_add(ctx, buf, len);
	return 0;
}

static void
compress_buf(enum pod_compression c, const void *in, size_t len, struct tb *out)
{
	struct pod_err *e = NULL;
	struct pod_compressor *z = pod_compressor_new(c, 0, collect_out, out, &e);

	assert_non_null(z);
	assert_int_equal(pod_compressor_feed(z, in, len, &e), 0);
	assert_int_equal(pod_compressor_finish(z, &e), 0);
	pod_compressor_free(z);
}

/* ---- hostile input ---- */

static void
test_hostile(void **state)
{
	struct fx f;
	struct tb t;
	struct stat pw_before, pw_after;
	char pw_hash_before[72], pw_hash_after[72];
	char *bigname;

	assert_int_equal(stat("/etc/passwd", &pw_before), 0);
	{
		int fd = open("/etc/passwd", O_RDONLY);
		static char buf[1 << 20];
		ssize_t n = read(fd, buf, sizeof(buf));

		close(fd);
		sha256_hex(buf, (size_t) n, pw_hash_before);
	}

	/* ../../x: a breakout */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_file(&t, "../../x", "evil");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "breakout");
	t.len = 0;
	tb_file(&t, "a/../../x", "evil");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "breakout");
	fx_free(&f);
	free(t.buf);

	/* /abs/x: made relative */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_file(&t, "/abs/x", "rel");
	tb_file(&t, "a/b/../c", "clean");
	tb_end(&t);
	extract_ok(f.rootfd, t.buf, t.len, NULL, NULL);
	assert_content(f.rootfd, "abs/x", "rel");
	assert_content(f.rootfd, "a/c", "clean");
	fx_free(&f);
	free(t.buf);

	/* symlink l -> SENTINEL, then l/evil: resolved inside the root, where
	 * SENTINEL does not exist */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_symlink(&t, "l", f.sentinel);
	tb_file(&t, "l/evil", "evil");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "l/evil");
	fx_free(&f);
	free(t.buf);

	/* symlink l -> /tmp with a tmp dir in the layer: lands in root/tmp */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_dir(&t, "tmp/");
	tb_symlink(&t, "l", "/tmp");
	tb_file(&t, "l/evil-test-layer", "contained");
	tb_end(&t);
	extract_ok(f.rootfd, t.buf, t.len, NULL, NULL);
	assert_content(f.rootfd, "tmp/evil-test-layer", "contained");
	assert_int_equal(access("/tmp/evil-test-layer", F_OK), -1);
	fx_free(&f);
	free(t.buf);

	/* d -> ../.. then d/evil: the root's parent is the root */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_symlink(&t, "d", "../..");
	tb_file(&t, "d/evil", "contained");
	tb_symlink(&t, "s", "../../canary");
	tb_file(&t, "s", "replaced, not written through");
	tb_end(&t);
	extract_ok(f.rootfd, t.buf, t.len, NULL, NULL);
	assert_content(f.rootfd, "evil", "contained");
	assert_content(f.rootfd, "s", "replaced, not written through");
	{
		struct stat st;
		cleanup_free char *canary = xasprintf("%s/canary", f.sentinel);

		assert_int_equal(stat(canary, &st), 0);
		assert_int_equal(st.st_size, 0);
	}
	fx_free(&f);
	free(t.buf);

	/* hardlinks to /etc/passwd and ../../etc/passwd */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_link(&t, "h", "/etc/passwd");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "not in the layer");
	t.len = 0;
	tb_link(&t, "h", "../../etc/passwd");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "breakout");
	/* through a symlinked parent pointing out */
	pod_layer_remove_tree(f.rootfd, "h", NULL);
	t.len = 0;
	tb_symlink(&t, "etc2", "/etc");
	tb_link(&t, "h", "etc2/passwd");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "not in the layer");
	fx_free(&f);
	free(t.buf);

	/* hardlink to a symlink that points out: links the symlink itself;
	 * writing a file at that name replaces it */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_symlink(&t, "s", "/etc/passwd");
	tb_link(&t, "h", "s");
	tb_file(&t, "h", "pwned?");
	tb_end(&t);
	extract_ok(f.rootfd, t.buf, t.len, NULL, NULL);
	{
		struct stat st;
		char tgt[64] = { 0 };

		assert_int_equal(fstatat(f.rootfd, "s", &st, AT_SYMLINK_NOFOLLOW), 0);
		assert_true(S_ISLNK(st.st_mode));
		assert_int_equal(readlinkat(f.rootfd, "s", tgt, sizeof(tgt)), 11);
		assert_content(f.rootfd, "h", "pwned?");
	}
	fx_free(&f);
	free(t.buf);

	/* a 10k name (PAX) */
	f = fx_new();
	t = (struct tb){ 0 };
	bigname = xmalloc(10006);
	memcpy(bigname, "path=", 5);
	memset(bigname + 5, 'a', 10000);
	bigname[10005] = '\0';
	{
		const char *kv[] = { bigname };

		tb_pax(&t, kv, NULL, 1);
	}
	tb_file(&t, "x", "x");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "too long");
	/* and as a GNU long name */
	t.len = 0;
	tb_entry(&t, "././@LongLink", 'L', 0, bigname, 10006, NULL);
	tb_file(&t, "x", "x");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "too long");
	free(bigname);
	fx_free(&f);
	free(t.buf);

	/* truncated streams, bad checksum, sparse, unknown type, NUL in path */
	f = fx_new();
	t = (struct tb){ 0 };
	tb_file(&t, "a", "some data here");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, 512 + 5, "unexpected EOF in layer");
	pod_layer_remove_tree(f.rootfd, "a", NULL);
	extract_fails(f.rootfd, t.buf, 300, "unexpected EOF in layer");
	t.buf[10] ^= 1;
	extract_fails(f.rootfd, t.buf, t.len, "checksum");
	t.len = 0;
	tb_entry(&t, "sp", 'S', 0644, NULL, 0, NULL);
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "sparse");
	t.len = 0;
	tb_entry(&t, "q", 'Q', 0644, NULL, 0, NULL);
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "unsupported tar entry type");
	t.len = 0;
	{
		const char kv[] = "path=a\0b";
		const char *kvs[] = { kv };
		size_t lens[] = { sizeof(kv) - 1 };

		tb_pax(&t, kvs, lens, 1);
	}
	tb_file(&t, "x", "x");
	tb_end(&t);
	extract_fails(f.rootfd, t.buf, t.len, "NUL");
	/* overlay xattrs from a layer are ignored */
	pod_layer_remove_tree(f.rootfd, "x", NULL);
	t.len = 0;
	{
		const char *kv[] = { "SCHILY.xattr.trusted.overlay.redirect=/etc",
				     "SCHILY.xattr.trusted.overlay.opaque=y" };

		tb_pax(&t, kv, NULL, 2);
	}
	tb_dir(&t, "od/");
	tb_end(&t);
	{
		struct pod_layer_result r;
		char v[8];
		int dfd;

		extract_ok(f.rootfd, t.buf, t.len, NULL, &r);
		assert_int_equal(r.skipped_xattrs, 2);
		dfd = openat(f.rootfd, "od", O_RDONLY | O_DIRECTORY);
		assert_int_equal(fgetxattr(dfd, "trusted.overlay.opaque", v, sizeof(v)), -1);
		close(dfd);
	}
	fx_free(&f);
	free(t.buf);

	/* /etc/passwd was never touched */
	assert_int_equal(stat("/etc/passwd", &pw_after), 0);
	assert_int_equal(pw_after.st_nlink, pw_before.st_nlink);
	{
		int fd = open("/etc/passwd", O_RDONLY);
		static char buf[1 << 20];
		ssize_t n = read(fd, buf, sizeof(buf));

		close(fd);
		sha256_hex(buf, (size_t) n, pw_hash_after);
	}
	assert_string_equal(pw_hash_before, pw_hash_after);
}

/* ---- export ---- */

static void
build_tree(int dfd)
{
	int fd;
	char longdir[150];

	assert_int_equal(mkdirat(dfd, "bin", 0755), 0);
	fd = openat(dfd, "bin/tool", O_CREAT | O_WRONLY, 0755);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	/* chown clears setuid and security.capability: set those after */
	assert_int_equal(fchown(fd, 12, 34), 0);
	assert_int_equal(fchmod(fd, 04755), 0);
	assert_int_equal(fsetxattr(fd, "security.capability",
				   "\x01\x00\x00\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00"
				   "\x00\x00\x00\x00\x00",
				   20, 0),
			 0);
	assert_int_equal(fsetxattr(fd, "user.note", "hi", 2, 0), 0);
	close(fd);
	assert_int_equal(linkat(dfd, "bin/tool", dfd, "bin/tool-link", 0), 0);
	assert_int_equal(symlinkat("tool", dfd, "bin/sym"), 0);
	assert_int_equal(mknodat(dfd, "fifo", S_IFIFO | 0640, 0), 0);
	memset(longdir, 'L', sizeof(longdir) - 1);
	longdir[sizeof(longdir) - 1] = '\0';
	assert_int_equal(mkdirat(dfd, longdir, 0700), 0);
	{
		cleanup_free char *p = xasprintf("%s/%s", longdir, longdir);

		fd = openat(dfd, p, O_CREAT | O_WRONLY, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "deep", 4), 4);
		close(fd);
	}
	fd = openat(dfd, "empty", O_CREAT | O_WRONLY, 0444);
	close(fd);
	{
		struct timespec ts[2] = { { 1000, 0 }, { 1234567, 0 } };

		assert_int_equal(utimensat(dfd, "bin/tool", ts, 0), 0);
		assert_int_equal(utimensat(dfd, "bin", ts, 0), 0);
	}
}

static void
test_roundtrip(void **state)
{
	struct fx src = fx_new();
	char id_src[72];
	enum pod_compression kinds[] = { POD_COMPRESSION_NONE, POD_COMPRESSION_GZIP,
					 POD_COMPRESSION_ZSTD };

	build_tree(src.rootfd);
	tree_id(src.rootfd, POD_TAR_PLAIN, id_src);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		struct fx dst = fx_new();
		struct pod_layer_result w, r;
		struct pod_err *e = NULL;
		int mfd = memfd_create("layer", MFD_CLOEXEC);
		char id_dst[72], v[8];
		struct stat st;

		assert_int_equal(pod_layer_tar_from_dir(src.rootfd, POD_TAR_PLAIN, mfd, kinds[i], &w,
							&e),
				 0);
		assert_string_equal(w.diff_id, id_src);
		assert_int_equal(lseek(mfd, 0, SEEK_SET), 0);
		if (pod_layer_extract_fd(mfd, dst.rootfd, NULL, &r, &e) < 0)
			fail_msg("%s", e->msg);
		close(mfd);
		assert_string_equal(r.diff_id, w.diff_id);
		assert_string_equal(r.compressed_digest, w.compressed_digest);
		assert_int_equal(r.compressed_size, w.compressed_size);
		assert_int_equal(r.compression, kinds[i]);
		tree_id(dst.rootfd, POD_TAR_PLAIN, id_dst);
		assert_string_equal(id_dst, id_src);
		assert_int_equal(fstatat(dst.rootfd, "bin/tool", &st, 0), 0);
		assert_int_equal(st.st_mode & 07777, 04755);
		assert_int_equal(st.st_uid, 12);
		assert_int_equal(st.st_nlink, 2);
		assert_int_equal(st.st_mtim.tv_sec, 1234567);
		assert_int_equal(getxattr(dst.root, "bin", v, 0) >= -1, 1);
		{
			cleanup_free char *p = xasprintf("%s/bin/tool", dst.root);

			assert_int_equal(getxattr(p, "security.capability", NULL, 0), 20);
			assert_int_equal(getxattr(p, "user.note", v, sizeof(v)), 2);
		}
		assert_int_equal(fstatat(dst.rootfd, "bin", &st, 0), 0);
		assert_int_equal(st.st_mtim.tv_sec, 1234567);
		fx_free(&dst);
	}
	/* the same tree gives the same bytes */
	{
		char again[72];

		tree_id(src.rootfd, POD_TAR_PLAIN, again);
		assert_string_equal(again, id_src);
	}
	fx_free(&src);
}

/* tar entry names of a plain tar in memory */
static char **
tar_names(const uint8_t *b, size_t len)
{
	char **v = xcalloc(1, sizeof(char *));
	size_t off = 0;
	char *paxpath = NULL;

	while (off + 512 <= len && b[off]) {
		char sizef[13] = { 0 };
		uint64_t size;

		memcpy(sizef, b + off + 124, 12);
		size = strtoull(sizef, NULL, 8);
		if (b[off + 156] == 'x') {
			const char *p = memmem(b + off + 512, size, " path=", 6);

			if (p) {
				const char *nl = memchr(p, '\n', size);

				paxpath = xstrndup(p + 6, (size_t) (nl - p - 6));
			}
		} else {
			v = pod_strv_push(v, paxpath ? paxpath
						     : xstrndup((const char *) b + off, 100));
			paxpath = NULL;
		}
		off += 512 + (size + 511) / 512 * 512;
	}
	free(paxpath);
	return v;
}

/* mapped bytes of a memfd */
static uint8_t *
memfd_bytes(int fd, size_t *ret_len)
{
	off_t len = lseek(fd, 0, SEEK_END);
	uint8_t *b = xmalloc((size_t) len + 1);

	assert_int_equal(pread(fd, b, (size_t) len, 0), len);
	*ret_len = (size_t) len;
	return b;
}

/* cp's pieces: one entry renamed and owned, the extraction options, and the
 * entry-by-entry writer */
static void
test_entry_writer(void **state)
{
	struct fx src = fx_new(), dst = fx_new();
	struct pod_tar_entry_opts to = { .as = "renamed", .set_owner = true, .uid = 7, .gid = 8 };
	struct pod_layer_opts lo = { .set_owner = true, .owner_uid = 3, .owner_gid = 4,
				     .keep_types = true };
	struct pod_layer_result r;
	struct pod_err *e = NULL;
	int mfd = memfd_create("entry", MFD_CLOEXEC);
	cleanup_free uint8_t *b = NULL;
	cleanup_strv char **names = NULL;
	size_t len;
	struct stat st;

	build_tree(src.rootfd);
	if (pod_tar_write_entry(src.rootfd, "bin", &to, mfd, &e) < 0)
		fail_msg("%s", e->msg);
	b = memfd_bytes(mfd, &len);
	names = tar_names(b, len);
	assert_string_equal(names[0], "renamed/");
	for (char **n = names; *n; n++)
		assert_true(strncmp(*n, "renamed/", 8) == 0);
	/* the owner in the header: uid field of the first entry */
	assert_int_equal(strtoul((const char *) b + 108, NULL, 8), 7);
	assert_int_equal(lseek(mfd, 0, SEEK_SET), 0);
	if (pod_layer_extract_fd(mfd, dst.rootfd, &lo, &r, &e) < 0)
		fail_msg("%s", e->msg);
	assert_int_equal(fstatat(dst.rootfd, "renamed/tool", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_uid, 3);
	assert_int_equal(st.st_gid, 4);
	assert_int_equal(st.st_nlink, 2);
	/* keep_types: a directory does not replace a file */
	fx_free(&dst);
	dst = fx_new();
	close(openat(dst.rootfd, "renamed", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	assert_int_equal(lseek(mfd, 0, SEEK_SET), 0);
	assert_int_equal(pod_layer_extract_fd(mfd, dst.rootfd, &lo, &r, &e), -1);
	assert_non_null(strstr(e->msg, "\"renamed\": exists but is not a directory"));
	pod_err_free(&e);
	close(mfd);

	/* the entry-by-entry writer: a directory alone, a file, a whiteout */
	{
		struct pod_tar_writer *w;
		int fd = memfd_create("flat", MFD_CLOEXEC);
		cleanup_free uint8_t *fb = NULL;
		cleanup_strv char **fn = NULL;

		w = pod_tar_writer_new(fd, &e);
		assert_non_null(w);
		assert_int_equal(pod_tar_writer_add(w, src.rootfd, "bin", "bin", &e), 0);
		assert_int_equal(pod_tar_writer_add(w, src.rootfd, "empty", "bin/new", &e), 0);
		assert_int_equal(pod_tar_writer_whiteout(w, "bin/gone", &e), 0);
		assert_int_equal(pod_tar_writer_finish(w, &e), 0);
		pod_tar_writer_free(w);
		fb = memfd_bytes(fd, &len);
		fn = tar_names(fb, len);
		assert_int_equal(pod_strv_len(fn), 3);
		assert_string_equal(fn[0], "bin/");
		assert_string_equal(fn[1], "bin/new");
		assert_string_equal(fn[2], "bin/.wh.gone");
		close(fd);
	}
	fx_free(&src);
	fx_free(&dst);
}

static void
test_overlay_upper(void **state)
{
	struct fx up = fx_new();
	struct pod_layer_result w;
	struct pod_err *e = NULL;
	int mfd = memfd_create("layer", MFD_CLOEXEC), dfd;
	cleanup_strv char **names = NULL;
	struct stat st;
	uint8_t *buf;

	assert_int_equal(mkdirat(up.rootfd, "etc", 0755), 0);
	assert_int_equal(mknodat(up.rootfd, "etc/gone", S_IFCHR, makedev(0, 0)), 0);
	assert_int_equal(mkdirat(up.rootfd, "opq", 0755), 0);
	dfd = openat(up.rootfd, "opq", O_RDONLY | O_DIRECTORY);
	assert_int_equal(fsetxattr(dfd, "trusted.overlay.opaque", "y", 1, 0), 0);
	close(dfd);
	assert_int_equal(mknodat(up.rootfd, "opq/new", S_IFREG | 0644, 0), 0);
	assert_int_equal(pod_layer_tar_from_dir(up.rootfd, POD_TAR_OVERLAY_UPPER, mfd,
						POD_COMPRESSION_NONE, &w, &e),
			 0);
	assert_int_equal(fstat(mfd, &st), 0);
	buf = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, mfd, 0);
	assert_true(buf != MAP_FAILED);
	names = tar_names(buf, (size_t) st.st_size);
	assert_int_equal(pod_strv_len(names), 5);
	assert_string_equal(names[0], "etc/");
	assert_string_equal(names[1], "etc/.wh.gone");
	assert_string_equal(names[2], "opq/");
	assert_string_equal(names[3], "opq/.wh..wh..opq");
	assert_string_equal(names[4], "opq/new");
	munmap(buf, (size_t) st.st_size);
	/* plain mode keeps the device and leaves the opaque xattr out */
	{
		int m2 = memfd_create("plain", MFD_CLOEXEC);
		cleanup_strv char **pn = NULL;
		struct stat st2;

		assert_int_equal(pod_layer_tar_from_dir(up.rootfd, POD_TAR_PLAIN, m2,
							POD_COMPRESSION_NONE, &w, &e),
				 0);
		assert_int_equal(fstat(m2, &st2), 0);
		buf = mmap(NULL, (size_t) st2.st_size, PROT_READ, MAP_PRIVATE, m2, 0);
		pn = tar_names(buf, (size_t) st2.st_size);
		assert_int_equal(pod_strv_len(pn), 4);
		assert_string_equal(pn[1], "etc/gone");
		munmap(buf, (size_t) st2.st_size);
		close(m2);
	}
	/* and back: extracting recreates the whiteout and the opaque dir */
	{
		struct fx dst = fx_new();
		char v[4];

		assert_int_equal(lseek(mfd, 0, SEEK_SET), 0);
		assert_int_equal(pod_layer_extract_fd(mfd, dst.rootfd, NULL, NULL, &e), 0);
		assert_int_equal(fstatat(dst.rootfd, "etc/gone", &st, AT_SYMLINK_NOFOLLOW), 0);
		assert_true(S_ISCHR(st.st_mode) && st.st_rdev == 0);
		dfd = openat(dst.rootfd, "opq", O_RDONLY | O_DIRECTORY);
		assert_int_equal(fgetxattr(dfd, "trusted.overlay.opaque", v, sizeof(v)), 1);
		close(dfd);
		fx_free(&dst);
	}
	close(mfd);
	fx_free(&up);
}

struct chg {
	char buf[1024];
};

static int
chg_cb(void *ctx, enum pod_change_kind kind, const char *path, struct pod_err **err)
{
	struct chg *c = ctx;
	size_t l = strlen(c->buf);

	snprintf(c->buf + l, sizeof(c->buf) - l, "%c %s\n", (char) kind, path);
	return 0;
}

static void
test_changes(void **state)
{
	struct fx lower = fx_new(), upper = fx_new();
	struct chg c = { { 0 } };
	struct pod_err *e = NULL;
	int dfd;

	/* lower: /etc/passwd /etc/old /var/x /var/y */
	assert_int_equal(mkdirat(lower.rootfd, "etc", 0755), 0);
	assert_int_equal(mknodat(lower.rootfd, "etc/passwd", S_IFREG | 0644, 0), 0);
	assert_int_equal(mknodat(lower.rootfd, "etc/old", S_IFREG | 0644, 0), 0);
	assert_int_equal(mkdirat(lower.rootfd, "var", 0755), 0);
	assert_int_equal(mknodat(lower.rootfd, "var/x", S_IFREG | 0644, 0), 0);
	assert_int_equal(mknodat(lower.rootfd, "var/y", S_IFREG | 0644, 0), 0);
	/* upper: modified passwd, new file, deleted old, var made opaque with x */
	assert_int_equal(mkdirat(upper.rootfd, "etc", 0755), 0);
	assert_int_equal(mknodat(upper.rootfd, "etc/passwd", S_IFREG | 0644, 0), 0);
	assert_int_equal(mknodat(upper.rootfd, "etc/new", S_IFREG | 0644, 0), 0);
	assert_int_equal(mknodat(upper.rootfd, "etc/old", S_IFCHR, makedev(0, 0)), 0);
	assert_int_equal(mkdirat(upper.rootfd, "var", 0755), 0);
	dfd = openat(upper.rootfd, "var", O_RDONLY | O_DIRECTORY);
	assert_int_equal(fsetxattr(dfd, "trusted.overlay.opaque", "y", 1, 0), 0);
	close(dfd);
	assert_int_equal(mknodat(upper.rootfd, "var/x", S_IFREG | 0644, 0), 0);
	assert_int_equal(mkdirat(upper.rootfd, "newdir", 0755), 0);
	assert_int_equal(mknodat(upper.rootfd, "newdir/f", S_IFREG | 0644, 0), 0);
	assert_int_equal(pod_layer_changes(upper.rootfd, &lower.rootfd, 1, chg_cb, &c, &e), 0);
	assert_string_equal(c.buf, "C /etc\n"
				   "A /etc/new\n"
				   "D /etc/old\n"
				   "C /etc/passwd\n"
				   "A /newdir\n"
				   "A /newdir/f\n"
				   "C /var\n"
				   "A /var/x\n"
				   "D /var/y\n");
	fx_free(&lower);
	fx_free(&upper);
}

static void
test_sniff_and_misuse(void **state)
{
	struct fx f = fx_new();
	struct pod_err *e = NULL;
	struct pod_layer_sink *s;
	struct pod_layer_result r;

	assert_int_equal(pod_compression_sniff("\x1f\x8b", 2), POD_COMPRESSION_GZIP);
	assert_int_equal(pod_compression_sniff("\x28\xb5\x2f\xfd", 4), POD_COMPRESSION_ZSTD);
	assert_int_equal(pod_compression_sniff("\x28\xb5\x2f", 3), POD_COMPRESSION_NONE);
	assert_string_equal(pod_compression_name(POD_COMPRESSION_ZSTD), "zstd");
	/* an empty stream is an empty layer */
	s = pod_layer_sink_new(f.rootfd, NULL, &e);
	assert_int_equal(pod_layer_sink_finish(s, &r, &e), 0);
	assert_string_equal(r.diff_id, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* no use after finish */
	assert_int_equal(pod_layer_sink_write(s, "x", 1, &e), -1);
	assert_non_null(e);
	pod_err_free(&e);
	pod_layer_sink_free(s);
	/* a short non-tar stream is an EOF in the layer */
	extract_fails(f.rootfd, "abc", 3, "unexpected EOF in layer");
	/* after an error, the sink refuses more */
	s = pod_layer_sink_new(f.rootfd, NULL, &e);
	{
		uint8_t junk[1024];

		memset(junk, 'j', sizeof(junk));
		assert_int_equal(pod_layer_sink_write(s, junk, sizeof(junk), &e), -1);
		pod_err_free(&e);
		assert_int_equal(pod_layer_sink_write(s, junk, 1, &e), -1);
		assert_non_null(strstr(e->msg, "after an error"));
		pod_err_free(&e);
	}
	pod_layer_sink_free(s);
	fx_free(&f);
}

/* ---- table-driven cases: tests/unit/data/tar/{valid,invalid}/NAME/ ---- */

#define DATA_DIR "tests/unit/data/tar"

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* one line per entry, sorted: "d PATH MODE[ opaque]", "f PATH MODE SIZE[ user.K=V]",
 * "l PATH TARGET", "c|b PATH MAJ:MIN", "p PATH MODE" */
static void
listing(int dfd, const char *rel, struct tb *out)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY);
	DIR *d = fdopendir(fd);
	struct dirent *de;
	char **names = xcalloc(1, sizeof(char *));

	assert_non_null(d);
	while ((de = readdir(d)))
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, ".."))
			names = pod_strv_push(names, xstrdup(de->d_name));
	closedir(d);
	qsort(names, pod_strv_len(names), sizeof(char *), cmp_strp);
	for (char **n = names; *n; n++) {
		cleanup_free char *path = *rel ? xasprintf("%s/%s", rel, *n) : xstrdup(*n);
		cleanup_free char *line = NULL;
		struct stat st;

		assert_int_equal(fstatat(dfd, *n, &st, AT_SYMLINK_NOFOLLOW), 0);
		if (S_ISDIR(st.st_mode)) {
			int cfd = openat(dfd, *n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
			char v[4];
			bool opq = fgetxattr(cfd, "trusted.overlay.opaque", v, sizeof(v)) == 1;

			line = xasprintf("d %s %04o%s\n", path, st.st_mode & 07777,
					 opq ? " opaque" : "");
			tb_add(out, line, strlen(line));
			listing(cfd, path, out);
			close(cfd);
			continue;
		} else if (S_ISREG(st.st_mode)) {
			int ffd = openat(dfd, *n, O_RDONLY | O_NOFOLLOW);
			char v[256] = { 0 };
			ssize_t vl = fgetxattr(ffd, "user.k", v, sizeof(v) - 1);

			close(ffd);
			line = xasprintf("f %s %04o %lld%s%s\n", path, st.st_mode & 07777,
					 (long long) st.st_size, vl >= 0 ? " user.k=" : "",
					 vl >= 0 ? v : "");
		} else if (S_ISLNK(st.st_mode)) {
			char tgt[4096] = { 0 };

			assert_true(readlinkat(dfd, *n, tgt, sizeof(tgt) - 1) > 0);
			line = xasprintf("l %s %s\n", path, tgt);
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			line = xasprintf("%c %s %u:%u\n", S_ISCHR(st.st_mode) ? 'c' : 'b', path,
					 major(st.st_rdev), minor(st.st_rdev));
		} else {
			line = xasprintf("p %s %04o\n", path, st.st_mode & 07777);
		}
		tb_add(out, line, strlen(line));
	}
	pod_strv_free(names);
}

static char *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct tb t = { 0 };
	char buf[65536];
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		tb_add(&t, buf, (size_t) n);
	close(fd);
	tb_add(&t, "", 1);
	*len = t.len - 1;
	return (char *) t.buf;
}

static void
run_cases(const char *kind)
{
	cleanup_free char *dir = xasprintf("%s/%s", DATA_DIR, kind);
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		cleanup_free char *in = NULL, *want = NULL, *p = NULL, *q = NULL;
		size_t len, wlen;
		struct fx f;
		struct pod_layer_result r;
		struct pod_err *e;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s/input", dir, de->d_name);
		q = xasprintf("%s/%s/%s", dir, de->d_name, STREQ(kind, "valid") ? "expected" : "error");
		in = slurp(p, &len);
		want = slurp(q, &wlen);
		assert_non_null(in);
		assert_non_null(want);
		f = fx_new();
		e = extract(f.rootfd, in, len, 777, NULL, &r);
		if (STREQ(kind, "valid")) {
			struct tb got = { 0 };

			if (e)
				fail_msg("%s: %s", de->d_name, e->msg);
			listing(f.rootfd, "", &got);
			tb_add(&got, "", 1);
			if (!STREQ((char *) got.buf, want))
				fail_msg("%s: got\n%s\nwant\n%s", de->d_name, (char *) got.buf, want);
			free(got.buf);
		} else {
			while (wlen && want[wlen - 1] == '\n')
				want[--wlen] = '\0';
			if (!e)
				fail_msg("%s: extraction succeeded", de->d_name);
			if (!strstr(e->msg, want))
				fail_msg("%s: \"%s\" lacks \"%s\"", de->d_name, e->msg, want);
			pod_err_free(&e);
		}
		fx_free(&f);
		n++;
	}
	closedir(d);
	assert_true(n >= 5);
}

static void
test_table_valid(void **state)
{
	run_cases("valid");
}

static void
test_table_invalid(void **state)
{
	run_cases("invalid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_idmap_and_limits),
		cmocka_unit_test(test_whiteouts),
		cmocka_unit_test(test_whiteouts_by_delete),
		cmocka_unit_test(test_compression),
		cmocka_unit_test(test_compression_engines),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_entry_writer),
		cmocka_unit_test(test_overlay_upper),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_sniff_and_misuse),
		cmocka_unit_test(test_table_valid),
		cmocka_unit_test(test_table_invalid),
	};

	if (geteuid() != 0) {
		/* device nodes, chown, trusted.* xattrs */
		fprintf(stderr, "test-layer: needs root, skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
