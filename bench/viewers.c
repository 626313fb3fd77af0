/*
 * viewers --url 127.0.0.1:PORT --token T --n N: N viewers on the collector's
 * /v1/stream?stats=1 (what `teltop watch` subscribes to), each reading
 * everything as it comes and throwing it away: what the collector pays for
 * its viewers, with next to nothing spent here (the machine's other core
 * runs the load).  Prints "ready" once every upgrade is answered 101; on
 * SIGTERM, {"viewers":N,"bytes":B,"dropped_notes":K} and exits 0.  libc only.
 */
#define _GNU_SOURCE		/* memmem() */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VIEWERS_MAX	64

static volatile sig_atomic_t	stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void
fatal(const char *what)
{
	fprintf(stderr, "viewers: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Connect and upgrade; the bytes after the 101's head are not kept (the
 * hello), which is all this counts anyway. */
static int
viewer(const char *host, int port, const char *token)
{
	struct sockaddr_in	 sa;
	char			 req[768], head[4096];
	size_t			 got = 0;
	ssize_t			 n;
	int			 fd;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "viewers: %s is not an IPv4 address\n", host);
		exit(2);
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		fatal("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		fatal("connect");
	snprintf(req, sizeof req, "GET /v1/stream?stats=1 HTTP/1.1\r\n"
	    "Host: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Authorization: Bearer %s\r\n"
	    "Sec-WebSocket-Key: dGVsdG9wLWJlbmNoLXZpZXc=\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n", host, port, token);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		fatal("write");
	while (got < sizeof head - 1) {
		if ((n = read(fd, head + got, sizeof head - 1 - got)) <= 0)
			fatal("read the upgrade's reply");
		got += (size_t)n;
		head[got] = '\0';
		if (strstr(head, "\r\n\r\n") != NULL)
			break;
	}
	if (strncmp(head, "HTTP/1.1 101", 12) != 0) {
		fprintf(stderr, "viewers: the upgrade was answered %.40s\n",
		    head);
		exit(1);
	}
	return fd;
}

int
main(int argc, char **argv)
{
	struct pollfd		 pfd[VIEWERS_MAX];
	static char		 buf[1 << 16];
	unsigned long long	 bytes = 0, notes = 0;
	char			 host[64];
	const char		*url = NULL, *colon, *token = "";
	ssize_t			 r;
	int			 i, n = 4, port;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--url") == 0)
			url = argv[i + 1];
		else if (strcmp(argv[i], "--n") == 0)
			n = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--token") == 0)
			token = argv[i + 1];
	}
	if (url == NULL || (colon = strchr(url, ':')) == NULL ||
	    (size_t)(colon - url) >= sizeof host || n < 1 || n > VIEWERS_MAX) {
		fprintf(stderr, "usage: viewers --url 127.0.0.1:PORT "
		    "--token TOKEN [--n 1..%d]\n", VIEWERS_MAX);
		return 2;
	}
	memcpy(host, url, (size_t)(colon - url));
	host[colon - url] = '\0';
	port = atoi(colon + 1);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	for (i = 0; i < n; i++) {
		pfd[i].fd = viewer(host, port, token);
		pfd[i].events = POLLIN;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		if (poll(pfd, (nfds_t)n, 200) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		for (i = 0; i < n; i++) {
			if ((pfd[i].revents & (POLLIN | POLLHUP)) == 0)
				continue;
			if ((r = read(pfd[i].fd, buf, sizeof buf)) <= 0) {
				fprintf(stderr, "viewers: the collector closed "
				    "a stream\n");
				return 1;
			}
			bytes += (unsigned long long)r;
			/* a note split across two reads is not counted */
			if (memmem(buf, (size_t)r, "\"type\":\"dropped\"", 16))
				notes++;
		}
	}
	printf("{\"viewers\":%d,\"bytes\":%llu,\"dropped_notes\":%llu}\n", n,
	    bytes, notes);
	return 0;
}
