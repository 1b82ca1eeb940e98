/* pause_tool.h - pod-pause and pod-unpause: one body, two directions */
#ifndef POD_CLI_PAUSE_TOOL_H
#define POD_CLI_PAUSE_TOOL_H

#include "cli/tool.h"

struct pod_pause_cli {
	bool all, latest;
	char **cidfile, **filter;
};
extern struct pod_pause_cli pod_pause_opt;

/* the options of both tools; ALL_HELP is --all's text */
#define POD_PAUSE_OPTIONS(all_help)                                                                \
	POD_OPT_BOOL('a', "all", &pod_pause_opt.all, all_help),                                    \
		POD_OPT_STRV(0, "cidfile", "stringArray", &pod_pause_opt.cidfile,                  \
			     "Read the container ID from the file"),                               \
		POD_OPT_STRV('f', "filter", "strings", &pod_pause_opt.filter,                      \
			     "Filter output based on conditions given"),                           \
		POD_OPT_BOOL('l', "latest", &pod_pause_opt.latest,                                 \
			     "Act on the latest container podman is aware of")

/* setup: --all/--filter act on every running (pause) or paused (unpause) container */
int pod_cli_pause_setup(struct pod_ctx *ctx, bool pause, struct pod_err **err);
int pod_cli_pause_each(struct pod_ctx *ctx, const char *target, struct pod_err **err);
int pod_cli_pause_finish(struct pod_ctx *ctx, struct pod_err **err);

#endif
