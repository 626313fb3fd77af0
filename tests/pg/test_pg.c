/*
 * store/pg.c against a real PostgreSQL (tests/pg/run.sh starts a throwaway
 * cluster and names it in TELTOP_TEST_PG): the schema's migration, batches
 * committed with their ids, an event retried through two collectors
 * stored once, COPY's escaping, retention by partition, counters that add
 * up across collectors, an opt-out heard by another collector (NOTIFY)
 * with its proof, and a server gone
 * mid-batch leaving nothing half-written.  Each test starts from an empty
 * events table.
 */
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "core/event.h"
#include "core/filter.h"
#include "core/optout.h"
#include "core/xmalloc.h"
#include "store/pg.h"
#include "store/store.h"
#include "pgtest.h"

#define DAY_US	(86400 * INT64_C(1000000))

static struct pg *
open_as(const char *collector)
{
	struct pg	*pg;
	char		*cause = NULL;

	if ((pg = pg_open(url(), collector, &cause)) == NULL)
		fail_msg("pg_open: %s", cause);
	return pg;
}

static int
setup(void **state)
{
	(void)state;
	drop_schema();
	return 0;
}

/* An event of source at ts; data is its JSON. */
static void
add(struct tt_batch *b, enum tt_source source, int64_t ts, const char *name,
    const char *exec_id, const char *data)
{
	struct tt_event	*ev = tt_batch_add(b);

	ev->source = source;
	ev->format = "generic";
	ev->received_at = T0 + 5 * DAY_US;
	ev->ts = ts;
	ev->phase = TT_PHASE_POINT;
	ev->name = xstrdup(name);
	ev->execution_id = exec_id != NULL ? xstrdup(exec_id) : NULL;
	ev->data = xstrdup(data);
	ev->data_len = strlen(data);
	ev->duration_ms = (double)TT_NONE;
	ev->exit_code = TT_NONE;
	ev->severity = TT_NONE;
}

static void
test_migrate_once(void **state)
{
	struct pg	*a, *b;
	char		*v;

	(void)state;
	a = open_as("a");
	b = open_as("b");	/* a second collector finds it done */
	assert_int_equal(pg_schema_version(a), 6);
	assert_int_equal(pg_schema_version(b), 6);
	v = sql1("SELECT count(*) FROM teltop_schema");
	assert_string_equal(v, "6");
	free(v);
	pg_close(a);
	pg_close(b);
}

static void
test_commit_ids_partitions(void **state)
{
	struct tt_batch	 b;
	struct pg	*pg = open_as("c1");
	char		*cause = NULL, *v;
	size_t		 stored;

	(void)state;
	tt_batch_init(&b);
	add(&b, TT_SRC_POSTHOG, T0 + 10, "a", NULL, "{\"uuid\":\"u-1\"}");
	add(&b, TT_SRC_WERF, T0 + DAY_US + 10, "CommandStarted", "x-1",
	    "{}");
	b.ev[1].phase = TT_PHASE_START;
	add(&b, TT_SRC_GENERIC, T0 + 2 * DAY_US, "c", NULL, "{\"k\":1}");
	if (pg_commit(pg, &b, &stored, &cause) != 0)
		fail_msg("pg_commit: %s", cause);
	assert_int_equal(stored, 3);
	assert_true(b.ev[0].id > 0);
	assert_true(b.ev[1].id > b.ev[0].id);
	assert_true(b.ev[2].id > b.ev[1].id);
	assert_int_equal(pg_event_count(pg), 3);
	assert_int_equal(pg_partition_count(pg), 3);
	v = sql1("SELECT string_agg(day::text || ' ' || source || ' ' || "
	    "coalesce(event_key, '-') || ' ' || collector, ',' ORDER BY id) "
	    "FROM events");
	assert_string_equal(v, "2025-12-03 posthog u:u-1 c1,"
	    "2025-12-04 werf x:x-1:start:CommandStarted c1,"
	    "2025-12-05 generic - c1");
	free(v);
	tt_batch_clear(&b);
	pg_close(pg);
}

/* The same batch through a second collector: the keyed events once. */
static void
test_retry_stored_once(void **state)
{
	struct tt_batch	 b;
	struct pg	*a = open_as("a"), *c = open_as("b");
	char		*cause = NULL, *v;
	size_t		 stored;

	(void)state;
	tt_batch_init(&b);
	add(&b, TT_SRC_POSTHOG, T0, "a", NULL, "{\"uuid\":\"u-9\"}");
	add(&b, TT_SRC_SEGMENT, T0, "b", NULL, "{\"messageId\":\"m-9\"}");
	add(&b, TT_SRC_GENERIC, T0, "c", NULL, "{\"no\":\"id\"}");
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);
	assert_int_equal(stored, 3);
	b.ev[0].id = b.ev[1].id = b.ev[2].id = 0;
	assert_int_equal(pg_commit(c, &b, &stored, &cause), 0);
	assert_int_equal(stored, 1);	/* only the one without an id */
	assert_int_equal(b.ev[0].id, 0);
	assert_int_equal(b.ev[1].id, 0);
	assert_true(b.ev[2].id > 0);
	v = sql1("SELECT string_agg(collector, ',' ORDER BY id) FROM events "
	    "WHERE event_key IS NOT NULL");
	assert_string_equal(v, "a,a");
	free(v);
	/* a duplicate within one batch is one row too */
	tt_batch_clear(&b);
	tt_batch_init(&b);
	add(&b, TT_SRC_POSTHOG, T0, "d", NULL, "{\"uuid\":\"u-10\"}");
	add(&b, TT_SRC_POSTHOG, T0, "d", NULL, "{\"uuid\":\"u-10\"}");
	assert_int_equal(pg_commit(c, &b, &stored, &cause), 0);
	assert_int_equal(stored, 1);
	assert_int_equal(pg_event_count(c), 5);
	tt_batch_clear(&b);
	pg_close(a);
	pg_close(c);
}

/* Tabs, newlines, backslashes and quotes survive COPY's text form. */
static void
test_copy_escaping(void **state)
{
	static const char	data[] = "{\"s\":\"a\\tb\\\\n\\\"\"}";
	struct tt_batch		 b;
	struct pg		*pg = open_as("tab\there");
	char			*cause = NULL, *v;
	size_t			 stored;

	(void)state;
	tt_batch_init(&b);
	add(&b, TT_SRC_GENERIC, T0, "line1\nline2\t\\x", NULL, data);
	b.ev[0].error = xstrdup("back\\slash\r\n");
	assert_int_equal(pg_commit(pg, &b, &stored, &cause), 0);
	v = sql1("SELECT name FROM events");
	assert_string_equal(v, "line1\nline2\t\\x");
	free(v);
	v = sql1("SELECT error || data || collector FROM events");
	assert_non_null(v);
	assert_true(strncmp(v, "back\\slash\r\n", 12) == 0);
	assert_string_equal(v + 12, "{\"s\":\"a\\tb\\\\n\\\"\"}tab\there");
	free(v);
	v = sql1("SELECT count(*) FROM events WHERE duration_ms IS NULL AND "
	    "exit_code IS NULL AND os IS NULL");
	assert_string_equal(v, "1");
	free(v);
	tt_batch_clear(&b);
	pg_close(pg);
}

/* Retention drops whole days. */
static void
test_drop_days(void **state)
{
	struct tt_batch	 b;
	struct pg	*pg = open_as("r");
	char		*cause = NULL;
	size_t		 stored;
	int64_t		 events;
	int		 d;

	(void)state;
	tt_batch_init(&b);
	for (d = 0; d < 4; d++)
		add(&b, TT_SRC_GENERIC, T0 + d * DAY_US + 1, "e", NULL, "{}");
	add(&b, TT_SRC_GENERIC, T0 + 2, "e", NULL, "{}");
	assert_int_equal(pg_commit(pg, &b, &stored, &cause), 0);
	assert_int_equal(pg_partition_count(pg), 4);
	/* the first day's two events and the second's one */
	assert_int_equal(pg_drop_days_before(pg, T0 + 2 * DAY_US, &events,
	    &cause), 2);
	assert_int_equal(events, 3);
	assert_int_equal(pg_partition_count(pg), 2);
	assert_int_equal(pg_event_count(pg), 2);
	/* a day dropped is made again when an event of it comes */
	b.ev[0].id = 0;
	b.n = 1;
	assert_int_equal(pg_commit(pg, &b, &stored, &cause), 0);
	assert_int_equal(pg_event_count(pg), 3);
	b.n = 5;
	tt_batch_clear(&b);
	pg_close(pg);
}

static void
test_unreachable(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_null(pg_open("postgresql://teltop@127.0.0.1:1/teltop?"
	    "connect_timeout=5", "x", &cause));
	assert_non_null(strstr(cause, "cannot connect to PostgreSQL"));
	assert_null(strchr(cause, '\n'));
	free(cause);
	assert_true(pg_is_url("postgres://h/db"));
	assert_true(pg_is_url("postgresql://h/db"));
	assert_false(pg_is_url("/tmp/postgresql://x"));
	assert_false(pg_is_url(NULL));
}

/*
 * A TCP relay in front of the server, on a thread: it forwards each
 * connection it accepts, until told to hold the next ones (accepted, never
 * answered: a host that does not answer) or to cut what it forwards.
 */
struct relay {
	int		 lfd, port, server_port;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	int		 hold;		/* new connections are held */
	int		 held;		/* the connection held, or -1 */
	int		 release;	/* forward the held one now */
	int		 cut;		/* close what is forwarded */
	int		 stop;
	int		 accepts;	/* connections accepted */
	int		 pairs[8][2];	/* client, server */
	int		 npairs;
};

static int
relay_connect(int port)
{
	struct sockaddr_in	sa;
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		fail_msg("relay: connect to the server: %s", strerror(errno));
	return fd;
}

static void
relay_add(struct relay *r, int client)
{
	if (r->npairs == 8)
		fail_msg("relay: too many connections");
	r->pairs[r->npairs][0] = client;
	r->pairs[r->npairs][1] = relay_connect(r->server_port);
	r->npairs++;
}

static void
relay_close(struct relay *r, int i)
{
	close(r->pairs[i][0]);
	close(r->pairs[i][1]);
	r->pairs[i][0] = r->pairs[--r->npairs][0];
	r->pairs[i][1] = r->pairs[r->npairs][1];
}

static void *
relay_run(void *arg)
{
	struct relay	*r = arg;
	struct pollfd	 p[17];
	char		 buf[65536];
	ssize_t		 n;
	int		 i, k, fd;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		if (r->cut)
			while (r->npairs > 0)
				relay_close(r, 0);
		r->cut = 0;
		if (r->release && r->held >= 0) {
			relay_add(r, r->held);
			r->held = -1;
			r->release = 0;
		}
		p[0].fd = r->lfd;
		p[0].events = POLLIN;
		for (i = 0; i < r->npairs; i++)
			for (k = 0; k < 2; k++) {
				p[1 + 2 * i + k].fd = r->pairs[i][k];
				p[1 + 2 * i + k].events = POLLIN;
			}
		pthread_mutex_unlock(&r->lock);
		if (poll(p, (nfds_t)(1 + 2 * r->npairs), 20) <= 0)
			continue;
		pthread_mutex_lock(&r->lock);
		if ((p[0].revents & POLLIN) &&
		    (fd = accept(r->lfd, NULL, NULL)) >= 0) {
			r->accepts++;
			if (r->hold && r->held < 0)
				r->held = fd;
			else if (r->hold)
				close(fd);
			else
				relay_add(r, fd);
		}
		for (i = 0; i < r->npairs; i++)
			for (k = 0; k < 2; k++) {
				if (!(p[1 + 2 * i + k].revents &
				    (POLLIN | POLLHUP | POLLERR)))
					continue;
				n = read(r->pairs[i][k], buf, sizeof buf);
				if (n <= 0 || write(r->pairs[i][!k], buf,
				    (size_t)n) != n) {
					relay_close(r, i);
					i = r->npairs;	/* the fds moved */
					break;
				}
			}
		pthread_mutex_unlock(&r->lock);
	}
	while (r->npairs > 0)
		relay_close(r, 0);
	if (r->held >= 0)
		close(r->held);
	return NULL;
}

/* The relay's URL: the cluster's with the relay's port. */
static char *
relay_start(struct relay *r)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof sa;
	const char		*u = url(), *colon;
	char			*end;

	memset(r, 0, sizeof *r);
	r->held = -1;
	/* postgresql://USER@127.0.0.1:PORT/DB */
	if ((colon = strrchr(u, ':')) == NULL ||
	    (r->server_port = (int)strtol(colon + 1, &end, 10)) <= 0 ||
	    *end != '/')
		fail_msg("relay: a URL without a port: %s", u);
	r->lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(r->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(r->lfd, 8) != 0 ||
	    getsockname(r->lfd, (struct sockaddr *)&sa, &len) != 0)
		fail_msg("relay: listen: %s", strerror(errno));
	r->port = ntohs(sa.sin_port);
	pthread_mutex_init(&r->lock, NULL);
	assert_int_equal(pthread_create(&r->thread, NULL, relay_run, r), 0);
	return xasprintf("%.*s:%d%s", (int)(colon - u), u, r->port, end);
}

static void
relay_set(struct relay *r, int *what, int v)
{
	pthread_mutex_lock(&r->lock);
	*what = v;
	pthread_mutex_unlock(&r->lock);
}

static int
relay_held(struct relay *r)
{
	int	fd;

	pthread_mutex_lock(&r->lock);
	fd = r->held;
	pthread_mutex_unlock(&r->lock);
	return fd;
}

static int
relay_accepts(struct relay *r)
{
	int	n;

	pthread_mutex_lock(&r->lock);
	n = r->accepts;
	pthread_mutex_unlock(&r->lock);
	return n;
}

static void
relay_stop(struct relay *r)
{
	relay_set(r, &r->stop, 1);
	pthread_join(r->thread, NULL);
	close(r->lfd);
	pthread_mutex_destroy(&r->lock);
}

/*
 * The server's host stops answering (the connection cut, the next ones
 * accepted but never answered): an async connection's reconnect does not
 * wait for it.  pg_notified() comes back, down, while the new connection
 * waits for its answer; once the host answers, the calls that follow
 * complete that same connection (a blocking reconnect would have waited
 * out connect_timeout inside one call, given it up and knocked again),
 * with nothing lost.
 */
static void
test_reconnect_async(void **state)
{
	struct relay	 r;
	struct pollfd	 pfd;
	struct pg	*pg;
	struct tt_batch	 b;
	char		*u, *cause = NULL;
	size_t		 stored;
	int		 i, n, fd, knocks;

	(void)state;
	u = relay_start(&r);
	if ((pg = pg_open(u, "async", &cause)) == NULL)
		fail_msg("pg_open through the relay: %s", cause);
	pg_set_async(pg, 1);
	assert_true(pg_listen(pg, &cause) >= 0);
	tt_batch_init(&b);
	add(&b, TT_SRC_GENERIC, T0, "before", NULL, "{}");
	assert_int_equal(pg_commit(pg, &b, &stored, &cause), 0);

	relay_set(&r, &r.hold, 1);
	relay_set(&r, &r.accepts, 0);
	relay_set(&r, &r.cut, 1);
	for (i = 0; i < 200 && (n = pg_notified(pg)) >= 0; i++)
		(void)poll(NULL, 0, 20);	/* until the cut is seen */
	assert_int_equal(n, -1);
	assert_non_null(pg_down(pg));
	for (i = 0; i < 200 && (fd = relay_held(&r)) < 0; i++) {
		(void)pg_notified(pg);		/* past the backoff */
		(void)poll(NULL, 0, 20);
	}
	assert_true(fd >= 0);		/* a reconnect knocked */
	/* each call takes it a step (its start-up packet is sent once the
	 * socket is writable) and comes back down: it waits for the answer */
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (i = 0; i < 500 && poll(&pfd, 1, 0) == 0; i++) {
		assert_int_equal(pg_notified(pg), -1);
		(void)poll(NULL, 0, 20);
	}
	assert_true(pfd.revents & POLLIN);	/* what it sent */
	assert_int_equal(pg_notified(pg), -1);	/* down meanwhile */
	assert_int_equal(pg_last_id(pg), -1);	/* reads fail meanwhile */
	knocks = relay_accepts(&r);

	/* the host answers: that same connection is made, by the calls
	 * after the one that started it (a blocking reconnect would have
	 * given it up and knocked again) */
	relay_set(&r, &r.hold, 0);
	relay_set(&r, &r.release, 1);
	for (i = 0; i < 500 && (n = pg_notified(pg)) < 1; i++)
		(void)poll(NULL, 0, 20);
	assert_int_equal(n, 1);		/* back: changes may have been missed */
	assert_null(pg_down(pg));
	assert_int_equal(knocks, 1);
	assert_int_equal(relay_accepts(&r), knocks);
	assert_int_equal(pg_last_id(pg), b.ev[0].id);
	tt_batch_clear(&b);
	pg_close(pg);
	relay_stop(&r);
	free(u);
}

/* Each collector counts in its own row; the counter is their sum, and a
 * count is kept for the next commit when one fails. */
static void
test_counters_add_up(void **state)
{
	struct tt_batch	 b;
	struct pg	*a = open_as("a"), *c = open_as("b");
	char		*cause = NULL, *v;
	size_t		 stored;

	(void)state;
	tt_batch_init(&b);
	pg_count(a, "received", 3);
	pg_count(a, "received", 2);
	pg_count(c, "received", 10);
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);	/* counts alone */
	add(&b, TT_SRC_GENERIC, T0, "e", NULL, "{}");
	assert_int_equal(pg_commit(c, &b, &stored, &cause), 0);
	assert_int_equal(pg_counter(a, "received"), 15);
	assert_int_equal(pg_counter(a, "nothing"), 0);
	v = sql1("SELECT string_agg(collector || '=' || value, ',' ORDER BY "
	    "collector) FROM counters");
	assert_string_equal(v, "a=5,b=10");
	free(v);
	tt_batch_clear(&b);
	pg_close(a);
	pg_close(c);
}

/* Wait (bounded) until a change is heard on fd. */
static int
heard(struct pg *pg, int fd)
{
	struct pollfd	pfd;
	int		i, n;

	for (i = 0; i < 100; i++) {
		if ((n = pg_notified(pg)) != 0)
			return n;
		pfd.fd = fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 100);
	}
	return 0;
}

/* An opt-out set through one collector is heard by another, with its
 * proof; clearing it too. */
static void
test_optout_notify(void **state)
{
	struct tt_optout	 reg;
	struct tt_batch		 b;
	struct pg		*a = open_as("a"), *c = open_as("b");
	char			*cause = NULL;
	size_t			 stored;
	int			 fd;

	(void)state;
	tt_optout_init(&reg);
	tt_batch_init(&b);
	add(&b, TT_SRC_DEVPOD, T0, "before", NULL, "{}");
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);
	assert_true((fd = pg_listen(c, &cause)) >= 0);
	assert_int_equal(pg_notified(c), 0);
	assert_int_equal(pg_optout_change(a, "devpod", NULL, 1, T0, "cli",
	    &cause), 1);
	assert_int_equal(pg_optout_change(a, "devpod", NULL, 1, T0, "cli",
	    &cause), 0);	/* already so: no second NOTIFY */
	assert_int_equal(heard(c, fd), 1);
	assert_int_equal(pg_optout_load(c, &reg, &cause), 0);
	assert_int_equal(reg.n, 1);
	assert_string_equal(reg.v[0].source, "devpod");
	assert_null(reg.v[0].client);
	assert_string_equal(reg.v[0].set_by, "cli");
	assert_int_equal(reg.v[0].stored_since, 0);	/* the proof */
	/* drops ride along with a commit; an event stored anyway shows */
	pg_optout_dropped(c, "devpod", NULL, 4);
	b.ev[0].id = 0;
	b.ev[0].source = TT_SRC_WERF;
	assert_int_equal(pg_commit(c, &b, &stored, &cause), 0);
	b.ev[0].source = TT_SRC_DEVPOD;
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);
	assert_int_equal(pg_optout_load(c, &reg, &cause), 0);
	assert_int_equal(reg.v[0].dropped, 4);
	assert_int_equal(reg.v[0].stored_since, 1);
	/* a client's entry, then cleared */
	assert_int_equal(pg_optout_change(a, "werf", "c-1", 1, T0, "ui",
	    &cause), 1);
	assert_int_equal(pg_optout_change(a, "werf", "c-1", 0, T0, "ui",
	    &cause), 1);
	assert_true(heard(c, fd) >= 1);
	assert_int_equal(pg_optout_load(c, &reg, &cause), 0);
	assert_int_equal(reg.n, 1);
	tt_optout_clear(&reg);
	tt_batch_clear(&b);
	pg_close(a);
	pg_close(c);
}

/* What pg_heard() gave: "name@collector" joined by ','. */
static void
heard_event(void *arg, const struct tt_event *ev)
{
	char	**names = arg, *s;

	s = xasprintf("%s%s%s@%s", *names != NULL ? *names : "",
	    *names != NULL ? "," : "", ev->name, ev->collector);
	free(*names);
	*names = s;
}

static void
add_name(void *arg, const char *name, int instances)
{
	char	**names = arg, *s;

	s = xasprintf("%s%s%s:%d", *names != NULL ? *names : "",
	    *names != NULL ? "," : "", name, instances);
	free(*names);
	*names = s;
}

/* Read what pg heard (bounded) until the event named last came; the
 * events read, in order. */
static char *
hear_until(struct pg *pg, int fd, const char *last)
{
	struct pollfd	 pfd;
	char		*names = NULL, *cause = NULL, *at;
	int		 i;

	for (i = 0; i < 100; i++) {
		(void)pg_notified(pg);
		if (pg_heard(pg, heard_event, &names, &cause) < 0)
			fail_msg("pg_heard: %s", cause);
		if (names != NULL && (at = strstr(names, last)) != NULL &&
		    at[strlen(last)] == '@')
			return names;
		pfd.fd = fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 100);
	}
	fail_msg("never heard %s: %s", last, names != NULL ? names : "");
	return NULL;
}

/*
 * What one collector commits another hears of (a NOTIFY of the ids at
 * COMMIT) and reads back, in id order, with the collector that received
 * it; what its own writer commits (the same instance) it does not; a
 * retried event, not stored again, is not heard again; notes that are not
 * teltop's are passed over, and what is kept to read is bounded.
 */
static void
test_events_heard(void **state)
{
	struct tt_batch	 b;
	struct pg	*a = open_as("alpha"), *c = open_as("beta");
	struct pg	*w = open_as("beta");
	char		*cause = NULL, *names;
	size_t		 stored;
	int		 fd, i;

	(void)state;
	assert_true((fd = pg_listen(c, &cause)) >= 0);
	pg_set_instance(w, pg_instance(c));	/* c's writer */
	tt_batch_init(&b);
	for (i = 0; i < 3; i++)
		add(&b, TT_SRC_POSTHOG, T0 + i, i == 0 ? "a1" : i == 1 ? "a2" :
		    "a3", NULL, i == 0 ? "{\"uuid\":\"u-h1\"}" : "{}");
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);
	names = hear_until(c, fd, "a3");
	assert_string_equal(names, "a1@alpha,a2@alpha,a3@alpha");
	free(names);
	tt_batch_clear(&b);

	/* our own writer's commit, then alpha's retry of a1 (stored once,
	 * so nothing new) and a marker */
	tt_batch_init(&b);
	add(&b, TT_SRC_GENERIC, T0, "own", NULL, "{}");
	assert_int_equal(pg_commit(w, &b, &stored, &cause), 0);
	tt_batch_clear(&b);
	tt_batch_init(&b);
	add(&b, TT_SRC_POSTHOG, T0, "a1", NULL, "{\"uuid\":\"u-h1\"}");
	add(&b, TT_SRC_GENERIC, T0, "mark", NULL, "{}");
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);
	assert_int_equal(stored, 1);
	names = hear_until(c, fd, "mark");
	assert_string_equal(names, "mark@alpha");
	free(names);
	tt_batch_clear(&b);

	/* anything on the channel that is not a note of ids */
	free(sql1("SELECT pg_notify('teltop_events', 'zz 9-1'), "
	    "pg_notify('teltop_events', 'zz x'), pg_notify('teltop_events', "
	    "''), pg_notify('teltop_events', 'zz 5 1-100000')"));
	names = hear_until(c, fd, "a1");	/* ids 1..65536 are read */
	free(names);
	assert_int_equal(pg_heard_lost(c), 100000 - 65536);
	pg_close(a);
	pg_close(c);
	pg_close(w);
}

/*
 * A replay (pg_scan) and the notes of what it read: an event committed
 * elsewhere before or during the replay is counted by the replay alone,
 * its note passed over (the replay's snapshot saw its transaction); one
 * committed after it comes through the note.
 */
static void
test_replay_once(void **state)
{
	struct tt_batch	 b;
	struct pg	*a = open_as("alpha"), *c = open_as("beta");
	char		*cause = NULL, *names = NULL;
	size_t		 stored;
	int		 fd;

	(void)state;
	assert_true((fd = pg_listen(c, &cause)) >= 0);
	tt_batch_init(&b);
	add(&b, TT_SRC_GENERIC, T0, "during", NULL, "{}");
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);
	tt_batch_clear(&b);
	/* the replay reads it (its note is on its way meanwhile) */
	assert_int_equal(pg_scan(c, TT_NONE, NULL, 0, heard_event, &names,
	    &cause), 0);
	assert_string_equal(names, "during@alpha");
	free(names);
	tt_batch_init(&b);
	add(&b, TT_SRC_GENERIC, T0, "after", NULL, "{}");
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);
	tt_batch_clear(&b);
	names = hear_until(c, fd, "after");
	assert_string_equal(names, "after@alpha");	/* not "during" again */
	free(names);
	pg_close(a);
	pg_close(c);
}

/* The collectors table: each beats, the list has who beat since; one that
 * left is gone from it; one silent a day is removed by another's beat. */
static void
test_collectors(void **state)
{
	struct pg	*a = open_as("alpha"), *b = open_as("beta");
	struct pg	*b2 = open_as("beta");
	char		*cause = NULL, *names = NULL, *v;

	(void)state;
	assert_int_equal(pg_heartbeat(a, T0, &cause), 0);
	assert_int_equal(pg_heartbeat(b, T0 + 1, &cause), 0);
	assert_int_equal(pg_heartbeat(b2, T0 + 2, &cause), 0);
	/* seen within 2 µs of T0 + 2, then within 1 µs */
	assert_int_equal(pg_collectors(a, 2, T0 + 2, add_name, &names,
	    &cause), 2);
	assert_string_equal(names, "alpha:1,beta:2");
	free(names);
	names = NULL;
	assert_int_equal(pg_collectors(a, 1, T0 + 2, add_name, &names,
	    &cause), 1);
	assert_string_equal(names, "beta:2");
	free(names);
	names = NULL;
	pg_leave(b2);
	assert_int_equal(pg_collectors(a, 2, T0 + 2, add_name, &names,
	    &cause), 2);
	assert_string_equal(names, "alpha:1,beta:1");
	free(names);
	/* a day and a minute on: alpha's beat removes beta's row */
	assert_int_equal(pg_heartbeat(a, T0 + DAY_US + 60000000, &cause), 0);
	v = sql1("SELECT string_agg(name, ',') FROM collectors");
	assert_string_equal(v, "alpha");
	free(v);
	/* on the server's clock (at 0): a beat of now is within a minute,
	 * and alpha's of a year ago is gone */
	names = NULL;
	assert_int_equal(pg_heartbeat(b2, 0, &cause), 0);
	assert_int_equal(pg_collectors(a, 60000000, 0, add_name, &names,
	    &cause), 1);
	assert_string_equal(names, "beta:1");
	free(names);
	pg_close(a);
	pg_close(b);
	pg_close(b2);
}

/* Commit b through pg until it succeeds, as a collector's writer would
 * (each failure answered 503); bounded. */
static int
commit_when_back(struct pg *pg, struct tt_batch *b, size_t *stored)
{
	char	*cause = NULL;
	int	 i;

	for (i = 0; i < 200; i++) {
		if (pg_commit(pg, b, stored, &cause) == 0)
			return 0;
		assert_non_null(strstr(cause, "PostgreSQL is down: "));
		free(cause);
		cause = NULL;
		(void)poll(NULL, 0, 50);
	}
	return -1;
}

/*
 * The server killed under an open connection: the batch fails whole and
 * nothing of it is there; commits fail at once while it is down, and the
 * same connection comes back by itself once it is up (LISTEN too).
 */
static void
test_server_gone(void **state)
{
	const char	*dir = getenv("TELTOP_TEST_PG_DIR");
	struct tt_batch	 b;
	struct pg	*pg = open_as("k"), *other;
	char		*cause = NULL, cmd[512];
	size_t		 stored;
	int		 fd;

	(void)state;
	assert_non_null(dir);
	assert_true(pg_listen(pg, &cause) >= 0);
	assert_null(pg_down(pg));
	tt_batch_init(&b);
	add(&b, TT_SRC_POSTHOG, T0, "a", NULL, "{\"uuid\":\"gone-1\"}");
	snprintf(cmd, sizeof cmd, "tests/pg/cluster.sh kill %s", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(pg_commit(pg, &b, &stored, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(b.ev[0].id, 0);
	assert_non_null(pg_down(pg));
	assert_int_equal(pg_socket(pg), -1);
	assert_int_equal(pg_notified(pg), -1);
	/* while it is down: at once, saying so */
	assert_int_equal(pg_commit(pg, &b, &stored, &cause), -1);
	assert_non_null(strstr(cause, "PostgreSQL is down: "));
	free(cause);
	cause = NULL;

	snprintf(cmd, sizeof cmd, "tests/pg/cluster.sh restart %s", dir);
	assert_int_equal(system(cmd), 0);
	other = open_as("o");
	assert_int_equal(pg_event_count(other), 0);	/* nothing half-done */
	assert_int_equal(commit_when_back(pg, &b, &stored), 0);
	assert_int_equal(stored, 1);
	assert_null(pg_down(pg));
	assert_true((fd = pg_socket(pg)) >= 0);
	/* the reconnected session listens again */
	assert_int_equal(pg_optout_change(other, "devtron", NULL, 1, T0, "cli",
	    &cause), 1);
	assert_int_equal(heard(pg, fd), 1);
	assert_int_equal(pg_event_count(other), 1);
	tt_batch_clear(&b);
	pg_close(other);
	pg_close(pg);
}

/* A day dropped by another collector's retention is made again by one
 * that had it in its cache. */
static void
test_day_dropped_elsewhere(void **state)
{
	struct tt_batch	 b;
	struct pg	*a = open_as("a"), *c = open_as("b");
	char		*cause = NULL;
	size_t		 stored;

	(void)state;
	tt_batch_init(&b);
	add(&b, TT_SRC_GENERIC, T0, "e", NULL, "{}");
	assert_int_equal(pg_commit(a, &b, &stored, &cause), 0);
	assert_int_equal(pg_drop_days_before(c, T0 + DAY_US, NULL, &cause), 1);
	b.ev[0].id = 0;
	if (pg_commit(a, &b, &stored, &cause) != 0)
		fail_msg("pg_commit: %s", cause);
	assert_int_equal(stored, 1);
	assert_int_equal(pg_event_count(c), 1);
	tt_batch_clear(&b);
	pg_close(a);
	pg_close(c);
}

struct seen {
	char	 names[64][16];
	int	 n, stop_at;
	int64_t	 last_id;
	int	 ordered;
	double	 dur[64];
};

static int
on_event(void *arg, const struct tt_event *ev)
{
	struct seen	*s = arg;

	if (ev->id <= s->last_id)
		s->ordered = 0;
	s->last_id = ev->id;
	if (s->n < 64) {
		snprintf(s->names[s->n], sizeof s->names[0], "%s", ev->name);
		s->dur[s->n] = ev->duration_ms;
	}
	s->n++;
	return s->stop_at > 0 && s->n == s->stop_at;
}

static struct seen *
events(struct pg *pg, const char *filter, int64_t limit, int stop_at)
{
	static struct seen	s;
	struct tt_filter	f;
	char			*cause = NULL;

	memset(&s, 0, sizeof s);
	s.ordered = 1;
	s.stop_at = stop_at;
	if (filter != NULL && tt_filter_parse(filter, &f, &cause) != 0)
		fail_msg("filter: %s", cause);
	if (pg_events(pg, filter != NULL ? &f : NULL, limit, on_event, &s,
	    &cause) != 0)
		fail_msg("pg_events: %s", cause);
	if (filter != NULL)
		tt_filter_free(&f);
	return &s;
}

/* Read back oldest first, filtered, the newest N, across pages. */
static void
test_events_read_back(void **state)
{
	struct tt_batch	 b;
	struct pg	*pg = open_as("r");
	struct seen	*s;
	char		*cause = NULL, name[16];
	size_t		 stored;
	int		 i;

	(void)state;
	tt_batch_init(&b);
	add(&b, TT_SRC_WERF, T0, "w1", NULL, "{}");
	b.ev[0].duration_ms = 12.5;
	b.ev[0].exit_code = 3;
	b.ev[0].command = xstrdup("werf converge");
	add(&b, TT_SRC_DEVPOD, T0 + 1, "d1", NULL, "{}");
	add(&b, TT_SRC_WERF, T0 + 2, "w2", NULL, "{}");
	for (i = 0; i < 2500; i++) {
		snprintf(name, sizeof name, "g%d", i);
		add(&b, TT_SRC_GENERIC, T0 + 3 + i, name, NULL, "{}");
	}
	assert_int_equal(pg_commit(pg, &b, &stored, &cause), 0);
	s = events(pg, NULL, 0, 0);
	assert_int_equal(s->n, 2503);
	assert_true(s->ordered);
	assert_string_equal(s->names[0], "w1");
	assert_true(s->dur[0] == 12.5);
	assert_true(s->dur[1] == (double)TT_NONE);
	s = events(pg, "source=werf exit_code=3 command~converge", 0, 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->names[0], "w1");
	s = events(pg, "source=werf|devpod", 2, 0);
	assert_int_equal(s->n, 2);
	assert_true(s->ordered);
	assert_string_equal(s->names[0], "d1");
	assert_string_equal(s->names[1], "w2");
	s = events(pg, "source=generic", 1500, 0);	/* across pages */
	assert_int_equal(s->n, 1500);
	assert_true(s->ordered);
	assert_string_equal(s->names[0], "g1000");
	s = events(pg, NULL, 0, 5);			/* the callback stops */
	assert_int_equal(s->n, 5);
	tt_batch_clear(&b);
	pg_close(pg);
}

/* Requests kept byte for byte (every byte value, NULs too), each event
 * naming its own, in one group commit with a part that has none. */
static void
test_payloads(void **state)
{
	struct store_payload	 p1, p2;
	struct pg_part		 parts[3];
	struct store_request	 rq;
	struct tt_batch		 b1, b2, b3;
	struct pg		*pg = open_as("p");
	unsigned char		 body[512], raw[3] = { 0x1f, 0x8b, 0x00 };
	char			*cause = NULL;
	size_t			 stored, i;
	int64_t			 pid1, pid2;

	(void)state;
	for (i = 0; i < sizeof body; i++)
		body[i] = (unsigned char)i;
	memset(&p1, 0, sizeof p1);
	p1.route = "/batch";
	p1.content_type = "application/json";
	p1.request = "{\"method\":\"POST\"}";
	p1.body = body;
	p1.len = sizeof body;
	p1.raw = raw;
	p1.raw_len = sizeof raw;
	memset(&p2, 0, sizeof p2);
	p2.route = "/v1/insert";
	p2.body = "";
	tt_batch_init(&b1);
	tt_batch_init(&b2);
	tt_batch_init(&b3);
	add(&b1, TT_SRC_POSTHOG, T0, "a", NULL, "{}");
	add(&b1, TT_SRC_POSTHOG, T0, "b", NULL, "{}");
	add(&b2, TT_SRC_DEVPOD, T0, "c", NULL, "{}");
	add(&b3, TT_SRC_GENERIC, T0, "d", NULL, "{}");
	parts[0].payload = &p1;
	parts[0].received_at = T0 + 7 * DAY_US;
	parts[0].b = &b1;
	parts[1].payload = NULL;
	parts[1].received_at = T0;
	parts[1].b = &b3;
	parts[2].payload = &p2;
	parts[2].received_at = T0;
	parts[2].b = &b2;
	if (pg_commit_parts(pg, parts, 3, &stored, &cause) != 0)
		fail_msg("pg_commit_parts: %s", cause);
	assert_int_equal(stored, 4);
	pid1 = pg_event_payload(pg, b1.ev[0].id);
	pid2 = pg_event_payload(pg, b2.ev[0].id);
	assert_true(pid1 > 0 && pid2 > pid1);
	assert_int_equal(pg_event_payload(pg, b1.ev[1].id), pid1);
	assert_int_equal(pg_event_payload(pg, b3.ev[0].id), 0);
	assert_int_equal(pg_payload_get(pg, pid1, &rq, &cause), 1);
	assert_int_equal(rq.received_at, T0 + 7 * DAY_US);
	assert_string_equal(rq.route, "/batch");
	assert_string_equal(rq.content_type, "application/json");
	assert_string_equal(rq.request, "{\"method\":\"POST\"}");
	assert_int_equal(rq.len, sizeof body);
	assert_memory_equal(rq.body, body, sizeof body);
	assert_int_equal(rq.raw_len, sizeof raw);
	assert_memory_equal(rq.raw, raw, sizeof raw);
	store_request_clear(&rq);
	assert_int_equal(pg_payload_get(pg, pid2, &rq, &cause), 1);
	assert_null(rq.content_type);
	assert_null(rq.raw);
	assert_int_equal(rq.len, 0);
	store_request_clear(&rq);
	assert_int_equal(pg_payload_get(pg, pid2 + 100, &rq, &cause), 0);
	/* retention drops the requests' days too */
	assert_int_equal(pg_drop_days_before(pg, T0 + DAY_US, NULL, &cause), 1);
	assert_int_equal(pg_payload_get(pg, pid2, &rq, &cause), 0);
	assert_int_equal(pg_payload_get(pg, pid1, &rq, &cause), 1);
	store_request_clear(&rq);
	tt_batch_clear(&b1);
	tt_batch_clear(&b2);
	tt_batch_clear(&b3);
	pg_close(pg);
}

/* End pg's session from outside, as a restart or an idle timeout would. */
static void
terminate(struct pg *pg)
{
	char	sql[96];

	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)",
	    pg_backend_pid(pg));
	free(sql1(sql));
}

/*
 * A session ended under an idle connection: the next commit, opt-out
 * change and read each come through (reconnecting first, nothing of
 * theirs having been sent), and pg_notified() says a change may have been
 * missed whichever call reconnected.
 */
static void
test_session_ended(void **state)
{
	struct tt_batch	 b;
	struct pg	*a = open_as("a");
	char		*cause = NULL;
	size_t		 stored;

	(void)state;
	assert_true(pg_listen(a, &cause) >= 0);
	tt_batch_init(&b);
	add(&b, TT_SRC_GENERIC, T0, "e", NULL, "{}");
	terminate(a);
	if (pg_commit(a, &b, &stored, &cause) != 0)
		fail_msg("commit after the session ended: %s", cause);
	assert_int_equal(stored, 1);
	terminate(a);
	if (pg_optout_change(a, "werf", NULL, 1, T0, "ui", &cause) != 1)
		fail_msg("opt-out after the session ended: %s", cause);
	terminate(a);
	assert_int_equal(pg_last_id(a), b.ev[0].id);	/* reconnects */
	assert_true(pg_notified(a) >= 1);
	assert_int_equal(pg_notified(a), 0);
	tt_batch_clear(&b);
	pg_close(a);
}

/* A request whose header is not UTF-8 is stored (made UTF-8) and does
 * not fail the requests committed with it. */
static void
test_not_utf8(void **state)
{
	struct store_payload	 bad, good;
	struct pg_part		 parts[2];
	struct store_request	 rq;
	struct tt_batch		 b1, b2;
	struct pg		*pg = open_as("u");
	char			*cause = NULL;
	size_t			 stored;

	(void)state;
	memset(&bad, 0, sizeof bad);
	bad.route = "/v1/events";
	bad.content_type = "application/json\xff\xfe";
	bad.body = "{}";
	bad.len = 2;
	good = bad;
	good.content_type = "application/json";
	tt_batch_init(&b1);
	tt_batch_init(&b2);
	add(&b1, TT_SRC_GENERIC, T0, "bad\xc3", NULL, "{}");
	add(&b2, TT_SRC_GENERIC, T0, "good", NULL, "{}");
	parts[0].payload = &bad;
	parts[0].received_at = T0;
	parts[0].b = &b1;
	parts[1].payload = &good;
	parts[1].received_at = T0;
	parts[1].b = &b2;
	if (pg_commit_parts(pg, parts, 2, &stored, &cause) != 0)
		fail_msg("pg_commit_parts: %s", cause);
	assert_int_equal(stored, 2);
	assert_int_equal(pg_payload_get(pg, pg_event_payload(pg,
	    b1.ev[0].id), &rq, &cause), 1);
	assert_string_equal(rq.content_type, "application/json\xef\xbf\xbd"
	    "\xef\xbf\xbd");
	store_request_clear(&rq);
	tt_batch_clear(&b1);
	tt_batch_clear(&b2);
	pg_close(pg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_migrate_once, setup),
		cmocka_unit_test_setup(test_commit_ids_partitions, setup),
		cmocka_unit_test_setup(test_retry_stored_once, setup),
		cmocka_unit_test_setup(test_copy_escaping, setup),
		cmocka_unit_test_setup(test_drop_days, setup),
		cmocka_unit_test_setup(test_events_read_back, setup),
		cmocka_unit_test_setup(test_payloads, setup),
		cmocka_unit_test_setup(test_counters_add_up, setup),
		cmocka_unit_test_setup(test_optout_notify, setup),
		cmocka_unit_test_setup(test_events_heard, setup),
		cmocka_unit_test_setup(test_collectors, setup),
		cmocka_unit_test_setup(test_replay_once, setup),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test_setup(test_reconnect_async, setup),
		cmocka_unit_test_setup(test_day_dropped_elsewhere, setup),
		cmocka_unit_test_setup(test_session_ended, setup),
		cmocka_unit_test_setup(test_not_utf8, setup),
		cmocka_unit_test_setup(test_server_gone, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
