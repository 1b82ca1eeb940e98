/* pod-top - the processes of a container (`podman top`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/json.h"
#include "core/strbuf.h"

static struct {
	bool latest;
} opt;

static int
print_table(json_t *header, json_t *rows, struct pod_err **err)
{
	cleanup_(pod_table_freep) struct pod_table *t = pod_table_new();
	cleanup_strbuf struct pod_strbuf line = POD_STRBUF_INIT;
	size_t i, j;
	json_t *row, *cell;

	json_array_foreach(header, j, cell)
		pod_strbuf_addf(&line, "%s%s", j ? "\t" : "", json_string_value(cell));
	pod_strbuf_adds(&line, "\n");
	json_array_foreach(rows, i, row) {
		json_array_foreach(row, j, cell)
			pod_strbuf_addf(&line, "%s%s", j ? "\t" : "", json_string_value(cell));
		pod_strbuf_adds(&line, "\n");
	}
	pod_table_add_text(t, line.buf);
	return pod_table_flush(t, stdout, err);
}

static int
print_records(json_t *header, json_t *rows, struct pod_err **err)
{
	size_t i, j;
	json_t *row, *cell;

	json_array_foreach(rows, i, row) {
		cleanup_json json_t *rec = json_pack("{s:s}", "Type", "process");
		json_array_foreach(row, j, cell)
			json_object_set(rec, json_string_value(json_array_get(header, j)), cell);
		if (pod_json_print_line(stdout, rec, err) < 0)
			return -1;
	}
	return 0;
}

static int
top_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *engine = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_json json_t *header = NULL, *rows = NULL;
	cleanup_free char *latest = NULL;
	char *const *descs;
	const char *target;

	if (pod_cli_engine(&ctx->g, true, &engine, err) < 0)
		return -1;
	if (opt.latest) {
		if (pod_cli_latest_ctr(engine, &latest, err) < 0)
			return -1;
		target = latest;
		descs = ctx->args;
	} else {
		if (!ctx->args || !ctx->args[0])
			return pod_err_set(err, POD_E_INVALID, 0,
					   "you must provide the name or id of a running container");
		target = ctx->args[0];
		descs = ctx->args + 1;
	}
	if (pod_ctr_lookup(engine, target, &c, err) < 0)
		return -1;
	if (descs[0] && !pod_ctr_top_descriptors_valid(descs)) {
		/* not descriptors: ps(1) options, run by the container's own ps (Podman) */
		int rc = pod_ctr_top_ps(engine, c, descs, err);
		if (rc < 0)
			return -1;
		if (rc == 127)
			return pod_err_set(err, POD_E_GENERIC, 0,
					   "ps(1) failed with exit code 127: no ps in the container");
		if (rc != 0)
			return pod_err_set(err, POD_E_GENERIC, 0, "ps(1) failed with exit code %d",
					   rc);
		return 0;
	}
	if (pod_ctr_top(engine, c, descs, &header, &rows, err) < 0)
		return -1;
	return ctx->g.dispatched ? print_table(header, rows, err) :
				   print_records(header, rows, err);
}

static const struct pod_opt options[] = {
	POD_OPT_BOOL('l', "latest", &opt.latest,
		     "Act on the latest container podman is aware of"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-top",
	.verb = "top",
	.summary = "Display the running processes of a container",
	.description =
		"Display the running processes of the container.\n\nThe descriptors (user, pid, "
		"ppid, pcpu, etime, tty, time, args, comm, group, nice, rgroup, ruser, vsz, rss, "
		"label, hpid, hgroup, huser, stime, state, pgid, seccomp, capamb, capbnd, capeff, "
		"capinh, capprm, and the AIX aliases %C %G %P %U %a %c %g %n %p %r %t %u %x %y %z) "
		"are read from /proc for the processes in the container's cgroup. Any other "
		"arguments are ps(1) options: the container's own ps runs with them inside the "
		"container's namespaces. Run as pod-top it prints one JSON record per process, "
		"keyed by the column titles.",
	.usage = "[options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]",
	.examples = "podman top ctrID\npodman top --latest\npodman top ctrID pid seccomp args %C\n"
		    "podman top ctrID -eo user,pid,comm",
	.options = options,
	.flags = POD_TOOL_STOP_AT_ARG,
	.run = top_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
