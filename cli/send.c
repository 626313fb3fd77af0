/*
 * `teltop send`: JSON or NDJSON files (or stdin) to the collector over the
 * WebSocket, one message per file, printing each reply.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "ws/body.h"
#include "ws/client.h"
#include "cli.h"

struct result {
	int	refused;
};

static void
on_reply(void *arg, const char *text, size_t len)
{
	struct result	*r = arg;
	cJSON		*o;
	const cJSON	*rej;

	printf("%.*s\n", (int)len, text);
	fflush(stdout);
	o = cJSON_ParseWithLength(text, len);
	if (o == NULL || !cJSON_IsTrue(cJSON_GetObjectItem(o, "ok")))
		r->refused = 1;
	rej = cJSON_GetObjectItem(o, "rejected");
	if (cJSON_IsNumber(rej) && rej->valuedouble > 0)
		r->refused = 1;
	cJSON_Delete(o);
}

/* Read a whole file (or stdin for "-") into buf. */
static int
read_all(const char *path, struct tt_buf *buf)
{
	FILE	*f;
	char	 chunk[65536];
	size_t	 n;
	int	 rc = 0;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "teltop: cannot read %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_append(buf, chunk, n) != 0) {
			fprintf(stderr, "teltop: %s is larger than %u bytes, "
			    "the limit of one message; split it\n", path,
			    TT_REQUEST_MAX);
			rc = -1;
			break;
		}
	if (ferror(f)) {
		fprintf(stderr, "teltop: cannot read %s: %s\n", path,
		    strerror(errno));
		rc = -1;
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

int
cmd_send(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_URL,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("send");
	struct tt_buf	*bufs;
	struct ws_msg	*msgs;
	struct result	 res;
	char		*url, *cause = NULL;
	struct cli_where	 where = { NULL, NULL, NULL };
	int		 ch, i, nfiles, rc = 0;
	size_t		 n = 0, k;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			printf("usage: %s\n\nSends each FILE (stdin if none) "
			    "as one WebSocket message: a JSON event, an array "
			    "of events,\nor NDJSON.  Prints the collector's "
			    "reply to each; exits 1 if any event was refused.\n"
			    "Default URL: ws://<TELTOP_LISTEN or 127.0.0.1:8353>"
			    "/ws\n", usage);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	url = cli_where_url(&where, "ws", "/ws");
	nfiles = argc - optind;
	bufs = xcalloc((size_t)(nfiles > 0 ? nfiles : 1), sizeof *bufs);
	msgs = xcalloc((size_t)(nfiles > 0 ? nfiles : 1), sizeof *msgs);
	for (i = 0; i < (nfiles > 0 ? nfiles : 1); i++) {
		buf_init(&bufs[i], TT_REQUEST_MAX);
		if (read_all(nfiles > 0 ? argv[optind + i] : "-",
		    &bufs[i]) != 0) {
			rc = 1;
			goto out;
		}
		if (bufs[i].len == 0)
			continue;	/* nothing to send */
		msgs[n].data = (const char *)bufs[i].p;
		msgs[n].len = bufs[i].len;
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "teltop: nothing to send\n");
		rc = 1;
		goto out;
	}
	memset(&res, 0, sizeof res);
	if (ws_client_send(url, msgs, n, on_reply, &res, 30000, &cause) != 0) {
		fprintf(stderr, "teltop: %s (is `teltop serve` running "
		    "there?)\n", cause);
		free(cause);
		rc = 1;
	} else if (res.refused)
		rc = 1;
out:
	for (k = 0; k < (size_t)(nfiles > 0 ? nfiles : 1); k++)
		buf_free(&bufs[k]);
	free(bufs);
	free(msgs);
	free(url);
	return rc;
}
