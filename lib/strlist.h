/*
 * NAME
 *	strlist 3h
 * SUMMARY
 *	a growable list of strings
 * SYNOPSIS
 *	#include "strlist.h"
 *
 *	int strlist_add(struct strlist *list, const char *s);
 *	int strlist_addf(struct strlist *list, const char *fmt, ...);
 *	int strlist_contains_nocase(const struct strlist *list, const char *s);
 *	void strlist_clear(struct strlist *list);
 * DESCRIPTION
 *	Holds configuration lists and collected error messages. Every entry
 *	is owned by the list. Lists are built while a configuration is
 *	loaded (at start-up and on SIGHUP), never per session, so they
 *	allocate through conf_realloc() (conf_alloc.h).
 * DIAGNOSTICS
 *	strlist_add() and strlist_addf() return 0, or -1 when memory ran
 *	out, the list then as it was: a loader that cannot record an error
 *	still knows that it failed, and a reload keeps the running
 *	configuration instead of exiting.
 */
#ifndef ISO_STRLIST_H
#define ISO_STRLIST_H

#include <stddef.h>

struct strlist {
	char  **v;
	size_t	n;
	size_t	cap;
};

int	strlist_add(struct strlist *list, const char *s);
int	strlist_addf(struct strlist *list, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	strlist_contains_nocase(const struct strlist *list, const char *s);
void	strlist_clear(struct strlist *list);

#endif
