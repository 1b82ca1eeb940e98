/* opt.c - option parsing with pflag's conventions and messages */
#include "cli/opt.h"
#include "core/strbuf.h"

#include <errno.h>
#include <inttypes.h>

static const struct pod_opt *
find_long(const struct pod_opt *const *tables, const char *name, size_t len)
{
	for (size_t t = 0; tables[t]; t++)
		for (const struct pod_opt *o = tables[t]; o->type != POD_OPT_T_END; o++)
			if (o->long_name && strlen(o->long_name) == len &&
			    memcmp(o->long_name, name, len) == 0)
				return o;
	return NULL;
}

static const struct pod_opt *
find_short(const struct pod_opt *const *tables, char c)
{
	for (size_t t = 0; tables[t]; t++)
		for (const struct pod_opt *o = tables[t]; o->type != POD_OPT_T_END; o++)
			if (o->short_name && o->short_name == c)
				return o;
	return NULL;
}

char *
pod_opt_synopsis(const struct pod_opt *o)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;

	if (o->short_name)
		pod_strbuf_addf(&sb, "-%c, ", o->short_name);
	else
		pod_strbuf_adds(&sb, "    ");
	pod_strbuf_addf(&sb, "--%s", o->long_name);
	if (o->argname)
		pod_strbuf_addf(&sb, " %s", o->argname);
	return pod_strbuf_detach(&sb);
}

static char *
flag_name(const struct pod_opt *o)
{
	if (o->short_name)
		return xasprintf("-%c, --%s", o->short_name, o->long_name);
	return xasprintf("--%s", o->long_name);
}

static int
set_value(const struct pod_opt *o, const char *arg, struct pod_err **err)
{
	int64_t v;

	switch (o->type) {
	case POD_OPT_T_BOOL:
		if (!arg || STREQ(arg, "true") || STREQ(arg, "1") || STREQ(arg, "t") ||
		    STREQ(arg, "T") || STREQ(arg, "TRUE") || STREQ(arg, "True"))
			*(bool *) o->ptr = true;
		else if (STREQ(arg, "false") || STREQ(arg, "0") || STREQ(arg, "f") ||
			 STREQ(arg, "F") || STREQ(arg, "FALSE") || STREQ(arg, "False"))
			*(bool *) o->ptr = false;
		else {
			cleanup_free char *n = flag_name(o);
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid argument \"%s\" for \"%s\" flag: "
					   "strconv.ParseBool: parsing \"%s\": invalid syntax",
					   arg, n, arg);
		}
		break;
	case POD_OPT_T_STRING:
		free(*(char **) o->ptr);
		*(char **) o->ptr = xstrdup(arg);
		break;
	case POD_OPT_T_INT:
	case POD_OPT_T_UINT:
		if (!pod_parse_int64(arg, &v) || (o->type == POD_OPT_T_UINT && v < 0)) {
			cleanup_free char *n = flag_name(o);
			bool range = false;
			char *end = NULL;

			errno = 0;
			(void) strtoll(arg, &end, 10);
			range = errno == ERANGE;
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid argument \"%s\" for \"%s\" flag: strconv.Parse%s: "
					   "parsing \"%s\": %s",
					   arg, n, o->type == POD_OPT_T_UINT ? "Uint" : "Int", arg,
					   range ? "value out of range" : "invalid syntax");
		}
		*(int64_t *) o->ptr = v;
		break;
	case POD_OPT_T_STRV:
		*(char ***) o->ptr = pod_strv_push(*(char ***) o->ptr, xstrdup(arg));
		break;
	case POD_OPT_T_CALLBACK:
		if (o->cb(o, arg, err) < 0)
			return -1;
		break;
	case POD_OPT_T_END:
		break;
	}
	if (o->set)
		*o->set = true;
	return 0;
}

static bool
takes_value(const struct pod_opt *o)
{
	return o->type != POD_OPT_T_BOOL && !(o->flags & (POD_OPT_OPTARG | POD_OPT_NOPTDEF));
}

int
pod_opt_parse(const struct pod_opt *const *tables, int argc, char **argv, unsigned flags,
	      char ***ret_args, struct pod_err **err)
{
	cleanup_strv char **args = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct pod_opt *o;

		if (STREQ(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (flags & POD_PARSE_STOP_AT_ARG)
				break;
			args = pod_strv_push(args, xstrdup(a));
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t) (eq - name) : strlen(name);

			o = find_long(tables, name, len);
			if (!o)
				return pod_err_set(err, POD_E_INVALID, 0, "unknown flag: --%.*s",
						   (int) len, name);
			if (eq) {
				if (set_value(o, eq + 1, err) < 0)
					return -1;
			} else if (!takes_value(o)) {
				if (set_value(o, o->noptdef, err) < 0)
					return -1;
			} else {
				if (i + 1 >= argc)
					return pod_err_set(err, POD_E_INVALID, 0,
							   "flag needs an argument: --%s", o->long_name);
				if (set_value(o, argv[++i], err) < 0)
					return -1;
			}
			continue;
		}
		/* a cluster of short options */
		for (const char *p = a + 1; *p; p++) {
			o = find_short(tables, *p);
			if (!o)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "unknown shorthand flag: '%c' in %s", *p, a);
			if (!takes_value(o)) {
				if (p[1] == '=') {
					if (set_value(o, p + 2, err) < 0)
						return -1;
					break;
				}
				if (set_value(o, o->noptdef, err) < 0)
					return -1;
				continue;
			}
			if (p[1]) {
				if (set_value(o, p[1] == '=' ? p + 2 : p + 1, err) < 0)
					return -1;
			} else {
				if (i + 1 >= argc)
					return pod_err_set(err, POD_E_INVALID, 0,
							   "flag needs an argument: '%c' in %s", *p, a);
				if (set_value(o, argv[++i], err) < 0)
					return -1;
			}
			break;
		}
	}
	for (; i < argc; i++)
		args = pod_strv_push(args, xstrdup(argv[i]));
	if (!args)
		args = xcalloc(1, sizeof(*args));
	*ret_args = TAKE_PTR(args);
	return 0;
}
