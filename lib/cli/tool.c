/* tool.c - the frame every pod-* executable runs in */
#include "cli/tool.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#define G pod_globals_slots

static struct {
	bool help, version, help_man, completion_helper;
} F;

static const struct pod_opt frame_options[] = {
	POD_OPT_BOOL('h', "help", &F.help, "Help for this command"),
	{ POD_OPT_T_BOOL, 0, "version", NULL, &F.version, "Print version information", NULL,
	  POD_OPT_HIDDEN, NULL, NULL },
	{ POD_OPT_T_BOOL, 0, "help-man", NULL, &F.help_man, "Print the man page source", NULL,
	  POD_OPT_HIDDEN, NULL, NULL },
	{ POD_OPT_T_BOOL, 0, "completion-helper", NULL, &F.completion_helper,
	  "Print flags for shell completion", NULL, POD_OPT_HIDDEN, NULL, NULL },
	POD_OPT_END
};

int
pod_tool_exit_code(const struct pod_tool *tool, const struct pod_err *e)
{
	if (!e)
		return 0;
	if (tool && e->kind < POD_E__MAX && tool->exit_code[e->kind])
		return tool->exit_code[e->kind];
	if (e->kind == POD_E_NOTEXEC)
		return 126;
	if (e->kind == POD_E_NOCMD)
		return 127;
	return 125;
}

int
pod_print_line(const char *s, struct pod_err **err)
{
	if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		return pod_err_sys(err, "write /dev/stdout");
	return 0;
}

static void
env_default(char **slot, const char *name)
{
	const char *v = getenv(name);

	if (!*slot && v && *v)
		*slot = xstrdup(v);
}

static void
fix_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
	}
}

static const char *
prog_name(const struct pod_tool *tool)
{
	static char buf[256];

	if (G.dispatched)
		snprintf(buf, sizeof(buf), "podman %s", tool->verb);
	else
		snprintf(buf, sizeof(buf), "%s", tool->name);
	return buf;
}

static void
print_flag_table(FILE *f, const struct pod_opt *const *tables)
{
	size_t width = 0;

	for (size_t t = 0; tables[t]; t++)
		for (const struct pod_opt *o = tables[t]; o->type; o++) {
			cleanup_free char *s = NULL;
			if (o->flags & POD_OPT_HIDDEN)
				continue;
			s = pod_opt_synopsis(o);
			if (strlen(s) > width)
				width = strlen(s);
		}
	for (size_t t = 0; tables[t]; t++)
		for (const struct pod_opt *o = tables[t]; o->type; o++) {
			cleanup_free char *s = NULL;
			if (o->flags & POD_OPT_HIDDEN)
				continue;
			s = pod_opt_synopsis(o);
			fprintf(f, "  %-*s   %s\n", (int) width, s, o->help ? o->help : "");
		}
}

static void
print_indented(FILE *f, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchrnul(p, '\n');
		if (nl > p)
			fprintf(f, "  %.*s\n", (int) (nl - p), p);
		else
			fputc('\n', f);
		p = *nl ? nl + 1 : nl;
	}
}

static void
print_help(const struct pod_tool *tool)
{
	const struct pod_opt *tables[] = { tool->options, NULL };
	const char *prog = prog_name(tool);

	printf("%s\n\n", tool->summary);
	if (tool->description) {
		printf("Description:\n");
		print_indented(stdout, tool->description);
		printf("\n");
	}
	printf("Usage:\n  %s %s\n", prog, tool->usage ? tool->usage : "[options]");
	if (tool->subverbs) {
		size_t w = 0;
		printf("\nAvailable Commands:\n");
		for (const struct pod_subverb *s = tool->subverbs; s->name; s++)
			if (strlen(s->name) > w)
				w = strlen(s->name);
		for (const struct pod_subverb *s = tool->subverbs; s->name; s++)
			printf("  %-*s  %s\n", (int) w + 1, s->name, s->tool->summary);
	}
	if (tool->examples) {
		printf("\nExamples:\n");
		print_indented(stdout, tool->examples);
	}
	if (tool->options && tool->options->type) {
		printf("\nOptions:\n");
		print_flag_table(stdout, tables);
	}
	if (!G.dispatched) {
		const struct pod_opt *gt[] = { pod_global_options, NULL };
		printf("\nGlobal Options (also read from POD_ROOT, POD_RUNROOT, POD_LOG_LEVEL, ...):\n");
		print_flag_table(stdout, gt);
	}
}

static void
roff_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else if ((*s == '.' || *s == '\'') && (s == 0 || s[-1] == '\n'))
			fputs("\\&.", f);
		else
			fputc(*s, f);
	}
}

static void
print_man(const struct pod_tool *tool)
{
	FILE *f = stdout;
	const char *kinds[POD_E__MAX] = { 0 };

	(void) kinds;
	fprintf(f, ".TH %s 1 \"podutils %s\" \"podutils\" \"User Commands\"\n", tool->name,
		POD_VERSION);
	fprintf(f, ".SH NAME\n%s \\- ", tool->name);
	roff_escape(f, tool->summary);
	fprintf(f, "\n.SH SYNOPSIS\n.B %s\n", tool->name);
	roff_escape(f, tool->usage ? tool->usage : "[options]");
	fprintf(f, "\n.br\n.B podman %s\n", tool->verb);
	roff_escape(f, tool->usage ? tool->usage : "[options]");
	fprintf(f, "\n.SH DESCRIPTION\n");
	roff_escape(f, tool->description ? tool->description : tool->summary);
	fprintf(f, "\n.PP\nRun as \\fBpodman %s\\fR it prints what Podman prints; run as "
		   "\\fB%s\\fR it prints JSON records, one per line, for the next tool in a "
		   "pipeline.\n", tool->verb, tool->name);
	if (tool->flags & POD_TOOL_TARGETS)
		fprintf(f, "With no targets on the command line and standard input not a "
			   "terminal, targets are read from standard input: one JSON record "
			   "(its \\fBId\\fR) or one name per line.\n");
	if (tool->subverbs) {
		fprintf(f, ".SH COMMANDS\n");
		for (const struct pod_subverb *s = tool->subverbs; s->name; s++) {
			fprintf(f, ".TP\n.B %s\n", s->name);
			roff_escape(f, s->tool->summary);
			fputc('\n', f);
		}
	}
	fprintf(f, ".SH OPTIONS\n");
	for (const struct pod_opt *o = tool->options; o && o->type; o++) {
		cleanup_free char *s = NULL;
		if (o->flags & POD_OPT_HIDDEN)
			continue;
		s = pod_opt_synopsis(o);
		fprintf(f, ".TP\n.B ");
		roff_escape(f, s);
		fputc('\n', f);
		roff_escape(f, o->help ? o->help : "");
		fputc('\n', f);
	}
	fprintf(f, ".TP\n.B \\-h, \\-\\-help\nPrint help and exit.\n");
	fprintf(f, ".SH GLOBAL OPTIONS\nThe engine-wide options \\fB\\-\\-root\\fR, "
		   "\\fB\\-\\-runroot\\fR, \\fB\\-\\-storage\\-driver\\fR, \\fB\\-\\-log\\-level\\fR, "
		   "\\fB\\-\\-cgroup\\-manager\\fR, \\fB\\-\\-runtime\\fR and \\fB\\-\\-url\\fR are "
		   "accepted by every tool, and read from \\fBPOD_ROOT\\fR, \\fBPOD_RUNROOT\\fR, "
		   "\\fBPOD_STORAGE_DRIVER\\fR, \\fBPOD_LOG_LEVEL\\fR, \\fBPOD_CGROUP_MANAGER\\fR, "
		   "\\fBPOD_RUNTIME\\fR and \\fBPOD_URL\\fR when not given.\n");
	if (tool->examples) {
		fprintf(f, ".SH EXAMPLES\n.nf\n");
		roff_escape(f, tool->examples);
		fprintf(f, "\n.fi\n");
	}
	fprintf(f, ".SH EXIT STATUS\n");
	if (tool->exit_status_doc) {
		roff_escape(f, tool->exit_status_doc);
		fputc('\n', f);
	} else {
		fprintf(f, ".TP\n.B 0\nSuccess.\n.TP\n.B 125\nThe command failed: a bad flag, "
			   "a bad template, a missing object, or an engine error.\n");
	}
	fprintf(f, ".SH SEE ALSO\n\\fBpodman\\fR(1)\n");
}

static void
print_completion(const struct pod_tool *tool)
{
	/* one line per flag: long<TAB>short<TAB>arg<TAB>help; then sub-verbs */
	for (const struct pod_opt *o = tool->options; o && o->type; o++) {
		if (o->flags & POD_OPT_HIDDEN)
			continue;
		printf("flag\t--%s\t%s%c\t%s\t%s\n", o->long_name, o->short_name ? "-" : "",
		       o->short_name ? o->short_name : ' ',
		       (o->type == POD_OPT_T_BOOL || (o->flags & POD_OPT_OPTARG)) ? "" :
			       (o->argname ? o->argname : "value"),
		       o->help ? o->help : "");
	}
	printf("flag\t--help\t-h\t\tHelp for %s\n", tool->verb);
	for (const struct pod_subverb *s = tool->subverbs; s && s->name; s++)
		printf("verb\t%s\t\t\t%s\n", s->name, s->tool->summary);
}

static int
finish_stdout(const struct pod_tool *tool, int code)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		struct pod_err *e = NULL;
		pod_err_set(&e, POD_E_IO, errno, "write /dev/stdout: %s", pod_strerror(errno));
		pod_err_print(e);
		pod_err_free(&e);
		return code ? code : 125;
	}
	return code;
}

static int
report(struct pod_ctx *ctx, struct pod_err **err)
{
	int code = pod_tool_exit_code(ctx->tool, *err);

	pod_err_print(*err);
	pod_err_free(err);
	return code;
}

static int
run_targets(struct pod_ctx *ctx, struct pod_err **err)
{
	const struct pod_tool *tool = ctx->tool;
	int status = 0;

	if (ctx->args[0]) {
		for (size_t i = 0; ctx->args[i]; i++) {
			if (tool->each_target(ctx, ctx->args[i], err) < 0)
				status = report(ctx, err);
		}
		return status;
	}
	if (isatty(STDIN_FILENO)) {
		if (tool->min_args > 0)
			return pod_err_set(err, POD_E_INVALID, 0, "%s requires at least %d argument%s",
					   prog_name(tool), tool->min_args,
					   tool->min_args == 1 ? "" : "s"),
			       report(ctx, err);
		return 0;
	}
	struct pod_record_reader rr;
	pod_record_reader_init(&rr, stdin, "stdin");
	for (;;) {
		cleanup_free char *target = NULL;
		int r = pod_record_reader_next(&rr, tool->target_type, &target, err);
		if (r < 0) {
			status = report(ctx, err);
			break;
		}
		if (r == 0)
			break;
		if (tool->each_target(ctx, target, err) < 0)
			status = report(ctx, err);
	}
	pod_record_reader_release(&rr);
	return status;
}

static int
dispatch_subverb(const struct pod_tool *tool, int argc, char **argv)
{
	/* argv[0] is the tool, argv[1] the sub-verb */
	for (const struct pod_subverb *s = tool->subverbs; s->name; s++) {
		if (STREQ(argv[1], s->name) || (s->alias && STREQ(argv[1], s->alias)))
			return pod_tool_main(s->tool, argc - 1, argv + 1);
	}
	return -1;
}

int
pod_tool_main(const struct pod_tool *tool, int argc, char **argv)
{
	const struct pod_opt *tables[] = { tool->options, frame_options, pod_global_options,
					   NULL };
	struct pod_err *err = NULL;
	struct pod_ctx ctx = { .tool = tool };
	int code = 0;

	fix_std_fds();
	signal(SIGPIPE, SIG_DFL);
	setlocale(LC_CTYPE, "");

	G.dispatched = getenv("POD_DISPATCHED") != NULL;
	if (tool->subverbs && argc > 1 && argv[1][0] != '-') {
		int r = dispatch_subverb(tool, argc, argv);
		if (r >= 0)
			return r;
		fprintf(stderr, "Error: unrecognized command `%s %s`\nTry '%s --help' for more "
				"information\n", prog_name(tool), argv[1], prog_name(tool));
		return 125;
	}
	if (pod_opt_parse(tables, argc, argv,
			  (tool->flags & POD_TOOL_STOP_AT_ARG) ? POD_PARSE_STOP_AT_ARG : 0, &ctx.args,
			  &err) < 0) {
		fflush(stdout);
		fprintf(stderr, "Error: %s\nSee '%s --help'\n", err->msg, prog_name(tool));
		pod_err_free(&err);
		return 125;
	}
	if (F.version) {
		printf("%s version %s\n", tool->name, POD_VERSION);
		return finish_stdout(tool, 0);
	}
	if (F.help_man) {
		print_man(tool);
		return finish_stdout(tool, 0);
	}
	if (F.completion_helper) {
		print_completion(tool);
		return finish_stdout(tool, 0);
	}
	if (F.help || (tool->subverbs && !ctx.args[0] && !tool->run)) {
		print_help(tool);
		return finish_stdout(tool, 0);
	}

	env_default(&G.root, "POD_ROOT");
	env_default(&G.runroot, "POD_RUNROOT");
	env_default(&G.storage_driver, "POD_STORAGE_DRIVER");
	env_default(&G.log_level, "POD_LOG_LEVEL");
	env_default(&G.cgroup_manager, "POD_CGROUP_MANAGER");
	env_default(&G.runtime, "POD_RUNTIME");
	env_default(&G.url, "POD_URL");
	env_default(&G.events_backend, "POD_EVENTS_BACKEND");
	env_default(&G.tmpdir, "POD_TMPDIR");
	env_default(&G.hooks_dir, "POD_HOOKS_DIR");
	G.prog = prog_name(tool);
	ctx.g = G;
	if (G.log_level && pod_log_set_level(G.log_level, &err) < 0) {
		code = report(&ctx, &err);
		goto out;
	}

	size_t nargs = pod_strv_len(ctx.args);
	if ((tool->flags & POD_TOOL_NO_ARGS) && nargs > 0) {
		pod_err_set(&err, POD_E_INVALID, 0, "`%s` takes no arguments", G.prog);
		code = report(&ctx, &err);
		goto out;
	}
	if (!(tool->flags & POD_TOOL_TARGETS) && tool->min_args > 0 &&
	    nargs < (size_t) tool->min_args) {
		if (tool->min_args == tool->max_args)
			pod_err_set(&err, POD_E_INVALID, 0, "accepts %d arg(s), received %zu",
				    tool->min_args, nargs);
		else
			pod_err_set(&err, POD_E_INVALID, 0, "requires at least %d arg(s), only "
				    "received %zu", tool->min_args, nargs);
		code = report(&ctx, &err);
		goto out;
	}
	if (tool->max_args > 0 && nargs > (size_t) tool->max_args) {
		if (tool->min_args == tool->max_args)
			pod_err_set(&err, POD_E_INVALID, 0, "accepts %d arg(s), received %zu",
				    tool->max_args, nargs);
		else
			pod_err_set(&err, POD_E_INVALID, 0, "accepts at most %d arg(s), received %zu",
				    tool->max_args, nargs);
		code = report(&ctx, &err);
		goto out;
	}
	if (tool->setup && tool->setup(&ctx, &err) < 0) {
		code = report(&ctx, &err);
		goto out;
	}
	if (tool->flags & POD_TOOL_TARGETS)
		code = run_targets(&ctx, &err);
	else if (tool->run && tool->run(&ctx, &err) < 0)
		code = report(&ctx, &err);
	if (tool->finish && tool->finish(&ctx, &err) < 0) {
		int c = report(&ctx, &err);
		if (!code)
			code = c;
	}
	if (!code && ctx.status)
		code = ctx.status;
out:
	pod_strv_free(ctx.args);
	return finish_stdout(tool, code);
}

int
pod_tool_noun_usage(const struct pod_ctx *ctx, const struct pod_tool *tool, struct pod_err **err)
{
	cleanup_free char *name = ctx->g.dispatched ? xasprintf("podman %s", tool->verb) :
						      xstrdup(tool->name);
	size_t w = 0;

	printf("%s\n\nUsage:\n  %s COMMAND\n\nAvailable Commands:\n", tool->summary, name);
	for (const struct pod_subverb *sv = tool->subverbs; sv->name; sv++)
		if (strlen(sv->name) > w)
			w = strlen(sv->name);
	for (const struct pod_subverb *sv = tool->subverbs; sv->name; sv++)
		printf("  %-*s  %s\n", (int) w + 1, sv->name, sv->tool->summary);
	fflush(stdout);
	return pod_err_set(err, POD_E_INVALID, 0, "missing command '%s COMMAND'", name);
}
