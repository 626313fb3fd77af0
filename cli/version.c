/*
 * teltop --version, teltop version: the version built (git describe at
 * build time, or the VERSION file of a tarball) and the versions of the
 * libraries it runs with, as they report themselves at run time.
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>
#include <curl/curl.h>
#include <curses.h>
#include <libwebsockets.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <zlib.h>
#include <zstd.h>

#include "tui/theme.h"
#include "version.h"
#include "cli.h"

const char *
cli_version(void)
{
	return TELTOP_VERSION;
}

int
cmd_version(int argc, char **argv)
{
	char	themes[32][64];
	size_t	i, n;

	if (argc > 1 && strcmp(argv[1], "--help") != 0 &&
	    strcmp(argv[1], "-h") != 0) {
		fprintf(stderr, "teltop: version takes no arguments\n");
		return 2;
	}
	if (argc > 1) {
		printf("usage: teltop version (or teltop --version)\n\nThe "
		    "version of teltop and of the libraries it runs with.\n");
		return 0;
	}
	printf("teltop %s\n", TELTOP_VERSION);
	printf("  libwebsockets %s\n", lws_get_library_version());
	printf("  SQLite %s\n", sqlite3_libversion());
	printf("  cJSON %s\n", cJSON_Version());
	printf("  %s\n", curses_version());	/* "ncurses 6.4.20221231" */
	printf("  OpenSSL %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
	printf("  zstd %s\n", ZSTD_versionString());
	printf("  zlib %s\n", zlibVersion());
	printf("  libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
	n = tui_theme_list(themes, 32);
	printf("themes:");
	for (i = 0; i < n; i++)
		printf("%s %s", i > 0 ? "," : "", themes[i]);
	printf("\n");
	return 0;
}
