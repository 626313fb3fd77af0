/*
 * JSON string escaping.  The stream's lines, the collector's replies, the
 * privacy findings, field paths (whose keys keep \u00XX for every control,
 * their canonical form) and the demo's bodies all escape through
 * here, so that a string reads the same wherever teltop writes it, and the
 * same as where cJSON printed it.
 */
#include <string.h>

#include "json.h"
#include "xmalloc.h"

size_t
tt_json_escape(const char *s, size_t len, char *out, int flags)
{
	static const char	 hexd[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, o = 0, run;
	char			 e;

	while (i < len) {
		for (run = i; run < len && p[run] >= 0x20 && p[run] != '"' &&
		    p[run] != '\\'; run++)
			;
		if (run > i) {
			if (out != NULL)
				memcpy(out + o, p + i, run - i);
			o += run - i;
			i = run;
			continue;
		}
		switch (p[i]) {
		case '"':	e = '"'; break;
		case '\\':	e = '\\'; break;
		case '\b':	e = 'b'; break;
		case '\f':	e = 'f'; break;
		case '\n':	e = 'n'; break;
		case '\r':	e = 'r'; break;
		case '\t':	e = 't'; break;
		default:	e = 0; break;
		}
		if ((flags & TT_JSON_U00) && p[i] < 0x20)
			e = 0;
		if (out != NULL) {
			out[o] = '\\';
			if (e != 0)
				out[o + 1] = e;
			else {
				memcpy(out + o + 1, "u00", 3);
				out[o + 4] = hexd[p[i] >> 4];
				out[o + 5] = hexd[p[i] & 15];
			}
		}
		o += e != 0 ? 2 : 6;
		i++;
	}
	return o;
}

char *
tt_json_quote(const char *s)
{
	size_t	 n = strlen(s), o;
	char	*q = xmalloc(tt_json_escape(s, n, NULL, 0) + 3);

	q[0] = '"';
	o = 1 + tt_json_escape(s, n, q + 1, 0);
	q[o++] = '"';
	q[o] = '\0';
	return q;
}
