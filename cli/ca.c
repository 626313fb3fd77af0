/*
 * `teltop ca show | path | rotate`: the local CA that capture's
 * certificates come from (ws/ca.c).  show and path make it on first use
 * for the built-in host table; rotate replaces it by a new one that
 * permits the same hosts (the table, plus any the old CA permitted, such
 * as --intercept hosts a collector added), which a running collector
 * loads at its next CONNECT.  Nothing here prints the private key.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hosts.h"
#include "core/xmalloc.h"
#include "ws/ca.h"
#include "cli.h"

/* Whether dir holds a CA key file yet. */
static int
ca_exists(const char *dir)
{
	char	*key;
	int	 yes;

	key = xasprintf("%s/%s", dir, CA_KEY_FILE);
	yes = access(key, F_OK) == 0;
	free(key);
	return yes;
}

/* The CA directory, or NULL after saying why. */
static char *
ca_where(void)
{
	char	*dir;

	if ((dir = ca_default_dir()) == NULL)
		fprintf(stderr, "teltop ca: no home directory for the CA: set "
		    "HOME or XDG_DATA_HOME\n");
	return dir;
}

/* Open the CA for the built-in hosts, making it if need be; *made says. */
static struct ca *
ca_get(const char *dir, int *made, int *remade)
{
	struct tt_intercept	 set;
	struct ca		*ca;
	char			*cause = NULL;

	*made = !ca_exists(dir);
	tt_intercept_init(&set);
	if ((ca = ca_open(dir, &set, remade, &cause)) == NULL) {
		fprintf(stderr, "teltop ca: %s\n", cause);
		free(cause);
	}
	return ca;
}

/* Print where the CA is, what it is, and how to trust it. */
static int
show(void)
{
	struct ca_facts	 f;
	struct ca	*ca;
	char		*dir, fp[CA_FINGERPRINT_LEN];
	size_t		 i;
	int		 made, remade;

	if ((dir = ca_where()) == NULL)
		return 1;
	if ((ca = ca_get(dir, &made, &remade)) == NULL) {
		free(dir);
		return 1;
	}
	ca_fingerprint(ca, fp, sizeof fp);
	ca_facts(ca, &f);
	if (made)
		printf("(made now: this machine had no teltop CA)\n\n");
	else if (remade)
		printf("(made anew: the old CA did not cover every built-in "
		    "host, or was about to expire;\nclients that trusted it "
		    "must trust this one)\n\n");
	printf("directory    %s\n", ca_dir(ca));
	printf("certificate  %s\n", ca_cert_path(ca));
	printf("private key  %s (mode 0600, stays on this machine)\n",
	    ca_key_path(ca));
	printf("SHA-256      %s\n", fp);
	printf("subject      %s\n", f.subject);
	printf("valid        %s to %s\n", f.not_before, f.not_after);
	printf("permitted    ");
	for (i = 0; i < f.npermitted; i++)
		printf("%s%s\n", i == 0 ? "" : "             ", f.permitted[i]);
	printf("             (and names below them; never an IP address: "
	    "its name constraints\n             forbid every other "
	    "certificate, even to whoever holds its key)\n");
	printf("\nTo trust it system-wide (Debian, Ubuntu; as root):\n"
	    "  cp \"$(teltop ca path)\" /usr/local/share/ca-certificates/"
	    "teltop.crt && update-ca-certificates\n"
	    "For one process only, run the tool under `teltop capture`, "
	    "which trusts it\nfor that tool alone.\n");
	ca_free(ca);
	free(dir);
	return 0;
}

/* Print the certificate's path, for scripts. */
static int
path(void)
{
	struct ca	*ca;
	char		*dir;
	int		 made, remade;

	if ((dir = ca_where()) == NULL)
		return 1;
	if ((ca = ca_get(dir, &made, &remade)) == NULL) {
		free(dir);
		return 1;
	}
	printf("%s\n", ca_cert_path(ca));
	ca_free(ca);
	free(dir);
	return 0;
}

/* Replace the CA by a new one for the same hosts; print its fingerprint. */
static int
rotate(void)
{
	struct tt_intercept	 set;
	struct ca_facts		 f;
	struct ca		*ca;
	const char		*why;
	char			*dir, *cause = NULL, fp[CA_FINGERPRINT_LEN];
	size_t			 i;

	if ((dir = ca_where()) == NULL)
		return 1;
	tt_intercept_init(&set);
	/* Keep what the old CA permitted beyond the table. */
	if (!ca_exists(dir))
		ca = NULL;
	else if ((ca = ca_open(dir, &set, NULL, &cause)) != NULL) {
		ca_facts(ca, &f);
		for (i = 0; i < f.npermitted; i++)
			if (tt_intercept_add(&set, f.permitted[i],
			    TT_SRC_GENERIC, &why) != 0)
				fprintf(stderr, "teltop ca: %s is dropped: "
				    "%s\n", f.permitted[i], why);
		ca_free(ca);
	} else {
		fprintf(stderr, "teltop ca: the old CA cannot be read (%s): "
		    "the new one permits the built-in hosts only\n", cause);
		free(cause);
		cause = NULL;
	}
	if (ca_rotate(dir, &set, &cause) != 0 ||
	    (ca = ca_open(dir, &set, NULL, &cause)) == NULL) {
		fprintf(stderr, "teltop ca: %s\n", cause);
		free(cause);
		free(dir);
		return 1;
	}
	ca_fingerprint(ca, fp, sizeof fp);
	printf("a new CA replaced the old one in %s\n", ca_dir(ca));
	printf("SHA-256      %s\n", fp);
	printf("\nA running collector picks it up at its next CONNECT.  "
	    "Clients that trusted the\nold CA must trust this one instead "
	    "(`teltop ca show` says how); `teltop\ncapture` does so by "
	    "itself.\n");
	ca_free(ca);
	free(dir);
	return 0;
}

/* Run `teltop ca VERB`. */
int
cmd_ca(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("ca");
	const char	*verb;
	int		 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("usage: %s\n\nWhen teltop captures a tool's "
			    "HTTPS telemetry, it answers for the\n"
			    "intercepted hosts with certificates from a "
			    "local CA, made on first use in\n"
			    "$XDG_DATA_HOME/teltop/ca (else "
			    "~/.local/share/teltop/ca).  Its name\n"
			    "constraints let it vouch for those hosts only, "
			    "never for another site.\n\n"
			    "  show    where it is, its SHA-256 fingerprint, "
			    "validity and hosts, how to\n"
			    "          trust it\n"
			    "  path    the certificate's path only, for "
			    "scripts\n"
			    "  rotate  a new CA for the same hosts; clients "
			    "must trust it anew\n", usage);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	if (optind >= argc)
		cli_usage_error(usage, "say show, path or rotate");
	verb = argv[optind++];
	cli_no_more_args(usage, argc, argv);
	if (strcmp(verb, "show") == 0)
		return show();
	if (strcmp(verb, "path") == 0)
		return path();
	if (strcmp(verb, "rotate") == 0)
		return rotate();
	cli_usage_error(usage, "unknown action '%s'", verb);
}
