/*
 * String-keyed hash map.  The load factor stays below 3/4.  Removal shifts
 * the entries after a slot back (no tombstones), so a probe still stops at
 * the first empty slot.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

/*
 * Eight bytes a step (keys here run to a kilobyte: findings' JSON, paths),
 * each word mixed in by a multiply, the tail by bytes, then a final mix so
 * that the low bits (the slot) depend on every byte.
 */
static uint64_t
hash(const char *k, size_t n)
{
	const uint64_t	m = 0x9e3779b97f4a7c15ULL;
	uint64_t	h = 0xcbf29ce484222325ULL ^ (n * m), w;
	size_t		i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, k + i, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 0x100000001b3ULL;
	h ^= h >> 32;
	h *= m;
	h ^= h >> 29;
	return h;
}

void
hmap_init(struct hmap *m)
{
	memset(m, 0, sizeof *m);
}

void
hmap_clear(struct hmap *m, void (*free_value)(void *))
{
	size_t	i;

	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key == NULL)
			continue;
		free(m->slots[i].key);
		if (free_value != NULL)
			free_value(m->slots[i].value);
	}
	free(m->slots);
	hmap_init(m);
}

static struct hmap_slot *
find(const struct hmap *m, const char *key, size_t klen)
{
	size_t	i;

	if (m->cap == 0)
		return NULL;
	for (i = hash(key, klen) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == NULL)
			return &m->slots[i];
		if (m->slots[i].klen == klen &&
		    memcmp(m->slots[i].key, key, klen) == 0)
			return &m->slots[i];
	}
}

void *
hmap_get(const struct hmap *m, const char *key, size_t klen)
{
	struct hmap_slot	*s = find(m, key, klen);

	return s != NULL && s->key != NULL ? s->value : NULL;
}

static void
grow(struct hmap *m)
{
	struct hmap	 big;
	struct hmap_slot *s;
	size_t		 i;

	big.cap = m->cap == 0 ? 64 : m->cap * 2;
	big.n = m->n;
	big.slots = xcalloc(big.cap, sizeof *big.slots);
	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key == NULL)
			continue;
		s = find(&big, m->slots[i].key, m->slots[i].klen);
		*s = m->slots[i];
	}
	free(m->slots);
	*m = big;
}

void **
hmap_put(struct hmap *m, const char *key, size_t klen)
{
	struct hmap_slot	*s;

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, key, klen);
	if (s->key == NULL) {
		s->key = xmalloc(klen + 1);
		memcpy(s->key, key, klen);
		s->key[klen] = '\0';
		s->klen = klen;
		s->value = NULL;
		m->n++;
	}
	return &s->value;
}

void *
hmap_del(struct hmap *m, const char *key, size_t klen)
{
	struct hmap_slot	*s = find(m, key, klen);
	size_t			 i, j, home, mask;
	void			*value;

	if (s == NULL || s->key == NULL)
		return NULL;
	value = s->value;
	free(s->key);
	mask = m->cap - 1;
	i = (size_t)(s - m->slots);
	for (j = (i + 1) & mask; m->slots[j].key != NULL; j = (j + 1) & mask) {
		home = hash(m->slots[j].key, m->slots[j].klen) & mask;
		/* An entry whose home lies cyclically in (i, j] stays. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->slots[i] = m->slots[j];
		i = j;
	}
	m->slots[i].key = NULL;
	m->slots[i].value = NULL;
	m->slots[i].klen = 0;
	m->n--;
	return value;
}
