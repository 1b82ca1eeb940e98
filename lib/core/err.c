/* err.c - error values */
#include "core/err.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <errno.h>

static int POD_PRINTF(4, 0)
err_vset(struct pod_err **err, enum pod_err_kind kind, int errnum, const char *fmt, va_list ap)
{
	struct pod_err *e;

	if (!err || *err) /* first error wins; NULL means the caller ignores errors */
		return -1;
	e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->errnum = errnum;
	e->msg = pod_xvasprintf(fmt, ap);
	*err = e;
	return -1;
}

int
pod_err_set(struct pod_err **err, enum pod_err_kind kind, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, kind, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
pod_strerror(int errnum)
{
	static __thread char buf[128];
	const char *s = strerror(errnum);
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = s[i];
	buf[i] = '\0';
	/* Go lower-cases only the first letter ("no such file or directory") */
	if (buf[0] && !(buf[1] && isupper((unsigned char) buf[1])))
		buf[0] = (char) tolower((unsigned char) buf[0]);
	return buf;
}

int
pod_err_sys(struct pod_err **err, const char *fmt, ...)
{
	int saved = errno;
	cleanup_free char *msg = NULL;
	va_list ap;
	enum pod_err_kind kind = POD_E_GENERIC;

	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	if (saved == ENOENT)
		kind = POD_E_NOTFOUND;
	else if (saved == EEXIST)
		kind = POD_E_EXISTS;
	pod_err_set(err, kind, saved, "%s: %s", msg, pod_strerror(saved));
	errno = saved;
	return -1;
}

int
pod_err_wrap(struct pod_err **err, const char *fmt, ...)
{
	cleanup_free char *ctx = NULL;
	va_list ap;

	if (!err || !*err)
		return -1;
	va_start(ap, fmt);
	ctx = pod_xvasprintf(fmt, ap);
	va_end(ap);
	char *m = xasprintf("%s: %s", ctx, (*err)->msg);
	free((*err)->msg);
	(*err)->msg = m;
	return -1;
}

void
pod_err_free(struct pod_err **err)
{
	if (!err || !*err)
		return;
	free((*err)->msg);
	free(*err);
	*err = NULL;
}

void
pod_err_print(const struct pod_err *e)
{
	if (!e)
		return;
	fflush(stdout);
	fprintf(stderr, "Error: %s\n", e->msg);
}
