/*
 * What store.c and query.c share; not for other modules.
 */
#ifndef TT_STORE_INT_H
#define TT_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct pending;

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
	store_commit_cb		 commit_cb;
	void			*commit_arg;
	void			(*event_cb)(void *, const struct tt_event *);
	void			*event_arg;
};

int	store_exec(struct store *, const char *, char **cause);

#endif
