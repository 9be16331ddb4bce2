/*
 * NAME
 *	strlist 3
 * SUMMARY
 *	a growable list of strings
 * SYNOPSIS
 *	#include "strlist.h"
 * DESCRIPTION
 *	See strlist.h.
 * DIAGNOSTICS
 *	Out of memory is fatal.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "strlist.h"

/* strlist_add - append a copy of s */
void
strlist_add(struct strlist *list, const char *s)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		char **v = realloc(list->v, cap * sizeof(*v));

		if (v == NULL)
			fatalx("out of memory");
		list->v = v;
		list->cap = cap;
	}
	if ((list->v[list->n] = strdup(s)) == NULL)
		fatalx("out of memory");
	list->n++;
}

/* strlist_addf - append a formatted string */
void
strlist_addf(struct strlist *list, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
	strlist_add(list, s);
	free(s);
}

/* strlist_contains_nocase - 1 if s is in the list, ignoring ASCII case */
int
strlist_contains_nocase(const struct strlist *list, const char *s)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (strcasecmp(list->v[i], s) == 0)
			return 1;
	return 0;
}

/* strlist_clear - free every entry and the list itself */
void
strlist_clear(struct strlist *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		free(list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}
