/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctlline.c - one record as the line `nflogctl read` prints (ctlline.h). */
#include "ctl/ctlgeo.h"
#include "ctl/ctlline.h"
#include "ctl/ctlout.h"
#include "report/recfmt.h"

int ctlline_format(char *buf, size_t size, struct ring_reader *rr,
		   const struct ringscan_item *it, const struct ctlline_src *src)
{
	struct ctl_names names;
	struct recfmt_ctx ctx = ctl_fmt_ctx(rr, it->seg, it->pos, &it->rec, src->kb, &names);

	ctx.services = src->services;
	ctx.memo = src->memo;
	/* The answers in the cache, not copies: each is ~330 bytes, most of
	 * them empty strings. */
	if (it->rec.kind == RING_KIND_ALERT) {
		union ring_slot u = { .rec = it->rec };

		/* The alert's source; its target is this host or many. */
		if (src->geo) {
			ctx.src_geo = geoip_ref(src->geo, u.alert.family, u.alert.saddr, NULL);
			/* family 0: not looked up */
			ctx.dst_geo = geoip_ref(src->geo, 0, u.alert.saddr, NULL);
		}
		return src->json ? recfmt_alert_json(buf, size, &u.alert, &ctx) :
				   recfmt_alert_text(buf, size, &u.alert, &ctx);
	}
	if (src->geo)
		geoip_rec_ref(src->geo, &it->rec, &ctx.src_geo, &ctx.dst_geo);
	return src->json ? recfmt_json(buf, size, &it->rec, &ctx) :
			   recfmt_text(buf, size, &it->rec, &ctx);
}
