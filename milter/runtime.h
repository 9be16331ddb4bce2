/*
 * NAME
 *	runtime 3h
 * SUMMARY
 *	what outlives a configuration: the state store and the SPF checker
 * SYNOPSIS
 *	#include "runtime.h"
 *
 *	int runtime_init(const struct conf *conf);
 *	struct store *runtime_store(void);
 *	struct spf_checker *runtime_spf(void);
 *	const char *runtime_node(void);
int	runtime_store_changed(const struct conf *old, const struct conf *conf);
 *	int runtime_store_changed(const struct conf *old,
 *	    const struct conf *conf);
 *	void runtime_shutdown(void);
 * DESCRIPTION
 *	Created once at start-up, before libmilter's threads: a reload
 *	swaps the configuration but keeps the quarantine records and the
 *	SPF server. runtime_node() is this server's name, recorded in
 *	quarantine records. The store is Redis when RedisServer or
 *	RedisSentinels is set, else memory; runtime_store_changed() tells a
 *	reload that the new file asks for another one (a restart applies it).
 * DIAGNOSTICS
 *	runtime_init() prints what failed to stderr and returns -1.
 */
#ifndef ISO_RUNTIME_H
#define ISO_RUNTIME_H

#include "conf.h"
#include "spf.h"
#include "store.h"

int	runtime_init(const struct conf *conf);
struct store *runtime_store(void);
struct spf_checker *runtime_spf(void);
const char *runtime_node(void);
int	runtime_store_changed(const struct conf *old, const struct conf *conf);
void	runtime_shutdown(void);

#endif
