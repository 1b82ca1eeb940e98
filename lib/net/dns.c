/*
 * dns.c - the per-network pod-dnsd: its hosts file and its life.
 *
 * $RUNROOT/net/dns/NETWORK.hosts holds one line per address: "IP NAME
 * ALIAS..." for every container on the network; it is replaced atomically
 * whenever a container joins or leaves, and pod-dnsd rereads it when it
 * changes. $RUNROOT/net/dns/NETWORK.pid is written by pod-dnsd once it
 * listens. Start and stop happen under net.lock.
 */
#include "net/internal.h"

#include "core/fs.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *
dns_dir(struct pod_store *s, struct pod_err **err)
{
	cleanup_free char *net = pod_net_rundir(s, err);

	if (!net)
		return NULL;
	char *d = pod_path_join(net, "dns");
	if (pod_mkdir_p(d, 0700, err) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

/* running and not a zombie waiting for a parent that does not reap */
static bool
pid_alive(pid_t pid)
{
	cleanup_free char *path = xasprintf("/proc/%d/stat", (int) pid);
	cleanup_free char *stat = NULL;

	if (pod_read_file(path, &stat, NULL, 4096, NULL) < 0)
		return false;
	char *rp = strrchr(stat, ')');
	return rp && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

/* the pid of the network's pod-dnsd, 0 when it is not running */
static pid_t
running_pid(const char *pidfile)
{
	cleanup_free char *txt = NULL, *comm = NULL, *cpath = NULL;
	int64_t pid;

	if (pod_read_file(pidfile, &txt, NULL, 64, NULL) < 0)
		return 0;
	txt[strcspn(txt, "\n")] = '\0';
	if (!pod_parse_int64(txt, &pid) || pid <= 1 || pid > INT32_MAX)
		return 0;
	cpath = xasprintf("/proc/%d/comm", (int) pid);
	if (pod_read_file(cpath, &comm, NULL, 64, NULL) < 0)
		return 0;
	/* a recycled pid belongs to someone else */
	if (!pod_str_has_prefix(comm, "pod-dnsd") || !pid_alive((pid_t) pid))
		return 0;
	return (pid_t) pid;
}

static char *
find_dnsd(void)
{
	const char *env = getenv("POD_DNSD");
	char *p;

	if (env && *env && access(env, X_OK) == 0)
		return xstrdup(env);
	if ((p = pod_self_tool("pod-dnsd")))
		return p;
	p = pod_path_join(POD_LIBEXECDIR, "pod-dnsd");
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	const char *path = getenv("PATH");
	cleanup_free char *copy = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		p = pod_path_join(d, "pod-dnsd");
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

static int
start(const struct pod_net_network *n, const char *hosts, const char *pidfile,
      struct pod_err **err)
{
	cleanup_free char *exe = find_dnsd();
	cleanup_strbuf struct pod_strbuf listen = POD_STRBUF_INIT;
	pid_t child;
	int status;

	if (!exe)
		return pod_err_set(err, POD_E_GENERIC, ENOENT,
				   "cannot find pod-dnsd for the DNS of network %s", n->name);
	for (size_t i = 0; i < n->n_subnets; i++) {
		char b[POD_NET_IP_STRLEN];
		if (!n->subnets[i].gateway.family)
			continue;
		pod_net_ip_str(&n->subnets[i].gateway, b);
		pod_strbuf_addf(&listen, "%s%s", listen.len ? "," : "", b);
	}
	(void) unlink(pidfile);
	child = fork();
	if (child < 0)
		return pod_err_sys(err, "fork");
	if (child == 0) {
		/* detach twice so pod-dnsd is nobody's zombie */
		if (setsid() < 0)
			_exit(1);
		pid_t g = fork();
		if (g != 0)
			_exit(g < 0);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		char *argv[] = { exe, (char *) "--listen", listen.buf, (char *) "--hosts",
				 (char *) hosts, (char *) "--pid-file", (char *) pidfile, NULL };
		execv(exe, argv);
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	/* ready once it wrote its pid file (it binds first) */
	for (int i = 0; i < 400; i++) {
		if (running_pid(pidfile))
			return 0;
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return pod_err_set(err, POD_E_GENERIC, 0,
			   "pod-dnsd for network %s did not start (listening on %s port 53)",
			   n->name, listen.buf);
}

int
pod_dns_update(struct pod_store *s, const struct pod_net_network *n, struct pod_err **err)
{
	cleanup_free char *dir = dns_dir(s, err);
	cleanup_free char *hosts = NULL, *pidfile = NULL;
	cleanup_strbuf struct pod_strbuf b = POD_STRBUF_INIT;
	cleanup_stmt sqlite3_stmt *st = NULL;
	int r;

	if (!dir)
		return -1;
	hosts = xasprintf("%s/%s.hosts", dir, n->name);
	pidfile = xasprintf("%s/%s.pid", dir, n->name);
	st = pod_store_prepare(s, "SELECT data FROM net_endpoints WHERE network = ? "
				  "ORDER BY container_id", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, n->name, -1, SQLITE_STATIC);
	pod_strbuf_adds(&b, "# pod-dnsd hosts, written by podutils\n");
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		cleanup_json json_t *o = json_loads((const char *) sqlite3_column_text(st, 0), 0,
						     NULL);
		const char *ips[] = { json_string_value(json_object_get(o, "ip4")),
				      json_string_value(json_object_get(o, "ip6")) };
		for (size_t k = 0; k < ARRAY_SIZE(ips); k++) {
			if (!ips[k] || !*ips[k])
				continue;
			pod_strbuf_adds(&b, ips[k]);
			const char *lists[] = { "names", "aliases" };
			for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
				size_t i;
				json_t *x;
				json_array_foreach(json_object_get(o, lists[l]), i, x)
					if (json_is_string(x) &&
					    !strpbrk(json_string_value(x), " \t\n"))
						pod_strbuf_addf(&b, " %s", json_string_value(x));
			}
			pod_strbuf_addch(&b, '\n');
		}
	}
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(s, err, "reading endpoints of %s", n->name);
	if (pod_write_file_atomic(hosts, b.buf, b.len, 0644, err) < 0)
		return -1;
	if (running_pid(pidfile))
		return 0;
	return start(n, hosts, pidfile, err);
}

int
pod_dns_stop(struct pod_store *s, const char *network, struct pod_err **err)
{
	cleanup_free char *dir = dns_dir(s, err);
	cleanup_free char *hosts = NULL, *pidfile = NULL;
	pid_t pid;

	if (!dir)
		return -1;
	hosts = xasprintf("%s/%s.hosts", dir, network);
	pidfile = xasprintf("%s/%s.pid", dir, network);
	pid = running_pid(pidfile);
	if (pid > 0 && kill(pid, SIGTERM) < 0 && errno != ESRCH)
		return pod_err_sys(err, "stopping pod-dnsd of network %s", network);
	/* it is gone before the bridge address it listens on may be reused */
	for (int i = 0; pid > 0 && i < 200 && pid_alive(pid); i++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	(void) unlink(pidfile);
	(void) unlink(hosts);
	return 0;
}
