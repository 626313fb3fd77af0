/*
 * unpack: every event of a teltop database with what the store packs
 * (findings, JSON, payload bodies; store/pack.h) written out as it was
 * received, so that the tests that grep the database files for a marker
 * (present when stored, absent when opted out or refused) see through the
 * compression.  Read through the store's own read path.
 *
 *   unpack DB > FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

/* Each field of one event, then its payload's body. */
static int
print_event(void *arg, const struct tt_event *ev)
{
	struct store	*st = arg;
	const char	*f[] = { ev->name, ev->client_id, ev->execution_id,
	    ev->command, ev->error, ev->version, ev->os, ev->arch, ev->pii,
	    ev->capture };
	char		*body = NULL, *route = NULL, *ctype = NULL;
	size_t		 i, len = 0;

	printf("event %lld %s %s\n", (long long)ev->id,
	    tt_source_name(ev->source), ev->format);
	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i] != NULL)
			printf("%s\n", f[i]);
	if (ev->data != NULL) {
		fwrite(ev->data, 1, ev->data_len, stdout);
		putchar('\n');
	}
	if (store_payload(st, ev->id, &body, &len, &route, &ctype) == 0) {
		printf("payload %s %s\n", route != NULL ? route : "",
		    ctype != NULL ? ctype : "");
		fwrite(body, 1, len, stdout);
		putchar('\n');
	}
	free(body);
	free(route);
	free(ctype);
	return 0;
}

int
main(int argc, char **argv)
{
	struct store	*st;
	char		*cause = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: unpack DB\n");
		return 2;
	}
	if ((st = store_open(argv[1], &cause)) == NULL) {
		fprintf(stderr, "unpack: %s\n", cause);
		return 1;
	}
	if (store_events(st, NULL, 0, print_event, st, &cause) != 0) {
		fprintf(stderr, "unpack: %s\n", cause);
		store_close(st);
		return 1;
	}
	store_close(st);
	return fflush(stdout) == 0 ? 0 : 1;
}
