/*
 * NAME
 *	strlist 3h
 * SUMMARY
 *	a growable list of strings
 * SYNOPSIS
 *	#include "strlist.h"
 * DESCRIPTION
 *	Holds configuration lists and collected error messages. Every entry
 *	is owned by the list. Allocation failure is fatal (fatalx): the
 *	list is only grown while a configuration is built, never per session.
 */
#ifndef ISO_STRLIST_H
#define ISO_STRLIST_H

#include <stddef.h>

struct strlist {
	char  **v;
	size_t	n;
	size_t	cap;
};

void	strlist_add(struct strlist *list, const char *s);
void	strlist_addf(struct strlist *list, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	strlist_contains_nocase(const struct strlist *list, const char *s);
void	strlist_clear(struct strlist *list);

#endif
