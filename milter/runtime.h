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
 *	void runtime_shutdown(void);
 * DESCRIPTION
 *	Created once at start-up, before libmilter's threads: a reload
 *	swaps the configuration but keeps the quarantine records and the
 *	SPF server. runtime_node() is this server's name, recorded in
 *	quarantine records.
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
void	runtime_shutdown(void);

#endif
