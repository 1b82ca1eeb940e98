/*
 * monitor_priv.h - private to lib/runtime/monitor*.c: the attach server.
 *
 * struct pod_monitor_attach owns the listening SOCK_SEQPACKET socket
 * DIR/attach, the ctl fifo DIR/ctl and the connected clients; release it
 * with pod_monitor_attach_close(), which also removes both paths.
 */
#ifndef POD_RUNTIME_MONITOR_PRIV_H
#define POD_RUNTIME_MONITOR_PRIV_H

#include "runtime/monitor.h"

#include <sys/un.h>

#define POD_MONITOR_MAX_CLIENTS 128

struct pod_monitor_client {
	int fd;
	bool readable;	/* false once the client shut down its writing side */
};

struct pod_monitor_attach {
	int listen_fd;
	int ctl_fd;
	char *attach_path;
	char *ctl_path;
	struct pod_monitor_client *clients;
	size_t n_clients;
	char ctl_buf[128];
	size_t ctl_len;
};

#define POD_MONITOR_ATTACH_INIT { .listen_fd = -1, .ctl_fd = -1 }

/*
 * Fills sa for DIR/NAME; a path too long for sun_path goes through
 * /proc/self/fd/N of an O_PATH fd on DIR, returned in *ret_dirfd (the
 * caller closes it after bind/connect; -1 when not needed).
 */
int pod_monitor_unix_addr(const char *dir, const char *name, struct sockaddr_un *sa,
			  int *ret_dirfd, struct pod_err **err);

int pod_monitor_attach_open(struct pod_monitor_attach *a, const char *dir, struct pod_err **err);
void pod_monitor_attach_close(struct pod_monitor_attach *a);
/* accepts every pending connection */
void pod_monitor_attach_accept(struct pod_monitor_attach *a);
/* sends one message (stream byte + data) to every client; drops dead ones */
void pod_monitor_attach_send(struct pod_monitor_attach *a, const char *msg, size_t len);
void pod_monitor_attach_drop(struct pod_monitor_attach *a, size_t i);

enum pod_monitor_ctl {
	POD_MONITOR_CTL_RESIZE = 1,
	POD_MONITOR_CTL_REOPEN_LOG = 2,
};

/*
 * Reads what the ctl fifo holds and calls cb for each complete line
 * "TYPE A B"; malformed lines are logged and skipped.
 */
void pod_monitor_ctl_read(struct pod_monitor_attach *a,
			  void (*cb)(void *data, int type, int x, int y), void *data);

#endif
