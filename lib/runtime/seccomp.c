/* seccomp.c - the OCI linux.seccomp object as a libseccomp filter */
#include "runtime/oci-internal.h"

#include "core/fs.h"
#include "core/strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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

/* the filter the profile describes, not loaded yet */
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

/*
 * Compiling Podman's default profile with libseccomp costs more CPU than the
 * rest of `pod-oci create`; the program it makes depends only on the profile,
 * the libseccomp version and the kernel. So compiled programs are kept in the
 * runtime's state root (volatile: a reboot, and so a new kernel, starts it
 * afresh), in a file named by a hash of that key and holding the key itself,
 * which must match byte for byte: a hash collision costs a compile, nothing
 * more.
 */
#define BPF_MAGIC "pod-seccomp-bpf 1\n"
#define BPF_MAX_INSNS 65535

static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char) s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static unsigned
filter_flags(json_t *sc)
{
	unsigned flags = 0;
	json_t *v;
	size_t i;

	json_array_foreach (json_object_get(sc, "flags"), i, v) {
		const char *f = json_string_value(v);
		if (!f)
			continue;
		if (STREQ(f, "SECCOMP_FILTER_FLAG_TSYNC"))
			flags |= SECCOMP_FILTER_FLAG_TSYNC;
		else if (STREQ(f, "SECCOMP_FILTER_FLAG_LOG"))
			flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (STREQ(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	}
	return flags;
}

/* the cached program of key, if the file holds exactly that key */
static bool
cache_read(const char *path, const char *key, size_t key_len, struct pod_rt_seccomp_bpf *ret)
{
	cleanup_free char *buf = NULL;
	size_t len = 0, head = strlen(BPF_MAGIC) + key_len + 1;
	struct pod_err *e = NULL;

	if (pod_read_file(path, &buf, &len, head + BPF_MAX_INSNS * sizeof(struct sock_filter),
			  &e) < 0) {
		pod_err_free(&e);
		return false;
	}
	if (len <= head || memcmp(buf, BPF_MAGIC, strlen(BPF_MAGIC)) != 0 ||
	    memcmp(buf + strlen(BPF_MAGIC), key, key_len) != 0 || buf[head - 1] != '\n' ||
	    (len - head) % sizeof(struct sock_filter) != 0)
		return false;
	ret->len = (unsigned short) ((len - head) / sizeof(struct sock_filter));
	ret->insns = xmalloc(len - head);
	memcpy(ret->insns, buf + head, len - head);
	return true;
}

int
pod_rt_seccomp_compile(json_t *sc, const char *cache_dir, struct pod_rt_seccomp_bpf *ret,
		       struct pod_err **err)
{
	const struct scmp_version *ver = seccomp_version();
	cleanup_free char *profile = json_dumps(sc, JSON_COMPACT | JSON_SORT_KEYS);
	cleanup_free char *key = NULL, *path = NULL, *file = NULL;
	cleanup_close int fd = -1;
	scmp_filter_ctx ctx = NULL;
	struct pod_strbuf prog = POD_STRBUF_INIT;
	size_t key_len;
	char chunk[4096];
	ssize_t n;
	int r;

	if (!profile)
		return pod_err_set(err, POD_E_GENERIC, 0, "seccomp: cannot serialize the profile");
	key = xasprintf("libseccomp %u.%u.%u %s", ver ? ver->major : 0, ver ? ver->minor : 0,
			ver ? ver->micro : 0, profile);
	key_len = strlen(key);
	path = xasprintf("%s/seccomp-%016" PRIx64 ".bpf", cache_dir, fnv1a(key, key_len));
	ret->flags = filter_flags(sc);
	if (cache_read(path, key, key_len, ret))
		return 0;

	if (build_filter(sc, &ctx, err) < 0)
		return -1;
	fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0) {
		seccomp_release(ctx);
		return pod_err_sys(err, "seccomp: memfd_create");
	}
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (r < 0)
		return pod_err_set(err, POD_E_GENERIC, -r, "seccomp: compiling the filter: %s",
				   pod_strerror(-r));
	if (lseek(fd, 0, SEEK_SET) < 0)
		return pod_err_sys(err, "seccomp: reading the compiled filter");
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		pod_strbuf_add(&prog, chunk, (size_t) n);
	if (n < 0 || prog.len == 0 || prog.len % sizeof(struct sock_filter) != 0 ||
	    prog.len / sizeof(struct sock_filter) > BPF_MAX_INSNS) {
		pod_strbuf_release(&prog);
		return pod_err_set(err, POD_E_GENERIC, n < 0 ? errno : 0,
				   "seccomp: reading the compiled filter");
	}
	ret->len = (unsigned short) (prog.len / sizeof(struct sock_filter));
	ret->insns = xmalloc(prog.len);
	memcpy(ret->insns, prog.buf, prog.len);

	/* a cache that cannot be written only costs the next run a compile */
	file = xasprintf("%s%s\n", BPF_MAGIC, key);
	{
		struct pod_strbuf out = POD_STRBUF_INIT;
		struct pod_err *e = NULL;
		pod_strbuf_adds(&out, file);
		pod_strbuf_add(&out, prog.buf, prog.len);
		if (pod_mkdir_p(cache_dir, 0700, &e) < 0 ||
		    pod_write_file_replace(path, out.buf, out.len, 0600, &e) < 0)
			pod_err_free(&e);
		pod_strbuf_release(&out);
	}
	pod_strbuf_release(&prog);
	return 0;
}

int
pod_rt_seccomp_load_bpf(const struct pod_rt_seccomp_bpf *b, struct pod_err **err)
{
	struct sock_fprog prog = { .len = b->len, .filter = b->insns };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, b->flags, &prog) == 0)
		return 0;
	if (errno == ENOSYS && b->flags == 0 &&
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
		return 0;
	return pod_err_sys(err, "loading the seccomp filter");
}

void
pod_rt_seccomp_bpf_release(struct pod_rt_seccomp_bpf *b)
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
