/*
 * yaml.h - a bounded YAML reader (libyaml events -> jansson values) for
 * Kubernetes manifests.
 *
 * pod_kube_yaml_parse() reads every document of a stream into a new JSON
 * array (empty documents are skipped). Plain scalars resolve like the
 * YAML 1.2 core schema plus yaml.v2's yes/no/on/off booleans: null, bool,
 * integer, float, else string; quoted and block scalars are strings;
 * explicit !!str/!!int/!!bool/!!null/!!float tags are honoured. Merge keys
 * (`<<: *base`) fill in keys a mapping does not set itself.
 *
 * Hostile input is refused with POD_E_INVALID and one line naming the
 * source and line: more than POD_KUBE_YAML_MAX_BYTES bytes, nesting deeper
 * than POD_KUBE_YAML_MAX_DEPTH, more than POD_KUBE_YAML_MAX_NODES nodes
 * counting every alias as the nodes it stands for (an anchor bomb), a
 * duplicate mapping key, a non-scalar key, an unknown alias.
 *
 * Aliases share the anchored value (a json_t referenced twice): treat the
 * result as read-only.
 */
#ifndef POD_KUBE_YAML_H
#define POD_KUBE_YAML_H

#include <jansson.h>

#include "core/err.h"

#define POD_KUBE_YAML_MAX_BYTES (4 * 1024 * 1024)
#define POD_KUBE_YAML_MAX_DEPTH 64
#define POD_KUBE_YAML_MAX_NODES 200000

json_t *pod_kube_yaml_parse(const char *buf, size_t len, const char *source,
			    struct pod_err **err);

#endif
