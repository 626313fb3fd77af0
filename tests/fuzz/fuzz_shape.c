/*
 * libFuzzer target: the field catalog's readers of untrusted bytes.  The
 * input is walked as an event's JSON (core/shape.h): strict JSON is always
 * walked whole, and every path reported, with "[]" read as "[0]", parses
 * as a path of core/path.h.  The input parsed by cJSON is read as a
 * catalog row (core/catalog.h), which must print back to what it printed
 * from.  Its two halves are compared as versions: the order is total.
 */
#include "fuzz.h"

#include <cJSON.h>

#include "core/catalog.h"
#include "core/jsonscan.h"
#include "core/path.h"
#include "core/shape.h"
#include "core/xmalloc.h"

static int
on_field(void *arg, const char *path, size_t plen, int type,
    const char *val, size_t vlen)
{
	struct tt_path_parts	 pp;
	char			*p, *o;
	size_t			 i, n;
	int			 quoted;

	(void)arg;
	(void)val;
	(void)vlen;
	FUZZ_CHECK(plen > 0 && strlen(path) == plen, "path length %zu", plen);
	FUZZ_CHECK(type != 0 && (type & (type - 1)) == 0, "type %d", type);
	/* [] as [0] (not inside a bracketed key, a JSON string): a path of
	 * the one grammar */
	p = o = xmalloc(2 * plen + 1);
	for (i = 0, quoted = 0; i < plen; i++) {
		*o++ = path[i];
		if (quoted && path[i] == '\\' && i + 1 < plen)
			*o++ = path[++i];
		else if (path[i] == '"')
			quoted = !quoted;
		else if (!quoted && path[i] == '[' && i + 1 < plen &&
		    path[i + 1] == ']')
			*o++ = '0';
	}
	*o = '\0';
	FUZZ_CHECK(tt_path_parse(p, &pp) == 0, "path does not parse: %s", p);
	tt_path_parts_free(&pp);
	/* the findings' form of it is the walk's */
	n = tt_shape_path(p, strlen(p));
	FUZZ_CHECK(n == plen && memcmp(p, path, plen) == 0, "%s", path);
	free(p);
	return 0;
}

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_field_row	 r, back;
	const char		*s = (const char *)data;
	cJSON			*o;
	char			*a, *b, *line, *again, *cause;
	size_t			 len;
	int			 rc;

	rc = tt_shape_walk(s, size, on_field, NULL);
	if (tt_json_valid(s, size))
		FUZZ_CHECK(rc == 0, "strict JSON not walked: %d", rc);

	if ((o = cJSON_ParseWithLength(s, size)) != NULL) {
		if (tt_field_row_from_json(o, &r, &cause) == 0) {
			line = tt_field_row_json(&r, &len);
			cJSON_Delete(o);
			o = cJSON_Parse(line);
			FUZZ_CHECK(o != NULL, "row printed as bad JSON");
			FUZZ_CHECK(tt_field_row_from_json(o, &back,
			    &cause) == 0, "printed row refused: %s", cause);
			again = tt_field_row_json(&back, &len);
			FUZZ_CHECK(strcmp(line, again) == 0, "%s != %s", line,
			    again);
			free(again);
			free(line);
			tt_field_row_clear(&back);
			tt_field_row_clear(&r);
		} else
			free(cause);
		cJSON_Delete(o);
	}

	a = fuzz_str(data, size / 2);
	b = fuzz_str(data + size / 2, size - size / 2);
	FUZZ_CHECK(tt_version_cmp(a, a) == 0, "%s != itself", a);
	FUZZ_CHECK(sign(tt_version_cmp(a, b)) == -sign(tt_version_cmp(b, a)),
	    "%s vs %s", a, b);
	free(a);
	free(b);
	return 0;
}
