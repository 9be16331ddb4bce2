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
 *	int runtime_store_changed(const struct conf *old,
 *	    const struct conf *conf);
 *	void runtime_shutdown(void);
 * DESCRIPTION
 *	Created once at start-up, before libmilter's threads: a reload
 *	swaps the configuration but keeps the quarantine records and the
 *	SPF server. runtime_node() is this server's name, recorded in
 *	quarantine records. The store is Redis when RedisServer or
 *	RedisSentinels is set, else the LMDB StateFile (conf_store_open);
 *	runtime_store_changed() tells a reload that the new file asks for
 *	another one (a restart applies it). A background thread sweeps
 *	what expired from the store every RUNTIME_SWEEP_SECONDS (LMDB keeps
 *	expired records until then; Redis expires its own).
 * DIAGNOSTICS
 *	runtime_init() logs what failed and returns -1.
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
