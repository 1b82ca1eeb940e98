/*
 * pod-infra - the pod's infra process (Podman's pause/catatonit -P): holds
 * the pod's namespaces open while its members come and go. It sleeps
 * (sigsuspend), reaps any child that ends up with it, and exits 0 on SIGTERM
 * or SIGINT. Linked statically: it is the only file of the local
 * localhost/podman-pause image.
 */
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"The pod infra process: holds a pod's namespaces\n\n"
	"Description:\n"
	"  Sleeps until SIGTERM or SIGINT (then exits 0), reaping every child that is\n"
	"  left to it. It is the entrypoint of the local localhost/podman-pause image\n"
	"  that `podman pod create` builds and runs as the pod's infra container.\n\n"
	"Usage:\n  pod-infra\n";

/* the frame's informational flags, without the library: this binary runs in containers */
static int
info(const char *flag)
{
	if (STREQ(flag, "--help") || STREQ(flag, "-h")) {
		fputs(usage, stdout);
	} else if (STREQ(flag, "--version")) {
		printf("pod-infra version %s\n", POD_VERSION);
	} else if (STREQ(flag, "--help-man")) {
		printf(".TH pod-infra 1 \"podutils %s\" \"podutils\" \"User Commands\"\n"
		       ".SH NAME\npod-infra \\- the infra process of a pod\n"
		       ".SH SYNOPSIS\n.B pod-infra\n"
		       ".SH DESCRIPTION\nSleeps until SIGTERM or SIGINT, reaping every child "
		       "that is left to it. It is the entrypoint of the local "
		       "localhost/podman-pause image that \\fBpodman pod create\\fR builds from "
		       "this binary and runs as the pod's infra container, which holds the "
		       "namespaces the pod's containers share.\n"
		       ".SH OPTIONS\n.TP\n.B \\-h, \\-\\-help\nPrint help and exit.\n"
		       ".SH EXIT STATUS\n0 after SIGTERM or SIGINT; 125 for a bad argument.\n"
		       ".SH SEE ALSO\n\\fBpod-pod\\fR(1), \\fBpodman\\fR(1)\n", POD_VERSION);
	} else if (STREQ(flag, "--completion-helper")) {
		printf("flag\t--help\t-h\t\tHelp for pod-infra\n");
	} else {
		fprintf(stderr, "Error: unknown flag: %s\nSee 'pod-infra --help'\n", flag);
		return 125;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "Error: write /dev/stdout: %s\n", strerror(errno));
		return 125;
	}
	return 0;
}

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	(void) sig;
	stop = 1;
}

static void
on_child(int sig)
{
	int saved = errno;

	(void) sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

int
main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	sigset_t handled, none;

	if (argc > 1)
		return info(argv[1]);
	/* reap orphans even when not pid 1 (shared pid namespace) */
	(void) prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	/* the signals stay blocked except inside sigsuspend: none is lost between the
	 * check and the sleep */
	sigemptyset(&handled);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGCHLD);
	sigprocmask(SIG_SETMASK, &handled, NULL);
	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);
	return 0;
}
