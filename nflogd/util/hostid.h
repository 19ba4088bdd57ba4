/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostid.h - who this host is for records that leave it: host.name and host.id (machine-id). */
#ifndef NFLOGD_HOSTID_H
#define NFLOGD_HOSTID_H

#include <stddef.h>

/*
 * A record shipped to a collector must say which firewall dropped the packet:
 * the collector sees many hosts. name is gethostname() as the admin set it,
 * kept to printable ASCII without spaces; id is the 32 lowercase hex digits
 * of /etc/machine-id, or "" when that file is missing or malformed
 * (containers without one, early boot).
 */
struct hostid {
	char	name[256];	/* printable ASCII, never empty ("localhost" as the last resort) */
	char	id[33];		/* 32 hex digits or "" */
};

/* hostid_load - fill id from gethostname() and machine_id_path (NULL: /etc/machine-id). */
void hostid_load(struct hostid *id, const char *machine_id_path);

/* hostid_parse_machine_id - 0 and out = the 32 hex digits of buf (one line, lowercase), else -1. */
int hostid_parse_machine_id(const char *buf, size_t len, char out[33]);

#endif
