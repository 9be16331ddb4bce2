/*
 * NAME
 *	conf_alloc 3h
 * SUMMARY
 *	the allocator of everything a configuration load builds
 * SYNOPSIS
 *	#include "conf_alloc.h"
 *
 *	void *conf_realloc(void *p, size_t n);
 *	char *conf_strndup(const char *s, size_t n);
 * DESCRIPTION
 *	Every allocation made while a configuration is loaded goes through
 *	conf_realloc(): lib/conf* and what they read with it, the text
 *	files (textfile), the lists and error lists (strlist), the
 *	SenderLoginMap (sendermap), the AlertTemplate (alert) and the
 *	AlertContacts (contacts). Like realloc(3) it returns NULL when
 *	memory runs out; every caller turns that into an error of the load
 *	("out of memory"), never an exit, so that a SIGHUP reload that runs
 *	out keeps the running configuration.
 *
 *	conf_realloc() lives alone in conf_alloc.c so that a test can put a
 *	counting wrapper in its place at link time (ld --wrap=conf_realloc)
 *	and make each allocation of a load fail in turn; conf_strndup()
 *	lives elsewhere (conf_value.c), so that its calls are wrapped too.
 * DIAGNOSTICS
 *	NULL when out of memory; p is then left as it was.
 */
#ifndef ISO_CONF_ALLOC_H
#define ISO_CONF_ALLOC_H

#include <stddef.h>

void   *conf_realloc(void *p, size_t n);
char   *conf_strndup(const char *s, size_t n);

#endif
