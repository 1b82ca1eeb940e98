/* human.c - go-units sizes and durations, Go's time.ParseDuration */
#include "core/human.h"
#include "core/strbuf.h"

#include <math.h> /* isfinite, a macro: no libm needed */

char *
pod_human_size_prec(int64_t bytes, int precision, bool space)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
	double size = (double) bytes;
	size_t i = 0;

	while (size >= 1000.0 && i < ARRAY_SIZE(units) - 1) {
		size /= 1000.0;
		i++;
	}
	/* C's %g and Go's %g agree for these magnitudes, exponent form included */
	return xasprintf("%.*g%s%s", precision, size, space ? " " : "", units[i]);
}

char *
pod_human_size(int64_t bytes)
{
	return pod_human_size_prec(bytes, 3, true);
}

char *
pod_human_duration(int64_t ns)
{
	int64_t seconds = ns / 1000000000LL;
	int64_t minutes = ns / 60000000000LL;
	int64_t hours;

	if (seconds < 1)
		return xstrdup("Less than a second");
	if (seconds == 1)
		return xstrdup("1 second");
	if (seconds < 60)
		return xasprintf("%lld seconds", (long long) seconds);
	if (minutes == 1)
		return xstrdup("About a minute");
	if (minutes < 60)
		return xasprintf("%lld minutes", (long long) minutes);
	/* Go rounds hours half away from zero here (ns is positive by now) */
	hours = (ns + 1800000000000LL) / 3600000000000LL;
	if (hours == 1)
		return xstrdup("About an hour");
	if (hours < 48)
		return xasprintf("%lld hours", (long long) hours);
	if (hours < 24 * 7 * 2)
		return xasprintf("%lld days", (long long) (hours / 24));
	if (hours < 24 * 30 * 2)
		return xasprintf("%lld weeks", (long long) (hours / 24 / 7));
	if (hours < 24 * 365 * 2)
		return xasprintf("%lld months", (long long) (hours / 24 / 30));
	return xasprintf("%lld years", (long long) (ns / 3600000000000LL / 24 / 365));
}

char *
pod_human_ago(int64_t then_ns, int64_t now_ns)
{
	cleanup_free char *d = pod_human_duration(now_ns - then_ns);

	return xasprintf("%s ago", d);
}

/* the number syntax strconv.ParseFloat accepts (decimal forms only) */
static bool
go_float_syntax(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (digits == 0)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp = 0;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, exp++;
		if (exp == 0)
			return false;
	}
	return i == n;
}

int
pod_parse_size(const char *s, int64_t *ret, struct pod_err **err)
{
	const char *num_end, *sfx;
	cleanup_free char *num = NULL;
	char lower[4] = "";
	size_t sfx_len, i;
	double size, mul = 1;
	const char *p;

	/* go-units: the number ends at the last digit, dot or space */
	p = NULL;
	for (i = 0; s[i]; i++)
		if (strchr("0123456789. ", s[i]))
			p = s + i;
	if (!p)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid size: '%s'", s);
	num_end = *p == ' ' ? p : p + 1;
	sfx = p + 1;
	num = xstrndup(s, (size_t) (num_end - s));
	if (!go_float_syntax(num, strlen(num)))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "strconv.ParseFloat: parsing \"%s\": invalid syntax", num);
	size = strtod(num, NULL);
	if (size < 0 || !isfinite(size))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid size: '%s'", s);
	sfx_len = strlen(sfx);
	if (sfx_len > 3)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid suffix: '%s'", sfx);
	for (i = 0; i < sfx_len; i++)
		lower[i] = (char) (sfx[i] >= 'A' && sfx[i] <= 'Z' ? sfx[i] + 32 : sfx[i]);
	lower[sfx_len] = '\0';
	if (sfx_len > 0 && lower[0] == 'b') {
		if (sfx_len > 1)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid suffix: '%s'", lower);
	} else if (sfx_len > 0) {
		const char *units = "kmgtp";
		const char *u = strchr(units, lower[0]);

		if (!u || !*u)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid suffix: '%s'", lower);
		for (i = 0; i <= (size_t) (u - units); i++)
			mul *= 1024.0;
		if ((sfx_len == 2 && lower[1] != 'b') ||
		    (sfx_len == 3 && !(lower[1] == 'i' && lower[2] == 'b')))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid suffix: '%s'", lower);
	}
	size *= mul;
	if (size >= 9223372036854775808.0)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid size: '%s'", s);
	*ret = (int64_t) size;
	return 0;
}

/* Go's time.quote: double quotes, \" \\ and \xHH for bytes outside ASCII print */
static char *
go_quote(const char *s, size_t n)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	size_t i;

	pod_strbuf_addch(&sb, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x80 || c < ' ') {
			pod_strbuf_addf(&sb, "\\x%02x", c);
			continue;
		}
		if (c == '"' || c == '\\')
			pod_strbuf_addch(&sb, '\\');
		pod_strbuf_addch(&sb, (char) c);
	}
	pod_strbuf_addch(&sb, '"');
	return pod_strbuf_detach(&sb);
}

static int
duration_invalid(const char *orig, struct pod_err **err)
{
	cleanup_free char *q = go_quote(orig, strlen(orig));

	return pod_err_set(err, POD_E_INVALID, 0, "time: invalid duration %s", q);
}

int
pod_parse_duration(const char *orig, int64_t *ret_ns, struct pod_err **err)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "\xc2\xb5s", 1000 }, /* U+00B5 micro sign */
		{ "\xce\xbcs", 1000 }, /* U+03BC Greek mu */
		{ "ms", 1000000 },
		{ "s", 1000000000ULL },
		{ "m", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	const uint64_t max = 1ULL << 63;
	const char *s = orig;
	uint64_t d = 0;
	bool neg = false;

	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (STREQ(s, "0")) {
		*ret_ns = 0;
		return 0;
	}
	if (!*s)
		return duration_invalid(orig, err);
	while (*s) {
		uint64_t v = 0, f = 0, unit = 0;
		double scale = 1;
		bool pre = false, post = false, overflow = false;
		const char *u;
		size_t ulen, i;

		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return duration_invalid(orig, err);
		while (*s >= '0' && *s <= '9') {
			if (v > max / 10)
				return duration_invalid(orig, err);
			v = v * 10 + (uint64_t) (*s - '0');
			if (v > max)
				return duration_invalid(orig, err);
			s++;
			pre = true;
		}
		if (*s == '.') {
			s++;
			while (*s >= '0' && *s <= '9') {
				post = true;
				if (!overflow) {
					if (f > (max - 1) / 10) {
						overflow = true;
					} else {
						uint64_t y = f * 10 + (uint64_t) (*s - '0');

						if (y > max)
							overflow = true;
						else {
							f = y;
							scale *= 10;
						}
					}
				}
				s++;
			}
		}
		if (!pre && !post)
			return duration_invalid(orig, err);
		u = s;
		while (*s && *s != '.' && !(*s >= '0' && *s <= '9'))
			s++;
		ulen = (size_t) (s - u);
		if (ulen == 0) {
			cleanup_free char *q = go_quote(orig, strlen(orig));

			return pod_err_set(err, POD_E_INVALID, 0,
					   "time: missing unit in duration %s", q);
		}
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (strlen(units[i].name) == ulen && memcmp(units[i].name, u, ulen) == 0)
				unit = units[i].ns;
		if (!unit) {
			cleanup_free char *qu = go_quote(u, ulen);
			cleanup_free char *q = go_quote(orig, strlen(orig));

			return pod_err_set(err, POD_E_INVALID, 0,
					   "time: unknown unit %s in duration %s", qu, q);
		}
		if (v > max / unit)
			return duration_invalid(orig, err);
		v *= unit;
		if (f > 0) {
			v += (uint64_t) ((double) f * ((double) unit / scale));
			if (v > max)
				return duration_invalid(orig, err);
		}
		d += v;
		if (d > max)
			return duration_invalid(orig, err);
	}
	if (neg) {
		*ret_ns = d == max ? INT64_MIN : -(int64_t) d;
		return 0;
	}
	if (d > max - 1)
		return duration_invalid(orig, err);
	*ret_ns = (int64_t) d;
	return 0;
}
