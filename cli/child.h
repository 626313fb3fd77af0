/*
 * Running a command for `teltop wrap` and `teltop capture`, so that to
 * whoever started teltop it looks as if the command ran alone: it keeps
 * the terminal and stdin/stdout/stderr, SIGINT, SIGTERM and SIGHUP sent to
 * teltop reach it (those from the terminal already did, and are not sent
 * twice), and teltop ends with its exit status, or dies of the same signal.
 */
#ifndef TT_CHILD_H
#define TT_CHILD_H

/* How a command ended. */
struct child_status {
	int	exit_code;	/* 128 + signal for a death by signal */
	int	signo;		/* 0: it exited */
};

/*
 * Run argv (argv[0] looked up in PATH) in a child with our environment and
 * wait for it, passing signals on; during(arg), if not NULL, runs in this
 * process while the command runs.  0 with *st, or -1 when there is no
 * child (fork failed), after a line on stderr starting with who.
 */
int	child_run(const char *who, char **argv, void (*during)(void *),
	    void *arg, struct child_status *st);
/* Our exit status for st: returns it, or dies of the command's signal. */
int	child_pass(const struct child_status *st);
/*
 * exec argv in this process.  Returns only if that failed, with 127 (not
 * found) or 126, after a line on stderr starting with who.
 */
int	child_exec(const char *who, char **argv);

#endif
