/*
 * teltop's local CA (see ca.h for what stays true): making it, keeping it
 * on disk, and minting a server certificate per intercepted host.
 *
 * On disk, in DIR: ca.key (0600) holds the CA's private key then its
 * certificate, both PEM; ca.pem (0644) is a copy of that certificate for
 * the user to trust; lock is the flock(2) that makes creating, remaking
 * and rotating one process at a time.  ca.key is the truth: a ca.pem that
 * differs from it (a crash between the two renames) is rewritten, under
 * the lock, by the next ca_open.  Loading takes no lock, as every file is
 * replaced by rename(2) and so is always whole.
 *
 * In memory: the loaded pair (key, certificate, its PEM, the hosts its name
 * constraints permit), one leaf key for the life of the struct, and a small
 * cache of server contexts by host.  A CA whose name constraints are not
 * exactly of the kind made here (critical; DNS names permitted; every IPv4
 * and IPv6 address excluded; nothing else) is treated as permitting no
 * host, so ca_open replaces it rather than trust something looser.
 *
 * Host names are checked here with a few lines of our own rather than
 * core/hosts.c's tt_host_valid, so that this file needs only the struct.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/hosts.h"
#include "core/xmalloc.h"
#include "ca.h"

#define CA_LOCK_FILE	"lock"
#define DAY		86400
#define CA_FILE_MAX	(64 * 1024)	/* bytes of ca.key or ca.pem */
#define CA_DAYS		3650		/* the CA's life */
#define CA_RENEW_DAYS	30		/* a CA closer to its end is remade */
#define LEAF_DAYS	30
#define LEAF_BACKDATE	3600		/* seconds: clocks that run late */
#define LEAF_RENEW	DAY		/* a leaf this close to its end */

/* A CA as loaded from ca.key. */
struct ca_pair {
	EVP_PKEY	 *key;
	X509		 *cert;
	char		 *pem;		/* cert as PEM */
	char		**permitted;	/* lower case, npermitted of them */
	size_t		  npermitted;
	time_t		  not_before;
	time_t		  not_after;
	struct stat	  st;		/* of ca.key when it was read */
};

/* One cached server context. */
struct ca_leaf {
	char		 host[TT_HOST_MAX + 1];
	SSL_CTX		*ctx;		/* owned */
	time_t		 renew;		/* mint again from then on */
	uint64_t	 used;		/* ca->tick when last handed out */
};

struct ca {
	char		*dir;
	char		*key_path;
	char		*cert_path;
	char		*lock_path;
	struct ca_pair	 pair;
	EVP_PKEY	*leaf_key;	/* every leaf's, made by ca_open */
	struct ca_leaf	 cache[CA_CACHE_MAX];
	size_t		 ncache;
	uint64_t	 tick;
};

/* The first OpenSSL error as "what: reason", clearing the queue. */
static char *
ssl_cause(const char *what)
{
	unsigned long	e;
	char		buf[256];

	e = ERR_get_error();
	ERR_clear_error();
	if (e == 0)
		return xasprintf("%s failed", what);
	ERR_error_string_n(e, buf, sizeof buf);
	return xasprintf("%s: %s", what, buf);
}

/* Lower-case hex of len random bytes into out (2 * len + 1 bytes). */
static int
random_hex(size_t len, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	unsigned char		raw[16];
	size_t			i;

	if (len > sizeof raw || RAND_bytes(raw, (int)len) != 1)
		return -1;
	for (i = 0; i < len; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 0xf];
	}
	out[2 * len] = '\0';
	return 0;
}

/*
 * Copy host, lower-cased, into out if it is a DNS name a certificate may
 * carry: labels of letters, digits and '-', 1-63 bytes, at least two,
 * the last not all digits (that would be an IPv4 address), TT_HOST_MAX
 * bytes in all.  0, or -1 if it is not.
 */
static int
host_norm(const char *host, char *out)
{
	size_t	i, label = 0, labels = 1;
	int	digits = 1;

	for (i = 0; host[i] != '\0'; i++) {
		if (i >= TT_HOST_MAX)
			return -1;
		if (host[i] == '.') {
			if (label == 0)
				return -1;
			label = 0;
			labels++;
			digits = 1;
		} else if (isalnum((unsigned char)host[i]) || host[i] == '-') {
			if (++label > 63)
				return -1;
			if (!isdigit((unsigned char)host[i]))
				digits = 0;
		} else
			return -1;
		out[i] = (char)tolower((unsigned char)host[i]);
	}
	out[i] = '\0';
	if (label == 0 || labels < 2 || digits)
		return -1;
	return 0;
}

/* Whether a host is a permitted name or below one (RFC 5280 4.2.1.10). */
static int
name_permits(const char *name, const char *host)
{
	size_t	nl = strlen(name), hl = strlen(host);

	if (hl < nl)
		return 0;
	if (hl == nl)
		return strcasecmp(host, name) == 0;
	return host[hl - nl - 1] == '.' && strcasecmp(host + hl - nl,
	    name) == 0;
}

/* Whether the pair's name constraints permit host. */
static int
pair_covers(const struct ca_pair *p, const char *host)
{
	size_t	i;

	for (i = 0; i < p->npermitted; i++)
		if (name_permits(p->permitted[i], host))
			return 1;
	return 0;
}

/* Whether the pair permits every host of set and has time left. */
static int
pair_fits(const struct ca_pair *p, const struct tt_intercept *set)
{
	size_t	i;

	if (p->not_after - time(NULL) < (time_t)CA_RENEW_DAYS * DAY)
		return 0;
	for (i = 0; i < set->n; i++)
		if (!pair_covers(p, set->host[i].name))
			return 0;
	return 1;
}

/* Free what a pair holds and empty it. */
static void
pair_clear(struct ca_pair *p)
{
	size_t	i;

	EVP_PKEY_free(p->key);
	X509_free(p->cert);
	free(p->pem);
	for (i = 0; i < p->npermitted; i++)
		free(p->permitted[i]);
	free(p->permitted);
	memset(p, 0, sizeof *p);
}

/* Check a set of hosts a CA is to be made for. */
static int
set_check(const struct tt_intercept *set, char **cause)
{
	char	buf[TT_HOST_MAX + 1];
	size_t	i;

	if (set == NULL || set->n == 0) {
		*cause = xstrdup("no hosts to intercept: a CA for none would "
		    "be of no use");
		return -1;
	}
	if (set->n > TT_INTERCEPT_MAX) {
		*cause = xasprintf("%zu hosts to intercept, more than %d",
		    set->n, TT_INTERCEPT_MAX);
		return -1;
	}
	for (i = 0; i < set->n; i++) {
		if (memchr(set->host[i].name, '\0',
		    sizeof set->host[i].name) == NULL ||
		    host_norm(set->host[i].name, buf) != 0) {
			*cause = xasprintf("cannot make a CA for '%.*s': not "
			    "a host name", TT_HOST_MAX, set->host[i].name);
			return -1;
		}
	}
	return 0;
}

/* An ASN1_TIME as time_t; -1 if it cannot be read. */
static time_t
asn1_time_t(const ASN1_TIME *t)
{
	struct tm	tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return (time_t)-1;
	return timegm(&tm);
}

/* Whether an IP subtree is 0.0.0.0/0 (8 zero bytes) or ::/0 (32). */
static int
ip_all(const GENERAL_NAME *gn, int len)
{
	const unsigned char	*d;
	int			 i;

	if (gn->type != GEN_IPADD ||
	    ASN1_STRING_length(gn->d.iPAddress) != len)
		return 0;
	d = ASN1_STRING_get0_data(gn->d.iPAddress);
	for (i = 0; i < len; i++)
		if (d[i] != 0)
			return 0;
	return 1;
}

/*
 * The DNS names the certificate's name constraints permit, into the pair;
 * none unless the constraints are exactly of the kind ca_make writes.
 */
static void
pair_permitted(struct ca_pair *p)
{
	NAME_CONSTRAINTS	*nc;
	GENERAL_SUBTREE		*sub;
	const unsigned char	*d;
	char			**names;
	int			 crit, i, n, len, v4 = 0, v6 = 0;

	nc = X509_get_ext_d2i(p->cert, NID_name_constraints, &crit, NULL);
	if (nc == NULL)
		return;
	if (crit != 1 || nc->permittedSubtrees == NULL ||
	    nc->excludedSubtrees == NULL)
		goto out;
	for (i = 0; i < sk_GENERAL_SUBTREE_num(nc->excludedSubtrees); i++) {
		sub = sk_GENERAL_SUBTREE_value(nc->excludedSubtrees, i);
		if (sub->minimum != NULL || sub->maximum != NULL)
			goto out;
		if (ip_all(sub->base, 8))
			v4 = 1;
		else if (ip_all(sub->base, 32))
			v6 = 1;
		else
			goto out;
	}
	if (!v4 || !v6)
		goto out;
	n = sk_GENERAL_SUBTREE_num(nc->permittedSubtrees);
	if (n <= 0)
		goto out;
	names = xcalloc((size_t)n, sizeof *names);
	for (i = 0; i < n; i++) {
		sub = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
		if (sub->minimum != NULL || sub->maximum != NULL ||
		    sub->base->type != GEN_DNS)
			break;
		len = ASN1_STRING_length(sub->base->d.dNSName);
		d = ASN1_STRING_get0_data(sub->base->d.dNSName);
		if (len <= 0 || len > TT_HOST_MAX ||
		    memchr(d, '\0', (size_t)len) != NULL)
			break;
		names[i] = xmalloc((size_t)len + 1);
		memcpy(names[i], d, (size_t)len);
		names[i][len] = '\0';
		if (host_norm(names[i], names[i]) != 0) {
			free(names[i]);
			break;
		}
	}
	if (i == n) {
		p->permitted = names;
		p->npermitted = (size_t)n;
	} else {
		while (i-- > 0)
			free(names[i]);
		free(names);
	}
out:
	NAME_CONSTRAINTS_free(nc);
}

/* Read a whole file of at most CA_FILE_MAX bytes from fd.  Caller frees. */
static char *
read_all(int fd, size_t *lenp)
{
	char	*buf;
	size_t	 len = 0;
	ssize_t	 n;

	buf = xmalloc(CA_FILE_MAX + 1);
	for (;;) {
		n = read(fd, buf + len, CA_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n > 0 && len + (size_t)n > CA_FILE_MAX)) {
			if (n > 0)
				errno = EFBIG;
			OPENSSL_cleanse(buf, len);
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* The PEM of a certificate.  Caller frees. */
static char *
cert_pem(X509 *cert)
{
	BIO	*bio;
	char	*data, *s;
	long	 len;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(bio, cert) != 1)
		fatal("cert_pem: out of memory");
	len = BIO_get_mem_data(bio, &data);
	s = xstrndup(data, (size_t)len);
	BIO_free(bio);
	return s;
}

/*
 * Load the pair in the key file at path: 0, 1 if there is no such file,
 * -1 with *cause.  Refuses a file others own or may read, like the token.
 */
static int
pair_load(const char *path, struct ca_pair *p, char **cause)
{
	struct stat	 st;
	BIO		*bio = NULL;
	char		*buf = NULL;
	size_t		 len = 0;
	int		 fd;

	memset(p, 0, sizeof *p);
	fd = open(path, O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		if (errno == ELOOP)
			*cause = xasprintf("%s is a symbolic link: remove it, "
			    "or `teltop ca rotate` for a new CA", path);
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto error;
	}
	if (!S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s is not a regular file: remove it, or "
		    "`teltop ca rotate` for a new CA", path);
		goto error;
	}
	if (st.st_uid != geteuid()) {
		*cause = xasprintf("%s belongs to uid %u, not to you (uid %u): "
		    "remove it, or `teltop ca rotate` for a new CA", path,
		    (unsigned)st.st_uid, (unsigned)geteuid());
		goto error;
	}
	if ((st.st_mode & 077) != 0) {
		*cause = xasprintf("%s is open to group or others (mode %04o): "
		    "its key may have leaked, so `teltop ca rotate` for a new "
		    "CA (or chmod 600 %s if it has not)", path,
		    (unsigned)(st.st_mode & 07777), path);
		goto error;
	}
	if ((buf = read_all(fd, &len)) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto error;
	}
	close(fd);
	fd = -1;

	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		fatal("pair_load: BIO_new_mem_buf");
	p->key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (p->key != NULL)
		p->cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (p->key == NULL || p->cert == NULL ||
	    X509_check_private_key(p->cert, p->key) != 1) {
		ERR_clear_error();
		*cause = xasprintf("%s does not hold a teltop CA (a key and "
		    "its certificate): `teltop ca rotate` for a new one", path);
		goto error;
	}
	p->not_before = asn1_time_t(X509_get0_notBefore(p->cert));
	p->not_after = asn1_time_t(X509_get0_notAfter(p->cert));
	if (p->not_before == (time_t)-1 || p->not_after == (time_t)-1) {
		*cause = xasprintf("%s: the certificate's validity cannot be "
		    "read", path);
		goto error;
	}
	p->pem = cert_pem(p->cert);
	pair_permitted(p);
	p->st = st;
	BIO_free(bio);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return 0;
error:
	if (fd >= 0)
		close(fd);
	BIO_free(bio);
	if (buf != NULL) {
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	pair_clear(p);
	return -1;
}

/* Add an extension written as in openssl.cnf; x is the subject. */
static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* A GENERAL_NAME of type DNS for name. */
static GENERAL_NAME *
dns_name(const char *name)
{
	GENERAL_NAME	*gn;
	ASN1_IA5STRING	*s;

	if ((gn = GENERAL_NAME_new()) == NULL ||
	    (s = ASN1_IA5STRING_new()) == NULL ||
	    ASN1_STRING_set(s, name, (int)strlen(name)) != 1)
		fatal("dns_name: out of memory");
	GENERAL_NAME_set0_value(gn, GEN_DNS, s);
	return gn;
}

/* Append a subtree with base gn (taken) to a stack of subtrees. */
static void
subtree_push(STACK_OF(GENERAL_SUBTREE) *sk, GENERAL_NAME *gn)
{
	GENERAL_SUBTREE	*sub;

	if ((sub = GENERAL_SUBTREE_new()) == NULL)
		fatal("subtree_push: out of memory");
	GENERAL_NAME_free(sub->base);
	sub->base = gn;
	if (sk_GENERAL_SUBTREE_push(sk, sub) <= 0)
		fatal("subtree_push: out of memory");
}

/* An excluded subtree of every address of len bytes (8: v4, 32: v6). */
static GENERAL_NAME *
ip_all_name(int len)
{
	static const unsigned char	 zero[32];
	GENERAL_NAME			*gn;
	ASN1_OCTET_STRING		*os;

	if ((gn = GENERAL_NAME_new()) == NULL ||
	    (os = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(os, zero, len) != 1)
		fatal("ip_all_name: out of memory");
	GENERAL_NAME_set0_value(gn, GEN_IPADD, os);
	return gn;
}

/* Critical nameConstraints: the hosts of set, and no IP address. */
static int
add_name_constraints(X509 *x, const struct tt_intercept *set)
{
	NAME_CONSTRAINTS	*nc;
	char			 name[TT_HOST_MAX + 1];
	size_t			 i;
	int			 ok;

	if ((nc = NAME_CONSTRAINTS_new()) == NULL ||
	    (nc->permittedSubtrees = sk_GENERAL_SUBTREE_new_null()) == NULL ||
	    (nc->excludedSubtrees = sk_GENERAL_SUBTREE_new_null()) == NULL)
		fatal("add_name_constraints: out of memory");
	for (i = 0; i < set->n; i++) {
		(void)host_norm(set->host[i].name, name); /* set_check did */
		subtree_push(nc->permittedSubtrees, dns_name(name));
	}
	subtree_push(nc->excludedSubtrees, ip_all_name(8));
	subtree_push(nc->excludedSubtrees, ip_all_name(32));
	ok = X509_add1_ext_i2d(x, NID_name_constraints, nc, 1,
	    X509V3_ADD_DEFAULT);
	NAME_CONSTRAINTS_free(nc);
	return ok == 1 ? 0 : -1;
}

/* A random positive 128-bit serial number for x. */
static int
set_serial(X509 *x)
{
	BIGNUM		*bn;
	ASN1_INTEGER	*ai;
	int		 ok = -1;

	if ((bn = BN_new()) == NULL)
		return -1;
	if (BN_rand(bn, 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
	    (ai = BN_to_ASN1_INTEGER(bn, NULL)) != NULL) {
		if (X509_set_serialNumber(x, ai) == 1)
			ok = 0;
		ASN1_INTEGER_free(ai);
	}
	BN_free(bn);
	return ok;
}

/* A new P-256 key. */
static EVP_PKEY *
ec_key(void)
{
	return EVP_EC_gen("P-256");
}

/* Make a new CA for set into p (no file is touched). */
static int
ca_make(const struct tt_intercept *set, struct ca_pair *p, char **cause)
{
	X509_NAME	*name;
	char		 tag[9], cn[64];

	memset(p, 0, sizeof *p);
	if (random_hex(4, tag) != 0) {
		*cause = ssl_cause("cannot make a CA: RAND_bytes");
		return -1;
	}
	snprintf(cn, sizeof cn, "teltop local capture CA %s", tag);
	if ((p->key = ec_key()) == NULL) {
		*cause = ssl_cause("cannot make the CA's key");
		goto error;
	}
	if ((p->cert = X509_new()) == NULL)
		fatal("ca_make: out of memory");
	name = X509_get_subject_name(p->cert);
	if (X509_set_version(p->cert, X509_VERSION_3) != 1 ||
	    set_serial(p->cert) != 0 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(p->cert, name) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(p->cert),
	    -LEAF_BACKDATE) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(p->cert), CA_DAYS, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(p->cert, p->key) != 1 ||
	    add_ext(p->cert, p->cert, NID_basic_constraints,
	    "critical,CA:TRUE,pathlen:0") != 0 ||
	    add_ext(p->cert, p->cert, NID_key_usage,
	    "critical,keyCertSign,cRLSign") != 0 ||
	    add_ext(p->cert, p->cert, NID_subject_key_identifier,
	    "hash") != 0 ||
	    add_name_constraints(p->cert, set) != 0 ||
	    X509_sign(p->cert, p->key, EVP_sha256()) <= 0) {
		*cause = ssl_cause("cannot make the CA's certificate");
		goto error;
	}
	p->not_before = asn1_time_t(X509_get0_notBefore(p->cert));
	p->not_after = asn1_time_t(X509_get0_notAfter(p->cert));
	p->pem = cert_pem(p->cert);
	pair_permitted(p);
	return 0;
error:
	pair_clear(p);
	return -1;
}

/* fsync a directory, so that a rename in it survives a crash. */
static void
sync_dir(const char *dir)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * Replace the file path in dir by len bytes of data with mode: write a
 * temporary file (O_EXCL) next to it, fsync, rename.  0 or -1 with *cause.
 */
static int
file_replace(const char *dir, const char *path, const void *data,
    size_t len, mode_t mode, char **cause)
{
	const char	*p = data;
	char		 tag[13], *tmp;
	size_t		 done = 0;
	ssize_t		 n;
	int		 fd;

	if (random_hex(6, tag) != 0) {
		*cause = ssl_cause("RAND_bytes");
		return -1;
	}
	tmp = xasprintf("%s.%s.new", path, tag);
	fd = open(tmp, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("cannot create %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		done += (size_t)n;
	}
	if (done != len || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		goto error;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		*cause = xasprintf("cannot create %s: %s", path,
		    strerror(errno));
		goto error;
	}
	free(tmp);
	sync_dir(dir);
	return 0;
error:
	unlink(tmp);
	free(tmp);
	return -1;
}

/* Write ca.pem from the pair. */
static int
pem_write(const char *dir, const char *cert_path, const struct ca_pair *p,
    char **cause)
{
	return file_replace(dir, cert_path, p->pem, strlen(p->pem), 0644,
	    cause);
}

/* Publish a pair: ca.key (key and certificate), then ca.pem. */
static int
pair_publish(const char *dir, const char *key_path, const char *cert_path,
    const struct ca_pair *p, char **cause)
{
	BIO	*bio;
	char	*data;
	long	 len;
	int	 rc;

	/* Secure memory: the key's PEM is cleansed when the BIO is freed. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL)
		fatal("pair_publish: out of memory");
	if (PEM_write_bio_PrivateKey(bio, p->key, NULL, NULL, 0, NULL,
	    NULL) != 1 || PEM_write_bio_X509(bio, p->cert) != 1) {
		*cause = ssl_cause("cannot write the CA");
		BIO_free(bio);
		return -1;
	}
	len = BIO_get_mem_data(bio, &data);
	rc = file_replace(dir, key_path, data, (size_t)len, 0600, cause);
	BIO_free(bio);
	if (rc != 0)
		return -1;
	return pem_write(dir, cert_path, p, cause);
}

/* Whether the file at path holds exactly pem. */
static int
pem_matches(const char *path, const char *pem)
{
	char	*buf;
	size_t	 len;
	int	 fd, same;

	fd = open(path, O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|O_CLOEXEC);
	if (fd < 0)
		return 0;
	buf = read_all(fd, &len);
	close(fd);
	if (buf == NULL)
		return 0;
	same = len == strlen(pem) && memcmp(buf, pem, len) == 0;
	free(buf);
	return same;
}

/* mkdir -p dir (0700), then check it is ours and not open to writes. */
static int
dir_prepare(const char *dir, char **cause)
{
	struct stat	 st;
	char		*d, *p;

	if (*dir == '\0') {
		*cause = xstrdup("no directory for the CA");
		return -1;
	}
	d = xstrdup(dir);
	for (p = d + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(d, 0700);
		*p = '/';
	}
	free(d);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*cause = xasprintf("%s is not a directory", dir);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		*cause = xasprintf("%s is not yours alone (uid %u, mode %04o): "
		    "others could replace the CA; chmod 700 %s", dir,
		    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

/* Take the lock of the CA directory: its fd, or -1 with *cause. */
static int
dir_lock(const char *lock_path, char **cause)
{
	int	fd;

	fd = open(lock_path, O_RDWR|O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("cannot open %s: %s", lock_path,
		    strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		*cause = xasprintf("cannot lock %s: %s", lock_path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Where the CA lives by default.  Caller frees. */
char *
ca_default_dir(void)
{
	const char	*env;
	struct passwd	*pw;

	if ((env = getenv("XDG_DATA_HOME")) != NULL && env[0] == '/')
		return xasprintf("%s/teltop/ca", env);
	if ((env = getenv("HOME")) != NULL && env[0] == '/')
		return xasprintf("%s/.local/share/teltop/ca", env);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL &&
	    pw->pw_dir[0] == '/')
		return xasprintf("%s/.local/share/teltop/ca", pw->pw_dir);
	return NULL;
}

/* A struct ca for dir with its paths set and nothing loaded. */
static struct ca *
ca_new(const char *dir)
{
	struct ca	*ca;

	ca = xcalloc(1, sizeof *ca);
	ca->dir = xstrdup(dir);
	ca->key_path = xasprintf("%s/%s", dir, CA_KEY_FILE);
	ca->cert_path = xasprintf("%s/%s", dir, CA_CERT_FILE);
	ca->lock_path = xasprintf("%s/%s", dir, CA_LOCK_FILE);
	return ca;
}

/* Empty the cache of server contexts. */
static void
cache_drop(struct ca *ca)
{
	size_t	i;

	for (i = 0; i < ca->ncache; i++)
		SSL_CTX_free(ca->cache[i].ctx);
	ca->ncache = 0;
}

/* Free the CA and every context it made. */
void
ca_free(struct ca *ca)
{
	if (ca == NULL)
		return;
	cache_drop(ca);
	pair_clear(&ca->pair);
	EVP_PKEY_free(ca->leaf_key);
	free(ca->dir);
	free(ca->key_path);
	free(ca->cert_path);
	free(ca->lock_path);
	free(ca);
}

/*
 * A set of the hosts of set, then those old permits that set does not
 * cover, as many as fit.  Caller frees.
 */
static struct tt_intercept *
set_merge(const struct tt_intercept *set, const struct ca_pair *old)
{
	struct tt_intercept	*out;
	struct tt_host		*h;
	size_t			 i, j;

	out = xmalloc(sizeof *out);
	*out = *set;
	for (i = 0; i < old->npermitted && out->n < TT_INTERCEPT_MAX; i++) {
		for (j = 0; j < out->n; j++)
			if (name_permits(out->host[j].name, old->permitted[i]))
				break;
		if (j < out->n)
			continue;
		h = &out->host[out->n++];
		memset(h, 0, sizeof *h);
		snprintf(h->name, sizeof h->name, "%s", old->permitted[i]);
		h->source = TT_SRC_GENERIC;
	}
	return out;
}

/*
 * Under the lock: load the CA again (another process may have just made
 * it), make and publish a new one if it is missing or does not fit set,
 * and rewrite ca.pem if it is not the loaded certificate.  A new CA that
 * replaces one also permits the hosts the old one did: two processes with
 * other sets (a collector with --intercept, `teltop ca show`) then end with
 * a CA for both, instead of taking it from each other at every start.
 */
static int
ca_settle(struct ca *ca, const struct tt_intercept *set, int *remade,
    char **cause)
{
	struct tt_intercept	*merged;
	int			 lock, rc;

	if ((lock = dir_lock(ca->lock_path, cause)) < 0)
		return -1;
	if ((rc = pair_load(ca->key_path, &ca->pair, cause)) < 0)
		goto out;
	if (rc == 1 || !pair_fits(&ca->pair, set)) {
		if (rc == 0 && remade != NULL)
			*remade = 1;
		merged = set_merge(set, &ca->pair);
		pair_clear(&ca->pair);
		rc = ca_make(merged, &ca->pair, cause);
		free(merged);
		if (rc != 0)
			goto out;
		rc = pair_publish(ca->dir, ca->key_path, ca->cert_path,
		    &ca->pair, cause);
		pair_clear(&ca->pair);
		if (rc != 0)
			goto out;
		/* Read it back: it is then exactly what others will read. */
		if ((rc = pair_load(ca->key_path, &ca->pair, cause)) == 1) {
			*cause = xasprintf("%s vanished as it was made",
			    ca->key_path);
			rc = -1;
		}
	} else if (!pem_matches(ca->cert_path, ca->pair.pem))
		rc = pem_write(ca->dir, ca->cert_path, &ca->pair, cause);
out:
	close(lock);
	return rc == 0 ? 0 : -1;
}

/* Load the CA in dir, making or remaking it for set if need be. */
struct ca *
ca_open(const char *dir, const struct tt_intercept *set, int *remade,
    char **cause)
{
	struct ca	*ca;
	int		 rc;

	*cause = NULL;
	if (remade != NULL)
		*remade = 0;
	if (set_check(set, cause) != 0 || dir_prepare(dir, cause) != 0)
		return NULL;
	ca = ca_new(dir);
	if ((rc = pair_load(ca->key_path, &ca->pair, cause)) < 0)
		goto error;
	if (rc == 1 || !pair_fits(&ca->pair, set) ||
	    !pem_matches(ca->cert_path, ca->pair.pem)) {
		pair_clear(&ca->pair);
		if (ca_settle(ca, set, remade, cause) != 0)
			goto error;
	}
	if ((ca->leaf_key = ec_key()) == NULL) {
		*cause = ssl_cause("cannot make the leaf key");
		goto error;
	}
	return ca;
error:
	ca_free(ca);
	return NULL;
}

/* Replace the CA in dir by a new one for set. */
int
ca_rotate(const char *dir, const struct tt_intercept *set, char **cause)
{
	struct ca_pair	 p;
	char		*key_path, *cert_path, *lock_path;
	int		 lock, rc = -1;

	*cause = NULL;
	if (set_check(set, cause) != 0 || dir_prepare(dir, cause) != 0)
		return -1;
	key_path = xasprintf("%s/%s", dir, CA_KEY_FILE);
	cert_path = xasprintf("%s/%s", dir, CA_CERT_FILE);
	lock_path = xasprintf("%s/%s", dir, CA_LOCK_FILE);
	if ((lock = dir_lock(lock_path, cause)) >= 0) {
		if (ca_make(set, &p, cause) == 0) {
			rc = pair_publish(dir, key_path, cert_path, &p, cause);
			pair_clear(&p);
		}
		close(lock);
	}
	free(key_path);
	free(cert_path);
	free(lock_path);
	return rc;
}

/* Reload the CA if ca.key is not the file it was read from. */
int
ca_check_reload(struct ca *ca, char **cause)
{
	struct ca_pair	p;
	struct stat	st;
	const struct stat *old = &ca->pair.st;
	int		rc;

	*cause = NULL;
	if (stat(ca->key_path, &st) != 0) {
		*cause = xasprintf("%s: %s", ca->key_path, strerror(errno));
		return -1;
	}
	if (st.st_dev == old->st_dev && st.st_ino == old->st_ino &&
	    st.st_size == old->st_size &&
	    st.st_mtim.tv_sec == old->st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == old->st_mtim.tv_nsec &&
	    st.st_ctim.tv_sec == old->st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == old->st_ctim.tv_nsec)
		return 0;
	if ((rc = pair_load(ca->key_path, &p, cause)) != 0) {
		if (rc == 1)
			*cause = xasprintf("%s vanished", ca->key_path);
		return -1;
	}
	cache_drop(ca);
	pair_clear(&ca->pair);
	ca->pair = p;
	return 1;
}

/* Whether the CA may vouch for host. */
int
ca_covers(const struct ca *ca, const char *host)
{
	return pair_covers(&ca->pair, host);
}

/* A GENERAL_NAMES of one DNS name, as subjectAltName (critical if crit). */
static int
add_san(X509 *x, const char *host, int crit)
{
	GENERAL_NAMES	*gens;
	int		 ok;

	if ((gens = sk_GENERAL_NAME_new_null()) == NULL ||
	    sk_GENERAL_NAME_push(gens, dns_name(host)) <= 0)
		fatal("add_san: out of memory");
	ok = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, crit,
	    X509V3_ADD_DEFAULT);
	GENERAL_NAMES_free(gens);
	return ok == 1 ? 0 : -1;
}

/*
 * Mint the certificate for host (normalized, covered) from the CA; *renew
 * gets when a new one should replace it.
 */
static X509 *
leaf_make(struct ca *ca, const char *host, time_t *renew, char **cause)
{
	X509		*x;
	X509_NAME	*name;
	time_t		 now = time(NULL), from, to;
	int		 has_cn;

	from = now - LEAF_BACKDATE;
	if (from < ca->pair.not_before)
		from = ca->pair.not_before;
	to = now + (time_t)LEAF_DAYS * DAY;
	if (to > ca->pair.not_after)
		to = ca->pair.not_after;
	*renew = to - LEAF_RENEW;

	/* A CN is 64 bytes at most (RFC 5280); the SAN is what counts. */
	has_cn = strlen(host) <= 64;
	if ((x = X509_new()) == NULL)
		fatal("leaf_make: out of memory");
	name = X509_get_subject_name(x);
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    set_serial(x) != 0 ||
	    (has_cn && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)host, -1, -1, 0) != 1) ||
	    X509_set_issuer_name(x,
	    X509_get_subject_name(ca->pair.cert)) != 1 ||
	    ASN1_TIME_set(X509_getm_notBefore(x), from) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), to) == NULL ||
	    X509_set_pubkey(x, ca->leaf_key) != 1 ||
	    add_ext(x, ca->pair.cert, NID_basic_constraints,
	    "critical,CA:FALSE") != 0 ||
	    add_ext(x, ca->pair.cert, NID_key_usage,
	    "critical,digitalSignature") != 0 ||
	    add_ext(x, ca->pair.cert, NID_ext_key_usage, "serverAuth") != 0 ||
	    add_ext(x, ca->pair.cert, NID_authority_key_identifier,
	    "keyid:always") != 0 ||
	    add_san(x, host, !has_cn) != 0 ||
	    X509_sign(x, ca->pair.key, EVP_sha256()) <= 0) {
		*cause = ssl_cause("cannot mint a certificate");
		X509_free(x);
		return NULL;
	}
	return x;
}

/*
 * ALPN, run by OpenSSL in the handshake (on the thread that drives the
 * SSL): http/1.1 if the client offers it; otherwise no ALPN at all, which
 * lets the handshake go on, rather than a fatal alert.
 */
static int
alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	static const unsigned char	 ours[] = "\x08http/1.1";
	unsigned char			*sel;

	(void)ssl;
	(void)arg;
	if (SSL_select_next_proto(&sel, outlen, ours, sizeof ours - 1, in,
	    inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

/* A TLS server context serving leaf (taken) and the CA as its chain. */
static SSL_CTX *
ctx_make(struct ca *ca, X509 *leaf, char **cause)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		*cause = ssl_cause("SSL_CTX_new");
		X509_free(leaf);
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate(ctx, leaf) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, ca->leaf_key) != 1 ||
	    SSL_CTX_add1_chain_cert(ctx, ca->pair.cert) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		*cause = ssl_cause("cannot set up TLS");
		SSL_CTX_free(ctx);
		X509_free(leaf);
		return NULL;
	}
	X509_free(leaf);	/* the context holds its own reference */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	return ctx;
}

/* The cached server context for host, minting its certificate if new. */
SSL_CTX *
ca_server_ctx(struct ca *ca, const char *host, char **cause)
{
	struct ca_leaf	*e = NULL;
	X509		*leaf;
	SSL_CTX		*ctx;
	time_t		 renew;
	char		 name[TT_HOST_MAX + 1];
	size_t		 i, old;

	*cause = NULL;
	if (host == NULL || host_norm(host, name) != 0) {
		*cause = xasprintf("'%.*s' is not a host name the CA can "
		    "vouch for", TT_HOST_MAX, host != NULL ? host : "");
		return NULL;
	}
	if (!pair_covers(&ca->pair, name)) {
		*cause = xasprintf("the CA does not cover %s: its name "
		    "constraints permit only the intercepted hosts", name);
		return NULL;
	}
	for (i = 0; i < ca->ncache; i++) {
		if (strcmp(ca->cache[i].host, name) != 0)
			continue;
		e = &ca->cache[i];
		if (time(NULL) < e->renew) {
			e->used = ++ca->tick;
			return e->ctx;
		}
		break;		/* near its end: mint again, in its place */
	}
	if ((leaf = leaf_make(ca, name, &renew, cause)) == NULL ||
	    (ctx = ctx_make(ca, leaf, cause)) == NULL)
		return NULL;

	if (e == NULL && ca->ncache < CA_CACHE_MAX)
		e = &ca->cache[ca->ncache++];
	else {
		if (e == NULL) {
			for (old = 0, i = 1; i < ca->ncache; i++)
				if (ca->cache[i].used < ca->cache[old].used)
					old = i;
			e = &ca->cache[old];
		}
		SSL_CTX_free(e->ctx);
	}
	memcpy(e->host, name, sizeof e->host);
	e->ctx = ctx;
	e->renew = renew;
	e->used = ++ca->tick;
	return ctx;
}

/* The CA certificate as PEM. */
const char *
ca_pem(const struct ca *ca)
{
	return ca->pair.pem;
}

/* The CA certificate's SHA-256 as colon-separated upper-case hex. */
void
ca_fingerprint(const struct ca *ca, char *buf, size_t len)
{
	static const char	digits[] = "0123456789ABCDEF";
	unsigned char		md[EVP_MAX_MD_SIZE];
	unsigned int		mdlen = 0, i;
	size_t			at = 0;

	if (len == 0)
		return;
	if (X509_digest(ca->pair.cert, EVP_sha256(), md, &mdlen) != 1)
		mdlen = 0;
	for (i = 0; i < mdlen; i++) {
		if (at + (i > 0) + 2 >= len)
			break;
		if (i > 0)
			buf[at++] = ':';
		buf[at++] = digits[md[i] >> 4];
		buf[at++] = digits[md[i] & 0xf];
	}
	buf[at] = '\0';
}

/* The CA's directory. */
const char *
ca_dir(const struct ca *ca)
{
	return ca->dir;
}

/* The path of ca.pem. */
const char *
ca_cert_path(const struct ca *ca)
{
	return ca->cert_path;
}

/* The path of ca.key. */
const char *
ca_key_path(const struct ca *ca)
{
	return ca->key_path;
}

/* A time as "2026-05-01 10:00:00 UTC". */
static void
time_text(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "?");
}

/* What `teltop ca show` prints. */
void
ca_facts(const struct ca *ca, struct ca_facts *f)
{
	const struct ca_pair	*p = &ca->pair;
	BIO			*bio;
	BIGNUM			*bn;
	char			*data, *hex;
	long			 len;

	memset(f, 0, sizeof *f);
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		fatal("ca_facts: out of memory");
	X509_NAME_print_ex(bio, X509_get_subject_name(p->cert), 0,
	    XN_FLAG_RFC2253);
	len = BIO_get_mem_data(bio, &data);
	snprintf(f->subject, sizeof f->subject, "%.*s", (int)len, data);
	BIO_free(bio);

	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(p->cert), NULL);
	if (bn != NULL && (hex = BN_bn2hex(bn)) != NULL) {
		snprintf(f->serial, sizeof f->serial, "%s", hex);
		OPENSSL_free(hex);
	}
	BN_free(bn);

	f->not_before_t = p->not_before;
	f->not_after_t = p->not_after;
	time_text(p->not_before, f->not_before, sizeof f->not_before);
	time_text(p->not_after, f->not_after, sizeof f->not_after);
	f->npermitted = p->npermitted;
	f->permitted = (const char *const *)p->permitted;
}
