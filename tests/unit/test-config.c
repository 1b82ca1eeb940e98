/*
 * test-config.c - containers.conf / registries.conf / storage.conf loading:
 * precedence, drop-in order and merging, v1 vs v2, prefix lookup, type
 * errors, defaults and file paths. Each test builds its own tree under a
 * temporary directory and points struct pod_config_dirs and the env at it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

static char tmpdir[64];
static char share[128], etc[128], home[128];
static struct pod_config_dirs dirs;

static const char *const env_vars[] = {
	"CONTAINERS_CONF",	 "CONTAINERS_CONF_OVERRIDE", "CONTAINERS_REGISTRIES_CONF",
	"CONTAINERS_STORAGE_CONF", "XDG_CONFIG_HOME",	     "XDG_DATA_HOME",
	"XDG_RUNTIME_DIR",	 "REGISTRY_AUTH_FILE",	     "DOCKER_CONFIG",
};

static void
mkdir_p(const char *path)
{
	char buf[512];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", path);
	for (i = 1; buf[i]; i++) {
		if (buf[i] == '/') {
			buf[i] = '\0';
			(void) mkdir(buf, 0755);
			buf[i] = '/';
		}
	}
	(void) mkdir(buf, 0755);
}

/* writes BASE/REL, creating directories */
static void
put(const char *base, const char *rel, const char *content)
{
	cleanup_free char *p = xasprintf("%s/%s", base, rel);
	char *slash = strrchr(p, '/');
	int fd;

	*slash = '\0';
	mkdir_p(p);
	*slash = '/';
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t) strlen(content));
	close(fd);
}

static int
setup(void **state)
{
	size_t i;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-config-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(share, sizeof(share), "%s/usr/share/containers", tmpdir);
	snprintf(etc, sizeof(etc), "%s/etc/containers", tmpdir);
	snprintf(home, sizeof(home), "%s/home", tmpdir);
	mkdir_p(share);
	mkdir_p(etc);
	mkdir_p(home);
	for (i = 0; i < ARRAY_SIZE(env_vars); i++)
		unsetenv(env_vars[i]);
	setenv("HOME", home, 1);
	dirs = (struct pod_config_dirs){
		.share_dir = share, .etc_dir = etc, .home = home, .rootless = false
	};
	return 0;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void) st, (void) flag, (void) ftw;
	return remove(p);
}

static int
teardown(void **state)
{
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ---- containers.conf ---- */

static void
test_defaults(void **state)
{
	cleanup_(pod_config_freep) struct pod_config *c = NULL;
	struct pod_err *err = NULL;
	static const char *const caps[] = { "CHOWN",   "DAC_OVERRIDE",	   "FOWNER", "FSETID",
					    "KILL",    "NET_BIND_SERVICE", "SETFCAP", "SETGID",
					    "SETPCAP", "SETUID",	   "SYS_CHROOT" };
	size_t i;

	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), 0);
	assert_int_equal(pod_strv_len(c->files), 0);
	assert_int_equal(pod_strv_len(c->default_capabilities), 11);
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		assert_string_equal(c->default_capabilities[i], caps[i]);
	assert_int_equal(c->pids_limit, 2048);
	assert_string_equal(c->shm_size, "65536k");
	assert_int_equal(c->shm_size_bytes, 64 << 20);
	assert_int_equal(pod_strv_len(c->default_ulimits), 0);
	assert_string_equal(c->default_sysctls[0], "net.ipv4.ping_group_range=0 0");
	assert_string_equal(c->runtime, "crun");
	assert_string_equal(c->log_driver, "k8s-file");
	assert_int_equal(c->log_size_max, -1);
	assert_int_equal(c->stop_timeout, 10);
	assert_string_equal(c->default_network, "podman");
	assert_string_equal(c->default_subnet, "10.88.0.0/16");
	assert_int_equal(c->n_default_subnet_pools, 5);
	assert_string_equal(c->default_subnet_pools[0].base, "10.89.0.0/16");
	assert_int_equal(c->default_subnet_pools[0].size, 24);
	assert_string_equal(c->umask, "0022");
	assert_string_equal(c->cgroup_manager, "systemd");
	assert_string_equal(c->tmp_dir, "/run/libpod");
	assert_string_equal(c->network_config_dir, "/etc/containers/networks");
	assert_true(c->label);
	assert_false(c->init);
	assert_int_equal(c->num_locks, 2048);
	assert_string_equal(c->image_default_transport, "docker://");
	assert_non_null(pod_config_runtime_paths(c, "crun"));
	assert_string_equal(pod_config_runtime_paths(c, "crun")[0], "/usr/bin/crun");
	assert_non_null(pod_config_runtime_paths(c, "runc"));
	assert_null(pod_config_runtime_paths(c, "kata"));
	assert_string_equal(c->env[1], "TERM=xterm");
}

static void
test_conf_precedence(void **state)
{
	cleanup_(pod_config_freep) struct pod_config *c = NULL;
	struct pod_err *err = NULL;

	put(share, "containers.conf",
	    "[containers]\npids_limit = 100\nlog_driver = \"journald\"\ntz = \"share\"\n"
	    "[engine]\nruntime = \"runc\"\n[engine.runtimes]\nkrun = [\"/usr/bin/krun\"]\n");
	put(etc, "containers.conf", "[containers]\npids_limit = 200\n");
	/* created out of order: the loader sorts */
	put(etc, "containers.conf.d/20-b.conf", "[containers]\npids_limit = 400\n");
	put(etc, "containers.conf.d/10-a.conf",
	    "[containers]\npids_limit = 300\ntz = \"a\"\n[engine.runtimes]\n"
	    "crun = [\"/opt/crun\"]\n");
	put(etc, "containers.conf.d/30-c.txt", "[containers]\npids_limit = 999\n");
	put(etc, "containers.conf.d/40-dir.conf/x.conf", "[containers]\npids_limit = 998\n");
	put(home, ".config/containers/containers.conf", "[containers]\npids_limit = 500\n");

	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), 0);
	assert_int_equal(c->pids_limit, 400);
	assert_string_equal(c->tz, "a");
	assert_string_equal(c->log_driver, "journald");
	assert_string_equal(c->runtime, "runc");
	/* runtimes merge by name */
	assert_string_equal(pod_config_runtime_paths(c, "crun")[0], "/opt/crun");
	assert_string_equal(pod_config_runtime_paths(c, "krun")[0], "/usr/bin/krun");
	assert_non_null(pod_config_runtime_paths(c, "runc"));
	assert_int_equal(pod_strv_len(c->files), 4);
	assert_true(pod_str_has_suffix(c->files[0], "/usr/share/containers/containers.conf"));
	assert_true(pod_str_has_suffix(c->files[1], "/etc/containers/containers.conf"));
	assert_true(pod_str_has_suffix(c->files[2], "/10-a.conf"));
	assert_true(pod_str_has_suffix(c->files[3], "/20-b.conf"));
	c = pod_config_free(c);

	/* rootless also reads the user's file and its .d, last */
	put(home, ".config/containers/containers.conf.d/1.conf", "[containers]\ntz = \"user\"\n");
	dirs.rootless = true;
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), 0);
	assert_int_equal(c->pids_limit, 500);
	assert_string_equal(c->tz, "user");
	assert_int_equal(pod_strv_len(c->files), 6);
	c = pod_config_free(c);

	/* XDG_CONFIG_HOME moves the user's files */
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), 0);
	assert_int_equal(c->pids_limit, 400);
	c = pod_config_free(c);
	unsetenv("XDG_CONFIG_HOME");
}

static void
test_conf_env(void **state)
{
	cleanup_(pod_config_freep) struct pod_config *c = NULL;
	struct pod_err *err = NULL;
	cleanup_free char *only = xasprintf("%s/only.conf", tmpdir);
	cleanup_free char *over = xasprintf("%s/override.conf", tmpdir);
	cleanup_free char *want = NULL;

	put(etc, "containers.conf", "[containers]\npids_limit = 200\ntz = \"etc\"\n");
	put(tmpdir, "only.conf", "[containers]\npids_limit = 7\n");
	put(tmpdir, "override.conf", "[engine]\nstop_timeout = 3\n[containers]\npids_limit = 8\n");

	setenv("CONTAINERS_CONF", only, 1);
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), 0);
	assert_int_equal(c->pids_limit, 7);
	assert_string_equal(c->tz, ""); /* /etc was not read */
	assert_int_equal(pod_strv_len(c->files), 1);
	c = pod_config_free(c);

	setenv("CONTAINERS_CONF_OVERRIDE", over, 1);
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), 0);
	assert_int_equal(c->pids_limit, 8);
	assert_int_equal(c->stop_timeout, 3);
	c = pod_config_free(c);

	unsetenv("CONTAINERS_CONF");
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), 0);
	assert_int_equal(c->pids_limit, 8);
	assert_string_equal(c->tz, "etc");
	c = pod_config_free(c);
	unsetenv("CONTAINERS_CONF_OVERRIDE");

	setenv("CONTAINERS_CONF", "/nonexistent/x.conf", 1);
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), -1);
	assert_null(c);
	assert_string_equal(err->msg,
			    "CONTAINERS_CONF file: stat /nonexistent/x.conf: no such file or directory");
	pod_err_free(&err);
	unsetenv("CONTAINERS_CONF");
	(void) want;
}

struct conf_err_case {
	const char *content;
	const char *msg; /* after "decode configuration FILE: " or "FILE:" for syntax */
};

static void
test_conf_errors(void **state)
{
	static const struct conf_err_case cases[] = {
		{ "[containers]\npids_limit = \"2048\"\n",
		  "key \"containers.pids_limit\": incompatible types: TOML value has type string; "
		  "destination has type integer" },
		{ "[containers]\ndefault_capabilities = \"CHOWN\"\n",
		  "key \"containers.default_capabilities\": incompatible types: TOML value has type "
		  "string; destination has type array of strings" },
		{ "[containers]\nenv = [\"A=1\", 2]\n",
		  "key \"containers.env\": incompatible types: TOML value has type integer; "
		  "destination has type string" },
		{ "[engine]\nruntime = true\n",
		  "key \"engine.runtime\": incompatible types: TOML value has type boolean; "
		  "destination has type string" },
		{ "[containers]\ninit = 1\n",
		  "key \"containers.init\": incompatible types: TOML value has type integer; "
		  "destination has type boolean" },
		{ "containers = 5\n",
		  "key \"containers\": incompatible types: TOML value has type integer; destination "
		  "has type table" },
		{ "[engine]\nruntimes = [\"crun\"]\n",
		  "key \"engine.runtimes\": incompatible types: TOML value has type array; "
		  "destination has type table" },
		{ "[engine.runtimes]\ncrun = \"/usr/bin/crun\"\n",
		  "key \"engine.runtimes.crun\": incompatible types: TOML value has type string; "
		  "destination has type array of strings" },
		{ "[network]\ndefault_subnet_pools = [{base = \"10.0.0.0/8\", size = \"24\"}]\n",
		  "key \"network.default_subnet_pools.size\": incompatible types: TOML value has type "
		  "string; destination has type integer" },
		{ "[containers]\nshm_size = \"lots\"\n",
		  "key \"containers.shm_size\": invalid size \"lots\"" },
		{ "[containers]\numask = \"0999\"\n",
		  "key \"containers.umask\": invalid umask \"0999\"" },
		{ "[engine]\ncgroup_manager = \"upstart\"\n",
		  "key \"engine.cgroup_manager\": invalid cgroup manager \"upstart\"" },
	};
	cleanup_free char *path = xasprintf("%s/etc/containers/containers.conf", tmpdir);
	struct pod_config *c = NULL;
	struct pod_err *err = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *want =
			xasprintf("decode configuration %s: %s", path, cases[i].msg);

		put(etc, "containers.conf", cases[i].content);
		assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), -1);
		assert_null(c);
		assert_int_equal(err->kind, POD_E_INVALID);
		assert_string_equal(err->msg, want);
		pod_err_free(&err);
	}

	/* syntax errors name FILE:LINE:COL */
	put(etc, "containers.conf", "[containers]\npids_limit = 1\nfoo bar\n");
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), -1);
	{
		cleanup_free char *want = xasprintf("%s:3:5: expected \"=\" after key", path);
		assert_string_equal(err->msg, want);
	}
	pod_err_free(&err);

	/* unknown keys and sections are ignored; good sizes parse */
	put(etc, "containers.conf",
	    "[containers]\nno_such_key = [1, 2]\nshm_size = \"1g\"\n[machine]\ncpus = 2\n"
	    "[engine]\nfuture = {a = 1}\n");
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), 0);
	assert_int_equal(c->shm_size_bytes, (int64_t) 1 << 30);
	c = pod_config_free(c);

	/* an unreadable path (a directory) is an error naming it */
	(void) unlink(path);
	mkdir_p(path);
	assert_int_equal(pod_config_load_dirs(&dirs, &c, &err), -1);
	{
		cleanup_free char *want = xasprintf("reading %s: is a directory", path);
		assert_string_equal(err->msg, want);
	}
	pod_err_free(&err);
	(void) rmdir(path);
}

static void
test_parse_size(void **state)
{
	int64_t v = 0;

	assert_int_equal(pod_config_parse_size("64m", &v), 0);
	assert_int_equal(v, 64 << 20);
	assert_int_equal(pod_config_parse_size("65536k", &v), 0);
	assert_int_equal(v, 64 << 20);
	assert_int_equal(pod_config_parse_size("1024", &v), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(pod_config_parse_size("1.5G", &v), 0);
	assert_int_equal(v, (int64_t) 3 << 29);
	assert_int_equal(pod_config_parse_size("2mb", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(pod_config_parse_size("", &v), -1);
	assert_int_equal(pod_config_parse_size("-1m", &v), -1);
	assert_int_equal(pod_config_parse_size("10x", &v), -1);
	assert_int_equal(pod_config_parse_size("10mm", &v), -1);
}

/* ---- registries.conf ---- */

static const char v2_conf[] =
	"unqualified-search-registries = [\"registry.fedoraproject.org\", \"docker.io\"]\n"
	"short-name-mode = \"enforcing\"\n"
	"[[registry]]\n"
	"prefix = \"example.com/foo\"\n"
	"location = \"internal.example.com/bar/\"\n"
	"insecure = true\n"
	"[[registry.mirror]]\n"
	"location = \"mirror-0.local/foo\"\n"
	"[[registry.mirror]]\n"
	"location = \"mirror-1.local/foo\"\n"
	"insecure = true\n"
	"[[registry]]\n"
	"location = \"example.com\"\n"
	"mirror-by-digest-only = true\n"
	"[[registry]]\n"
	"prefix = \"*.blocked.org\"\n"
	"blocked = true\n"
	"[[registry]]\n"
	"location = \"localhost:5000\"\n"
	"insecure = true\n"
	"[aliases]\n"
	"\"fedora\" = \"registry.fedoraproject.org/fedora\"\n"
	"\"alpine\" = \"docker.io/alpine\"\n";

static void
test_registries_v2(void **state)
{
	cleanup_(pod_registries_freep) struct pod_registries *r = NULL;
	struct pod_err *err = NULL;
	const struct pod_registry *reg;

	put(etc, "registries.conf", v2_conf);
	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), 0);
	assert_int_equal(pod_strv_len(r->search), 2);
	assert_string_equal(r->search[1], "docker.io");
	assert_int_equal(r->short_name_mode, POD_SHORT_NAME_ENFORCING);
	assert_int_equal(r->n_registries, 4);
	/* sorted by prefix */
	assert_string_equal(r->registries[0].prefix, "*.blocked.org");
	assert_string_equal(r->registries[1].prefix, "example.com");
	assert_string_equal(r->registries[2].prefix, "example.com/foo");
	assert_string_equal(r->registries[3].prefix, "localhost:5000");
	assert_string_equal(r->registries[0].location, "");
	assert_string_equal(r->credential_helpers[0], "containers-auth.json");

	reg = pod_registries_find(r, "example.com/foo/bar:latest");
	assert_non_null(reg);
	assert_string_equal(reg->location, "internal.example.com/bar"); /* trailing / dropped */
	assert_true(reg->insecure);
	assert_int_equal(reg->n_mirrors, 2);
	assert_string_equal(reg->mirrors[0].location, "mirror-0.local/foo");
	assert_false(reg->mirrors[0].insecure);
	assert_true(reg->mirrors[1].insecure);
	assert_ptr_equal(pod_registries_find(r, "example.com/foo"), reg);
	assert_ptr_equal(pod_registries_find(r, "example.com/foo@sha256:abc"), reg);

	/* "example.com/foobar" is not under "example.com/foo": falls back to example.com */
	reg = pod_registries_find(r, "example.com/foobar");
	assert_non_null(reg);
	assert_string_equal(reg->prefix, "example.com");
	assert_true(reg->mirror_by_digest_only);
	assert_string_equal(pod_registries_find(r, "example.com")->prefix, "example.com");
	assert_null(pod_registries_find(r, "example.community/x"));
	assert_null(pod_registries_find(r, "docker.io/library/busybox"));
	assert_string_equal(pod_registries_find(r, "localhost:5000/img:1")->prefix,
			    "localhost:5000");

	/* wildcard subdomains */
	reg = pod_registries_find(r, "a.blocked.org/img");
	assert_non_null(reg);
	assert_true(reg->blocked);
	assert_non_null(pod_registries_find(r, "x.y.blocked.org:5000/img"));
	assert_non_null(pod_registries_find(r, "a.blocked.org"));
	assert_null(pod_registries_find(r, "blocked.org/img"));
	assert_null(pod_registries_find(r, "a.blocked.organic/img"));
	/* the wildcard only looks at the host part */
	assert_string_equal(pod_registries_find(r, "example.com/a.blocked.org")->prefix,
			    "example.com");
	assert_null(pod_registries_find(r, "quay.io/a.blocked.org/x"));

	assert_string_equal(pod_registries_alias(r, "fedora"), "registry.fedoraproject.org/fedora");
	assert_string_equal(pod_registries_alias(r, "alpine"), "docker.io/library/alpine");
	assert_null(pod_registries_alias(r, "ubuntu"));
}

static void
test_registries_v1(void **state)
{
	cleanup_(pod_registries_freep) struct pod_registries *r = NULL;
	struct pod_err *err = NULL;
	cleanup_free char *path = xasprintf("%s/registries.conf", etc);
	cleanup_free char *want = NULL;
	const struct pod_registry *reg;

	put(etc, "registries.conf",
	    "[registries.search]\nregistries = ['docker.io', 'quay.io']\n"
	    "[registries.insecure]\nregistries = ['localhost:5000', 'both.example.com']\n"
	    "[registries.block]\nregistries = ['bad.example.com', 'both.example.com/']\n");
	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), 0);
	assert_int_equal(pod_strv_len(r->search), 2);
	assert_string_equal(r->search[0], "docker.io");
	assert_int_equal(r->n_registries, 3);
	reg = pod_registries_find(r, "both.example.com/x");
	assert_non_null(reg);
	assert_true(reg->blocked);
	assert_true(reg->insecure);
	assert_true(pod_registries_find(r, "localhost:5000/x")->insecure);
	assert_false(pod_registries_find(r, "localhost:5000/x")->blocked);
	assert_true(pod_registries_find(r, "bad.example.com/x")->blocked);
	r = pod_registries_free(r);

	/* mixing formats in one file */
	put(etc, "registries.conf",
	    "unqualified-search-registries = ['docker.io']\n"
	    "[registries.search]\nregistries = ['quay.io']\n");
	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), -1);
	want = xasprintf("loading registries configuration \"%s\": mixing sysregistry v1/v2 is "
			 "not supported",
			 path);
	assert_string_equal(err->msg, want);
	pod_err_free(&err);

	/* v1 in a drop-in */
	put(etc, "registries.conf", "unqualified-search-registries = ['docker.io']\n");
	put(etc, "registries.conf.d/a.conf", "[registries.block]\nregistries = ['x.io']\n");
	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), -1);
	free(want);
	want = xasprintf("loading registries configuration \"%s/registries.conf.d/a.conf\": "
			 "registry must be in v2 format but is in v1",
			 etc);
	assert_string_equal(err->msg, want);
	pod_err_free(&err);
}

static void
test_registries_dropins(void **state)
{
	cleanup_(pod_registries_freep) struct pod_registries *r = NULL;
	struct pod_err *err = NULL;
	const struct pod_registry *reg;

	put(etc, "registries.conf", v2_conf);
	put(etc, "registries.conf.d/20-second.conf",
	    "unqualified-search-registries = ['quay.io']\n"
	    "[[registry]]\nlocation = 'example.com'\nblocked = true\n"
	    "[aliases]\n'alpine' = ''\n'busybox' = 'docker.io/library/busybox'\n");
	put(etc, "registries.conf.d/10-first.conf",
	    "unqualified-search-registries = ['first.io']\nshort-name-mode = 'disabled'\n"
	    "[aliases]\n'fedora' = 'quay.io/fedora/fedora'\n");
	put(etc, "registries.conf.d/30-dir.conf/skip.conf", "short-name-mode = 'bogus'\n");
	put(home, ".config/containers/registries.conf.d/99-user.conf",
	    "[[registry]]\nprefix = 'new.io'\nlocation = 'mirror.new.io'\n");

	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), 0);
	assert_int_equal(pod_strv_len(r->files), 4);
	assert_true(pod_str_has_suffix(r->files[1], "/10-first.conf"));
	assert_true(pod_str_has_suffix(r->files[3], "/99-user.conf"));
	assert_int_equal(pod_strv_len(r->search), 1);
	assert_string_equal(r->search[0], "quay.io");
	assert_int_equal(r->short_name_mode, POD_SHORT_NAME_DISABLED);
	/* same prefix: the later entry replaces the whole earlier one */
	reg = pod_registries_find(r, "example.com/x");
	assert_string_equal(reg->prefix, "example.com");
	assert_true(reg->blocked);
	assert_false(reg->mirror_by_digest_only);
	assert_int_equal(r->n_registries, 5);
	assert_string_equal(pod_registries_find(r, "new.io/x")->location, "mirror.new.io");
	/* aliases merge key by key; "" removes */
	assert_string_equal(pod_registries_alias(r, "fedora"), "quay.io/fedora/fedora");
	assert_null(pod_registries_alias(r, "alpine"));
	assert_string_equal(pod_registries_alias(r, "busybox"), "docker.io/library/busybox");
	r = pod_registries_free(r);

	/* the user's registries.conf replaces /etc's, and only the user's .d is read */
	put(home, ".config/containers/registries.conf", "unqualified-search-registries = ['u.io']\n");
	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), 0);
	assert_int_equal(pod_strv_len(r->files), 2);
	assert_string_equal(r->search[0], "u.io");
	assert_int_equal(r->n_registries, 1);
	assert_int_equal(r->short_name_mode, POD_SHORT_NAME_PERMISSIVE);
	r = pod_registries_free(r);

	/* CONTAINERS_REGISTRIES_CONF replaces the main file; both .d dirs still apply */
	put(tmpdir, "env.conf", "unqualified-search-registries = ['env.io']\n");
	{
		cleanup_free char *p = xasprintf("%s/env.conf", tmpdir);
		setenv("CONTAINERS_REGISTRIES_CONF", p, 1);
	}
	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), 0);
	assert_int_equal(pod_strv_len(r->files), 4);
	assert_true(pod_str_has_suffix(r->files[0], "/env.conf"));
	assert_string_equal(r->search[0], "quay.io");
	unsetenv("CONTAINERS_REGISTRIES_CONF");
}

static void
test_registries_errors(void **state)
{
	static const struct conf_err_case cases[] = {
		{ "unqualified-search-registries = 'docker.io'\n",
		  "key \"unqualified-search-registries\": incompatible types: TOML value has type "
		  "string; destination has type array of strings" },
		{ "[registry]\nlocation = 'a.io'\n",
		  "key \"registry\": incompatible types: TOML value has type table; destination has "
		  "type array of tables" },
		{ "[[registry]]\nlocation = 'a.io'\ninsecure = 'yes'\n",
		  "key \"registry.insecure\": incompatible types: TOML value has type string; "
		  "destination has type boolean" },
		{ "[[registry]]\nlocation = 'a.io'\n[[registry.mirror]]\nlocation = 5\n",
		  "key \"registry.mirror.location\": incompatible types: TOML value has type integer; "
		  "destination has type string" },
		{ "[[registry]]\ninsecure = true\n",
		  "invalid condition: both location and prefix are unset" },
		{ "[[registry]]\nprefix = 'a.io'\n",
		  "invalid condition: location is unset and prefix is not in the format: "
		  "*.example.com" },
		{ "[[registry]]\nlocation = 'https://a.io'\n",
		  "invalid location 'https://a.io': URI schemes are not supported" },
		{ "[[registry]]\nprefix = 'a.*.io'\nlocation = 'b.io'\n",
		  "invalid prefix 'a.*.io': wildcards are only supported at the beginning, as in "
		  "*.example.com" },
		{ "[[registry]]\nlocation = 'a.io'\n[[registry.mirror]]\ninsecure = true\n",
		  "invalid condition: mirror location is unset" },
		{ "[[registry]]\nlocation = 'a.io'\ninsecure = true\n"
		  "[[registry]]\nprefix = 'a.io/x'\nlocation = 'a.io'\n",
		  "registry 'a.io' is defined multiple times with conflicting 'insecure' setting" },
		{ "short-name-mode = 'strict'\n", "invalid short name mode \"strict\"" },
		{ "unqualified-search-registries = ['docker.io/library']\n",
		  "Invalid unqualified-search-registries entry \"docker.io/library\"" },
		{ "[aliases]\n'quay.io/foo' = 'quay.io/foo/bar'\n",
		  "invalid short name \"quay.io/foo\": must not contain registry" },
		{ "[aliases]\n'foo:1' = 'quay.io/foo/bar'\n",
		  "invalid short name \"foo:1\": must not contain tag" },
		{ "[aliases]\n'foo' = 'foo/bar'\n",
		  "invalid alias \"foo/bar\": must contain registry and repository" },
		{ "[aliases]\n'foo' = 'quay.io/foo:latest'\n",
		  "invalid alias \"quay.io/foo:latest\": must not contain tag" },
		{ "[aliases]\nfoo = 1\n",
		  "key \"aliases.foo\": incompatible types: TOML value has type integer; destination "
		  "has type string" },
	};
	cleanup_free char *path = xasprintf("%s/registries.conf", etc);
	struct pod_registries *r = NULL;
	struct pod_err *err = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *want = xasprintf("loading registries configuration \"%s\": %s",
						    path, cases[i].msg);

		put(etc, "registries.conf", cases[i].content);
		assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), -1);
		assert_null(r);
		if (strcmp(err->msg, want) != 0)
			fail_msg("case %zu: got \"%s\"", i, err->msg);
		pod_err_free(&err);
	}
	put(etc, "registries.conf", "[aliases]\n\"fedora\" \"registry.fedoraproject.org/fedora\"\n");
	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), -1);
	{
		cleanup_free char *want = xasprintf("%s:2:10: expected \"=\" after key", path);
		assert_string_equal(err->msg, want);
	}
	pod_err_free(&err);

	/* no files at all is fine */
	(void) unlink(path);
	assert_int_equal(pod_registries_load_dirs(&dirs, &r, &err), 0);
	assert_int_equal(r->n_registries, 0);
	assert_int_equal(pod_strv_len(r->search), 0);
	assert_int_equal(pod_strv_len(r->files), 0);
	r = pod_registries_free(r);
}

/* ---- storage.conf and paths ---- */

static void
test_storage(void **state)
{
	cleanup_(pod_storage_conf_freep) struct pod_storage_conf *s = NULL;
	struct pod_err *err = NULL;
	cleanup_free char *p = NULL;

	/* nothing anywhere: share_dir's path, built-in roots */
	p = pod_storage_conf_path(&dirs);
	assert_true(pod_str_has_suffix(p, "/usr/share/containers/storage.conf"));
	assert_int_equal(pod_storage_conf_load_dirs(&dirs, &s, &err), 0);
	assert_null(s->file);
	assert_string_equal(s->graphroot, "/var/lib/containers/storage");
	assert_string_equal(s->runroot, "/run/containers/storage");
	assert_string_equal(s->driver, "");
	s = pod_storage_conf_free(s);

	put(share, "storage.conf", "[storage]\ndriver = 'vfs'\n");
	put(etc, "storage.conf",
	    "[storage]\ndriver = 'overlay'\ngraphroot = '/srv/g'\nrunroot = '/srv/r'\n"
	    "rootless_storage_path = '$HOME/st'\n[storage.options]\nmount_program = '/old'\n"
	    "[storage.options.overlay]\nmountopt = 'nodev'\nmount_program = "
	    "'/usr/bin/fuse-overlayfs'\n[storage.options.thinpool]\n");
	assert_int_equal(pod_storage_conf_load_dirs(&dirs, &s, &err), 0);
	assert_true(pod_str_has_suffix(s->file, "/etc/containers/storage.conf"));
	assert_string_equal(s->driver, "overlay");
	assert_string_equal(s->graphroot, "/srv/g");
	assert_string_equal(s->runroot, "/srv/r");
	assert_string_equal(s->overlay_mountopt, "nodev");
	assert_string_equal(s->overlay_mount_program, "/usr/bin/fuse-overlayfs");
	s = pod_storage_conf_free(s);

	/* rootless with only the system file: rootless_storage_path, XDG_RUNTIME_DIR */
	dirs.rootless = true;
	setenv("XDG_RUNTIME_DIR", "/run/user/1234", 1);
	assert_int_equal(pod_storage_conf_load_dirs(&dirs, &s, &err), 0);
	{
		cleanup_free char *want = xasprintf("%s/st", home);
		assert_string_equal(s->graphroot, want);
	}
	assert_string_equal(s->runroot, "/run/user/1234/containers");
	s = pod_storage_conf_free(s);

	/* rootless user file wins */
	put(home, ".config/containers/storage.conf", "[storage]\ngraphroot = '/u/g'\n");
	assert_int_equal(pod_storage_conf_load_dirs(&dirs, &s, &err), 0);
	assert_string_equal(s->graphroot, "/u/g");
	assert_string_equal(s->driver, "");
	s = pod_storage_conf_free(s);
	unsetenv("XDG_RUNTIME_DIR");

	/* CONTAINERS_STORAGE_CONF first */
	put(tmpdir, "s.conf", "[storage]\ndriver = 5\n");
	free(p);
	p = xasprintf("%s/s.conf", tmpdir);
	setenv("CONTAINERS_STORAGE_CONF", p, 1);
	assert_int_equal(pod_storage_conf_load_dirs(&dirs, &s, &err), -1);
	{
		cleanup_free char *want = xasprintf(
			"decode storage configuration %s: key \"storage.driver\": incompatible "
			"types: TOML value has type integer; destination has type string",
			p);
		assert_string_equal(err->msg, want);
	}
	pod_err_free(&err);
	unsetenv("CONTAINERS_STORAGE_CONF");
}

static void
test_paths(void **state)
{
	cleanup_strv char **auth = NULL;
	cleanup_free char *policy = NULL, *w = NULL, *want = NULL;

	policy = pod_config_policy_path_dirs(&dirs);
	want = xasprintf("%s/policy.json", etc);
	assert_string_equal(policy, want);
	free(policy);
	free(want);
	put(home, ".config/containers/policy.json", "{}");
	policy = pod_config_policy_path_dirs(&dirs);
	want = xasprintf("%s/.config/containers/policy.json", home);
	assert_string_equal(policy, want);
	free(want);

	setenv("XDG_RUNTIME_DIR", "/run/user/77", 1);
	auth = pod_config_auth_paths();
	assert_int_equal(pod_strv_len(auth), 4);
	assert_string_equal(auth[0], "/run/user/77/containers/auth.json");
	want = xasprintf("%s/.config/containers/auth.json", home);
	assert_string_equal(auth[1], want);
	free(want);
	want = xasprintf("%s/.docker/config.json", home);
	assert_string_equal(auth[2], want);
	free(want);
	want = xasprintf("%s/.dockercfg", home);
	assert_string_equal(auth[3], want);
	free(want);
	want = NULL;
	pod_strv_free(auth);
	w = pod_config_auth_write_path();
	assert_string_equal(w, "/run/user/77/containers/auth.json");
	free(w);

	unsetenv("XDG_RUNTIME_DIR");
	auth = pod_config_auth_paths();
	want = xasprintf("/run/containers/%u/auth.json", (unsigned) getuid());
	assert_string_equal(auth[0], want);
	pod_strv_free(auth);

	setenv("REGISTRY_AUTH_FILE", "/tmp/my-auth.json", 1);
	setenv("DOCKER_CONFIG", "/tmp/dockercfg", 1);
	setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
	auth = pod_config_auth_paths();
	assert_string_equal(auth[0], "/tmp/my-auth.json");
	assert_string_equal(auth[1], "/tmp/xdg/containers/auth.json");
	assert_string_equal(auth[2], "/tmp/dockercfg/config.json");
	w = pod_config_auth_write_path();
	assert_string_equal(w, "/tmp/my-auth.json");
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_errors, setup, teardown),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test_setup_teardown(test_registries_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registries_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registries_dropins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registries_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_storage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
