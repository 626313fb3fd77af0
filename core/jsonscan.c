/*
 * Counting JSON tokens in one pass.  Not a validator: cJSON still parses
 * what passes; this only bounds what it would allocate.
 */
#include "jsonscan.h"

size_t
tt_json_tokens(const char *s, size_t len, size_t max)
{
	size_t	i = 0, n = 0;
	char	c;

	while (i < len) {
		c = s[i];
		switch (c) {
		case ' ': case '\t': case '\r': case '\n':
		case ',': case ':': case ']': case '}':
			i++;
			continue;
		case '[': case '{':
			i++;
			break;
		case '"':
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
			break;
		default:
			/* a number or a literal: up to the next separator */
			while (i < len && s[i] != ',' && s[i] != ']' &&
			    s[i] != '}' && s[i] != ':' && s[i] != ' ' &&
			    s[i] != '\n' && s[i] != '\r' && s[i] != '\t' &&
			    s[i] != '"' && s[i] != '[' && s[i] != '{')
				i++;
			break;
		}
		if (++n > max)
			return max + 1;
	}
	return n;
}
