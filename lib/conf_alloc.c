/*
 * NAME
 *	conf_alloc 3
 * SUMMARY
 *	the one allocator of a configuration load
 * SYNOPSIS
 *	#include "conf_alloc.h"
 * DESCRIPTION
 *	See conf_alloc.h. Nothing else belongs in this file: a call from
 *	inside it would escape the test's wrapper.
 * DIAGNOSTICS
 *	NULL when out of memory; p is then left as it was.
 */
#include "config.h"

#include <stdlib.h>

#include "conf_alloc.h"

/* conf_realloc - realloc(3) for a configuration load; NULL when out of memory */
void *
conf_realloc(void *p, size_t n)
{
	return realloc(p, n != 0 ? n : 1);
}
