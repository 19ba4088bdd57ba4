/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostid.c - host.name from gethostname(), host.id from /etc/machine-id, both checked. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/hostid.h"
#include "util/readfile.h"

int hostid_parse_machine_id(const char *buf, size_t len, char out[33])
{
	size_t i;

	/* machine-id(5): 32 lowercase hex digits and a newline; nothing else is an id. */
	if (len < 32 || (len > 32 && !(len == 33 && buf[32] == '\n')))
		return -1;
	for (i = 0; i < 32; i++) {
		char c = buf[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		out[i] = c;
	}
	out[32] = '\0';
	return 0;
}

static void hostid_name(char *name, size_t size)
{
	size_t i, n = 0;

	if (gethostname(name, size - 1) < 0)
		name[0] = '\0';
	name[size - 1] = '\0';
	/* A hostname goes into JSON and syslog headers: keep it to printable ASCII without spaces. */
	for (i = 0; name[i]; i++)
		if (name[i] > ' ' && name[i] < 0x7f)
			name[n++] = name[i];
	name[n] = '\0';
	if (n == 0)
		strcpy(name, "localhost");
}

void hostid_load(struct hostid *id, const char *machine_id_path)
{
	char err[128];
	char *buf = NULL;
	size_t len = 0;

	hostid_name(id->name, sizeof(id->name));
	id->id[0] = '\0';
	if (readfile(machine_id_path ? machine_id_path : "/etc/machine-id", 64, &buf, &len,
		     err, sizeof(err)) == 0 && hostid_parse_machine_id(buf, len, id->id) < 0)
		id->id[0] = '\0';
	free(buf);
}
