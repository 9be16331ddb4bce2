/*
 * NAME
 *	conf_alloc 3
 * SUMMARY
 *	the one allocator of the configuration loader
 * SYNOPSIS
 *	#include "conf_value.h"
 *
 *	void *conf_realloc(void *p, size_t n);
 * DESCRIPTION
 *	Every allocation of lib/conf* goes through conf_realloc(), which is
 *	realloc(3) and, like it, returns NULL when memory runs out: the
 *	callers turn that into an error of the value being read, so that a
 *	reload keeps the running configuration instead of exiting.
 *
 *	It lives alone in this file so that a test can put a counting
 *	wrapper in its place at link time (ld --wrap=conf_realloc) and make
 *	each allocation of a load fail in turn.
 * DIAGNOSTICS
 *	NULL when out of memory; p is then left as it was.
 */
#include "config.h"

#include <stdlib.h>

#include "conf_value.h"

/* conf_realloc - realloc(3) for lib/conf*; NULL when out of memory */
void *
conf_realloc(void *p, size_t n)
{
	return realloc(p, n != 0 ? n : 1);
}
