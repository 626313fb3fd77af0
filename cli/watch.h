/*
 * The UI on a collector elsewhere (watch.c): `teltop watch URL`, and an
 * attached `teltop`.
 */
#ifndef TT_CLI_WATCH_H
#define TT_CLI_WATCH_H

/*
 * Run the UI on the collector at url (http://HOST:PORT) until the user
 * quits (0) or the collector goes (1, said on stderr).  token: for
 * opt-out changes, or NULL (read only).  attached: teltop found the
 * collector at its own address (the log line says so).
 */
int	watch_run(const char *url, const char *token, const char *theme,
	    const char *logpath, int attached);

#endif
