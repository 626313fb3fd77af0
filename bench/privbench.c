/*
 * privbench: what the privacy findings cost on the ingest path.  Decodes
 * the recorded tool payloads of tests/integration/fixtures with the real
 * decoders, then times tt_privacy_scan() + tt_privacy_json() over their
 * events, as the collector runs them for each event before queueing it.
 *
 *   privbench FIXTURE-DIR [--rounds N]
 *
 * Prints "events=E rounds=R ns_per_event=N" and one line per fixture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/decode.h"
#include "core/privacy.h"
#include "core/xmalloc.h"

static const struct fixture {
	const char	*file;
	enum tt_route	 route;
} fixtures[] = {
	{ "devtron_heartbeat_summary.json", TT_ROUTE_POSTHOG },
	{ "devtron_inception_2021.json", TT_ROUTE_POSTHOG },
	{ "devpod_insert.json", TT_ROUTE_DEVPOD_INSERT },
	{ "devpod_legacy_finished.json", TT_ROUTE_DEVPOD_LEGACY },
	{ "devsy_insert_era1.json", TT_ROUTE_DEVPOD_INSERT },
	{ "devsy_posthog_go_era3.json", TT_ROUTE_POSTHOG },
	{ "otlp_werf.json", TT_ROUTE_OTLP_TRACES },
	{ "posthogjs_batch_head.json", TT_ROUTE_POSTHOG },
	{ "posthog_v1.json", TT_ROUTE_POSTHOG_V1 },
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*p;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fprintf(stderr, "privbench: cannot read %s\n", path);
		exit(1);
	}
	rewind(f);
	p = xmalloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "privbench: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

int
main(int argc, char **argv)
{
	struct tt_decode_opts	 opts;
	struct tt_batch		 b[sizeof fixtures / sizeof fixtures[0]];
	struct tt_findings	 f;
	char			*path, *body, *cause = NULL, *json;
	size_t			 i, k, len, events = 0, nf = 0;
	long			 rounds = 20000, r;
	double			 t0, t;

	if (argc < 2) {
		fprintf(stderr, "usage: privbench FIXTURE-DIR [--rounds N]\n");
		return 2;
	}
	if (argc == 4 && strcmp(argv[2], "--rounds") == 0)
		rounds = atol(argv[3]);
	memset(&opts, 0, sizeof opts);
	for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		path = xasprintf("%s/%s", argv[1], fixtures[i].file);
		body = slurp(path, &len);
		tt_batch_init(&b[i]);
		if (tt_decode(fixtures[i].route, (const uint8_t *)body, len,
		    &opts, &b[i], &cause) != 0) {
			fprintf(stderr, "privbench: %s: %s\n", path, cause);
			return 1;
		}
		events += b[i].n;
		free(body);
		free(path);
	}
	tt_findings_init(&f);
	t0 = now();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
			for (k = 0; k < b[i].n; k++) {
				tt_privacy_scan(b[i].ev[k].data,
				    b[i].ev[k].data_len, &f);
				json = tt_privacy_json(&f);
				if (r == 0)
					nf += f.n;
				free(json);
			}
	t = now() - t0;
	printf("events=%zu rounds=%ld findings=%zu ns_per_event=%.0f\n",
	    events, rounds, nf, t * 1e9 / ((double)events * (double)rounds));
	tt_findings_clear(&f);
	for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
		tt_batch_clear(&b[i]);
	return 0;
}
