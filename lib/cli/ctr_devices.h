/*
 * ctr_devices.h - --device, --device-read-bps/--device-write-bps and
 * --sysctl values checked as Podman checks them at create, for `pod
 * create` (its infra container, its members and its cgroup).
 *
 * pod_ctr_devices_setting() returns a new array of Settings.Devices
 * entries {PathOnHost, PathInContainer, CgroupPermissions} (specgen.h): a
 * symlink is resolved, a directory gives every device node below it.
 */
#ifndef POD_CLI_CTR_DEVICES_H
#define POD_CLI_CTR_DEVICES_H

#include <jansson.h>

#include "core/err.h"

/* "HOST[:CTR][:PERMS]" values; NULL (err set) on a bad value or a missing device */
json_t *pod_ctr_devices_setting(char *const *values, struct pod_err **err);

/*
 * --device-read-bps/--device-write-bps "PATH:RATE" values -> OCI
 * blockIO.throttle*Device entries [{major, minor, rate}] (RATE as
 * units.RAMInBytes: "1mb" is 1048576); Podman's errors.
 */
json_t *pod_ctr_throttle_setting(char *const *values, struct pod_err **err);

/* KEY=VALUE, and a key Podman allows (IPC kernel.*, fs.mqueue.*, net.*) */
int pod_ctr_sysctls_check(char *const *values, struct pod_err **err);

#endif
