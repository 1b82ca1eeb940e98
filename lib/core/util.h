/*
 * util.h - allocation that aborts on OOM, cleanup attributes, small macros.
 *
 * Every lib and bin file includes this first. Memory from x*() is owned by
 * the caller and released with free(); the cleanup_* attributes release a
 * local when it goes out of scope, TAKE_PTR()/TAKE_FD() hand it over.
 */
#ifndef POD_CORE_UTIL_H
#define POD_CORE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STREQ(a, b) (strcmp((a), (b)) == 0)
#define POD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define POD_UNUSED __attribute__((unused))

#define cleanup_(fn) __attribute__((cleanup(fn)))
#define cleanup_free cleanup_(pod_freep)
#define cleanup_close cleanup_(pod_closep)
#define cleanup_fclose cleanup_(pod_fclosep)
#define cleanup_strv cleanup_(pod_strv_freep)
#define cleanup_json cleanup_(pod_json_decrefp)

#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

void *pod_xmalloc(size_t n);
void *pod_xcalloc(size_t n, size_t m);
void *pod_xrealloc(void *p, size_t n);
char *pod_xstrdup(const char *s);
char *pod_xstrndup(const char *s, size_t n);
char *pod_xasprintf(const char *fmt, ...) POD_PRINTF(1, 2);
char *pod_xvasprintf(const char *fmt, va_list ap) POD_PRINTF(1, 0);
#define xmalloc pod_xmalloc
#define xcalloc pod_xcalloc
#define xrealloc pod_xrealloc
#define xstrdup pod_xstrdup
#define xstrndup pod_xstrndup
#define xasprintf pod_xasprintf

void pod_freep(void *p);
void pod_closep(int *fd);
void pod_fclosep(FILE **f);

/* NULL-terminated string vectors */
size_t pod_strv_len(char *const *v);
void pod_strv_free(char **v);
void pod_strv_freep(char ***v);
char **pod_strv_push(char **v, char *s); /* takes s, returns the new vector */
bool pod_strv_contains(char *const *v, const char *s);

bool pod_str_has_prefix(const char *s, const char *prefix);
bool pod_str_has_suffix(const char *s, const char *suffix);
/* strtoll with full-string and range checks; false on any junk */
bool pod_parse_int64(const char *s, int64_t *ret);

int64_t pod_now_ns(void);	/* CLOCK_REALTIME in ns */
int64_t pod_mono_ns(void);	/* CLOCK_MONOTONIC in ns */

/* last, after the system headers above */
#include "core/banned.h"

#endif
