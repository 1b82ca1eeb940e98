/*
 * output.h - printing one object or a list the way a tool was asked to:
 * `--format json` (Podman's indented JSON), `--format TEMPLATE` (Go
 * template, `table` templates through the tabwriter with a header row),
 * or a record per line for pipelines.
 */
#ifndef POD_CLI_OUTPUT_H
#define POD_CLI_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "core/err.h"

/*
 * One object: "json" (or "{{json .}}") -> indented JSON; otherwise a
 * template executed on the object, newline-terminated. name is the
 * command name for template error messages ("version").
 */
int pod_output_one(const char *name, const char *format, json_t *obj, FILE *out,
		   struct pod_err **err);

#endif
