/* numparse.h - strict number parsing for options and fields.
 *
 * The whole string must be the number (no trailing junk, no empty string,
 * no leading '+' or spaces); values outside [min, max] are errors.
 * Returns 0 on success, -1 on syntax error, -2 when out of range.
 */
#ifndef TK_NUMPARSE_H
#define TK_NUMPARSE_H

#include <stdbool.h>

int tk_parse_ll(const char *s, long long min, long long max, long long *out);
/* "true"/"false" (as the kubelet's strconv.ParseBool: 1 t T TRUE true True,
 * 0 f F FALSE false False) */
int tk_parse_bool(const char *s, bool *out);

#endif
