/*
 * id.h - object IDs: 64 lower-case hex digits, shown as 12.
 *
 * Value functions on caller-provided buffers; nothing to free.
 */
#ifndef POD_CORE_ID_H
#define POD_CORE_ID_H

#include "core/util.h"

#define POD_ID_LEN 64
#define POD_ID_SHORT_LEN 12

/*
 * A new random ID from getrandom(2). Like Podman, an ID whose 12-character
 * short form is all digits is drawn again (it would parse as a number).
 */
void pod_id_new(char ret[POD_ID_LEN + 1]);
/* exactly 64 lower-case hex digits */
bool pod_id_is_full(const char *s);
/* 1..64 lower-case hex digits */
bool pod_id_is_prefix(const char *s);
/* the first 12 characters of id (all of it when shorter) */
void pod_id_short(const char *id, char ret[POD_ID_SHORT_LEN + 1]);

#endif
