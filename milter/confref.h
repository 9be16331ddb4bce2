/*
 * NAME
 *	confref 3h
 * SUMMARY
 *	the running configuration, shared by sessions and swapped on reload
 * SYNOPSIS
 *	#include "confref.h"
 *
 *	int confref_install(struct conf *conf);
 *	struct confref *confref_get(void);
 *	void confref_put(struct confref *ref);
 * DESCRIPTION
 *	confref_install() makes conf the configuration new sessions get;
 *	the previous one is freed when its last session lets go of it, so
 *	sessions in flight finish on the configuration they started with.
 * DIAGNOSTICS
 *	confref_install() returns 0, or -1 when out of memory: conf is then
 *	not taken and the running configuration stays, so a reload that
 *	runs out goes on with the old one instead of exiting.
 */
#ifndef ISO_CONFREF_H
#define ISO_CONFREF_H

#include "conf.h"

struct confref {
	struct conf *conf;
	unsigned refs;
};

int	confref_install(struct conf *conf);
struct confref *confref_get(void);
void	confref_put(struct confref *ref);
void	confref_shutdown(void);

#endif
