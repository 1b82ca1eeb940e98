/* test-core.c - lib/core: json, fs, lock, id, names, human, log */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/fs.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "core/lock.h"
#include "core/log.h"
#include "core/names.h"
#include "core/sha256.h"
#include "core/strbuf.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <libgen.h>
#include <regex.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---- */

static char *
data_dir(const char *parser)
{
	const char *env = getenv("POD_TEST_DATA");
	cleanup_free char *src = xstrdup(__FILE__);

	if (env && *env)
		return xasprintf("%s/%s", env, parser);
	return xasprintf("%s/data/%s", dirname(src), parser);
}

static char *
slurp(const char *path, bool strip_newline)
{
	struct pod_err *e = NULL;
	char *buf = NULL;
	size_t len = 0;

	if (pod_read_file(path, &buf, &len, 1 << 20, &e) < 0) {
		pod_err_free(&e);
		return NULL;
	}
	if (strip_newline && len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

typedef void (*case_fn)(const char *dir, const char *name, bool valid);

/* runs fn on every case of tests/unit/data/PARSER/{valid,invalid}/ */
static void
each_case(const char *parser, case_fn fn)
{
	cleanup_free char *base = data_dir(parser);
	static const char *const kinds[] = { "valid", "invalid" };
	size_t k, n = 0;

	for (k = 0; k < 2; k++) {
		cleanup_free char *kd = xasprintf("%s/%s", base, kinds[k]);
		DIR *d = opendir(kd);
		struct dirent *de;

		assert_non_null(d);
		while ((de = readdir(d))) {
			cleanup_free char *cd = NULL;

			if (de->d_name[0] == '.')
				continue;
			cd = xasprintf("%s/%s", kd, de->d_name);
			fn(cd, de->d_name, k == 0);
			n++;
		}
		closedir(d);
	}
	assert_true(n >= 4);
}

static char *
make_tmpdir(void)
{
	char *t = xstrdup("/tmp/test-core-XXXXXX");

	assert_non_null(mkdtemp(t));
	return t;
}

static void
remove_tree(const char *path)
{
	struct pod_err *e = NULL;

	assert_int_equal(pod_rm_rf(path, &e), 0);
	assert_null(e);
}

/* ---- json ---- */

static void
check_sanitised(const char *in, const char *want)
{
	cleanup_json json_t *j = pod_json_string(in);

	assert_non_null(j);
	assert_string_equal(json_string_value(j), want);
}

static void
test_json_string(void **state)
{
	check_sanitised("plain", "plain");
	check_sanitised("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3",
			"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3");
	check_sanitised("a\xff" "b", "a\xef\xbf\xbd" "b");
	/* overlong "/" is two bad bytes */
	check_sanitised("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	/* a UTF-16 surrogate encoded in UTF-8 is three bad bytes */
	check_sanitised("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* truncated sequence at the end */
	check_sanitised("x\xe2\x82", "x\xef\xbf\xbd\xef\xbf\xbd");
	/* above U+10FFFF */
	check_sanitised("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_sanitised(NULL, "");
	check_sanitised("", "");
}

static void
test_json_print_line(void **state)
{
	cleanup_json json_t *obj = json_pack("{s:s, s:i, s:[s], s:s}", "Type", "container", "Id",
					     7, "Names", "web", "Path", "/a/b\xc3\xa9");
	struct pod_err *e = NULL;
	char buf[256] = "";
	FILE *f = tmpfile();
	FILE *full;

	assert_non_null(f);
	assert_int_equal(pod_json_print_line(f, obj, &e), 0);
	assert_int_equal(pod_json_print_line(f, obj, &e), 0);
	rewind(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_string_equal(buf,
			    "{\"Type\":\"container\",\"Id\":7,\"Names\":[\"web\"],"
			    "\"Path\":\"/a/b\xc3\xa9\"}\n");
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_null(fgets(buf, sizeof(buf), f));
	fclose(f);

	full = fopen("/dev/full", "w");
	assert_non_null(full);
	assert_int_equal(pod_json_print_line(full, obj, &e), -1);
	assert_non_null(e);
	assert_int_equal(e->kind, POD_E_IO);
	assert_string_equal(e->msg, "writing output: no space left on device");
	pod_err_free(&e);
	fclose(full);
}

static void
test_json_pretty(void **state)
{
	cleanup_json json_t *obj = json_pack("{s:s, s:[i,i], s:{}}", "Name", "\xc3\xbc", "A", 1, 2,
					     "E");
	cleanup_free char *text = pod_json_dumps_pretty(obj);

	assert_string_equal(text, "{\n    \"Name\": \"\xc3\xbc\",\n    \"A\": [\n        1,\n"
				  "        2\n    ],\n    \"E\": {}\n}");
}

/* ---- record reader ---- */

static void
record_case(const char *dir, const char *name, bool valid)
{
	cleanup_free char *in_path = xasprintf("%s/input", dir);
	cleanup_free char *type_path = xasprintf("%s/type", dir);
	cleanup_free char *want_path = xasprintf("%s/%s", dir, valid ? "expected" : "error");
	cleanup_free char *want = slurp(want_path, true);
	cleanup_free char *type = slurp(type_path, true);
	cleanup_strbuf struct pod_strbuf got = POD_STRBUF_INIT;
	struct pod_record_reader r;
	struct pod_err *e = NULL;
	FILE *f = fopen(in_path, "r");
	char *target = NULL;
	int rc;

	assert_non_null(f);
	assert_non_null(want);
	pod_record_reader_init(&r, f, "stdin");
	while ((rc = pod_record_reader_next(&r, type, &target, &e)) == 1) {
		if (got.len)
			pod_strbuf_addch(&got, '\n');
		pod_strbuf_adds(&got, target);
		free(target);
	}
	if (valid) {
		if (rc != 0)
			fail_msg("records/%s: unexpected error: %s", name, e ? e->msg : "?");
		assert_null(e);
		if (!STREQ(got.buf, want))
			fail_msg("records/%s: got \"%s\", want \"%s\"", name, got.buf, want);
	} else {
		if (rc != -1)
			fail_msg("records/%s: expected an error", name);
		assert_non_null(e);
		if (!STREQ(e->msg, want))
			fail_msg("records/%s: error \"%s\", want \"%s\"", name, e->msg, want);
		assert_int_equal(e->kind, POD_E_INVALID);
		pod_err_free(&e);
	}
	pod_record_reader_release(&r);
	fclose(f);
}

static void
test_record_reader_data(void **state)
{
	each_case("records", record_case);
}

static void
test_record_reader_long_line(void **state)
{
	struct pod_record_reader r;
	struct pod_err *e = NULL;
	char *target = NULL;
	FILE *f = tmpfile();
	size_t i;

	assert_non_null(f);
	for (i = 0; i < POD_RECORD_LINE_MAX + 10; i++)
		putc('a', f);
	fputs("\nnext\n", f);
	rewind(f);
	pod_record_reader_init(&r, f, "stdin");
	assert_int_equal(pod_record_reader_next(&r, NULL, &target, &e), -1);
	assert_string_equal(e->msg, "stdin:1: line is longer than 1048576 bytes");
	pod_err_free(&e);
	/* the reader resumes after the bad line */
	assert_int_equal(pod_record_reader_next(&r, NULL, &target, &e), 1);
	assert_string_equal(target, "next");
	free(target);
	assert_int_equal(pod_record_reader_next(&r, NULL, &target, &e), 0);
	pod_record_reader_release(&r);
	fclose(f);
}

static void
test_record_reader_nul(void **state)
{
	struct pod_record_reader r;
	struct pod_err *e = NULL;
	char *target = NULL;
	FILE *f = tmpfile();

	assert_non_null(f);
	fwrite("ab\0c\n", 1, 5, f);
	rewind(f);
	pod_record_reader_init(&r, f, "input");
	assert_int_equal(pod_record_reader_next(&r, NULL, &target, &e), -1);
	assert_string_equal(e->msg, "input:1: line is neither a JSON record nor a name");
	pod_err_free(&e);
	pod_record_reader_release(&r);
	fclose(f);
}

/* ---- paths ---- */

static void
test_path_join(void **state)
{
	static const struct {
		const char *a, *b, *want;
	} cases[] = {
		{ "/a", "b", "/a/b" },	 { "/a/", "/b", "/a/b" }, { "/", "b", "/b" },
		{ "/", "", "/" },	 { "a", "", "a" },	  { "/a//", "//b/c", "/a/b/c" },
		{ "rel", "x", "rel/x" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *got = pod_path_join(cases[i].a, cases[i].b);

		assert_string_equal(got, cases[i].want);
	}
}

static void
test_path_join_in_root(void **state)
{
	static const struct {
		const char *rel, *want; /* want NULL: refused */
	} cases[] = {
		{ "etc/passwd", "/r/etc/passwd" },
		{ "/etc/passwd", "/r/etc/passwd" },
		{ "", "/r" },
		{ "/", "/r" },
		{ ".", "/r" },
		{ "a/./b//c/", "/r/a/b/c" },
		{ "a/../b", "/r/b" },
		{ "a/b/../../c", "/r/c" },
		{ "a/..", "/r" },
		{ "..", NULL },
		{ "../../etc", NULL },
		{ "/a/../../b", NULL },
		{ "a/../../b", NULL },
		{ "/..", NULL },
		{ "...", "/r/..." },
		{ "..a/b", "/r/..a/b" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pod_err *e = NULL;
		char *got = NULL;
		int rc = pod_path_join_in_root("/r", cases[i].rel, &got, &e);

		if (cases[i].want) {
			if (rc != 0)
				fail_msg("\"%s\": %s", cases[i].rel, e->msg);
			assert_string_equal(got, cases[i].want);
			free(got);
		} else {
			if (rc != -1)
				fail_msg("\"%s\" should be refused, got %s", cases[i].rel, got);
			assert_int_equal(e->kind, POD_E_INVALID);
			assert_null(got);
			pod_err_free(&e);
		}
	}
	{
		struct pod_err *e = NULL;
		char *got = NULL;

		assert_int_equal(pod_path_join_in_root("/root/dir", "../../etc", &got, &e), -1);
		assert_string_equal(e->msg, "path \"../../etc\" is outside of \"/root/dir\"");
		pod_err_free(&e);
	}
}

static void
write_text(const char *path, const char *text)
{
	struct pod_err *e = NULL;

	assert_int_equal(pod_write_file_atomic(path, text, strlen(text), 0644, &e), 0);
}

static void
test_openat_in_root(void **state)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *etc = pod_path_join(dir, "etc");
	cleanup_free char *host = pod_path_join(dir, "etc/hostname");
	cleanup_free char *link1 = pod_path_join(dir, "abs-link");
	cleanup_free char *link2 = pod_path_join(dir, "etc/up-link");
	cleanup_close int rootfd = -1;
	struct pod_err *e = NULL;
	const char *paths[] = { "etc/hostname", "/etc/hostname", "../../../etc/hostname",
				"abs-link", "etc/up-link" };
	size_t i;

	assert_int_equal(pod_mkdir_p(etc, 0755, &e), 0);
	write_text(host, "inside\n");
	/* both links would leave the root if followed from the host's / */
	assert_int_equal(symlink("/etc/hostname", link1), 0);
	assert_int_equal(symlink("../../../../../../etc/hostname", link2), 0);
	rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		char buf[32] = "";
		int fd = pod_openat_in_root(rootfd, paths[i], O_RDONLY, 0, &e);
		ssize_t n;

		if (fd < 0)
			fail_msg("%s: %s", paths[i], e->msg);
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		n = read(fd, buf, sizeof(buf) - 1);
		assert_int_equal(n, 7);
		assert_string_equal(buf, "inside\n");
		close(fd);
	}
	/* creating a file through the root */
	{
		int fd = pod_openat_in_root(rootfd, "/../new", O_WRONLY | O_CREAT | O_EXCL, 0600,
					    &e);
		cleanup_free char *created = pod_path_join(dir, "new");
		struct stat st;

		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(stat(created, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
	}
	assert_int_equal(pod_openat_in_root(rootfd, "missing", O_RDONLY, 0, &e), -1);
	assert_int_equal(e->kind, POD_E_NOTFOUND);
	assert_int_equal(e->errnum, ENOENT);
	pod_err_free(&e);
	remove_tree(dir);
}

/* ---- files ---- */

static void
test_atomic_write_read(void **state)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *path = pod_path_join(dir, "config.json");
	cleanup_free char *buf = NULL;
	struct pod_err *e = NULL;
	struct stat st;
	size_t len = 0;
	DIR *d;
	struct dirent *de;
	int entries = 0;

	assert_int_equal(pod_write_file_atomic(path, "first", 5, 0600, &e), 0);
	assert_int_equal(pod_write_file_atomic(path, "second\n", 7, 0640, &e), 0);
	assert_int_equal(pod_read_file(path, &buf, &len, 100, &e), 0);
	assert_int_equal(len, 7);
	assert_string_equal(buf, "second\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* no temporary file left behind */
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, ".."))
			entries++;
	closedir(d);
	assert_int_equal(entries, 1);

	/* max bound */
	free(TAKE_PTR(buf));
	assert_int_equal(pod_read_file(path, &buf, &len, 6, &e), -1);
	assert_int_equal(e->errnum, EFBIG);
	pod_err_free(&e);
	assert_int_equal(pod_read_file(path, &buf, NULL, 7, &e), 0);
	free(TAKE_PTR(buf));

	/* a missing directory fails cleanly */
	{
		cleanup_free char *bad = pod_path_join(dir, "nope/file");

		assert_int_equal(pod_write_file_atomic(bad, "x", 1, 0600, &e), -1);
		assert_int_equal(e->kind, POD_E_NOTFOUND);
		pod_err_free(&e);
	}
	remove_tree(dir);
}

static void
test_mkdir_rm_rf(void **state)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *outside = make_tmpdir();
	cleanup_free char *deep = pod_path_join(dir, "a/b//c/d");
	cleanup_free char *file = pod_path_join(dir, "a/b/file");
	cleanup_free char *keep = pod_path_join(outside, "keep");
	cleanup_free char *link = pod_path_join(dir, "a/b/c/link-out");
	cleanup_free char *dlink = pod_path_join(dir, "a/dirlink");
	cleanup_free char *tree = pod_path_join(dir, "a");
	cleanup_free char *notdir = pod_path_join(dir, "a/b/file/x");
	struct pod_err *e = NULL;
	struct stat st;

	assert_int_equal(pod_mkdir_p(deep, 0755, &e), 0);
	assert_int_equal(pod_mkdir_p(deep, 0755, &e), 0); /* exists: fine */
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	write_text(file, "x");
	write_text(keep, "precious");
	assert_int_equal(symlink(keep, link), 0);
	assert_int_equal(symlink(outside, dlink), 0);
	assert_int_equal(pod_mkdir_p(notdir, 0755, &e), -1);
	assert_int_equal(e->errnum, ENOTDIR);
	pod_err_free(&e);

	assert_int_equal(pod_rm_rf(tree, &e), 0);
	assert_null(e);
	assert_int_equal(lstat(tree, &st), -1);
	/* symlinks were removed, not followed */
	assert_int_equal(stat(keep, &st), 0);
	/* removing what is not there is fine */
	assert_int_equal(pod_rm_rf(tree, &e), 0);
	/* a single file, and a symlink to a directory given directly */
	{
		cleanup_free char *single = pod_path_join(dir, "single");
		cleanup_free char *top_link = pod_path_join(dir, "top-link");

		write_text(single, "x");
		assert_int_equal(pod_rm_rf(single, &e), 0);
		assert_int_equal(lstat(single, &st), -1);
		assert_int_equal(symlink(outside, top_link), 0);
		assert_int_equal(pod_rm_rf(top_link, &e), 0);
		assert_int_equal(lstat(top_link, &st), -1);
		assert_int_equal(stat(keep, &st), 0);
	}
	remove_tree(dir);
	assert_int_equal(lstat(dir, &st), -1);
	remove_tree(outside);
}

/* rm -rf stops at a mount point; run in a private mount namespace */
static void
test_rm_rf_mount_point(void **state)
{
	cleanup_free char *dir = make_tmpdir();
	pid_t pid = fork();
	int status = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		cleanup_free char *mnt = pod_path_join(dir, "a/mnt");
		cleanup_free char *inner = pod_path_join(dir, "a/mnt/inner");
		cleanup_free char *tree = pod_path_join(dir, "a");
		struct pod_err *e = NULL;
		struct stat st;

		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(77);
		if (pod_mkdir_p(mnt, 0755, &e) < 0 || mount("tmpfs", mnt, "tmpfs", 0, NULL) < 0)
			_exit(77);
		if (pod_write_file_atomic(inner, "x", 1, 0600, &e) < 0)
			_exit(3);
		if (pod_rm_rf(tree, &e) != -1 || e->errnum != EBUSY)
			_exit(4);
		if (!strstr(e->msg, "is a mount point"))
			_exit(5);
		pod_err_free(&e);
		if (stat(inner, &st) < 0)
			_exit(6); /* the mounted file system was entered */
		if (pod_rm_rf(mnt, &e) != -1)
			_exit(7); /* the mount point itself is refused too */
		pod_err_free(&e);
		(void) umount(mnt);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		remove_tree(dir);
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	remove_tree(dir);
}

/* ---- locks ---- */

static void
test_lock_contention(void **state)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *path = pod_path_join(dir, "ctr.lock");
	struct pod_err *e = NULL;
	struct stat st;
	int a, b, c;

	a = pod_lock_open(path, true, false, &e);
	assert_true(a >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* a second open file description contends even in one process */
	b = pod_lock_open(path, true, false, &e);
	assert_int_equal(b, -1);
	assert_int_equal(e->kind, POD_E_INUSE);
	assert_int_equal(e->errnum, EWOULDBLOCK);
	pod_err_free(&e);
	b = pod_lock_open(path, false, false, &e);
	assert_int_equal(b, -1);
	pod_err_free(&e);
	pod_lock_release(a);

	a = pod_lock_open(path, false, false, &e);
	b = pod_lock_open(path, false, false, &e);
	assert_true(a >= 0 && b >= 0); /* shared + shared */
	c = pod_lock_open(path, true, false, &e);
	assert_int_equal(c, -1);
	pod_err_free(&e);
	pod_lock_release(a);
	pod_lock_release(b);
	c = pod_lock_open(path, true, true, &e);
	assert_true(c >= 0);
	pod_lock_release(c);

	/* a waiting locker gets the lock when the holder in another process exits */
	a = pod_lock_open(path, true, false, &e);
	assert_true(a >= 0);
	{
		pid_t pid = fork();
		int status = 0;

		assert_true(pid >= 0);
		if (pid == 0) {
			struct pod_err *ce = NULL;
			int fd = pod_lock_open(path, true, false, &ce);

			if (fd >= 0)
				_exit(2); /* should have been busy */
			pod_err_free(&ce);
			fd = pod_lock_open(path, true, true, &ce);
			_exit(fd >= 0 ? 0 : 1);
		}
		usleep(100 * 1000);
		pod_lock_release(a);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	remove_tree(dir);
}

/* ---- ids and names ---- */

static void
test_ids(void **state)
{
	char id[65], id2[65], s[13];
	int i, j;

	for (i = 0; i < 200; i++) {
		bool digits = true;

		pod_id_new(id);
		assert_true(pod_id_is_full(id));
		for (j = 0; j < 12; j++)
			digits = digits && id[j] <= '9';
		assert_false(digits);
	}
	pod_id_new(id2);
	assert_string_not_equal(id, id2);
	pod_id_short(id, s);
	assert_int_equal(strlen(s), 12);
	assert_memory_equal(s, id, 12);
	pod_id_short("abc", s);
	assert_string_equal(s, "abc");

	assert_false(pod_id_is_full("abc"));
	assert_false(pod_id_is_full(NULL));
	assert_false(pod_id_is_full(
		"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(pod_id_is_full(
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
	assert_true(pod_id_is_prefix("a"));
	assert_true(pod_id_is_prefix("0123456789abcdef"));
	assert_false(pod_id_is_prefix(""));
	assert_false(pod_id_is_prefix("abg"));
	assert_false(pod_id_is_prefix("ABC"));
	assert_false(pod_id_is_prefix("web"));
	assert_false(pod_id_is_prefix(
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
}

static void
test_names(void **state)
{
	regex_t re;
	int i, distinct = 0;
	cleanup_free char *first = pod_name_random();

	assert_int_equal(regcomp(&re, "^[a-z]+_[a-z]+$", REG_EXTENDED | REG_NOSUB), 0);
	for (i = 0; i < 500; i++) {
		cleanup_free char *n = pod_name_random();

		if (regexec(&re, n, 0, NULL, 0) != 0)
			fail_msg("bad name \"%s\"", n);
		assert_string_not_equal(n, "boring_wozniak");
		distinct += !STREQ(n, first);
	}
	regfree(&re);
	assert_true(distinct > 450);
}

/* ---- human units ---- */

static void
test_human_size(void **state)
{
	static const struct {
		int64_t n;
		const char *want;
	} cases[] = {
		{ 0, "0 B" },
		{ 768, "768 B" },
		{ 999, "999 B" },
		{ 1000, "1 kB" },
		{ 1500, "1.5 kB" },
		{ 4270000, "4.27 MB" },
		{ 4274999, "4.27 MB" },
		{ 5866000, "5.87 MB" },
		{ 77800000, "77.8 MB" },
		{ 999500, "1e+03 kB" }, /* what go-units prints too */
		{ 1234567890, "1.23 GB" },
		{ 1000000000000LL, "1 TB" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *got = pod_human_size(cases[i].n);

		if (!STREQ(got, cases[i].want))
			fail_msg("%lld: got \"%s\", want \"%s\"", (long long) cases[i].n, got,
				 cases[i].want);
	}
	{
		cleanup_free char *a = pod_human_size_prec(1234567, 4, false);
		cleanup_free char *b = pod_human_size_prec(0, 3, false);

		assert_string_equal(a, "1.235MB");
		assert_string_equal(b, "0B");
	}
}

static void
test_human_duration(void **state)
{
	const int64_t s = 1000000000LL, m = 60 * s, h = 60 * m, d = 24 * h;
	const struct {
		int64_t ns;
		const char *want;
	} cases[] = {
		{ -5 * s, "Less than a second" },
		{ 0, "Less than a second" },
		{ s - 1, "Less than a second" },
		{ s, "1 second" },
		{ 59 * s, "59 seconds" },
		{ m, "About a minute" },
		{ 2 * m - 1, "About a minute" },
		{ 5 * m, "5 minutes" },
		{ 59 * m, "59 minutes" },
		{ h, "About an hour" },
		{ 89 * m, "About an hour" },
		{ 90 * m, "2 hours" },
		{ 3 * h, "3 hours" },
		{ 47 * h, "47 hours" },
		{ 2 * d, "2 days" },
		{ 13 * d, "13 days" },
		{ 3 * 7 * d, "3 weeks" },
		{ 120 * d, "4 months" },
		{ 2 * 365 * d, "2 years" },
		{ 1000 * d, "2 years" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *got = pod_human_duration(cases[i].ns);

		if (!STREQ(got, cases[i].want))
			fail_msg("%lld: got \"%s\", want \"%s\"", (long long) cases[i].ns, got,
				 cases[i].want);
	}
	{
		cleanup_free char *ago = pod_human_ago(1000 * s, 1000 * s + 5 * m);

		assert_string_equal(ago, "5 minutes ago");
	}
}

static void
size_case(const char *dir, const char *name, bool valid)
{
	cleanup_free char *in_path = xasprintf("%s/input", dir);
	cleanup_free char *want_path = xasprintf("%s/%s", dir, valid ? "expected" : "error");
	cleanup_free char *in = slurp(in_path, false);
	cleanup_free char *want = slurp(want_path, true);
	struct pod_err *e = NULL;
	int64_t got = -42;
	int rc;

	assert_non_null(in);
	assert_non_null(want);
	rc = pod_parse_size(in, &got, &e);
	if (valid) {
		cleanup_free char *s = NULL;

		if (rc != 0)
			fail_msg("size/%s: %s", name, e->msg);
		s = xasprintf("%lld", (long long) got);
		if (!STREQ(s, want))
			fail_msg("size/%s: got %s, want %s", name, s, want);
	} else {
		if (rc != -1)
			fail_msg("size/%s: accepted as %lld", name, (long long) got);
		if (!STREQ(e->msg, want))
			fail_msg("size/%s: error \"%s\", want \"%s\"", name, e->msg, want);
		assert_int_equal(e->kind, POD_E_INVALID);
		assert_int_equal(got, -42);
		pod_err_free(&e);
	}
}

static void
duration_case(const char *dir, const char *name, bool valid)
{
	cleanup_free char *in_path = xasprintf("%s/input", dir);
	cleanup_free char *want_path = xasprintf("%s/%s", dir, valid ? "expected" : "error");
	cleanup_free char *in = slurp(in_path, false);
	cleanup_free char *want = slurp(want_path, true);
	struct pod_err *e = NULL;
	int64_t got = -42;
	int rc;

	assert_non_null(in);
	assert_non_null(want);
	rc = pod_parse_duration(in, &got, &e);
	if (valid) {
		cleanup_free char *s = NULL;

		if (rc != 0)
			fail_msg("duration/%s: %s", name, e->msg);
		s = xasprintf("%lld", (long long) got);
		if (!STREQ(s, want))
			fail_msg("duration/%s: got %s, want %s", name, s, want);
	} else {
		if (rc != -1)
			fail_msg("duration/%s: accepted as %lld", name, (long long) got);
		if (!STREQ(e->msg, want))
			fail_msg("duration/%s: error \"%s\", want \"%s\"", name, e->msg, want);
		assert_int_equal(e->kind, POD_E_INVALID);
		pod_err_free(&e);
	}
}

static void
test_parse_size(void **state)
{
	each_case("size", size_case);
}

static void
test_parse_duration(void **state)
{
	each_case("duration", duration_case);
}

/* ---- log ---- */

static void
test_log_level(void **state)
{
	struct pod_err *e = NULL;

	assert_int_equal(pod_log_get_level(), POD_LOG_WARN); /* default */
	assert_false(pod_log_enabled(POD_LOG_INFO));
	assert_true(pod_log_enabled(POD_LOG_ERROR));
	assert_int_equal(pod_log_set_level("DEBUG", &e), 0);
	assert_int_equal(pod_log_get_level(), POD_LOG_DEBUG);
	assert_int_equal(pod_log_set_level("warning", &e), 0);
	assert_int_equal(pod_log_get_level(), POD_LOG_WARN);
	assert_int_equal(pod_log_set_level("verbose", &e), -1);
	assert_int_equal(e->kind, POD_E_INVALID);
	assert_string_equal(e->msg, "Log Level \"verbose\" is not supported, choose from: trace, "
				    "debug, info, warn, warning, error, fatal, panic");
	pod_err_free(&e);
	assert_int_equal(pod_log_get_level(), POD_LOG_WARN);
}

static void
test_log_format(void **state)
{
	const int64_t t = 1795867200LL * 1000000000LL; /* 2026-11-28T12:00:00Z */
	static const struct {
		enum pod_log_level level;
		const char *msg, *want;
	} cases[] = {
		{ POD_LOG_WARN, "disk is slow",
		  "time=\"2026-11-28T12:00:00Z\" level=warning msg=\"disk is slow\"\n" },
		{ POD_LOG_DEBUG, "plain", "time=\"2026-11-28T12:00:00Z\" level=debug msg=plain\n" },
		{ POD_LOG_ERROR, "say \"hi\"\tnow\n",
		  "time=\"2026-11-28T12:00:00Z\" level=error msg=\"say \\\"hi\\\"\\tnow\"\n" },
		{ POD_LOG_INFO, "caf\xc3\xa9 \x01",
		  "time=\"2026-11-28T12:00:00Z\" level=info msg=\"caf\xc3\xa9 \\x01\"\n" },
		{ POD_LOG_TRACE, "", "time=\"2026-11-28T12:00:00Z\" level=trace msg=\n" },
	};
	size_t i;

	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

		pod_log_format(&sb, cases[i].level, cases[i].msg, false, t, 0);
		assert_string_equal(sb.buf, cases[i].want);
	}
	setenv("TZ", "EST5", 1);
	tzset();
	{
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

		pod_log_format(&sb, POD_LOG_WARN, "x", false, t, 0);
		assert_string_equal(sb.buf,
				    "time=\"2026-11-28T07:00:00-05:00\" level=warning msg=x\n");
	}
	{
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

		pod_log_format(&sb, POD_LOG_WARN, "hello", true, t, 3500000000LL);
		assert_string_equal(sb.buf, "\x1b[33mWARN\x1b[0m[0003] hello"
					    "                                        \n");
	}
	{
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

		pod_log_format(&sb, POD_LOG_ERROR, "e", true, t, 0);
		assert_true(pod_str_has_prefix(sb.buf, "\x1b[31mERRO\x1b[0m[0000] e "));
	}
	setenv("TZ", "UTC", 1);
	tzset();
}

/* FIPS 180-4's examples, and every length to 300 bytes, fed in pieces of
 * every size up to 70, against OpenSSL */
static void
test_sha256(void **state)
{
	char hex[2 * POD_SHA256_LEN + 1];
	unsigned char buf[300], md[POD_SHA256_LEN], want[POD_SHA256_LEN];
	char *million = xmalloc(1000000);

	pod_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	pod_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	pod_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', 1000000);
	pod_sha256_hex(million, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char) (i * 7 + 3);
	for (size_t len = 0; len <= sizeof(buf); len++) {
		unsigned int wl = 0;
		assert_int_equal(EVP_Digest(buf, len, want, &wl, EVP_sha256(), NULL), 1);
		for (size_t piece = 1; piece <= 70; piece += (len < 130 ? 1 : 23)) {
			struct pod_sha256_ctx c;
			pod_sha256_begin(&c);
			for (size_t off = 0; off < len; off += piece)
				pod_sha256_add(&c, buf + off, len - off < piece ? len - off : piece);
			pod_sha256_end(&c, md);
			assert_memory_equal(md, want, sizeof(md));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_json_print_line),
		cmocka_unit_test(test_json_pretty),
		cmocka_unit_test(test_record_reader_data),
		cmocka_unit_test(test_record_reader_long_line),
		cmocka_unit_test(test_record_reader_nul),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_path_join_in_root),
		cmocka_unit_test(test_openat_in_root),
		cmocka_unit_test(test_atomic_write_read),
		cmocka_unit_test(test_mkdir_rm_rf),
		cmocka_unit_test(test_rm_rf_mount_point),
		cmocka_unit_test(test_lock_contention),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_human_size),
		cmocka_unit_test(test_human_duration),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_log_level),
		cmocka_unit_test(test_log_format),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
