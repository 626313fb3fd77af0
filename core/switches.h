/*
 * The tools' own telemetry switches (formats.md): environment variables
 * and config-file options that stop a tool from sending, and whether each
 * is set on this machine.  Read from the environment and the tools' config
 * files each time tt_switches_detect() runs; nothing is cached.
 */
#ifndef TT_SWITCHES_H
#define TT_SWITCHES_H

#include <stddef.h>

enum tt_switch_state {
	TT_SWITCH_UNSET,	/* not set here: the tool sends */
	TT_SWITCH_OFF,		/* set here: the tool does not send */
	TT_SWITCH_FORCED_ON,	/* set here to force telemetry on */
	TT_SWITCH_REMOTE	/* not a setting of this machine */
};

struct tt_switch {
	const char		*source;	/* "devpod", ... or "*" */
	const char		*what;		/* the switch, e.g. an env var */
	enum tt_switch_state	 state;
	char			*detail;	/* what was found; owned */
};

#define TT_SWITCHES_MAX	16

/* Fill out[] with every known switch; returns how many. */
size_t		 tt_switches_detect(struct tt_switch *out, size_t max);
void		 tt_switches_free(struct tt_switch *, size_t);
const char	*tt_switch_state_name(enum tt_switch_state);

#endif
