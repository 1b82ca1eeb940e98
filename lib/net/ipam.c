/*
 * ipam.c - address allocation in the ip_allocations table. The caller
 * holds an IMMEDIATE transaction, so reading the allocated set and adding
 * a row cannot interleave with another process.
 */
#include "net/internal.h"

#include <arpa/inet.h>
#include <sys/random.h>

static int
cmp_ip(const void *a, const void *b)
{
	return pod_net_ip_cmp(a, b);
}

static int
load_allocated(struct pod_store *s, const char *network, int family, struct pod_net_ip **ret,
	       size_t *ret_n, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		s, "SELECT ip FROM ip_allocations WHERE network = ?", err);
	cleanup_free struct pod_net_ip *v = NULL;
	size_t n = 0, cap = 0;
	int r;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, network, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct pod_net_ip ip;
		if (!pod_net_ip_parse((const char *) sqlite3_column_text(st, 0), &ip) ||
		    ip.family != family)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = ip;
	}
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "reading IP allocations of %s", network);
	if (n)
		qsort(v, n, sizeof(*v), cmp_ip);
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

static int
insert(struct pod_store *s, const char *network, const struct pod_net_ip *ip,
       const char *container_id, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		s, "INSERT INTO ip_allocations(network, ip, container_id) VALUES(?, ?, ?)", err);
	char buf[POD_NET_IP_STRLEN];

	if (!st)
		return -1;
	pod_net_ip_str(ip, buf);
	sqlite3_bind_text(st, 1, network, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, buf, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, container_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "allocating %s on network %s", buf, network);
	return 0;
}

static char *
owner_of(struct pod_store *s, const char *network, const char *ip)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	struct pod_err *e = NULL;

	st = pod_store_prepare(s, "SELECT container_id FROM ip_allocations "
				  "WHERE network = ? AND ip = ?", &e);
	if (!st) {
		pod_err_free(&e);
		return NULL;
	}
	sqlite3_bind_text(st, 1, network, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ip, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return NULL;
	return xstrdup((const char *) sqlite3_column_text(st, 0));
}

int
pod_net_ipam_alloc(struct pod_store *s, const struct pod_net_network *n,
		   const struct pod_net_subnet *sub, const char *container_id,
		   const char *static_ip, struct pod_net_ip *ret, struct pod_err **err)
{
	const struct pod_net_cidr *c = &sub->cidr;
	struct pod_net_ip first, last, ip;
	bool v4 = c->ip.family == AF_INET;

	pod_net_cidr_first(c, &first);
	pod_net_cidr_last(c, &last);
	if (static_ip) {
		if (!pod_net_ip_parse(static_ip, &ip))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid IP address \"%s\"",
					   static_ip);
		if (!pod_net_cidr_contains(c, &ip))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "requested static ip %s not in any subnet on network %s",
					   static_ip, n->name);
		if (pod_net_ip_eq(&ip, &sub->gateway) || pod_net_ip_eq(&ip, &first) ||
		    (v4 && c->len < 31 && pod_net_ip_eq(&ip, &last)))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "IPAM error: requested ip address %s is reserved "
					   "(network, gateway or broadcast address)", static_ip);
		struct pod_err *e = NULL;
		if (insert(s, n->name, &ip, container_id, &e) < 0) {
			if (e->kind != POD_E_EXISTS) {
				*err = e;
				return -1;
			}
			pod_err_free(&e);
			cleanup_free char *owner = owner_of(s, n->name, static_ip);
			return pod_err_set(err, POD_E_INUSE, 0,
					   "IPAM error: requested ip address %s is already allocated "
					   "to container ID %s", static_ip, owner ? owner : "");
		}
		*ret = ip;
		return 0;
	}

	cleanup_free struct pod_net_ip *used = NULL;
	size_t nused = 0;
	struct pod_net_ip start, end;

	if (load_allocated(s, n->name, c->ip.family, &used, &nused, err) < 0)
		return -1;
	if (sub->has_range) {
		start = sub->range_start;
		end = sub->range_end;
	} else {
		start = first;
		(void) pod_net_ip_add(&start, 1);
		end = last;
	}
	/* never the network address, nor the v4 broadcast */
	if (pod_net_ip_cmp(&start, &first) <= 0)
		(void) pod_net_ip_add(&start, 1);
	if (v4 && c->len < 31 && pod_net_ip_cmp(&end, &last) >= 0)
		(void) pod_net_ip_add(&end, -1);
	/*
	 * The default network's bridge (podman0) is shared by every store on
	 * the host, each with its own allocations: on it, start at a random
	 * address so that two stores rarely hand out the same one; elsewhere
	 * the lowest free address, as Podman does.
	 */
	uint32_t skip = 0;
	if (v4 && STREQ(n->name, pod_net_default_name()) && !sub->has_range) {
		uint32_t a = 0, b = 0, r = 0;
		memcpy(&a, start.a, 4);
		memcpy(&b, end.a, 4);
		a = ntohl(a);
		b = ntohl(b);
		if (b > a && getrandom(&r, sizeof(r), 0) == sizeof(r))
			skip = r % (b - a + 1);
	}
	for (int pass = 0; pass < 2; pass++) {
		struct pod_net_ip stop = end;
		ip = start;
		if (pass == 0) {
			(void) pod_net_ip_add(&ip, skip);
		} else {
			if (!skip)
				break;
			stop = start;
			(void) pod_net_ip_add(&stop, (int64_t) skip - 1);
		}
		for (; pod_net_ip_cmp(&ip, &stop) <= 0;) {
			if (!pod_net_ip_eq(&ip, &sub->gateway) &&
			    !bsearch(&ip, used, nused, sizeof(*used), cmp_ip)) {
				if (insert(s, n->name, &ip, container_id, err) < 0)
					return -1;
				*ret = ip;
				return 0;
			}
			if (!pod_net_ip_add(&ip, 1))
				break;
		}
	}
	char a[POD_NET_IP_STRLEN], b[POD_NET_IP_STRLEN];
	pod_net_ip_str(&start, a);
	pod_net_ip_str(&end, b);
	return pod_err_set(err, POD_E_GENERIC, 0,
			   "IPAM error: failed to find free IP in range: %s - %s", a, b);
}
