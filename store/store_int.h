/*
 * What store.c and query.c share; not for other modules.
 */
#ifndef TT_STORE_INT_H
#define TT_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct pending;

/* Events dropped under an opt-out entry, written with the next commit. */
struct drop_delta {
	char	*source;
	char	*client;	/* "" for the whole source */
	int64_t	 n;
};

struct store {
	sqlite3			*db;
	sqlite3_stmt		*ins_payload;
	sqlite3_stmt		*ins_event;
	sqlite3_stmt		*ins_counter;
	struct pending		*pending;
	size_t			 npending;
	size_t			 cappending;
	size_t			 pending_events;
	uint64_t		 next_ticket;
	struct tt_counters	 counts;	/* deltas not yet written */
	struct drop_delta	*drops;
	size_t			 ndrops;
	sqlite3_stmt		*data_version;
	store_commit_cb		 commit_cb;
	void			*commit_arg;
	void			(*event_cb)(void *, const struct tt_event *);
	void			*event_arg;
};

int	store_exec(struct store *, const char *, char **cause);
/* Write the queued drop counts (inside the commit's transaction). */
int	store_write_drops(struct store *, char **cause);
void	store_free_drops(struct store *);

#endif
