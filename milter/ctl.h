/*
 * NAME
 *	ctl 3h
 * SUMMARY
 *	what the parts of isolationctl share
 * SYNOPSIS
 *	#include "ctl.h"
 *
 *	void ctl_escape(FILE *fp, const char *s, int keep_space);
 *	void ctl_error(const char *fmt, ...);
 *	const char *ctl_iso_time(time_t t, char *buf, size_t len);
 *	void ctl_catch_stop(void);
 *	int ctl_stopping(void);
 *	void ctl_pause_ms(unsigned long ms);
 *
 *	int ctl_explain(const struct ctl *ctl, int argc, char **argv);
 *	int ctl_events(const struct ctl *ctl, int argc, char **argv);
 *	int ctl_notify(const struct ctl *ctl, int argc, char **argv);
 *
 *	int ctl_run(const char *cmdline, char *const env[],
 *	    const char *input, size_t input_len, unsigned long timeout_ms,
 *	    struct ctl_run *r);
 *	const char *ctl_run_status(const struct ctl_run *r, char *buf,
 *	    size_t len);
 *	const char *ctl_run_first_line(const struct ctl_run *r, char *buf,
 *	    size_t len);
 *
 *	int notify_alert(const struct notify *n, struct notify_event *p);
 *	const char *notify_prefix(const struct notify_event *p, char *buf,
 *	    size_t len);
 *	void notify_store_failed(const struct notify *n,
 *	    const struct notify_event *p, const char *what,
 *	    const struct store_err *err);
 *	void notify_log_run(const struct notify_event *p, const char *what,
 *	    int rc, const struct ctl_run *r);
 * DESCRIPTION
 *	isolationctl.c holds the program and its store commands;
 *	ctl_explain.c the offline evaluation of a hypothetical session;
 *	ctl_events.c the event log (events); ctl_notify.c the alerting
 *	consumer (notify), which sends the alert mail with ctl_alert.c and
 *	runs commands through ctl_hook.c.
 *
 *	ctl_escape() writes s with every octet outside printable ASCII,
 *	and '"' and '\\', as \\xHH, and the space too unless keep_space:
 *	keys and reasons come from clients and from other nodes, and a
 *	terminal must never receive their control characters.
 *
 *	ctl_error() prints "isolationctl: message" to stderr.
 *
 *	ctl_iso_time() writes t as ISO 8601 UTC, "2026-11-20T10:00:00Z".
 *
 *	ctl_catch_stop() makes SIGINT and SIGTERM set a flag that
 *	ctl_stopping() reads, for the commands that run until stopped
 *	(events --follow, notify); system calls are interrupted, not
 *	restarted, so that a wait ends early. ctl_pause_ms() sleeps, less
 *	when a stop signal arrives.
 *
 *	ctl_explain(), ctl_events() and ctl_notify() run a command on its
 *	arguments (those after the command's name) and return the exit
 *	status, or -1 for a usage error (the caller prints the usage).
 *
 *	ctl_run(): see ctl_hook.c.
 *
 *	The notifier's parts share struct notify (the configuration and
 *	the store) and struct notify_event (one event and how far it got,
 *	STEP_* flags, so that a retry repeats only what failed).
 *	notify_alert() settles the alert of a new incident (ctl_alert.c):
 *	0 when it is sent or none is due, -1 when it is to be retried.
 *	notify_prefix() starts every log line about an event;
 *	notify_store_failed() and notify_log_run() log a store error and a
 *	command's outcome (ctl_notify.c).
 * DIAGNOSTICS
 *	Exit statuses: CTL_OK, CTL_NO (not quarantined, not released,
 *	refused), CTL_ERROR (usage, configuration, store).
 */
#ifndef ISO_CTL_H
#define ISO_CTL_H

#include <stdio.h>
#include <time.h>

#include "conf.h"
#include "store.h"

#define CTL_OK		0
#define CTL_NO		1
#define CTL_ERROR	2

#define CTL_RUN_KEEP	4096	/* octets of a command's output kept */
#define CTL_COMMAND_MAX	1024	/* a command line, as conf allows */
#define CTL_LINE_MAX	200	/* octets of output quoted in a log line */
#define CTL_ENV_PATH	"PATH=/usr/sbin:/usr/bin:/sbin:/bin"

struct ctl {
	const struct conf *conf;
	struct store *store;		/* NULL: the store could not be opened */
	time_t	now;
};

/* What ctl_run() saw of one command. */
struct ctl_run {
	int	status;			/* waitpid()'s */
	int	timed_out;		/* killed after timeout_ms */
	unsigned long timeout_ms;
	char	error[128];		/* it could not be run: why */
	char	out[CTL_RUN_KEEP + 1];	/* standard output and error */
	size_t	out_len;
};

/* What the notifier's parts share. */
struct notify {
	const struct conf *conf;
	struct store *st;
};

#define STEP_HOOK	0x01	/* EventCommand ran */
#define STEP_ALERT	0x02	/* the alert is settled: sent, or none due */
#define STEP_RATED	0x04	/* counted against AlertLimit */
#define STEP_MAILED	0x08	/* AlertSendmail took the message */
#define STEP_HANDLED	0x10	/* done or given up: only the ack is left */

#define NOTIFY_PREFIX_MAX	2048

/* One event in the notifier's hands, and how far it got. */
struct notify_event {
	struct store_event ev;
	unsigned done;			/* STEP_* */
	unsigned attempts;		/* failed so far */
	time_t	due;			/* the next attempt */
	char	to[STORE_NOTE_MAX];	/* the recipient, once found */
	char	login[STORE_NOTE_MAX];	/* for an ip: the login seen on it */
	time_t	note_until;		/* the alerted note's expiry */
};

void	ctl_escape(FILE *fp, const char *s, int keep_space);
void	ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *ctl_iso_time(time_t t, char *buf, size_t len);
void	ctl_catch_stop(void);
int	ctl_stopping(void);
void	ctl_pause_ms(unsigned long ms);

int	ctl_explain(const struct ctl *ctl, int argc, char **argv);
int	ctl_events(const struct ctl *ctl, int argc, char **argv);
int	ctl_notify(const struct ctl *ctl, int argc, char **argv);

int	ctl_run(const char *cmdline, char *const env[], const char *input,
	    size_t input_len, unsigned long timeout_ms, struct ctl_run *r);
const char *ctl_run_status(const struct ctl_run *r, char *buf, size_t len);
const char *ctl_run_first_line(const struct ctl_run *r, char *buf,
	    size_t len);

int	notify_alert(const struct notify *n, struct notify_event *p);
const char *notify_prefix(const struct notify_event *p, char *buf,
	    size_t len);
void	notify_store_failed(const struct notify *n,
	    const struct notify_event *p, const char *what,
	    const struct store_err *err);
void	notify_log_run(const struct notify_event *p, const char *what, int rc,
	    const struct ctl_run *r);

#endif
