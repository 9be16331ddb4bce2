/*
 * NAME
 *	xalloc 3h
 * SUMMARY
 *	allocation that cannot fail, for the daemon's start only
 * SYNOPSIS
 *	#include "xalloc.h"
 *
 *	void *xmalloc(size_t n);
 *	char *xstrdup(const char *s);
 * DESCRIPTION
 *	Running out of memory in these is fatal (fatalx), which is right
 *	only where no configuration runs yet, at the daemon's start: the
 *	pid file's path (milter/daemon.c, pidfile_open() and
 *	pidfile_check_folder()) and the hint of a StateFile that did not
 *	open (milter/runtime.c, state_folder_hint(), when runtime_init()
 *	fails). A configuration load (start-up and SIGHUP) allocates
 *	through conf_realloc() instead (conf_alloc.h): a reload that runs
 *	out of memory keeps the running configuration. The per-session
 *	path never calls these.
 */
#ifndef ISO_XALLOC_H
#define ISO_XALLOC_H

#include <stddef.h>

void   *xmalloc(size_t n);
char   *xstrdup(const char *s);

#endif
