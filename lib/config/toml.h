/*
 * toml.h - a small, strict TOML 1.0 parser that produces jansson values.
 *
 * Tables become objects (keys in document order), arrays become arrays,
 * strings, integers (int64), floats and booleans map to their jansson types,
 * and offset/local date-times, dates and times are kept as strings exactly
 * as written. Infinity and NaN are rejected because JSON cannot hold them.
 *
 * Anything TOML 1.0 forbids is an error: duplicate keys, redefined tables,
 * bad escapes or numbers, control characters, invalid UTF-8, two key/value
 * pairs on one line. Errors are POD_E_INVALID with the message
 * "FILE:LINE:COL: message" (columns count characters, both start at 1).
 * Input is bounded to POD_TOML_MAX_SIZE bytes, POD_TOML_MAX_DEPTH levels
 * of nested tables and arrays, and POD_TOML_MAX_VALUES values.
 *
 * The returned object is the caller's: json_decref() it.
 */
#ifndef POD_CONFIG_TOML_H
#define POD_CONFIG_TOML_H

#include <jansson.h>

#include "core/err.h"

#define POD_TOML_MAX_SIZE ((size_t) 16 << 20)
#define POD_TOML_MAX_DEPTH 64
/* values of any kind in one document; bounds memory (jansson values are large) */
#define POD_TOML_MAX_VALUES ((size_t) 1 << 20)

json_t *pod_toml_parse(const char *buf, size_t len, const char *filename, struct pod_err **err);

/*
 * Reads and parses PATH. A missing file fails with POD_E_NOTFOUND and
 * errnum ENOENT so callers can treat it as "not configured".
 */
json_t *pod_toml_parse_file(const char *path, struct pod_err **err);

/* "string", "integer", "float", "boolean", "array", "table" */
const char *pod_toml_type_name(const json_t *v);

#endif
