/* pod-info - display system information (`podman info`) */
#include "cli/output.h"
#include "cli/sysinfo.h"
#include "cli/tool.h"
#include "cli/yamlout.h"
#include "core/json.h"
#include "core/strbuf.h"

static struct {
	char *format;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_STRING('f', "format", "string", &opt.format,
		       "Change the output format to JSON or a Go template"),
	POD_OPT_END
};

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *info = pod_info_json(&ctx->g, err);

	if (!info)
		return -1;
	if (opt.format && *opt.format)
		return pod_output_one("info", opt.format, info, stdout, err);
	if (!ctx->g.dispatched) {
		json_object_set_new(info, "Type", json_string("info"));
		return pod_json_print_line(stdout, info, err);
	}
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	pod_yaml_emit(info, &sb);
	fputs(sb.buf, stdout);
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-info",
	.verb = "info",
	.summary = "Display podman system information",
	.description = "Display information pertaining to the host, current storage stats, and build "
		       "of podman. Useful for the user and when reporting issues.\n\nRun as "
		       "`podman info` it prints YAML like Podman; as pod-info, one JSON record.",
	.usage = "[options]",
	.examples = "podman info\npodman info --format json\npodman info --format '{{.Host.Arch}}'",
	.options = options,
	.flags = POD_TOOL_NO_ARGS,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
