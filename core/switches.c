/*
 * Detecting the tools' own opt-out switches, as formats.md describes them:
 *   DevPod  DEVPOD_DISABLE_TELEMETRY=true; context option TELEMETRY=false
 *           in $DEVPOD_CONFIG, $DEVPOD_HOME/config.yaml or ~/.devpod/...
 *   Devsy   DEVSY_DISABLE_TELEMETRY=true; TELEMETRY=false in $DEVSY_CONFIG
 *           or ~/.devsy/config.yaml
 *   werf    WERF_TELEMETRY=0|false|no (off), 1|true|yes (forced on)
 *   Devtron IS_AIR_GAP_ENVIRONMENT=true; the server-side opt-out list
 *   any     DO_NOT_TRACK=1, a cross-tool convention
 * The config files are YAML, read with libyaml; only the one path that
 * matters is looked at (contexts.<name>.options.TELEMETRY.value).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "switches.h"
#include "xmalloc.h"

const char *
tt_switch_state_name(enum tt_switch_state s)
{
	switch (s) {
	case TT_SWITCH_OFF:
		return "off";
	case TT_SWITCH_FORCED_ON:
		return "forced-on";
	case TT_SWITCH_REMOTE:
		return "remote";
	default:
		return "unset";
	}
}

static struct tt_switch *
add(struct tt_switch *out, size_t max, size_t *n, const char *source,
    const char *what)
{
	struct tt_switch	*s;

	if (*n >= max)
		return NULL;
	s = &out[(*n)++];
	s->source = source;
	s->what = what;
	s->state = TT_SWITCH_UNSET;
	s->detail = NULL;
	return s;
}

/* An environment switch that is on when its value is exactly want. */
static void
env_exact(struct tt_switch *s, const char *var, const char *want)
{
	const char	*v;

	if (s == NULL)
		return;
	v = getenv(var);
	if (v != NULL && strcmp(v, want) == 0) {
		s->state = TT_SWITCH_OFF;
		s->detail = xasprintf("%s=%s in the environment", var, v);
	} else if (v != NULL)
		s->detail = xasprintf("%s=%s in the environment: not \"%s\", "
		    "so telemetry stays on", var, v, want);
	else
		s->detail = xasprintf("%s is not set", var);
}

/* A scalar node's text, or NULL. */
static const char *
scalar(yaml_document_t *doc, int id)
{
	yaml_node_t	*n = yaml_document_get_node(doc, id);

	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

/* The value of key in a mapping node (id), or 0. */
static int
member(yaml_document_t *doc, int id, const char *key)
{
	yaml_node_t		*n = yaml_document_get_node(doc, id);
	yaml_node_pair_t	*pair;
	const char		*k;

	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return 0;
	for (pair = n->data.mapping.pairs.start;
	    pair < n->data.mapping.pairs.top; pair++)
		if ((k = scalar(doc, pair->key)) != NULL && strcmp(k, key) == 0)
			return pair->value;
	return 0;
}

/*
 * The contexts of a DevPod/Devsy config.yaml whose TELEMETRY option is
 * "false", comma-separated (caller frees), or NULL: read with libyaml, so
 * comments, quotes, flow style and anchors are what YAML says they are.
 * contexts.<name>.options.TELEMETRY is {value: "false"} (or, by hand, a
 * bare false).  *dflt: the default context's name (caller frees),
 * "default" if the file names none.  -1 with *dflt NULL for a file that
 * is not YAML.
 */
static int
yaml_telemetry_off(FILE *f, char **dflt, char **off, char **why)
{
	yaml_parser_t		 parser;
	yaml_document_t		 doc;
	yaml_node_t		*contexts;
	yaml_node_pair_t	*pair;
	const char		*name, *v;
	char			*p;
	int			 t, root;

	*dflt = *off = *why = NULL;
	if (!yaml_parser_initialize(&parser)) {
		*why = xstrdup("out of memory");
		return -1;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		*why = xasprintf("line %zu: %s",
		    parser.problem_mark.line + 1, parser.problem != NULL ?
		    parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc) != NULL ? 1 : 0;
	if (root && (v = scalar(&doc, member(&doc, 1, "defaultContext"))) !=
	    NULL && *v != '\0')
		*dflt = xstrdup(v);
	contexts = root ? yaml_document_get_node(&doc, member(&doc, 1,
	    "contexts")) : NULL;
	if (contexts != NULL && contexts->type == YAML_MAPPING_NODE) {
		for (pair = contexts->data.mapping.pairs.start;
		    pair < contexts->data.mapping.pairs.top; pair++) {
			if ((name = scalar(&doc, pair->key)) == NULL)
				continue;
			t = member(&doc, member(&doc, pair->value, "options"),
			    "TELEMETRY");
			if ((v = scalar(&doc, member(&doc, t, "value"))) ==
			    NULL)
				v = scalar(&doc, t);
			if (v == NULL || strcasecmp(v, "false") != 0)
				continue;
			p = *off;
			*off = xasprintf("%s%s%s", p != NULL ? p : "",
			    p != NULL ? "," : "", name);
			free(p);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (*dflt == NULL)
		*dflt = xstrdup("default");
	return 0;
}

/* Is name one of the comma-separated list? */
static int
in_list(const char *list, const char *name)
{
	size_t	n = strlen(name);
	const char *p;

	for (p = list; p != NULL; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* The context option TELEMETRY=false of a DevPod-style config file. */
static void
config_option(struct tt_switch *s, const char *envfile, const char *envhome,
    const char *homedir)
{
	const char	*v, *home;
	char		*path, *off, *dflt, *why;
	FILE		*f;
	int		 rc;

	if (s == NULL)
		return;
	if ((v = getenv(envfile)) != NULL && *v != '\0')
		path = xstrdup(v);
	else if (envhome != NULL && (v = getenv(envhome)) != NULL &&
	    *v != '\0')
		path = xasprintf("%s/config.yaml", v);
	else {
		home = getenv("HOME");
		path = xasprintf("%s/%s/config.yaml", home != NULL ? home : "",
		    homedir);
	}
	if ((f = fopen(path, "r")) == NULL) {
		s->detail = xasprintf("%s: no such file, so the default "
		    "(TELEMETRY=true) applies", path);
		free(path);
		return;
	}
	rc = yaml_telemetry_off(f, &dflt, &off, &why);
	fclose(f);
	if (rc != 0) {
		s->detail = xasprintf("%s is not YAML (%s), so it says nothing "
		    "of TELEMETRY", path, why);
		free(why);
		free(path);
		return;
	}
	if (off != NULL && in_list(off, dflt)) {
		s->state = TT_SWITCH_OFF;
		s->detail = xasprintf("TELEMETRY=false in context %s (the "
		    "default) of %s", dflt, path);
	} else if (off != NULL)
		s->detail = xasprintf("TELEMETRY=false only in context(s) %s "
		    "of %s; the default context %s sends", off, path, dflt);
	else
		s->detail = xasprintf("%s: TELEMETRY is not false in any "
		    "context", path);
	free(off);
	free(dflt);
	free(path);
}

/* werf's WERF_TELEMETRY: 0/false/no off, 1/true/yes forced on. */
static void
werf_env(struct tt_switch *s)
{
	const char	*v;

	if (s == NULL)
		return;
	v = getenv("WERF_TELEMETRY");
	if (v == NULL) {
		s->detail = xstrdup("WERF_TELEMETRY is not set (release "
		    "builds send; dev builds do not)");
		return;
	}
	if (strcasecmp(v, "0") == 0 || strcasecmp(v, "false") == 0 ||
	    strcasecmp(v, "no") == 0) {
		s->state = TT_SWITCH_OFF;
		s->detail = xasprintf("WERF_TELEMETRY=%s in the environment",
		    v);
	} else if (strcasecmp(v, "1") == 0 || strcasecmp(v, "true") == 0 ||
	    strcasecmp(v, "yes") == 0) {
		s->state = TT_SWITCH_FORCED_ON;
		s->detail = xasprintf("WERF_TELEMETRY=%s forces telemetry on, "
		    "even for dev builds", v);
	} else
		s->detail = xasprintf("WERF_TELEMETRY=%s is not a value werf "
		    "reads, so it counts as unset", v);
}

size_t
tt_switches_detect(struct tt_switch *out, size_t max)
{
	struct tt_switch	*s;
	const char		*v;
	size_t			 n = 0;

	env_exact(add(out, max, &n, "devpod", "DEVPOD_DISABLE_TELEMETRY=true"),
	    "DEVPOD_DISABLE_TELEMETRY", "true");
	config_option(add(out, max, &n, "devpod", "context option "
	    "TELEMETRY=false (devpod context set-options -o TELEMETRY=false)"),
	    "DEVPOD_CONFIG", "DEVPOD_HOME", ".devpod");
	env_exact(add(out, max, &n, "devsy", "DEVSY_DISABLE_TELEMETRY=true"),
	    "DEVSY_DISABLE_TELEMETRY", "true");
	config_option(add(out, max, &n, "devsy", "context option "
	    "TELEMETRY=false (devsy context set-options -o TELEMETRY=false)"),
	    "DEVSY_CONFIG", NULL, ".devsy");
	werf_env(add(out, max, &n, "werf", "WERF_TELEMETRY=0|false|no"));
	env_exact(add(out, max, &n, "devtron", "IS_AIR_GAP_ENVIRONMENT=true "
	    "(on the Devtron orchestrator)"), "IS_AIR_GAP_ENVIRONMENT", "true");
	if ((s = add(out, max, &n, "devtron", "server-side opt-out list "
	    "(GET /devtron/telemetry/opt-out/<ucid>)")) != NULL) {
		s->state = TT_SWITCH_REMOTE;
		s->detail = xstrdup("answered by this collector from its "
		    "opt-out registry");
	}
	if ((s = add(out, max, &n, "*", "DO_NOT_TRACK=1")) != NULL) {
		v = getenv("DO_NOT_TRACK");
		if (v != NULL && (strcmp(v, "1") == 0 ||
		    strcasecmp(v, "true") == 0)) {
			s->state = TT_SWITCH_OFF;
			s->detail = xasprintf("DO_NOT_TRACK=%s in the "
			    "environment: teltop wrap sends nothing; the seed "
			    "tools do not read it", v);
		} else
			s->detail = xstrdup("DO_NOT_TRACK is not set; a "
			    "cross-tool convention that teltop wrap honours "
			    "and the seed tools do not read");
	}
	return n;
}

void
tt_switches_free(struct tt_switch *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(s[i].detail);
		s[i].detail = NULL;
	}
}
