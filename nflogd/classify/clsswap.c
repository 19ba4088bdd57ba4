/* clsswap.c - publish a new classifier; tell when the old one is unused. */
#include <string.h>

#include "classify/clsswap.h"

void clsswap_init(struct clsswap *s, const struct classify *c, uint32_t nreaders)
{
	memset(s, 0, sizeof(*s));
	s->cur = c;
	s->nreaders = nreaders < RING_SEG_MAX ? nreaders : RING_SEG_MAX;
}

uint64_t clsswap_publish(struct clsswap *s, const struct classify *c)
{
	__atomic_store_n(&s->cur, c, __ATOMIC_SEQ_CST);
	return __atomic_add_fetch(&s->epoch, 1, __ATOMIC_SEQ_CST);
}

bool clsswap_passed(const struct clsswap *s, uint64_t target)
{
	uint32_t i;

	for (i = 0; i < s->nreaders; i++)
		if (__atomic_load_n(&s->rd[i].seen, __ATOMIC_ACQUIRE) < target)
			return false;
	return true;
}
