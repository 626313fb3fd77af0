/*
 * teltop's local certificate authority, for capture: the collector, as a
 * tool's HTTPS proxy, ends TLS for the intercepted hosts with certificates
 * it mints from this CA, which the user (or `teltop capture`) trusts.
 *
 * What stays true:
 *  - The CA can only vouch for the intercepted hosts: its critical
 *    nameConstraints permit their DNS subtrees (those of the set it was
 *    made for, and of the CA it replaced: see ca_open) and exclude every
 *    IPv4 and IPv6 address, so its key, if it leaks, cannot be used for
 *    any other site, nor for an IP address.
 *  - Its private key lives in DIR/ca.key, mode 0600, owned by the user (a
 *    key file others could read or own is refused, not used); DIR/ca.pem
 *    (0644) is the certificate to trust.  ca.key also holds a copy of the
 *    certificate, so one rename publishes a matching pair: readers never
 *    see a key with another key's certificate.
 *  - Files are replaced whole: written to a temporary file, then renamed,
 *    under an flock(2) on DIR/lock so that processes creating or remaking
 *    the CA at once end with one CA they all use.
 *  - Certificates are EC P-256, signed with SHA-256; the CA lasts 10 years,
 *    a leaf at most 30 days and never beyond the CA.  Names carry no user
 *    or machine name.
 *
 * This file uses OpenSSL only, not libwebsockets, so unit tests link it
 * alone.  Everything here runs on the caller's thread; a struct ca is not
 * locked, so one thread uses it (the lws service thread, in the collector).
 */
#ifndef TT_CA_H
#define TT_CA_H

#include <stddef.h>
#include <time.h>

#include <openssl/ssl.h>

struct tt_intercept;

#define CA_KEY_FILE	"ca.key"
#define CA_CERT_FILE	"ca.pem"
#define CA_FINGERPRINT_LEN	(32 * 3)	/* "AB:CD:...", with its NUL */
#define CA_CACHE_MAX	64		/* server contexts kept, one a host */

struct ca;

/* What `teltop ca show` prints about the CA. */
struct ca_facts {
	char		  subject[256];		/* "CN=teltop local ..." */
	char		  serial[64];		/* hex */
	char		  not_before[32];	/* "2026-05-01 10:00:00 UTC" */
	char		  not_after[32];
	time_t		  not_before_t;
	time_t		  not_after_t;
	size_t		  npermitted;
	const char *const *permitted;		/* owned by the CA */
};

/*
 * $XDG_DATA_HOME/teltop/ca (a relative XDG_DATA_HOME is ignored), else
 * $HOME/.local/share/teltop/ca, else the same under the password file's
 * home.  NULL if there is no home at all.  Caller frees.
 */
char		*ca_default_dir(void);

/*
 * Load the CA in dir, creating dir (0700, with its parents) and the CA on
 * first use, for the hosts of set.  If the CA's name constraints do not
 * cover every host of set (or it expires within 30 days), a new CA is made
 * and replaces it (*remade is set to 1 then, 0 otherwise, if remade is
 * not NULL): it permits the hosts of set and those the old CA permitted,
 * up to TT_INTERCEPT_MAX, so that processes with other sets agree on one
 * CA.  Only ca_rotate (or removing dir) narrows it to exactly a set.  Also
 * makes this process's leaf key.  NULL with *cause (caller frees).  Free
 * the result with ca_free.
 */
struct ca	*ca_open(const char *dir, const struct tt_intercept *set,
		     int *remade, char **cause);
/* Free the CA, its cache and every context it handed out (NULL is fine). */
void		 ca_free(struct ca *);

/*
 * 1 if the CA's name constraints permit host (any case): host is one of
 * the permitted names or below one.  0 otherwise.
 */
int		 ca_covers(const struct ca *, const char *host);

/*
 * An SSL_CTX for a TLS server (TLS 1.2 and up) whose certificate for host
 * is minted from the CA, the chain it sends being that certificate and
 * the CA's.  Its ALPN callback selects "http/1.1" when the client offers
 * it and acknowledges nothing otherwise (the handshake goes on without
 * ALPN), so clients never try h2.  Contexts are cached by host, up to
 * CA_CACHE_MAX; the least recently used is dropped first, and one whose
 * certificate has less than a day left is made again.
 *
 * The CA owns the context: it stays valid until the next ca_server_ctx,
 * ca_check_reload or ca_free.  An SSL made from it with SSL_new holds its
 * own reference, so connections outlive eviction; take SSL_CTX_up_ref to
 * keep the context itself longer.  NULL with *cause (caller frees) when
 * host is not a host name the CA covers.
 */
SSL_CTX		*ca_server_ctx(struct ca *, const char *host, char **cause);

/* The CA certificate in PEM, NUL-terminated.  Owned by the CA. */
const char	*ca_pem(const struct ca *);
/* The SHA-256 fingerprint of the CA certificate, "AB:CD:...", into buf. */
void		 ca_fingerprint(const struct ca *, char *buf, size_t len);
/* The directory and the certificate and key files.  Owned by the CA. */
const char	*ca_dir(const struct ca *);
const char	*ca_cert_path(const struct ca *);
const char	*ca_key_path(const struct ca *);
/* Fill *facts; its permitted list is the CA's, valid until a reload. */
void		 ca_facts(const struct ca *, struct ca_facts *facts);

/*
 * Whether another process replaced the CA (ca.key's inode, size, mtime or
 * ctime changed: one stat(2), cheap enough for every CONNECT).  If so,
 * load the new one and drop the cache.  1 reloaded, 0 unchanged, -1 with
 * *cause (caller frees): the CA in use stays as it was.  The new CA may
 * cover other hosts than the old one: ca_server_ctx says so.
 */
int		 ca_check_reload(struct ca *, char **cause);

/*
 * Make a new CA in dir for exactly the hosts of set and replace the old
 * one (if any), whatever it permitted: the temporary files are renamed
 * over ca.key, then ca.pem.  Processes that have the CA open pick it up at
 * their next ca_check_reload.  0, or -1 with *cause (caller frees).
 */
int		 ca_rotate(const char *dir, const struct tt_intercept *set,
		     char **cause);

#endif
