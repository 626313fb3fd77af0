/*
 * A string-keyed hash map (open addressing, linear probing).  Keys are
 * copied and owned by the map; values are the caller's.
 */
#ifndef TT_HMAP_H
#define TT_HMAP_H

#include <stddef.h>

struct hmap_slot {
	char	*key;
	size_t	 klen;
	void	*value;
};

struct hmap {
	struct hmap_slot	*slots;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
};

void	  hmap_init(struct hmap *);
/* Free the keys (and each value with free_value, if given). */
void	  hmap_clear(struct hmap *, void (*free_value)(void *));
void	 *hmap_get(const struct hmap *, const char *key, size_t klen);
/* The slot's value pointer for key, inserted (NULL) if missing. */
void	**hmap_put(struct hmap *, const char *key, size_t klen);
/* Remove key; its value (the caller's to free), NULL if it was absent. */
void	 *hmap_del(struct hmap *, const char *key, size_t klen);

#endif
