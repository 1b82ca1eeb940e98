/*
 * pod-init - a container's pid 1 for --init: runs the command as its child,
 * forwards the signals it gets to it, reaps every zombie, and exits with the
 * command's status (128+N when signal N killed it). Bound into containers
 * at /run/podman-init; usage: pod-init -- COMMAND [ARG...].
 */
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"The container init (--init): reaps zombies and forwards signals\n\n"
	"Description:\n"
	"  Runs COMMAND as its child, forwards every signal it receives to it, reaps\n"
	"  every zombie and exits with COMMAND's status (128+N when signal N killed it).\n"
	"  The engine binds it into containers at /run/podman-init.\n\n"
	"Usage:\n  pod-init [--] COMMAND [ARG...]\n";

/* the frame's informational flags, without the library: this binary runs in containers */
static int
info(const char *flag)
{
	if (STREQ(flag, "--help") || STREQ(flag, "-h")) {
		fputs(usage, stdout);
	} else if (STREQ(flag, "--version")) {
		printf("pod-init version %s\n", POD_VERSION);
	} else if (STREQ(flag, "--help-man")) {
		printf(".TH pod-init 1 \"podutils %s\" \"podutils\" \"User Commands\"\n"
		       ".SH NAME\npod-init \\- the container init of \\fBpodman run \\-\\-init\\fR\n"
		       ".SH SYNOPSIS\n.B pod-init\n[\\-\\-] COMMAND [ARG...]\n"
		       ".SH DESCRIPTION\nRuns COMMAND as its child, forwards every signal it "
		       "receives to COMMAND's process group, reaps every zombie and exits with "
		       "COMMAND's status. The engine binds it into containers at "
		       "/run/podman-init.\n"
		       ".SH OPTIONS\n.TP\n.B \\-h, \\-\\-help\nPrint help and exit.\n"
		       ".SH EXIT STATUS\nCOMMAND's exit status, 128+N when signal N killed it; "
		       "125 when pod-init itself fails, 126 when COMMAND cannot be executed, 127 "
		       "when it is not found.\n.SH SEE ALSO\n\\fBpodman\\fR(1)\n", POD_VERSION);
	} else if (STREQ(flag, "--completion-helper")) {
		printf("flag\t--help\t-h\t\tHelp for pod-init\n");
	} else {
		fprintf(stderr, "Error: unknown flag: %s\nSee 'pod-init --help'\n", flag);
		return 125;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "Error: write /dev/stdout: %s\n", strerror(errno));
		return 125;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	sigset_t all, old;
	pid_t child;
	int first = 1;

	if (argc > 1 && STREQ(argv[1], "--"))
		first = 2;
	if (argc > 1 && first == 1 && argv[1][0] == '-')
		return info(argv[1]);
	if (first >= argc) {
		fprintf(stderr, "Error: pod-init needs a command\nSee 'pod-init --help'\n");
		return 125;
	}
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	/* reap orphans even when not pid 1 */
	(void) prctl(PR_SET_CHILD_SUBREAPER, 1);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "pod-init: fork: %s\n", strerror(errno));
		return 125;
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* a process group of its own so a terminal's ^C reaches it as usual */
		(void) setpgid(0, 0);
		if (isatty(STDIN_FILENO))
			(void) tcsetpgrp(STDIN_FILENO, getpid());
		execvp(argv[first], argv + first);
		fprintf(stderr, "pod-init: exec %s: %s\n", argv[first], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			return 125;
		}
		if (sig != SIGCHLD) {
			/* to the command's process group, as tini and catatonit do */
			if (kill(-child, sig) < 0)
				(void) kill(child, sig);
			continue;
		}
		for (;;) {
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);
			if (p <= 0)
				break;
			if (p == child)
				return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
	}
}
