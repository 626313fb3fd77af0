/*
 * The blocking HTTP/1.1 client of httpc.h, on libcurl.  A handle is one
 * curl easy handle inside a multi handle of its own: the multi keeps the
 * kept-alive connection (curl reconnects and resends by itself when the
 * server closed it first) and lets httpc_send() return once the request is
 * out while httpc_recv() reads the reply later.  Every wait is bounded by
 * the call's deadline here and the connect by curl's connect timeout;
 * curl_multi_poll() returns early on EINTR and is simply called again, so
 * a signal never cuts a call short.  A reply's body is kept whole, at most
 * HTTPC_REPLY_MAX bytes; a larger one aborts the transfer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "core/xmalloc.h"
#include "httpc.h"

#define HTTPC_AGENT	"teltop"
#define HTTPC_REPLY_MAX	(40 * 1024 * 1024)	/* larger: an error */
#define HTTPC_REPLY_MIB	(HTTPC_REPLY_MAX / (1024 * 1024))

struct httpc {
	CURL		*easy;
	CURLM		*multi;		/* holds the kept-alive connection */
	char		*prefix;	/* http://host:port and the URL's path,
					   no final / */
	char		*host;		/* for messages */
	char		*where;		/* "host:port" */
	int		 connect_ms;

	struct curl_slist *headers;	/* of the request in flight */
	size_t		 len;		/* its body's length */
	int		 timeout_ms;	/* of the call now waiting */
	int		 inflight;	/* the easy handle is in the multi */
	int		 done;		/* ... and its transfer ended */
	CURLcode	 result;	/* how, when done */
	int		 toobig;	/* the reply passed HTTPC_REPLY_MAX */
	char		 errbuf[CURL_ERROR_SIZE];

	char		*body;		/* the last reply's body, NUL ended */
	size_t		 bodylen;
	size_t		 bodycap;
	int		 proxy_auth;	/* it said Teltop-Proxy-Auth: token */
};

static pthread_once_t	global_once = PTHREAD_ONCE_INIT;
static CURLcode		global_rc;

/* curl_global_init(), once per process. */
static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Milliseconds on the monotonic clock. */
static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Forget the body of an earlier reply. */
static void
clear_body(struct httpc *h)
{
	h->bodylen = 0;
	if (h->body != NULL)
		h->body[0] = '\0';
}

/* curl's write callback: keep the body, up to HTTPC_REPLY_MAX. */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct httpc	*h = arg;
	size_t		 len = size * nmemb;

	if (len > HTTPC_REPLY_MAX - h->bodylen) {
		h->toobig = 1;
		return 0;		/* curl ends with CURLE_WRITE_ERROR */
	}
	if (h->bodycap - h->bodylen < len + 1) {
		while (h->bodycap - h->bodylen < len + 1)
			h->bodycap = h->bodycap == 0 ? 1024 : h->bodycap * 2;
		h->body = xrealloc(h->body, h->bodycap);
	}
	memcpy(h->body + h->bodylen, p, len);
	h->bodylen += len;
	h->body[h->bodylen] = '\0';
	return len;
}

/* One URL part, or NULL.  Caller frees with curl_free(). */
static char *
url_part(CURLU *u, CURLUPart what, unsigned int flags)
{
	char	*s = NULL;

	if (curl_url_get(u, what, &s, flags) != CURLUE_OK)
		return NULL;
	return s;
}

/* Parse the URL into a handle; no connection yet. */
struct httpc *
httpc_new(const char *url, int connect_ms, char **cause)
{
	struct httpc	*h = NULL;
	CURLU		*u;
	char		*host = NULL, *port = NULL, *path = NULL, *query = NULL;
	size_t		 n;

	if (strncasecmp(url, "http://", 7) != 0) {
		*cause = xasprintf("%s: only http:// URLs are supported%s", url,
		    strncasecmp(url, "https://", 8) == 0 ?
		    " (no TLS here; the collector speaks plain HTTP)" : "");
		return NULL;
	}
	if (url[7] == '\0' || url[7] == '/') {
		*cause = xasprintf("%s: no host in the URL", url);
		return NULL;
	}
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		fatal("curl_global_init: %s", curl_easy_strerror(global_rc));

	if ((u = curl_url()) == NULL)
		fatal("curl_url: out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    (host = url_part(u, CURLUPART_HOST, 0)) == NULL ||
	    (port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT)) == NULL ||
	    (path = url_part(u, CURLUPART_PATH, 0)) == NULL) {
		*cause = xasprintf("%s: bad host or port in the URL", url);
		goto out;
	}
	if ((query = url_part(u, CURLUPART_QUERY, 0)) != NULL) {
		*cause = xasprintf("%s: a query has no place in the URL", url);
		goto out;
	}

	h = xcalloc(1, sizeof *h);
	h->connect_ms = connect_ms > 0 ? connect_ms : 1000;
	h->host = xstrdup(host);
	h->where = xasprintf("%s:%s", host, port);
	n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	h->prefix = xasprintf("http://%s:%s%.*s", host, port, (int)n, path);
	if ((h->easy = curl_easy_init()) == NULL ||
	    (h->multi = curl_multi_init()) == NULL)
		fatal("curl_easy_init: out of memory");

	/* what every request on the handle shares */
	curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(h->easy, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h->easy, CURLOPT_PROXY, "");	/* never *_proxy */
	curl_easy_setopt(h->easy, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)h->connect_ms);
	curl_easy_setopt(h->easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)HTTPC_REPLY_MAX);
	curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->easy, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->errbuf);
out:
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return h;
}

/* Take the request in flight, if any, out of the multi handle. */
static void
finish(struct httpc *h)
{
	if (h->inflight)
		curl_multi_remove_handle(h->multi, h->easy);
	h->inflight = 0;
	curl_slist_free_all(h->headers);
	h->headers = NULL;
}

/* Close the connection and free. */
void
httpc_free(struct httpc *h)
{
	if (h == NULL)
		return;
	finish(h);
	curl_multi_cleanup(h->multi);	/* closes the connection */
	curl_easy_cleanup(h->easy);
	free(h->prefix);
	free(h->host);
	free(h->where);
	free(h->body);
	free(h);
}

/* The last reply's body. */
const char *
httpc_body(const struct httpc *h)
{
	return h->body != NULL ? h->body : "";
}

/* Its length. */
size_t
httpc_body_len(const struct httpc *h)
{
	return h->bodylen;
}

/* Did the last reply say Teltop-Proxy-Auth: token? */
int
httpc_proxy_auth(const struct httpc *h)
{
	return h->proxy_auth;
}

/* "host:port", for messages. */
const char *
httpc_where(const struct httpc *h)
{
	return h->where;
}

/* Add "name: value" to the header list; value NULL removes the header. */
static void
add_header(struct httpc *h, const char *name, const char *value)
{
	char			*line;
	struct curl_slist	*l;

	line = xasprintf("%s:%s%s", name, value != NULL ? " " : "",
	    value != NULL ? value : "");
	if ((l = curl_slist_append(h->headers, line)) == NULL)
		fatal("curl_slist_append: out of memory");
	h->headers = l;
	free(line);
}

/* Add the "\r\n"-ended header lines of extra. */
static void
add_extra(struct httpc *h, const char *extra)
{
	struct curl_slist	*l;
	const char		*eol;
	char			*line;

	for (; *extra != '\0'; extra = eol + (*eol != '\0' ? 2 : 0)) {
		if ((eol = strstr(extra, "\r\n")) == NULL)
			eol = extra + strlen(extra);
		if (eol == extra)
			continue;
		line = xstrndup(extra, (size_t)(eol - extra));
		if ((l = curl_slist_append(h->headers, line)) == NULL)
			fatal("curl_slist_append: out of memory");
		h->headers = l;
		free(line);
	}
}

/* Set the easy handle up for req. */
static void
setup(struct httpc *h, const struct httpc_req *req)
{
	CURL		*e = h->easy;
	const char	*method;
	char		*url;

	method = req->method != NULL ? req->method :
	    req->body != NULL ? "POST" : "GET";
	url = xasprintf("%s%s", h->prefix, req->path != NULL ? req->path :
	    "/");
	curl_easy_setopt(e, CURLOPT_URL, url);	/* curl copies it */
	free(url);

	/* back to a plain GET, then what this request is */
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, (char *)NULL);
	curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	h->len = 0;
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0) {
		h->len = req->body != NULL ? req->len : 0;
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)h->len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
		    req->body != NULL ? req->body : "");
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	}
	/* NULL: teltop's own; "": no User-Agent line at all */
	curl_easy_setopt(e, CURLOPT_USERAGENT, req->agent == NULL ?
	    HTTPC_AGENT : *req->agent != '\0' ? req->agent : NULL);

	curl_slist_free_all(h->headers);
	h->headers = NULL;
	add_header(h, "Expect", NULL);		/* no 100-continue wait */
	add_header(h, "Content-Type", req->ctype);	/* NULL: not curl's */
	if (req->cenc != NULL)
		add_header(h, "Content-Encoding", req->cenc);
	if (req->auth != NULL)
		add_header(h, "Authorization", req->auth);
	if (req->extra != NULL)
		add_extra(h, req->extra);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
}

/* Has the whole request gone out? */
static int
request_sent(struct httpc *h)
{
	curl_off_t	up = 0;
	long		head = 0;

	curl_easy_getinfo(h->easy, CURLINFO_REQUEST_SIZE, &head);
	curl_easy_getinfo(h->easy, CURLINFO_SIZE_UPLOAD_T, &up);
	return head > 0 && up >= (curl_off_t)h->len;
}

/*
 * Run the transfer until it ends or, with until_sent, until the request
 * is out; 0, or -1 at the deadline (the transfer goes on).
 */
static int
drive(struct httpc *h, int64_t deadline, int until_sent)
{
	CURLMsg		*m;
	CURLMcode	 mc;
	int64_t		 left;
	int		 running, n;

	for (;;) {
		if ((mc = curl_multi_perform(h->multi, &running)) != CURLM_OK)
			fatal("curl_multi_perform: %s",
			    curl_multi_strerror(mc));
		while ((m = curl_multi_info_read(h->multi, &n)) != NULL) {
			if (m->msg == CURLMSG_DONE && m->easy_handle ==
			    h->easy) {
				h->done = 1;
				h->result = m->data.result;
			}
		}
		if (h->done || (until_sent && request_sent(h)))
			return 0;
		if ((left = deadline - now_ms()) <= 0)
			return -1;
		/* curl waits less when its own timers (connect) say so;
		 * EINTR returns early, and we come round again */
		mc = curl_multi_poll(h->multi, NULL, 0,
		    (int)(left > 1000 ? 1000 : left), NULL);
		if (mc != CURLM_OK)
			fatal("curl_multi_poll: %s", curl_multi_strerror(mc));
	}
}

/* Why the transfer failed, short.  Caller frees. */
static char *
failure(struct httpc *h, int timedout)
{
	long	 head = 0, oserr = 0;
	int	 connected;

	curl_easy_getinfo(h->easy, CURLINFO_REQUEST_SIZE, &head);
	curl_easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &oserr);
	connected = head > 0;
	if (timedout)
		return xasprintf("%s %s: timed out after %d ms", connected ?
		    "no reply from" : "cannot connect to", h->where,
		    h->timeout_ms);
	if (h->toobig)
		return xasprintf("%s: reply larger than %d MiB", h->where,
		    HTTPC_REPLY_MIB);
	switch (h->result) {
	case CURLE_OPERATION_TIMEDOUT:	/* the only timer curl has */
		return xasprintf("cannot connect to %s: timed out after %d ms",
		    h->where, h->connect_ms);
	case CURLE_COULDNT_RESOLVE_HOST:
		return xasprintf("cannot resolve %s", h->host);
	case CURLE_COULDNT_CONNECT:
		return xasprintf("cannot connect to %s: %s", h->where,
		    strerror(oserr != 0 ? (int)oserr : ECONNREFUSED));
	case CURLE_FILESIZE_EXCEEDED:
		return xasprintf("%s: reply larger than %d MiB", h->where,
		    HTTPC_REPLY_MIB);
	case CURLE_GOT_NOTHING:
		return xasprintf("%s closed the connection without a reply",
		    h->where);
	case CURLE_PARTIAL_FILE:
		return xasprintf("%s closed the connection in the middle of "
		    "a reply", h->where);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		if (oserr != 0)
			return xasprintf("%s %s: %s", h->result ==
			    CURLE_SEND_ERROR ? "sending to" : "reading from",
			    h->where, strerror((int)oserr));
		break;
	default:
		break;
	}
	return xasprintf("%s: %s", h->where, h->errbuf[0] != '\0' ?
	    h->errbuf : curl_easy_strerror(h->result));
}

/* End a failed transfer (unfinished, it closes its connection): -1. */
static int
fail(struct httpc *h, char **cause)
{
	*cause = failure(h, !h->done);
	finish(h);
	clear_body(h);
	return -1;
}

/* Start req and wait until it is out (or its reply is in). */
static int
do_send(struct httpc *h, const struct httpc_req *req, int timeout_ms,
    int64_t deadline, char **cause)
{
	CURLMcode	mc;

	*cause = NULL;
	finish(h);		/* a reply nobody read */
	setup(h, req);
	clear_body(h);
	h->proxy_auth = 0;
	h->toobig = 0;
	h->done = 0;
	h->errbuf[0] = '\0';
	h->timeout_ms = timeout_ms;
	if ((mc = curl_multi_add_handle(h->multi, h->easy)) != CURLM_OK)
		fatal("curl_multi_add_handle: %s", curl_multi_strerror(mc));
	h->inflight = 1;
	if (drive(h, deadline, 1) != 0 || (h->done && h->result != CURLE_OK))
		return fail(h, cause);
	return 0;
}

/* Wait for the reply to the request in flight: its status, or -1. */
static int
do_recv(struct httpc *h, int timeout_ms, int64_t deadline, char **cause)
{
	struct curl_header	*hdr;
	long			 status = 0;

	*cause = NULL;
	if (!h->inflight) {
		*cause = xstrdup("no request in flight");
		return -1;
	}
	h->timeout_ms = timeout_ms;
	if (drive(h, deadline, 0) != 0 || h->result != CURLE_OK)
		return fail(h, cause);
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	if (curl_easy_header(h->easy, "Teltop-Proxy-Auth", 0, CURLH_HEADER,
	    -1, &hdr) == CURLHE_OK)
		h->proxy_auth = strcasestr(hdr->value, "token") != NULL;
	finish(h);
	return (int)status;
}

/* Write a request; its reply is read by httpc_recv(). */
int
httpc_send(struct httpc *h, const struct httpc_req *req, int timeout_ms,
    char **cause)
{
	return do_send(h, req, timeout_ms, now_ms() + timeout_ms, cause);
}

/* Read the reply to the request in flight. */
int
httpc_recv(struct httpc *h, int timeout_ms, char **cause)
{
	return do_recv(h, timeout_ms, now_ms() + timeout_ms, cause);
}

/* Write a request and read its reply, all within timeout_ms. */
int
httpc_request(struct httpc *h, const struct httpc_req *req, int timeout_ms,
    char **cause)
{
	int64_t	deadline = now_ms() + timeout_ms;

	if (do_send(h, req, timeout_ms, deadline, cause) != 0)
		return -1;
	return do_recv(h, timeout_ms, deadline, cause);
}
