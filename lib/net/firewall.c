/*
 * firewall.c - our nftables rules, through libnftables, in "table inet
 * podutils" only. Every rule carries a comment tag ("net:ID" for a
 * network's, "ctr:ID" for a container's); replacing or removing an
 * object's rules deletes exactly the rules with its tag, by handle, in the
 * same atomic batch as the additions. Other tables are never read or
 * written, and the ruleset is never flushed.
 */
#include "net/internal.h"

#include "core/log.h"
#include "core/strbuf.h"

#include <dlfcn.h>
#include <nftables/libnftables.h>

#define TABLE "inet podutils"

/*
 * libnftables and what it pulls in (libnftnl, libxtables, libgmp, libmnl)
 * cost every tool that links the network code about 0.8 ms of dynamic
 * loading at each start, though most never touch a rule: it is opened on
 * first use instead.
 */
static struct {
	struct nft_ctx *(*ctx_new)(uint32_t flags);
	void (*ctx_free)(struct nft_ctx *ctx);
	int (*ctx_buffer_output)(struct nft_ctx *ctx);
	int (*ctx_buffer_error)(struct nft_ctx *ctx);
	void (*ctx_output_set_flags)(struct nft_ctx *ctx, unsigned int flags);
	int (*run_cmd_from_buffer)(struct nft_ctx *nft, const char *buf);
	const char *(*ctx_get_error_buffer)(struct nft_ctx *ctx);
	const char *(*ctx_get_output_buffer)(struct nft_ctx *ctx);
} nft;

static bool
nft_load(void)
{
	static int state; /* 0: not tried, 1: loaded, -1: failed */
	void *h;

	if (state)
		return state > 0;
	state = -1;
	h = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		pod_debug("nftables: %s", dlerror());
		return false;
	}
#define SYM(field, name)                                          \
	do {                                                      \
		*(void **) &nft.field = dlsym(h, name);           \
		if (!nft.field) {                                 \
			pod_debug("nftables: no symbol %s", name); \
			return false;                             \
		}                                                 \
	} while (0)
	SYM(ctx_new, "nft_ctx_new");
	SYM(ctx_free, "nft_ctx_free");
	SYM(ctx_buffer_output, "nft_ctx_buffer_output");
	SYM(ctx_buffer_error, "nft_ctx_buffer_error");
	SYM(ctx_output_set_flags, "nft_ctx_output_set_flags");
	SYM(run_cmd_from_buffer, "nft_run_cmd_from_buffer");
	SYM(ctx_get_error_buffer, "nft_ctx_get_error_buffer");
	SYM(ctx_get_output_buffer, "nft_ctx_get_output_buffer");
#undef SYM
	state = 1;
	return true;
}

static const char base_chains[] =
	"add table " TABLE "\n"
	"add chain " TABLE " forward { type filter hook forward priority filter; policy accept; }\n"
	"add chain " TABLE " postrouting { type nat hook postrouting priority srcnat; "
	"policy accept; }\n"
	"add chain " TABLE " prerouting { type nat hook prerouting priority dstnat; "
	"policy accept; }\n"
	"add chain " TABLE " output { type nat hook output priority -100; policy accept; }\n";

static void
nft_freep(struct nft_ctx **c)
{
	if (*c)
		nft.ctx_free(*c);
}

/* NULL when libnftables cannot be loaded or the context not made */
static struct nft_ctx *
ctx_new(bool json)
{
	struct nft_ctx *c;

	if (!nft_load())
		return NULL;
	c = nft.ctx_new(NFT_CTX_DEFAULT);
	if (!c)
		return NULL;
	nft.ctx_buffer_output(c);
	nft.ctx_buffer_error(c);
	if (json)
		nft.ctx_output_set_flags(c, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
	return c;
}

static int
run(struct nft_ctx *c, const char *cmds, struct pod_err **err)
{
	if (nft.run_cmd_from_buffer(c, cmds) != 0) {
		cleanup_free char *msg = xstrdup(nft.ctx_get_error_buffer(c));
		size_t l = strlen(msg);
		while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
			msg[--l] = '\0';
		return pod_err_set(err, POD_E_GENERIC, 0, "nftables: %s", *msg ? msg : "failed");
	}
	return 0;
}

/* "delete rule ... handle N" lines for every rule tagged tag (none when no table) */
static int
delete_cmds(const char *tag, struct pod_strbuf *out, struct pod_err **err)
{
	cleanup_(nft_freep) struct nft_ctx *c = ctx_new(true);
	cleanup_json json_t *root = NULL;
	json_error_t je;
	size_t i;
	json_t *item;

	if (!c)
		return pod_err_set(err, POD_E_GENERIC, 0, "nftables: cannot load libnftables.so.1 or make a context");
	if (nft.run_cmd_from_buffer(c, "list table " TABLE) != 0)
		return 0; /* no table: nothing of ours */
	root = json_loads(nft.ctx_get_output_buffer(c), 0, &je);
	if (!root)
		return pod_err_set(err, POD_E_GENERIC, 0, "nftables: unreadable listing: %s",
				   je.text);
	json_array_foreach(json_object_get(root, "nftables"), i, item) {
		json_t *rule = json_object_get(item, "rule");
		const char *comment = json_string_value(json_object_get(rule, "comment"));
		if (!rule || !comment || !STREQ(comment, tag))
			continue;
		pod_strbuf_addf(out, "delete rule " TABLE " %s handle %" JSON_INTEGER_FORMAT "\n",
				json_string_value(json_object_get(rule, "chain")),
				json_integer_value(json_object_get(rule, "handle")));
	}
	return 0;
}

int
pod_fw_apply(const char *tag, const char *rules, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf cmds = POD_STRBUF_INIT;
	cleanup_(nft_freep) struct nft_ctx *c = ctx_new(false);

	if (!c)
		return pod_err_set(err, POD_E_GENERIC, 0, "nftables: cannot load libnftables.so.1 or make a context");
	if (rules && *rules)
		pod_strbuf_adds(&cmds, base_chains);
	if (delete_cmds(tag, &cmds, err) < 0)
		return -1;
	if (rules)
		pod_strbuf_adds(&cmds, rules);
	if (!cmds.len)
		return 0;
	if (run(c, cmds.buf, err) < 0)
		return pod_err_wrap(err, "setting up firewall rules \"%s\"", tag);
	return 0;
}

/*
 * A network's rules are the same every time, and they stay while the
 * network exists: when the table already holds as many rules with the tag
 * as there are to add, nothing is committed (a commit waits for the kernel
 * for several ms). A rule deleted behind our back changes the count.
 */
int
pod_fw_ensure(const char *tag, const char *rules, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf cmds = POD_STRBUF_INIT;
	size_t have = 0, want = 0;

	if (delete_cmds(tag, &cmds, err) < 0)
		return -1;
	for (size_t i = 0; i < cmds.len; i++)
		have += cmds.buf[i] == '\n';
	for (const char *q = rules; q && *q; q++)
		want += *q == '\n';
	if (have == want)
		return 0;
	return pod_fw_apply(tag, rules, err);
}

int
pod_fw_tag_delete(const char *tag, struct pod_err **err)
{
	return pod_fw_apply(tag, NULL, err);
}

int
pod_fw_table_drop_if_empty(struct pod_err **err)
{
	cleanup_(nft_freep) struct nft_ctx *c = ctx_new(true);
	cleanup_json json_t *root = NULL;
	size_t i;
	json_t *item;

	if (!c)
		return pod_err_set(err, POD_E_GENERIC, 0, "nftables: cannot load libnftables.so.1 or make a context");
	if (nft.run_cmd_from_buffer(c, "list table " TABLE) != 0)
		return 0;
	root = json_loads(nft.ctx_get_output_buffer(c), 0, NULL);
	if (!root)
		return pod_err_set(err, POD_E_GENERIC, 0, "nftables: unreadable listing");
	json_array_foreach(json_object_get(root, "nftables"), i, item)
		if (json_object_get(item, "rule"))
			return 0;
	cleanup_(nft_freep) struct nft_ctx *d = ctx_new(false);
	if (!d)
		return pod_err_set(err, POD_E_GENERIC, 0, "nftables: cannot load libnftables.so.1 or make a context");
	return run(d, "delete table " TABLE, err);
}

int
pod_fw_tag_count(const char *tag, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf cmds = POD_STRBUF_INIT;
	int n = 0;

	if (delete_cmds(tag, &cmds, err) < 0)
		return -1;
	for (size_t i = 0; i < cmds.len; i++)
		if (cmds.buf[i] == '\n')
			n++;
	return n;
}

static void
rule(struct pod_strbuf *b, const char *chain, const char *tag, const char *fmt, ...)
	POD_PRINTF(4, 5);

static void
rule(struct pod_strbuf *b, const char *chain, const char *tag, const char *fmt, ...)
{
	va_list ap;

	pod_strbuf_addf(b, "add rule " TABLE " %s ", chain);
	va_start(ap, fmt);
	pod_strbuf_vaddf(b, fmt, ap);
	va_end(ap);
	pod_strbuf_addf(b, " comment \"%s\"\n", tag);
}

char *
pod_fw_network_rules(const struct pod_net_network *n)
{
	cleanup_strbuf struct pod_strbuf b = POD_STRBUF_INIT;
	cleanup_free char *tag = xasprintf("net:%s", n->id);
	const char *br = n->interface;

	if (!STREQ(n->driver, "bridge"))
		return xstrdup("");
	if (n->internal) {
		rule(&b, "forward", tag, "iifname \"%s\" oifname != \"%s\" drop", br, br);
		rule(&b, "forward", tag, "oifname \"%s\" iifname != \"%s\" drop", br, br);
		return pod_strbuf_detach(&b);
	}
	rule(&b, "forward", tag, "oifname \"%s\" ct state established,related accept", br);
	rule(&b, "forward", tag, "iifname \"%s\" accept", br);
	for (size_t i = 0; i < n->n_subnets; i++) {
		cleanup_free char *s = pod_net_cidr_strdup(&n->subnets[i].cidr);
		const char *fam = n->subnets[i].cidr.ip.family == AF_INET ? "ip" : "ip6";
		rule(&b, "postrouting", tag, "%s saddr %s oifname != \"%s\" masquerade", fam, s, br);
	}
	return pod_strbuf_detach(&b);
}

static const char *
proto_name(unsigned bit)
{
	return bit == POD_NET_TCP ? "tcp" : bit == POD_NET_UDP ? "udp" : "sctp";
}

static void
port_rules(struct pod_strbuf *b, const char *tag, const struct pod_net_port *p,
	   const struct pod_net_ip *cip, const char *proto)
{
	char ip[POD_NET_IP_STRLEN];
	cleanup_strbuf struct pod_strbuf match = POD_STRBUF_INIT;
	cleanup_strbuf struct pod_strbuf target = POD_STRBUF_INIT;
	const char *fam = cip->family == AF_INET ? "ip" : "ip6";
	struct pod_net_ip hip;

	pod_net_ip_str(cip, ip);
	pod_strbuf_adds(&match, "fib daddr type local ");
	if (p->host_ip && *p->host_ip) {
		if (!pod_net_ip_parse(p->host_ip, &hip) || hip.family != cip->family)
			return;
		pod_strbuf_addf(&match, "%s daddr %s ", fam, p->host_ip);
	} else {
		pod_strbuf_addf(&match, "meta nfproto %s ", cip->family == AF_INET ? "ipv4" : "ipv6");
	}
	if (p->range > 1)
		pod_strbuf_addf(&match, "%s dport %u-%u", proto, (unsigned) p->host_port,
				(unsigned) p->host_port + p->range - 1);
	else
		pod_strbuf_addf(&match, "%s dport %u", proto, (unsigned) p->host_port);
	const char *lb = cip->family == AF_INET6 ? "[" : "", *rb = cip->family == AF_INET6 ? "]" : "";
	if (p->range == 1) {
		pod_strbuf_addf(&target, "dnat %s to %s%s%s:%u", fam, lb, ip, rb,
				(unsigned) p->container_port);
	} else if (p->host_port == p->container_port) {
		pod_strbuf_addf(&target, "dnat %s to %s", fam, ip);
	} else {
		pod_strbuf_addf(&target, "dnat %s to %s%s%s : %s dport map { ", fam, lb, ip, rb, proto);
		for (unsigned i = 0; i < p->range; i++)
			pod_strbuf_addf(&target, "%s%u : %u", i ? ", " : "",
					(unsigned) p->host_port + i, (unsigned) p->container_port + i);
		pod_strbuf_adds(&target, " }");
	}
	rule(b, "prerouting", tag, "%s %s", match.buf, target.buf);
	rule(b, "output", tag, "%s %s", match.buf, target.buf);
}

char *
pod_fw_container_rules(const char *container_id, const struct pod_fw_target *t, size_t n)
{
	cleanup_strbuf struct pod_strbuf b = POD_STRBUF_INIT;
	cleanup_free char *tag = xasprintf("ctr:%s", container_id);

	for (size_t i = 0; i < n; i++) {
		const struct pod_fw_target *x = &t[i];
		char ip[POD_NET_IP_STRLEN];
		bool any = false;

		for (size_t j = 0; j < x->n_ports; j++) {
			for (unsigned bit = 1; bit <= POD_NET_SCTP; bit <<= 1) {
				if (!(x->ports[j].protocols & bit))
					continue;
				if (x->cip4.family)
					port_rules(&b, tag, &x->ports[j], &x->cip4, proto_name(bit));
				if (x->cip6.family)
					port_rules(&b, tag, &x->ports[j], &x->cip6, proto_name(bit));
				any = true;
			}
		}
		if (!any || !x->cip4.family)
			continue;
		/*
		 * Connections to a published port from 127.0.0.1 (route_localnet)
		 * and from containers on the same bridge (hairpin) must come back
		 * through us: masquerade them.
		 */
		pod_net_ip_str(&x->cip4, ip);
		cleanup_free char *sub = pod_net_cidr_strdup(&x->subnet4);
		rule(&b, "postrouting", tag,
		     "ip daddr %s ct status dnat ip saddr { 127.0.0.0/8, %s } masquerade", ip, sub);
	}
	return pod_strbuf_detach(&b);
}
