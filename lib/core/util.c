/* util.c - allocation, cleanup helpers, string vectors, clocks */
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

static void
oom(void)
{
	static const char msg[] = "Error: out of memory\n";

	(void) !write(2, msg, sizeof(msg) - 1);
	abort();
}

void *
pod_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *
pod_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p)
		oom();
	return p;
}

void *
pod_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

char *
pod_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *
pod_xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

char *
pod_xvasprintf(const char *fmt, va_list ap)
{
	char *p = NULL;

	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *
pod_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = pod_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
pod_freep(void *p)
{
	free(*(void **) p);
}

void
pod_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

void
pod_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

size_t
pod_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void
pod_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void
pod_strv_freep(char ***v)
{
	pod_strv_free(*v);
}

char **
pod_strv_push(char **v, char *s)
{
	size_t n = pod_strv_len(v);

	v = xrealloc(v, (n + 2) * sizeof(*v));
	v[n] = s;
	v[n + 1] = NULL;
	return v;
}

bool
pod_strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (STREQ(v[i], s))
			return true;
	return false;
}

bool
pod_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
pod_str_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool
pod_parse_int64(const char *s, int64_t *ret)
{
	char *end = NULL;
	long long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t
pod_now_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int64_t
pod_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}
