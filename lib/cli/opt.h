/*
 * opt.h - option tables and a parser with Go pflag/cobra conventions.
 *
 * A tool declares a static table of struct pod_opt ending in POD_OPT_END.
 * Long options take "--name value" or "--name=value"; short ones "-n value",
 * "-nvalue", and bools combine ("-ai"). "--" ends options. Bools accept
 * "--flag=false". STRV options append every use into a NULL-terminated
 * vector owned by the parser's caller (free with pod_strv_free). Errors
 * read like Podman's: `unknown flag: --foo`.
 */
#ifndef POD_CLI_OPT_H
#define POD_CLI_OPT_H

#include "core/err.h"

enum pod_opt_type {
	POD_OPT_T_END = 0,
	POD_OPT_T_BOOL,
	POD_OPT_T_STRING,
	POD_OPT_T_INT,
	POD_OPT_T_UINT,
	POD_OPT_T_STRV,
	POD_OPT_T_CALLBACK,
};

enum pod_opt_flags {
	POD_OPT_HIDDEN = 1 << 0,   /* accepted, left out of --help and completions */
	POD_OPT_OPTARG = 1 << 1,   /* a long option whose value is optional (--flag[=v]) */
	POD_OPT_GLOBAL = 1 << 2,   /* one of the engine-wide options */
	POD_OPT_NOPTDEF = 1 << 3,  /* bool-like string: bare flag means `noptdef` */
};

struct pod_opt;
typedef int (*pod_opt_cb)(const struct pod_opt *o, const char *arg, struct pod_err **err);

struct pod_opt {
	enum pod_opt_type type;
	char short_name;	/* 0 when none */
	const char *long_name;
	const char *argname;	/* e.g. "SECONDS"; NULL for bools */
	void *ptr;		/* bool*, char**, int64_t*, char***, or cb data */
	const char *help;
	pod_opt_cb cb;
	unsigned flags;
	const char *noptdef;	/* value used for a bare OPTARG flag */
	bool *set;		/* optional: true once the user gave the flag */
};

#define POD_OPT_BOOL(s, l, p, h) { POD_OPT_T_BOOL, s, l, NULL, p, h, NULL, 0, NULL, NULL }
#define POD_OPT_STRING(s, l, a, p, h) { POD_OPT_T_STRING, s, l, a, p, h, NULL, 0, NULL, NULL }
#define POD_OPT_INT(s, l, a, p, h) { POD_OPT_T_INT, s, l, a, p, h, NULL, 0, NULL, NULL }
#define POD_OPT_UINT(s, l, a, p, h) { POD_OPT_T_UINT, s, l, a, p, h, NULL, 0, NULL, NULL }
#define POD_OPT_STRV(s, l, a, p, h) { POD_OPT_T_STRV, s, l, a, p, h, NULL, 0, NULL, NULL }
#define POD_OPT_CALLBACK(s, l, a, cbfn, data, h)                                                   \
	{ POD_OPT_T_CALLBACK, s, l, a, data, h, cbfn, 0, NULL, NULL }
#define POD_OPT_END { POD_OPT_T_END, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL }

enum pod_parse_flags {
	/* stop at the first positional argument (run IMAGE CMD..., exec CTR CMD...) */
	POD_PARSE_STOP_AT_ARG = 1 << 0,
};

/*
 * Parses argv[1..] against one or more tables (NULL-terminated array of
 * tables). Positional arguments are collected, in order, into *ret_args
 * (a NULL-terminated vector the caller frees with pod_strv_free).
 * help/version are not special here.
 */
int pod_opt_parse(const struct pod_opt *const *tables, int argc, char **argv, unsigned flags,
		  char ***ret_args, struct pod_err **err);

/* "-t, --time SECONDS" column text, for help and man pages */
char *pod_opt_synopsis(const struct pod_opt *o);

#endif
