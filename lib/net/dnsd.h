/*
 * dnsd.h - the DNS responder behind pod-dnsd: one per network with
 * dns_enabled, listening on UDP port 53 of the network's gateway
 * address(es). It answers A and AAAA queries for the names in its hosts
 * file ("IP NAME [NAME...]" lines, written by lib/net on every container
 * join and leave), as NAME and NAME.dns.podman, NXDOMAIN for other
 * names in dns.podman, and forwards every other query to the nameservers
 * of the host's resolv.conf, relaying their answer.
 *
 * pod_dns_hosts is immutable once parsed; free with pod_dns_hosts_free().
 */
#ifndef POD_NET_DNSD_H
#define POD_NET_DNSD_H

#include "core/err.h"
#include "core/util.h"

#define POD_DNS_DOMAIN "dns.podman"
#define POD_DNS_MAX_PACKET 4096

struct pod_dns_hosts;

/* never fails: lines that do not parse are skipped */
struct pod_dns_hosts *pod_dns_hosts_parse(const char *text);
struct pod_dns_hosts *pod_dns_hosts_free(struct pod_dns_hosts *h);
void pod_dns_hosts_freep(struct pod_dns_hosts **h);

enum pod_dns_verdict {
	POD_DNS_DROP = -1,	/* malformed or not a query: ignore it */
	POD_DNS_FORWARD = 0,	/* not ours: ask upstream */
	POD_DNS_REPLY = 1,	/* *ret_len bytes of reply in out */
};

/*
 * Answers one query packet from the hosts (NULL: none). out must hold
 * POD_DNS_MAX_PACKET bytes. A malformed or unsupported query that still
 * has a readable header gets a FORMERR/NOTIMP reply.
 */
enum pod_dns_verdict pod_dns_answer(const struct pod_dns_hosts *h, const uint8_t *q, size_t len,
				    uint8_t *out, size_t *ret_len);

struct pod_dnsd_opts {
	char **listen;		/* addresses to listen on, port 53 (or port) */
	int port;		/* 0: 53 */
	const char *hosts_path;
	const char *pid_file;	/* written once listening; NULL: none */
	const char *resolv_conf;/* NULL: /etc/resolv.conf */
};

/*
 * Serves until SIGTERM/SIGINT, or until the hosts file is removed (its
 * network is gone). Errors only at start-up (cannot listen).
 */
int pod_dnsd_run(const struct pod_dnsd_opts *o, struct pod_err **err);

#endif
