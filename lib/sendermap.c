/*
 * NAME
 *	sendermap 3
 * SUMMARY
 *	who owns which sender address (SenderLoginMap)
 * SYNOPSIS
 *	#include "sendermap.h"
 * DESCRIPTION
 *	See sendermap.h. Each entry keeps a normalised key: a kind letter
 *	(F user@domain, L bare local part, D @domain) followed by the local
 *	part in ASCII lower case and the domain. The kind letter keeps a
 *	quoted local part that contains "@" from meeting a full address.
 *	Entries sit in an array in file order (for sendermap_owned); an
 *	open-addressing hash table of indexes serves the lookups.
 * DIAGNOSTICS
 *	Problems in the file are collected in the caller's list, all of
 *	them, before the load fails. Maps are loaded with the configuration,
 *	never per session, and allocate through conf_realloc(): out of
 *	memory is an error of the load ("file:line: out of memory") that
 *	stops it, so a reload that runs out keeps the running configuration.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "conf_alloc.h"
#include "sendermap.h"
#include "strlist.h"
#include "textfile.h"

#define KEY_MAX		(ADDR_LOCAL_MAX * 4 + 1 + ADDR_DOMAIN_MAX + 2)
#define LOGIN_SEP	", \t"
#define BLANK		" \t"

struct entry {
	char   *key;			/* normalised, see DESCRIPTION */
	char   *shown;			/* as written back in replies */
	char  **logins;
	size_t	nlogins;
	int	line;
};

struct sendermap {
	struct entry *v;
	size_t	n;
	size_t	cap;
	size_t *slot;			/* index + 1; 0 is empty */
	size_t	nslot;			/* a power of two */
};

/* lower - ASCII lower case; UTF-8 octets are left alone */
static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* hash - FNV-1a */
static size_t
hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

/* make_key - kind letter, lower-cased local part (n octets), "@domain" */
static void
make_key(char *buf, char kind, const char *local, size_t n,
    const char *domain)
{
	size_t i, o = 0;

	buf[o++] = kind;
	for (i = 0; i < n; i++)
		buf[o++] = lower(local[i]);
	if (kind != 'L') {
		buf[o++] = '@';
		strcpy(buf + o, domain);
	} else
		buf[o] = '\0';
}

/* find - the entry with this normalised key, or NULL */
static const struct entry *
find(const struct sendermap *map, const char *key)
{
	size_t mask = map->nslot - 1, i;

	for (i = hash(key) & mask; map->slot[i] != 0; i = (i + 1) & mask)
		if (strcmp(map->v[map->slot[i] - 1].key, key) == 0)
			return &map->v[map->slot[i] - 1];
	return NULL;
}

/* insert - index entry idx; returns the entry already there, or NULL */
static const struct entry *
insert(struct sendermap *map, size_t idx)
{
	size_t mask = map->nslot - 1, i;
	const char *key = map->v[idx].key;

	for (i = hash(key) & mask; map->slot[i] != 0; i = (i + 1) & mask)
		if (strcmp(map->v[map->slot[i] - 1].key, key) == 0)
			return &map->v[map->slot[i] - 1];
	map->slot[i] = idx + 1;
	return NULL;
}

/* grow_table - keep the table at most half full; 0, or -1 out of memory */
static int
grow_table(struct sendermap *map)
{
	size_t i, nslot, *slot;

	if (map->nslot != 0 && map->n * 2 < map->nslot)
		return 0;
	nslot = map->nslot ? map->nslot * 2 : 64;
	if ((slot = conf_realloc(NULL, nslot * sizeof(*slot))) == NULL)
		return -1;
	memset(slot, 0, nslot * sizeof(*slot));
	free(map->slot);
	map->slot = slot;
	map->nslot = nslot;
	for (i = 0; i < map->n; i++)
		(void)insert(map, i);
	return 0;
}

/* out_of_memory - report it for the file, at line when known; -1 */
static int
out_of_memory(struct strlist *errors, const char *name, int line)
{
	if (line > 0)
		strlist_addf(errors, "%s:%d: out of memory", name, line);
	else
		strlist_addf(errors, "%s: out of memory", name);
	return -1;
}

/* entry_free - release what an entry holds */
static void
entry_free(struct entry *e)
{
	size_t j;

	for (j = 0; j < e->nlogins; j++)
		free(e->logins[j]);
	free(e->logins);
	free(e->key);
	free(e->shown);
}

/* entry_fill - e from its key and its logins (cut up in place); 0, or -1
 * out of memory with e released */
static int
entry_fill(struct entry *e, const char *key, const char *shown, char *logins,
    int line)
{
	char *tok, *save;

	memset(e, 0, sizeof(*e));
	e->line = line;
	/* at most one login per two octets, plus one */
	if ((e->key = conf_strndup(key, strlen(key))) == NULL ||
	    (e->shown = conf_strndup(shown, strlen(shown))) == NULL ||
	    (e->logins = conf_realloc(NULL,
	    (strlen(logins) / 2 + 1) * sizeof(*e->logins))) == NULL) {
		entry_free(e);
		return -1;
	}
	for (tok = strtok_r(logins, LOGIN_SEP, &save); tok != NULL;
	    tok = strtok_r(NULL, LOGIN_SEP, &save)) {
		if ((e->logins[e->nlogins] = conf_strndup(tok,
		    strlen(tok))) == NULL) {
			entry_free(e);
			return -1;
		}
		e->nlogins++;
	}
	return 0;
}

/* fail - set the message, return -1 */
static int
fail(const char **err_r, const char *msg)
{
	*err_r = msg;
	return -1;
}

/* parse_key - normalise a key as written in the file */
static int
parse_key(const char *text, char *key, char *shown, const char **err_r)
{
	char buf[ADDR_FORMAT_MAX + 2];
	struct addr a;

	if (text[0] == '<')
		return fail(err_r, "angle brackets are not part of a key");
	if (text[0] == '@') {
		/* addr_parse() normalises domains of whole addresses only */
		if (strlen(text) >= sizeof(buf) - 1)
			return fail(err_r, "domain too long");
		buf[0] = 'x';
		strcpy(buf + 1, text);
		if (addr_parse(buf, &a, err_r) < 0)
			return -1;
		make_key(key, 'D', "", 0, a.domain);
		snprintf(shown, ADDR_FORMAT_MAX + 1, "@%s", a.domain);
		return 0;
	}
	if (addr_parse(text, &a, err_r) < 0)
		return -1;
	if (a.null)
		return fail(err_r, "the null sender is not a key");
	make_key(key, a.domain[0] ? 'F' : 'L', a.local, strlen(a.local),
	    a.domain);
	if (addr_format(&a, shown, ADDR_FORMAT_MAX + 1) < 0)
		return fail(err_r, "key too long");
	return 0;
}

/* key_end - the end of the key: the first white space outside quotes */
static const char *
key_end(const char *p)
{
	int quoted = 0;

	for (; *p != '\0'; p++) {
		if (quoted && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == ' ' || *p == '\t'))
			break;
	}
	return p;
}

/* add_entry - parse one logical line; 0 or -1 with errors appended */
static int
add_entry(struct sendermap *map, const char *name, int line, char *text,
    struct strlist *errors)
{
	char key[KEY_MAX], shown[ADDR_FORMAT_MAX + 1], *end;
	const struct entry *dup;
	struct entry *v;
	const char *err;
	size_t cap;

	end = (char *)key_end(text);
	if (*end != '\0')
		*end++ = '\0';
	if (parse_key(text, key, shown, &err) < 0) {
		strlist_addf(errors, "%s:%d: bad key \"%s\": %s", name, line,
		    text, err);
		return -1;
	}
	end += strspn(end, LOGIN_SEP);
	if (*end == '\0') {
		strlist_addf(errors, "%s:%d: no logins for \"%s\"", name, line,
		    text);
		return -1;
	}
	if (*end == '#' || strstr(end, " #") != NULL ||
	    strstr(end, "\t#") != NULL || strstr(end, ",#") != NULL) {
		strlist_addf(errors, "%s:%d: a comment must be on a line of its "
		    "own", name, line);
		return -1;
	}
	if (map->n == map->cap) {
		cap = map->cap ? map->cap * 2 : 64;
		if ((v = conf_realloc(map->v, cap * sizeof(*v))) == NULL)
			return out_of_memory(errors, name, line);
		map->v = v;
		map->cap = cap;
	}
	if (grow_table(map) < 0 ||
	    entry_fill(&map->v[map->n], key, shown, end, line) < 0)
		return out_of_memory(errors, name, line);
	if ((dup = insert(map, map->n)) != NULL) {
		strlist_addf(errors, "%s:%d: duplicate key \"%s\" (first at "
		    "line %d)", name, line, text, dup->line);
		map->n++;
		return -1;
	}
	map->n++;
	return 0;
}

/* sendermap_free - release a map */
void
sendermap_free(struct sendermap *map)
{
	size_t i;

	if (map == NULL)
		return;
	for (i = 0; i < map->n; i++)
		entry_free(&map->v[i]);
	free(map->v);
	free(map->slot);
	free(map);
}

/* sendermap_parse - build a map from the text of a file called name */
struct sendermap *
sendermap_parse(const char *name, const char *text, struct strlist *errors)
{
	struct sendermap *map;
	char *logical = NULL, *more;
	size_t have = 0, n, ws;
	const char *p, *nl;
	int lineno = 0, start = 0, bad = 0, full = 0;

	if ((map = conf_realloc(NULL, sizeof(*map))) == NULL) {
		out_of_memory(errors, name, 0);
		return NULL;
	}
	memset(map, 0, sizeof(*map));
	if (grow_table(map) < 0) {
		out_of_memory(errors, name, 0);
		free(map);
		return NULL;
	}
	for (p = text; *p != '\0' && !full; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		lineno++;
		/* blank and comment lines do not end a continued entry */
		ws = strspn(p, BLANK);
		if (ws >= n || p[ws] == '#')
			continue;
		if (p[0] == ' ' || p[0] == '\t') {
			if (logical == NULL) {
				strlist_addf(errors, "%s:%d: continuation line "
				    "without an entry before it", name, lineno);
				bad = 1;
				continue;
			}
			more = conf_realloc(logical, have + n + 1);
			if (more == NULL) {
				out_of_memory(errors, name, lineno);
				full = 1;
				continue;
			}
			logical = more;
			memcpy(logical + have, p, n);
			logical[have += n] = '\0';
			continue;
		}
		if (logical != NULL &&
		    add_entry(map, name, start, logical, errors) < 0)
			bad = 1;
		free(logical);
		if ((logical = conf_realloc(NULL, n + 1)) == NULL) {
			out_of_memory(errors, name, lineno);
			full = 1;
			continue;
		}
		memcpy(logical, p, n);
		logical[have = n] = '\0';
		start = lineno;
	}
	if (!full && logical != NULL &&
	    add_entry(map, name, start, logical, errors) < 0)
		bad = 1;
	free(logical);
	if (bad || full) {
		sendermap_free(map);
		return NULL;
	}
	return map;
}

/* sendermap_load - read and parse a file */
struct sendermap *
sendermap_load(const char *path, struct strlist *errors)
{
	struct sendermap *map;
	char *text;

	if ((text = textfile_read(path, errors)) == NULL)
		return NULL;
	map = sendermap_parse(path, text, errors);
	free(text);
	return map;
}

/* strip_len - the length of the local part without its subaddress */
static size_t
strip_len(const struct sendermap_opts *o, const char *local)
{
	size_t n;

	if (o == NULL || o->subaddress_delimiter == NULL ||
	    o->subaddress_delimiter[0] == '\0')
		return strlen(local);
	n = strcspn(local, o->subaddress_delimiter);
	/* "+tag" alone has no user to strip down to */
	return n == 0 ? strlen(local) : n;
}

/* lookup - the entry that decides for addr, in Postfix's order */
static const struct entry *
lookup(const struct sendermap *map, const struct sendermap_opts *o,
    const struct addr *addr)
{
	char key[KEY_MAX];
	const struct entry *e;
	size_t full = strlen(addr->local), part = strip_len(o, addr->local);
	int local = addr->domain[0] == '\0' || (o != NULL &&
	    o->local_domains != NULL &&
	    strlist_contains_nocase(o->local_domains, addr->domain));

	if (addr->domain[0] != '\0') {
		make_key(key, 'F', addr->local, full, addr->domain);
		if ((e = find(map, key)) != NULL)
			return e;
		make_key(key, 'F', addr->local, part, addr->domain);
		if (part < full && (e = find(map, key)) != NULL)
			return e;
	}
	if (local) {
		make_key(key, 'L', addr->local, full, "");
		if ((e = find(map, key)) != NULL)
			return e;
		make_key(key, 'L', addr->local, part, "");
		if (part < full && (e = find(map, key)) != NULL)
			return e;
	}
	if (addr->domain[0] == '\0')
		return NULL;
	make_key(key, 'D', "", 0, addr->domain);
	return find(map, key);
}

/* login_addr - the login as an address, when LoginIsAddress applies */
static int
login_addr(const struct sendermap_opts *o, const char *login,
    struct addr *a)
{
	if (o == NULL || !o->login_is_address || login == NULL ||
	    strpbrk(login, "<> \t") != NULL || addr_parse(login, a, NULL) < 0)
		return 0;
	return !a->null && !a->routed && a->domain[0] != '\0';
}

/* same_local - ASCII case-insensitive equality of n octets and all of b */
static int
same_local(const char *a, size_t n, const char *b)
{
	return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

/* sendermap_owns - 1 if login may send as addr */
int
sendermap_owns(const struct sendermap *map, const struct sendermap_opts *o,
    const char *login, const struct addr *addr)
{
	const struct entry *e;
	struct addr self;
	size_t i;

	if (addr == NULL || addr->null || login == NULL || login[0] == '\0')
		return 0;
	if (login_addr(o, login, &self) &&
	    strcasecmp(self.domain, addr->domain) == 0 &&
	    (same_local(addr->local, strlen(addr->local), self.local) ||
	    same_local(addr->local, strip_len(o, addr->local), self.local)))
		return 1;
	if (map == NULL || (e = lookup(map, o, addr)) == NULL)
		return 0;
	for (i = 0; i < e->nlogins; i++)
		if (strcasecmp(e->logins[i], login) == 0)
			return 1;
	return 0;
}

/* append - add item to buf when it fits whole; 1 if added */
static int
append(char *buf, size_t len, size_t *used, size_t count, const char *item)
{
	size_t sep = count ? 2 : 0, n = strlen(item);

	if (*used + sep + n + 1 > len)
		return 0;
	if (sep)
		memcpy(buf + *used, ", ", sep);
	memcpy(buf + *used + sep, item, n + 1);
	*used += sep + n;
	return 1;
}

/* sendermap_owned - list what login may send as, as fits in buf */
size_t
sendermap_owned(const struct sendermap *map, const struct sendermap_opts *o,
    const char *login, char *buf, size_t len)
{
	char self_shown[ADDR_FORMAT_MAX];
	struct addr self;
	size_t count = 0, used = 0, i, j;
	int has_self = 0;

	if (buf == NULL || len == 0)
		return 0;
	buf[0] = '\0';
	if (login == NULL || login[0] == '\0')
		return 0;
	if (login_addr(o, login, &self) &&
	    addr_format(&self, self_shown, sizeof(self_shown)) == 0) {
		has_self = 1;
		if (!append(buf, len, &used, count, self_shown))
			return 0;
		count++;
	}
	for (i = 0; map != NULL && i < map->n; i++) {
		const struct entry *e = &map->v[i];

		if (has_self && strcasecmp(e->shown, self_shown) == 0)
			continue;
		for (j = 0; j < e->nlogins; j++)
			if (strcasecmp(e->logins[j], login) == 0)
				break;
		if (j == e->nlogins)
			continue;
		if (!append(buf, len, &used, count, e->shown))
			break;
		count++;
	}
	return count;
}
