/* caps.c - capability names and Podman's add/drop rules */
#include "runtime/caps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static const char *const cap_names[POD_CAP_MAX + 1] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",		"CAP_FSETID",		"CAP_KILL",
	"CAP_SETGID",		"CAP_SETUID",		"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",		"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",	"CAP_SYS_PTRACE",	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",	"CAP_SYS_BOOT",		"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",		"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",		"CAP_LEASE",		"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",	"CAP_SETFCAP",		"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",	"CAP_SYSLOG",		"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",	"CAP_PERFMON",
	"CAP_BPF",		"CAP_CHECKPOINT_RESTORE",
};

/* containers.conf default_capabilities as Podman 4.3 ships it */
static const char *const default_caps[] = {
	"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL",   "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID",
	"CAP_SETPCAP", "CAP_SETUID",	   "CAP_SYS_CHROOT",
};

const char *
pod_cap_name(int cap)
{
	if (cap < 0 || cap > POD_CAP_MAX)
		return NULL;
	return cap_names[cap];
}

/* upper case with the CAP_ prefix; "ALL" stays "ALL" */
static char *
normalize(const char *name)
{
	char *up = xstrdup(name), *ret;
	size_t i;

	for (i = 0; up[i]; i++)
		up[i] = (char) toupper((unsigned char) up[i]);
	if (STREQ(up, "ALL") || pod_str_has_prefix(up, "CAP_"))
		return up;
	ret = xasprintf("CAP_%s", up);
	free(up);
	return ret;
}

int
pod_cap_from_name(const char *name)
{
	cleanup_free char *n = normalize(name);
	int i;

	for (i = 0; i <= POD_CAP_MAX; i++)
		if (STREQ(n, cap_names[i]))
			return i;
	return -1;
}

int
pod_caps_last_cap(void)
{
	static int cached = -1;
	cleanup_close int fd = -1;
	char buf[32];
	ssize_t n;
	int64_t v;

	if (cached >= 0)
		return cached;
	cached = POD_CAP_MAX;
	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cached;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return cached;
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (pod_parse_int64(buf, &v) && v >= 0 && v < POD_CAP_MAX)
		cached = (int) v;
	return cached;
}

char **
pod_caps_default(void)
{
	char **v = xcalloc(1, sizeof(char *));
	size_t i;

	for (i = 0; i < ARRAY_SIZE(default_caps); i++)
		v = pod_strv_push(v, xstrdup(default_caps[i]));
	return v;
}

char **
pod_caps_all(void)
{
	char **v = xcalloc(1, sizeof(char *));
	int i, last = pod_caps_last_cap();

	for (i = 0; i <= last; i++)
		v = pod_strv_push(v, xstrdup(cap_names[i]));
	return v;
}

/* Podman's NormalizeCapabilities: upper case, CAP_ prefix, known names only */
static int
normalize_list(char *const *in, char ***ret, struct pod_err **err)
{
	char **v = xcalloc(1, sizeof(char *));
	int last = pod_caps_last_cap();
	size_t i;

	for (i = 0; in && in[i]; i++) {
		char *n = normalize(in[i]);
		int c = pod_cap_from_name(n);

		if (!STREQ(n, "ALL") && (c < 0 || c > last)) {
			pod_err_set(err, POD_E_INVALID, 0, "\"%s\": unknown capability", n);
			free(n);
			pod_strv_free(v);
			return -1;
		}
		if (pod_strv_contains(v, n)) {
			free(n);
			continue;
		}
		v = pod_strv_push(v, n);
	}
	*ret = v;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static char **
sorted(char **v)
{
	qsort(v, pod_strv_len(v), sizeof(char *), cmp_str);
	return v;
}

int
pod_caps_compute(char *const *base, char *const *add, char *const *drop, bool privileged,
		 char ***ret, struct pod_err **err)
{
	cleanup_strv char **b = NULL, **a = NULL, **d = NULL;
	char **out;
	size_t i;

	if (privileged) {
		b = pod_caps_all();
	} else if (normalize_list(base, &b, err) < 0) {
		return -1;
	}
	if (pod_strv_len(add) == 0 && pod_strv_len(drop) == 0) {
		*ret = TAKE_PTR(b);
		return 0;
	}
	if (normalize_list(add, &a, err) < 0 || normalize_list(drop, &d, err) < 0)
		return -1;
	if (pod_strv_contains(d, "ALL")) {
		if (pod_strv_contains(a, "ALL"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "adding all caps and removing all caps not allowed");
		*ret = sorted(TAKE_PTR(a));
		return 0;
	}
	if (pod_strv_contains(a, "ALL")) {
		pod_strv_free(b);
		b = pod_caps_all();
		pod_strv_free(a);
		a = xcalloc(1, sizeof(char *));
	}
	for (i = 0; a[i]; i++)
		if (pod_strv_contains(d, a[i]))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "capability \"%s\" cannot be dropped and added", a[i]);
	out = xcalloc(1, sizeof(char *));
	for (i = 0; b[i]; i++)
		if (!pod_strv_contains(d, b[i]))
			out = pod_strv_push(out, xstrdup(b[i]));
	for (i = 0; a[i]; i++)
		if (!pod_strv_contains(b, a[i]))
			out = pod_strv_push(out, xstrdup(a[i]));
	*ret = sorted(out);
	return 0;
}

uint64_t
pod_caps_mask(char *const *caps)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; caps && caps[i]; i++) {
		int c = pod_cap_from_name(caps[i]);

		if (c >= 0)
			m |= 1ULL << c;
	}
	return m;
}
