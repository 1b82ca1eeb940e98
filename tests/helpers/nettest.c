/*
 * nettest - drives lib/net the way the container engine will, for
 * tests/bats/06*-network*.bats, on network namespaces the test made itself.
 *
 *   nettest setup ID NETNS [--name N] [--network SPEC]... [-p SPEC]...
 *   nettest teardown ID [NETNS]
 *   nettest connect ID NETNS NAME NETWORK [IP]
 *   nettest disconnect ID NETNS NETWORK
 *   nettest status ID | resolv ID | hosts ID | reload
 *   nettest parse-port SPEC | parse-mode VALUE...
 *
 * The store is $POD_ROOT / $POD_RUNROOT. Results are JSON on stdout,
 * errors "Error: ..." on stderr with exit 125 (2 for POD_E_INUSE).
 */
#include "core/json.h"
#include "net/net.h"
#include "store/store.h"

static int
fail(struct pod_err *e)
{
	int code = e->kind == POD_E_INUSE ? 2 : e->kind == POD_E_EXISTS ? 3 : 125;

	pod_err_print(e);
	pod_err_free(&e);
	return code;
}

static void
print(json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	printf("%s\n", t);
	free(t);
}

int
main(int argc, char **argv)
{
	struct pod_err *e = NULL;
	struct pod_paths p = { 0 };
	struct pod_store *s = NULL;
	int r = 0;

	if (argc < 2)
		return 2;
	if (STREQ(argv[1], "parse-port") && argc == 3) {
		struct pod_net_port port;
		if (pod_net_port_parse(argv[2], &port, &e) < 0)
			return fail(e);
		printf("%s %u %u %u %u\n", port.host_ip ? port.host_ip : "-",
		       (unsigned) port.host_port, (unsigned) port.container_port,
		       (unsigned) port.range, port.protocols);
		pod_net_port_release(&port);
		return 0;
	}
	if (STREQ(argv[1], "parse-mode")) {
		struct pod_net_mode_spec spec;
		if (pod_net_parse_mode((const char *const *) argv + 2, &spec, &e) < 0)
			return fail(e);
		printf("%d %s", (int) spec.mode, spec.arg ? spec.arg : "-");
		for (size_t i = 0; i < spec.n_networks; i++)
			printf(" %s/%s", spec.networks[i].network ? spec.networks[i].network : "*",
			       spec.networks[i].static_ip ? spec.networks[i].static_ip : "-");
		printf("\n");
		pod_net_mode_spec_release(&spec);
		return 0;
	}
	if (pod_paths_resolve(NULL, NULL, &p, &e) < 0 || pod_store_open(&p, 0, &s, &e) < 0)
		return fail(e);
	if (STREQ(argv[1], "setup") && argc >= 4) {
		const char *name = NULL;
		char **nets = NULL;
		struct pod_net_port ports[64];
		size_t np = 0;
		for (int i = 4; i < argc; i++) {
			if (STREQ(argv[i], "--name") && i + 1 < argc) {
				name = argv[++i];
			} else if (STREQ(argv[i], "--network") && i + 1 < argc) {
				nets = pod_strv_push(nets, xstrdup(argv[++i]));
			} else if (STREQ(argv[i], "-p") && i + 1 < argc && np < 64) {
				if (pod_net_port_parse(argv[++i], &ports[np], &e) < 0)
					return fail(e);
				np++;
			} else {
				fprintf(stderr, "Error: bad argument %s\n", argv[i]);
				return 125;
			}
		}
		struct pod_net_mode_spec spec = { 0 };
		if (nets && pod_net_parse_mode((const char *const *) nets, &spec, &e) < 0)
			return fail(e);
		struct pod_net_request req = {
			.container_name = name,
			.networks = spec.networks,
			.n_networks = spec.n_networks,
			.ports = ports,
			.n_ports = np,
		};
		json_t *status = NULL;
		if (pod_net_setup(s, argv[2], argv[3], &req, &status, &e) < 0)
			r = fail(e);
		else
			print(status);
		json_decref(status);
		pod_net_mode_spec_release(&spec);
		for (size_t i = 0; i < np; i++)
			pod_net_port_release(&ports[i]);
		pod_strv_free(nets);
	} else if (STREQ(argv[1], "teardown") && argc >= 3) {
		if (pod_net_teardown(s, argv[2], argc > 3 ? argv[3] : NULL, &e) < 0)
			r = fail(e);
	} else if (STREQ(argv[1], "connect") && argc >= 6) {
		struct pod_net_attach att = { .network = argv[5],
					      .static_ip = argc > 6 ? argv[6] : NULL };
		if (pod_net_connect(s, argv[2], argv[3], argv[4], &att, &e) < 0)
			r = fail(e);
	} else if (STREQ(argv[1], "disconnect") && argc == 5) {
		if (pod_net_disconnect(s, argv[2], argv[3], argv[4], &e) < 0)
			r = fail(e);
	} else if (STREQ(argv[1], "status") && argc == 3) {
		json_t *st = NULL;
		if (pod_net_status(s, argv[2], &st, &e) < 0)
			r = fail(e);
		else
			print(st);
		json_decref(st);
	} else if (STREQ(argv[1], "resolv") && argc == 3) {
		char *txt = NULL;
		if (pod_net_resolv_conf(s, argv[2], NULL, NULL, &txt, &e) < 0)
			r = fail(e);
		else
			printf("%s", txt ? txt : "");
		free(txt);
	} else if (STREQ(argv[1], "hosts") && argc == 3) {
		char *txt = NULL;
		if (pod_net_hosts_entries(s, argv[2], &txt, &e) < 0)
			r = fail(e);
		else
			printf("%s", txt ? txt : "");
		free(txt);
	} else if (STREQ(argv[1], "reload")) {
		char **ids = NULL;
		if (pod_net_reload(s, &ids, &e) < 0)
			r = fail(e);
		for (size_t i = 0; ids && ids[i]; i++)
			printf("%s\n", ids[i]);
		pod_strv_free(ids);
	} else {
		fprintf(stderr, "Error: bad usage\n");
		r = 2;
	}
	pod_store_close(s);
	pod_paths_release(&p);
	return r;
}
