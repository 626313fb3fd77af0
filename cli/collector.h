/*
 * The collector as one object: the store, the network side, the live
 * aggregates and the opt-out registry, wired together.  `teltop serve`
 * runs it alone; the UI runs it in the same loop.  Everything runs on the
 * lws service thread.
 */
#ifndef TT_COLLECTOR_H
#define TT_COLLECTOR_H

#include <stdint.h>

#include "core/auth.h"
#include "core/counters.h"
#include "core/optout.h"

struct collector {
	struct store	*store;
	struct ws	*ws;
	struct tt_stats	*stats;		/* what the live UI reads */
	struct tt_optout optout;	/* a copy of the database's registry */
	struct ws_timer	*tick;
	int64_t		 data_version;
	struct tt_counters final;	/* this run's counters, once closed */
	char		*db;
	char		*host;
	char		 token[TT_TOKEN_LEN + 1];	/* "" when none */
	/* One line worth logging, without newline. */
	void		(*log)(void *, const char *);
	void		*log_arg;
	/* Each committed event, after the aggregates saw it. */
	void		(*on_event)(void *, const struct tt_event *);
	void		*on_event_arg;
};

/* Open the database, rebuild the aggregates, start listening. */
int	collector_open(struct collector *, const char *dbopt,
	    const char *listen, char **cause);
/* Commit what is queued, let the replies go out, close everything. */
void	collector_close(struct collector *);
int	collector_port(const struct collector *);
/*
 * Opt (source, client) out (enabled 1) or back in, in the database and
 * at once in this collector; WebSocket senders are told.  set_by: "cli",
 * "ui", "http".  -1 with *cause (caller frees).
 */
int	collector_optout(struct collector *, const char *source,
	    const char *client, int enabled, const char *set_by, char **cause);

/* The registry as enforced here, with the proof counts from the database. */
void	collector_optout_snapshot(struct collector *, struct tt_optout *);

/*
 * SIGINT and SIGTERM (and SIGHUP with hup) end the run:
 * collector_stopping() turns 1 and the loop is woken.  SIGPIPE is ignored.
 */
void	collector_catch_signals(struct collector *, int hup);
int	collector_stopping(void);

#endif
