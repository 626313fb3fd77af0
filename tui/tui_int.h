/*
 * What tui.c and the views share: the UI state and the view table.  A
 * view draws the body rows it is given and handles the keys it knows;
 * key handlers change state and mark the UI dirty, drawing happens once
 * per frame in tui_frame().
 */
#ifndef TT_TUI_INT_H
#define TT_TUI_INT_H

#include <stdio.h>

#include "core/catalog.h"
#include "core/decode.h"
#include "core/filter.h"
#include "core/stats.h"
#include "core/switches.h"
#include "draw.h"
#include "tui.h"

#define STREAM_MAX	20000	/* rows kept in the stream */
#define STREAM_TRIM	5000	/* rows dropped from the top past the max */
#define HISTORY_PAGE	500	/* rows read from the database at a time */
#define HELD_MAX	100000	/* events kept while paused */
#define RATE_SECS	60	/* the header's sparkline: a minute */

/* The tabs, then the views opened from them (Detail, a command's runs). */
enum view_id { V_STREAM, V_COMMANDS, V_OPTOUT, V_DAILY, V_METRICS, V_FIELDS,
	V_DETAIL, V_RUNS, V_COUNT };
#define V_TABS	V_DETAIL

/* Key handling result. */
#define KEY_UNUSED	0
#define KEY_USED	1

struct tui;

struct view_ops {
	const char	*name;		/* a tab's (1 ...), or a badge's */
	const char	*keys;		/* the footer */
	const char	*help;		/* its lines of the help, '\n' apart */
	void		(*draw)(struct tui *, int y, int rows);
	int		(*key)(struct tui *, int ch);
	void		(*enter)(struct tui *);
	/* A mouse click on body row `row` (0-based); double 1 for a double. */
	void		(*click)(struct tui *, int row, int dbl);
	/* Free what the view keeps (its part of struct tui); NULL: none. */
	void		(*free)(struct tui *);
};

struct stream {
	struct tt_event	*v;		/* rows, oldest first, without data */
	size_t		 n, cap;
	size_t		 top, cur;
	int		 follow;	/* the newest row stays in sight */
	int		 paused;
	struct tt_event	*held;		/* arrived while paused */
	size_t		 nheld, capheld;
	int64_t		 arrived;	/* while paused, held or not */
	int64_t		 unseen;	/* arrived below while scrolled up */
	int		 history_done;	/* nothing older in the database */
	char		 filter_text[256];
	struct tt_filter filter;
	int64_t		 filter_at;	/* when it was set (since= from) */
	struct {			/* the widest of the rows, capped */
		int	 source, name, command, client, out;
		int	 error;		/* some row has an error */
	}		 w;
	int		 rows;		/* body rows at the last draw */
};

struct detail {
	struct tt_event	 ev;		/* with data */
	int64_t		 start_id;	/* its start, shown under it; 0 none */
	int		 have;
	struct jlines	 lines;
	size_t		 top;		/* the first screen row shown */
	enum view_id	 back;
	int		 nowrap;	/* w: long lines scroll sideways */
	size_t		 hscroll;	/* ... by this many columns */
	int		 raw;		/* r: the bytes as received */
	char		 search[256];	/* / : the text n and N look for */
	size_t		 hit;		/* the line found + 1; 0 none */
	int		 rows, width;	/* at the last draw */
};

struct commands {
	struct tt_cmd_stats *v;
	size_t		 n;
	size_t		 top, cur;
	int		 sort;
	int		 rows;
	char		 find[256];	/* / : commands holding this text */
};

/* One command's runs (its finishes), opened from Commands. */
struct runs {
	enum tt_source	 source;
	char		*command;
	struct tt_event	*v;		/* newest first, or slowest */
	size_t		 n, cap;
	size_t		 top, cur;
	int		 slowest;	/* sorted by duration */
	int		 rows;
	int		 first_row;	/* the first run's body row */
	int64_t		 count;		/* the command's runs when loaded */
	int64_t		 evicted;	/* events retention took, then */
};

struct metrics {
	struct tt_metric_stats *v;
	size_t		 n;
	size_t		 top, cur;
	int		 sort;
	int		 rows;
};

struct optview {
	struct tt_optout reg;
	struct tt_counters counters;	/* the database's, for capture */
	int64_t		 loaded_at;
	struct row {
		char	*source;
		char	*client;	/* NULL: the source row */
	}		*rows;
	size_t		 nrows;
	size_t		 top, cur;
	struct tt_switch sw[TT_SWITCHES_MAX];
	size_t		 nsw;
	int		 body;
};

struct daily {
	size_t		 top;
	int		 rows;
	int		 lines;		/* total lines at the last draw */
	size_t		 cur, ndays;	/* the selected (day, source) row */
	int		 first;		/* the line of the first of them */
	char		 day[11];	/* the selected row's day, source */
	enum tt_source	 source;
};

/* The field catalog, and the diff of two versions of one source. */
struct fieldview {
	struct tt_field_rows rows;
	int64_t		 loaded_at;
	size_t		*shown;		/* the lines: row index, | a heading */
	size_t		 nshown;
	size_t		 top, cur;
	int		 body;		/* list rows at the last draw */
	int		 undocumented;	/* u: only those */
	char		 find[256];	/* / : paths holding this text */
	int		 diff;		/* d: the diff is up */
	char		*dsource;
	char		**vers;		/* its versions, in release order */
	size_t		 nvers, vfrom, vto;
	struct tt_field_rows from, to;
	struct tt_diff	 d;
	size_t		 dtop, dcur;
};

enum prompt { P_NONE, P_FILTER, P_CONFIRM };

struct tui {
	struct tui_config	 cfg;
	struct tui_host		 host;
	FILE			*logf;
	char			 logline[256];
	int			 log_error;	/* the log line is an error */
	int			 done;
	int			 dirty;
	int64_t			 last_frame;
	int			 rows, cols;
	enum view_id		 view;
	int			 help;
	int			 refusals;	/* the list of refusals is up */
	int			 rej_x0, rej_x1; /* "rejected N" in the header */
	int			 disk_x0, disk_x1; /* " disk N% free " */
	int			 tab_x1[V_DETAIL];	/* where each tab ends */
	int			 no_color;
	int			 started;	/* set up: changes are kept */
	enum view_id		 view_kept;	/* the view last remembered */

	enum prompt		 prompt;
	enum view_id		 prompt_view;	/* whose filter P_FILTER sets */
	char			 input[256];
	size_t			 inlen;
	char			 question[256];
	char			*confirm_source;	/* what y confirms */
	char			*confirm_client;
	int			 confirm_enable;

	char			 themes[16][64];
	size_t			 nthemes;
	size_t			 theme_i;

	struct tui_status	 st;
	int64_t			 rate_t0, rate_a0;
	double			 rate;
	/* events a second over the last RATE_SECS, per source, for the
	 * header's sparkline: second s is at [s % RATE_SECS] */
	int64_t			 persec[RATE_SECS][TT_SRC_COUNT];
	int64_t			 persec_last;	/* the newest second */

	struct stream		 stream;
	struct detail		 detail;
	struct commands		 commands;
	struct runs		 runs;
	struct metrics		 metrics;
	struct optview		 opt;
	struct daily		 daily;
	struct fieldview	 fields;
};

extern const struct view_ops	view_stream, view_detail, view_commands,
				view_optout, view_daily, view_metrics,
				view_fields, view_runs;

void	tui_dirty(struct tui *);
void	tui_set_log(struct tui *, int error, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Ask "question (y/n)"; y opts (source, client) out (enable) or in. */
void	tui_confirm_optout(struct tui *, const char *source,
	    const char *client, int enable);
void	tui_open_detail(struct tui *, int64_t id);
/* The detail of a run's finish, with its start (0: none) under it. */
void	tui_open_run(struct tui *, int64_t finish_id, int64_t start_id);
/* A command's runs (view_runs.c). */
void	tui_open_command(struct tui *, enum tt_source, const char *command);
/* The tab a view belongs to (Detail: the one it was opened from). */
enum view_id tui_tab_of(const struct tui *, enum view_id);
void	tui_show(struct tui *, enum view_id);
/* Move a cursor: returns the new index within [0, n). */
size_t	tui_move(size_t cur, int ch, size_t n, int page);
/* A movement key moves *cur (as tui_move) and is KEY_USED; else
 * KEY_UNUSED. */
int	tui_move_key(size_t *cur, int ch, size_t n, int page);
/* Keep cur within [top, top + rows). */
size_t	tui_scroll(size_t top, size_t cur, int rows);
/* HH:MM:SS (local) of µs. */
void	tui_clock(int64_t us, char *buf, size_t len);
enum tui_role tui_source_role(enum tt_source);

/* view_stream.c */
void	stream_init(struct tui *);
void	stream_event(struct tui *, const struct tt_event *);
int	stream_set_filter(struct tui *, const char *, char **cause);
/* view_optout.c */
/* view_detail.c */
/* Look for text in the open event (from the top); "" forgets it. */
void	detail_search(struct tui *, const char *text);
/* *out = the index of name among names[0..n); -1 (unchanged) if none. */
int	tui_name_index(const char *const *names, int n, const char *name,
	    int *out);
/* Keep a setting for the next start (host.remember), saying so if not. */
void	tui_remember(struct tui *, const char *key, const char *arg1,
	    const char *arg2);
/* view_commands.c */
/* The sort named (name, runs, failures, p95, last); -1 if none is. */
int	commands_sort_set(struct tui *, const char *);
/* view_metrics.c */
/* The sort named (name, points, last); -1 if none is. */
int	metrics_sort_set(struct tui *, const char *);
/* Fields: only the fields whose path holds text ("": all). */
void	fields_find(struct tui *, const char *text);
/* view_runs.c */

#endif
