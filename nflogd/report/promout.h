/* SPDX-License-Identifier: GPL-2.0-or-later */
/* promout.h - the Prometheus text exposition format (version 0.0.4), as
 * node_exporter's textfile collector reads it: "# HELP" and "# TYPE" once per
 * metric family, then its samples, all of one family together.
 *
 * Names are checked, label values escaped (\\, \", \n; bytes that are not
 * UTF-8 become U+FFFD). Every function returns 0, -EINVAL for a name the
 * format does not allow, or -EIO when the stream reports an error.
 */
#ifndef NFLOGD_PROMOUT_H
#define NFLOGD_PROMOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct promout_label {
	const char *name;
	const char *value;
};

/* promout_metric_name_ok - [a-zA-Z_:][a-zA-Z0-9_:]*. */
bool promout_metric_name_ok(const char *name);

/* promout_label_name_ok - [a-zA-Z_][a-zA-Z0-9_]*, and not the reserved "__" prefix. */
bool promout_label_name_ok(const char *name);

/* promout_family - "# HELP name help" and "# TYPE name type"; type is
 * "counter", "gauge" or "untyped". A counter's name must end in "_total". */
int promout_family(FILE *f, const char *name, const char *type, const char *help);

/* promout_sample - name{l1="v1",...} value. */
int promout_sample(FILE *f, const char *name, const struct promout_label *labels, size_t n,
		   uint64_t value);

/* promout_label_value - one escaped label value, without the quotes. */
int promout_label_value(FILE *f, const char *value);

#endif
