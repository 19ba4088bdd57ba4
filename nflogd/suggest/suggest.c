/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest.c - the suggestion engine (suggest.h) end to end: its life, and
 * suggest_finish, which runs the steps after the last input in order -
 * decide (suggest_decide.c), word each item (suggest_words.c), then the
 * block list suggest_blocks() hands out. Input is suggest_ingest.c's, output
 * suggest_render_nft.c's and suggest_render_json.c's; suggest_int.h shows
 * which part calls which. doc/suggest.md describes the rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset/nftnames.h"
#include "suggest/suggest_int.h"
#include "util/mix.h"

struct suggest *suggest_new(const struct suggest_cfg *cfg)
{
	struct suggest *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->pairs = calloc(SUGGEST_PAIRS_MAX, sizeof(*s->pairs));
	if (!s->pairs) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->cfg = *cfg;
	if (!s->cfg.own_table)
		s->cfg.own_table = NFT_OWN_TABLE;
	if (!s->cfg.silence_min)
		s->cfg.silence_min = SUGGEST_SILENCE_MIN;
	if (!s->cfg.ratelimit_min)
		s->cfg.ratelimit_min = SUGGEST_RATELIMIT_MIN;
	if (!s->cfg.logrules)
		s->cfg.nlogrules = 0;
	s->kb = cfg->kb ? cfg->kb : kb_builtin();
	/* Address-space randomisation makes a pointer a cheap secret: it keeps
	 * forged sources from being chosen to share one probe chain. */
	s->seed = mix64((uint64_t)(uintptr_t)s ^ cfg->now_ns ^
			      ((uint64_t)(uintptr_t)&mix64 << 17));
	return s;
}

static void suggest_items_free(struct suggest *s)
{
	size_t i;

	for (i = 0; i < s->nitems; i++)
		free(s->items[i].ids);
	free(s->items);
	s->items = NULL;
	s->nitems = 0;
}

void suggest_free(struct suggest *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nsrcs; i++) {
		free(s->srcs[i].alerts);
		free(s->srcs[i].pairs.v);
	}
	for (i = 0; i < s->nnoise; i++) {
		suggest_map_free(&s->noise[i].srcs);
		free(s->noise[i].pairs.v);
	}
	for (i = 0; i < 2; i++) {
		suggest_map_free(&s->icmp[i].srcs);
		free(s->icmp[i].pairs.v);
	}
	suggest_items_free(s);
	suggest_map_free(&s->alert_idx);
	suggest_map_free(&s->noise_idx);
	free(s->srcs);
	free(s->slots);
	free(s->alerts);
	free(s->decoys);
	free(s->pairs);
	free(s->noise);
	free(s->skips);
	free(s->blocks);
	free(s);
}

/* The block suggestions as suggest_blocks() hands them out, worded. */
static int suggest_block_list(struct suggest *s)
{
	size_t i;

	s->blocks = calloc(s->count[SUGGEST_BLOCK] ? s->count[SUGGEST_BLOCK] : 1,
			   sizeof(*s->blocks));
	if (!s->blocks)
		return -ENOMEM;
	for (i = 0; i < s->nitems; i++) {
		const struct suggest_item *it = &s->items[i];
		struct suggest_block *b;

		if (it->kind != SUGGEST_BLOCK)
			continue;
		b = &s->blocks[s->nblocks++];
		b->family = s->srcs[it->src].family;
		memcpy(b->addr, s->srcs[it->src].addr, 16);
		b->timeout_s = it->timeout_s;
		b->incidents = it->incidents;
		snprintf(b->why, sizeof(b->why), "%s", it->why);
	}
	return 0;
}

int suggest_finish(struct suggest *s)
{
	size_t i;
	int rc;

	if (s->finishing)
		return -EINVAL;
	s->finishing = true;
	if ((rc = suggest_decide(s)) < 0)
		return rc;
	for (i = 0; i < s->nitems; i++)
		suggest_word(s, &s->items[i]);
	if ((rc = suggest_block_list(s)) < 0)
		return rc;
	s->finished = true;
	return 0;
}

/* --- results --------------------------------------------------------- */

size_t suggest_blocks(const struct suggest *s, const struct suggest_block **out)
{
	*out = s->blocks;
	return s->finished ? s->nblocks : 0;
}

size_t suggest_count(const struct suggest *s, enum suggest_kind kind)
{
	if (!s->finished || kind < SUGGEST_SILENCE || kind > SUGGEST_ICMP)
		return 0;
	return s->count[kind];
}

size_t suggest_skipped(const struct suggest *s)
{
	return s->finished ? s->nskips : 0;
}
