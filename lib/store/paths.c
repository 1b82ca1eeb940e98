/* paths.c - where the store lives */
#include "core/fs.h"
#include "store/store.h"

#include <errno.h>
#include <pwd.h>
#include <unistd.h>

static char *
absolute(const char *p, struct pod_err **err)
{
	char cwd[4096];

	if (p[0] == '/')
		return xstrdup(p);
	if (!getcwd(cwd, sizeof(cwd))) {
		pod_err_sys(err, "getting the current directory");
		return NULL;
	}
	return pod_path_join(cwd, p);
}

static char *
home_dir(struct pod_err **err)
{
	const char *h = getenv("HOME");
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (h && h[0] == '/')
		return xstrdup(h);
	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) != 0 || !res || !pw.pw_dir ||
	    pw.pw_dir[0] != '/') {
		pod_err_set(err, POD_E_GENERIC, 0, "cannot find the home directory of user %u",
			    (unsigned) geteuid());
		return NULL;
	}
	return xstrdup(pw.pw_dir);
}

/* 1 with *ret set from the option or the environment, 0 if neither is set */
static int
pick(const char *opt, const char *env, char **ret, struct pod_err **err)
{
	const char *e = getenv(env);
	const char *v = opt && *opt ? opt : e && *e ? e : NULL;

	if (!v)
		return 0;
	*ret = absolute(v, err);
	return *ret ? 1 : -1;
}

int
pod_paths_resolve(const char *root_opt, const char *runroot_opt, struct pod_paths *ret,
		  struct pod_err **err)
{
	cleanup_free char *root = NULL;
	cleanup_free char *runroot = NULL;
	bool rootless = geteuid() != 0;

	if (pick(root_opt, "POD_ROOT", &root, err) < 0)
		return -1;
	if (!root && !rootless) {
		root = xstrdup("/var/lib/podutils");
	} else if (!root) {
		const char *xdg = getenv("XDG_DATA_HOME");

		if (xdg && xdg[0] == '/') {
			root = pod_path_join(xdg, "podutils");
		} else {
			cleanup_free char *home = home_dir(err);

			if (!home)
				return -1;
			root = pod_path_join(home, ".local/share/podutils");
		}
	}
	if (pick(runroot_opt, "POD_RUNROOT", &runroot, err) < 0)
		return -1;
	if (!runroot && !rootless) {
		runroot = xstrdup("/run/podutils");
	} else if (!runroot) {
		const char *xdg = getenv("XDG_RUNTIME_DIR");

		if (xdg && xdg[0] == '/')
			runroot = pod_path_join(xdg, "podutils");
		else
			runroot = xasprintf("/tmp/podutils-%u", (unsigned) geteuid());
	}
	ret->root = TAKE_PTR(root);
	ret->runroot = TAKE_PTR(runroot);
	ret->rootless = rootless;
	return 0;
}

void
pod_paths_release(struct pod_paths *p)
{
	if (!p)
		return;
	free(p->root);
	free(p->runroot);
	p->root = NULL;
	p->runroot = NULL;
}
