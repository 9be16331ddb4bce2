/*
 * NAME
 *	confref 3
 * SUMMARY
 *	the running configuration, shared by sessions and swapped on reload
 * SYNOPSIS
 *	#include "confref.h"
 * DESCRIPTION
 *	A mutex guards the current pointer and every reference count; it is
 *	held for a few instructions only, once at connect and once at close.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "confref.h"

static pthread_mutex_t confref_lock = PTHREAD_MUTEX_INITIALIZER;
static struct confref *confref_current;

/* release - drop one reference; caller holds the lock */
static void
release(struct confref *ref)
{
	if (--ref->refs == 0) {
		conf_free(ref->conf);
		free(ref);
	}
}

/* confref_install - make conf current (takes ownership); 0, or -1 out of
 * memory (conf not taken) */
int
confref_install(struct conf *conf)
{
	struct confref *ref = calloc(1, sizeof(*ref));

	if (ref == NULL)
		return -1;
	ref->conf = conf;
	ref->refs = 1;		/* the "current" reference */
	pthread_mutex_lock(&confref_lock);
	if (confref_current != NULL)
		release(confref_current);
	confref_current = ref;
	pthread_mutex_unlock(&confref_lock);
	return 0;
}

/* confref_get - a reference to the current configuration */
struct confref *
confref_get(void)
{
	struct confref *ref;

	pthread_mutex_lock(&confref_lock);
	ref = confref_current;
	if (ref != NULL)
		ref->refs++;
	pthread_mutex_unlock(&confref_lock);
	return ref;
}

/* confref_put - let go of a reference (NULL ok) */
void
confref_put(struct confref *ref)
{
	if (ref == NULL)
		return;
	pthread_mutex_lock(&confref_lock);
	release(ref);
	pthread_mutex_unlock(&confref_lock);
}

/* confref_shutdown - drop the current configuration at exit */
void
confref_shutdown(void)
{
	pthread_mutex_lock(&confref_lock);
	if (confref_current != NULL)
		release(confref_current);
	confref_current = NULL;
	pthread_mutex_unlock(&confref_lock);
}
