/* pod-stats - containers' resource usage (`podman stats`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/json.h"
#include "core/strbuf.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_FORMAT                                                                             \
	"table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t"        \
	"{{.BlockIO}}\t{{.PIDs}}\t{{.UpTime}}\t{{.AVGCPU}}"

static struct {
	bool all, latest, no_reset, no_stream, no_trunc;
	char *format;
	int64_t interval;
} opt = { .interval = 5 };

/* the previous sample of a container, for CPU % between two samples */
struct prev {
	char *id;
	uint64_t cpu_ns;
	int64_t at_ns;
};
static struct prev *prevs;
static size_t n_prevs;

static struct prev *
prev_of(const char *id)
{
	for (size_t i = 0; i < n_prevs; i++)
		if (STREQ(prevs[i].id, id))
			return &prevs[i];
	prevs = xrealloc(prevs, (n_prevs + 1) * sizeof(*prevs));
	prevs[n_prevs] = (struct prev){ .id = xstrdup(id) };
	return &prevs[n_prevs++];
}

/* Go's time.Duration.String() */
static char *
go_duration(uint64_t u)
{
	char frac[16] = "";
	uint64_t s, ns, h, m;

	if (u == 0)
		return xstrdup("0s");
	if (u < 1000)
		return xasprintf("%" PRIu64 "ns", u);
	if (u < 1000000000ULL) {
		bool ms = u >= 1000000;
		uint64_t div = ms ? 1000000 : 1000;
		if (u % div) {
			int len = snprintf(frac, sizeof(frac), ".%0*" PRIu64, ms ? 6 : 3, u % div);
			while (len > 1 && frac[len - 1] == '0')
				frac[--len] = '\0';
		}
		return xasprintf("%" PRIu64 "%s%s", u / div, frac, ms ? "ms" : "µs");
	}
	s = u / 1000000000ULL;
	ns = u % 1000000000ULL;
	if (ns) {
		int len = snprintf(frac, sizeof(frac), ".%09" PRIu64, ns);
		while (len > 1 && frac[len - 1] == '0')
			frac[--len] = '\0';
	}
	h = s / 3600;
	m = (s % 3600) / 60;
	s %= 60;
	if (h)
		return xasprintf("%" PRIu64 "h%" PRIu64 "m%" PRIu64 "%ss", h, m, s, frac);
	if (m)
		return xasprintf("%" PRIu64 "m%" PRIu64 "%ss", m, s, frac);
	return xasprintf("%" PRIu64 "%ss", s, frac);
}

/* units.BytesSize: binary units, 4 significant digits */
static char *
bytes_size(uint64_t b)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double) b;
	size_t i = 0;

	while (v >= 1024.0 && i + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		i++;
	}
	return xasprintf("%.4g%s", v, units[i]);
}

static json_t *
str_take(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

static char *
pair(char *a, char *b)
{
	char *r = xasprintf("%s / %s", a, b);

	free(a);
	free(b);
	return r;
}

/* the object --format templates see (Podman's define.ContainerStats view) */
static json_t *
stats_obj(const struct pod_ctr *c, const struct pod_ctr_stats *s)
{
	struct prev *p = prev_of(c->id);
	double cpu = 0, avg = 0, memperc = 0;
	char id[13];
	json_t *o;

	snprintf(id, sizeof(id), "%.12s", c->id);
	if (s->running) {
		int64_t up = s->at_ns - s->started_ns;
		int64_t since = p->at_ns ? s->at_ns - p->at_ns : up;
		uint64_t dcpu = p->at_ns && s->cpu_ns >= p->cpu_ns ? s->cpu_ns - p->cpu_ns :
								      s->cpu_ns;
		if (since > 0)
			cpu = (double) dcpu / (double) since * 100.0;
		if (up > 0)
			avg = (double) s->cpu_ns / (double) up * 100.0;
		if (s->mem_limit)
			memperc = (double) s->mem_usage / (double) s->mem_limit * 100.0;
		p->cpu_ns = s->cpu_ns;
		p->at_ns = s->at_ns;
	}
	o = json_object();
	json_object_set_new(o, "ID", json_string(opt.no_trunc ? c->id : id));
	json_object_set_new(o, "ContainerID", json_string(c->id));
	json_object_set_new(o, "Name", json_string(c->name));
	json_object_set_new(o, "CPUPerc", json_sprintf("%.2f%%", cpu));
	json_object_set_new(o, "MemUsage",
			    str_take(pair(pod_human_size_prec((int64_t) s->mem_usage, 4, false),
							  pod_human_size_prec((int64_t) s->mem_limit, 4, false))));
	json_object_set_new(o, "MemUsageBytes",
			    str_take(pair(bytes_size(s->mem_usage),
							  bytes_size(s->mem_limit))));
	json_object_set_new(o, "MemPerc", json_sprintf("%.2f%%", memperc));
	json_object_set_new(o, "NetIO",
			    str_take(pair(pod_human_size_prec((int64_t) s->net_rx, 4, false),
							  pod_human_size_prec((int64_t) s->net_tx, 4, false))));
	json_object_set_new(o, "BlockIO",
			    str_take(pair(pod_human_size_prec((int64_t) s->block_read, 4, false),
							  pod_human_size_prec((int64_t) s->block_write, 4, false))));
	json_object_set_new(o, "PIDs", json_sprintf("%" PRIu64, s->pids));
	json_object_set_new(o, "UpTime", str_take(go_duration(s->cpu_ns)));
	json_object_set_new(o, "AVGCPU", json_sprintf("%.2f%%", avg));
	json_object_set_new(o, "CPU", json_real(cpu));
	json_object_set_new(o, "MemUsageRaw", json_integer((json_int_t) s->mem_usage));
	json_object_set_new(o, "MemLimit", json_integer((json_int_t) s->mem_limit));
	json_object_set_new(o, "CPUNano", json_integer((json_int_t) s->cpu_ns));
	json_object_set_new(o, "NetInput", json_integer((json_int_t) s->net_rx));
	json_object_set_new(o, "NetOutput", json_integer((json_int_t) s->net_tx));
	json_object_set_new(o, "BlockInput", json_integer((json_int_t) s->block_read));
	json_object_set_new(o, "BlockOutput", json_integer((json_int_t) s->block_write));
	json_object_set_new(o, "PIDsRaw", json_integer((json_int_t) s->pids));
	return o;
}

/* Podman's --format json: lower-case keys, one-space indent */
static json_t *
json_view(json_t *o)
{
	return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id",
			 json_object_get(o, "ID"), "name", json_object_get(o, "Name"), "cpu_time",
			 json_object_get(o, "UpTime"), "cpu_percent", json_object_get(o, "CPUPerc"),
			 "avg_cpu", json_object_get(o, "AVGCPU"), "mem_usage",
			 json_object_get(o, "MemUsage"), "mem_percent",
			 json_object_get(o, "MemPerc"), "net_io", json_object_get(o, "NetIO"),
			 "block_io", json_object_get(o, "BlockIO"), "pids",
			 json_object_get(o, "PIDs"));
}

static int
cmp_ctr(const void *a, const void *b)
{
	return strcmp((*(struct pod_ctr *const *) a)->id, (*(struct pod_ctr *const *) b)->id);
}

struct kept {
	struct pod_ctr **v;
	size_t n;
};

static int
keep_ctr(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	struct kept *k = data;

	if (c->state != POD_CTR_RUNNING && c->state != POD_CTR_PAUSED) {
		if (!opt.all) {
			pod_ctr_free(c);
			return 0;
		}
		/* a stopped one's stats are zeros with its ID and name: its data can go */
		json_decref(c->data);
		c->data = NULL;
		c->settings = NULL;
	}
	k->v = xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
	k->v[k->n++] = c;
	return 0;
}

/* the containers of this round: the targets, else every running one (-a: every one) */
static int
collect(struct pod_ctx *ctx, struct pod_engine *engine, const char *latest,
	struct pod_ctr ***ret, size_t *ret_n, struct pod_err **err)
{
	struct pod_ctr **v = NULL;
	size_t n = 0;

	if (latest || (ctx->args && ctx->args[0])) {
		const char *one[] = { latest, NULL };
		char *const *names = latest ? (char *const *) one : ctx->args;
		for (size_t i = 0; names[i]; i++) {
			struct pod_ctr *c = NULL;
			if (pod_ctr_lookup(engine, names[i], &c, err) < 0) {
				pod_ctr_list_free(v, n);
				pod_err_wrap(err, "unable to look up container %s", names[i]);
				return pod_err_wrap(err, "unable to get list of containers");
			}
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = c;
		}
	} else {
		/* only the kept ones stay loaded: the store may hold thousands of stopped ones */
		struct kept k = { NULL, 0 };
		if (pod_ctr_list_each(engine, keep_ctr, &k, err) < 0) {
			pod_ctr_list_free(k.v, k.n);
			return -1;
		}
		v = k.v;
		n = k.n;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_ctr);
	*ret = v;
	*ret_n = n;
	return 0;
}

static int
one_round(struct pod_ctx *ctx, struct pod_engine *engine, const char *latest,
	  struct pod_err **err)
{
	struct pod_ctr **v = NULL;
	size_t n = 0;
	cleanup_json json_t *records = json_array();
	cleanup_json json_t *headers = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID", "ID",
		"ContainerID", "CONTAINER ID", "Name", "NAME", "CPUPerc", "CPU %", "MemUsage",
		"MEM USAGE / LIMIT", "MemUsageBytes", "MEM USAGE / LIMIT", "MemPerc", "MEM %",
		"NetIO", "NET IO", "BlockIO", "BLOCK IO", "PIDs", "PIDS", "UpTime", "CPU TIME",
		"AVGCPU", "AVG CPU %", "CPU", "CPU");
	const char *fmt = opt.format && *opt.format ? opt.format : DEFAULT_FORMAT;
	bool lines = !ctx->g.dispatched && !(opt.format && *opt.format);
	/* a template's rows are rendered one container at a time, not held as objects */
	cleanup_(pod_record_out_freep) struct pod_record_out *out = NULL;
	struct pod_strbuf *texts = NULL;
	int rc = -1;

	if (!lines && !pod_format_is_json(fmt)) {
		out = pod_record_out_new("stats", fmt, headers, false, 0, stdout, err);
		if (!out)
			return -1;
		if (pod_record_out_whole(out))
			out = pod_record_out_free(out);
	}
	if (collect(ctx, engine, latest, &v, &n, err) < 0)
		return -1;
	texts = xcalloc(n + 1, sizeof(*texts));
	for (size_t i = 0; i < n; i++)
		pod_strbuf_init(&texts[i]);
	for (size_t i = 0; i < n; i++) {
		struct pod_ctr_stats s;
		if (pod_ctr_stats(engine, v[i], &s, err) < 0)
			goto out;
		if (!out) {
			json_array_append_new(records, stats_obj(v[i], &s));
			continue;
		}
		cleanup_json json_t *o = stats_obj(v[i], &s);
		if (pod_record_out_render(out, o, &texts[i], err) < 0)
			goto out;
	}
	if (out) {
		for (size_t i = 0; i < n; i++)
			if (pod_record_out_put(out, texts[i].buf, texts[i].len, err) < 0)
				goto out;
		if (pod_record_out_end(out, err) < 0)
			goto out;
	} else if (lines) {
		size_t i;
		json_t *o;
		json_array_foreach(records, i, o) {
			json_object_set_new(o, "Type", json_string("stats"));
			if (pod_json_print_line(stdout, o, err) < 0)
				goto out;
		}
	} else if (opt.format && pod_format_is_json(opt.format)) {
		cleanup_json json_t *arr = json_array();
		cleanup_free char *text = NULL;
		size_t i;
		json_t *o;
		json_array_foreach(records, i, o)
			json_array_append_new(arr, json_view(o));
		text = json_dumps(arr, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		if (printf("%s\n", text) < 0)
			goto out;
	} else if (pod_format_records("stats", fmt, records, headers, false, stdout, err) < 0) {
		goto out;
	}
	if (fflush(stdout) != 0) {
		pod_err_set(err, POD_E_IO, 0, "writing stats");
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; texts && i < n; i++)
		pod_strbuf_release(&texts[i]);
	free(texts);
	pod_ctr_list_free(v, n);
	return rc;
}

static int
stats_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *engine = NULL;
	cleanup_free char *latest = NULL;
	int rc;

	if (opt.interval < 1)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid interval, must be a positive "
				   "number greater zero");
	if (opt.all && opt.latest)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--all and --latest cannot be used together");
	if (opt.latest && ctx->args && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--latest and containers cannot be used together");
	if (pod_cli_engine(&ctx->g, true, &engine, err) < 0)
		return -1;
	if (opt.latest && pod_cli_latest_ctr(engine, &latest, err) < 0)
		return -1;
	for (;;) {
		/* redraw in place, like Podman (goterm's Clear and MoveCursor(1, 1)) */
		if (!opt.no_stream && !opt.no_reset && ctx->g.dispatched)
			fputs("\033[2J\033[1;1H", stdout);
		rc = one_round(ctx, engine, latest, err);
		if (rc < 0 || opt.no_stream)
			break;
		{
			struct timespec ts = { .tv_sec = (time_t) opt.interval };
			while (nanosleep(&ts, &ts) < 0)
				;
		}
	}
	for (size_t i = 0; i < n_prevs; i++)
		free(prevs[i].id);
	free(prevs);
	return rc;
}

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all,
		     "Show all containers. Only running containers are shown by default. The "
		     "default is false"),
	POD_OPT_STRING(0, "format", "string", &opt.format,
		       "Pretty-print container statistics to JSON or using a Go template"),
	POD_OPT_INT('i', "interval", "int", &opt.interval,
		    "Time in seconds between stats reports (default 5)"),
	POD_OPT_BOOL('l', "latest", &opt.latest,
		     "Act on the latest container podman is aware of"),
	POD_OPT_BOOL(0, "no-reset", &opt.no_reset,
		     "Disable resetting the screen between intervals"),
	POD_OPT_BOOL(0, "no-stream", &opt.no_stream,
		     "Disable streaming stats and only pull the first result, default setting is "
		     "false"),
	POD_OPT_BOOL(0, "no-trunc", &opt.no_trunc, "Do not truncate output"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-stats",
	.verb = "stats",
	.summary = "Display a live stream of container resource usage statistics",
	.description =
		"Display percentage of CPU, memory, network I/O, block I/O and PIDs for one or "
		"more containers.\n\nFigures come from the container's cgroup (v1 or v2) and "
		"its network namespace (/proc/PID/net/dev, every interface but lo). CPU % is "
		"the share of one CPU since the previous sample (the first sample: since the "
		"container started); AVG CPU % since it started. Run as pod-stats without "
		"--format it prints one JSON record per container and sample.",
	.usage = "[options] [CONTAINER...]",
	.examples = "podman stats --all --no-stream\npodman stats ctrID\n"
		    "podman stats --no-stream --format \"table {{.ID}} {{.Name}} {{.MemUsage}}\" "
		    "ctrID",
	.options = options,
	.run = stats_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
