/*
 * fuzz-dns.c - libFuzzer target for pod-dnsd's query handling: every
 * packet a container sends to its network's DNS address lands here.
 * Seed corpus: tests/unit/data/dns/{valid,invalid}/{NAME}/input.
 */
#include "net/dnsd.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pod_dns_hosts *h;
	uint8_t out[POD_DNS_MAX_PACKET];
	size_t olen = 0;

	if (!h)
		h = pod_dns_hosts_parse("10.89.0.2 web alpha\nfd00::2 web\n10.89.0.3 beta\n");
	enum pod_dns_verdict v = pod_dns_answer(h, data, size, out, &olen);
	if (v == POD_DNS_REPLY) {
		/* a reply echoes the ID and never outgrows the buffer */
		if (olen < 12 || olen > POD_DNS_MAX_PACKET || size < 12 || out[0] != data[0] ||
		    out[1] != data[1] || !(out[2] & 0x80))
			__builtin_trap();
	} else if (v != POD_DNS_FORWARD && v != POD_DNS_DROP) {
		__builtin_trap();
	}
	return 0;
}
