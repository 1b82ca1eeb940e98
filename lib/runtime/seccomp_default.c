/* seccomp_default.c - Podman's default seccomp profile and the seccomp.json reader */
#include "runtime/seccomp_default.h"
#include "runtime/caps.h"
#include "core/util.h"

#include <errno.h>
#include <inttypes.h>
#include <sys/utsname.h>
#include <unistd.h>

/*
 * The default profile as data. Syscall lists are space-separated; a rule
 * is one group of names with its action and gates. Facts from
 * containers/common pkg/seccomp/seccomp.json (the profile Podman 4.3 uses).
 */
static const char denied_eperm[] =
	"bdflush io_pgetevents kexec_file_load kexec_load membarrier migrate_pages move_pages "
	"nfsservctl nice oldfstat oldlstat oldolduname oldstat olduname pciconfig_iobase "
	"pciconfig_read pciconfig_write sgetmask ssetmask swapcontext swapoff swapon sysfs uselib "
	"userfaultfd ustat vm86 vm86old vmsplice";

static const char allowed[] =
	"_llseek _newselect accept accept4 access adjtimex alarm bind brk capget capset chdir "
	"chmod chown chown32 clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 "
	"clock_gettime clock_gettime64 clock_nanosleep clock_nanosleep_time64 clone clone3 close "
	"close_range connect copy_file_range creat dup dup2 dup3 epoll_create epoll_create1 "
	"epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd "
	"eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 "
	"fallocate fanotify_mark fchdir fchmod fchmodat fchown fchown32 fchownat fcntl fcntl64 "
	"fdatasync fgetxattr flistxattr flock fork fremovexattr fsconfig fsetxattr fsmount fsopen "
	"fspick fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex "
	"futex_time64 futimesat get_robust_list get_thread_area getcpu getcwd getdents getdents64 "
	"getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer "
	"getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid getresgid32 "
	"getresuid getresuid32 getrlimit getrusage getsid getsockname getsockopt gettid "
	"gettimeofday getuid getuid32 getxattr inotify_add_watch inotify_init inotify_init1 "
	"inotify_rm_watch io_cancel io_destroy io_getevents io_setup io_submit ioctl ioprio_get "
	"ioprio_set ipc keyctl kill lchown lchown32 lgetxattr link linkat listen listxattr "
	"llistxattr lremovexattr lseek lsetxattr lstat lstat64 madvise memfd_create mincore mkdir "
	"mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 mount move_mount mprotect "
	"mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend "
	"mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall "
	"munmap name_to_handle_at nanosleep newfstatat open openat openat2 open_tree pause "
	"pidfd_getfd pidfd_open pidfd_send_signal pipe pipe2 pivot_root pkey_alloc pkey_free "
	"pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 pselect6 "
	"pselect6_time64 pwrite64 pwritev pwritev2 read readahead readdir readlink readlinkat "
	"readv reboot recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr "
	"rename renameat renameat2 restart_syscall rmdir rseq rt_sigaction rt_sigpending "
	"rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait "
	"rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min "
	"sched_getaffinity sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval "
	"sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam "
	"sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop "
	"semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setns set_robust_list "
	"set_thread_area set_tid_address setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 "
	"setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid "
	"setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit setsid setsockopt setuid "
	"setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 "
	"sigreturn socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat "
	"sync sync_file_range syncfs sysinfo syslog tee tgkill time timer_create timer_delete "
	"timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64 "
	"timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times "
	"tkill truncate truncate64 ugetrlimit umask umount umount2 uname unlink unlinkat unshare "
	"utime utimensat utimensat_time64 utimes vfork wait4 waitid waitpid write writev";

/* allowed with the capability, EPERM without it */
static const struct {
	const char *cap;
	const char *names;
} cap_gated[] = {
	{ "CAP_DAC_READ_SEARCH", "open_by_handle_at" },
	{ "CAP_SYS_ADMIN",
	  "bpf fanotify_init lookup_dcookie perf_event_open quotactl setdomainname sethostname "
	  "setns" },
	{ "CAP_SYS_CHROOT", "chroot" },
	{ "CAP_SYS_MODULE", "delete_module init_module finit_module query_module" },
	{ "CAP_SYS_NICE", "get_mempolicy mbind set_mempolicy" },
	{ "CAP_SYS_PACCT", "acct" },
	{ "CAP_SYS_PTRACE", "kcmp process_madvise process_vm_readv process_vm_writev ptrace" },
	{ "CAP_SYS_RAWIO", "iopl ioperm" },
	{ "CAP_SYS_TIME", "settimeofday stime clock_settime clock_settime64" },
	{ "CAP_SYS_TTY_CONFIG", "vhangup" },
};

/* allowed on some architectures only (Go arch names) */
static const struct {
	const char *arches;
	const char *names;
} arch_gated[] = {
	{ "ppc64le", "sync_file_range2" },
	{ "arm arm64", "arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint "
		       "cacheflush set_tls" },
	{ "amd64 x32", "arch_prctl" },
	{ "amd64 x32 x86", "modify_ldt" },
	{ "s390 s390x", "s390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr" },
};

/* personality(2) values allowed: PER_LINUX, PER_LINUX32, UNAME26 variants, query */
static const int64_t personalities[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

static const struct {
	const char *arch;
	const char *subs;
} arch_map[] = {
	{ "SCMP_ARCH_X86_64", "SCMP_ARCH_X86 SCMP_ARCH_X32" },
	{ "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" },
	{ "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS SCMP_ARCH_MIPS64N32" },
	{ "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPS SCMP_ARCH_MIPS64" },
	{ "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL SCMP_ARCH_MIPSEL64N32" },
	{ "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_MIPSEL SCMP_ARCH_MIPSEL64" },
	{ "SCMP_ARCH_S390X", "SCMP_ARCH_S390" },
};

#define AF_NETLINK_NUM 16
#define NETLINK_AUDIT_NUM 9

static const char *const valid_actions[] = {
	"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",	   "SCMP_ACT_ALLOW",	    "SCMP_ACT_LOG",
	"SCMP_ACT_NOTIFY",
};

static const char *const valid_ops[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",	    "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

static const char *const valid_arches[] = {
	"SCMP_ARCH_NATIVE",  "SCMP_ARCH_X86",	     "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",
	"SCMP_ARCH_ARM",     "SCMP_ARCH_AARCH64",    "SCMP_ARCH_MIPS",	    "SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32",
	"SCMP_ARCH_PPC",     "SCMP_ARCH_PPC64",	     "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",
	"SCMP_ARCH_S390X",   "SCMP_ARCH_PARISC",     "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",
	"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",   "SCMP_ARCH_SH",	    "SCMP_ARCH_SHEB",
};

/* --- building the source profile ------------------------------------------ */

static json_t *
names_array(const char *list)
{
	json_t *a = json_array();
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t) (e - p) : strlen(p);

		if (len)
			json_array_append_new(a, json_stringn(p, len));
		p = e ? e + 1 : p + len;
	}
	return a;
}

static json_t *
rule(const char *names, const char *action, int errno_ret)
{
	json_t *r = json_pack("{s:o,s:s,s:[]}", "names", names_array(names), "action", action,
			      "args");

	if (errno_ret)
		json_object_set_new(r, "errnoRet", json_integer(errno_ret));
	return r;
}

static json_t *
arg(int index, int64_t value, const char *op)
{
	return json_pack("{s:i,s:I,s:i,s:s}", "index", index, "value", (json_int_t) value,
			 "valueTwo", 0, "op", op);
}

json_t *
pod_seccomp_default_source(void)
{
	json_t *p = json_object(), *map = json_array(), *calls = json_array(), *r;
	size_t i;

	json_object_set_new(p, "defaultAction", json_string("SCMP_ACT_ERRNO"));
	json_object_set_new(p, "defaultErrnoRet", json_integer(ENOSYS));
	for (i = 0; i < ARRAY_SIZE(arch_map); i++)
		json_array_append_new(map, json_pack("{s:s,s:o}", "architecture", arch_map[i].arch,
						     "subArchitectures",
						     names_array(arch_map[i].subs)));
	json_object_set_new(p, "archMap", map);
	json_array_append_new(calls, rule(denied_eperm, "SCMP_ACT_ERRNO", EPERM));
	json_array_append_new(calls, rule(allowed, "SCMP_ACT_ALLOW", 0));
	for (i = 0; i < ARRAY_SIZE(personalities); i++) {
		r = rule("personality", "SCMP_ACT_ALLOW", 0);
		json_array_append_new(json_object_get(r, "args"),
				      arg(0, personalities[i], "SCMP_CMP_EQ"));
		json_array_append_new(calls, r);
	}
	for (i = 0; i < ARRAY_SIZE(arch_gated); i++) {
		r = rule(arch_gated[i].names, "SCMP_ACT_ALLOW", 0);
		json_object_set_new(r, "includes",
				    json_pack("{s:o}", "arches", names_array(arch_gated[i].arches)));
		json_array_append_new(calls, r);
	}
	for (i = 0; i < ARRAY_SIZE(cap_gated); i++) {
		r = rule(cap_gated[i].names, "SCMP_ACT_ALLOW", 0);
		json_object_set_new(r, "includes", json_pack("{s:[s]}", "caps", cap_gated[i].cap));
		json_array_append_new(calls, r);
		r = rule(cap_gated[i].names, "SCMP_ACT_ERRNO", EPERM);
		json_object_set_new(r, "excludes", json_pack("{s:[s]}", "caps", cap_gated[i].cap));
		json_array_append_new(calls, r);
	}
	/* audit netlink sockets need CAP_AUDIT_WRITE: EINVAL without it */
	r = rule("socket", "SCMP_ACT_ERRNO", EINVAL);
	json_array_append_new(json_object_get(r, "args"), arg(0, AF_NETLINK_NUM, "SCMP_CMP_EQ"));
	json_array_append_new(json_object_get(r, "args"), arg(2, NETLINK_AUDIT_NUM, "SCMP_CMP_EQ"));
	json_object_set_new(r, "excludes", json_pack("{s:[s]}", "caps", "CAP_AUDIT_WRITE"));
	json_array_append_new(calls, r);
	r = rule("socket", "SCMP_ACT_ALLOW", 0);
	json_array_append_new(json_object_get(r, "args"),
			      arg(2, NETLINK_AUDIT_NUM, "SCMP_CMP_NE"));
	json_object_set_new(r, "excludes", json_pack("{s:[s]}", "caps", "CAP_AUDIT_WRITE"));
	json_array_append_new(calls, r);
	r = rule("socket", "SCMP_ACT_ALLOW", 0);
	json_array_append_new(json_object_get(r, "args"), arg(0, AF_NETLINK_NUM, "SCMP_CMP_NE"));
	json_object_set_new(r, "excludes", json_pack("{s:[s]}", "caps", "CAP_AUDIT_WRITE"));
	json_array_append_new(calls, r);
	r = rule("socket", "SCMP_ACT_ALLOW", 0);
	json_object_set_new(r, "includes", json_pack("{s:[s]}", "caps", "CAP_AUDIT_WRITE"));
	json_array_append_new(calls, r);
	json_object_set_new(p, "syscalls", calls);
	return p;
}

json_t *
pod_seccomp_default_profile(const char *const *caps)
{
	json_t *src = pod_seccomp_default_source(), *ret;
	struct pod_err *e = NULL;

	ret = pod_seccomp_profile_resolve(src, caps, &e);
	/* our own table always resolves; abort loudly if it ever does not */
	if (!ret)
		abort();
	json_decref(src);
	return ret;
}

/* --- resolving ------------------------------------------------------------- */

struct host {
	const char *goarch;   /* "amd64" */
	const char *scmp;     /* "SCMP_ARCH_X86_64" */
	int kmajor, kminor;
};

static void
host_info(struct host *h)
{
	static const struct {
		const char *machine, *goarch, *scmp;
	} table[] = {
		{ "x86_64", "amd64", "SCMP_ARCH_X86_64" },
		{ "aarch64", "arm64", "SCMP_ARCH_AARCH64" },
		{ "i686", "386", "SCMP_ARCH_X86" },
		{ "i386", "386", "SCMP_ARCH_X86" },
		{ "armv7l", "arm", "SCMP_ARCH_ARM" },
		{ "ppc64le", "ppc64le", "SCMP_ARCH_PPC64LE" },
		{ "s390x", "s390x", "SCMP_ARCH_S390X" },
		{ "mips64", "mips64", "SCMP_ARCH_MIPS64" },
		{ "riscv64", "riscv64", "SCMP_ARCH_RISCV64" },
		{ "loongarch64", "loong64", "SCMP_ARCH_LOONGARCH64" },
	};
	struct utsname u;
	size_t i;

	memset(h, 0, sizeof(*h));
	h->goarch = "amd64";
	h->scmp = "SCMP_ARCH_X86_64";
	if (uname(&u) < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (STREQ(u.machine, table[i].machine)) {
			h->goarch = table[i].goarch;
			h->scmp = table[i].scmp;
		}
	if (sscanf(u.release, "%d.%d", &h->kmajor, &h->kminor) != 2)
		h->kmajor = h->kminor = 0;
}

static bool
in_list(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (STREQ(list[i], s))
			return true;
	return false;
}

static bool
has_cap(const char *const *caps, const char *name)
{
	int want = pod_cap_from_name(name);
	size_t i;

	for (i = 0; caps && caps[i]; i++)
		if (pod_cap_from_name(caps[i]) == want && want >= 0)
			return true;
	return false;
}

static int
string_array(json_t *a, const char *what, struct pod_err **err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: expected an array of strings", what);
	json_array_foreach(a, i, v)
		if (!json_is_string(v) || !*json_string_value(v))
			return pod_err_set(err, POD_E_INVALID, 0, "%s: expected non-empty strings",
					   what);
	return 0;
}

/*
 * Whether a rule's includes/excludes filter keeps it here: includes need
 * every listed cap, one of the arches and at least minKernel; excludes
 * drop the rule when any listed cap or arch matches or the kernel is older.
 */
static int
filter_match(json_t *f, bool include, const struct host *h, const char *const *caps,
	     bool *ret, struct pod_err **err)
{
	json_t *v;
	size_t i;
	json_t *x;
	const char *what = include ? "includes" : "excludes";

	*ret = true;
	if (!f || json_is_null(f))
		return 0;
	if (!json_is_object(f))
		return pod_err_set(err, POD_E_INVALID, 0, "seccomp: %s must be an object", what);
	if ((v = json_object_get(f, "caps"))) {
		if (string_array(v, "seccomp: caps", err) < 0)
			return -1;
		json_array_foreach(v, i, x) {
			bool has = has_cap(caps, json_string_value(x));

			if (include && !has)
				*ret = false;
			if (!include && has)
				*ret = false;
		}
	}
	if ((v = json_object_get(f, "arches"))) {
		bool any = false;

		if (string_array(v, "seccomp: arches", err) < 0)
			return -1;
		json_array_foreach(v, i, x)
			any = any || STREQ(json_string_value(x), h->goarch);
		if (json_array_size(v) > 0 && (include ? !any : any))
			*ret = false;
	}
	if ((v = json_object_get(f, "minKernel")) && !json_is_null(v)) {
		int maj, min;
		bool older;

		if (!json_is_string(v) || sscanf(json_string_value(v), "%d.%d", &maj, &min) != 2 ||
		    maj < 0 || min < 0)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "seccomp: minKernel must be \"MAJOR.MINOR\"");
		older = h->kmajor < maj || (h->kmajor == maj && h->kminor < min);
		if (include ? older : !older)
			*ret = false;
	}
	return 0;
}

static int
convert_args(json_t *args, json_t **ret, struct pod_err **err)
{
	json_t *out = json_array(), *a;
	size_t i;

	*ret = out;
	if (!args || json_is_null(args))
		return 0;
	if (!json_is_array(args) || json_array_size(args) > 6)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "seccomp: args must be an array of at most 6 conditions");
	json_array_foreach(args, i, a) {
		json_int_t index = -1, value = 0, value2 = 0;
		const char *op = NULL;
		json_error_t je;

		if (json_unpack_ex(a, &je, 0, "{s:I,s?I,s?I,s:s}", "index", &index, "value", &value,
				   "valueTwo", &value2, "op", &op) < 0)
			return pod_err_set(err, POD_E_INVALID, 0, "seccomp: bad argument condition: %s",
					   je.text);
		if (index < 0 || index > 5)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "seccomp: argument index %" JSON_INTEGER_FORMAT
					   " out of range 0-5", index);
		if (value < 0 || value2 < 0)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "seccomp: argument values must not be negative");
		if (!in_list(valid_ops, ARRAY_SIZE(valid_ops), op))
			return pod_err_set(err, POD_E_INVALID, 0, "seccomp: unknown operator \"%s\"",
					   op);
		json_array_append_new(out, json_pack("{s:I,s:I,s:I,s:s}", "index", index, "value",
						     value, "valueTwo", value2, "op", op));
	}
	return 0;
}

static int
resolve_arches(json_t *profile, const struct host *h, json_t *out, struct pod_err **err)
{
	json_t *archs = json_object_get(profile, "architectures");
	json_t *map = json_object_get(profile, "archMap");
	json_t *list = json_array(), *v, *m;
	size_t i, j;

	json_object_set_new(out, "architectures", list);
	if (archs && map && !json_is_null(archs) && !json_is_null(map) &&
	    json_array_size(archs) > 0 && json_array_size(map) > 0)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "seccomp: use either architectures or archMap, not both");
	if (archs && !json_is_null(archs)) {
		if (string_array(archs, "seccomp: architectures", err) < 0)
			return -1;
		json_array_foreach(archs, i, v) {
			if (!in_list(valid_arches, ARRAY_SIZE(valid_arches), json_string_value(v)))
				return pod_err_set(err, POD_E_INVALID, 0,
						   "seccomp: unknown architecture \"%s\"",
						   json_string_value(v));
			json_array_append(list, v);
		}
	}
	if (!map || json_is_null(map))
		return 0;
	if (!json_is_array(map))
		return pod_err_set(err, POD_E_INVALID, 0, "seccomp: archMap must be an array");
	json_array_foreach(map, i, m) {
		const char *arch = NULL;
		json_t *subs = NULL;
		json_error_t je;

		if (json_unpack_ex(m, &je, 0, "{s:s,s?o}", "architecture", &arch, "subArchitectures",
				   &subs) < 0)
			return pod_err_set(err, POD_E_INVALID, 0, "seccomp: bad archMap entry: %s",
					   je.text);
		if (!in_list(valid_arches, ARRAY_SIZE(valid_arches), arch))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "seccomp: unknown architecture \"%s\"", arch);
		if (subs && !json_is_null(subs) &&
		    string_array(subs, "seccomp: subArchitectures", err) < 0)
			return -1;
		if (!STREQ(arch, h->scmp))
			continue;
		json_array_append_new(list, json_string(arch));
		json_array_foreach(subs, j, v) {
			if (!in_list(valid_arches, ARRAY_SIZE(valid_arches), json_string_value(v)))
				return pod_err_set(err, POD_E_INVALID, 0,
						   "seccomp: unknown architecture \"%s\"",
						   json_string_value(v));
			json_array_append(list, v);
		}
	}
	return 0;
}

static int
resolve_call(json_t *call, const struct host *h, const char *const *caps, const char *defact,
	     json_int_t deferr, json_t *out, struct pod_err **err)
{
	json_t *names = json_object_get(call, "names"), *name = json_object_get(call, "name");
	json_t *action = json_object_get(call, "action"), *eret = json_object_get(call, "errnoRet");
	json_t *args = NULL, *r;
	bool keep_in, keep_ex;
	json_int_t errno_ret = -1;
	const char *act;

	if (!json_is_object(call))
		return pod_err_set(err, POD_E_INVALID, 0, "seccomp: syscalls must be objects");
	if (name && !json_is_null(name) && names && !json_is_null(names))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "seccomp: use either name or names in a syscall rule, not both");
	if (!json_is_string(action) ||
	    !in_list(valid_actions, ARRAY_SIZE(valid_actions), json_string_value(action)))
		return pod_err_set(err, POD_E_INVALID, 0, "seccomp: unknown action %s%s%s",
				   json_is_string(action) ? "\"" : "",
				   json_is_string(action) ? json_string_value(action) : "(none)",
				   json_is_string(action) ? "\"" : "");
	act = json_string_value(action);
	if (eret && !json_is_null(eret)) {
		if (!json_is_integer(eret) || json_integer_value(eret) < 0 ||
		    json_integer_value(eret) > 4095)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "seccomp: errnoRet must be an errno number");
		errno_ret = json_integer_value(eret);
	}
	if (filter_match(json_object_get(call, "includes"), true, h, caps, &keep_in, err) < 0 ||
	    filter_match(json_object_get(call, "excludes"), false, h, caps, &keep_ex, err) < 0)
		return -1;
	if (convert_args(json_object_get(call, "args"), &args, err) < 0) {
		json_decref(args);
		return -1;
	}
	if (name && !json_is_null(name)) {
		if (!json_is_string(name) || !*json_string_value(name)) {
			json_decref(args);
			return pod_err_set(err, POD_E_INVALID, 0, "seccomp: name must be a string");
		}
		names = json_pack("[O]", name);
	} else {
		if (string_array(names, "seccomp: names", err) < 0) {
			json_decref(args);
			return -1;
		}
		json_incref(names);
	}
	/* a rule that only restates the default changes nothing, and
	 * libseccomp refuses it */
	if (!keep_in || !keep_ex || json_array_size(names) == 0 ||
	    (STREQ(act, defact) && (!STREQ(act, "SCMP_ACT_ERRNO") || errno_ret == deferr ||
				    (errno_ret < 0 && deferr < 0)))) {
		json_decref(names);
		json_decref(args);
		return 0;
	}
	r = json_pack("{s:o,s:s}", "names", names, "action", act);
	if (errno_ret >= 0 && (STREQ(act, "SCMP_ACT_ERRNO") || STREQ(act, "SCMP_ACT_TRACE")))
		json_object_set_new(r, "errnoRet", json_integer(errno_ret));
	if (json_array_size(args) > 0)
		json_object_set_new(r, "args", args);
	else
		json_decref(args);
	json_array_append_new(out, r);
	return 0;
}

json_t *
pod_seccomp_profile_resolve(json_t *profile, const char *const *caps, struct pod_err **err)
{
	json_t *out = NULL, *calls, *v, *call, *list;
	const char *defact;
	json_int_t deferr = -1;
	struct host h;
	size_t i;

	if (!json_is_object(profile)) {
		pod_err_set(err, POD_E_INVALID, 0, "seccomp: the profile must be a JSON object");
		return NULL;
	}
	host_info(&h);
	v = json_object_get(profile, "defaultAction");
	if (!json_is_string(v) ||
	    !in_list(valid_actions, ARRAY_SIZE(valid_actions), json_string_value(v))) {
		pod_err_set(err, POD_E_INVALID, 0, "seccomp: missing or unknown defaultAction");
		return NULL;
	}
	defact = json_string_value(v);
	out = json_object();
	json_object_set_new(out, "defaultAction", json_string(defact));
	v = json_object_get(profile, "defaultErrnoRet");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 4095) {
			pod_err_set(err, POD_E_INVALID, 0,
				    "seccomp: defaultErrnoRet must be an errno number");
			goto fail;
		}
		deferr = json_integer_value(v);
		json_object_set_new(out, "defaultErrnoRet", json_integer(deferr));
	}
	if (resolve_arches(profile, &h, out, err) < 0)
		goto fail;
	v = json_object_get(profile, "flags");
	if (v && !json_is_null(v)) {
		if (string_array(v, "seccomp: flags", err) < 0)
			goto fail;
		json_object_set(out, "flags", v);
	}
	v = json_object_get(profile, "listenerPath");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v)) {
			pod_err_set(err, POD_E_INVALID, 0, "seccomp: listenerPath must be a string");
			goto fail;
		}
		if (*json_string_value(v))
			json_object_set(out, "listenerPath", v);
	}
	calls = json_object_get(profile, "syscalls");
	list = json_array();
	json_object_set_new(out, "syscalls", list);
	if (calls && !json_is_null(calls) && !json_is_array(calls)) {
		pod_err_set(err, POD_E_INVALID, 0, "seccomp: syscalls must be an array");
		goto fail;
	}
	json_array_foreach(calls, i, call)
		if (resolve_call(call, &h, caps, defact, deferr, list, err) < 0) {
			pod_err_wrap(err, "syscalls[%zu]", i);
			goto fail;
		}
	return out;
fail:
	json_decref(out);
	return NULL;
}

json_t *
pod_seccomp_profile_from_data(const char *data, size_t len, const char *const *caps,
			      struct pod_err **err)
{
	json_error_t je;
	json_t *p = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je), *ret;

	if (!p) {
		pod_err_set(err, POD_E_INVALID, 0, "decoding seccomp profile: %s (line %d)", je.text,
			    je.line);
		return NULL;
	}
	ret = pod_seccomp_profile_resolve(p, caps, err);
	json_decref(p);
	return ret;
}

json_t *
pod_seccomp_profile_from_file(const char *path, const char *const *caps, struct pod_err **err)
{
	json_error_t je;
	json_t *p, *ret;

	p = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!p) {
		if (access(path, R_OK) < 0) {
			pod_err_sys(err, "opening seccomp profile \"%s\"", path);
			return NULL;
		}
		pod_err_set(err, POD_E_INVALID, 0, "decoding seccomp profile \"%s\": %s (line %d)",
			    path, je.text, je.line);
		return NULL;
	}
	ret = pod_seccomp_profile_resolve(p, caps, err);
	json_decref(p);
	if (!ret)
		pod_err_wrap(err, "seccomp profile \"%s\"", path);
	return ret;
}
