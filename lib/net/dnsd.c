/* dnsd.c - the DNS responder of pod-dnsd (see dnsd.h) */
#include "net/dnsd.h"
#include "net/internal.h"

#include "core/fs.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#define TTL 60
#define MAX_PENDING 256
#define FORWARD_TIMEOUT_NS (5LL * 1000000000LL)

struct host_entry {
	char *name; /* lower case */
	struct pod_net_ip ip;
};

struct pod_dns_hosts {
	struct host_entry *v;
	size_t n;
};

struct pod_dns_hosts *
pod_dns_hosts_free(struct pod_dns_hosts *h)
{
	if (!h)
		return NULL;
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].name);
	free(h->v);
	free(h);
	return NULL;
}

void
pod_dns_hosts_freep(struct pod_dns_hosts **h)
{
	*h = pod_dns_hosts_free(*h);
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char) tolower((unsigned char) *s);
}

struct pod_dns_hosts *
pod_dns_hosts_parse(const char *text)
{
	struct pod_dns_hosts *h = xcalloc(1, sizeof(*h));
	cleanup_free char *copy = xstrdup(text ? text : "");
	char *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		char *s2 = NULL, *tok;
		struct pod_net_ip ip;

		if (hash)
			*hash = '\0';
		tok = strtok_r(line, " \t", &s2);
		if (!tok || !pod_net_ip_parse(tok, &ip))
			continue;
		while ((tok = strtok_r(NULL, " \t", &s2))) {
			if (strlen(tok) > 253)
				continue;
			h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
			h->v[h->n].name = xstrdup(tok);
			lower(h->v[h->n].name);
			h->v[h->n].ip = ip;
			h->n++;
		}
	}
	return h;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t) ((p[0] << 8) | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t) (v >> 8);
	p[1] = (uint8_t) v;
}

/* reads an uncompressed name at q[*off]; false when malformed */
static bool
read_name(const uint8_t *q, size_t len, size_t *off, char *name, size_t cap)
{
	size_t o = *off, w = 0;

	for (;;) {
		if (o >= len)
			return false;
		uint8_t l = q[o++];
		if (l == 0)
			break;
		if (l & 0xc0) /* compression pointers have no place in a question */
			return false;
		if (o + l > len || w + l + 2 > cap)
			return false;
		if (w)
			name[w++] = '.';
		for (uint8_t i = 0; i < l; i++) {
			char c = (char) q[o + i];
			if (c == '\0' || c == '.')
				return false;
			name[w++] = (char) tolower((unsigned char) c);
		}
		o += l;
	}
	name[w] = '\0';
	*off = o;
	return true;
}

static size_t
error_reply(const uint8_t *q, size_t qend, uint8_t *out, int rcode)
{
	memcpy(out, q, qend);
	out[2] = (uint8_t) (0x80 | (q[2] & 0x79)); /* QR, opcode, RD kept */
	out[3] = (uint8_t) (0x80 | rcode);	    /* RA */
	put16(out + 6, 0);
	put16(out + 8, 0);
	put16(out + 10, 0);
	if (qend == 12)
		put16(out + 4, 0);
	return qend;
}

enum pod_dns_verdict
pod_dns_answer(const struct pod_dns_hosts *h, const uint8_t *q, size_t len, uint8_t *out,
	       size_t *ret_len)
{
	char name[256];
	size_t off = 12;

	if (len < 12 || len > POD_DNS_MAX_PACKET || (q[2] & 0x80))
		return POD_DNS_DROP;
	if (((q[2] >> 3) & 0xf) != 0) {
		*ret_len = error_reply(q, 12, out, 4); /* NOTIMP */
		return POD_DNS_REPLY;
	}
	if (get16(q + 4) != 1 || !read_name(q, len, &off, name, sizeof(name)) || off + 4 > len) {
		*ret_len = error_reply(q, 12, out, 1); /* FORMERR */
		return POD_DNS_REPLY;
	}
	uint16_t qtype = get16(q + off), qclass = get16(q + off + 2);
	size_t qend = off + 4;

	/* NAME, NAME.dns.podman */
	size_t nl = strlen(name), dl = strlen(POD_DNS_DOMAIN);
	bool ours = false;
	if (nl > dl && name[nl - dl - 1] == '.' && STREQ(name + nl - dl, POD_DNS_DOMAIN)) {
		name[nl - dl - 1] = '\0';
		ours = true;
	} else if (STREQ(name, POD_DNS_DOMAIN)) {
		ours = true;
		name[0] = '\0';
	}
	bool known = false;
	size_t nans = 0, w;
	memcpy(out, q, qend);
	w = qend;
	for (size_t i = 0; h && i < h->n && *name; i++) {
		const struct host_entry *e = &h->v[i];
		if (!STREQ(e->name, name))
			continue;
		known = true;
		int fam = qtype == 1 ? AF_INET : qtype == 28 ? AF_INET6 : 0;
		if (qclass != 1 || e->ip.family != fam)
			continue;
		size_t rl = (size_t) pod_net_ip_len(&e->ip);
		if (w + 12 + rl > POD_DNS_MAX_PACKET || nans >= 64)
			break;
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			if (STREQ(h->v[j].name, name) && pod_net_ip_eq(&h->v[j].ip, &e->ip))
				dup = true;
		if (dup)
			continue;
		put16(out + w, 0xc00c);
		put16(out + w + 2, qtype);
		put16(out + w + 4, 1);
		put16(out + w + 6, 0);
		put16(out + w + 8, TTL);
		put16(out + w + 10, (uint16_t) rl);
		memcpy(out + w + 12, e->ip.a, rl);
		w += 12 + rl;
		nans++;
	}
	if (!known && !ours)
		return POD_DNS_FORWARD;
	out[2] = (uint8_t) (0x84 | (q[2] & 0x01)); /* QR, AA, RD kept */
	out[3] = (uint8_t) (0x80 | (known ? 0 : 3)); /* RA, NOERROR or NXDOMAIN */
	put16(out + 4, 1);
	put16(out + 6, (uint16_t) nans);
	put16(out + 8, 0);
	put16(out + 10, 0);
	*ret_len = w;
	return POD_DNS_REPLY;
}

/* ---- the server ---- */

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void) sig;
	stop_flag = 1;
}

struct pending {
	int fd;		/* connected to upstream */
	int listen_fd;	/* where the query came in */
	struct sockaddr_storage client;
	socklen_t client_len;
	int64_t deadline;
};

static int
listen_on(const char *addr, int port, struct pod_err **err)
{
	struct pod_net_ip ip;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int one = 1;

	if (!pod_net_ip_parse(addr, &ip))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid listen address \"%s\"", addr);
	int fd = socket(ip.family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return pod_err_sys(err, "socket");
	/* the bridge address may still be tentative */
	(void) setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one));
	if (ip.family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *) &ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t) port);
		memcpy(&s4->sin_addr, ip.a, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) &ss;
		(void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t) port);
		memcpy(&s6->sin6_addr, ip.a, 16);
		sl = sizeof(*s6);
	}
	if (bind(fd, (struct sockaddr *) &ss, sl) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return pod_err_sys(err, "listening on %s port %d", addr, port);
	}
	return fd;
}

/* the nameservers of resolv.conf, minus our own addresses */
static char **
upstreams(const char *path, char *const *own)
{
	cleanup_free char *txt = NULL;
	char **v = xcalloc(1, sizeof(char *));
	char *save = NULL;

	if (pod_read_file(path, &txt, NULL, 1 << 20, NULL) < 0)
		return v;
	for (char *line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char ns[64];
		struct pod_net_ip ip;
		if (sscanf(line, " nameserver %63s", ns) == 1 && pod_net_ip_parse(ns, &ip) &&
		    !pod_strv_contains(own, ns))
			v = pod_strv_push(v, xstrdup(ns));
	}
	return v;
}

static int
forward(struct pending *p, const char *upstream, const uint8_t *q, size_t len)
{
	struct pod_net_ip ip;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;

	if (!pod_net_ip_parse(upstream, &ip))
		return -1;
	if (ip.family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *) &ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(53);
		memcpy(&s4->sin_addr, ip.a, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) &ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(53);
		memcpy(&s6->sin6_addr, ip.a, 16);
		sl = sizeof(*s6);
	}
	p->fd = socket(ip.family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->fd < 0)
		return -1;
	if (connect(p->fd, (struct sockaddr *) &ss, sl) < 0 ||
	    send(p->fd, q, len, 0) != (ssize_t) len) {
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	p->deadline = pod_mono_ns() + FORWARD_TIMEOUT_NS;
	return 0;
}

struct hosts_state {
	struct pod_dns_hosts *h;
	struct stat st;
	bool gone;
};

static void
hosts_refresh(struct hosts_state *hs, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		hs->gone = errno == ENOENT;
		return;
	}
	if (hs->h && st.st_ino == hs->st.st_ino && st.st_mtim.tv_sec == hs->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == hs->st.st_mtim.tv_nsec && st.st_size == hs->st.st_size)
		return;
	cleanup_free char *txt = NULL;
	if (pod_read_file(path, &txt, NULL, 16 << 20, NULL) < 0)
		return;
	pod_dns_hosts_free(hs->h);
	hs->h = pod_dns_hosts_parse(txt);
	hs->st = st;
}

int
pod_dnsd_run(const struct pod_dnsd_opts *o, struct pod_err **err)
{
	size_t nl = pod_strv_len(o->listen);
	cleanup_free int *lfd = xcalloc(nl + 1, sizeof(int));
	struct pending pend[MAX_PENDING];
	struct hosts_state hs = { 0 };
	cleanup_strv char **up = upstreams(o->resolv_conf ? o->resolv_conf : "/etc/resolv.conf",
					   o->listen);
	struct sigaction sa = { .sa_handler = on_signal };
	uint8_t buf[POD_DNS_MAX_PACKET], out[POD_DNS_MAX_PACKET];
	int r = 0;

	if (!nl)
		return pod_err_set(err, POD_E_INVALID, 0, "no address to listen on");
	for (size_t i = 0; i < MAX_PENDING; i++)
		pend[i].fd = -1;
	for (size_t i = 0; i < nl; i++) {
		lfd[i] = listen_on(o->listen[i], o->port ? o->port : 53, err);
		if (lfd[i] < 0) {
			for (size_t j = 0; j < i; j++)
				close(lfd[j]);
			return -1;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	hosts_refresh(&hs, o->hosts_path);
	if (o->pid_file) {
		cleanup_free char *pid = xasprintf("%d\n", (int) getpid());
		if (pod_write_file_atomic(o->pid_file, pid, strlen(pid), 0644, err) < 0) {
			r = -1;
			goto out;
		}
	}
	while (!stop_flag && !hs.gone) {
		struct pollfd pfd[MAX_PENDING + 16];
		size_t idx[MAX_PENDING + 16];
		size_t n = 0;
		for (size_t i = 0; i < nl && n < 16; i++) {
			pfd[n].fd = lfd[i];
			pfd[n].events = POLLIN;
			idx[n++] = (size_t) -1;
		}
		for (size_t i = 0; i < MAX_PENDING; i++)
			if (pend[i].fd >= 0) {
				pfd[n].fd = pend[i].fd;
				pfd[n].events = POLLIN;
				idx[n++] = i;
			}
		int pr = poll(pfd, n, 1000);
		int64_t now = pod_mono_ns();
		for (size_t i = 0; i < MAX_PENDING; i++)
			if (pend[i].fd >= 0 && pend[i].deadline < now) {
				close(pend[i].fd);
				pend[i].fd = -1;
			}
		if (pr <= 0) {
			hosts_refresh(&hs, o->hosts_path);
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			if (!(pfd[k].revents & POLLIN))
				continue;
			if (idx[k] != (size_t) -1) {
				struct pending *p = &pend[idx[k]];
				if (p->fd < 0)
					continue;
				ssize_t got = recv(p->fd, buf, sizeof(buf), 0);
				if (got > 0)
					(void) sendto(p->listen_fd, buf, (size_t) got, 0,
						      (struct sockaddr *) &p->client, p->client_len);
				close(p->fd);
				p->fd = -1;
				continue;
			}
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t got = recvfrom(pfd[k].fd, buf, sizeof(buf), 0,
					       (struct sockaddr *) &from, &fl);
			if (got <= 0)
				continue;
			hosts_refresh(&hs, o->hosts_path);
			size_t olen = 0;
			enum pod_dns_verdict v = pod_dns_answer(hs.h, buf, (size_t) got, out, &olen);
			if (v == POD_DNS_REPLY) {
				(void) sendto(pfd[k].fd, out, olen, 0, (struct sockaddr *) &from, fl);
				continue;
			}
			if (v != POD_DNS_FORWARD || !up[0])
				continue;
			for (size_t i = 0; i < MAX_PENDING; i++) {
				if (pend[i].fd >= 0)
					continue;
				pend[i].listen_fd = pfd[k].fd;
				pend[i].client = from;
				pend[i].client_len = fl;
				/* spread over the upstreams by query ID */
				(void) forward(&pend[i], up[get16(buf) % pod_strv_len(up)], buf,
					       (size_t) got);
				break;
			}
		}
	}
out:
	for (size_t i = 0; i < MAX_PENDING; i++)
		if (pend[i].fd >= 0)
			close(pend[i].fd);
	for (size_t i = 0; i < nl; i++)
		close(lfd[i]);
	pod_dns_hosts_free(hs.h);
	return r;
}
