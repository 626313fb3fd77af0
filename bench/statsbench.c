/*
 * statsbench: the cost of the aggregates.  Generates a realistic mix of
 * events (werf start/exit pairs, DevPod one-shots and legacy pairs, Devtron
 * heartbeats and summaries, generic events), then
 *  1. times tt_stats_add() over them in memory: the per-event cost the
 *     collector pays on its ingest path;
 *  2. writes them into a fresh database through the store (for `teltop
 *     stats` to be timed against by bench/run.sh).
 *
 *   statsbench --events N --db PATH
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/decode.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "store/store.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t	rng = 88172645463325252ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const werf_cmds[] = { "werf converge", "werf build",
    "werf render", "werf cleanup" };
static const char *const devpod_cmds[] = { "devpod up", "devpod stop",
    "devpod delete", "devpod ssh" };

/* Event i of the mix; ts advances ~60 ms an event over about 2 days. */
static void
make_event(size_t i, int64_t base, struct tt_event *ev)
{
	uint64_t	r = next();
	size_t		exec = i / 2;

	tt_event_init(ev);
	ev->received_at = base + (int64_t)i * 60000;
	ev->ts = ev->received_at;
	ev->client_id = xasprintf("client-%03u", (unsigned)(r % 500));
	switch (i % 10) {
	case 0:
	case 1:
	case 2:
	case 3:			/* werf: a start then its exit */
		ev->source = TT_SRC_WERF;
		ev->format = "otlp-protobuf";
		ev->execution_id = xasprintf("exec-%zu", exec);
		ev->command = xstrdup(werf_cmds[exec % 4]);
		if (i % 2 == 0) {
			ev->name = xstrdup("CommandStarted");
			ev->phase = TT_PHASE_START;
		} else {
			ev->name = xstrdup("CommandExited");
			ev->phase = TT_PHASE_FINISH;
			ev->duration_ms = (int64_t)(r % 100000);
			ev->exit_code = r % 17 == 0 ? 1 : 0;
		}
		ev->data = xstrdup("{\"eventType\":\"CommandExited\"}");
		break;
	case 4:
	case 5:			/* DevPod one-shot */
		ev->source = TT_SRC_DEVPOD;
		ev->format = "devpod-insert";
		ev->name = xstrdup("devpod_cli");
		ev->phase = TT_PHASE_FINISH;
		ev->command = xstrdup(devpod_cmds[r % 4]);
		if (r % 11 == 0)
			ev->error = xstrdup("provider 'docker' does not exist");
		ev->data = xstrdup("{\"event\":{\"type\":\"devpod_cli\"}}");
		break;
	case 6:			/* Devtron */
		ev->source = TT_SRC_DEVTRON;
		ev->format = "posthog-batch";
		if (r % 50 == 0) {
			ev->name = xstrdup("Summary");
			ev->data = xstrdup("{\"event\":\"Summary\",\"properties\""
			    ":{\"userCount\":3,\"clusterCount\":2,"
			    "\"ciCreatedPerDay\":5}}");
		} else {
			ev->name = xstrdup("Heartbeat");
			ev->data = xstrdup("{\"event\":\"Heartbeat\"}");
		}
		break;
	default:		/* generic */
		ev->name = xstrdup("bench");
		ev->command = xstrdup("bench run");
		ev->phase = TT_PHASE_FINISH;
		ev->duration_ms = (int64_t)(r % 5000);
		ev->data = xstrdup("{\"name\":\"bench\"}");
		break;
	}
	ev->data_len = strlen(ev->data);
}

int
main(int argc, char **argv)
{
	struct tt_batch		 b;
	struct tt_event		*evs;
	struct tt_stats		*st;
	struct tt_cmd_stats	*cmds;
	struct store		*store;
	const char		*db = NULL;
	char			*cause = NULL;
	size_t			 n = 1000000, i, ncmds;
	int64_t			 base;
	double			 t0, add_s, write_s;
	int			 a;

	for (a = 1; a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--events") == 0)
			n = (size_t)strtoull(argv[a + 1], NULL, 10);
		else if (strcmp(argv[a], "--db") == 0)
			db = argv[a + 1];
	}
	if (db == NULL || n == 0) {
		fprintf(stderr, "usage: statsbench --events N --db PATH\n");
		return 2;
	}
	base = tt_now_us() - (int64_t)n * 60000;
	evs = xcalloc(n, sizeof *evs);
	for (i = 0; i < n; i++)
		make_event(i, base, &evs[i]);

	st = tt_stats_create(TT_ORPHAN_AFTER_US);
	t0 = now();
	for (i = 0; i < n; i++)
		tt_stats_add(st, &evs[i]);
	add_s = now() - t0;
	ncmds = tt_stats_commands(st, tt_now_us(), &cmds);
	free(cmds);
	tt_stats_free(st);

	unlink(db);
	if ((store = store_open(db, &cause)) == NULL) {
		fprintf(stderr, "statsbench: %s\n", cause);
		return 1;
	}
	t0 = now();
	for (i = 0; i < n; i += 1000) {
		size_t	k, m = n - i < 1000 ? n - i : 1000;

		tt_batch_init(&b);
		for (k = 0; k < m; k++)
			*tt_batch_add(&b) = evs[i + k];
		(void)store_submit(store, &b, NULL);
		tt_batch_clear(&b);
		if (store_flush(store, &cause) != 0) {
			fprintf(stderr, "statsbench: %s\n", cause);
			return 1;
		}
	}
	write_s = now() - t0;
	store_close(store);
	free(evs);	/* the events moved into the store, which freed them */

	printf("mode=stats_add events=%zu seconds=%.3f ns_per_event=%.0f "
	    "commands=%zu\n", n, add_s, add_s * 1e9 / (double)n, ncmds);
	printf("mode=stats_db events=%zu write_seconds=%.3f\n", n, write_s);
	return 0;
}
