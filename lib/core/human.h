/*
 * human.h - sizes and durations for people, as Go's docker/go-units and
 * time packages format and parse them (Podman's output depends on both).
 *
 * Formatting functions return malloc'd strings; free them.
 */
#ifndef POD_CORE_HUMAN_H
#define POD_CORE_HUMAN_H

#include "core/err.h"
#include "core/util.h"

/*
 * Decimal units (B, kB, MB, GB, ...) with `precision` significant digits,
 * as units.HumanSizeWithPrecision; space puts a blank before the unit.
 */
char *pod_human_size_prec(int64_t bytes, int precision, bool space);
/* Podman's image size column: precision 3 with a space, "4.27 MB", "768 B" */
char *pod_human_size(int64_t bytes);

/* units.HumanDuration: "Less than a second", "About a minute", "3 hours", ... */
char *pod_human_duration(int64_t ns);
/* pod_human_duration(now_ns - then_ns) + " ago" */
char *pod_human_ago(int64_t then_ns, int64_t now_ns);

/*
 * units.RAMInBytes: "100", "512k", "64m", "1.5g", "2 GiB" (binary units,
 * case-insensitive, optional "b"/"ib"). Errors are POD_E_INVALID with
 * go-units' text ("invalid size: 'x'", "invalid suffix: 'y'").
 */
int pod_parse_size(const char *s, int64_t *ret, struct pod_err **err);

/*
 * time.ParseDuration: "10s", "1m30s", "500ms", "1.5h", "-2m", "0"; units
 * ns us µs ms s m h. Errors are POD_E_INVALID with Go's text
 * ("time: invalid duration \"x\"", "time: missing unit in duration \"1\"").
 */
int pod_parse_duration(const char *s, int64_t *ret_ns, struct pod_err **err);

#endif
