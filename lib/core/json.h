/*
 * json.h - JSON records: safe strings, one-object-per-line output, pretty
 * printing for inspect, and the stdin target reader every tool shares.
 *
 * All json_t values follow jansson's reference rules: functions returning
 * json_t * hand over a new reference (release with json_decref() or a
 * cleanup_json local). pod_json_dumps_pretty() returns malloc'd text.
 *
 * A struct pod_record_reader is a value type: pod_record_reader_init(),
 * then pod_record_reader_next() until it returns 0 or -1, then
 * pod_record_reader_release(). It borrows the FILE, which stays the
 * caller's to close.
 */
#ifndef POD_CORE_JSON_H
#define POD_CORE_JSON_H

#include "core/err.h"
#include "core/util.h"

#include <jansson.h>

/* longest input line the record reader accepts, in bytes */
#define POD_RECORD_LINE_MAX (1024 * 1024)
/* longest bare name or ID the record reader accepts */
#define POD_RECORD_NAME_MAX 1024

void pod_json_decrefp(json_t **j);

/*
 * A JSON string from bytes that may not be UTF-8 (paths, labels, env):
 * every byte that is not part of a valid UTF-8 sequence becomes U+FFFD,
 * as Go's encoding/json does. Never NULL (a NULL input gives "").
 */
json_t *pod_json_string(const char *maybe_non_utf8);
json_t *pod_json_stringn(const char *maybe_non_utf8, size_t len);
/* an array of pod_json_string()s of a NULL-terminated vector (NULL: []) */
json_t *pod_json_strv(char *const *v);

/*
 * Writes obj compactly, keys in insertion order, followed by "\n", and
 * flushes f so a pipeline sees each record at once. A write error is
 * POD_E_IO.
 */
int pod_json_print_line(FILE *f, json_t *obj, struct pod_err **err);

/* 4-space indented text like Podman's inspect, non-ASCII kept; no final newline */
char *pod_json_dumps_pretty(json_t *j);

struct pod_record_reader {
	FILE *f;
	char *name;  /* for messages: "stdin" */
	size_t line; /* number of the line last read, 1-based */
	bool eof;
};

void pod_record_reader_init(struct pod_record_reader *r, FILE *f, const char *name);
void pod_record_reader_release(struct pod_record_reader *r);

/*
 * Reads the next target. Each line is a JSON object (its "Id", "ID", "id",
 * "Name", "name" or first "Names" entry) or a bare name/ID matching
 * [A-Za-z0-9][A-Za-z0-9_.:/@-]*; blank lines are skipped. When want_type is
 * set, a record whose "Type" differs is an error. Returns 1 and a malloc'd
 * *ret_target, 0 at end of input, -1 with an error naming "NAME:LINE".
 */
int pod_record_reader_next(struct pod_record_reader *r, const char *want_type, char **ret_target,
			   struct pod_err **err);

/* true when s is a bare word the record reader accepts */
bool pod_record_is_name(const char *s);

#endif
