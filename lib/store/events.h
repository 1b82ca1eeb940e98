/*
 * events.h - the events log: one append-only file of JSON lines,
 * $RUNROOT/events/events.log, like Podman's "file" events backend.
 *
 * A record is Podman's event JSON, keys in Podman's order:
 *   {"ContainerExitCode":N (omitted when 0), "ID", "Image", "Name",
 *    "network", "Status", "Time" (RFC 3339, ns), "Type", "health_status", "PodID",
 *    "Attributes": {labels} | null}
 * with empty strings omitted. Writers open the file with O_APPEND and write
 * each record (line and newline) with one write(), so concurrent writers
 * never interleave; there is no fsync and no lock: an event costs one
 * open, one write and one close.
 *
 * Past POD_EVENTS_LOG_MAX bytes the writer that notices renames the log to
 * events.log.1 (replacing the older one) and the next event starts a new
 * log, so the two files hold at most about twice that; readers read
 * events.log.1, then events.log.
 *
 * Emitting is best effort: a lifecycle change never fails because its
 * event could not be written (the failure is logged at debug level).
 *
 * Ownership: struct pod_event borrows everything it points at.
 */
#ifndef POD_STORE_EVENTS_H
#define POD_STORE_EVENTS_H

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

#define POD_EVENTS_LOG_MAX (1 << 20)

struct pod_event {
	const char *type;   /* "container", "image", "volume", "network", "pod" */
	const char *status; /* "create", "died", "tag", ... */
	const char *id, *image, *name, *network, *pod_id;
	const char *health_status; /* "healthy", ... for "health_status" */
	json_t *attributes; /* object of strings (borrowed); NULL: null */
	int exit_code;	    /* ContainerExitCode */
	int64_t time_ns;    /* 0: now */
};

/* $RUNROOT/events/events.log; malloc'd */
char *pod_events_log_path(const char *runroot);

/* the record as it is written (a new reference) */
json_t *pod_event_json(const struct pod_event *ev);

/* appends one record to runroot's log, creating it when missing */
int pod_event_append(const char *runroot, const struct pod_event *ev, struct pod_err **err);

/* pod_event_append to the store's runroot; failures are only logged */
void pod_event_emit(struct pod_store *s, const struct pod_event *ev);
/* the same for a runroot path */
void pod_event_emit_runroot(const char *runroot, const struct pod_event *ev);

/*
 * Go's time.Time String() of a record's "Time" as Podman prints it:
 * "2006-01-02 15:04:05.999999999 +0000 UTC" (local zone); malloc'd.
 */
char *pod_event_time_text(int64_t ns);
/* RFC 3339 with nanoseconds, local zone, as Go marshals time.Time; malloc'd */
char *pod_event_time_rfc3339(int64_t ns);

#endif
