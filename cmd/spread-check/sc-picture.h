/* sc-picture.h - audit and simulate reports drawn (-o svg|png; picture.c). */
#ifndef SC_PICTURE_H
#define SC_PICTURE_H

#include <stdbool.h>
#include <stdio.h>

#include "emit.h"
#include "picture.h"

struct sc_cluster;
struct tk_diag;

/* the -o values audit and simulate add to json and text */
#define SC_PICTURES (TK_OUT_SVG | TK_OUT_PNG)

/* The -o hook of audit and simulate: draws root to stdout as out says;
 * exits 2 on an error. Returns 0. */
int sc_picture_write(const json_t *root, const struct sc_cluster *c, bool simulate, enum tk_out out);

#endif
