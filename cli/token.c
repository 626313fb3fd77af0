/*
 * `teltop token [--db PATH]`: print the control token, making it on first
 * use.  It lives in the file "token" next to the database (core/auth.c),
 * so every process on one database shares it: the collector checks it,
 * senders and scripts present it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/auth.h"
#include "cli.h"

/* Print the token of the database's directory, one line. */
int
cmd_token(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("token");
	char		 tok[TT_TOKEN_LEN + 1], *path, *cause = NULL;
	struct cli_where	 where = { NULL, NULL, NULL };
	int		 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			printf("usage: %s\n\nPrints the control token, making "
			    "it on first use: 64 hex digits in the\nfile "
			    "\"token\" next to the database (mode 0600).  "
			    "Control routes such as\nPOST /v1/optout need it "
			    "as `Authorization: Bearer TOKEN`.  A collector "
			    "with\n--token-required wants it from senders too: "
			    "as Bearer, ?token= or PostHog\napi_key.  Remove "
			    "the file and restart the collector for a new "
			    "token.\n", usage);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	cli_no_more_args(usage, argc, argv);

	path = cli_token_path(where.db, 1);
	if (tt_token_load(path, 1, tok, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		free(path);
		return 1;
	}
	printf("%s\n", tok);
	free(path);
	return 0;
}
