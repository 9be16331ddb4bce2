/*
 * NAME
 *	ctl_hook 3
 * SUMMARY
 *	run an operator's command for isolationctl notify: no shell, a
 *	minimal environment, bounded output, bounded time
 * SYNOPSIS
 *	#include "ctl.h"
 *
 *	int ctl_run(const char *cmdline, char *const env[],
 *	    const char *input, size_t input_len, unsigned long timeout_ms,
 *	    struct ctl_run *r);
 *	const char *ctl_run_status(const struct ctl_run *r, char *buf,
 *	    size_t len);
 *	const char *ctl_run_first_line(const struct ctl_run *r, char *buf,
 *	    size_t len);
 * DESCRIPTION
 *	ctl_run() splits cmdline on white space (EventCommand and
 *	AlertSendmail are checked by the configuration: an absolute path,
 *	no control characters) and executes it directly, with env as its
 *	whole environment. Its standard input is input (NULL: /dev/null);
 *	standard output and standard error share one pipe, of which the
 *	first CTL_RUN_KEEP octets are kept and the rest read and thrown
 *	away, so that a command that floods its output never blocks.
 *	Input and output are served together (poll), so a command that
 *	writes before it has read everything cannot dead-lock with us.
 *
 *	The command runs in a process group of its own: a terminal's ^C
 *	goes to isolationctl only, and a timeout reaches whatever the
 *	command started. After timeout_ms the group gets SIGTERM, and
 *	SIGKILL CTL_RUN_GRACE_MS later. The command is done when its own
 *	process has exited (a background child that keeps the pipe open
 *	does not hold us); what it wrote by then is kept. Every other file
 *	descriptor is closed in the child (the state store's, above all),
 *	and signals are set back to their defaults.
 *
 *	ctl_run_status() describes the outcome for a log line: "exit=0",
 *	"exit=75", "signal=9", "timeout=30000ms" or "error=\"...\"".
 *	ctl_run_first_line() is the first line of the output, escaped as
 *	the decision log escapes client text (spaces kept).
 * DIAGNOSTICS
 *	ctl_run() returns 0 when the command exited with status 0, -1
 *	otherwise (it could not be run, failed, was killed or timed out).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "declog.h"

#define ARGS_MAX		64	/* words of a command line */
#define CTL_RUN_GRACE_MS	2000	/* SIGTERM to SIGKILL */
#define TICK_MS			100	/* a running child is looked at */

/* now_ms - the monotonic clock in milliseconds */
static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* split - cmdline into argv (in buf, a copy); the number of words */
static size_t
split(const char *cmdline, char *buf, size_t len, char *argv[ARGS_MAX + 1])
{
	char *save, *w;
	size_t n = 0;

	snprintf(buf, len, "%s", cmdline);
	for (w = strtok_r(buf, " \t", &save); w != NULL && n < ARGS_MAX;
	    w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return n;
}

/* close_others - close every descriptor above standard error */
static void
close_others(void)
{
	long max, fd;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		(void)close((int)fd);
}

/* say - a text on the child's standard error, which we capture */
static void
say(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0)
		return;
}

/* child - set up the descriptors and exec; never returns */
static void
child(char *const argv[], char *const env[], int in_fd, int out_fd)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	(void)setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0)
		_exit(126);
	close_others();
	execve(argv[0], argv, env);
	/* strerror() is not async-signal-safe: fixed texts */
	say("exec failed: ");
	say(argv[0]);
	say(errno == ENOENT ? ": no such file\n" : errno == EACCES ?
	    ": permission denied\n" : ": cannot execute\n");
	_exit(127);
}

/* keep - output read from the command: the first CTL_RUN_KEEP octets */
static void
keep(struct ctl_run *r, const char *p, size_t n)
{
	size_t room = CTL_RUN_KEEP - r->out_len;

	if (n > room)
		n = room;
	memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
	r->out[r->out_len] = '\0';
}

/* drain - read what the pipe holds now; 1 at end of file */
static int
drain(int fd, struct ctl_run *r)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) > 0) {
			keep(r, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
	}
}

/* serve - feed input and collect output until the child has exited */
static void
serve(pid_t pid, int in_fd, int out_fd, const char *input, size_t input_len,
    unsigned long timeout_ms, struct ctl_run *r)
{
	long long deadline = now_ms() + (long long)timeout_ms, kill_at = 0;
	struct pollfd p[2];
	size_t sent = 0;
	ssize_t n;
	pid_t w;
	int out_open = 1, nfds;

	for (;;) {
		if ((w = waitpid(pid, &r->status, WNOHANG)) == pid)
			break;
		if (w < 0 && errno != EINTR) {
			snprintf(r->error, sizeof(r->error), "waitpid: %s",
			    strerror(errno));
			break;
		}
		if (!r->timed_out && now_ms() >= deadline) {
			r->timed_out = 1;
			(void)kill(-pid, SIGTERM);
			kill_at = now_ms() + CTL_RUN_GRACE_MS;
		} else if (kill_at != 0 && now_ms() >= kill_at) {
			(void)kill(-pid, SIGKILL);
			kill_at = 0;
		}
		nfds = 0;
		if (out_open) {
			p[nfds].fd = out_fd;
			p[nfds++].events = POLLIN;
		}
		if (in_fd >= 0) {
			p[nfds].fd = in_fd;
			p[nfds++].events = POLLOUT;
		}
		/* a tick: the child's exit is looked for between polls */
		if (poll(p, (nfds_t)nfds, TICK_MS) <= 0)
			continue;
		if (out_open && p[0].revents != 0 && drain(out_fd, r))
			out_open = 0;
		if (in_fd >= 0 && p[nfds - 1].revents != 0) {
			n = write(in_fd, input + sent, input_len - sent);
			if (n > 0)
				sent += (size_t)n;
			/* done, or the command reads no more (EPIPE) */
			if (sent == input_len || (n < 0 && errno != EINTR &&
			    errno != EAGAIN)) {
				close(in_fd);
				in_fd = -1;
			}
		}
	}
	if (out_open)
		(void)drain(out_fd, r);
	if (in_fd >= 0)
		close(in_fd);
}

/* ctl_run - run a command line, no shell; 0 when it exited 0 */
int
ctl_run(const char *cmdline, char *const env[], const char *input,
    size_t input_len, unsigned long timeout_ms, struct ctl_run *r)
{
	char words[CTL_COMMAND_MAX + 1], *argv[ARGS_MAX + 1];
	int out[2] = {-1, -1}, in[2] = {-1, -1};
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->timeout_ms = timeout_ms;
	if (strlen(cmdline) > CTL_COMMAND_MAX) {
		snprintf(r->error, sizeof(r->error), "command too long");
		return -1;
	}
	if (split(cmdline, words, sizeof(words), argv) == 0) {
		snprintf(r->error, sizeof(r->error), "empty command");
		return -1;
	}
	if (pipe2(out, O_CLOEXEC) < 0 || (input != NULL ?
	    pipe2(in, O_CLOEXEC) : (in[0] = open("/dev/null", O_RDONLY |
	    O_CLOEXEC))) < 0) {
		snprintf(r->error, sizeof(r->error), "pipe: %s",
		    strerror(errno));
		goto fail;
	}
	if ((pid = fork()) < 0) {
		snprintf(r->error, sizeof(r->error), "fork: %s",
		    strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child(argv, env, in[0], out[1]);
	/* in the parent too, so that killing the group never misses it */
	(void)setpgid(pid, pid);
	close(out[1]);
	close(in[0]);
	(void)fcntl(out[0], F_SETFL, O_NONBLOCK);
	if (in[1] >= 0)
		(void)fcntl(in[1], F_SETFL, O_NONBLOCK);
	serve(pid, in[1], out[0], input, input_len, timeout_ms, r);
	close(out[0]);
	return !r->timed_out && WIFEXITED(r->status) &&
	    WEXITSTATUS(r->status) == 0 ? 0 : -1;

fail:
	if (out[0] >= 0) {
		close(out[0]);
		close(out[1]);
	}
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	return -1;
}

/* ctl_run_status - the outcome as a log field */
const char *
ctl_run_status(const struct ctl_run *r, char *buf, size_t len)
{
	char esc[sizeof(r->error) * 4 + 1];

	if (r->error[0] != '\0')
		snprintf(buf, len, "error=\"%s\"",
		    declog_escape(r->error, 1, esc, sizeof(esc)));
	else if (r->timed_out)
		snprintf(buf, len, "timeout=%lums", r->timeout_ms);
	else if (WIFEXITED(r->status))
		snprintf(buf, len, "exit=%d", WEXITSTATUS(r->status));
	else if (WIFSIGNALED(r->status))
		snprintf(buf, len, "signal=%d", WTERMSIG(r->status));
	else
		snprintf(buf, len, "status=%d", r->status);
	return buf;
}

/* ctl_run_first_line - the first line of the output, escaped */
const char *
ctl_run_first_line(const struct ctl_run *r, char *buf, size_t len)
{
	char line[CTL_LINE_MAX + 1];
	size_t n = strcspn(r->out, "\r\n");

	/* declog_escape() writes "-" for nothing: a log shows "" */
	if (n == 0) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	if (n > CTL_LINE_MAX)
		n = CTL_LINE_MAX;
	memcpy(line, r->out, n);
	line[n] = '\0';
	return declog_escape(line, 1, buf, len);
}
