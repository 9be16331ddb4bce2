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
 *	int ctl_explain(const struct ctl *ctl, int argc, char **argv);
 * DESCRIPTION
 *	isolationctl.c holds the program and its store commands;
 *	ctl_explain.c the offline evaluation of a hypothetical session.
 *
 *	ctl_escape() writes s with every octet outside printable ASCII,
 *	and '"' and '\\', as \\xHH, and the space too unless keep_space:
 *	keys and reasons come from clients and from other nodes, and a
 *	terminal must never receive their control characters.
 *
 *	ctl_error() prints "isolationctl: message" to stderr.
 *
 *	ctl_explain() runs the explain command on its arguments (those
 *	after the word "explain") and returns the exit status.
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

struct ctl {
	const struct conf *conf;
	struct store *store;		/* NULL: the store could not be opened */
	time_t	now;
};

void	ctl_escape(FILE *fp, const char *s, int keep_space);
void	ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	ctl_explain(const struct ctl *ctl, int argc, char **argv);

#endif
