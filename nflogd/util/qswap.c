/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qswap.c - publish a new object; tell when the old one is unused. */
#include <string.h>

#include "util/qswap.h"

void qswap_init(struct qswap *s, const void *c, uint32_t nreaders)
{
	memset(s, 0, sizeof(*s));
	s->cur = c;
	s->nreaders = nreaders < QSWAP_READERS_MAX ? nreaders : QSWAP_READERS_MAX;
}

uint64_t qswap_publish(struct qswap *s, const void *c)
{
	__atomic_store_n(&s->cur, c, __ATOMIC_SEQ_CST);
	return __atomic_add_fetch(&s->epoch, 1, __ATOMIC_SEQ_CST);
}

bool qswap_passed(const struct qswap *s, uint64_t target)
{
	uint32_t i;

	for (i = 0; i < s->nreaders; i++)
		if (__atomic_load_n(&s->rd[i].seen, __ATOMIC_ACQUIRE) < target)
			return false;
	return true;
}
