/* strbuf.c - growable strings */
#include "core/strbuf.h"

char pod_strbuf_empty[1];

void
pod_strbuf_init(struct pod_strbuf *sb)
{
	sb->buf = pod_strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void
pod_strbuf_release(struct pod_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	pod_strbuf_init(sb);
}

void
pod_strbuf_releasep(struct pod_strbuf *sb)
{
	pod_strbuf_release(sb);
}

char *
pod_strbuf_detach(struct pod_strbuf *sb)
{
	char *p;

	if (!sb->alloc)
		pod_strbuf_grow(sb, 0);
	p = sb->buf;
	pod_strbuf_init(sb);
	return p;
}

void
pod_strbuf_reset(struct pod_strbuf *sb)
{
	pod_strbuf_truncate(sb, 0);
}

void
pod_strbuf_truncate(struct pod_strbuf *sb, size_t len)
{
	if (len >= sb->len)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void
pod_strbuf_grow(struct pod_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need < sb->len) /* overflow */
		abort();
	if (need <= sb->alloc)
		return;
	size_t n = sb->alloc ? sb->alloc : 64;
	while (n < need)
		n = n * 3 / 2 + 16;
	if (!sb->alloc) {
		sb->buf = xmalloc(n);
		sb->buf[0] = '\0';
	} else {
		sb->buf = xrealloc(sb->buf, n);
	}
	sb->alloc = n;
}

void
pod_strbuf_add(struct pod_strbuf *sb, const void *data, size_t len)
{
	pod_strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
pod_strbuf_adds(struct pod_strbuf *sb, const char *s)
{
	pod_strbuf_add(sb, s, strlen(s));
}

void
pod_strbuf_addch(struct pod_strbuf *sb, char c)
{
	pod_strbuf_add(sb, &c, 1);
}

void
pod_strbuf_vaddf(struct pod_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	pod_strbuf_grow(sb, (size_t) n);
	vsnprintf(sb->buf + sb->len, (size_t) n + 1, fmt, ap);
	sb->len += (size_t) n;
}

void
pod_strbuf_addf(struct pod_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pod_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}
