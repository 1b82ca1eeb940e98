/*
 * sysinfo.h - what `podman version` and `podman info` report.
 * Both return new JSON objects (caller owns) in Podman's shape: the
 * json-tag key names of Podman's structs ("host", "cgroupVersion"...);
 * templates address them with Go's field names ({{.Host.Arch}}), which the
 * template engine matches case-insensitively.
 */
#ifndef POD_CLI_SYSINFO_H
#define POD_CLI_SYSINFO_H

#include <jansson.h>

#include "core/err.h"

struct pod_globals;

/* {"APIVersion", "Version", "GoVersion", "GitCommit", "BuiltTime", "Built", "OsArch", "Os"} */
json_t *pod_version_json(void);
/* GOARCH name of this machine: amd64, arm64, ... */
const char *pod_goarch(void);
/* {"host", "plugins", "registries", "store", "version"} */
json_t *pod_info_json(const struct pod_globals *g, struct pod_err **err);

#endif
