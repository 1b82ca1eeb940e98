/*
 * caps.h - Linux capability names and Podman's rules for computing a
 * container's capability set.
 *
 * Names are "CAP_X" in upper case; input may be given with or without the
 * prefix, in any case ("chown", "Cap_Chown", "CAP_CHOWN"). Returned
 * vectors are NULL-terminated and yours to free with pod_strv_free().
 */
#ifndef POD_RUNTIME_CAPS_H
#define POD_RUNTIME_CAPS_H

#include "core/err.h"
#include "core/util.h"

/* The highest capability number this table knows (CAP_CHECKPOINT_RESTORE). */
#define POD_CAP_MAX 40

/* "CAP_CHOWN" for 0; NULL when out of range. */
const char *pod_cap_name(int cap);
/* The number of a name (any case, prefix optional); -1 when unknown. */
int pod_cap_from_name(const char *name);
/* The highest capability the kernel has (/proc/sys/kernel/cap_last_cap),
 * at most POD_CAP_MAX; POD_CAP_MAX when the file cannot be read. */
int pod_caps_last_cap(void);
/* Podman's default set (containers.conf default_capabilities), 11 names. */
char **pod_caps_default(void);
/* Every capability the kernel has, up to pod_caps_last_cap(). */
char **pod_caps_all(void);
/*
 * Podman's merge of base, --cap-add and --cap-drop (any may be NULL):
 * "ALL" in drop keeps only the added ones, "ALL" in add starts from every
 * capability; a name both added and dropped, or an unknown name, is an
 * error. privileged starts from every capability. The result is sorted,
 * except that with no add and no drop the base comes back as given
 * (normalized).
 */
int pod_caps_compute(char *const *base, char *const *add, char *const *drop, bool privileged,
		     char ***ret, struct pod_err **err);
/* Bit mask of the named capabilities (unknown names are ignored). */
uint64_t pod_caps_mask(char *const *caps);

#endif
