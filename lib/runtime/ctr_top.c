/*
 * ctr_top.c - `podman top`: a container's processes described with Podman's
 * (psgo's) AIX format descriptors, read from /proc; and the ps(1) fallback
 * that runs the container's own ps inside its namespaces.
 */
#include "core/fs.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "runtime/cgroup.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr.h"
#include "runtime/caps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct proc {
	pid_t hpid;
	char *status; /* /proc/PID/status */
	char *stat_rest; /* /proc/PID/stat after "(comm) " */
	char *comm, *cmdline;
	pid_t ns_pid, ns_ppid;
	char *root; /* /proc/PID/root, for the container's passwd and group */
};

struct top_ctx {
	int64_t now_ns, boot_ns;
	long ticks;
};

typedef char *(*desc_fn)(const struct top_ctx *t, const struct proc *p);

/* a field of /proc/PID/status ("Uid:"), NULL when missing; malloc'd */
static char *
status_field(const struct proc *p, const char *key)
{
	size_t klen = strlen(key);

	for (const char *l = p->status; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t) (nl - l) : strlen(l);

		if (len > klen && !strncmp(l, key, klen) && l[klen] == ':') {
			const char *v = l + klen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			return xstrndup(v, len - (size_t) (v - l));
		}
		l = nl ? nl + 1 : l + len;
	}
	return NULL;
}

/* the n-th (0-based) whitespace-separated word of a status field */
static int64_t
status_word(const struct proc *p, const char *key, int n, int64_t dflt)
{
	cleanup_free char *v = status_field(p, key);
	char *s = v, *end;
	int64_t r;

	if (!v)
		return dflt;
	for (int i = 0; i < n; i++) {
		s += strcspn(s, " \t");
		s += strspn(s, " \t");
	}
	r = strtoll(s, &end, 10);
	return end == s ? dflt : r;
}

/* the last word: a pid as its innermost namespace sees it */
static pid_t
last_word_pid(const char *v)
{
	const char *s = v ? strrchr(v, '\t') : NULL;

	if (!v)
		return 0;
	s = s ? s + 1 : v;
	return (pid_t) strtol(s, NULL, 10);
}

/* field n of /proc/PID/stat, counting state as 3 (as proc(5) does) */
static unsigned long long
stat_field(const struct proc *p, int n)
{
	const char *s = p->stat_rest;

	for (int i = 3; i < n && s; i++) {
		s = strchr(s, ' ');
		if (s)
			s++;
	}
	return s ? strtoull(s, NULL, 10) : 0;
}

static char *
fmt_int(long long v)
{
	return xasprintf("%lld", v);
}

/* Go's time.Duration.String() */
static char *
go_duration(int64_t d)
{
	char buf[64], frac[16] = "";
	bool neg = d < 0;
	uint64_t u = neg ? (uint64_t) -d : (uint64_t) d;
	int64_t h, m;
	uint64_t s, ns;

	if (u == 0)
		return xstrdup("0s");
	if (u < 1000000000ULL) {
		const char *unit;
		uint64_t div;
		int prec;

		if (u < 1000) {
			return xasprintf("%s%" PRIu64 "ns", neg ? "-" : "", u);
		} else if (u < 1000000) {
			unit = "µs";
			div = 1000;
			prec = 3;
		} else {
			unit = "ms";
			div = 1000000;
			prec = 6;
		}
		if (u % div) {
			int len = snprintf(frac, sizeof(frac), ".%0*" PRIu64, prec, u % div);
			while (len > 1 && frac[len - 1] == '0')
				frac[--len] = '\0';
		}
		return xasprintf("%s%" PRIu64 "%s%s", neg ? "-" : "", u / div, frac, unit);
	}
	s = u / 1000000000ULL;
	ns = u % 1000000000ULL;
	if (ns) {
		int len = snprintf(frac, sizeof(frac), ".%09" PRIu64, ns);
		while (len > 1 && frac[len - 1] == '0')
			frac[--len] = '\0';
	}
	h = (int64_t) (s / 3600);
	m = (int64_t) ((s % 3600) / 60);
	s %= 60;
	if (h)
		snprintf(buf, sizeof(buf), "%" PRId64 "h%" PRId64 "m%" PRIu64 "%ss", h, m, s, frac);
	else if (m)
		snprintf(buf, sizeof(buf), "%" PRId64 "m%" PRIu64 "%ss", m, s, frac);
	else
		snprintf(buf, sizeof(buf), "%" PRIu64 "%ss", s, frac);
	return xasprintf("%s%s", neg ? "-" : "", buf);
}

static int64_t
start_ns(const struct top_ctx *t, const struct proc *p)
{
	return t->boot_ns + (int64_t) (stat_field(p, 22) * 1000000000ULL / (unsigned long) t->ticks);
}

/* a name from FILE (passwd or group) under root, else the number */
static char *
name_in(const char *root, const char *file, long long id)
{
	cleanup_free char *path = root ? xasprintf("%s/etc/%s", root, file) : NULL;
	cleanup_free char *text = NULL;
	size_t len;
	struct pod_err *e = NULL;

	if (!root) {
		if (STREQ(file, "passwd")) {
			struct passwd *pw = getpwuid((uid_t) id);
			if (pw)
				return xstrdup(pw->pw_name);
		} else {
			struct group *gr = getgrgid((gid_t) id);
			if (gr)
				return xstrdup(gr->gr_name);
		}
		return fmt_int(id);
	}
	if (pod_read_file(path, &text, &len, 4 << 20, &e) < 0) {
		pod_err_free(&e);
		return fmt_int(id);
	}
	for (char *l = text; l && *l;) {
		char *nl = strchr(l, '\n');
		char *c1, *c2;

		if (nl)
			*nl = '\0';
		c1 = strchr(l, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && strtoll(c2 + 1, NULL, 10) == id && c2[1] >= '0' && c2[1] <= '9')
			return xstrndup(l, (size_t) (c1 - l));
		l = nl ? nl + 1 : NULL;
	}
	return fmt_int(id);
}

static char *
d_user(const struct top_ctx *t, const struct proc *p)
{
	return name_in(p->root, "passwd", status_word(p, "Uid", 1, 0));
}
static char *
d_ruser(const struct top_ctx *t, const struct proc *p)
{
	return name_in(p->root, "passwd", status_word(p, "Uid", 0, 0));
}
static char *
d_group(const struct top_ctx *t, const struct proc *p)
{
	return name_in(p->root, "group", status_word(p, "Gid", 1, 0));
}
static char *
d_rgroup(const struct top_ctx *t, const struct proc *p)
{
	return name_in(p->root, "group", status_word(p, "Gid", 0, 0));
}
static char *
d_huser(const struct top_ctx *t, const struct proc *p)
{
	return name_in(NULL, "passwd", status_word(p, "Uid", 1, 0));
}
static char *
d_hgroup(const struct top_ctx *t, const struct proc *p)
{
	return name_in(NULL, "group", status_word(p, "Gid", 1, 0));
}
static char *
d_pid(const struct top_ctx *t, const struct proc *p)
{
	return fmt_int(p->ns_pid);
}
static char *
d_ppid(const struct top_ctx *t, const struct proc *p)
{
	return fmt_int(p->ns_ppid);
}
static char *
d_hpid(const struct top_ctx *t, const struct proc *p)
{
	return fmt_int(p->hpid);
}
static char *
d_pgid(const struct top_ctx *t, const struct proc *p)
{
	return fmt_int(status_word(p, "NSpgid", 0, (int64_t) stat_field(p, 5)));
}
static char *
d_args(const struct top_ctx *t, const struct proc *p)
{
	/* psgo turns every NUL into a space, the last one included */
	return xstrdup(p->cmdline && *p->cmdline ? p->cmdline : p->comm);
}
static char *
d_comm(const struct top_ctx *t, const struct proc *p)
{
	return xstrdup(p->comm);
}
static char *
d_nice(const struct top_ctx *t, const struct proc *p)
{
	return fmt_int((long long) (long) stat_field(p, 19));
}
static char *
d_vsz(const struct top_ctx *t, const struct proc *p)
{
	return fmt_int((long long) (stat_field(p, 23) / 1024));
}
static char *
d_rss(const struct top_ctx *t, const struct proc *p)
{
	return fmt_int((long long) (stat_field(p, 24) * (unsigned long long) getpagesize() / 1024));
}
static char *
d_state(const struct top_ctx *t, const struct proc *p)
{
	return xstrndup(p->stat_rest, 1);
}
static char *
d_etime(const struct top_ctx *t, const struct proc *p)
{
	return go_duration(t->now_ns - start_ns(t, p));
}
static char *
d_time(const struct top_ctx *t, const struct proc *p)
{
	unsigned long long ticks = stat_field(p, 14) + stat_field(p, 15);

	return go_duration((int64_t) (ticks / (unsigned long) t->ticks) * 1000000000LL);
}
static char *
d_pcpu(const struct top_ctx *t, const struct proc *p)
{
	double cpu = (double) (stat_field(p, 14) + stat_field(p, 15)) / (double) t->ticks;
	double el = (double) (t->now_ns - start_ns(t, p)) / 1e9;

	return xasprintf("%.3f", el > 0 ? cpu / el * 100.0 : 0.0);
}
static char *
d_stime(const struct top_ctx *t, const struct proc *p)
{
	time_t s = (time_t) (start_ns(t, p) / 1000000000);
	struct tm tm;
	char date[64];
	long off;

	if (!localtime_r(&s, &tm))
		return xstrdup("?");
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	return xasprintf("%s %c%02ld%02ld %s", date, off < 0 ? '-' : '+', labs(off) / 3600,
			 (labs(off) % 3600) / 60, off == 0 ? "UTC" : tm.tm_zone);
}
static char *
d_tty(const struct top_ctx *t, const struct proc *p)
{
	unsigned long long dev = stat_field(p, 7);
	unsigned maj = (unsigned) ((dev >> 8) & 0xfff), min = (unsigned) ((dev & 0xff) |
									   ((dev >> 12) & 0xfff00));

	if (dev == 0)
		return xstrdup("?");
	if (maj >= 136 && maj <= 143)
		return xasprintf("pts/%u", (maj - 136) * 256 + min);
	if (maj == 4 && min < 64)
		return xasprintf("tty%u", min);
	return xstrdup("?");
}
static char *
d_label(const struct top_ctx *t, const struct proc *p)
{
	cleanup_free char *path = xasprintf("/proc/%d/attr/current", p->hpid);
	cleanup_free char *text = NULL;
	size_t len;
	struct pod_err *e = NULL;

	if (pod_read_file(path, &text, &len, 4096, &e) < 0 || !len) {
		pod_err_free(&e);
		return xstrdup("?");
	}
	text[strcspn(text, "\n")] = '\0';
	return *text ? xstrdup(text) : xstrdup("?");
}
static char *
d_seccomp(const struct top_ctx *t, const struct proc *p)
{
	switch (status_word(p, "Seccomp", 0, 0)) {
	case 1:
		return xstrdup("strict");
	case 2:
		return xstrdup("filter");
	default:
		return xstrdup("disabled");
	}
}

static char *
caps_text(const struct proc *p, const char *key)
{
	cleanup_free char *v = status_field(p, key);
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	unsigned long long mask = v ? strtoull(v, NULL, 16) : 0;
	const char *names[64];
	size_t n = 0;
	int last = pod_caps_last_cap();

	if (!mask)
		return xstrdup("none");
	if (last > 0 && last < 63 && mask == (1ULL << (last + 1)) - 1)
		return xstrdup("full");
	for (int i = 0; i < 64; i++) {
		const char *name = (mask & (1ULL << i)) ? pod_cap_name(i) : NULL;
		if (name)
			names[n++] = pod_str_has_prefix(name, "CAP_") ? name + 4 : name;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *x = names[j];
			names[j] = names[j - 1];
			names[j - 1] = x;
		}
	for (size_t i = 0; i < n; i++)
		pod_strbuf_addf(&sb, "%s%s", i ? "," : "", names[i]);
	return pod_strbuf_detach(&sb);
}
static char *
d_capeff(const struct top_ctx *t, const struct proc *p)
{
	return caps_text(p, "CapEff");
}
static char *
d_capinh(const struct top_ctx *t, const struct proc *p)
{
	return caps_text(p, "CapInh");
}
static char *
d_capprm(const struct top_ctx *t, const struct proc *p)
{
	return caps_text(p, "CapPrm");
}
static char *
d_capbnd(const struct top_ctx *t, const struct proc *p)
{
	return caps_text(p, "CapBnd");
}
static char *
d_capamb(const struct top_ctx *t, const struct proc *p)
{
	return caps_text(p, "CapAmb");
}

/* psgo's descriptors: name, AIX alias, header */
static const struct desc {
	const char *name, *alias, *header;
	desc_fn fn;
} descs[] = {
	{ "args", "%a", "COMMAND", d_args },
	{ "capamb", NULL, "AMBIENT CAPS", d_capamb },
	{ "capbnd", NULL, "BOUNDING CAPS", d_capbnd },
	{ "capeff", NULL, "EFFECTIVE CAPS", d_capeff },
	{ "capinh", NULL, "INHERITED CAPS", d_capinh },
	{ "capprm", NULL, "PERMITTED CAPS", d_capprm },
	{ "comm", "%c", "COMMAND", d_comm },
	{ "etime", "%t", "ELAPSED", d_etime },
	{ "group", "%G", "GROUP", d_group },
	{ "hgroup", NULL, "HGROUP", d_hgroup },
	{ "hpid", NULL, "HPID", d_hpid },
	{ "huser", NULL, "HUSER", d_huser },
	{ "label", NULL, "LABEL", d_label },
	{ "nice", "%n", "NI", d_nice },
	{ "pcpu", "%C", "%CPU", d_pcpu },
	{ "pgid", "%r", "PGID", d_pgid },
	{ "pid", "%p", "PID", d_pid },
	{ "ppid", "%P", "PPID", d_ppid },
	{ "rgroup", "%g", "RGROUP", d_rgroup },
	{ "rss", NULL, "RSS", d_rss },
	{ "ruser", "%u", "RUSER", d_ruser },
	{ "seccomp", NULL, "SECCOMP", d_seccomp },
	{ "state", NULL, "STATE", d_state },
	{ "stime", NULL, "STIME", d_stime },
	{ "time", "%x", "TIME", d_time },
	{ "tty", "%y", "TTY", d_tty },
	{ "user", "%U", "USER", d_user },
	{ "vsz", "%z", "VSZ", d_vsz },
};

static const struct desc *
find_desc(const char *name)
{
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (STREQ(descs[i].name, name) || (descs[i].alias && STREQ(descs[i].alias, name)))
			return &descs[i];
	return NULL;
}

/* "pid,user" and "pid user" are the same; empty words are dropped */
static char **
split_words(char *const *args)
{
	char **v = xcalloc(1, sizeof(char *));

	for (char *const *a = args; a && *a; a++) {
		const char *s = *a;
		while (*s) {
			size_t len = strcspn(s, ",");
			if (len)
				v = pod_strv_push(v, xstrndup(s, len));
			s += len;
			if (*s == ',')
				s++;
		}
	}
	return v;
}

bool
pod_ctr_top_descriptors_valid(char *const *args)
{
	cleanup_strv char **w = split_words(args);

	for (char **x = w; *x; x++)
		if (!find_desc(*x))
			return false;
	return true;
}

static void
proc_release(struct proc *p)
{
	free(p->status);
	free(p->stat_rest);
	free(p->comm);
	free(p->cmdline);
	free(p->root);
}

static int
proc_load(pid_t pid, struct proc *p)
{
	cleanup_free char *base = xasprintf("/proc/%d", pid);
	cleanup_free char *path = NULL, *stat = NULL;
	struct pod_err *e = NULL;
	size_t len;
	char *close_paren;

	memset(p, 0, sizeof(*p));
	p->hpid = pid;
	path = xasprintf("%s/stat", base);
	if (pod_read_file(path, &stat, &len, 1 << 16, &e) < 0)
		goto gone;
	close_paren = strrchr(stat, ')');
	if (!close_paren || close_paren[1] != ' ')
		goto gone;
	p->stat_rest = xstrdup(close_paren + 2);
	free(path);
	path = xasprintf("%s/status", base);
	if (pod_read_file(path, &p->status, &len, 1 << 16, &e) < 0)
		goto gone;
	free(path);
	path = xasprintf("%s/comm", base);
	if (pod_read_file(path, &p->comm, &len, 4096, &e) < 0)
		goto gone;
	p->comm[strcspn(p->comm, "\n")] = '\0';
	free(path);
	path = xasprintf("%s/cmdline", base);
	if (pod_read_file(path, &p->cmdline, &len, 1 << 20, &e) < 0)
		goto gone;
	for (size_t i = 0; i < len; i++)
		if (p->cmdline[i] == '\0')
			p->cmdline[i] = ' ';
	{
		cleanup_free char *nspid = status_field(p, "NSpid");
		p->ns_pid = nspid ? last_word_pid(nspid) : pid;
	}
	p->root = xasprintf("%s/root", base);
	return 0;
gone:
	pod_err_free(&e);
	proc_release(p);
	return -1;
}

static int
cmp_pid(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->ns_pid > y->ns_pid) - (x->ns_pid < y->ns_pid);
}

/* the container's processes: its cgroup's, else those in its pid namespace */
static int
ctr_pids(const struct pod_ctr *c, pid_t **ret, size_t *ret_n, struct pod_err **err)
{
	cleanup_free char *cgpath = pod_ctr_cgroups_path(c);
	const char *recorded = pod_ctr_str(c, "CgroupsPath");
	struct pod_cgroup *cg = NULL;
	struct pod_err *e = NULL;
	struct stat want, st;
	char path[64];
	DIR *d;
	struct dirent *de;
	pid_t *v = NULL;
	size_t n = 0;

	if (recorded && *recorded && pod_cgroup_load(recorded, &cg, &e) == 0) {
		int r = pod_cgroup_pids(cg, ret, ret_n, err);
		pod_cgroup_free(cg);
		if (r == 0 && *ret_n > 0)
			return 0;
		if (r < 0)
			return -1;
		free(*ret);
	}
	pod_err_free(&e);
	(void) cgpath;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", c->pid);
	if (stat(path, &want) < 0)
		return pod_err_sys(err, "reading the pid namespace of %s", c->id);
	d = opendir("/proc");
	if (!d)
		return pod_err_sys(err, "reading /proc");
	while ((de = readdir(d))) {
		long pid = strtol(de->d_name, NULL, 10);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (stat(path, &st) == 0 && st.st_ino == want.st_ino && st.st_dev == want.st_dev) {
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = (pid_t) pid;
		}
	}
	closedir(d);
	*ret = v;
	*ret_n = n;
	return 0;
}

int
pod_ctr_top(struct pod_engine *e, const struct pod_ctr *c, char *const *descriptors,
	    json_t **ret_header, json_t **ret_rows, struct pod_err **err)
{
	static const char *const dflt[] = { "user", "pid", "ppid", "pcpu", "etime", "tty", "time",
					    "args", NULL };
	cleanup_free pid_t *pids = NULL;
	cleanup_strv char **names = NULL;
	struct proc *procs = NULL;
	size_t n = 0, np = 0;
	struct top_ctx t = { .now_ns = pod_now_ns(), .ticks = sysconf(_SC_CLK_TCK) };
	struct timespec bt;
	json_t *header, *rows;

	if (c->state != POD_CTR_RUNNING && c->state != POD_CTR_PAUSED)
		return pod_err_set(err, POD_E_STATE, 0, "top can only be used on running containers");
	if (descriptors && descriptors[0]) {
		names = split_words(descriptors);
		for (char **w = names; *w; w++)
			if (!find_desc(*w))
				return pod_err_set(err, POD_E_INVALID, 0, "unknown descriptor: %s",
						   *w);
	} else {
		for (size_t i = 0; dflt[i]; i++)
			names = pod_strv_push(names, xstrdup(dflt[i]));
	}
	clock_gettime(CLOCK_BOOTTIME, &bt);
	t.boot_ns = t.now_ns - ((int64_t) bt.tv_sec * 1000000000LL + bt.tv_nsec);
	if (ctr_pids(c, &pids, &np, err) < 0)
		return -1;
	procs = xcalloc(np ? np : 1, sizeof(*procs));
	for (size_t i = 0; i < np; i++)
		if (proc_load(pids[i], &procs[n]) == 0)
			n++;
	/* a parent outside the container (the monitor) is 0, as Podman shows it */
	for (size_t i = 0; i < n; i++) {
		pid_t hppid = (pid_t) status_word(&procs[i], "PPid", 0, 0);
		procs[i].ns_ppid = 0;
		for (size_t j = 0; j < n; j++)
			if (procs[j].hpid == hppid)
				procs[i].ns_ppid = procs[j].ns_pid;
	}
	qsort(procs, n, sizeof(*procs), cmp_pid);

	header = json_array();
	for (char **w = names; *w; w++)
		json_array_append_new(header, json_string(find_desc(*w)->header));
	rows = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *row = json_array();
		for (char **w = names; *w; w++) {
			char *v = find_desc(*w)->fn(&t, &procs[i]);
			json_array_append_new(row, pod_json_string(v));
			free(v);
		}
		json_array_append_new(rows, row);
		proc_release(&procs[i]);
	}
	free(procs);
	(void) e;
	*ret_header = header;
	*ret_rows = rows;
	return 0;
}

/* runs the container's ps with args in its namespaces; returns ps's exit code */
int
pod_ctr_top_ps(struct pod_engine *e, const struct pod_ctr *c, char *const *args,
	       struct pod_err **err)
{
	static const char *const nss[] = { "ipc", "uts", "net", "pid", "mnt", NULL };
	int fds[8];
	size_t nfd = 0;
	pid_t child;
	int st;

	if (c->state != POD_CTR_RUNNING && c->state != POD_CTR_PAUSED)
		return pod_err_set(err, POD_E_STATE, 0, "top can only be used on running containers");
	for (size_t i = 0; nss[i]; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", c->pid, nss[i]);
		fds[nfd] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[nfd] < 0) {
			pod_err_sys(err, "opening %s", path);
			while (nfd)
				close(fds[--nfd]);
			return -1;
		}
		nfd++;
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		pod_err_sys(err, "fork");
		while (nfd)
			close(fds[--nfd]);
		return -1;
	}
	if (child == 0) {
		char **argv = xcalloc(pod_strv_len(args) + 2, sizeof(char *));
		pid_t grand;
		size_t k = 0;

		for (size_t i = 0; i < nfd; i++)
			if (setns(fds[i], 0) < 0)
				_exit(125);
		if (chdir("/") < 0)
			_exit(125);
		argv[k++] = (char *) "ps";
		for (char *const *a = args; a && *a; a++)
			argv[k++] = *a;
		/* the pid namespace applies to children */
		grand = fork();
		if (grand < 0)
			_exit(125);
		if (grand == 0) {
			static char *const envp[] = {
				(char *) "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				NULL
			};
			const char *dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					       "/usr/bin", "/sbin", "/bin", NULL };
			for (size_t i = 0; dirs[i]; i++) {
				char p[64];
				snprintf(p, sizeof(p), "%s/ps", dirs[i]);
				execve(p, argv, envp);
			}
			_exit(127);
		}
		while (waitpid(grand, &st, 0) < 0)
			if (errno != EINTR)
				_exit(125);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	while (nfd)
		close(fds[--nfd]);
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			return pod_err_sys(err, "waiting for ps");
	(void) e;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
