/*
 * The live UI: curses set-up and teardown, the views, key dispatch, and
 * frame pacing.  It draws what core/ computes (events, tt_stats, the
 * opt-out registry) and reaches the database and the network only through
 * the host callbacks below, which cli/ wires to store/ and ws/.  Runs on
 * the one service thread: the host calls tui_input() when the terminal is
 * readable (or a signal woke the loop) and tui_frame() on its timer.
 */
#ifndef TT_TUI_H
#define TT_TUI_H

#include <stdint.h>

#include "core/counters.h"
#include "core/event.h"
#include "core/optout.h"

struct tt_field_rows;
struct tt_stats;
struct tui;

/* The numbers of the header. */
/* A disk with less free than this (%) is warned of in the header. */
#define TUI_DISK_LOW	10

struct tui_status {
	const char	*listen;	/* "127.0.0.1:8353" */
	int64_t		 received;
	int64_t		 accepted;
	int64_t		 stored;	/* rows in the database */
	int64_t		 dropped;
	int64_t		 rejected;
	int64_t		 evicted;	/* by retention, this run */
	int		 connections;
	int		 disk_free;	/* % of the database's disk; -1: unknown */
	/* A store many share (PostgreSQL): the collectors seen in the last
	 * minute, "alpha, beta"; NULL: one machine's store. */
	const char	*collectors;
};

struct tui_host {
	void		*arg;
	/*
	 * History for the stream: at most n events matching the filter text
	 * with id < before (0: no bound), oldest first, to cb; its since=10m
	 * counts back from now_us (0: the clock), so that every page of one
	 * filter agrees with the live one.  -1 with *cause on failure (bad
	 * filter, database).
	 */
	int		(*history)(void *arg, const char *filter,
			    int64_t now_us, int64_t before, int n,
			    int (*cb)(void *, const struct tt_event *),
			    void *cbarg, char **cause);
	/* One stored event with its data and pii; 0 if found. */
	int		(*event)(void *arg, int64_t id, struct tt_event *out);
	/* The request an event came in, as received: 0 if kept (the
	 * caller frees the three strings). */
	int		(*payload)(void *arg, int64_t id, char **body,
			    size_t *len, char **route, char **content_type);
	/* The registry, with the proof counts (stored_since). */
	void		(*optout)(void *arg, struct tt_optout *out);
	/* Opt (source, client) out or back in; set_by "ui". */
	int		(*optout_change)(void *arg, const char *source,
			    const char *client, int enabled, char **cause);
	void		(*status)(void *arg, struct tui_status *);
	/*
	 * The persistent counters of every collector on the database, this
	 * one's not yet written included: what the Opt-out view says
	 * capture did (captured, forwarded, blocked per source).
	 */
	void		(*counters)(void *arg, struct tt_counters *);
	/* The last refusals, newest first, at most max; how many.  NULL:
	 * none are known (the list then says so). */
	size_t		(*refusals)(void *arg, struct tt_refusal *out,
			    size_t max);
	/*
	 * Keep a setting for the next start ("theme NAME", "view NAME",
	 * "sort VIEW KEY": core/config.h); 0, or -1 with *cause.  NULL:
	 * nothing is kept.
	 */
	int		(*remember)(void *arg, const char *key,
			    const char *arg1, const char *arg2, char **cause);
	/*
	 * The field catalog, appended to out: each field of source (NULL:
	 * all) once with every version (version NULL), or what one version
	 * sent.  -1 with *cause.  NULL: the host has none.
	 */
	int		(*fields)(void *arg, const char *source,
			    const char *version, struct tt_field_rows *out,
			    char **cause);
	struct tt_stats	*stats;
};

struct tui_config {
	struct tui_host	 host;
	const char	*theme;		/* NULL: "default" */
	const char	*logpath;	/* where log lines also go */
	/* what was remembered: the view to start on, how Commands and
	 * Metrics are sorted (NULL: the defaults; a name not known is
	 * reported and ignored) */
	const char	*view, *sort_commands, *sort_metrics;
};

/* Take the terminal; NULL with *cause if it cannot (not a terminal). */
struct tui	*tui_create(const struct tui_config *, char **cause);
/* Give the terminal back as it was. */
void		 tui_destroy(struct tui *);
/* A committed event (the UI copies what it keeps). */
void		 tui_event(struct tui *, const struct tt_event *);
/* Read and handle the keys waiting (and a resize). */
void		 tui_input(struct tui *);
/* A line for the log line and the log file. */
void		 tui_log(struct tui *, const char *);
/*
 * Draw if something changed and the last frame is old enough; returns the
 * µs until a frame is due (the host arms its timer), or -1 for none.
 */
int64_t		 tui_frame(struct tui *, int64_t now_us);
/* The user asked to quit. */
int		 tui_done(const struct tui *);

#endif
