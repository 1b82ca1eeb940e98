/*
 * err.h - errors that carry a kind, an errno and a message.
 *
 * Fallible functions take `struct pod_err **err` last, return -1 (or NULL)
 * and set *err once on failure; on success *err is left alone. The caller
 * owns the error and frees it with pod_err_free(). The library knows kinds,
 * never exit codes: tools map kinds to Podman's exit codes.
 */
#ifndef POD_CORE_ERR_H
#define POD_CORE_ERR_H

#include "core/util.h"

enum pod_err_kind {
	POD_E_GENERIC = 0, /* engine error: 125 */
	POD_E_INVALID,	   /* bad input, bad flag, bad template */
	POD_E_NOTFOUND,	   /* no such object */
	POD_E_EXISTS,	   /* name already in use */
	POD_E_INUSE,	   /* object in use by another */
	POD_E_STATE,	   /* wrong state for the operation */
	POD_E_NOTEXEC,	   /* command cannot be executed: 126 */
	POD_E_NOCMD,	   /* command not found: 127 */
	POD_E_IO,	   /* write to stdout failed */
	POD_E__MAX
};

struct pod_err {
	enum pod_err_kind kind;
	int errnum; /* 0 when no errno applies */
	char *msg;  /* full message, without the "Error: " prefix */
};

/* All return -1 so `return pod_err_set(...)` reads naturally. */
int pod_err_set(struct pod_err **err, enum pod_err_kind kind, int errnum, const char *fmt, ...)
	POD_PRINTF(4, 5);
/* message ": " strerror(errno), in lower case as Podman prints */
int pod_err_sys(struct pod_err **err, const char *fmt, ...) POD_PRINTF(2, 3);
/* prefix context: "context: inner message"; a no-op when err or *err is NULL */
int pod_err_wrap(struct pod_err **err, const char *fmt, ...) POD_PRINTF(2, 3);
void pod_err_free(struct pod_err **err);
/* lower-case strerror() text, as Go prints it */
const char *pod_strerror(int errnum);
/* writes "Error: MSG\n" to stderr */
void pod_err_print(const struct pod_err *e);

#endif
