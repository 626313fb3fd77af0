/*
 * Detail: one stored event, read back from the database with its data:
 * the normalized fields, the privacy findings, for an event captured
 * through the proxy the request it came in (method, URL, headers as the
 * collector kept them: secrets masked), and the payload pretty printed
 * and coloured, each documented field followed by what it means
 * (core/fields) and each flagged field marked with its grade.  Built once
 * into lines when the event is opened; drawing only scrolls them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <curses.h>

#include "core/fields.h"
#include "core/filter.h"
#include "core/path.h"
#include "core/privacy.h"
#include "core/xmalloc.h"
#include "core/decode.h"
#include "core/utf8.h"
#include "tui_int.h"

#include <openssl/evp.h>

#define RAW_MAX		(256 * 1024)	/* body bytes shown as received */
#define COPY_MAX	(512 * 1024)	/* payload bytes copied (OSC 52) */

static void
detail_free(struct tui *t)
{
	struct detail	*d = &t->detail;

	tt_event_clear(&d->ev);
	jlines_free(&d->lines);
	d->have = 0;
	d->top = 0;
}

static void
add(struct jlines *jl, enum tui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(struct jlines *jl, enum tui_role role, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatal("out of memory");
	va_end(ap);
	jlines_add_text(jl, role, s);
	free(s);
}

static void
field(struct jlines *jl, const char *name, const char *value)
{
	if (value != NULL && *value != '\0')
		add(jl, TUI_ROLE_DEFAULT, "  %-13s %s", name, value);
}

static void
field_int(struct jlines *jl, const char *name, int64_t v)
{
	if (v != TT_NONE)
		add(jl, TUI_ROLE_DEFAULT, "  %-13s %lld", name, (long long)v);
}

/* A number with the fraction it has (12345.678, 250). */
static void
field_num(struct jlines *jl, const char *name, double v)
{
	if (v != TT_NONE && !isnan(v))
		add(jl, TUI_ROLE_DEFAULT, "  %-13s %.15g", name, v);
}

/* The finding for a payload path, if any (the worst grade). */
static const struct tt_finding *
finding_at(const struct tt_findings *f, const char *path)
{
	const struct tt_finding	*best = NULL;
	size_t			 i;

	if (path == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].field, path) == 0 &&
		    (best == NULL || (f->v[i].red && !best->red)))
			best = &f->v[i];
	return best;
}

/*
 * The request of a captured event, as an HTTP request reads: "captured ·
 * POST https://host/path", then one "Name: value" line per header.
 */
static void
request(struct jlines *jl, const struct tt_capture *c, int ok)
{
	const char	*dot = draw_glyph("\u00b7", "-");
	size_t		 i;

	if (!ok) {
		add(jl, TUI_ROLE_CAPTURE, "captured %s the request could not "
		    "be read back", dot);
		return;
	}
	add(jl, TUI_ROLE_CAPTURE, "captured %s %s https://%s%s", dot,
	    c->method != NULL ? c->method : "?", c->host != NULL ? c->host :
	    "?", c->path != NULL ? c->path : "");
	for (i = 0; i < c->nheaders; i++)
		add(jl, TUI_ROLE_DEFAULT, "  %s: %s", c->headers[2 * i],
		    c->headers[2 * i + 1]);
}

/* A line of pretty JSON after a gutter (in role), with its colours. */
static void
add_jline(struct jlines *jl, const char *gutter, enum tui_role role,
    const struct jline *src)
{
	struct jline	*l;

	add(jl, role, "%s", gutter);
	l = &jl->v[jl->n - 1];
	l->text = xrealloc(l->text, l->len + src->len + 1);
	l->roles = xrealloc(l->roles, l->len + src->len + 1);
	memcpy(l->text + l->len, src->text, src->len);
	memcpy(l->roles + l->len, src->roles, src->len);
	l->len += src->len;
	l->text[l->len] = '\0';
	l->path = src->path != NULL ? xstrdup(src->path) : NULL;
}

/* Under a run's finish: its start, its time and payload. */
static void
start_lines(struct tui *t, int64_t id)
{
	struct jlines	*jl = &t->detail.lines, payload;
	struct tt_event	 ev;
	char		 ts[64];
	size_t		 i;

	tt_event_init(&ev);
	if (t->host.event(t->host.arg, id, &ev) != 0) {
		add(jl, TUI_ROLE_DIM, "(its start, event #%lld, is not in the "
		    "database)", (long long)id);
		return;
	}
	tt_time_format(ev.ts, ts, sizeof ts);
	add(jl, TUI_ROLE_TITLE, "Its start: event #%lld  %s  %s", (long long)id,
	    ev.name != NULL ? ev.name : "", ts);
	memset(&payload, 0, sizeof payload);
	if (ev.data != NULL)
		jlines_build(&payload, ev.data, ev.data_len);
	for (i = 0; i < payload.n; i++)
		add_jline(jl, "  ", TUI_ROLE_DEFAULT, &payload.v[i]);
	jlines_free(&payload);
	tt_event_clear(&ev);
}

/* Build the lines of the open event. */
static void
build(struct tui *t)
{
	struct detail			*d = &t->detail;
	struct tt_event			*ev = &d->ev;
	struct jlines			 payload, *jl = &d->lines;
	struct tt_findings		 f;
	const struct tt_field_doc	*doc;
	const struct tt_finding		*fd;
	struct tt_capture		 cap;
	char				 ts[64], recv[64];
	size_t				 i;
	int				 capok = 0;

	jlines_free(jl);
	if (ev->capture != NULL)
		capok = tt_capture_parse(ev->capture, &cap) == 0;
	else
		memset(&cap, 0, sizeof cap);
	tt_time_format(ev->ts, ts, sizeof ts);
	tt_time_format(ev->received_at, recv, sizeof recv);
	add(jl, TUI_ROLE_TITLE, "Event #%lld  %s  %s  %s", (long long)ev->id,
	    tt_source_name(ev->source), ev->format,
	    ev->name != NULL ? ev->name : "");
	add(jl, TUI_ROLE_TITLE, "Normalized fields");
	field(jl, "ts", ts);
	field(jl, "received_at", recv);
	field(jl, "source", tt_source_name(ev->source));
	field(jl, "format", ev->format);
	field(jl, "name", ev->name);
	field(jl, "phase", tt_phase_name(ev->phase));
	field(jl, "client_id", ev->client_id);
	field(jl, "execution_id", ev->execution_id);
	field(jl, "command", ev->command);
	field_num(jl, "duration_ms", ev->duration_ms);
	field_int(jl, "exit_code", ev->exit_code);
	field(jl, "error", ev->error);
	field(jl, "version", ev->version);
	field(jl, "os", ev->os);
	field(jl, "arch", ev->arch);
	if (ev->severity != TT_NONE)
		field_int(jl, "severity", ev->severity);
	if (ev->collector != NULL)	/* a store many collectors share */
		field(jl, "collector", ev->collector);
	if (ev->capture != NULL) {
		field(jl, "via", "capture");
		field(jl, "host", cap.host);
	}

	tt_findings_init(&f);
	if (ev->data != NULL)
		tt_privacy_scan(ev->data, ev->data_len, &f);
	add(jl, TUI_ROLE_TITLE, "Privacy");
	if (f.n == 0)
		add(jl, TUI_ROLE_OK, "  nothing here looks personal or "
		    "pseudonymous");
	for (i = 0; i < f.n; i++)
		add(jl, f.v[i].red ? TUI_ROLE_PII_RED : TUI_ROLE_PII_YELLOW,
		    "  %-6s %s: %s", f.v[i].red ? "red" : "yellow",
		    f.v[i].field, tt_privacy_kind_text(f.v[i].kind));

	if (ev->capture != NULL)
		request(jl, &cap, capok);
	tt_capture_free(&cap);
	add(jl, TUI_ROLE_TITLE, "Payload (as stored; ? lines say what a field "
	    "means)");
	memset(&payload, 0, sizeof payload);
	if (ev->data != NULL)
		jlines_build(&payload, ev->data, ev->data_len);
	else
		jlines_add_text(&payload, TUI_ROLE_DIM, "(no payload)");
	for (i = 0; i < payload.n; i++) {
		/* a two-column gutter: the privacy grade of the line */
		fd = finding_at(&f, payload.v[i].path);
		add_jline(jl, fd == NULL ? "  " : fd->red ? "R " : "Y ",
		    fd == NULL ? TUI_ROLE_DEFAULT : fd->red ?
		    TUI_ROLE_PII_RED : TUI_ROLE_PII_YELLOW, &payload.v[i]);
		doc = tt_field_doc_event(tt_source_name(ev->source),
		    ev->format, payload.v[i].path);
		if (doc != NULL)
			add(jl, TUI_ROLE_DIM, "      ? %s", doc->meaning);
	}
	jlines_free(&payload);
	tt_findings_clear(&f);
	if (d->start_id > 0)
		start_lines(t, d->start_id);
}

void
tui_open_detail(struct tui *t, int64_t id)
{
	tui_open_run(t, id, 0);
}

void
tui_open_run(struct tui *t, int64_t id, int64_t start_id)
{
	struct detail	*d = &t->detail;

	detail_free(t);
	d->start_id = start_id;
	d->raw = 0;
	d->hit = 0;
	d->search[0] = '\0';
	d->hscroll = 0;
	if (t->host.event(t->host.arg, id, &d->ev) != 0) {
		tui_set_log(t, 1, "event #%lld is not in the database",
		    (long long)id);
		return;
	}
	d->have = 1;
	build(t);
	tui_show(t, V_DETAIL);
}

/* ---- as received (r) ---- */

/* The body as text lines, or a hex dump where it is not UTF-8. */
static void
raw_body(struct jlines *jl, const char *body, size_t len)
{
	char	 line[128], *t;
	size_t	 i, k, shown = len > RAW_MAX ? RAW_MAX : len;
	int	 o;

	/* a cut text ends at a character, not in one */
	while (shown < len && shown > 0 &&
	    ((unsigned char)body[shown] & 0xc0) == 0x80)
		shown--;

	if (tt_utf8_valid(body, shown) && memchr(body, '\0', shown) == NULL) {
		t = xstrndup(body, shown);
		for (i = 0; i <= shown; i = k + 1) {
			for (k = i; k < shown && t[k] != '\n'; k++)
				;
			t[k] = '\0';
			if (k > i && t[k - 1] == '\r')
				t[k - 1] = '\0';
			add(jl, TUI_ROLE_DEFAULT, "%s", t + i);
		}
		free(t);
	} else {
		for (i = 0; i < shown; i += 16) {
			o = snprintf(line, sizeof line, "%08zx ", i);
			for (k = i; k < i + 16; k++)
				o += snprintf(line + o, sizeof line - (size_t)o,
				    k < shown ? " %02x" : "   ",
				    k < shown ? (unsigned char)body[k] : 0);
			o += snprintf(line + o, sizeof line - (size_t)o, "  |");
			for (k = i; k < i + 16 && k < shown; k++)
				line[o++] = body[k] >= 0x20 && body[k] < 0x7f ?
				    body[k] : '.';
			snprintf(line + o, sizeof line - (size_t)o, "|");
			add(jl, TUI_ROLE_DEFAULT, "%s", line);
		}
	}
	if (shown < len)
		add(jl, TUI_ROLE_DIM, "(the first %zu of %zu bytes)", shown,
		    len);
}

/* The request the open event came in, byte for byte as stored. */
static void
build_raw(struct tui *t)
{
	struct detail		*d = &t->detail;
	struct jlines		*jl = &d->lines;
	struct tt_capture	 cap;
	char			*body = NULL, *route = NULL, *ctype = NULL;
	size_t			 len = 0, i;

	jlines_free(jl);
	add(jl, TUI_ROLE_TITLE, "Event #%lld as received (r: back to the "
	    "event)", (long long)d->ev.id);
	if (t->host.payload == NULL || t->host.payload(t->host.arg, d->ev.id,
	    &body, &len, &route, &ctype) != 0) {
		add(jl, TUI_ROLE_DIM, "  the request it came in is not kept");
		return;
	}
	add(jl, TUI_ROLE_DEFAULT, "  route         %s", route != NULL &&
	    route[0] != '\0' ? route : "-");
	add(jl, TUI_ROLE_DEFAULT, "  content type  %s", ctype != NULL ?
	    ctype : "-");
	add(jl, TUI_ROLE_DEFAULT, "  bytes         %zu (after chunked and "
	    "gzip are undone)", len);
	if (d->ev.capture != NULL && tt_capture_parse(d->ev.capture,
	    &cap) == 0) {
		add(jl, TUI_ROLE_CAPTURE, "  captured for %s: %s %s",
		    cap.host != NULL ? cap.host : "?", cap.method != NULL ?
		    cap.method : "?", cap.path != NULL ? cap.path : "");
		for (i = 0; i < cap.nheaders; i++)
			add(jl, TUI_ROLE_DEFAULT, "    %s: %s",
			    cap.headers[2 * i], cap.headers[2 * i + 1]);
		tt_capture_free(&cap);
	}
	add(jl, TUI_ROLE_TITLE, "Body");
	raw_body(jl, body, len);
	free(body);
	free(route);
	free(ctype);
}

/* ---- drawing: screen rows of wrapped lines ---- */

/* Screen rows line l takes. */
static size_t
rows_of(const struct detail *d, const struct jline *l)
{
	size_t	w = (size_t)jline_width(l);

	if (d->nowrap || w <= (size_t)d->width || d->width <= 0)
		return 1;
	return (w + (size_t)d->width - 1) / (size_t)d->width;
}

static size_t
total_rows(const struct detail *d)
{
	size_t	i, n = 0;

	for (i = 0; i < d->lines.n; i++)
		n += rows_of(d, &d->lines.v[i]);
	return n;
}

/* The screen row line i starts on. */
static size_t
row_of_line(const struct detail *d, size_t line)
{
	size_t	i, n = 0;

	for (i = 0; i < line && i < d->lines.n; i++)
		n += rows_of(d, &d->lines.v[i]);
	return n;
}

/* The line screen row `row` shows (a part of). */
static size_t
line_at_row(const struct detail *d, size_t row)
{
	size_t	i, n = 0, k;

	for (i = 0; i < d->lines.n; i++) {
		k = rows_of(d, &d->lines.v[i]);
		if (row < n + k)
			return i;
		n += k;
	}
	return d->lines.n > 0 ? d->lines.n - 1 : 0;
}

static void
detail_draw(struct tui *t, int y, int rows)
{
	struct detail	*d = &t->detail;
	size_t		 i, k, nrow, row = 0, total;
	int		 r = 0;

	d->rows = rows;
	d->width = t->cols;
	if (!d->have) {
		draw_text(y, 0, t->cols, TUI_ROLE_DIM, "No event selected.");
		return;
	}
	total = total_rows(d);
	if (total > (size_t)rows && d->top > total - (size_t)rows)
		d->top = total - (size_t)rows;
	for (i = 0; i < d->lines.n && r < rows; i++) {
		nrow = rows_of(d, &d->lines.v[i]);
		for (k = 0; k < nrow && r < rows; k++, row++) {
			if (row < d->top)
				continue;
			draw_jline_from(y + r, 0, t->cols, &d->lines.v[i],
			    d->nowrap ? d->hscroll : k * (size_t)t->cols,
			    d->nowrap);
			if (d->hit == i + 1 && k == 0)
				draw_text(y + r, 0, 1, TUI_ROLE_WARN,
				    draw_glyph("\u25b6", ">"));
			r++;
		}
	}
}

/* ---- keys ---- */

/* The next (dir 1) or previous line holding the search text. */
static void
search_step(struct tui *t, int dir)
{
	struct detail	*d = &t->detail;
	size_t		 n = d->lines.n, i, k, from;

	if (d->search[0] == '\0' || n == 0) {
		tui_set_log(t, 1, "nothing to search for: / and a text");
		return;
	}
	from = d->hit > 0 ? d->hit - 1 : dir > 0 ? n - 1 : 0;
	for (k = 1; k <= n; k++) {
		i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;
		if (strcasestr(d->lines.v[i].text, d->search) != NULL) {
			d->hit = i + 1;
			d->top = row_of_line(d, i);
			tui_set_log(t, 0, "\"%s\": line %zu of %zu (n next, N "
			    "previous)", d->search, i + 1, n);
			return;
		}
	}
	d->hit = 0;
	tui_set_log(t, 1, "\"%s\" is not in this event", d->search);
}

void
detail_search(struct tui *t, const char *text)
{
	struct detail	*d = &t->detail;

	snprintf(d->search, sizeof d->search, "%s", text);
	d->hit = 0;
	if (text[0] != '\0')
		search_step(t, 1);
}

/*
 * Copy the payload to the clipboard with OSC 52 (the terminal's own, over
 * SSH and through tmux too): ESC ] 52 ; c ; base64 BEL.
 */
static void
copy_payload(struct tui *t)
{
	struct detail	*d = &t->detail;
	unsigned char	*b64;
	size_t		 n;

	if (d->ev.data == NULL || d->ev.data_len == 0) {
		tui_set_log(t, 1, "this event has no payload to copy");
		return;
	}
	if (d->ev.data_len > COPY_MAX) {
		tui_set_log(t, 1, "the payload is %zu bytes; at most %d are "
		    "copied", d->ev.data_len, COPY_MAX);
		return;
	}
	n = 4 * ((d->ev.data_len + 2) / 3) + 1;
	b64 = xmalloc(n);
	EVP_EncodeBlock(b64, (const unsigned char *)d->ev.data,
	    (int)d->ev.data_len);
	fprintf(stdout, "\033]52;c;%s\a", b64);
	fflush(stdout);
	free(b64);
	tui_set_log(t, 0, "payload copied (%zu bytes, OSC 52)",
	    d->ev.data_len);
}

/*
 * A path as the filter language reads it: a key holding one of its
 * operators (= ! ~ < > |) is written in brackets, so that the term ends
 * where the path does.  NULL if it is not a path.  Caller frees.
 */
static char *
filter_path(const char *path)
{
	struct tt_path_parts	 parts;
	struct tt_path		 p;
	const struct tt_path_comp *c;
	char			 buf[256], *out;
	size_t			 i;
	int			 plain;

	if (tt_path_parse(path, &parts) != 0)
		return NULL;
	tt_path_init(&p, buf, sizeof buf);
	for (i = 0; i < parts.n; i++) {
		c = &parts.v[i];
		if (c->is_index) {
			tt_path_index(&p, c->index, c->how);
			continue;
		}
		plain = tt_path_key_plain(c->key, c->key_len) &&
		    strcspn(c->key, "=!~<>|") == c->key_len;
		tt_path_key_as(&p, c->key, c->key_len, c->how, plain);
	}
	out = xstrdup(p.s);
	tt_path_free(&p);
	tt_path_parts_free(&parts);
	return out;
}

/*
 * f: the stream of events whose payload has the same value at this field:
 * the line found with / (else the first shown that is a field), as a
 * .PATH term.
 */
static void
filter_by_field(struct tui *t)
{
	struct detail	*d = &t->detail;
	const struct jline *l = NULL;
	const cJSON	*node;
	cJSON		*root, *owned = NULL;
	char		*v = NULL, q[240], *text, *cause = NULL, *fp;
	size_t		 i;

	if (!d->have || d->raw || d->ev.data == NULL)
		return;
	/* a field's meaning is a line of its own under it */
	for (i = d->hit; l == NULL && i > 0; i--)
		if (d->lines.v[i - 1].path != NULL)
			l = &d->lines.v[i - 1];
	for (i = line_at_row(d, d->top); l == NULL && i < d->lines.n; i++)
		if (d->lines.v[i].path != NULL)
			l = &d->lines.v[i];
	if (l == NULL || l->path == NULL) {
		tui_set_log(t, 1, "no field here: / finds one, then f");
		return;
	}
	root = cJSON_ParseWithLength(d->ev.data, d->ev.data_len);
	node = tt_path_get(root, l->path, &owned);
	if (cJSON_IsString(node))
		v = xstrdup(node->valuestring);
	else if (cJSON_IsNumber(node) || cJSON_IsBool(node))
		v = cJSON_PrintUnformatted(node);
	cJSON_Delete(owned);
	cJSON_Delete(root);
	if (v == NULL || tt_filter_quote(v, q, sizeof q) != 0) {
		tui_set_log(t, 1, "%s: %s", l->path, v == NULL ? "an object, "
		    "an array or null has no value to filter on" :
		    "too long to filter on");
		free(v);
		return;
	}
	free(v);
	if ((fp = filter_path(l->path)) == NULL) {
		tui_set_log(t, 1, "%s: not a path to filter on", l->path);
		return;
	}
	text = xasprintf(".%s=%s", fp, q);
	free(fp);
	if (stream_set_filter(t, text, &cause) != 0) {
		tui_set_log(t, 1, "filter: %s", cause);
		free(cause);
	} else {
		tui_show(t, V_STREAM);
		tui_set_log(t, 0, "filter: %s", text);
	}
	free(text);
}

static int
detail_key(struct tui *t, int ch)
{
	struct detail	*d = &t->detail;
	size_t		 total = total_rows(d), page = d->rows > 0 ?
			     (size_t)d->rows : 1;
	size_t		 max = total > page ? total - page : 0, line;

	switch (ch) {
	case KEY_LEFT:
		if (d->nowrap && d->hscroll > 0) {
			d->hscroll = d->hscroll > 8 ? d->hscroll - 8 : 0;
			return KEY_USED;
		}
		/* FALLTHROUGH */
	case 27:
	case KEY_BACKSPACE:
		tui_show(t, d->back);
		return KEY_USED;
	case KEY_RIGHT:
		if (d->nowrap)
			d->hscroll += 8;
		return KEY_USED;
	case 'w':
		/* the line at the top stays there */
		line = line_at_row(d, d->top);
		d->nowrap = !d->nowrap;
		d->hscroll = 0;
		d->top = row_of_line(d, line);
		tui_set_log(t, 0, d->nowrap ? "long lines scroll sideways "
		    "(Left/Right); w wraps them" : "long lines wrap; w "
		    "scrolls them sideways");
		return KEY_USED;
	case 'n':
	case 'N':
		search_step(t, ch == 'n' ? 1 : -1);
		return KEY_USED;
	case 'y':
		copy_payload(t);
		return KEY_USED;
	case 'f':
		filter_by_field(t);
		return KEY_USED;
	case 'r':
		if (!d->have)
			return KEY_USED;
		d->raw = !d->raw;
		d->top = d->hit = 0;
		if (d->raw)
			build_raw(t);
		else
			build(t);
		return KEY_USED;
	case 'o':
	case 'O':
		if (!d->have)
			return KEY_USED;
		if (ch == 'O' && d->ev.client_id == NULL) {
			tui_set_log(t, 1, "this event names no client");
			return KEY_USED;
		}
		tui_confirm_optout(t, tt_source_name(d->ev.source),
		    ch == 'O' ? d->ev.client_id : NULL, 1);
		return KEY_USED;
	default:
		return tui_move_key(&d->top, ch, max + 1, (int)page);
	}
}

const struct view_ops view_detail = {
	"Detail",
	"Esc back  / n N find  f filter  w wrap  y copy  r raw  o/O opt out",
	"Esc back  / n N find  f filter by field  w wrap  y copy  r raw",
	detail_draw, detail_key, NULL, NULL,
	detail_free
};
