/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest_render_json.c - the suggestion engine's decisions as one JSON
 * document (suggest.h, doc/suggest.md). Each suggestion carries its words and
 * figures, the (group, prefix) pairs it was logged under, and the nft lines
 * that apply it on their own (suggest_render_nft.c makes them).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "suggest/suggest_int.h"
#include "util/json.h"

static const char *const suggest_kind_names[] = {
	[SUGGEST_SILENCE] = "silence", [SUGGEST_BLOCK] = "block",
	[SUGGEST_RATELIMIT] = "ratelimit", [SUGGEST_ANTISPOOF] = "antispoof",
	[SUGGEST_ICMP] = "icmp",
};

struct suggest_json_ctx {
	FILE	*f;
	bool	 first;
};

static int suggest_json_sink(void *ctx, bool comment, const char *line)
{
	struct suggest_json_ctx *j = ctx;

	if (comment)
		return 0;
	if (!j->first)
		fputc(',', j->f);
	j->first = false;
	json_quote_file(j->f, line);
	return 0;
}

static int suggest_json_item(const struct suggest *s, const struct suggest_item *it, FILE *f)
{
	struct suggest_json_ctx j = { .f = f, .first = true };
	char addr[INET6_ADDRSTRLEN];
	uint32_t i;
	int rc;

	fprintf(f, "{\"kind\":\"%s\",\"why\":", suggest_kind_names[it->kind]);
	json_quote_file(f, it->why);
	if (it->detail[0]) {
		fputs(",\"meaning\":", f);
		json_quote_file(f, it->detail);
	}
	fputs(",\"change\":", f);
	json_quote_file(f, it->change);
	fprintf(f, ",\"drops\":%u,\"sources\":%u,\"alert_ids\":[", it->drops, it->sources);
	for (i = 0; i < it->nids; i++)
		fprintf(f, "%s%u", i ? "," : "", it->ids[i]);
	fputc(']', f);
	if (it->src != SUGGEST_NONE)
		fprintf(f, ",\"source\":\"%s\"",
			suggest_src_text(s, it->src, addr, sizeof(addr)));
	if (it->kind == SUGGEST_BLOCK)
		fprintf(f, ",\"timeout_s\":%u,\"incidents\":%u", it->timeout_s, it->incidents);
	if (it->expr[0]) {
		fputs(",\"expr\":", f);
		json_quote_file(f, it->expr);
	}
	if (it->pairs) {
		uint16_t order[SUGGEST_PAIRS_MAX];

		suggest_pairs_order(s, it->pairs, order);
		fputs(",\"logged_as\":[", f);
		for (i = 0; i < it->pairs->n; i++) {
			fprintf(f, "%s{\"group\":%u,\"prefix\":", i ? "," : "",
				s->pairs[order[i]].group);
			json_quote_file(f, s->pairs[order[i]].prefix);
			fputc('}', f);
		}
		fputc(']', f);
	}
	fputs(",\"nft\":[", f);
	rc = suggest_item_lines(s, it, true, suggest_json_sink, &j);
	fputs("]}", f);
	return rc;
}

int suggest_write_json(const struct suggest *s, FILE *out)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;
	int rc;

	if (!s->finished)
		return -EINVAL;
	fprintf(out, "{\"version\":1,\"drops\":%" PRIu64 ",\"alerts\":%zu,\"since\":%" PRIu64
		",\"suggestions\":[", s->drops, s->nalerts, s->cfg.since_ns);
	for (i = 0; i < s->nitems; i++) {
		if (i)
			fputc(',', out);
		if ((rc = suggest_json_item(s, &s->items[i], out)) < 0)
			return rc;
	}
	fputs("],\"skipped\":[", out);
	for (i = 0; i < s->nskips; i++) {
		const struct suggest_src *src = &s->srcs[s->skips[i].src];

		fprintf(out, "%s{\"source\":\"%s\",\"reason\":", i ? "," : "",
			suggest_addr_text(src->family, src->addr, addr, sizeof(addr)));
		json_quote_file(out, s->skips[i].reason);
		fputc('}', out);
	}
	fprintf(out, "],\"unlisted\":{\"block\":%zu,\"ratelimit\":%zu,\"skipped\":%zu}}\n",
		s->more[SUGGEST_BLOCK], s->more[SUGGEST_RATELIMIT], s->more_skips);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
