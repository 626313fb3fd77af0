/*
 * storebench: what the store costs per event of the benchmark's mix, on
 * disk and in time.  Builds the mix of ../shared/bench (a DevPod legacy
 * cmdfinished and a Devtron posthog-go capture, alternated, ids, times,
 * commands and clients varied per event), decodes each request with the
 * real decoders and records its privacy findings as the collector does,
 * then writes them through the store (synchronous, a commit every --txn
 * events) into a fresh database and closes it.
 *
 *   storebench --db PATH [--events N] [--txn N] [--mode array|single]
 *	       [--sql SQL]
 *
 * array: WebSocket arrays of 100 items on /ws (the payload is the array);
 * single: one event a request (DevPod on its legacy route, Devtron in a
 * posthog-go batch of one on /batch/).  --sql runs SQL once the store is
 * open (an ablation: "DROP INDEX events_ts").  Prints one line:
 *   mode=M events=N store_s=S ev_per_s=R cpu_us=C written=W db=B wal=W
 *   bytes_per_event=E
 * where store_s is the time in store_submit() + store_flush() +
 * store_close(), cpu_us the CPU time (user + system) spent in them per
 * event (decoding and privacy not included), written the bytes it wrote
 * per event (write(2) calls: WAL and checkpoints), and the sizes are those
 * after the close.  On a busy machine the wall-clock rate moves a lot;
 * cpu_us and written much less.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "core/decode.h"
#include "core/privacy.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "store/store_int.h"

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

/* n random lowercase hex digits into p. */
static void
hex(char *p, size_t n)
{
	static const char	d[] = "0123456789abcdef";
	uint64_t		r = 0;
	size_t			i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			r = next();
		p[i] = d[r & 15];
		r >>= 4;
	}
	p[n] = '\0';
}

static const char *const commands[] = { "devpod up", "devpod stop",
    "devpod delete", "devpod provider delete", "devpod ssh",
    "devpod build" };
static const char *const devtron_events[] = { "DashboardLoggedIn",
    "DashboardAccessed", "Heartbeat", "AppCreated" };

/* The DevPod legacy cmdfinished of ../shared/bench, varied by i. */
static int
devpod(char *out, size_t size, size_t i, int64_t t_us)
{
	char	exec[19], uid[14];
	int	c = (int)(next() % (sizeof commands / sizeof commands[0]));
	int	failed = next() % 4 == 0;

	hex(exec, 18);
	snprintf(uid, sizeof uid, "%013llx", (unsigned long long)
	    (0x3ed2c7ee880e3ULL + next() % 300));
	return snprintf(out, size, "{\"type\":\"cmdfinished\",\"event\":{"
	    "\"timestamp\":%lld,\"executionID\":\"%s\",\"command\":\"%s\","
	    "\"provider\":\"docker\",\"processingTime\":%llu%s},"
	    "\"instanceProperties\":{\"uid\":\"%s\",\"arch\":\"amd64\","
	    "\"os\":\"linux\",\"version\":{\"major\":\"0\",\"minor\":\"1\","
	    "\"patch\":\"%d\"},\"flags\":{\"setFlags\":[\"debug\"]},"
	    "\"ui\":false},\"token\":\"eyJhbGcoNz8087e0a700\"}",
	    (long long)t_us, exec, commands[c],
	    (unsigned long long)(next() % 30000000),
	    failed ? ",\"errors\":\"provider 'docker' does not exist\"" : "",
	    uid, (int)(i % 3));
}

/* The Devtron posthog-go capture of ../shared/bench, varied. */
static int
devtron(char *out, size_t size, int64_t t_us)
{
	char		uuid[33], ts[40];
	unsigned	client = (unsigned)(next() % 300);
	time_t		secs = (time_t)(t_us / 1000000);
	struct tm	tm;

	hex(uuid, 32);
	gmtime_r(&secs, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	return snprintf(out, size, "{\"event\":\"%s\",\"distinct_id\":"
	    "\"ucid%012x\",\"timestamp\":\"%s.%03dZ\",\"uuid\":\"%.8s-%.4s-"
	    "%.4s-%.4s-%.12s\",\"properties\":{\"$geoip_city_name\":"
	    "\"Frankfurt am Main\",\"$geoip_country_name\":\"Germany\","
	    "\"$geoip_country_code\":\"DE\",\"$geoip_continent_name\":"
	    "\"Europe\",\"$geoip_continent_code\":\"EU\",\"$geoip_postal_code\":"
	    "\"60313\",\"$geoip_latitude\":50.1188,\"$geoip_longitude\":8.6843,"
	    "\"$geoip_time_zone\":\"Europe/Berlin\",\"$geoip_subdivision_1_code"
	    "\":\"HE\",\"$geoip_subdivision_1_name\":\"Hesse\",\"$ip\":"
	    "\"203.0.113.%u\",\"$lib\":\"posthog-go\",\"$lib_version\":"
	    "\"1.2.18\",\"devtronVersion\":\"v0.6.19\",\"serverVersion\":"
	    "\"v1.25.2\",\"eventType\":\"%s\",\"ucid\":\"ucid%012x\","
	    "\"durationMs\":%u,\"instanceCount\":%u,\"$set\":{\"clusterCount\":"
	    "%u}},\"type\":\"capture\"}",
	    devtron_events[client % 4], client, ts,
	    (int)(t_us / 1000 % 1000), uuid, uuid + 8, uuid + 12, uuid + 16,
	    uuid + 20, client % 250, devtron_events[client % 4], client,
	    (unsigned)(next() % 10000), 1 + client % 5, 1 + client % 7);
}

/* Record each event's findings as the collector does. */
static void
privacy(struct tt_batch *b)
{
	struct tt_findings	f;
	size_t			i;

	tt_findings_init(&f);
	for (i = 0; i < b->n; i++) {
		if (b->ev[i].data == NULL)
			continue;
		tt_privacy_scan(b->ev[i].data, b->ev[i].data_len, &f);
		b->ev[i].pii = tt_privacy_json(&f);
	}
	tt_findings_clear(&f);
}

/* CPU time so far, user + system, in µs. */
static double
cpu_us(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Bytes this process wrote so far (wchar of /proc/self/io). */
static double
written(void)
{
	FILE		*f = fopen("/proc/self/io", "r");
	char		 line[128];
	double		 v = 0;

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "wchar:", 6) == 0)
			v = strtod(line + 6, NULL);
	if (f != NULL)
		fclose(f);
	return v;
}

static off_t
file_size(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: storebench --db PATH [--events N] "
	    "[--txn N] [--mode array|single] [--sql SQL]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct tt_decode_opts	 o;
	struct store_payload	 pl;
	struct tt_batch		 b;
	struct store		*st;
	const char		*db = NULL, *mode = "array", *sql = NULL;
	char			*body, *cause = NULL, *wal;
	size_t			 events = 200000, txn = 1000, per, k, len;
	size_t			 done = 0, since = 0;
	int64_t			 t_us = 1683878643783389LL;
	double			 t0, tstore = 0, c0, cstore = 0, w0 = written();
	enum tt_route		 route;
	int			 a;

	memset(&pl, 0, sizeof pl);

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--db") == 0 && a + 1 < argc)
			db = argv[++a];
		else if (strcmp(argv[a], "--events") == 0 && a + 1 < argc)
			events = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--txn") == 0 && a + 1 < argc)
			txn = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--mode") == 0 && a + 1 < argc)
			mode = argv[++a];
		else if (strcmp(argv[a], "--sql") == 0 && a + 1 < argc)
			sql = argv[++a];
		else
			usage();
	}
	if (db == NULL || (strcmp(mode, "array") != 0 &&
	    strcmp(mode, "single") != 0))
		usage();
	wal = xasprintf("%s-wal", db);
	remove(db);
	remove(wal);
	t0 = now();
	if ((st = store_open(db, &cause)) == NULL) {
		fprintf(stderr, "storebench: %s\n", cause);
		return 1;
	}
	if (sql != NULL && store_writer_exec(st, sql, &cause) != 0) {
		fprintf(stderr, "storebench: %s\n", cause);
		return 1;
	}
	tstore += now() - t0;
	per = strcmp(mode, "array") == 0 ? 100 : 1;
	body = xmalloc(per * 2048 + 16);
	memset(&o, 0, sizeof o);
	while (done < events) {
		len = 0;
		if (per > 1)
			body[len++] = '[';
		for (k = 0; k < per && done + k < events; k++) {
			if (k > 0)
				body[len++] = ',';
			t_us += 1000 + (int64_t)(next() % 100000);
			if ((done + k) % 2 == 0)
				len += (size_t)devpod(body + len, 2048, done + k,
				    t_us);
			else
				len += (size_t)devtron(body + len, 2048, t_us);
		}
		if (per > 1) {
			body[len++] = ']';
			route = TT_ROUTE_EVENTS;
			pl.route = "/ws";
		} else if (done % 2 == 0) {
			route = TT_ROUTE_DEVPOD_LEGACY;
			pl.route = "/analytics/v1/devpod/v1/events";
		} else {
			/* a posthog-go batch of one */
			char *w = xasprintf("{\"api_key\":\"phc_3Kq9ZzJ1bUuAfT2m"
			    "Xq8yVwR0nLp5sD7eHc4GkO6iY\",\"batch\":[%.*s]}",
			    (int)len, body);
			len = strlen(w);
			memcpy(body, w, len);
			free(w);
			route = TT_ROUTE_POSTHOG;
			pl.route = "/batch/";
		}
		body[len] = '\0';
		tt_batch_init(&b);
		o.received_at = t_us + 500000;
		if (tt_decode(route, (const uint8_t *)body, len, &o, &b,
		    &cause) != 0 || b.n != k) {
			fprintf(stderr, "storebench: decode: %s (%zu of %zu)\n",
			    cause != NULL ? cause : "events missing", b.n, k);
			return 1;
		}
		privacy(&b);
		pl.content_type = "application/json";
		pl.body = body;
		pl.len = len;
		t0 = now();
		c0 = cpu_us();
		store_submit(st, &b, &pl);
		done += k;
		since += k;
		if (since >= txn || done >= events) {
			if (store_flush(st, &cause) != 0) {
				fprintf(stderr, "storebench: %s\n", cause);
				return 1;
			}
			since = 0;
		}
		tstore += now() - t0;
		cstore += cpu_us() - c0;
		tt_batch_clear(&b);
	}
	t0 = now();
	c0 = cpu_us();
	store_close(st);
	tstore += now() - t0;
	cstore += cpu_us() - c0;
	printf("mode=%s events=%zu store_s=%.3f ev_per_s=%.0f cpu_us=%.1f "
	    "written=%.0f db=%lld wal=%lld bytes_per_event=%.0f\n", mode,
	    events, tstore, (double)events / tstore,
	    cstore / (double)events,
	    (written() - w0) / (double)events, (long long)file_size(db),
	    (long long)file_size(wal), (double)(file_size(db) +
	    file_size(wal)) / (double)events);
	free(body);
	free(wal);
	return 0;
}
