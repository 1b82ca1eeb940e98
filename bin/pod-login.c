/* pod-login - log in to a registry (`podman login`) */
#include "cli/password.h"
#include "cli/tool.h"
#include "config/config.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "image/auth.h"
#include "image/regaccess.h"

#include <errno.h>
#include <unistd.h>

#define SECRET_MAX 65536

static struct {
	char *authfile;
	char *cert_dir;
	bool get_login;
	char *password;
	bool password_stdin;
	bool tls_verify;
	bool tls_verify_set;
	char *username;
	bool verbose;
} opt = { .tls_verify = true };

static const struct pod_opt options[] = {
	POD_OPT_STRING(0, "authfile", "string", &opt.authfile,
		       "path of the authentication file. Use REGISTRY_AUTH_FILE environment "
		       "variable to override"),
	POD_OPT_STRING(0, "cert-dir", "string", &opt.cert_dir,
		       "use certificates at the specified path to access the registry"),
	POD_OPT_BOOL(0, "get-login", &opt.get_login,
		     "Return the current login user for the registry"),
	POD_OPT_STRING('p', "password", "string", &opt.password, "Password for registry"),
	POD_OPT_BOOL(0, "password-stdin", &opt.password_stdin, "Take the password from stdin"),
	{ POD_OPT_T_BOOL, 0, "tls-verify", NULL, &opt.tls_verify,
	  "Require HTTPS and verify certificates when contacting registries", NULL, 0, NULL,
	  &opt.tls_verify_set },
	POD_OPT_STRING('u', "username", "string", &opt.username, "Username for registry"),
	POD_OPT_BOOL('v', "verbose", &opt.verbose,
		     "Write more detailed information to stdout"),
	POD_OPT_END
};

/* the auth-file key and the registry host of what the user typed */
static int
parse_key(struct pod_ctx *ctx, char **ret_key, char **ret_host, struct pod_err **err)
{
	const char *arg = ctx->args[0];
	cleanup_free char *key = NULL, *first = NULL;

	if (!arg) {
		cleanup_(pod_registries_freep) struct pod_registries *regs = NULL;

		if (pod_registries_load(&regs, err) < 0)
			return -1;
		if (!regs->search || !regs->search[0])
			return pod_err_set(err, POD_E_INVALID, 0,
					   "no registries found in registries.conf, a registry must "
					   "be provided");
		first = xstrdup(regs->search[0]);
		arg = first;
		key = pod_auth_normalize_key(arg);
	} else {
		if (pod_str_has_prefix(arg, "docker://"))
			arg += strlen("docker://");
		key = pod_auth_normalize_key(arg);
	}
	if (!*key || strpbrk(key, " \t\r\n@") || key[0] == '/')
		return pod_err_set(err, POD_E_INVALID, 0, "invalid registry \"%s\"", arg);
	*ret_host = xstrndup(key, strcspn(key, "/"));
	*ret_key = TAKE_PTR(key);
	return 0;
}

/* one line from fd without its line end; NULL at EOF before any byte */
static char *
read_line(int fd, bool *ret_eof, struct pod_err **err)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char ch;

	*ret_eof = false;
	for (;;) {
		ssize_t n = read(fd, &ch, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pod_strbuf_release(&sb);
			pod_err_sys(err, "reading");
			return NULL;
		}
		if (n == 0) {
			if (sb.len == 0) {
				*ret_eof = true;
				pod_strbuf_release(&sb);
				return NULL;
			}
			break;
		}
		if (ch == '\n')
			break;
		if (sb.len >= SECRET_MAX) {
			pod_strbuf_release(&sb);
			pod_err_set(err, POD_E_INVALID, 0, "line too long");
			return NULL;
		}
		pod_strbuf_addch(&sb, ch);
	}
	if (sb.len && sb.buf[sb.len - 1] == '\r')
		sb.buf[--sb.len] = '\0';
	return pod_strbuf_detach(&sb);
}

/* everything from fd (at most SECRET_MAX bytes), NUL-terminated */
static int
read_all(int fd, char **ret, size_t *ret_len, struct pod_err **err)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pod_strbuf_release(&sb);
			return pod_err_sys(err, "reading");
		}
		if (n == 0)
			break;
		if (sb.len + (size_t) n > SECRET_MAX) {
			pod_strbuf_release(&sb);
			return pod_err_set(err, POD_E_INVALID, 0, "input too long");
		}
		pod_strbuf_add(&sb, buf, (size_t) n);
	}
	*ret_len = sb.len;
	*ret = pod_strbuf_detach(&sb);
	return 0;
}

static int
print_result(struct pod_ctx *ctx, const char *path, const char *key, const char *user,
	     const char *text, struct pod_err **err)
{
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "Type", "login",
						     "Registry", key, "Username", user, "AuthFile",
						     path);

		return pod_json_print_line(stdout, rec, err);
	}
	if (opt.verbose)
		printf("Used: %s\n", path);
	return text ? pod_print_line(text, err) : 0;
}

/* asks the registry's /v2/ whether it takes user:pass */
static int
check(const char *host, const char *user, const char *pass, struct pod_err **err)
{
	cleanup_(pod_registry_client_freep) struct pod_registry_client *c = NULL;
	cleanup_free char *creds = xasprintf("%s:%s", user, pass);
	struct pod_regaccess_opts ra = { 0 };
	int r = 0;

	ra.creds = creds;
	ra.tls_verify = opt.tls_verify_set ? opt.tls_verify : -1;
	ra.cert_dir = opt.cert_dir;
	ra.no_auth_lookup = true;
	if (pod_regaccess_client(host, NULL, &ra, &c, err) < 0 || pod_registry_ping(c, err) < 0)
		r = pod_err_wrap(err, "authenticating creds for \"%s\"", host);
	else if (pod_registry_check_login(c, err) < 0)
		r = pod_err_wrap(err, "logging into \"%s\"", host);
	explicit_bzero(creds, strlen(creds));
	return r;
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_free char *key = NULL, *host = NULL, *path = NULL, *user = NULL, *pass = NULL;
	cleanup_free char *old_user = NULL, *old_pass = NULL;
	cleanup_strv char **paths = NULL;
	int found;

	if (opt.password_stdin && opt.password)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "Can't specify both --password-stdin and --password");
	if (opt.password_stdin && (!opt.username || !*opt.username))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "must provide --username with --password-stdin");
	if (parse_key(ctx, &key, &host, err) < 0)
		return -1;
	path = opt.authfile && *opt.authfile ? xstrdup(opt.authfile) : pod_config_auth_write_path();
	/* stored credentials may come from any auth file unless one is named */
	if (opt.authfile && *opt.authfile) {
		paths = xcalloc(2, sizeof(char *));
		paths[0] = xstrdup(path);
	} else {
		paths = pod_config_auth_paths();
	}
	found = pod_auth_lookup(paths, key, &old_user, &old_pass, err);
	if (found < 0)
		return -1;
	if (opt.get_login) {
		if (found == 0)
			return pod_err_set(err, POD_E_GENERIC, 0, "not logged into %s", key);
		return pod_print_line(old_user, err);
	}

	if (!opt.username && !opt.password && !opt.password_stdin && found) {
		/* no new credentials: the stored ones may still be good */
		struct pod_err *e = NULL;

		if (ctx->g.dispatched)
			printf("Authenticating with existing credentials for %s\n", key);
		if (check(host, old_user, old_pass, &e) == 0) {
			if (!ctx->g.dispatched)
				return print_result(ctx, path, key, old_user, NULL, err);
			printf("Existing credentials are valid. Already logged in to %s\n", host);
			return 0;
		}
		if (ctx->g.dispatched)
			puts("Existing credentials are invalid, please enter valid username and "
			     "password");
		pod_err_free(&e);
	}
	if (opt.username && *opt.username) {
		user = xstrdup(opt.username);
	} else {
		bool eof = false;

		if (found)
			printf("Username (%s): ", old_user);
		else
			fputs("Username: ", stdout);
		fflush(stdout);
		user = read_line(STDIN_FILENO, &eof, err);
		if (!user) {
			if (eof)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "getting username and password: reading "
						   "username: EOF");
			return -1;
		}
		if (!*user && found) {
			free(user);
			user = xstrdup(old_user);
		}
	}
	if (!pass) {
		if (opt.password) {
			pass = xstrdup(opt.password);
		} else if (opt.password_stdin) {
			/* all of stdin, less one trailing newline, as Podman reads it */
			size_t len = 0;

			if (read_all(STDIN_FILENO, &pass, &len, err) < 0)
				return pod_err_wrap(err, "reading the password from stdin");
			if (len && pass[len - 1] == '\n')
				pass[--len] = '\0';
			if (memchr(pass, '\0', len))
				return pod_err_set(err, POD_E_INVALID, 0,
						   "the password must not contain NUL bytes");
		} else if (pod_cli_read_password(&pass, err) < 0) {
			/* the prompt pull and push --creds USER use too */
			return pod_err_wrap(err, "getting username and password: reading password");
		}
	}
	if (!*user || !*pass)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "getting username and password: username and password "
				   "must not be empty");
	if (strchr(user, ':'))
		return pod_err_set(err, POD_E_INVALID, 0, "username must not contain \":\"");

	if (check(host, user, pass, err) < 0)
		return -1;
	if (pod_auth_store(path, key, user, pass, err) < 0)
		return -1;
	explicit_bzero(pass, strlen(pass));
	return print_result(ctx, path, key, user, "Login Succeeded!", err);
}

static const struct pod_tool tool = {
	.name = "pod-login",
	.verb = "login",
	.summary = "Log in to a container registry",
	.description =
		"Logs in to REGISTRY (HOST[:PORT], or HOST/NAMESPACE[/REPO] for credentials of "
		"one repository; default: the first unqualified-search registry): the "
		"credentials are checked against the registry's /v2/ endpoint and only then "
		"stored in the auth file (--authfile, else $REGISTRY_AUTH_FILE, else "
		"${XDG_RUNTIME_DIR}/containers/auth.json, else /run/containers/UID/auth.json), "
		"which is replaced atomically with mode 0600. Without --username the name is read "
		"from stdin; without --password or --password-stdin the password is read from the "
		"terminal. With neither and stored credentials, the stored ones are checked.\n\n"
		"Run as `podman login` it prints \"Login Succeeded!\"; as pod-login, a record with "
		"the Registry key, the Username and the AuthFile written.",
	.usage = "[options] [REGISTRY]",
	.examples = "podman login quay.io\n"
		    "podman login --username USER --password-stdin registry.example.com < pw.txt\n"
		    "podman login --tls-verify=false -u USER -p PASS 127.0.0.1:5000\n"
		    "podman login --get-login quay.io",
	.options = options,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
