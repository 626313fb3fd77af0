/*
 * The command runner of child.h.  One command at a time per process: the
 * signal handler finds it in child_pid, which is set only while the
 * forwarded signals are blocked and is 0 when no command runs.  Whatever
 * child_run() changed (handlers of the forwarded signals and SIGCHLD) is
 * as it was when it returns, and the child starts with them as we got
 * them, so a signal ignored by whoever started us stays ignored.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"

static const int	forwarded[] = { SIGINT, SIGTERM, SIGHUP };
#define NFORWARDED	((int)(sizeof forwarded / sizeof forwarded[0]))

/* The command's pid, for the signal handler; 0 when none runs. */
static volatile sig_atomic_t	child_pid;

/*
 * Pass a signal on to the command.  One from the terminal (si_code
 * SI_KERNEL) went to the whole foreground process group, the command
 * included, so it is not sent twice.  Runs in signal context: kill() only.
 */
static void
on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si != NULL && si->si_code == SI_KERNEL)
		return;
	if (child_pid > 0)
		(void)kill((pid_t)child_pid, sig);
}

/* exec the command in this process; returns only if that failed. */
int
child_exec(const char *who, char **argv)
{
	int	err;

	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "%s: %s: %s\n", who, argv[0], strerror(err));
	return err == ENOENT ? 127 : 126;
}

/* Fork, run the command, call during(), wait: see child.h. */
int
child_run(const char *who, char **argv, void (*during)(void *), void *arg,
    struct child_status *st)
{
	struct sigaction	sa, old[NFORWARDED], oldchld;
	sigset_t		set, oset;
	pid_t			pid;
	int			i, ws, rc = 0;

	/* No signal may reach the handler before child_pid is set. */
	sigemptyset(&set);
	for (i = 0; i < NFORWARDED; i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, &oset);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NFORWARDED; i++) {
		(void)sigaction(forwarded[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			(void)sigaction(forwarded[i], &sa, NULL);
	}
	/* An inherited SIGCHLD SIG_IGN would reap the command for us. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGCHLD, &sa, &oldchld);

	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "%s: cannot fork: %s\n", who, strerror(errno));
		rc = -1;
		goto restore;
	}
	if (pid == 0) {
		for (i = 0; i < NFORWARDED; i++)
			(void)sigaction(forwarded[i], &old[i], NULL);
		(void)sigaction(SIGCHLD, &oldchld, NULL);
		sigprocmask(SIG_SETMASK, &oset, NULL);
		_exit(child_exec(who, argv));
	}
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &oset, NULL);

	if (during != NULL)
		during(arg);

	while (waitpid(pid, &ws, 0) == -1) {
		if (errno != EINTR) {
			/* cannot happen: pid is our child, SIGCHLD is default */
			fprintf(stderr, "%s: waitpid: %s\n", who,
			    strerror(errno));
			ws = 1 << 8;
			break;
		}
	}
	memset(st, 0, sizeof *st);
	if (WIFSIGNALED(ws)) {
		st->signo = WTERMSIG(ws);
		st->exit_code = 128 + st->signo;
	} else
		st->exit_code = WEXITSTATUS(ws);

	sigprocmask(SIG_BLOCK, &set, NULL);
	child_pid = 0;
restore:
	for (i = 0; i < NFORWARDED; i++)
		(void)sigaction(forwarded[i], &old[i], NULL);
	(void)sigaction(SIGCHLD, &oldchld, NULL);
	sigprocmask(SIG_SETMASK, &oset, NULL);
	return rc;
}

/* Die of sig the way the command did, so the shell sees the same status. */
static void
die_like(int sig)
{
	struct sigaction	sa;
	struct rlimit		rl;
	sigset_t		set;

	rl.rlim_cur = rl.rlim_max = 0;
	/* the command's core dump, if any, is enough */
	(void)setrlimit(RLIMIT_CORE, &rl);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	fflush(NULL);
	(void)raise(sig);
}

/* Our exit status for st; a death by signal is passed on as that signal. */
int
child_pass(const struct child_status *st)
{
	if (st->signo != 0)
		die_like(st->signo);
	return st->exit_code;
}
