/*
 * NAME
 *	xalloc 3h
 * SUMMARY
 *	allocation that cannot fail, for building configurations
 * SYNOPSIS
 *	#include "xalloc.h"
 *
 *	void *xmalloc(size_t n);
 *	char *xstrdup(const char *s);
 * DESCRIPTION
 *	Only for code that runs while a configuration or map is built, at
 *	start-up or on reload: running out of memory there is fatal
 *	(fatalx). The per-session path never calls these.
 */
#ifndef ISO_XALLOC_H
#define ISO_XALLOC_H

#include <stddef.h>

void   *xmalloc(size_t n);
char   *xstrdup(const char *s);

#endif
