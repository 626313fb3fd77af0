/*
 * The opt-out registry in memory and the decision "store or drop".  An
 * entry names a source (any name: a tool may not have sent anything yet)
 * and optionally one client of it.  An event is dropped when its source
 * has a whole-source entry or its (source, client) pair has one.  The
 * database holds the registry (store/); this is the copy the collector
 * consults for every decoded event, reloaded when the database changes.
 */
#ifndef TT_OPTOUT_H
#define TT_OPTOUT_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define TT_OPTOUT_NAME_MAX	256	/* bytes of a source or client id */

struct tt_optout_entry {
	char		*source;	/* owned */
	char		*client;	/* owned; NULL: the whole source */
	int64_t		 since;		/* µs since the epoch */
	int64_t		 since_id;	/* last event id when it was set */
	char		*set_by;	/* owned: "cli", "ui", "http" */
	int64_t		 dropped;	/* as stored in the database */
	int64_t		 pending;	/* dropped here, not yet stored */
	int64_t		 stored_since;	/* events stored since; TT_NONE: unknown */
};

/* Owns its entries; kept sorted by (source, client), NULL client first. */
struct tt_optout {
	struct tt_optout_entry	*v;
	size_t			 n;
	size_t			 cap;
};

void	tt_optout_init(struct tt_optout *);
void	tt_optout_clear(struct tt_optout *);
/* Add or replace the entry for (source, client); returns it. */
struct tt_optout_entry *tt_optout_put(struct tt_optout *, const char *source,
	    const char *client, int64_t since, const char *set_by);
struct tt_optout_entry *tt_optout_find(const struct tt_optout *,
	    const char *source, const char *client);
/* Remove the entry for (source, client); 1 if there was one. */
int	tt_optout_remove(struct tt_optout *, const char *source,
	    const char *client);
/* The entry that opts this event out, or NULL. */
struct tt_optout_entry *tt_optout_match(const struct tt_optout *,
	    const char *source, const char *client);
/*
 * Take the opted-out events out of the batch, freeing them and counting
 * each against its entry's pending count.  Returns how many were dropped.
 */
size_t	tt_optout_filter(struct tt_optout *, struct tt_batch *);
/*
 * Make reg equal to fresh (which is left empty), keeping the pending
 * counts of entries that stay, and report every entry that appeared
 * (enabled 1) or went away (0) through changed, if given.
 */
void	tt_optout_sync(struct tt_optout *reg, struct tt_optout *fresh,
	    void (*changed)(void *, const char *source, const char *client,
	    int enabled), void *arg);
/*
 * The entries that concern source and client (NULL: any) as a JSON array
 * of {"source","client","since","set_by","dropped"[,"stored_since"]}.
 * Caller frees.
 */
char	*tt_optout_json(const struct tt_optout *, const char *source,
	    const char *client);
/*
 * What the registry means for the captured requests of a source (the
 * proxy blocks those of opted-out senders): "opted out: blocked" when the
 * whole source is out, "N client(s) opted out: theirs blocked" when some
 * of its clients are, into buf; NULL when nothing of it is opted out.
 */
const char *tt_optout_capture_state(const struct tt_optout *,
	    const char *source, char *buf, size_t len);
/*
 * A request to change the registry: a JSON object {"source": S,
 * "client": C or null, "enabled": bool (default true)}.  -1 with *cause
 * (caller frees) when it is not one.  *source and *client: caller frees.
 */
int	tt_optout_parse_request(const void *, size_t, char **source,
	    char **client, int *enabled, char **cause);
/* 0 when s can name a source or client: 1..TT_OPTOUT_NAME_MAX printable
 * bytes; else -1 with a static reason. */
int	tt_optout_check_name(const char *s, const char **why);

#endif
