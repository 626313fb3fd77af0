/*
 * teltop help [TOPIC | COMMAND]: the topics the program itself explains
 * (formats, filter, optout, privacy, capture, retention), so that nothing
 * it prints sends a user to documents that do not ship; with a command,
 * that command's own --help.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct topic {
	const char	*name;
	const char	*summary;
	const char	*text;
} topics[] = {
	{ "formats", "what each tool sends, and on which route",
	"Every route is on one port (default 127.0.0.1:8353).\n"
	"\n"
	"  PostHog      POST /batch, /capture, /e, /i/v0/e, /track, /engage,\n"
	"               /i/v1/analytics/events: one event, an array or a batch;\n"
	"               gzip by Content-Encoding, by its magic bytes or by\n"
	"               ?compression=gzip-js; posthog-js's base64 form bodies\n"
	"               (data=...).  Devtron's posthog-go and Devsy send here.\n"
	"  DevPod/Devsy POST /v1/insert (current: properties are JSON in a\n"
	"               string) and /analytics/v1/devpod/v1/events (legacy\n"
	"               cmdstarted/cmdfinished, sent as multipart/form-data\n"
	"               though the body is JSON).\n"
	"  OTLP         POST /v1/traces, /v1/logs, /v1/metrics, protobuf or JSON,\n"
	"               gzip or not; gRPC on 127.0.0.1:4317 (--otlp-grpc).  werf\n"
	"               sends its CommandStarted/CommandExited spans here.\n"
	"  Segment and  POST /v1/batch, /v1/track, /v1/identify, /v1/page,\n"
	"  RudderStack  /v1/screen, /v1/group: a batch or one message.\n"
	"  teltop's own POST /v1/events and the WebSocket /ws: a JSON object, an\n"
	"               array or NDJSON; `teltop send`, `teltop wrap`.\n"
	"\n"
	"Each item becomes one event with the same fields whatever it came in:\n"
	"source, format (posthog-batch, devpod-insert, otlp-protobuf, ...),\n"
	"name, phase (start, finish, point), client_id, execution_id, command,\n"
	"duration_ms, exit_code, error, version, os, arch, severity, its\n"
	"privacy findings and the item itself (raw).  The request is kept as it\n"
	"came: `teltop events --explain`, the Detail view and `teltop export`\n"
	"show its bytes.  A reply says \"accepted\" only once the events are\n"
	"committed.\n" },
	{ "filter", "the filter language of teltop events, export and the UI",
	"Space-separated terms that must all hold:\n"
	"\n"
	"  source=werf  command~converge  error!=  phase=finish  client=ID\n"
	"  duration_ms>1000  exit_code!=0  name=CommandExited  version~0.6\n"
	"\n"
	"  =  equal   !=  not equal   ~  contains   >  <  >=  <=  numbers\n"
	"  a value with spaces is quoted: command=\"werf converge\"\n"
	"  a|b is one of them: source=werf|devpod (with != none of them)\n"
	"  !term is its opposite: !source=werf\n"
	"  error= is empty or none; error!= is set\n"
	"\n"
	"More terms:\n"
	"  since=10m  until=2026-11-20T10:00   the event's time: a time ago, or a\n"
	"                                      local date and time\n"
	"  via=capture  via=direct             how it came\n"
	"  host=analytics.loft.rocks  host~posthog   the host it was meant for\n"
	"  signal=log|metric|trace|event       OpenTelemetry's signals\n"
	"  severity>=warn                      a log record's severity (trace,\n"
	"                                      debug, info, warn, error, fatal,\n"
	"                                      or 1-24)\n"
	"  pii=red  pii=yellow  pii=           its privacy findings (pii= none)\n"
	"  pii.kind=email                      a finding of one kind\n"
	"\n"
	"A filter that does not parse says at which column.\n" },
	{ "optout", "what opting out does, and the proof",
	"`teltop optout set SOURCE [--client ID]` opts a tool (or one install of\n"
	"it) out; `clear` undoes it; `list` shows the registry.  From the UI: o\n"
	"and O on a row.  Over HTTP: POST /v1/optout with the control token\n"
	"(`teltop token`).\n"
	"\n"
	"While a sender is opted out the collector decodes its events only to\n"
	"know whose they are, counts them and drops them: no byte of them\n"
	"reaches the database, its WAL, a log, or the vendor when forwarding.\n"
	"When a request mixes kept and dropped events, its bytes are not kept,\n"
	"only the kept events.  Senders still get their normal success reply;\n"
	"WebSocket senders are told ({\"type\":\"optout\",...}), and Devtron's\n"
	"opt-out check answers true.\n"
	"\n"
	"The registry lives in the database, so a change made by any process\n"
	"reaches a running collector within 100 ms.  `optout list` gives the\n"
	"proof from the database itself (events stored since the opt-out: 0)\n"
	"and each tool's own switch and whether it is set on this machine:\n"
	"DEVPOD_DISABLE_TELEMETRY, the DevPod/Devsy TELEMETRY context option in\n"
	"their config.yaml, DEVSY_DISABLE_TELEMETRY, WERF_TELEMETRY=0,\n"
	"IS_AIR_GAP_ENVIRONMENT and DO_NOT_TRACK.\n" },
	{ "privacy", "what the privacy findings and grades mean",
	"Every stored event carries findings {field, kind, grade}:\n"
	"\n"
	"  red     personal: it identifies a person or their machine.  IP, e-mail\n"
	"          and MAC addresses, phone numbers, home-directory paths and\n"
	"          user names, host names, tokens and JWTs, geo-IP fields.\n"
	"  yellow  pseudonymous: install, machine and account ids, time zones,\n"
	"          free-text errors.\n"
	"\n"
	"Keys and values are looked at, nested, and inside JSON carried in\n"
	"strings.  A web page's own site, a JWT whose claims name nobody, public\n"
	"DNS and metadata addresses, CI runners' accounts and public API hosts\n"
	"are not red.  A field is named the same way everywhere:\n"
	"attributes[\"host.name\"], event.properties>error ('>' steps into JSON\n"
	"held in a string, [] is any array element).\n"
	"\n"
	"`teltop events --explain` shows each event's fields with their meaning\n"
	"and grade; `teltop stats` sums the findings per source and field;\n"
	"`teltop fields` lists every field each tool sent, what the documentation\n"
	"says it means and what it held (no example is kept of a red field);\n"
	"filters pick events by pii=red or pii.kind=email.\n" },
	{ "capture", "putting teltop in the path of the tools' HTTPS",
	"DevPod, Devsy and Devtron post to hard-coded HTTPS vendors.  The\n"
	"collector is also an HTTP proxy:\n"
	"\n"
	"  teltop                        collector and UI\n"
	"  teltop capture -- devpod up   the command's HTTPS goes through teltop\n"
	"  eval \"$(teltop capture --env)\"   the same for a shell or a service\n"
	"\n"
	"capture sets HTTPS_PROXY and HTTP_PROXY to the collector (NO_PROXY keeps\n"
	"loopback direct) and SSL_CERT_FILE, NODE_EXTRA_CA_CERTS,\n"
	"REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE to the system CAs plus teltop's.\n"
	"With no collector it says so and runs the command as it is.\n"
	"\n"
	"The intercepted hosts (analytics.loft.rocks, admin.loft.sh,\n"
	"telemetry.devtron.ai, us.i.posthog.com, eu.i.posthog.com,\n"
	"app.posthog.com; more with --intercept HOST[=SOURCE] or `intercept HOST\n"
	"SOURCE` in the config file) are read like direct traffic; every other\n"
	"CONNECT is an opaque tunnel, never decrypted.  Without --forward nothing\n"
	"captured leaves the machine; with it, kept requests go on to the real\n"
	"vendor, and an opted-out sender is neither stored nor forwarded.\n"
	"\n"
	"The CA ($XDG_DATA_HOME/teltop/ca) is name-constrained to the\n"
	"intercepted hosts: `teltop ca show`, `path`, `rotate`.\n" },
	{ "retention", "how long events are kept, and export, import, replay",
	"By default every event is kept; the header warns when the database's\n"
	"disk has less than 10% free.\n"
	"\n"
	"  --retain 30d        evict events received longer ago\n"
	"  --max-db-size 2GiB  evict the oldest while the database is larger\n"
	"                      (down to 90% of it)\n"
	"  retain 30d, max-db-size 2GiB   the same in the config file\n"
	"\n"
	"Eviction runs in short slices between commits.  The daily counts,\n"
	"commands and their percentiles, the privacy summary and the field\n"
	"catalog stay: they count what was committed, evicted or not.\n"
	"What went is counted: `evicted` in stats and the header,\n"
	"teltop_events_evicted_total in /metrics.\n"
	"\n"
	"  teltop export [--filter EXPR] [--since T] [--until T] [--format har]\n"
	"      the requests as received, with the events each produced\n"
	"  teltop replay FILE [--url URL] [--speed 1|10|max]\n"
	"      send them again, byte for byte, with their pacing\n"
	"  teltop import FILE\n"
	"      read them into a database through the same decoders, opt-out\n"
	"      and privacy, keeping when they were received\n" },
};

#define NTOPICS	(sizeof topics / sizeof topics[0])

static void
list_topics(FILE *f)
{
	size_t	i;

	fprintf(f, "Topics (teltop help TOPIC):\n");
	for (i = 0; i < NTOPICS; i++)
		fprintf(f, "  %-10s %s\n", topics[i].name, topics[i].summary);
}

/*
 * teltop help [TOPIC | COMMAND], and for the completions: help --commands
 * (NAME<TAB>summary a line), help --topics (the same), help --options CMD
 * (each option of CMD's synopsis a line; CMD "" is the UI's).
 */
int
cmd_help(int argc, char **argv)
{
	char	*sub[3], dashes[] = "--help";
	size_t	 i;

	if (argc < 2) {
		cli_print_overview(stdout);
		putchar('\n');
		list_topics(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		printf("usage: %s\n\nWith no argument, the commands and the "
		    "topics; with a topic, what it\nexplains; with a command, "
		    "its options.\n", cli_usage("help"));
		return 0;
	}
	if (strcmp(argv[1], "--commands") == 0 && argc == 2) {
		cli_print_commands(stdout, 1);
		return 0;
	}
	if (strcmp(argv[1], "--topics") == 0 && argc == 2) {
		for (i = 0; i < NTOPICS; i++)
			printf("%s\t%s\n", topics[i].name, topics[i].summary);
		return 0;
	}
	if (strcmp(argv[1], "--options") == 0 && argc == 3) {
		if (cli_print_options(stdout, argv[2]) == 0)
			return 0;
		fprintf(stderr, "teltop: no command '%s'\n", argv[2]);
		return 2;
	}
	if (argc > 2)
		cli_usage_error(cli_usage("help"), "one topic or command");
	for (i = 0; i < NTOPICS; i++)
		if (strcmp(argv[1], topics[i].name) == 0) {
			fputs(topics[i].text, stdout);
			/* a command of the same name: where its options are */
			if (cli_is_command(argv[1]))
				printf("\nusage: %s\n(`teltop %s --help` for "
				    "its options)\n", cli_usage(argv[1]),
				    argv[1]);
			return 0;
		}
	/* a command: its own --help */
	sub[0] = argv[1];
	sub[1] = dashes;
	sub[2] = NULL;
	if (cli_run_command(argv[1], 2, sub) >= 0)
		return 0;
	fprintf(stderr, "teltop: no help topic or command '%s'\n", argv[1]);
	list_topics(stderr);
	return 2;
}
