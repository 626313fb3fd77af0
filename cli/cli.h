/*
 * The subcommands of design.md's command line, and what they share:
 * default paths, address parsing, usage errors (exit 2).
 */
#ifndef TT_CLI_H
#define TT_CLI_H

#include <stdint.h>
#include <stdio.h>

#define TT_DEFAULT_LISTEN	"127.0.0.1:8353"

int	cmd_serve(int, char **);
int	cmd_events(int, char **);
int	cmd_stats(int, char **);
int	cmd_send(int, char **);
int	cmd_wrap(int, char **);
int	cmd_demo(int, char **);
int	cmd_optout(int, char **);
int	cmd_ui(int, char **);
int	cmd_token(int, char **);
int	cmd_watch(int, char **);
int	cmd_ca(int, char **);
int	cmd_capture(int, char **);
int	cmd_fields(int, char **);
int	cmd_diff(int, char **);
int	cmd_export(int, char **);
int	cmd_import(int, char **);
int	cmd_replay(int, char **);
int	cmd_version(int, char **);
int	cmd_config(int, char **);
int	cmd_help(int, char **);

/* main.c's table of commands. */
/* Run the subcommand name; -1 if there is none. */
int	cli_run_command(const char *name, int, char **);
/* Whether name is a command (not "", the UI). */
int	cli_is_command(const char *name);
/* The synopsis of command name ("": the UI's), as usage: prints it. */
const char *cli_usage(const char *name);
/* `teltop --help`: the UI's synopsis, each command's summary, defaults. */
void	cli_print_overview(FILE *);
/* Each command's name a line, with a tab and its summary if asked. */
void	cli_print_commands(FILE *, int with_summary);
/* Each option of name's synopsis a line, with a tab and what it takes if
 * it takes a value ("--db\tPATH"); -1 if there is no such command. */
int	cli_print_options(FILE *, const char *name);

/*
 * Where a command works, shared by those that name a database (--db), a
 * listen address (--listen) or a collector (--url): each set from its
 * option, else the environment, else the default.
 */
enum { CLI_OPT_DB = 0x200, CLI_OPT_LISTEN, CLI_OPT_URL };
#define CLI_LONGOPT_DB	\
	{ "db", required_argument, NULL, CLI_OPT_DB }
#define CLI_LONGOPT_LISTEN \
	{ "listen", required_argument, NULL, CLI_OPT_LISTEN }
#define CLI_LONGOPT_URL	\
	{ "url", required_argument, NULL, CLI_OPT_URL }
struct cli_where {
	const char	*db;		/* the options' values, or NULL */
	const char	*listen;
	const char	*url;
};
/* ch (of getopt_long) one of them: keep arg, 1; else 0. */
int	cli_where_option(struct cli_where *, int ch, const char *arg);
/* --url, else scheme://ADDRESS/path with the listen address (option,
 * $TELTOP_LISTEN, default).  Caller frees. */
char	*cli_where_url(const struct cli_where *, const char *scheme,
	    const char *path);
/* "0.3.0-12-gabc1234" or a commit: what was built. */
const char *cli_version(void);

struct tt_optout;
struct tt_counters;
struct tt_capture_counts;
/* The registry as a text table, with the proof column. */
void	cli_optout_print(const struct tt_optout *);
/*
 * Per source what capture did (counters c, of the database) and whether
 * the registry blocks it now: a heading and a line per source with
 * capture counts or an opt-out entry; nothing while nothing was captured.
 */
void	cli_capture_print(const struct tt_optout *,
	    const struct tt_counters *c);

/* mkdir -p, mode 0700, of the directory path is in; -1 with *cause
 * (caller frees) naming what could not be made. */
int	 cli_make_parent(const char *path, char **cause);
/* The database path: option, $TELTOP_DB, XDG default.  Caller frees.
 * With create_dir its directory is made, or teltop exits saying why. */
char	*cli_db_path(const char *opt, int create_dir);
/* The same, but a PostgreSQL URL is given back as it is (for the commands
 * that run on PostgreSQL: events, optout, the read-only ones through
 * cli_open_existing()).  Caller frees. */
char	*cli_db_any(const char *opt, int create_dir);
/* db for messages: a URL's password masked.  Static storage. */
const char *cli_db_shown(const char *db);
/* The token file next to that database (core/auth.h).  Caller frees. */
char	*cli_token_path(const char *opt, int create_dir);
/*
 * Where a collector of db keeps its own files (its control token, the
 * announcement a UI finds it by): a path whose directory holds them.  Next
 * to a SQLite file; for a PostgreSQL URL, this user's
 * $XDG_DATA_HOME/teltop/postgresql/ (made when create_dir).  Caller frees.
 */
char	*cli_files_base(const char *db, int create_dir);
/* The token in that file if it can be read (what lets a UI on this
 * machine change its collector's opt-out), else NULL.  Caller frees. */
char	*cli_local_token(const char *opt);
struct tt_event;
/* A store or history callback: a deep copy of the event into arg (a
 * struct tt_event), then stop. */
int	 cli_copy_one(void *arg, const struct tt_event *);
/* The UI host's remember(): the config file (core/config.h). */
int	 cli_remember(void *arg, const char *key, const char *arg1,
	    const char *arg2, char **cause);
struct store;
struct cJSON;
/* Add {"captured":N,"forwarded":N,"blocked":N} as member key. */
void	 cli_json_capture(struct cJSON *, const char *key,
	    const struct tt_capture_counts *);
/* Open the database an existing collector wrote; NULL after saying why. */
struct store *cli_open_existing(const char *dbopt);
/* The listen address: option, $TELTOP_LISTEN, default. */
const char *cli_listen(const char *opt);
/* "256MiB", "4M", "512k", "1048576" -> bytes; -1 if not a size. */
int	 cli_parse_size(const char *, size_t *);
/* "host:port" -> parts; -1 on a bad address.  *host: caller frees. */
int	 cli_split_addr(const char *, char **host, int *port);
void	 cli_usage_error(const char *usage, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* After getopt_long(): an argument left over is a usage error. */
void	 cli_no_more_args(const char *usage, int argc, char **argv);
/* getopt_long() returned '?': the usage error naming the option (main()
 * sets opterr to 0, so this is the only message). */
void	 cli_option_error(const char *usage, char **argv)
	    __attribute__((noreturn));

#endif
