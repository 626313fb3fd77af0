/*
 * Packing rows (see pack.h for the encodings): the findings dictionary,
 * the zstd dictionaries and their caches, one struct pack per connection.
 *
 * What stays true: a blob written under an id (a finding, a dictionary)
 * reads back to exactly the bytes that were packed, because ids name rows
 * that are never changed; the write side caches an id only once its row is
 * in the database, and forgets what a rolled-back transaction added.
 *
 * Why zstd with trained dictionaries: the tools' events are small (300 B
 * to 1 KB) and alike; alone they hardly compress, against a dictionary of
 * what such events look like they shrink to a fifth or less.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <zdict.h>
#include <zstd.h>

#include "core/hmap.h"
#include "core/privacy.h"
#include "core/xmalloc.h"
#include "pack.h"

#define SAMPLES_FOR_DICT	256		/* train from this many */
#define SAMPLE_BYTES_FOR_DICT	(128u * 1024)	/* or this much */
#define SAMPLE_MAX		4096		/* of one sample */
#define DICT_SIZE		8192
#define ZSTD_LEVEL		3
#define ZKEYS_MAX		64		/* keys with a dictionary */
#define IDS_CACHED_MAX		65536		/* findings cached (write) */

enum { TAG_RAW, TAG_ZSTD, TAG_ZSTD_DICT };

/* A compression key on the write side: its dictionary or its samples. */
struct zkey {
	int64_t		 dict_id;	/* 0: none yet */
	ZSTD_CDict	*cdict;
	int		 fresh;		/* trained in this transaction */
	int		 failed;	/* training gave nothing: no more tries */
	char		*samples;
	size_t		*sizes;
	size_t		 nsamples, sbytes;
};

/* A dictionary on the read side. */
struct zread {
	int64_t		 id;
	ZSTD_DDict	*ddict;
};

struct pack {
	sqlite3			*db;
	ZSTD_CCtx		*cctx;
	ZSTD_DCtx		*dctx;
	uint8_t			*buf;		/* what pack_pii/zip hand out */
	size_t			 bufcap;

	struct hmap		 ids;		/* finding JSON -> id (write) */
	int			 ids_fresh;	/* ids added in this txn */
	struct hmap		 routes;	/* route, type -> id (write) */
	int			 routes_fresh;
	struct hmap		 zkeys;		/* key -> struct zkey (write) */

	struct pack_finding	*found;		/* by id - 1 (read) */
	size_t			 nfound;
	struct zread		*zr;		/* dictionaries read */
	size_t			 nzr;

	sqlite3_stmt		*find_id, *add_finding, *add_dict;
	sqlite3_stmt		*find_route, *add_route;
};

struct pack *
pack_new(sqlite3 *db)
{
	struct pack	*pk;

	pk = xcalloc(1, sizeof *pk);
	pk->db = db;
	hmap_init(&pk->ids);
	hmap_init(&pk->routes);
	hmap_init(&pk->zkeys);
	if ((pk->cctx = ZSTD_createCCtx()) == NULL ||
	    (pk->dctx = ZSTD_createDCtx()) == NULL)
		fatal("out of memory");
	ZSTD_CCtx_setParameter(pk->cctx, ZSTD_c_compressionLevel,
	    ZSTD_LEVEL);
	ZSTD_CCtx_setParameter(pk->cctx, ZSTD_c_contentSizeFlag, 0);
	ZSTD_CCtx_setParameter(pk->cctx, ZSTD_c_dictIDFlag, 0);
	return pk;
}

static void
zkey_free(void *v)
{
	struct zkey	*k = v;

	ZSTD_freeCDict(k->cdict);
	free(k->samples);
	free(k->sizes);
	free(k);
}

static void
findings_free(struct pack *pk)
{
	size_t	i;

	for (i = 0; i < pk->nfound; i++) {
		free(pk->found[i].field);
		free(pk->found[i].kind);
		free(pk->found[i].json);
	}
	free(pk->found);
	pk->found = NULL;
	pk->nfound = 0;
}

void
pack_free(struct pack *pk)
{
	size_t	i;

	if (pk == NULL)
		return;
	hmap_clear(&pk->ids, NULL);
	hmap_clear(&pk->routes, NULL);
	hmap_clear(&pk->zkeys, zkey_free);
	findings_free(pk);
	for (i = 0; i < pk->nzr; i++)
		ZSTD_freeDDict(pk->zr[i].ddict);
	free(pk->zr);
	ZSTD_freeCCtx(pk->cctx);
	ZSTD_freeDCtx(pk->dctx);
	sqlite3_finalize(pk->find_id);
	sqlite3_finalize(pk->add_finding);
	sqlite3_finalize(pk->add_dict);
	sqlite3_finalize(pk->find_route);
	sqlite3_finalize(pk->add_route);
	free(pk->buf);
	free(pk);
}

/* Room for n bytes in pk's buffer. */
static uint8_t *
buf_room(struct pack *pk, size_t n)
{
	if (n > pk->bufcap) {
		pk->bufcap = n < 256 ? 256 : n * 2;
		pk->buf = xrealloc(pk->buf, pk->bufcap);
	}
	return pk->buf;
}

/* Write v as LEB128 at p; returns the end. */
static uint8_t *
put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

int
pack_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	unsigned	shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 0;
		shift += 7;
	}
	return -1;
}

static int
prepare(struct pack *pk, sqlite3_stmt **s, const char *sql, char **cause)
{
	if (*s == NULL && sqlite3_prepare_v3(pk->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, s, NULL) != SQLITE_OK) {
		*cause = xasprintf("preparing statement: %s",
		    sqlite3_errmsg(pk->db));
		return -1;
	}
	return 0;
}

/* ---- findings ---- */

/*
 * The end of the JSON object starting at p (one past its '}'), or NULL
 * when there is none before end.
 */
static const char *
object_end(const char *p, const char *end)
{
	int	depth = 0, in_str = 0;

	for (; p < end; p++) {
		if (in_str) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"')
			in_str = 1;
		else if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p + 1;
	}
	return NULL;
}

/*
 * The id of one finding object (its JSON text s, n bytes) as
 * tt_privacy_json() writes it: from the cache, the table, or a new row.
 * 0 when it is not in that form; -1 with *cause.
 */
static int64_t
finding_id(struct pack *pk, const char *s, size_t n, char **cause)
{
	struct tt_findings	 f;
	struct tt_finding	 one;
	cJSON			*o, *field, *kind, *grade;
	void			**slot;
	char			*again;
	int64_t			 id = 0;
	int			 rc;

	if ((slot = hmap_get(&pk->ids, s, n)) != NULL)
		return (int64_t)(intptr_t)slot;
	if ((o = cJSON_ParseWithLength(s, n)) == NULL)
		return 0;
	field = cJSON_GetObjectItemCaseSensitive(o, "field");
	kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
	grade = cJSON_GetObjectItemCaseSensitive(o, "grade");
	if (!cJSON_IsString(field) || !cJSON_IsString(kind) ||
	    !cJSON_IsString(grade) || (strcmp(grade->valuestring, "red") != 0 &&
	    strcmp(grade->valuestring, "yellow") != 0))
		goto out;
	one.field = field->valuestring;
	one.kind = kind->valuestring;
	one.red = strcmp(grade->valuestring, "red") == 0;
	f.v = &one;
	f.n = f.cap = 1;
	again = tt_privacy_json(&f);
	rc = strlen(again) == n + 2 && memcmp(again + 1, s, n) == 0;
	free(again);
	if (!rc)
		goto out;
	if (prepare(pk, &pk->find_id, "SELECT id FROM findings WHERE "
	    "field = ?1 AND kind = ?2 AND grade = ?3", cause) != 0 ||
	    prepare(pk, &pk->add_finding, "INSERT INTO findings(field, kind, "
	    "grade) VALUES (?1, ?2, ?3)", cause) != 0) {
		id = -1;
		goto out;
	}
	sqlite3_bind_text(pk->find_id, 1, one.field, -1, SQLITE_STATIC);
	sqlite3_bind_text(pk->find_id, 2, one.kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(pk->find_id, 3, grade->valuestring, -1,
	    SQLITE_STATIC);
	if (sqlite3_step(pk->find_id) == SQLITE_ROW)
		id = sqlite3_column_int64(pk->find_id, 0);
	sqlite3_reset(pk->find_id);
	if (id == 0) {
		sqlite3_bind_text(pk->add_finding, 1, one.field, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(pk->add_finding, 2, one.kind, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(pk->add_finding, 3, grade->valuestring, -1,
		    SQLITE_STATIC);
		if (sqlite3_step(pk->add_finding) != SQLITE_DONE) {
			*cause = xasprintf("insert failed: %s",
			    sqlite3_errmsg(pk->db));
			id = -1;
		} else {
			id = sqlite3_last_insert_rowid(pk->db);
			pk->ids_fresh = 1;
		}
		sqlite3_reset(pk->add_finding);
	}
	if (id > 0) {
		if (pk->ids.n >= IDS_CACHED_MAX)
			hmap_clear(&pk->ids, NULL);	/* found again in SQL */
		*hmap_put(&pk->ids, s, n) = (void *)(intptr_t)id;
	}
out:
	cJSON_Delete(o);
	return id;
}

int
pack_pii(struct pack *pk, const char *json, const uint8_t **out,
    size_t *len, char **cause)
{
	const char	*p = json, *end = json + strlen(json), *oe;
	uint8_t		*b;
	size_t		 used = 0;
	int64_t		 id;

	if (p == end || *p++ != '[')
		return 0;
	b = buf_room(pk, 16);
	if (*p == ']')
		goto done;
	for (;;) {
		if (p == end || *p != '{' || (oe = object_end(p, end)) == NULL)
			return 0;
		if ((id = finding_id(pk, p, (size_t)(oe - p), cause)) <= 0)
			return (int)id;
		b = buf_room(pk, used + 10);
		used = (size_t)(put_varint(b + used, (uint64_t)id) - b);
		p = oe;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == ']')
			break;
		return 0;
	}
done:
	if (p + 1 != end)
		return 0;
	*out = b;
	*len = used;
	return 1;
}

/* Read the findings added since the last load (read side). */
static void
findings_load(struct pack *pk)
{
	struct tt_findings	 f;
	struct tt_finding	 one;
	struct pack_finding	*pf;
	sqlite3_stmt		*s;
	const char		*field, *kind, *grade;
	int64_t			 id;

	if (sqlite3_prepare_v2(pk->db, "SELECT id, field, kind, grade FROM "
	    "findings WHERE id > ? ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, (int64_t)pk->nfound);
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		field = (const char *)sqlite3_column_text(s, 1);
		kind = (const char *)sqlite3_column_text(s, 2);
		grade = (const char *)sqlite3_column_text(s, 3);
		if (id <= 0 || id > INT32_MAX || field == NULL ||
		    kind == NULL || grade == NULL)
			continue;
		if ((size_t)id > pk->nfound) {
			pk->found = xrealloc(pk->found, (size_t)id *
			    sizeof *pk->found);
			memset(pk->found + pk->nfound, 0, ((size_t)id -
			    pk->nfound) * sizeof *pk->found);
			pk->nfound = (size_t)id;
		}
		pf = &pk->found[id - 1];
		pf->field = xstrdup(field);
		pf->kind = xstrdup(kind);
		pf->red = strcmp(grade, "red") == 0;
		one.field = pf->field;
		one.kind = pf->kind;
		one.red = pf->red;
		f.v = &one;
		f.n = f.cap = 1;
		pf->json = tt_privacy_json(&f);
		pf->jlen = strlen(pf->json) - 2;
		memmove(pf->json, pf->json + 1, pf->jlen);
		pf->json[pf->jlen] = '\0';
	}
	sqlite3_finalize(s);
}

const struct pack_finding *
pack_finding(struct pack *pk, uint64_t id)
{
	if (id == 0 || id > INT32_MAX)
		return NULL;
	if (id > pk->nfound || pk->found[id - 1].json == NULL)
		findings_load(pk);
	if (id > pk->nfound || pk->found[id - 1].json == NULL)
		return NULL;
	return &pk->found[id - 1];
}

char *
pack_pii_text(struct pack *pk, const void *blob, size_t len)
{
	const struct pack_finding	*pf;
	const uint8_t			*p = blob, *end;
	char				*out;
	size_t				 n = 1, cap = 64;
	uint64_t			 id;

	end = p != NULL ? p + len : p;	/* NULL: a zero-length blob, "[]" */
	out = xmalloc(cap);
	out[0] = '[';
	while (p < end) {
		if (pack_varint(&p, end, &id) != 0 ||
		    (pf = pack_finding(pk, id)) == NULL) {
			free(out);
			return NULL;
		}
		if (n + pf->jlen + 3 > cap) {
			cap = (n + pf->jlen + 3) * 2;
			out = xrealloc(out, cap);
		}
		if (n > 1)
			out[n++] = ',';
		memcpy(out + n, pf->json, pf->jlen);
		n += pf->jlen;
	}
	out[n++] = ']';
	out[n] = '\0';
	return out;
}

/* ---- routes ---- */

int64_t
pack_route(struct pack *pk, const char *route, const char *ctype,
    char **cause)
{
	void	**slot;
	char	 *key;
	size_t	  n;
	int64_t	  id = 0;

	/* NUL between the two; a content type of NULL is "\1" */
	n = strlen(route) + 1 + (ctype != NULL ? strlen(ctype) : 1);
	key = xasprintf("%s%c%s", route, 0, ctype != NULL ? ctype : "\1");
	if ((slot = hmap_get(&pk->routes, key, n)) != NULL) {
		free(key);
		return (int64_t)(intptr_t)slot;
	}
	if (prepare(pk, &pk->find_route, "SELECT id FROM routes WHERE "
	    "route = ?1 AND content_type IS ?2", cause) != 0 ||
	    prepare(pk, &pk->add_route, "INSERT INTO routes(route, "
	    "content_type) VALUES (?1, ?2)", cause) != 0) {
		free(key);
		return -1;
	}
	sqlite3_bind_text(pk->find_route, 1, route, -1, SQLITE_STATIC);
	if (ctype != NULL)
		sqlite3_bind_text(pk->find_route, 2, ctype, -1, SQLITE_STATIC);
	if (sqlite3_step(pk->find_route) == SQLITE_ROW)
		id = sqlite3_column_int64(pk->find_route, 0);
	sqlite3_reset(pk->find_route);
	sqlite3_clear_bindings(pk->find_route);
	if (id == 0) {
		sqlite3_bind_text(pk->add_route, 1, route, -1, SQLITE_STATIC);
		if (ctype != NULL)
			sqlite3_bind_text(pk->add_route, 2, ctype, -1,
			    SQLITE_STATIC);
		if (sqlite3_step(pk->add_route) != SQLITE_DONE) {
			*cause = xasprintf("insert failed: %s",
			    sqlite3_errmsg(pk->db));
			id = -1;
		} else {
			id = sqlite3_last_insert_rowid(pk->db);
			pk->routes_fresh = 1;
		}
		sqlite3_reset(pk->add_route);
		sqlite3_clear_bindings(pk->add_route);
	}
	if (id > 0) {
		if (pk->routes.n >= ZKEYS_MAX * 16)
			hmap_clear(&pk->routes, NULL);
		*hmap_put(&pk->routes, key, n) = (void *)(intptr_t)id;
	}
	free(key);
	return id;
}

/* ---- compression ---- */

/* Key's write-side state, made if new: its newest dictionary, if any. */
static struct zkey *
zkey_get(struct pack *pk, const char *key)
{
	struct zkey	 *k;
	sqlite3_stmt	 *s;
	const void	 *d;
	void		**slot;

	slot = hmap_put(&pk->zkeys, key, strlen(key));
	if (*slot != NULL)
		return *slot;
	k = *slot = xcalloc(1, sizeof *k);
	/* routes are few; should they not be, the rest go without */
	if (pk->zkeys.n > ZKEYS_MAX)
		k->failed = 1;
	if (sqlite3_prepare_v2(pk->db, "SELECT id, dict FROM zdicts WHERE "
	    "key = ? ORDER BY id DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return k;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (d = sqlite3_column_blob(s, 1)) != NULL &&
	    (k->cdict = ZSTD_createCDict(d, (size_t)sqlite3_column_bytes(s,
	    1), ZSTD_LEVEL)) != NULL)
		k->dict_id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return k;
}

void
pack_sample(struct pack *pk, const char *key, const void *p, size_t n)
{
	struct zkey	*k = zkey_get(pk, key);

	if (k->dict_id != 0 || k->failed || k->nsamples >= SAMPLES_FOR_DICT ||
	    k->sbytes >= SAMPLE_BYTES_FOR_DICT || n == 0)
		return;
	if (n > SAMPLE_MAX)
		n = SAMPLE_MAX;
	k->samples = xrealloc(k->samples, k->sbytes + n);
	memcpy(k->samples + k->sbytes, p, n);
	k->sizes = xrealloc(k->sizes, (k->nsamples + 1) * sizeof *k->sizes);
	k->sizes[k->nsamples++] = n;
	k->sbytes += n;
}

/* Train key's dictionary from its samples and add it to zdicts. */
static int
train(struct pack *pk, const char *key, struct zkey *k, char **cause)
{
	void	*dict;
	size_t	 n;
	int	 rc = 0;

	dict = xmalloc(DICT_SIZE);
	n = ZDICT_trainFromBuffer(dict, DICT_SIZE, k->samples, k->sizes,
	    (unsigned)k->nsamples);
	free(k->samples);
	free(k->sizes);
	k->samples = NULL;
	k->sizes = NULL;
	k->nsamples = k->sbytes = 0;
	if (ZDICT_isError(n) || (k->cdict = ZSTD_createCDict(dict, n,
	    ZSTD_LEVEL)) == NULL) {
		k->failed = 1;
		goto out;
	}
	if (prepare(pk, &pk->add_dict, "INSERT INTO zdicts(key, dict) "
	    "VALUES (?1, ?2)", cause) != 0) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_text(pk->add_dict, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(pk->add_dict, 2, dict, (int)n, SQLITE_STATIC);
	if (sqlite3_step(pk->add_dict) != SQLITE_DONE) {
		*cause = xasprintf("insert failed: %s", sqlite3_errmsg(pk->db));
		rc = -1;
	} else {
		k->dict_id = sqlite3_last_insert_rowid(pk->db);
		k->fresh = 1;
	}
	sqlite3_reset(pk->add_dict);
out:
	if (rc != 0 || k->dict_id == 0) {
		ZSTD_freeCDict(k->cdict);
		k->cdict = NULL;
	}
	free(dict);
	return rc;
}

int
pack_zip(struct pack *pk, const char *key, const void *src, size_t n,
    const uint8_t **out, size_t *len, char **cause)
{
	struct zkey	*k = zkey_get(pk, key);
	uint8_t		*b, *p;
	size_t		 bound, z;

	if (k->dict_id == 0 && !k->failed && (k->nsamples >=
	    SAMPLES_FOR_DICT || k->sbytes >= SAMPLE_BYTES_FOR_DICT) &&
	    train(pk, key, k, cause) != 0)
		return -1;
	bound = ZSTD_compressBound(n);
	b = buf_room(pk, 1 + 20 + (bound > n ? bound : n));
	p = b + 1;
	if (k->cdict != NULL) {
		b[0] = TAG_ZSTD_DICT;
		p = put_varint(p, (uint64_t)k->dict_id);
	} else
		b[0] = TAG_ZSTD;
	p = put_varint(p, n);
	if (k->cdict != NULL)
		z = ZSTD_compress_usingCDict(pk->cctx, p, bound, src, n,
		    k->cdict);
	else
		z = ZSTD_compress2(pk->cctx, p, bound, src, n);
	if (ZSTD_isError(z) || (size_t)(p - b) + z >= 1 + n) {
		b[0] = TAG_RAW;
		memcpy(b + 1, src, n);
		*len = 1 + n;
	} else
		*len = (size_t)(p - b) + z;
	*out = b;
	return 0;
}

void
pack_end(struct pack *pk, int committed)
{
	struct hmap_slot	*sl;
	struct zkey		*k;
	size_t			 i;

	if (!committed && pk->ids_fresh)
		hmap_clear(&pk->ids, NULL);	/* reloaded as needed */
	if (!committed && pk->routes_fresh)
		hmap_clear(&pk->routes, NULL);
	pk->ids_fresh = pk->routes_fresh = 0;
	for (i = 0; i < pk->zkeys.cap; i++) {
		sl = &pk->zkeys.slots[i];
		if (sl->key == NULL || (k = sl->value) == NULL || !k->fresh)
			continue;
		k->fresh = 0;
		if (!committed) {
			/* the row is gone: collect samples again */
			ZSTD_freeCDict(k->cdict);
			k->cdict = NULL;
			k->dict_id = 0;
		}
	}
}

/* Dictionary id for reading, loaded on first use; NULL if missing. */
static ZSTD_DDict *
ddict(struct pack *pk, int64_t id)
{
	sqlite3_stmt	*s;
	ZSTD_DDict	*d = NULL;
	const void	*b;
	size_t		 i;

	for (i = 0; i < pk->nzr; i++)
		if (pk->zr[i].id == id)
			return pk->zr[i].ddict;
	if (sqlite3_prepare_v2(pk->db, "SELECT dict FROM zdicts WHERE id = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (b = sqlite3_column_blob(s, 0)) != NULL)
		d = ZSTD_createDDict(b, (size_t)sqlite3_column_bytes(s, 0));
	sqlite3_finalize(s);
	if (d != NULL) {
		pk->zr = xrealloc(pk->zr, (pk->nzr + 1) * sizeof *pk->zr);
		pk->zr[pk->nzr].id = id;
		pk->zr[pk->nzr++].ddict = d;
	}
	return d;
}

int
pack_unzip(struct pack *pk, const void *blob, size_t n, char **out,
    size_t *len)
{
	const uint8_t	*p = blob, *end;
	ZSTD_DDict	*d = NULL;
	uint64_t	 id, size;
	size_t		 z;
	char		*o;

	if (p == NULL || n == 0)
		return -1;
	end = p + n;
	if (p[0] == TAG_RAW) {
		o = xmalloc(n);
		memcpy(o, p + 1, n - 1);
		o[n - 1] = '\0';
		*out = o;
		*len = n - 1;
		return 0;
	}
	p++;
	if (p[-1] != TAG_ZSTD && p[-1] != TAG_ZSTD_DICT)
		return -1;
	if (p[-1] == TAG_ZSTD_DICT && (pack_varint(&p, end, &id) != 0 ||
	    id > INT64_MAX || (d = ddict(pk, (int64_t)id)) == NULL))
		return -1;
	if (pack_varint(&p, end, &size) != 0 || size > (256u << 20))
		return -1;
	o = xmalloc((size_t)size + 1);
	if (d != NULL)
		z = ZSTD_decompress_usingDDict(pk->dctx, o, (size_t)size, p,
		    (size_t)(end - p), d);
	else
		z = ZSTD_decompressDCtx(pk->dctx, o, (size_t)size, p,
		    (size_t)(end - p));
	if (ZSTD_isError(z) || z != size) {
		free(o);
		return -1;
	}
	o[size] = '\0';
	*out = o;
	*len = (size_t)size;
	return 0;
}
