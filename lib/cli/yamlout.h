/*
 * yamlout.h - print a JSON value as YAML the way Podman's `info` does
 * (sigs.k8s.io/yaml: JSON first, then yaml.v2): mapping keys sorted
 * bytewise, sequences at their key's indentation, strings quoted only
 * when they would read as something else.
 */
#ifndef POD_CLI_YAMLOUT_H
#define POD_CLI_YAMLOUT_H

#include <jansson.h>

#include "core/strbuf.h"

void pod_yaml_emit(json_t *v, struct pod_strbuf *out);

#endif
