/*
 * strbuf.h - growable, always NUL-terminated byte strings (after git's strbuf).
 *
 * Value type: pod_strbuf_init() or POD_STRBUF_INIT, then add; release with
 * pod_strbuf_release(); pod_strbuf_detach() hands the buffer to the caller.
 */
#ifndef POD_CORE_STRBUF_H
#define POD_CORE_STRBUF_H

#include "core/util.h"

struct pod_strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char pod_strbuf_empty[];
#define POD_STRBUF_INIT { .buf = pod_strbuf_empty, .len = 0, .alloc = 0 }

void pod_strbuf_init(struct pod_strbuf *sb);
void pod_strbuf_release(struct pod_strbuf *sb);
char *pod_strbuf_detach(struct pod_strbuf *sb);
void pod_strbuf_reset(struct pod_strbuf *sb);
void pod_strbuf_grow(struct pod_strbuf *sb, size_t extra);
void pod_strbuf_add(struct pod_strbuf *sb, const void *data, size_t len);
void pod_strbuf_adds(struct pod_strbuf *sb, const char *s);
void pod_strbuf_addch(struct pod_strbuf *sb, char c);
void pod_strbuf_addf(struct pod_strbuf *sb, const char *fmt, ...) POD_PRINTF(2, 3);
void pod_strbuf_vaddf(struct pod_strbuf *sb, const char *fmt, va_list ap) POD_PRINTF(2, 0);
void pod_strbuf_truncate(struct pod_strbuf *sb, size_t len);
void pod_strbuf_releasep(struct pod_strbuf *sb);
#define cleanup_strbuf cleanup_(pod_strbuf_releasep)

#endif
