/*
 * Unit tests for ws/ca.c, teltop's local CA: creation (files, modes, the
 * certificate's fields), reuse, the name constraints both ways (a leaf the
 * API mints verifies; a leaf forged with the CA's key for another host or
 * an IP address does not), remaking for a new host, rotation seen by an
 * open handle, refusal of a key file others can read, creation racing in
 * several processes, the context cache, and a real TLS handshake in memory
 * with ALPN.  Each test works in a new temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/hosts.h"
#include "ws/ca.h"

/* Fill a set by hand (core/hosts.c is not needed for that). */
static void
set_fill(struct tt_intercept *set, const char *const *names)
{
	memset(set, 0, sizeof *set);
	for (; *names != NULL; names++) {
		snprintf(set->host[set->n].name, sizeof set->host[set->n].name,
		    "%s", *names);
		set->host[set->n].builtin = 1;
		set->n++;
	}
}

static const char *const two_hosts[] = { "devpod.sh", "telemetry.example.net",
    NULL };

/* Unlink one file or directory, for nftw(). */
static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	(void)remove(path);
	return 0;
}

/* Each test gets a new private directory in *state. */
static int
setup_dir(void **state)
{
	char	*d = dup_str("/tmp/teltop-ca-XXXXXX");

	if (mkdtemp(d) == NULL) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

/* Remove the test's directory and all in it. */
static int
teardown_dir(void **state)
{
	(void)nftw(*state, remove_one, 8, FTW_DEPTH|FTW_PHYS);
	free(*state);
	return 0;
}

/* The CA directory of a test: a level below its temporary directory. */
static char *
ca_dir_of(void **state)
{
	char	buf[512];

	snprintf(buf, sizeof buf, "%s/teltop/ca", (char *)*state);
	return dup_str(buf);
}

/* Open the CA for set, which must work. */
static struct ca *
must_open(const char *dir, const struct tt_intercept *set, int *remade)
{
	struct ca	*ca;
	char		*cause = NULL;

	ca = ca_open(dir, set, remade, &cause);
	if (ca == NULL) {
		print_error("ca_open: %s\n", cause);
		free(cause);
		fail();
	}
	assert_null(cause);
	return ca;
}

/* ca_open must fail with a cause containing want. */
static void
assert_open_fails(const char *dir, const struct tt_intercept *set,
    const char *want)
{
	char	*cause = NULL;

	assert_null(ca_open(dir, set, NULL, &cause));
	assert_non_null(cause);
	if (strstr(cause, want) == NULL) {
		print_error("cause \"%s\" lacks \"%s\"\n", cause, want);
		fail();
	}
	free(cause);
}

/* The CA's certificate, parsed from its PEM.  Caller frees. */
static X509 *
pem_cert(const char *pem)
{
	BIO	*bio;
	X509	*x;

	assert_non_null(bio = BIO_new_mem_buf(pem, -1));
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(x);
	return x;
}

/* The contents of a small file.  Caller frees. */
static char *
read_text(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	assert_non_null(buf = calloc(1, 65536));
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, 65535, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* The mode bits of a file. */
static unsigned
mode_of(const char *path)
{
	struct stat	st;

	assert_int_equal(stat(path, &st), 0);
	return (unsigned)(st.st_mode & 07777);
}

/*
 * Verify leaf against a store holding only ca_cert, as a TLS client of
 * host would (or with an IP literal, ip).  X509_V_OK or the error.
 */
static int
verify(X509 *ca_cert, X509 *leaf, const char *host, const char *ip)
{
	X509_STORE		*store;
	X509_STORE_CTX		*ctx;
	X509_VERIFY_PARAM	*param;
	int			 ok, err;

	assert_non_null(store = X509_STORE_new());
	assert_int_equal(X509_STORE_add_cert(store, ca_cert), 1);
	assert_non_null(ctx = X509_STORE_CTX_new());
	assert_int_equal(X509_STORE_CTX_init(ctx, store, leaf, NULL), 1);
	param = X509_STORE_CTX_get0_param(ctx);
	assert_int_equal(X509_VERIFY_PARAM_set_purpose(param,
	    X509_PURPOSE_SSL_SERVER), 1);
	if (host != NULL)
		assert_int_equal(X509_VERIFY_PARAM_set1_host(param, host, 0),
		    1);
	if (ip != NULL)
		assert_int_equal(X509_VERIFY_PARAM_set1_ip_asc(param, ip), 1);
	ok = X509_verify_cert(ctx);
	err = X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok == 1 ? X509_V_OK : err;
}

/* Verify the certificate ca serves for host against the CA in pem. */
static int
verify_served(struct ca *ca, const char *host, const char *pem)
{
	SSL_CTX	*ctx;
	X509	*ca_cert;
	char	*cause = NULL;
	int	 rc;

	ctx = ca_server_ctx(ca, host, &cause);
	if (ctx == NULL) {
		print_error("ca_server_ctx %s: %s\n", host, cause);
		free(cause);
		fail();
	}
	ca_cert = pem_cert(pem);
	rc = verify(ca_cert, SSL_CTX_get0_certificate(ctx), host, NULL);
	X509_free(ca_cert);
	return rc;
}

/* The CA's fingerprint into fp (CA_FINGERPRINT_LEN bytes), checked whole. */
static void
fingerprint_of(const struct ca *ca, char *fp)
{
	ca_fingerprint(ca, fp, CA_FINGERPRINT_LEN);
	assert_int_equal(strlen(fp), CA_FINGERPRINT_LEN - 1);
}

static void
test_default_dir(void **state)
{
	char	*old_xdg, *old_home, *d;

	(void)state;
	old_xdg = dup_str(getenv("XDG_DATA_HOME"));
	old_home = dup_str(getenv("HOME"));

	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("HOME", "/home/u", 1);
	d = ca_default_dir();
	assert_str(d, "/x/data/teltop/ca");
	free(d);
	setenv("XDG_DATA_HOME", "relative/data", 1);	/* ignored */
	d = ca_default_dir();
	assert_str(d, "/home/u/.local/share/teltop/ca");
	free(d);
	unsetenv("XDG_DATA_HOME");
	d = ca_default_dir();
	assert_str(d, "/home/u/.local/share/teltop/ca");
	free(d);

	if (old_xdg != NULL)
		setenv("XDG_DATA_HOME", old_xdg, 1);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	free(old_xdg);
	free(old_home);
}

/* A new CA: its files, their modes, and what its certificate says. */
static void
test_create(void **state)
{
	struct tt_intercept	 set;
	struct ca_facts		 f;
	struct ca		*ca;
	X509			*x;
	EVP_PKEY		*pub;
	BASIC_CONSTRAINTS	*bc;
	ASN1_BIT_STRING		*ku;
	char			*dir, path[600], group[32];
	char			 fp[CA_FINGERPRINT_LEN];
	const char		*cn;
	size_t			 i, glen = 0;
	int			 crit, remade = -1;

	set_fill(&set, two_hosts);
	dir = ca_dir_of(state);
	ca = must_open(dir, &set, &remade);
	assert_int_equal(remade, 0);

	assert_int_equal(mode_of(dir), 0700);
	snprintf(path, sizeof path, "%s/ca.key", dir);
	assert_str(ca_key_path(ca), path);
	assert_int_equal(mode_of(path), 0600);
	snprintf(path, sizeof path, "%s/ca.pem", dir);
	assert_str(ca_cert_path(ca), path);
	assert_int_equal(mode_of(path), 0644);
	assert_str(ca_dir(ca), dir);

	ca_facts(ca, &f);
	cn = "CN=teltop local capture CA ";
	assert_int_equal(strncmp(f.subject, cn, strlen(cn)), 0);
	assert_int_equal(strlen(f.subject), strlen(cn) + 8);
	assert_int_equal(strspn(f.subject + strlen(cn), "0123456789abcdef"),
	    8);
	assert_int_equal(f.npermitted, 2);
	for (i = 0; i < f.npermitted; i++)
		assert_str(f.permitted[i], two_hosts[i]);
	/* ten years, starting a little in the past */
	assert_true(f.not_before_t <= time(NULL));
	assert_true(f.not_after_t - f.not_before_t >= 3650LL * 86400);
	assert_true(f.not_after_t - f.not_before_t <= 3651LL * 86400);
	assert_true(strlen(f.serial) >= 30);
	assert_non_null(strstr(f.not_after, " UTC"));

	assert_true(ca_covers(ca, "devpod.sh"));
	assert_true(ca_covers(ca, "DevPod.SH"));
	assert_true(ca_covers(ca, "api.devpod.sh"));
	assert_true(ca_covers(ca, "telemetry.example.net"));
	assert_false(ca_covers(ca, "evildevpod.sh"));
	assert_false(ca_covers(ca, "example.net"));
	assert_false(ca_covers(ca, "devpod.sh.evil.com"));
	assert_false(ca_covers(ca, "127.0.0.1"));

	/* the certificate: a self-signed v3 CA with the extensions asked */
	x = pem_cert(ca_pem(ca));
	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	assert_int_equal(X509_check_issued(x, x), X509_V_OK);
	assert_non_null(pub = X509_get0_pubkey(x));
	assert_int_equal(EVP_PKEY_get_group_name(pub, group, sizeof group,
	    &glen), 1);
	assert_str(group, "prime256v1");
	assert_non_null(bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit,
	    NULL));
	assert_int_equal(crit, 1);
	assert_true(bc->ca);
	assert_non_null(bc->pathlen);
	assert_int_equal(ASN1_INTEGER_get(bc->pathlen), 0);
	BASIC_CONSTRAINTS_free(bc);
	assert_non_null(ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL));
	assert_int_equal(crit, 1);
	ASN1_BIT_STRING_free(ku);
	assert_int_equal(X509_get_key_usage(x), KU_KEY_CERT_SIGN|KU_CRL_SIGN);
	assert_non_null(X509_get0_subject_key_id(x));
	assert_int_equal(X509_get_ext_by_NID(x, NID_name_constraints, -1) >= 0,
	    1);
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(x,
	    X509_get_ext_by_NID(x, NID_name_constraints, -1))), 1);
	X509_free(x);

	fingerprint_of(ca, fp);
	for (i = 0; i < CA_FINGERPRINT_LEN - 1; i++)
		assert_true((i % 3 == 2) ? fp[i] == ':' :
		    strchr("0123456789ABCDEF", fp[i]) != NULL);
	ca_free(ca);
	free(dir);
}

/* Opening again gives the same CA; a small set it covers changes nothing. */
static void
test_reopen(void **state)
{
	static const char *const one[] = { "devpod.sh", NULL };
	struct tt_intercept	 set;
	struct ca		*ca;
	char			*dir, fp1[CA_FINGERPRINT_LEN];
	char			 fp2[CA_FINGERPRINT_LEN];
	int			 remade = -1;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);
	fingerprint_of(ca, fp1);
	ca_free(ca);

	ca = must_open(dir, &set, &remade);
	assert_int_equal(remade, 0);
	fingerprint_of(ca, fp2);
	assert_str(fp1, fp2);
	ca_free(ca);

	set_fill(&set, one);
	ca = must_open(dir, &set, &remade);
	assert_int_equal(remade, 0);
	fingerprint_of(ca, fp2);
	assert_str(fp1, fp2);
	ca_free(ca);

	/* a lost ca.pem is written again from ca.key */
	{
		char	path[600];

		snprintf(path, sizeof path, "%s/ca.pem", dir);
		assert_int_equal(unlink(path), 0);
		ca = must_open(dir, &set, &remade);
		assert_int_equal(remade, 0);
		assert_int_equal(mode_of(path), 0644);
		fingerprint_of(ca, fp2);
		assert_str(fp1, fp2);
		ca_free(ca);
	}
	free(dir);
}

/* The leaf of an allowed host verifies, and says what it should. */
static void
test_leaf(void **state)
{
	struct tt_intercept	 set;
	struct ca		*ca;
	SSL_CTX			*ctx, *again;
	STACK_OF(X509)		*chain = NULL;
	GENERAL_NAMES		*san;
	GENERAL_NAME		*gn;
	X509			*leaf, *ca_cert;
	ASN1_BIT_STRING		*ku;
	char			*dir, *cause = NULL, cn[300], longhost[300];
	time_t			 now = time(NULL), nb, na;
	struct tm		 tm;
	int			 crit;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);
	ca_cert = pem_cert(ca_pem(ca));

	assert_non_null(ctx = ca_server_ctx(ca, "devpod.sh", &cause));
	assert_null(cause);
	assert_ptr_equal(ca_server_ctx(ca, "DEVPOD.sh", &cause), ctx);
	leaf = SSL_CTX_get0_certificate(ctx);
	assert_int_equal(verify(ca_cert, leaf, "devpod.sh", NULL), X509_V_OK);
	assert_int_equal(verify(ca_cert, leaf, "other.devpod.sh", NULL),
	    X509_V_ERR_HOSTNAME_MISMATCH);

	/* fields */
	assert_int_equal(X509_get_version(leaf), X509_VERSION_3);
	assert_int_equal(X509_NAME_get_text_by_NID(X509_get_subject_name(leaf),
	    NID_commonName, cn, sizeof cn), 9);
	assert_str(cn, "devpod.sh");
	assert_non_null(san = X509_get_ext_d2i(leaf, NID_subject_alt_name,
	    &crit, NULL));
	assert_int_equal(crit, 0);
	assert_int_equal(sk_GENERAL_NAME_num(san), 1);
	gn = sk_GENERAL_NAME_value(san, 0);
	assert_int_equal(gn->type, GEN_DNS);
	assert_str((const char *)ASN1_STRING_get0_data(gn->d.dNSName),
	    "devpod.sh");
	GENERAL_NAMES_free(san);
	assert_non_null(ku = X509_get_ext_d2i(leaf, NID_key_usage, &crit,
	    NULL));
	assert_int_equal(crit, 1);
	ASN1_BIT_STRING_free(ku);
	assert_int_equal(X509_get_key_usage(leaf), KU_DIGITAL_SIGNATURE);
	assert_int_equal(X509_get_extended_key_usage(leaf), XKU_SSL_SERVER);
	assert_int_equal(X509_check_ca(leaf), 0);
	assert_non_null(X509_get0_authority_key_id(leaf));
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf),
	    X509_get0_subject_key_id(ca_cert)), 0);
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notBefore(leaf), &tm), 1);
	nb = timegm(&tm);
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm), 1);
	na = timegm(&tm);
	assert_true(nb <= now - 3600 + 5 && nb >= now - 3600 - 5);
	assert_true(na <= now + 30 * 86400 + 5 && na >= now + 30 * 86400 - 5);

	/* the chain sent after the leaf is the CA */
	assert_int_equal(SSL_CTX_get0_chain_certs(ctx, &chain), 1);
	assert_int_equal(sk_X509_num(chain), 1);
	assert_int_equal(X509_cmp(sk_X509_value(chain, 0), ca_cert), 0);

	/* a subdomain; the same leaf key, another certificate */
	assert_non_null(again = ca_server_ctx(ca, "api.devpod.sh", &cause));
	assert_true(again != ctx);
	assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(leaf),
	    X509_get0_pubkey(SSL_CTX_get0_certificate(again))), 1);
	assert_int_equal(verify_served(ca, "api.devpod.sh", ca_pem(ca)),
	    X509_V_OK);

	/* a name too long for a CN: no CN, a critical SAN */
	memset(longhost, 'a', 60);
	memcpy(longhost + 60, ".bbbbbbbbbb.cccccccccc.devpod.sh", 33);
	assert_true(strlen(longhost) > 64);
	assert_non_null(ctx = ca_server_ctx(ca, longhost, &cause));
	leaf = SSL_CTX_get0_certificate(ctx);
	assert_int_equal(X509_NAME_entry_count(X509_get_subject_name(leaf)),
	    0);
	assert_non_null(san = X509_get_ext_d2i(leaf, NID_subject_alt_name,
	    &crit, NULL));
	assert_int_equal(crit, 1);
	GENERAL_NAMES_free(san);
	assert_int_equal(verify(ca_cert, leaf, longhost, NULL), X509_V_OK);

	X509_free(ca_cert);
	ca_free(ca);
	free(dir);
}

/* No context for a host the CA does not cover, or for a non-name. */
static void
test_not_covered(void **state)
{
	static const char *const bad[] = { "example.com", "evildevpod.sh",
	    "127.0.0.1", "devpod.sh.", ".devpod.sh", "a..devpod.sh",
	    "x y.devpod.sh", "x_y.devpod.sh", "", "localhost", NULL };
	struct tt_intercept	 set;
	struct ca		*ca;
	char			*dir, *cause;
	size_t			 i;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);
	for (i = 0; bad[i] != NULL; i++) {
		cause = NULL;
		if (ca_server_ctx(ca, bad[i], &cause) != NULL) {
			print_error("a context for \"%s\"\n", bad[i]);
			fail();
		}
		assert_non_null(cause);
		free(cause);
	}
	cause = NULL;
	assert_null(ca_server_ctx(ca, "example.com", &cause));
	assert_non_null(strstr(cause, "does not cover example.com"));
	free(cause);
	ca_free(ca);
	free(dir);
}

/*
 * A leaf for dns (or, if NULL, for the address ip) signed with key and
 * issued by ca_cert, as someone holding the CA's key could make one.
 */
static X509 *
forge(X509 *ca_cert, EVP_PKEY *key, const char *dns, const char *ip)
{
	X509		*x;
	X509V3_CTX	 v3;
	X509_EXTENSION	*ext;
	EVP_PKEY	*lk;
	char		 san[300];

	assert_non_null(x = X509_new());
	assert_non_null(lk = EVP_EC_gen("P-256"));
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 4242), 1);
	assert_int_equal(X509_set_issuer_name(x,
	    X509_get_subject_name(ca_cert)), 1);
	if (dns != NULL)
		assert_int_equal(X509_NAME_add_entry_by_txt(
		    X509_get_subject_name(x), "CN", MBSTRING_ASC,
		    (const unsigned char *)dns, -1, -1, 0), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -60));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	assert_int_equal(X509_set_pubkey(x, lk), 1);
	X509V3_set_ctx(&v3, ca_cert, x, NULL, NULL, 0);
	snprintf(san, sizeof san, "%s%s", dns != NULL ? "DNS:" : "IP:",
	    dns != NULL ? dns : ip);
	assert_non_null(ext = X509V3_EXT_nconf_nid(NULL, &v3,
	    NID_subject_alt_name, san));
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
	assert_non_null(ext = X509V3_EXT_nconf_nid(NULL, &v3,
	    NID_ext_key_usage, "serverAuth"));
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	EVP_PKEY_free(lk);
	return x;
}

/* The CA's key, read from its file as an attacker would. */
static EVP_PKEY *
stolen_key(const struct ca *ca)
{
	EVP_PKEY	*key;
	FILE		*fp;

	assert_non_null(fp = fopen(ca_key_path(ca), "r"));
	key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	assert_non_null(key);
	return key;
}

/* With the CA's key and no API, no certificate for another name or an IP. */
static void
test_forged(void **state)
{
	struct tt_intercept	 set;
	struct ca		*ca;
	EVP_PKEY		*key;
	X509			*ca_cert, *x;
	char			*dir;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);
	ca_cert = pem_cert(ca_pem(ca));
	key = stolen_key(ca);

	/* the forger's tool works: a permitted name verifies */
	x = forge(ca_cert, key, "www.devpod.sh", NULL);
	assert_int_equal(verify(ca_cert, x, "www.devpod.sh", NULL), X509_V_OK);
	X509_free(x);

	x = forge(ca_cert, key, "evil.example.com", NULL);
	assert_int_equal(verify(ca_cert, x, "evil.example.com", NULL),
	    X509_V_ERR_PERMITTED_VIOLATION);
	assert_int_equal(verify(ca_cert, x, NULL, NULL),
	    X509_V_ERR_PERMITTED_VIOLATION);
	X509_free(x);

	x = forge(ca_cert, key, NULL, "127.0.0.1");
	assert_int_equal(verify(ca_cert, x, NULL, "127.0.0.1"),
	    X509_V_ERR_EXCLUDED_VIOLATION);
	X509_free(x);
	x = forge(ca_cert, key, NULL, "::1");
	assert_int_equal(verify(ca_cert, x, NULL, "::1"),
	    X509_V_ERR_EXCLUDED_VIOLATION);
	X509_free(x);

	EVP_PKEY_free(key);
	X509_free(ca_cert);
	ca_free(ca);
	free(dir);
}

/* A set with a host the CA does not cover: a new CA that covers it. */
static void
test_remade(void **state)
{
	static const char *const three[] = { "devpod.sh",
	    "telemetry.example.net", "new.example.org", NULL };
	static const char *const other[] = { "devpod.sh", "other.example.com",
	    "www.new.example.org", NULL };
	struct tt_intercept	 set;
	struct ca_facts		 f;
	struct ca		*ca;
	char			*dir, *cause = NULL, fp1[CA_FINGERPRINT_LEN];
	char			 fp2[CA_FINGERPRINT_LEN];
	int			 remade = -1;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);
	fingerprint_of(ca, fp1);
	assert_false(ca_covers(ca, "new.example.org"));
	ca_free(ca);

	set_fill(&set, three);
	ca = must_open(dir, &set, &remade);
	assert_int_equal(remade, 1);
	fingerprint_of(ca, fp2);
	assert_true(strcmp(fp1, fp2) != 0);
	assert_true(ca_covers(ca, "new.example.org"));
	assert_true(ca_covers(ca, "devpod.sh"));
	assert_int_equal(verify_served(ca, "new.example.org", ca_pem(ca)),
	    X509_V_OK);
	ca_free(ca);

	/* and it is the one found next time, with the smaller set too */
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, &remade);
	assert_int_equal(remade, 0);
	fingerprint_of(ca, fp1);
	assert_str(fp1, fp2);
	ca_free(ca);

	/* another process's set: the new CA keeps the old hosts too */
	set_fill(&set, other);
	ca = must_open(dir, &set, &remade);
	assert_int_equal(remade, 1);
	ca_facts(ca, &f);
	assert_int_equal(f.npermitted, 5);
	assert_str(f.permitted[0], "devpod.sh");
	assert_str(f.permitted[1], "other.example.com");
	assert_str(f.permitted[2], "www.new.example.org");
	assert_str(f.permitted[3], "telemetry.example.net");
	assert_str(f.permitted[4], "new.example.org");
	ca_free(ca);

	/* rotation makes it exactly the set given */
	set_fill(&set, two_hosts);
	assert_int_equal(ca_rotate(dir, &set, &cause), 0);
	ca = must_open(dir, &set, &remade);
	assert_int_equal(remade, 0);
	ca_facts(ca, &f);
	assert_int_equal(f.npermitted, 2);
	assert_false(ca_covers(ca, "new.example.org"));
	ca_free(ca);
	free(dir);
}

/* Rotation: an open handle reloads at its next check and mints anew. */
static void
test_rotate(void **state)
{
	struct tt_intercept	 set;
	struct ca		*ca, *other;
	SSL_CTX			*ctx;
	SSL			*ssl;
	X509			*old_cert;
	char			*dir, *cause = NULL, *old_pem, *text;
	char			 fp1[CA_FINGERPRINT_LEN];
	char			 fp2[CA_FINGERPRINT_LEN];

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);
	fingerprint_of(ca, fp1);
	old_pem = dup_str(ca_pem(ca));
	assert_non_null(ctx = ca_server_ctx(ca, "devpod.sh", &cause));
	/* a connection made before the rotation keeps its context */
	assert_non_null(ssl = SSL_new(ctx));
	assert_int_equal(ca_check_reload(ca, &cause), 0);
	assert_null(cause);

	assert_int_equal(ca_rotate(dir, &set, &cause), 0);
	assert_null(cause);
	assert_int_equal(ca_check_reload(ca, &cause), 1);
	assert_null(cause);
	fingerprint_of(ca, fp2);
	assert_true(strcmp(fp1, fp2) != 0);
	assert_int_equal(ca_check_reload(ca, &cause), 0);
	assert_int_equal(mode_of(ca_key_path(ca)), 0600);
	assert_int_equal(mode_of(ca_cert_path(ca)), 0644);

	/* leaves now come from the new CA only */
	assert_int_equal(verify_served(ca, "devpod.sh", ca_pem(ca)), X509_V_OK);
	assert_int_equal(verify_served(ca, "devpod.sh", old_pem),
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	assert_ptr_not_equal(SSL_get_SSL_CTX(ssl), NULL);
	old_cert = pem_cert(old_pem);
	assert_int_equal(verify(old_cert, SSL_get_certificate(ssl),
	    "devpod.sh", NULL), X509_V_OK);
	X509_free(old_cert);
	SSL_free(ssl);

	/* the new CA is what another process finds, and ca.pem holds it */
	other = must_open(dir, &set, NULL);
	assert_str(ca_pem(other), ca_pem(ca));
	ca_free(other);
	text = read_text(ca_cert_path(ca));
	assert_str(text, ca_pem(ca));
	free(text);

	ca_free(ca);
	free(old_pem);
	free(dir);
}

/* A key file others may read (or that is not a key) is refused. */
static void
test_key_refused(void **state)
{
	struct tt_intercept	 set;
	struct ca		*ca;
	char			*dir, *cause = NULL, key[600];
	char			 fp[2][CA_FINGERPRINT_LEN];
	FILE			*f;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);
	fingerprint_of(ca, fp[0]);
	snprintf(key, sizeof key, "%s", ca_key_path(ca));

	assert_int_equal(chmod(key, 0640), 0);
	assert_open_fails(dir, &set, "open to group or others (mode 0640)");
	/* an open handle notices (the ctime changed) and keeps its CA */
	assert_int_equal(ca_check_reload(ca, &cause), -1);
	assert_non_null(strstr(cause, "open to group or others"));
	free(cause);
	cause = NULL;
	fingerprint_of(ca, fp[1]);
	assert_str(fp[0], fp[1]);
	assert_int_equal(verify_served(ca, "devpod.sh", ca_pem(ca)), X509_V_OK);

	assert_int_equal(chmod(key, 0604), 0);
	assert_open_fails(dir, &set, "open to group or others");
	assert_int_equal(chmod(key, 0600), 0);
	ca_free(must_open(dir, &set, NULL));

	/* not a CA at all */
	assert_non_null(f = fopen(key, "w"));
	fputs("not a key\n", f);
	fclose(f);
	assert_open_fails(dir, &set, "does not hold a teltop CA");
	/* a symbolic link */
	assert_int_equal(unlink(key), 0);
	assert_int_equal(symlink("/etc/passwd", key), 0);
	assert_open_fails(dir, &set, "symbolic link");
	assert_int_equal(unlink(key), 0);

	/* a directory others may write to */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_open_fails(dir, &set, "not yours alone");
	assert_int_equal(chmod(dir, 0700), 0);

	/* rotation repairs it all */
	assert_int_equal(ca_rotate(dir, &set, &cause), 0);
	ca_free(must_open(dir, &set, NULL));

	ca_free(ca);
	free(dir);
}

/* Sets a CA cannot be made for. */
static void
test_bad_sets(void **state)
{
	static const char *const bad[] = { "devpod.sh", "not a host", NULL };
	static const char *const ip[] = { "10.0.0.1x", "10.0.0", NULL };
	struct tt_intercept	 set;
	char			*dir, *cause = NULL;

	dir = ca_dir_of(state);
	memset(&set, 0, sizeof set);
	assert_open_fails(dir, &set, "no hosts");
	assert_int_equal(ca_rotate(dir, &set, &cause), -1);
	assert_non_null(cause);
	free(cause);
	set_fill(&set, bad);
	assert_open_fails(dir, &set, "'not a host': not a host name");
	set_fill(&set, ip);
	assert_open_fails(dir, &set, "'10.0.0': not a host name");
	free(dir);
}

#define RACERS	6

/* Several processes create the CA at once: all end with the same one. */
static void
test_race(void **state)
{
	struct tt_intercept	 set;
	struct ca		*ca;
	DIR			*d;
	struct dirent		*e;
	char			*dir, *cause = NULL, fp[CA_FINGERPRINT_LEN];
	char			 got[CA_FINGERPRINT_LEN];
	pid_t			 pids[RACERS];
	int			 go[2], out[2], i, status, n = 0;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(out), 0);
	for (i = 0; i < RACERS; i++) {
		assert_true((pids[i] = fork()) >= 0);
		if (pids[i] != 0)
			continue;
		close(go[1]);
		close(out[0]);
		if (read(go[0], fp, 1) != 0)
			_exit(1);
		if ((ca = ca_open(dir, &set, NULL, &cause)) == NULL)
			_exit(1);
		ca_fingerprint(ca, fp, sizeof fp);
		ca_free(ca);
		_exit(write(out[1], fp, sizeof fp) == sizeof fp ? 0 : 1);
	}
	close(go[0]);
	close(out[1]);
	close(go[1]);
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	ca = must_open(dir, &set, NULL);
	fingerprint_of(ca, fp);
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(read(out[0], got, sizeof got), sizeof got);
		assert_str(got, fp);
	}
	close(out[0]);
	ca_free(ca);

	/* nothing left behind but the CA and its lock */
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (strcmp(e->d_name, "ca.key") != 0 &&
		    strcmp(e->d_name, "ca.pem") != 0 &&
		    strcmp(e->d_name, "lock") != 0) {
			print_error("left behind: %s\n", e->d_name);
			fail();
		}
		n++;
	}
	closedir(d);
	assert_int_equal(n, 3);
	free(dir);
}

/* The serial of the certificate a context serves.  Caller frees. */
static BIGNUM *
served_serial(SSL_CTX *ctx)
{
	BIGNUM	*bn;

	assert_non_null(bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(
	    SSL_CTX_get0_certificate(ctx)), NULL));
	return bn;
}

/* The cache holds CA_CACHE_MAX hosts; the least recently used goes. */
static void
test_cache(void **state)
{
	struct tt_intercept	 set;
	struct ca		*ca;
	SSL_CTX			*ctx, *keep;
	SSL			*ssl;
	BIGNUM			*first, *last, *bn;
	char			*dir, *cause = NULL, host[64];
	int			 i;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);

	assert_non_null(ctx = ca_server_ctx(ca, "h0.devpod.sh", &cause));
	first = served_serial(ctx);
	assert_non_null(ssl = SSL_new(ctx));	/* outlives the eviction */
	assert_non_null(keep = ca_server_ctx(ca, "devpod.sh", &cause));
	for (i = 1; i < CA_CACHE_MAX; i++) {
		snprintf(host, sizeof host, "h%d.devpod.sh", i);
		assert_non_null(ctx = ca_server_ctx(ca, host, &cause));
		/* devpod.sh stays the most recently used but one */
		assert_ptr_equal(ca_server_ctx(ca, "devpod.sh", &cause), keep);
	}
	last = served_serial(ctx);
	/* h0 was the least recently used: made again, a new serial */
	assert_non_null(ctx = ca_server_ctx(ca, "h0.devpod.sh", &cause));
	bn = served_serial(ctx);
	assert_int_not_equal(BN_cmp(bn, first), 0);
	BN_free(bn);
	assert_ptr_equal(ca_server_ctx(ca, "devpod.sh", &cause), keep);
	/* the last host made is still there */
	snprintf(host, sizeof host, "h%d.devpod.sh", CA_CACHE_MAX - 1);
	assert_non_null(ctx = ca_server_ctx(ca, host, &cause));
	bn = served_serial(ctx);
	assert_int_equal(BN_cmp(bn, last), 0);
	BN_free(bn);
	assert_null(cause);

	assert_non_null(SSL_get_certificate(ssl));
	SSL_free(ssl);
	BN_free(first);
	BN_free(last);
	ca_free(ca);
	free(dir);
}

/* Add an extension written as in openssl.cnf to a self-signed x. */
static void
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX	 v3;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	assert_non_null(ext = X509V3_EXT_nconf_nid(NULL, &v3, nid, value));
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/*
 * Put in place of ca.key (by rename, as ca_rotate does) a CA like ours
 * for devpod.sh that ends in secs seconds.
 */
static void
install_short_ca(const char *key_path, long secs)
{
	EVP_PKEY	*key;
	X509		*x;
	FILE		*f;
	char		 tmp[700];

	assert_non_null(key = EVP_EC_gen("P-256"));
	assert_non_null(x = X509_new());
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(x),
	    "CN", MBSTRING_ASC, (const unsigned char *)"short CA", -1, -1, 0),
	    1);
	assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(x)), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -60));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), secs));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	add_ext(x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
	add_ext(x, NID_key_usage, "critical,keyCertSign,cRLSign");
	add_ext(x, NID_subject_key_identifier, "hash");
	add_ext(x, NID_name_constraints, "critical,permitted;DNS:devpod.sh,"
	    "excluded;IP:0.0.0.0/0.0.0.0,excluded;IP:::/::");
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);

	snprintf(tmp, sizeof tmp, "%s.test", key_path);
	assert_non_null(f = fopen(tmp, "w"));
	assert_int_equal(chmod(tmp, 0600), 0);
	assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL,
	    NULL), 1);
	assert_int_equal(PEM_write_X509(f, x), 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, key_path), 0);
	X509_free(x);
	EVP_PKEY_free(key);
}

/* A leaf never outlives its CA, and one near its end is minted again. */
static void
test_leaf_renewed(void **state)
{
	struct tt_intercept	 set;
	struct ca		*ca;
	SSL_CTX			*ctx;
	BIGNUM			*first, *bn;
	struct tm		 tm;
	char			*dir, *cause = NULL;
	int			 remade = 0;

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);
	install_short_ca(ca_key_path(ca), 12 * 3600);
	assert_int_equal(ca_check_reload(ca, &cause), 1);
	assert_null(cause);
	assert_true(ca_covers(ca, "devpod.sh"));
	assert_false(ca_covers(ca, "telemetry.example.net"));

	assert_int_equal(verify_served(ca, "devpod.sh", ca_pem(ca)), X509_V_OK);
	/* (that context is gone now: each call makes a new one, see below) */
	assert_non_null(ctx = ca_server_ctx(ca, "devpod.sh", &cause));
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notAfter(
	    SSL_CTX_get0_certificate(ctx)), &tm), 1);
	assert_true(timegm(&tm) <= time(NULL) + 12 * 3600);
	first = served_serial(ctx);
	/* less than a day left: every call mints anew */
	assert_non_null(ctx = ca_server_ctx(ca, "devpod.sh", &cause));
	bn = served_serial(ctx);
	assert_int_not_equal(BN_cmp(bn, first), 0);
	BN_free(bn);
	BN_free(first);
	ca_free(ca);

	/* a CA this close to its end is replaced by the next ca_open */
	ca = must_open(dir, &set, &remade);
	assert_int_equal(remade, 1);
	assert_true(ca_covers(ca, "telemetry.example.net"));
	ca_free(ca);
	free(dir);
}

/* One handshake step of one end: 1 done, 0 wants more, -1 failed. */
static int
step(SSL *ssl)
{
	int	rc;

	if ((rc = SSL_do_handshake(ssl)) == 1)
		return 1;
	return SSL_get_error(ssl, rc) == SSL_ERROR_WANT_READ ? 0 : -1;
}

/* Run both ends of a handshake over their BIO pair until both are done. */
static int
handshake(SSL *client, SSL *server)
{
	int	i, c = 0, s = 0;

	for (i = 0; i < 100 && (c != 1 || s != 1); i++) {
		if (c != 1 && (c = step(client)) < 0)
			return -1;
		if (s != 1 && (s = step(server)) < 0)
			return -1;
	}
	return c == 1 && s == 1 ? 0 : -1;
}

/*
 * A TLS client trusting only the CA, connecting to host with SNI and
 * offering alpn (wire format, or NULL): 0 if the handshake and a message
 * went through; *proto gets the ALPN chosen ("" for none).
 */
static int
tls_session(struct ca *ca, const char *host, const char *sni,
    const unsigned char *alpn, unsigned alpnlen, char *proto, size_t len)
{
	SSL_CTX			*cctx, *sctx;
	SSL			*client, *server;
	BIO			*cb, *sb;
	X509			*ca_cert;
	const unsigned char	*sel;
	unsigned int		 sellen;
	char			*cause = NULL, buf[16], name[256];
	int			 rc = -1;

	assert_non_null(sctx = ca_server_ctx(ca, host, &cause));
	assert_non_null(cctx = SSL_CTX_new(TLS_client_method()));
	ca_cert = pem_cert(ca_pem(ca));
	assert_int_equal(X509_STORE_add_cert(SSL_CTX_get_cert_store(cctx),
	    ca_cert), 1);
	X509_free(ca_cert);
	SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);

	assert_non_null(client = SSL_new(cctx));
	assert_non_null(server = SSL_new(sctx));
	assert_int_equal(BIO_new_bio_pair(&cb, 0, &sb, 0), 1);
	SSL_set_bio(client, cb, cb);
	SSL_set_bio(server, sb, sb);
	SSL_set_connect_state(client);
	SSL_set_accept_state(server);
	/* a copy: the macro casts its argument to void * */
	snprintf(name, sizeof name, "%s", sni);
	assert_int_equal(SSL_set_tlsext_host_name(client, name), 1);
	assert_int_equal(SSL_set1_host(client, sni), 1);
	if (alpn != NULL)
		assert_int_equal(SSL_set_alpn_protos(client, alpn, alpnlen), 0);

	if (handshake(client, server) != 0)
		goto out;
	assert_int_equal(SSL_get_verify_result(client), X509_V_OK);
	assert_true(SSL_version(client) >= TLS1_2_VERSION);
	/* the server sent its leaf and the CA */
	assert_int_equal(sk_X509_num(SSL_get_peer_cert_chain(client)), 2);
	SSL_get0_alpn_selected(client, &sel, &sellen);
	snprintf(proto, len, "%.*s", (int)sellen, sel != NULL ?
	    (const char *)sel : "");
	assert_int_equal(SSL_write(client, "ping", 4), 4);
	assert_int_equal(SSL_read(server, buf, sizeof buf), 4);
	assert_memory_equal(buf, "ping", 4);
	rc = 0;
out:
	ERR_clear_error();
	SSL_free(client);
	SSL_free(server);
	SSL_CTX_free(cctx);
	return rc;
}

/* A real handshake in memory, with ALPN http/1.1 chosen over h2. */
static void
test_tls(void **state)
{
	static const unsigned char	both[] = "\x02h2\x08http/1.1";
	static const unsigned char	h2[] = "\x02h2";
	struct tt_intercept		set;
	struct ca			*ca;
	char				*dir, proto[32];

	dir = ca_dir_of(state);
	set_fill(&set, two_hosts);
	ca = must_open(dir, &set, NULL);

	assert_int_equal(tls_session(ca, "devpod.sh", "devpod.sh", both,
	    sizeof both - 1, proto, sizeof proto), 0);
	assert_str(proto, "http/1.1");
	/* h2 only: no ALPN, the handshake still succeeds */
	assert_int_equal(tls_session(ca, "devpod.sh", "devpod.sh", h2,
	    sizeof h2 - 1, proto, sizeof proto), 0);
	assert_str(proto, "");
	/* no ALPN at all */
	assert_int_equal(tls_session(ca, "telemetry.example.net",
	    "telemetry.example.net", NULL, 0, proto, sizeof proto), 0);
	assert_str(proto, "");
	/* a certificate for another name than the client wants fails */
	assert_int_equal(tls_session(ca, "devpod.sh", "telemetry.example.net",
	    both, sizeof both - 1, proto, sizeof proto), -1);

	ca_free(ca);
	free(dir);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_dir),
		T(test_create),
		T(test_reopen),
		T(test_leaf),
		T(test_not_covered),
		T(test_forged),
		T(test_remade),
		T(test_rotate),
		T(test_key_refused),
		T(test_bad_sets),
		T(test_race),
		T(test_cache),
		T(test_leaf_renewed),
		T(test_tls),
	};
#undef T

	return cmocka_run_group_tests_name("ca", tests, NULL, NULL);
}
