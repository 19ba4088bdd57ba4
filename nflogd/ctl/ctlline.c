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
	struct geoip_info sg, dg;

	ctx.services = src->services;
	if (src->geo) {
		ctx.src_geo = &sg;
		ctx.dst_geo = &dg;
	}
	if (it->rec.kind == RING_KIND_ALERT) {
		union ring_slot u = { .rec = it->rec };

		/* The alert's source; its target is this host or many. */
		dg.status = GEOIP_ST_NONE;
		if (src->geo && (u.alert.family == 4 || u.alert.family == 6))
			geoip_lookup(src->geo, u.alert.family, u.alert.saddr, &sg);
		else
			sg.status = GEOIP_ST_NONE;
		return src->json ? recfmt_alert_json(buf, size, &u.alert, &ctx) :
				   recfmt_alert_text(buf, size, &u.alert, &ctx);
	}
	geoip_rec(src->geo, &it->rec, &sg, &dg);
	return src->json ? recfmt_json(buf, size, &it->rec, &ctx) :
			   recfmt_text(buf, size, &it->rec, &ctx);
}
