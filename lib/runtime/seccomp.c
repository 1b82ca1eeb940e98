/* seccomp.c - the OCI linux.seccomp object as a libseccomp filter */
#include "runtime/oci-internal.h"

#include "core/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *const action_names[] = {
	"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",	   "SCMP_ACT_ALLOW",	   "SCMP_ACT_LOG",
};

static const struct {
	const char *name;
	enum scmp_compare op;
} op_table[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const char *const flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
};

static bool
known(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (STREQ(names[i], s))
			return true;
	return false;
}

static int POD_PRINTF(4, 5)
bad(struct pod_err **err, const char *file, const char *where, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	return pod_err_set(err, POD_E_INVALID, 0, "%s: linux.seccomp%s: %s", file, where, msg);
}

static int
check_action(json_t *o, const char *key, bool required, const char *file, const char *where,
	     struct pod_err **err)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return required ? bad(err, file, where, "%s is required", key) : 0;
	if (!json_is_string(v))
		return bad(err, file, where, "%s must be a string", key);
	if (STREQ(json_string_value(v), "SCMP_ACT_NOTIFY"))
		return bad(err, file, where, "SCMP_ACT_NOTIFY is not supported");
	if (!known(action_names, ARRAY_SIZE(action_names), json_string_value(v)))
		return bad(err, file, where, "unknown action \"%s\"", json_string_value(v));
	return 0;
}

static int
check_uint(json_t *o, const char *key, const char *file, const char *where, struct pod_err **err)
{
	json_t *v = json_object_get(o, key);

	if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
		return bad(err, file, where, "%s must be a non-negative integer", key);
	return 0;
}

static int
check_strings(json_t *o, const char *key, const char *const *allowed, size_t n_allowed,
	      const char *file, const char *where, struct pod_err **err)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return bad(err, file, where, "%s must be an array", key);
	json_array_foreach (a, i, v) {
		if (!json_is_string(v))
			return bad(err, file, where, "%s[%zu] must be a string", key, i);
		if (allowed && !known(allowed, n_allowed, json_string_value(v)))
			return bad(err, file, where, "unknown %s entry \"%s\"", key,
				   json_string_value(v));
	}
	return 0;
}

int
pod_rt_seccomp_check(json_t *sc, const char *file, struct pod_err **err)
{
	json_t *calls, *c;
	size_t i;

	if (check_action(sc, "defaultAction", true, file, "", err) < 0 ||
	    check_uint(sc, "defaultErrnoRet", file, "", err) < 0 ||
	    check_strings(sc, "architectures", NULL, 0, file, "", err) < 0 ||
	    check_strings(sc, "flags", flag_names, ARRAY_SIZE(flag_names), file, "", err) < 0)
		return -1;
	if (json_object_get(sc, "listenerPath"))
		return bad(err, file, ".listenerPath", "seccomp notification is not supported");
	calls = json_object_get(sc, "syscalls");
	if (!calls || json_is_null(calls))
		return 0;
	if (!json_is_array(calls))
		return bad(err, file, ".syscalls", "must be an array");
	json_array_foreach (calls, i, c) {
		char where[64];
		json_t *args, *a, *name;
		size_t k;

		snprintf(where, sizeof(where), ".syscalls[%zu]", i);
		if (!json_is_object(c))
			return bad(err, file, where, "must be an object");
		if (check_action(c, "action", true, file, where, err) < 0 ||
		    check_uint(c, "errnoRet", file, where, err) < 0 ||
		    check_strings(c, "names", NULL, 0, file, where, err) < 0)
			return -1;
		name = json_object_get(c, "name");
		if (name && !json_is_string(name))
			return bad(err, file, where, "name must be a string");
		if (!json_is_array(json_object_get(c, "names")) && !name)
			return bad(err, file, where, "names is required");
		args = json_object_get(c, "args");
		if (!args || json_is_null(args))
			continue;
		if (!json_is_array(args) || json_array_size(args) > 6)
			return bad(err, file, where, "args must be an array of at most 6");
		json_array_foreach (args, k, a) {
			json_t *idx = json_object_get(a, "index"), *op = json_object_get(a, "op");
			bool ok = false;

			if (!json_is_object(a) || !json_is_integer(idx) ||
			    json_integer_value(idx) < 0 || json_integer_value(idx) > 5)
				return bad(err, file, where, "args[%zu]: index must be 0 to 5", k);
			if (check_uint(a, "value", file, where, err) < 0 ||
			    check_uint(a, "valueTwo", file, where, err) < 0)
				return -1;
			for (size_t t = 0; json_is_string(op) && t < ARRAY_SIZE(op_table); t++)
				ok |= STREQ(op_table[t].name, json_string_value(op));
			if (!ok)
				return bad(err, file, where, "args[%zu]: unknown op", k);
		}
	}
	return 0;
}

static uint32_t
action_of(const char *name, json_t *errno_ret, uint32_t default_errno)
{
	uint32_t e = errno_ret ? (uint32_t) json_integer_value(errno_ret) : default_errno;

	if (STREQ(name, "SCMP_ACT_KILL") || STREQ(name, "SCMP_ACT_KILL_THREAD"))
		return SCMP_ACT_KILL_THREAD;
	if (STREQ(name, "SCMP_ACT_KILL_PROCESS"))
		return SCMP_ACT_KILL_PROCESS;
	if (STREQ(name, "SCMP_ACT_TRAP"))
		return SCMP_ACT_TRAP;
	if (STREQ(name, "SCMP_ACT_ERRNO"))
		return SCMP_ACT_ERRNO(e);
	if (STREQ(name, "SCMP_ACT_TRACE"))
		return SCMP_ACT_TRACE(e);
	if (STREQ(name, "SCMP_ACT_LOG"))
		return SCMP_ACT_LOG;
	return SCMP_ACT_ALLOW;
}

static uint32_t
arch_of(const char *name)
{
	char buf[64];
	size_t i;

	if (pod_str_has_prefix(name, "SCMP_ARCH_"))
		name += strlen("SCMP_ARCH_");
	for (i = 0; name[i] && i < sizeof(buf) - 1; i++)
		buf[i] = (char) ((name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i]);
	buf[i] = '\0';
	return seccomp_arch_resolve_name(buf);
}

static int
add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, json_t *args, const char *name,
	 struct pod_err **err)
{
	struct scmp_arg_cmp cmp[6];
	unsigned n = 0;
	bool dup_index = false;
	unsigned seen = 0;
	json_t *a;
	size_t i;
	int r;

	json_array_foreach (args, i, a) {
		const char *op = json_string_value(json_object_get(a, "op"));
		unsigned idx = (unsigned) json_integer_value(json_object_get(a, "index"));

		cmp[n].arg = idx;
		cmp[n].datum_a = (scmp_datum_t) json_integer_value(json_object_get(a, "value"));
		cmp[n].datum_b = (scmp_datum_t) json_integer_value(json_object_get(a, "valueTwo"));
		cmp[n].op = SCMP_CMP_EQ;
		for (size_t t = 0; t < ARRAY_SIZE(op_table); t++)
			if (STREQ(op_table[t].name, op))
				cmp[n].op = op_table[t].op;
		if (seen & (1u << idx))
			dup_index = true;
		seen |= 1u << idx;
		n++;
	}
	if (!dup_index) {
		r = seccomp_rule_add_array(ctx, act, nr, n, n ? cmp : NULL);
		if (r < 0)
			return pod_err_set(err, POD_E_GENERIC, -r, "adding seccomp rule for %s: %s",
					   name, pod_strerror(-r));
		return 0;
	}
	/* libseccomp takes one comparison per argument: a rule per comparison */
	for (unsigned k = 0; k < n; k++) {
		r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
		if (r < 0)
			return pod_err_set(err, POD_E_GENERIC, -r, "adding seccomp rule for %s: %s",
					   name, pod_strerror(-r));
	}
	return 0;
}

static int
build_filter(json_t *sc, scmp_filter_ctx *ret, struct pod_err **err)
{
	json_t *der = json_object_get(sc, "defaultErrnoRet");
	uint32_t def_errno = der ? (uint32_t) json_integer_value(der) : EPERM;
	uint32_t def = action_of(json_string_value(json_object_get(sc, "defaultAction")), der,
				 EPERM);
	scmp_filter_ctx ctx = seccomp_init(def);
	json_t *v, *calls;
	size_t i;
	int r;

	if (!ctx)
		return pod_err_set(err, POD_E_GENERIC, 0, "seccomp_init failed");
	/* no_new_privs is ours to set (process.noNewPrivileges), not libseccomp's */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	json_array_foreach (json_object_get(sc, "architectures"), i, v) {
		uint32_t arch = arch_of(json_string_value(v));

		if (!arch) {
			pod_rt_debug("seccomp: unknown architecture %s skipped", json_string_value(v));
			continue;
		}
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST) {
			seccomp_release(ctx);
			return pod_err_set(err, POD_E_GENERIC, -r, "seccomp: adding architecture %s: %s",
					   json_string_value(v), pod_strerror(-r));
		}
	}
	json_array_foreach (json_object_get(sc, "flags"), i, v) {
		const char *f = json_string_value(v);

		if (STREQ(f, "SECCOMP_FILTER_FLAG_TSYNC"))
			seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
		else if (STREQ(f, "SECCOMP_FILTER_FLAG_LOG"))
			seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
		else if (STREQ(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
	}
	calls = json_object_get(sc, "syscalls");
	json_array_foreach (calls, i, v) {
		uint32_t act = action_of(json_string_value(json_object_get(v, "action")),
					 json_object_get(v, "errnoRet"), def_errno);
		json_t *names = json_object_get(v, "names"), *n;
		json_t *args = json_object_get(v, "args");
		json_t *single = NULL;
		size_t k;

		if (!json_is_array(args))
			args = NULL;
		if (act == def)
			continue; /* libseccomp refuses rules that equal the default */
		if (!json_is_array(names)) {
			single = json_array();
			json_array_append(single, json_object_get(v, "name"));
			names = single;
		}
		json_array_foreach (names, k, n) {
			const char *name = json_string_value(n);
			int nr = seccomp_syscall_resolve_name(name);

			if (nr == __NR_SCMP_ERROR) {
				pod_rt_debug("seccomp: unknown syscall %s skipped", name);
				continue;
			}
			if (add_rule(ctx, act, nr, args, name, err) < 0) {
				if (single)
					json_decref(single);
				seccomp_release(ctx);
				return -1;
			}
		}
		if (single)
			json_decref(single);
	}
	*ret = ctx;
	return 0;
}

int
pod_rt_seccomp_load(json_t *sc, struct pod_err **err)
{
	scmp_filter_ctx ctx = NULL;
	int r;

	if (build_filter(sc, &ctx, err) < 0)
		return -1;
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return pod_err_set(err, POD_E_GENERIC, -r, "loading the seccomp filter: %s",
				   pod_strerror(-r));
	return 0;
}

/* --- compiled filters, cached by the profile's digest ---------------------- */

static unsigned
filter_flags(json_t *sc)
{
	unsigned f = 0;
	json_t *v;
	size_t i;

	json_array_foreach (json_object_get(sc, "flags"), i, v) {
		const char *n = json_string_value(v);
		if (STREQ(n, "SECCOMP_FILTER_FLAG_TSYNC"))
			f |= SECCOMP_FILTER_FLAG_TSYNC;
		else if (STREQ(n, "SECCOMP_FILTER_FLAG_LOG"))
			f |= SECCOMP_FILTER_FLAG_LOG;
		else if (STREQ(n, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			f |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	}
	return f;
}

/* the cache key: the profile, libseccomp's version and our architecture */
static char *
filter_key(json_t *sc)
{
	/* in the order written: the same profile text gives the same key */
	cleanup_free char *text = json_dumps(sc, JSON_COMPACT);
	const struct scmp_version *v = seccomp_version();
	unsigned char md[POD_SHA256_LEN];
	char *hex = xmalloc(2 * sizeof(md) + 1);
	struct pod_sha256_ctx h;
	struct utsname u;
	char tag[128];

	if (!text) {
		free(hex);
		return NULL;
	}
	if (uname(&u) < 0)
		snprintf(u.machine, sizeof(u.machine), "unknown");
	snprintf(tag, sizeof(tag), "\n%u.%u.%u %s", v ? v->major : 0, v ? v->minor : 0,
		 v ? v->micro : 0, u.machine);
	pod_sha256_begin(&h);
	pod_sha256_add(&h, text, strlen(text));
	pod_sha256_add(&h, tag, strlen(tag));
	pod_sha256_end(&h, md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

static int
compile(json_t *sc, struct pod_rt_bpf *ret, struct pod_err **err)
{
	scmp_filter_ctx ctx = NULL;
	cleanup_close int fd = -1;
	struct stat st;
	int r;

	if (build_filter(sc, &ctx, err) < 0)
		return -1;
	fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0) {
		seccomp_release(ctx);
		return pod_err_sys(err, "memfd_create");
	}
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (r < 0)
		return pod_err_set(err, POD_E_GENERIC, -r, "exporting the seccomp filter: %s",
				   pod_strerror(-r));
	if (fstat(fd, &st) < 0)
		return pod_err_sys(err, "fstat");
	if (st.st_size <= 0 || st.st_size % (off_t) sizeof(struct sock_filter) ||
	    st.st_size > (off_t) (BPF_MAXINSNS * sizeof(struct sock_filter)))
		return pod_err_set(err, POD_E_GENERIC, 0, "the seccomp filter has %lld bytes",
				   (long long) st.st_size);
	ret->insns = xmalloc((size_t) st.st_size);
	if (pread(fd, ret->insns, (size_t) st.st_size, 0) != (ssize_t) st.st_size) {
		free(ret->insns);
		ret->insns = NULL;
		return pod_err_sys(err, "reading the seccomp filter");
	}
	ret->len = (unsigned short) (st.st_size / (off_t) sizeof(struct sock_filter));
	return 0;
}

static bool
cache_read(const char *path, struct pod_rt_bpf *ret)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_size <= 0 || st.st_size % (off_t) sizeof(struct sock_filter) ||
	    st.st_size > (off_t) (BPF_MAXINSNS * sizeof(struct sock_filter)))
		return false;
	ret->insns = xmalloc((size_t) st.st_size);
	if (pread(fd, ret->insns, (size_t) st.st_size, 0) != (ssize_t) st.st_size) {
		free(ret->insns);
		ret->insns = NULL;
		return false;
	}
	ret->len = (unsigned short) (st.st_size / (off_t) sizeof(struct sock_filter));
	return true;
}

int
pod_rt_seccomp_prepare(const char *cache_dir, json_t *sc, struct pod_rt_bpf *ret,
		       struct pod_err **err)
{
	cleanup_free char *key = cache_dir ? filter_key(sc) : NULL;
	cleanup_free char *path = NULL;
	struct pod_err *e = NULL;

	memset(ret, 0, sizeof(*ret));
	ret->flags = filter_flags(sc);
	if (key) {
		path = xasprintf("%s/%s.bpf", cache_dir, key);
		if (cache_read(path, ret))
			return 0;
	}
	if (compile(sc, ret, err) < 0)
		return -1;
	if (path && (mkdir(cache_dir, 0700) == 0 || errno == EEXIST) &&
	    pod_rt_write_file_atomic(path, (const char *) ret->insns,
				     ret->len * sizeof(struct sock_filter), 0600, &e) < 0) {
		pod_rt_debug("seccomp cache %s: %s", path, e->msg);
		pod_err_free(&e);
	}
	return 0;
}

int
pod_rt_seccomp_load_bpf(const struct pod_rt_bpf *b, struct pod_err **err)
{
	struct sock_fprog prog = { .len = b->len, .filter = b->insns };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, b->flags, &prog) < 0)
		return pod_err_sys(err, "loading the seccomp filter");
	return 0;
}

void
pod_rt_bpf_release(struct pod_rt_bpf *b)
{
	free(b->insns);
	b->insns = NULL;
	b->len = 0;
}

json_t *
pod_rt_seccomp_features(void)
{
	json_t *actions = json_array(), *ops = json_array(), *archs = json_array();
	static const char *const arch_list[] = {
		"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
		"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
		"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
		"SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32",
		"SCMP_ARCH_X86", "SCMP_ARCH_X86_64",
	};

	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
		json_array_append_new(actions, json_string(action_names[i]));
	for (size_t i = 0; i < ARRAY_SIZE(op_table); i++)
		json_array_append_new(ops, json_string(op_table[i].name));
	for (size_t i = 0; i < ARRAY_SIZE(arch_list); i++)
		json_array_append_new(archs, json_string(arch_list[i]));
	return json_pack("{s:b,s:o,s:o,s:o}", "enabled", 1, "actions", actions, "operators", ops,
			 "archs", archs);
}
