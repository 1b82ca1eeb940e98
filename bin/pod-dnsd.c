/* pod-dnsd - the DNS responder of one network (started by lib/net) */
#include "cli/tool.h"
#include "net/dnsd.h"

static struct {
	char **listen;
	char *hosts;
	char *pid_file;
	char *resolv_conf;
	int64_t port;
} opt = { .port = 53 };

static const struct pod_opt options[] = {
	POD_OPT_STRV(0, "listen", "ADDR[,ADDR]", &opt.listen,
		     "Address(es) to answer on (the network's gateway)"),
	POD_OPT_STRING(0, "hosts", "FILE", &opt.hosts,
		       "Hosts-style file with the names to answer for"),
	POD_OPT_STRING(0, "pid-file", "FILE", &opt.pid_file,
		       "Write the pid here once listening"),
	POD_OPT_STRING(0, "resolv-conf", "FILE", &opt.resolv_conf,
		       "Forward other queries to this file's nameservers (default /etc/resolv.conf)"),
	POD_OPT_INT(0, "port", "PORT", &opt.port, "UDP port to listen on"),
	POD_OPT_END
};

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_strv char **addrs = NULL;
	struct pod_dnsd_opts o = { 0 };

	if (!opt.listen || !opt.hosts)
		return pod_err_set(err, POD_E_INVALID, 0, "--listen and --hosts are required");
	if (opt.port <= 0 || opt.port > 65535)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid port %lld",
				   (long long) opt.port);
	for (size_t i = 0; opt.listen[i]; i++) {
		cleanup_free char *copy = xstrdup(opt.listen[i]);
		char *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			addrs = pod_strv_push(addrs, xstrdup(t));
	}
	o.listen = addrs;
	o.port = (int) opt.port;
	o.hosts_path = opt.hosts;
	o.pid_file = opt.pid_file;
	o.resolv_conf = opt.resolv_conf;
	return pod_dnsd_run(&o, err);
}

static const struct pod_tool tool = {
	.name = "pod-dnsd",
	.verb = "dnsd",
	.summary = "DNS responder for a podutils network",
	.description = "Answers A and AAAA queries for the container names and aliases of one "
		       "network (NAME and NAME.dns.podman) from a hosts-style file that podutils "
		       "rewrites as containers come and go, and forwards other queries to the "
		       "host's nameservers. podutils starts one per network with DNS enabled when "
		       "the first container joins and stops it when the last one leaves.",
	.usage = "--listen ADDR --hosts FILE [--pid-file FILE]",
	.examples = "pod-dnsd --listen 10.89.0.1 --hosts /run/podutils/net/dns/net1.hosts",
	.options = options,
	.flags = POD_TOOL_NO_ARGS,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
