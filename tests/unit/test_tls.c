/*
 * Unit tests of ws/tls.c: TLS sessions over memory buffers, a server with
 * a certificate minted by the capture CA and a client that verifies it,
 * shuttling the bytes by hand as http.c and proxy.c do over sockets.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>
#include <openssl/pem.h>

#include "core/hosts.h"
#include "ws/ca.h"
#include "ws/tls.h"
#include "tt_test.h"

struct pair {
	char		 dir[64];
	struct ca	*ca;
	SSL_CTX		*trust;		/* client: trusts the CA only */
	struct tls	*srv, *cli;
};

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	(void)remove(path);
	return 0;
}

/* A client context trusting only pem. */
static SSL_CTX *
trusting(const char *pem)
{
	SSL_CTX	*ctx = SSL_CTX_new(TLS_client_method());
	BIO	*b = BIO_new_mem_buf(pem, -1);
	X509	*x = PEM_read_bio_X509(b, NULL, NULL, NULL);

	assert_non_null(x);
	assert_int_equal(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), x),
	    1);
	X509_free(x);
	BIO_free(b);
	return ctx;
}

static int
setup(void **state)
{
	struct pair		*p = calloc(1, sizeof *p);
	struct tt_intercept	 set;
	char			*cause = NULL;

	snprintf(p->dir, sizeof p->dir, "/tmp/teltop-tls-XXXXXX");
	if (mkdtemp(p->dir) == NULL)
		return -1;
	tt_intercept_init(&set);
	if ((p->ca = ca_open(p->dir, &set, NULL, &cause)) == NULL) {
		print_error("ca_open: %s\n", cause);
		free(cause);
		return -1;
	}
	p->trust = trusting(ca_pem(p->ca));
	*state = p;
	return 0;
}

static int
teardown(void **state)
{
	struct pair	*p = *state;

	tls_free(p->srv);
	tls_free(p->cli);
	SSL_CTX_free(p->trust);
	ca_free(p->ca);
	(void)nftw(p->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	free(p);
	return 0;
}

/* Move what a wants sent into b.  The bytes moved. */
static size_t
move(struct tls *a, struct tls *b)
{
	uint8_t	buf[4096];
	size_t	n, total = 0;

	while ((n = tls_take(a, buf, sizeof buf)) > 0) {
		tls_feed(b, buf, n);
		total += n;
	}
	return total;
}

/* Shuttle bytes both ways until neither side has any, reading plaintext
 * into the two buffers.  The last tls_read results in *rs, *rc. */
static void
shuttle(struct pair *p, char *sbuf, size_t *slen, char *cbuf, size_t *clen,
    ssize_t *rs, ssize_t *rc)
{
	const char	*why = NULL;
	ssize_t		 n;
	int		 rounds;

	for (rounds = 0; rounds < 50; rounds++) {
		size_t moved = move(p->cli, p->srv);
		while ((n = tls_read(p->srv, sbuf + *slen, 4096 - *slen,
		    &why)) > 0)
			*slen += (size_t)n;
		*rs = n;
		moved += move(p->srv, p->cli);
		while ((n = tls_read(p->cli, cbuf + *clen, 4096 - *clen,
		    &why)) > 0)
			*clen += (size_t)n;
		*rc = n;
		if (moved == 0)
			return;
	}
	fail_msg("the sessions never settled");
}

static void
test_roundtrip(void **state)
{
	struct pair	*p = *state;
	SSL_CTX		*sctx;
	char		 sbuf[4096], cbuf[4096], *cause = NULL;
	size_t		 slen = 0, clen = 0;
	ssize_t		 rs, rc;
	const char	*why = NULL;

	sctx = ca_server_ctx(p->ca, "analytics.loft.rocks", &cause);
	assert_non_null(sctx);
	p->srv = tls_server(sctx);
	p->cli = tls_client(p->trust, "analytics.loft.rocks");
	assert_true(tls_pending(p->cli) > 0);	/* the ClientHello */
	shuttle(p, sbuf, &slen, cbuf, &clen, &rs, &rc);
	assert_true(tls_handshake_done(p->srv));
	assert_true(tls_handshake_done(p->cli));

	assert_int_equal(tls_write(p->cli, "POST /v1/insert", 15, &why), 0);
	assert_int_equal(tls_write(p->srv, "HTTP/1.1 200 OK", 15, &why), 0);
	shuttle(p, sbuf, &slen, cbuf, &clen, &rs, &rc);
	assert_int_equal(slen, 15);
	assert_memory_equal(sbuf, "POST /v1/insert", 15);
	assert_int_equal(clen, 15);
	assert_memory_equal(cbuf, "HTTP/1.1 200 OK", 15);
	assert_int_equal(tls_buffered(p->srv), 0);

	/* close_notify reads as the end of the session */
	tls_close(p->cli);
	shuttle(p, sbuf, &slen, cbuf, &clen, &rs, &rc);
	assert_int_equal(rs, TLS_EOF);
}

/* A client that checks another name refuses the certificate. */
static void
test_wrong_host(void **state)
{
	struct pair	*p = *state;
	SSL_CTX		*sctx;
	char		 sbuf[4096], cbuf[4096], *cause = NULL;
	size_t		 slen = 0, clen = 0;
	ssize_t		 rs, rc;

	sctx = ca_server_ctx(p->ca, "us.i.posthog.com", &cause);
	assert_non_null(sctx);
	p->srv = tls_server(sctx);
	p->cli = tls_client(p->trust, "eu.i.posthog.com");
	shuttle(p, sbuf, &slen, cbuf, &clen, &rs, &rc);
	assert_int_equal(rc, TLS_FAILED);
	assert_false(tls_handshake_done(p->cli));
}

/* A client trusting only the system CAs does not trust teltop's. */
static void
test_untrusted(void **state)
{
	struct pair	*p = *state;
	SSL_CTX		*sctx, *sys;
	char		 sbuf[4096], cbuf[4096], *cause = NULL;
	size_t		 slen = 0, clen = 0;
	ssize_t		 rs, rc;

	sctx = ca_server_ctx(p->ca, "analytics.loft.rocks", &cause);
	assert_non_null(sctx);
	sys = SSL_CTX_new(TLS_client_method());
	p->srv = tls_server(sctx);
	p->cli = tls_client(sys, "analytics.loft.rocks");
	shuttle(p, sbuf, &slen, cbuf, &clen, &rs, &rc);
	assert_int_equal(rc, TLS_FAILED);
	assert_false(tls_handshake_done(p->cli));
	SSL_CTX_free(sys);
}

/* Garbage instead of a ClientHello fails the server side cleanly. */
static void
test_garbage(void **state)
{
	struct pair	*p = *state;
	SSL_CTX		*sctx;
	char		 buf[256], *cause = NULL;
	const char	*why = NULL;

	sctx = ca_server_ctx(p->ca, "analytics.loft.rocks", &cause);
	assert_non_null(sctx);
	p->srv = tls_server(sctx);
	tls_feed(p->srv, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
	assert_int_equal(tls_read(p->srv, buf, sizeof buf, &why), TLS_FAILED);
	assert_non_null(why);
	/* nothing read, nothing more to say but an alert */
	assert_int_equal(tls_read(p->srv, buf, sizeof buf, &why), TLS_FAILED);
}

/* Half a record waits for the rest. */
static void
test_partial(void **state)
{
	struct pair	*p = *state;
	SSL_CTX		*sctx;
	uint8_t		 hello[4096];
	char		 buf[256], *cause = NULL;
	const char	*why = NULL;
	size_t		 n;

	sctx = ca_server_ctx(p->ca, "analytics.loft.rocks", &cause);
	assert_non_null(sctx);
	p->srv = tls_server(sctx);
	p->cli = tls_client(p->trust, "analytics.loft.rocks");
	n = tls_take(p->cli, hello, sizeof hello);
	assert_true(n > 10);
	tls_feed(p->srv, hello, 5);
	assert_int_equal(tls_read(p->srv, buf, sizeof buf, &why), 0);
	assert_int_equal(tls_pending(p->srv), 0);
	tls_feed(p->srv, hello + 5, n - 5);
	assert_int_equal(tls_read(p->srv, buf, sizeof buf, &why), 0);
	assert_true(tls_pending(p->srv) > 0);	/* the ServerHello */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_host, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_untrusted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
