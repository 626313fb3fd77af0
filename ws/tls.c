/*
 * TLS sessions over memory buffers (see tls.h).  Each session has two
 * memory BIOs: rbio holds ciphertext received, wbio what OpenSSL wants
 * sent.  Reading drives the handshake, so the caller never asks about it.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "core/xmalloc.h"
#include "tls.h"

struct tls {
	SSL	*ssl;
	BIO	*rbio;		/* ciphertext in */
	BIO	*wbio;		/* ciphertext out */
	char	 why[256];
};

static struct tls *
tls_new(SSL_CTX *ctx)
{
	struct tls	*t = xcalloc(1, sizeof *t);

	if ((t->ssl = SSL_new(ctx)) == NULL)
		fatal("SSL_new failed");
	t->rbio = BIO_new(BIO_s_mem());
	t->wbio = BIO_new(BIO_s_mem());
	if (t->rbio == NULL || t->wbio == NULL)
		fatal("BIO_new failed");
	/* an empty rbio means "want read", not end of file */
	BIO_set_mem_eof_return(t->rbio, -1);
	SSL_set_bio(t->ssl, t->rbio, t->wbio);
	return t;
}

struct tls *
tls_server(SSL_CTX *ctx)
{
	struct tls	*t = tls_new(ctx);

	SSL_set_accept_state(t->ssl);
	return t;
}

struct tls *
tls_client(SSL_CTX *ctx, const char *host)
{
	struct tls	*t = tls_new(ctx);
	char		 name[256];

	/* the macro casts away const: hand it a copy */
	snprintf(name, sizeof name, "%s", host);
	SSL_set_connect_state(t->ssl);
	SSL_set_tlsext_host_name(t->ssl, name);
	SSL_set_hostflags(t->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (SSL_set1_host(t->ssl, host) != 1)
		fatal("SSL_set1_host failed");
	SSL_set_verify(t->ssl, SSL_VERIFY_PEER, NULL);
	(void)SSL_do_handshake(t->ssl);		/* the ClientHello */
	return t;
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl);	/* frees both BIOs */
	free(t);
}

void
tls_feed(struct tls *t, const void *p, size_t n)
{
	if (n > 0 && BIO_write(t->rbio, p, (int)n) != (int)n)
		fatal("BIO_write failed");
}

size_t
tls_buffered(const struct tls *t)
{
	return BIO_ctrl_pending(t->rbio);
}

/* Why the session failed, from OpenSSL's error queue and the verify result. */
static const char *
failure(struct tls *t, int err)
{
	unsigned long	e = ERR_get_error();
	long		v = SSL_get_verify_result(t->ssl);

	if (v != X509_V_OK && !SSL_is_server(t->ssl))
		snprintf(t->why, sizeof t->why, "certificate not accepted: %s",
		    X509_verify_cert_error_string(v));
	else if (e != 0)
		ERR_error_string_n(e, t->why, sizeof t->why);
	else if (err == SSL_ERROR_SYSCALL)
		snprintf(t->why, sizeof t->why, "unexpected end of the TLS "
		    "stream");
	else
		snprintf(t->why, sizeof t->why, "TLS error %d", err);
	ERR_clear_error();
	return t->why;
}

ssize_t
tls_read(struct tls *t, void *buf, size_t len, const char **why)
{
	int	n, err;

	ERR_clear_error();
	n = SSL_read(t->ssl, buf, (int)(len > 1 << 30 ? 1 << 30 : len));
	if (n > 0)
		return n;
	switch ((err = SSL_get_error(t->ssl, n))) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_EOF;
	default:
		*why = failure(t, err);
		return TLS_FAILED;
	}
}

int
tls_write(struct tls *t, const void *p, size_t n, const char **why)
{
	size_t	done = 0;
	int	w, err;

	while (done < n) {
		ERR_clear_error();
		w = SSL_write(t->ssl, (const char *)p + done, (int)(n - done >
		    16384 ? 16384 : n - done));
		if (w <= 0) {
			err = SSL_get_error(t->ssl, w);
			*why = failure(t, err);
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

void
tls_close(struct tls *t)
{
	ERR_clear_error();
	(void)SSL_shutdown(t->ssl);
	ERR_clear_error();
}

size_t
tls_take(struct tls *t, void *buf, size_t len)
{
	int	n;

	if (BIO_ctrl_pending(t->wbio) == 0)
		return 0;
	n = BIO_read(t->wbio, buf, (int)(len > 1 << 30 ? 1 << 30 : len));
	return n > 0 ? (size_t)n : 0;
}

size_t
tls_pending(const struct tls *t)
{
	return BIO_ctrl_pending(t->wbio);
}

int
tls_handshake_done(const struct tls *t)
{
	return SSL_is_init_finished(t->ssl);
}

SSL_CTX *
tls_client_ctx(char **cause)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		*cause = xstrdup("cannot make a TLS client context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		SSL_CTX_free(ctx);
		*cause = xstrdup("cannot load the system's trusted "
		    "certificates");
		return NULL;
	}
	/* the forward speaks HTTP/1.1 */
	SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)"\x08http/1.1",
	    9);
	return ctx;
}
