/*
 * names.h - random container and pod names, "adjective_surname" as Podman
 * and Docker make them. The returned string is malloc'd; free it.
 */
#ifndef POD_CORE_NAMES_H
#define POD_CORE_NAMES_H

#include "core/util.h"

char *pod_name_random(void);

#endif
