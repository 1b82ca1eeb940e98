/*
 * test-net.c - lib/net without touching the host: addresses, -p and
 * --network parsing, the DNS responder, firewall rule text, network
 * definitions and IPAM in a temporary store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/fs.h"
#include "net/dnsd.h"
#include "net/internal.h"
#include "store/store.h"

#include <dirent.h>
#include <libgen.h>

static char *
data_dir(const char *parser)
{
	const char *env = getenv("POD_TEST_DATA");
	cleanup_free char *src = xstrdup(__FILE__);

	if (env && *env)
		return xasprintf("%s/%s", env, parser);
	return xasprintf("%s/data/%s", dirname(src), parser);
}

static char *
slurp(const char *path, size_t *ret_len)
{
	struct pod_err *e = NULL;
	char *buf = NULL;
	size_t len = 0;

	if (pod_read_file(path, &buf, &len, 1 << 20, &e) < 0) {
		pod_err_free(&e);
		return NULL;
	}
	if (ret_len)
		*ret_len = len;
	else if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

typedef void (*case_fn)(const char *dir, const char *name, bool valid);

static void
each_case(const char *parser, case_fn fn)
{
	cleanup_free char *base = data_dir(parser);
	static const char *const kinds[] = { "valid", "invalid" };
	size_t n = 0;

	for (size_t k = 0; k < 2; k++) {
		cleanup_free char *kd = xasprintf("%s/%s", base, kinds[k]);
		DIR *d = opendir(kd);
		struct dirent *de;

		assert_non_null(d);
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			cleanup_free char *cd = xasprintf("%s/%s", kd, de->d_name);
			fn(cd, de->d_name, k == 0);
			n++;
		}
		closedir(d);
	}
	assert_true(n >= 4);
}

/* ---- addresses ---- */

static void
test_addr(void **state)
{
	struct pod_net_cidr c, d;
	struct pod_net_ip ip, first, last;
	char buf[POD_NET_IP_STRLEN];

	(void) state;
	assert_true(pod_net_cidr_parse("10.89.0.5/24", true, &c));
	pod_net_ip_str(&c.ip, buf);
	assert_string_equal(buf, "10.89.0.0");
	assert_false(pod_net_cidr_parse("10.89.0.5/24", false, &c));
	assert_false(pod_net_cidr_parse("10.89.0.0/33", true, &c));
	assert_false(pod_net_cidr_parse("10.89.0.0", true, &c));
	assert_false(pod_net_cidr_parse("10.89.0.0/+8", true, &c));
	assert_false(pod_net_ip_parse("1.2.3", &ip));
	assert_false(pod_net_ip_parse("", &ip));
	assert_true(pod_net_cidr_parse("10.88.0.0/16", true, &c));
	pod_net_cidr_first(&c, &first);
	pod_net_cidr_last(&c, &last);
	pod_net_ip_str(&last, buf);
	assert_string_equal(buf, "10.88.255.255");
	assert_true(pod_net_ip_parse("10.88.0.255", &ip));
	assert_true(pod_net_ip_add(&ip, 1));
	pod_net_ip_str(&ip, buf);
	assert_string_equal(buf, "10.88.1.0");
	assert_true(pod_net_ip_add(&ip, -257));
	pod_net_ip_str(&ip, buf);
	assert_string_equal(buf, "10.87.255.255");
	assert_true(pod_net_ip_parse("255.255.255.255", &ip));
	assert_false(pod_net_ip_add(&ip, 1));
	assert_true(pod_net_cidr_contains(&c, &first));
	assert_true(pod_net_cidr_parse("10.88.3.0/24", true, &d));
	assert_true(pod_net_cidr_overlaps(&c, &d));
	assert_true(pod_net_cidr_parse("10.89.0.0/24", true, &d));
	assert_false(pod_net_cidr_overlaps(&c, &d));

	/* the pools Podman hands out */
	struct pod_net_cidr pool, nth;
	assert_true(pod_net_cidr_parse("10.89.0.0/16", true, &pool));
	assert_true(pod_net_cidr_nth(&pool, 24, 0, &nth));
	cleanup_free char *s0 = pod_net_cidr_strdup(&nth);
	assert_string_equal(s0, "10.89.0.0/24");
	assert_true(pod_net_cidr_nth(&pool, 24, 255, &nth));
	cleanup_free char *s255 = pod_net_cidr_strdup(&nth);
	assert_string_equal(s255, "10.89.255.0/24");
	assert_false(pod_net_cidr_nth(&pool, 24, 256, &nth));
	assert_false(pod_net_cidr_nth(&pool, 8, 0, &nth));

	/* IPv6 */
	assert_true(pod_net_cidr_parse("fd00:1:2:3::/64", true, &c));
	assert_true(pod_net_ip_parse("fd00:1:2:3::ffff", &ip));
	assert_true(pod_net_cidr_contains(&c, &ip));
	assert_true(pod_net_ip_parse("fd00:1:2:3:ffff:ffff:ffff:ffff", &ip));
	assert_true(pod_net_ip_add(&ip, 1));
	pod_net_ip_str(&ip, buf);
	assert_string_equal(buf, "fd00:1:2:4::");
	assert_false(pod_net_cidr_contains(&c, &ip));
}

/* ---- -p ---- */

static void
port_case(const char *dir, const char *name, bool valid)
{
	cleanup_free char *ip = xasprintf("%s/input", dir);
	cleanup_free char *input = slurp(ip, NULL);
	cleanup_free char *wp = xasprintf("%s/%s", dir, valid ? "expected" : "error");
	cleanup_free char *want = slurp(wp, NULL);
	struct pod_net_port p;
	struct pod_err *e = NULL;

	assert_non_null(input);
	assert_non_null(want);
	int r = pod_net_port_parse(input, &p, &e);
	if (valid) {
		if (r < 0)
			fail_msg("%s: %s", name, e->msg);
		cleanup_free char *got = xasprintf("%s %u %u %u %u", p.host_ip ? p.host_ip : "-",
						   (unsigned) p.host_port, (unsigned) p.container_port,
						   (unsigned) p.range, p.protocols);
		if (!STREQ(got, want))
			fail_msg("%s: got \"%s\", want \"%s\"", name, got, want);
		pod_net_port_release(&p);
	} else {
		if (r == 0)
			fail_msg("%s: parsed", name);
		assert_int_equal(e->kind, POD_E_INVALID);
		if (!STREQ(e->msg, want))
			fail_msg("%s: error \"%s\", want \"%s\"", name, e->msg, want);
		pod_err_free(&e);
	}
}

static void
test_port_parse(void **state)
{
	(void) state;
	each_case("port", port_case);
}

/* ---- --network ---- */

static void
test_mode_parse(void **state)
{
	struct pod_net_mode_spec spec;
	struct pod_err *e = NULL;

	(void) state;
	assert_int_equal(pod_net_parse_mode(NULL, &spec, &e), 0);
	assert_int_equal(spec.mode, POD_NET_MODE_DEFAULT);
	pod_net_mode_spec_release(&spec);

	const char *none[] = { "none", NULL };
	assert_int_equal(pod_net_parse_mode(none, &spec, &e), 0);
	assert_int_equal(spec.mode, POD_NET_MODE_NONE);
	pod_net_mode_spec_release(&spec);

	const char *ns[] = { "ns:/run/netns/x", NULL };
	assert_int_equal(pod_net_parse_mode(ns, &spec, &e), 0);
	assert_int_equal(spec.mode, POD_NET_MODE_NS);
	assert_string_equal(spec.arg, "/run/netns/x");
	pod_net_mode_spec_release(&spec);

	const char *ctr[] = { "container:web", NULL };
	assert_int_equal(pod_net_parse_mode(ctr, &spec, &e), 0);
	assert_int_equal(spec.mode, POD_NET_MODE_CONTAINER);
	assert_string_equal(spec.arg, "web");
	pod_net_mode_spec_release(&spec);

	const char *list[] = { "a,b", "c:ip=10.89.0.5,mac=02:00:00:00:00:01,alias=x,alias=y", NULL };
	assert_int_equal(pod_net_parse_mode(list, &spec, &e), 0);
	assert_int_equal(spec.mode, POD_NET_MODE_BRIDGE);
	assert_int_equal(spec.n_networks, 3);
	assert_string_equal(spec.networks[1].network, "b");
	assert_string_equal(spec.networks[2].static_ip, "10.89.0.5");
	assert_string_equal(spec.networks[2].static_mac, "02:00:00:00:00:01");
	assert_string_equal(spec.networks[2].aliases[1], "y");
	pod_net_mode_spec_release(&spec);

	const char *bridge[] = { "bridge:ip=10.88.0.9", NULL };
	assert_int_equal(pod_net_parse_mode(bridge, &spec, &e), 0);
	assert_null(spec.networks[0].network);
	assert_string_equal(spec.networks[0].static_ip, "10.88.0.9");
	pod_net_mode_spec_release(&spec);

	const char *const bad[][3] = {
		{ "host", "net1", NULL },
		{ "a", "none", NULL },
		{ "a,a", NULL, NULL },
		{ "a:ip=nonsense", NULL, NULL },
		{ "a:foo=1", NULL, NULL },
		{ "slirp4netns", NULL, NULL },
		{ "ns:", NULL, NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(pod_net_parse_mode(bad[i], &spec, &e), -1);
		assert_int_equal(e->kind, POD_E_INVALID);
		pod_err_free(&e);
	}
}

/* ---- DNS ---- */

static const char hosts_text[] = "# comment\n"
				 "10.89.0.2 web alpha\n"
				 "fd00::2 web\n"
				 "garbage line\n"
				 "10.89.0.3 Beta\n";

static void
dns_case(const char *dir, const char *name, bool valid)
{
	cleanup_free char *ip = xasprintf("%s/input", dir);
	size_t len = 0;
	cleanup_free char *input = slurp(ip, &len);
	cleanup_free char *wp = xasprintf("%s/%s", dir, valid ? "expected" : "error");
	cleanup_free char *want = slurp(wp, NULL);
	cleanup_(pod_dns_hosts_freep) struct pod_dns_hosts *h = pod_dns_hosts_parse(hosts_text);
	uint8_t out[POD_DNS_MAX_PACKET];
	size_t olen = 0;
	char got[64];

	assert_non_null(input);
	enum pod_dns_verdict v = pod_dns_answer(h, (const uint8_t *) input, len, out, &olen);
	if (v == POD_DNS_DROP)
		snprintf(got, sizeof(got), "drop");
	else if (v == POD_DNS_FORWARD)
		snprintf(got, sizeof(got), "forward");
	else {
		assert_true(olen >= 12);
		assert_true(out[2] & 0x80);			/* a response */
		assert_memory_equal(out, input, 2);		/* same ID */
		snprintf(got, sizeof(got), "reply %d %d", out[3] & 0xf, (out[6] << 8) | out[7]);
	}
	if (!STREQ(got, want))
		fail_msg("%s: got \"%s\", want \"%s\"", name, got, want);
}

static void
test_dns_cases(void **state)
{
	(void) state;
	each_case("dns", dns_case);
}

static size_t
build_query(uint8_t *q, const char *name, uint16_t qtype)
{
	size_t w = 12;

	memset(q, 0, 12);
	q[0] = 0xab;
	q[1] = 0xcd;
	q[2] = 0x01;
	q[5] = 1;
	cleanup_free char *copy = xstrdup(name);
	char *save = NULL;
	for (char *l = strtok_r(copy, ".", &save); l; l = strtok_r(NULL, ".", &save)) {
		q[w++] = (uint8_t) strlen(l);
		memcpy(q + w, l, strlen(l));
		w += strlen(l);
	}
	q[w++] = 0;
	q[w++] = (uint8_t) (qtype >> 8);
	q[w++] = (uint8_t) qtype;
	q[w++] = 0;
	q[w++] = 1;
	return w;
}

static void
test_dns_answer(void **state)
{
	cleanup_(pod_dns_hosts_freep) struct pod_dns_hosts *h = pod_dns_hosts_parse(hosts_text);
	uint8_t q[512], out[POD_DNS_MAX_PACKET];
	size_t ql, olen;

	(void) state;
	ql = build_query(q, "beta", 1);
	assert_int_equal(pod_dns_answer(h, q, ql, out, &olen), POD_DNS_REPLY);
	assert_int_equal(olen, ql + 16);
	assert_int_equal(out[2] & 0x04, 0x04); /* authoritative */
	const uint8_t want[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 89, 0, 3 };
	assert_memory_equal(out + ql, want, sizeof(want));

	ql = build_query(q, "web.dns.podman", 28);
	assert_int_equal(pod_dns_answer(h, q, ql, out, &olen), POD_DNS_REPLY);
	assert_int_equal(olen, ql + 28);
	assert_int_equal(out[ql + 11], 16);
	assert_int_equal(out[ql + 12], 0xfd);

	/* no hosts at all: our domain is NXDOMAIN, the rest goes upstream */
	ql = build_query(q, "web.dns.podman", 1);
	assert_int_equal(pod_dns_answer(NULL, q, ql, out, &olen), POD_DNS_REPLY);
	assert_int_equal(out[3] & 0xf, 3);
	ql = build_query(q, "example.org", 1);
	assert_int_equal(pod_dns_answer(NULL, q, ql, out, &olen), POD_DNS_FORWARD);
}

/* ---- firewall rule text ---- */

static void
test_fw_rules(void **state)
{
	struct pod_net_network n = { .name = (char *) "n1", .id = (char *) "abc",
				     .driver = (char *) "bridge", .interface = (char *) "podman1" };
	struct pod_net_subnet sub = { 0 };

	(void) state;
	assert_true(pod_net_cidr_parse("10.89.0.0/24", true, &sub.cidr));
	n.subnets = &sub;
	n.n_subnets = 1;
	cleanup_free char *r = pod_fw_network_rules(&n);
	assert_non_null(strstr(r, "add rule inet podutils postrouting ip saddr 10.89.0.0/24 "
				  "oifname != \"podman1\" masquerade comment \"net:abc\"\n"));
	assert_null(strstr(r, "drop"));
	n.internal = true;
	cleanup_free char *ri = pod_fw_network_rules(&n);
	assert_null(strstr(ri, "masquerade"));
	assert_non_null(strstr(ri, "iifname \"podman1\" oifname != \"podman1\" drop"));

	struct pod_net_port ports[] = {
		{ .host_ip = (char *) "127.0.0.1", .host_port = 8080, .container_port = 80,
		  .range = 1, .protocols = POD_NET_TCP },
		{ .host_port = 9000, .container_port = 90, .range = 2,
		  .protocols = POD_NET_TCP | POD_NET_UDP },
	};
	struct pod_fw_target t = { .ports = ports, .n_ports = 2 };
	assert_true(pod_net_ip_parse("10.89.0.2", &t.cip4));
	t.subnet4 = sub.cidr;
	cleanup_free char *rc = pod_fw_container_rules("ID", &t, 1);
	assert_non_null(strstr(rc, "add rule inet podutils prerouting fib daddr type local ip daddr "
				   "127.0.0.1 tcp dport 8080 dnat ip to 10.89.0.2:80 comment "
				   "\"ctr:ID\"\n"));
	assert_non_null(strstr(rc, "add rule inet podutils output fib daddr type local ip daddr "
				   "127.0.0.1 tcp dport 8080 dnat ip to 10.89.0.2:80"));
	assert_non_null(strstr(rc, "udp dport 9000-9001 dnat ip to 10.89.0.2 : udp dport map "
				   "{ 9000 : 90, 9001 : 91 }"));
	assert_non_null(strstr(rc, "ip daddr 10.89.0.2 ct status dnat ip saddr { 127.0.0.0/8, "
				   "10.89.0.0/24 } masquerade"));
	/* a v4 host address never maps to a v6 container address */
	struct pod_fw_target t6 = { .ports = ports, .n_ports = 1 };
	assert_true(pod_net_ip_parse("fd00::2", &t6.cip6));
	cleanup_free char *r6 = pod_fw_container_rules("ID", &t6, 1);
	assert_string_equal(r6, "");
}

/* ---- definitions and IPAM in a store ---- */

struct fixture {
	char *dir;
	struct pod_store *s;
};

static int
store_setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct pod_paths p = { 0 };
	struct pod_err *e = NULL;

	f->dir = xstrdup("/tmp/test-net-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	cleanup_free char *root = xasprintf("%s/root", f->dir);
	cleanup_free char *run = xasprintf("%s/run", f->dir);
	assert_int_equal(pod_paths_resolve(root, run, &p, &e), 0);
	assert_int_equal(pod_store_open(&p, 0, &f->s, &e), 0);
	pod_paths_release(&p);
	*state = f;
	return 0;
}

static int
store_teardown(void **state)
{
	struct fixture *f = *state;
	struct pod_err *e = NULL;

	pod_store_close(f->s);
	assert_int_equal(pod_rm_rf(f->dir, &e), 0);
	free(f->dir);
	free(f);
	return 0;
}

static void
test_definitions(void **state)
{
	struct fixture *f = *state;
	struct pod_err *e = NULL;
	json_t *n = NULL;

	assert_int_equal(pod_net_inspect(f->s, "podman", &n, &e), 0);
	assert_string_equal(json_string_value(json_object_get(n, "id")),
			    "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9");
	json_decref(n);
	assert_int_equal(pod_net_inspect(f->s, "2f259b", &n, &e), 0);
	json_decref(n);

	const char *subnets[] = { "10.213.50.0/24", NULL };
	const char *ranges[] = { "10.213.50.8/30", NULL };
	struct pod_net_create_opts o = { .name = "t1", .subnets = subnets, .ip_ranges = ranges };
	assert_int_equal(pod_net_create(f->s, &o, &n, &e), 0);
	json_decref(n);
	assert_int_equal(pod_net_create(f->s, &o, &n, &e), -1);
	assert_int_equal(e->kind, POD_E_EXISTS);
	pod_err_free(&e);

	/* IPAM: the range 10.213.50.9 - .11, then exhausted; static addresses checked */
	cleanup_network struct pod_net_network *net = NULL;
	assert_int_equal(pod_net_network_load(f->s, "t1", &net, &e), 0);
	const struct pod_net_subnet *sub = pod_net_network_subnet(net, AF_INET);
	assert_non_null(sub);
	struct pod_net_ip ip;
	char buf[POD_NET_IP_STRLEN];
	const char *want[] = { "10.213.50.9", "10.213.50.10", "10.213.50.11" };
	assert_int_equal(pod_store_begin(f->s, true, &e), 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		cleanup_free char *id = xasprintf("c%zu", i);
		assert_int_equal(pod_net_ipam_alloc(f->s, net, sub, id, NULL, &ip, &e), 0);
		pod_net_ip_str(&ip, buf);
		assert_string_equal(buf, want[i]);
	}
	assert_int_equal(pod_net_ipam_alloc(f->s, net, sub, "c9", NULL, &ip, &e), -1);
	assert_string_equal(e->msg, "IPAM error: failed to find free IP in range: 10.213.50.9 - "
				    "10.213.50.11");
	pod_err_free(&e);
	assert_int_equal(pod_net_ipam_alloc(f->s, net, sub, "c9", "10.213.50.10", &ip, &e), -1);
	assert_string_equal(e->msg, "IPAM error: requested ip address 10.213.50.10 is already "
				    "allocated to container ID c1");
	pod_err_free(&e);
	assert_int_equal(pod_net_ipam_alloc(f->s, net, sub, "c9", "10.213.50.1", &ip, &e), -1);
	pod_err_free(&e);
	assert_int_equal(pod_net_ipam_alloc(f->s, net, sub, "c9", "10.213.51.1", &ip, &e), -1);
	assert_string_equal(e->msg, "requested static ip 10.213.51.1 not in any subnet on network t1");
	pod_err_free(&e);
	assert_int_equal(pod_net_ipam_alloc(f->s, net, sub, "c9", "10.213.50.200", &ip, &e), 0);
	pod_store_rollback(f->s);

	assert_int_equal(pod_net_remove(f->s, "podman", false, &e), -1);
	assert_string_equal(e->msg, "default network podman cannot be removed");
	pod_err_free(&e);
	assert_int_equal(pod_net_remove(f->s, "t1", false, &e), 0);
	assert_int_equal(pod_net_inspect(f->s, "t1", &n, &e), -1);
	assert_int_equal(e->kind, POD_E_NOTFOUND);
	pod_err_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_port_parse),
		cmocka_unit_test(test_mode_parse),
		cmocka_unit_test(test_dns_cases),
		cmocka_unit_test(test_dns_answer),
		cmocka_unit_test(test_fw_rules),
		cmocka_unit_test_setup_teardown(test_definitions, store_setup, store_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
