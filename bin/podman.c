/*
 * podman - the dispatcher: `podman VERB ARGS` runs the pod-* tool for VERB.
 *
 * Global options before the verb are parsed here once and handed to the
 * tool through the environment (POD_ROOT, POD_RUNROOT, ...); the tool
 * itself accepts them after the verb too. Tools are found beside this
 * executable, then in the libexec directory, then on PATH.
 */
#include "cli/tool.h"
#include "core/fs.h"
#include "core/strbuf.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>

enum entry_kind { E_VERB, E_ALIAS, E_GROUP, E_HELPER };
struct entry {
	enum entry_kind kind;
	const char *words;
	const char *target; /* tool for VERB/HELPER, words for ALIAS */
	const char *summary;
};

#define VERB(w, t, s) { E_VERB, w, t, s },
#define ALIAS(w, t) { E_ALIAS, w, t, NULL },
#define GROUP(w, s) { E_GROUP, w, NULL, s },
#define HELPER(t, s) { E_HELPER, t, t, s },
static const struct entry table[] = {
#include "verbs.def"
	{ E_VERB, NULL, NULL, NULL }
};

static struct {
	bool help, version, list_verbs, list_tools, list_verb_tools;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_BOOL('h', "help", &opt.help, "Help for podman"),
	POD_OPT_BOOL('v', "version", &opt.version, "Version for podman"),
	{ POD_OPT_T_BOOL, 0, "list-verbs", NULL, &opt.list_verbs, "List every verb", NULL,
	  POD_OPT_HIDDEN, NULL, NULL },
	{ POD_OPT_T_BOOL, 0, "list-tools", NULL, &opt.list_tools, "List every tool", NULL,
	  POD_OPT_HIDDEN, NULL, NULL },
	{ POD_OPT_T_BOOL, 0, "list-verb-tools", NULL, &opt.list_verb_tools,
	  "List every verb and alias with its tool", NULL, POD_OPT_HIDDEN, NULL, NULL },
	POD_OPT_END
};

/* Number of words of `words` matched by argv[0..], 0 if no match. */
static int
match_words(const char *words, char **argv, int argc)
{
	int n = 0;
	const char *p = words;

	while (*p) {
		const char *sp = strchrnul(p, ' ');
		size_t len = (size_t) (sp - p);

		if (n >= argc || strlen(argv[n]) != len || memcmp(argv[n], p, len) != 0)
			return 0;
		n++;
		p = *sp ? sp + 1 : sp;
	}
	return n;
}

/* Longest match wins: "volume create" over "volume". */
static const struct entry *
lookup(char **argv, int argc, int *ret_used)
{
	const struct entry *best = NULL;
	int best_n = 0;

	for (const struct entry *e = table; e->words; e++) {
		int n;

		if (e->kind == E_HELPER)
			continue;
		n = match_words(e->words, argv, argc);
		if (n > best_n) {
			best = e;
			best_n = n;
		}
	}
	*ret_used = best_n;
	return best;
}

static const struct entry *
find_exact(const char *words)
{
	for (const struct entry *e = table; e->words; e++)
		if (e->kind != E_HELPER && STREQ(e->words, words))
			return e;
	return NULL;
}

static bool
is_exec(const char *p)
{
	return access(p, X_OK) == 0;
}

/* beside us, then libexec, then PATH; NULL when nowhere */
static char *
find_tool(const char *tool)
{
	cleanup_free char *dir = pod_self_dir();
	char *p;

	if (dir) {
		p = xasprintf("%s/%s", dir, tool);
		if (is_exec(p))
			return p;
		free(p);
	}
	p = xasprintf("%s/%s", POD_LIBEXECDIR, tool);
	if (is_exec(p))
		return p;
	free(p);
	const char *path = getenv("PATH");
	if (!path)
		return NULL;
	cleanup_free char *copy = xstrdup(path);
	char *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		p = xasprintf("%s/%s", *d ? d : ".", tool);
		if (is_exec(p))
			return p;
		free(p);
	}
	return NULL;
}

static bool
tool_present(const char *tool)
{
	cleanup_free char *p = find_tool(tool);

	return p != NULL;
}

static void
print_help(FILE *f)
{
	const struct pod_opt *gt[] = { pod_global_options, NULL };
	size_t w = 0;

	fprintf(f, "Manage pods, containers and images\n\nUsage:\n  podman [options] [command]\n\n"
		   "Available Commands:\n");
	for (const struct entry *e = table; e->words; e++)
		if ((e->kind == E_VERB || e->kind == E_GROUP) && !strchr(e->words, ' ') &&
		    strlen(e->words) > w)
			w = strlen(e->words);
	for (const struct entry *e = table; e->words; e++) {
		if ((e->kind != E_VERB && e->kind != E_GROUP) || strchr(e->words, ' '))
			continue;
		if (e->kind == E_VERB && !tool_present(e->target))
			continue;
		fprintf(f, "  %-*s  %s\n", (int) (w < 10 ? 10 : w), e->words, e->summary);
	}
	fprintf(f, "\nOptions:\n");
	for (const struct pod_opt *o = pod_global_options; o->type; o++) {
		cleanup_free char *s = pod_opt_synopsis(o);
		fprintf(f, "  %-32s %s\n", s, o->help);
	}
	(void) gt;
	fprintf(f, "  %-32s %s\n", "-h, --help", "Help for podman");
	fprintf(f, "  %-32s %s\n", "-v, --version", "Version for podman");
}

static void
set_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
}

int
main(int argc, char **argv)
{
	const struct pod_opt *tables[] = { options, pod_global_options, NULL };
	struct pod_err *err = NULL;
	char **args = NULL;
	int i, used = 0;

	/* global options end at the first non-option word: the verb */
	if (pod_opt_parse(tables, argc, argv, POD_PARSE_STOP_AT_ARG, &args, &err) < 0) {
		fprintf(stderr, "Error: %s\nSee 'podman --help'\n", err->msg);
		pod_err_free(&err);
		return 125;
	}
	if (opt.version) {
		printf("podman version %s\n", POD_VERSION);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 125;
	}
	if (opt.list_verb_tools) {
		for (const struct entry *e = table; e->words; e++) {
			const struct entry *t = e;
			for (int hops = 0; t && t->kind == E_ALIAS && hops < 4; hops++)
				t = find_exact(t->target);
			if (t && t->kind == E_VERB)
				printf("%s\t%s\n", e->words, t->target);
		}
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 125;
	}
	if (opt.list_verbs || opt.list_tools) {
		for (const struct entry *e = table; e->words; e++) {
			if (opt.list_verbs && e->kind == E_VERB)
				printf("%s\n", e->words);
			if (opt.list_tools && (e->kind == E_VERB || e->kind == E_HELPER))
				printf("%s\n", e->target);
		}
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 125;
	}
	int nargs = (int) pod_strv_len(args);
	if (opt.help || (nargs > 0 && STREQ(args[0], "help") && nargs == 1)) {
		print_help(stdout);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 125;
	}
	if (nargs == 0) {
		print_help(stderr);
		fprintf(stderr, "Error: missing command 'podman COMMAND'\n");
		return 125;
	}
	bool help_verb = STREQ(args[0], "help");
	char **words = help_verb ? args + 1 : args;
	int nwords = help_verb ? nargs - 1 : nargs;

	const struct entry *e = lookup(words, nwords, &used);
	for (int hops = 0; e && e->kind == E_ALIAS && hops < 4; hops++) {
		/* rewrite: the alias's words become the target's words (which may
		 * name a noun tool's sub-verb: "play kube" -> "kube play") */
		cleanup_strv char **nw = NULL;
		const char *p = e->target;
		while (*p) {
			const char *sp = strchrnul(p, ' ');
			nw = pod_strv_push(nw, xstrndup(p, (size_t) (sp - p)));
			p = *sp ? sp + 1 : sp;
		}
		int tn = (int) pod_strv_len(nw);
		char **rest = xcalloc((size_t) (tn + nwords - used + 1), sizeof(char *));
		for (i = 0; i < tn; i++)
			rest[i] = xstrdup(nw[i]);
		for (i = used; i < nwords; i++)
			rest[tn + i - used] = xstrdup(words[i]);
		words = rest; /* leaked on purpose: we exec next */
		nwords = tn + nwords - used;
		e = lookup(words, nwords, &used);
	}
	if (!e || e->kind == E_ALIAS) {
		fprintf(stderr, "Error: unrecognized command `podman %s`\n"
				"Try 'podman --help' for more information\n", words[0] ? words[0] : "");
		return 125;
	}
	if (e->kind == E_GROUP) {
		fprintf(stderr, "Error: missing command 'podman %s COMMAND'\n", e->words);
		return 125;
	}
	cleanup_free char *path = find_tool(e->target);
	if (!path) {
		fprintf(stderr, "Error: unrecognized command `podman %s`\n"
				"Try 'podman --help' for more information\n", e->words);
		return 125;
	}

	/* a noun tool keeps its sub-verb words: "volume create X" -> pod-volume create X */
	int first_sub = used;

	char **nargv = xcalloc((size_t) (nwords - first_sub + 3), sizeof(char *));
	int n = 0;
	nargv[n++] = (char *) e->target;
	for (i = first_sub; i < nwords; i++)
		nargv[n++] = words[i];
	if (help_verb)
		nargv[n++] = (char *) "--help";
	nargv[n] = NULL;

	setenv("POD_DISPATCHED", "1", 1);
	/* globals given to the dispatcher; the tables wrote them into pod_global_options' slots */
	for (const struct pod_opt *o = pod_global_options; o->type; o++) {
		char envname[64] = "POD_";
		size_t k = 4;
		for (const char *c = o->long_name; *c && k + 1 < sizeof(envname); c++)
			envname[k++] = *c == '-' ? '_' : (char) (*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		envname[k] = '\0';
		if (o->type == POD_OPT_T_STRING && *(char **) o->ptr)
			set_env(envname, *(char **) o->ptr);
		else if (o->type == POD_OPT_T_BOOL && *(bool *) o->ptr)
			set_env(envname, "1");
	}
	execv(path, nargv);
	fprintf(stderr, "Error: executing %s: %s\n", path, pod_strerror(errno));
	return 125;
}
