/*
 * NAME
 *	store 3h
 * SUMMARY
 *	shared state: quarantine records behind one interface
 * SYNOPSIS
 *	#include "store.h"
 *
 *	struct store *store_memory_new(void);
 *	int store_quarantine_get(struct store *st, enum store_kind kind,
 *	    const char *key, time_t now, struct quarantine *q_r);
 *	int store_quarantine_put(struct store *st, enum store_kind kind,
 *	    const char *key, const struct quarantine *q, time_t now,
 *	    struct quarantine *merged_r);
 *	int store_quarantine_release(struct store *st, enum store_kind kind,
 *	    const char *key, time_t now);
 *	void store_free(struct store *st);
 * DESCRIPTION
 *	A store is a struct of function pointers (the backend) and an error
 *	text. Backends: memory (this process only; the default) and, for a
 *	cluster, Redis. Keys are opaque bytes: a canonical IP text or a
 *	login; backends never format them into command strings.
 *
 *	Time is passed in; records carry absolute expiry times and a backend
 *	treats an expired record as absent.
 *
 *	store_quarantine_put() creates a record or refreshes an existing
 *	one: first_seen and node kept, last_seen, reason, rule and evidence
 *	updated, hits incremented, expiry extended to q->expires. The
 *	resulting record goes to *merged_r (may be NULL).
 * DIAGNOSTICS
 *	1 found / 0 not found / -1 error for get and release; 0 / -1 for put.
 *	On -1, store_error() says what went wrong.
 */
#ifndef ISO_STORE_H
#define ISO_STORE_H

#include <time.h>

#include "rules.h"

enum store_kind {
	STORE_IP,
	STORE_LOGIN,
};

struct quarantine {
	enum rule_id rule;		/* the rule that raised it */
	char	reason[128];
	char	evidence[256];
	char	node[64];		/* the server that raised it */
	time_t	first_seen;
	time_t	last_seen;
	time_t	expires;
	unsigned long hits;
};

struct store;

struct store_ops {
	const char *name;
	int	(*quarantine_get)(struct store *, enum store_kind, const char *,
		    time_t, struct quarantine *);
	int	(*quarantine_put)(struct store *, enum store_kind, const char *,
		    const struct quarantine *, time_t, struct quarantine *);
	int	(*quarantine_release)(struct store *, enum store_kind,
		    const char *, time_t);
	void	(*free)(struct store *);
};

struct store {
	const struct store_ops *ops;
	char	error[256];
};

struct store *store_memory_new(void);

int	store_quarantine_get(struct store *st, enum store_kind kind,
	    const char *key, time_t now, struct quarantine *q_r);
int	store_quarantine_put(struct store *st, enum store_kind kind,
	    const char *key, const struct quarantine *q, time_t now,
	    struct quarantine *merged_r);
int	store_quarantine_release(struct store *st, enum store_kind kind,
	    const char *key, time_t now);
const char *store_error(const struct store *st);
const char *store_name(const struct store *st);
void	store_free(struct store *st);

#endif
