/* filter.c - --filter parsing and Podman's matchers */
#include "cli/filter.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <time.h>

int
pod_filters_add(struct pod_filters *f, const char *arg, const char *const *allowed_keys,
		struct pod_err **err)
{
	const char *eq = strchr(arg, '=');
	cleanup_free char *key = NULL;
	size_t i;

	if (!eq)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid filter \"%s\"", arg);
	key = xstrndup(arg, (size_t) (eq - arg));
	if (allowed_keys && !pod_strv_contains((char *const *) allowed_keys, key))
		return pod_err_set(err, POD_E_INVALID, 0, "%s is an invalid filter", key);
	for (i = 0; i < f->n; i++)
		if (STREQ(f->keys[i].key, key))
			break;
	if (i == f->n) {
		f->keys = xrealloc(f->keys, (f->n + 1) * sizeof(*f->keys));
		f->keys[f->n].key = TAKE_PTR(key);
		f->keys[f->n].values = NULL;
		f->n++;
	}
	f->keys[i].values = pod_strv_push(f->keys[i].values, xstrdup(eq + 1));
	return 0;
}

char *const *
pod_filters_get(const struct pod_filters *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (STREQ(f->keys[i].key, key))
			return f->keys[i].values;
	return NULL;
}

bool
pod_filters_empty(const struct pod_filters *f)
{
	return f->n == 0;
}

void
pod_filters_release(struct pod_filters *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->keys[i].key);
		pod_strv_free(f->keys[i].values);
	}
	free(f->keys);
	f->keys = NULL;
	f->n = 0;
}

bool
pod_filter_match_label(json_t *labels, const char *value)
{
	const char *eq = strchr(value, '=');
	cleanup_free char *key = eq ? xstrndup(value, (size_t) (eq - value)) : xstrdup(value);
	const char *want = eq ? eq + 1 : "";
	json_t *l;

	if (!json_is_object(labels))
		return false;
	l = json_object_get(labels, key);
	if (!l)
		return false;
	if (!*want)
		return true;
	return json_is_string(l) && STREQ(json_string_value(l), want);
}

bool
pod_filter_match_labels(json_t *labels, char *const *values)
{
	for (; values && *values; values++)
		if (!pod_filter_match_label(labels, *values))
			return false;
	return true;
}

bool
pod_filter_match_labels_negated(json_t *labels, char *const *values)
{
	for (; values && *values; values++)
		if (pod_filter_match_label(labels, *values))
			return false;
	return true;
}

/* Go's Perl classes in POSIX form, outside bracket expressions */
static char *
translate_regex(const char *p)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	bool in_bracket = false;

	for (; *p; p++) {
		if (!in_bracket && p[0] == '\\' && p[1]) {
			const char *cls = NULL;

			switch (p[1]) {
			case 'd': cls = "[0-9]"; break;
			case 'D': cls = "[^0-9]"; break;
			case 'w': cls = "[0-9A-Za-z_]"; break;
			case 'W': cls = "[^0-9A-Za-z_]"; break;
			case 's': cls = "[\t\n\f\r ]"; break;
			case 'S': cls = "[^\t\n\f\r ]"; break;
			default: break;
			}
			if (cls)
				pod_strbuf_adds(&sb, cls);
			else
				pod_strbuf_add(&sb, p, 2);
			p++;
			continue;
		}
		if (!in_bracket && *p == '[') {
			in_bracket = true;
			pod_strbuf_addch(&sb, *p);
			if (p[1] == '^')
				pod_strbuf_addch(&sb, *++p);
			if (p[1] == ']')
				pod_strbuf_addch(&sb, *++p);
			continue;
		}
		if (in_bracket && *p == ']')
			in_bracket = false;
		pod_strbuf_addch(&sb, *p);
	}
	return pod_strbuf_detach(&sb);
}

bool
pod_filter_match_regex(const char *name, const char *pattern)
{
	cleanup_free char *re = translate_regex(pattern);
	regex_t rx;
	bool match;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	match = regexec(&rx, name, 0, NULL, 0) == 0;
	regfree(&rx);
	return match;
}

bool
pod_filter_match_regex_any(const char *name, char *const *patterns)
{
	for (; patterns && *patterns; patterns++)
		if (pod_filter_match_regex(name, *patterns))
			return true;
	return false;
}

bool
pod_filter_match_glob(const char *name, const char *pattern)
{
	return fnmatch(pattern, name, 0) == 0;
}

/* ---- times ---- */

#define NS_PER_S 1000000000LL

int
pod_parse_go_duration(const char *s, int64_t *ret_ns, struct pod_err **err)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 },
		{ "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
	};
	const char *p = s;
	bool neg = false;
	double total = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (STREQ(p, "0")) {
		*ret_ns = 0;
		return 0;
	}
	if (!*p)
		return pod_err_set(err, POD_E_INVALID, 0, "time: invalid duration \"%s\"", s);
	while (*p) {
		double v = 0, scale = 1;
		bool digits = false;
		size_t i, n;

		if (!(*p == '.' || (*p >= '0' && *p <= '9')))
			return pod_err_set(err, POD_E_INVALID, 0, "time: invalid duration \"%s\"", s);
		for (; *p >= '0' && *p <= '9'; p++, digits = true)
			v = v * 10 + (*p - '0');
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
				scale /= 10;
				v += (*p - '0') * scale;
			}
		}
		if (!digits)
			return pod_err_set(err, POD_E_INVALID, 0, "time: invalid duration \"%s\"", s);
		for (n = 0; p[n] && p[n] != '.' && !(p[n] >= '0' && p[n] <= '9'); n++)
			;
		if (!n)
			return pod_err_set(err, POD_E_INVALID, 0, "time: missing unit in duration \"%s\"",
					   s);
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (strlen(units[i].unit) == n && !strncmp(p, units[i].unit, n))
				break;
		if (i == ARRAY_SIZE(units))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "time: unknown unit \"%.*s\" in duration \"%s\"", (int) n, p,
					   s);
		total += v * units[i].ns;
		if (total > 9.2233720368547758e18)
			return pod_err_set(err, POD_E_INVALID, 0, "time: invalid duration \"%s\"", s);
		p += n;
	}
	*ret_ns = neg ? -(int64_t) total : (int64_t) total;
	return 0;
}

static bool
digits_n(const char **p, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*ret = v;
	return true;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/*
 * The layouts GetTimestamp picks: a date, then "T15", "T15:04" or
 * "T15:04:05" with an optional fraction, then a zone when `zoned`.
 * time_parts is 0 for a date, else 1..3.
 */
static bool
parse_layout(const char *s, int time_parts, bool zoned, int64_t local_off, int64_t *ret_ns)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, zh, zm;
	int64_t frac = 0, off = local_off;
	const char *p = s;

	if (!digits_n(&p, 4, &y) || *p++ != '-' || !digits_n(&p, 2, &mo) || *p++ != '-' ||
	    !digits_n(&p, 2, &d))
		return false;
	if (time_parts) {
		if (*p++ != 'T' || !digits_n(&p, 2, &h))
			return false;
		if (time_parts >= 2 && (*p++ != ':' || !digits_n(&p, 2, &mi)))
			return false;
		if (time_parts >= 3 && (*p++ != ':' || !digits_n(&p, 2, &sec)))
			return false;
		if (time_parts >= 3 && *p == '.') {
			int n = 0;

			for (p++; *p >= '0' && *p <= '9'; p++, n++)
				if (n < 9)
					frac = frac * 10 + (*p - '0');
			if (!n)
				return false;
			for (; n < 9; n++)
				frac *= 10;
		}
	}
	if (zoned) {
		if (*p == 'Z' || *p == 'z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1;

			if (!digits_n(&p, 2, &zh) || *p++ != ':' || !digits_n(&p, 2, &zm) || zh > 23 ||
			    zm > 59)
				return false;
			off = sign * (zh * 3600 + zm * 60);
		} else {
			return false;
		}
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
	    sec > 59)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ret_ns = ((int64_t) timegm(&tm) - off) * NS_PER_S + frac;
	return true;
}

/* "secs[.frac]" as timetype.parseTimestamp reads it */
static bool
parse_unix(const char *s, int64_t *ret_ns)
{
	const char *dot = strchr(s, '.');
	cleanup_free char *sec_s = dot ? xstrndup(s, (size_t) (dot - s)) : xstrdup(s);
	int64_t sec, frac = 0;

	if (!pod_parse_int64(sec_s, &sec))
		return false;
	if (dot) {
		size_t n = strlen(dot + 1);

		if (!pod_parse_int64(dot + 1, &frac))
			return false;
		/* the fraction is scaled to nanoseconds by its number of digits */
		for (; n < 9; n++)
			frac *= 10;
		for (; n > 9; n--)
			frac /= 10;
	}
	if (sec > INT64_MAX / NS_PER_S - 1 || sec < INT64_MIN / NS_PER_S + 1)
		return false;
	*ret_ns = sec * NS_PER_S + frac;
	return true;
}

int
pod_parse_timestamp(const char *s, int64_t now_ns, int64_t *ret_ns, struct pod_err **err)
{
	int64_t d, ns, now_s = now_ns / NS_PER_S;
	struct pod_err *ignored = NULL;
	bool in_location, ok;
	int parts = 0, dashes = 0;
	const char *layout;

	if (!STREQ(s, "0") && pod_parse_go_duration(s, &d, &ignored) == 0) {
		/* reference.Add(-d).Unix(): whole seconds, rounded down */
		int64_t t = now_ns - d;
		int64_t sec = t / NS_PER_S - (t % NS_PER_S < 0);

		*ret_ns = sec * NS_PER_S;
		return 0;
	}
	pod_err_free(&ignored);
	for (const char *p = s; *p; p++)
		dashes += *p == '-';
	in_location = !(strpbrk(s, "zZ+") || dashes == 3);
	if (strchr(s, '.')) {
		parts = 3;
		layout = in_location ? "2006-01-02T15:04:05.999999999" : "2006-01-02T15:04:05.999999999Z07:00";
	} else if (strchr(s, 'T')) {
		int colons = 0;

		for (const char *p = s; *p; p++)
			colons += *p == ':';
		if (!in_location && !strpbrk(s, "zZ") && colons > 0)
			colons--;
		parts = colons == 0 ? 1 : colons == 1 ? 2 : 3;
		layout = parts == 1   ? (in_location ? "2006-01-02T15" : "2006-01-02T15Z07:00")
			 : parts == 2 ? (in_location ? "2006-01-02T15:04" : "2006-01-02T15:04Z07:00")
				      : (in_location ? "2006-01-02T15:04:05" : "2006-01-02T15:04:05Z07:00");
	} else {
		layout = in_location ? "2006-01-02" : "2006-01-02Z07:00";
	}
	/* a time without a zone is in the local zone of "now" */
	time_t tnow = (time_t) now_s;
	struct tm lt;
	int64_t local_off = localtime_r(&tnow, &lt) ? lt.tm_gmtoff : 0;

	ok = parse_layout(s, parts, !in_location, local_off, &ns);
	if (ok) {
		*ret_ns = ns;
		return 0;
	}
	if (strchr(s, '-'))
		return pod_err_set(err, POD_E_INVALID, 0, "parsing time \"%s\" as \"%s\": cannot parse",
				   s, layout);
	if (!parse_unix(s, &ns))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "failed to parse value as time or duration: \"%s\"", s);
	*ret_ns = ns;
	return 0;
}

int
pod_filter_until(char *const *values, int64_t now_ns, int64_t *ret_ns, struct pod_err **err)
{
	if (pod_strv_len(values) != 1)
		return pod_err_set(err, POD_E_INVALID, 0, "specify exactly one timestamp for until");
	return pod_parse_timestamp(values[0], now_ns, ret_ns, err);
}
