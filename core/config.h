/*
 * teltop's config file: $XDG_CONFIG_HOME/teltop/config (a relative
 * XDG_CONFIG_HOME is ignored, as the XDG spec says), else
 * $HOME/.config/teltop/config.  One setting a line, words separated by
 * spaces or tabs; a word starting with '#' begins a comment to the end of
 * the line; blank lines are ignored.  The settings:
 *   intercept HOST [SOURCE]	also intercept HOST, as SOURCE (a tt_source
 *				name; generic if left out).  Repeatable.
 *   forward all		forward what is captured from every source,
 *   forward SOURCE...		or from these, to the real vendor.
 *				Repeatable: the union counts.
 *   retain DURATION		evict events older than this (30d, 12h, ...;
 *				tt_parse_duration()); "retain all": keep all
 *   max-db-size SIZE		evict the oldest events while the database
 *				holds more than this (2GiB; tt_parse_size());
 *				"max-db-size none": no cap
 * and what the UI remembers (it writes these lines itself when they
 * change, keeping the rest of the file as it is):
 *   theme NAME			the theme it starts with
 *   view NAME			the view it starts on (stream, commands, ...)
 *   sort VIEW KEY		how a view is sorted (sort commands p95)
 * The UI checks their values: one it does not know is reported and
 * ignored.
 *
 * What stays true: a file is applied whole or not at all (a parse that
 * fails leaves the config as it was), and an error names the file and the
 * line ("config:3: unknown setting 'foo' (known: intercept, forward)").
 * Files over TT_CONFIG_MAX_SIZE and lines over TT_CONFIG_MAX_LINE bytes
 * are refused.
 *
 * Pure but for tt_config_load() (reads the file) and
 * tt_config_default_path() (reads the environment).
 */
#ifndef TT_CONFIG_H
#define TT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/hosts.h"

#define TT_CONFIG_MAX_SIZE	(1024 * 1024)	/* bytes of a config file */
#define TT_CONFIG_MAX_LINE	4096		/* bytes of a line, no \n */

/* Every source's bit in forward. */
#define TT_CONFIG_FORWARD_ALL	((1u << TT_SRC_COUNT) - 1)

#define TT_CONFIG_MIN_DB_SIZE	(1024 * 1024)	/* the smallest max-db-size */

#define TT_CONFIG_WORD	64	/* bytes of a remembered value */

struct tt_config {
	struct tt_intercept	intercept;	/* built-ins + the file's */
	unsigned		forward;	/* bit per enum tt_source */
	int64_t			retain_us;	/* 0: keep everything */
	uint64_t		max_db_size;	/* bytes; 0: no cap */
	char			theme[TT_CONFIG_WORD];	/* "": none */
	char			view[TT_CONFIG_WORD];
	struct {
		char		view[TT_CONFIG_WORD];
		char		key[TT_CONFIG_WORD];
	}			sort[8];		/* the last per view */
	size_t			nsort;
	unsigned		set;	/* TT_CONFIG_SET_*: what a file set */
};

/* The settings a file set (struct tt_config's set), for `teltop config`. */
#define TT_CONFIG_SET_FORWARD	0x01
#define TT_CONFIG_SET_RETAIN	0x02
#define TT_CONFIG_SET_MAX_DB	0x04
#define TT_CONFIG_SET_THEME	0x08
#define TT_CONFIG_SET_VIEW	0x10

/* The defaults: the built-in hosts, nothing forwarded. */
void	 tt_config_init(struct tt_config *);
/*
 * Apply config text (len bytes, NUL bytes allowed only in comments) over
 * what cfg holds.  name is the file's name in messages (NULL: "config").
 * 0, or -1 with *cause (caller frees) and cfg unchanged.
 */
int	 tt_config_parse(struct tt_config *, const char *text, size_t len,
	    const char *name, char **cause);
/*
 * Read path (NULL: the default path) and apply it with tt_config_parse().
 * A missing default file (or no HOME) is no error; a missing explicit
 * path is.  0, or -1 with *cause (caller frees) and cfg unchanged.
 */
int	 tt_config_load(struct tt_config *, const char *path, char **cause);
/* The default path, or NULL if there is neither XDG_CONFIG_HOME nor HOME.
 * Caller frees. */
char	*tt_config_default_path(void);
/*
 * Remember a setting in the file at path (NULL: the default path; made
 * with its directory if missing): the line "KEY ARG [ARG2]" takes the place
 * of the one with the same KEY (and, for sort, the same ARG), else is
 * added; every other line stays as it is.  Written to a temporary file
 * and renamed over it.  0, or -1 with *cause (caller frees).
 */
int	 tt_config_remember(const char *path, const char *key,
	    const char *arg, const char *arg2, char **cause);
/* The sort remembered for view, or NULL. */
const char *tt_config_sort(const struct tt_config *, const char *view);

/* Whether what is captured from a source is forwarded to its vendor. */
int	 tt_config_forwards(const struct tt_config *, enum tt_source);

#endif
