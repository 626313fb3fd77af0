/*
 * Unit tests for core/hosts.c: the built-in table, adding and finding
 * hosts (case folding, the dot at the end, a full set), host name rules,
 * CONNECT targets (names, IPv4, IPv6 in brackets, ports), and
 * Proxy-Authorization (Bearer, Basic with any user and with a colon in
 * the token, wrong tokens, bad base64).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <stdio.h>
#include <string.h>

#include "core/hosts.h"

#define TOK	"00112233445566778899aabbccddeeff" \
		"0123456789abcdef0123456789abcdef"

/* An authority that parses to want_host and want_port. */
#define assert_authority(s, want_host, want_port) do {			\
	char		 h_[TT_HOST_MAX + 1];				\
	const char	*y_ = NULL;					\
	int		 p_ = -1;					\
	if (tt_authority_parse((s), h_, sizeof h_, &p_, &y_) != 0) {	\
		print_error("\"%s\" refused: %s\n", (s), y_);		\
		fail();							\
	}								\
	assert_str(h_, (want_host));					\
	assert_int_equal(p_, (want_port));				\
	assert_null(y_);						\
} while (0)

/* An authority refused with a reason containing want_why. */
#define assert_bad_authority(s, want_why) do {				\
	char		 h_[TT_HOST_MAX + 1] = "x";			\
	const char	*y_ = NULL;					\
	int		 p_ = -1;					\
	if (tt_authority_parse((s), h_, sizeof h_, &p_, &y_) != -1) {	\
		print_error("\"%s\" accepted as %s port %d\n", (s), h_,	\
		    p_);						\
		fail();							\
	}								\
	assert_non_null(y_);						\
	if (strstr(y_, (want_why)) == NULL) {				\
		print_error("\"%s\": \"%s\", expected \"%s\"\n", (s),	\
		    y_, (want_why));					\
		fail();							\
	}								\
	assert_str(h_, "");						\
	assert_int_equal(p_, 0);					\
} while (0)

/* base64 of n bytes of s into out (big enough). */
static void
b64(const char *s, size_t n, char *out)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, o = 0;
	uint32_t		 v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
}

/* "Basic " and the base64 of user:pass.  Caller frees. */
static char *
basic(const char *user, const char *pass)
{
	char	*cred, *v;
	size_t	 n = strlen(user) + 1 + strlen(pass);

	cred = malloc(n + 1);
	v = malloc(6 + 4 * (n / 3 + 1) + 1);
	assert_non_null(cred);
	assert_non_null(v);
	snprintf(cred, n + 1, "%s:%s", user, pass);
	memcpy(v, "Basic ", 6);
	b64(cred, n, v + 6);
	free(cred);
	return v;
}

/* The table: what the task lists, lower case, valid, builtin. */
static void
test_builtin(void **state)
{
	static const struct {
		const char	*name;
		enum tt_source	 source;
	} want[] = {
		{ "analytics.loft.rocks", TT_SRC_DEVPOD },
		{ "admin.loft.sh", TT_SRC_DEVPOD },
		{ "telemetry.devtron.ai", TT_SRC_DEVTRON },
		{ "us.i.posthog.com", TT_SRC_POSTHOG },
		{ "eu.i.posthog.com", TT_SRC_POSTHOG },
		{ "app.posthog.com", TT_SRC_POSTHOG },
	};
	struct tt_intercept	 ic;
	const struct tt_host	*h;
	size_t			 i, j;

	(void)state;
	assert_int_equal(tt_hosts_builtin_count, sizeof want / sizeof want[0]);
	tt_intercept_init(&ic);
	assert_int_equal(ic.n, tt_hosts_builtin_count);
	for (i = 0; i < tt_hosts_builtin_count; i++) {
		h = &tt_hosts_builtin[i];
		assert_str(h->name, want[i].name);
		assert_int_equal(h->source, want[i].source);
		assert_true(h->builtin);
		assert_non_null(h->what);
		assert_true(tt_host_valid(h->name));
		for (j = 0; h->name[j] != '\0'; j++)
			assert_false(h->name[j] >= 'A' && h->name[j] <= 'Z');
		assert_ptr_equal(tt_intercept_find(&ic, h->name), &ic.host[i]);
		assert_memory_equal(&ic.host[i], h, sizeof *h);
	}
	assert_null(tt_intercept_find(&ic, "us.posthog.com"));
	assert_null(tt_intercept_find(&ic, "telemetry.werf.io"));
}

/* Lookups: any case, one dot at the end, whole names only. */
static void
test_find(void **state)
{
	struct tt_intercept	 ic;
	const struct tt_host	*h;

	(void)state;
	tt_intercept_init(&ic);
	h = tt_intercept_find(&ic, "Analytics.Loft.Rocks.");
	assert_non_null(h);
	assert_str(h->name, "analytics.loft.rocks");
	assert_int_equal(h->source, TT_SRC_DEVPOD);
	assert_non_null(tt_intercept_find(&ic, "US.I.POSTHOG.COM"));
	assert_non_null(tt_intercept_find(&ic, "admin.loft.sh."));

	assert_null(tt_intercept_find(&ic, "analytics.loft.rocks.."));
	assert_null(tt_intercept_find(&ic, ".analytics.loft.rocks"));
	assert_null(tt_intercept_find(&ic, "x.analytics.loft.rocks"));
	assert_null(tt_intercept_find(&ic, "loft.rocks"));
	assert_null(tt_intercept_find(&ic, "analytics.loft.rock"));
	assert_null(tt_intercept_find(&ic, "analytics.loft.rocksx"));
	assert_null(tt_intercept_find(&ic, "analytics.loft.rocks:443"));
	assert_null(tt_intercept_find(&ic, ""));
	assert_null(tt_intercept_find(&ic, "."));
	assert_null(tt_intercept_find(&ic, NULL));
	assert_null(tt_intercept_find(NULL, "admin.loft.sh"));
}

/* Adding: validated, lower-cased, once, until the set is full. */
static void
test_add(void **state)
{
	struct tt_intercept	 ic;
	const struct tt_host	*h;
	const char		*why;
	char			 name[32];
	size_t			 i, n;

	(void)state;
	tt_intercept_init(&ic);
	why = NULL;
	assert_int_equal(tt_intercept_add(&ic, "Telemetry.Example.ORG.",
	    TT_SRC_GENERIC, &why), 0);
	assert_null(why);
	assert_int_equal(ic.n, tt_hosts_builtin_count + 1);
	h = tt_intercept_find(&ic, "telemetry.example.org");
	assert_non_null(h);
	assert_str(h->name, "telemetry.example.org");
	assert_int_equal(h->source, TT_SRC_GENERIC);
	assert_false(h->builtin);
	assert_non_null(h->what);

	/* Already there, in another case: no second row, first one kept. */
	assert_int_equal(tt_intercept_add(&ic, "TELEMETRY.example.org",
	    TT_SRC_WERF, &why), 0);
	assert_int_equal(ic.n, tt_hosts_builtin_count + 1);
	assert_int_equal(h->source, TT_SRC_GENERIC);
	assert_int_equal(tt_intercept_add(&ic, "us.i.posthog.com",
	    TT_SRC_DEVSY, &why), 0);
	assert_int_equal(ic.n, tt_hosts_builtin_count + 1);
	assert_int_equal(tt_intercept_find(&ic, "us.i.posthog.com")->source,
	    TT_SRC_POSTHOG);

	/* Refused, with a reason, the set unchanged. */
	why = NULL;
	assert_int_equal(tt_intercept_add(&ic, "1.2.3.4", TT_SRC_GENERIC,
	    &why), -1);
	assert_non_null(strstr(why, "IP address"));
	why = NULL;
	assert_int_equal(tt_intercept_add(&ic, "localhost", TT_SRC_GENERIC,
	    &why), -1);
	assert_non_null(strstr(why, "two labels"));
	why = NULL;
	assert_int_equal(tt_intercept_add(&ic, "a.example.org",
	    TT_SRC_COUNT, &why), -1);
	assert_non_null(strstr(why, "source"));
	why = NULL;
	assert_int_equal(tt_intercept_add(&ic, NULL, TT_SRC_GENERIC, &why),
	    -1);
	assert_non_null(why);
	assert_int_equal(tt_intercept_add(&ic, "bad host.org",
	    TT_SRC_GENERIC, NULL), -1);
	assert_int_equal(ic.n, tt_hosts_builtin_count + 1);

	/* Fill it up. */
	n = ic.n;
	for (i = n; i < TT_INTERCEPT_MAX; i++) {
		snprintf(name, sizeof name, "h%zu.example.net", i);
		assert_int_equal(tt_intercept_add(&ic, name, TT_SRC_GENERIC,
		    &why), 0);
	}
	assert_int_equal(ic.n, TT_INTERCEPT_MAX);
	why = NULL;
	assert_int_equal(tt_intercept_add(&ic, "one.more.example.net",
	    TT_SRC_GENERIC, &why), -1);
	assert_non_null(strstr(why, "too many"));
	assert_int_equal(ic.n, TT_INTERCEPT_MAX);
	/* A host already there is still fine when full. */
	assert_int_equal(tt_intercept_add(&ic, "H20.example.net",
	    TT_SRC_GENERIC, &why), 0);
	assert_int_equal(tt_intercept_add(&ic, "admin.loft.sh",
	    TT_SRC_GENERIC, &why), 0);
	snprintf(name, sizeof name, "h%d.example.net", TT_INTERCEPT_MAX - 1);
	assert_non_null(tt_intercept_find(&ic, name));
	assert_null(tt_intercept_find(&ic, "one.more.example.net"));
}

/* Host names: the DNS rules, no IP addresses, lengths. */
static void
test_host_valid(void **state)
{
	char	buf[300];

	(void)state;
	assert_true(tt_host_valid("example.com"));
	assert_true(tt_host_valid("Example.COM"));
	assert_true(tt_host_valid("example.com."));
	assert_true(tt_host_valid("a-b.c-d.example"));
	assert_true(tt_host_valid("123.example.com"));
	assert_true(tt_host_valid("x.1a"));
	assert_true(tt_host_valid("xn--bcher-kva.example"));
	assert_true(tt_host_valid("a.b"));

	assert_false(tt_host_valid(NULL));
	assert_false(tt_host_valid(""));
	assert_false(tt_host_valid("."));
	assert_false(tt_host_valid("example"));
	assert_false(tt_host_valid("example."));
	assert_false(tt_host_valid("example.com.."));
	assert_false(tt_host_valid(".example.com"));
	assert_false(tt_host_valid("a..example.com"));
	assert_false(tt_host_valid("-a.example.com"));
	assert_false(tt_host_valid("a-.example.com"));
	assert_false(tt_host_valid("a.example.com-"));
	assert_false(tt_host_valid("a_b.example.com"));
	assert_false(tt_host_valid("a b.example.com"));
	assert_false(tt_host_valid("user@example.com"));
	assert_false(tt_host_valid("example.com/x"));
	assert_false(tt_host_valid("example.com:443"));
	assert_false(tt_host_valid("ex\tample.com"));
	assert_false(tt_host_valid("ex\x7f" "ample.com"));
	assert_false(tt_host_valid("b\xc3\xbc" "cher.example"));
	assert_false(tt_host_valid("1.2.3.4"));
	assert_false(tt_host_valid("1.2.3.4."));
	assert_false(tt_host_valid("127.1"));
	assert_false(tt_host_valid("1.0x7f"));
	assert_false(tt_host_valid("1.0X7F"));
	assert_false(tt_host_valid("::1"));
	assert_false(tt_host_valid("[::1]"));

	/* A label of 63 bytes passes, 64 does not. */
	memset(buf, 'a', 63);
	strcpy(buf + 63, ".example");
	assert_true(tt_host_valid(buf));
	memset(buf, 'a', 64);
	strcpy(buf + 64, ".example");
	assert_false(tt_host_valid(buf));

	/* 253 bytes pass (254 with the dot), 254 do not. */
	memset(buf, 'a', 63);
	buf[63] = '.';
	memset(buf + 64, 'b', 63);
	buf[127] = '.';
	memset(buf + 128, 'c', 63);
	buf[191] = '.';
	memset(buf + 192, 'd', 61);
	buf[253] = '\0';
	assert_int_equal(strlen(buf), 253);
	assert_true(tt_host_valid(buf));
	buf[253] = '.';
	buf[254] = '\0';
	assert_true(tt_host_valid(buf));
	buf[253] = 'd';
	assert_false(tt_host_valid(buf));
}

/* CONNECT targets that parse. */
static void
test_authority(void **state)
{
	(void)state;
	assert_authority("analytics.loft.rocks:443", "analytics.loft.rocks",
	    443);
	assert_authority("Analytics.Loft.Rocks.:443", "analytics.loft.rocks",
	    443);
	assert_authority("US.I.PostHog.com:8443", "us.i.posthog.com", 8443);
	assert_authority("localhost:1", "localhost", 1);
	assert_authority("10.0.0.7:65535", "10.0.0.7", 65535);
	assert_authority("my_host.internal:443", "my_host.internal", 443);
	assert_authority("[::1]:443", "::1", 443);
	assert_authority("[2001:DB8::A]:443", "2001:db8::a", 443);
	assert_authority("[::ffff:127.0.0.1]:80", "::ffff:127.0.0.1", 80);
	assert_authority("example.com:0443", "example.com", 443);
}

/* CONNECT targets that do not. */
static void
test_authority_bad(void **state)
{
	char		 h[TT_HOST_MAX + 1], small[8], buf[300];
	const char	*why;
	int		 port;

	(void)state;
	assert_bad_authority("", "empty");
	assert_bad_authority("example.com", "no port");
	assert_bad_authority("example.com:", "no port");
	assert_bad_authority(":443", "empty host");
	assert_bad_authority(".:443", "empty host");
	assert_bad_authority("example..com:443", "empty label");
	assert_bad_authority("example.com..:443", "empty label");
	assert_bad_authority("example.com:0", "range");
	assert_bad_authority("example.com:00000", "range");
	assert_bad_authority("example.com:65536", "range");
	assert_bad_authority("example.com:99999", "range");
	assert_bad_authority("example.com:100000", "range");
	assert_bad_authority("example.com:4294967739", "range");
	assert_bad_authority("example.com:-1", "not a number");
	assert_bad_authority("example.com:+443", "not a number");
	assert_bad_authority("example.com: 443", "not a number");
	assert_bad_authority("example.com:443 ", "not a number");
	assert_bad_authority("example.com:0x1bb", "not a number");
	assert_bad_authority("example.com:https", "not a number");
	assert_bad_authority("example.com:443:443", "brackets");
	assert_bad_authority("::1:443", "brackets");
	assert_bad_authority("[::1]", "no port");
	assert_bad_authority("[::1]443", "no port");
	assert_bad_authority("[::1]:", "no port");
	assert_bad_authority("[::1:443", "without ']'");
	assert_bad_authority("[]:443", "IPv6");
	assert_bad_authority("[example.com]:443", "IPv6");
	assert_bad_authority("[1.2.3.4]:443", "IPv6");
	assert_bad_authority("[fe80::1%25eth0]:443", "IPv6");
	assert_bad_authority("[::1]x:443", "no port");
	assert_bad_authority("exa mple.com:443", "byte");
	assert_bad_authority(" example.com:443", "byte");
	assert_bad_authority("user@example.com:443", "byte");
	assert_bad_authority("example.com/x:443", "byte");
	assert_bad_authority("http://example.com:443", "brackets");
	assert_bad_authority("exa\rmple.com:443", "byte");
	assert_bad_authority("exa\x01mple.com:443", "byte");
	assert_bad_authority("-example.com:443", "'-'");

	/* Too long: a label over 63, a name over 253, a small buffer. */
	memset(buf, 'a', 64);
	strcpy(buf + 64, ".com:443");
	assert_bad_authority(buf, "63");
	memset(buf, 'a', 260);
	memcpy(buf + 60, ".", 1);
	memcpy(buf + 120, ".", 1);
	memcpy(buf + 180, ".", 1);
	memcpy(buf + 240, ".", 1);
	strcpy(buf + 260, ":443");
	assert_bad_authority(buf, "253");
	why = NULL;
	assert_int_equal(tt_authority_parse("example.com:443", small,
	    sizeof small, &port, &why), -1);
	assert_non_null(why);
	assert_str(small, "");
	assert_int_equal(tt_authority_parse("abcdefgh:443", small,
	    sizeof small, &port, NULL), -1);
	assert_int_equal(tt_authority_parse("abcdefg:443", small,
	    sizeof small, &port, NULL), 0);
	assert_str(small, "abcdefg");

	/* NULLs. */
	assert_int_equal(tt_authority_parse(NULL, h, sizeof h, &port, &why),
	    -1);
	assert_int_equal(tt_authority_parse("a.b:1", NULL, 0, &port, &why),
	    -1);
	assert_int_equal(tt_authority_parse("a.b:1", h, sizeof h, NULL, &why),
	    -1);
}

/* Bearer: the scheme in any case, spaces around, exact token only. */
static void
test_auth_bearer(void **state)
{
	(void)state;
	assert_true(tt_proxy_auth_ok("Bearer " TOK, TOK));
	assert_true(tt_proxy_auth_ok("bearer " TOK, TOK));
	assert_true(tt_proxy_auth_ok("BEARER " TOK, TOK));
	assert_true(tt_proxy_auth_ok("  Bearer \t " TOK " \t", TOK));
	assert_true(tt_proxy_auth_ok("Bearer s3cret", "s3cret"));

	assert_false(tt_proxy_auth_ok("Bearer " TOK "0", TOK));
	assert_false(tt_proxy_auth_ok("Bearer 0" TOK, TOK));
	assert_false(tt_proxy_auth_ok("Bearer " TOK, TOK "0"));
	assert_false(tt_proxy_auth_ok("Bearer s3creT", "s3cret"));
	assert_false(tt_proxy_auth_ok("Bearer s3cre", "s3cret"));
	assert_false(tt_proxy_auth_ok("Bearer s3cret x", "s3cret"));
	assert_false(tt_proxy_auth_ok("Bearer", "s3cret"));
	assert_false(tt_proxy_auth_ok("Bearer ", "s3cret"));
	assert_false(tt_proxy_auth_ok("Bearers3cret", "s3cret"));
	assert_false(tt_proxy_auth_ok("Beare s3cret", "s3cret"));
	assert_false(tt_proxy_auth_ok("Token s3cret", "s3cret"));
	assert_false(tt_proxy_auth_ok("s3cret", "s3cret"));
	assert_false(tt_proxy_auth_ok("", "s3cret"));
	assert_false(tt_proxy_auth_ok(NULL, "s3cret"));
	assert_false(tt_proxy_auth_ok("Bearer s3cret", NULL));
	assert_false(tt_proxy_auth_ok("Bearer ", ""));
	assert_false(tt_proxy_auth_ok("Bearer x", ""));
}

/* Basic: any user, the token after the first colon. */
static void
test_auth_basic(void **state)
{
	char	*v;

	(void)state;
	v = basic("teltop", TOK);
	assert_true(tt_proxy_auth_ok(v, TOK));
	assert_false(tt_proxy_auth_ok(v, "teltop"));
	v[0] = 'b';
	v[2] = 'S';
	assert_true(tt_proxy_auth_ok(v, TOK));	/* bASic */
	free(v);
	v = basic("", TOK);
	assert_true(tt_proxy_auth_ok(v, TOK));
	free(v);
	v = basic("anyone at all", TOK);
	assert_true(tt_proxy_auth_ok(v, TOK));
	free(v);

	/* What curl sends for http://teltop:s3cret@127.0.0.1:8353. */
	assert_true(tt_proxy_auth_ok("Basic dGVsdG9wOnMzY3JldA==", "s3cret"));
	/* Padding may be left out. */
	assert_true(tt_proxy_auth_ok("Basic dGVsdG9wOnMzY3JldA", "s3cret"));
	assert_true(tt_proxy_auth_ok(" Basic   dGVsdG9wOnMzY3JldA== ",
	    "s3cret"));

	/* A colon in the token: the user ends at the first one. */
	v = basic("u", "a:b:c");
	assert_true(tt_proxy_auth_ok(v, "a:b:c"));
	assert_false(tt_proxy_auth_ok(v, "b:c"));
	assert_false(tt_proxy_auth_ok(v, "c"));
	free(v);
	v = basic("u", ":");
	assert_true(tt_proxy_auth_ok(v, ":"));
	free(v);

	/* Wrong tokens. */
	v = basic("teltop", "s3cre");
	assert_false(tt_proxy_auth_ok(v, "s3cret"));
	free(v);
	v = basic("teltop", "s3crett");
	assert_false(tt_proxy_auth_ok(v, "s3cret"));
	free(v);
	v = basic("teltop", "");
	assert_false(tt_proxy_auth_ok(v, "s3cret"));
	assert_false(tt_proxy_auth_ok(v, ""));
	free(v);
	v = basic("s3cret", "x");	/* the token as user is not enough */
	assert_false(tt_proxy_auth_ok(v, "s3cret"));
	free(v);
	/* No colon at all: "s3cret". */
	assert_false(tt_proxy_auth_ok("Basic czNjcmV0", "s3cret"));
	/* The token as Bearer in a Basic header and the other way round. */
	assert_false(tt_proxy_auth_ok("Basic s3cret", "s3cret"));
	assert_false(tt_proxy_auth_ok("Bearer dGVsdG9wOnMzY3JldA==",
	    "s3cret"));
	/* A NUL in the password stops nothing: "u:s3cret\0" is not it. */
	assert_false(tt_proxy_auth_ok("Basic dTpzM2NyZXQA", "s3cret"));
}

/* Basic with what is not base64, or too much of it. */
static void
test_auth_basic_bad(void **state)
{
	char	*big, *v;
	size_t	 n = 2000;

	(void)state;
	assert_false(tt_proxy_auth_ok("Basic", "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic ", "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic ====", "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic =", "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic dGVsdG9wOnMzY3JldA=", "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic dGVsdG9wOnMzY3JldA===",
	    "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic dGVsdG9w=OnMzY3JldA==",
	    "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic dGVsdG9wOnMzY3JldA==x",
	    "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic dGVsdG9w OnMzY3JldA==",
	    "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic dGVsdG9wOnMzY3JldA-=",
	    "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic dGVsdG9wOnMzY3JldA_=",
	    "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic d", "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic dGVsd", "s3cret"));
	assert_false(tt_proxy_auth_ok("Basic \x80\x81\x82\x83", "s3cret"));

	/* Longer than a credential may be: refused, not overrun. */
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	v = basic("u", big);
	assert_false(tt_proxy_auth_ok(v, big));
	free(v);
	big[900] = '\0';
	v = basic("u", big);
	assert_true(tt_proxy_auth_ok(v, big));
	free(v);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_host_valid),
		cmocka_unit_test(test_authority),
		cmocka_unit_test(test_authority_bad),
		cmocka_unit_test(test_auth_bearer),
		cmocka_unit_test(test_auth_basic),
		cmocka_unit_test(test_auth_basic_bad),
	};

	return cmocka_run_group_tests_name("hosts", tests, NULL, NULL);
}
