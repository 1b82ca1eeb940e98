/* test-volume.c - lib/store/volume: names, options, users, mount options, copy-up, JSON */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/util.h"
#include "store/store.h"
#include "store/volume.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct fixture {
	char *tmp;
	struct pod_paths paths;
	struct pod_store *s;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct pod_err *e = NULL;

	f->tmp = xstrdup("/tmp/test-volume-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	f->paths.root = pod_path_join(f->tmp, "root");
	f->paths.runroot = pod_path_join(f->tmp, "run");
	if (pod_store_open(&f->paths, 0, &f->s, &e) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct pod_err *e = NULL;

	pod_store_close(f->s);
	pod_rm_rf(f->tmp, &e);
	pod_err_free(&e);
	pod_paths_release(&f->paths);
	free(f->tmp);
	free(f);
	return 0;
}

static struct pod_volume *
create_ok(struct fixture *f, const struct pod_volume_opts *o)
{
	struct pod_volume *v = NULL;
	struct pod_err *e = NULL;

	if (pod_volume_create(f->s, o, &v, &e) < 0)
		fail_msg("create: %s", e->msg);
	return v;
}

static void
test_names(void **state)
{
	static const char *const good[] = { "a", "A9", "0", "a_b.c-d", "x..", NULL };
	static const char *const bad[] = { "", "_a", ".a", "-a", "a/b", "a b", "a:b", "ä", NULL };

	(void) state;
	for (size_t i = 0; good[i]; i++)
		assert_true(pod_volume_name_valid(good[i]));
	for (size_t i = 0; bad[i]; i++)
		assert_false(pod_volume_name_valid(bad[i]));
}

static void
test_create_errors(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		const char *opt;
		const char *label;
		enum pod_err_kind kind;
		const char *msg;
	} cases[] = {
		{ "_x", NULL, NULL, POD_E_INVALID,
		  "running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
		  "invalid argument" },
		{ "v", "foo=bar", NULL, POD_E_INVALID,
		  "invalid mount option foo for driver 'local': invalid argument" },
		{ "v", "o=uid=x", NULL, POD_E_INVALID,
		  "cannot convert UID x to integer: strconv.Atoi: parsing \"x\": invalid syntax" },
		{ "v", "o=gid", NULL, POD_E_INVALID, "gid option must provide a GID: invalid argument" },
		{ "v", "o=size=1m", NULL, POD_E_INVALID,
		  "volume options size and inodes not supported. Filesystem does not support "
		  "Project Quota" },
		{ "v", NULL, "=x", POD_E_INVALID,
		  "unable to process labels: invalid label format: \"=x\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *opts[] = { (char *) cases[i].opt, NULL };
		char *labels[] = { (char *) cases[i].label, NULL };
		struct pod_volume_opts o = { .name = cases[i].name, .options = opts,
					     .labels = labels };
		struct pod_volume *v = NULL;
		struct pod_err *e = NULL;

		assert_int_equal(pod_volume_create(f->s, &o, &v, &e), -1);
		assert_null(v);
		assert_int_equal(e->kind, cases[i].kind);
		assert_string_equal(e->msg, cases[i].msg);
		pod_err_free(&e);
		/* nothing left behind */
		assert_int_equal(pod_volume_exists(f->s, cases[i].name, &e), 0);
	}
}

static void
test_create_exists_ignore(void **state)
{
	struct fixture *f = *state;
	struct pod_volume_opts o = { .name = "data" };
	cleanup_volume struct pod_volume *a = create_ok(f, &o);
	cleanup_volume struct pod_volume *b = NULL;
	struct pod_err *e = NULL;

	assert_int_equal(pod_volume_create(f->s, &o, &b, &e), -1);
	assert_int_equal(e->kind, POD_E_EXISTS);
	assert_string_equal(e->msg, "volume with name data already exists: volume already exists");
	pod_err_free(&e);
	o.ignore_exists = true;
	b = create_ok(f, &o);
	assert_string_equal(b->name, "data");
	assert_int_equal(b->created, a->created);
}

static void
test_anonymous_and_options(void **state)
{
	struct fixture *f = *state;
	char *opts[] = { "type=tmpfs", "device=tmpfs", "o=size=1m,uid=1000,noquota,nodev", NULL };
	char *labels[] = { "a=b", "c", "a=d", NULL };
	struct pod_volume_opts o = { .anonymous = true, .options = opts, .labels = labels };
	cleanup_volume struct pod_volume *v = create_ok(f, &o);
	cleanup_volume struct pod_volume *again = NULL;
	struct pod_err *e = NULL;
	struct stat st;

	assert_true(pod_id_is_full(v->name));
	assert_int_equal(pod_volume_get(f->s, v->name, &again, &e), 0);
	assert_true(again->anonymous);
	assert_true(again->has_uid);
	assert_int_equal(again->uid, 1000);
	assert_false(again->has_gid);
	assert_false(again->needs_chown);
	assert_true(again->needs_copy_up);
	assert_true(pod_volume_needs_mount(again));
	assert_string_equal(json_string_value(json_object_get(again->options, "o")),
			    "size=1m,uid=1000,nodev");
	assert_string_equal(json_string_value(json_object_get(again->options, "NOQUOTA")),
			    "true");
	assert_string_equal(json_string_value(json_object_get(again->labels, "a")), "d");
	assert_string_equal(json_string_value(json_object_get(again->labels, "c")), "");
	assert_int_equal(stat(again->mountpoint, &st), 0);
	assert_int_equal(st.st_uid, 1000);

	cleanup_json json_t *j = pod_volume_inspect_json(again);
	cleanup_free char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	/* Podman's key order; Options sorted like a Go map; zero fields omitted */
	assert_non_null(strstr(text, "\"Scope\":\"local\",\"Options\":{\"NOQUOTA\":\"true\","
				     "\"UID\":\"1000\",\"device\":\"tmpfs\",\"o\":"));
	assert_non_null(strstr(text, "\"UID\":1000,\"Anonymous\":true,\"MountCount\":0,"
				     "\"NeedsCopyUp\":true}"));
	assert_null(strstr(text, "\"GID\":"));
	assert_null(strstr(text, "NeedsChown"));
}

static void
test_users_and_remove(void **state)
{
	struct fixture *f = *state;
	struct pod_volume_opts o = { .name = "shared" };
	cleanup_volume struct pod_volume *v = create_ok(f, &o);
	cleanup_strv char **users = NULL;
	struct pod_err *e = NULL;
	char id1[POD_ID_LEN + 1], id2[POD_ID_LEN + 1];
	cleanup_free char *dir = pod_path_join(f->paths.root, "volumes/shared");

	assert_false(v->anonymous);
	pod_id_new(id1);
	pod_id_new(id2);
	/* users added before the container rows, in one transaction: checked at commit */
	assert_int_equal(pod_store_begin(f->s, true, &e), 0);
	assert_int_equal(pod_volume_add_user(f->s, "shared", id1, &e), 0);
	assert_int_equal(pod_volume_add_user(f->s, "shared", id1, &e), 0);
	assert_int_equal(pod_volume_add_user(f->s, "shared", id2, &e), 0);
	cleanup_free char *sql = xasprintf("INSERT INTO containers (id, name) VALUES ('%s', 'c1'),"
					   " ('%s', 'c2')",
					   id1, id2);
	assert_int_equal(pod_store_exec(f->s, sql, &e), 0);
	assert_int_equal(pod_store_commit(f->s, &e), 0);

	/* a user that is no container fails at commit */
	assert_int_equal(pod_store_begin(f->s, true, &e), 0);
	assert_int_equal(pod_volume_add_user(f->s, "shared", "nope", &e), 0);
	assert_int_equal(pod_store_commit(f->s, &e), -1);
	pod_err_free(&e);
	pod_store_rollback(f->s);

	assert_int_equal(pod_volume_users(f->s, "shared", &users, &e), 0);
	assert_int_equal(pod_strv_len(users), 2);

	assert_int_equal(pod_volume_remove(f->s, "shared", 0, &e), -1);
	assert_int_equal(e->kind, POD_E_INUSE);
	const char *first = strcmp(id1, id2) < 0 ? id1 : id2, *second = first == id1 ? id2 : id1;
	cleanup_free char *want = xasprintf("volume shared is being used by the following "
					    "container(s): %s, %s: volume is being used",
					    first, second);
	assert_string_equal(e->msg, want);
	pod_err_free(&e);

	/* removing a container drops its use */
	cleanup_free char *del = xasprintf("DELETE FROM containers WHERE id = '%s'", id1);
	assert_int_equal(pod_store_exec(f->s, del, &e), 0);
	assert_int_equal(pod_volume_remove_user(f->s, "shared", id2, &e), 0);
	assert_int_equal(pod_volume_remove(f->s, "shared", 0, &e), 0);
	assert_int_equal(access(dir, F_OK), -1);

	assert_int_equal(pod_volume_remove(f->s, "shared", 0, &e), -1);
	assert_int_equal(e->kind, POD_E_NOTFOUND);
	assert_string_equal(e->msg, "no volume with name \"shared\" found: no such volume");
	pod_err_free(&e);
}

static void
test_mount_options(void **state)
{
	static const struct {
		const char *in;
		unsigned long flags;
		const char *data;
	} ok[] = {
		{ "size=1m,uid=1000,nodev,ro", MS_NODEV | MS_RDONLY, "size=1m,uid=1000" },
		{ "ro,rw,noexec,x-systemd.foo,defaults,_netdev", MS_NOEXEC, "" },
		{ "nosuid,suid,bind", MS_BIND, "" },
		{ "rbind,mode=0755,,", MS_BIND | MS_REC, "mode=0755" },
		{ "", 0, "" },
		{ NULL, 0, "" },
	};
	static const char *const bad[] = { "shared", "ro,rprivate", "remount" };

	(void) state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		cleanup_free char *data = NULL;
		unsigned long flags = 99;
		struct pod_err *e = NULL;

		assert_int_equal(pod_volume_parse_mount_options(ok[i].in, &flags, &data, &e), 0);
		assert_int_equal(flags, ok[i].flags);
		assert_string_equal(data, ok[i].data);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *data = NULL;
		unsigned long flags = 0;
		struct pod_err *e = NULL;

		assert_int_equal(pod_volume_parse_mount_options(bad[i], &flags, &data, &e), -1);
		assert_int_equal(e->kind, POD_E_INVALID);
		pod_err_free(&e);
	}
}

static void
write_file(const char *path, const char *text, mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	assert_int_equal(fchown(fd, uid, gid), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
test_copy_up(void **state)
{
	struct fixture *f = *state;
	struct pod_volume_opts o = { .name = "cu" };
	cleanup_volume struct pod_volume *v = create_ok(f, &o);
	cleanup_volume struct pod_volume *v2 = NULL;
	cleanup_free char *rootfs = pod_path_join(f->tmp, "rootfs");
	cleanup_free char *p = NULL;
	struct pod_err *e = NULL;
	struct stat st, st2;
	char buf[64];
	ssize_t n;

	/* rootfs/srv/app: a tree with owners, modes, a symlink and a hard link */
	p = xasprintf("%s/srv/app/sub", rootfs);
	assert_int_equal(pod_mkdir_p(p, 0755, &e), 0);
	free(p);
	p = xasprintf("%s/srv/app", rootfs);
	assert_int_equal(chown(p, 33, 33), 0);
	assert_int_equal(chmod(p, 0750), 0);
	free(p);
	p = xasprintf("%s/srv/app/sub", rootfs);
	assert_int_equal(chown(p, 1000, 1001), 0);
	assert_int_equal(chmod(p, 02711), 0);
	free(p);
	p = xasprintf("%s/srv/app/sub/conf", rootfs);
	write_file(p, "hello", 04640, 7, 8);
	free(p);
	p = xasprintf("%s/srv/app/link", rootfs);
	assert_int_equal(symlink("sub/conf", p), 0);
	assert_int_equal(lchown(p, 5, 6), 0);
	free(p);
	p = xasprintf("%s/srv/app/sub/conf", rootfs);
	cleanup_free char *hl = xasprintf("%s/srv/app/hard", rootfs);
	assert_int_equal(link(p, hl), 0);
	free(p);
	/* an escaping symlink resolves inside the rootfs, where nothing is */
	p = xasprintf("%s/evil", rootfs);
	assert_int_equal(symlink("/../../../../etc", p), 0);
	free(p);
	p = NULL;

	assert_int_equal(pod_volume_copy_up(f->s, v, rootfs, "/evil", &e), 0);
	assert_false(v->needs_copy_up);
	/* only the first user copies */
	v->needs_copy_up = true;
	assert_int_equal(pod_volume_copy_up(f->s, v, rootfs, "/srv/app", &e), 0);

	assert_int_equal(pod_volume_get(f->s, "cu", &v2, &e), 0);
	assert_false(v2->needs_copy_up);
	assert_false(v2->needs_chown);
	assert_int_equal(stat(v->mountpoint, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(st.st_uid, 33);
	p = pod_path_join(v->mountpoint, "sub");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 02711);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1001);
	free(p);
	p = pod_path_join(v->mountpoint, "sub/conf");
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 04640);
	assert_int_equal(st.st_uid, 7);
	assert_int_equal(st.st_nlink, 2);
	free(p);
	p = pod_path_join(v->mountpoint, "hard");
	assert_int_equal(lstat(p, &st2), 0);
	assert_int_equal(st2.st_ino, st.st_ino);
	free(p);
	p = pod_path_join(v->mountpoint, "link");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(st.st_uid, 5);
	n = readlink(p, buf, sizeof(buf) - 1);
	assert_int_equal(n, 8);
	buf[n] = '\0';
	assert_string_equal(buf, "sub/conf");
	free(p);

	/* a second copy-up into a non-empty volume changes nothing */
	v2->needs_copy_up = true;
	p = pod_path_join(v->mountpoint, "sub/conf");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(pod_volume_copy_up(f->s, v2, rootfs, "/srv/app", &e), 0);
	assert_int_equal(access(p, F_OK), -1);
	free(p);
	p = NULL;
}

static void
test_chown_once(void **state)
{
	struct fixture *f = *state;
	struct pod_volume_opts o = { .name = "ch" };
	cleanup_volume struct pod_volume *v = create_ok(f, &o);
	struct pod_err *e = NULL;
	struct stat st;

	assert_true(v->needs_chown);
	assert_int_equal(pod_volume_chown(f->s, v, 42, 43, &e), 0);
	assert_int_equal(pod_volume_chown(f->s, v, 1, 1, &e), 0);
	assert_int_equal(stat(v->mountpoint, &st), 0);
	assert_int_equal(st.st_uid, 42);
	assert_int_equal(st.st_gid, 43);
}

static void
test_times(void **state)
{
	(void) state;
	setenv("TZ", "UTC", 1);
	tzset();
	cleanup_free char *a = pod_volume_time_rfc3339(1700000000123456700LL);
	cleanup_free char *b = pod_volume_time_rfc3339(1700000000000000000LL);
	cleanup_free char *c = pod_volume_time_go(1700000000123000000LL);
	assert_string_equal(a, "2023-11-14T22:13:20.1234567Z");
	assert_string_equal(b, "2023-11-14T22:13:20Z");
	assert_string_equal(c, "2023-11-14 22:13:20.123 +0000 UTC");
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	cleanup_free char *d = pod_volume_time_rfc3339(1700000000000000000LL);
	assert_string_equal(d, "2023-11-14T23:13:20+01:00");
	unsetenv("TZ");
	tzset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_exists_ignore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anonymous_and_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_and_remove, setup, teardown),
		cmocka_unit_test(test_mount_options),
		cmocka_unit_test_setup_teardown(test_copy_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chown_once, setup, teardown),
		cmocka_unit_test(test_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
