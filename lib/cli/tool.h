/*
 * tool.h - the frame every pod-* executable runs in.
 *
 * A tool is a static struct pod_tool; main() is one call to
 * pod_tool_main(), which: fixes fds 0-2 and SIGPIPE, reads POD_* from the
 * environment, parses options (the tool's table plus the global ones),
 * answers --help, --version, --help-man and --completion-helper before any
 * config or store work, then either calls .run with the positional
 * arguments or, for POD_TOOL_TARGETS tools, calls .each_target once per
 * target (from argv, else from stdin records when stdin is not a
 * terminal). Each failure prints one "Error: ..." line. The exit code comes
 * from the error kind via .exit_code (0 entries mean the default: 125,
 * 126 for POD_E_NOTEXEC, 127 for POD_E_NOCMD). Standard output is checked at
 * exit: a write error is an engine error.
 */
#ifndef POD_CLI_TOOL_H
#define POD_CLI_TOOL_H

#include "cli/opt.h"

enum pod_tool_flags {
	POD_TOOL_TARGETS = 1 << 0,	/* takes targets; reads stdin records if none given */
	POD_TOOL_STOP_AT_ARG = 1 << 1,	/* options end at the first positional */
	POD_TOOL_NO_ARGS = 1 << 2,	/* takes no positional arguments */
	POD_TOOL_SUBVERBS = 1 << 3,	/* first positional is a sub-verb (see .subverbs) */
};

/* The engine-wide options, set from the environment and the global flags. */
struct pod_globals {
	char *root;		/* --root / POD_ROOT */
	char *runroot;		/* --runroot / POD_RUNROOT */
	char *storage_driver;	/* --storage-driver / POD_STORAGE_DRIVER */
	char *log_level;	/* --log-level / POD_LOG_LEVEL */
	char *cgroup_manager;	/* --cgroup-manager / POD_CGROUP_MANAGER */
	char *runtime;		/* --runtime / POD_RUNTIME */
	char *url;		/* --url / POD_URL (remote) */
	char *events_backend;	/* --events-backend / POD_EVENTS_BACKEND */
	char *tmpdir;		/* --tmpdir / POD_TMPDIR */
	char *hooks_dir;	/* --hooks-dir / POD_HOOKS_DIR */
	bool remote;		/* --remote / POD_REMOTE */
	bool dispatched;	/* POD_DISPATCHED: run by the podman dispatcher */
	const char *prog;	/* "podman rm" when dispatched, else "pod-rm" */
};

struct pod_tool;

struct pod_ctx {
	const struct pod_tool *tool;
	struct pod_globals g;
	char **args;		/* positional arguments */
	int status;		/* exit code so far (each_target failures) */
	void *data;		/* the tool's own */
};

struct pod_subverb {
	const char *name;
	const char *alias;		/* e.g. "ls" for "list"; NULL when none */
	const struct pod_tool *tool;
};

struct pod_tool {
	const char *name;	/* executable name: "pod-rm" */
	const char *verb;	/* podman verb path: "rm", "volume create" */
	const char *summary;	/* one line */
	const char *description;/* paragraph(s) for --help and the man page */
	const char *usage;	/* "[options] CONTAINER [CONTAINER...]" */
	const char *examples;	/* lines, '\n'-separated */
	const struct pod_opt *options;
	unsigned flags;
	int min_args, max_args;	/* max_args < 0: unlimited */
	const char *target_type;/* for stdin records: "container", "image", ... */
	int (*setup)(struct pod_ctx *ctx, struct pod_err **err);
	int (*run)(struct pod_ctx *ctx, struct pod_err **err);
	int (*each_target)(struct pod_ctx *ctx, const char *target, struct pod_err **err);
	int (*finish)(struct pod_ctx *ctx, struct pod_err **err);
	const struct pod_subverb *subverbs;	/* NULL-name terminated */
	int exit_code[POD_E__MAX];
	const char *exit_status_doc;	/* EXIT STATUS section; NULL: the default text */
};

int pod_tool_main(const struct pod_tool *tool, int argc, char **argv);

/*
 * A noun tool run without a sub-verb (`podman volume`): its summary and
 * sub-verbs on stdout, then Podman's "missing command" error.
 */
int pod_tool_noun_usage(const struct pod_ctx *ctx, const struct pod_tool *tool,
			struct pod_err **err);

/* exit code for an error under a tool's table */
int pod_tool_exit_code(const struct pod_tool *tool, const struct pod_err *e);

/* the option table shared by every tool (global engine options), and the
 * values it parses into */
extern const struct pod_opt pod_global_options[];
extern struct pod_globals pod_globals_slots;

/* prints a line to stdout; write errors become POD_E_IO */
int pod_print_line(const char *s, struct pod_err **err);

#endif
