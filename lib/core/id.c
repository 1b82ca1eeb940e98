/* id.c - random object IDs */
#include "core/id.h"

#include <errno.h>
#include <sys/random.h>

static void
random_bytes(unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* no entropy source at all: nothing sensible to fall back to */
			abort();
		}
		got += (size_t) n;
	}
}

void
pod_id_new(char ret[POD_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[POD_ID_LEN / 2];
	bool all_digits;
	size_t i;

	do {
		random_bytes(raw, sizeof(raw));
		for (i = 0; i < sizeof(raw); i++) {
			ret[2 * i] = hex[raw[i] >> 4];
			ret[2 * i + 1] = hex[raw[i] & 0xf];
		}
		ret[POD_ID_LEN] = '\0';
		all_digits = true;
		for (i = 0; i < POD_ID_SHORT_LEN; i++)
			if (ret[i] > '9')
				all_digits = false;
	} while (all_digits);
}

static bool
hex_run(const char *s, size_t min, size_t max)
{
	size_t i;

	if (!s)
		return false;
	for (i = 0; s[i]; i++) {
		if (i >= max)
			return false;
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return i >= min;
}

bool
pod_id_is_full(const char *s)
{
	return hex_run(s, POD_ID_LEN, POD_ID_LEN);
}

bool
pod_id_is_prefix(const char *s)
{
	return hex_run(s, 1, POD_ID_LEN);
}

void
pod_id_short(const char *id, char ret[POD_ID_SHORT_LEN + 1])
{
	size_t n = strnlen(id, POD_ID_SHORT_LEN);

	memcpy(ret, id, n);
	ret[n] = '\0';
}
