/* pod-version - display the podutils version (`podman version`) */
#include "cli/output.h"
#include "cli/sysinfo.h"
#include "cli/tool.h"
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
	cleanup_json json_t *v = json_pack("{s:o}", "Client", pod_version_json());

	if (opt.format && *opt.format)
		return pod_output_one("version", opt.format, v, stdout, err);
	if (!ctx->g.dispatched) {
		json_object_set_new(v, "Type", json_string("version"));
		return pod_json_print_line(stdout, v, err);
	}
	json_t *c = json_object_get(v, "Client");
	printf("Version:      %s\n", json_string_value(json_object_get(c, "Version")));
	printf("API Version:  %s\n", json_string_value(json_object_get(c, "APIVersion")));
	printf("Go Version:   %s\n", json_string_value(json_object_get(c, "GoVersion")));
	const char *commit = json_string_value(json_object_get(c, "GitCommit"));
	if (commit && *commit && !STREQ(commit, "unknown"))
		printf("Git Commit:   %s\n", commit);
	printf("Built:        %s\n", json_string_value(json_object_get(c, "BuiltTime")));
	printf("OS/Arch:      %s\n", json_string_value(json_object_get(c, "OsArch")));
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-version",
	.verb = "version",
	.summary = "Display the Podman version information",
	.description = "Display the version information of podutils, in Podman's layout when run "
		       "as `podman version`, as a JSON record when run as pod-version.",
	.usage = "[options]",
	.examples = "podman version\npodman version --format json\n"
		    "podman version --format '{{.Client.Version}}'",
	.options = options,
	.flags = POD_TOOL_NO_ARGS,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
