/*
 * ctr_more.h - container helpers shared by the tools: --label-file and
 * --requires for create/run, and -l/--latest for the container verbs.
 */
#ifndef POD_CLI_CTR_MORE_H
#define POD_CLI_CTR_MORE_H

#include <jansson.h>

#include "cli/tool.h"
#include "runtime/ctr.h"

/*
 * Settings.Labels from --label-file files (KEY=VALUE lines; blank lines and
 * '#' comments skipped) and then --label values, which win.
 */
int pod_ctr_labels_setting(json_t *settings, char *const *files, char *const *labels,
			   struct pod_err **err);
/* Settings.Requires from --requires values (comma-separated names or IDs) */
int pod_ctr_requires_setting(json_t *settings, char *const *requires, struct pod_err **err);

/* Settings.Volumes from -v values: a relative host path ("./dir:/dst") made absolute */
json_t *pod_ctr_volumes_setting(char *const *volumes, struct pod_err **err);

/* the ID of the most recently created container; POD_E_NOTFOUND "no such container" */
int pod_cli_latest_ctr(struct pod_engine *e, char **ret_id, struct pod_err **err);
/*
 * For a tool given -l/--latest: ctx->args becomes the latest container's ID.
 * Other arguments are Podman's "--latest and containers cannot be used
 * together".
 */
int pod_cli_use_latest(struct pod_ctx *ctx, struct pod_engine *e, struct pod_err **err);

#endif
