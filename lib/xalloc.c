/*
 * NAME
 *	xalloc 3
 * SUMMARY
 *	allocation that cannot fail, for the daemon's start only
 * SYNOPSIS
 *	#include "xalloc.h"
 * DESCRIPTION
 *	See xalloc.h.
 * DIAGNOSTICS
 *	Out of memory: fatalx().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

/* xmalloc - malloc or die */
void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		fatalx("out of memory");
	return p;
}

/* xstrdup - strdup or die */
char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatalx("out of memory");
	return p;
}
