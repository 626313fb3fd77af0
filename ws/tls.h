/*
 * TLS over bytes: an OpenSSL session whose ciphertext goes through memory
 * buffers, so the connection that carries it (an lws raw socket in
 * http.c and proxy.c) keeps its own reads, writes and flow control.  The
 * same engine serves the intercepted side of a CONNECT (tls_server) and
 * talks to the real vendor when forwarding (tls_client).
 *
 * What stays true: ciphertext received waits in the session until
 * tls_read() takes plaintext from it, bounded by the caller (tls_buffered);
 * everything the session wants sent (handshake, records, alerts) is
 * returned by tls_take() and nowhere else.  No lws here.
 */
#ifndef TT_TLS_H
#define TT_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/ssl.h>

struct tls;

/* A server session with ctx's certificate (the ctx is not taken). */
struct tls	*tls_server(SSL_CTX *ctx);
/*
 * A client session to host: SNI, and the peer's certificate verified
 * against ctx's trust store and host.
 */
struct tls	*tls_client(SSL_CTX *ctx, const char *host);
void		 tls_free(struct tls *);

/* Ciphertext received from the peer. */
void		 tls_feed(struct tls *, const void *, size_t);
/* Ciphertext received and not yet decrypted. */
size_t		 tls_buffered(const struct tls *);
/*
 * Plaintext: > 0 bytes, 0 when more ciphertext is needed, TLS_EOF when the
 * peer closed the session, TLS_FAILED (*why says how: static or the
 * library's text, valid until the next call).
 */
#define TLS_EOF		(-1)
#define TLS_FAILED	(-2)
ssize_t		 tls_read(struct tls *, void *, size_t, const char **why);
/* Encrypt plaintext for the peer (taken whole). */
int		 tls_write(struct tls *, const void *, size_t, const char **why);
/* Send close_notify. */
void		 tls_close(struct tls *);
/* Ciphertext to send: up to len bytes into buf; 0 when none. */
size_t		 tls_take(struct tls *, void *buf, size_t len);
size_t		 tls_pending(const struct tls *);
int		 tls_handshake_done(const struct tls *);
/* A client context trusting OpenSSL's default paths (SSL_CERT_FILE). */
SSL_CTX		*tls_client_ctx(char **cause);

#endif
