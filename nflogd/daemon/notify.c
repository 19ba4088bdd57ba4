/* SPDX-License-Identifier: GPL-2.0-or-later */
/* notify.c - sd_notify without libsystemd (the protocol is one datagram:
 * "READY=1\n" etc. on an AF_UNIX SOCK_DGRAM socket named by $NOTIFY_SOCKET). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/notify.h"

static struct sockaddr_un notify_addr;
static socklen_t notify_len;
static bool notify_read;

static void notify_init(void)
{
	const char *p = getenv("NOTIFY_SOCKET");
	size_t n;

	notify_read = true;
	if (!p || (*p != '/' && *p != '@') || (n = strlen(p)) < 2 ||
	    n >= sizeof(notify_addr.sun_path))
		return;
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, p, n);
	if (*p == '@')
		notify_addr.sun_path[0] = '\0';	/* abstract namespace */
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (*p == '/'));
	unsetenv("NOTIFY_SOCKET");
}

int notify_send(const char *state)
{
	ssize_t r;
	int fd, rc;

	if (!notify_read)
		notify_init();
	if (!notify_len)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (const struct sockaddr *)&notify_addr, notify_len);
	rc = r < 0 ? -errno : 1;
	close(fd);
	return rc;
}
