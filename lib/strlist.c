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
 *	Out of memory: -1, the list unchanged.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_alloc.h"
#include "strlist.h"

/* push - append s, taken over; 0, or -1 out of memory (s not taken) */
static int
push(struct strlist *list, char *s)
{
	size_t cap;
	char **v;

	if (list->n == list->cap) {
		cap = list->cap ? list->cap * 2 : 8;
		if ((v = conf_realloc(list->v, cap * sizeof(*v))) == NULL)
			return -1;
		list->v = v;
		list->cap = cap;
	}
	list->v[list->n++] = s;
	return 0;
}

/* strlist_add - append a copy of s; 0, or -1 out of memory */
int
strlist_add(struct strlist *list, const char *s)
{
	char *copy;

	if ((copy = conf_strndup(s, strlen(s))) == NULL)
		return -1;
	if (push(list, copy) < 0) {
		free(copy);
		return -1;
	}
	return 0;
}

/* strlist_addf - append a formatted string; 0, or -1 out of memory */
int
strlist_addf(struct strlist *list, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = conf_realloc(NULL, (size_t)n + 1)) == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (push(list, s) < 0) {
		free(s);
		return -1;
	}
	return 0;
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
