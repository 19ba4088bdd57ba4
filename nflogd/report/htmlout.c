/* SPDX-License-Identifier: GPL-2.0-or-later */
/* htmlout.c - escaped HTML text and inline SVG bar charts (htmlout.h). */
#include <errno.h>
#include <string.h>

#include "report/htmlout.h"
#include "util/utf8.h"

#define VC_LEFT		60	/* y-axis labels */
#define VC_RIGHT	10
#define VC_TOP		30	/* legend */
#define VC_BOTTOM	40	/* x-axis labels */
#define VC_TICKS	4
#define HB_ROW		22	/* px per horizontal bar */
#define HB_LABEL	250	/* px of label column */
#define HB_VALUE	70	/* px for the value after the longest bar */
#define HB_LABEL_MAX	34	/* characters of a label shown */

static int htmlout_status(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

int htmlout_text_max(FILE *f, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), chars = 0, len;

	while (n) {
		if (chars == max) {
			fputs("\xe2\x80\xa6", f);	/* … */
			break;
		}
		len = utf8_seq_len(p, n, NULL);
		if (!len) {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD for a stray byte */
			len = 1;
		} else if (len == 1) {
			switch (*p) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '>': fputs("&gt;", f); break;
			case '"': fputs("&quot;", f); break;
			case '\'': fputs("&#39;", f); break;
			case '\t': case '\n': putc(*p, f); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fputs("\xef\xbf\xbd", f);
				else
					putc(*p, f);
			}
		} else if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			fputs("\xef\xbf\xbd", f);	/* C1 controls */
		} else {
			fwrite(p, 1, len, f);
		}
		p += len;
		n -= len;
		chars++;
	}
	return htmlout_status(f);
}

int htmlout_text(FILE *f, const char *s)
{
	return htmlout_text_max(f, s, SIZE_MAX);
}

uint64_t htmlout_axis_max(uint64_t max)
{
	uint64_t pow = 1, step;

	for (;;) {
		if ((step = pow) * VC_TICKS >= max)
			break;
		if ((step = 2 * pow) * VC_TICKS >= max)
			break;
		if ((step = 5 * pow) * VC_TICKS >= max)
			break;
		if (pow > UINT64_MAX / 100)
			return max;
		pow *= 10;
	}
	return step * VC_TICKS;
}

static void htmlout_svg_open(FILE *f, const char *id, const char *cls, const char *title,
		     unsigned w, unsigned h)
{
	fputs("<svg id=\"", f);
	htmlout_text(f, id);
	fputs("\" class=\"chart", f);
	if (cls && *cls) {
		putc(' ', f);
		htmlout_text(f, cls);
	}
	fprintf(f, "\" viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" role=\"img\">"
		"<title>", w, h, w, h);
	htmlout_text(f, title);
	fputs("</title>\n", f);
}

int htmlout_vbars(FILE *f, const struct htmlout_vchart *c)
{
	unsigned w = c->width ? c->width : 960, h = c->height ? c->height : 260;
	double pw = (double)w - VC_LEFT - VC_RIGHT, ph = (double)h - VC_TOP - VC_BOTTOM;
	uint64_t top = 0, ymax;
	size_t i, l, every = c->label_every;
	double bw, x0 = VC_LEFT;

	if (!c->id || !c->title || !c->n || (c->nlayers && !c->layers) ||
	    w < VC_LEFT + VC_RIGHT + 10 || h < VC_TOP + VC_BOTTOM + 10)
		return -EINVAL;
	for (i = 0; i < c->n; i++) {
		uint64_t sum = 0;

		for (l = 0; l < c->nlayers; l++)
			sum += c->layers[l].v[i];
		if (sum > top)
			top = sum;
	}
	ymax = htmlout_axis_max(top);
	bw = pw / (double)c->n;
	if (!every)
		every = (c->n + 11) / 12;
	htmlout_svg_open(f, c->id, c->cls, c->title, w, h);
	/* Legend, left to right along the top. */
	for (l = 0; l < c->nlayers; l++) {
		double lx = VC_LEFT + 120.0 * (double)l;

		fputs("<rect class=\"key ", f);
		htmlout_text(f, c->layers[l].cls);
		fprintf(f, "\" x=\"%.1f\" y=\"6\" width=\"12\" height=\"12\"/>"
			"<text class=\"legend\" x=\"%.1f\" y=\"16\">", lx, lx + 16);
		htmlout_text(f, c->layers[l].name);
		fputs("</text>\n", f);
	}
	/* Grid and y labels. */
	for (i = 0; i <= VC_TICKS; i++) {
		double y = VC_TOP + ph - ph * (double)i / VC_TICKS;

		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%u\" y2=\"%.1f\"/>"
			"<text class=\"ylabel\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%llu</text>\n",
			VC_LEFT, y, w - VC_RIGHT, y, VC_LEFT - 6, y + 4,
			(unsigned long long)(ymax / VC_TICKS * i));
	}
	for (i = 0; i < c->n; i++) {
		double x = x0 + bw * (double)i, y = VC_TOP + ph;

		fputs("<g class=\"col\">", f);
		for (l = 0; l < c->nlayers; l++) {
			uint64_t v = c->layers[l].v[i];
			double bh = ph * (double)v / (double)ymax;

			if (!v)
				continue;
			y -= bh;
			fputs("<rect class=\"bar ", f);
			htmlout_text(f, c->layers[l].cls);
			fprintf(f, "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
				"<title>", x + bw * 0.1, y, bw * 0.8, bh);
			if (c->xlabels && c->xlabels[i]) {
				htmlout_text(f, c->xlabels[i]);
				fputs(": ", f);
			}
			htmlout_text(f, c->layers[l].name);
			fprintf(f, " %llu</title></rect>", (unsigned long long)v);
		}
		fputs("</g>", f);
		if (c->xlabels && c->xlabels[i] && i % every == 0) {
			fprintf(f, "<text class=\"xlabel\" x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\">", x + bw / 2, VC_TOP + ph + 16);
			htmlout_text(f, c->xlabels[i]);
			fputs("</text>", f);
		}
		putc('\n', f);
	}
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%u\" y2=\"%.1f\"/>\n</svg>\n",
		VC_LEFT, VC_TOP + ph, w - VC_RIGHT, VC_TOP + ph);
	return htmlout_status(f);
}

int htmlout_hbars(FILE *f, const char *id, const char *cls, const char *title,
		  const struct htmlout_hbar *bars, size_t n, unsigned width)
{
	unsigned w = width ? width : 960, h = (unsigned)(n * HB_ROW + 10);
	double span = (double)w - HB_LABEL - HB_VALUE;
	uint64_t max = 1;
	size_t i;

	if (!id || !title || (n && !bars) || w < HB_LABEL + HB_VALUE + 20)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	htmlout_svg_open(f, id, cls, title, w, h);
	for (i = 0; i < n; i++) {
		double y = 5.0 + HB_ROW * (double)i;
		double bw = span * (double)bars[i].value / (double)max;

		fprintf(f, "<g class=\"row\"><text class=\"label\" x=\"%d\" y=\"%.1f\" "
			"text-anchor=\"end\">", HB_LABEL - 8, y + 15);
		htmlout_text_max(f, bars[i].label ? bars[i].label : "", HB_LABEL_MAX);
		fputs("</text><rect class=\"bar ", f);
		htmlout_text(f, bars[i].cls ? bars[i].cls : "");
		fprintf(f, "\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"><title>",
			HB_LABEL, y + 2, bw < 1 ? 1 : bw, HB_ROW - 6);
		htmlout_text(f, bars[i].tip ? bars[i].tip : bars[i].label ? bars[i].label : "");
		fprintf(f, "</title></rect><text class=\"value\" x=\"%.1f\" y=\"%.1f\">%llu</text>"
			"</g>\n", HB_LABEL + (bw < 1 ? 1 : bw) + 6, y + 15,
			(unsigned long long)bars[i].value);
	}
	fputs("</svg>\n", f);
	return htmlout_status(f);
}
