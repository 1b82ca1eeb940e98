/* password.c - the terminal's password prompt (see password.h) */
#include "cli/password.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int
pod_cli_read_password(char **ret, struct pod_err **err)
{
	struct termios old, quiet;
	char buf[4096]; /* a fixed buffer: no copy of the secret is left by realloc */
	size_t n = 0;
	bool eof = false;
	int r = 0;

	if (tcgetattr(STDIN_FILENO, &old) < 0) {
		int e = errno;

		fputs("Password: ", stdout);
		fflush(stdout);
		return pod_err_set(err, POD_E_GENERIC, e, "%s", pod_strerror(e));
	}
	/* echo off before the prompt, keeping what was typed ahead (TCSANOW) */
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t) ECHO;
	(void) tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	fputs("Password: ", stdout);
	fflush(stdout);
	for (;;) {
		ssize_t k = read(STDIN_FILENO, buf + n, 1);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = pod_err_sys(err, "reading the password");
			break;
		}
		if (k == 0) {
			eof = n == 0;
			break;
		}
		if (buf[n] == '\n')
			break;
		if (++n >= sizeof(buf) - 1) {
			r = pod_err_set(err, POD_E_INVALID, 0, "password too long");
			break;
		}
	}
	(void) tcsetattr(STDIN_FILENO, TCSANOW, &old);
	fputs("\n", stdout);
	fflush(stdout);
	if (r == 0 && eof)
		r = pod_err_set(err, POD_E_INVALID, 0, "EOF");
	if (r == 0) {
		if (n && buf[n - 1] == '\r')
			n--;
		*ret = xstrndup(buf, n);
	}
	explicit_bzero(buf, sizeof(buf));
	return r;
}

/* Go's fmt.Scanln into one string: a line of stdin, its first word */
static char *
read_username(void)
{
	char buf[1024];
	size_t n = 0;
	const char *word;

	fputs("Username: ", stdout);
	fflush(stdout);
	for (;;) {
		ssize_t k = read(STDIN_FILENO, buf + n, 1);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || buf[n] == '\n')
			break;
		if (n + 1 < sizeof(buf))
			n++;
	}
	buf[n] = '\0';
	word = buf + strspn(buf, " \t\r");
	return xstrndup(word, strcspn(word, " \t\r"));
}

int
pod_cli_creds_ask(const char *creds, char **ret_creds, struct pod_err **err)
{
	cleanup_free char *user = NULL;
	cleanup_secret char *pass = NULL;
	const char *colon;

	/* Podman: an empty --creds is no --creds; USER:PASSWORD is used as is */
	if (!creds || !*creds) {
		*ret_creds = NULL;
		return 0;
	}
	colon = strchr(creds, ':');
	user = colon ? xstrndup(creds, (size_t) (colon - creds)) : xstrdup(creds);
	pass = xstrdup(colon ? colon + 1 : "");
	if (*user && *pass) {
		*ret_creds = NULL;
		return 0;
	}
	if (!*user) {
		free(user);
		user = read_username();
	}
	if (!*pass) {
		pod_cli_secret_freep(&pass);
		if (pod_cli_read_password(&pass, err) < 0)
			return pod_err_wrap(err, "could not read password from terminal");
	}
	*ret_creds = xasprintf("%s:%s", user, pass);
	return 0;
}

void
pod_cli_secret_freep(char **p)
{
	if (*p) {
		explicit_bzero(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
}
