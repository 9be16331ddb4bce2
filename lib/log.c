/*
 * NAME
 *	log 3
 * SUMMARY
 *	the daemon's small logging API
 * SYNOPSIS
 *	#include "log.h"
 * DESCRIPTION
 *	log_init() chooses stderr, syslog or both; log_set_level() the
 *	threshold. Lines are written whole with one write so that worker
 *	threads never interleave inside a line. The threshold is an atomic:
 *	a reload sets it while workers read it (relaxed order is enough, a
 *	line written just before or after the change is as good).
 * DIAGNOSTICS
 *	fatalx() logs and exits with status 1.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_where = LOG_TO_STDERR;
/* written on SIGHUP by the main thread, read by every worker */
static atomic_int log_threshold = LOG_LEVEL_INFO;
static const char *log_ident = "isolation-milter";

static const char *const level_names[] = {
	"error", "warning", "notice", "info", "debug",
};

static const int level_prio[] = {
	LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
};

/* log_init - choose destinations and the syslog identity */
void
log_init(const char *ident, int where, int facility)
{
	log_ident = ident;
	if ((log_where & LOG_TO_SYSLOG) != 0)
		closelog();
	log_where = where;
	if ((where & LOG_TO_SYSLOG) != 0)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

/* log_set_level - set the lowest level that is written */
void
log_set_level(enum log_level level)
{
	atomic_store_explicit(&log_threshold, (int)level, memory_order_relaxed);
}

/* log_level_parse - map a LogLevel name; 0 ok, -1 unknown */
int
log_level_parse(const char *name, enum log_level *level_r)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*level_r = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* log_level_name - the LogLevel name of a level */
const char *
log_level_name(enum log_level level)
{
	return level_names[level];
}

/* log_enabled - would a line of this level be written? */
int
log_enabled(enum log_level level)
{
	return (int)level <= atomic_load_explicit(&log_threshold,
	    memory_order_relaxed);
}

/* write_line - a line as it is, to each destination */
static void
write_line(enum log_level level, const char *line)
{
	char stamp[32];
	int n;
	struct tm tm;
	time_t now;

	if ((log_where & LOG_TO_SYSLOG) != 0)
		syslog(level_prio[level], "%s", line);
	if ((log_where & LOG_TO_STDERR) != 0) {
		char out[4200];

		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		n = snprintf(out, sizeof(out), "%s %s[%ld]: %s: %s\n", stamp,
		    log_ident, (long)getpid(), level_names[level], line);
		if (n > 0) {
			if ((size_t)n >= sizeof(out))
				n = sizeof(out) - 1;
			if (write(STDERR_FILENO, out, (size_t)n) < 0)
				return;
		}
	}
}

/* log_vmsg - format once, then write to each destination */
static void
log_vmsg(enum log_level level, const char *suffix, const char *fmt,
    va_list ap)
{
	char line[4096];
	int n;

	if (!log_enabled(level))
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if (suffix != NULL && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s", suffix);
	write_line(level, line);
}

/* log_line - write a line already formatted (no copy through printf) */
void
log_line(enum log_level level, const char *line)
{
	if (log_enabled(level))
		write_line(level, line);
}

/* log_msg - write a line at the given level */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, NULL, fmt, ap);
	va_end(ap);
}

/* log_warn - warning with strerror(errno) appended */
void
log_warn(const char *fmt, ...)
{
	va_list ap;
	char buf[256];
	const char *err;
	int saved = errno;

	/* GNU strerror_r: the text may or may not be in buf */
	err = strerror_r(saved, buf, sizeof(buf));
	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_WARNING, err, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* log_warnx - warning without errno */
void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_WARNING, NULL, fmt, ap);
	va_end(ap);
}

/* log_info - informational line */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_INFO, NULL, fmt, ap);
	va_end(ap);
}

/* log_debug - debugging line */
void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

/* fatalx - log a broken invariant and exit */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
