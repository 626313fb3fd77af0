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

static const char usage[] = "teltop token [--db PATH]";

/* Print the token of the database's directory, one line. */
int
cmd_token(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*dbopt = NULL;
	char		 tok[TT_TOKEN_LEN + 1], *path, *cause = NULL;
	int		 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dbopt = optarg;
			break;
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
			cli_usage_error(usage, "unknown option");
		}
	}
	if (optind != argc)
		cli_usage_error(usage, "unexpected argument '%s'",
		    argv[optind]);

	path = cli_token_path(dbopt, 1);
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
