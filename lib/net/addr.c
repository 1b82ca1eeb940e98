/* addr.c - IPv4/IPv6 addresses and subnets as byte arrays */
#include "net/internal.h"

#include <arpa/inet.h>

int
pod_net_ip_len(const struct pod_net_ip *ip)
{
	return ip->family == AF_INET ? 4 : 16;
}

bool
pod_net_ip_parse(const char *s, struct pod_net_ip *ret)
{
	struct pod_net_ip ip = { 0 };

	if (!s || !*s || strlen(s) >= POD_NET_IP_STRLEN)
		return false;
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, ip.a) != 1)
			return false;
		ip.family = AF_INET6;
	} else {
		if (inet_pton(AF_INET, s, ip.a) != 1)
			return false;
		ip.family = AF_INET;
	}
	*ret = ip;
	return true;
}

static void
mask_host_bits(struct pod_net_ip *ip, int len, bool set)
{
	int n = pod_net_ip_len(ip);

	for (int i = 0; i < n; i++) {
		int bits = len - i * 8;
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t) (0xff << (8 - bits));

		if (set)
			ip->a[i] |= (uint8_t) ~m;
		else
			ip->a[i] &= m;
	}
}

bool
pod_net_cidr_parse(const char *s, bool normalize, struct pod_net_cidr *ret)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	cleanup_free char *addr = NULL;
	struct pod_net_cidr c;
	int64_t len;

	if (!slash)
		return false;
	addr = xstrndup(s, (size_t) (slash - s));
	if (!pod_net_ip_parse(addr, &c.ip))
		return false;
	if (!slash[1] || slash[1] == '+' || slash[1] == '-' || !pod_parse_int64(slash + 1, &len))
		return false;
	if (len < 0 || len > pod_net_ip_len(&c.ip) * 8)
		return false;
	c.len = (int) len;
	struct pod_net_ip masked = c.ip;
	mask_host_bits(&masked, c.len, false);
	if (!normalize && !pod_net_ip_eq(&masked, &c.ip))
		return false;
	c.ip = masked;
	*ret = c;
	return true;
}

void
pod_net_ip_str(const struct pod_net_ip *ip, char buf[POD_NET_IP_STRLEN])
{
	if (!inet_ntop(ip->family, ip->a, buf, POD_NET_IP_STRLEN))
		buf[0] = '\0';
}

char *
pod_net_ip_strdup(const struct pod_net_ip *ip)
{
	char buf[POD_NET_IP_STRLEN];

	pod_net_ip_str(ip, buf);
	return xstrdup(buf);
}

char *
pod_net_cidr_strdup(const struct pod_net_cidr *c)
{
	char buf[POD_NET_IP_STRLEN];

	pod_net_ip_str(&c->ip, buf);
	return xasprintf("%s/%d", buf, c->len);
}

int
pod_net_ip_cmp(const struct pod_net_ip *a, const struct pod_net_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, (size_t) pod_net_ip_len(a));
}

bool
pod_net_ip_eq(const struct pod_net_ip *a, const struct pod_net_ip *b)
{
	return pod_net_ip_cmp(a, b) == 0;
}

bool
pod_net_cidr_contains(const struct pod_net_cidr *c, const struct pod_net_ip *ip)
{
	struct pod_net_ip m = *ip;

	if (ip->family != c->ip.family)
		return false;
	mask_host_bits(&m, c->len, false);
	return pod_net_ip_eq(&m, &c->ip);
}

bool
pod_net_cidr_overlaps(const struct pod_net_cidr *a, const struct pod_net_cidr *b)
{
	return pod_net_cidr_contains(a, &b->ip) || pod_net_cidr_contains(b, &a->ip);
}

void
pod_net_cidr_first(const struct pod_net_cidr *c, struct pod_net_ip *ret)
{
	*ret = c->ip;
	mask_host_bits(ret, c->len, false);
}

void
pod_net_cidr_last(const struct pod_net_cidr *c, struct pod_net_ip *ret)
{
	*ret = c->ip;
	mask_host_bits(ret, c->len, true);
}

bool
pod_net_ip_add(struct pod_net_ip *ip, int64_t n)
{
	int len = pod_net_ip_len(ip);
	struct pod_net_ip r = *ip;
	uint64_t mag = n < 0 ? (uint64_t) (-(n + 1)) + 1 : (uint64_t) n;
	int carry = 0;

	for (int i = len - 1; i >= 0; i--) {
		int d = (int) (mag & 0xff);
		mag >>= 8;
		int v = n < 0 ? r.a[i] - d - carry : r.a[i] + d + carry;
		if (n < 0) {
			carry = v < 0;
			if (v < 0)
				v += 256;
		} else {
			carry = v > 255;
			v &= 0xff;
		}
		r.a[i] = (uint8_t) v;
	}
	if (carry || mag)
		return false;
	*ip = r;
	return true;
}

bool
pod_net_cidr_nth(const struct pod_net_cidr *pool, int len, uint64_t n, struct pod_net_cidr *ret)
{
	int nb = pod_net_ip_len(&pool->ip), bits = nb * 8;
	uint8_t add[16] = { 0 };
	struct pod_net_cidr c = { .ip = pool->ip, .len = len };
	unsigned carry = 0;

	if (len < pool->len || len > bits)
		return false;
	if (len - pool->len < 64 && (n >> (len - pool->len)) != 0)
		return false;
	/* add = n << (bits - len), as a big-endian number of nb bytes */
	for (int bit = 0; bit < 64; bit++) {
		if (!(n & ((uint64_t) 1 << bit)))
			continue;
		int pos = bit + bits - len;
		if (pos >= bits)
			return false;
		add[nb - 1 - pos / 8] |= (uint8_t) (1u << (pos % 8));
	}
	for (int i = nb - 1; i >= 0; i--) {
		unsigned v = c.ip.a[i] + add[i] + carry;
		c.ip.a[i] = (uint8_t) v;
		carry = v >> 8;
	}
	if (carry)
		return false;
	*ret = c;
	return true;
}
