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
 *	What the daemon creates once, at start-up, before libmilter's
 *	threads, and keeps across reloads: a reload swaps the configuration
 *	but keeps the quarantine records and the SPF checker.
 *
 *	runtime_init() opens the state store that conf names (Redis when
 *	RedisServer or RedisSentinels is set, else the LMDB StateFile: see
 *	conf_store_open() in conf.h), starts the thread that sweeps what
 *	expired from it every 10 seconds (LMDB keeps expired records until
 *	then; Redis expires its own), creates the SPF checker, and, when
 *	MetricsListen is set, starts the metrics endpoint
 *	(metrics_http.h: /metrics, /health), which a reload does not move:
 *	a new MetricsListen applies at the next restart. The configuration's
 *	generation starts at 1 (metrics.h; main.c's reload counts on with
 *	metrics_reload()).
 *	runtime_store() and runtime_spf() return them; runtime_node() is
 *	this server's name, recorded in quarantine records.
 *	runtime_store_changed() tells a reload whether the new
 *	configuration asks for another store than the one open (a restart
 *	applies it). runtime_shutdown() stops the endpoint and the sweeper
 *	and frees the store and the checker.
 *
 *	The store is shared by every libmilter worker thread and by the
 *	sweeper: each call of it takes the caller's own struct store_err
 *	for its error text (store.h), never a text kept in the store.
 * DIAGNOSTICS
 *	runtime_init() logs what failed (also a MetricsListen address in
 *	use) and returns -1, else 0.
 *	runtime_store_changed() returns 1 or 0. The sweeper logs a failed
 *	sweep and tries again at the next one.
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
