/*
 * NAME
 *	log 3h
 * SUMMARY
 *	the daemon's small logging API
 * SYNOPSIS
 *	#include "log.h"
 * DESCRIPTION
 *	One place decides where lines go (stderr in the foreground, syslog
 *	otherwise) and which levels pass. log_warn() appends strerror(errno),
 *	log_warnx() does not; fatalx() is for broken invariants only and never
 *	runs on the per-session path. log_line() writes a line its caller
 *	built (the decision line), without a pass through printf.
 */
#ifndef ISO_LOG_H
#define ISO_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_NOTICE,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

#define LOG_TO_STDERR	1
#define LOG_TO_SYSLOG	2

void	log_init(const char *ident, int where, int facility);
void	log_set_level(enum log_level level);
int	log_level_parse(const char *name, enum log_level *level_r);
const char *log_level_name(enum log_level level);
int	log_enabled(enum log_level level);

void	log_line(enum log_level level, const char *line);
void	log_msg(enum log_level level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
